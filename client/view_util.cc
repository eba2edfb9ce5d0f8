#include "client/view_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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
// Legality from the view (mirrors the engine's checks and words)
// ---------------------------------------------------------------------------

namespace {

std::string WrongPhase(const std::string& what, mf::Phase needed, mf::Phase now) {
  return what + " is only possible in " + PhaseWord(needed) + " (now: " + PhaseWord(now) + ")";
}

std::string TermsProblem(const mf::View& v, int giver, const mf::DealTerms& t,
                         const std::string& who) {
  const mf::SeatPublic* g = SeatAt(v, giver);
  if (!g) return "";
  if (t.capital() < 0 || t.aid() < 0 || t.visas() < 0 || t.capital() > 20 || t.aid() > 20 ||
      t.visas() > 20)
    return who + ": amounts are 0..20";
  if (t.visas() > 0 && g->role() != mf::DESTINATION)
    return who + ": only destination states issue visas";
  if (t.readmission() && g->role() == mf::DESTINATION)
    return who + ": readmission cooperation comes from source or transit states";
  if (t.stance_text() != 0 &&
      (v.draft().id() != t.stance_text() ||
       (v.phase() != mf::STATEMENTS && v.phase() != mf::DRAFTING && v.phase() != mf::DECISION)))
    return who + ": a stance can only be promised on the draft now on the table";
  return "";
}

bool TermsEmpty(const mf::DealTerms& t) {
  return t.capital() == 0 && t.aid() == 0 && t.visas() == 0 && !t.readmission() &&
         t.stance_text() == 0;
}

const mf::DealView* FindDeal(const mf::View& v, int id) {
  for (const mf::DealView& d : v.deals())
    if (d.id() == id) return &d;
  return nullptr;
}

}  // namespace

