#include "net/client.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "bots/light.h"
#include "rules/view.h"

namespace mf::net {

std::shared_ptr<grpc::Channel> Connect(const std::string& address, const std::string& ca_file,
                                       bool unique) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  if (unique) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (ca_file.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    std::ifstream in(ca_file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    ssl.pem_root_certs = ss.str();
    creds = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(address, creds, args);
}

void Authorize(grpc::ClientContext* ctx, const std::string& token) {
  ctx->AddMetadata("authorization", "Bearer " + token);
}

std::string Describe(const grpc::Status& status) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  const int c = static_cast<int>(status.error_code());
  const std::string name = c >= 0 && c <= 16 ? kNames[c] : std::to_string(c);
  return name + ": " + status.error_message();
}

std::string ErrorKind(const grpc::Status& status) {
  const std::string& message = status.error_message();
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (size_t i = 0; i < message.size() && out.size() < 60;) {
    if (!word(message[i])) {
      out += message[i++];
      continue;
    }
    size_t j = i;
    bool digit = false;
    for (; j < message.size() && word(message[j]); ++j)
      digit = digit || std::isdigit(static_cast<unsigned char>(message[j])) != 0;
    out += digit ? std::string("N") : message.substr(i, j - i);
    i = j;
  }
  return Describe(grpc::Status(status.error_code(), out.substr(0, 60)));
}

void CompleteView(const mf::View& first, const mf::ServerEvent& event, mf::View* out) {
  if (out != &event.view()) *out = event.view();
  if (event.static_omitted()) rules::CopyStaticFields(first, out);
}

void Route(grpc::ClientContext* ctx, const std::string& session) {
  if (!session.empty()) ctx->AddMetadata(kSessionHeader, session);
}

std::string SessionOfToken(const std::string& token) {
  const size_t dot = token.find('.');
  return dot == std::string::npos ? "" : token.substr(0, dot);
}

std::string NewSessionKey() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string out;
  for (int i = 0; i < 16; ++i) out += "0123456789abcdef"[hex(rd)];
  return out;
}

Endpoint::Endpoint(std::string address, std::string ca_file, bool unique)
    : address_(std::move(address)), ca_file_(std::move(ca_file)), unique_(unique) {}

mf::Forum::Stub* Endpoint::StubAt(const std::string& address) {
  auto& stub = stubs_[address];
  if (!stub) stub = mf::Forum::NewStub(Connect(address, ca_file_, unique_));
  return stub.get();
}

mf::Forum::Stub* Endpoint::Stub(const std::string& session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = session.empty() ? owners_.end() : owners_.find(session);
  return StubAt(it == owners_.end() ? address_ : it->second);
}

std::string Endpoint::AddressFor(const std::string& session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owners_.find(session);
  return it == owners_.end() ? address_ : it->second;
}

bool Endpoint::Learn(const std::string& session, const grpc::ClientContext& ctx,
                     const grpc::Status& st, std::string* named) {
  if (st.error_code() != grpc::StatusCode::UNAVAILABLE) return false;
  const auto& trailers = ctx.GetServerTrailingMetadata();
  auto get = [&](const char* key) {
    auto it = trailers.find(key);
    return it == trailers.end() ? std::string() : std::string(it->second.data(), it->second.size());
  };
  const std::string owner = get(kOwnerTrailer);
  std::string about = get(kSessionHeader);
  if (about.empty()) about = session;
  if (named) *named = about;
  std::lock_guard<std::mutex> lock(mu_);
  if (!owner.empty() && !about.empty()) {
    owners_[about] = owner;
    return true;
  }
  // No owner named: the node called did not answer, or dropped the session
  // (the call may or may not have been done: the caller decides whether to
  // make it again). The session's next calls go through the entry address,
  // where a node that took it over (or knows who did) answers.
  if (!session.empty()) owners_.erase(session);
  return false;
}

