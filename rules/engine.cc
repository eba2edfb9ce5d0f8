// The forum cycle: validation and application of every action, and the one
// place where phases change. World model and scoring live in world.cc.
#include <algorithm>
#include <cmath>
#include <string>

#include "rules/state.h"

namespace mf::rules {
namespace {

int PopCount(uint64_t x) {
  return __builtin_popcountll(x);
}
uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}

Result Err(mf::RuleError code, std::string message) {
  return Result::Error(code, std::move(message));
}

std::string Str(int v) {
  return std::to_string(v);
}

bool ValidForm(mf::Form f) {
  return f >= mf::CHAIRS_SUMMARY && f <= mf::BINDING_CONVENTION;
}
bool ValidVote(mf::VoteChoice v) {
  return v >= mf::SUPPORT && v <= mf::OBJECT;
}
bool ValidPosition(int p) {
  return p >= 0 && p <= 100;
}

constexpr int kMaxStatementBytes = 280;
constexpr int kMaxTermAmount = 20;
constexpr int kMaxOpenOffers = 3;
constexpr int kMaxPendingAmendments = 2;
constexpr int kMaxCapital = 30;
constexpr int kMaxExtension = 4 * 3600;

}  // namespace

State::State(std::shared_ptr<const Scenario> scenario, uint64_t seed)
    : scenario_(std::move(scenario)), params_(&scenario_->params()), seed_(seed), rng_(seed) {
  const Scenario& sc = *scenario_;
  n_ = sc.num_seats();
  seats_.resize(n_);
  for (int i = 0; i < n_; ++i) {
    const SeatData& d = sc.seats()[i];
    SeatState& s = seats_[i];
    s.approval = d.approval;
    s.capital = d.capital;
    s.policy.assign(sc.num_themes(), 0.0);
    for (int t = 0; t < sc.num_themes(); ++t) s.policy[t] = sc.themes()[t].status_quo;
  }
  corridors_.resize(sc.num_corridors());
  trust_.assign(static_cast<size_t>(n_) * n_, 0.5);
  for (uint64_t mask : sc.caucus_masks()) {
    for (int i = 0; i < n_; ++i) {
      if (!(mask & SeatBit(i))) continue;
      for (int j = 0; j < n_; ++j)
        if (i != j && (mask & SeatBit(j))) trust_[i * n_ + j] = 0.6;
    }
  }
  for (int i = 0; i < n_; ++i) trust_[i * n_ + i] = 1.0;
  mods_.push.assign(n_, 1.0);
  // The starting world's flows give every seat its baseline for normalisation.
  ComputeFlows();
  for (SeatState& s : seats_) {
    s.base_remittances = std::max(s.remittances, 1e-3);
    s.base_labour = std::max(s.labour, 1e-3);
    s.base_transit = std::max(s.transit_flow, 1e-3);
    s.base_irregular = std::max(s.irregular_in, 1e-3);
  }
  // Scores are measured against the starting world: a seat's total says how
  // far it improved its position, so every role starts level.
  for (const ScoreBreakdown& b : Scores()) baseline_raw_.push_back(b.raw);
  BeginCycle();
}

int State::current_theme() const {
  if (phase_ < mf::STATEMENTS || phase_ > mf::DECISION) return -1;
  if (agenda_index_ < 0 || agenda_index_ >= static_cast<int>(agenda_.size())) return -1;
  return agenda_[agenda_index_];
}

const Text* State::FindText(int id) const {
  if (id <= 0) return nullptr;
  for (const Text& t : texts_)
    if (t.id == id) return &t;
  return nullptr;
}

const Text* State::draft() const {
  if (current_theme() < 0) return nullptr;
  return FindText(current_text_);
}

double State::reputation(int i) const {
  if (n_ < 2) return 0.5;
  double sum = 0;
  for (int j = 0; j < n_; ++j)
    if (j != i) sum += trust_[j * n_ + i];
  return sum / (n_ - 1);
}

double State::mean_trust() const {
  if (n_ < 2) return 0.5;
  double sum = 0;
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < n_; ++j)
      if (i != j) sum += trust_[i * n_ + j];
  return sum / (static_cast<double>(n_) * (n_ - 1));
}

int State::PendingRatifications(int seat) const {
  if (phase_ != mf::RATIFICATION) return 0;
  int pending = 0;
  const uint64_t bit = SeatBit(seat);
  for (const Text& t : texts_)
    if (t.cycle == cycle_ && t.adopted && t.form == mf::BINDING_CONVENTION &&
        !((t.ratified | t.declined) & bit))
      ++pending;
  return pending;
}

bool State::CrossesRedLine(int seat, const Text& text) const {
  for (const RedLineData& r : scenario_->seats()[seat].red_lines) {
    if (r.theme != text.theme) continue;
    if (r.max_form != mf::FORM_UNSPECIFIED && text.form > r.max_form) return true;
    if (text.position > r.max_position || text.position < r.min_position) return true;
  }
  return false;
}

void State::Log(EventType t, int a, int b, int c, uint64_t private_to) {
  EventRec e;
  e.type = t;
  e.cycle = static_cast<int16_t>(cycle_);
  e.phase = phase_;
  e.a = a;
  e.b = b;
  e.c = c;
  e.private_to = private_to;
  events_.push_back(e);
}

// ---------------------------------------------------------------------------
// The entry for change
// ---------------------------------------------------------------------------

