// Where a debrief's record comes from: a game-log file, a forumd data
// directory (read through the server's SQLite store) or a running forumd
// (GetRecord with the facilitator's token).
#pragma once

#include <string>

#include "forum.pb.h"
#include "tools/debrief.h"

namespace mf::tools::debrief {

// An mf.GameLog in protobuf text format (`forumctl simulate --log`).
bool LoadRecordFromLogFile(const std::string& path, Record* out, std::string* error);

// Session `session` of the forumd data directory `dir` (its forum.db):
// actions with their times, chat, who sat where. Opens the store read-mostly
// alongside a running forumd (SQLite WAL).
bool LoadRecordFromDataDir(const std::string& dir, const std::string& session, Record* out,
                           std::string* error);

// A GetRecord answer (chat included when the caller could read it).
bool RecordFromGetRecord(const mf::GetRecordResponse& response, Record* out, std::string* error);

// GetRecord (and, when the token allows, GetRoster for the players' names)
// from the forumd at `address`.
bool LoadRecordFromServer(const std::string& address, const std::string& session,
                          const std::string& token, const std::string& ca_file, Record* out,
                          std::string* error);

ChatLine ChatFromProto(const mf::ChatMessage& m);

}  // namespace mf::tools::debrief
