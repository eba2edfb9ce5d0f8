// The record that forumctl report and fork read (cmd_report.cc): a game log,
// a forumd data folder with a session id, or a running forumd with a session
// id and the facilitator's token.
#pragma once

#include <string>

#include "tools/cli.h"
#include "tools/debrief.h"

namespace mf::tools {

struct RecordArgs {
  std::string log, data, server, session, token, ca;
};

// Declares the RECORD options on `sub`: exactly one of --log, --data and
// --server; --session with --data and --server; --token with --server.
void AddRecordSource(CLI::App* sub, RecordArgs* args);

// Loads it; false (with the error on stderr) when it cannot.
bool LoadRecord(const RecordArgs& args, debrief::Record* record);

}  // namespace mf::tools
