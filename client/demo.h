// A game driven by bots in this process: the offline mode's engine, and the
// source of the recorded views the scene tests render.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bots/bot.h"
#include "game.pb.h"
#include "rules/playout.h"
#include "rules/state.h"

namespace mf::client {

class DemoGame {
 public:
  // `strategy`: a bot strategy name for every seat, or "mixed" (cooperator,
  // reciprocator, dealmaker and hardliner in turn).
  // `press_desks`: the press desks of the game (their views are
  // View(rules::PressActor(desk))).
  DemoGame(std::shared_ptr<const rules::Scenario> scenario, uint64_t seed,
           const std::string& strategy = "mixed", uint64_t bot_seed = 7, int press_desks = 0);
  // Loads an embedded scenario by name; nullptr with `error` when unknown.
  static std::unique_ptr<DemoGame> Make(const std::string& scenario, uint64_t seed,
                                        std::string* error, const std::string& strategy = "mixed",
                                        int press_desks = 0);

  rules::State& state() { return state_; }
  const rules::State& state() const { return state_; }

  // Lets a bot move for `seat` (which must not be ready). Returns false when
  // both its choice and Ready were refused.
  bool MoveFor(int seat);
  // One bot move by a random seat that is not ready, skipping `human` (a
  // seat index, or -100 for none) unless the engine marks it as a bot.
  // False when no such seat is left.
  bool Step(int human = -100);
  // Steps until `until` holds (true) or no move is left or `max_steps` ran.
  bool RunUntil(const std::function<bool(const rules::State&)>& until, int human = -100,
                int max_steps = 200000);
  // The wire view of `viewer` (a seat, kFacilitatorView or kSpectatorView).
  mf::View View(int viewer) const;
  // The actions the bots played (MoveFor and Step), in order; actions
  // applied to state() directly are not in it. With no such actions, the
  // game's record: (scenario, seed, log) replays it (the replay's tests).
  const std::vector<rules::LoggedAction>& log() const { return log_; }
  mf::GameLog Record() const;

 private:
  rules::State state_;
  std::vector<std::unique_ptr<bots::Bot>> bots_;
  std::vector<rules::Rng> rngs_;
  rules::Rng pick_;
  std::vector<rules::LoggedAction> log_;
};

}  // namespace mf::client
