// Hostile clients against an in-process forumd (label "security"): guessed,
// forged, expired and misused tokens, oversized messages, floods answered
// RESOURCE_EXHAUSTED while other clients are still served, and TLS (a
// self-signed certificate made with the openssl command; plaintext refused).
// Each attack but TLS's goes through the gRPC port and through the gRPC-Web
// port (security_util.h's Port), expecting the same status codes.
// Every refusal leaves the session's record as it was. The other security
// suites: security_input_test.cc (malformed and hostile requests found from
// outside), security_limits_test.cc (the limits per peer and per server).
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "security_util.h"

namespace mf::testing {
namespace {

mf::Action Advance() {
  mf::Action a;
  a.mutable_advance();
  return a;
}

TEST_P(SecurityTest, GuessedAndForgedTokensAreRefused) {
  std::mt19937_64 rng(7);
  const char* hex = "0123456789abcdef";
  int unauthenticated = 0;
  const int guesses = Scaled(500, 100);
  for (int i = 0; i < guesses; ++i) {
    // The right shape, the session's id and a real slot: only the secret guessed.
    std::string secret;
    for (int k = 0; k < 48; ++k) secret += hex[rng() % 16];
    const std::string slot = i % 3 == 0 ? "f" : std::to_string(i % 8);
    const std::string token = a_.session() + "." + slot + "." + secret;
    grpc::Status st = i % 3 == 0 ? port_->Facilitate(a_.session(), token, Advance())
                                 : port_->Act(a_.session(), token, Ready());
    if (st.error_code() == StatusCode::UNAUTHENTICATED) ++unauthenticated;
  }
  EXPECT_EQ(unauthenticated, guesses);
  // A real token with one character changed, truncated, extended, or with
  // another seat's slot.
  std::string flipped = ta_[0];
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'a' ? 'b' : 'a';
  std::string other_slot = ta_[0];
  other_slot[a_.session().size() + 1] = '1';
  for (const std::string& t :
       {flipped, ta_[0].substr(0, ta_[0].size() - 1), ta_[0] + "0", other_slot, std::string("..."),
        std::string(300, 'a'), a_.session() + ".999." + std::string(48, '0'),
        a_.session() + ".-1." + std::string(48, '0')})
    EXPECT_EQ(port_->Act(a_.session(), t, Ready()).error_code(), StatusCode::UNAUTHENTICATED) << t;
  // Join codes and spectator codes are guessed in vain too.
  mf::JoinSessionResponse j;
  for (const char* code : {"AAA-AAA", "ZZZ-ZZZ", "", "---", "K Q 7 M 3 P"})
    EXPECT_EQ(port_->Join(code, -1, &j).error_code(), StatusCode::NOT_FOUND) << code;
  EXPECT_EQ(port_->Subscribe(a_.session(), "", "ABC-DEF").error_code(), StatusCode::NOT_FOUND);
  ExpectUnchanged();
}

TEST_P(SecurityTest, TokensActOnlyForTheirOwnSeatAndSession) {
  // Seat 1's token acts as seat 1, never as seat 0.
  ASSERT_TRUE(port_->Act(a_.session(), ta_[1], Ready()).ok());
  const mf::GetRecordResponse rec = c_->Record(a_.session(), a_.facilitator_token());
  ASSERT_EQ(rec.entries_size(), before_.entries_size() + 1);
  EXPECT_EQ(rec.entries(rec.entries_size() - 1).entry().actor().seat(), 1);
  before_ = rec;
  // Another session's token, with this session's id.
  EXPECT_EQ(port_->Act(a_.session(), tb_, Ready()).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(port_->Facilitate(a_.session(), b_.facilitator_token(), Advance()).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(port_->GetRecord(a_.session(), b_.facilitator_token()).error_code(),
            StatusCode::PERMISSION_DENIED);
  mf::Channel everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(port_->Chat(a_.session(), tb_, everyone, "hi").error_code(),
            StatusCode::PERMISSION_DENIED);
  // A seat's token does not read the record while the game runs.
  EXPECT_EQ(port_->GetRecord(a_.session(), ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(port_->Subscribe(a_.session(), tb_).error_code(), StatusCode::PERMISSION_DENIED);
  ExpectUnchanged();
}

TEST_P(SecurityTest, SeatTokensCannotMakeFacilitatorCalls) {
  const mf::Action facilitator_actions[] = {Advance(), SetBot(1, true), SetBot(0, false)};
  for (const mf::Action& a : facilitator_actions) {
    EXPECT_EQ(port_->Facilitate(a_.session(), ta_[0], a, "easy").error_code(),
              StatusCode::PERMISSION_DENIED)
        << a.ShortDebugString();
    // Nor through Act.
    const grpc::Status st = port_->Act(a_.session(), ta_[0], a);
    EXPECT_TRUE(st.error_code() == StatusCode::PERMISSION_DENIED ||
                st.error_code() == StatusCode::INVALID_ARGUMENT)
        << net::Describe(st);
  }
  mf::Action pause;
  pause.mutable_pause();
  EXPECT_NE(port_->Act(a_.session(), ta_[0], pause).error_code(), StatusCode::OK);
  EXPECT_EQ(port_->Roster(a_.session(), ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(port_->ListSessions(ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  // The facilitator's token has no seat to act for either.
  EXPECT_EQ(port_->Act(a_.session(), a_.facilitator_token(), Ready()).error_code(),
            StatusCode::PERMISSION_DENIED);
  ExpectUnchanged();
}

TEST_P(SecurityTest, OversizedMessagesAreRefused) {
  mf::Action statement;
  statement.mutable_statement()->set_position(50);
  statement.mutable_statement()->set_text(std::string(70 * 1024, 'a'));  // Over 64 KiB.
  EXPECT_EQ(port_->Act(a_.session(), ta_[0], statement).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
  mf::Channel everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(port_->Chat(a_.session(), ta_[0], everyone, std::string(501, 'x')).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(port_->Chat(a_.session(), ta_[0], everyone, std::string(1 << 20, 'x')).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(port_->Chat(a_.session(), ta_[0], everyone, std::string("bell\x07", 5)).error_code(),
            StatusCode::INVALID_ARGUMENT);
  mf::JoinSessionResponse j;
  EXPECT_EQ(port_->Join(a_.join_code(), -1, &j, std::string(41, 'n')).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(port_->Join(a_.join_code(), -1, &j, std::string(3 << 20, 'n')).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
  // A huge token in the metadata: refused, and the server serves on (the
  // codes differ by transport here: HTTP/2's header list limit on the gRPC
  // port, the web port's 16 KiB of headers, RESOURCE_EXHAUSTED, there).
  EXPECT_NE(port_->Act(a_.session(), std::string(32 * 1024, 'a'), Ready()).error_code(),
            StatusCode::OK);
  mf::CreateSessionRequest big;
  big.set_scenario("classroom-8");
  big.set_title(std::string(60 * 1024, 't'));
  // The oversized metadata above may have made gRPC drop the connection: the
  // channel reconnects, so an UNAVAILABLE answer is retried.
  StatusCode code = StatusCode::UNAVAILABLE;
  for (int attempt = 0; attempt < 5 && code == StatusCode::UNAVAILABLE; ++attempt)
    code = port_->Create(big).error_code();
  EXPECT_EQ(code, StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
  EXPECT_TRUE(port_->Act(a_.session(), ta_[0], Ready()).ok());
}

INSTANTIATE_TEST_SUITE_P(Ports, SecurityTest, ::testing::Values(PortKind::kGrpc, PortKind::kWeb),
                         PortName);

// The suites below start forumd themselves, with both ports, and attack
// through the one of GetParam().
class SecurityPortTest : public ::testing::TestWithParam<PortKind> {};
INSTANTIATE_TEST_SUITE_P(Ports, SecurityPortTest,
                         ::testing::Values(PortKind::kGrpc, PortKind::kWeb), PortName);

TEST_P(SecurityPortTest, OneClientsFloodIsExhaustedWhileAnotherIsServed) {
  ScratchDir dir;
  server::ServerOptions o = SecurityOptions(dir.path());
  o.rate_per_second = 20;
  o.rate_burst = 40;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client setup(server->address());
  auto s = setup.Create("classroom-8");
  const std::string flooder = setup.JoinOk(s.join_code(), 0);
  const std::string polite = setup.JoinOk(s.join_code(), 1);
  const uint64_t version = setup.Record(s.session(), s.facilitator_token()).version();

  // The flood: 4 threads on their own connection, as fast as they can.
  std::atomic<bool> stop{false};
  std::atomic<int> exhausted{0}, other{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t)
    flood.emplace_back([&] {
      auto c = MakePort(GetParam(), *server);
      while (!stop) {
        const grpc::Status st = c->Act(s.session(), flooder, Ready(), version + 1);  // Refused.
        (st.error_code() == StatusCode::RESOURCE_EXHAUSTED ? exhausted : other)++;
      }
    });
  // Meanwhile another client, within its own limit, is served every time.
  auto c = MakePort(GetParam(), *server);
  mf::Channel everyone;
  everyone.set_everyone(true);
  int polite_ok = 0, polite_exhausted = 0;
  const int polite_calls = Scaled(30, 10);
  for (int i = 0; i < polite_calls; ++i) {
    while (exhausted.load() < 50 * (i + 1) && other.load() < 100000)
      std::this_thread::yield();  // Paced by the flood, not by the clock.
    const grpc::Status st =
        c->Chat(s.session(), polite, everyone, "still here " + std::to_string(i));
    polite_ok += st.ok() ? 1 : 0;
    polite_exhausted += st.error_code() == StatusCode::RESOURCE_EXHAUSTED ? 1 : 0;
  }
  stop = true;
  for (auto& t : flood) t.join();
  EXPECT_EQ(polite_ok, polite_calls);
  EXPECT_EQ(polite_exhausted, 0);
  EXPECT_GE(exhausted.load(), 50 * polite_calls);
  const mf::GetRecordResponse rec = setup.Record(s.session(), s.facilitator_token());
  EXPECT_EQ(rec.version(), version);         // The flood changed nothing...
  EXPECT_EQ(rec.chat_size(), polite_calls);  // ...the polite client was heard.
  std::printf("security: flood of %d calls: %d RESOURCE_EXHAUSTED; the other client %d/%d served\n",
              exhausted.load() + other.load(), exhausted.load(), polite_ok, polite_calls);
}

// An action a flood got answered OK: its seat and the version it made.
struct Accepted {
  int seat;
  uint64_t version;
};

// Every accepted action is the record's entry at its version, by its seat,
// and no other seat's action is: nothing accepted was lost, nothing refused
// was kept.
void ExpectAcceptedActionsStored(const mf::GetRecordResponse& rec,
                                 const std::vector<Accepted>& acts) {
  int seat_entries = 0;
  for (const mf::RecordEntry& e : rec.entries()) seat_entries += e.entry().actor().has_seat();
  EXPECT_EQ(seat_entries, static_cast<int>(acts.size())) << "only accepted actions are stored";
  for (const Accepted& a : acts) {
    ASSERT_GE(a.version, 1u);
    ASSERT_LE(a.version, static_cast<uint64_t>(rec.entries_size()));
    const mf::RecordEntry& e = rec.entries(static_cast<int>(a.version - 1));
    EXPECT_EQ(e.seq(), a.version);
    EXPECT_TRUE(e.entry().actor().has_seat());
    EXPECT_EQ(e.entry().actor().seat(), a.seat);
  }
}

// A session flooded beyond what it can serve: eight seats on their own
// connections send actions and messages back to back, and the session keeps
// at most two requests waiting (--session-queue 2). The requests beyond it
// are refused with RESOURCE_EXHAUSTED and a message that names the limit;
// every request answered OK is in the record, at its place, and nothing
// else is: no accepted action is lost. (Whether a given request is refused
// depends on timing; the flood goes on until refusals were seen.)
TEST(SecurityFloodTest, ASessionBeyondItsCapacityRefusesAndLosesNothingAccepted) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.session_queue = 2;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client setup(server->address());
  auto s = setup.Create("classroom-8");
  std::vector<std::string> tokens;
  for (int seat = 0; seat < 8; ++seat) tokens.push_back(setup.JoinOk(s.join_code(), seat));

  std::mutex mu;
  std::vector<Accepted> acts;     // Actions answered OK.
  std::vector<uint64_t> serials;  // Messages answered OK.
  std::atomic<int> exhausted{0};
  std::vector<std::string> unexpected;
  const int rounds = Scaled(40, 15);
  for (int attempt = 0; attempt < 20 && exhausted.load() == 0; ++attempt) {
    std::vector<std::thread> flood;
    for (int seat = 0; seat < 8; ++seat)
      flood.emplace_back([&, seat] {
        Client c(server->address());
        mf::Channel everyone;
        everyone.set_everyone(true);
        for (int i = 0; i < rounds; ++i) {
          mf::ActResponse resp;
          const grpc::Status acted =
              c.Act(s.session(), tokens[static_cast<size_t>(seat)], Ready(), std::nullopt, &resp);
          mf::SendMessageRequest req;
          req.set_session(s.session());
          *req.mutable_channel() = everyone;
          req.set_text("seat " + std::to_string(seat) + " message " + std::to_string(i));
          grpc::ClientContext ctx;
          net::Authorize(&ctx, tokens[static_cast<size_t>(seat)]);
          mf::SendMessageResponse sent;
          const grpc::Status said = c.stub()->SendMessage(&ctx, req, &sent);
          std::lock_guard<std::mutex> lock(mu);
          for (const grpc::Status* st : {&acted, &said}) {
            if (st->ok()) {
              if (st == &acted) acts.push_back({seat, resp.version()});
              if (st == &said) serials.push_back(sent.serial());
            } else if (st->error_code() == StatusCode::RESOURCE_EXHAUSTED) {
              ++exhausted;
              if (st->error_message().find("--session-queue") == std::string::npos)
                unexpected.push_back(st->error_message());
            } else if (st->error_code() != StatusCode::FAILED_PRECONDITION) {
              // (Ready twice in a phase, or after the end, is the rules' refusal.)
              unexpected.push_back(net::Describe(*st));
            }
          }
        }
      });
    for (auto& t : flood) t.join();
  }
  EXPECT_GT(exhausted.load(), 0) << "the flood never went beyond the session's capacity";
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();

  const mf::GetRecordResponse rec = setup.Record(s.session(), s.facilitator_token());
  ExpectAcceptedActionsStored(rec, acts);
  for (const Accepted& a : acts)  // (The flood's actions were all Ready.)
    EXPECT_TRUE(rec.entries(static_cast<int>(a.version - 1)).entry().action().has_ready());
  // Each accepted message is in the record, and only those.
  EXPECT_EQ(rec.chat_size(), static_cast<int>(serials.size()));
  std::set<uint64_t> stored;
  for (const mf::ChatMessage& m : rec.chat()) stored.insert(m.serial());
  for (uint64_t serial : serials) EXPECT_TRUE(stored.count(serial)) << serial;
  EXPECT_EQ(ReplayHash(rec), rec.state_hash());
  std::printf(
      "security: session flood: %zu actions and %zu messages accepted, %d refused "
      "RESOURCE_EXHAUSTED\n",
      acts.size(), serials.size(), exhausted.load());
}

// The whole server past its capacity (--max-in-flight 1): eight seats send
// actions back to back; an action beyond the one in progress is refused at
// once with RESOURCE_EXHAUSTED naming the flag, every action answered OK is
// in the record at its place, and once the flood is over the server takes
// actions again (the count of actions in progress came back to zero).
TEST(SecurityFloodTest, AServerPastItsCapacityRefusesAtOnceAndLosesNothingAccepted) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.max_in_flight = 1;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client setup(server->address());
  auto s = setup.Create("classroom-8");
  std::vector<std::string> tokens;
  for (int seat = 0; seat < 8; ++seat) tokens.push_back(setup.JoinOk(s.join_code(), seat));

  std::mutex mu;
  std::vector<Accepted> acts;  // Actions answered OK.
  std::atomic<int> exhausted{0};
  std::vector<std::string> unexpected;
  const int rounds = Scaled(40, 15);
  for (int attempt = 0; attempt < 20 && exhausted.load() == 0; ++attempt) {
    std::vector<std::thread> flood;
    for (int seat = 0; seat < 8; ++seat)
      flood.emplace_back([&, seat] {
        Client c(server->address());
        for (int i = 0; i < rounds; ++i) {
          mf::Action endorse;
          endorse.mutable_statement()->set_position(10 + (seat * 7 + i) % 80);
          mf::ActResponse resp;
          const grpc::Status st = c.Act(s.session(), tokens[static_cast<size_t>(seat)],
                                        i % 4 ? endorse : Ready(), std::nullopt, &resp);
          std::lock_guard<std::mutex> lock(mu);
          if (st.ok()) {
            acts.push_back({seat, resp.version()});
          } else if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
            ++exhausted;
            if (st.error_message().find("--max-in-flight") == std::string::npos)
              unexpected.push_back(st.error_message());
          } else if (st.error_code() != StatusCode::FAILED_PRECONDITION) {
            unexpected.push_back(net::Describe(st));  // (The rules' refusals are expected.)
          }
        }
      });
    for (auto& t : flood) t.join();
  }
  EXPECT_GT(exhausted.load(), 0) << "the flood never went beyond one action in progress";
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();

  const mf::GetRecordResponse rec = setup.Record(s.session(), s.facilitator_token());
  ExpectAcceptedActionsStored(rec, acts);
  EXPECT_EQ(ReplayHash(rec), rec.state_hash());
  // One at a time again, every action is taken (answered by the rules, not
  // refused for capacity).
  for (int seat = 0; seat < 8; ++seat) {
    mf::Action endorse;
    endorse.mutable_statement()->set_position(50);
    const grpc::Status st = setup.Act(s.session(), tokens[static_cast<size_t>(seat)], endorse);
    EXPECT_NE(st.error_code(), StatusCode::RESOURCE_EXHAUSTED)
        << seat << ": " << st.error_message();
  }
  std::printf("security: server flood: %zu actions accepted, %d refused RESOURCE_EXHAUSTED\n",
              acts.size(), exhausted.load());
}

// Plays a session to its end with bots in seats 1-7 and a person in seat 0
// (who hands over to a bot); returns the seat token.
std::string FinishedSession(Client& c, mf::CreateSessionResponse* s) {
  *s = c.Create("classroom-8", {1, 2, 3, 4, 5, 6, 7}, 17);
  const std::string t0 = c.JoinOk(s->join_code(), 0);
  EXPECT_TRUE(c.Facilitate(s->session(), s->facilitator_token(), SetBot(0, true)).ok());
  RecordWhen(c, s->session(), s->facilitator_token(),
             [](const mf::GetRecordResponse& r) { return r.finished(); });
  return t0;
}

TEST_P(SecurityPortTest, TokensOfAFinishedSessionExpire) {
  ScratchDir dir;
  server::ServerOptions o = SecurityOptions(dir.path());
  o.token_expiry_seconds = 2;
  o.archive_after_seconds = 0;
  mf::CreateSessionResponse s, live;
  std::string t0;
  {
    auto server = StartServer(o);
    ASSERT_TRUE(server);
    Client c(server->address());
    auto p = MakePort(GetParam(), *server);
    t0 = FinishedSession(c, &s);
    // Valid right after the end (the debrief), for the seat and the facilitator.
    EXPECT_TRUE(p->GetRecord(s.session(), t0).ok());
    EXPECT_TRUE(p->GetRecord(s.session(), s.facilitator_token()).ok());
    live = c.Create("classroom-8");  // Also moves the finished one to the archive.
    EXPECT_TRUE(p->GetRecord(s.session(), t0).ok());
    // Then they expire: counted in calls, each a little later.
    grpc::Status st;
    for (int i = 0; i < 400; ++i) {
      st = p->GetRecord(s.session(), t0);
      if (!st.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
    EXPECT_EQ(p->GetRecord(s.session(), s.facilitator_token()).error_code(),
              StatusCode::UNAUTHENTICATED);
    // A running session's tokens do not expire.
    EXPECT_TRUE(p->GetRecord(live.session(), live.facilitator_token()).ok());
  }
  // After a restart (the session read back from the store) they stay expired.
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  auto p = MakePort(GetParam(), *server);
  const grpc::Status st = p->GetRecord(s.session(), t0);
  EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << net::Describe(st);
  EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
  EXPECT_TRUE(p->GetRecord(live.session(), live.facilitator_token()).ok());
}

TEST_P(SecurityPortTest, ArchivedRecordsAreRateLimitedToo) {
  ScratchDir dir;
  server::ServerOptions o = SecurityOptions(dir.path());
  o.archive_after_seconds = 0;
  mf::CreateSessionResponse s;
  std::string t0;
  {
    auto server = StartServer(o);
    ASSERT_TRUE(server);
    Client c(server->address());
    t0 = FinishedSession(c, &s);
  }
  o.rate_per_second = 2;
  o.rate_burst = 5;
  auto server = StartServer(o);  // The finished session is now read from the store.
  ASSERT_TRUE(server);
  auto p = MakePort(GetParam(), *server);
  int ok = 0, exhausted = 0;
  for (int i = 0; i < 40; ++i) {
    const grpc::Status st = p->GetRecord(s.session(), s.facilitator_token());
    ok += st.ok() ? 1 : 0;
    exhausted += st.error_code() == StatusCode::RESOURCE_EXHAUSTED ? 1 : 0;
  }
  EXPECT_GE(ok, 5);
  EXPECT_GE(exhausted, 20);
  EXPECT_EQ(ok + exhausted, 40);
}

// A self-signed certificate for 127.0.0.1 and localhost, made with openssl.
bool MakeCertificate(const std::string& dir, const std::string& name) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      dir + "/" + name + ".key -out " + dir + "/" + name + ".pem >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// The gRPC port only: the web port's TLS (the same certificate flags) is
// tested by web_test.cc (WebTls.TheWebPortServesTlsWithTheSameCertificate).
TEST(SecurityTlsTest, TlsServesAndPlaintextIsRefused) {
  ScratchDir dir;
  ASSERT_TRUE(MakeCertificate(dir.path(), "server")) << "the openssl command failed";
  ASSERT_TRUE(MakeCertificate(dir.path(), "stranger"));
  server::ServerOptions o = TestOptions(dir.path() + "/data");
  o.tls_cert = dir.path() + "/server.pem";
  o.tls_key = dir.path() + "/server.key";
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  auto channel = [&](const std::string& ca) {
    return mf::Forum::NewStub(net::Connect(server->address(), ca, true));
  };
  auto create = [](mf::Forum::Stub* stub, mf::CreateSessionResponse* out) {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub->CreateSession(&ctx, req, out);
  };
  // Trusting the server's certificate: served.
  auto tls = channel(dir.path() + "/server.pem");
  mf::CreateSessionResponse s;
  ASSERT_TRUE(create(tls.get(), &s).ok());
  // Plaintext: refused (the handshake never completes; nothing is created).
  auto plain = channel("");
  mf::CreateSessionResponse p;
  const grpc::Status plain_st = create(plain.get(), &p);
  EXPECT_FALSE(plain_st.ok());
  EXPECT_TRUE(p.session().empty());
  // TLS, but trusting another certificate: refused as well.
  auto stranger = channel(dir.path() + "/stranger.pem");
  mf::CreateSessionResponse q;
  EXPECT_FALSE(create(stranger.get(), &q).ok());
  // The session made over TLS works end to end: join, act, read.
  mf::JoinSessionRequest join;
  join.set_join_code(s.join_code());
  join.set_display_name("tls");
  grpc::ClientContext jctx;
  mf::JoinSessionResponse joined;
  ASSERT_TRUE(tls->JoinSession(&jctx, join, &joined).ok());
  mf::ActRequest act;
  act.set_session(s.session());
  *act.mutable_action() = Ready();
  grpc::ClientContext actx;
  net::Authorize(&actx, joined.seat_token());
  mf::ActResponse resp;
  EXPECT_TRUE(tls->Act(&actx, act, &resp).ok());
  // Only the TLS session exists on the server.
  grpc::ClientContext lctx;
  net::Authorize(&lctx, s.facilitator_token());
  mf::ListSessionsResponse list;
  ASSERT_TRUE(tls->ListSessions(&lctx, {}, &list).ok());
  EXPECT_EQ(list.sessions_size(), 1);
  std::printf("security: TLS served; plaintext refused with %s\n", net::Describe(plain_st).c_str());
}

}  // namespace
}  // namespace mf::testing