namespace {
// Actions that change what the others are deciding about (see
// State::context_version); a change of phase counts whatever the action.
bool ChangesContext(ActionType t) {
  switch (t) {
    case ActionType::kTableDraft:
    case ActionType::kAmend:
    case ActionType::kAcceptAmendment:
    case ActionType::kRejectAmendment:
    case ActionType::kWithdrawAmendment:
    case ActionType::kWithdrawDraft:
    case ActionType::kInjectEvent:
      return true;
    default:
      return false;
  }
}
}  // namespace

Result State::Apply(int actor, const Action& action) {
  const int serial_before = phase_serial_;
  Result r = Dispatch(actor, action, /*apply=*/true);
  if (r.ok()) {
    ++version_;
    if (actor >= 0 && phase_ != mf::GAME_OVER) MaybeEndPhase();
    if (phase_serial_ != serial_before || ChangesContext(action.type)) context_version_ = version_;
  }
  return r;
}

Result State::Check(int actor, const Action& action) const {
  // Dispatch with apply=false only reads.
  return const_cast<State*>(this)->Dispatch(actor, action, /*apply=*/false);
}

Result State::Dispatch(int actor, const Action& a, bool apply) {
  const int type_index = static_cast<int>(a.type);
  if (type_index < 0 || type_index >= kNumActionTypes)
    return Err(mf::MALFORMED, "unknown action type");
  if (actor == kClock) {
    if (a.type != ActionType::kTimeout)
      return Err(mf::NOT_YOUR_TURN, "the clock can only end a phase that ran out of time");
    if (IsTerminal()) return Err(mf::GAME_OVER_ERROR, "the game is over");
    if (paused_) return Err(mf::PAUSED, "the session is paused; timeouts wait for resume");
    if (a.id != phase_serial_)
      return Err(mf::STALE, "timeout for phase " + Str(a.id) + " but phase " + Str(phase_serial_) +
                                " is running");
    if (!apply) return Result::Ok();
    Log(EventType::kTimedOut, phase_);
    EndPhase();
    return Result::Ok();
  }
  if (actor == kFacilitator) {
    if (!IsFacilitatorAction(a.type))
      return Err(mf::NOT_YOUR_TURN, std::string("the facilitator cannot ") +
                                        ActionTypeName(a.type) +
                                        " for a seat; hand the seat to a bot instead");
    return DoFacilitator(a, apply);
  }
  if (actor < 0 || actor >= n_)
    return Err(mf::MALFORMED, "no seat " + Str(actor) + " (seats are 0.." + Str(n_ - 1) + ")");
  if (IsFacilitatorAction(a.type) || a.type == ActionType::kTimeout)
    return Err(mf::NOT_YOUR_TURN,
               std::string("only the facilitator may ") + ActionTypeName(a.type));
  if (IsTerminal()) return Err(mf::GAME_OVER_ERROR, "the game is over; no more actions");
  if (paused_) return Err(mf::PAUSED, "the facilitator has paused the session");
  const bool counted = a.type != ActionType::kReady && a.type != ActionType::kVote &&
                       a.type != ActionType::kRatify && a.type != ActionType::kHonourDeal;
  if (counted && seats_[actor].actions >= params_->max_actions_per_phase)
    return Err(mf::LIMIT, "you have used your " + Str(params_->max_actions_per_phase) +
                              " actions in this phase; say you are ready");
  Result r;
  switch (a.type) {
    case ActionType::kReady:
      r = DoReady(actor, apply);
      break;
    case ActionType::kEndorse:
      r = DoEndorse(actor, a, apply);
      break;
    case ActionType::kPrioritise:
      r = DoPrioritise(actor, a, apply);
      break;
    case ActionType::kStatement:
      r = DoStatement(actor, a, apply);
      break;
    case ActionType::kTableDraft:
      r = DoTableDraft(actor, a, apply);
      break;
    case ActionType::kAmend:
      r = DoAmend(actor, a, apply);
      break;
    case ActionType::kAcceptAmendment:
    case ActionType::kRejectAmendment:
    case ActionType::kWithdrawAmendment:
      r = DoAmendmentDecision(actor, a, apply);
      break;
    case ActionType::kWithdrawDraft:
      r = DoWithdrawDraft(actor, apply);
      break;
    case ActionType::kVote:
      r = DoVote(actor, a, apply);
      break;
    case ActionType::kRatify:
      r = DoRatify(actor, a, apply);
      break;
    case ActionType::kImplement:
    case ActionType::kEnforce:
      r = DoImplement(actor, a, apply);
      break;
    case ActionType::kProposeDeal:
      r = DoProposeDeal(actor, a, apply);
      break;
    case ActionType::kAcceptDeal:
    case ActionType::kRejectDeal:
    case ActionType::kWithdrawDeal:
      r = DoAnswerDeal(actor, a, apply);
      break;
    case ActionType::kHonourDeal:
      r = DoHonourDeal(actor, a, apply);
      break;
    default:
      return Err(mf::MALFORMED, "unknown action type");
  }
  if (apply && r.ok() && counted) ++seats_[actor].actions;
  return r;
}

namespace {
Result WrongPhase(const char* what, mf::Phase needed, mf::Phase now) {
  return Err(mf::WRONG_PHASE, std::string(what) + " is only possible in " + PhaseName(needed) +
                                  " (now: " + PhaseName(now) + ")");
}
}  // namespace

Result State::DoReady(int s, bool apply) {
  if (seats_[s].ready) return Err(mf::ALREADY_DONE, "you are already ready");
  if (!apply) return Result::Ok();
  seats_[s].ready = true;
  return Result::Ok();
}

