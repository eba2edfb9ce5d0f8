#include "tools/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mf::tools {
namespace {

using draw::Align;
using draw::Colour;
using draw::Font;

const Colour kWhite = draw::Rgb(0xffffff);
const Colour kInk = draw::Rgb(0x1e1e24);
const Colour kGrey = draw::Rgb(0x6e6e78);
const Colour kGrid = draw::Rgb(0xe1e2e8);
const Colour kBand = draw::Rgb(0xf4f5f8);
const Colour kAxis = draw::Rgb(0x464650);
const Colour kFair = draw::Rgb(0xc81e28);
const Colour kTotal = draw::Rgb(0x141419);
const Colour kNorms = draw::Rgb(0x3c6ed2);
const Colour kRules = draw::Rgb(0x28a050);
const Colour kProcedures = draw::Rgb(0xe6821e);

const Font kTitle{18, true};
const Font kSubtitle{12, false};
const Font kPanel{14, true};
const Font kLabel{12, false};
const Font kLabelBold{12, true};
const Font kValue{12, true};
const Font kSmall{11, false};

constexpr double kWidth = 960;  // At least; wider when seat names need it.
constexpr double kMargin = 24;
constexpr double kPlotHeight = 230;  // The role and regime plots.
constexpr double kMinSeatPlot = 300;
const std::vector<double> kDash = {7, 4};

std::string Pct(double v, const char* format = "%.1f%%") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, 100.0 * v);
  return buf;
}

std::string Thousands(long long v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return (v < 0 ? "-" : "") + s;
}

// A value axis from 0: its tick step and top (a whole number of ticks).
struct Axis {
  double tick = 0.1, top = 1;
};
Axis NiceAxis(double v, double cap = 1.0) {
  v = std::max(v, 0.01);
  for (double step : {0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0}) {
    const double n = std::ceil(v / step - 1e-9);
    if (n <= 6) return {step, std::min(cap, n * step)};
  }
  return {1.0, std::max(1.0, std::ceil(v))};
}

std::string TickLabel(double v, double step) {
  // Percent ticks: as many decimals as the step needs.
  return Pct(v,
             step < 0.01 - 1e-12 || std::fmod(step * 100 + 1e-9, 1.0) > 1e-6 ? "%.1f%%" : "%.0f%%");
}

std::vector<const WinStat*> RolesWithSeats(const Report& r) {
  std::vector<const WinStat*> roles;
  for (const WinStat& w : r.roles)
    if (w.seats > 0) roles.push_back(&w);
  return roles;
}

std::string SeatLabel(const WinStat& w) {
  return w.name + " (" + w.role + ")";
}

// A seat outside 0.5x-1.5x its fair share (ShareVerdict), drawn in bold.
bool SeatOutside(const WinStat& w) {
  return std::string(ShareVerdict(w)) != "level";
}

// The seat's win rate, its interval, its share of the fair share and its
// verdict: "12.0%  [8.2–17.2%]  0.96×  level".
std::string SeatValue(const WinStat& w) {
  char share[32];
  std::snprintf(share, sizeof share, "%.2f×", ShareRatio(w));
  return Pct(w.win_rate) + "  [" + Pct(w.ci95.low, "%.1f") + "–" + Pct(w.ci95.high) + "]  " +
         share + "  " + ShareVerdict(w);
}

std::string Subtitle(const Report& r) {
  std::string s = "bots " + r.bots + "  ·  " + Thousands(r.num_seats) + " seats, " +
                  Thousands(r.cycles) + " cycles  ·  rejected bot actions " +
                  Thousands(r.rejected) + " of " + Thousands(r.actions);
  if (r.unfinished) s += "  ·  unfinished games " + Thousands(r.unfinished);
  return s;
}

std::string Findings(const Report& r) {
  std::string roles, seats;
  for (const Imbalance& im : r.imbalances) {
    std::string& part = im.kind == "role" ? roles : seats;
    part += (part.empty() ? "" : ", ") + im.name + (im.favoured ? " (+)" : " (−)");
  }
  return "Outside the fair share (95% interval, + favoured, − disfavoured): roles: " +
         (roles.empty() ? std::string("none") : roles) +
         "; seats: " + (seats.empty() ? std::string("none") : seats) + ".";
}

