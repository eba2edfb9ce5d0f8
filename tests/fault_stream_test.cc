// Stream faults against an in-process forumd (label "fault"): reconnect
// storms (many clients dropping and resubscribing at once) and stuck or slow
// subscribers. Only counts are asserted, never durations.
#include <algorithm>
#include <future>

#include "fault_util.h"

namespace mf::testing {
namespace {

using grpc::StatusCode;

mf::Action SetBot(int seat, bool bot) {
  mf::Action a;
  a.mutable_set_bot()->set_seat(seat);
  a.mutable_set_bot()->set_bot(bot);
  return a;
}

TEST(FaultStreams, ReconnectStormsEveryoneGetsTheFullViewAndTheSessionGoesOn) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  // Seats 0-3 are people (played by `players`), 4-7 bots.
  auto s = c.Create("classroom-8", {4, 5, 6, 7}, 21,
                    [](mf::CreateSessionRequest* r) { r->set_bot_pace_ms(5); });
  std::vector<std::pair<int, std::string>> seats;
  for (int seat = 0; seat < 4; ++seat) seats.emplace_back(seat, c.JoinOk(s.join_code(), seat));

  Players players(server->address(), s.session(), seats);
  const int storms = Scaled(6, 2);
  const int per_token = Scaled(4, 2), spectators = Scaled(40, 10);
  // Clients spread over connections of their own, as in a classroom.
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(std::make_unique<Client>(server->address()));
  size_t streams_total = 0, full_views = 0;
  uint64_t last_version = 0;
  for (int storm = 0; storm < storms; ++storm) {
    const uint64_t before = c.Record(s.session(), s.facilitator_token()).version();
    std::vector<std::unique_ptr<Watcher>> ws;
    size_t n = 0;
    auto next_stub = [&] { return clients[n++ % clients.size()]->stub(); };
    for (int k = 0; k < per_token; ++k) {
      for (const auto& [seat, token] : seats)
        ws.push_back(std::make_unique<Watcher>(next_stub(), s.session(), token));
      ws.push_back(std::make_unique<Watcher>(next_stub(), s.session(), s.facilitator_token()));
    }
    for (int k = 0; k < spectators; ++k)
      ws.push_back(std::make_unique<Watcher>(next_stub(), s.session(), "", s.join_code()));
    // Every stream starts with the complete current view.
    for (auto& w : ws) {
      auto ev = w->WaitFor([](const mf::ServerEvent& e) { return e.has_view(); });
      ASSERT_TRUE(ev) << "a reconnecting stream got no view in storm " << storm;
      EXPECT_FALSE(ev->static_omitted());
      EXPECT_FALSE(ev->view().themes().empty());
      EXPECT_GE(ev->view().version(), before);
      last_version = std::max(last_version, ev->view().version());
      ++full_views;
    }
    streams_total += ws.size();
    // ...and all of them drop at once.
    for (auto& w : ws) w->Cancel();
    ws.clear();
  }
  EXPECT_EQ(full_views, streams_total);
  // The session went on through the storms and nothing is left subscribed.
  const size_t acks_before = players.acks();
  const mf::GetRecordResponse mid = RecordWhen(
      c, s.session(), s.facilitator_token(),
      [&](const mf::GetRecordResponse& r) { return r.finished() || players.acks() > acks_before; });
  EXPECT_TRUE(mid.finished() || players.acks() > acks_before);
  mf::Roster roster;
  for (int i = 0; i < 500; ++i) {
    roster = c.Roster(s.session(), s.facilitator_token());
    if (roster.spectator_streams() == 0 && roster.facilitator_streams() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(roster.spectator_streams(), 0);
  EXPECT_EQ(roster.facilitator_streams(), 0);
  // The players' own streams came through the storms (unless the game ended
  // meanwhile: its end closes every stream).
  const bool ended = c.Record(s.session(), s.facilitator_token()).finished();
  for (int seat = 0; seat < 4 && !ended; ++seat) EXPECT_TRUE(roster.seats(seat).connected());
  players.Stop();
  const std::vector<Ack> acks = players.TakeAcks();
  for (const auto& [seat, token] : seats)
    c.Facilitate(s.session(), s.facilitator_token(), SetBot(seat, true));
  const mf::GetRecordResponse end =
      RecordWhen(c, s.session(), s.facilitator_token(),
                 [](const mf::GetRecordResponse& r) { return r.finished(); });
  EXPECT_TRUE(end.finished());
  EXPECT_TRUE(Replays(end));
  EXPECT_TRUE(AcksInRecord(acks, end));
  std::printf(
      "fault: %d reconnect storms, %zu streams dropped and resubscribed, all got the full "
      "view; %zu actions acknowledged meanwhile\n",
      storms, streams_total, acks.size());
}

TEST(FaultStreams, StuckAndSlowSubscribersDoNotHoldUpTheOthers) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.stream_queue = 64;          // Chat a stuck stream may owe before it is closed.
  o.slow_stream_seconds = 600;  // Never by the clock here: by the queue.
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client c(server->address());
  auto s = c.Create("classroom-8", {0, 1, 2, 3, 4, 5, 6, 7}, 31, [](mf::CreateSessionRequest* r) {
    r->set_start_paused(true);
    r->set_bot_pace_ms(1);
  });
  // Twenty stuck subscribers on connections of their own: they never read.
  const int stuck_n = Scaled(20, 5);
  std::vector<std::unique_ptr<RawStream>> stuck;
  for (int i = 0; i < stuck_n; ++i)
    stuck.push_back(
        i % 2 ? std::make_unique<RawStream>(server->address(), s.session(), s.facilitator_token())
              : std::make_unique<RawStream>(server->address(), s.session(), "", s.join_code()));
  // And one normal subscriber.
  Watcher fast(c.stub(), s.session(), s.facilitator_token());
  ASSERT_TRUE(fast.WaitView([](const mf::View& v) { return v.paused(); }));

  // The facilitator talks: more than the stuck streams' connections buffer
  // and their queues hold...
  mf::Channel everyone;
  everyone.set_everyone(true);
  const int chats = 400;
  for (int i = 0; i < chats; ++i)
    ASSERT_TRUE(c.Chat(s.session(), s.facilitator_token(), everyone,
                       std::to_string(i) + ": " + std::string(480, 'n'))
                    .ok());
  ASSERT_TRUE(fast.WaitFor([&](const mf::ServerEvent& e) {
    return e.has_chat() && e.chat().serial() == static_cast<uint64_t>(chats);
  }));
  // A slow subscriber joins: it reads nothing until the game is over (its
  // connection's window fills after a view or two), then everything.
  RawStream slow(server->address(), s.session(), s.facilitator_token(), "", 1);
  std::promise<void> game_over;
  std::shared_future<void> game_over_seen = game_over.get_future().share();
  std::vector<uint64_t> slow_versions;
  std::thread slow_reader([&] {
    mf::ServerEvent ev;
    if (!slow.reader->Read(&ev)) return;  // The first view is written at once.
    if (ev.has_view()) slow_versions.push_back(ev.view().version());
    game_over_seen.wait();
    while (slow.reader->Read(&ev))
      if (ev.has_view()) slow_versions.push_back(ev.view().version());
    slow.reader->Finish();
  });
  // ...and the bots play the whole game.
  mf::Action resume;
  resume.mutable_resume();
  ASSERT_TRUE(c.Facilitate(s.session(), s.facilitator_token(), resume).ok());
  const bool over =
      fast.WaitView([](const mf::View& v) { return v.phase() == mf::GAME_OVER; }).has_value();
  game_over.set_value();
  slow_reader.join();
  ASSERT_TRUE(over) << "the game did not reach its end past the stuck subscribers";
  const mf::GetRecordResponse end = c.Record(s.session(), s.facilitator_token());
  ASSERT_TRUE(end.finished());
  EXPECT_TRUE(Replays(end));

  // The normal subscriber got every chat message and many views.
  int fast_chats = 0, fast_views = 0;
  for (const auto& e : fast.events()) {
    fast_chats += e.has_chat() ? 1 : 0;
    fast_views += e.has_view() ? 1 : 0;
  }
  EXPECT_EQ(fast_chats, chats);
  EXPECT_GT(fast_views, 10);
  // The slow one had its views coalesced: far fewer views than the game had
  // changes since it subscribed, in order, the last of them the final one.
  ASSERT_FALSE(slow_versions.empty());
  const uint64_t changes = end.version() - slow_versions.front();
  EXPECT_GT(changes, 100u);
  EXPECT_LT(slow_versions.size(), changes / 4) << "the slow subscriber's views were not coalesced";
  EXPECT_EQ(slow_versions.back(), end.version());
  EXPECT_TRUE(std::is_sorted(slow_versions.begin(), slow_versions.end()));
  const int slow_views = static_cast<int>(slow_versions.size());
  // The stuck ones were closed RESOURCE_EXHAUSTED "client too slow" (read
  // now: first what was buffered, then the status).
  int too_slow = 0;
  for (auto& st : stuck) {
    mf::ServerEvent ev;
    while (st->reader->Read(&ev)) {
    }
    const grpc::Status status = st->reader->Finish();
    if (status.error_code() == StatusCode::RESOURCE_EXHAUSTED &&
        status.error_message().find("too slow") != std::string::npos)
      ++too_slow;
  }
  EXPECT_EQ(too_slow, stuck_n);
  std::printf(
      "fault: %d stuck subscribers closed \"client too slow\"; the normal subscriber got "
      "%d/%d chat messages and %d views of %d actions; the slow one %d views of %d changes\n",
      too_slow, fast_chats, chats, fast_views, end.entries_size(), slow_views,
      static_cast<int>(changes));
}

}  // namespace
}  // namespace mf::testing