Result State::DoEndorse(int s, const Action& a, bool apply) {
  if (phase_ != mf::CIVIL_SOCIETY) return WrongPhase("endorsing", mf::CIVIL_SOCIETY, phase_);
  Recommendation* rec = nullptr;
  for (Recommendation& r : recs_)
    if (r.id == a.id) rec = &r;
  if (!rec) return Err(mf::NOT_FOUND, "no recommendation " + Str(a.id) + " this cycle");
  if (rec->endorsed & SeatBit(s))
    return Err(mf::ALREADY_DONE, "you already endorsed recommendation " + Str(a.id));
  if (!apply) return Result::Ok();
  rec->endorsed |= SeatBit(s);
  ++endorsements_;
  // Endorsing civil society plays well with sources' publics, less so with destinations'.
  const mf::Role role = scenario_->seats()[s].role;
  seats_[s].approval += role == mf::SOURCE ? 0.01 : role == mf::DESTINATION ? -0.01 : 0.0;
  Log(EventType::kEndorsed, s, rec->id);
  return Result::Ok();
}

Result State::DoPrioritise(int s, const Action& a, bool apply) {
  if (phase_ != mf::CIVIL_SOCIETY)
    return WrongPhase("setting the agenda order", mf::CIVIL_SOCIETY, phase_);
  if (s != host_)
    return Err(mf::NOT_YOUR_TURN,
               "only the host (" + scenario_->seats()[host_].name + ") sets the agenda order");
  auto it = std::find(agenda_.begin(), agenda_.end(), a.theme);
  if (it == agenda_.end()) return Err(mf::NOT_FOUND, "that theme is not on this cycle's agenda");
  if (it == agenda_.begin()) return Err(mf::ALREADY_DONE, "that theme is already first");
  if (!apply) return Result::Ok();
  std::rotate(agenda_.begin(), it, it + 1);
  Log(EventType::kPrioritised, s, a.theme);
  return Result::Ok();
}

Result State::DoStatement(int s, const Action& a, bool apply) {
  if (phase_ != mf::STATEMENTS) return WrongPhase("a statement", mf::STATEMENTS, phase_);
  if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
  if (a.text.size() > kMaxStatementBytes)
    return Err(mf::MALFORMED, "a statement is at most 280 bytes");
  if (!IsCleanUtf8(a.text)) return Err(mf::MALFORMED, "a statement must be valid UTF-8 text");
  if (!apply) return Result::Ok();
  seats_[s].statement = a.position;
  seats_[s].statement_text = a.text;
  Log(EventType::kStatement, s, a.position);
  return Result::Ok();
}

namespace {
Result CheckCommitments(const Scenario& sc, CommitmentSet set, int corridor) {
  if (set & ~kAllCommitments) return Err(mf::MALFORMED, "unknown commitment");
  if ((set & Bit(mf::ANTI_SMUGGLING)) && (corridor < 0 || corridor >= sc.num_corridors()))
    return Err(mf::MALFORMED, "anti-smuggling cooperation needs a corridor");
  return Result::Ok();
}
}  // namespace

Result State::DoTableDraft(int s, const Action& a, bool apply) {
  if (phase_ != mf::DRAFTING) return WrongPhase("tabling a draft", mf::DRAFTING, phase_);
  if (!IsCoChair(s)) return Err(mf::NOT_YOUR_TURN, "only the co-chairs table the draft");
  Text* t = const_cast<Text*>(draft());
  if (!t) return Err(mf::WRONG_PHASE, "no agenda item is open");
  if (t->withdrawn) return Err(mf::ALREADY_DONE, "the draft was withdrawn for this item");
  if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
  if (!ValidForm(a.form)) return Err(mf::MALFORMED, "choose a form for the draft");
  Result c = CheckCommitments(*scenario_, a.add, a.corridor);
  if (!c.ok()) return c;
  if (!apply) return Result::Ok();
  t->position = a.position;
  t->form = a.form;
  t->commitments = a.add;
  t->corridor = (a.add & Bit(mf::ANTI_SMUGGLING)) ? a.corridor : -1;
  t->tabled = true;
  Log(EventType::kDraftTabled, s, t->id);
  return Result::Ok();
}

Result State::DoAmend(int s, const Action& a, bool apply) {
  if (phase_ != mf::DRAFTING) return WrongPhase("amending", mf::DRAFTING, phase_);
  const Text* t = draft();
  if (!t || !t->tabled)
    return Err(mf::WRONG_PHASE, "nothing to amend yet: the co-chairs have not tabled a draft");
  if (t->withdrawn) return Err(mf::ALREADY_DONE, "the draft was withdrawn for this item");
  if (a.position != -1 && !ValidPosition(a.position))
    return Err(mf::MALFORMED, "a position is 0..100 (or -1 to keep it)");
  if (a.form != mf::FORM_UNSPECIFIED && !ValidForm(a.form))
    return Err(mf::MALFORMED, "unknown form");
  if ((a.add | a.remove) & ~kAllCommitments) return Err(mf::MALFORMED, "unknown commitment");
  if (a.add & a.remove) return Err(mf::MALFORMED, "an amendment cannot add and remove the same");
  const bool changes = (a.position != -1 && a.position != t->position) ||
                       (a.form != mf::FORM_UNSPECIFIED && a.form != t->form) ||
                       (a.add & ~t->commitments) || (a.remove & t->commitments);
  if (!changes)
    return Err(mf::MALFORMED, "an amendment must change the position, the form or the commitments");
  if ((a.add & Bit(mf::ANTI_SMUGGLING)) && t->corridor < 0) {
    Result c = CheckCommitments(*scenario_, a.add, a.corridor);
    if (!c.ok()) return c;
  }
  if (seats_[s].capital < 1)
    return Err(mf::LIMIT, "an amendment costs 1 political capital and you have none");
  int pending = 0;
  for (const Amendment& m : amendments_)
    if (m.proposer == s && m.status == AmendStatus::kPending) ++pending;
  if (pending >= kMaxPendingAmendments)
    return Err(mf::LIMIT, "you already have 2 amendments waiting for the co-chairs");
  if (!apply) return Result::Ok();
  Amendment m;
  m.id = next_id_++;
  m.proposer = s;
  m.position = a.position;
  m.form = a.form;
  m.add = a.add;
  m.remove = a.remove;
  m.corridor = (a.add & Bit(mf::ANTI_SMUGGLING)) ? a.corridor : -1;
  amendments_.push_back(m);
  seats_[s].capital -= 1;
  Log(EventType::kAmendmentProposed, s, m.id);
  return Result::Ok();
}

