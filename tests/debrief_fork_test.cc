// The debrief's what-if forks (a fork at 0 with the original bots
// reproduces the game; a later fork keeps everything before its point), and
// forumctl report/fork as processes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <google/protobuf/text_format.h>

#include "debrief_test_util.h"
#include "tools/debrief.h"
#include "tools/debrief_fork.h"

namespace mf::testing {
namespace {

// ---- What-if forks ----------------------------------------------------------------

TEST(DebriefForkTest, ForkAtZeroWithTheOriginalBotsReproducesTheGame) {
  for (const char* mix : {"cooperator:1,hardliner:1", "dealmaker"}) {
    ForkOptions o = MixOptions(mix, 21);
    Recorded g = PlayRecorded("classroom-8", 77, o);
    o.at = 0;
    o.games = 1;
    tools::debrief::ForkReport rep;
    std::string error;
    ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &rep, &error)) << error;
    ASSERT_EQ(rep.runs.size(), 1u);
    EXPECT_EQ(rep.runs[0].final_hash, g.hash) << mix;
    EXPECT_EQ(rep.actual_hash, g.hash);
    EXPECT_EQ(rep.runs[0].winner, g.state->winner());
    // The same again, with the log kept: entry for entry the record.
    auto start = StateAt(g.record, 0);
    std::vector<std::string> strategies;
    uint64_t bot_seed = 0;
    tools::debrief::ForkSetup(o, 8, 0, &strategies, &bot_seed);
    const auto game = tools::debrief::PlayFork(*start, {}, strategies, bot_seed, 0, true);
    ASSERT_EQ(game.log.size(), g.record.log.size());
    for (size_t i = 0; i < game.log.size(); ++i) {
      ASSERT_EQ(game.log[i].actor, g.record.log[i].actor) << i;
      ASSERT_TRUE(game.log[i].action == g.record.log[i].action) << i;
    }
  }
}

TEST(DebriefForkTest, ALaterForkKeepsTheFirstEntriesAndChangesOnlyWhatFollows) {
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 21);
  Recorded g = PlayRecorded("classroom-8", 77, o);
  const Model m = Build(g.record);
  int at = 0;
  std::string error;
  ASSERT_TRUE(tools::debrief::ParseAt("cycle:2", m, &at, &error)) << error;
  ASSERT_GT(at, 0);
  ASSERT_LT(at, static_cast<int>(g.record.log.size()));
  auto start = StateAt(g.record, at);
  EXPECT_EQ(start->Hash(), m.actions[at - 1].hash_after);
  EXPECT_EQ(start->cycle(), 2);
  EXPECT_EQ(start->phase(), mf::CIVIL_SOCIETY);
  const std::vector<rules::LoggedAction> prefix(g.record.log.begin(), g.record.log.begin() + at);
  int changed = 0;
  for (int game = 0; game < 4; ++game) {
    std::vector<std::string> strategies;
    uint64_t bot_seed = 0;
    tools::debrief::ForkSetup(o, 8, game, &strategies, &bot_seed);
    const auto f = tools::debrief::PlayFork(*start, prefix, strategies, bot_seed, game, true);
    EXPECT_TRUE(f.finished);
    EXPECT_EQ(f.hash_at_fork, m.actions[at - 1].hash_after);
    // The fork's whole log replays from scratch: the first `at` entries are
    // the record's, the state at `at` is the record's, the end is the fork's.
    ASSERT_GE(f.log.size(), static_cast<size_t>(at));
    rules::State replay(start->scenario_ptr(), g.record.seed);
    for (size_t i = 0; i < f.log.size(); ++i) {
      if (i < static_cast<size_t>(at)) {
        ASSERT_EQ(f.log[i].actor, g.record.log[i].actor);
        ASSERT_TRUE(f.log[i].action == g.record.log[i].action);
      }
      ASSERT_TRUE(replay.Apply(f.log[i].actor, f.log[i].action).ok()) << i;
      if (i + 1 == static_cast<size_t>(at)) {
        EXPECT_EQ(replay.Hash(), m.actions[at - 1].hash_after);
      }
    }
    EXPECT_EQ(replay.Hash(), f.final_hash);
    // What was decided before the fork stays decided as it was.
    for (const auto& it : m.items) {
      if (it.decided_entry < 0 || it.decided_entry >= at) continue;
      const rules::Text* t = replay.FindText(it.text_id);
      ASSERT_NE(t, nullptr);
      EXPECT_EQ(t->adopted, it.adopted);
      EXPECT_EQ(t->supporters, it.supporters);
    }
    if (f.final_hash != g.hash) ++changed;
  }
  EXPECT_GT(changed, 0) << "different bots after the fork should change the game";
}

