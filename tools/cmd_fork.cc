// forumctl fork: what if the class had played on differently? A record
// continued by bots from a point of its log, many times.
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <iostream>

#include "rules/scenario.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief_fork.h"

namespace mf::tools {

bool LoadRecordArgs(const Args& args, const char* usage, debrief::Record* record);

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

}  // namespace

int CmdFork(int argc, char** argv) {
  const char* usage =
      "forumctl fork (--log FILE | --data DIR --session ID | --server ADDR --session ID --token "
      "T)\n"
      "              --at N|cycle:K|phase:K --bots MIX --games G [--seed S] [--threads T]\n"
      "              [--set WHO=STRATEGY,...] [--out report.json] [--json] [--save-logs DIR]\n"
      "  replays the record's first N log entries, then plays on with bots G times and compares\n"
      "  the outcomes with the record (MIX as in balance; --set gives a role, a seat id or a seat\n"
      "  index its own strategy, e.g. --set destination=cooperator; --json prints the JSON\n"
      "  report instead of the table; --save-logs writes each game's log as DIR/fork_G.txt, which\n"
      "  forumctl report --log reads)";
  Args args(argc, argv, 2);
  if (!args.Check({"log", "data", "server", "session", "token", "ca", "at", "bots", "games", "seed",
                   "threads", "set", "out", "json", "save-logs"},
                  usage))
    return 2;
  if (!args.Has("at")) {
    std::cerr << "forumctl fork: --at is required\nusage: " << usage << "\n";
    return 2;
  }
  debrief::Record record;
  if (!LoadRecordArgs(args, usage, &record)) return 1;
  std::string error;
  debrief::Model model;
  if (!debrief::BuildModel(record, &model, &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  debrief::ForkOptions o;
  if (!debrief::ParseAt(args.Get("at"), model, &o.at, &error) ||
      !ParseMix(args.Get("bots", kDefaultMix), &o.mix, &error) ||
      (args.Has("set") &&
       !ParseOverrides(args.Get("set"), *model.scenario, &o.seat_strategy, &error))) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 2;
  }
  o.games = static_cast<int>(args.GetInt("games", 100));
  o.seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  o.threads = static_cast<int>(args.GetInt("threads", 0));
  o.keep_logs = args.Has("save-logs");
  if (o.games < 1 || o.games > 1000000) {
    std::cerr << "forumctl fork: --games must be 1..1000000\n";
    return 2;
  }
  debrief::ForkReport report;
  if (!debrief::RunFork(record, o, &report, &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  if (args.Has("out") && !WriteFile(args.Get("out"), debrief::ForkJson(report), &error)) {
    std::cerr << "forumctl fork: " << error << "\n";
    return 1;
  }
  if (o.keep_logs) {
    const std::string dir = args.Get("save-logs");
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
  std::cout << (args.Has("json") ? debrief::ForkJson(report) : debrief::ForkTable(report));
  return 0;
}

}  // namespace mf::tools
