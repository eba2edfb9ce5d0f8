#include "rules/playout.h"

namespace mf::rules {

int RandomPlayout(State* state, uint64_t player_seed, std::vector<LoggedAction>* log,
                  int max_steps) {
  Rng rng(player_seed ^ 0x5eedf00dULL);
  std::vector<Action> legal;
  legal.reserve(64);
  int pending[kMaxSeats];
  int steps = 0;
  while (!state->IsTerminal() && steps < max_steps) {
    int count = 0;
    for (int s = 0; s < state->num_seats(); ++s)
      if (!state->seat(s).ready) pending[count++] = s;
    if (count == 0) break;  // Cannot happen: a phase ends when all are ready.
    const int seat = pending[rng.Below(static_cast<uint32_t>(count))];
    // Half the time the player is simply done with the phase; otherwise it
    // draws uniformly from all its legal actions (Ready among them).
    if (rng.Below(2) == 0) {
      const Action ready = Action::Make(ActionType::kReady);
      if (!state->Apply(seat, ready).ok()) break;
      if (log) log->push_back({seat, ready});
      ++steps;
      continue;
    }
    state->LegalActions(seat, &legal);
    if (legal.empty()) break;
    const Action& a = legal[rng.Below(static_cast<uint32_t>(legal.size()))];
    if (!state->Apply(seat, a).ok()) break;  // A legal action is always accepted.
    if (log) log->push_back({seat, a});
    ++steps;
  }
  return steps;
}

void ToGameLog(const State& state, const std::vector<LoggedAction>& log, mf::GameLog* out) {
  out->Clear();
  out->set_scenario(state.scenario().id());
  out->set_seed(state.seed());
  out->set_scenario_text(state.scenario().text());
  if (state.scenario().proto().has_carry())
    *out->mutable_carry() = state.scenario().proto().carry();
  out->set_press_desks(state.press_desks());
  for (const LoggedAction& e : log) {
    auto* entry = out->add_entries();
    if (e.actor >= 0)
      entry->mutable_actor()->set_seat(e.actor);
    else if (IsPressActor(e.actor))
      entry->mutable_actor()->set_press(PressDesk(e.actor));
    else if (e.actor == kFacilitator)
      entry->mutable_actor()->set_facilitator(true);
    else
      entry->mutable_actor()->set_clock(true);
    ActionToProto(e.action, state.scenario(), entry->mutable_action());
  }
}

bool FromGameLog(const mf::GameLog& in, const Scenario& scenario, std::vector<LoggedAction>* out,
                 std::string* error) {
  out->clear();
  out->reserve(static_cast<size_t>(in.entries_size()));
  for (int i = 0; i < in.entries_size(); ++i) {
    const mf::LogEntry& e = in.entries(i);
    LoggedAction la;
    switch (e.actor().who_case()) {
      case mf::Actor::kSeat:
        la.actor = e.actor().seat();
        break;
      case mf::Actor::kFacilitator:
        la.actor = kFacilitator;
        break;
      case mf::Actor::kClock:
        la.actor = kClock;
        break;
      case mf::Actor::kPress:
        if (e.actor().press() < 0 || e.actor().press() >= in.press_desks()) {
          *error = "entry " + std::to_string(i) + ": no press desk " +
                   std::to_string(e.actor().press()) + " (the game has " +
                   std::to_string(in.press_desks()) + ")";
          return false;
        }
        la.actor = PressActor(e.actor().press());
        break;
      default:
        *error = "entry " + std::to_string(i) + ": no actor";
        return false;
    }
    std::string why;
    if (!ActionFromProto(e.action(), scenario, &la.action, &why)) {
      *error = "entry " + std::to_string(i) + ": " + why;
      return false;
    }
    out->push_back(std::move(la));
  }
  return true;
}

bool Replay(State* state, const std::vector<LoggedAction>& log, std::string* error) {
  for (size_t i = 0; i < log.size(); ++i) {
    Result r = state->Apply(log[i].actor, log[i].action);
    if (!r.ok()) {
      *error = "entry " + std::to_string(i) + " (" +
               DescribeAction(log[i].action, state->scenario()) + ") was rejected: " + r.message;
      return false;
    }
  }
  return true;
}

}  // namespace mf::rules
