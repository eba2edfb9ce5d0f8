#include "tools/teaching.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "rules/campaign.h"
#include "rules/state.h"
#include "tools/csv.h"
#include "tools/draw.h"

namespace mf::tools::teaching {
namespace {

std::string F(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string Clock(int seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", seconds / 60, seconds % 60);
  return buf;
}

std::string FormWords(mf::Form f) {
  switch (f) {
    case mf::CHAIRS_SUMMARY:
      return "a chair's summary";
    case mf::GUIDING_PRINCIPLES:
      return "guiding principles";
    case mf::BINDING_CONVENTION:
      return "a binding convention";
    default:
      return "any text";
  }
}

std::string RuleWords(mf::DecisionRule r) {
  switch (r) {
    case mf::CONSENSUS:
      return "consensus (no objection, enough support)";
    case mf::MAJORITY:
      return "majority of the seats (two thirds of the votes cast for a convention)";
    case mf::WEIGHTED_MAJORITY:
      return "weighted majority (by influence)";
    default:
      return "the scenario's rule";
  }
}

std::string Where(const rules::ThemeData& t, int ideal) {
  const std::string& band = t.BandLabel(ideal);
  if (!band.empty()) return band;
  if (ideal >= 60) return "toward " + t.high_label;
  if (ideal <= 40) return "toward " + t.low_label;
  return "a middle way between " + t.low_label + " and " + t.high_label;
}

// Distance between two briefs, weighted by `from`'s priorities (0..1).
double BriefDistance(const rules::SeatData& from, const rules::SeatData& to) {
  double d = 0, w = 0;
  for (size_t t = 0; t < from.ideal.size(); ++t) {
    d += from.priority[t] * std::fabs(from.ideal[t] - to.ideal[t]) / 100.0;
    w += from.priority[t];
  }
  return w > 0 ? d / w : 0;
}

// The themes on which two briefs are within 15 points, by `from`'s priority.
std::string SharedThemes(const rules::Scenario& sc, const rules::SeatData& from,
                         const rules::SeatData& to, bool agree) {
  std::vector<int> ts;
  for (int t = 0; t < sc.num_themes(); ++t)
    if ((std::fabs(from.ideal[t] - to.ideal[t]) <= 15) == agree) ts.push_back(t);
  std::sort(ts.begin(), ts.end(),
            [&](int a, int b) { return from.priority[a] > from.priority[b]; });
  std::string out;
  for (size_t i = 0; i < ts.size() && i < 3; ++i) out += (i ? ", " : "") + sc.themes()[ts[i]].id;
  return out;
}

std::string RedLineSentence(const rules::Scenario& sc, const rules::RedLineData& r) {
  const rules::ThemeData& t = sc.themes()[r.theme];
  std::vector<std::string> parts;
  if (r.max_position < 100)
    parts.push_back("no text above " + std::to_string(r.max_position) + " (" + t.high_label +
                    " is 100)");
  if (r.min_position > 0)
    parts.push_back("no text below " + std::to_string(r.min_position) + " (" + t.low_label +
                    " is 0)");
  if (r.max_form != mf::FORM_UNSPECIFIED)
    parts.push_back("nothing stronger than " + FormWords(r.max_form));
  std::string s = t.name + ": ";
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  if (parts.empty()) s += "a line you may not cross";
  s += ".";
  if (!r.reason.empty()) s += " " + r.reason;
  return s;
}

// What an organisation's mandate indicator counts (as the engine's
// State::MandateIndicator reads the world).
std::string MandateMeasure(mf::Mandate m) {
  switch (m) {
    case mf::MANDATE_IOM:
      return "your capacity (core funding builds it, earmarked funding does not) and the projects "
             "you deliver";
    case mf::MANDATE_UNHCR:
      return "the states' rights and climate-displacement programmes and the protection texts in "
             "force";
    case mf::MANDATE_ILO:
      return "labour visas, cheaper remittances and the labour texts in force";
    case mf::MANDATE_OHCHR:
      return "the states' rights programmes and the rights texts in force";
    case mf::MANDATE_CIVIL_SOCIETY:
      return "the states' rights programmes and the endorsements your recommendations win";
    default:
      return "your mandate";
  }
}

std::string ProjectWords(mf::Mandate m) {
  switch (m) {
    case mf::MANDATE_IOM:
      return "migration management and assisted return";
    case mf::MANDATE_ILO:
      return "fair recruitment and cheaper remittances";
    default:
      return "protection of migrants' rights";
  }
}

}  // namespace

std::vector<RoleCard> RoleCards(const rules::Scenario& sc) {
  std::vector<RoleCard> out;
  const mf::Scenario& p = sc.proto();
  for (int s = 0; s < sc.num_seats(); ++s) {
    const rules::SeatData& d = sc.seats()[s];
    RoleCard c;
    c.seat = s;
    c.name = d.name;
    c.role = rules::RoleMix(d);
    c.mixed = d.mixed;
    c.region = d.region;
    c.briefing = d.briefing;
    c.influence = d.influence;
    const double top = *std::max_element(d.priority.begin(), d.priority.end());
    std::vector<int> order(static_cast<size_t>(sc.num_themes()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return d.priority[a] > d.priority[b]; });
    for (size_t k = 0; k < order.size(); ++k) {
      const int t = order[k];
      Interest in;
      in.theme = sc.themes()[t].name;
      in.ideal = static_cast<int>(std::lround(d.ideal[t]));
      in.where = Where(sc.themes()[t], in.ideal);
      const double rel = top > 0 ? d.priority[t] / top : 0;
      in.priority = k == 0        ? "first priority"
                    : rel >= 0.75 ? "high"
                    : rel >= 0.4  ? "medium"
                                  : "low";
      c.interests.push_back(in);
    }
    for (const rules::RedLineData& r : d.red_lines) c.red_lines.push_back(RedLineSentence(sc, r));
    if (d.organisation) {
      const rules::Params& pp = sc.params();
      const double wsum = pp.w_org_welfare + pp.w_org_mandate + pp.w_org_standing;
      auto pct = [&](double w) { return F("%.0f", 100.0 * w / wsum); };
      c.organisation = true;
      c.mandate = rules::MandateName(d.mandate);
      c.may = {
          "Address the roundtable in Statements, like any seat.",
          "Table a recommendation on an agenda item at the Civil Society Days; states endorse it.",
          "Lobby a state (2 capital) on the draft, a convention it has not ratified or a text it "
          "may pledge more to: its red-line cost on that text falls and its trust in you rises.",
          "Run a project in a state in Implementation (3 capital): " + ProjectWords(d.mandate) +
              "; the more capacity you have, the more it does.",
          "Ask destinations for funding: core funding builds your capacity, earmarked funding buys "
          "the donor's project now and none.",
      };
      c.may_not = {
          "You do not vote: not on a draft, not on a convention, not on a regional text; "
          "thresholds count the states only.",
          "You do not ratify, pledge, set border enforcement, amend, endorse, trade in side deals, "
          "co-chair or host.",
          "World events and press reports do not strike you: they concern the states.",
      };
      c.scored_on = {
          "Migrant welfare (" + pct(pp.w_org_welfare) + "%): how migrants fare across the world.",
          "Your mandate, " + c.mandate + " (" + pct(pp.w_org_mandate) +
              "%): " + MandateMeasure(d.mandate) + ".",
          "Standing (" + pct(pp.w_org_standing) + "%): the trust the states place in you.",
          "You are ranked among the organisations only; 50 is where you stood in the starting "
          "world.",
      };
    }
    for (int k = 0; k < p.caucuses_size(); ++k) {
      const uint64_t mask = sc.caucus_masks()[k];
      if (!((mask >> s) & 1)) continue;
      std::string line = p.caucuses(k).name() + ": ";
      bool first = true;
      for (int o = 0; o < sc.num_seats(); ++o) {
        if (o == s || !((mask >> o) & 1)) continue;
        line += (first ? "" : ", ") + sc.seats()[o].name;
        first = false;
      }
      c.caucuses.push_back(line);
    }
    // An organisation's allies and opponents are states: the states it
    // works with and the ones it must persuade (an organisation has no vote
    // to trade).
    std::vector<std::pair<double, int>> near;
    for (int o = 0; o < sc.num_seats(); ++o)
      if (o != s && !(d.organisation && sc.IsOrganisation(o)))
        near.push_back({BriefDistance(d, sc.seats()[o]), o});
    std::sort(near.begin(), near.end());
    for (size_t k = 0; k < near.size() && k < 3; ++k) {
      const std::string on = SharedThemes(sc, d, sc.seats()[near[k].second], true);
      c.allies.push_back({near[k].second, on.empty() ? "close to you overall" : "close on " + on});
    }
    for (size_t k = 0; k < 2 && k + 3 < near.size(); ++k) {  // Never an ally as well.
      const auto& far = near[near.size() - 1 - k];
      const std::string on = SharedThemes(sc, d, sc.seats()[far.second], false);
      c.opponents.push_back({far.second, on.empty() ? "far from you overall" : "apart on " + on});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<PlanRow> SessionPlan(const rules::Scenario& sc) {
  std::vector<PlanRow> out;
  int at = 0;
  auto add = [&](int cycle, mf::Phase phase, const std::string& item) {
    PlanRow r;
    r.start_seconds = at;
    r.seconds = rules::ClassroomPhaseSeconds(sc, phase);
    r.cycle = cycle;
    r.phase = rules::PhaseName(phase);
    r.item = item;
    at += r.seconds;
    out.push_back(r);
  };
  const bool binding = sc.FormAllowed(mf::BINDING_CONVENTION);
  int cycle = 0;
  for (const std::vector<int>& items : sc.agenda()) {
    ++cycle;
    add(cycle, mf::CIVIL_SOCIETY, "");
    for (int t : items)
      for (mf::Phase p : {mf::STATEMENTS, mf::DRAFTING, mf::DECISION})
        add(cycle, p, sc.themes()[t].name);
    if (binding) add(cycle, mf::RATIFICATION, "");
    add(cycle, mf::IMPLEMENTATION, "");
  }
  return out;
}

std::vector<Criterion> Rubric(const rules::Scenario& sc) {
  const rules::Params& p = sc.params();
  const double sum = p.w_interest + p.w_economy + p.w_approval + p.w_reputation + p.w_shared;
  auto pts = [&](double w) { return std::round(1000.0 * w / sum) / 10.0; };
  std::vector<Criterion> out = {
      {"National interest", "interest",
       "How close the policies in force came to the brief's ideals, weighted by its priorities.",
       pts(p.w_interest)},
      {"Economy", "economy",
       "What the outcome did for the state's economy as its role counts it: remittances, labour "
       "and irregular arrivals, transit burdens, aid given and received.",
       pts(p.w_economy)},
      {"Domestic approval", "approval",
       "Approval at home at the end: red lines held or crossed, texts supported, deals delivered.",
       pts(p.w_approval)},
      {"Reputation", "reputation",
       "Promises kept: deals delivered and pledges carried out rather than broken.",
       pts(p.w_reputation)},
      {"The shared outcome", "shared",
       "What every state shares: the strength of the regime and migrants' welfare.",
       pts(p.w_shared)},
  };
  // Rounding must not make the rubric add up to 99.9 or 100.1.
  double total = 0;
  for (const Criterion& c : out) total += c.max_points;
  out.front().max_points = std::round(10.0 * (out.front().max_points + 100.0 - total)) / 10.0;
  return out;
}

std::vector<Criterion> OrganisationRubric(const rules::Scenario& sc) {
  if (sc.organisation_mask() == 0) return {};
  const rules::Params& p = sc.params();
  const double sum = p.w_org_welfare + p.w_org_mandate + p.w_org_standing;
  auto pts = [&](double w) { return std::round(1000.0 * w / sum) / 10.0; };
  std::vector<Criterion> out = {
      {"Migrant welfare", "Migrant welfare",
       "How migrants fare across the world at the end: what every organisation works for.",
       pts(p.w_org_welfare)},
      {"Mandate", "Mandate",
       "The mandate's own indicator: IOM its capacity and projects delivered; UNHCR rights and "
       "climate-displacement programmes and protection texts in force; ILO labour visas, cheaper "
       "remittances and labour texts in force; OHCHR rights programmes and rights texts in force; "
       "civil society rights programmes and endorsements of its recommendations.",
       pts(p.w_org_mandate)},
      {"Standing", "Standing", "The trust the states place in the organisation at the end.",
       pts(p.w_org_standing)},
  };
  double total = 0;
  for (const Criterion& c : out) total += c.max_points;
  out[1].max_points = std::round(10.0 * (out[1].max_points + 100.0 - total)) / 10.0;
  return out;
}

std::vector<Criterion> PressRubric() {
  return {
      {"Reports published", "Desk",
       "Reports published (the desk's rows), one a cycle earning the full points (a desk may "
       "publish one a phase).",
       30},
      {"Credibility", "Borne out",
       "The mean credibility of the desk's reports: how far the public record (pledges and deals "
       "kept or broken, the votes on the texts) bore them out.",
       70},
  };
}

std::vector<std::string> PressDeskLines(const rules::Scenario& sc) {
  const rules::Params& p = sc.params();
  return {
      "You are a press desk beside the roundtable: you have no seat, no vote and no brief to "
      "defend. You read the public view (the texts, the votes, the pledges, the events) as "
      "everyone can.",
      "You publish short reports (at most 280 characters, " +
          std::to_string(p.max_reports_per_phase) +
          (p.max_reports_per_phase == 1 ? " report" : " reports") +
          " per phase) that praise or criticise one state, about its record in general or about "
          "one adopted text.",
      "A report moves that state's approval at home, by up to " + F("%.2f", p.press_effect) +
          " times its credibility: how far the public record bears it out.",
      "Credibility is earned from the record: criticism of a state that broke a pledge or a "
      "breach of a deal others saw counts fully; praise of a state that carried out a text it "
      "pledged counts fully; praise for a text the state objected to counts nothing; criticism "
      "of a state that kept its word counts little.",
      "Organisations are not subjects: they have no approval at home, and a report about one is "
      "refused.",
      "You are graded on the reports you publish (one a cycle earns the full 30 points) and on "
      "their mean credibility (70 points): report what the record shows.",
  };
}

std::string GradebookCsv(const debrief::Model& m) {
  const rules::Scenario& sc = *m.scenario;
  const std::vector<Criterion> states = Rubric(sc);
  const std::vector<Criterion> orgs = OrganisationRubric(sc);
  const std::vector<Criterion> press = m.press_desks > 0 ? PressRubric() : std::vector<Criterion>{};
  std::string out = "Student,Seat,Role";
  for (const auto* rubric : {&states, &orgs, &press})
    for (const Criterion& c : *rubric)
      out += "," + CsvCell(c.name + " (" + F("%g", c.max_points) + ")");
  out += ",Total (100)\n";
  // Each criterion rounded once, and the total the sum of the rounded
  // points, so that the row adds up in the spreadsheet; the other kinds'
  // cells stay empty.
  auto row = [&](const std::string& student, const std::string& seat, const std::string& role,
                 const std::vector<Criterion>& mine, const std::vector<double>& parts) {
    out += CsvCell(student) + "," + CsvCell(seat) + "," + CsvCell(role);
    double total = 0;
    for (const auto* rubric : {&states, &orgs, &press})
      for (size_t k = 0; k < rubric->size(); ++k) {
        if (rubric != &mine) {
          out += ",";
          continue;
        }
        const double v =
            std::round(10.0 * mine[k].max_points * std::clamp(parts[k], 0.0, 1.0)) / 10.0;
        total += v;
        out += "," + F("%.1f", v);
      }
    out += "," + F("%.1f", std::round(10.0 * total) / 10.0) + "\n";
  };
  for (int s = 0; s < sc.num_seats() && static_cast<size_t>(s) < m.scores.size(); ++s) {
    const rules::ScoreBreakdown& b = m.scores[s];
    const rules::SeatData& d = sc.seats()[s];
    std::string student;
    if (static_cast<size_t>(s) < m.record.players.size()) student = m.record.players[s];
    if (d.organisation)
      row(student, d.name, std::string("organisation (") + rules::MandateName(d.mandate) + ")",
          orgs, {b.shared, b.mandate, b.reputation});
    else
      row(student, d.name, rules::RoleName(d.role), states,
          {b.interest, b.economy, b.approval, b.reputation, b.shared});
  }
  for (int desk = 0; desk < m.press_desks; ++desk) {
    int reports = 0;
    double credibility = 0;
    for (const rules::PressReport& r : m.reports)
      if (r.desk == desk) ++reports, credibility += r.credibility;
    const double cycles = std::max(1, sc.cycles());
    const std::string student = static_cast<size_t>(desk) < m.record.press_players.size()
                                    ? m.record.press_players[static_cast<size_t>(desk)]
                                    : "";
    row(student, "press desk " + std::to_string(desk + 1), "press", press,
        {std::min(1.0, reports / cycles), reports > 0 ? credibility / reports : 0.0});
  }
  return out;
}

// ---- Printing ------------------------------------------------------------------

namespace {

constexpr double kPageW = 595.28, kPageH = 841.89;  // A4 in points.
constexpr double kMargin = 48;

const draw::Colour kInk = draw::Rgb(0x1f2933);
const draw::Colour kGrey = draw::Rgb(0x52606d);
const draw::Colour kAccent = draw::Rgb(0x1d4e89);
const draw::Colour kRule = draw::Rgb(0xcbd2d9);

// Text flowing down pages, with a footer on each. Every size is multiplied
// by `scale`; a dry flow measures (pages()) without drawing.
class Flow {
 public:
  Flow(draw::Document* doc, std::string footer, double scale = 1, bool dry = false)
      : doc_(doc), footer_(std::move(footer)), scale_(scale), dry_(dry) {
    Start();
  }

  int pages() const { return page_; }
  double width() const { return kPageW - 2 * kMargin; }

  void NeedRoom(double h) {
    if (y_ + h > kPageH - kMargin - 20) NewPage();
  }
  void NewPage() {
    Footer();
    if (!dry_) doc_->NewPage();
    Start();
  }

  void Title(const std::string& text, double size = 22) {
    Para(text, {size, true}, kAccent);
    y_ += 4 * scale_;
  }
  void Heading(const std::string& text) {
    NeedRoom(60 * scale_);
    y_ += 8 * scale_;
    Para(text, {13, true}, kAccent);
    if (!dry_) doc_->Line(kMargin, y_, kPageW - kMargin, y_, kRule, 0.7);
    y_ += 5 * scale_;
  }
  void Para(const std::string& text, draw::Font font = {10.5, false}, draw::Colour c = kInk,
            double indent = 0) {
    font.size *= scale_;
    const double lh = doc_->LineHeight(font) * 1.18;
    for (const std::string& line : doc_->Wrap(text, font, width() - indent)) {
      NeedRoom(lh);
      if (!dry_) doc_->Text(kMargin + indent, y_, line, font, c);
      y_ += lh;
    }
    y_ += 3 * scale_;
  }
  void Bullet(const std::string& text, draw::Font font = {10.5, false}, draw::Colour c = kInk) {
    draw::Font mark = font;
    mark.size *= scale_;
    NeedRoom(doc_->LineHeight(mark) * 1.2);
    if (!dry_) doc_->Text(kMargin + 4, y_, "\xe2\x80\xa2", mark, kAccent);
    Para(text, font, c, 16);
  }
  // A row of cells at the given x offsets (the last cell wraps).
  void Row(const std::vector<std::string>& cells, const std::vector<double>& xs, bool bold,
           draw::Colour c = kInk) {
    const draw::Font font{9.5 * scale_, bold};
    const double lh = doc_->LineHeight(font) * 1.2;
    const double last_w = width() - xs.back();
    const std::vector<std::string> lines = doc_->Wrap(cells.back(), font, last_w);
    NeedRoom(lh * static_cast<double>(std::max<size_t>(1, lines.size())));
    for (size_t i = 0; i + 1 < cells.size(); ++i)
      if (!dry_) doc_->Text(kMargin + xs[i], y_, cells[i], font, c);
    for (size_t k = 0; k < lines.size(); ++k) {
      if (!dry_) doc_->Text(kMargin + xs.back(), y_, lines[k], font, c);
      if (k + 1 < lines.size()) y_ += lh;
    }
    y_ += lh;
  }

  void Finish() { Footer(); }

 private:
  void Start() {
    ++page_;
    y_ = kMargin;
    if (!dry_) doc_->Rect(0, 0, kPageW, 6, kAccent);
  }
  void Footer() {
    if (dry_) return;
    const draw::Font f{8, false};
    doc_->Text(kMargin, kPageH - kMargin + 8, footer_, f, kGrey);
    doc_->Text(kPageW - kMargin, kPageH - kMargin + 8, "page " + std::to_string(page_), f, kGrey,
               draw::Align::kRight);
  }
  draw::Document* doc_;
  std::string footer_;
  double scale_ = 1;
  bool dry_ = false;
  double y_ = kMargin;
  int page_ = 0;
};

void DrawAllies(Flow& f, const rules::Scenario& sc, const RoleCard& c) {
  for (const std::string& k : c.caucuses) f.Bullet("Your caucus, " + k + ".");
  for (const Ally& a : c.allies) f.Bullet("Ally: " + sc.seats()[a.seat].name + " (" + a.why + ").");
  for (const Ally& a : c.opponents)
    f.Bullet((c.organisation ? "To persuade: " : "Opponent: ") + sc.seats()[a.seat].name + " (" +
             a.why + ").");
  f.Para("Allies and opponents are read from the briefs; what they do at the table is up to them.",
         {8.5, false}, kGrey);
}

void DrawCard(Flow& f, const rules::Scenario& sc, const RoleCard& c) {
  f.Para(sc.proto().title(), {9, false}, kGrey);
  f.Title(c.name);
  if (c.organisation) {
    f.Para("An organisation \xc2\xb7 mandate: " + c.mandate +
               " \xc2\xb7 it does not vote: it recommends, lobbies and runs projects",
           {11, true}, kInk);
    if (!c.briefing.empty()) {
      f.Heading("Your brief");
      f.Para(c.briefing);
    }
    f.Heading("What you work for (0 to 100 on each axis)");
    for (const Interest& in : c.interests)
      f.Bullet(in.theme + " \xe2\x80\x94 about " + std::to_string(in.ideal) + ": " + in.where +
               " (" + in.priority + ")");
    f.Heading("What you may do");
    for (const std::string& m : c.may) f.Bullet(m);
    f.Heading("What you may not do");
    for (const std::string& m : c.may_not) f.Bullet(m);
    f.Heading("How you score");
    for (const std::string& m : c.scored_on) f.Bullet(m);
    f.Heading("Likely allies and states to persuade");
    DrawAllies(f, sc, c);
    return;
  }
  std::string facts = c.mixed ? "A state of mixed roles: " + c.role : "A " + c.role + " state";
  if (!c.region.empty()) facts += " \xc2\xb7 " + c.region;
  facts += " \xc2\xb7 influence " + F("%.1f", c.influence);
  f.Para(facts, {11, true}, kInk);
  if (!c.briefing.empty()) {
    f.Heading("Your brief");
    f.Para(c.briefing);
  }
  f.Heading("What you want (0 to 100 on each axis)");
  for (const Interest& in : c.interests)
    f.Bullet(in.theme + " \xe2\x80\x94 about " + std::to_string(in.ideal) + ": " + in.where + " (" +
             in.priority + ")");
  f.Heading("Your red lines");
  if (c.red_lines.empty())
    f.Para("None: you may accept any text, though every text still costs or gains you something.");
  for (const std::string& r : c.red_lines) f.Bullet(r);
  f.Heading("Likely allies and opponents");
  DrawAllies(f, sc, c);
}

void DrawPressCard(Flow& f, const rules::Scenario& sc, int desk) {
  f.Para(sc.proto().title(), {9, false}, kGrey);
  f.Title("Press desk " + std::to_string(desk + 1));
  f.Para("An observer beyond the seats \xc2\xb7 no vote \xc2\xb7 you publish reports", {11, true},
         kInk);
  f.Heading("What a press desk does");
  const std::vector<std::string> lines = PressDeskLines(sc);
  for (size_t i = 0; i < 3; ++i) f.Bullet(lines[i]);
  f.Heading("How credibility is earned");
  f.Bullet(lines[3]);
  f.Bullet(lines[4]);
  f.Heading("How you are graded");
  f.Bullet(lines[5]);
  f.Heading("How to join");
  f.Para(
      "forumctl session join --server HOST:50051 --join CODE --press gives your desk its own "
      "token; publish with Act and publish_report (the subject's seat, praise or criticism, the "
      "text's id or 0, your words). Your reports appear in every view's events and in the "
      "debrief.");
}

}  // namespace

std::string CardsPdf(const rules::Scenario& sc, std::string* error) {
  return CardsPdf(sc, 0, error);
}

std::string CardsPdf(const rules::Scenario& sc, int press_desks, std::string* error) {
  draw::Document doc(draw::Format::kPdf, kPageW, kPageH);
  const std::vector<RoleCard> cards = RoleCards(sc);
  const size_t pages = cards.size() + static_cast<size_t>(std::max(0, press_desks));
  for (size_t i = 0; i < pages; ++i) {
    if (i) doc.NewPage();
    const std::string footer =
        sc.proto().title() + " \xc2\xb7 role card " + std::to_string(i + 1) + " of " +
        std::to_string(pages) +
        (i < cards.size() ? " \xc2\xb7 for this delegation only" : " \xc2\xb7 for this press desk");
    auto draw_page = [&](Flow& f) {
      if (i < cards.size())
        DrawCard(f, sc, cards[i]);
      else
        DrawPressCard(f, sc, static_cast<int>(i - cards.size()));
    };
    // A card is one sheet: a brief too long for the page is printed smaller
    // (down to 70%) rather than continued overleaf.
    double scale = 1;
    for (; scale > 0.7; scale -= 0.05) {
      Flow dry(&doc, footer, scale, true);
      draw_page(dry);
      if (dry.pages() == 1) break;
    }
    Flow f(&doc, footer, scale);
    draw_page(f);
    f.Finish();
  }
  return doc.Finish(error);
}

namespace {

void RubricTable(Flow& f, const std::vector<Criterion>& rubric, const std::string& column) {
  const std::vector<double> rx = {0, 120, 175, 265};
  f.NeedRoom(80);
  f.Row({"criterion", "points", column, "what earns them"}, rx, true);
  for (const Criterion& c : rubric)
    f.Row({c.name, F("%g", c.max_points), c.column, c.description}, rx, false);
}

// The guide of one scenario from "At a glance" on (the whole guide but its
// title; a campaign's guide prints it once per session).
void GuideBody(Flow& f, const rules::Scenario& sc) {
  const mf::Scenario& p = sc.proto();
  int roles[4] = {0, 0, 0, 0};
  for (const rules::SeatData& d : sc.seats())
    if (!d.organisation) ++roles[d.role & 3];
  std::string forms;
  for (mf::Form form : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if (sc.FormAllowed(form)) forms += (forms.empty() ? "" : ", ") + FormWords(form);
  const int orgs = sc.num_seats() - sc.num_states();
  f.Heading("At a glance");
  f.Bullet(std::to_string(sc.num_seats()) + " seats: " + std::to_string(roles[mf::SOURCE]) +
           " source, " + std::to_string(roles[mf::TRANSIT]) + " transit, " +
           std::to_string(roles[mf::DESTINATION]) + " destination states" +
           (orgs > 0 ? " and " + std::to_string(orgs) +
                           (orgs == 1 ? " organisation" : " organisations") +
                           " (they do not vote: they recommend, lobby and run projects)"
                     : std::string()) +
           "; bots take the seats nobody plays.");
  f.Bullet(std::to_string(sc.cycles()) + " cycles; decided by " + RuleWords(sc.decision_rule()) +
           "; the forum may adopt " + forms + ".");
  if (sc.decision_rule() == mf::MAJORITY || sc.decision_rule() == mf::WEIGHTED_MAJORITY)
    f.Bullet(
        "The forum votes, so a reluctant destination may walk out of a vote on an item: no vote, "
        "the text does not bind it, and the other states trust it less.");
  const double minutes = rules::ClassroomMinutes(sc);
  f.Bullet("Under the classroom preset (--timers classroom) the phase clocks add up to " +
           F("%g", minutes) + " minutes; phases end early when every seat is ready.");
  if (p.teaching().objectives_size() > 0) {
    f.Heading("Learning objectives");
    int k = 0;
    for (const mf::LearningObjective& o : p.teaching().objectives()) {
      f.Para(std::to_string(++k) + ". " + o.text(), {10.5, true});
      if (!o.quote().empty()) {
        // A quote that opens with its own quotation mark keeps it.
        const bool quoted = o.quote().rfind("\xe2\x80\x9c", 0) == 0;
        f.Para("The article: " + (quoted ? o.quote() : "\xe2\x80\x9c" + o.quote() + "\xe2\x80\x9d"),
               {9.5, false}, kGrey, 14);
      }
    }
  }
  f.Heading("The session, minute by minute (classroom preset)");
  f.Para(
      "Before the clock starts: hand out the role cards (forumctl cards) and give the class "
      "five minutes to read them. After it: the debrief (forumctl report) and the questions "
      "below.",
      {9.5, false}, kGrey);
  const std::vector<double> xs = {0, 50, 95, 200, 245};
  f.NeedRoom(120);  // The header with its first rows.
  f.Row({"start", "cycle", "phase", "minutes", "agenda item"}, xs, true);
  for (const PlanRow& r : SessionPlan(sc))
    f.Row({Clock(r.start_seconds), std::to_string(r.cycle), r.phase, F("%g", r.seconds / 60.0),
           r.item.empty() ? "\xe2\x80\x94" : r.item},
          xs, false);
  f.Row({Clock(static_cast<int>(std::lround(minutes * 60))), "", "end", "", ""}, xs, true);
  f.Heading("Press desks: students beyond the seats");
  f.Para("A class larger than the table's " + std::to_string(sc.num_seats()) +
         " seats puts the other students at press desks: one desk per student beyond the seats "
         "(or pairs sharing a desk), up to 64. Create the session with --press-desks N (forumctl "
         "session create, tools/play.sh); each desk runs forumctl session join --join CODE --press "
         "for its own token, and forumctl cards --press-desks N prints a card per desk. In every "
         "phase a desk may publish one short report praising or criticising a state; it moves that "
         "state's approval at home by how far the public record bears it out.");
  f.Para(
      "Grading: forumctl gradebook gives each desk a row (press desk 1, 2, ...): reports "
      "published, one a cycle for the full points, and their mean credibility. Ask the desks to "
      "read their reports aloud in the debrief, beside the record that bore them out or not.",
      {9.5, false}, kGrey);
  RubricTable(f, PressRubric(), "press table");
  f.Heading("The seats");
  const std::vector<double> sx = {0, 205, 285, 335};
  f.NeedRoom(80);
  f.Row({"seat", "role", "influence", "caucuses"}, sx, true);
  for (int s = 0; s < sc.num_seats(); ++s) {
    const rules::SeatData& d = sc.seats()[s];
    std::string caucuses;
    for (int k = 0; k < p.caucuses_size(); ++k)
      if ((sc.caucus_masks()[k] >> s) & 1)
        caucuses += (caucuses.empty() ? "" : "; ") + p.caucuses(k).name();
    f.Row({d.name, rules::RoleMix(d), d.organisation ? "no vote" : F("%.1f", d.influence),
           caucuses.empty() ? "\xe2\x80\x94" : caucuses},
          sx, false);
  }
  if (p.teaching().debrief_questions_size() > 0) {
    f.Heading("Questions for the debrief");
    int k = 0;
    for (const std::string& q : p.teaching().debrief_questions())
      f.Para(std::to_string(++k) + ". " + q);
  }
  if (!p.teaching().history().empty()) {
    f.Heading("What history did");
    f.Para(p.teaching().history());
  }
  f.Heading("Assessment rubric");
  f.Para(
      "The rubric is the game's own score, its parts weighted as this scenario weights them; "
      "forumctl gradebook writes each student's points from a played session, and the "
      "debrief's scores.csv shows the same parts (its columns named below).",
      {9.5, false}, kGrey);
  RubricTable(f, Rubric(sc), "scores.csv");
  const std::vector<Criterion> org = OrganisationRubric(sc);
  if (!org.empty()) {
    f.Para(
        "Organisations are graded on their mandate instead, as the debrief's organisations table "
        "shows it (its columns named below); the gradebook gives them columns of their own and "
        "leaves the states' empty on their rows.",
        {9.5, false}, kGrey);
    RubricTable(f, org, "debrief table");
  }
}

std::string Range(int low, int high) {
  return std::to_string(low) + "\xe2\x80\x93" + std::to_string(high);
}

}  // namespace

std::string GuidePdf(const rules::Scenario& sc, std::string* error) {
  draw::Document doc(draw::Format::kPdf, kPageW, kPageH);
  const mf::Scenario& p = sc.proto();
  Flow f(&doc, "Teacher's guide \xc2\xb7 " + p.title() + " \xc2\xb7 made by forumctl guide from " +
                   sc.id());
  f.Para("Migration Forum \xc2\xb7 teacher's guide", {9, false}, kGrey);
  f.Title(p.title());
  f.Para(p.description());
  GuideBody(f, sc);
  f.Finish();
  return doc.Finish(error);
}

std::string CampaignGuidePdf(const mf::Campaign& campaign, std::string* error) {
  std::vector<std::shared_ptr<const rules::Scenario>> sessions;
  for (const mf::CampaignSession& s : campaign.sessions()) {
    rules::LoadResult r = rules::LoadEmbeddedScenario(s.scenario());
    if (!r.ok()) {
      *error = "campaign " + campaign.id() + ": session " + s.scenario() + " does not load" +
               (r.errors.empty() ? std::string() : ": " + r.errors.front());
      return "";
    }
    sessions.push_back(r.scenario);
  }
  draw::Document doc(draw::Format::kPdf, kPageW, kPageH);
  Flow f(&doc, "Teacher's guide to the campaign " + campaign.id() +
                   " \xc2\xb7 made by forumctl guide --campaign");
  f.Para("Migration Forum \xc2\xb7 teacher's guide to a campaign", {9, false}, kGrey);
  f.Title(campaign.title());
  f.Para(campaign.description());
  const int n = campaign.sessions_size();
  f.Heading("The campaign at a glance");
  double minutes = 0;
  for (int k = 0; k < n; ++k) {
    minutes += rules::ClassroomMinutes(*sessions[k]);
    f.Bullet("Session " + std::to_string(k + 1) + ": " + campaign.sessions(k).label() + " (" +
             sessions[k]->id() + ", " + std::to_string(sessions[k]->num_seats()) + " seats, " +
             F("%g", rules::ClassroomMinutes(*sessions[k])) +
             " minutes under the classroom preset).");
  }
  f.Bullet("In all " + F("%g", minutes) +
           " minutes of phase clocks: one lesson per session. forumd runs the campaign as a "
           "series of sessions (forumctl session create --campaign " +
           campaign.id() +
           "): the next starts when one ends, with the same facilitator and the same seat tokens, "
           "so each student keeps their state.");
  f.Heading("What carries over");
  f.Bullet(
      "The trust between the states both sessions seat, and their reputations (pledges and "
      "deals kept or broken).");
  f.Bullet("The regime's strength: its norms, rules and procedures.");
  f.Bullet(
      "The forum chosen on a theme that chooses it (the 2006 follow-up): its decision rule, "
      "the forms it may adopt and its meetings become the next session's rules, unless "
      "that session keeps its own.");
  f.Para(
      "Each session's view and debrief say in one sentence what carried over into it; forumctl "
      "campaign plays the whole campaign with bots and writes its debrief, a section per session.",
      {9.5, false}, kGrey);
  for (int k = 0; k < n; ++k) {
    const rules::Scenario& sc = *sessions[k];
    const mf::CampaignSession& cs = campaign.sessions(k);
    f.NewPage();
    f.Para("Session " + std::to_string(k + 1) + " of " + std::to_string(n), {9, false}, kGrey);
    f.Title("Session " + std::to_string(k + 1) + ": " + cs.label(), 18);
    f.Para(sc.proto().title() + " (" + sc.id() + ")", {11, true});
    f.Para(sc.proto().description());
    f.Heading("What this session inherits and hands on");
    if (k == 0) {
      f.Bullet("It opens the campaign: the starting world of " + sc.id() + ".");
    } else {
      const rules::Scenario& prev = *sessions[k - 1];
      const std::vector<int> map = rules::SeatMap(prev, sc);
      int shared = 0;
      for (int m : map) shared += m >= 0;
      f.Bullet(std::to_string(shared) + " of its " + std::to_string(sc.num_seats()) +
               " seats sat in session " + std::to_string(k) +
               ": they bring their trust in each other and their reputations; the regime's "
               "strength carries too.");
      if (cs.own_rules()) {
        f.Bullet("It keeps its own rules (" + RuleWords(sc.decision_rule()) +
                 "), whatever forum was chosen before.");
      } else {
        // The forum chosen in an earlier session: the bands of its theme.
        bool any = false;
        for (int j = k - 1; j >= 0 && !any; --j)
          for (const rules::ThemeData& t : sessions[j]->themes()) {
            if (!t.chooses_forum) continue;
            any = true;
            f.Bullet("It meets under the forum session " + std::to_string(j + 1) + " chose on \"" +
                     t.name + "\" (its rules replace the scenario's own, given below):");
            for (const rules::ThemeData::Band& b : t.bands) {
              std::string rules = "positions " + Range(b.low, b.high) + ", " + b.label + ": ";
              if (b.forum.rule != mf::DECISION_RULE_UNSPECIFIED)
                rules += "decided by " + RuleWords(b.forum.rule);
              else
                rules += "decided as the scenario decides";
              if (b.forum.forms != 0) {
                std::string fs;
                for (mf::Form form :
                     {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
                  if ((b.forum.forms >> form) & 1) fs += (fs.empty() ? "" : ", ") + FormWords(form);
                rules += "; it may adopt " + fs;
              }
              if (b.forum.rule == mf::MAJORITY || b.forum.rule == mf::WEIGHTED_MAJORITY)
                rules += "; reluctant destinations may walk out of a vote";
              f.Bullet(rules + ".", {9.5, false});
            }
          }
        if (!any)
          f.Bullet("No earlier session chooses a forum: it meets under its own rules (" +
                   RuleWords(sc.decision_rule()) + ").");
      }
    }
    if (k + 1 < n)
      f.Bullet("It hands session " + std::to_string(k + 2) + " (" + sessions[k + 1]->id() +
               ") the trust, reputations and regime it ends with" +
               (std::any_of(sc.themes().begin(), sc.themes().end(),
                            [](const rules::ThemeData& t) { return t.chooses_forum; })
                    ? ", and the forum it chooses."
                    : "."));
    GuideBody(f, sc);
  }
  f.Finish();
  return doc.Finish(error);
}

}  // namespace mf::tools::teaching
