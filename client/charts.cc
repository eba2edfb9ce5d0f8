#include "client/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "client/style.h"

namespace mf::client {
namespace {

std::string Num(double x, bool percent) {
  char buf[32];
  if (percent)
    std::snprintf(buf, sizeof(buf), "%d%%", static_cast<int>(std::lround(x * 100)));
  else if (std::fabs(x) >= 100)
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  else
    std::snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

Rect Frame(Ui& ui, Rect r, const std::string& title) {
  ui.Box(r, colour::kPanel, ui.P(8), colour::kBorder, ui.P(1));
  Rect in = r.Inset(ui.P(10), ui.P(8));
  ui.TextIn(title, in.TakeTop(ui.P(18)), 12, colour::kMuted, true);
  return in;
}

}  // namespace

void LineChart(Ui& ui, Rect r, const std::string& title, const std::vector<Series>& series,
               double lo, double hi, const std::vector<std::string>& x_labels, bool percent,
               const std::string& mark) {
  Rect in = Frame(ui, r, title);
  // Legend.
  Rect legend = in.TakeTop(ui.P(16));
  for (const Series& s : series) {
    const float w = ui.Measure(s.name, 11) + ui.P(22);
    if (w > legend.w) break;
    Rect item = legend.TakeLeft(w);
    ui.Box({item.x, item.centre().y - ui.P(2), ui.P(12), ui.P(4)}, s.colour, ui.P(2));
    ui.TextIn(s.name, {item.x + ui.P(15), item.y, item.w, item.h}, 11, colour::kMuted);
  }
  in.TakeTop(ui.P(4));
  Rect axis_x = in.TakeBottom(ui.P(16));
  Rect axis_y = in.TakeLeft(ui.P(36));
  Rect plot = in.Inset(ui.P(26), ui.P(4));
  plot.x -= ui.P(18);
  ui.Mark(mark, plot);
  if (hi <= lo) hi = lo + 1;
  auto Y = [&](double v) {
    return plot.b() - plot.h * static_cast<float>((std::clamp(v, lo, hi) - lo) / (hi - lo));
  };
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4.0;
    const float y = Y(v);
    ui.Box({plot.x, y, plot.w, ui.P(1)}, colour::kDisabled);
    ui.TextIn(Num(v, percent), {axis_y.x, y - ui.P(8), axis_y.w - ui.P(4), ui.P(16)}, 10,
              colour::kMuted, false, Align::kRight);
  }
  size_t points = 0;
  for (const Series& s : series) points = std::max(points, s.values.size());
  points = std::max(points, x_labels.size());
  if (points == 0) {
    ui.TextIn("No data yet", plot, 12, colour::kMuted, false, Align::kCentre);
    return;
  }
  auto X = [&](size_t i) {
    return points == 1 ? plot.centre().x
                       : plot.x + plot.w * static_cast<float>(i) / static_cast<float>(points - 1);
  };
  for (size_t i = 0; i < x_labels.size(); ++i)
    ui.TextIn(x_labels[i], {X(i) - ui.P(30), axis_x.y, ui.P(60), axis_x.h}, 10, colour::kMuted,
              false, Align::kCentre);
  for (const Series& s : series) {
    for (size_t i = 1; i < s.values.size(); ++i)
      ui.Line({X(i - 1), Y(s.values[i - 1])}, {X(i), Y(s.values[i])}, ui.P(3), s.colour);
    for (size_t i = 0; i < s.values.size(); ++i) {
      ui.Disc({X(i), Y(s.values[i])}, ui.P(4), s.colour, sf::Color::White, ui.P(1));
      Rect hit{X(i) - ui.P(6), Y(s.values[i]) - ui.P(6), ui.P(12), ui.P(12)};
      if (ui.Hover(hit))
        ui.Tip(s.name + (i < x_labels.size() ? ", " + x_labels[i] : "") + ": " +
               Num(s.values[i], percent));
    }
  }
}

void GroupedBars(Ui& ui, Rect r, const std::string& title,
                 const std::vector<std::string>& categories, const std::vector<Series>& series,
                 const std::string& unit, const std::string& mark) {
  Rect in = Frame(ui, r, title);
  Rect legend = in.TakeTop(ui.P(16));
  for (const Series& s : series) {
    const float w = ui.Measure(s.name, 11) + ui.P(22);
    if (w > legend.w) break;
    Rect item = legend.TakeLeft(w);
    ui.Box({item.x, item.centre().y - ui.P(5), ui.P(10), ui.P(10)}, s.colour, ui.P(2));
    ui.TextIn(s.name, {item.x + ui.P(14), item.y, item.w, item.h}, 11, colour::kMuted);
  }
  in.TakeTop(ui.P(4));
  Rect axis_x = in.TakeBottom(ui.P(16));
  Rect plot = in.Inset(ui.P(4), 0);
  ui.Mark(mark, plot);
  double hi = 0;
  for (const Series& s : series)
    for (double v : s.values) hi = std::max(hi, v);
  if (categories.empty() || hi <= 0) {
    ui.TextIn("No data yet", plot, 12, colour::kMuted, false, Align::kCentre);
    return;
  }
  ui.Box({plot.x, plot.b(), plot.w, ui.P(1)}, colour::kBorder);
  const float group_w = plot.w / static_cast<float>(categories.size());
  const float bar_w =
      std::min(ui.P(40), group_w * 0.8f / static_cast<float>(std::max<size_t>(1, series.size())));
  for (size_t c = 0; c < categories.size(); ++c) {
    const float gx = plot.x + group_w * static_cast<float>(c) + group_w / 2 -
                     bar_w * static_cast<float>(series.size()) / 2;
    for (size_t s = 0; s < series.size(); ++s) {
      if (c >= series[s].values.size()) continue;
      const double v = series[s].values[c];
      const float h = (plot.h - ui.P(14)) * static_cast<float>(v / hi);
      Rect bar{gx + bar_w * static_cast<float>(s), plot.b() - h, bar_w - ui.P(2), h};
      ui.Box(bar, series[s].colour, ui.P(2));
      if (ui.Hover(bar))
        ui.Tip(series[s].name + ", " + categories[c] + ": " + Num(v, false) + " " + unit);
    }
    ui.TextIn(categories[c],
              {plot.x + group_w * static_cast<float>(c), axis_x.y, group_w, axis_x.h}, 10,
              colour::kMuted, false, Align::kCentre);
  }
}

void DeltaBars(Ui& ui, Rect r, const std::string& title, const std::vector<std::string>& labels,
               const std::vector<double>& values, const std::vector<sf::Color>& colours,
               bool percent, const std::string& mark) {
  Rect in = Frame(ui, r, title);
  ui.Mark(mark, in);
  if (labels.empty()) return;
  double span = 1e-9;
  for (double v : values) span = std::max(span, std::fabs(v));
  const int n = static_cast<int>(labels.size());
  // Two columns when there are many states.
  const int cols = n > 16 ? 2 : 1;
  const int rows = (n + cols - 1) / cols;
  const float row_h = std::min(ui.P(20), in.h / static_cast<float>(rows));
  const float col_w = in.w / static_cast<float>(cols);
  const float size = std::min(11.0f, row_h / ui.s * 0.62f);
  for (int i = 0; i < n; ++i) {
    Rect row{in.x + col_w * static_cast<float>(i / rows),
             in.y + row_h * static_cast<float>(i % rows), col_w - ui.P(6), row_h};
    Rect name = row.TakeLeft(row.w * 0.38f);
    Rect val = row.TakeRight(ui.P(40));
    ui.TextIn(labels[i], name, size, colour::kText);
    const float mid = row.x + row.w / 2;
    const float w = row.w / 2 * static_cast<float>(values[i] / span);
    Rect bar{w >= 0 ? mid : mid + w, row.y + row_h * 0.2f, std::fabs(w), row_h * 0.6f};
    ui.Box({mid, row.y, ui.P(1), row_h}, colour::kFaint);
    ui.Box(bar, i < static_cast<int>(colours.size()) ? colours[i] : colour::kAccent, ui.P(2));
    const std::string text = (values[i] > 0 ? "+" : "") + Num(values[i], percent);
    ui.TextIn(text, val, size, values[i] < 0 ? colour::kBad : colour::kGood, false, Align::kRight);
  }
}

void TrustNetwork(Ui& ui, Rect r, const mf::View& v, const std::string& mark) {
  Rect in = Frame(ui, r, "TRUST NETWORK: THE STRONGEST MUTUAL TIES (DOT SIZE = HOW TRUSTED)");
  ui.Mark(mark, in);
  const int n = v.seats_size();
  if (n == 0 || v.trust_size() < n * n) return;
  const sf::Vector2f c = in.centre();
  const float rad = std::min(in.w, in.h) / 2 - ui.P(n > 16 ? 26 : 34);
  std::vector<sf::Vector2f> pos;
  for (int i = 0; i < n; ++i) {
    const float a = static_cast<float>(-M_PI / 2 + 2 * M_PI * i / n);
    pos.push_back({c.x + rad * std::cos(a), c.y + rad * std::sin(a)});
  }
  // The strongest ties only: mutual trust in the top quarter of all pairs
  // (and at least one half), so that the picture shows who is close to whom.
  std::vector<double> all;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) all.push_back(std::min(v.trust(i * n + j), v.trust(j * n + i)));
  std::sort(all.begin(), all.end());
  const double cut = std::max(0.5, all.empty() ? 0.5 : all[all.size() * 3 / 4]);
  const double top = all.empty() ? 1.0 : std::max(cut + 1e-6, all.back());
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double mutual = std::min(v.trust(i * n + j), v.trust(j * n + i));
      if (mutual < cut) continue;
      const float t = static_cast<float>(std::clamp((mutual - cut) / (top - cut), 0.0, 1.0));
      ui.Line(pos[i], pos[j], ui.P(0.8f + 3.0f * t),
              WithAlpha(Mix(colour::kFaint, colour::kAccentDark, t),
                        static_cast<sf::Uint8>(60 + 170 * t)));
    }
  for (int i = 0; i < n; ++i) {
    const mf::SeatPublic& s = v.seats(i);
    const float nr = ui.P((n > 16 ? 5.0f : 8.0f) +
                          8.0f * static_cast<float>(std::clamp(s.reputation(), 0.0, 1.0)));
    ui.Disc(pos[i], nr, RoleColour(s.role()), sf::Color::White, ui.P(1.5f));
    sf::Vector2f d = pos[i] - c;
    const float len = std::max(1.0f, std::sqrt(d.x * d.x + d.y * d.y));
    const sf::Vector2f lp = pos[i] + d / len * (nr + ui.P(10));
    const float w = ui.P(n > 16 ? 70 : 96);
    Align al = d.x > ui.P(10) ? Align::kLeft : d.x < -ui.P(10) ? Align::kRight : Align::kCentre;
    Rect lr{al == Align::kLeft    ? lp.x - ui.P(4)
            : al == Align::kRight ? lp.x - w + ui.P(4)
                                  : lp.x - w / 2,
            lp.y - ui.P(8), w, ui.P(16)};
    const size_t of = s.name().rfind(" of ");
    const std::string label = of == std::string::npos ? s.name() : s.name().substr(of + 4);
    ui.TextIn(label, lr, n > 16 ? 9.5f : 11, colour::kText, false, al);
    if (ui.Hover({pos[i].x - nr, pos[i].y - nr, 2 * nr, 2 * nr}))
      ui.Tip(s.name() + ": trusted " + Num(s.reputation(), true) + " on average");
  }
}

