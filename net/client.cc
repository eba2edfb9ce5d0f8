#include "net/client.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
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

void CompleteView(const mf::View& first, const mf::ServerEvent& event, mf::View* out) {
  if (out != &event.view()) *out = event.view();
  if (event.static_omitted()) rules::CopyStaticFields(first, out);
}

PlayResult PlaySeat(mf::Forum::Stub* stub, const std::string& session, const std::string& token,
                    const PlayOptions& options) {
  PlayResult result;
  grpc::ClientContext ctx;
  Authorize(&ctx, token);
  mf::SubscribeRequest req;
  req.set_session(session);
  auto reader = stub->Subscribe(&ctx, req);
  mf::ServerEvent ev;
  mf::View first;
  while (reader->Read(&ev)) {
    if (options.stop && options.stop->load()) {
      ctx.TryCancel();
      break;
    }
    if (!ev.has_view()) continue;
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
        grpc::ClientContext actx;
        Authorize(&actx, token);
        st = stub->Act(&actx, act, &resp);
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
      if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
        result.error = Describe(st);
        ctx.TryCancel();
        break;
      }
      ++result.refused;
      if (action.has_ready()) break;
      action.Clear();
      action.mutable_ready();  // Refused: say ready instead.
    }
  }
  const grpc::Status st = reader->Finish();
  if (!st.ok() && !result.finished && result.error.empty()) result.error = Describe(st);
  return result;
}

}  // namespace mf::net
