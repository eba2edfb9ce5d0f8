#include "client/view_util.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "rules/catalogue.h"
#include "rules/state.h"

namespace mf::client {

const mf::Theme* FindTheme(const mf::View& v, const std::string& id) {
  for (const mf::Theme& t : v.themes())
    if (t.id() == id) return &t;
  return nullptr;
}

const mf::SeatPublic* SeatAt(const mf::View& v, int seat) {
  if (seat < 0 || seat >= v.seats_size()) return nullptr;
  return &v.seats(seat);
}

std::string SeatName(const mf::View& v, int seat) {
  if (seat == -1) return "Facilitator";
  const mf::SeatPublic* s = SeatAt(v, seat);
  return s ? s->name() : "seat " + std::to_string(seat);
}

std::string ShortName(const std::string& name) {
  const size_t of = name.rfind(" of ");
  if (of == std::string::npos || of + 4 >= name.size()) return name;
  return name.substr(of + 4);
}

const mf::SeatPublic* Me(const mf::View& v) {
  return SeatAt(v, v.viewer());
}

const mf::Stance* StanceOn(const mf::Brief& brief, const std::string& theme) {
  for (const mf::Stance& s : brief.stances())
    if (s.theme() == theme) return &s;
  return nullptr;
}

std::string PriorityWords(const mf::Brief& brief, const std::string& theme) {
  const mf::Stance* mine = StanceOn(brief, theme);
  if (!mine) return "no stated priority";
  int above = 0;
  for (const mf::Stance& s : brief.stances())
    if (s.priority() > mine->priority() + 1e-9) ++above;
  const int n = brief.stances_size();
  if (above == 0) return "top priority";
  if (above * 3 < n) return "high priority";
  if (above * 3 < 2 * n) return "medium priority";
  return "low priority";
}

bool DraftTabled(const mf::View& v) {
  if (v.phase() == mf::DECISION) return true;
  if (v.phase() != mf::DRAFTING) return false;
  // Events of this drafting phase: after the last "Drafting begins.".
  int start = -1;
  for (int i = v.events_size() - 1; i >= 0; --i)
    if (v.events(i).cycle() == v.cycle() && v.events(i).text() == "Drafting begins.") {
      start = i;
      break;
    }
  for (int i = std::max(0, start); i < v.events_size(); ++i) {
    const std::string& t = v.events(i).text();
    if (v.events(i).cycle() == v.cycle() && v.events(i).phase() == mf::DRAFTING &&
        (t.find(" tables the draft") != std::string::npos ||
         t.find("proposes amendment") != std::string::npos))
      return true;
  }
  return false;
}

std::vector<int> NotReady(const mf::View& v) {
  std::vector<int> out;
  for (const mf::SeatPublic& s : v.seats())
    if (!s.ready()) out.push_back(s.index());
  return out;
}

std::vector<int> CoChairs(const mf::View& v) {
  std::vector<int> out;
  for (const mf::SeatPublic& s : v.seats())
    if (s.co_chair()) out.push_back(s.index());
  return out;
}

int HostSeat(const mf::View& v) {
  for (const mf::SeatPublic& s : v.seats())
    if (s.host()) return s.index();
  return -1;
}

std::string VoteWord(mf::DecisionRule rule, mf::VoteChoice choice) {
  const bool majority = rule == mf::MAJORITY || rule == mf::WEIGHTED_MAJORITY;
  switch (choice) {
    case mf::SUPPORT:
      return majority ? "Yes" : "Support";
    case mf::STAND_ASIDE:
      return majority ? "Abstain" : "Stand aside";
    case mf::OBJECT:
      return majority ? "No" : "Object";
    default:
      return "Not voted";
  }
}

std::string RuleSentence(const mf::View& v) {
  switch (v.decision_rule()) {
    case mf::MAJORITY:
      return "Majority: more yes than no adopts it; a binding convention needs two thirds of all "
             "seats.";
    case mf::WEIGHTED_MAJORITY:
      return "Weighted majority: votes count by influence; a binding convention needs two thirds "
             "of the weight cast.";
    default:
      return "Consensus: one objection blocks the text; it also needs enough active support.";
  }
}

std::string RoleMixWord(const mf::SeatPublic& s) {
  // An organisation: its mandate ("IOM (organisation)").
  if (s.kind() == mf::SEAT_ORGANISATION) return rules::RoleMix(s);
  if (!s.has_role_weights()) return RoleWord(s.role());
  std::string mix = rules::RoleMix(s);
  if (!mix.empty()) mix[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(mix[0])));
  return mix;
}

