// Helpers of the forumd tests: a scratch data folder, an in-process server,
// a typed client, and a stream watcher that collects what a subscriber
// receives so a test can wait for a view that satisfies a condition.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bots/light.h"
#include "forum.grpc.pb.h"
#include "net/client.h"
#include "rules/playout.h"
#include "rules/scenario.h"
#include "server/forumd.h"

namespace mf::testing {

// A fresh folder under /tmp, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/forumd_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Server options for the tests: loopback, free port, fast commits, a high
// rate limit (the flood test sets its own) and no per-peer limits (every
// test client is one peer; the limit tests restore the defaults).
inline server::ServerOptions TestOptions(const std::string& data_dir) {
  server::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.data_dir = data_dir;
  o.sync_full = false;
  o.rate_per_second = 10000;
  o.rate_burst = 10000;
  o.peer_burst = 0;
  o.create_burst = 0;
  o.join_failure_burst = 0;
  o.peer_spectators = 0;
  return o;
}

inline std::unique_ptr<server::Forumd> StartServer(const server::ServerOptions& options) {
  std::string error;
  auto s = server::Forumd::Start(options, &error);
  EXPECT_TRUE(s) << error;
  return s;
}

// Collects one subscriber's stream on a thread of its own.
class Watcher {
 public:
  Watcher(mf::Forum::Stub* stub, const std::string& session, const std::string& token,
          const std::string& spectator_code = "") {
    if (!token.empty()) net::Authorize(&ctx_, token);
    mf::SubscribeRequest req;
    req.set_session(session);
    req.set_spectator_code(spectator_code);
    reader_ = stub->Subscribe(&ctx_, req);
    thread_ = std::thread([this] {
      mf::ServerEvent ev;
      mf::View first;
      while (reader_->Read(&ev)) {
        if (ev.has_view()) {  // Keep every view complete for the tests.
          if (!ev.static_omitted()) first = ev.view();
          net::CompleteView(first, ev, ev.mutable_view());
        }
        std::lock_guard<std::mutex> lock(mu_);
        events_.push_back(ev);
        cv_.notify_all();
      }
      grpc::Status st = reader_->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      status_ = st;
      done_ = true;
      cv_.notify_all();
    });
  }
  ~Watcher() {
    Cancel();
    thread_.join();
  }
  void Cancel() { ctx_.TryCancel(); }

  // Waits (at most `limit`, a bound for failures, not a timing assertion)
  // for an event satisfying `pred`; returns it, or nullopt.
  std::optional<mf::ServerEvent> WaitFor(std::function<bool(const mf::ServerEvent&)> pred,
                                         std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<mf::ServerEvent> found;
    cv_.wait_for(lock, limit, [&] {
      for (size_t i = seen_; i < events_.size(); ++i)
        if (pred(events_[i])) {
          found = events_[i];
          seen_ = i + 1;
          return true;
        }
      return done_;
    });
    return found;
  }
  std::optional<mf::View> WaitView(std::function<bool(const mf::View&)> pred) {
    auto ev = WaitFor([&](const mf::ServerEvent& e) { return e.has_view() && pred(e.view()); });
    if (!ev) return std::nullopt;
    return ev->view();
  }
  // Waits for the stream to end and returns its status.
  grpc::Status WaitEnd(std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, limit, [&] { return done_; }))
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "stream did not end");
    return status_;
  }
  // The last view received (nullopt before the first).
  std::optional<mf::View> Latest() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = events_.rbegin(); it != events_.rend(); ++it)
      if (it->has_view()) return it->view();
    return std::nullopt;
  }
  std::vector<mf::ServerEvent> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<mf::ServerEvent>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<mf::ServerEvent> events_;
  size_t seen_ = 0;
  bool done_ = false;
  grpc::Status status_;
};

// A typed client of one server.
class Client {
 public:
  explicit Client(const std::string& address) : stub_(mf::Forum::NewStub(net::Connect(address))) {}
  mf::Forum::Stub* stub() { return stub_.get(); }

