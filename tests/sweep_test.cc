// Cluster sweeps (tools/sweep_plan.h, forumctl sweep plan|run|merge): exact
// tallies merge in any split; shard sizes and orders give the single-process
// report's bytes; missing, foreign, duplicated and corrupt shards are refused
// with a message naming them. (The Slurm runs: tests/slurm_test.sh.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "balance_util.h"
#include "run_command.h"
#include "test_util.h"
#include "tools/balance.h"
#include "tools/report_json.h"
#include "tools/sweep_plan.h"

namespace mf::tools {
namespace {

namespace fs = std::filesystem;
using mf::testing::RunCommand;

fs::path TmpDir(const std::string& name) {
  const fs::path dir = fs::path(MF_TEST_TMP_DIR) / (std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(Tally, AnySplitMergesIntoTheWholeExactly) {
  auto sc = testing::LoadOrFail("classroom-8");
  const Mix mix = testing::DefaultMixOrFail();
  std::vector<GameRecord> records;
  for (int g = 0; g < 60; ++g) records.push_back(PlayGame(sc, mix, 11, g));
  const std::string whole = ReportJson(Aggregate(*sc, mix, 11, records), false);
  // Splits into 1, 7 and 60 parts, added in reverse order, through the message.
  for (size_t part : {60, 9, 1}) {
    std::vector<Tally> parts;
    for (size_t at = 0; at < records.size(); at += part) {
      Tally t = NewTally(*sc, mix);
      for (size_t g = at; g < std::min(records.size(), at + part); ++g)
        AddGame(*sc, mix, records[g], &t);
      Tally back;
      std::string error;
      ASSERT_TRUE(TallyFromProto(TallyProto(t), &back, &error)) << error;
      parts.push_back(back);
    }
    Tally total = NewTally(*sc, mix);
    std::string error;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      ASSERT_TRUE(MergeTally(*it, &total, &error)) << error;
    EXPECT_EQ(ReportJson(Finish(*sc, mix, 11, total), false), whole) << "parts of " << part;
  }
  // A tally of another scenario does not merge.
  Tally other = NewTally(*testing::LoadOrFail("workshop-30"), mix), into = NewTally(*sc, mix);
  std::string error;
  EXPECT_FALSE(MergeTally(other, &into, &error));
  EXPECT_NE(error.find("different scenarios"), std::string::npos) << error;
  // A malformed sum is refused by name.
  mf::BalanceTally bad = TallyProto(into);
  bad.mutable_seats(0)->set_score_sum("12x");
  EXPECT_FALSE(TallyFromProto(bad, &other, &error));
  EXPECT_NE(error.find("score_sum"), std::string::npos) << error;
}

TEST(Tally, SumsAreExactIntegersOfTheRoundedValues) {
  EXPECT_EQ(ToFixed(1.0), static_cast<Fixed>(1) << 32);
  EXPECT_EQ(ToFixed(-0.5), -(static_cast<Fixed>(1) << 31));
  // 0.1 + 0.2 + 0.3 in either order: the same integer (doubles differ).
  EXPECT_EQ(ToFixed(0.1) + ToFixed(0.2) + ToFixed(0.3), ToFixed(0.3) + ToFixed(0.2) + ToFixed(0.1));
}

PlanSpec Spec(long long shard_games) {
  PlanSpec spec;
  spec.scenario = "classroom-8";
  spec.axes = {{"role_offset_transit", {"0", "4"}}, {"ratification_threshold", {"0.5", "0.7"}}};
  spec.games = 40;
  spec.seed = 5;
  spec.shard_games = shard_games;
  return spec;
}

// Writes the plan, runs its shards in `order` (all when empty), loads it.
LoadedPlan PlanAndRun(const PlanSpec& spec, const fs::path& dir,
                      std::vector<long long> order = {}) {
  mf::SweepPlan plan;
  std::string error;
  EXPECT_TRUE(MakePlan(spec, testing::LoadOrFail(spec.scenario), &plan, &error)) << error;
  Spit(dir / "plan.json", ToJson(plan) + "\n");
  LoadedPlan lp;
  EXPECT_TRUE(LoadPlan((dir / "plan.json").string(), &lp, &error)) << error;
  if (order.empty())
    for (long long i = plan.shards() - 1; i >= 0; --i) order.push_back(i);
  for (long long i : order) {
    mf::SweepShard s;
    EXPECT_TRUE(RunShard(lp, i, static_cast<int>(i % 3), (dir / "out").string(), &s, &error))
        << error;
  }
  return lp;
}

std::string MergedJson(const LoadedPlan& lp, const fs::path& dir, std::string* error) {
  std::vector<SweepRow> rows;
  if (!MergeShards(lp, (dir / "out").string(), &rows, error)) return "";
  return ToJson(SweepProto(lp.plan.scenario_id(), lp.fields, rows, false));
}

TEST(SweepPlan, ShardSizesAndOrdersGiveTheSingleProcessReport) {
  auto sc = testing::LoadOrFail("classroom-8");
  BalanceOptions o;
  o.games = 40;
  o.seed = 5;
  o.mix = testing::DefaultMixOrFail();
  const PlanSpec base = Spec(1);
  std::vector<SweepRow> rows;
  std::string error;
  ASSERT_TRUE(RunGrid(sc, base.axes, o, &rows, &error)) << error;
  ASSERT_EQ(rows.size(), 4u);
  const std::string single =
      ToJson(SweepProto(sc->id(), {"role_offset_transit", "ratification_threshold"}, rows, false));
  // 160 games: one shard, shards spanning points (17, 40+: 60, 160), tiny shards (7).
  for (long long m : {160, 60, 40, 17, 7}) {
    const fs::path dir = TmpDir("sizes-" + std::to_string(m));
    LoadedPlan lp = PlanAndRun(Spec(m), dir);
    EXPECT_EQ(lp.plan.shards(), (160 + m - 1) / m);
    EXPECT_EQ(MergedJson(lp, dir, &error), single) << "shard size " << m << ": " << error;
  }
  // The plan's own hash covers every field: another shard size, another plan.
  mf::SweepPlan a, b;
  ASSERT_TRUE(MakePlan(Spec(7), sc, &a, &error));
  ASSERT_TRUE(MakePlan(Spec(17), sc, &b, &error));
  EXPECT_NE(a.sha256(), b.sha256());
  EXPECT_EQ(a.sha256(), PlanSha256(a));
  EXPECT_EQ(a.sha256().size(), 64u);
}

TEST(SweepPlan, MissingForeignDuplicatedAndCorruptShardsAreRefused) {
  const fs::path dir = TmpDir("refused");
  LoadedPlan lp = PlanAndRun(Spec(30), dir);  // 6 shards.
  ASSERT_EQ(lp.plan.shards(), 6);
  std::string error;
  const std::string good = MergedJson(lp, dir, &error);
  ASSERT_FALSE(good.empty()) << error;
  const fs::path out = dir / "out";

  // Missing.
  const std::string two = Slurp(out / "shard-2.json");
  fs::remove(out / "shard-2.json");
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("missing shards: 2 (1 of 6"), std::string::npos) << error;

  // Foreign: shard 2 of a plan with another seed.
  const fs::path other = TmpDir("foreign");
  PlanSpec spec = Spec(30);
  spec.seed = 6;
  PlanAndRun(spec, other, {2});
  fs::copy_file(other / "out" / "shard-2.json", out / "shard-2.json");
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("shard-2.json: belongs to another plan"), std::string::npos) << error;

  // Duplicated: shard 1's file again under shard 2's name.
  fs::copy_file(out / "shard-1.json", out / "shard-2.json", fs::copy_options::overwrite_existing);
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("shard-2.json: holds shard 1: a duplicate of shard-1.json"),
            std::string::npos)
      << error;

