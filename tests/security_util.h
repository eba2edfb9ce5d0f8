// What the security suites share (security_test.cc, security_input_test.cc,
// security_limits_test.cc): a few raw calls, the two ports an attack comes
// through (Port: forumd's gRPC port, or its gRPC-Web port, --web-listen) and
// the SecurityTest fixture, two sessions on an in-process forumd with seats
// joined, whose record an attack must leave as it was. The suites run each
// attack through both ports and expect the same status code from each (issue
// 14: the web port refuses everything the gRPC port refuses).
#pragma once

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fault_util.h"
#include "web_util.h"

namespace mf::testing {

using grpc::StatusCode;

inline mf::Action SetBot(int seat, bool bot) {
  mf::Action a;
  a.mutable_set_bot()->set_seat(seat);
  a.mutable_set_bot()->set_bot(bot);
  return a;
}

inline grpc::Status CreateRequest(Client& c, const mf::CreateSessionRequest& req,
                                  mf::CreateSessionResponse* out = nullptr) {
  grpc::ClientContext ctx;
  mf::CreateSessionResponse resp;
  return c.stub()->CreateSession(&ctx, req, out ? out : &resp);
}

// Which of forumd's ports an attack comes through.
enum class PortKind { kGrpc, kWeb };

inline std::string PortName(const ::testing::TestParamInfo<PortKind>& info) {
  return info.param == PortKind::kGrpc ? "Grpc" : "GrpcWeb";
}

// A view stream kept open (closed when destroyed): `status` is OK once its
// first event came, else the status it ended with.
struct HeldStream {
  virtual ~HeldStream() = default;
  grpc::Status status;
};

// One client of one port: each call is the request's bytes and the caller's
// token, and gives the status (code and words) and the response's bytes, so
// that the same attack goes through either port unchanged.
class Port {
 public:
  virtual ~Port() = default;
  // A unary call of `method` ("Act", "JoinSession"...): `request` sent as it is.
  virtual grpc::Status Unary(const std::string& method, const std::string& request,
                             const std::string& token, std::string* response = nullptr) = 0;
  // Subscribe: OK once the stream's first event came (the stream is then
  // closed), else the status the stream ended with.
  virtual grpc::Status SubscribeFirst(const mf::SubscribeRequest& request,
                                      const std::string& token) = 0;
  // Subscribe, the stream kept open.
  virtual std::unique_ptr<HeldStream> Hold(const mf::SubscribeRequest& request,
                                           const std::string& token) = 0;
  std::unique_ptr<HeldStream> Hold(const std::string& session, const std::string& token,
                                   const std::string& spectator_code = "") {
    mf::SubscribeRequest req;
    req.set_session(session);
    req.set_spectator_code(spectator_code);
    return Hold(req, token);
  }

