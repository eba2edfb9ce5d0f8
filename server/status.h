// The outcome of a request inside forumd, and the one mapping from the rules
// engine's typed errors to gRPC status codes.
#pragma once

#include <grpcpp/support/status_code_enum.h>

#include <string>

#include "game.pb.h"

namespace mf::server {

// THE mapping of rule errors to status codes:
//   MALFORMED -> INVALID_ARGUMENT; NOT_YOUR_TURN -> PERMISSION_DENIED;
//   NOT_FOUND -> NOT_FOUND; every other refusal (wrong phase, paused, game
//   over, already done, a per-phase limit, stale) -> FAILED_PRECONDITION.
grpc::StatusCode StatusCodeFor(mf::RuleError error);

struct Outcome {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  bool ok() const { return code == grpc::StatusCode::OK; }
  static Outcome Ok() { return {}; }
  static Outcome Error(grpc::StatusCode c, std::string m) { return {c, std::move(m)}; }
  static Outcome Rule(mf::RuleError e, const std::string& message) {
    return {StatusCodeFor(e), message};
  }
};

}  // namespace mf::server