  // Corrupt: cut short, and numbers that do not add up.
  Spit(out / "shard-2.json", two.substr(0, two.size() / 2));
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("shard-2.json: corrupt"), std::string::npos) << error;
  mf::SweepShard s;
  ASSERT_TRUE(FromJson(two, &s, &error)) << error;
  s.mutable_points(0)->mutable_tally()->set_games(s.points(0).games() + 1);
  Spit(out / "shard-2.json", ToJson(s));
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("shard-2.json: corrupt: its points do not cover"), std::string::npos)
      << error;
  // A shard beyond the plan.
  Spit(out / "shard-2.json", two);
  fs::copy_file(out / "shard-1.json", out / "shard-9.json");
  EXPECT_EQ(MergedJson(lp, dir, &error), "");
  EXPECT_NE(error.find("shard-9.json: the plan has 6 shards (0-5)"), std::string::npos) << error;
  fs::remove(out / "shard-9.json");

  // Put right, the merge is the report again.
  EXPECT_EQ(MergedJson(lp, dir, &error), good) << error;

  // A plan edited by hand is refused, and so is a scenario changed since.
  std::string text = Slurp(dir / "plan.json");
  text.replace(text.find("\"games\":\"40\""), 12, "\"games\":\"41\"");
  Spit(dir / "edited.json", text);
  LoadedPlan edited;
  EXPECT_FALSE(LoadPlan((dir / "edited.json").string(), &edited, &error));
  EXPECT_NE(error.find("does not match its content"), std::string::npos) << error;
}