// Vertical positions of the parts, shared by the layout and the drawing.
struct Rows {
  double title = 0, subtitle = 0;
  std::vector<std::string> subtitle_lines;
  double panel_titles = 0;
  double seat_title = 0, seat_legend = 0;
  std::vector<std::string> seat_title_lines;
  double label_column = 0, value_column = 0, row_height = 0;
};

std::string SeatTitle(const Report& r) {
  return "Win rate by seat, 95% interval, against the fair share 1/" + std::to_string(r.num_seats) +
         " = " + Pct(r.num_seats > 0 ? 1.0 / r.num_seats : 0);
}

// The whole layout; `rows` gets the text positions the drawing needs.
BalanceChartLayout Layout(const Report& r, Rows* rows) {
  draw::Document m(draw::Format::kPng, 1, 1);
  BalanceChartLayout L;
  L.margin = kMargin;

  // Seat columns first: they decide the width.
  double label_w = 0, value_w = 0;
  for (const WinStat& w : r.seats) {
    label_w = std::max(label_w, m.TextWidth(SeatLabel(w), SeatOutside(w) ? kLabelBold : kLabel));
    value_w = std::max(value_w, m.TextWidth(SeatValue(w), kLabel));
  }
  L.width = std::max(kWidth, 2 * kMargin + label_w + value_w + 2 * 14 + kMinSeatPlot);
  const double inner = L.width - 2 * kMargin;

  double y = kMargin;
  rows->title = y;
  y += m.LineHeight(kTitle) + 6;
  rows->subtitle = y;
  rows->subtitle_lines = m.Wrap(Subtitle(r), kSubtitle, inner);
  y += m.LineHeight(kSubtitle) * static_cast<double>(rows->subtitle_lines.size()) + 18;

  // Top row: roles (left half) and regime (right half).
  rows->panel_titles = y;
  y += m.LineHeight(kPanel) + 14;
  const double mid = kMargin + inner / 2;
  const double pct_w = m.TextWidth("100%", kSmall) + 8;
  const double num_w = m.TextWidth("0.00", kSmall) + 8;
  L.roles = {kMargin + pct_w, y, mid - 24 - (kMargin + pct_w), kPlotHeight};
  L.regime = {mid + 24 + num_w, y, L.width - kMargin - (mid + 24 + num_w), kPlotHeight};
  // Below the role plot: name, seats and fair share, then the legend.
  const double below_roles =
      8 + m.LineHeight(kLabelBold) + 2 + m.LineHeight(kSmall) + 14 + m.LineHeight(kLabel);
  // Below the regime plot: cycle numbers, axis title, two legend rows.
  const double below_regime =
      8 + m.LineHeight(kSmall) + 4 + m.LineHeight(kSmall) + 12 + 2 * (m.LineHeight(kLabel) + 6);
  y += kPlotHeight + std::max(below_roles, below_regime) + 26;

  // The seat panel: title, legend, one row per seat, the axis.
  rows->seat_title = y;
  rows->seat_title_lines = m.Wrap(SeatTitle(r), kPanel, inner);
  y += m.LineHeight(kPanel) * static_cast<double>(rows->seat_title_lines.size()) + 8;
  rows->seat_legend = y;
  y += m.LineHeight(kLabel) + 12;
  rows->label_column = label_w;
  rows->value_column = value_w;
  rows->row_height = std::max(20.0, m.LineHeight(kLabel) + 7);
  const double plot_x = kMargin + label_w + 14;
  L.seats = {plot_x, y, L.width - kMargin - value_w - 14 - plot_x,
             rows->row_height * static_cast<double>(r.seats.size())};
  for (size_t s = 0; s < r.seats.size(); ++s)
    L.seat_rows.push_back(y + rows->row_height * (static_cast<double>(s) + 0.5));
  double seat_max = r.num_seats > 0 ? 1.0 / r.num_seats : 0.1;
  for (const WinStat& w : r.seats) seat_max = std::max(seat_max, w.ci95.high);
  L.seat_axis_max = NiceAxis(seat_max + 0.005).top;
  y += L.seats.h + 8 + m.LineHeight(kSmall) + 4 + m.LineHeight(kSmall) + 20;

  // The findings, wrapped to the width.
  L.footer_top = y;
  L.footer_line_height = m.LineHeight(kLabel) + 3;
  L.footer_lines = m.Wrap(Findings(r), kLabel, inner);
  y += L.footer_line_height * static_cast<double>(L.footer_lines.size());
  L.height = std::ceil(y + kMargin);
  L.width = std::ceil(L.width);
  return L;
}

