// Network clients of forumd: connecting, the bearer token, and the network
// bot that plays a seat over gRPC.
//
// The network bot sees only the wire `mf::View` of its seat, so it cannot run
// the engine's other bots (they read a `SeatView` over a whole `State`). It
// plays the light policy (bots/light.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
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

struct PlayOptions {
  int pace_ms = 0;                          // Pause before each action.
  const std::atomic<bool>* stop = nullptr;  // Set to leave early.
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

}  // namespace mf::net
