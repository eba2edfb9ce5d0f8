// forumd over real loopback gRPC, the server running in-process: a whole
// session, reconnection, handover, chat visibility, the clock, and every
// refusal with its status code (each leaving the record unchanged).
#include <atomic>
#include <future>

#include "rules/playout.h"
#include "server/session.h"
#include "server/store.h"
#include "server_util.h"
#include "test_util.h"

namespace mf::testing {
namespace {

using grpc::StatusCode;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(TestOptions(dir_.path()));
    ASSERT_TRUE(server_);
    client_ = std::make_unique<Client>(server_->address());
  }
  // Seats are human unless listed in `bots`.
  mf::CreateSessionResponse NewSession(std::vector<int> bots = {}) {
    return client_->Create("classroom-8", std::move(bots));
  }
  uint64_t RecordSize(const mf::CreateSessionResponse& s) {
    return static_cast<uint64_t>(
        client_->Record(s.session(), s.facilitator_token()).entries_size());
  }

  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ServerTest, ListsTheBuiltInScenarios) {
  grpc::ClientContext ctx;
  mf::ListScenariosResponse resp;
  ASSERT_TRUE(client_->stub()->ListScenarios(&ctx, {}, &resp).ok());
  bool classroom = false;
  for (const auto& s : resp.scenarios())
    classroom = classroom || (s.name() == "classroom-8" && s.seats() == 8);
  EXPECT_TRUE(classroom);
}

// A restart must not multiply memory: the sessions read back from the store
// share one parsed scenario per scenario text, as they did while running
// (tools/restart_memory.sh measures the RSS itself).
TEST(ServerRestartTest, RestoredSessionsShareTheirScenarios) {
  ScratchDir dir;
  std::vector<mf::CreateSessionResponse> made;
  size_t live_objects = 0;
  {
    auto server = StartServer(TestOptions(dir.path()));
    ASSERT_TRUE(server);
    Client c(server->address());
    for (int i = 0; i < 40; ++i) made.push_back(c.Create("classroom-8", {}, 100 + i));
    for (int i = 0; i < 3; ++i) made.push_back(c.Create("hld-2006", {}, 200 + i));
    for (int i = 0; i < 3; ++i)  // A decision rule of their own: a third scenario text.
      made.push_back(c.Create("classroom-8", {}, 300 + i, [](mf::CreateSessionRequest* r) {
        r->set_decision_rule(mf::MAJORITY);
      }));
    live_objects = server->scenario_objects_for_testing();
  }
  EXPECT_EQ(live_objects, 3u);
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  EXPECT_EQ(server->scenario_objects_for_testing(), 3u);
  Client c(server->address());
  for (const mf::CreateSessionResponse& s : made) {  // Every one restored as it was.
    const mf::GetRecordResponse rec = c.Record(s.session(), s.facilitator_token());
    EXPECT_EQ(ReplayHash(rec), rec.state_hash());
  }
  const std::string t = c.JoinOk(made.back().join_code(), 0);
  Watcher w(c.stub(), made.back().session(), t);
  auto v = w.WaitView([](const mf::View&) { return true; });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->decision_rule(), mf::MAJORITY);
}

