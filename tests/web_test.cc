// forumd's web port (--web-listen, server/web.h) spoken to by a real HTTP
// client over TCP (Boost.Beast), in gRPC-Web's framing: unary calls and the
// view stream answer as the gRPC port does, and every refusal carries the
// status code the gRPC port gives for the same request (asked of both ports
// here); bodies too large, malformed frames and foreign origins are refused;
// the web client's files are served from --web-root and nothing else is;
// headless Chromium joins a seat and reads its view stream from a page of the
// web port.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "net/client.h"
#include "server/web.h"
#include "server_util.h"
#include "web_util.h"

namespace mf::testing {
namespace {

class WebTest : public ::testing::Test {
 protected:
  void Start(std::function<void(server::ServerOptions*)> edit = {}) {
    server::ServerOptions o = TestOptions(dir_.path());
    o.web_listen = "127.0.0.1:0";
    if (edit) edit(&o);
    server_ = StartServer(o);
    ASSERT_TRUE(server_);
    ASSERT_FALSE(server_->web_address().empty());
    grpc_ = std::make_unique<Client>(server_->address());
  }
  void SetUp() override { Start(); }

  // A unary call on the web port, `body` sent as it is.
  WebReply CallRaw(const std::string& method, const std::string& body,
                   std::map<std::string, std::string> headers) {
    WebConnection c(server_->web_address());
    c.Send(http::verb::post, "/mf.Forum/" + method, body, headers);
    return c.Read();
  }
  WebReply Call(const std::string& method, const google::protobuf::Message& req,
                const std::string& token = "") {
    return CallRaw(method, Framed(req), GrpcWebHeaders(token));
  }
  template <class Response>
  Response CallOk(const std::string& method, const google::protobuf::Message& req,
                  const std::string& token = "") {
    const WebReply r = Call(method, req, token);
    EXPECT_EQ(r.http_status, 200);
    EXPECT_EQ(r.grpc_status, 0) << r.grpc_message;
    EXPECT_EQ(r.messages.size(), 1u);
    Response out;
    if (!r.messages.empty()) {
      EXPECT_TRUE(out.ParseFromString(r.messages[0]));
    }
    return out;
  }

  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> grpc_;
};

TEST_F(WebTest, ListScenariosAnswersAsTheGrpcPort) {
  const auto web = CallOk<mf::ListScenariosResponse>("ListScenarios", mf::ListScenariosRequest());
  grpc::ClientContext ctx;
  mf::ListScenariosResponse direct;
  ASSERT_TRUE(grpc_->stub()->ListScenarios(&ctx, {}, &direct).ok());
  ASSERT_GT(web.scenarios_size(), 0);
  EXPECT_EQ(web.SerializeAsString(), direct.SerializeAsString());
}

std::string Base64(const std::string& in) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = uint32_t(static_cast<unsigned char>(in[i])) << 16;
    if (n > 1) v |= uint32_t(static_cast<unsigned char>(in[i + 1])) << 8;
    if (n > 2) v |= static_cast<unsigned char>(in[i + 2]);
    out += abc[(v >> 18) & 63];
    out += abc[(v >> 12) & 63];
    out += n > 1 ? abc[(v >> 6) & 63] : '=';
    out += n > 2 ? abc[v & 63] : '=';
  }
  return out;
}

