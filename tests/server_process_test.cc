// forumd as a real process: SIGKILL in the middle of a session and a restart
// on the same data folder lose no acknowledged action and the game finishes
// as its record replays; SIGTERM tells the streams and exits 0; the health
// service answers for mf.Forum. The binary's path is compiled in.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdio>
#include <future>

#include "fault_util.h"

namespace mf::testing {
namespace {

TEST(ServerProcessTest, SigkillMidSessionLosesNoAcknowledgedActionAndTheGameFinishes) {
  ScratchDir dir;
  std::vector<Ack> acks;
  mf::CreateSessionResponse s;
  std::vector<std::string> tokens;
  {
    ForumdProcess forumd(dir.path());
    ASSERT_FALSE(forumd.address().empty());
    Client c(forumd.address());
    // Seats 0-3 are played by this test, 4-7 by the server's bots (paced so
    // that they are still acting when the server dies).
    s = c.Create("classroom-8", {4, 5, 6, 7}, 11,
                 [](mf::CreateSessionRequest* r) { r->set_bot_pace_ms(3); });
    std::vector<std::unique_ptr<Watcher>> watchers;
    for (int seat = 0; seat < 4; ++seat) {
      tokens.push_back(c.JoinOk(s.join_code(), seat));
      watchers.push_back(std::make_unique<Watcher>(c.stub(), s.session(), tokens.back()));
    }
    for (int step = 0; step < 4000 && acks.size() < 40; ++step) {
      const int seat = step % 4;
      auto v = watchers[static_cast<size_t>(seat)]->Latest();
      mf::Action a;
      if (!v || !bots::LightPolicy(*v, &a)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      mf::ActResponse resp;
      if (c.Act(s.session(), tokens[static_cast<size_t>(seat)], a, v->version(), &resp).ok())
        acks.push_back({seat, a, resp.version()});
    }
    ASSERT_GE(acks.size(), 40u);
    EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  }

  ForumdProcess again(dir.path());
  ASSERT_FALSE(again.address().empty());
  Client c(again.address());
  const mf::GetRecordResponse rec = c.Record(s.session(), s.facilitator_token());
  ASSERT_FALSE(rec.finished());
  for (const Ack& a : acks) {
    ASSERT_LE(a.version, static_cast<uint64_t>(rec.entries_size())) << "acknowledged action lost";
    const mf::RecordEntry& e = rec.entries(static_cast<int>(a.version - 1));
    EXPECT_EQ(e.seq(), a.version);
    EXPECT_EQ(e.entry().actor().seat(), a.seat);
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equivalent(e.entry().action(), a.action))
        << e.entry().action().ShortDebugString() << " vs " << a.action.ShortDebugString();
  }
  // The record replays to the state the server rebuilt.
  EXPECT_EQ(ReplayHash(rec), rec.state_hash());
  // The players come back with their tokens: their views are there.
  Watcher back(c.stub(), s.session(), tokens[0]);
  auto v = back.WaitView([](const mf::View&) { return true; });
  ASSERT_TRUE(v);
  EXPECT_GE(v->version(), rec.version());
  // Hand the people's seats to bots; the game runs to its end.
  Watcher fac(c.stub(), s.session(), s.facilitator_token());
  for (int seat = 0; seat < 4; ++seat) {
    mf::Action to_bot;
    to_bot.mutable_set_bot()->set_seat(seat);
    to_bot.mutable_set_bot()->set_bot(true);
    ASSERT_TRUE(c.Facilitate(s.session(), s.facilitator_token(), to_bot).ok());
  }
  ASSERT_TRUE(fac.WaitView([](const mf::View& x) { return x.phase() == mf::GAME_OVER; }));
  const mf::GetRecordResponse end = c.Record(s.session(), s.facilitator_token());
  EXPECT_TRUE(end.finished());
  for (int i = 0; i < rec.entries_size(); ++i)  // The old record is a prefix of the new one.
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(rec.entries(i), end.entries(i)));
  bool terminal = false;
  EXPECT_EQ(ReplayHash(end, &terminal), end.state_hash());
  EXPECT_TRUE(terminal);
  EXPECT_EQ(again.Stop(SIGTERM), 0);