std::string WhyNot(const mf::View& v, const mf::Action& a) {
  if (IsSpectator(v)) return "spectators watch the forum; they do not act";
  const bool facilitator_action =
      a.kind_case() >= mf::Action::kAdvance && a.kind_case() <= mf::Action::kSetBot;
  if (facilitator_action) {
    if (!IsFacilitator(v)) return "only the facilitator may do this";
    if (v.phase() == mf::GAME_OVER) return "the game is over";
    if (a.has_pause() && v.paused()) return "the session is already paused";
    if (a.has_resume() && !v.paused()) return "the session is not paused";
    if (a.has_set_bot()) {
      const mf::SeatPublic* s = SeatAt(v, a.set_bot().seat());
      if (!s) return "no such seat";
      if (s->bot() == a.set_bot().bot())
        return a.set_bot().bot() ? "that seat is already a bot" : "that seat is already a person";
    }
    return "";
  }
  if (IsFacilitator(v)) return "the facilitator cannot act for a seat; hand the seat to a bot";
  if (v.phase() == mf::GAME_OVER) return "the game is over; no more actions";
  if (v.paused()) return "the facilitator has paused the session";
  const mf::SeatPublic* me = Me(v);
  if (!me) return "you have no seat";
  const mf::Phase p = v.phase();
  switch (a.kind_case()) {
    case mf::Action::kReady:
      return me->ready() ? "you are already ready" : "";
    case mf::Action::kEndorse: {
      if (p != mf::CIVIL_SOCIETY) return WrongPhase("endorsing", mf::CIVIL_SOCIETY, p);
      for (const mf::Recommendation& r : v.recommendations())
        if (r.id() == a.endorse().recommendation()) {
          for (int s : r.endorsed_by())
            if (s == v.viewer()) return "you already endorsed this recommendation";
          return "";
        }
      return "no such recommendation this cycle";
    }
    case mf::Action::kPrioritise: {
      if (p != mf::CIVIL_SOCIETY)
        return WrongPhase("setting the agenda order", mf::CIVIL_SOCIETY, p);
      if (!me->host())
        return "only the host (" + SeatName(v, HostSeat(v)) + ") sets the agenda order";
      if (v.agenda_size() > 0 && v.agenda(0) == a.prioritise().theme())
        return "that theme is already first";
      return "";
    }
    case mf::Action::kStatement:
      if (p != mf::STATEMENTS) return WrongPhase("a statement", mf::STATEMENTS, p);
      if (a.statement().text().size() > 280) return "a statement is at most 280 bytes";
      return "";
    case mf::Action::kTableDraft:
      if (p != mf::DRAFTING) return WrongPhase("tabling a draft", mf::DRAFTING, p);
      if (!me->co_chair()) return "only the co-chairs table the draft";
      if (a.table_draft().form() == mf::FORM_UNSPECIFIED) return "choose a form for the draft";
      if (std::count(a.table_draft().commitments().begin(), a.table_draft().commitments().end(),
                     mf::ANTI_SMUGGLING) &&
          a.table_draft().corridor().empty())
        return "anti-smuggling cooperation needs a corridor";
      return "";
    case mf::Action::kAmend: {
      if (p != mf::DRAFTING) return WrongPhase("amending", mf::DRAFTING, p);
      if (!DraftTabled(v)) return "nothing to amend yet: the co-chairs have not tabled a draft";
      const mf::Amend& m = a.amend();
      const mf::Text& d = v.draft();
      bool changes = (m.position() != -1 && m.position() != d.position()) ||
                     (m.form() != mf::FORM_UNSPECIFIED && m.form() != d.form());
      for (int k : m.add())
        if (std::find(d.commitments().begin(), d.commitments().end(), k) == d.commitments().end())
          changes = true;
      for (int k : m.remove())
        if (std::find(d.commitments().begin(), d.commitments().end(), k) != d.commitments().end())
          changes = true;
      if (!changes) return "an amendment must change the position, the form or the commitments";
      if (me->political_capital() < 1)
        return "an amendment costs 1 political capital and you have none";
      int pending = 0;
      for (const mf::AmendmentView& x : v.amendments())
        if (x.proposer() == v.viewer() && x.status() == "pending") ++pending;
      if (pending >= 2) return "you already have 2 amendments waiting for the co-chairs";
      return "";
    }
    case mf::Action::kAcceptAmendment:
    case mf::Action::kRejectAmendment:
    case mf::Action::kWithdrawAmendment: {
      if (p != mf::DRAFTING) return WrongPhase("handling amendments", mf::DRAFTING, p);
      const int id = a.has_accept_amendment()   ? a.accept_amendment().amendment()
                     : a.has_reject_amendment() ? a.reject_amendment().amendment()
                                                : a.withdraw_amendment().amendment();
      for (const mf::AmendmentView& x : v.amendments()) {
        if (x.id() != id) continue;
        if (x.status() != "pending") return "this amendment was already dealt with";
        if (a.has_withdraw_amendment()) {
          if (x.proposer() != v.viewer()) return "only its proposer may withdraw an amendment";
        } else if (!me->co_chair()) {
          return "only the co-chairs accept or reject amendments";
        }
        return "";
      }
      return "no such amendment on this draft";
    }
    case mf::Action::kWithdrawDraft:
      if (p != mf::DRAFTING) return WrongPhase("withdrawing the draft", mf::DRAFTING, p);
      if (!me->co_chair()) return "only the co-chairs may withdraw the draft";
      return "";
    case mf::Action::kVote:
      if (p != mf::DECISION) return WrongPhase("voting", mf::DECISION, p);
      if (me->vote() == a.vote().choice()) return "that is already your vote";
      return "";
    case mf::Action::kRatify: {
      if (p != mf::RATIFICATION) return WrongPhase("ratifying", mf::RATIFICATION, p);
      for (const mf::Text& t : v.texts()) {
        if (t.id() != a.ratify().text()) continue;
        if (t.cycle() != v.cycle() || t.form() != mf::BINDING_CONVENTION) break;
        for (int s : t.ratified_by())
          if (s == v.viewer()) return "you already ratified this text";
        for (int s : t.declined_by())
          if (s == v.viewer()) return "you already declined this text";
        return "";
      }
      return "this text is not a convention open for ratification";
    }
    case mf::Action::kImplement:
      if (p != mf::IMPLEMENTATION) return WrongPhase("implementing", mf::IMPLEMENTATION, p);
      if (a.implement().level() == v.implement_level()) return "that level is already set";
      return "";
    case mf::Action::kEnforce:
      if (p != mf::IMPLEMENTATION) return WrongPhase("setting enforcement", mf::IMPLEMENTATION, p);
      if (a.enforce().level() == v.enforcement_level()) return "that level is already set";
      return "";
    case mf::Action::kProposeDeal: {
      const mf::ProposeDeal& d = a.propose_deal();
      if (d.to() < 0 || d.to() >= v.seats_size() || d.to() == v.viewer())
        return "choose another state to deal with";
      std::string why = TermsProblem(v, v.viewer(), d.give(), "what you give");
      if (why.empty()) why = TermsProblem(v, d.to(), d.ask(), "what you ask");
      if (!why.empty()) return why;
      if (TermsEmpty(d.give()) && TermsEmpty(d.ask())) return "a deal must give or ask something";
      if (d.give().capital() > me->political_capital())
        return "you offer " + std::to_string(d.give().capital()) + " political capital but have " +
               std::to_string(me->political_capital());
      int open = 0;
      for (const mf::DealView& x : v.deals())
        if (x.from() == v.viewer() && x.status() == "offered") ++open;
      if (open >= 3) return "you already have 3 offers waiting for answers";
      return "";
    }
    case mf::Action::kAcceptDeal:
    case mf::Action::kRejectDeal:
    case mf::Action::kWithdrawDeal: {
      const int id = a.has_accept_deal()   ? a.accept_deal().deal()
                     : a.has_reject_deal() ? a.reject_deal().deal()
                                           : a.withdraw_deal().deal();
      const mf::DealView* d = FindDeal(v, id);
      if (!d) return "you have no such deal";
      if (a.has_withdraw_deal()) {
        if (d->from() != v.viewer()) return "only the proposer may withdraw an offer";
      } else if (d->to() != v.viewer()) {
        return "only the counterpart answers an offer";
      }
      if (d->status() != "offered") return "this deal is no longer open";
      if (a.has_accept_deal() && d->ask().capital() > me->political_capital())
        return "you do not have the " + std::to_string(d->ask().capital()) +
               " political capital asked";
      return "";
    }
    case mf::Action::kHonourDeal: {
      if (p != mf::IMPLEMENTATION) return WrongPhase("delivering on a deal", mf::IMPLEMENTATION, p);
      const mf::DealView* d = FindDeal(v, a.honour_deal().deal());
      if (!d) return "you have no such deal";
      if (d->status() != "accepted") return "only deals accepted this cycle are delivered now";
      const mf::DealTerms& mine = d->from() == v.viewer() ? d->give() : d->ask();
      if (mine.aid() == 0 && mine.visas() == 0 && !mine.readmission())
        return "you have nothing to deliver in this deal";
      return "";
    }
    default:
      return "";
  }
}

}  // namespace mf::client