void DrawRoles(const Report& r, const ChartBox& b, draw::Document* d) {
  const std::vector<const WinStat*> roles = RolesWithSeats(r);
  double vmax = 0.1;
  for (const WinStat* w : roles) vmax = std::max({vmax, w->ci95.high, w->fair_share});
  const Axis axis = NiceAxis(vmax + 0.06);
  auto y = [&](double v) { return b.y + b.h - v / axis.top * b.h; };
  for (int i = 0; i * axis.tick <= axis.top + 1e-9; ++i) {
    const double v = i * axis.tick;
    d->Line(b.x, y(v), b.x + b.w, y(v), kGrid);
    d->Text(b.x - 8, y(v) - d->LineHeight(kSmall) / 2, TickLabel(v, axis.tick), kSmall, kGrey,
            Align::kRight);
  }
  d->Line(b.x, b.y - 4, b.x, b.y + b.h, kAxis, 1.5);
  d->Line(b.x, b.y + b.h, b.x + b.w, b.y + b.h, kAxis, 1.5);
  const double slot = b.w / static_cast<double>(std::max<size_t>(1, roles.size()));
  for (size_t i = 0; i < roles.size(); ++i) {
    const WinStat& w = *roles[i];
    const double cx = b.x + slot * (static_cast<double>(i) + 0.5);
    const double bw = std::min(70.0, slot * 0.5);
    d->Rect(cx - bw / 2, y(w.win_rate), bw, b.y + b.h - y(w.win_rate), RoleColour(w.name));
    // The 95% interval.
    d->Line(cx, y(w.ci95.low), cx, y(w.ci95.high), kInk, 2);
    d->Line(cx - bw / 6, y(w.ci95.low), cx + bw / 6, y(w.ci95.low), kInk, 2);
    d->Line(cx - bw / 6, y(w.ci95.high), cx + bw / 6, y(w.ci95.high), kInk, 2);
    // The fair share, dashed.
    d->Line(cx - slot * 0.42, y(w.fair_share), cx + slot * 0.42, y(w.fair_share), kFair, 2.5,
            kDash);
    const double top = std::min(y(w.ci95.high), y(w.fair_share));
    d->Text(cx, top - 6 - d->LineHeight(kValue), Pct(w.win_rate), kValue, kInk, Align::kCentre);
    const double below = b.y + b.h + 8;
    d->Text(cx, below, w.name, kLabelBold, kInk, Align::kCentre);
    d->Text(cx, below + d->LineHeight(kLabelBold) + 2,
            std::to_string(w.seats) + (w.seats == 1 ? " seat" : " seats") + ", fair " +
                Pct(w.fair_share),
            kSmall, kGrey, Align::kCentre);
  }
  // Legend.
  const double ly = b.y + b.h + 8 + d->LineHeight(kLabelBold) + 2 + d->LineHeight(kSmall) + 14;
  const double lh = d->LineHeight(kLabel);
  d->Line(b.x, ly + lh / 2, b.x + 32, ly + lh / 2, kFair, 2.5, kDash);
  double x = b.x + 40 + d->Text(b.x + 40, ly, "fair share", kLabel, kInk) + 24;
  d->Line(x, ly, x, ly + lh, kInk, 2);
  d->Line(x - 4, ly, x + 4, ly, kInk, 2);
  d->Line(x - 4, ly + lh, x + 4, ly + lh, kInk, 2);
  d->Text(x + 10, ly, "95% interval", kLabel, kInk);
}