TEST(DebriefForkTest, ReportComparesTheDistributionWithTheRecord) {
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 5);
  Recorded g = PlayRecorded("classroom-8", 31, o);
  o.mix.clear();
  std::string error;
  ASSERT_TRUE(tools::ParseMix("reciprocator:1,dealmaker:1", &o.mix, &error));
  o.games = 24;
  o.threads = 1;
  const Model m = Build(g.record);
  ASSERT_TRUE(tools::debrief::ParseAt("phase:6", m, &o.at, &error)) << error;
  tools::debrief::ForkReport one, two;
  ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &one, &error)) << error;
  o.threads = 3;
  ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &two, &error)) << error;
  EXPECT_EQ(tools::debrief::ForkJson(one), tools::debrief::ForkJson(two));  // Thread-independent.
  EXPECT_EQ(one.games, 24);
  int wins = 0;
  for (const auto& s : one.seats) wins += s.wins;
  EXPECT_EQ(wins, 24 - one.unfinished);
  int role_wins = 0;
  for (const auto& r : one.roles) role_wins += r.wins;
  EXPECT_EQ(role_wins, wins);
  size_t items = 0;
  for (const auto& a : m.scenario->agenda()) items += a.size();
  EXPECT_EQ(one.items.size(), items);
  for (const auto& io : one.items) {
    int count = 0, actual = 0;
    for (const auto& oc : io.outcomes) {
      count += oc.count;
      actual += oc.actual;
    }
    EXPECT_EQ(count, 24) << io.key;
    EXPECT_EQ(actual, 1) << io.key;
    // Items decided before the fork have one outcome: the record's.
    if (io.decided_before_fork) {
      ASSERT_EQ(io.outcomes.size(), 1u) << io.key;
      EXPECT_TRUE(io.outcomes[0].actual);
    }
  }
  EXPECT_EQ(one.seats[g.state->winner()].actual_rank, 1);
  EXPECT_DOUBLE_EQ(one.regime.actual, g.state->regime());
  const std::string table = tools::debrief::ForkTable(one);
  EXPECT_NE(table.find("Winner by role"), std::string::npos);
  EXPECT_NE(table.find("regime strength"), std::string::npos);
  // --at forms.
  int at = -1;
  EXPECT_TRUE(tools::debrief::ParseAt("0", m, &at, &error));
  EXPECT_EQ(at, 0);
  EXPECT_FALSE(tools::debrief::ParseAt("cycle:9", m, &at, &error));
  EXPECT_FALSE(tools::debrief::ParseAt("99999", m, &at, &error));
  EXPECT_FALSE(tools::debrief::ParseAt("x:1", m, &at, &error));
}

// ---- forumctl report / fork as processes -------------------------------------------

void WriteLog(const Record& rec, const fs::path& path) {
  auto sc = LoadOrFail(rec.scenario_name);
  mf::GameLog gl;
  tools::debrief::RecordToGameLog(rec, *sc, &gl);
  std::string text;
  google::protobuf::TextFormat::PrintToString(gl, &text);
  std::ofstream(path) << text;
}

TEST(DebriefCliTest, ReportAndForkFromALogFile) {
  const fs::path dir = TmpDir("cli");
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 8);
  Recorded g = PlayRecorded("classroom-8", 12, o);
  WriteLog(g.record, dir / "game.txt");
  std::string out;
  const std::string tool = MF_FORUMCTL;
  ASSERT_EQ(Shell(tool + " report --log " + (dir / "game.txt").string() + " --out " +
                      (dir / "report").string(),
                  &out),
            0)
      << out;
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(g.hash));
  EXPECT_NE(out.find(hash), std::string::npos) << out;
  const std::string html = Slurp(dir / "report" / "index.html");
  EXPECT_NE(html.find("<svg class=\"chart trust\""), std::string::npos);
  EXPECT_EQ(CountLines(Slurp(dir / "report" / "actions.csv")),
            1 + static_cast<int>(g.record.log.size()));
  EXPECT_EQ(CountLines(Slurp(dir / "report" / "scores.csv")), 9);
  EXPECT_FALSE(fs::exists(dir / "report" / "messages.csv"));
  // fork --at 0 with the bots and seed of the recording reproduces its hash.
  ASSERT_EQ(Shell(tool + " fork --log " + (dir / "game.txt").string() +
                      " --at 0 --bots cooperator:1,hardliner:1 --games 1 --seed 8 --out " +
                      (dir / "fork.json").string() + " --save-logs " + (dir / "forks").string(),
                  &out),
            0)
      << out;
  const std::string json = Slurp(dir / "fork.json");
  EXPECT_NE(json.find(std::string("\"runs\":[{\"game\":0,")), std::string::npos) << json;
  EXPECT_NE(json.find(std::string("\"hash\":\"") + hash + "\",\"winner\""), std::string::npos)
      << json;
  EXPECT_NE(out.find("Winner by role"), std::string::npos);
  // The saved fork game is a record of its own: its report has the same hash.
  ASSERT_EQ(Shell(tool + " report --log " + (dir / "forks" / "fork_0.txt").string() + " --out " +
                      (dir / "fork_report").string(),
                  &out),
            0)
      << out;
  EXPECT_NE(out.find(hash), std::string::npos) << out;
  // A later fork with other bots, a role override, and bad arguments.
  ASSERT_EQ(
      Shell(tool + " fork --log " + (dir / "game.txt").string() +
                " --at cycle:2 --bots reciprocator --set destination=cooperator --games 3 --json",
            &out),
      0)
      << out;
  EXPECT_NE(out.find("\"at_text\":\"cycle 2, Civil Society Days\""), std::string::npos) << out;
  EXPECT_NE(out.find("destination"), std::string::npos);
  EXPECT_EQ(Shell(tool + " fork --log " + (dir / "game.txt").string() +
                  " --at 100000 --games 1 2>/dev/null"),
            2);
  // No record named: a usage error (2); a record that cannot be read: 1.
  EXPECT_EQ(Shell(tool + " report --out " + (dir / "x").string() + " 2>/dev/null"), 2);
  EXPECT_EQ(
      Shell(tool + " report --log /nonexistent --out " + (dir / "x").string() + " 2>/dev/null"), 1);
}

}  // namespace
}  // namespace mf::testing
