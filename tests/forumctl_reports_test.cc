// Every machine-readable output of forumctl, from the real program: it
// parses back into its message (proto/reports.proto, or forum.proto for the
// answers of forumd), prints again to the same bytes, and has every key the
// reports had before they were messages, at the same place. The network
// commands run against an in-process forumd.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "net/client.h"
#include "reports.pb.h"
#include "run_command.h"
#include "server_util.h"
#include "tools/report_json.h"

namespace mf::testing {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TmpDir() {
  static const fs::path dir = fs::path(MF_TEST_TMP_DIR) / std::to_string(getpid());
  fs::create_directories(dir);
  return dir.string();
}

// forumctl's stdout; the test fails on another exit code than `want`.
std::string Forumctl(const std::string& args, int want = 0) {
  const std::string err = TmpDir() + "/stderr.txt";
  CommandResult c = RunCommand(std::string(MF_FORUMCTL) + " " + args + " 2>" + err);
  EXPECT_EQ(c.code, want) << args << "\n" << Slurp(err);
  return c.out;
}

std::string Chomp(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

// Checks one key path in parsed JSON: "a.b" (objects), "*" (every key of a
// non-empty object), "x[]" (every element of an array; an empty array
// holds nothing to check).
void CheckPath(const google::protobuf::Value& v, const std::vector<std::string>& segs, size_t i,
               const std::string& path, const std::string& where) {
  if (i == segs.size()) return;
  std::string seg = segs[i];
  const bool each = seg.size() > 2 && seg.compare(seg.size() - 2, 2, "[]") == 0;
  if (each) seg.resize(seg.size() - 2);
  ASSERT_TRUE(v.has_struct_value()) << path << ": " << where << " is not an object";
  std::vector<std::pair<std::string, const google::protobuf::Value*>> next;
  if (seg == "*") {
    ASSERT_GT(v.struct_value().fields_size(), 0) << path << ": " << where << " is empty";
    for (const auto& [k, child] : v.struct_value().fields()) next.emplace_back(k, &child);
  } else {
    auto it = v.struct_value().fields().find(seg);
    ASSERT_NE(it, v.struct_value().fields().end()) << path << ": no key " << seg << " in " << where;
    next.emplace_back(seg, &it->second);
  }
  for (const auto& [k, child] : next) {
    if (!each) {
      CheckPath(*child, segs, i + 1, path, where + "." + k);
      continue;
    }
    ASSERT_TRUE(child->has_list_value()) << path << ": " << where << "." << k << " is no array";
    for (const auto& e : child->list_value().values())
      CheckPath(e, segs, i + 1, path, where + "." + k + "[]");
  }
}

// `json` parses into `message` (unknown keys are errors), prints again to
// the same text, and has every key path of `keys`.
template <typename M>
M Check(const std::string& json, const std::vector<std::string>& keys,
        tools::JsonStyle style = {}) {
  M m;
  std::string error;
  EXPECT_TRUE(tools::FromJson(json, &m, &error)) << error << "\n" << json;
  EXPECT_EQ(tools::ToJson(m, style), Chomp(json)) << "printed again";
  google::protobuf::Value root;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &root).ok()) << json;
  for (const std::string& k : keys) CheckPath(root, Split(k, '.'), 0, k, "report");
  return m;
}

// The keys of the reports as the hand-written writer printed them.
const std::vector<std::string> kGameKeys = {
    "scenario", "seed",        "actions", "hash",   "finished",   "cycles",         "scores.*",
    "winner",   "winner_role", "adopted", "regime", "mean_trust", "migrant_welfare"};

