// forumctl as a real process: validate on every scenario file and on
// corrupted copies, simulate determinism, and replay of simulate's logs. The
// binary's path, the scenario folder and a scratch folder in the build tree
// are compiled in (see tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "forum.pb.h"
#include "reports.pb.h"
#include "rules/playout.h"
#include "rules/scenario.h"
#include "rules/state.h"
#include "run_command.h"
#include "test_util.h"
#include "tools/report_json.h"

namespace mf::rules {
namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout, and stderr too when merged.
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs forumctl with `args` (already quoted).
RunResult Forumctl(const std::string& args, bool merge_stderr = true) {
  const std::string cmd =
      Quote(MF_FORUMCTL) + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  mf::testing::CommandResult c = mf::testing::RunCommand(cmd);
  RunResult r;
  r.exit_code = c.code;
  r.out = std::move(c.out);
  return r;
}

// A scratch folder of this process (two test runs may share a build tree);
// removed at exit unless a test failed.
std::string ScratchDir() {
  static const fs::path dir = fs::path(MF_TEST_TMP_DIR) / std::to_string(getpid());
  fs::create_directories(dir);
  return dir.string();
}

class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::UnitTest::GetInstance()->Passed()) {
      std::error_code ec;
      fs::remove_all(ScratchDir(), ec);
    }
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(MF_SCENARIO_DIR))
    if (e.path().extension() == ".textproto") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The "hash" field of simulate's or replay's JSON report; empty if none.
std::string HashOf(const std::string& json) {
  std::smatch m;
  if (std::regex_search(json, m, std::regex("\"hash\":\"([0-9a-f]{16})\""))) return m[1];
  return "";
}

std::string Hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// forumctl play: the ranking shows ties as ties (the same score, the same
// rank marked "="), ranks follow the scores, and the story ends with the
// forum closing, not with "Game over begins.".
TEST(ForumctlPlay, RankingShowsTiesAndTheStoryCloses) {
  int ties = 0;
  for (int seed = 1; seed <= 6; ++seed) {
    RunResult r = Forumctl("play --scenario convention --seed " + std::to_string(seed));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out.find("Game over begins"), std::string::npos);
    EXPECT_NE(r.out.find("The forum closes. "), std::string::npos);
    EXPECT_NE(r.out.find("   Stated: "), std::string::npos);
    const std::regex row(R"(\n  (=?)([0-9]+)\. ([^\n]+?)  ([0-9]+)  \()");
    std::vector<std::tuple<bool, int, int>> rows;  // (marked, rank, score)
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), row), end; it != end; ++it)
      rows.emplace_back((*it)[1] == "=", std::stoi((*it)[2]), std::stoi((*it)[4]));
    ASSERT_EQ(rows.size(), 20u) << r.out;
    for (size_t k = 0; k < rows.size(); ++k) {
      const auto [marked, rank, score] = rows[k];
      int above = 0, same = 0;
      for (const auto& o : rows) {
        if (std::get<2>(o) > score) ++above;
        if (std::get<2>(o) == score) ++same;
      }
      EXPECT_EQ(rank, above + 1) << "row " << k;
      EXPECT_EQ(marked, same > 1) << "row " << k;
      if (k > 0) EXPECT_LE(score, std::get<2>(rows[k - 1]));
      if (same > 1) ++ties;
    }
  }
  EXPECT_GT(ties, 0) << "no tie in six games: the test saw nothing to show";
}