  // A finished session stays queryable after another restart.
  ForumdProcess third(dir.path());
  ASSERT_FALSE(third.address().empty());
  Client c3(third.address());
  const mf::GetRecordResponse archived = c3.Record(s.session(), s.facilitator_token());
  EXPECT_TRUE(archived.finished());
  EXPECT_EQ(archived.entries_size(), end.entries_size());
  EXPECT_EQ(archived.state_hash(), end.state_hash());
  EXPECT_EQ(c3.Record(s.session(), tokens[2]).state_hash(), end.state_hash());  // The debrief.
  grpc::ClientContext ctx;
  net::Authorize(&ctx, s.facilitator_token());
  mf::ListSessionsRequest list;
  list.set_include_finished(true);
  mf::ListSessionsResponse sessions;
  ASSERT_TRUE(c3.stub()->ListSessions(&ctx, list, &sessions).ok());
  ASSERT_EQ(sessions.sessions_size(), 1);
  EXPECT_TRUE(sessions.sessions(0).finished());
  EXPECT_EQ(third.Stop(SIGTERM), 0);
}

// Moves the stored times of session `id` (its creation and its actions with
// seq in [from_seq, to_seq]) by `delta_ms`. forumd reads the phase clock back
// from these times when it restarts, so this is how the test makes time pass
// (no sleeping, no windows of wall-clock time).
void ShiftTimes(const std::string& db_path, const std::string& id, int64_t delta_ms,
                int64_t from_seq, int64_t to_seq, bool created) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  const std::string d = std::to_string(delta_ms);
  auto exec = [db](const std::string& sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "") << " in " << sql;
    sqlite3_free(err);
    return sqlite3_changes(db);
  };
  exec("UPDATE actions SET at_ms = at_ms + " + d + " WHERE session = '" + id +
       "' AND seq BETWEEN " + std::to_string(from_seq) + " AND " + std::to_string(to_seq));
  if (created) {
    EXPECT_EQ(
        exec("UPDATE sessions SET created_ms = created_ms + " + d + " WHERE id = '" + id + "'"), 1);
  }
  sqlite3_close(db);
}