void TrustHeatmap(Ui& ui, Rect r, const mf::View& v, const std::string& mark) {
  Rect in = Frame(ui, r, "TRUST: ROW TRUSTS COLUMN (DARKER = MORE)");
  const int n = v.seats_size();
  if (n == 0 || v.trust_size() < n * n) return;
  const float cell =
      std::min((in.w - ui.P(40)) / static_cast<float>(n), in.h / static_cast<float>(n));
  Rect grid{in.x + ui.P(40), in.y, cell * static_cast<float>(n), cell * static_cast<float>(n)};
  ui.Mark(mark, grid);
  for (int i = 0; i < n; ++i) {
    ui.TextIn(v.seats(i).id(), {in.x, grid.y + cell * static_cast<float>(i), ui.P(36), cell},
              std::min(10.0f, cell / ui.s * 0.8f), colour::kMuted, false, Align::kRight);
    for (int j = 0; j < n; ++j) {
      const double t = v.trust(i * n + j);
      Rect c{grid.x + cell * static_cast<float>(j), grid.y + cell * static_cast<float>(i),
             cell - ui.P(1), cell - ui.P(1)};
      ui.Box(c, i == j ? colour::kDisabled
                       : Mix(sf::Color(240, 244, 248), colour::kAccentDark, static_cast<float>(t)));
      if (ui.Hover(c) && i != j)
        ui.Tip(v.seats(i).name() + " trusts " + v.seats(j).name() + ": " + Num(t, true));
    }
  }
}

}  // namespace mf::client