  mf::CreateSessionResponse Create(const std::string& scenario, std::vector<int> bot_seats = {},
                                   uint64_t seed = 7,
                                   std::function<void(mf::CreateSessionRequest*)> edit = {}) {
    mf::CreateSessionRequest req;
    req.set_scenario(scenario);
    req.set_seed(seed);
    req.set_bot_pace_ms(0);
    for (int s : bot_seats) req.add_bots()->set_seat(s);
    if (edit) edit(&req);
    grpc::ClientContext ctx;
    mf::CreateSessionResponse resp;
    const grpc::Status st = stub_->CreateSession(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << net::Describe(st);
    return resp;
  }
  grpc::Status Join(const std::string& code, int seat, mf::JoinSessionResponse* out,
                    const std::string& name = "player") {
    mf::JoinSessionRequest req;
    req.set_join_code(code);
    req.set_display_name(name);
    if (seat >= 0) req.set_seat(seat);
    grpc::ClientContext ctx;
    return stub_->JoinSession(&ctx, req, out);
  }
  std::string JoinOk(const std::string& code, int seat) {
    mf::JoinSessionResponse r;
    const grpc::Status st = Join(code, seat, &r);
    EXPECT_TRUE(st.ok()) << net::Describe(st);
    return r.seat_token();
  }
  grpc::Status Act(const std::string& session, const std::string& token, const mf::Action& a,
                   std::optional<uint64_t> based_on = std::nullopt,
                   mf::ActResponse* out = nullptr) {
    mf::ActRequest req;
    req.set_session(session);
    *req.mutable_action() = a;
    if (based_on) req.set_based_on_version(*based_on);
    grpc::ClientContext ctx;
    if (!token.empty()) net::Authorize(&ctx, token);
    mf::ActResponse resp;
    return stub_->Act(&ctx, req, out ? out : &resp);
  }
  grpc::Status Facilitate(const std::string& session, const std::string& token, const mf::Action& a,
                          const std::string& strategy = "") {
    mf::FacilitateRequest req;
    req.set_session(session);
    *req.mutable_action() = a;
    req.set_bot_strategy(strategy);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, token);
    mf::ActResponse resp;
    return stub_->Facilitate(&ctx, req, &resp);
  }
  grpc::Status Chat(const std::string& session, const std::string& token,
                    const mf::Channel& channel, const std::string& text) {
    mf::SendMessageRequest req;
    req.set_session(session);
    *req.mutable_channel() = channel;
    req.set_text(text);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, token);
    mf::SendMessageResponse resp;
    return stub_->SendMessage(&ctx, req, &resp);
  }
  mf::GetRecordResponse Record(const std::string& session, const std::string& token) {
    mf::GetRecordRequest req;
    req.set_session(session);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, token);
    mf::GetRecordResponse resp;
    const grpc::Status st = stub_->GetRecord(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << net::Describe(st);
    return resp;
  }
  mf::Roster Roster(const std::string& session, const std::string& token) {
    mf::GetRosterRequest req;
    req.set_session(session);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, token);
    mf::Roster resp;
    const grpc::Status st = stub_->GetRoster(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << net::Describe(st);
    return resp;
  }

 private:
  std::unique_ptr<mf::Forum::Stub> stub_;
};

inline mf::Action Ready() {
  mf::Action a;
  a.mutable_ready();
  return a;
}

// Replays a record's log in-process (from its own scenario text and seed)
// and returns the state hash; 0 when it does not replay.
inline uint64_t ReplayHash(const mf::GetRecordResponse& record, bool* terminal = nullptr) {
  rules::LoadResult sc = rules::LoadScenario(record.log().scenario_text(), "record");
  if (!sc.ok()) return 0;
  std::vector<rules::LoggedAction> log;
  std::string error;
  if (!rules::FromGameLog(record.log(), *sc.scenario, &log, &error)) return 0;
  rules::State st(sc.scenario, record.log().seed());
  if (!rules::Replay(&st, log, &error)) return 0;
  if (terminal) *terminal = st.IsTerminal();
  return st.Hash();
}

}  // namespace mf::testing
