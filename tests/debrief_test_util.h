// Helpers shared by the debrief suites (debrief_test.cc, debrief_fork_test.cc,
// debrief_server_test.cc, debrief_render_test.cc): a scratch folder per test,
// files and shell commands, a bot-played game recorded with the bots a fork
// would use, a record's model and the state after its first entries.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bots/bot.h"
#include "run_command.h"
#include "test_util.h"
#include "tools/debrief.h"
#include "tools/debrief_fork.h"

namespace mf::testing {

namespace fs = std::filesystem;
using tools::debrief::ForkOptions;
using tools::debrief::Model;
using tools::debrief::Record;

// A fresh folder under the build tree for one test; the folders of earlier
// runs of the same test are removed (the last one is kept for a look).
inline fs::path TmpDir(const std::string& name) {
  const fs::path root(MF_TEST_TMP_DIR);
  std::error_code ec;
  fs::create_directories(root, ec);
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string f = e.path().filename().string();
    if (f.size() > name.size() &&
        f.compare(f.size() - name.size() - 1, std::string::npos, "_" + name) == 0)
      fs::remove_all(e.path(), ec);
  }
  const fs::path dir = root / (std::to_string(getpid()) + "_" + name);
  fs::create_directories(dir);
  return dir;
}

inline std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

inline int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// Runs a shell command; returns its exit status and stdout.
inline int Shell(const std::string& cmd, std::string* out = nullptr) {
  CommandResult r = RunCommand(cmd);
  if (out) *out = std::move(r.out);
  return r.code;
}

// A bot-played game recorded through RunMatch, with the bots and bot seed
// that fork game 0 of `fork` would use, so a fork at 0 must reproduce it.
struct Recorded {
  Record record;
  std::unique_ptr<rules::State> state;  // The original, at its end.
  uint64_t hash = 0;
};

inline Recorded PlayRecorded(const std::string& scenario, uint64_t game_seed,
                             const ForkOptions& fork) {
  Recorded r;
  auto sc = LoadOrFail(scenario);
  const int n = sc->num_seats();
  std::vector<std::string> strategies;
  uint64_t bot_seed = 0;
  tools::debrief::ForkSetup(fork, n, 0, &strategies, &bot_seed);
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (const std::string& s : strategies) {
    owned.push_back(bots::MakeBot(s));
    seats.push_back(owned.back().get());
  }
  r.state = std::make_unique<rules::State>(sc, game_seed);
  bots::MatchOptions options;
  options.seed = game_seed;
  options.bot_seed = bot_seed;
  bots::MatchResult m = bots::RunMatch(r.state.get(), seats, options, /*keep_log=*/true);
  EXPECT_TRUE(m.finished);
  r.hash = r.state->Hash();
  r.record.scenario_name = sc->id();
  r.record.scenario_text = sc->text();
  r.record.seed = game_seed;
  r.record.log = std::move(m.log);
  r.record.strategies = strategies;
  r.record.source = "test";
  return r;
}

inline ForkOptions MixOptions(const std::string& mix, uint64_t seed) {
  ForkOptions o;
  std::string error;
  EXPECT_TRUE(tools::ParseMix(mix, &o.mix, &error)) << error;
  o.seed = seed;
  return o;
}

inline Model Build(const Record& rec) {
  Model m;
  std::string error;
  EXPECT_TRUE(tools::debrief::BuildModel(rec, &m, &error)) << error;
  EXPECT_EQ(m.replay_error, "");
  return m;
}

// The state after the first `k` log entries.
inline std::unique_ptr<rules::State> StateAt(const Record& rec, int k) {
  std::unique_ptr<rules::State> st;
  std::string error;
  EXPECT_TRUE(tools::debrief::ReplayPrefix(rec, nullptr, k, &st, &error)) << error;
  return st;
}

}  // namespace mf::testing
