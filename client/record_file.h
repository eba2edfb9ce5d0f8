// Reading a session's record for `forum-client --replay`: every format the
// project writes. Needs forum.proto's messages (not gRPC): it lives in
// mf_client_net with net_grpc.cc, which fetches a record from a server.
#pragma once

#include <string>

#include "client/replay.h"
#include "forum.pb.h"

namespace mf::client {

// A GetRecord answer (what `forumctl session export` writes) as a replay
// record: the log (rebuilt from the timed entries when only those came),
// the actions' times, the chat and the final state hash.
void RecordFromResponse(const mf::GetRecordResponse& response, ReplayRecord* out);

// Reads FILE, which may be
//   - the binary export of `forumctl session export` (a GetRecordResponse),
//   - an mf.GameLog in protobuf text format (`forumctl simulate --log`) or binary,
//   - the JSON of `forumctl record` (a GetRecordResponse) or a GameLog's JSON,
//   - a GetRecordResponse in protobuf text format.
// False with a message that names the file when it is none of these.
bool LoadRecordFile(const std::string& path, ReplayRecord* out, std::string* error);

}  // namespace mf::client
