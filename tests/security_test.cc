// Hostile clients against an in-process forumd (label "security"): guessed,
// forged, expired and misused tokens, oversized messages, floods answered
// RESOURCE_EXHAUSTED while other clients are still served, and TLS (a
// self-signed certificate made with the openssl command; plaintext refused).
// Every refusal leaves the session's record as it was.
#include <grpcpp/generic/generic_stub.h>

#include <cstdlib>
#include <future>
#include <limits>
#include <random>

#include "fault_util.h"
#include "server/limits.h"

namespace mf::testing {
namespace {

using grpc::StatusCode;

mf::Action Advance() {
  mf::Action a;
  a.mutable_advance();
  return a;
}

mf::Action SetBot(int seat, bool bot) {
  mf::Action a;
  a.mutable_set_bot()->set_seat(seat);
  a.mutable_set_bot()->set_bot(bot);
  return a;
}

grpc::Status GetRecord(Client& c, const std::string& session, const std::string& token,
                       mf::GetRecordResponse* out = nullptr) {
  mf::GetRecordRequest req;
  req.set_session(session);
  grpc::ClientContext ctx;
  if (!token.empty()) net::Authorize(&ctx, token);
  mf::GetRecordResponse resp;
  return c.stub()->GetRecord(&ctx, req, out ? out : &resp);
}

grpc::Status Roster(Client& c, const std::string& session, const std::string& token) {
  mf::GetRosterRequest req;
  req.set_session(session);
  grpc::ClientContext ctx;
  net::Authorize(&ctx, token);
  mf::Roster resp;
  return c.stub()->GetRoster(&ctx, req, &resp);
}

grpc::Status List(Client& c, const std::string& token) {
  grpc::ClientContext ctx;
  net::Authorize(&ctx, token);
  mf::ListSessionsResponse resp;
  return c.stub()->ListSessions(&ctx, {}, &resp);
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(TestOptions(dir_.path()));
    ASSERT_TRUE(server_);
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
  mf::CreateSessionResponse a_, b_;
  std::vector<std::string> ta_;
  std::string tb_;
  mf::GetRecordResponse before_;
};

TEST_F(SecurityTest, GuessedAndForgedTokensAreRefused) {
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
    grpc::Status st = i % 3 == 0 ? c_->Facilitate(a_.session(), token, Advance())
                                 : c_->Act(a_.session(), token, Ready());
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
    EXPECT_EQ(c_->Act(a_.session(), t, Ready()).error_code(), StatusCode::UNAUTHENTICATED) << t;
  // Join codes and spectator codes are guessed in vain too.
  mf::JoinSessionResponse j;
  for (const char* code : {"AAA-AAA", "ZZZ-ZZZ", "", "---", "K Q 7 M 3 P"})
    EXPECT_EQ(c_->Join(code, -1, &j).error_code(), StatusCode::NOT_FOUND) << code;
  Watcher spy(c_->stub(), a_.session(), "", "ABC-DEF");
  EXPECT_EQ(spy.WaitEnd().error_code(), StatusCode::NOT_FOUND);
  ExpectUnchanged();
}

TEST_F(SecurityTest, TokensActOnlyForTheirOwnSeatAndSession) {
  // Seat 1's token acts as seat 1, never as seat 0.
  ASSERT_TRUE(c_->Act(a_.session(), ta_[1], Ready()).ok());
  const mf::GetRecordResponse rec = c_->Record(a_.session(), a_.facilitator_token());
  ASSERT_EQ(rec.entries_size(), before_.entries_size() + 1);
  EXPECT_EQ(rec.entries(rec.entries_size() - 1).entry().actor().seat(), 1);
  before_ = rec;
  // Another session's token, with this session's id.
  EXPECT_EQ(c_->Act(a_.session(), tb_, Ready()).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(c_->Facilitate(a_.session(), b_.facilitator_token(), Advance()).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetRecord(*c_, a_.session(), b_.facilitator_token()).error_code(),
            StatusCode::PERMISSION_DENIED);
  mf::Channel everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(c_->Chat(a_.session(), tb_, everyone, "hi").error_code(),
            StatusCode::PERMISSION_DENIED);
  // A seat's token does not read the record while the game runs.
  EXPECT_EQ(GetRecord(*c_, a_.session(), ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  Watcher other(c_->stub(), a_.session(), tb_);
  EXPECT_EQ(other.WaitEnd().error_code(), StatusCode::PERMISSION_DENIED);
  ExpectUnchanged();
}

TEST_F(SecurityTest, SeatTokensCannotMakeFacilitatorCalls) {
  const mf::Action facilitator_actions[] = {Advance(), SetBot(1, true), SetBot(0, false)};
  for (const mf::Action& a : facilitator_actions) {
    EXPECT_EQ(c_->Facilitate(a_.session(), ta_[0], a, "easy").error_code(),
              StatusCode::PERMISSION_DENIED)
        << a.ShortDebugString();
    // Nor through Act.
    const grpc::Status st = c_->Act(a_.session(), ta_[0], a);
    EXPECT_TRUE(st.error_code() == StatusCode::PERMISSION_DENIED ||
                st.error_code() == StatusCode::INVALID_ARGUMENT)
        << net::Describe(st);
  }
  mf::Action pause;
  pause.mutable_pause();
  EXPECT_NE(c_->Act(a_.session(), ta_[0], pause).error_code(), StatusCode::OK);
  EXPECT_EQ(Roster(*c_, a_.session(), ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(*c_, ta_[0]).error_code(), StatusCode::PERMISSION_DENIED);
  // The facilitator's token has no seat to act for either.
  EXPECT_EQ(c_->Act(a_.session(), a_.facilitator_token(), Ready()).error_code(),
            StatusCode::PERMISSION_DENIED);
  ExpectUnchanged();
}

TEST_F(SecurityTest, OversizedMessagesAreRefused) {
  mf::Action statement;
  statement.mutable_statement()->set_position(50);
  statement.mutable_statement()->set_text(std::string(70 * 1024, 'a'));  // Over 64 KiB.
  EXPECT_EQ(c_->Act(a_.session(), ta_[0], statement).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  mf::Channel everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(c_->Chat(a_.session(), ta_[0], everyone, std::string(501, 'x')).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(c_->Chat(a_.session(), ta_[0], everyone, std::string(1 << 20, 'x')).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(c_->Chat(a_.session(), ta_[0], everyone, std::string("bell\x07", 5)).error_code(),
            StatusCode::INVALID_ARGUMENT);
  mf::JoinSessionResponse j;
  EXPECT_EQ(c_->Join(a_.join_code(), -1, &j, std::string(41, 'n')).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(c_->Join(a_.join_code(), -1, &j, std::string(3 << 20, 'n')).error_code(),
            StatusCode::RESOURCE_EXHAUSTED);
  // A huge token in the metadata: refused, and the server serves on.
  EXPECT_NE(c_->Act(a_.session(), std::string(32 * 1024, 'a'), Ready()).error_code(),
            StatusCode::OK);
  mf::CreateSessionRequest big;
  big.set_scenario("classroom-8");
  big.set_title(std::string(60 * 1024, 't'));
  // The oversized metadata above may have made gRPC drop the connection: the
  // channel reconnects, so an UNAVAILABLE answer is retried.
  StatusCode code = StatusCode::UNAVAILABLE;
  for (int attempt = 0; attempt < 5 && code == StatusCode::UNAVAILABLE; ++attempt) {
    grpc::ClientContext ctx;
    mf::CreateSessionResponse created;
    code = c_->stub()->CreateSession(&ctx, big, &created).error_code();
  }
  EXPECT_EQ(code, StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
  EXPECT_TRUE(c_->Act(a_.session(), ta_[0], Ready()).ok());
}

TEST(SecurityFloodTest, OneClientsFloodIsExhaustedWhileAnotherIsServed) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
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
      Client c(server->address());
      mf::Channel everyone;
      everyone.set_everyone(true);
      while (!stop) {
        const grpc::Status st = c.Act(s.session(), flooder, Ready(), version + 1);  // Refused.
        (st.error_code() == StatusCode::RESOURCE_EXHAUSTED ? exhausted : other)++;
      }
    });
  // Meanwhile another client, within its own limit, is served every time.
  Client c(server->address());
  mf::Channel everyone;
  everyone.set_everyone(true);
  int polite_ok = 0, polite_exhausted = 0;
  const int polite_calls = Scaled(30, 10);
  for (int i = 0; i < polite_calls; ++i) {
    while (exhausted.load() < 50 * (i + 1) && other.load() < 100000)
      std::this_thread::yield();  // Paced by the flood, not by the clock.
    const grpc::Status st =
        c.Chat(s.session(), polite, everyone, "still here " + std::to_string(i));
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

TEST(SecurityExpiryTest, TokensOfAFinishedSessionExpire) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.token_expiry_seconds = 2;
  o.archive_after_seconds = 0;
  mf::CreateSessionResponse s, live;
  std::string t0;
  {
    auto server = StartServer(o);
    ASSERT_TRUE(server);
    Client c(server->address());
    t0 = FinishedSession(c, &s);
    // Valid right after the end (the debrief), for the seat and the facilitator.
    EXPECT_TRUE(GetRecord(c, s.session(), t0).ok());
    EXPECT_TRUE(GetRecord(c, s.session(), s.facilitator_token()).ok());
    live = c.Create("classroom-8");  // Also moves the finished one to the archive.
    EXPECT_TRUE(GetRecord(c, s.session(), t0).ok());
    // Then they expire: counted in calls, each a little later.
    grpc::Status st;
    for (int i = 0; i < 400; ++i) {
      st = GetRecord(c, s.session(), t0);
      if (!st.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
    EXPECT_EQ(GetRecord(c, s.session(), s.facilitator_token()).error_code(),
              StatusCode::UNAUTHENTICATED);
    // A running session's tokens do not expire.
    EXPECT_TRUE(GetRecord(c, live.session(), live.facilitator_token()).ok());
  }
  // After a restart (the session read back from the store) they stay expired.
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client c(server->address());
  const grpc::Status st = GetRecord(c, s.session(), t0);
  EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << net::Describe(st);
  EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
  EXPECT_TRUE(GetRecord(c, live.session(), live.facilitator_token()).ok());
}

TEST(SecurityArchiveTest, ArchivedRecordsAreRateLimitedToo) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
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
  Client c(server->address());
  int ok = 0, exhausted = 0;
  for (int i = 0; i < 40; ++i) {
    const grpc::Status st = GetRecord(c, s.session(), s.facilitator_token());
    ok += st.ok() ? 1 : 0;
    exhausted += st.error_code() == StatusCode::RESOURCE_EXHAUSTED ? 1 : 0;
  }
  EXPECT_GE(ok, 5);
  EXPECT_GE(exhausted, 20);
  EXPECT_EQ(ok + exhausted, 40);
}

// ---- Round two: what an independent client found from outside ---------------

grpc::Status JoinRequest(Client& c, const mf::JoinSessionRequest& req,
                         mf::JoinSessionResponse* out = nullptr) {
  grpc::ClientContext ctx;
  mf::JoinSessionResponse resp;
  return c.stub()->JoinSession(&ctx, req, out ? out : &resp);
}

grpc::Status JoinSeat(Client& c, const std::string& code, int seat,
                      mf::JoinSessionResponse* out = nullptr, const std::string& name = "player") {
  mf::JoinSessionRequest req;
  req.set_join_code(code);
  req.set_display_name(name);
  req.set_seat(seat);
  return JoinRequest(c, req, out);
}

grpc::Status CreateRequest(Client& c, const mf::CreateSessionRequest& req,
                           mf::CreateSessionResponse* out = nullptr) {
  grpc::ClientContext ctx;
  mf::CreateSessionResponse resp;
  return c.stub()->CreateSession(&ctx, req, out ? out : &resp);
}

int SessionCount(Client& c, const std::string& facilitator_token) {
  grpc::ClientContext ctx;
  net::Authorize(&ctx, facilitator_token);
  mf::ListSessionsRequest req;
  req.set_include_finished(true);
  mf::ListSessionsResponse resp;
  EXPECT_TRUE(c.stub()->ListSessions(&ctx, req, &resp).ok());
  return resp.sessions_size();
}

TEST_F(SecurityTest, JoinRefusesSeatNumbersOutOfRange) {
  const int taken_before = [&] {
    int n = 0;
    const mf::Roster roster = c_->Roster(a_.session(), a_.facilitator_token());
    for (const mf::SeatStatus& s : roster.seats()) n += s.claimed() ? 1 : 0;
    return n;
  }();
  for (int seat :
       {std::numeric_limits<int>::min(), -1000, -2, 8, 9, std::numeric_limits<int>::max()}) {
    const grpc::Status st = JoinSeat(*c_, a_.join_code(), seat);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << seat << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("seats are 0..7"), std::string::npos) << st.error_message();
  }
  int taken = 0;
  const mf::Roster roster = c_->Roster(a_.session(), a_.facilitator_token());
  for (const mf::SeatStatus& s : roster.seats()) taken += s.claimed() ? 1 : 0;
  EXPECT_EQ(taken, taken_before);  // Nobody was seated.
  // -1 is "unset": the first free seat.
  mf::JoinSessionResponse j;
  ASSERT_TRUE(JoinSeat(*c_, a_.join_code(), -1, &j).ok());
  EXPECT_EQ(j.seat(), 3);
  ExpectUnchanged();
}

// The rule, as forum.proto states it: a bot keeps an unclaimed seat warm; a
// person with the join code takes it over by asking for it, or when no empty
// seat is left. A seat a person holds (even while a bot plays it for them) is
// never given to someone else.
TEST(SecurityJoinTest, BotSeatsFollowTheJoinContract) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  const mf::CreateSessionResponse s = c.Create("classroom-8", {5, 6, 7});
  // Empty seats first: 0..4, in order.
  for (int expect = 0; expect < 5; ++expect) {
    mf::JoinSessionResponse j;
    ASSERT_TRUE(c.Join(s.join_code(), -1, &j).ok());
    EXPECT_EQ(j.seat(), expect);
  }
  // Asking for a bot's seat takes it over.
  mf::JoinSessionResponse j5;
  ASSERT_TRUE(JoinSeat(c, s.join_code(), 5, &j5).ok());
  EXPECT_EQ(j5.seat(), 5);
  // No empty seat left: the next bot seat, in seat order.
  mf::JoinSessionResponse j6;
  ASSERT_TRUE(c.Join(s.join_code(), -1, &j6).ok());
  EXPECT_EQ(j6.seat(), 6);
  const mf::Roster roster = c.Roster(s.session(), s.facilitator_token());
  EXPECT_FALSE(roster.seats(5).bot());
  EXPECT_FALSE(roster.seats(6).bot());
  EXPECT_TRUE(roster.seats(7).bot());
  // A person's seat is not taken, even when the facilitator hands it to a bot.
  EXPECT_EQ(JoinSeat(c, s.join_code(), 6).error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(c.Facilitate(s.session(), s.facilitator_token(), SetBot(6, true), "easy").ok());
  EXPECT_EQ(JoinSeat(c, s.join_code(), 6).error_code(), StatusCode::FAILED_PRECONDITION);
  // Out of range is malformed, not "the first free seat".
  EXPECT_EQ(JoinSeat(c, s.join_code(), std::numeric_limits<int>::min()).error_code(),
            StatusCode::INVALID_ARGUMENT);
  mf::JoinSessionResponse j7;
  ASSERT_TRUE(c.Join(s.join_code(), -1, &j7).ok());
  EXPECT_EQ(j7.seat(), 7);
  EXPECT_EQ(c.Join(s.join_code(), -1, &j7).error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(SecurityTest, UnknownEnumValuesAreRefused) {
  const int sessions = SessionCount(*c_, a_.facilitator_token());
  for (int rule : {99, -1, 4, std::numeric_limits<int>::min()}) {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_decision_rule(static_cast<mf::DecisionRule>(rule));
    const grpc::Status st = CreateRequest(*c_, req);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << rule << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("decision_rule"), std::string::npos) << st.error_message();
  }
  EXPECT_EQ(SessionCount(*c_, a_.facilitator_token()), sessions);
  // A known rule other than the scenario's is still an override.
  mf::CreateSessionRequest majority;
  majority.set_scenario("classroom-8");
  majority.set_decision_rule(mf::MAJORITY);
  mf::CreateSessionResponse made;
  ASSERT_TRUE(CreateRequest(*c_, majority, &made).ok());
  const std::string t = c_->JoinOk(made.join_code(), 0);
  Watcher w(c_->stub(), made.session(), t);
  auto v = w.WaitView([](const mf::View&) { return true; });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->decision_rule(), mf::MAJORITY);
  // The enums inside actions, each out of range.
  std::vector<mf::Action> actions(5);
  actions[0].mutable_vote()->set_choice(static_cast<mf::VoteChoice>(99));
  actions[1].mutable_table_draft()->set_form(static_cast<mf::Form>(-1));
  actions[2].mutable_amend()->add_add(static_cast<mf::CommitmentKind>(99));
  actions[3].mutable_propose_deal()->mutable_give()->set_stance(static_cast<mf::VoteChoice>(7));
  actions[3].mutable_propose_deal()->set_to(1);
  actions[4].mutable_amend()->set_form(static_cast<mf::Form>(4));
  for (const mf::Action& a : actions)
    EXPECT_EQ(c_->Act(a_.session(), ta_[0], a).error_code(), StatusCode::INVALID_ARGUMENT)
        << a.ShortDebugString();
  mf::Action inject;
  inject.mutable_inject_event()->set_kind(static_cast<mf::EventKind>(99));
  EXPECT_EQ(c_->Facilitate(a_.session(), a_.facilitator_token(), inject).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
}

TEST_F(SecurityTest, DuplicateBotSeatsAreMalformedNotRetryable) {
  const int sessions = SessionCount(*c_, a_.facilitator_token());
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  req.add_bots()->set_seat(2);
  req.add_bots()->set_seat(2);
  const grpc::Status st = CreateRequest(*c_, req);
  EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << net::Describe(st);
  EXPECT_NE(st.error_message().find("seat 2"), std::string::npos) << st.error_message();
  EXPECT_EQ(SessionCount(*c_, a_.facilitator_token()), sessions);
}

// A request whose bytes do not parse as its message (invalid UTF-8 in a
// string field, broken wire format) is INVALID_ARGUMENT with a reason, over a
// real channel, for every kind of call.
TEST_F(SecurityTest, UnparseableRequestsAreInvalidArgumentWithAReason) {
  const std::string bad = "ok\xff\xfe";
  auto expect_bad = [](const grpc::Status& st, const std::string& field) {
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << field << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("UTF-8"), std::string::npos) << st.error_message();
    EXPECT_NE(st.error_message().find(field), std::string::npos) << st.error_message();
  };
  {
    mf::ActRequest req;
    req.set_session(a_.session());
    req.mutable_action()->mutable_statement()->set_position(40);
    req.mutable_action()->mutable_statement()->set_text(bad);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, ta_[0]);
    mf::ActResponse resp;
    expect_bad(c_->stub()->Act(&ctx, req, &resp), "action.statement.text");
  }
  {
    mf::JoinSessionRequest req;
    req.set_join_code(a_.join_code());
    req.set_display_name(bad);
    expect_bad(JoinRequest(*c_, req), "display_name");
  }
  {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_title(bad);
    expect_bad(CreateRequest(*c_, req), "title");
  }
  {
    mf::SendMessageRequest req;
    req.set_session(a_.session());
    req.mutable_channel()->set_caucus(bad);
    req.set_text("hello");
    grpc::ClientContext ctx;
    net::Authorize(&ctx, ta_[0]);
    mf::SendMessageResponse resp;
    expect_bad(c_->stub()->SendMessage(&ctx, req, &resp), "channel.caucus");
  }
  {
    mf::GetRecordRequest req;
    req.set_session(bad);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, a_.facilitator_token());
    mf::GetRecordResponse resp;
    expect_bad(c_->stub()->GetRecord(&ctx, req, &resp), "session");
  }
  {
    Watcher w(c_->stub(), bad, ta_[0]);
    expect_bad(w.WaitEnd(), "session");
  }
  {
    grpc::ClientContext ctx;
    mf::CreateSessionResponse resp;
    auto writer = c_->stub()->ImportSession(&ctx, &resp);
    mf::ImportChunk chunk;
    chunk.set_title(bad);
    chunk.set_data("x");
    writer->Write(chunk);
    writer->WritesDone();
    expect_bad(writer->Finish(), "title");
  }
  // Bytes that are no protobuf at all (a truncated varint), by a generic stub.
  grpc::GenericStub generic(net::Connect(server_->address()));
  for (const char* method : {"/mf.Forum/Act", "/mf.Forum/JoinSession", "/mf.Forum/CreateSession",
                             "/mf.Forum/ListScenarios"}) {
    grpc::Slice slice(std::string("\x0a\xff\xff\xff", 4));
    grpc::ByteBuffer request(&slice, 1), response;
    grpc::ClientContext ctx;
    net::Authorize(&ctx, ta_[0]);
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                      [&done](grpc::Status st) { done.set_value(st); });
    const grpc::Status st = done.get_future().get();
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << method << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("not a valid mf."), std::string::npos) << st.error_message();
  }
  ExpectUnchanged();
  EXPECT_TRUE(c_->Act(a_.session(), ta_[0], Ready()).ok());  // Still served.
}

TEST_F(SecurityTest, EchoedInputsAreTrimmed) {
  auto short_echo = [](const grpc::Status& st, StatusCode code) {
    EXPECT_EQ(st.error_code(), code) << net::Describe(st).substr(0, 300);
    EXPECT_LT(st.error_message().size(), 400u) << st.error_message().substr(0, 300);
    EXPECT_NE(st.error_message().find("\xe2\x80\xa6"), std::string::npos)  // The ellipsis.
        << st.error_message().substr(0, 300);
  };
  const std::string huge(60000, 'K');
  mf::JoinSessionResponse j;
  short_echo(c_->Join(huge, -1, &j), StatusCode::NOT_FOUND);
  {
    Watcher spy(c_->stub(), "", "", huge);
    short_echo(spy.WaitEnd(), StatusCode::NOT_FOUND);
  }
  mf::CreateSessionRequest req;
  req.set_scenario(std::string(20000, 's'));
  short_echo(CreateRequest(*c_, req), StatusCode::NOT_FOUND);
  req.set_scenario("classroom-8");
  req.set_timer_preset(std::string(20000, 't'));
  short_echo(CreateRequest(*c_, req), StatusCode::INVALID_ARGUMENT);
  req.clear_timer_preset();
  mf::BotSeat* bot = req.add_bots();
  bot->set_seat(3);
  bot->set_strategy(std::string(20000, 'b'));
  short_echo(CreateRequest(*c_, req), StatusCode::INVALID_ARGUMENT);
  mf::Channel caucus;
  caucus.set_caucus(std::string(20000, 'c'));
  short_echo(c_->Chat(a_.session(), ta_[0], caucus, "hi"), StatusCode::NOT_FOUND);
  short_echo(c_->Facilitate(a_.session(), a_.facilitator_token(), SetBot(4, true),
                            std::string(20000, 'x')),
             StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
}

TEST_F(SecurityTest, DisplayNamesAreCountedInCharactersAndMustBeVisible) {
  std::string e40;
  for (int i = 0; i < 40; ++i) e40 += "\xc3\xa9";  // 40 x U+00E9: 80 bytes.
  mf::JoinSessionResponse j;
  const mf::CreateSessionResponse s = c_->Create("classroom-8");
  for (const std::string& good :
       {e40, std::string("Zo\xc3\xab"), std::string("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99"),
        std::string("Ana Mar\xc3\xad"
                    "a"),
        std::string("\xd9\x84\xd9\x8a\xd9\x84\xd9\x89")})
    EXPECT_TRUE(c_->Join(s.join_code(), -1, &j, good).ok()) << good;
  for (const std::string& bad : {
           e40 + "\xc3\xa9",                                   // 41 characters.
           std::string("   "),                                 // Only spaces.
           std::string("\xe2\x80\x8b\xe2\x80\x8b"),            // Zero-width spaces.
           std::string(" \xe2\x80\x8c\xc2\xa0\xe2\x81\xa0 "),  // ZWNJ, NBSP, word joiner.
           std::string("\xef\xbb\xbf"),                        // A byte-order mark.
           std::string("\xe3\x85\xa4"),                        // Hangul filler.
           std::string("Ana\xe2\x80\xae"
                       "evil"),  // U+202E right-to-left override.
           std::string("\xe2\x80\xaa"
                       "x"),  // U+202A.
           std::string("\xe2\x81\xa6"
                       "Bo\xe2\x81\xa9"),  // U+2066..U+2069 isolates.
           std::string("a\nb"),
       }) {
    const grpc::Status st = c_->Join(s.join_code(), -1, &j, bad);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << bad;
  }
  int claimed = 0;
  const mf::Roster roster = c_->Roster(s.session(), s.facilitator_token());
  for (const mf::SeatStatus& seat : roster.seats()) claimed += seat.claimed() ? 1 : 0;
  EXPECT_EQ(claimed, 5);
}

// A peer, as the limits count it: an IPv4 address, or an IPv6 address by its
// /64 prefix (a host chooses its own address inside its network, so a guesser
// must not get a fresh budget per address); ports never count.
TEST(SecurityPeerTest, PeersAreAddressesOrIpv6Networks) {
  using server::PeerKey;
  EXPECT_EQ(PeerKey("ipv4:10.1.2.3:5000"), "ipv4:10.1.2.3");
  EXPECT_EQ(PeerKey("ipv4:10.1.2.3:5000"), PeerKey("ipv4:10.1.2.3:6001"));
  EXPECT_NE(PeerKey("ipv4:10.1.2.3:5000"), PeerKey("ipv4:10.1.2.4:5000"));
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2::7]:5000"), "ipv6:2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:1"),
            PeerKey("ipv6:[2001:db8:1:2::1]:2"));
  EXPECT_NE(PeerKey("ipv6:[2001:db8:1:2::1]:2"), PeerKey("ipv6:[2001:db8:1:3::1]:2"));
  EXPECT_EQ(PeerKey("ipv6:[::ffff:10.1.2.3]:5000"), "ipv4:10.1.2.3");
  EXPECT_EQ(PeerKey("ipv6:[fe80::1%25eth0]:5000"), "ipv6:fe80:0:0:0::/64");
  EXPECT_EQ(PeerKey("unix:/run/forumd.sock"), "unix:/run/forumd.sock");
}

// The calls that need no token, limited per peer and for the whole server.
// The server listens on both loopbacks: 127.0.0.1 and ::1 are two peers.
class SecurityLimitsTest : public ::testing::Test {
 protected:
  void Start(std::function<void(server::ServerOptions*)> edit = {}) {
    server::ServerOptions o = TestOptions(dir_.path());
    const server::ServerOptions defaults;  // forumd's own limits, unless `edit` changes them.
    o.peer_rate = defaults.peer_rate;
    o.peer_burst = defaults.peer_burst;
    o.create_rate = defaults.create_rate;
    o.create_burst = defaults.create_burst;
    o.join_failure_rate = defaults.join_failure_rate;
    o.join_failure_burst = defaults.join_failure_burst;
    o.peer_spectators = defaults.peer_spectators;
    o.max_sessions = defaults.max_sessions;
    o.max_streams = defaults.max_streams;
    o.listen = "[::]:0";
    if (edit) edit(&o);
    server_ = StartServer(o);
    ASSERT_TRUE(server_);
    const std::string port = server_->address().substr(server_->address().rfind(':') + 1);
    v4_ = std::make_unique<Client>("127.0.0.1:" + port);
    v6_ = std::make_unique<Client>("[::1]:" + port);
  }
  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> v4_, v6_;
};

// The rates are turned down to almost nothing so that only the bursts count
// (the outcome does not depend on the machine's speed).
TEST_F(SecurityLimitsTest, CallsWithoutATokenAreLimitedPerPeer) {
  Start([](server::ServerOptions* o) {
    o->peer_rate = 1e-3;
    o->peer_burst = 20;
  });
  int ok = 0, exhausted = 0;
  grpc::Status last;
  for (int i = 0; i < 30; ++i) {
    grpc::ClientContext ctx;
    mf::ListScenariosResponse resp;
    const grpc::Status st = v4_->stub()->ListScenarios(&ctx, {}, &resp);
    ok += st.ok() ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(exhausted, 10);
  EXPECT_NE(last.error_message().find("--peer-"), std::string::npos) << last.error_message();
  mf::JoinSessionResponse j;
  EXPECT_EQ(v4_->Join("ABCD-EFGH", -1, &j).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  // Calls with a token are not counted here; another peer is served.
  grpc::ClientContext ctx;
  mf::ListScenariosResponse resp;
  EXPECT_TRUE(v6_->stub()->ListScenarios(&ctx, {}, &resp).ok());
}

TEST_F(SecurityLimitsTest, CreateSessionIsLimitedPerPeer) {
  Start([](server::ServerOptions* o) { o->create_rate = 1e-3; });
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  int ok = 0, exhausted = 0;
  grpc::Status last;
  for (int i = 0; i < 150; ++i) {
    const grpc::Status st = CreateRequest(*v4_, req);
    ok += st.ok() ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(ok, static_cast<int>(server::ServerOptions().create_burst));  // 100.
  EXPECT_EQ(exhausted, 150 - ok);
  EXPECT_NE(last.error_message().find("--create-"), std::string::npos) << last.error_message();
  // Another peer is served meanwhile.
  EXPECT_TRUE(CreateRequest(*v6_, req).ok());
}

TEST_F(SecurityLimitsTest, FailedJoinsAreThrottledPerPeer) {
  Start([](server::ServerOptions* o) { o->join_failure_rate = 1e-3; });
  mf::CreateSessionResponse s;
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  ASSERT_TRUE(CreateRequest(*v6_, req, &s).ok());
  int not_found = 0, exhausted = 0;
  grpc::Status last;
  mf::JoinSessionResponse j;
  for (int i = 0; i < 100; ++i) {
    const grpc::Status st = v4_->Join("WRONG-" + std::to_string(1000 + i), -1, &j);
    not_found += st.error_code() == StatusCode::NOT_FOUND ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(not_found, static_cast<int>(server::ServerOptions().join_failure_burst));  // 60.
  EXPECT_EQ(exhausted, 100 - not_found);
  EXPECT_NE(last.error_message().find("failed joins"), std::string::npos) << last.error_message();
  // A guesser is throttled before the lookup: the right code waits too...
  EXPECT_EQ(v4_->Join(s.join_code(), -1, &j).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  // ...a spectator code counts as a guess as well...
  {
    Watcher spy(v4_->stub(), "", "", s.join_code());
    EXPECT_EQ(spy.WaitEnd().error_code(), StatusCode::RESOURCE_EXHAUSTED);
  }
  // ...while another peer joins.
  EXPECT_TRUE(v6_->Join(s.join_code(), -1, &j).ok());
}

TEST_F(SecurityLimitsTest, SpectatorStreamsAreLimitedPerPeerAndStreamsInAll) {
  Start([](server::ServerOptions* o) {
    o->peer_spectators = 5;
    o->max_streams = 9;
  });
  mf::CreateSessionResponse s = v4_->Create("classroom-8");
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < 5; ++i) {
    watchers.push_back(std::make_unique<Watcher>(v4_->stub(), "", "", s.join_code()));
    ASSERT_TRUE(watchers.back()->WaitView([](const mf::View&) { return true; }));
  }
  {
    Watcher sixth(v4_->stub(), "", "", s.join_code());
    const grpc::Status st = sixth.WaitEnd();
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("spectator"), std::string::npos) << st.error_message();
  }
  // Another peer may still spectate; then the server's total is reached.
  for (int i = 0; i < 4; ++i) {
    watchers.push_back(std::make_unique<Watcher>(v6_->stub(), "", "", s.join_code()));
    ASSERT_TRUE(watchers.back()->WaitView([](const mf::View&) { return true; }));
  }
  const std::string t0 = v6_->JoinOk(s.join_code(), 0);
  {
    Watcher seat(v6_->stub(), s.session(), t0);
    const grpc::Status st = seat.WaitEnd();
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("--max-streams"), std::string::npos) << st.error_message();
  }
  // A closed stream frees its place.
  watchers.front()->Cancel();
  EXPECT_EQ(watchers.front()->WaitEnd().error_code(), StatusCode::CANCELLED);
  watchers.erase(watchers.begin());
  std::optional<mf::View> v;
  for (int attempt = 0; attempt < 50 && !v; ++attempt) {  // The server sees the cancel first.
    Watcher seat(v6_->stub(), s.session(), t0);
    v = seat.WaitView([](const mf::View&) { return true; });
  }
  EXPECT_TRUE(v);
}

TEST_F(SecurityLimitsTest, LiveSessionsHaveACap) {
  Start([](server::ServerOptions* o) { o->max_sessions = 3; });
  for (int i = 0; i < 3; ++i) v4_->Create("classroom-8");
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  const grpc::Status st = CreateRequest(*v6_, req);
  EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
  EXPECT_NE(st.error_message().find("--max-sessions"), std::string::npos) << st.error_message();
}

// The defaults keep a classroom behind one school NAT working: the teacher
// creates four sessions, 30 students (one address) each mistype the code
// once, then join, subscribe and act; four projectors spectate.
TEST_F(SecurityLimitsTest, DefaultsKeepAClassroomBehindOneNatWorking) {
  Start([](server::ServerOptions* o) {
    const server::ServerOptions defaults;
    o->rate_per_second = defaults.rate_per_second;
    o->rate_burst = defaults.rate_burst;
  });
  std::vector<mf::CreateSessionResponse> sessions;
  for (int i = 0; i < 4; ++i) sessions.push_back(v4_->Create("classroom-8"));
  std::vector<std::string> tokens;
  std::vector<std::string> session_of;
  mf::JoinSessionResponse j;
  for (int student = 0; student < 30; ++student) {
    const mf::CreateSessionResponse& s = sessions[static_cast<size_t>(student % 4)];
    std::string typo = s.join_code();
    typo[0] = typo[0] == 'A' ? 'B' : 'A';
    EXPECT_EQ(v4_->Join(typo, -1, &j).error_code(), StatusCode::NOT_FOUND);
    const grpc::Status st = v4_->Join(s.join_code(), -1, &j, "student " + std::to_string(student));
    ASSERT_TRUE(st.ok()) << student << ": " << net::Describe(st);
    tokens.push_back(j.seat_token());
    session_of.push_back(s.session());
  }
  std::vector<std::unique_ptr<Watcher>> streams;
  for (size_t k = 0; k < tokens.size(); ++k)
    streams.push_back(std::make_unique<Watcher>(v4_->stub(), session_of[k], tokens[k]));
  for (const mf::CreateSessionResponse& s : sessions)
    streams.push_back(std::make_unique<Watcher>(v4_->stub(), "", "", s.join_code()));
  for (auto& w : streams) EXPECT_TRUE(w->WaitView([](const mf::View&) { return true; }));
  for (size_t k = 0; k < tokens.size(); ++k)
    EXPECT_TRUE(v4_->Act(session_of[k], tokens[k], Ready()).ok()) << k;
}

// A self-signed certificate for 127.0.0.1 and localhost, made with openssl.
bool MakeCertificate(const std::string& dir, const std::string& name) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      dir + "/" + name + ".key -out " + dir + "/" + name + ".pem >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

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