TEST(SweepPlan, ShardIndexFromTheEnvironment) {
  long long i = -1;
  std::string error;
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("JOB_COMPLETION_INDEX");
  EXPECT_FALSE(ShardIndex(-1, 0, &i, &error));
  EXPECT_NE(error.find("--shard"), std::string::npos) << error;
  setenv("JOB_COMPLETION_INDEX", "3", 1);
  EXPECT_TRUE(ShardIndex(-1, 0, &i, &error));
  EXPECT_EQ(i, 3);
  setenv("SLURM_ARRAY_TASK_ID", "2", 1);  // Slurm's first, with the split's offset.
  EXPECT_TRUE(ShardIndex(-1, 1000, &i, &error));
  EXPECT_EQ(i, 1002);
  EXPECT_TRUE(ShardIndex(7, 1000, &i, &error));  // --shard wins.
  EXPECT_EQ(i, 7);
  setenv("SLURM_ARRAY_TASK_ID", "x", 1);
  EXPECT_FALSE(ShardIndex(-1, 0, &i, &error));
  EXPECT_NE(error.find("SLURM_ARRAY_TASK_ID is 'x'"), std::string::npos) << error;
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("JOB_COMPLETION_INDEX");
}

// The command line: plan, run (in any order, any shard size), merge; the
// bytes of `forumctl sweep` and, without --param, of `forumctl balance`.
TEST(SweepCommand, MergedFilesAreTheSingleProcessFiles) {
  const fs::path dir = TmpDir("cli");
  const std::string f = MF_FORUMCTL;
  const std::string d = dir.string();
  auto sh = [&](const std::string& command) {
    const auto r = RunCommand(command + " 2>>" + d + "/stderr.txt");
    EXPECT_EQ(r.code, 0) << command << "\n" << Slurp(dir / "stderr.txt");
    return r;
  };
  auto run = [&](const std::string& args) { return sh(f + " " + args); };
  const std::string sweep =
      "--scenario classroom-8 --param role_offset_destination --values=-4,0,4 --games 90 --seed 3";
  run("sweep " + sweep + " --out " + d + "/single.json --csv " + d + "/single.csv --no-timing");
  run("balance --scenario classroom-8 --games 90 --seed 3 --out " + d +
      "/balance.json --no-timing");
  for (const std::string m : {"25", "90", "270"}) {
    const std::string plan = d + "/plan-" + m + ".json", out = d + "/out-" + m;
    run("sweep plan " + sweep + " --shard-games " + m + " --out " + plan);
    mf::SweepPlan p;
    std::string error;
    ASSERT_TRUE(FromJson(Slurp(plan), &p, &error)) << error;
    // The shards from the environment, as a Slurm array or an Indexed Job runs them.
    for (long long i = p.shards() - 1; i >= 0; --i)
      sh(std::string("env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX ") +
         (i % 2 ? "SLURM_ARRAY_TASK_ID=" : "JOB_COMPLETION_INDEX=") + std::to_string(i) + " " + f +
         " sweep run --plan " + plan + " --out-dir " + out + " --threads 1");
    run("sweep merge --plan " + plan + " " + out + " --out " + d + "/merged-" + m + ".json --csv " +
        d + "/merged-" + m + ".csv --no-timing");
    EXPECT_EQ(Slurp(dir / ("merged-" + m + ".json")), Slurp(dir / "single.json")) << m;
    EXPECT_EQ(Slurp(dir / ("merged-" + m + ".csv")), Slurp(dir / "single.csv")) << m;
  }
  // Without --param: the balance report.
  run("sweep plan --scenario classroom-8 --games 90 --seed 3 --shard-games 40 --out " + d +
      "/plan-b.json");
  for (int i : {2, 0, 1})
    run("sweep run --plan " + d + "/plan-b.json --shard " + std::to_string(i) + " --out-dir " + d +
        "/out-b");
  run("sweep merge --plan " + d + "/plan-b.json " + d + "/out-b --out " + d +
      "/merged-b.json --no-timing");
  EXPECT_EQ(Slurp(dir / "merged-b.json"), Slurp(dir / "balance.json"));

  // A merge with a shard missing fails, names it, and writes nothing.
  fs::remove(dir / "out-25" / "shard-4.json");
  const auto r = RunCommand(f + " sweep merge --plan " + d + "/plan-25.json " + d +
                            "/out-25 --out " + d + "/none.json 2>&1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("missing shards: 4 (1 of 11"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "none.json"));
  // sweep run without an index says where it looks.
  const auto none =
      RunCommand("env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX " + f + " sweep run --plan " +
                 d + "/plan-25.json --out-dir " + d + "/x 2>&1");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.out.find("SLURM_ARRAY_TASK_ID"), std::string::npos) << none.out;
}

}  // namespace
}  // namespace mf::tools
