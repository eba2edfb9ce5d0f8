#include "tools/teaching.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

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
    std::vector<std::pair<double, int>> near;
    for (int o = 0; o < sc.num_seats(); ++o)
      if (o != s) near.push_back({BriefDistance(d, sc.seats()[o]), o});
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

std::string GradebookCsv(const debrief::Model& m) {
  const rules::Scenario& sc = *m.scenario;
  const std::vector<Criterion> rubric = Rubric(sc);
  std::string out = "Student,Seat,Role";
  for (const Criterion& c : rubric)
    out += "," + CsvCell(c.name + " (" + F("%g", c.max_points) + ")");
  out += ",Total (100)\n";
  for (int s = 0; s < sc.num_seats() && static_cast<size_t>(s) < m.scores.size(); ++s) {
    const rules::ScoreBreakdown& b = m.scores[s];
    std::string student;
    if (static_cast<size_t>(s) < m.record.players.size()) student = m.record.players[s];
    out += CsvCell(student) + "," + CsvCell(sc.seats()[s].name) + "," +
           rules::RoleName(sc.seats()[s].role);
    const double parts[] = {b.interest, b.economy, b.approval, b.reputation, b.shared};
    // Each criterion rounded once, and the total the sum of the rounded
    // points, so that the row adds up in the spreadsheet.
    double total = 0;
    for (size_t k = 0; k < rubric.size(); ++k) {
      const double v =
          std::round(10.0 * rubric[k].max_points * std::clamp(parts[k], 0.0, 1.0)) / 10.0;
      total += v;
      out += "," + F("%.1f", v);
    }
    out += "," + F("%.1f", std::round(10.0 * total) / 10.0) + "\n";
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

void DrawCard(Flow& f, const rules::Scenario& sc, const RoleCard& c) {
  f.Para(sc.proto().title(), {9, false}, kGrey);
  f.Title(c.name);
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
  for (const std::string& k : c.caucuses) f.Bullet("Your caucus, " + k + ".");
  for (const Ally& a : c.allies) f.Bullet("Ally: " + sc.seats()[a.seat].name + " (" + a.why + ").");
  for (const Ally& a : c.opponents)
    f.Bullet("Opponent: " + sc.seats()[a.seat].name + " (" + a.why + ").");
  f.Para("Allies and opponents are read from the briefs; what they do at the table is up to them.",
         {8.5, false}, kGrey);
}

}  // namespace

std::string CardsPdf(const rules::Scenario& sc, std::string* error) {
  draw::Document doc(draw::Format::kPdf, kPageW, kPageH);
  const std::vector<RoleCard> cards = RoleCards(sc);
  for (size_t i = 0; i < cards.size(); ++i) {
    if (i) doc.NewPage();
    const std::string footer = sc.proto().title() + " \xc2\xb7 role card " + std::to_string(i + 1) +
                               " of " + std::to_string(cards.size()) +
                               " \xc2\xb7 for this delegation only";
    // A card is one sheet: a brief too long for the page is printed smaller
    // (down to 70%) rather than continued overleaf.
    double scale = 1;
    for (; scale > 0.7; scale -= 0.05) {
      Flow dry(&doc, footer, scale, true);
      DrawCard(dry, sc, cards[i]);
      if (dry.pages() == 1) break;
    }
    Flow f(&doc, footer, scale);
    DrawCard(f, sc, cards[i]);
    f.Finish();
  }
  return doc.Finish(error);
}

std::string GuidePdf(const rules::Scenario& sc, std::string* error) {
  draw::Document doc(draw::Format::kPdf, kPageW, kPageH);
  const mf::Scenario& p = sc.proto();
  Flow f(&doc, "Teacher's guide \xc2\xb7 " + p.title() + " \xc2\xb7 made by forumctl guide from " +
                   sc.id());
  f.Para("Migration Forum \xc2\xb7 teacher's guide", {9, false}, kGrey);
  f.Title(p.title());
  f.Para(p.description());
  int roles[4] = {0, 0, 0, 0};
  for (const rules::SeatData& d : sc.seats()) ++roles[d.role & 3];
  std::string forms;
  for (mf::Form form : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if (sc.FormAllowed(form)) forms += (forms.empty() ? "" : ", ") + FormWords(form);
  f.Heading("At a glance");
  f.Bullet(std::to_string(sc.num_seats()) + " seats: " + std::to_string(roles[mf::SOURCE]) +
           " source, " + std::to_string(roles[mf::TRANSIT]) + " transit, " +
           std::to_string(roles[mf::DESTINATION]) +
           " destination states; bots take the seats "
           "nobody plays.");
  f.Bullet(std::to_string(sc.cycles()) + " cycles; decided by " + RuleWords(sc.decision_rule()) +
           "; the forum may adopt " + forms + ".");
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
  f.Heading("The seats");
  const std::vector<double> sx = {0, 205, 270, 320};
  f.NeedRoom(80);
  f.Row({"state", "role", "influence", "caucuses"}, sx, true);
  for (int s = 0; s < sc.num_seats(); ++s) {
    const rules::SeatData& d = sc.seats()[s];
    std::string caucuses;
    for (int k = 0; k < p.caucuses_size(); ++k)
      if ((sc.caucus_masks()[k] >> s) & 1)
        caucuses += (caucuses.empty() ? "" : "; ") + p.caucuses(k).name();
    f.Row({d.name, rules::RoleMix(d), F("%.1f", d.influence),
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
  const std::vector<double> rx = {0, 120, 175, 240};
  f.NeedRoom(80);
  f.Row({"criterion", "points", "scores.csv", "what earns them"}, rx, true);
  for (const Criterion& c : Rubric(sc))
    f.Row({c.name, F("%g", c.max_points), c.column, c.description}, rx, false);
  f.Finish();
  return doc.Finish(error);
}

}  // namespace mf::tools::teaching
