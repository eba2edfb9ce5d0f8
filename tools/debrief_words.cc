// The debrief in words: names, positions, drafts and their changes, deals
// and actions as a person reads them (debrief.h, debrief_words.h).
#include "tools/debrief_words.h"

#include <cstdio>

namespace mf::tools::debrief {
namespace {

using rules::ActionType;

std::string CommitmentList(rules::CommitmentSet set) {
  std::string out;
  for (int k = 1; k <= 6; ++k) {
    if (!(set & rules::Bit(static_cast<mf::CommitmentKind>(k)))) continue;
    if (!out.empty()) out += ", ";
    out += rules::CommitmentName(static_cast<mf::CommitmentKind>(k));
  }
  return out;
}

std::string CorridorName(const rules::Scenario& sc, int c) {
  if (c < 0 || c >= sc.num_corridors()) return "?";
  const rules::CorridorData& d = sc.corridors()[c];
  return ShortName(sc, d.origin) + " \xe2\x86\x92 " +
         (d.transit >= 0 ? ShortName(sc, d.transit) + " \xe2\x86\x92 " : "") +
         ShortName(sc, d.destination);
}
}  // namespace

std::string Num(int v) {
  return std::to_string(v);
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Where a position lies on a theme's axis, in words: "62 (informal forum)".
std::string PositionText(const rules::Scenario& sc, int theme, int position) {
  std::string s = Num(position);
  if (theme >= 0 && theme < sc.num_themes()) {
    const std::string& band = sc.themes()[theme].BandLabel(position);
    if (!band.empty()) s += " (" + band + ")";
  }
  return s;
}

DraftText FromText(const rules::Text& t) {
  DraftText d;
  d.position = t.position;
  d.form = t.form;
  d.commitments = t.commitments;
  d.corridor = t.corridor;
  return d;
}

// Readable lines for what changed between two drafts.
std::vector<std::string> Diff(const rules::Scenario& sc, int theme, const DraftText& a,
                              const DraftText& b) {
  std::vector<std::string> out;
  if (a.position != b.position) {
    std::string dir;
    if (theme >= 0 && theme < sc.num_themes()) {
      const rules::ThemeData& t = sc.themes()[theme];
      dir = b.position > a.position ? t.high_label : t.low_label;
    }
    out.push_back("position " + PositionText(sc, theme, a.position) + " \xe2\x86\x92 " +
                  PositionText(sc, theme, b.position) + (dir.empty() ? "" : ", towards " + dir));
  }
  if (a.form != b.form)
    out.push_back(std::string("form ") + rules::FormName(a.form) + " \xe2\x86\x92 " +
                  rules::FormName(b.form));
  const rules::CommitmentSet added = b.commitments & ~a.commitments;
  const rules::CommitmentSet removed = a.commitments & ~b.commitments;
  for (int k = 1; k <= 6; ++k) {
    const auto kind = static_cast<mf::CommitmentKind>(k);
    if (added & rules::Bit(kind)) {
      std::string line = std::string("+ ") + rules::CommitmentName(kind);
      if (kind == mf::ANTI_SMUGGLING && b.corridor >= 0)
        line += " on " + CorridorName(sc, b.corridor);
      out.push_back(line);
    }
    if (removed & rules::Bit(kind))
      out.push_back(std::string("\xe2\x88\x92 ") + rules::CommitmentName(kind));
  }
  if (a.corridor != b.corridor && a.corridor >= 0 && b.corridor >= 0)
    out.push_back("corridor " + CorridorName(sc, a.corridor) + " \xe2\x86\x92 " +
                  CorridorName(sc, b.corridor));
  if (out.empty()) out.push_back("no change to the text");
  return out;
}

std::string AmendmentSummary(const rules::Scenario& sc, int theme, const rules::Amendment& m) {
  std::vector<std::string> parts;
  if (m.position >= 0) parts.push_back("position to " + PositionText(sc, theme, m.position));
  if (m.form != mf::FORM_UNSPECIFIED)
    parts.push_back(std::string("form ") + rules::FormName(m.form));
  for (int k = 1; k <= 6; ++k) {
    const auto kind = static_cast<mf::CommitmentKind>(k);
    if (m.add & rules::Bit(kind)) {
      std::string s = std::string("+ ") + rules::CommitmentName(kind);
      if (kind == mf::ANTI_SMUGGLING && m.corridor >= 0) s += " on " + CorridorName(sc, m.corridor);
      parts.push_back(s);
    }
    if (m.remove & rules::Bit(kind))
      parts.push_back(std::string("\xe2\x88\x92 ") + rules::CommitmentName(kind));
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out.empty() ? "no change" : out;
}

std::string DealStatusText(const rules::Deal& d) {
  switch (d.status) {
    case rules::DealStatus::kOffered:
      return "offered";
    case rules::DealStatus::kRejected:
      return "rejected";
    case rules::DealStatus::kWithdrawn:
      return "withdrawn";
    case rules::DealStatus::kExpired:
      return "expired";
    case rules::DealStatus::kAccepted:
      if (d.from_kept == 0 || d.to_kept == 0) return "broken";
      if (d.from_kept == 1 && d.to_kept == 1) return "kept";
      return "accepted";
  }
  return "offered";
}

bool IsRoundtable(mf::Phase p) {
  return p == mf::STATEMENTS || p == mf::DRAFTING || p == mf::DECISION;
}

// The action in words, from the state it was applied to.
std::string ActionWords(const rules::State& st, int actor, const rules::Action& a) {
  const rules::Scenario& sc = st.scenario();
  const int theme = st.current_theme();
  switch (a.type) {
    case ActionType::kStatement:
      return "statement at " + PositionText(sc, theme, a.position) +
             (a.text.empty() ? "" : ": \"" + a.text + "\"");
    case ActionType::kTableDraft: {
      rules::Text t;
      t.theme = theme;
      t.position = a.position;
      t.form = a.form;
      std::string s = "table draft: " + rules::TextLabel(sc, t);
      if (a.add) s += " with " + CommitmentList(a.add);
      return s;
    }
    case ActionType::kAmend: {
      rules::Amendment m;
      m.position = a.position;
      m.form = a.form;
      m.add = a.add;
      m.remove = a.remove;
      m.corridor = a.corridor;
      return "propose amendment: " + AmendmentSummary(sc, theme, m);
    }
    case ActionType::kVote:
      return "vote " + VoteName(a.vote, sc.decision_rule());
    case ActionType::kProposeDeal:
      return "offer a deal to " + SeatName(sc, a.seat) + ": gives " + TermsText(sc, a.give, &st) +
             "; asks " + TermsText(sc, a.ask, &st);
    case ActionType::kRatify: {
      const rules::Text* t = st.FindText(a.id);
      return std::string(a.flag ? "ratify " : "decline to ratify ") +
             (t ? rules::TextLabel(sc, *t) : "text #" + Num(a.id));
    }
    case ActionType::kEndorse:
      for (const rules::Recommendation& r : st.recommendations())
        if (r.id == a.id)
          return "endorse the civil society recommendation on " + sc.themes()[r.theme].name +
                 " at " + Num(r.position);
      break;
    case ActionType::kSetBot:
      return std::string("hand ") + SeatName(sc, a.seat) +
             (a.flag ? " to a bot" : " back to a person");
    case ActionType::kInjectEvent:
      return std::string("inject event: ") + rules::EventKindName(a.event);
    default:
      break;
  }
  (void)actor;
  return rules::DescribeAction(a, sc);
}

std::string ShortName(const rules::Scenario& sc, int s) {
  // A record may name seats the scenario does not have: never index by them.
  if (s == rules::kFacilitator) return "Facilitator";
  if (s < 0 || s >= sc.num_seats()) return SeatName(sc, s);
  const rules::SeatData& d = sc.seats()[s];
  // An organisation goes by its acronym: "UN High Commissioner for Refugees (UNHCR)".
  if (d.organisation && d.name.size() > 18 && d.name.back() == ')') {
    const size_t open = d.name.rfind(" (");
    if (open != std::string::npos && d.name.size() - open - 3 <= 8)
      return d.name.substr(open + 2, d.name.size() - open - 3);
  }
  std::string name = d.name.substr(0, d.name.find(" ("));  // "South Africa (chair of ...)".
  if (name.size() <= 12) return name;
  const size_t of = name.rfind(" of ");
  if (of != std::string::npos && name.size() - of - 4 <= 18) return name.substr(of + 4);
  if (name.size() <= 18) return name;
  std::string u = d.id;
  if (u.size() <= 3) {
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else {
    u[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(u[0])));
  }
  return u;
}

std::string SeatName(const rules::Scenario& sc, int seat) {
  if (seat >= 0 && seat < sc.num_seats()) return sc.seats()[seat].name;
  if (seat == rules::kFacilitator) return "the facilitator";
  if (seat == rules::kClock) return "the clock";
  if (rules::IsPressActor(seat)) return "press desk " + Num(rules::PressDesk(seat) + 1);
  return "seat " + Num(seat);
}

std::string VoteName(mf::VoteChoice v, mf::DecisionRule rule) {
  const bool majority = rule == mf::MAJORITY || rule == mf::WEIGHTED_MAJORITY;
  switch (v) {
    case mf::SUPPORT:
      return majority ? "yes" : "support";
    case mf::STAND_ASIDE:
      return majority ? "abstain" : "stand aside";
    case mf::OBJECT:
      return majority ? "no" : "object";
    default:
      return "no vote";
  }
}

std::string TermsText(const rules::Scenario& sc, const rules::Terms& t, const rules::State* st) {
  std::vector<std::string> parts;
  if (t.capital) parts.push_back(Num(t.capital) + " political capital");
  if (t.aid) parts.push_back(Num(t.aid) + " aid");
  if (t.visas) parts.push_back(Num(t.visas) + "k visas");
  if (t.readmission) parts.push_back("readmission cooperation");
  if (t.stance_text) {
    const rules::Text* text = st ? st->FindText(t.stance_text) : nullptr;
    parts.push_back(VoteName(t.stance, sc.decision_rule()) + " on " +
                    (text ? "the " + rules::TextLabel(sc, *text) : "text #" + Num(t.stance_text)));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out.empty() ? "nothing" : out;
}

}  // namespace mf::tools::debrief