Result State::DoAmendmentDecision(int s, const Action& a, bool apply) {
  if (phase_ != mf::DRAFTING) return WrongPhase("handling amendments", mf::DRAFTING, phase_);
  Amendment* m = nullptr;
  for (Amendment& x : amendments_)
    if (x.id == a.id) m = &x;
  if (!m) return Err(mf::NOT_FOUND, "no amendment " + Str(a.id) + " on this draft");
  if (m->status != AmendStatus::kPending)
    return Err(mf::ALREADY_DONE, "amendment " + Str(a.id) + " was already dealt with");
  Text* t = const_cast<Text*>(draft());
  if (!t || t->withdrawn) return Err(mf::ALREADY_DONE, "the draft was withdrawn for this item");
  if (a.type == ActionType::kWithdrawAmendment) {
    if (m->proposer != s)
      return Err(mf::NOT_YOUR_TURN, "only its proposer may withdraw an amendment");
  } else if (!IsCoChair(s)) {
    return Err(mf::NOT_YOUR_TURN, "only the co-chairs accept or reject amendments");
  }
  if (!apply) return Result::Ok();
  if (a.type == ActionType::kWithdrawAmendment) {
    m->status = AmendStatus::kWithdrawn;
    Log(EventType::kAmendmentWithdrawn, s, m->id);
  } else if (a.type == ActionType::kAcceptAmendment) {
    m->status = AmendStatus::kAccepted;
    if (m->position != -1) t->position = m->position;
    if (m->form != mf::FORM_UNSPECIFIED) t->form = m->form;
    t->commitments = (t->commitments | m->add) & ~m->remove;
    if ((m->add & Bit(mf::ANTI_SMUGGLING)) && t->corridor < 0) t->corridor = m->corridor;
    if (!(t->commitments & Bit(mf::ANTI_SMUGGLING))) t->corridor = -1;
    ChangeTrust(m->proposer, s, 0.03);
    Log(EventType::kAmendmentAccepted, s, m->id);
  } else {
    m->status = AmendStatus::kRejected;
    ChangeTrust(m->proposer, s, -0.02);
    Log(EventType::kAmendmentRejected, s, m->id);
  }
  return Result::Ok();
}

Result State::DoWithdrawDraft(int s, bool apply) {
  if (phase_ != mf::DRAFTING) return WrongPhase("withdrawing the draft", mf::DRAFTING, phase_);
  if (!IsCoChair(s)) return Err(mf::NOT_YOUR_TURN, "only the co-chairs may withdraw the draft");
  Text* t = const_cast<Text*>(draft());
  if (!t) return Err(mf::WRONG_PHASE, "no agenda item is open");
  if (t->withdrawn) return Err(mf::ALREADY_DONE, "the draft is already withdrawn");
  if (!apply) return Result::Ok();
  t->withdrawn = true;
  for (Amendment& m : amendments_)
    if (m.status == AmendStatus::kPending) m.status = AmendStatus::kLapsed;
  Log(EventType::kDraftWithdrawn, s, t->id);
  return Result::Ok();
}

Result State::DoVote(int s, const Action& a, bool apply) {
  if (phase_ != mf::DECISION) return WrongPhase("voting", mf::DECISION, phase_);
  if (!ValidVote(a.vote)) return Err(mf::MALFORMED, "vote support, stand aside or object");
  if (seats_[s].vote == a.vote) return Err(mf::ALREADY_DONE, "that is already your vote");
  if (!apply) return Result::Ok();
  seats_[s].vote = a.vote;
  seats_[s].ready = true;
  return Result::Ok();
}

Result State::DoRatify(int s, const Action& a, bool apply) {
  if (phase_ != mf::RATIFICATION) return WrongPhase("ratifying", mf::RATIFICATION, phase_);
  Text* t = const_cast<Text*>(FindText(a.id));
  if (!t || t->cycle != cycle_ || !t->adopted || t->form != mf::BINDING_CONVENTION)
    return Err(mf::NOT_FOUND, "text " + Str(a.id) + " is not a convention open for ratification");
  if ((t->ratified | t->declined) & SeatBit(s))
    return Err(mf::ALREADY_DONE, "you already decided on text " + Str(a.id));
  if (!apply) return Result::Ok();
  (a.flag ? t->ratified : t->declined) |= SeatBit(s);
  Log(a.flag ? EventType::kRatified : EventType::kDeclined, s, t->id);
  if (PendingRatifications(s) == 0) seats_[s].ready = true;
  return Result::Ok();
}