std::string StatesAndOrganisations(const mf::View& v) {
  int orgs = 0;
  for (const mf::SeatPublic& s : v.seats()) orgs += s.kind() == mf::SEAT_ORGANISATION;
  const int states = v.seats_size() - orgs;
  std::string out = std::to_string(states) + " states";
  if (orgs > 0)
    out += " · " + std::to_string(orgs) + (orgs == 1 ? " organisation" : " organisations");
  return out;
}

std::string RoleWord(mf::Role r) {
  switch (r) {
    case mf::SOURCE:
      return "Source";
    case mf::TRANSIT:
      return "Transit";
    case mf::DESTINATION:
      return "Destination";
    default:
      return "Observer";
  }
}

std::string BlocWord(mf::Bloc b) {
  return b == mf::DEVELOPED ? "Developed" : b == mf::DEVELOPING ? "Developing" : "";
}

std::string FormWord(mf::Form f) {
  return rules::FormName(f);
}

std::string CommitmentWord(int kind) {
  std::string s = rules::CommitmentName(static_cast<mf::CommitmentKind>(kind));
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string ShortCommitment(int kind) {
  switch (kind) {
    case mf::LABOUR_VISAS:
      return "Labour visas";
    case mf::READMISSION:
      return "Readmission";
    case mf::REMITTANCE_COST_CUT:
      return "Cheaper remittances";
    case mf::ANTI_SMUGGLING:
      return "Anti-smuggling";
    case mf::RIGHTS_PROTECTION:
      return "Migrants' rights";
    case mf::CLIMATE_DISPLACEMENT:
      return "Climate measures";
    default:
      return "?";
  }
}

std::string PhaseWord(mf::Phase p) {
  return rules::PhaseName(p);
}

std::string TermsWords(const mf::View& v, const mf::DealTerms& t) {
  std::vector<std::string> parts;
  if (t.capital() > 0) parts.push_back(std::to_string(t.capital()) + " political capital");
  if (t.aid() > 0) parts.push_back(std::to_string(t.aid()) + " aid");
  if (t.visas() > 0) parts.push_back(std::to_string(t.visas()) + "k visas");
  if (t.readmission()) parts.push_back("readmission cooperation");
  if (t.stance_text() != 0) {
    std::string what = "text #" + std::to_string(t.stance_text());
    if (v.draft().id() == t.stance_text()) what = "the draft";
    std::string word = VoteWord(v.decision_rule(), t.stance());
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    parts.push_back(word + " on " + what);
  }
  if (parts.empty()) return "nothing";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::string PositionWords(const mf::Theme* theme, int position) {
  std::string s = std::to_string(position);
  if (!theme) return s;
  for (const mf::AxisBand& b : theme->bands())
    if (position >= b.low() && position <= b.high()) return s + " (" + b.label() + ")";
  if (position <= 30) return s + " (towards " + theme->low_label() + ")";
  if (position >= 70) return s + " (towards " + theme->high_label() + ")";
  return s + " (middle ground)";
}

std::vector<std::string> CrossedRedLines(const mf::Brief& brief, const mf::Text& text) {
  std::vector<std::string> out;
  for (const mf::RedLine& r : brief.red_lines()) {
    if (r.theme() != text.theme()) continue;
    const bool form = r.max_form() != mf::FORM_UNSPECIFIED && text.form() > r.max_form();
    const int max_pos = r.max_position() == 0 ? 100 : r.max_position();
    const bool pos = text.position() > max_pos || text.position() < r.min_position();
    if (form || pos) out.push_back(r.reason().empty() ? "a red line" : r.reason());
  }
  return out;
}

std::string Clock(int seconds) {
  seconds = std::max(0, seconds);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d:%02d", seconds / 60, seconds % 60);
  return buf;
}

std::string Percent(double fraction) {
  return std::to_string(static_cast<int>(std::lround(fraction * 100))) + "%";
}

// ---------------------------------------------------------------------------
// The engine's verdicts, read from the view
// ---------------------------------------------------------------------------

std::string WhyNot(const mf::View& v, const mf::Action& a) {
  const rules::Result verdict = rules::VerdictIn(v, a);
  if (!verdict.ok()) return verdict.message;
  if (a.has_propose_deal()) {
    // What an offer may hold by the parties' roles: the engine's check.
    const mf::ProposeDeal& d = a.propose_deal();
    const mf::SeatPublic* me = Me(v);
    const mf::SeatPublic* to = SeatAt(v, d.to());
    if (me && to)
      return rules::CheckOfferTerms(me->role(), to->role(), rules::TermsFromProto(d.give()),
                                    rules::TermsFromProto(d.ask()))
          .message;
  }
  return "";
}

}  // namespace mf::client
