#include "server/status.h"

namespace mf::server {

grpc::StatusCode StatusCodeFor(mf::RuleError error) {
  switch (error) {
    case mf::RULE_ERROR_UNSPECIFIED:
      return grpc::StatusCode::OK;
    case mf::MALFORMED:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case mf::NOT_YOUR_TURN:
      return grpc::StatusCode::PERMISSION_DENIED;
    case mf::NOT_FOUND:
      return grpc::StatusCode::NOT_FOUND;
    case mf::WRONG_PHASE:
    case mf::GAME_OVER_ERROR:
    case mf::PAUSED:
    case mf::ALREADY_DONE:
    case mf::LIMIT:
    case mf::STALE:
    case mf::NOT_ALLOWED:
      return grpc::StatusCode::FAILED_PRECONDITION;
    default:
      return grpc::StatusCode::INTERNAL;
  }
}

}  // namespace mf::server
