// Hostile requests against an in-process forumd (label "security"), what an
// independent client found from outside: seat numbers out of range, the join
// contract of bot seats, unknown enum values, duplicate bot seats, requests
// whose bytes do not parse, echoed inputs, display names. Through both
// ports (security_util.h), with the same status codes.
#include <limits>
#include <string>

#include "security_util.h"

namespace mf::testing {
namespace {

// Each attack goes through the gRPC port and through the gRPC-Web port
// (security_util.h's Port), expecting the same status codes and words.
class SecurityInputTest : public SecurityTest {};
INSTANTIATE_TEST_SUITE_P(Ports, SecurityInputTest,
                         ::testing::Values(PortKind::kGrpc, PortKind::kWeb), PortName);
class SecurityJoinTest : public ::testing::TestWithParam<PortKind> {};
INSTANTIATE_TEST_SUITE_P(Ports, SecurityJoinTest,
                         ::testing::Values(PortKind::kGrpc, PortKind::kWeb), PortName);

int SessionCount(Client& c, const std::string& facilitator_token) {
  grpc::ClientContext ctx;
  net::Authorize(&ctx, facilitator_token);
  mf::ListSessionsRequest req;
  req.set_include_finished(true);
  mf::ListSessionsResponse resp;
  EXPECT_TRUE(c.stub()->ListSessions(&ctx, req, &resp).ok());
  return resp.sessions_size();
}

TEST_P(SecurityInputTest, JoinRefusesSeatNumbersOutOfRange) {
  const int taken_before = [&] {
    int n = 0;
    const mf::Roster roster = c_->Roster(a_.session(), a_.facilitator_token());
    for (const mf::SeatStatus& s : roster.seats()) n += s.claimed() ? 1 : 0;
    return n;
  }();
  for (int seat :
       {std::numeric_limits<int>::min(), -1000, -2, 8, 9, std::numeric_limits<int>::max()}) {
    const grpc::Status st = port_->JoinSeat(a_.join_code(), seat);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << seat << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("seats are 0..7"), std::string::npos) << st.error_message();
  }
  int taken = 0;
  const mf::Roster roster = c_->Roster(a_.session(), a_.facilitator_token());
  for (const mf::SeatStatus& s : roster.seats()) taken += s.claimed() ? 1 : 0;
  EXPECT_EQ(taken, taken_before);  // Nobody was seated.
  // -1 is "unset": the first free seat.
  mf::JoinSessionResponse j;
  ASSERT_TRUE(port_->JoinSeat(a_.join_code(), -1, &j).ok());
  EXPECT_EQ(j.seat(), 3);
  ExpectUnchanged();
}

// The rule, as forum.proto states it: a bot keeps an unclaimed seat warm; a
// person with the join code takes it over by asking for it, or when no empty
// seat is left. A seat a person holds (even while a bot plays it for them) is
// never given to someone else.
TEST_P(SecurityJoinTest, BotSeatsFollowTheJoinContract) {
  ScratchDir dir;
  auto server = StartServer(SecurityOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  auto p = MakePort(GetParam(), *server);
  const mf::CreateSessionResponse s = c.Create("classroom-8", {5, 6, 7});
  // Empty seats first: 0..4, in order.
  for (int expect = 0; expect < 5; ++expect) {
    mf::JoinSessionResponse j;
    ASSERT_TRUE(p->Join(s.join_code(), -1, &j).ok());
    EXPECT_EQ(j.seat(), expect);
  }
  // Asking for a bot's seat takes it over.
  mf::JoinSessionResponse j5;
  ASSERT_TRUE(p->JoinSeat(s.join_code(), 5, &j5).ok());
  EXPECT_EQ(j5.seat(), 5);
  // No empty seat left: the next bot seat, in seat order.
  mf::JoinSessionResponse j6;
  ASSERT_TRUE(p->Join(s.join_code(), -1, &j6).ok());
  EXPECT_EQ(j6.seat(), 6);
  const mf::Roster roster = c.Roster(s.session(), s.facilitator_token());
  EXPECT_FALSE(roster.seats(5).bot());
  EXPECT_FALSE(roster.seats(6).bot());
  EXPECT_TRUE(roster.seats(7).bot());
  // A person's seat is not taken, even when the facilitator hands it to a bot.
  EXPECT_EQ(p->JoinSeat(s.join_code(), 6).error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(p->Facilitate(s.session(), s.facilitator_token(), SetBot(6, true), "easy").ok());
  EXPECT_EQ(p->JoinSeat(s.join_code(), 6).error_code(), StatusCode::FAILED_PRECONDITION);
  // Out of range is malformed, not "the first free seat".
  EXPECT_EQ(p->JoinSeat(s.join_code(), std::numeric_limits<int>::min()).error_code(),
            StatusCode::INVALID_ARGUMENT);
  mf::JoinSessionResponse j7;
  ASSERT_TRUE(p->Join(s.join_code(), -1, &j7).ok());
  EXPECT_EQ(j7.seat(), 7);
  EXPECT_EQ(p->Join(s.join_code(), -1, &j7).error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_P(SecurityInputTest, UnknownEnumValuesAreRefused) {
  const int sessions = SessionCount(*c_, a_.facilitator_token());
  for (int rule : {99, -1, 4, std::numeric_limits<int>::min()}) {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_decision_rule(static_cast<mf::DecisionRule>(rule));
    const grpc::Status st = port_->Create(req);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << rule << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("decision_rule"), std::string::npos) << st.error_message();
  }
  EXPECT_EQ(SessionCount(*c_, a_.facilitator_token()), sessions);
  // A known rule other than the scenario's is still an override.
  mf::CreateSessionRequest majority;
  majority.set_scenario("classroom-8");
  majority.set_decision_rule(mf::MAJORITY);
  mf::CreateSessionResponse made;
  ASSERT_TRUE(port_->Create(majority, &made).ok());
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
    EXPECT_EQ(port_->Act(a_.session(), ta_[0], a).error_code(), StatusCode::INVALID_ARGUMENT)
        << a.ShortDebugString();
  mf::Action inject;
  inject.mutable_inject_event()->set_kind(static_cast<mf::EventKind>(99));
  EXPECT_EQ(port_->Facilitate(a_.session(), a_.facilitator_token(), inject).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
}

TEST_P(SecurityInputTest, DuplicateBotSeatsAreMalformedNotRetryable) {
  const int sessions = SessionCount(*c_, a_.facilitator_token());
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  req.add_bots()->set_seat(2);
  req.add_bots()->set_seat(2);
  const grpc::Status st = port_->Create(req);
  EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << net::Describe(st);
  EXPECT_NE(st.error_message().find("seat 2"), std::string::npos) << st.error_message();
  EXPECT_EQ(SessionCount(*c_, a_.facilitator_token()), sessions);
}

// A request whose bytes do not parse as its message (invalid UTF-8 in a
// string field, broken wire format) is INVALID_ARGUMENT with a reason, over a
// real channel, for every kind of call.
TEST_P(SecurityInputTest, UnparseableRequestsAreInvalidArgumentWithAReason) {
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
    expect_bad(port_->Call("Act", req, ta_[0]), "action.statement.text");
  }
  {
    mf::JoinSessionRequest req;
    req.set_join_code(a_.join_code());
    req.set_display_name(bad);
    expect_bad(port_->JoinRequest(req), "display_name");
  }
  {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_title(bad);
    expect_bad(port_->Create(req), "title");
  }
  {
    mf::SendMessageRequest req;
    req.set_session(a_.session());
    req.mutable_channel()->set_caucus(bad);
    req.set_text("hello");
    expect_bad(port_->Call("SendMessage", req, ta_[0]), "channel.caucus");
  }
  expect_bad(port_->GetRecord(bad, a_.facilitator_token()), "session");
  expect_bad(port_->Subscribe(bad, ta_[0]), "session");
  {
    // A client stream of one chunk (gRPC-Web has no client streaming beyond
    // one message, which is all this needs).
    mf::ImportChunk chunk;
    chunk.set_title(bad);
    chunk.set_data("x");
    expect_bad(port_->Call("ImportSession", chunk), "title");
  }
  // Bytes that are no protobuf at all (a truncated varint), as they are.
  for (const char* method : {"Act", "JoinSession", "CreateSession", "ListScenarios"}) {
    const grpc::Status st = port_->Unary(method, std::string("\x0a\xff\xff\xff", 4), ta_[0]);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << method << ": " << net::Describe(st);
    EXPECT_NE(st.error_message().find("not a valid mf."), std::string::npos) << st.error_message();
  }
  ExpectUnchanged();
  EXPECT_TRUE(port_->Act(a_.session(), ta_[0], Ready()).ok());  // Still served.
}

TEST_P(SecurityInputTest, EchoedInputsAreTrimmed) {
  auto short_echo = [](const grpc::Status& st, StatusCode code) {
    EXPECT_EQ(st.error_code(), code) << net::Describe(st).substr(0, 300);
    EXPECT_LT(st.error_message().size(), 400u) << st.error_message().substr(0, 300);
    EXPECT_NE(st.error_message().find("\xe2\x80\xa6"), std::string::npos)  // The ellipsis.
        << st.error_message().substr(0, 300);
  };
  const std::string huge(60000, 'K');
  mf::JoinSessionResponse j;
  short_echo(port_->Join(huge, -1, &j), StatusCode::NOT_FOUND);
  short_echo(port_->Subscribe("", "", huge), StatusCode::NOT_FOUND);
  mf::CreateSessionRequest req;
  req.set_scenario(std::string(20000, 's'));
  short_echo(port_->Create(req), StatusCode::NOT_FOUND);
  req.set_scenario("classroom-8");
  req.set_timer_preset(std::string(20000, 't'));
  short_echo(port_->Create(req), StatusCode::INVALID_ARGUMENT);
  req.clear_timer_preset();
  mf::BotSeat* bot = req.add_bots();
  bot->set_seat(3);
  bot->set_strategy(std::string(20000, 'b'));
  short_echo(port_->Create(req), StatusCode::INVALID_ARGUMENT);
  mf::Channel caucus;
  caucus.set_caucus(std::string(20000, 'c'));
  short_echo(port_->Chat(a_.session(), ta_[0], caucus, "hi"), StatusCode::NOT_FOUND);
  short_echo(port_->Facilitate(a_.session(), a_.facilitator_token(), SetBot(4, true),
                               std::string(20000, 'x')),
             StatusCode::INVALID_ARGUMENT);
  ExpectUnchanged();
}

TEST_P(SecurityInputTest, DisplayNamesAreCountedInCharactersAndMustBeVisible) {
  std::string e40;
  for (int i = 0; i < 40; ++i) e40 += "\xc3\xa9";  // 40 x U+00E9: 80 bytes.
  mf::JoinSessionResponse j;
  const mf::CreateSessionResponse s = c_->Create("classroom-8");
  for (const std::string& good :
       {e40, std::string("Zo\xc3\xab"), std::string("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99"),
        std::string("Ana Mar\xc3\xad"
                    "a"),
        std::string("\xd9\x84\xd9\x8a\xd9\x84\xd9\x89")})
    EXPECT_TRUE(port_->Join(s.join_code(), -1, &j, good).ok()) << good;
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
    const grpc::Status st = port_->Join(s.join_code(), -1, &j, bad);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT) << bad;
  }
  int claimed = 0;
  const mf::Roster roster = c_->Roster(s.session(), s.facilitator_token());
  for (const mf::SeatStatus& seat : roster.seats()) claimed += seat.claimed() ? 1 : 0;
  EXPECT_EQ(claimed, 5);
}

}  // namespace
}  // namespace mf::testing
