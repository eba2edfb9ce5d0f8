// The debrief page's SVG charts, drawn from the model (debrief_charts.h),
// and the formatting helpers the page (debrief_html.cc) shares with them.
#include "tools/debrief_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <map>

namespace mf::tools::debrief::html {

// ---- Formatting --------------------------------------------------------------------

std::string F(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string Esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(int v) {
  return std::to_string(v);
}
std::string Pct(double v) {
  return Num(static_cast<int>(std::lround(v * 100)));
}

namespace {

const char* RoleColour(mf::Role r) {
  switch (r) {
    case mf::SOURCE:
      return "#e69f00";
    case mf::TRANSIT:
      return "#cc79a7";
    case mf::DESTINATION:
      return "#0072b2";
    default:
      return "#9aa0a6";
  }
}

}  // namespace

const char* VoteClass(mf::VoteChoice v) {
  switch (v) {
    case mf::SUPPORT:
      return "v-sup";
    case mf::STAND_ASIDE:
      return "v-aside";
    case mf::OBJECT:
      return "v-obj";
    default:
      return "v-none";
  }
}

namespace {

// Red (0) -> amber (0.5) -> green (1).
std::string Heat(double v) {
  v = std::clamp(v, 0.0, 1.0);
  const double a[3] = {209, 68, 59}, b[3] = {244, 213, 110}, c[3] = {46, 157, 79};
  double out[3];
  for (int k = 0; k < 3; ++k)
    out[k] = v < 0.5 ? a[k] + (b[k] - a[k]) * v * 2 : b[k] + (c[k] - b[k]) * (v - 0.5) * 2;
  return F("#%02x%02x%02x", static_cast<int>(out[0]), static_cast<int>(out[1]),
           static_cast<int>(out[2]));
}

std::string Code(const rules::Scenario& sc, int s) {
  std::string u = sc.seats()[s].id.substr(0, 3);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

std::string Player(const Model& m, int seat) {
  if (seat >= 0 && static_cast<size_t>(seat) < m.record.players.size() &&
      !m.record.players[seat].empty())
    return m.record.players[seat];
  if (seat >= 0 && static_cast<size_t>(seat) < m.record.strategies.size() &&
      !m.record.strategies[seat].empty())
    return "bot (" + m.record.strategies[seat] + ")";
  return "";
}

std::string SeatChip(const rules::Scenario& sc, int s, const char* cls) {
  return F("<span class=\"chip %s\"><i style=\"background:%s\"></i>", cls,
           RoleColour(sc.seats()[s].role)) +
         Esc(ShortName(sc, s)) + "</span>";
}

std::string WhenText(int64_t ms) {
  if (ms <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string Clock(int64_t ms) {
  if (ms <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

// ---- Charts ------------------------------------------------------------------------

namespace {

std::string SvgOpen(int w, int h, const std::string& cls, const std::string& label) {
  return F("<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
           "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
           cls.c_str(), w, h, w, h) +
         Esc(label) + "\">";
}

std::string Text(double x, double y, const std::string& s, const char* extra = "") {
  return F("<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, extra) + Esc(s) + "</text>";
}

}  // namespace

// Final ranking: a bar per seat, best first, coloured by role.
std::string RankingChart(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  const int n = sc.num_seats();
  std::vector<int> order(static_cast<size_t>(n));
  for (int s = 0; s < n; ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return m.scores[a].rank < m.scores[b].rank; });
  size_t longest = 0;
  for (int k = 0; k < n; ++k) longest = std::max(longest, ShortName(sc, k).size() + 4);
  const int row = n > 16 ? 18 : 26, width = 270, top = 24;
  const int left = 12 + static_cast<int>(6.9 * static_cast<double>(longest));
  const int h = top + row * n + 26;
  const int w = left + width + 60;
  std::string s = SvgOpen(w, h, "chart ranking", "Final ranking: score out of 100 per state");
  auto x_of = [&](double v) { return left + width * std::clamp(v, 0.0, 100.0) / 100.0; };
  for (int v = 0; v <= 100; v += 25) {
    const double x = x_of(v);
    s += F("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"%s\"/>", x, top - 4, x,
           top + row * n, v == 50 ? "ref" : "grid");
    s += Text(x, top + row * n + 16, Num(v), "class=\"axis\" text-anchor=\"middle\"");
  }
  s += Text(x_of(50), 14, "start level", "class=\"axis\" text-anchor=\"middle\"");
  for (int k = 0; k < n; ++k) {
    const int seat = order[k];
    const double y = top + row * k;
    const double total = m.scores[seat].total;
    s += Text(left - 8, y + row * 0.68, Num(m.scores[seat].rank) + ". " + ShortName(sc, seat),
              "class=\"lbl\" text-anchor=\"end\"");
    s += F("<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" fill=\"%s\"/>", left,
           y + 3, std::max(1.0, x_of(total) - left), row - 6.0, RoleColour(sc.seats()[seat].role));
    s += Text(x_of(total) + 6, y + row * 0.68, F("%.1f", total), "class=\"val\"");
  }
  return s + "</svg>";
}

// Trust as a network: states on an ellipse, an edge per pair whose opacity
// and width grow with their mutual trust, node size by reputation.
std::string TrustNetwork(const Model& m, const CycleSnapshot& c, int w, int h, bool codes) {
  const rules::Scenario& sc = *m.scenario;
  const int n = sc.num_seats();
  const double cx = w / 2.0, cy = (h - 18) / 2.0 + 2;
  const double rx = w / 2.0 - (codes ? 34 : 74), ry = (h - 18) / 2.0 - 30;
  std::string label = c.cycle == 0 ? "Trust at the start" : "Trust after cycle " + Num(c.cycle);
  std::string s = SvgOpen(w, h, "chart trust", label);
  std::vector<double> xs(static_cast<size_t>(n)), ys(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double a = -M_PI / 2 + 2 * M_PI * i / n;
    xs[i] = cx + rx * std::cos(a);
    ys[i] = cy + ry * std::sin(a);
  }
  auto t = [&](int i, int j) { return c.trust[static_cast<size_t>(i * n + j)]; };
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      // With many states only the strong ties are drawn (else a hairball).
      const double mutual = (t(i, j) + t(j, i)) / 2;
      const double op = n > 16 ? std::clamp((mutual - 0.6) / 0.35, 0.0, 1.0)
                               : std::clamp((mutual - 0.15) / 0.75, 0.0, 1.0);
      if (op < 0.04) continue;
      s += F("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
             "stroke-opacity=\"%.2f\" stroke-width=\"%.1f\"><title>",
             xs[i], ys[i], xs[j], ys[j], kEdge, op * op, (n > 16 ? 0.5 : 0.6) + 3.2 * op * op) +
           Esc(ShortName(sc, i) + " \xe2\x86\x94 " + ShortName(sc, j)) +
           F(": trust %s and %s</title></line>", Pct(t(i, j)).c_str(), Pct(t(j, i)).c_str());
    }
  for (int i = 0; i < n; ++i) {
    double rep = 0;
    for (int j = 0; j < n; ++j)
      if (j != i) rep += t(j, i);
    rep /= std::max(1, n - 1);
    const double r = (n > 16 ? 4.0 : 6.0) + (n > 16 ? 5.0 : 8.0) * rep;
    s += F("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#fff\" "
           "stroke-width=\"1.5\"><title>",
           xs[i], ys[i], r, RoleColour(sc.seats()[i].role)) +
         Esc(sc.seats()[i].name) +
         F(": trusted %s/100 by the others</title></circle>", Pct(rep).c_str());
    const double ca = (xs[i] - cx) / rx, sa = (ys[i] - cy) / ry;
    const double lx = xs[i] + (r + 4) * ca, ly = ys[i] + (r + 4) * sa;
    const char* anchor = ca > 0.3 ? "start" : ca < -0.3 ? "end" : "middle";
    const double dy = sa > 0.3 ? 10 : sa < -0.3 ? -3 : 4;
    s += Text(lx, ly + dy, codes ? Code(sc, i) : ShortName(sc, i).substr(0, 11),
              F("class=\"node\" text-anchor=\"%s\"", anchor).c_str());
  }
  s += Text(cx, h - 4, label + F(" \xc2\xb7 mean %s/100", Pct(c.mean_trust).c_str()),
            "class=\"cap\" text-anchor=\"middle\"");
  return s + "</svg>";
}

// A line chart over the cycles (x = 0 start .. K), y in 0..1.
std::string LineChart(const std::string& cls, const std::string& label,
                      const std::vector<Series>& series, int w, int h) {
  const int left = 40, right = 150, top = 14, bottom = 30;
  const int pw = w - left - right, ph = h - top - bottom;
  size_t points = 0;
  for (const Series& s : series) points = std::max(points, s.values.size());
  std::string s = SvgOpen(w, h, "chart " + cls, label);
  double ymax = 0;
  for (const Series& se : series)
    for (double v : se.values) ymax = std::max(ymax, v);
  const double top_value = ymax > 0.5 ? 1.0 : ymax > 0.25 ? 0.5 : 0.25;
  auto X = [&](size_t i) {
    return left +
           (points > 1 ? pw * static_cast<double>(i) / static_cast<double>(points - 1) : pw / 2.0);
  };
  auto Y = [&](double v) { return top + ph * (1 - std::clamp(v / top_value, 0.0, 1.0)); };
  for (int k = 0; k <= 4; ++k) {
    const double v = top_value * k / 4;
    s += F("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>", left, Y(v),
           left + pw, Y(v));
    s += Text(left - 6, Y(v) + 4, Num(static_cast<int>(std::lround(v * 100))),
              "class=\"axis\" text-anchor=\"end\"");
  }
  for (size_t i = 0; i < points; ++i)
    s += Text(X(i), top + ph + 18, i == 0 ? "start" : "cycle " + Num(static_cast<int>(i)),
              "class=\"axis\" text-anchor=\"middle\"");
  int legend = 0;
  for (const Series& se : series) {
    std::string pts;
    for (size_t i = 0; i < se.values.size(); ++i) pts += F("%.1f,%.1f ", X(i), Y(se.values[i]));
    s +=
        F("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\" "
          "points=\"%s\"/>",
          se.colour, se.thick ? "3.5" : "2", pts.c_str());
    for (size_t i = 0; i < se.values.size(); ++i)
      s += F("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>", X(i), Y(se.values[i]),
             se.thick ? "5" : "4", se.colour) +
           Esc(se.name) + ": " + Pct(se.values[i]) + "/100</title></circle>";
    const double ly = top + 10 + legend * 20;
    s += F("<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"10\" rx=\"2\" fill=\"%s\"/>",
           left + pw + 14, ly - 9, se.colour);
    s += Text(left + pw + 33, ly, se.name, "class=\"lbl\"");
    ++legend;
  }
  return s + "</svg>";
}

// Flows per corridor: legal and irregular flows at the start and after each
// cycle, stacked, one small chart per corridor on a shared scale.
std::string FlowsChart(const Model& m, int corridor, double scale) {
  const rules::Scenario& sc = *m.scenario;
  const rules::CorridorData& cd = sc.corridors()[corridor];
  const int w = 250, h = 170, left = 34, top = 34, bottom = 22;
  const int ph = h - top - bottom, pw = w - left - 10;
  const size_t k = m.snapshots.size();
  std::string route = ShortName(sc, cd.origin) + " \xe2\x86\x92 " +
                      (cd.transit >= 0 ? ShortName(sc, cd.transit) + " \xe2\x86\x92 " : "") +
                      ShortName(sc, cd.destination);
  if (route.size() > 36)
    route = Code(sc, cd.origin) + " \xe2\x86\x92 " +
            (cd.transit >= 0 ? Code(sc, cd.transit) + " \xe2\x86\x92 " : "") +
            Code(sc, cd.destination);
  std::string s = SvgOpen(w, h, "chart flows", "Flows on corridor " + cd.id + ": " + route);
  s += Text(4, 14, route, "class=\"lbl b\"");
  for (int g = 0; g <= 2; ++g) {
    const double y = top + ph - ph * g / 2.0;
    s += F("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>", left, y, left + pw,
           y);
    s += Text(left - 4, y + 4, F("%.0f", scale * g / 2), "class=\"axis\" text-anchor=\"end\"");
  }
  const double slot = static_cast<double>(pw) / static_cast<double>(std::max<size_t>(1, k));
  for (size_t i = 0; i < k; ++i) {
    const CycleSnapshot& c = m.snapshots[i];
    const double legal =
        corridor < static_cast<int>(c.corridor_legal.size()) ? c.corridor_legal[corridor] : 0;
    const double irr = corridor < static_cast<int>(c.corridor_irregular.size())
                           ? c.corridor_irregular[corridor]
                           : 0;
    const double x = left + slot * static_cast<double>(i) + slot * 0.18, bw = slot * 0.64;
    const double hl = ph * std::min(1.0, legal / scale), hi = ph * std::min(1.0, irr / scale);
    s +=
        F("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>legal "
          "%.0fk</title></rect>",
          x, top + ph - hl, bw, hl, kLegal, legal);
    s +=
        F("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>irregular "
          "%.0fk</title></rect>",
          x, top + ph - hl - hi, bw, hi, kIrregular, irr);
    s += Text(x + bw / 2, top + ph + 14, i == 0 ? "start" : "c" + Num(static_cast<int>(i)),
              "class=\"axis\" text-anchor=\"middle\"");
  }
  return s + "</svg>";
}

// Approval at home: a heat grid, one row per state, one column per moment.
std::string ApprovalChart(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  const int n = sc.num_seats();
  const int k = static_cast<int>(m.snapshots.size());
  const int left = 170, cw = 84, rh = n > 16 ? 18 : 24, top = 22;
  const int w = left + cw * k + 10, h = top + rh * n + 6;
  std::string s = SvgOpen(w, h, "chart approval", "Domestic approval per state and cycle");
  for (int i = 0; i < k; ++i)
    s += Text(left + cw * i + cw / 2.0, 15, i == 0 ? "start" : "after cycle " + Num(i),
              "class=\"axis\" text-anchor=\"middle\"");
  for (int r = 0; r < n; ++r) {
    const double y = top + rh * r;
    s += F("<rect x=\"%d\" y=\"%.1f\" width=\"6\" height=\"%d\" fill=\"%s\"/>", left - 166, y + 2,
           rh - 4, RoleColour(sc.seats()[r].role));
    s += Text(left - 8, y + rh * 0.68, ShortName(sc, r), "class=\"lbl\" text-anchor=\"end\"");
    for (int i = 0; i < k; ++i) {
      const std::vector<double>& ap = m.snapshots[i].approval;
      const double v = r < static_cast<int>(ap.size()) ? ap[r] : 0;
      s += F("<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
             left + cw * i + 1, y + 1, cw - 2, rh - 2, Heat(v).c_str());
      s += Text(left + cw * i + cw / 2.0, y + rh * 0.7, Pct(v) + "%",
                "class=\"cell\" text-anchor=\"middle\"");
    }
  }
  return s + "</svg>";
}

// The session in one strip: a band per cycle, a block per phase (width by
// the actions played in it), marks for adopted and failed texts.
std::string TimelineStrip(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  const int cycles = std::max(1, m.cycles_played + (m.finished ? 0 : 1));
  const int w = 1100, left = 70, rowh = 46, top = 8;
  const int h = top + rowh * cycles + 34;
  std::string s = SvgOpen(w, h, "chart strip", "The session, cycle by cycle");
  const int pw = w - left - 10;
  for (int c = 1; c <= cycles; ++c) {
    std::vector<const PhaseRec*> phases;
    int total = 0;
    for (const PhaseRec& p : m.phases)
      if (p.cycle == c && p.phase != mf::GAME_OVER) {
        phases.push_back(&p);
        total += std::max(1, p.end_entry - p.first_entry);
      }
    const double y = top + rowh * (c - 1);
    s += Text(4, y + 24, "Cycle " + Num(c), "class=\"lbl b\"");
    double x = left;
    for (const PhaseRec* p : phases) {
      const double bw = pw * std::max(1, p->end_entry - p->first_entry) /
                        std::max(1.0, static_cast<double>(total));
      const char* fill = "#dde3ea";
      std::string tag;
      switch (p->phase) {
        case mf::CIVIL_SOCIETY:
          fill = "#cfe3d8";
          tag = "CSD";
          break;
        case mf::STATEMENTS:
          fill = "#e4e8f4";
          tag = "S";
          break;
        case mf::DRAFTING:
          fill = "#d6ddf0";
          tag = "D";
          break;
        case mf::DECISION:
          fill = "#c4cfeb";
          tag = "V";
          break;
        case mf::RATIFICATION:
          fill = "#eadcf0";
          tag = "R";
          break;
        case mf::IMPLEMENTATION:
          fill = "#f2e6cf";
          tag = "I";
          break;
        default:
          break;
      }
      std::string title = std::string(rules::PhaseName(p->phase));
      if (p->theme >= 0) title += ": " + sc.themes()[p->theme].name;
      title += F(" (log entries %d\xe2\x80\x93%d)", p->first_entry, p->end_entry);
      s += F("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"30\" fill=\"%s\" stroke=\"#fff\" "
             "stroke-width=\"1.5\"><title>",
             x, y + 6, bw, fill) +
           Esc(title) + "</title></rect>";
      if (bw > 16) s += Text(x + bw / 2, y + 25, tag, "class=\"axis\" text-anchor=\"middle\"");
      if (p->phase == mf::DECISION) {
        for (const Item& it : m.items) {
          if (it.cycle != c || it.theme != p->theme || !it.decided) continue;
          const double mx = x + bw - 7;
          s += F("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\"><title>", mx, y + 6,
                 it.adopted ? "#2e9d4f" : "#d1443b") +
               Esc((it.adopted ? "Adopted: " : "Not adopted: ") + it.label) + "</title></circle>";
          s += Text(mx, y + 9.5, it.adopted ? "\xe2\x9c\x93" : "\xe2\x9c\x95",
                    "class=\"mark\" text-anchor=\"middle\"");
        }
      }
      x += bw;
    }
  }
  const double ly = top + rowh * cycles + 18;
  const char* keys[][2] = {{"#cfe3d8", "Civil Society Days"}, {"#e4e8f4", "Statements"},
                           {"#d6ddf0", "Drafting"},           {"#c4cfeb", "Decision"},
                           {"#eadcf0", "Ratification"},       {"#f2e6cf", "Implementation"}};
  double lx = left;
  for (const auto& k : keys) {
    s += F("<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, ly - 10,
           k[0]);
    s += Text(lx + 16, ly, k[1], "class=\"axis\"");
    lx += 30 + 7.0 * static_cast<double>(std::string(k[1]).size());
  }
  s += F("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"#2e9d4f\"/>", lx + 6, ly - 4);
  s += Text(lx + 16, ly, "adopted", "class=\"axis\"");
  s += F("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"#d1443b\"/>", lx + 86, ly - 4);
  s += Text(lx + 96, ly, "not adopted", "class=\"axis\"");
  s += Text(w - 10, ly, "width = actions played", "class=\"axis\" text-anchor=\"end\"");
  return s + "</svg>";
}

// One item's axis: its bands, the status quo, the statements (dots by
// role), the draft's path and the text put to the decision (a diamond).
std::string PositionStrip(const Model& m, const Item& it) {
  const rules::Scenario& sc = *m.scenario;
  const rules::ThemeData& th = sc.themes()[it.theme];
  const int w = 1040, left = 24, pw = w - 48, h = 96;
  auto X = [&](double p) { return left + pw * std::clamp(p, 0.0, 100.0) / 100.0; };
  std::string s = SvgOpen(w, h, "chart axis", "Positions on " + th.name);
  for (const rules::ThemeData::Band& b : th.bands) {
    const double bw = X(b.high) - X(b.low);
    s += F("<rect x=\"%.1f\" y=\"28\" width=\"%.1f\" height=\"36\" fill=\"#f1f3f6\" "
           "stroke=\"#dfe3e8\"><title>",
           X(b.low), bw) +
         Esc(b.label) + F(" (%d\xe2\x80\x93%d)</title></rect>", b.low, b.high);
    if (bw > 6.2 * static_cast<double>(b.label.size()))
      s += Text(X(b.low) + bw / 2, 60, b.label, "class=\"band\" text-anchor=\"middle\"");
  }
  s += F("<line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"44\" stroke=\"#9aa0a6\" stroke-width=\"2\"/>",
         left, left + pw);
  for (int v = 0; v <= 100; v += 10)
    s += F("<line x1=\"%.1f\" y1=\"41\" x2=\"%.1f\" y2=\"47\" stroke=\"#9aa0a6\"/>", X(v), X(v));
  s +=
      F("<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"58\" class=\"ref\"><title>status quo "
        "%d</title></line>",
        X(th.status_quo), X(th.status_quo), th.status_quo);
  s += Text(left, 88, "0 \xc2\xb7 " + th.low_label, "class=\"axis\"");
  s += Text(left + pw, 88, th.high_label + " \xc2\xb7 100", "class=\"axis\" text-anchor=\"end\"");
  const double low_end = left + 6.0 * static_cast<double>(th.low_label.size() + 6);
  const double high_start = left + pw - 6.0 * static_cast<double>(th.high_label.size() + 8);
  if (X(th.status_quo) - 32 > low_end && X(th.status_quo) + 32 < high_start)
    s += Text(X(th.status_quo), 88, "status quo", "class=\"axis\" text-anchor=\"middle\"");
  // Statements above the line, stacked where they coincide.
  std::map<int, int> stack;
  for (const StatementRec& st : it.statements) {
    const int k = stack[st.position / 2]++;
    s += F("<circle cx=\"%.1f\" cy=\"%d\" r=\"5.5\" fill=\"%s\" stroke=\"#fff\"><title>",
           X(st.position), 20 - 8 * std::min(k, 2), RoleColour(sc.seats()[st.seat].role)) +
         Esc(sc.seats()[st.seat].name) + " states " + Num(st.position) + "</title></circle>";
  }
  // The draft's path, just below the line.
  double prev = -1;
  for (const DraftStep& step : it.steps) {
    const double x = X(step.after.position);
    if (prev >= 0 && std::fabs(prev - x) > 1)
      s +=
          F("<line x1=\"%.1f\" y1=\"72\" x2=\"%.1f\" y2=\"72\" stroke=\"#253446\" "
            "stroke-width=\"1.5\" marker-end=\"url(#arrow%d)\"/>",
            prev, x, it.text_id);
    s += F("<circle cx=\"%.1f\" cy=\"72\" r=\"3.5\" fill=\"#253446\"/>", x);
    prev = x;
  }
  if (it.decided || !it.steps.empty()) {
    const double x = X(it.final_text.position);
    const char* fill = !it.decided ? "#9aa0a6" : it.adopted ? "#2e9d4f" : "#d1443b";
    s += F("<path d=\"M%.1f 34 l10 10 l-10 10 l-10 -10 z\" fill=\"%s\" stroke=\"#fff\"><title>", x,
           fill) +
         Esc(it.label.empty() ? "draft" : it.label) + "</title></path>";
  }
  s += F("<defs><marker id=\"arrow%d\" viewBox=\"", it.text_id) +
       "0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" "
       "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" "
       "fill=\"#253446\"/></marker></defs>";
  return s + "</svg>";
}

}  // namespace mf::tools::debrief::html
