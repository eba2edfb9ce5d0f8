// The floor of forumd's load: a minimal gRPC fan-out server that speaks
// enough of mf.Forum for `forumctl load` (ListScenarios, CreateSession,
// JoinSession, Subscribe, Act) and does nothing else. An Act bumps the
// session's version and pushes one fixed view, of a real view's size, to the
// session's streams; no game, no store, no validation beyond the token. What
// forumd spends per action above this server's CPU per action is forumd's
// own; the knee of this server is the stack's (gRPC, protobuf, loopback TCP,
// the load client) on this machine.
//
//   fanout_floor --listen 127.0.0.1:0 [--scenario puebla-process] [--view-bytes 4700]
//                [--hand-off]
//
// With --hand-off an Act's work (the pushes and the answer) runs on a worker
// thread instead of gRPC's, as forumd's runs on its session's strand: what
// the hand-off itself costs the stack.
//
// It prints "fanout_floor listening on ADDR" once it serves (as forumd does)
// and runs until SIGTERM or SIGINT. The view is the scenario's seat view on
// its first state (rules::MakeView), without its static fields as forumd
// sends after a stream's first view, padded to --view-bytes with its
// description; a stream's first view is complete. Each push carries the new
// version (one more field appended to the shared bytes, which protobuf
// merges), is serialized once per Act, and coalesces per stream like
// forumd's (a stream writing gets only the latest view next).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "forum.grpc.pb.h"
#include "rules/scenario.h"
#include "rules/view.h"

namespace {

// The event bytes of a view at `version`: the fixed bytes with the version
// appended as a second occurrence of ServerEvent.view (field 1), which a
// parser merges into the first.
std::string WithVersion(const std::string& fixed, uint64_t version) {
  std::string tail;
  tail.push_back(0x08);  // View.version, varint.
  uint64_t v = version;
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    tail.push_back(static_cast<char>(b));
  } while (v);
  std::string out = fixed;
  out.push_back(0x0a);  // ServerEvent.view, length-delimited.
  out.push_back(static_cast<char>(tail.size()));
  out += tail;
  return out;
}

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

class Stream;

// One worker thread running what it is handed, in order (--hand-off).
class Worker {
 public:
  Worker() : thread_([this] { Run(); }) {}
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(f));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      std::function<void()> f = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      f();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

struct Session {
  std::string id, code;
  int seats = 0;
  std::mutex mu;
  uint64_t version = 1;
  int joined = 0;
  std::vector<std::string> tokens;
  std::vector<Stream*> streams;
};

class Stream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit Stream(const grpc::Status& refusal) { Finish(refusal); }
  Stream(std::shared_ptr<Session> session, const std::string& first) : session_(session) {
    Push(Bytes(first));
    std::lock_guard<std::mutex> slock(session_->mu);
    session_->streams.push_back(this);
  }
  void Push(const grpc::ByteBuffer& bytes) {
    std::unique_lock<std::mutex> lock(mu_);
    pending_ = bytes;  // Coalesces: only the latest is written next.
    has_pending_ = true;
    Pump(lock);
  }
  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) cancelled_ = true;
    Pump(lock);
  }
  void OnCancel() override {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_ = true;
    Pump(lock);
  }
  void OnDone() override {
    if (session_) {
      std::lock_guard<std::mutex> slock(session_->mu);
      auto& v = session_->streams;
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i] == this) {
          v.erase(v.begin() + static_cast<long>(i));
          break;
        }
    }
    delete this;
  }

 private:
  // One write in flight; gRPC is called outside the lock.
  void Pump(std::unique_lock<std::mutex>& lock) {
    if (writing_ || finished_) return;
    if (cancelled_) {
      finished_ = true;
      lock.unlock();
      Finish(grpc::Status::CANCELLED);
      return;
    }
    if (!has_pending_) return;
    in_flight_ = std::move(pending_);
    has_pending_ = false;
    writing_ = true;
    lock.unlock();
    StartWrite(&in_flight_);
  }
  std::shared_ptr<Session> session_;
  std::mutex mu_;
  grpc::ByteBuffer pending_, in_flight_;
  bool has_pending_ = false, writing_ = false, finished_ = false, cancelled_ = false;
};

class Floor final : public mf::Forum::WithRawCallbackMethod_Subscribe<mf::Forum::CallbackService> {
 public:
  Floor(std::shared_ptr<const mf::rules::Scenario> scenario, int view_bytes, bool hand_off)
      : scenario_(std::move(scenario)), worker_(hand_off ? std::make_unique<Worker>() : nullptr) {
    mf::rules::State state(scenario_, 1);
    mf::ServerEvent full, light;
    mf::rules::MakeView(mf::rules::SeatView(state, 0), full.mutable_view());
    mf::rules::ViewParts parts;
    parts.static_fields = false;
    parts.max_events = 20;
    mf::rules::MakeView(mf::rules::SeatView(state, 0), light.mutable_view(), parts);
    light.set_static_omitted(true);
    const int pad = view_bytes - static_cast<int>(light.ByteSizeLong());
    if (pad > 0) light.mutable_view()->set_description(std::string(static_cast<size_t>(pad), '.'));
    full_ = full.SerializeAsString();
    light_ = light.SerializeAsString();
    std::printf("fanout_floor: a view is %zu bytes (the first of a stream %zu)\n", light_.size(),
                full_.size());
  }

