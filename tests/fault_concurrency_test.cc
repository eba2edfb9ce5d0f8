// The server's concurrency (label "fault"; the tsan stage of tools/test.sh
// runs it under ThreadSanitizer). First without gRPC in the way, where TSan
// sees every synchronisation: the registry, the sessions' strands on a pool
// of threads, the store's writer thread and the token mutex, driven from many
// threads at once while bots play, the disk fails and recovers, finished
// sessions move to the archive and the server shuts down. Then the real
// streams (server/service.cc's StreamSink and StreamReactor) over real
// connections: subscribers coming and going, stuck ones closed, chat and
// views pushed from the strands while gRPC's threads finish writes, and a
// shutdown in the middle of it all.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "fault_util.h"
#include "rules/playout.h"
#include "rules/rng.h"
#include "rules/scenario.h"
#include "server/registry.h"
#include "server/store.h"
#include "test_scale.h"

namespace mf::testing {
namespace {

using server::Caller;
using server::Outcome;

// Counts asynchronous completions.
class Pending {
 public:
  void Add(int n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    left_ += n;
  }
  void Done() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--left_ == 0) cv_.notify_all();
  }
  bool Wait(std::chrono::seconds limit = std::chrono::seconds(120)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int left_ = 0;
};

// A stream as the session sees it: counts what it is given.
class CountingSink final : public server::Sink {
 public:
  void PushLatest(int, std::shared_ptr<const mf::ServerEvent> e) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++latest_;
    if (e->has_view()) version_ = std::max<uint64_t>(version_, e->view().version());
  }
  void PushQueued(std::shared_ptr<const mf::ServerEvent>) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++queued_;
  }
  void Close(grpc::StatusCode code, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    code_ = code;
  }
  int latest() {
    std::lock_guard<std::mutex> lock(mu_);
    return latest_;
  }
  bool closed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  grpc::StatusCode close_code() {
    std::lock_guard<std::mutex> lock(mu_);
    return code_;
  }

 private:
  std::mutex mu_;
  int latest_ = 0, queued_ = 0;
  uint64_t version_ = 0;
  bool closed_ = false;
  grpc::StatusCode code_ = grpc::StatusCode::OK;
};

struct Live {
  mf::CreateSessionResponse created;
  std::vector<std::string> tokens;  // Seats 0-3.
};

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = TestOptions(dir_.path());
    options_.archive_after_seconds = 0;
    // These tests flood the registry from several threads on purpose: the
    // per-token rate limit (tested in the security suite) stays out of the way.
    options_.rate_per_second = 1e9;
    options_.rate_burst = 1e9;
    std::string error;
    store_ = server::Store::Open(dir_.path(), false, &error);
    ASSERT_TRUE(store_) << error;
    work_ = std::make_unique<Work>(io_.get_executor());
    for (int i = 0; i < 3; ++i) threads_.emplace_back([this] { io_.run(); });
    registry_ = std::make_unique<server::Registry>(io_, store_.get(), options_);
    ASSERT_TRUE(registry_->Init(&error)) << error;
  }
  void TearDown() override {
    if (registry_) {
      Pending down;
      down.Add();
      registry_->Shutdown([&] { down.Done(); });
      EXPECT_TRUE(down.Wait());
    }
    if (store_) store_->Close();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    registry_.reset();
    store_.reset();
  }

  // A new session (bots only: unless the disk refuses it, it plays to the end by itself).
  Live Create(bool bots_in_every_seat, bool may_fail = false) {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_seed(5);
    for (int s = bots_in_every_seat ? 0 : 4; s < 8; ++s) req.add_bots()->set_seat(s);
    Live out;
    Pending p;
    p.Add();
    registry_->Create(req, [&](Outcome o, const mf::CreateSessionResponse& r) {
      EXPECT_TRUE(o.ok() || (may_fail && o.code == grpc::StatusCode::UNAVAILABLE)) << o.message;
      out.created = r;
      p.Done();
    });
    EXPECT_TRUE(p.Wait());
    if (bots_in_every_seat) return out;
    auto session = registry_->FindByCode(out.created.join_code());
    EXPECT_TRUE(session);
    for (int seat = 0; seat < 4 && session; ++seat) {
      p.Add();
      session->Join("p" + std::to_string(seat), seat,
                    [&](Outcome o, const mf::JoinSessionResponse& r) {
                      EXPECT_TRUE(o.ok()) << o.message;
                      out.tokens.push_back(r.seat_token());
                      p.Done();
                    });
      EXPECT_TRUE(p.Wait());
    }
    return out;
  }

  std::shared_ptr<mf::GetRecordResponse> Record(const Live& s) {
    Caller caller;
    EXPECT_TRUE(
        registry_->Authorize(s.created.facilitator_token(), s.created.session(), &caller).ok());
    std::shared_ptr<mf::GetRecordResponse> out;
    Pending p;
    p.Add();
    auto done = [&](Outcome o, std::shared_ptr<mf::GetRecordResponse> r) {
      EXPECT_TRUE(o.ok()) << o.message;
      out = r;
      p.Done();
    };
    if (caller.archived)
      registry_->ArchivedRecord(s.created.session(), done);
    else
      caller.session->Record(server::kFacilitator, done);
    EXPECT_TRUE(p.Wait());
    return out;
  }

  using Work = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  ScratchDir dir_;
  server::ServerOptions options_;
  boost::asio::io_context io_;
  std::unique_ptr<Work> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<server::Store> store_;
  std::unique_ptr<server::Registry> registry_;
};