// forumctl scenarios: seats, cycles and planned minutes under the classroom
// preset for every scenario; --json a bare array of scenario objects (each
// an mf.ScenarioInfo, the elements of what forumd's ListScenarios answers).
TEST(ForumctlScenarios, ListSeatsCyclesAndClassroomMinutes) {
  RunResult json = Forumctl("scenarios --json", false);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  mf::ListScenariosResponse list;
  std::string error;
  ASSERT_EQ(json.out.find_first_not_of(" \n"), json.out.find('[')) << "an array: " << json.out;
  ASSERT_TRUE(mf::tools::FromJson("{\"scenarios\": " + json.out + "}", &list, &error))
      << error << json.out;
  for (const char* key : {"\"name\"", "\"seats\"", "\"cycles\"", "\"classroom_minutes\""})
    EXPECT_NE(json.out.find(key), std::string::npos) << key;
  std::map<std::string, double> minutes;
  for (const mf::ScenarioInfo& info : list.scenarios()) {
    const std::string name = info.name();
    auto sc = mf::testing::LoadOrFail(name);
    ASSERT_TRUE(sc) << name;
    EXPECT_EQ(info.seats(), sc->num_seats()) << name;
    EXPECT_EQ(info.cycles(), sc->cycles()) << name;
    EXPECT_EQ(info.minutes_per_phase(), sc->proto().minutes_per_phase()) << name;
    minutes[name] = info.classroom_minutes();
    EXPECT_DOUBLE_EQ(minutes[name], ClassroomMinutes(*sc)) << name;
  }
  EXPECT_EQ(minutes.size(), mf::testing::EmbeddedNames().size()) << json.out;
  ASSERT_TRUE(minutes.count("classroom-8"));
  EXPECT_LE(minutes["classroom-8"], 40.0) << "a 45-minute lesson";
  ASSERT_TRUE(minutes.count("classroom-8-double"));
  EXPECT_GT(minutes["classroom-8-double"], minutes["classroom-8"]);
  RunResult text = Forumctl("scenarios");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("classroom-8\t8 seats\t3 cycles\t39.5 min"), std::string::npos)
      << text.out;
  EXPECT_NE(Forumctl("scenarios --jsn").exit_code, 0);
}