  grpc::Status Call(const std::string& method, const google::protobuf::Message& request,
                    const std::string& token = "", google::protobuf::Message* out = nullptr) {
    std::string bytes;
    grpc::Status st = Unary(method, request.SerializeAsString(), token, &bytes);
    if (st.ok() && out && !out->ParseFromString(bytes))
      return grpc::Status(StatusCode::INTERNAL, "the answer does not parse");
    return st;
  }
  grpc::Status Create(const mf::CreateSessionRequest& req, mf::CreateSessionResponse* out = nullptr,
                      const std::string& token = "") {
    return Call("CreateSession", req, token, out);
  }
  grpc::Status JoinRequest(const mf::JoinSessionRequest& req,
                           mf::JoinSessionResponse* out = nullptr) {
    return Call("JoinSession", req, "", out);
  }
  grpc::Status Join(const std::string& code, int seat, mf::JoinSessionResponse* out = nullptr,
                    const std::string& name = "player") {
    mf::JoinSessionRequest req;
    req.set_join_code(code);
    req.set_display_name(name);
    if (seat >= 0) req.set_seat(seat);
    return JoinRequest(req, out);
  }
  // Joins with seat -1 sent as such (not as "unset"), as a raw client may.
  grpc::Status JoinSeat(const std::string& code, int seat, mf::JoinSessionResponse* out = nullptr,
                        const std::string& name = "player") {
    mf::JoinSessionRequest req;
    req.set_join_code(code);
    req.set_display_name(name);
    req.set_seat(seat);
    return JoinRequest(req, out);
  }
  grpc::Status Act(const std::string& session, const std::string& token, const mf::Action& a,
                   std::optional<uint64_t> based_on = std::nullopt) {
    mf::ActRequest req;
    req.set_session(session);
    *req.mutable_action() = a;
    if (based_on) req.set_based_on_version(*based_on);
    return Call("Act", req, token);
  }
  grpc::Status Facilitate(const std::string& session, const std::string& token, const mf::Action& a,
                          const std::string& strategy = "") {
    mf::FacilitateRequest req;
    req.set_session(session);
    *req.mutable_action() = a;
    req.set_bot_strategy(strategy);
    return Call("Facilitate", req, token);
  }
  grpc::Status Chat(const std::string& session, const std::string& token,
                    const mf::Channel& channel, const std::string& text) {
    mf::SendMessageRequest req;
    req.set_session(session);
    *req.mutable_channel() = channel;
    req.set_text(text);
    return Call("SendMessage", req, token);
  }
  grpc::Status GetRecord(const std::string& session, const std::string& token,
                         mf::GetRecordResponse* out = nullptr) {
    mf::GetRecordRequest req;
    req.set_session(session);
    return Call("GetRecord", req, token, out);
  }
  grpc::Status Roster(const std::string& session, const std::string& token) {
    mf::GetRosterRequest req;
    req.set_session(session);
    return Call("GetRoster", req, token);
  }
  grpc::Status ListSessions(const std::string& token, mf::ListSessionsResponse* out = nullptr,
                            bool include_finished = false) {
    mf::ListSessionsRequest req;
    req.set_include_finished(include_finished);
    return Call("ListSessions", req, token, out);
  }
  grpc::Status ListScenarios() { return Call("ListScenarios", mf::ListScenariosRequest()); }
  grpc::Status Subscribe(const std::string& session, const std::string& token,
                         const std::string& spectator_code = "") {
    mf::SubscribeRequest req;
    req.set_session(session);
    req.set_spectator_code(spectator_code);
    return SubscribeFirst(req, token);
  }
};

// The gRPC port: a generic stub (the request's bytes as they are).
class GrpcPort : public Port {
 public:
  explicit GrpcPort(const std::string& address)
      : channel_(net::Connect(address)), generic_(channel_), stub_(mf::Forum::NewStub(channel_)) {}
  grpc::Status Unary(const std::string& method, const std::string& request,
                     const std::string& token, std::string* response) override {
    grpc::Slice slice(request);
    grpc::ByteBuffer req(&slice, 1), resp;
    grpc::ClientContext ctx;
    if (!token.empty()) net::Authorize(&ctx, token);
    // On a completion queue this thread drains, so that gRPC fills in the
    // status on this thread (a callback would do it on one of gRPC's, and the
    // hand-over happens inside gRPC, where ThreadSanitizer cannot see it).
    grpc::CompletionQueue cq;
    auto call = generic_.PrepareUnaryCall(&ctx, "/mf.Forum/" + method, req, &cq);
    call->StartCall();
    grpc::Status st;
    call->Finish(&resp, &st, &cq);
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    if (st.ok() && response) {
      std::vector<grpc::Slice> slices;
      (void)resp.Dump(&slices);
      response->clear();
      for (const grpc::Slice& s : slices)
        response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return st;
  }
  grpc::Status SubscribeFirst(const mf::SubscribeRequest& request,
                              const std::string& token) override {
    grpc::ClientContext ctx;
    if (!token.empty()) net::Authorize(&ctx, token);
    auto reader = stub_->Subscribe(&ctx, request);
    mf::ServerEvent ev;
    if (reader->Read(&ev)) {
      ctx.TryCancel();
      while (reader->Read(&ev)) {
      }
      (void)reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }
  std::unique_ptr<HeldStream> Hold(const mf::SubscribeRequest& request,
                                   const std::string& token) override {
    struct Held : HeldStream {
      std::unique_ptr<Watcher> watcher;
    };
    auto h = std::make_unique<Held>();
    h->watcher =
        std::make_unique<Watcher>(stub_.get(), request.session(), token, request.spectator_code());
    h->status = h->watcher->WaitFor([](const mf::ServerEvent&) { return true; })
                    ? grpc::Status::OK
                    : h->watcher->WaitEnd();
    return h;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub generic_;
  std::unique_ptr<mf::Forum::Stub> stub_;
};

// The gRPC-Web port: each call on a connection of its own, as a browser's
// fetch may be.
class WebPort : public Port {
 public:
  explicit WebPort(const std::string& address) : address_(address) {}
  grpc::Status Unary(const std::string& method, const std::string& request,
                     const std::string& token, std::string* response) override {
    WebConnection c(address_);
    c.Send(http::verb::post, "/mf.Forum/" + method, Frame(0, request), GrpcWebHeaders(token));
    const WebReply r = c.Read();
    if (r.grpc_status < 0)
      return grpc::Status(StatusCode::UNKNOWN,
                          "no grpc-status (HTTP " + std::to_string(r.http_status) + ")");
    if (r.grpc_status == 0 && response) *response = r.messages.empty() ? "" : r.messages[0];
    return grpc::Status(static_cast<StatusCode>(r.grpc_status), r.grpc_message);
  }
  grpc::Status SubscribeFirst(const mf::SubscribeRequest& request,
                              const std::string& token) override {
    WebConnection c(address_);
    c.Send(http::verb::post, "/mf.Forum/Subscribe", Framed(request), GrpcWebHeaders(token));
    const WebReply head = c.ReadHeaders();
    if (head.grpc_status >= 0)  // Refused before the call: the status in the headers.
      return grpc::Status(static_cast<StatusCode>(head.grpc_status), head.grpc_message);
    WebReply end;
    if (c.NextMessage(&end)) {
      c.Close();
      return grpc::Status::OK;
    }
    if (end.grpc_status < 0) return grpc::Status(StatusCode::UNKNOWN, "no grpc-status");
    return grpc::Status(static_cast<StatusCode>(end.grpc_status), end.grpc_message);
  }
  std::unique_ptr<HeldStream> Hold(const mf::SubscribeRequest& request,
                                   const std::string& token) override {
    struct Held : HeldStream {
      std::unique_ptr<WebConnection> c;
      ~Held() override {
        if (c) c->Close();
      }
    };
    auto h = std::make_unique<Held>();
    h->c = std::make_unique<WebConnection>(address_);
    h->c->Send(http::verb::post, "/mf.Forum/Subscribe", Framed(request), GrpcWebHeaders(token));
    const WebReply head = h->c->ReadHeaders();
    WebReply end;
    if (head.grpc_status >= 0)
      h->status = grpc::Status(static_cast<StatusCode>(head.grpc_status), head.grpc_message);
    else if (h->c->NextMessage(&end))
      h->status = grpc::Status::OK;
    else
      h->status =
          grpc::Status(static_cast<StatusCode>(std::max(end.grpc_status, 2)), end.grpc_message);
    return h;
  }

 private:
  std::string address_;
};

// A client of `kind`'s port of `server`; `host` replaces the host of the
// address (e.g. "[::1]" for a server listening on [::]).
inline std::unique_ptr<Port> MakePort(PortKind kind, const server::Forumd& server,
                                      const std::string& host = "") {
  std::string address = kind == PortKind::kGrpc ? server.address() : server.web_address();
  if (!host.empty()) address = host + address.substr(address.rfind(':'));
  if (kind == PortKind::kGrpc) return std::make_unique<GrpcPort>(address);
  return std::make_unique<WebPort>(address);
}

// forumd's options for the suites: the test defaults and the web port.
inline server::ServerOptions SecurityOptions(const std::string& data_dir) {
  server::ServerOptions o = TestOptions(data_dir);
  o.web_listen = "127.0.0.1:0";
  return o;
}

// The fixture, run through each port (GetParam()). `c_` sets the scene up on
// the gRPC port; `port_` is the port under attack.
class SecurityTest : public ::testing::TestWithParam<PortKind> {
 protected:
  void SetUp() override {
    server_ = StartServer(SecurityOptions(dir_.path()));
    ASSERT_TRUE(server_);
    ASSERT_FALSE(server_->web_address().empty());
    port_ = MakePort(GetParam(), *server_);
    c_ = std::make_unique<Client>(server_->address());
    a_ = c_->Create("classroom-8");
    b_ = c_->Create("classroom-8");
    for (int seat = 0; seat < 3; ++seat) ta_.push_back(c_->JoinOk(a_.join_code(), seat));
    tb_ = c_->JoinOk(b_.join_code(), 0);
    before_ = c_->Record(a_.session(), a_.facilitator_token());
  }
  // Session A's record is exactly as it was before the attack.
  void ExpectUnchanged() {
    const mf::GetRecordResponse now = c_->Record(a_.session(), a_.facilitator_token());
    EXPECT_EQ(now.entries_size(), before_.entries_size());
    EXPECT_EQ(now.state_hash(), before_.state_hash());
    EXPECT_EQ(now.chat_size(), before_.chat_size());
  }

  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> c_;
  std::unique_ptr<Port> port_;
  mf::CreateSessionResponse a_, b_;
  std::vector<std::string> ta_;
  std::string tb_;
  mf::GetRecordResponse before_;
};

}  // namespace mf::testing
