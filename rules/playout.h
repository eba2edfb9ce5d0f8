// Random play and replay: the engine driven by a seeded random player.
// Used by `forumctl simulate`, the random-play tests and the benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "game.pb.h"
#include "rules/state.h"

namespace mf::rules {

struct LoggedAction {
  int actor = 0;
  Action action;
};

// Plays the game to its end (or `max_steps` actions) with random legal
// players: each step picks a seat that is not ready; that seat says it is
// ready with probability 1/2, else plays one of its legal actions uniformly. Appends every accepted
// action to `log` when given. Returns the number of actions applied.
int RandomPlayout(State* state, uint64_t player_seed, std::vector<LoggedAction>* log,
                  int max_steps = 100000);

// Converts a log to its wire form and back (with the game's press desks:
// build the State to replay with `GameLog.press_desks`). `FromGameLog`
// reports the first malformed entry in `error`.
void ToGameLog(const State& initial_or_final, const std::vector<LoggedAction>& log,
               mf::GameLog* out);
bool FromGameLog(const mf::GameLog& in, const Scenario& scenario, std::vector<LoggedAction>* out,
                 std::string* error);

// Replays a log on a fresh state. Stops at the first rejected action and
// reports it in `error` (a valid log never has one).
bool Replay(State* state, const std::vector<LoggedAction>& log, std::string* error);

}  // namespace mf::rules
