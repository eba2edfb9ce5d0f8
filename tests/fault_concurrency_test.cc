// The server's concurrency without gRPC in the way (label "fault"; the tsan
// stage of tools/test.sh runs it under ThreadSanitizer, which then sees every
// synchronisation): the registry, the sessions' strands on a pool of threads,
// the store's writer thread, the token mutex and the streams' sinks, driven
// from many threads at once while bots play, the disk fails and recovers,
// finished sessions move to the archive and the server shuts down.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "rules/playout.h"
#include "rules/rng.h"
#include "rules/scenario.h"
#include "server/registry.h"
#include "server/store.h"
#include "server_util.h"
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

}  // namespace
}  // namespace mf::testing