TEST_F(ConcurrencyTest, ManyThreadsOnTheSameSessionsWhileBotsPlayAndTheDiskFails) {
  std::vector<Live> sessions;
  for (int k = 0; k < 3; ++k) sessions.push_back(Create(false));
  const int ops = Scaled(400, 60);
  std::atomic<int> ok{0}, refused{0}, unavailable{0};
  std::atomic<bool> stop{false};
  Pending pending;

  // The disk fails and comes back, over and over.
  std::thread disk([&] {
    for (int i = 0; !stop; ++i) {
      store_->FailWritesForTesting(i % 2 == 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    store_->FailWritesForTesting(false);
  });
  // Sessions played by bots only are created, finish and are archived.
  std::thread creator([&] {
    for (int i = 0; i < Scaled(12, 4); ++i) Create(true, true);
  });
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&, c] {
      rules::Rng rng(static_cast<uint64_t>(c) + 1);
      std::vector<std::pair<std::shared_ptr<server::Session>, uint64_t>> subs;
      for (int i = 0; i < ops; ++i) {
        const Live& s = sessions[rng.Below(static_cast<uint32_t>(sessions.size()))];
        const int seat = static_cast<int>(rng.Below(4));
        const bool facilitator = rng.Below(5) == 0;
        const std::string& token =
            facilitator ? s.created.facilitator_token() : s.tokens[static_cast<size_t>(seat)];
        Caller caller;
        const Outcome a = registry_->Authorize(token, s.created.session(), &caller);
        ASSERT_TRUE(a.ok()) << a.message;
        if (!caller.session) {  // Its game ended and it went to the archive.
          ++refused;
          continue;
        }
        auto count = [&](const Outcome& o) {
          (o.ok() ? ok : o.code == grpc::StatusCode::UNAVAILABLE ? unavailable : refused)++;
          pending.Done();
        };
        pending.Add();
        switch (rng.Below(6)) {
          case 0:
          case 1: {
            mf::Action act;
            if (facilitator && rng.Below(3) == 0)
              act.mutable_advance();
            else
              act.mutable_ready();
            caller.session->Act(caller.slot, act, std::nullopt, "",
                                [count](Outcome o, uint64_t, mf::Phase) { count(o); });
            break;
          }
          case 2: {
            mf::Channel everyone;
            everyone.set_everyone(true);
            caller.session->Chat(caller.slot, everyone, "m" + std::to_string(i),
                                 [count](Outcome o, uint64_t) { count(o); });
            break;
          }
          case 3: {
            auto sink = std::make_shared<CountingSink>();
            subs.emplace_back(caller.session, caller.session->Subscribe(caller.slot, sink, 5));
            if (subs.size() > 4) {
              subs.front().first->Unsubscribe(subs.front().second);
              subs.erase(subs.begin());
            }
            count(Outcome::Ok());
            break;
          }
          case 4:
            caller.session->Record(
                caller.slot,
                [count](Outcome o, std::shared_ptr<mf::GetRecordResponse>) { count(o); });
            break;
          default:
            if (facilitator)
              registry_->ListSessions(
                  caller, true, [count](const mf::ListSessionsResponse&) { count(Outcome::Ok()); });
            else
              caller.session->Roster(
                  [count](std::shared_ptr<mf::Roster>) { count(Outcome::Ok()); });
            break;
        }
      }
      for (auto& [session, id] : subs) session->Unsubscribe(id);
    });
  }
  for (auto& t : clients) t.join();
  creator.join();
  ASSERT_TRUE(pending.Wait()) << "a request was never answered";
  stop = true;
  disk.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(unavailable.load(), 0);  // The failing disk was seen...
  // ...and whatever was acknowledged or refused, every record replays.
  for (const Live& s : sessions) {
    auto rec = Record(s);
    ASSERT_TRUE(rec);
    EXPECT_EQ(ReplayHash(*rec), rec->state_hash());
  }
  std::printf(
      "fault: %d threads x %d requests: %d OK, %d refused, %d refused by the failing disk\n", 6,
      ops, ok.load(), refused.load(), unavailable.load());
}