TEST_F(ServerTest, WholeSessionByNetworkClientsAndBotsReachesFinalScores) {
  auto s = NewSession({2, 3, 4, 5, 6, 7});
  std::vector<std::future<net::PlayResult>> players;
  std::vector<std::string> tokens;
  for (int seat : {0, 1}) {
    tokens.push_back(client_->JoinOk(s.join_code(), seat));
    players.push_back(std::async(std::launch::async, [this, s, token = tokens.back()] {
      return net::PlaySeat(client_->stub(), s.session(), token, {});
    }));
  }
  for (auto& p : players) {
    const net::PlayResult r = p.get();
    EXPECT_TRUE(r.finished) << r.error;
    EXPECT_GT(r.actions, 0);
    EXPECT_EQ(r.last_view.phase(), mf::GAME_OVER);
    EXPECT_EQ(r.last_view.scores_size(), 8);  // Everyone's final score.
    EXPECT_FALSE(r.last_view.winners().empty());
  }
  const mf::GetRecordResponse rec = client_->Record(s.session(), s.facilitator_token());
  EXPECT_TRUE(rec.finished());
  bool terminal = false;
  EXPECT_EQ(ReplayHash(rec, &terminal), rec.state_hash());
  EXPECT_TRUE(terminal);
  // After the end: a player may read the record (the debrief), nobody joins
  // and nobody acts.
  EXPECT_EQ(client_->Record(s.session(), tokens[0]).state_hash(), rec.state_hash());
  mf::JoinSessionResponse j;
  EXPECT_EQ(client_->Join(s.join_code(), -1, &j).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client_->Act(s.session(), tokens[1], Ready()).error_code(),
            StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(client_->Record(s.session(), s.facilitator_token()).entries_size(), rec.entries_size());
}

TEST_F(ServerTest, ReconnectionMidPhaseGetsTheFullCurrentView) {
  auto s = NewSession();
  const std::string t0 = client_->JoinOk(s.join_code(), 0);
  const std::string t1 = client_->JoinOk(s.join_code(), 1);
  Watcher facilitator(client_->stub(), s.session(), s.facilitator_token());
  uint64_t version = 0;
  {
    Watcher first(client_->stub(), s.session(), t0);
    auto v = first.WaitView([](const mf::View&) { return true; });
    ASSERT_TRUE(v);
    EXPECT_EQ(v->viewer(), 0);
    EXPECT_FALSE(v->brief().stances().empty());  // Its own brief...
    EXPECT_TRUE(v->all_briefs().empty());        // ...and nobody else's.
    ASSERT_TRUE(facilitator.WaitFor([](const mf::ServerEvent& e) {
      return e.has_roster() && e.roster().seats(0).connected();
    }));
    ASSERT_TRUE(client_->Act(s.session(), t1, Ready()).ok());
    mf::ActResponse resp;
    ASSERT_TRUE(client_->Act(s.session(), t0, Ready(), v->version() + 1, &resp).ok());
    version = resp.version();
    ASSERT_TRUE(first.WaitView([&](const mf::View& x) { return x.version() == version; }));
  }
  // The facilitator sees the seat go.
  ASSERT_TRUE(facilitator.WaitFor([](const mf::ServerEvent& e) {
    return e.has_roster() && !e.roster().seats(0).connected() && e.roster().seats(0).claimed();
  }));
  // Someone else acts while seat 0 is away.
  const std::string t2 = client_->JoinOk(s.join_code(), 2);
  ASSERT_TRUE(client_->Act(s.session(), t2, Ready()).ok());
  Watcher again(client_->stub(), s.session(), t0);
  auto ev = again.WaitFor([](const mf::ServerEvent&) { return true; });
  ASSERT_TRUE(ev && ev->has_view());  // The first thing is the full view.
  EXPECT_EQ(ev->view().version(), version + 1);
  EXPECT_EQ(ev->view().phase(), mf::CIVIL_SOCIETY);
  EXPECT_TRUE(ev->view().seats(0).ready());
  EXPECT_TRUE(ev->view().seats(2).ready());
  EXPECT_FALSE(ev->view().brief().stances().empty());
  ASSERT_TRUE(facilitator.WaitFor(
      [](const mf::ServerEvent& e) { return e.has_roster() && e.roster().seats(0).connected(); }));
}

TEST_F(ServerTest, SeatHandedToABotAndBack) {
  auto s = NewSession();
  const std::string t1 = client_->JoinOk(s.join_code(), 1);
  Watcher w(client_->stub(), s.session(), t1);
  // Subscribed (its first view) before the handover: a notice is not replayed.
  ASSERT_TRUE(w.WaitFor([](const mf::ServerEvent& e) { return e.has_view(); }));
  mf::Action to_bot;
  to_bot.mutable_set_bot()->set_seat(1);
  to_bot.mutable_set_bot()->set_bot(true);
  ASSERT_TRUE(client_->Facilitate(s.session(), s.facilitator_token(), to_bot, "easy").ok());
  ASSERT_TRUE(w.WaitFor([](const mf::ServerEvent& e) {
    return e.has_notice() && e.notice().kind() == mf::Notice::SEAT_TO_BOT;
  }));
  // The bot plays the seat until it is ready; the person may not act meanwhile.
  ASSERT_TRUE(w.WaitView([](const mf::View& v) { return v.seats(1).ready(); }));
  const uint64_t before = RecordSize(s);
  mf::Action endorse;
  endorse.mutable_statement()->set_position(40);
  for (const mf::Action& a : {Ready(), endorse}) {
    const grpc::Status st = client_->Act(s.session(), t1, a);
    EXPECT_EQ(st.error_code(), StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(st.error_message(),
              "the facilitator handed your seat to a bot; ask them to hand it back");
  }
  EXPECT_EQ(RecordSize(s), before);
  mf::Action back = to_bot;
  back.mutable_set_bot()->set_bot(false);
  ASSERT_TRUE(client_->Facilitate(s.session(), s.facilitator_token(), back).ok());
  ASSERT_TRUE(w.WaitFor([](const mf::ServerEvent& e) {
    return e.has_notice() && e.notice().kind() == mf::Notice::SEAT_TO_HUMAN;
  }));
  // Back in human hands: the same statement is now the rules' to refuse (not
  // its phase), no longer the handover's.
  const uint64_t handed_back = RecordSize(s);
  EXPECT_EQ(handed_back, before + 1);  // The handover itself.
  const grpc::Status st = client_->Act(s.session(), t1, endorse);
  EXPECT_EQ(st.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(st.error_message().find("bot"), std::string::npos) << st.error_message();
  EXPECT_NE(st.error_message().find("statement"), std::string::npos) << st.error_message();
  EXPECT_EQ(RecordSize(s), handed_back);
}

TEST_F(ServerTest, IdleSeatGoesToABotAndComesBackOnReconnect) {
  auto s = client_->Create("classroom-8", {}, 7,
                           [](mf::CreateSessionRequest* r) { r->set_idle_handover_seconds(1); });
  const std::string t0 = client_->JoinOk(s.join_code(), 0);
  Watcher facilitator(client_->stub(), s.session(), s.facilitator_token());
  {
    Watcher w(client_->stub(), s.session(), t0);
    ASSERT_TRUE(w.WaitView([](const mf::View&) { return true; }));
  }
  ASSERT_TRUE(facilitator.WaitFor([](const mf::ServerEvent& e) {
    return e.has_roster() && e.roster().seats(0).bot() && e.roster().seats(0).auto_handover();
  }));
  Watcher back(client_->stub(), s.session(), t0);
  ASSERT_TRUE(back.WaitFor([](const mf::ServerEvent& e) {
    return e.has_notice() && e.notice().kind() == mf::Notice::SEAT_TO_HUMAN;
  }));
  ASSERT_TRUE(facilitator.WaitFor([](const mf::ServerEvent& e) {
    return e.has_roster() && !e.roster().seats(0).bot() && e.roster().seats(0).connected();
  }));
}

TEST_F(ServerTest, ASubscriberThatNeverReadsDoesNotStallTheSession) {
  auto s = client_->Create("classroom-8", {0, 1, 2, 3, 4, 5, 6, 7}, 7,
                           [](mf::CreateSessionRequest* r) { r->set_start_paused(true); });
  // A stream that is opened and never read...
  grpc::ClientContext idle_ctx;
  net::Authorize(&idle_ctx, s.facilitator_token());
  mf::SubscribeRequest req;
  req.set_session(s.session());
  auto idle = client_->stub()->Subscribe(&idle_ctx, req);
  Watcher w(client_->stub(), s.session(), s.facilitator_token());
  ASSERT_TRUE(w.WaitView([](const mf::View& v) { return v.paused(); }));
  mf::Action resume;
  resume.mutable_resume();
  ASSERT_TRUE(client_->Facilitate(s.session(), s.facilitator_token(), resume).ok());
  // ...while the bots play the whole game.
  ASSERT_TRUE(w.WaitView([](const mf::View& v) { return v.phase() == mf::GAME_OVER; }));
  EXPECT_TRUE(client_->Record(s.session(), s.facilitator_token()).finished());
  idle_ctx.TryCancel();
}

TEST_F(ServerTest, ChatReachesOnlyThoseWhoMaySeeIt) {
  auto s = NewSession();
  const std::string t0 = client_->JoinOk(s.join_code(), 0);  // Kalmara: not in narrow_sea.
  const std::string t1 = client_->JoinOk(s.join_code(), 1);  // Tamboro: in narrow_sea.
  const std::string t3 = client_->JoinOk(s.join_code(), 3);  // Marenza: in narrow_sea.
  Watcher w0(client_->stub(), s.session(), t0);
  Watcher w3(client_->stub(), s.session(), t3);
  Watcher wf(client_->stub(), s.session(), s.facilitator_token());
  for (Watcher* w : {&w0, &w3, &wf}) ASSERT_TRUE(w->WaitView([](const mf::View&) { return true; }));
  mf::Channel everyone, bilateral, caucus;
  everyone.set_everyone(true);
  bilateral.set_seat(1);
  caucus.set_caucus("narrow_sea");
  ASSERT_TRUE(client_->Chat(s.session(), t0, everyone, "hello all").ok());
  ASSERT_TRUE(client_->Chat(s.session(), t0, bilateral, "just us").ok());
  ASSERT_TRUE(client_->Chat(s.session(), t1, caucus, "route states only").ok());
  EXPECT_EQ(client_->Chat(s.session(), t0, caucus, "let me in").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(client_->Chat(s.session(), t0, everyone, std::string(501, 'x')).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(client_->Chat(s.session(), s.facilitator_token(), everyone, "the end marker").ok());
  auto texts = [](Watcher& w) {
    EXPECT_TRUE(w.WaitFor([](const mf::ServerEvent& e) {
      return e.has_chat() && e.chat().text() == "the end marker";
    }));
    std::vector<std::string> out;
    for (const auto& e : w.events())
      if (e.has_chat()) out.push_back(e.chat().text());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(texts(w0), (V{"hello all", "just us", "the end marker"}));
  EXPECT_EQ(texts(w3), (V{"hello all", "route states only", "the end marker"}));
  EXPECT_EQ(texts(wf), (V{"hello all", "just us", "route states only", "the end marker"}));
  EXPECT_EQ(client_->Record(s.session(), s.facilitator_token()).chat_size(), 4);
}

TEST_F(ServerTest, ThePhaseClockEndsAPhaseAndHonoursPause) {
  auto s = client_->Create("classroom-8", {}, 7, [](mf::CreateSessionRequest* r) {
    r->mutable_timers()->set_civil_society(1);
    r->mutable_timers()->set_statements(3600);
  });
  Watcher w(client_->stub(), s.session(), s.facilitator_token());
  auto v = w.WaitView([](const mf::View& x) { return x.phase() == mf::STATEMENTS; });
  ASSERT_TRUE(v);  // Nobody was ready: the clock ended civil society.
  const auto rec = client_->Record(s.session(), s.facilitator_token());
  ASSERT_GT(rec.entries_size(), 0);
  EXPECT_TRUE(rec.entries(rec.entries_size() - 1).entry().actor().clock());
  EXPECT_GT(v->seats_size(), 0);
  mf::Action pause;
  pause.mutable_pause();
  ASSERT_TRUE(client_->Facilitate(s.session(), s.facilitator_token(), pause).ok());
  auto paused =
      w.WaitFor([](const mf::ServerEvent& e) { return e.has_view() && e.view().paused(); });
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->phase_seconds_left(), 0);  // The clock stands still while paused.
}

TEST_F(ServerTest, OnlyAChangedChoiceMakesAViewStale) {
  auto s = NewSession();
  const std::string t0 = client_->JoinOk(s.join_code(), 0);
  const std::string t1 = client_->JoinOk(s.join_code(), 1);
  mf::Action resume;
  resume.mutable_resume();
  client_->Facilitate(s.session(), s.facilitator_token(), resume);  // If it was paused.
  Watcher w(client_->stub(), s.session(), t0);
  auto v = w.WaitView([](const mf::View& x) { return !x.paused(); });
  ASSERT_TRUE(v);
  const uint64_t seen = v->version();
  const mf::Phase phase = v->phase();
  // Another seat's readiness in between does not change seat 0's choice.
  ASSERT_TRUE(client_->Act(s.session(), t1, Ready()).ok());
  mf::ActResponse resp;
  ASSERT_TRUE(client_->Act(s.session(), t0, Ready(), seen, &resp).ok());
  EXPECT_EQ(resp.version(), seen + 2);
  // A new phase does: a decision taken on a view from the old one is refused
  // and changes nothing.
  mf::Action advance;
  advance.mutable_advance();
  ASSERT_TRUE(client_->Facilitate(s.session(), s.facilitator_token(), advance).ok());
  auto next = w.WaitView([&](const mf::View& x) { return x.phase() != phase; });
  ASSERT_TRUE(next);
  const uint64_t before = RecordSize(s);
  const grpc::Status st = client_->Act(s.session(), t1, Ready(), seen + 1);
  EXPECT_EQ(st.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("out of date"), std::string::npos) << st.error_message();
  EXPECT_EQ(RecordSize(s), before);
  // On the new view it goes through.
  EXPECT_TRUE(client_->Act(s.session(), t1, Ready(), next->version()).ok());
}

TEST_F(ServerTest, RefusalsCarryTheirStatusAndChangeNothing) {
  auto a = NewSession();
  auto b = NewSession();
  const std::string t0 = client_->JoinOk(a.join_code(), 0);
  const std::string t1 = client_->JoinOk(a.join_code(), 1);
  const std::string other = client_->JoinOk(b.join_code(), 0);
  const uint64_t before = RecordSize(a);
  const auto version = client_->Record(a.session(), a.facilitator_token()).version();
  auto code = [&](const grpc::Status& st) { return st.error_code(); };

  // Tokens.
  EXPECT_EQ(code(client_->Act(a.session(), "", Ready())), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(client_->Act(a.session(), "not-a-token", Ready())), StatusCode::UNAUTHENTICATED);
  std::string forged = t0;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(code(client_->Act(a.session(), forged, Ready())), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(client_->Act("feedfacefeedface", "feedfacefeedface.0.00", Ready())),
            StatusCode::NOT_FOUND);
  mf::JoinSessionResponse j;
  EXPECT_EQ(code(client_->Join("ZZZ-ZZZ", -1, &j)), StatusCode::NOT_FOUND);
  EXPECT_EQ(code(client_->Join(a.join_code(), 0, &j)), StatusCode::FAILED_PRECONDITION);  // Taken.

  // Other seats, other sessions, the facilitator's calls.
  EXPECT_EQ(code(client_->Act(a.session(), other, Ready())), StatusCode::PERMISSION_DENIED);
  mf::Action advance;
  advance.mutable_advance();
  EXPECT_EQ(code(client_->Facilitate(a.session(), t0, advance)), StatusCode::PERMISSION_DENIED);
  {
    // Only the host orders the agenda: a guest asking is not its turn.
    Watcher w(client_->stub(), a.session(), t0);
    auto v = w.WaitView([](const mf::View&) { return true; });
    ASSERT_TRUE(v);
    ASSERT_GE(v->agenda_size(), 2);
    mf::Action prioritise;
    prioritise.mutable_prioritise()->set_theme(v->agenda(1));
    const std::string& guest = v->seats(0).host() ? t1 : t0;
    EXPECT_EQ(code(client_->Act(a.session(), guest, prioritise)), StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(code(client_->Facilitate(a.session(), a.facilitator_token(), Ready())),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(code(client_->Act(a.session(), a.facilitator_token(), Ready())),
            StatusCode::PERMISSION_DENIED);

  // A version from the future, wrong phase, malformed, oversized.
  EXPECT_EQ(code(client_->Act(a.session(), t0, Ready(), version + 5)),
            StatusCode::INVALID_ARGUMENT);
  mf::Action vote;
  vote.mutable_vote()->set_choice(mf::SUPPORT);
  EXPECT_EQ(code(client_->Act(a.session(), t0, vote)), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(code(client_->Act(a.session(), t0, mf::Action())), StatusCode::INVALID_ARGUMENT);
  mf::Action statement;
  statement.mutable_statement()->set_position(50);
  statement.mutable_statement()->set_text(std::string(300, 'a'));
  EXPECT_EQ(code(client_->Act(a.session(), t0, statement)), StatusCode::INVALID_ARGUMENT);
  statement.mutable_statement()->set_text(std::string(100 * 1024, 'a'));
  EXPECT_EQ(code(client_->Act(a.session(), t0, statement)), StatusCode::RESOURCE_EXHAUSTED);

  // The store refuses writes: the action is not applied.
  server_->store_for_testing()->FailWritesForTesting(true);
  EXPECT_EQ(code(client_->Act(a.session(), t0, Ready())), StatusCode::UNAVAILABLE);
  server_->store_for_testing()->FailWritesForTesting(false);

  const auto after = client_->Record(a.session(), a.facilitator_token());
  EXPECT_EQ(static_cast<uint64_t>(after.entries_size()), before);
  EXPECT_EQ(after.version(), version);
  // And the same action goes through once the disk is back.
  EXPECT_TRUE(client_->Act(a.session(), t0, Ready(), version).ok());
}

// Press desks: joined with the join code as observers, each with its own
// token; a desk publishes reports through Act, one per phase; its token
// cannot vote, chat or publish as another desk, and a seat's token cannot
// publish; the record keeps the desks and replays to the server's hash.
TEST_F(ServerTest, PressDesksJoinPublishAndReplay) {
  auto s = client_->Create("classroom-8", {}, 11,
                           [](mf::CreateSessionRequest* r) { r->set_press_desks(2); });
  auto press_join = [&](mf::JoinSessionResponse* out) {
    mf::JoinSessionRequest req;
    req.set_join_code(s.join_code());
    req.set_display_name("Daily Planet");
    req.set_press(true);
    grpc::ClientContext ctx;
    return client_->stub()->JoinSession(&ctx, req, out);
  };
  mf::JoinSessionResponse d0, d1, d2;
  ASSERT_TRUE(press_join(&d0).ok());
  ASSERT_TRUE(press_join(&d1).ok());
  EXPECT_EQ(press_join(&d2).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(d0.seat(), -1);
  EXPECT_EQ(d0.press_desk(), 0);
  EXPECT_EQ(d1.press_desk(), 1);
  EXPECT_NE(d0.seat_token(), d1.seat_token());
  const std::string seat = client_->JoinOk(s.join_code(), 0);
  auto code = [&](const grpc::Status& st) { return st.error_code(); };

  mf::Action report;
  report.mutable_publish_report()->set_about(3);
  report.mutable_publish_report()->set_praise(false);
  report.mutable_publish_report()->set_text("Marenza stalls the talks.");
  const uint64_t before = RecordSize(s);
  // A seat's token cannot publish; a forged desk token is not a desk's.
  EXPECT_EQ(code(client_->Act(s.session(), seat, report)), StatusCode::PERMISSION_DENIED);
  std::string forged = d0.seat_token();
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(code(client_->Act(s.session(), forged, report)), StatusCode::UNAUTHENTICATED);
  // Desk 1's secret under desk 0's name is refused.
  std::string swapped = d1.seat_token();
  swapped.replace(swapped.find(".p1."), 4, ".p0.");
  EXPECT_EQ(code(client_->Act(s.session(), swapped, report)), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(RecordSize(s), before);
  // Published once; a second report in the same phase is over the limit.
  ASSERT_TRUE(client_->Act(s.session(), d0.seat_token(), report).ok());
  EXPECT_EQ(code(client_->Act(s.session(), d0.seat_token(), report)),
            StatusCode::FAILED_PRECONDITION);
  // A desk does not vote, say Ready or chat; oversize reports are refused.
  EXPECT_EQ(code(client_->Act(s.session(), d1.seat_token(), Ready())),
            StatusCode::PERMISSION_DENIED);
  mf::Channel everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(code(client_->Chat(s.session(), d1.seat_token(), everyone, "hello")),
            StatusCode::PERMISSION_DENIED);
  mf::Action big = report;
  big.mutable_publish_report()->set_text(std::string(281, 'a'));
  EXPECT_EQ(code(client_->Act(s.session(), d1.seat_token(), big)), StatusCode::INVALID_ARGUMENT);
  // The desk's stream shows its report and its desk.
  {
    Watcher w(client_->stub(), s.session(), d1.seat_token());
    auto v = w.WaitView([](const mf::View& v) { return v.press_reports_size() > 0; });
    ASSERT_TRUE(v);
    EXPECT_EQ(v->press_desk(), 1);
    EXPECT_EQ(v->press_desks(), 2);
    EXPECT_EQ(v->press_reports(0).text(), "Marenza stalls the talks.");
    EXPECT_EQ(v->press_reports_left(), 1);
  }
  const auto record = client_->Record(s.session(), s.facilitator_token());
  EXPECT_EQ(record.log().press_desks(), 2);
  ASSERT_EQ(static_cast<uint64_t>(record.entries_size()), before + 1);
  EXPECT_EQ(record.entries(record.entries_size() - 1).entry().actor().press(), 0);
  auto sc = LoadOrFail("classroom-8");
  std::vector<rules::LoggedAction> actions;
  std::string error;
  ASSERT_TRUE(rules::FromGameLog(record.log(), *sc, &actions, &error)) << error;
  rules::State replayed(sc, record.log().seed(), record.log().press_desks());
  ASSERT_TRUE(rules::Replay(&replayed, actions, &error)) << error;
  EXPECT_EQ(replayed.Hash(), record.state_hash());
  EXPECT_EQ(replayed.reports().size(), 1u);
  // A guessed desk token, in this session and in one without desks.
  const std::string guessed = std::string(48, 'a');
  auto plain = client_->Create("classroom-8");
  EXPECT_EQ(code(client_->Act(s.session(), s.session() + ".p1." + guessed, report)),
            StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(client_->Act(plain.session(), plain.session() + ".p0." + guessed, report)),
            StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(client_->Act(s.session(), s.session() + ".p99." + guessed, report)),
            StatusCode::UNAUTHENTICATED);
  // Sessions refuse a desk count out of range.
  mf::CreateSessionRequest bad;
  bad.set_scenario("classroom-8");
  bad.set_press_desks(65);
  grpc::ClientContext ctx;
  mf::CreateSessionResponse resp;
  EXPECT_EQ(client_->stub()->CreateSession(&ctx, bad, &resp).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST(ServerLimitsTest, FloodIsAnsweredWithResourceExhausted) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.rate_per_second = 5;
  o.rate_burst = 10;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client c(server->address());
  auto s = c.Create("classroom-8");
  const std::string t0 = c.JoinOk(s.join_code(), 0);
  const auto version = c.Record(s.session(), s.facilitator_token()).version();
  int exhausted = 0, refused = 0;
  for (int i = 0; i < 40; ++i) {
    // Always refused: a version the game has not reached.
    const grpc::Status st = c.Act(s.session(), t0, Ready(), version + 1);
    if (st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    if (st.error_code() == grpc::StatusCode::INVALID_ARGUMENT) ++refused;
  }
  EXPECT_GT(exhausted, 0);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(exhausted + refused, 40);
  const auto rec = c.Record(s.session(), s.facilitator_token());
  EXPECT_EQ(rec.version(), version);
}

// The classroom preset honours each scenario's own minutes: classroom-8's
// phase clocks add up to at most 40 minutes (a 45-minute lesson).
TEST(ResolveTimersTest, TheClassroomPresetHonoursTheScenariosMinutes) {
  mf::CreateSessionRequest r;
  r.set_timer_preset("classroom");
  server::PhaseClock clock;
  std::string why;
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) {
    SCOPED_TRACE(e.name);
    auto sc = LoadOrFail(e.name);
    ASSERT_TRUE(sc);
    ASSERT_TRUE(server::ResolveTimers(r, &clock, &why, sc.get())) << why;
    const int m = sc->proto().minutes_per_phase();
    EXPECT_EQ(clock.For(mf::CIVIL_SOCIETY), 60 * m);
    EXPECT_EQ(clock.For(mf::DRAFTING), 90 * m);
    double total = 0;
    for (const auto& items : sc->agenda()) {
      total += clock.For(mf::CIVIL_SOCIETY) + clock.For(mf::IMPLEMENTATION);
      if (sc->FormAllowed(mf::BINDING_CONVENTION)) total += clock.For(mf::RATIFICATION);
      total += static_cast<double>(items.size()) *
               (clock.For(mf::STATEMENTS) + clock.For(mf::DRAFTING) + clock.For(mf::DECISION));
    }
    EXPECT_DOUBLE_EQ(total / 60, rules::ClassroomMinutes(*sc));
    if (std::string(e.name) == "classroom-8") EXPECT_LE(total / 60, 40.0);
    if (std::string(e.name) == "classroom-8-double") {
      EXPECT_GT(total / 60, 40.0);
      EXPECT_LE(total / 60, 80.0);
    }
  }
  // Explicit timers still win over the preset.
  r.mutable_timers()->set_drafting(7);
  ASSERT_TRUE(server::ResolveTimers(r, &clock, &why, LoadOrFail("classroom-8").get()));
  EXPECT_EQ(clock.For(mf::DRAFTING), 7);
}

}  // namespace
}  // namespace mf::testing
