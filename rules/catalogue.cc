// The catalogue's table, the checks every kind shares (sender, end of game,
// pause, per-phase limit, phase), the wire conversions and the verdicts.
#include "rules/catalogue.h"

#include <array>

#include "rules/editor.h"

namespace mf::rules {
namespace {

// KindCase values are the oneof's field numbers; the table is indexed by them.
constexpr int kMaxKindCase = 64;

constexpr int kNumPhases = mf::GAME_OVER + 1;

struct Table {
  std::vector<ActionSpec> specs;
  std::vector<const ActionSpec*> ordered;
  std::array<const ActionSpec*, kMaxKindCase> by_type{};
  // Per sender and phase: the kinds that belong to that phase or to any.
  std::vector<const ActionSpec*> in_phase[4][kNumPhases];
};

const Table& TheTable() {
  static const Table* table = [] {
    auto* t = new Table;
    act::AddAgendaActions(&t->specs);
    act::AddDraftingActions(&t->specs);
    act::AddDecisionActions(&t->specs);
    act::AddDealActions(&t->specs);
    act::AddControlActions(&t->specs);
    act::AddOrganisationActions(&t->specs);
    act::AddRegionalActions(&t->specs);
    act::AddPressActions(&t->specs);
    for (const ActionSpec& s : t->specs) {
      t->ordered.push_back(&s);
      t->by_type[static_cast<size_t>(s.type)] = &s;
      for (int p = 0; p < kNumPhases; ++p)
        if (s.phase == mf::PHASE_UNSPECIFIED || s.phase == p)
          t->in_phase[static_cast<int>(s.sender)][p].push_back(&s);
    }
    return t;
  }();
  return *table;
}

}  // namespace

const std::vector<const ActionSpec*>& Catalogue() {
  return TheTable().ordered;
}

const std::vector<const ActionSpec*>& CatalogueFor(Sender sender, mf::Phase phase) {
  const int p = phase >= 0 && phase < kNumPhases ? phase : 0;
  return TheTable().in_phase[static_cast<int>(sender)][p];
}

const ActionSpec* FindSpec(ActionType type) {
  const int k = static_cast<int>(type);
  if (k <= 0 || k >= kMaxKindCase) return nullptr;
  return TheTable().by_type[static_cast<size_t>(k)];
}

Action WithTarget(const ActionSpec& spec, int target) {
  Action a = Action::Make(spec.type);
  if (spec.set_target)
    spec.set_target(&a, target);
  else
    a.id = target;
  return a;
}

const char* ActionTypeName(ActionType t) {
  const ActionSpec* s = FindSpec(t);
  return s ? s->name : "unknown";
}

bool IsFacilitatorAction(ActionType t) {
  const ActionSpec* s = FindSpec(t);
  return s && s->sender == Sender::kByFacilitator;
}

bool IsFacilitatorAction(const mf::Action& proto) {
  return IsFacilitatorAction(proto.kind_case());
}

std::string WrongPhaseReason(const ActionSpec& spec, mf::Phase now) {
  return std::string(spec.doing ? spec.doing : spec.name) + " is only possible in " +
         PhaseName(spec.phase) + " (now: " + PhaseName(now) + ")";
}

std::string WrongSenderReason(const ActionSpec& spec, int actor) {
  if (actor == kClock) return "the clock can only end a phase that ran out of time";
  if (IsPressActor(actor))
    return std::string("a press desk publishes reports; it cannot ") + spec.name;
  if (spec.sender == Sender::kByPress) return std::string("only a press desk may ") + spec.name;
  if (actor == kFacilitator)
    return std::string("the facilitator cannot ") + spec.name +
           " for a seat; hand the seat to a bot instead";
  return std::string("only the facilitator may ") + spec.name;
}

std::string WrongSeatKindReason(const Scenario& sc, const ActionSpec& spec, int seat) {
  if (seat < 0 || seat >= sc.num_seats()) return {};
  if (spec.states_only && sc.IsOrganisation(seat))
    return sc.seats()[seat].name + " is an organisation: organisations do not " + spec.states_only;
  if (spec.organisations_only && !sc.IsOrganisation(seat))
    return std::string("only organisations ") + spec.organisations_only + "; " +
           sc.seats()[seat].name + " is a state";
  return {};
}

namespace {

// The checks before the phase: the sender, the end of the game, a pause,
// the per-phase limit.
bool AdmitsSender(const State& s, const ActionSpec& spec, int actor, Result* why) {
  // The sentence is built only when asked for (legal-action lists do not).
  auto refuse = [why](mf::RuleError code, auto&& message) {
    if (why) *why = Result::Error(code, message());
    return false;
  };
  if (actor == kClock) {
    if (spec.sender != Sender::kByClock)
      return refuse(mf::NOT_YOUR_TURN, [&] { return WrongSenderReason(spec, actor); });
    if (s.IsTerminal()) return refuse(mf::GAME_OVER_ERROR, [] { return "the game is over"; });
    if (s.paused())
      return refuse(mf::PAUSED, [] { return "the session is paused; timeouts wait for resume"; });
  } else if (IsPressActor(actor)) {
    const int desk = PressDesk(actor);
    if (desk >= s.press_desks())
      return refuse(mf::MALFORMED, [&] {
        return "no press desk " + std::to_string(desk) + " in this session (it has " +
               std::to_string(s.press_desks()) + ")";
      });
    if (spec.sender != Sender::kByPress)
      return refuse(mf::NOT_YOUR_TURN, [&] { return WrongSenderReason(spec, actor); });
    if (s.IsTerminal())
      return refuse(mf::GAME_OVER_ERROR, [] { return "the game is over; no more reports"; });
    if (s.paused())
      return refuse(mf::PAUSED, [] { return "the facilitator has paused the session"; });
    const int limit = s.scenario().params().max_reports_per_phase;
    if (s.press_actions(desk) >= limit)
      return refuse(mf::LIMIT, [&] {
        return "your desk has published its " + std::to_string(limit) +
               (limit == 1 ? " report" : " reports") + " in this phase";
      });
  } else if (actor == kFacilitator) {
    if (spec.sender != Sender::kByFacilitator)
      return refuse(mf::NOT_YOUR_TURN, [&] { return WrongSenderReason(spec, actor); });
    if (s.IsTerminal()) return refuse(mf::GAME_OVER_ERROR, [] { return "the game is over"; });
  } else {
    if (actor < 0 || actor >= s.num_seats())
      return refuse(mf::MALFORMED, [&] {
        return "no seat " + std::to_string(actor) + " (seats are 0.." +
               std::to_string(s.num_seats() - 1) + ")";
      });
    if (spec.sender != Sender::kBySeat)
      return refuse(mf::NOT_YOUR_TURN, [&] { return WrongSenderReason(spec, actor); });
    if (s.IsTerminal())
      return refuse(mf::GAME_OVER_ERROR, [] { return "the game is over; no more actions"; });
    if (s.paused())
      return refuse(mf::PAUSED, [] { return "the facilitator has paused the session"; });
    const int limit = s.scenario().params().max_actions_per_phase;
    if (spec.counted && s.seat(actor).actions >= limit)
      return refuse(mf::LIMIT, [&] {
        return "you have used your " + std::to_string(limit) +
               " actions in this phase; say you are ready";
      });
    // Kinds of the other kind of seat (states only, organisations only).
    if ((spec.states_only || spec.organisations_only) &&
        (spec.states_only != nullptr) == s.IsOrganisation(actor))
      return refuse(mf::NOT_ALLOWED,
                    [&] { return WrongSeatKindReason(s.scenario(), spec, actor); });
  }
  return true;
}

bool OtherPhase(const State& s, const ActionSpec& spec) {
  return spec.phase != mf::PHASE_UNSPECIFIED && s.phase() != spec.phase;
}

}  // namespace

bool Admits(const State& s, const ActionSpec& spec, int actor, Result* why) {
  if (!AdmitsSender(s, spec, actor, why)) return false;
  if (OtherPhase(s, spec)) {
    if (why) *why = Result::Error(mf::WRONG_PHASE, WrongPhaseReason(spec, s.phase()));
    return false;
  }
  return !spec.gate || spec.gate(s, actor, why);
}

void Verdicts(const State& s, int viewer, std::vector<Verdict>* out) {
  out->clear();
  if (viewer < kFacilitator && !IsPressActor(viewer)) return;
  const Sender sender = viewer >= 0            ? Sender::kBySeat
                        : IsPressActor(viewer) ? Sender::kByPress
                                               : Sender::kByFacilitator;
  std::vector<int> targets;
  for (const ActionSpec* spec : Catalogue()) {
    if (spec->sender != sender) continue;
    Verdict v;
    v.type = spec->type;
    Result why;
    // A kind of another phase that nothing else refuses is left out.
    if (!AdmitsSender(s, *spec, viewer, &why) ||
        (!OtherPhase(s, *spec) && spec->gate && !spec->gate(s, viewer, &why))) {
      v.code = why.code;
      v.reason = std::move(why.message);
      out->push_back(std::move(v));
      continue;
    }
    if (OtherPhase(s, *spec)) continue;
    out->push_back(v);
    if (!spec->targets) continue;
    targets.clear();
    spec->targets(s, viewer, &targets);
    for (int t : targets) {
      Verdict tv;
      tv.type = spec->type;
      tv.target = t;
      Result r = spec->check(s, viewer, WithTarget(*spec, t));
      tv.code = r.code;
      tv.reason = std::move(r.message);
      out->push_back(std::move(tv));
    }
  }
}

Result VerdictIn(const mf::View& v, const mf::Action& a) {
  if (v.viewer() < kFacilitatorView && !IsPressActor(v.viewer()))
    return Result::Error(mf::NOT_YOUR_TURN, "spectators watch the forum; they do not act");
  const ActionSpec* spec = FindSpec(a.kind_case());
  if (!spec) return Result::Error(mf::MALFORMED, "the action has no kind set");
  const bool facilitator = v.viewer() == kFacilitatorView;
  const int actor = facilitator ? kFacilitator : v.viewer();
  const Sender sender = facilitator           ? Sender::kByFacilitator
                        : IsPressActor(actor) ? Sender::kByPress
                                              : Sender::kBySeat;
  if (spec->sender != sender)
    return Result::Error(mf::NOT_YOUR_TURN, WrongSenderReason(*spec, actor));
  const int target = spec->target_of ? spec->target_of(a) : 0;
  const mf::Verdict* whole = nullptr;
  const mf::Verdict* about = nullptr;
  const std::string* last = nullptr;
  const std::string* whole_reason = nullptr;
  const std::string* about_reason = nullptr;
  for (const mf::Verdict& x : v.verdicts()) {
    // A refused entry without a reason repeats the one before it.
    if (x.refused() != mf::RULE_ERROR_UNSPECIFIED && !x.reason().empty()) last = &x.reason();
    if (x.kind() != static_cast<int>(spec->type)) continue;
    if (x.target() == 0) {
      whole = &x;
      whole_reason = last;
    } else if (x.target() == target) {
      about = &x;
      about_reason = last;
    }
  }
  if (!whole) return Result::Error(mf::WRONG_PHASE, WrongPhaseReason(*spec, v.phase()));
  if (whole->refused() != mf::RULE_ERROR_UNSPECIFIED)
    return Result::Error(whole->refused(), whole_reason ? *whole_reason : "");
  if (about && about->refused() != mf::RULE_ERROR_UNSPECIFIED)
    return Result::Error(about->refused(), about_reason ? *about_reason : "");
  return Result::Ok();
}

bool Offers(const mf::View& v, ActionType kind, int target) {
  bool whole = false, about = false;
  for (const mf::Verdict& x : v.verdicts()) {
    if (x.kind() != static_cast<int>(kind)) continue;
    const bool allowed = x.refused() == mf::RULE_ERROR_UNSPECIFIED;
    if (x.target() == 0) whole = allowed;
    if (x.target() == target && target != 0) about = allowed;
  }
  return whole && (target == 0 || about);
}

// ---------------------------------------------------------------------------
// The wire form
// ---------------------------------------------------------------------------

bool ActionFromProto(const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
  const ActionSpec* spec = FindSpec(in.kind_case());
  if (!spec) {
    *error = "the action has no kind set";
    return false;
  }
  Action a;
  if (!spec->from_proto(in, sc, &a, error)) return false;
  if (!mf::Form_IsValid(a.form) || !mf::VoteChoice_IsValid(a.vote) ||
      !mf::EventKind_IsValid(a.event)) {
    *error = "unknown enum value";
    return false;
  }
  *out = std::move(a);
  return true;
}

void ActionToProto(const Action& a, const Scenario& sc, mf::Action* out) {
  out->Clear();
  if (const ActionSpec* spec = FindSpec(a.type)) spec->to_proto(a, sc, out);
}

std::string DescribeAction(const Action& a, const Scenario& sc) {
  const ActionSpec* spec = FindSpec(a.type);
  return spec ? spec->describe(a, sc) : "unknown";
}

namespace act {

bool CommitmentsIn(const google::protobuf::RepeatedField<int>& in, CommitmentSet* out,
                   std::string* error) {
  *out = 0;
  if (in.size() > 16) {
    *error = "too many commitments";
    return false;
  }
  for (int k : in) {
    if (k < mf::LABOUR_VISAS || k > mf::CLIMATE_DISPLACEMENT) {
      *error = "unknown commitment " + std::to_string(k);
      return false;
    }
    *out |= Bit(static_cast<mf::CommitmentKind>(k));
  }
  return true;
}

void CommitmentsOut(CommitmentSet set, google::protobuf::RepeatedField<int>* out) {
  for (int k = mf::LABOUR_VISAS; k <= mf::CLIMATE_DISPLACEMENT; ++k)
    if (set & Bit(static_cast<mf::CommitmentKind>(k))) out->Add(k);
}

bool CorridorIn(const std::string& id, const Scenario& sc, int* out, std::string* error) {
  *out = -1;
  if (id.empty()) return true;
  *out = sc.CorridorIndex(id);
  if (*out < 0) {
    *error = "unknown corridor '" + id.substr(0, 40) + "'";
    return false;
  }
  return true;
}

std::string CorridorOut(const Action& a, const Scenario& sc) {
  return a.corridor >= 0 && a.corridor < sc.num_corridors() ? sc.corridors()[a.corridor].id : "";
}

}  // namespace act
}  // namespace mf::rules