// The phase in progress goes on after a restart with the time it had left
// (paused or not); one that ran out during the outage gets a short grace.
// The time that passed is injected into the stored record (ShiftTimes); the
// only real time is the test's own, measured, which can only lower the
// figures: each is checked within [expected - elapsed, expected].
TEST(ServerProcessTest, ThePhaseClockResumesWhereItStoodAfterARestart) {
  const auto t0 = std::chrono::steady_clock::now();
  ScratchDir dir;
  auto seconds_left = [](Client* c, const mf::CreateSessionResponse& s, mf::Phase* phase) {
    Watcher w(c->stub(), s.session(), s.facilitator_token());
    int left = -1;
    w.WaitFor([&](const mf::ServerEvent& e) {
      if (!e.has_view()) return false;
      left = e.phase_seconds_left();
      *phase = e.view().phase();
      return true;
    });
    return left;
  };
  auto all_phases = [](int secs) {
    return [secs](mf::CreateSessionRequest* r) {
      auto* t = r->mutable_timers();
      t->set_civil_society(secs);
      t->set_statements(secs);
      t->set_drafting(secs);
      t->set_decision(secs);
      t->set_ratification(secs);
      t->set_implementation(secs);
    };
  };
  mf::Action resume, pause;
  resume.mutable_resume();
  pause.mutable_pause();
  mf::CreateSessionResponse running, paused, lapsed;
  mf::Phase phase_running{}, phase_paused{}, phase_lapsed{};
  int64_t paused_at = 0;  // The pause's place in its record.
  {
    ForumdProcess forumd(dir.path());
    ASSERT_FALSE(forumd.address().empty());
    Client c(forumd.address());
    running = c.Create("classroom-8", {}, 1, all_phases(600));
    paused = c.Create("classroom-8", {}, 2, all_phases(600));
    lapsed = c.Create("classroom-8", {}, 3, all_phases(40));
    for (const auto* s : {&running, &paused, &lapsed})
      c.Facilitate(s->session(), s->facilitator_token(), resume);  // If created paused.
    ASSERT_TRUE(c.Facilitate(paused.session(), paused.facilitator_token(), pause).ok());
    paused_at = c.Record(paused.session(), paused.facilitator_token()).entries_size();
    EXPECT_EQ(seconds_left(&c, paused, &phase_paused), 0);  // 0 while paused...
    EXPECT_EQ(seconds_left(&c, running, &phase_running), 600);
    EXPECT_EQ(seconds_left(&c, lapsed, &phase_lapsed), 40);
    EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  }
  // Time passes (in the record): `running` began its phase 100 s ago;
  // `paused` ran 100 s, then stayed paused for 100 s (the outage included);
  // `lapsed`'s 40 s phase ran out during the outage.
  const std::string db = dir.path() + "/forum.db";
  ShiftTimes(db, running.session(), -100000, 1, 1 << 30, true);
  ShiftTimes(db, paused.session(), -200000, 1, paused_at - 1, true);
  ShiftTimes(db, paused.session(), -100000, paused_at, paused_at, false);
  ShiftTimes(db, lapsed.session(), -100000, 1, 1 << 30, true);
  ForumdProcess again(dir.path());
  ASSERT_FALSE(again.address().empty());
  Client c(again.address());
  mf::Phase phase{};
  // The real time since the sessions began, in whole seconds, rounded up.
  auto elapsed = [&t0] {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    return static_cast<int>((ms + 999) / 1000);
  };
  // 100 s of its 600 are gone: not 600 again.
  const int left = seconds_left(&c, running, &phase);
  EXPECT_EQ(phase, phase_running);
  EXPECT_LE(left, 500);
  EXPECT_GE(left, 500 - elapsed());
  // Paused at the kill: still paused, and resuming gives back what it had
  // (500 s), not the full phase and not minus the 100 s it was paused.
  EXPECT_EQ(seconds_left(&c, paused, &phase), 0);
  EXPECT_EQ(phase, phase_paused);
  ASSERT_TRUE(c.Facilitate(paused.session(), paused.facilitator_token(), resume).ok());
  const int resumed = seconds_left(&c, paused, &phase);
  EXPECT_EQ(phase, phase_paused);
  EXPECT_LE(resumed, 500);
  EXPECT_GE(resumed, 500 - elapsed());
  // Ran out during the outage: the same phase, with its grace (30 s, less
  // than its full 40 s).
  const int grace = seconds_left(&c, lapsed, &phase);
  EXPECT_EQ(phase, phase_lapsed);
  EXPECT_LE(grace, 30);
  EXPECT_GE(grace, 30 - elapsed());
  std::printf(
      "server: after the restart %d s left of 500 (running), %d of 500 (resumed), grace %d of 30; "
      "%d s of real time\n",
      left, resumed, grace, elapsed());
  EXPECT_EQ(again.Stop(SIGTERM), 0);
}

TEST(ServerProcessTest, SigtermTellsTheStreamsAndExitsZero) {
  ScratchDir dir;
  ForumdProcess::Options full_sync;
  full_sync.flags = {"--sync", "full"};
  ForumdProcess forumd(dir.path(), full_sync);
  ASSERT_FALSE(forumd.address().empty());
  Client c(forumd.address());

  // gRPC health checking answers SERVING for the service name.
  {
    grpc::GenericStub generic(net::Connect(forumd.address()));
    const std::string name = "mf.Forum";
    const std::string request = std::string("\x0a", 1) + static_cast<char>(name.size()) + name;
    grpc::Slice slice(request);
    grpc::ByteBuffer req(&slice, 1), resp;
    grpc::ClientContext ctx;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &req, &resp,
                      [&done](grpc::Status st) { done.set_value(st); });
    ASSERT_TRUE(done.get_future().get().ok());
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(resp.Dump(&slices).ok());
    std::string bytes;
    for (const auto& sl : slices)
      bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
    EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
  }

  auto s = c.Create("classroom-8");
  const std::string t0 = c.JoinOk(s.join_code(), 0);
  Watcher w(c.stub(), s.session(), t0);
  ASSERT_TRUE(w.WaitView([](const mf::View&) { return true; }));
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
  EXPECT_TRUE(w.WaitFor([](const mf::ServerEvent& e) {
    return e.has_notice() && e.notice().kind() == mf::Notice::SHUTTING_DOWN;
  }));
  const grpc::Status st = w.WaitEnd();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(st.error_message(), "server shutting down");
}

}  // namespace
}  // namespace mf::testing
