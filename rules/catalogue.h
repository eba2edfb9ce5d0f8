// The action catalogue: one specification per action kind.
//
// Everything the engine, the bots, the clients and the tools need to know
// about a kind of action lives in its `ActionSpec`: its name, who may send
// it, the phase it belongs to, whether it counts towards the per-phase limit
// and whether it makes older views stale, its wire conversions, its check,
// its effect, the representative legal actions a player may draw from, and
// its description. The engine's `Apply`, `Check` and `LegalActions`, the
// view's verdicts, `IsFacilitatorAction`, the staleness rule and the
// conformance tests all iterate over the catalogue; nothing else switches on
// the kind of an action to decide a rule.
//
// Adding an action: a message and a case in `mf.Action` (proto/game.proto),
// one entry in one of the rules/actions_*.cc files, and (optionally) a line
// in a bot and a button in the client. See "Adding an action" in README.md.
#pragma once

#include <string>
#include <vector>

#include "rules/action.h"

namespace mf::rules {

class State;
class StateEditor;
struct Result;

// Who may send an action.
enum class Sender : uint8_t {
  kBySeat,         // a player's seat
  kByFacilitator,  // the facilitator (through the Facilitate call)
  kByClock,        // the server's phase clock
  kByPress,        // a press desk (an observer beyond the seats)
};

struct ActionSpec {
  ActionType type = ActionType::KIND_NOT_SET;  // The case of mf::Action's oneof.
  const char* name = nullptr;                  // "vote", "propose deal"
  // The activity in refusals: "voting is only possible in Decision".
  const char* doing = nullptr;
  Sender sender = Sender::kBySeat;
  // The phase the action belongs to (PHASE_UNSPECIFIED: any phase).
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  // Counts towards Params::max_actions_per_phase.
  bool counted = false;
  // Changes what the others are deciding about (State::context_version).
  bool changes_context = false;
  // Which kind of seat may send it (issue 13): a kind only states send
  // names what organisations do not do ("vote": "IOM is an organisation:
  // organisations do not vote"); a kind only organisations send names what
  // they do ("lobby states": "only organisations lobby states"). Null: both.
  const char* states_only = nullptr;
  const char* organisations_only = nullptr;

  // The wire form. `from_proto` sets `out` from the case's message and
  // reports structural problems (unknown enum, theme or corridor, text too
  // long) in `error`; the check decides everything that depends on the game.
  bool (*from_proto)(const mf::Action& in, const Scenario& sc, Action* out,
                     std::string* error) = nullptr;
  void (*to_proto)(const Action& in, const Scenario& sc, mf::Action* out) = nullptr;
  // A short description for logs and timelines ("vote SUPPORT").
  std::string (*describe)(const Action& a, const Scenario& sc) = nullptr;

  // The rules, read through `const State&` (its public, read-only interface).
  // `gate` decides what does not depend on the action's fields (the actor's
  // role and resources; the phase, the sender, a pause and the per-phase
  // limit are checked before it, from the fields above): with the checks
  // before it, it is the verdict a client shows on the kind's button. It
  // returns false to refuse and then, when `why` is given, says why (legal
  // action lists pass none and build no sentences). `check` decides the
  // rest (the object it is about, the parameters); it runs only after the
  // gate passed.
  bool (*gate)(const State& s, int actor, Result* why) = nullptr;
  Result (*check)(const State& s, int actor, const Action& a) = nullptr;
  // The effect, run only after both passed.
  void (*apply)(StateEditor& e, int actor, const Action& a) = nullptr;

  // The object an action is about, for kinds that name one (a
  // recommendation, an amendment, a text or a deal, by id; a vote's choice);
  // null otherwise.
  // `targets` lists the live objects of that sort the actor can see (each
  // gets its own verdict in the view), `target_of` reads the id from the
  // wire form, and `with_target` makes the action about one of them.
  void (*targets)(const State& s, int actor, std::vector<int>* out) = nullptr;
  int (*target_of)(const mf::Action& in) = nullptr;
  // For a kind whose one small choice stands in for the object (a vote's
  // choice), where the target goes in the action; null: `Action::id`.
  void (*set_target)(Action* a, int target) = nullptr;

