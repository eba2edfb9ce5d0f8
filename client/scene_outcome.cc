// What a cycle changed (adopted texts; flows, approval, trust and regime
// strength as charts) and the end of the game (ranking, trust network,
// regime strength over the cycles).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "client/app.h"
#include "client/charts.h"
#include "client/style.h"
#include "client/view_util.h"

namespace mf::client {
namespace {

std::vector<std::string> CycleLabels(const mf::View& v) {
  std::vector<std::string> out;
  for (const mf::CycleStats& c : v.history()) out.push_back("Cycle " + std::to_string(c.cycle()));
  return out;
}

std::string Signed(double x, bool percent) {
  char buf[32];
  if (percent)
    std::snprintf(buf, sizeof(buf), "%+d pts", static_cast<int>(std::lround(x * 100)));
  else
    std::snprintf(buf, sizeof(buf), "%+.0f", x);
  return buf;
}

std::string Fixed(double x, bool percent) {
  char buf[32];
  if (percent)
    std::snprintf(buf, sizeof(buf), "%d%%", static_cast<int>(std::lround(x * 100)));
  else
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  return buf;
}

}  // namespace

void App::DrawOutcome(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int k = v.history_size();
  Rect title = r.TakeTop(ui.P(40));
  r.TakeTop(ui.P(6));
  if (!IsSpectator(v) && !options_.projector && v.phase() != mf::GAME_OVER) {
    Rect b = title.TakeRight(ui.P(230));
    if (ui.Button(b.Inset(0, ui.P(3)), "Back to the roundtable", ButtonKind::kPrimary))
      scene_ = Scene::kTable;
  }
  ui.TextIn(k == 0 ? "Outcomes: no forum cycle has finished yet"
                   : "What cycle " + std::to_string(k) + " changed",
            title, 20, colour::kText, true);
  ui.Mark("outcome.title", title);
  // Left: texts and key numbers.
  Rect left = r.TakeLeft(r.w * 0.34f);
  r.TakeLeft(ui.P(10));
  Rect texts = Panel(left.TakeTop(left.h * 0.56f),
                     k == 0 ? "ADOPTED SO FAR" : "ADOPTED IN CYCLE " + std::to_string(k));
  ui.Mark("outcome.texts", texts);
  left.TakeTop(ui.P(8));
  int shown = 0;
  for (const mf::Text& t : v.texts()) {
    if (k > 0 && t.cycle() != k) continue;
    if (texts.h < ui.P(52)) break;
    Rect row = texts.TakeTop(ui.P(54));
    texts.TakeTop(ui.P(4));
    ui.Box(row, colour::kPanelAlt, ui.P(6));
    ui.Mark("outcome.text." + std::to_string(t.id()), row);
    Rect in = row.Inset(ui.P(8), ui.P(5));
    ui.Paragraph(t.label(), in.TakeTop(ui.P(30)), 12, colour::kText, true, 2);
    std::string sub = std::to_string(t.supporters()) + " supported, " +
                      std::to_string(t.objectors()) + " objected";
    if (t.form() == mf::BINDING_CONVENTION)
      sub += "  ·  " + std::to_string(t.ratified_by_size()) + " ratified" +
             (t.in_force() ? ", in force" : ", not in force");
    ui.TextIn(sub, in, 11, t.in_force() ? colour::kGood : colour::kMuted);
    ++shown;
  }
  if (shown == 0)
    ui.Paragraph("Nothing was adopted. Under consensus one objection is enough to block a text.",
                 texts, 13, colour::kMuted, false, 4);
  Rect nums = Panel(left, "KEY NUMBERS (CHANGE OVER THE CYCLE)");
  ui.Mark("outcome.numbers", nums);
  if (k > 0) {
    const mf::CycleStats& now = v.history(k - 1);
    const mf::CycleStats* before = k >= 2 ? &v.history(k - 2) : nullptr;
    struct Row {
      const char* name;
      double value, prev;
      bool percent, good_up;
    };
    const Row rows[] = {
        {"Regime strength", now.regime().total(), before ? before->regime().total() : NAN, true,
         true},
        {"Mean trust", now.mean_trust(), before ? before->mean_trust() : NAN, true, true},
        {"Migrant welfare", now.migrant_welfare(), before ? before->migrant_welfare() : NAN, true,
         true},
        {"Legal migration (k)", now.legal_total(), before ? before->legal_total() : NAN, false,
         true},
        {"Irregular migration (k)", now.irregular_total(), before ? before->irregular_total() : NAN,
         false, false},
        {"Remittances", now.remittances_total(), before ? before->remittances_total() : NAN, false,
         true},
    };
    for (const Row& row : rows) {
      if (nums.h < ui.P(18)) break;
      Rect line = nums.TakeTop(ui.P(21));
      Rect delta = line.TakeRight(ui.P(70));
      Rect val = line.TakeRight(ui.P(60));
      ui.TextIn(row.name, line, 12.5f, colour::kText);
      ui.TextIn(Fixed(row.value, row.percent), val, 12.5f, colour::kText, true, Align::kRight);
      if (!std::isnan(row.prev)) {
        const double d = row.value - row.prev;
        const bool good = (d >= 0) == row.good_up;
        ui.TextIn(Signed(d, row.percent), delta, 12,
                  std::fabs(d) < 1e-9 ? colour::kMuted
                  : good              ? colour::kGood
                                      : colour::kBad,
                  true, Align::kRight);
      }
    }
  } else {
    ui.Paragraph("The numbers appear when the first cycle ends with the world update.", nums, 12.5f,
                 colour::kMuted, false, 3);
  }
  // Right: four charts.
  const std::vector<std::string> labels = CycleLabels(v);
  Rect top = r.TakeTop(r.h / 2 - ui.P(4));
  r.TakeTop(ui.P(8));
  Rect a = top.TakeLeft(top.w / 2 - ui.P(4));
  top.TakeLeft(ui.P(8));
  std::vector<Series> regime = {{"total", colour::kText, {}},
                                {"norms", colour::kGood, {}},
                                {"rules", colour::kAccent, {}},
                                {"procedures", colour::kWarning, {}}};
  std::vector<Series> flows = {{"legal", colour::kGood, {}}, {"irregular", colour::kBad, {}}};
  std::vector<Series> social = {{"mean trust", colour::kAccent, {}},
                                {"migrant welfare", colour::kSource, {}}};
  for (const mf::CycleStats& c : v.history()) {
    regime[0].values.push_back(c.regime().total());
    regime[1].values.push_back(c.regime().norms());
    regime[2].values.push_back(c.regime().decision_rules());
    regime[3].values.push_back(c.regime().procedures());
    flows[0].values.push_back(c.legal_total());
    flows[1].values.push_back(c.irregular_total());
    social[0].values.push_back(c.mean_trust());
    social[1].values.push_back(c.migrant_welfare());
  }
  LineChart(ui, a, "REGIME STRENGTH (NORMS, RULES, PROCEDURES)", regime, 0, 1, labels, true,
            "chart.regime");
  GroupedBars(ui, top, "MIGRATION FLOWS PER CYCLE", labels, flows, "thousand people",
              "chart.flows");
  Rect c = r.TakeLeft(r.w / 2 - ui.P(4));
  r.TakeLeft(ui.P(8));
  std::vector<std::string> names;
  std::vector<double> deltas;
  std::vector<sf::Color> cols;
  const bool have_delta = k >= 2;
  for (int i = 0; i < v.seats_size(); ++i) {
    names.push_back(ShortName(v.seats(i).name()));
    cols.push_back(RoleColour(v.seats(i).role()));
    const double now = k > 0 && i < v.history(k - 1).approval_size() ? v.history(k - 1).approval(i)
                                                                     : v.seats(i).approval();
    const double before =
        have_delta && i < v.history(k - 2).approval_size() ? v.history(k - 2).approval(i) : 0.5;
    deltas.push_back(now - before);
  }
  DeltaBars(ui, c,
            have_delta ? "APPROVAL AT HOME: CHANGE IN CYCLE " + std::to_string(k)
                       : "APPROVAL AT HOME: ABOVE OR BELOW 50%",
            names, deltas, cols, true, "chart.approval");
  LineChart(ui, r, "TRUST AND MIGRANT WELFARE", social, 0, 1, labels, true, "chart.trust");
}

void App::DrawFinal(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int n = v.seats_size();
  Rect left = r.TakeLeft(r.w * 0.42f);
  r.TakeLeft(ui.P(10));
  Rect in = Panel(left, "FINAL RANKING");
  ui.Mark("final.ranking", in);
  std::vector<const mf::ScoreLine*> lines;
  for (const mf::ScoreLine& s : v.scores()) lines.push_back(&s);
  std::sort(lines.begin(), lines.end(), [](const mf::ScoreLine* a, const mf::ScoreLine* b) {
    return a->rank() != b->rank() ? a->rank() < b->rank() : a->seat() < b->seat();
  });
  if (lines.empty()) {
    ui.Paragraph("The ranking appears when the game is over.", in, 13, colour::kMuted, false, 2);
  } else {
    if (lines.size() <= 12) {
      const mf::SeatPublic* w = SeatAt(v, lines.front()->seat());
      Rect banner = in.TakeTop(ui.P(46));
      ui.Box(banner, Mix(colour::kYou, sf::Color::White, 0.55f), ui.P(8));
      ui.Icon("icon_host", banner.Inset(ui.P(10), ui.P(9)).TakeLeft(ui.P(28)),
              sf::Color(160, 110, 0));
      ui.TextIn(w ? "Winner: " + w->name() : "", banner.Inset(ui.P(48), 0), 17, colour::kText,
                true);
      in.TakeTop(ui.P(8));
    }
    Rect head = in.TakeTop(ui.P(18));
    ui.TextIn("score out of 100 (bar) and gain since the start", head, 10.5f, colour::kMuted, false,
              Align::kRight);
    const float row_h =
        std::min(ui.P(lines.size() <= 12 ? 44 : 34), in.h / static_cast<float>(lines.size()));
    const float size = std::min(13.0f, row_h / ui.s * 0.5f);
    double top = 1;
    for (const mf::ScoreLine* s : lines) top = std::max(top, s->total());
    for (const mf::ScoreLine* s : lines) {
      Rect row = in.TakeTop(row_h);
      const mf::SeatPublic* seat = SeatAt(v, s->seat());
      if (!seat) continue;
      const bool winner =
          std::find(v.winners().begin(), v.winners().end(), s->seat()) != v.winners().end() ||
          s->rank() == 1;
      const bool me = s->seat() == v.viewer();
      if (winner || me)
        ui.Box(row.Inset(0, ui.P(1)),
               winner ? Mix(colour::kYou, sf::Color::White, 0.7f)
                      : Mix(colour::kAccent, sf::Color::White, 0.85f),
               ui.P(4));
      ui.Mark("final.row." + std::to_string(s->seat()), row);
      Rect rank = row.TakeLeft(ui.P(34));
      ui.TextIn(std::to_string(s->rank()), rank, size + 1, colour::kText, true, Align::kCentre);
      Rect badge = row.TakeLeft(row_h);
      const std::string icon = seat->role() == mf::SOURCE    ? "badge_source"
                               : seat->role() == mf::TRANSIT ? "badge_transit"
                                                             : "badge_destination";
      ui.Icon(icon, badge.Inset(ui.P(3)));
      row.TakeLeft(ui.P(6));
      Rect name = row.TakeLeft(row.w * 0.40f);
      ui.TextIn(seat->name() + (me ? " (you)" : ""), name, size, colour::kText, winner || me);
      Rect gain = row.TakeRight(ui.P(56));
      Rect val = row.TakeRight(ui.P(44));
      Rect bar{row.x, row.centre().y - row_h * 0.18f, row.w - ui.P(6), row_h * 0.36f};
      ui.Box(bar, colour::kDisabled, ui.P(3));
      Rect fb = bar;
      fb.w = bar.w * static_cast<float>(std::clamp(s->total() / top, 0.0, 1.0));
      ui.Box(fb, RoleColour(seat->role()), ui.P(3));
      ui.TextIn(Fixed(s->total(), false), val, size, colour::kText, true, Align::kRight);
      ui.TextIn(Signed(s->gain(), false), gain, size - 1,
                s->gain() >= 0 ? colour::kGood : colour::kBad, false, Align::kRight);
      if (ui.Hover(row))
        ui.Tip(seat->name() + ": total " + Fixed(s->total(), false) + "\nNational interest " +
               Fixed(s->interest(), true) + ", economy " + Fixed(s->economy(), true) +
               ", approval " + Fixed(s->approval(), true) + ",\nreputation " +
               Fixed(s->reputation(), true) + ", shared " + Fixed(s->shared(), true) +
               ", sovereignty cost " + Fixed(s->sovereignty(), false));
    }
  }
  (void)n;
  Rect net = r.TakeTop(r.h * 0.58f);
  r.TakeTop(ui.P(8));
  TrustNetwork(ui, net, v, "final.network");
  std::vector<Series> regime = {{"regime strength", colour::kText, {}},
                                {"mean trust", colour::kAccent, {}}};
  for (const mf::CycleStats& c : v.history()) {
    regime[0].values.push_back(c.regime().total());
    regime[1].values.push_back(c.mean_trust());
  }
  LineChart(ui, r, "REGIME STRENGTH OVER THE CYCLES", regime, 0, 1, CycleLabels(v), true,
            "final.regime");
}

}  // namespace mf::client