// application/grpc-web-text: the request in base64, the answer too (each
// chunk padded on its own, decoded here group by group).
TEST_F(WebTest, GrpcWebTextIsBase64BothWays) {
  auto headers = GrpcWebHeaders();
  headers["content-type"] = "application/grpc-web-text";
  const WebReply r = CallRaw("ListScenarios", Base64(Framed(mf::ListScenariosRequest())), headers);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "application/grpc-web-text+proto");
  std::string raw;
  for (size_t i = 0; i + 4 <= r.body.size(); i += 4) {
    const std::string group = r.body.substr(i, 4);
    uint32_t v = 0;
    int pad = 0;
    for (char c : group) {
      const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      v <<= 6;
      if (c == '=') {
        ++pad;
      } else {
        const char* at = std::strchr(abc, c);
        ASSERT_TRUE(at && c) << "not base64: " << group;
        v |= static_cast<uint32_t>(at - abc);
      }
    }
    raw += static_cast<char>(v >> 16);
    if (pad < 2) raw += static_cast<char>((v >> 8) & 255);
    if (pad < 1) raw += static_cast<char>(v & 255);
  }
  EXPECT_EQ(r.body.size() % 4, 0u);
  WebReply decoded;
  size_t at = 0;
  TakeFrames(raw, &at, &decoded);
  EXPECT_EQ(at, raw.size());
  EXPECT_EQ(decoded.grpc_status, 0) << decoded.grpc_message;
  ASSERT_EQ(decoded.messages.size(), 1u);
  mf::ListScenariosResponse list;
  ASSERT_TRUE(list.ParseFromString(decoded.messages[0]));
  EXPECT_GT(list.scenarios_size(), 0);
  // Not base64: refused, in base64.
  const WebReply bad = CallRaw("ListScenarios", "!!!!", headers);
  EXPECT_EQ(bad.grpc_status, static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
}