const std::vector<std::string> kBalanceKeys = {"scenario",
                                               "games",
                                               "seed",
                                               "bots",
                                               "num_seats",
                                               "cycles",
                                               "games_per_second",
                                               "seconds",
                                               "unfinished_games",
                                               "actions",
                                               "rejected_bot_actions",
                                               "roles.*.seats",
                                               "roles.*.wins",
                                               "roles.*.win_rate",
                                               "roles.*.fair_share",
                                               "roles.*.ci95",
                                               "roles.*.mean_score",
                                               "roles.*.sd_score",
                                               "seats.*.role",
                                               "seats.*.wins",
                                               "seats.*.win_rate",
                                               "seats.*.fair_share",
                                               "seats.*.ci95",
                                               "seats.*.mean_score",
                                               "seats.*.sd_score",
                                               "seats.*.share",
                                               "seats.*.verdict",
                                               "seats_outside_share",
                                               "strategies.*.seat_games",
                                               "strategies.*.wins",
                                               "strategies.*.win_rate",
                                               "strategies.*.fair_share",
                                               "strategies.*.ci95",
                                               "strategies.*.wins_per_seat_game",
                                               "strategies.*.mean_score",
                                               "strategies.*.sd_score",
                                               "adoption_by_form.*.tabled",
                                               "adoption_by_form.*.adopted",
                                               "adoption_by_form.*.rate",
                                               "ratification_by_role.*.open",
                                               "ratification_by_role.*.ratified",
                                               "ratification_by_role.*.rate",
                                               "outcomes_by_item.*[].label",
                                               "outcomes_by_item.*[].count",
                                               "outcomes_by_item.*[].frequency",
                                               "per_cycle[].cycle",
                                               "per_cycle[].games",
                                               "per_cycle[].mean_trust",
                                               "per_cycle[].regime.total",
                                               "per_cycle[].regime.norms",
                                               "per_cycle[].regime.decision_rules",
                                               "per_cycle[].regime.procedures",
                                               "per_cycle[].migrant_welfare",
                                               "per_cycle[].irregular_total",
                                               "per_cycle[].legal_total",
                                               "corridors.*.legal",
                                               "corridors.*.irregular",
                                               "imbalances[].kind",
                                               "imbalances[].name",
                                               "imbalances[].win_rate",
                                               "imbalances[].fair_share",
                                               "imbalances[].ci95",
                                               "imbalances[].favoured",
                                               "imbalances[].message"};

const std::vector<std::string> kSweepKeys = {"scenario",
                                             "param",
                                             "games",
                                             "seed",
                                             "bots",
                                             "rows[].value",
                                             "rows[].roles.*.win_rate",
                                             "rows[].roles.*.ci_half_width",
                                             "rows[].roles.*.ci95",
                                             "rows[].roles.*.fair_share",
                                             "rows[].roles.*.mean_score",
                                             "rows[].balanced",
                                             "rows[].imbalances",
                                             "rows[].rejected_bot_actions",
                                             "rows[].games_per_second"};

const std::vector<std::string> kDuelKeys = {"scenario",
                                            "games",
                                            "challenger",
                                            "baseline",
                                            "challenger_mean",
                                            "baseline_mean",
                                            "mean_difference",
                                            "sd_difference",
                                            "t",
                                            "p_value",
                                            "challenger_better_share",
                                            "significant"};

const std::vector<std::string> kForkKeys = {"scenario",
                                            "at",
                                            "at_text",
                                            "log_entries",
                                            "hash_at",
                                            "seed",
                                            "bots",
                                            "games",
                                            "unfinished",
                                            "actual.finished",
                                            "actual.hash",
                                            "actual.winner",
                                            "actual.winner_role",
                                            "actual.regime",
                                            "actual.mean_trust",
                                            "actual.migrant_welfare",
                                            "roles[].role",
                                            "roles[].seats",
                                            "roles[].wins",
                                            "roles[].win_rate",
                                            "roles[].ci95",
                                            "roles[].fair_share",
                                            "roles[].actual_winner",
                                            "seats[].seat",
                                            "seats[].name",
                                            "seats[].role",
                                            "seats[].wins",
                                            "seats[].win_rate",
                                            "seats[].ci95",
                                            "seats[].mean_score",
                                            "seats[].actual_score",
                                            "seats[].actual_rank",
                                            "items[].item",
                                            "items[].decided_before_fork",
                                            "items[].outcomes[].label",
                                            "items[].outcomes[].count",
                                            "items[].outcomes[].share",
                                            "items[].outcomes[].actual",
                                            "regime.mean",
                                            "regime.sd",
                                            "regime.actual",
                                            "mean_trust.mean",
                                            "mean_trust.sd",
                                            "mean_trust.actual",
                                            "migrant_welfare.mean",
                                            "migrant_welfare.sd",
                                            "migrant_welfare.actual",
                                            "runs[].game",
                                            "runs[].bot_seed",
                                            "runs[].finished",
                                            "runs[].actions",
                                            "runs[].hash",
                                            "runs[].winner"};

const std::vector<std::string> kLoadKeys = {"scenario",
                                            "sessions",
                                            "seats_per_session",
                                            "streams",
                                            "target_rate",
                                            "duration_s",
                                            "setup_s",
                                            "actions_sent",
                                            "actions_ok",
                                            "throughput",
                                            "server_actions_per_s",
                                            "stale",
                                            "idle_ticks",
                                            "latency_ms.samples",
                                            "latency_ms.p50",
                                            "latency_ms.p99",
                                            "latency_ms.max",
                                            "errors",
                                            "error_kinds",
                                            "seats_at_game_over",
                                            "server_rss_kb.before",
                                            "server_rss_kb.after_setup",
                                            "server_rss_kb.after_run",
                                            "server_rss_kb.per_session"};