void DrawRegime(const Report& r, const ChartBox& b, draw::Document* d) {
  double vmax = 0.1;
  for (const CycleMean& c : r.cycle_means)
    vmax = std::max({vmax, c.mean.regime, c.mean.norms, c.mean.rules, c.mean.procedures});
  const Axis axis = NiceAxis(vmax + 0.02);
  auto y = [&](double v) { return b.y + b.h - v / axis.top * b.h; };
  for (int i = 0; i * axis.tick <= axis.top + 1e-9; ++i) {
    const double v = i * axis.tick;
    d->Line(b.x, y(v), b.x + b.w, y(v), kGrid);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    d->Text(b.x - 8, y(v) - d->LineHeight(kSmall) / 2, buf, kSmall, kGrey, Align::kRight);
  }
  d->Line(b.x, b.y - 4, b.x, b.y + b.h, kAxis, 1.5);
  d->Line(b.x, b.y + b.h, b.x + b.w, b.y + b.h, kAxis, 1.5);
  const size_t n = r.cycle_means.size();
  auto x = [&](size_t i) {
    return n <= 1 ? b.x + b.w / 2
                  : b.x + 20 + (b.w - 40) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  const size_t label_every = n > 12 ? 2 : 1;
  for (size_t i = 0; i < n; ++i) {
    d->Line(x(i), b.y + b.h, x(i), b.y + b.h + 5, kAxis, 1.5);
    if (i % label_every == 0 || i + 1 == n)
      d->Text(x(i), b.y + b.h + 8, std::to_string(r.cycle_means[i].cycle), kSmall, kGrey,
              Align::kCentre);
  }
  const double axis_title = b.y + b.h + 8 + d->LineHeight(kSmall) + 4;
  d->Text(b.x + b.w / 2, axis_title, "forum cycle (mean over games)", kSmall, kGrey,
          Align::kCentre);
  struct Series {
    const char* name;
    Colour colour;
    double width;
    double CycleRecord::*field;
  };
  const Series series[] = {{"norms", kNorms, 2, &CycleRecord::norms},
                           {"decision rules", kRules, 2, &CycleRecord::rules},
                           {"procedures", kProcedures, 2, &CycleRecord::procedures},
                           {"total", kTotal, 3.5, &CycleRecord::regime}};
  for (const Series& s : series) {
    std::vector<double> xy;
    for (size_t i = 0; i < n; ++i) {
      xy.push_back(x(i));
      xy.push_back(y(r.cycle_means[i].mean.*s.field));
    }
    d->Polyline(xy, s.colour, s.width);
    for (size_t i = 0; i + 1 < xy.size(); i += 2) d->Dot(xy[i], xy[i + 1], s.width + 0.5, s.colour);
  }
  // Legend: two rows of two.
  const double ly = axis_title + d->LineHeight(kSmall) + 12;
  const double lh = d->LineHeight(kLabel) + 6;
  for (int i = 0; i < 4; ++i) {
    const Series& s = series[3 - i];
    const double lx = b.x + (i % 2) * (b.w / 2), row = ly + (i / 2) * lh;
    const double mid = row + d->LineHeight(kLabel) / 2;
    d->Line(lx, mid, lx + 28, mid, s.colour, s.width);
    d->Text(lx + 36, row, s.name, kLabel, kInk);
  }
}

void DrawSeats(const Report& r, const BalanceChartLayout& L, const Rows& rows, draw::Document* d) {
  const ChartBox& b = L.seats;
  const double fair = r.num_seats > 0 ? 1.0 / r.num_seats : 0;
  const Axis axis = NiceAxis(L.seat_axis_max);
  auto x = [&](double v) { return b.x + v / L.seat_axis_max * b.w; };
  // Legend: the roles' colours, the fair share, the interval.
  double lx = b.x;
  const double ly = rows.seat_legend, lh = d->LineHeight(kLabel);
  for (const WinStat* w : RolesWithSeats(r)) {
    d->Dot(lx + 5, ly + lh / 2, 5, RoleColour(w->name));
    lx += 14 + d->Text(lx + 14, ly, w->name, kLabel, kInk) + 20;
  }
  d->Line(lx, ly, lx, ly + lh, kFair, 2.5, kDash);
  lx += 8 + d->Text(lx + 8, ly, "fair share", kLabel, kInk) + 20;
  d->Line(lx, ly + lh / 2, lx + 30, ly + lh / 2, kInk, 2);
  d->Dot(lx + 15, ly + lh / 2, 4, kInk);
  d->Text(lx + 38, ly, "win rate and 95% interval", kLabel, kInk);

  for (size_t s = 0; s < r.seats.size(); ++s)
    if (s % 2 == 0)
      d->Rect(kMargin, L.seat_rows[s] - rows.row_height / 2, L.width - 2 * kMargin, rows.row_height,
              kBand);
  for (int i = 0; i * axis.tick <= L.seat_axis_max + 1e-9; ++i) {
    const double v = i * axis.tick;
    d->Line(x(v), b.y, x(v), b.y + b.h, kGrid);
    d->Text(x(v), b.y + b.h + 8, TickLabel(v, axis.tick), kSmall, kGrey, Align::kCentre);
  }
  d->Text(b.x + b.w / 2, b.y + b.h + 8 + d->LineHeight(kSmall) + 4,
          "share of games won by the seat", kSmall, kGrey, Align::kCentre);
  d->Line(b.x, b.y, b.x, b.y + b.h, kAxis, 1.5);
  d->Line(x(fair), b.y - 4, x(fair), b.y + b.h + 4, kFair, 2, kDash);
  for (size_t s = 0; s < r.seats.size(); ++s) {
    const WinStat& w = r.seats[s];
    const double cy = L.seat_rows[s];
    const Colour c = RoleColour(w.role);
    const bool flagged = SeatOutside(w);
    const double th = d->LineHeight(kLabel) / 2;
    d->Text(b.x - 14, cy - th, SeatLabel(w), flagged ? kLabelBold : kLabel, kInk, Align::kRight);
    d->Line(x(w.ci95.low), cy, x(w.ci95.high), cy, c, 2.5);
    d->Line(x(w.ci95.low), cy - 5, x(w.ci95.low), cy + 5, c, 2);
    d->Line(x(w.ci95.high), cy - 5, x(w.ci95.high), cy + 5, c, 2);
    d->Dot(x(w.win_rate), cy, 5, c);
    d->Text(b.x + b.w + 14, cy - th, SeatValue(w), kLabel, flagged ? kFair : kInk);
  }
}

}  // namespace

