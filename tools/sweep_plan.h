// Cluster sweeps: an engine-neutral contract for running a balance sweep as
// many independent shards (forumctl sweep plan | run | merge | submit).
//
//   plan   the scenario (and the SHA-256 of its content), the parameters and
//          their values, games per point, seed, mix and shard size, with the
//          plan's own SHA-256;
//   run    shard i plays the plan's games [i * shard_games, (i+1) * shard_games)
//          (numbered point * games + g) and writes their exact tallies
//          (tools/balance.h Tally) to DIR/shard-i.json atomically;
//   merge  checks that every shard is there once, of this plan, covering its
//          games, adds the tallies and finishes the report.
// Game g of every point has the seats and seeds of game g of
// `forumctl balance --seed SEED`, and tallies add exactly, so the merged
// report is the single-process report's bytes whatever the shard size and order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reports.pb.h"
#include "tools/balance.h"

namespace mf::tools {

struct PlanSpec {
  std::string scenario;  // A built-in scenario's name or a scenario file.
  std::vector<SweepAxis> axes;
  long long games = 1000;  // Per point.
  uint64_t seed = 1;
  std::string bots = kDefaultMix;
  long long shard_games = 1000;
};

// SHA-256 (hex) of a message's deterministic serialisation.
std::string MessageSha256(const google::protobuf::Message& message);
// The plan's own hash: of the plan with `sha256` cleared.
std::string PlanSha256(const mf::SweepPlan& plan);

// A plan of `spec` for the loaded scenario `base`; false with `error` when a
// point makes no valid scenario or a number is out of range.
bool MakePlan(const PlanSpec& spec, std::shared_ptr<const rules::Scenario> base, mf::SweepPlan* out,
              std::string* error);

// A plan read back and made ready to play: every point's scenario.
struct LoadedPlan {
  mf::SweepPlan plan;
  Mix mix;
  std::vector<SweepAxis> axes;
  std::vector<std::string> fields;
  std::vector<std::vector<std::string>> points;
  std::vector<std::shared_ptr<const rules::Scenario>> scenarios;  // Per point.
};

// Reads FILE (JSON of mf.SweepPlan), checks its hash and that the scenario
// it names still has the content hashed in the plan; loads every point.
bool LoadPlan(const std::string& path, LoadedPlan* out, std::string* error);

std::string ShardFileName(long long shard);  // "shard-7.json"

// The shard index from --shard, or from SLURM_ARRAY_TASK_ID (plus `offset`,
// for arrays split at the cluster's MaxArraySize) or JOB_COMPLETION_INDEX.
bool ShardIndex(long long flag, long long offset, long long* out, std::string* error);

// Plays shard `shard` of the plan on `threads` threads and writes
// DIR/shard-<shard>.json (a temporary file renamed into place).
bool RunShard(const LoadedPlan& plan, long long shard, int threads, const std::string& dir,
              mf::SweepShard* out, std::string* error);

// What a directory holds of a plan's shards.
struct ShardScan {
  std::vector<long long> present;  // Valid shards, in index order.
  std::vector<long long> missing;
  std::vector<std::string> problems;  // One line per foreign, duplicated, corrupt... file.
  long long games_done = 0;           // Games of the valid shards.
  double shard_seconds = 0;           // Their wall times added.
  std::vector<double> point_seconds;  // Per point (with per_point): its share of them.
};
ShardScan ScanShards(const LoadedPlan& plan, const std::string& dir,
                     std::vector<Tally>* per_point = nullptr);

// Merges DIR's shards into one row per point (empty axes: one row, the
// balance report). False with `error` naming every missing, foreign,
// duplicated or corrupt shard.
bool MergeShards(const LoadedPlan& plan, const std::string& dir, std::vector<SweepRow>* rows,
                 std::string* error);

// "3, 5, 9-12" for a sorted list of indices.
std::string IndexRanges(const std::vector<long long>& indices);

}  // namespace mf::tools
