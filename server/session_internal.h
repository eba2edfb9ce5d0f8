// What the session's files (server/session*.cc) share; private to them.
#pragma once

#include <boost/asio/post.hpp>

#include <chrono>

#include "server/session.h"

namespace mf::server {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using grpc::StatusCode;

// The facilitator's action that hands `seat` to a bot (or back to its player).
inline rules::Action SetBotAction(int seat, bool bot) {
  rules::Action a = rules::Action::Make(rules::ActionType::kSetBot);
  a.seat = seat;
  a.flag = bot;
  return a;
}

}  // namespace mf::server
