// forumctl report: the debrief of a session (HTML page and CSV files) from
// a game log, a forumd data directory or a running forumd.
#include <iostream>

#include "tools/cmd_record.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief.h"
#include "tools/debrief_source.h"

namespace mf::tools {

void AddRecordSource(CLI::App* sub, RecordArgs* a) {
  CLI::Option_group* g = sub->add_option_group(
      "RECORD", "the record: a game log, a forumd data folder, or a running forumd (one of)");
  AddText(g, "--log", &a->log, "FILE", "a game log (mf.GameLog, text format)");
  CLI::Option* data =
      AddText(g, "--data", &a->data, "DIR", "a forumd data folder (with --session)");
  CLI::Option* server =
      AddText(g, "--server", &a->server, "ADDR",
              "a running forumd, host:port (with --session and the facilitator's --token)");
  g->require_option(1);
  CLI::Option* session = AddText(sub, "--session", &a->session, "ID", "the session's id");
  CLI::Option* token = AddText(sub, "--token", &a->token, "T", "the facilitator's token");
  AddText(sub, "--ca", &a->ca, "FILE", "connect with TLS, trusting this CA certificate");
  data->needs(session);
  server->needs(session);
  server->needs(token);
}

bool LoadRecord(const RecordArgs& a, debrief::Record* record) {
  std::string error;
  bool ok = false;
  if (!a.log.empty())
    ok = debrief::LoadRecordFromLogFile(a.log, record, &error);
  else if (!a.data.empty())
    ok = debrief::LoadRecordFromDataDir(a.data, a.session, record, &error);
  else
    ok = debrief::LoadRecordFromServer(a.server, a.session, a.token, a.ca, record, &error);
  if (!ok) std::cerr << "forumctl: " << error << "\n";
  return ok;
}

namespace {

struct ReportArgs {
  RecordArgs record;
  std::string out;
  bool facilitator = false;
};

int RunReport(const ReportArgs& a) {
  debrief::Record record;
  if (!LoadRecord(a.record, &record)) return 1;
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
  options.facilitator = a.facilitator;
  std::vector<std::string> written;
  if (!debrief::WriteReport(model, a.out, options, &written, &error)) {
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

}  // namespace

void AddReport(CLI::App* app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app->add_subcommand(
      "report", "the debrief of a session: an HTML page with charts, and CSV files");
  sub->group(kDebriefGroup);
  AddRecordSource(sub, &a->record);
  AddText(sub, "--out", &a->out, "DIR", "the folder to write index.html and the CSV files to")
      ->required();
  sub->add_flag("--facilitator", a->facilitator,
                "the facilitator's copy: with every message (messages.csv)");
  OnRun(sub, [a] { return RunReport(*a); });
}

}  // namespace mf::tools
