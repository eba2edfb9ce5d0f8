// forumctl report: the debrief of a session (HTML page and CSV files) from
// a game log, a forumd data directory or a running forumd.
#include <iostream>

#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief.h"
#include "tools/debrief_source.h"

namespace mf::tools {

// Loads the record named by --log, --data/--session or --server/--session/--token.
bool LoadRecordArgs(const Args& args, const char* usage, debrief::Record* record) {
  std::string error;
  const int sources = args.Has("log") + args.Has("data") + args.Has("server");
  if (sources != 1) {
    std::cerr << "forumctl: give one of --log FILE, --data DIR --session ID or --server ADDR "
                 "--session ID --token T\nusage: "
              << usage << "\n";
    return false;
  }
  bool ok = false;
  if (args.Has("log")) {
    ok = debrief::LoadRecordFromLogFile(args.Get("log"), record, &error);
  } else {
    if (!args.Has("session")) {
      std::cerr << "forumctl: --session ID is required with --data and --server\nusage: " << usage
                << "\n";
      return false;
    }
    if (args.Has("data")) {
      ok = debrief::LoadRecordFromDataDir(args.Get("data"), args.Get("session"), record, &error);
    } else {
      if (!args.Has("token")) {
        std::cerr << "forumctl: --token T (the facilitator's) is required with --server\n";
        return false;
      }
      ok = debrief::LoadRecordFromServer(args.Get("server"), args.Get("session"), args.Get("token"),
                                         args.Get("ca"), record, &error);
    }
  }
  if (!ok) std::cerr << "forumctl: " << error << "\n";
  return ok;
}

int CmdReport(int argc, char** argv) {
  const char* usage =
      "forumctl report (--log FILE | --data DIR --session ID | --server ADDR --session ID --token "
      "T [--ca FILE]) --out DIR [--facilitator]";
  Args args(argc, argv, 2);
  if (!args.Check({"log", "data", "server", "session", "token", "ca", "out", "facilitator"}, usage))
    return 2;
  if (!args.Has("out")) {
    std::cerr << "forumctl report: --out DIR is required\nusage: " << usage << "\n";
    return 2;
  }
  debrief::Record record;
  if (!LoadRecordArgs(args, usage, &record)) return 1;
  debrief::Model model;
  std::string error;
  if (!debrief::BuildModel(record, &model, &error)) {
    std::cerr << "forumctl report: " << error << "\n";
    return 1;
  }
  if (!model.replay_error.empty())
    std::cerr << "forumctl report: warning: " << model.replay_error
              << "; the report covers the entries before it\n";
  debrief::ReportOptions options;
  options.facilitator = args.Has("facilitator");
  std::vector<std::string> written;
  if (!debrief::WriteReport(model, args.Get("out"), options, &written, &error)) {
    std::cerr << "forumctl report: " << error << "\n";
    return 1;
  }
  int adopted = 0;
  for (const debrief::Item& it : model.items) adopted += it.adopted;
  std::cout << "Debrief of " << model.scenario->id()
            << (record.session.empty() ? "" : " session " + record.session) << ": " << model.applied
            << " log entries, " << model.cycles_played << " cycles, " << adopted
            << " texts adopted, " << model.deals.size() << " deals"
            << (options.facilitator ? ", " + std::to_string(record.chat.size()) + " messages" : "")
            << "; final hash " << Hex(model.final_hash) << "\n";
  for (const std::string& f : written) std::cout << "  " << f << "\n";
  return model.replay_error.empty() ? 0 : 1;
}

}  // namespace mf::tools