draw::Colour RoleColour(const std::string& role) {
  if (role == "source") return draw::Rgb(0xeb9632);
  if (role == "transit") return draw::Rgb(0x3caa96);
  if (role == "destination") return draw::Rgb(0x466ec8);
  return draw::Rgb(0x969696);
}

BalanceChartLayout LayoutBalanceChart(const Report& report) {
  Rows rows;
  return Layout(report, &rows);
}

void DrawBalanceChart(const Report& r, const BalanceChartLayout& L, draw::Document* d) {
  Rows rows;
  Layout(r, &rows);
  d->Fill(kWhite);
  d->Text(kMargin, rows.title,
          "Balance of " + r.scenario + ": " + Thousands(r.games) + " games, seed " +
              std::to_string(r.seed),
          kTitle, kInk);
  double y = rows.subtitle;
  for (const std::string& line : rows.subtitle_lines) {
    d->Text(kMargin, y, line, kSubtitle, kGrey);
    y += d->LineHeight(kSubtitle);
  }
  d->Text(kMargin, rows.panel_titles, "Win rate by role, 95% interval", kPanel, kInk);
  d->Text(L.regime.x - (L.roles.x - kMargin), rows.panel_titles, "Regime strength by cycle", kPanel,
          kInk);
  DrawRoles(r, L.roles, d);
  DrawRegime(r, L.regime, d);
  y = rows.seat_title;
  for (const std::string& line : rows.seat_title_lines) {
    d->Text(kMargin, y, line, kPanel, kInk);
    y += d->LineHeight(kPanel);
  }
  DrawSeats(r, L, rows, d);
  y = L.footer_top;
  for (const std::string& line : L.footer_lines) {
    d->Text(kMargin, y, line, kLabel, r.imbalances.empty() ? kGrey : kFair);
    y += L.footer_line_height;
  }
}

std::string BalanceChart(const Report& report, draw::Format format, std::string* error) {
  const BalanceChartLayout layout = LayoutBalanceChart(report);
  draw::Document doc(format, layout.width, layout.height);
  DrawBalanceChart(report, layout, &doc);
  return doc.Finish(error);
}

}  // namespace mf::tools
