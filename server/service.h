// The gRPC face of forumd: the Forum service on gRPC's callback API.
// Each handler parses its request itself (bytes that are not the message are
// INVALID_ARGUMENT with the reason), checks the per-peer limits of the calls
// that need no token (server/limits.h), authenticates, hands the request to
// the session and answers from the session's completion; streams are small
// reactors that keep one write in flight and never block.
#pragma once

#include <atomic>
#include <memory>

#include "server/options.h"
#include "server/registry.h"

namespace grpc {
class Service;
}

namespace mf::server {

// `web_port`: the web port's number once bound (0: none yet or none), which
// ListScenarios tells clients; null: none.
std::unique_ptr<grpc::Service> MakeForumService(Registry* registry, const ServerOptions& options,
                                                const std::atomic<int>* web_port = nullptr);

}  // namespace mf::server