const std::vector<std::string> kBotKeys = {"session", "seat",  "seat_name", "finished", "actions",
                                           "refused", "stale", "score",     "rank"};

const std::vector<std::string> kVerifyKeys = {
    "sessions", "finished",     "unfinished",          "replayed",
    "actions",  "acknowledged", "acknowledged_stored", "problems"};

const std::vector<std::string> kCreateKeys = {"session", "join_code", "facilitator_token", "seats"};

// A value that was a JSON number before stays one (tools/soak.sh greps them).
void ExpectNumber(const std::string& json, const std::string& key) {
  EXPECT_TRUE(std::regex_search(json, std::regex("\"" + key + "\":-?[0-9]")))
      << key << " is a number in " << json.substr(0, 400);
}

// The load report counts failures by kind: one cause is one line, whatever
// the numbers and the session in its message.
TEST(ForumctlReports, LoadCountsFailuresByKind) {
  const grpc::Status waited_a(grpc::StatusCode::RESOURCE_EXHAUSTED,
                              "the server is behind: this request waited 21 ms for session "
                              "3f09a1c2b4d5e6f7 (--shed-after 20 ms); nothing changed");
  const grpc::Status waited_b(grpc::StatusCode::RESOURCE_EXHAUSTED,
                              "the server is behind: this request waited 513 ms for session "
                              "a0b1c2d3e4f50617 (--shed-after 500 ms); nothing changed");
  EXPECT_EQ(net::ErrorKind(waited_a), net::ErrorKind(waited_b));
  EXPECT_EQ(net::ErrorKind(waited_a),
            "RESOURCE_EXHAUSTED: the server is behind: this request waited N ms for session N");
  // Different causes stay apart, and words without digits are kept.
  EXPECT_NE(net::ErrorKind(waited_a),
            net::ErrorKind(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                        "session 3f09a1c2b4d5e6f7 is behind: 64 requests are "
                                        "waiting for it (--session-queue)")));
  EXPECT_EQ(net::ErrorKind(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not your turn")),
            "FAILED_PRECONDITION: not your turn");
}

TEST(ForumctlReports, GamesBalanceSweepDuelAndScenarios) {
  const std::string dir = TmpDir();
  const std::string log = dir + "/game.txt";
  const std::string sim = Forumctl("simulate --scenario classroom-8 --seed 7 --log " + log);
  const mf::GameReport game = Check<mf::GameReport>(sim, kGameKeys);
  EXPECT_EQ(game.seed(), 7u);
  EXPECT_TRUE(game.finished());
  EXPECT_EQ(game.scores().size(), 8u);
  ExpectNumber(sim, "actions");
  EXPECT_NE(sim.find("\"seed\":\"7\""), std::string::npos) << "64-bit seeds are strings";
  const mf::GameReport replayed = Check<mf::GameReport>(Forumctl("replay --log " + log), kGameKeys);
  EXPECT_EQ(replayed.hash(), game.hash());

  const std::string out = dir + "/balance.json";
  Forumctl("balance --scenario classroom-8 --games 60 --seed 3 --threads 2 --out " + out +
           " --csv " + dir + "/games.csv --chart " + dir + "/chart.png");
  const std::string balance_json = Slurp(out);
  const mf::BalanceReport balance = Check<mf::BalanceReport>(balance_json, kBalanceKeys);
  EXPECT_EQ(balance.games(), 60);
  EXPECT_EQ(balance.seats().size(), 8u);
  EXPECT_EQ(balance.roles().size(), 3u);
  // One seat section: each seat's share of its fair share and its verdict.
  int outside = 0;
  for (const auto& [name, seat] : balance.seats()) {
    EXPECT_NEAR(seat.share(), seat.win_rate() / seat.fair_share(), 1e-4) << name;
    const std::string want = seat.share() > 1.5   ? "favoured"
                             : seat.share() < 0.5 ? "disfavoured"
                                                  : "level";
    EXPECT_EQ(seat.verdict(), want) << name;
    outside += seat.verdict() != "level";
  }
  EXPECT_EQ(balance.seats_outside_share(), outside);
  EXPECT_FALSE(balance.per_cycle().empty());
  for (const char* key : {"games", "actions", "rejected_bot_actions", "unfinished_games"})
    ExpectNumber(balance_json, key);
  EXPECT_EQ(Slurp(dir + "/chart.png").substr(1, 3), "PNG");
  Forumctl("balance --scenario classroom-8 --games 10 --out " + dir + "/b2.json --chart " + dir +
           "/chart.svg");
  EXPECT_NE(Slurp(dir + "/chart.svg").find("<svg"), std::string::npos);

  const mf::SweepReport sweep = Check<mf::SweepReport>(
      Forumctl("sweep --scenario classroom-8 --param role_offset_transit --values=-4,0 --games 20 "
               "--threads 2 --json"),
      kSweepKeys);
  ASSERT_EQ(sweep.rows_size(), 2);
  EXPECT_EQ(sweep.rows(0).value(), "-4");

  const mf::DuelReport duel = Check<mf::DuelReport>(
      Forumctl("duel --scenario classroom-8 --challenger dealmaker --baseline cooperator --games 8 "
               "--threads 2"),
      kDuelKeys);
  EXPECT_EQ(duel.games(), 8);

  mf::ListScenariosResponse list;
  std::string error;
  const std::string scenarios = Forumctl("scenarios --json");
  ASSERT_TRUE(tools::FromJson("{\"scenarios\": " + scenarios + "}", &list, &error)) << error;
  ASSERT_GE(list.scenarios_size(), 1);
  const std::string last = tools::ToJson(list.scenarios(list.scenarios_size() - 1)) + "\n]\n";
  ASSERT_GE(scenarios.size(), last.size());
  EXPECT_EQ(scenarios.substr(scenarios.size() - last.size()), last)
      << "each element printed as its message: " << scenarios;
  EXPECT_GE(list.scenarios_size(), 6);
  bool classroom = false;
  for (const mf::ScenarioInfo& s : list.scenarios())
    classroom |= s.name() == "classroom-8" && s.seats() == 8;
  EXPECT_TRUE(classroom);
  // The table stays the default.
  EXPECT_NE(Forumctl("scenarios").find("classroom-8\t8 seats"), std::string::npos);

  // A fork of the simulated game: the report in a file and on stdout.
  const std::string fork_out = dir + "/fork.json";
  const std::string fork_json = Forumctl("fork --log " + log +
                                         " --at cycle:2 --bots cooperator --games 3 --seed 2 "
                                         "--threads 2 --json --out " +
                                         fork_out);
  EXPECT_EQ(fork_json, Slurp(fork_out));
  const mf::ForkReport fork = Check<mf::ForkReport>(fork_json, kForkKeys);
  EXPECT_EQ(fork.runs_size(), 3);
  EXPECT_FALSE(fork.has_session()) << "a log has no session";
}