namespace {

// How PlaySeat reaches the server: one stub, or an Endpoint's redirects.
struct Reach {
  std::function<mf::Forum::Stub*()> stub;
  std::function<bool(const grpc::ClientContext&, const grpc::Status&)> learn;
  std::function<grpc::Status(const mf::ActRequest&, mf::ActResponse*)> act;
  bool reconnect = false;
};

// A call the connection broke under: the node is gone or moving (a router
// resets the streams of a node that died: gRPC reports INTERNAL for such a
// reset), so a client that reconnects goes on elsewhere.
bool Broken(const grpc::Status& st) {
  return st.error_code() == grpc::StatusCode::UNAVAILABLE ||
         st.error_code() == grpc::StatusCode::INTERNAL;
}

PlayResult Play(const Reach& reach, const std::string& session, const std::string& token,
                const PlayOptions& options) {
  using Clock = std::chrono::steady_clock;
  PlayResult result;
  auto progress = Clock::now();
  int retries = 0;  // Reconnections in a row without a view.
  for (;;) {
    grpc::ClientContext ctx;
    Authorize(&ctx, token);
    Route(&ctx, session);
    mf::SubscribeRequest req;
    req.set_session(session);
    auto reader = reach.stub()->Subscribe(&ctx, req);
    mf::ServerEvent ev;
    mf::View first;
    bool moved = false;  // An action found the session gone from this node.
    while (reader->Read(&ev)) {
      if (options.stop && options.stop->load()) {
        ctx.TryCancel();
        break;
      }
      if (!ev.has_view()) continue;
      progress = Clock::now();
      retries = 0;
      if (!ev.static_omitted()) first = ev.view();
      CompleteView(first, ev, &result.last_view);
      const mf::View& v = result.last_view;
      if (v.phase() == mf::GAME_OVER) {
        result.finished = true;
        continue;  // The server ends the stream after its notice.
      }
      mf::Action action;
      if (!bots::LightPolicy(v, &action)) continue;
      for (int attempt = 0; attempt < 2; ++attempt) {
        if (options.pace_ms > 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(options.pace_ms));
        mf::ActRequest act;
        act.set_session(session);
        act.set_based_on_version(v.version());
        *act.mutable_action() = action;
        mf::ActResponse resp;
        grpc::Status st;
        for (int tries = 0; tries < 50; ++tries) {
          st = reach.act(act, &resp);
          if (st.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (st.ok()) {
          ++result.actions;
          break;
        }
        if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
            st.error_message().find("out of date") != std::string::npos) {
          ++result.stale;
          break;  // A newer view is on its way.
        }
        if (reach.reconnect ? Broken(st) : st.error_code() == grpc::StatusCode::UNAVAILABLE) {
          if (!reach.reconnect) result.error = Describe(st);
          moved = true;
          ctx.TryCancel();
          break;
        }
        ++result.refused;
        if (action.has_ready()) break;
        action.Clear();
        action.mutable_ready();  // Refused: say ready instead.
      }
      if (moved) break;
    }
    const grpc::Status st = reader->Finish();
    if (result.finished || (options.stop && options.stop->load())) break;
    const bool gone = moved || Broken(st);
    if (reach.reconnect && gone &&
        Clock::now() - progress < std::chrono::seconds(options.reconnect_seconds)) {
      // The owner moved or died: follow the redirect, or go back through
      // the entry address until a node has taken the session over.
      // A redirect is followed at once; bouncing between a dead owner and
      // the router backs off.
      if (!reach.learn(ctx, st) || retries > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(500, 50 + 50 * retries)));
      ++retries;
      continue;
    }
    if (!st.ok() && result.error.empty()) result.error = Describe(st);
    break;
  }
  return result;
}

}  // namespace

PlayResult PlaySeat(mf::Forum::Stub* stub, const std::string& session, const std::string& token,
                    const PlayOptions& options) {
  Reach reach;
  reach.stub = [stub] { return stub; };
  reach.learn = [](const grpc::ClientContext&, const grpc::Status&) { return false; };
  reach.act = [stub, &token, &session](const mf::ActRequest& req, mf::ActResponse* resp) {
    grpc::ClientContext ctx;
    Authorize(&ctx, token);
    Route(&ctx, session);
    return stub->Act(&ctx, req, resp);
  };
  return Play(reach, session, token, options);
}

PlayResult PlaySeat(Endpoint* endpoint, const std::string& session, const std::string& token,
                    const PlayOptions& options) {
  Reach reach;
  reach.reconnect = true;
  reach.stub = [endpoint, &session] { return endpoint->Stub(session); };
  reach.learn = [endpoint, &session](const grpc::ClientContext& ctx, const grpc::Status& st) {
    return endpoint->Learn(session, ctx, st);
  };
  reach.act = [endpoint, &token, &session](const mf::ActRequest& req, mf::ActResponse* resp) {
    return endpoint->Call(session, token, [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
      return stub->Act(ctx, req, resp);
    });
  };
  return Play(reach, session, token, options);
}

}  // namespace mf::net
