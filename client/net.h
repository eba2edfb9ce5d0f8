// The network connection to forumd (gRPC), behind the Connection interface.
// Only net_grpc.cc includes gRPC; nothing else in the client depends on it.
#pragma once

#include <memory>
#include <string>

#include "client/connection.h"
#include "client/replay.h"

namespace mf::client {

// Starts joining, spectating or facilitating as `request` says. Returns at
// once: the connection runs on its own threads and reports through its
// inbox (Link::kConnecting, then kLive, kReconnecting or kFailed). nullptr
// with `error` only for a request that cannot work (no server, no code).
std::unique_ptr<Connection> MakeNetworkConnection(const ConnectRequest& request,
                                                  std::string* error);

// Fetches the record of `session` from the forumd at `server` with GetRecord
// (the facilitator's token) for a replay. Blocks; false with a message.
bool FetchRecord(const std::string& server, const std::string& session, const std::string& token,
                 bool tls, ReplayRecord* out, std::string* error);

}  // namespace mf::client