TEST_F(WebTest, CreateJoinAndTheViewStream) {
  mf::CreateSessionRequest create;
  create.set_scenario("classroom-8");
  create.set_seed(7);
  const auto made = CallOk<mf::CreateSessionResponse>("CreateSession", create);
  ASSERT_FALSE(made.session().empty());
  ASSERT_FALSE(made.join_code().empty());

  mf::JoinSessionRequest join;
  join.set_join_code(made.join_code());
  join.set_display_name("browser");
  join.set_seat(2);
  const auto joined = CallOk<mf::JoinSessionResponse>("JoinSession", join);
  ASSERT_FALSE(joined.seat_token().empty());
  // The seat taken on the web port is taken on the gRPC port too.
  mf::JoinSessionResponse again;
  EXPECT_EQ(grpc_->Join(made.join_code(), 2, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The view stream: a first complete view of seat 2, then the chat another
  // seat sends on the gRPC port, then the stream's end when the server stops.
  WebConnection stream(server_->web_address());
  mf::SubscribeRequest sub;
  sub.set_session(made.session());
  stream.Send(http::verb::post, "/mf.Forum/Subscribe", Framed(sub),
              GrpcWebHeaders(joined.seat_token()));
  const WebReply head = stream.ReadHeaders();
  EXPECT_EQ(head.http_status, 200);
  EXPECT_EQ(head.headers.at("content-type"), "application/grpc-web+proto");
  WebReply end;
  auto first = stream.NextMessage(&end);
  ASSERT_TRUE(first) << end.grpc_status << " " << end.grpc_message;
  mf::ServerEvent ev;
  ASSERT_TRUE(ev.ParseFromString(*first));
  ASSERT_TRUE(ev.has_view());
  EXPECT_EQ(ev.view().viewer(), 2);

  const std::string other = grpc_->JoinOk(made.join_code(), 0);
  mf::Channel everyone;
  everyone.set_everyone(true);
  ASSERT_TRUE(grpc_->Chat(made.session(), other, everyone, "hello browser").ok());
  bool chat = false;
  while (!chat) {
    auto next = stream.NextMessage(&end);
    ASSERT_TRUE(next) << "the stream ended before the chat: " << end.grpc_status << " "
                      << end.grpc_message;
    mf::ServerEvent e;
    ASSERT_TRUE(e.ParseFromString(*next));
    chat = e.has_chat() && e.chat().text() == "hello browser";
  }
  // A message sent on the web port reaches the stream too.
  mf::SendMessageRequest say;
  say.set_session(made.session());
  *say.mutable_channel() = everyone;
  say.set_text("from the browser");
  CallOk<mf::SendMessageResponse>("SendMessage", say, joined.seat_token());
  chat = false;
  while (!chat) {
    auto next = stream.NextMessage(&end);
    ASSERT_TRUE(next);
    mf::ServerEvent e;
    ASSERT_TRUE(e.ParseFromString(*next));
    chat = e.has_chat() && e.chat().text() == "from the browser";
  }
  // Shutting forumd down ends the stream with a status in the trailer frame.
  server_->Shutdown();
  while (stream.NextMessage(&end)) {
  }
  EXPECT_EQ(end.grpc_status, static_cast<int>(grpc::StatusCode::UNAVAILABLE)) << end.grpc_message;
}

// Every refusal has the gRPC port's status code (and words) for the same request.
TEST_F(WebTest, RefusalsMatchTheGrpcPort) {
  const auto made = grpc_->Create("classroom-8");
  const std::string seat = grpc_->JoinOk(made.join_code(), 0);
  const auto before = grpc_->Record(made.session(), made.facilitator_token());

  auto act = std::make_shared<mf::ActRequest>();
  act->set_session(made.session());
  act->mutable_action()->mutable_ready();
  auto sub = std::make_shared<mf::SubscribeRequest>();
  sub->set_session(made.session());
  auto fac = std::make_shared<mf::FacilitateRequest>();
  fac->set_session(made.session());
  fac->mutable_action()->mutable_set_bot()->set_seat(1);
  fac->mutable_action()->mutable_set_bot()->set_bot(true);
  auto join = std::make_shared<mf::JoinSessionRequest>();
  join->set_join_code("ZZZ-ZZZ");
  join->set_display_name("x");
  auto record = std::make_shared<mf::GetRecordRequest>();
  record->set_session(made.session());

  auto direct_unary = [&](const std::string& method, const google::protobuf::Message& req,
                          const std::string& token) {
    // The same bytes on the gRPC port, through a generic call of the same method.
    mf::ActResponse act_out;
    grpc::ClientContext ctx;
    if (!token.empty()) net::Authorize(&ctx, token);
    if (method == "Act")
      return grpc_->stub()->Act(&ctx, static_cast<const mf::ActRequest&>(req), &act_out);
    if (method == "Facilitate")
      return grpc_->stub()->Facilitate(&ctx, static_cast<const mf::FacilitateRequest&>(req),
                                       &act_out);
    if (method == "JoinSession") {
      mf::JoinSessionResponse out;
      return grpc_->stub()->JoinSession(&ctx, static_cast<const mf::JoinSessionRequest&>(req),
                                        &out);
    }
    if (method == "GetRecord") {
      mf::GetRecordResponse out;
      return grpc_->stub()->GetRecord(&ctx, static_cast<const mf::GetRecordRequest&>(req), &out);
    }
    auto reader = grpc_->stub()->Subscribe(&ctx, static_cast<const mf::SubscribeRequest&>(req));
    mf::ServerEvent ev;
    while (reader->Read(&ev)) {
    }
    return reader->Finish();
  };

  const std::vector<
      std::tuple<std::string, std::string, std::shared_ptr<google::protobuf::Message>>>
      cases = {
          {"Act", "", act},                      // No token: UNAUTHENTICATED.
          {"Act", "not-a-token", act},           // A wrong token.
          {"Subscribe", "not-a-token", sub},     // The stream, a wrong token.
          {"Facilitate", seat, fac},             // A seat's token: PERMISSION_DENIED.
          {"GetRecord", "not-a-token", record},  // The record, a wrong token.
          {"JoinSession", "", join},             // No such code: NOT_FOUND.
      };
  std::set<int> codes;
  for (const auto& [method, token, req] : cases) {
    const grpc::Status direct = direct_unary(method, *req, token);
    const WebReply web = Call(method, *req, token);
    EXPECT_FALSE(direct.ok()) << method;
    EXPECT_EQ(web.http_status, 200) << method;
    EXPECT_EQ(web.grpc_status, static_cast<int>(direct.error_code()))
        << method << " token '" << token << "': " << web.grpc_message << " vs "
        << direct.error_message();
    EXPECT_EQ(web.grpc_message, direct.error_message()) << method;
    EXPECT_TRUE(web.messages.empty()) << method;
    codes.insert(web.grpc_status);
  }
  // The cases cover the token refusals and more than one kind of refusal.
  EXPECT_TRUE(codes.count(static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)));
  EXPECT_TRUE(codes.count(static_cast<int>(grpc::StatusCode::PERMISSION_DENIED)));
  EXPECT_TRUE(codes.count(static_cast<int>(grpc::StatusCode::NOT_FOUND)));

  const auto after = grpc_->Record(made.session(), made.facilitator_token());
  EXPECT_EQ(after.entries_size(), before.entries_size());
  EXPECT_EQ(after.state_hash(), before.state_hash());
}

// The per-token rate limit counts calls of both ports together.
TEST_F(WebTest, RateLimitIsTheSameBucket) {
  server_.reset();
  Start([](server::ServerOptions* o) {
    o->rate_per_second = 0.001;  // No refill within the test.
    o->rate_burst = 4;
  });
  const auto made = grpc_->Create("classroom-8");
  const std::string seat = grpc_->JoinOk(made.join_code(), 0);
  mf::Channel everyone;
  everyone.set_everyone(true);
  mf::SendMessageRequest say;
  say.set_session(made.session());
  *say.mutable_channel() = everyone;
  say.set_text("hi");
  int ok = 0, exhausted = 0;
  for (int i = 0; i < 6; ++i) {
    // Alternately on each port.
    int code;
    if (i % 2 == 0) {
      code = Call("SendMessage", say, seat).grpc_status;
    } else {
      code = static_cast<int>(grpc_->Chat(made.session(), seat, everyone, "hi").error_code());
    }
    if (code == 0) ++ok;
    if (code == static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED)) ++exhausted;
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(exhausted, 2);
}

// Per-peer limits count a browser by its own address, together with its
// calls on the gRPC port; a gRPC-port caller cannot pass for another peer by
// sending the web port's peer metadata (believed only beside a random secret
// of the process).
TEST_F(WebTest, PeerLimitsCountTheBrowsersAddress) {
  server_.reset();
  Start([](server::ServerOptions* o) {
    o->peer_rate = 0.001;  // No refill within the test.
    o->peer_burst = 4;
  });
  auto direct = [&](const std::string& spoof) {
    grpc::ClientContext ctx;
    if (!spoof.empty()) {
      ctx.AddMetadata(server::kWebPeerMetadata, spoof);
      ctx.AddMetadata(server::kWebSecretMetadata, std::string(64, 'a'));
    }
    mf::ListScenariosResponse out;
    return static_cast<int>(grpc_->stub()->ListScenarios(&ctx, {}, &out).error_code());
  };
  auto web = [&] { return Call("ListScenarios", mf::ListScenariosRequest()).grpc_status; };
  EXPECT_EQ(web(), 0);
  EXPECT_EQ(direct(""), 0);
  EXPECT_EQ(web(), 0);
  EXPECT_EQ(direct("ipv4:10.9.9.9:1"), 0);  // Counted as 127.0.0.1 all the same.
  const int exhausted = static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(web(), exhausted);
  EXPECT_EQ(direct(""), exhausted);
  EXPECT_EQ(direct("ipv4:10.9.9.9:1"), exhausted);
}

TEST_F(WebTest, OversizedAndMalformedBodiesAreRefused) {
  const auto made = grpc_->Create("classroom-8");
  const std::string seat = grpc_->JoinOk(made.join_code(), 0);
  const auto before = grpc_->Record(made.session(), made.facilitator_token());
  mf::SendMessageRequest big;
  big.set_session(made.session());
  big.mutable_channel()->set_everyone(true);
  big.set_text(std::string(70 * 1024, 'x'));  // Over the 64 KiB message limit.

  // The gRPC port refuses the same message with RESOURCE_EXHAUSTED.
  {
    grpc::ClientContext ctx;
    net::Authorize(&ctx, seat);
    mf::SendMessageResponse out;
    EXPECT_EQ(grpc_->stub()->SendMessage(&ctx, big, &out).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  const WebReply r = Call("SendMessage", big, seat);
  EXPECT_EQ(r.grpc_status, static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED))
      << r.grpc_message;
  EXPECT_NE(r.grpc_message.find("larger than max"), std::string::npos) << r.grpc_message;

  mf::SendMessageRequest small = big;
  small.set_text("ok");
  const std::string good = Framed(small);
  struct Bad {
    std::string what, body;
    grpc::StatusCode code;
  };
  const std::vector<Bad> bad = {
      {"a body ending inside the frame header", good.substr(0, 3),
       grpc::StatusCode::INVALID_ARGUMENT},
      {"a body ending inside the message", good.substr(0, good.size() - 1),
       grpc::StatusCode::INVALID_ARGUMENT},
      {"a compressed frame", Frame(1, small.SerializeAsString()), grpc::StatusCode::UNIMPLEMENTED},
      {"a trailer frame from the client", Frame(0x80, "grpc-status:0\r\n"),
       grpc::StatusCode::UNIMPLEMENTED},
      {"two messages for a unary call", good + good, grpc::StatusCode::INVALID_ARGUMENT},
      {"no message", "", grpc::StatusCode::INVALID_ARGUMENT},
      {"a frame announcing 4 GiB", std::string("\0\xff\xff\xff\xff", 5) + "x",
       grpc::StatusCode::RESOURCE_EXHAUSTED},
  };
  for (const Bad& b : bad) {
    const WebReply w = CallRaw("SendMessage", b.body, GrpcWebHeaders(seat));
    EXPECT_EQ(w.http_status, 200) << b.what;
    EXPECT_EQ(w.grpc_status, static_cast<int>(b.code)) << b.what << ": " << w.grpc_message;
    EXPECT_TRUE(w.messages.empty()) << b.what;
  }
  // Bytes that are no protobuf message: refused as the gRPC port refuses them.
  const WebReply garbage =
      CallRaw("SendMessage", Frame(0, std::string("\xff\xff\xff\xff", 4)), GrpcWebHeaders(seat));
  EXPECT_NE(garbage.grpc_status, 0);
  EXPECT_NE(garbage.grpc_status, -1);
  // Not gRPC-Web at all, and an unknown method.
  auto json = GrpcWebHeaders(seat);
  json["content-type"] = "application/json";
  EXPECT_EQ(CallRaw("SendMessage", good, json).http_status, 415);
  const WebReply unknown = CallRaw("NoSuchMethod", good, GrpcWebHeaders(seat));
  EXPECT_EQ(unknown.grpc_status, static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));

  // Nothing of it reached the session; the port still serves.
  const auto after = grpc_->Record(made.session(), made.facilitator_token());
  EXPECT_EQ(after.chat_size(), before.chat_size());
  EXPECT_EQ(after.entries_size(), before.entries_size());
  CallOk<mf::SendMessageResponse>("SendMessage", small, seat);
  EXPECT_EQ(grpc_->Record(made.session(), made.facilitator_token()).chat_size(),
            before.chat_size() + 1);
}

TEST_F(WebTest, CorsIsClosedUnlessTheOriginIsNamed) {
  auto preflight = [&](const std::string& origin) {
    WebConnection c(server_->web_address());
    c.Send(http::verb::options, "/mf.Forum/ListScenarios", "",
           {{"origin", origin},
            {"access-control-request-method", "POST"},
            {"access-control-request-headers", "content-type,x-grpc-web"}});
    return c.Read();
  };
  auto post = [&](const std::string& origin) {
    auto h = GrpcWebHeaders();
    h["origin"] = origin;
    return CallRaw("ListScenarios", Framed(mf::ListScenariosRequest()), h);
  };
  // By default a page of another origin may not call, before or at the call.
  WebReply p = preflight("http://evil.example");
  EXPECT_EQ(p.http_status, 403);
  EXPECT_EQ(p.headers.count("access-control-allow-origin"), 0u);
  WebReply c = post("http://evil.example");
  EXPECT_EQ(c.grpc_status, static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(c.messages.empty());
  EXPECT_EQ(c.headers.count("access-control-allow-origin"), 0u);
  // The web port's own pages may.
  const WebReply same = post("http://" + server_->web_address());
  EXPECT_EQ(same.grpc_status, 0);

  // Named with --web-allow-origin: allowed, and only that one.
  server_.reset();
  Start([](server::ServerOptions* o) { o->web_origins = "https://school.example"; });
  p = preflight("https://school.example");
  EXPECT_EQ(p.http_status, 204);
  EXPECT_EQ(p.headers["access-control-allow-origin"], "https://school.example");
  EXPECT_NE(p.headers["access-control-allow-headers"].find("x-grpc-web"), std::string::npos);
  c = post("https://school.example");
  EXPECT_EQ(c.grpc_status, 0);
  EXPECT_EQ(c.headers["access-control-allow-origin"], "https://school.example");
  EXPECT_NE(c.headers["access-control-expose-headers"].find("grpc-status"), std::string::npos);
  EXPECT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(preflight("https://other.example").http_status, 403);
  EXPECT_EQ(post("https://other.example").grpc_status,
            static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(WebTest, ServesTheWebRootAndNothingElse) {
  {
    // Without --web-root: the web client built beside the program (build/web,
    // cmake/Web.cmake), or, when there is none, a page that says so.
    WebConnection none(server_->web_address());
    none.Send(http::verb::get, "/", "", {});
    const WebReply page = none.Read();
    EXPECT_EQ(page.http_status, 200);
    const std::string found = server::FindWebRoot("");
    if (found.empty()) {
      EXPECT_NE(page.body.find("--web-root"), std::string::npos) << page.body;
    } else {
      std::ifstream in(found + "/index.html");
      const std::string index((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      EXPECT_EQ(page.body, index) << "the built client's page, from " << found;
    }
  }
  ScratchDir root;
  {
    std::ofstream(root.path() + "/index.html") << "<!doctype html><title>seat</title>";
    std::filesystem::create_directories(root.path() + "/assets");
    std::ofstream(root.path() + "/assets/app.js") << "console.log('seat');";
  }
  server_.reset();
  Start([&](server::ServerOptions* o) { o->web_root = root.path(); });
  auto get = [&](const std::string& path) {
    WebConnection c(server_->web_address());
    c.Send(http::verb::get, path, "", {});
    return c.Read();
  };
  WebConnection c(server_->web_address());
  c.Send(http::verb::get, "/", "", {});
  WebReply index = c.Read();
  EXPECT_EQ(index.http_status, 200);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(index.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  // Keep-alive: the next request on the same connection.
  c.Send(http::verb::get, "/assets/app.js", "", {});
  WebReply js = c.Read();
  EXPECT_EQ(js.http_status, 200);
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/assets/../index.html").http_status, 404);
  EXPECT_EQ(get("/../../etc/passwd").http_status, 404);
  EXPECT_EQ(get("/nothing.html").http_status, 404);
}

// With --tls-cert and --tls-key the web port speaks HTTPS only, with the
// gRPC port's certificate.
TEST(WebTls, TheWebPortServesTlsWithTheSameCertificate) {
  ScratchDir dir;
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      dir.path() + "/server.key -out " + dir.path() + "/server.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "the openssl command failed";
  server::ServerOptions o = TestOptions(dir.path() + "/data");
  o.tls_cert = dir.path() + "/server.pem";
  o.tls_key = dir.path() + "/server.key";
  o.web_listen = "127.0.0.1:0";
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  const std::string& address = server->web_address();
  const size_t colon = address.rfind(':');
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(address.substr(0, colon), address.substr(colon + 1));

  // HTTPS, trusting the certificate: served.
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(dir.path() + "/server.pem");
  ctx.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket> tls(io, ctx);
  asio::connect(tls.next_layer(), endpoints);
  timeval tv{30, 0};
  setsockopt(tls.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  tls.handshake(asio::ssl::stream_base::client);
  http::request<http::string_body> req(http::verb::post, "/mf.Forum/ListScenarios", 11);
  req.set(http::field::host, address);
  req.set(http::field::content_type, "application/grpc-web+proto");
  req.body() = Framed(mf::ListScenariosRequest());
  req.prepare_payload();
  http::write(tls, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(tls, buffer, res);
  EXPECT_EQ(res.result_int(), 200u);
  WebReply r;
  size_t at = 0;
  TakeFrames(res.body(), &at, &r);
  EXPECT_EQ(r.grpc_status, 0) << r.grpc_message;
  ASSERT_EQ(r.messages.size(), 1u);
  mf::ListScenariosResponse list;
  ASSERT_TRUE(list.ParseFromString(r.messages[0]));
  EXPECT_GT(list.scenarios_size(), 0);

  // Plain HTTP on the same port: no answer but a closed connection.
  tcp::socket plain(io);
  asio::connect(plain, endpoints);
  setsockopt(plain.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  http::write(plain, req);
  beast::flat_buffer b2;
  http::response<http::string_body> none;
  beast::error_code ec;
  http::read(plain, b2, none, ec);
  EXPECT_TRUE(ec) << "a plaintext request was answered: " << none.result_int();
}

TEST(WebStart, BadWebFlagsAreClearErrors) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  std::string error;
  o.web_listen = "not an address";
  EXPECT_FALSE(server::Forumd::Start(o, &error));
  EXPECT_NE(error.find("--web-listen"), std::string::npos) << error;
  o.web_listen = "127.0.0.1:0";
  o.web_root = dir.path() + "/no-such-folder";
  error.clear();
  EXPECT_FALSE(server::Forumd::Start(o, &error));
  EXPECT_NE(error.find("--web-root"), std::string::npos) << error;
}

// Debian's chromium, headless, loads a page from the web port
// (tests/web_probe, served as --web-root) that speaks gRPC-Web with the
// browser's own fetch: it joins a seat by the code in #join=CODE, reads the
// first view of the seat's stream and says what it saw in the public chat,
// where the test reads it (no timing: the test waits for the message, up to
// a minute, then stops the browser). The seat is then taken on the gRPC port.
TEST(WebBrowser, ChromiumJoinsASeatAndReadsTheViewStream) {
  // The program itself, not Debian's wrapper script: it leads its own process
  // group (as chromium makes itself), which is stopped whole at the end.
  const char* program = "/usr/lib/chromium/chromium";
  ASSERT_EQ(access(program, X_OK), 0)
      << "chromium is not installed: run tools/setup.sh (Debian package 'chromium')";
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path() + "/data");
  o.web_listen = "127.0.0.1:0";
  o.web_root = MF_WEB_PROBE_DIR;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client grpc(server->address());
  const auto made = grpc.Create("classroom-8");
  const std::string url = "http://" + server->web_address() + "/#join=" + made.join_code();

  const std::string profile = "--user-data-dir=" + dir.path() + "/profile";
  std::vector<std::string> args = {program,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--disable-dev-shm-usage",
                                   profile,
                                   url};
  std::vector<char*> argv;  // Made before fork: the child only calls exec.
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t browser = fork();
  ASSERT_GE(browser, 0);
  if (browser == 0) {
    setpgid(0, 0);  // Its own group: stopped whole at the end.
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(browser, browser);
  std::string said;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (said.empty() && std::chrono::steady_clock::now() < deadline) {
    const mf::GetRecordResponse record = grpc.Record(made.session(), made.facilitator_token());
    for (const auto& m : record.chat())
      if (m.text().rfind("probe: ", 0) == 0) said = m.text();
    if (said.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  kill(-browser, SIGKILL);  // The browser and every process it started.
  waitpid(browser, nullptr, 0);

  EXPECT_EQ(said, "probe: joined seat 0; first view for seat 0")
      << "the page said nothing within a minute";
  mf::JoinSessionResponse again;
  EXPECT_EQ(grpc.Join(made.join_code(), 0, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION)
      << "the browser's seat is not taken";
  const mf::Roster roster = grpc.Roster(made.session(), made.facilitator_token());
  ASSERT_GT(roster.seats_size(), 0);
  EXPECT_EQ(roster.seats(0).player(), "browser");
  EXPECT_TRUE(roster.seats(0).claimed());
}

}  // namespace
}  // namespace mf::testing