Result State::DoImplement(int s, const Action& a, bool apply) {
  const bool enforce = a.type == ActionType::kEnforce;
  if (phase_ != mf::IMPLEMENTATION)
    return WrongPhase(enforce ? "setting enforcement" : "implementing", mf::IMPLEMENTATION, phase_);
  if (a.level < 0 || a.level > 100) return Err(mf::MALFORMED, "a level is 0..100 percent");
  int& field = enforce ? seats_[s].enforcement : seats_[s].implement;
  if (field == a.level) return Err(mf::ALREADY_DONE, "that level is already set");
  if (!apply) return Result::Ok();
  field = a.level;
  return Result::Ok();
}

Result State::CheckTerms(int giver, const Terms& t, const char* side) const {
  const std::string who = side;
  if (t.capital < 0 || t.aid < 0 || t.visas < 0 || t.capital > kMaxTermAmount ||
      t.aid > kMaxTermAmount || t.visas > kMaxTermAmount)
    return Err(mf::MALFORMED, who + ": amounts are 0..20");
  const mf::Role role = scenario_->seats()[giver].role;
  if (t.visas > 0 && role != mf::DESTINATION)
    return Err(mf::MALFORMED, who + ": only destination states issue visas");
  if (t.readmission && role == mf::DESTINATION)
    return Err(mf::MALFORMED,
               who + ": readmission cooperation comes from source or transit states");
  if (t.stance_text != 0) {
    const Text* d = draft();
    if (!d || d->id != t.stance_text || d->decided)
      return Err(mf::NOT_FOUND,
                 who + ": a stance can only be promised on the draft now on the table");
    if (!ValidVote(t.stance)) return Err(mf::MALFORMED, who + ": which stance is promised?");
  } else if (t.stance != mf::VOTE_UNSPECIFIED) {
    return Err(mf::MALFORMED, who + ": a stance needs the text it is about");
  }
  return Result::Ok();
}

Result State::DoProposeDeal(int s, const Action& a, bool apply) {
  if (a.seat < 0 || a.seat >= n_ || a.seat == s)
    return Err(mf::MALFORMED, "a deal needs another seat as counterpart");
  Result r = CheckTerms(s, a.give, "what you give");
  if (!r.ok()) return r;
  r = CheckTerms(a.seat, a.ask, "what you ask");
  if (!r.ok()) return r;
  if (a.give.Empty() && a.ask.Empty())
    return Err(mf::MALFORMED, "a deal must give or ask something");
  if (a.give.capital > seats_[s].capital)
    return Err(mf::LIMIT, "you offer " + Str(a.give.capital) + " political capital but have " +
                              Str(seats_[s].capital));
  int open = 0;
  for (const Deal& d : deals_)
    if (d.from == s && d.status == DealStatus::kOffered) ++open;
  if (open >= kMaxOpenOffers)
    return Err(mf::LIMIT, "you already have 3 offers waiting for answers");
  if (!apply) return Result::Ok();
  Deal d;
  d.id = next_id_++;
  d.from = s;
  d.to = a.seat;
  d.give = a.give;
  d.ask = a.ask;
  d.cycle = cycle_;
  deals_.push_back(d);
  Log(EventType::kDealOffered, s, d.id, a.seat, SeatBit(s) | SeatBit(a.seat));
  return Result::Ok();
}

Result State::DoAnswerDeal(int s, const Action& a, bool apply) {
  Deal* d = nullptr;
  for (Deal& x : deals_)
    if (x.id == a.id) d = &x;
  // Deals of others are not acknowledged at all: their existence is private.
  if (!d || (d->from != s && d->to != s))
    return Err(mf::NOT_FOUND, "you have no deal " + Str(a.id));
  if (a.type == ActionType::kWithdrawDeal) {
    if (d->from != s) return Err(mf::NOT_YOUR_TURN, "only the proposer may withdraw an offer");
  } else if (d->to != s) {
    return Err(mf::NOT_YOUR_TURN, "only the counterpart answers an offer");
  }
  if (d->status != DealStatus::kOffered)
    return Err(mf::ALREADY_DONE, "deal " + Str(a.id) + " is no longer open");
  if (a.type == ActionType::kAcceptDeal) {
    if (d->give.capital > seats_[d->from].capital)
      return Err(mf::LIMIT, "the proposer no longer has the political capital offered");
    if (d->ask.capital > seats_[d->to].capital)
      return Err(mf::LIMIT,
                 "you do not have the " + Str(d->ask.capital) + " political capital asked");
    for (const Terms* t : {&d->give, &d->ask}) {
      if (t->stance_text == 0) continue;
      const Text* x = draft();
      if (!x || x->id != t->stance_text || x->decided)
        return Err(mf::WRONG_PHASE, "the text this deal is about has already been decided");
    }
  }
  if (!apply) return Result::Ok();
  const uint64_t parties = SeatBit(d->from) | SeatBit(d->to);
  if (a.type == ActionType::kAcceptDeal) {
    d->status = DealStatus::kAccepted;
    seats_[d->from].capital += d->ask.capital - d->give.capital;
    seats_[d->to].capital += d->give.capital - d->ask.capital;
    ChangeTrust(d->from, d->to, 0.03);
    ChangeTrust(d->to, d->from, 0.03);
    Log(EventType::kDealAccepted, s, d->id, d->from, parties);
  } else if (a.type == ActionType::kRejectDeal) {
    d->status = DealStatus::kRejected;
    Log(EventType::kDealRejected, s, d->id, d->from, parties);
  } else {
    d->status = DealStatus::kWithdrawn;
    Log(EventType::kDealWithdrawn, s, d->id, d->to, parties);
  }
  return Result::Ok();
}

