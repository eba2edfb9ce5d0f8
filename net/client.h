// Network clients of forumd: connecting, the bearer token, and the network
// bot that plays a seat over gRPC.
//
// The network bot sees only the wire `mf::View` of its seat, so it cannot run
// the engine's other bots (they read a `SeatView` over a whole `State`). It
// plays the light policy (bots/light.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "forum.grpc.pb.h"

namespace mf::net {

// A channel to `address` ("host:port"); TLS when `ca_file` is set (the PEM of
// the certificate authority to trust). `unique` gives the channel its own
// connection (load tests open many).
std::shared_ptr<grpc::Channel> Connect(const std::string& address, const std::string& ca_file = "",
                                       bool unique = false);
// Adds "authorization: Bearer <token>".
void Authorize(grpc::ClientContext* ctx, const std::string& token);
// "CODE: message" for a failed call.
std::string Describe(const grpc::Status& status);
// The kind of a failed call, for counting failures alike: Describe's "CODE:
// message" with the message cut to 60 characters and every word holding a
// digit (a number, a session id) as N, e.g. "RESOURCE_EXHAUSTED: the server
// is behind: this request waited N ms for session N".
std::string ErrorKind(const grpc::Status& status);

// Routing by session (README "forumd on many machines"): every call about
// a session carries its id in kSessionHeader, on which a router (HAProxy,
// nginx) hashes; a forumd that does not own the session answers UNAVAILABLE
// with the owner's address in the kOwnerTrailer trailer (and the session's
// id in kSessionHeader: a join by code learns it so).
constexpr char kSessionHeader[] = "x-forum-session";
constexpr char kOwnerTrailer[] = "x-forum-owner";
// Adds the session header (nothing for an empty session).
void Route(grpc::ClientContext* ctx, const std::string& session);
// The session a token opens ("<session>.<slot>.<secret>"; "" when not a token).
std::string SessionOfToken(const std::string& token);
// A fresh session id (16 hex digits) to propose when creating a session:
// sent as the session header, a router sends the creation to the node its
// later calls will reach, and that node gives the session this id.
std::string NewSessionKey();

// forumd reached at one address (a router, or one server), following the
// redirects of a cluster: the calls about a session go to its owner once a
// node named it, and back through the entry address when the owner stops
// answering (it died: another node takes the session over). Thread-safe.
class Endpoint {
 public:
  explicit Endpoint(std::string address, std::string ca_file = "", bool unique = false);
  const std::string& address() const { return address_; }
  // The stub for calls about `session` ("": none): its owner's once known.
  mf::Forum::Stub* Stub(const std::string& session);
  // The address calls about `session` go to.
  std::string AddressFor(const std::string& session);
  // Learns from a finished call about `session`: true when the answer named
  // another owner (the call was not done: make it again, Stub() now gives
  // the owner). UNAVAILABLE without a name (the owner died, or dropped the
  // session) sends the session's next calls through the entry address again
  // and returns false: the call may have been done, the caller decides.
  // `named`: the session the answer was about (a join by code).
  bool Learn(const std::string& session, const grpc::ClientContext& ctx, const grpc::Status& st,
             std::string* named = nullptr);

  // A unary call about `session` ("": the token's, if any) with the token
  // and the session header, following up to 4 redirects (never making again
  // a call that may have been done). `fn(stub, ctx)` makes the call.
  // `learned`: the session it ended up about.
  template <class Fn>
  grpc::Status Call(const std::string& session, const std::string& token, Fn fn,
                    std::string* learned = nullptr) {
    std::string s = session.empty() ? SessionOfToken(token) : session;
    grpc::Status st;
    for (int hop = 0; hop < 5; ++hop) {
      grpc::ClientContext ctx;
      if (!token.empty()) Authorize(&ctx, token);
      Route(&ctx, s);
      st = fn(Stub(s), &ctx);
      std::string named;
      if (!Learn(s, ctx, st, &named)) break;
      if (s.empty()) s = named;
    }
    if (learned) *learned = s;
    return st;
  }

 private:
  mf::Forum::Stub* StubAt(const std::string& address);
  const std::string address_, ca_file_;
  const bool unique_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<mf::Forum::Stub>> stubs_;  // By address.
  std::map<std::string, std::string> owners_;                      // Session -> address.
};

struct PlayOptions {
  int pace_ms = 0;                          // Pause before each action.
  const std::atomic<bool>* stop = nullptr;  // Set to leave early.
  // Through an Endpoint: how long to keep reconnecting when the stream
  // drops (the owner died and another node takes the session over).
  int reconnect_seconds = 60;
};
struct PlayResult {
  bool finished = false;  // The stream showed GAME_OVER.
  int actions = 0;        // Actions accepted.
  int refused = 0;        // Actions refused (stale views excluded).
  int stale = 0;          // Actions refused because a newer view was on its way.
  std::string error;      // Why it stopped early.
  mf::View last_view;
};
// Completes a streamed view: views after the first leave out the fields that
// never change (ServerEvent.static_omitted); `first` is the stream's first.
void CompleteView(const mf::View& first, const mf::ServerEvent& event, mf::View* out);

// Subscribes with the seat token and plays the light policy until the game ends.
PlayResult PlaySeat(mf::Forum::Stub* stub, const std::string& session, const std::string& token,
                    const PlayOptions& options);
// The same through an Endpoint: follows redirects and, when the stream
// drops, subscribes again (for options.reconnect_seconds without a view).
PlayResult PlaySeat(Endpoint* endpoint, const std::string& session, const std::string& token,
                    const PlayOptions& options);

}  // namespace mf::net
