// forumctl fork: what if the class had played on differently? A record
// continued by bots from a point of its log, many times.
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <iostream>

#include "rules/scenario.h"
#include "tools/balance.h"
#include "tools/cmd_record.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief_fork.h"

namespace mf::tools {

namespace {

// "destination=cooperator,mx=hardliner,3=dealmaker": a role, a seat id or a
// seat index, and the strategy that plays it after the fork.
bool ParseOverrides(const std::string& text, const rules::Scenario& sc,
                    std::vector<std::string>* out, std::string* error) {
  out->assign(static_cast<size_t>(sc.num_seats()), "");
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      *error = "--set '" + item + "': use WHO=STRATEGY (WHO: a role, a seat id or index)";
      return false;
    }
    const std::string who = item.substr(0, eq), strategy = item.substr(eq + 1);
    bool any = false;
    for (int s = 0; s < sc.num_seats(); ++s) {
      const bool match = who == rules::RoleName(sc.seats()[s].role) || who == sc.seats()[s].id ||
                         who == std::to_string(s);
      if (match) {
        (*out)[s] = strategy;
        any = true;
      }
    }
    if (!any) {
      *error = "--set '" + item + "': no seat or role '" + who + "'";
      return false;
    }
  }
  return true;
}

struct ForkArgs {
  RecordArgs record;
  std::string at, bots = kDefaultMix, set, out, save_logs;
  int games = 100;
  uint64_t seed = 1;
  int threads = 0;
  bool json = false;
};

int RunForkCommand(const ForkArgs& a) {
  debrief::Record record;
  if (!LoadRecord(a.record, &record)) return 1;
  std::string error;
  debrief::Model model;
  if (!debrief::BuildModel(record, &model, &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  debrief::ForkOptions o;
  if (!debrief::ParseAt(a.at, model, &o.at, &error) || !ParseMix(a.bots, &o.mix, &error) ||
      (!a.set.empty() && !ParseOverrides(a.set, *model.scenario, &o.seat_strategy, &error))) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 2;
  }
  o.games = a.games;
  o.seed = a.seed;
  o.threads = a.threads;
  o.keep_logs = !a.save_logs.empty();
  debrief::ForkReport report;
  if (!debrief::RunFork(record, o, &report, &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  if (!a.out.empty() && !WriteFile(a.out, debrief::ForkJson(report), &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  if (o.keep_logs) {
    const std::string& dir = a.save_logs;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const debrief::ForkGame& g : report.runs) {
      debrief::Record game = record;
      game.log = g.log;
      mf::GameLog gl;
      debrief::RecordToGameLog(game, *model.scenario, &gl);
      std::string text;
      google::protobuf::TextFormat::PrintToString(gl, &text);
      const std::string path =
          (std::filesystem::path(dir) / ("fork_" + std::to_string(g.game) + ".txt")).string();
      if (!WriteFile(path, text, &error)) {
        std::cerr << "forumctl fork: " << error << "\n";
        return 1;
      }
    }
  }
  std::cout << (a.json ? debrief::ForkJson(report) : debrief::ForkTable(report));
  return 0;
}

}  // namespace

void AddFork(CLI::App* app) {
  auto a = std::make_shared<ForkArgs>();
  CLI::App* sub = app->add_subcommand(
      "fork",
      "what if: replay the record's first entries, then play on with bots many times and "
      "compare the outcomes with the record");
  sub->group(kDebriefGroup);
  AddRecordSource(sub, &a->record);
  AddText(sub, "--at", &a->at, "N|cycle:K|phase:K",
          "where the bots take over: after N log entries, where cycle K begins, or where the "
          "timeline's phase K begins")
      ->required();
  AddText(sub, "--bots", &a->bots, "MIX",
          "strategies drawn per game and seat, as in balance (default " + std::string(kDefaultMix) +
              ")")
      ->check(Check("MIX", CheckMix));
  AddNumber(sub, "--games", &a->games, "G", 1, 1000000, "games played on from the fork");
  AddSeed(sub, &a->seed, "fork game g's bots and bot seed come from (seed, g)");
  AddNumber(sub, "--threads", &a->threads, "T", 0, 1024, "threads (0: every core)");
  AddText(sub, "--set", &a->set, "WHO=STRATEGY,...",
          "give a role, a seat id or a seat index its own strategy, e.g. "
          "destination=cooperator");
  AddText(sub, "--out", &a->out, "FILE", "also write the JSON report (mf.ForkReport)");
  sub->add_flag("--json", a->json, "print the JSON report instead of the table");
  AddText(sub, "--save-logs", &a->save_logs, "DIR",
          "write each game's log as DIR/fork_G.txt (forumctl report --log reads them)");
  OnRun(sub, [a] { return RunForkCommand(*a); });
}

}  // namespace mf::tools
