// One bot interface: a bot sees only its seat's view and returns an action.
//
// Bots are found by name through a registry; `RunMatch` plays a game with a
// bot in every seat. Tests, the balance runner and the server's empty seats
// all use these.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rules/playout.h"
#include "rules/rng.h"
#include "rules/view.h"

namespace mf::bots {

class Bot {
 public:
  virtual ~Bot() = default;
  virtual const std::string& name() const = 0;
  // Called when the seat has not yet said it is ready. The view is the
  // seat's: the same information a human in that seat has. `rng` is the
  // bot's own seeded generator. The returned action should be legal; if the
  // engine rejects it, the match runner plays Ready for the seat instead.
  virtual rules::Action Decide(const rules::SeatView& view, rules::Rng& rng) = 0;
};

// How the built-in bots play an organisation's seat (bots/organisation.cc):
// recommendations at its mandate's ideal, statements, lobbying the states
// closest to supporting, projects where its mandate does most good.
rules::Action OrganisationDecide(const rules::SeatView& view, rules::Rng& rng);
// A destination's funding of an organisation (IOM first), once a cycle:
// core funding when `core`, else earmarked to a project on its corridors.
bool FundOrganisation(const rules::SeatView& view, bool core, rules::Action* out);

// Creates a bot by strategy name; nullptr for an unknown name.
std::unique_ptr<Bot> MakeBot(const std::string& strategy);
// The registered strategy names, in a fixed order.
const std::vector<std::string>& StrategyNames();
// Registers a strategy (done once, at start-up, by each strategy's file).
void RegisterStrategy(const std::string& name, std::function<std::unique_ptr<Bot>()> factory);

// The light policy as a bot (bots/light.h), registered as "light".
std::unique_ptr<Bot> MakeLightBot();

// The search bot with an explicit budget: `beliefs` sampled worlds per
// decision, each candidate action played out once per world (0: default 6).
std::unique_ptr<Bot> MakePlanner(int beliefs);

// Teachers pick a difficulty; it maps to a strategy: easy = cooperator,
// normal = reciprocator, hard = planner.
enum class Difficulty { kEasy, kNormal, kHard };
bool ParseDifficulty(const std::string& s, Difficulty* out);
std::string StrategyForDifficulty(Difficulty d);

struct MatchOptions {
  uint64_t seed = 1;       // Game seed (world events).
  uint64_t bot_seed = 1;   // Seed of the bots' generators.
  int max_steps = 200000;  // Safety bound.
};

struct MatchResult {
  bool finished = false;
  int actions = 0;
  int rejected = 0;  // Bot actions the engine refused (replaced by Ready).
  uint64_t hash = 0;
  std::vector<rules::LoggedAction> log;  // Filled when `keep_log` is set.
};

// One move of `bot` for `seat`: its decision when the engine accepts it,
// else Ready (a bot that errs passes rather than holding the phase up);
// `*refused` tells which. Every bot seat moves through this: RunMatch, the
// offline client's bots and forumd's bot seats.
rules::Action BotMove(Bot& bot, const rules::State& state, int seat, rules::Rng& rng,
                      bool* refused = nullptr);

// Plays a whole game: at each step a seat that is not ready is drawn at
// random and its bot decides from its own view. `state` is played in place
// (pass a fresh State, or one restored from a log to continue a game).
MatchResult RunMatch(rules::State* state, const std::vector<Bot*>& seats,
                     const MatchOptions& options, bool keep_log = false);

}  // namespace mf::bots