namespace {
bool HasDeliverables(const Terms& t) {
  return t.aid > 0 || t.visas > 0 || t.readmission;
}
}  // namespace

Result State::DoHonourDeal(int s, const Action& a, bool apply) {
  if (phase_ != mf::IMPLEMENTATION)
    return WrongPhase("delivering on a deal", mf::IMPLEMENTATION, phase_);
  Deal* d = nullptr;
  for (Deal& x : deals_)
    if (x.id == a.id) d = &x;
  if (!d || (d->from != s && d->to != s))
    return Err(mf::NOT_FOUND, "you have no deal " + Str(a.id));
  if (d->status != DealStatus::kAccepted || d->cycle != cycle_)
    return Err(mf::WRONG_PHASE, "only deals accepted this cycle are delivered now");
  const bool is_from = d->from == s;
  const Terms& mine = is_from ? d->give : d->ask;
  if (!HasDeliverables(mine))
    return Err(mf::MALFORMED, "you have nothing to deliver in deal " + Str(a.id));
  const int8_t kept = is_from ? d->from_kept : d->to_kept;
  if (kept != -1) return Err(mf::ALREADY_DONE, "you already decided on deal " + Str(a.id));
  if (!apply) return Result::Ok();
  (is_from ? d->from_kept : d->to_kept) = a.flag ? 1 : 0;
  if (a.flag) Log(EventType::kDealKept, s, d->id, 0, SeatBit(d->from) | SeatBit(d->to));
  return Result::Ok();
}

Result State::DoFacilitator(const Action& a, bool apply) {
  if (IsTerminal()) return Err(mf::GAME_OVER_ERROR, "the game is over");
  switch (a.type) {
    case ActionType::kAdvance:
      if (!apply) return Result::Ok();
      Log(EventType::kAdvanced, phase_);
      EndPhase();
      return Result::Ok();
    case ActionType::kPause:
      if (paused_) return Err(mf::ALREADY_DONE, "the session is already paused");
      if (!apply) return Result::Ok();
      paused_ = true;
      Log(EventType::kPaused);
      return Result::Ok();
    case ActionType::kResume:
      if (!paused_) return Err(mf::ALREADY_DONE, "the session is not paused");
      if (!apply) return Result::Ok();
      paused_ = false;
      Log(EventType::kResumed);
      return Result::Ok();
    case ActionType::kExtend:
      if (a.level < 1 || a.level > 3600) return Err(mf::MALFORMED, "extend by 1 to 3600 seconds");
      if (extension_ + a.level > kMaxExtension)
        return Err(mf::LIMIT, "a phase can be extended by four hours at most");
      if (!apply) return Result::Ok();
      extension_ += a.level;
      Log(EventType::kExtended, a.level);
      return Result::Ok();
    case ActionType::kInjectEvent:
      if (a.event < mf::ECONOMIC_INTEGRATION || a.event > mf::ELECTION_SWING)
        return Err(mf::MALFORMED, "unknown world event");
      if (a.seat < -1 || a.seat >= n_) return Err(mf::MALFORMED, "no seat " + Str(a.seat));
      if (!apply) return Result::Ok();
      ApplyWorldEvent(a.event, a.seat);
      return Result::Ok();
    case ActionType::kSetBot:
      if (a.seat < 0 || a.seat >= n_) return Err(mf::MALFORMED, "no seat " + Str(a.seat));
      if (seats_[a.seat].bot == a.flag)
        return Err(mf::ALREADY_DONE,
                   a.flag ? "that seat is already a bot" : "that seat is already a person");
      if (!apply) return Result::Ok();
      seats_[a.seat].bot = a.flag;
      Log(a.flag ? EventType::kSeatToBot : EventType::kSeatToHuman, a.seat);
      return Result::Ok();
    default:
      return Err(mf::MALFORMED, "not a facilitator action");
  }
}

// ---------------------------------------------------------------------------
// The phase machine
// ---------------------------------------------------------------------------

bool State::AllReady() const {
  for (const SeatState& s : seats_)
    if (!s.ready) return false;
  return true;
}

void State::MaybeEndPhase() {
  if (AllReady()) EndPhase();
}

void State::EnterPhase(mf::Phase p) {
  phase_ = p;
  ++phase_serial_;
  extension_ = 0;
  for (SeatState& s : seats_) {
    s.ready = false;
    s.actions = 0;
  }
  Log(EventType::kPhaseStart, p);
}

void State::BeginCycle() {
  const Scenario& sc = *scenario_;
  const auto& order = sc.host_order();
  const int h = static_cast<int>(order.size());
  const int k = (cycle_ - 1) % h;
  host_ = order[k];
  troika_ = SeatBit(host_) | SeatBit(order[(k + h - 1) % h]) | SeatBit(order[(k + 1) % h]);
  for (int i = 0; i < n_; ++i) {
    const int income =
        static_cast<int>(std::lround(params_->capital_income * sc.seats()[i].influence));
    seats_[i].capital = std::min(kMaxCapital, seats_[i].capital + income);
    seats_[i].deal_visas = 0;
  }
  mods_ = Modifiers();
  mods_.push.assign(n_, 1.0);
  Log(EventType::kCycleStart, cycle_, host_);
  DrawWorldEvent();
  agenda_ = sc.agenda()[cycle_ - 1];
  agenda_index_ = 0;
  current_text_ = 0;
  recs_.clear();
  for (int theme : agenda_) {
    Recommendation r;
    r.id = next_id_++;
    r.theme = theme;
    r.position = sc.themes()[theme].civil_society_position;
    recs_.push_back(r);
    Log(EventType::kRecommendation, r.id, theme, r.position);
  }
  EnterPhase(mf::CIVIL_SOCIETY);
}