TEST(ForumctlReports, NetworkCommands) {
  ScratchDir data;
  auto server = StartServer(TestOptions(data.path()));
  ASSERT_TRUE(server);
  const std::string at = " --server " + server->address();

  // Created sessions: one line each.
  const std::string created = Forumctl("session create" + at +
                                       " --scenario classroom-8 --bots 1-7:cooperator --pace 0 "
                                       "--seed 5 --count 2");
  const std::vector<std::string> lines = Split(Chomp(created), '\n');
  ASSERT_EQ(lines.size(), 2u) << created;
  std::vector<mf::CreateSessionResponse> sessions;
  for (const std::string& line : lines)
    sessions.push_back(Check<mf::CreateSessionResponse>(line, kCreateKeys));
  const mf::CreateSessionResponse& s = sessions[0];
  EXPECT_EQ(s.seats(), 8);
  const std::string auth = " --session " + s.session() + " --token " + s.facilitator_token();

  // A bot plays seat 0 to the end.
  const std::string bot_json = Forumctl("bot" + at + " --join " + s.join_code() + " --seat 0");
  const mf::BotReport bot = Check<mf::BotReport>(bot_json, kBotKeys);
  EXPECT_TRUE(bot.finished());
  EXPECT_EQ(bot.session(), s.session());
  EXPECT_NE(bot_json.find("\"finished\":true"), std::string::npos);

  tools::JsonStyle indented;
  indented.indent = true;
  indented.all_fields = false;
  const mf::GetRecordResponse record = Check<mf::GetRecordResponse>(
      Forumctl("record" + at + auth), {"log", "entries", "finished"}, indented);
  EXPECT_TRUE(record.finished());
  Check<mf::ListSessionsResponse>(
      Forumctl("session list" + at + " --token " + s.facilitator_token() + " --all"),
      {"sessions[].session"}, indented);
  Check<mf::Roster>(Forumctl("session roster" + at + auth), {"seats[].seat_name"}, indented);
  const mf::JoinSessionResponse joined = Check<mf::JoinSessionResponse>(
      Forumctl("session join" + at + " --join " + sessions[1].join_code() + " --name Ana"),
      {"session", "seat_token"}, indented);
  EXPECT_EQ(joined.session(), sessions[1].session());

  // What if, from the server's record: the report names the session.
  const mf::ForkReport fork = Check<mf::ForkReport>(
      Forumctl("fork" + at + auth + " --at cycle:2 --bots cooperator --games 2 --json"), [] {
        std::vector<std::string> keys = kForkKeys;
        keys.push_back("session");
        return keys;
      }());
  EXPECT_EQ(fork.session(), s.session());

  // Export, import, delete.
  const std::string file = TmpDir() + "/s.record";
  const mf::SessionExportReport exported = Check<mf::SessionExportReport>(
      Forumctl("session export" + at + auth + " --out " + file), {"session", "actions", "out"});
  EXPECT_EQ(exported.actions(), record.entries_size());
  EXPECT_GT(exported.actions(), 0);
  Check<mf::CreateSessionResponse>(
      Forumctl("session import" + at + " --file " + file + " --title Copy"), {"session"}, indented);
  const mf::SessionDeleteReport deleted =
      Check<mf::SessionDeleteReport>(Forumctl("session delete" + at + auth), {"deleted"});
  EXPECT_EQ(deleted.deleted(), s.session());

  // The load tool against the same server; its memory is this process's.
  const std::string acks = TmpDir() + "/acks.txt";
  const std::string load_json =
      Forumctl("load" + at +
               " --sessions 2 --seats 2 --rate 20 --duration 1 --bot-pace 50 "
               "--acks " +
               acks + " --server-pid " + std::to_string(getpid()));
  const mf::LoadReport load = Check<mf::LoadReport>(load_json, kLoadKeys);
  EXPECT_EQ(load.streams(), 4);
  EXPECT_GT(load.actions_ok(), 0);
  EXPECT_TRUE(load.has_server_rss_kb());
  for (const char* key : {"actions_ok", "errors", "seats_at_game_over", "streams"})
    ExpectNumber(load_json, key);
  // Its CPU time, and the server's (this process's).
  EXPECT_GT(load.cpu().client_s(), 0);
  EXPECT_GT(load.cpu().client_us_per_action(), 0);
  EXPECT_GE(load.cpu().server_s(), 0);

  // The knee: the rate stepped twice (fresh sessions each step), each step a
  // whole load report; the knee is the highest step held, and the chart is
  // drawn.
  const std::string chart = TmpDir() + "/knee.svg";
  const std::string knee_json =
      Forumctl("load" + at +
               " --sessions 1 --seats 2 --rate 10 --knee-step 10 --knee-max 20 --duration 0.5 "
               "--bot-pace 50 --find-knee --p99-ms 100000 --label test --chart " +
               chart + " --server-pid " + std::to_string(getpid()));
  const mf::KneeReport knee =
      Check<mf::KneeReport>(knee_json, {"p99_bound_ms", "knee_rate", "steps", "chart"});
  ASSERT_EQ(knee.steps_size(), 2);
  EXPECT_EQ(knee.steps(0).target_rate(), 10);
  EXPECT_EQ(knee.steps(1).target_rate(), 20);
  double held = 0;
  for (const mf::LoadReport& step : knee.steps()) {
    EXPECT_EQ(step.streams(), 2);
    EXPECT_TRUE(step.has_cpu());
    if (step.errors() == 0 && step.throughput() >= 0.97 * step.target_rate() &&
        step.latency_ms().p99() <= knee.p99_bound_ms())
      held = step.target_rate();
  }
  EXPECT_EQ(knee.knee_rate(), held);
  EXPECT_EQ(knee.chart(), chart);
  std::ifstream drawn(chart);
  const std::string svg((std::istreambuf_iterator<char>(drawn)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg.find("<svg"), std::string::npos) << chart;

  // The stopped server's data folder: every session replays and every
  // acknowledged action of the load run is stored.
  server.reset();
  const std::string verify_json = Forumctl("verify --data " + data.path() + " --acks " + acks);
  const mf::VerifyReport verify = Check<mf::VerifyReport>(verify_json, kVerifyKeys);
  EXPECT_EQ(verify.problems(), 0);
  EXPECT_EQ(verify.sessions(), 6)
      << "2 created + 1 imported - 1 deleted + 2 by the load + 2 by its knee";
  EXPECT_EQ(verify.replayed(), verify.sessions());
  EXPECT_EQ(verify.acknowledged(), load.actions_ok());
  EXPECT_GT(verify.acknowledged(), 0);
  EXPECT_EQ(verify.acknowledged_stored(), verify.acknowledged());
  for (const char* key : {"problems", "acknowledged_stored", "sessions"})
    ExpectNumber(verify_json, key);
}

}  // namespace
}  // namespace mf::testing