  grpc::ServerUnaryReactor* ListScenarios(grpc::CallbackServerContext* ctx,
                                          const mf::ListScenariosRequest*,
                                          mf::ListScenariosResponse* resp) override {
    mf::ScenarioInfo* info = resp->add_scenarios();
    info->set_name(scenario_->id());
    info->set_seats(scenario_->num_seats());
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const mf::CreateSessionRequest*,
                                          mf::CreateSessionResponse* resp) override {
    auto s = std::make_shared<Session>();
    const int n = next_++;
    s->id = "floor-" + std::to_string(n);
    s->code = "CODE-" + std::to_string(n);
    s->seats = scenario_->num_seats();
    s->tokens.resize(static_cast<size_t>(s->seats));
    {
      std::lock_guard<std::mutex> lock(mu_);
      sessions_[s->id] = s;
      by_code_[s->code] = s;
    }
    resp->set_session(s->id);
    resp->set_join_code(s->code);
    resp->set_seats(s->seats);
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* JoinSession(grpc::CallbackServerContext* ctx,
                                        const mf::JoinSessionRequest* req,
                                        mf::JoinSessionResponse* resp) override {
    std::shared_ptr<Session> s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = by_code_.find(req->join_code());
      if (it != by_code_.end()) s = it->second;
    }
    if (!s) return Done(ctx, grpc::Status(grpc::StatusCode::NOT_FOUND, "no such join code"));
    std::lock_guard<std::mutex> lock(s->mu);
    const int seat = req->has_seat() && req->seat() >= 0 ? req->seat() : s->joined;
    if (seat >= s->seats)
      return Done(ctx, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "no seat left"));
    ++s->joined;
    const std::string token = s->id + "/" + std::to_string(seat);
    s->tokens[static_cast<size_t>(seat)] = token;
    resp->set_session(s->id);
    resp->set_seat(seat);
    resp->set_seat_token(token);
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* ctx,
                                                        const grpc::ByteBuffer*) override {
    auto s = Authorize(ctx);
    if (!s) return new Stream(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token"));
    uint64_t version;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      version = s->version;
    }
    return new Stream(s, WithVersion(full_, version));
  }
  grpc::ServerUnaryReactor* Act(grpc::CallbackServerContext* ctx, const mf::ActRequest*,
                                mf::ActResponse* resp) override {
    auto s = Authorize(ctx);
    if (!s) return Done(ctx, grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token"));
    auto push = [this, s, resp] {
      std::lock_guard<std::mutex> lock(s->mu);
      const uint64_t version = ++s->version;
      const grpc::ByteBuffer bytes = Bytes(WithVersion(light_, version));
      for (Stream* stream : s->streams) stream->Push(bytes);
      resp->set_version(version);
    };
    if (!worker_) {
      push();
      return Done(ctx, grpc::Status::OK);
    }
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    worker_->Post([push, r] {
      push();
      r->Finish(grpc::Status::OK);
    });
    return r;
  }

 private:
  static grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, grpc::Status st) {
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    r->Finish(std::move(st));
    return r;
  }
  // The session of the call's bearer token ("SESSION/SEAT"), or null.
  std::shared_ptr<Session> Authorize(grpc::CallbackServerContext* ctx) {
    auto it = ctx->client_metadata().find("authorization");
    if (it == ctx->client_metadata().end()) return nullptr;
    const std::string bearer(it->second.data(), it->second.size());
    if (bearer.rfind("Bearer ", 0) != 0) return nullptr;
    const std::string token = bearer.substr(7);
    const size_t slash = token.rfind('/');
    if (slash == std::string::npos) return nullptr;
    std::shared_ptr<Session> s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto found = sessions_.find(token.substr(0, slash));
      if (found == sessions_.end()) return nullptr;
      s = found->second;
    }
    const int seat = std::atoi(token.c_str() + slash + 1);
    std::lock_guard<std::mutex> lock(s->mu);
    if (seat < 0 || seat >= s->seats || s->tokens[static_cast<size_t>(seat)] != token)
      return nullptr;
    return s;
  }

  std::shared_ptr<const mf::rules::Scenario> scenario_;
  std::string full_, light_;
  std::atomic<int> next_{1};
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_, by_code_;
  std::unique_ptr<Worker> worker_;  // --hand-off
};

std::atomic<bool> stop{false};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0", scenario_name = "puebla-process";
  int view_bytes = 4700;
  bool hand_off = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (a == "--scenario" && i + 1 < argc) {
      scenario_name = argv[++i];
    } else if (a == "--view-bytes" && i + 1 < argc) {
      view_bytes = std::atoi(argv[++i]);
    } else if (a == "--hand-off") {
      hand_off = true;
    } else {
      std::fprintf(stderr,
                   "usage: fanout_floor [--listen ADDR] [--scenario NAME] [--view-bytes N] "
                   "[--hand-off]\n");
      return 2;
    }
  }
  const mf::rules::LoadResult loaded = mf::rules::LoadEmbeddedScenario(scenario_name);
  if (!loaded.ok()) {
    std::fprintf(stderr, "fanout_floor: no scenario '%s'\n", scenario_name.c_str());
    return 2;
  }
  Floor floor(loaded.scenario, view_bytes, hand_off);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&floor);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "fanout_floor: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  const size_t colon = listen.rfind(':');
  std::printf("fanout_floor listening on %s:%d\n", listen.substr(0, colon).c_str(), port);
  std::fflush(stdout);
  std::signal(SIGTERM, [](int) { stop = true; });
  std::signal(SIGINT, [](int) { stop = true; });
  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