void State::BeginItem() {
  const Scenario& sc = *scenario_;
  const int theme = agenda_[agenda_index_];
  // Co-chairs: one developed and one developing state, from the steering
  // group when it has both, rotating with the cycle and the item.
  const int rot = cycle_ * 7 + agenda_index_ * 3 + theme;
  for (int k = 0; k < 2; ++k) {
    const mf::Bloc want = k == 0 ? mf::DEVELOPED : mf::DEVELOPING;
    std::vector<int> pool;
    for (int s : sc.steering())
      if (sc.seats()[s].bloc == want) pool.push_back(s);
    if (pool.empty())
      for (int s = 0; s < n_; ++s)
        if (sc.seats()[s].bloc == want) pool.push_back(s);
    if (pool.empty())
      for (int s = 0; s < n_; ++s)
        if (s != co_chairs_[0]) pool.push_back(s);
    co_chairs_[k] = pool[static_cast<size_t>(rot) % pool.size()];
  }
  Text t;
  t.id = next_id_++;
  t.theme = theme;
  t.position = sc.themes()[theme].status_quo;
  t.cycle = cycle_;
  texts_.push_back(t);
  current_text_ = t.id;
  amendments_.clear();
  for (SeatState& s : seats_) {
    s.statement = -1;
    s.statement_text.clear();
    s.vote = mf::VOTE_UNSPECIFIED;
  }
  EnterPhase(mf::STATEMENTS);
}

void State::NextItem() {
  ++agenda_index_;
  if (agenda_index_ < static_cast<int>(agenda_.size())) {
    BeginItem();
    return;
  }
  current_text_ = 0;
  co_chairs_[0] = co_chairs_[1] = -1;
  bool binding = false;
  for (const Text& t : texts_)
    if (t.cycle == cycle_ && t.adopted && t.form == mf::BINDING_CONVENTION) binding = true;
  EnterPhase(binding ? mf::RATIFICATION : mf::IMPLEMENTATION);
}

void State::EndPhase() {
  switch (phase_) {
    case mf::CIVIL_SOCIETY:
      agenda_index_ = 0;
      BeginItem();
      break;
    case mf::STATEMENTS:
      EnterPhase(mf::DRAFTING);
      break;
    case mf::DRAFTING: {
      Text* t = const_cast<Text*>(draft());
      for (Amendment& m : amendments_)
        if (m.status == AmendStatus::kPending) m.status = AmendStatus::kLapsed;
      if (t->withdrawn) {
        t->decided = true;
        NextItem();
        break;
      }
      if (!t->tabled) {
        // The co-chairs' working paper: the mean of their statements.
        int sum = 0, count = 0;
        for (int k = 0; k < 2; ++k) {
          const int p = seats_[co_chairs_[k]].statement;
          if (p >= 0) {
            sum += p;
            ++count;
          }
        }
        t->position = count ? (sum + count / 2) / count : t->position;
        t->form = mf::CHAIRS_SUMMARY;
        t->tabled = true;
        Log(EventType::kWorkingPaper, 0, t->id);
      }
      EnterPhase(mf::DECISION);
      break;
    }
    case mf::DECISION:
      ResolveDecision();
      NextItem();
      break;
    case mf::RATIFICATION:
      ResolveRatification();
      EnterPhase(mf::IMPLEMENTATION);
      break;
    case mf::IMPLEMENTATION:
      ResolveImplementation();
      WorldUpdate();
      RecordCycleStats();
      Log(EventType::kWorldUpdate, cycle_);
      if (cycle_ >= scenario_->cycles()) {
        FinishGame();
      } else {
        ++cycle_;
        BeginCycle();
      }
      break;
    default:
      break;
  }
}

