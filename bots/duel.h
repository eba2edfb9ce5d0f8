// Paired comparison of two strategies in the same seat against the same
// opponents: the planner's proof that it beats each heuristic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bots/bot.h"

namespace mf::bots {

struct DuelOptions {
  int games = 100;
  uint64_t seed = 1;
  int threads = 1;
  // Opponents' strategies (equal weights); the seat under test rotates.
  std::vector<std::string> opponents = {"hardliner",    "cooperator",   "cooperator",
                                        "reciprocator", "reciprocator", "dealmaker"};
};

struct DuelResult {
  int games = 0;
  double challenger_mean = 0, baseline_mean = 0;
  double mean_difference = 0, sd_difference = 0;
  double t = 0;                     // Paired t statistic of challenger - baseline.
  double p_value = 1;               // One-sided (challenger better), normal approximation.
  double challenger_better = 0;     // Share of games where the challenger scored more.
  std::vector<double> differences;  // Per game, in game order.
};

// Plays game g twice from the same seeds with the tested seat (g mod seats)
// played by `challenger` and then by `baseline`; the other seats' bots,
// the world and the order of play are the same in both.
DuelResult Duel(const std::shared_ptr<const rules::Scenario>& scenario,
                const std::function<std::unique_ptr<Bot>()>& challenger,
                const std::function<std::unique_ptr<Bot>()>& baseline, const DuelOptions& options);

}  // namespace mf::bots