  // Appends a representative set of legal actions (positions and amounts on
  // a grid) for an actor whose gate passed. Kinds enumerated together (to
  // keep a fixed order, e.g. accept and reject of each amendment in turn)
  // name the kind whose enumerator lists them in `enumerated_with`.
  void (*enumerate)(const State& s, int actor, std::vector<Action>* out) = nullptr;
  ActionType enumerated_with = ActionType::KIND_NOT_SET;
};

// Every kind, in the order legal actions are listed.
const std::vector<const ActionSpec*>& Catalogue();
// The kinds `sender` may send in `phase` (its own and those of any phase).
const std::vector<const ActionSpec*>& CatalogueFor(Sender sender, mf::Phase phase);
// The specification of a kind; nullptr for KIND_NOT_SET or an unknown value.
const ActionSpec* FindSpec(ActionType type);

// The action `spec` about object `target` (an id), with default parameters.
Action WithTarget(const ActionSpec& spec, int target);

// The checks every kind shares, then the kind's gate: the actor may send
// this kind (a seat, kFacilitator or kClock), the game is not over, the
// session not paused (for seats and the clock), the per-phase limit not
// reached (counted kinds), the phase is the kind's. Refuses with a reason in
// `why` when given.
bool Admits(const State& s, const ActionSpec& spec, int actor, Result* why);

// The sentences the engine refuses with, shared with the clients so that a
// button greyed out from a view reads exactly as the server's refusal:
// `spec` outside its phase, and `spec` sent by the wrong kind of actor (a
// seat index, kFacilitator, kClock, or kSpectatorView for a spectator).
std::string WrongPhaseReason(const ActionSpec& spec, mf::Phase now);
std::string WrongSenderReason(const ActionSpec& spec, int actor);
// The refusal of a kind to the wrong kind of seat (ActionSpec::states_only,
// organisations_only); empty when `seat` may send it.
std::string WrongSeatKindReason(const Scenario& sc, const ActionSpec& spec, int seat);

// The parts of a deal's check that depend only on the two parties' roles
// (amounts, who issues visas, who cooperates on readmission, an offer that
// gives or asks something), for composers that build an offer: the engine
// checks every offer with these, then the stances and political capital.
// `side` prefixes the sentence ("what you give: ..."); empty for none.
Result CheckTermsForRole(mf::Role giver, const Terms& t, const std::string& side);
Result CheckOfferTerms(mf::Role from, mf::Role to, const Terms& give, const Terms& ask);
Terms TermsFromProto(const mf::DealTerms& in);
void TermsToProto(const Terms& in, mf::DealTerms* out);

// One verdict of the engine for a viewer: whether it may take `type` now
// (about `target`, or the kind as a whole when target is 0), and if not why.
struct Verdict {
  ActionType type = ActionType::KIND_NOT_SET;
  int target = 0;
  mf::RuleError code = mf::RULE_ERROR_UNSPECIFIED;  // Unspecified: allowed.
  std::string reason;
};

// The engine's verdicts for `viewer` (a seat or kFacilitatorView) on every
// kind it may send: the kind as a whole, and for kinds about an object that
// pass the kind's checks, each live object of that sort it can see. A kind
// of another phase that only its phase refuses is left out: its verdict is
// WrongPhaseReason's.
void Verdicts(const State& s, int viewer, std::vector<Verdict>* out);

// The engine's verdict on `a` as the wire view `v` carries it (View.verdicts):
// ok when the view allows it (the engine still checks its parameters when it
// arrives), else the engine's refusal with its code and words. Every client
// reads the verdicts through this.
Result VerdictIn(const mf::View& v, const mf::Action& a);
// Whether the view's verdicts offer `kind` about `target` (an object with its
// own allowing verdict), or the kind as a whole when target is 0: what a
// program choosing among the allowed moves reads.
bool Offers(const mf::View& v, ActionType kind, int target = 0);

}  // namespace mf::rules