void State::ResolveDecision() {
  Text& t = *const_cast<Text*>(draft());
  uint64_t sup = 0, obj = 0;
  double wsup = 0, wobj = 0;
  for (int s = 0; s < n_; ++s) {
    const double w = scenario_->seats()[s].influence;
    if (seats_[s].vote == mf::SUPPORT) {
      sup |= SeatBit(s);
      wsup += w;
    } else if (seats_[s].vote == mf::OBJECT) {
      obj |= SeatBit(s);
      wobj += w;
    }
  }
  bool adopted = false;
  switch (scenario_->decision_rule()) {
    case mf::MAJORITY:
      // A treaty text needs the support of two thirds of all seats; other
      // texts a simple majority of the votes cast.
      adopted = t.form == mf::BINDING_CONVENTION ? 3 * PopCount(sup) >= 2 * n_
                                                 : PopCount(sup) > PopCount(obj);
      break;
    case mf::WEIGHTED_MAJORITY: {
      const double threshold = t.form == mf::BINDING_CONVENTION
                                   ? std::max(params_->weighted_threshold, 2.0 / 3.0)
                                   : params_->weighted_threshold;
      adopted = sup != 0 && wsup > threshold * (wsup + wobj);
      break;
    }
    default: {
      const int needed = static_cast<int>(std::ceil(params_->consensus_min_support * n_ - 1e-9));
      adopted = obj == 0 && PopCount(sup) >= std::max(1, needed);
      break;
    }
  }
  t.decided = true;
  t.adopted = adopted;
  t.supporters = sup;
  t.objectors = obj;
  if (adopted) {
    ++adoptions_;
    t.in_force = t.form != mf::BINDING_CONVENTION;
    Log(EventType::kAdopted, 0, t.id, PopCount(sup));
    for (int i = 0; i < n_; ++i) {
      if (!(sup & SeatBit(i))) continue;
      for (int j = 0; j < n_; ++j)
        if (j != i && (sup & SeatBit(j))) ChangeTrust(i, j, 0.02);
      // Supporting a text across one's red line costs at home.
      if (CrossesRedLine(i, t)) seats_[i].approval -= 0.06;
    }
  } else {
    Log(EventType::kRejected, 0, t.id, PopCount(obj));
    if (scenario_->decision_rule() == mf::CONSENSUS) {
      for (int i = 0; i < n_; ++i)
        if (sup & SeatBit(i))
          for (int j = 0; j < n_; ++j)
            if (obj & SeatBit(j)) ChangeTrust(i, j, -0.03);
    }
  }
  // Promised stances on this text are checked now: votes are public.
  for (size_t k = 0; k < deals_.size(); ++k) {
    Deal& d = deals_[k];
    if (d.status != DealStatus::kAccepted) continue;
    for (int side = 0; side < 2; ++side) {
      const Terms& terms = side == 0 ? d.give : d.ask;
      if (terms.stance_text != t.id) continue;
      const int who = side == 0 ? d.from : d.to;
      const mf::VoteChoice v = seats_[who].vote;
      bool kept = v == terms.stance;
      if (terms.stance == mf::STAND_ASIDE) kept = v != mf::OBJECT;
      int8_t& flag = side == 0 ? d.from_kept : d.to_kept;
      if (!kept) {
        flag = 0;
        RevealBreach(who, static_cast<int>(k));
      } else if (!HasDeliverables(terms)) {
        flag = 1;
      }
    }
  }
}

void State::ResolveRatification() {
  const int needed =
      std::max(1, static_cast<int>(std::ceil(params_->ratification_threshold * n_ - 1e-9)));
  for (Text& t : texts_) {
    if (t.cycle != cycle_ || !t.adopted || t.form != mf::BINDING_CONVENTION) continue;
    const int count = PopCount(t.ratified);
    ratifications_ += count;
    t.in_force = count >= needed;
    Log(t.in_force ? EventType::kInForce : EventType::kNotInForce, 0, t.id, count);
    for (int s = 0; s < n_; ++s) {
      if (!(t.ratified & SeatBit(s))) continue;
      if (CrossesRedLine(s, t)) seats_[s].approval -= 0.08;
      if (t.in_force)
        seats_[s].sovereignty_cost += scenario_->seats()[s].sovereignty * params_->sovereignty_cost;
    }
  }
}

void State::ResolveImplementation() {
  for (size_t k = 0; k < deals_.size(); ++k) {
    Deal& d = deals_[k];
    if (d.status == DealStatus::kOffered) {
      d.status = DealStatus::kExpired;
      continue;
    }
    if (d.status != DealStatus::kAccepted || d.cycle != cycle_) continue;
    for (int side = 0; side < 2; ++side) {
      const Terms& terms = side == 0 ? d.give : d.ask;
      int8_t& flag = side == 0 ? d.from_kept : d.to_kept;
      const int giver = side == 0 ? d.from : d.to;
      const int taker = side == 0 ? d.to : d.from;
      if (flag == -1) flag = 1;  // Undecided deliveries are carried out.
      if (flag == 1 && HasDeliverables(terms)) {
        SeatState& g = seats_[giver];
        SeatState& r = seats_[taker];
        g.aid_given += terms.aid;
        r.aid_received += terms.aid;
        g.deal_visas += terms.visas;
        if (terms.readmission) g.readmission = std::min(1.0, g.readmission + 0.15);
      }
      if (flag == 0 && !d.breach_visible) RevealBreach(giver, static_cast<int>(k));
    }
    if (d.from_kept == 1 && d.to_kept == 1) {
      ++kept_deals_;
      ChangeTrust(d.from, d.to, 0.05);
      ChangeTrust(d.to, d.from, 0.05);
    }
  }
}

void State::ChangeTrust(int from, int to, double delta) {
  if (from == to) return;
  double& t = trust_[from * n_ + to];
  t = std::min(1.0, std::max(0.0, t + delta));
}

void State::RevealBreach(int breacher, int deal_index) {
  Deal& d = deals_[deal_index];
  const int victim = d.from == breacher ? d.to : d.from;
  d.breach_visible = true;
  for (int j = 0; j < n_; ++j) {
    if (j == breacher) continue;
    ChangeTrust(j, breacher,
                j == victim ? -params_->breach_trust_victim : -params_->breach_trust_others);
  }
  Log(EventType::kBreachVisible, breacher, d.id, victim);
}

void State::FinishGame() {
  EnterPhase(mf::GAME_OVER);
  final_scores_ = Scores();
  winner_ = 0;
  for (int s = 0; s < n_; ++s)
    if (final_scores_[s].rank == 1) winner_ = s;
  Log(EventType::kGameOver, winner_);
}

}  // namespace mf::rules
