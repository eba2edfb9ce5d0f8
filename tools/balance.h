// The balance lab: many bot-vs-bot games of one scenario, and what they say
// about whether a role, a seat or a strategy dominates.
//
// The pieces are separate so each can be tested on its own:
//   ParseMix / SetupGame   which strategies sit where in game g (from (seed, g) only);
//   PlayGame               one game -> a compact GameRecord;
//   RunGames               the thread pool (records are stored by game index);
//   Aggregate              records -> Report: a pure function of the records in
//                          game order, so the report does not depend on threads;
//   ReportProto / ReportJson / GamesCsv  the outputs (mf.BalanceReport);
//   ScenarioWithParam / RunSweep   the parameter sweep.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reports.pb.h"
#include "rules/scenario.h"
#include "rules/state.h"

namespace mf::tools {

// ---- Strategy mixes --------------------------------------------------------

struct MixEntry {
  std::string strategy;
  double weight = 1;
};
using Mix = std::vector<MixEntry>;

// The mix used when --bots is not given.
extern const char* const kDefaultMix;

// Parses "name" or "name:weight,name:weight,...". Unknown strategy names,
// repeated names and weights that are not positive numbers are errors; the
// message lists the registered strategies.
bool ParseMix(const std::string& text, Mix* out, std::string* error);
// For the command line's checks: "" when `text` is a good mix / `name` a
// registered strategy, else why not (listing the registered strategies).
std::string CheckMix(const std::string& text);
std::string CheckStrategy(const std::string& name);
// "hardliner:1,cooperator:2" (weights printed with %g).
std::string MixText(const Mix& mix);

// Everything about game `game` of a run with seed `seed`, derived from
// (seed, game) alone.
struct GameSetup {
  uint64_t game_seed = 0;
  uint64_t bot_seed = 0;
  std::vector<int> strategy;  // Per seat: an index into the mix.
};
GameSetup SetupGame(const Mix& mix, int num_seats, uint64_t seed, int game);

// ---- One game ----------------------------------------------------------------

struct CycleRecord {
  double mean_trust = 0, regime = 0, norms = 0, rules = 0, procedures = 0, welfare = 0;
  double irregular = 0, legal = 0;
};

// An adopted text on an agenda item, with its position bucketed to tens.
struct AdoptedRecord {
  int cycle = 0;
  int theme = 0;
  std::string label;  // e.g. "Guiding principles on Labour mobility at 50".
};

// What the report needs from one finished game (a few hundred bytes).
struct GameRecord {
  int game = 0;
  uint64_t seed = 0, bot_seed = 0;
  bool finished = false;
  int actions = 0;
  int rejected = 0;  // Bot actions the engine refused.
  int winner = -1;   // The state ranked 1 by the final scores.
  // The organisation ranked 1 among organisations (-1: none seated): the
  // two kinds are ranked apart, so a game has a winner of each.
  int org_winner = -1;
  std::vector<int> strategy;  // Per seat: an index into the mix.
  std::vector<double> score;  // Per seat: final normalised total.
  // Decided texts (tabled, not withdrawn) and adopted ones, indexed by mf::Form.
  int tabled[4] = {0, 0, 0, 0};
  int adopted[4] = {0, 0, 0, 0};
  // Ratification of adopted binding texts, indexed by mf::Role: the
  // (text, seat of that role) pairs that were open, and those ratified.
  int ratify_open[4] = {0, 0, 0, 0};
  int ratified[4] = {0, 0, 0, 0};
  std::vector<AdoptedRecord> outcomes;
  // The forum chosen on a theme that chooses it (Theme.chooses_forum): its
  // band's label and whether it was adopted or the status quo stood; empty
  // in scenarios without such a theme.
  std::string forum;
  std::vector<CycleRecord> cycles;                         // From State::history().
  std::vector<double> corridor_legal, corridor_irregular;  // At the end.
  double regime = 0, mean_trust = 0;                       // At the end.
  int adopted_total = 0;
};

// Records a played game (`state` should be terminal; if it is not, the
// running scores stand in for the final ones and `finished` is false).
GameRecord RecordGame(const rules::State& state, int game, const std::vector<int>& strategy,
                      int actions, int rejected);

// Plays game `game` of a run: seats get bots as SetupGame says.
GameRecord PlayGame(std::shared_ptr<const rules::Scenario> scenario, const Mix& mix, uint64_t seed,
                    int game);

// ---- The report --------------------------------------------------------------

struct Interval {
  double low = 0, high = 0;
};
// Wilson score interval of a binomial proportion (z = 1.96 for 95%).
Interval Wilson(long long successes, long long trials, double z = 1.959963984540054);

// Win statistics of a role, a seat or a strategy.
struct WinStat {
  std::string name;
  std::string role;          // The seat's role (seats only).
  int seats = 0;             // Seats of the role (roles), 1 (seats).
  long long seat_games = 0;  // Seat-games played (by the role's seats / the strategy).
  long long wins = 0;        // Games won by one of them.
  long long games = 0;
  double win_rate = 0;  // wins / games.
  double fair_share = 0;
  Interval ci95;
  double mean_score = 0, sd_score = 0;  // Over the seat-games.
};

// The seat-level verdict of the yardstick: a seat is level when it
// wins between 0.5x and 1.5x its fair share (win_rate / fair_share).
double ShareRatio(const WinStat& w);
const char* ShareVerdict(const WinStat& w);  // "level", "favoured" (>1.5x), "disfavoured" (<0.5x).

struct FormStat {
  std::string form;
  long long tabled = 0, adopted = 0;
  double rate = 0;
};

struct RatificationStat {
  std::string role;
  long long open = 0, ratified = 0;
  double rate = 0;
};

struct OutcomeFrequency {
  std::string label;  // "no agreement" when nothing was adopted.
  long long count = 0;
  double frequency = 0;  // count / games.
};

struct ItemStat {
  std::string key;                         // "cycle 2: labour_mobility"
  std::vector<OutcomeFrequency> outcomes;  // Most frequent first.
};

struct CycleMean {
  int cycle = 0;
  long long games = 0;  // Games that reached this cycle.
  CycleRecord mean;
};

struct CorridorMean {
  std::string id;
  double legal = 0, irregular = 0;
};

struct Imbalance {
  std::string kind;  // "role" or "seat"
  std::string name;
  double win_rate = 0, fair_share = 0;
  Interval ci95;
  bool favoured = false;
  std::string message;
};

struct Report {
  std::string scenario;
  long long games = 0;
  uint64_t seed = 0;
  std::string bots;
  int num_seats = 0;
  int num_states = 0;  // The seats that are states (the others: organisations).
  int cycles = 0;
  // Timing: the only fields that depend on the machine and the thread count.
  double seconds = 0, games_per_second = 0;
  long long unfinished = 0;
  long long actions = 0;
  long long rejected = 0;
  std::vector<WinStat> roles;       // source, transit, destination.
  std::vector<WinStat> seats;       // In seat order.
  std::vector<WinStat> strategies;  // In mix order.
  std::vector<FormStat> forms;      // chair's summary, guiding principles, binding convention.
  std::vector<RatificationStat> ratification;  // By role.
  std::vector<ItemStat> items;
  // The forum chosen (GameRecord::forum), most frequent first; empty in
  // scenarios without a theme that chooses the forum.
  std::vector<OutcomeFrequency> forums;
  std::vector<CycleMean> cycle_means;
  std::vector<CorridorMean> corridors;
  std::vector<Imbalance> imbalances;
  int seats_outside_share = 0;  // Seats whose verdict is not "level".
};

// ---- Exact tallies -------------------------------------------------------------
//
// A report is finished from a Tally: integer counts, and sums of the games'
// real numbers each rounded once to a multiple of 2^-32 and added as 128-bit
// integers. Integer addition does not depend on order or grouping, so the
// tallies of any split of the games (threads, shards of a cluster sweep)
// merge into exactly the tally of one run, and the finished reports are the
// same bytes. Intervals, means and deviations are computed only in Finish.

// A real number times 2^32 (squares: times 2^64); a GCC/Clang extension.
__extension__ typedef __int128 Fixed;
__extension__ typedef unsigned __int128 UnsignedFixed;
Fixed ToFixed(double v);

struct ScoreTally {
  long long n = 0;
  Fixed sum = 0;          // Units of 2^-32.
  Fixed sum_squares = 0;  // Of the rounded values, units of 2^-64.
};
struct WinTally {
  long long seat_games = 0, wins = 0;
  ScoreTally score;
};
// CycleRecord's eight fields in declaration order.
constexpr int kCycleFields = 8;
struct CycleTally {
  long long games = 0;
  Fixed sum[kCycleFields] = {};
};
struct CorridorTally {
  long long games = 0;
  Fixed legal = 0, irregular = 0;
};

struct Tally {
  long long games = 0, unfinished = 0, actions = 0, rejected = 0;
  std::vector<WinTally> roles;                                          // Indexed by mf::Role (4).
  std::vector<WinTally> seats;                                          // Per seat.
  std::vector<WinTally> strategies;                                     // In mix order.
  long long tabled[4] = {0, 0, 0, 0}, adopted[4] = {0, 0, 0, 0};        // By mf::Form.
  long long ratify_open[4] = {0, 0, 0, 0}, ratified[4] = {0, 0, 0, 0};  // By mf::Role.
  // (cycle, theme) -> label -> games; and games with any adoption there.
  std::map<std::pair<int, int>, std::map<std::string, long long>> item_counts;
  std::map<std::pair<int, int>, long long> item_agreed;
  std::map<std::string, long long> forums;  // GameRecord::forum -> games.
  std::vector<CycleTally> cycles;           // By cycle index.
  std::vector<CorridorTally> corridors;     // By corridor.
};

// An empty tally shaped for the scenario and mix.
Tally NewTally(const rules::Scenario& scenario, const Mix& mix);
void AddGame(const rules::Scenario& scenario, const Mix& mix, const GameRecord& game, Tally* tally);
// Adds `from` into `into`; false with `error` when their shapes differ
// (another scenario or mix).
bool MergeTally(const Tally& from, Tally* into, std::string* error);
// The report of the tallied games. Timing is left 0.
Report Finish(const rules::Scenario& scenario, const Mix& mix, uint64_t seed, const Tally& tally);
// As a message (mf.BalanceTally; the 128-bit sums as decimal strings) and back;
// false with `error` on a malformed message.
mf::BalanceTally TallyProto(const Tally& tally);
bool TallyFromProto(const mf::BalanceTally& message, Tally* out, std::string* error);

// The pure aggregation: records -> report (Finish of their tally). Timing is left 0.
Report Aggregate(const rules::Scenario& scenario, const Mix& mix, uint64_t seed,
                 const std::vector<GameRecord>& records);

// The report as its message (mf.BalanceReport, proto/reports.proto) and as
// JSON; without `timing`, `seconds` and `games_per_second` are left out (for
// comparing reports of different runs).
mf::BalanceReport ReportProto(const Report& report, bool timing = true);
std::string ReportJson(const Report& report, bool timing = true);

// One CSV row per game (with a header line).
std::string GamesCsv(const rules::Scenario& scenario, const Mix& mix,
                     const std::vector<GameRecord>& records);

// ---- Running -------------------------------------------------------------------

struct BalanceOptions {
  int games = 1000;
  uint64_t seed = 1;
  int threads = 0;  // 0: std::thread::hardware_concurrency().
  Mix mix;
};

// Called on the calling thread about ten times a second while games run,
// and once at the end: games done, games in all, seconds since the start.
using ProgressFn = std::function<void(int done, int total, double seconds)>;

// Plays options.games games on options.threads threads; the records are
// indexed by game. `seconds` (optional) gets the wall time.
std::vector<GameRecord> RunGames(std::shared_ptr<const rules::Scenario> scenario,
                                 const BalanceOptions& options, const ProgressFn& progress,
                                 double* seconds);

// Plays games first_game .. first_game + count - 1 of a run (options.games
// is not used) on options.threads threads, each into its own tally, merged.
Tally RunTally(std::shared_ptr<const rules::Scenario> scenario, const BalanceOptions& options,
               long long first_game, long long count, const ProgressFn& progress, double* seconds);

// RunTally (or RunGames when `records` is wanted) + Finish, with the timing fields filled.
// `records` (optional) receives the per-game records.
Report RunBalance(std::shared_ptr<const rules::Scenario> scenario, const BalanceOptions& options,
                  const ProgressFn& progress = nullptr, std::vector<GameRecord>* records = nullptr);

// ---- Tuning seats (forumctl tune) ------------------------------------------------------

struct TuneOptions {
  BalanceOptions balance;  // Games, seed, threads and mix of every round.
  int rounds = 12;
  double gain = 1.5;      // Points per unit of log(win share) until a seat overshoots.
  double max_step = 3.0;  // Largest move of one offset in one round.
};

struct TuneRound {
  std::vector<double> offsets;  // Per seat, the score_offset this round played.
  Report report;
};

struct TuneResult {
  std::vector<TuneRound> rounds;  // rounds + 1 runs: the start, then after each step.
  int best = 0;  // No role imbalance if possible, then the worst seat closest to its share.
  std::shared_ptr<const rules::Scenario> scenario;  // The scenario with the best offsets.
};

// A copy of `base` with each seat's score_offset set (rounded to 0.01).
bool ScenarioWithSeatOffsets(const rules::Scenario& base, const std::vector<double>& offsets,
                             std::shared_ptr<const rules::Scenario>* out, std::string* error);
// The largest |log(win rate / fair share)| over the seats.
double WorstShare(const Report& report);
// Starting from the scenario's own offsets, plays options.rounds steps.
bool TuneSeatOffsets(std::shared_ptr<const rules::Scenario> base, const TuneOptions& options,
                     TuneResult* out, std::string* error);

// ---- Sweeps ------------------------------------------------------------------------

// A copy of `base` with mf.Parameters field `field` set to `value` (parsed
// by the field's type), re-validated by rules::LoadScenarioMessage. On
// failure `error` names the unknown field, the bad value or the validation
// errors.
bool ScenarioWithParam(const rules::Scenario& base, const std::string& field,
                       const std::string& value, std::shared_ptr<const rules::Scenario>* out,
                       std::string* error);

// The names of the numeric fields of mf.Parameters.
std::vector<std::string> ParameterFields();
// The value of mf.Parameters field `field` as written in the scenario ("0":
// the engine default); empty for an unknown field.
std::string ParameterValue(const rules::Scenario& scenario, const std::string& field);

// True when every role's win rate is within fair share ± tolerance.
bool Balanced(const Report& report, double tolerance = 0.05);

struct SweepRow {
  std::string value;                // The point's values joined with ",".
  std::vector<std::string> values;  // One per parameter.
  Report report;
  bool balanced = false;
};

// One parameter of a grid and its values.
struct SweepAxis {
  std::string field;
  std::vector<std::string> values;
};
// Every combination of the axes' values (trimmed), the first axis outermost;
// one empty point without axes.
std::vector<std::vector<std::string>> SweepPoints(const std::vector<SweepAxis>& axes);
// `base` with each axis's field set to the point's value.
bool ScenarioAtPoint(std::shared_ptr<const rules::Scenario> base,
                     const std::vector<SweepAxis>& axes, const std::vector<std::string>& values,
                     std::shared_ptr<const rules::Scenario>* out, std::string* error);
std::string JoinValues(const std::vector<std::string>& values);

// For each point of the grid: set the parameters, run the balance. Stops
// before playing when a point does not make a valid scenario (false, with `error`).
bool RunGrid(std::shared_ptr<const rules::Scenario> base, const std::vector<SweepAxis>& axes,
             const BalanceOptions& options, std::vector<SweepRow>* rows, std::string* error,
             const std::function<void(const std::string& value, int done, int total,
                                      double seconds)>& progress = nullptr);

// For each value: set the parameter, run the balance. Stops at the first
// value that does not make a valid scenario (false, with `error`).
bool RunSweep(const rules::Scenario& base, const std::string& field,
              const std::vector<std::string>& values, const BalanceOptions& options,
              std::vector<SweepRow>* rows, std::string* error,
              const std::function<void(const std::string& value, int done, int total,
                                       double seconds)>& progress = nullptr);

// The sweep as a text table, as its message (mf.SweepReport) and as JSON.
std::string SweepTable(const std::string& field, const std::vector<SweepRow>& rows);
mf::SweepReport SweepProto(const std::string& scenario, const std::string& field,
                           const std::vector<SweepRow>& rows);
// Several parameters; without `timing` the rows' games_per_second is left out.
mf::SweepReport SweepProto(const std::string& scenario, const std::vector<std::string>& fields,
                           const std::vector<SweepRow>& rows, bool timing);
// One CSV row per point: the values, each role's win rate, interval, fair
// share and mean score, the verdict.
std::string SweepCsv(const std::vector<std::string>& fields, const std::vector<SweepRow>& rows);
std::string SweepJson(const std::string& scenario, const std::string& field,
                      const std::vector<SweepRow>& rows);

}  // namespace mf::tools
