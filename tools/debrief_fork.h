// What-if: a recorded session continued by bots from any point of its log,
// many times, and the distribution of outcomes next to what really happened.
//
// Fork game g replays the record's first `at` log entries (so the state at
// `at` is the record's own, hash for hash), then plays on with bots: the
// strategies and the bot seed come from (seed, g) as in the balance lab
// (`SetupGame`), with optional per-seat overrides. Given the same bots and
// bot seed as a bot-played original that was recorded with `RunMatch`, a
// fork at 0 reproduces that original exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/balance.h"
#include "tools/debrief.h"

namespace mf::tools::debrief {

struct ForkOptions {
  int at = 0;  // Log entries replayed before the bots take over.
  Mix mix;     // Strategies drawn per seat and game.
  // Per seat: a strategy that replaces the drawn one ("" keeps it).
  std::vector<std::string> seat_strategy;
  int games = 100;
  uint64_t seed = 1;
  int threads = 0;         // 0: all cores.
  bool keep_logs = false;  // Keep each game's whole log in ForkGame::log.
};

// One finished continuation.
struct ForkGame {
  int game = 0;
  uint64_t bot_seed = 0;
  std::vector<std::string> strategies;  // Per seat.
  bool finished = false;
  int actions = 0;   // Bot actions after the fork point.
  int rejected = 0;  // Bot actions the engine refused.
  uint64_t hash_at_fork = 0;
  uint64_t final_hash = 0;
  int winner = -1;
  std::vector<double> scores;
  std::vector<AdoptedRecord> adopted;  // Positions bucketed to tens, as in the balance report.
  double regime = 0, mean_trust = 0, welfare = 0;
  std::vector<rules::LoggedAction> log;  // The whole game (prefix + continuation) when kept.
};

struct OutcomeCount {
  std::string label;  // A bucketed text label, or "no agreement".
  int count = 0;
  double share = 0;
  bool actual = false;  // What the record has for this item.
};

struct ItemOutcomes {
  int cycle = 0;
  int theme = 0;
  std::string key;  // "cycle 2: Labour mobility and human capital"
  bool decided_before_fork = false;
  std::vector<OutcomeCount> outcomes;  // Most frequent first.
};

struct SeatOutcome {
  int seat = 0;
  std::string name, role;
  int wins = 0;
  double win_rate = 0;
  Interval ci95;
  double mean_score = 0;
  double actual_score = 0;
  int actual_rank = 0;
};

struct RoleOutcome {
  std::string role;
  int seats = 0;
  int wins = 0;
  double win_rate = 0, fair_share = 0;
  Interval ci95;
  bool actual_winner = false;
};

struct Mean {
  double mean = 0, sd = 0, actual = 0;
};

struct ForkReport {
  std::string scenario;
  std::string session;
  int at = 0;
  int log_entries = 0;   // In the record.
  std::string at_text;   // "cycle 2, Decision on Labour mobility"
  uint64_t hash_at = 0;  // The record's state hash after `at` entries.
  uint64_t seed = 0;
  std::string bots;  // The mix, with overrides.
  int games = 0;
  int unfinished = 0;
  // What happened in the record.
  bool actual_finished = false;
  int actual_winner = -1;
  uint64_t actual_hash = 0;
  std::vector<SeatOutcome> seats;
  std::vector<RoleOutcome> roles;
  std::vector<ItemOutcomes> items;
  Mean regime, mean_trust, welfare;
  std::vector<ForkGame> runs;  // Per game (logs only with ForkOptions::keep_logs).
};

// Replays the first `at` entries of `record` into `state` (a fresh state of
// the record's scenario and seed). False when `at` is out of range or an
// entry is refused.
bool ReplayPrefix(const Record& record, const rules::Scenario* scenario_hint, int at,
                  std::unique_ptr<rules::State>* state, std::string* error);

// Plays one continuation from `start` (copied) with the given strategy per
// seat and bot seed. The prefix is prepended to the log when `keep_log`.
ForkGame PlayFork(const rules::State& start, const std::vector<rules::LoggedAction>& prefix,
                  const std::vector<std::string>& strategies, uint64_t bot_seed, int game,
                  bool keep_log);

// The strategies and bot seed of fork game `game` (SetupGame + overrides).
void ForkSetup(const ForkOptions& options, int num_seats, int game,
               std::vector<std::string>* strategies, uint64_t* bot_seed);

// Parses --at: "N" (log entries), "cycle:K" (where cycle K begins) or
// "phase:K" (where the K-th phase of the report's timeline begins, 1-based).
bool ParseAt(const std::string& text, const Model& model, int* at, std::string* error);

// Runs the fork games and compares them with the record.
bool RunFork(const Record& record, const ForkOptions& options, ForkReport* out, std::string* error);

// The report as its message (mf.ForkReport, proto/reports.proto), as JSON
// (one line) and as a table.
mf::ForkReport ForkProto(const ForkReport& report);
std::string ForkJson(const ForkReport& report);
std::string ForkTable(const ForkReport& report);

}  // namespace mf::tools::debrief