// forumctl tune --json: every round played (the start, then one step), the
// best round's offsets per seat, and the largest of them.
TEST(ForumctlTune, JsonRoundsAndOffsets) {
  RunResult r = Forumctl(
      "tune --scenario classroom-8 --games 100 --seed 3 --rounds 1 --threads 2 --json", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  mf::TuneReport tune;
  std::string error;
  ASSERT_TRUE(mf::tools::FromJson(r.out, &tune, &error)) << error << r.out;
  EXPECT_EQ(tune.scenario(), "classroom-8");
  EXPECT_EQ(tune.games(), 100);
  ASSERT_EQ(tune.rounds_size(), 2);
  for (const mf::TuneRound& round : tune.rounds()) {
    EXPECT_EQ(round.seats(), 8);
    EXPECT_EQ(round.offsets_size(), 8);
    EXPECT_LE(round.seats_level(), 8);
    EXPECT_LE(round.worst_share_low(), 1.0);
    EXPECT_GE(round.worst_share_high(), 1.0);
  }
  ASSERT_GE(tune.best_round(), 0);
  ASSERT_LT(tune.best_round(), 2);
  ASSERT_EQ(tune.seats_size(), 8);
  double largest = 0;
  for (const mf::TuneSeat& seat : tune.seats()) {
    largest = std::max(largest, std::fabs(seat.score_offset()));
    EXPECT_TRUE(seat.verdict() == "level" || seat.verdict() == "favoured" ||
                seat.verdict() == "disfavoured")
        << seat.verdict();
  }
  EXPECT_NEAR(tune.largest_offset(), largest, 0.01);
  EXPECT_GT(largest, 0.0) << "classroom-8's seats have offsets, and a step moves them";
  EXPECT_NE(Forumctl("tune --scenario classroom-8 --games 99").exit_code, 0);
}

// forumctl enforcement: the unilateral vs cooperative table.
TEST(ForumctlEnforcement, PrintsTheTable) {
  RunResult r = Forumctl("enforcement --scenario classroom-8");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("| no enforcement |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("full cooperation on every corridor"), std::string::npos) << r.out;
  EXPECT_NE(Forumctl("enforcement --scenario nosuch").exit_code, 0);
  // --json: the same five cases as mf.EnforcementReport.
  RunResult json = Forumctl("enforcement --scenario classroom-8 --json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  mf::EnforcementReport report;
  std::string error;
  ASSERT_TRUE(mf::tools::FromJson(json.out, &report, &error)) << error << json.out;
  ASSERT_EQ(report.cases_size(), 5);
  EXPECT_EQ(report.cases(0).name(), "no enforcement");
  EXPECT_EQ(report.cases(0).change_percent(), 0.0);
  // Alone, enforcement leaves most arrivals; with full cooperation most go.
  EXPECT_GE(report.cases(2).change_percent(), -25.0);
  EXPECT_LE(report.cases(4).change_percent(), -60.0);
}

TEST(ForumctlValidate, EveryScenarioFilePasses) {
  const std::vector<std::string> files = ScenarioFiles();
  ASSERT_FALSE(files.empty());
  std::string all;
  for (const std::string& f : files) {
    const RunResult r = Forumctl("validate " + Quote(f));
    EXPECT_EQ(r.exit_code, 0) << f << ":\n" << r.out;
    EXPECT_NE(r.out.find("ok"), std::string::npos) << r.out;
    all += " " + Quote(f);
    // Every file is built into the engine under its stem.
    EXPECT_TRUE(LoadEmbeddedScenario(fs::path(f).stem().string()).ok()) << f;
  }
  EXPECT_EQ(Forumctl("validate" + all).exit_code, 0);
  EXPECT_EQ(files.size(), EmbeddedScenarios().size());
}

TEST(ForumctlValidate, CorruptedCopyFailsNamingFileAndLine) {
  const std::string original = ReadAll(std::string(MF_SCENARIO_DIR) + "/classroom-8.textproto");
  ASSERT_FALSE(original.empty());
  // The first seat's influence turns negative.
  const size_t seats = original.find("\nseats {");
  ASSERT_NE(seats, std::string::npos);
  const size_t at = original.find("influence:", seats);
  ASSERT_NE(at, std::string::npos);
  const size_t eol = original.find('\n', at);
  std::string corrupted = original;
  corrupted.replace(at, eol - at, "influence: -2");
  const int line = 1 + static_cast<int>(std::count(original.begin(), original.begin() + at, '\n'));
  const std::string path = ScratchDir() + "/corrupt-influence.textproto";
  WriteAll(path, corrupted);
  const RunResult r = Forumctl("validate " + Quote(path));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(path + ":" + std::to_string(line) + ": seats[0].influence"),
            std::string::npos)
      << r.out;

  // A syntax error names its line (and column).
  std::string broken = original;
  const size_t cycles = broken.find("\ncycles:");
  ASSERT_NE(cycles, std::string::npos);
  broken.insert(cycles + 1, "cycles: {\n");
  const int broken_line =
      2 + static_cast<int>(std::count(broken.begin(), broken.begin() + cycles, '\n'));
  const std::string path2 = ScratchDir() + "/corrupt-syntax.textproto";
  WriteAll(path2, broken);
  const RunResult r2 = Forumctl("validate " + Quote(path2));
  EXPECT_NE(r2.exit_code, 0);
  EXPECT_TRUE(std::regex_search(
      r2.out, std::regex(std::regex_replace(path2, std::regex("[.^$|()\\[\\]{}*+?\\\\]"), "\\$&") +
                         ":" + std::to_string(broken_line) + ":[0-9]+: ")))
      << r2.out;

  // A good and a bad file: the run fails, and only the bad one is reported.
  const RunResult both =
      Forumctl("validate " + Quote(std::string(MF_SCENARIO_DIR) + "/classroom-8.textproto") + " " +
                   Quote(path),
               /*merge_stderr=*/false);
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.out.find(path + ":"), std::string::npos) << both.out;
  EXPECT_EQ(both.out.find("classroom-8.textproto:"), std::string::npos) << both.out;
}

TEST(ForumctlValidate, MissingFileAndUsageErrors) {
  const RunResult missing = Forumctl("validate " + Quote(ScratchDir() + "/no-such-file.textproto"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("no-such-file.textproto"), std::string::npos) << missing.out;
  EXPECT_NE(Forumctl("validate").exit_code, 0);
  EXPECT_NE(Forumctl("frobnicate").exit_code, 0);
  EXPECT_NE(Forumctl("simulate --scenario atlantis-99 --seed 1").exit_code, 0);
}

class ForumctlGame : public ::testing::TestWithParam<std::string> {};

TEST_P(ForumctlGame, SimulateIsDeterministicAndMatchesTheEngine) {
  const std::string name = GetParam();
  const RunResult a = Forumctl("simulate --scenario " + Quote(name) + " --seed 7", false);
  const RunResult b = Forumctl("simulate --scenario " + Quote(name) + " --seed 7", false);
  const RunResult c = Forumctl("simulate --scenario " + Quote(name) + " --seed 8", false);
  ASSERT_EQ(a.exit_code, 0) << a.out;
  ASSERT_EQ(b.exit_code, 0) << b.out;
  ASSERT_EQ(c.exit_code, 0) << c.out;
  ASSERT_FALSE(HashOf(a.out).empty()) << a.out;
  EXPECT_NE(a.out.find("\"finished\":true"), std::string::npos) << a.out;
  EXPECT_EQ(HashOf(a.out), HashOf(b.out));
  EXPECT_NE(HashOf(a.out), HashOf(c.out));
  // The tool plays the same game as the library.
  auto sc = mf::testing::LoadOrFail(name);
  ASSERT_TRUE(sc);
  State st(sc, 7);
  RandomPlayout(&st, 7, nullptr);
  EXPECT_EQ(HashOf(a.out), Hex(st.Hash()));
}

TEST_P(ForumctlGame, ReplayOfTheLogGivesTheSameHash) {
  const std::string name = GetParam();
  const std::string log = ScratchDir() + "/" + name + ".log.textproto";
  fs::remove(log);
  const RunResult sim =
      Forumctl("simulate --scenario " + Quote(name) + " --seed 11 --log " + Quote(log), false);
  ASSERT_EQ(sim.exit_code, 0) << sim.out;
  ASSERT_TRUE(fs::exists(log));
  const RunResult rep = Forumctl("replay --log " + Quote(log), false);
  ASSERT_EQ(rep.exit_code, 0) << rep.out;
  ASSERT_FALSE(HashOf(rep.out).empty()) << rep.out;
  EXPECT_EQ(HashOf(rep.out), HashOf(sim.out));

  // The scenario file may change later: the log carries its own copy. Without
  // it, the embedded scenario of the same name is used.
  std::string text = ReadAll(log);
  const size_t at = text.find("scenario_text:");
  ASSERT_NE(at, std::string::npos);
  const size_t eol = text.find('\n', at);
  text.erase(at, eol - at + 1);
  const std::string bare = ScratchDir() + "/" + name + ".bare.log.textproto";
  WriteAll(bare, text);
  const RunResult rep2 = Forumctl("replay --log " + Quote(bare), false);
  ASSERT_EQ(rep2.exit_code, 0) << rep2.out;
  EXPECT_EQ(HashOf(rep2.out), HashOf(sim.out));
}

INSTANTIATE_TEST_SUITE_P(All, ForumctlGame, ::testing::ValuesIn(mf::testing::EmbeddedNames()),
                         mf::testing::ScenarioTestName);

TEST(ForumctlReplay, BrokenLogsAreRefused) {
  const std::string garbage = ScratchDir() + "/garbage.log.textproto";
  WriteAll(garbage, "entries { this is not a log");
  const RunResult r = Forumctl("replay --log " + Quote(garbage));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("garbage.log.textproto"), std::string::npos) << r.out;

  // A log with an action the engine refuses: replay stops and says which entry.
  const std::string log = ScratchDir() + "/refused.log.textproto";
  const RunResult sim =
      Forumctl("simulate --scenario classroom-8 --seed 3 --log " + Quote(log), false);
  ASSERT_EQ(sim.exit_code, 0);
  std::string text = ReadAll(log);
  const size_t first = text.find("entries {");
  ASSERT_NE(first, std::string::npos);
  text.insert(first,
              "entries {\n  actor {\n    clock: true\n  }\n  action {\n    timeout {\n"
              "      phase_serial: 999\n    }\n  }\n}\n");
  WriteAll(log, text);
  const RunResult rep = Forumctl("replay --log " + Quote(log));
  EXPECT_NE(rep.exit_code, 0);
  EXPECT_NE(rep.out.find("entry 0"), std::string::npos) << rep.out;
  EXPECT_TRUE(HashOf(rep.out).empty()) << rep.out;
  EXPECT_NE(Forumctl("replay --log " + Quote(ScratchDir() + "/none.log")).exit_code, 0);
}

}  // namespace
}  // namespace mf::rules