// Commits do not checkpoint the WAL (that held their thread, a gRPC one, for
// milliseconds); the store's own thread does, every second, while sessions
// go on writing: the database file grows while they run, and the WAL does
// not keep every action ever written.
TEST_F(ConcurrencyTest, TheWalIsCheckpointedWhileSessionsWrite) {
  namespace fs = std::filesystem;
  const fs::path db = fs::path(dir_.path()) / "forum.db";
  const auto initial = fs::file_size(db);
  for (int i = 0; i < 5; ++i) Create(true);  // Bots in every seat: they play on by themselves.
  bool grew = false;
  for (int i = 0; i < 200 && !grew; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    grew = fs::file_size(db) > initial + 100 * 1024;
  }
  EXPECT_TRUE(grew) << "forum.db stayed at " << fs::file_size(db) << " bytes (" << initial
                    << " at the start): the WAL was never checkpointed";
}

TEST_F(ConcurrencyTest, ShutdownWhileRequestsArrive) {
  std::vector<Live> sessions;
  for (int k = 0; k < 2; ++k) sessions.push_back(Create(false));
  // Requests counted by whether they were issued after the shutdown had
  // completed; those must all be refused, the stream ones closed.
  std::atomic<bool> down_done{false}, stop{false};
  std::atomic<int> issued{0}, answered{0}, issued_after{0}, refused_after{0}, wrong_after{0};
  std::atomic<int> streams_after{0};
  std::mutex sinks_mu;
  std::vector<std::shared_ptr<CountingSink>> sinks_after;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      const Live& s = sessions[static_cast<size_t>(c % 2)];
      while (!stop) {
        Caller caller;
        const Outcome a = registry_->Authorize(s.tokens[static_cast<size_t>(c % 4)],
                                               s.created.session(), &caller);
        ASSERT_TRUE(a.ok()) << a.message;
        ASSERT_TRUE(caller.session);
        mf::Action ready;
        ready.mutable_ready();
        const bool after = down_done.load();
        ++issued;
        if (after) ++issued_after;
        caller.session->Act(
            caller.slot, ready, std::nullopt, "", [&, after](Outcome o, uint64_t, mf::Phase) {
              if (after) {
                const bool refused = o.code == grpc::StatusCode::UNAVAILABLE &&
                                     o.message.find("shutting down") != std::string::npos;
                ++(refused ? refused_after : wrong_after);
              }
              ++answered;
            });
        auto sink = std::make_shared<CountingSink>();
        caller.session->Unsubscribe(caller.session->Subscribe(caller.slot, sink, 0));
        if (after) {
          ++streams_after;
          std::lock_guard<std::mutex> lock(sinks_mu);
          if (sinks_after.size() < 200) sinks_after.push_back(sink);
        }
        std::this_thread::yield();
      }
    });
  // Waits (bounded, for failures only) until `pred` holds.
  auto wait_until = [](const std::function<bool()>& pred) {
    for (int i = 0; i < 6000 && !pred(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return pred();
  };
  // The shutdown begins while requests are arriving...
  ASSERT_TRUE(wait_until([&] { return issued.load() >= 200; })) << "no requests were issued";
  const int before = issued.load();
  Pending down;
  down.Add();
  registry_->Shutdown([&] { down.Done(); });
  EXPECT_TRUE(down.Wait());
  down_done = true;
  // ...and they keep arriving after it has completed.
  EXPECT_TRUE(wait_until([&] { return issued_after.load() >= 100; }))
      << issued_after.load() << " requests after the shutdown";
  stop = true;
  for (auto& t : clients) t.join();
  // Every request got its answer; those after the shutdown a refusal that says so.
  EXPECT_TRUE(wait_until([&] { return answered.load() == issued.load(); }))
      << answered.load() << " of " << issued.load() << " answered";
  EXPECT_GE(before, 200);
  EXPECT_GE(issued_after.load(), 100);
  EXPECT_EQ(refused_after.load(), issued_after.load());
  EXPECT_EQ(wrong_after.load(), 0);
  // Streams opened after the shutdown were closed at once, UNAVAILABLE, with no view.
  EXPECT_TRUE(wait_until([&] {
    std::lock_guard<std::mutex> lock(sinks_mu);
    for (const auto& sink : sinks_after)
      if (!sink->closed()) return false;
    return true;
  }));
  std::lock_guard<std::mutex> lock(sinks_mu);
  ASSERT_FALSE(sinks_after.empty());
  for (const auto& sink : sinks_after) {
    EXPECT_EQ(sink->close_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(sink->latest(), 0);
  }
  std::printf(
      "fault: shutdown under requests: %d issued before it began, %d in all, %d after it "
      "completed (%d of them refused UNAVAILABLE), %d streams opened after it\n",
      before, issued.load(), issued_after.load(), refused_after.load(), streams_after.load());
}

// The real stream sinks under churn, through the real service: every
// subscriber gets the whole first view, stuck ones are closed "too slow"
// (by their queue and by the clock), the others end with the shutdown's
// notice and status, and the games played meanwhile replay.
TEST(StreamConcurrency, RealStreamsUnderChurnWhileBotsPlayAndTheServerStops) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  o.stream_queue = 16;        // A stuck stream's chat overflows soon...
  o.slow_stream_seconds = 1;  // ...or its pending write gets too old.
  o.archive_after_seconds = 0;
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client c(server->address());
  std::vector<mf::CreateSessionResponse> sessions;
  for (int k = 0; k < 2; ++k)
    sessions.push_back(c.Create("classroom-8", {2, 3, 4, 5, 6, 7}, static_cast<uint64_t>(70 + k),
                                [](mf::CreateSessionRequest* r) { r->set_bot_pace_ms(2); }));
  std::vector<std::vector<std::string>> tokens(2);
  for (int k = 0; k < 2; ++k)
    for (int seat = 0; seat < 2; ++seat)
      tokens[static_cast<size_t>(k)].push_back(
          c.JoinOk(sessions[static_cast<size_t>(k)].join_code(), seat));
  // Stuck subscribers: they never read.
  std::vector<std::unique_ptr<RawStream>> stuck;
  for (int i = 0; i < 4; ++i) {
    const auto& s = sessions[static_cast<size_t>(i % 2)];
    stuck.push_back(
        std::make_unique<RawStream>(server->address(), s.session(), s.facilitator_token()));
  }
  // Long-lived subscribers, there when the server stops.
  std::vector<std::unique_ptr<Client>> conns;
  for (int i = 0; i < 4; ++i) conns.push_back(std::make_unique<Client>(server->address()));
  std::vector<std::unique_ptr<Watcher>> lasting;
  for (int i = 0; i < 4; ++i) {
    const auto& s = sessions[static_cast<size_t>(i % 2)];
    lasting.push_back(std::make_unique<Watcher>(conns[static_cast<size_t>(i)]->stub(), s.session(),
                                                i < 2 ? tokens[static_cast<size_t>(i % 2)][0] : "",
                                                i < 2 ? "" : s.join_code()));
  }
  // Churn: subscribers of every kind come, take their first view and go.
  std::atomic<int> full_first{0}, opened{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> churn;
  for (int t = 0; t < 4; ++t)
    churn.emplace_back([&, t] {
      for (int i = 0; i < Scaled(40, 10) && !stop; ++i) {
        const auto& s = sessions[static_cast<size_t>((t + i) % 2)];
        const int kind = (t + i) % 3;
        const std::string token = kind == 0   ? tokens[static_cast<size_t>((t + i) % 2)][1]
                                  : kind == 1 ? s.facilitator_token()
                                              : "";
        Watcher w(conns[static_cast<size_t>(t)]->stub(), s.session(), token,
                  kind == 2 ? s.join_code() : "");
        ++opened;
        auto ev = w.WaitFor([](const mf::ServerEvent& e) { return e.has_view(); });
        if (ev && !ev->static_omitted() && !ev->view().themes().empty()) ++full_first;
      }
    });
  // The facilitators talk meanwhile (queued messages on every stream).
  std::thread talk([&] {
    mf::Channel everyone;
    everyone.set_everyone(true);
    for (int i = 0; i < Scaled(200, 50) && !stop; ++i)
      c.Chat(sessions[static_cast<size_t>(i % 2)].session(),
             sessions[static_cast<size_t>(i % 2)].facilitator_token(), everyone,
             std::to_string(i) + std::string(300, 'c'));
  });
  for (auto& t : churn) t.join();
  talk.join();
  EXPECT_EQ(full_first.load(), opened.load());
  EXPECT_GT(opened.load(), 0);
  // The stuck streams were closed "client too slow".
  int too_slow = 0;
  for (auto& st : stuck) {
    mf::ServerEvent ev;
    while (st->reader->Read(&ev)) {
    }
    const grpc::Status status = st->reader->Finish();
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
        status.error_message().find("too slow") != std::string::npos)
      ++too_slow;
  }
  EXPECT_EQ(too_slow, static_cast<int>(stuck.size()));
  // The records so far replay.
  for (const auto& s : sessions) EXPECT_TRUE(Replays(c.Record(s.session(), s.facilitator_token())));
  // The server stops with streams open (and the games still going, or over).
  server->Shutdown();
  int told = 0;
  for (auto& w : lasting) {
    const grpc::Status st = w->WaitEnd();
    bool notice = false, over = false;
    for (const auto& e : w->events()) {
      notice = notice || (e.has_notice() && e.notice().kind() == mf::Notice::SHUTTING_DOWN);
      over = over || (e.has_view() && e.view().phase() == mf::GAME_OVER);
    }
    if (over) {
      EXPECT_TRUE(st.ok()) << net::Describe(st);  // Its game ended first.
    } else {
      EXPECT_TRUE(notice);
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << net::Describe(st);
      ++told;
    }
  }
  std::printf(
      "fault: real streams: %d subscribers came and went (all got the whole first view), %d "
      "stuck ones closed \"too slow\", %d told of the shutdown\n",
      opened.load(), too_slow, told);
}

}  // namespace
}  // namespace mf::testing
