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
  // UNAVAILABLE because another forumd of the cluster owns the session: its
  // address and the session, sent as trailers (kOwnerTrailer, kSessionHeader)
  // so that the client retries there.
  std::string owner;
  std::string session;
  bool ok() const { return code == grpc::StatusCode::OK; }
  static Outcome Ok() { return {}; }
  static Outcome Error(grpc::StatusCode c, std::string m) { return {c, std::move(m), "", ""}; }
  static Outcome Rule(mf::RuleError e, const std::string& message) {
    return {StatusCodeFor(e), message, "", ""};
  }
};

// The metadata of routing (README "forumd on many machines"): every call
// about a session carries its id in kSessionHeader (routers hash on it); a
// node that does not own the session answers UNAVAILABLE with the owner's
// address in the kOwnerTrailer trailer (and the session's id in
// kSessionHeader, for a join by code).
constexpr char kSessionHeader[] = "x-forum-session";
constexpr char kOwnerTrailer[] = "x-forum-owner";

}  // namespace mf::server
