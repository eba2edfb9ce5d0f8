#include "server/service.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

#include "forum.grpc.pb.h"
#include "rules/action.h"
#include "server/tokens.h"
#include "server/view_static.h"

namespace mf::server {
namespace {

using Clock = std::chrono::steady_clock;

grpc::Status ToStatus(const Outcome& o) {
  return o.ok() ? grpc::Status::OK : grpc::Status(o.code, o.message);
}

// The token from "authorization: Bearer <token>" (empty when absent).
std::string BearerToken(const grpc::CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return "";
  std::string v(it->second.data(), it->second.size());
  const std::string prefix = "Bearer ";
  if (v.size() <= prefix.size() || v.compare(0, prefix.size(), prefix) != 0) return "";
  return v.substr(prefix.size());
}

// ThreadSanitizer and gRPC. Debian's gRPC is not built for ThreadSanitizer:
// TSan cannot see how gRPC orders a call's reactions after what started them
// (a handler before its call's reactions, StartWrite or StartRead before
// OnWriteDone or OnReadDone, Finish before OnDone and before gRPC destroys the
// call's messages), and the part of gRPC that is inline code in its headers
// would be checked as if it were ours. So, under TSan only:
//   - IntoGrpc(call, f) wraps every call from this file into gRPC (Finish,
//     StartWrite, StartRead): it publishes what this thread did so far to the
//     call's reactions (a release on `call`) and runs f with TSan's access
//     checks off, as if that code were inside the library (it runs no code of
//     ours: TakeOver aborts if a reaction ever runs inside it);
//   - TakeOver(call), first thing in every reaction, acquires that release.
// The server's own accesses across gRPC's threads stay checked, and a real
// race (e.g. a sink touched after its reactor is gone) is still reported.
// Without TSan both are plain calls.
#if defined(__SANITIZE_THREAD__)
#define MF_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MF_TSAN 1
#endif
#endif
#ifdef MF_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
thread_local bool in_grpc = false;
template <typename F>
void IntoGrpc(void* call, F&& f) {
  __tsan_release(call);
  in_grpc = true;
  __tsan_ignore_thread_begin();
  f();
  __tsan_ignore_thread_end();
  in_grpc = false;
}
void TakeOver(void* call) {
  if (in_grpc) {
    std::fprintf(stderr, "forumd: a reaction ran inside a call into gRPC (see IntoGrpc)\n");
    std::abort();
  }
  __tsan_acquire(call);
}
#else
template <typename F>
void IntoGrpc(void*, F&& f) {
  f();
}
void TakeOver(void*) {}
#endif

// A unary call's reactor: gRPC's default one, with the hand-off to OnDone
// made visible (see IntoGrpc).
class Reply final : public grpc::ServerUnaryReactor {
 public:
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerUnaryReactor::Finish(std::move(status)); });
  }
  void OnDone() override {
    TakeOver(this);
    delete this;
  }
};

class StreamReactor;

// The session's view of a stream: a bounded mailbox in front of the reactor.
// Views and the roster coalesce (only the latest is sent); chat and notices
// queue up to a bound. One write is in flight at a time; gRPC is called
// outside the lock.
class StreamSink final : public Sink {
 public:
  explicit StreamSink(const ServerOptions& options) : options_(options) {}
  void Attach(StreamReactor* r) {
    std::lock_guard<std::mutex> lock(mu_);
    reactor_ = r;
  }
  void PushLatest(int slot, std::shared_ptr<const mf::ServerEvent> event) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (closing_ || TooSlow(lock)) return;
    auto& pending = latest_[slot];
    if (slot == 0 && pending && !pending->static_omitted() && event->static_omitted()) {
      // The complete first view was not written yet: the newer one replaces
      // it but must stay complete.
      auto merged = std::make_shared<mf::ServerEvent>(*event);
      CopyStaticFields(pending->view(), merged->mutable_view());
      merged->set_static_omitted(false);
      event = std::move(merged);
    }
    pending = std::move(event);
    Pump(lock);
  }
  void PushQueued(std::shared_ptr<const mf::ServerEvent> event) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (closing_ || TooSlow(lock)) return;
    if (static_cast<int>(queue_.size()) >= options_.stream_queue) {
      CloseLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "client too slow: the stream fell behind; subscribe again"),
                  true);
      Pump(lock);
      return;
    }
    queue_.push_back(std::move(event));
    Pump(lock);
  }
  void Close(grpc::StatusCode code, const std::string& message) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (closing_) return;
    CloseLocked(grpc::Status(code, message), false);
    Pump(lock);
  }
  void OnWriteDone(bool ok) {
    std::unique_lock<std::mutex> lock(mu_);
    writing_ = false;
    in_flight_.reset();
    if (!ok && !closing_)
      CloseLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"), true);
    Pump(lock);
  }
  void OnCancel() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!closing_)
      CloseLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"), true);
    Pump(lock);
  }
  void Detach() {
    std::lock_guard<std::mutex> lock(mu_);
    reactor_ = nullptr;
  }

 private:
  void CloseLocked(grpc::Status status, bool drop_pending) {
    closing_ = true;
    status_ = std::move(status);
    if (drop_pending) {
      latest_[0].reset();
      latest_[1].reset();
      queue_.clear();
    }
  }
  // A write pending for too long: the client is not reading. Close it.
  bool TooSlow(std::unique_lock<std::mutex>& lock) {
    if (!writing_ ||
        Clock::now() - write_started_ < std::chrono::seconds(options_.slow_stream_seconds))
      return false;
    CloseLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "client too slow: no message was read for " +
                                 std::to_string(options_.slow_stream_seconds) + " s"),
                true);
    // Nothing more is queued; the status goes out once the pending write
    // completes (or the connection dies).
    Pump(lock);
    return true;
  }
  void Pump(std::unique_lock<std::mutex>& lock);

  const ServerOptions& options_;
  std::mutex mu_;
  StreamReactor* reactor_ = nullptr;
  std::shared_ptr<const mf::ServerEvent> latest_[2];
  std::deque<std::shared_ptr<const mf::ServerEvent>> queue_;
  std::shared_ptr<const mf::ServerEvent> in_flight_;
  Clock::time_point write_started_;
  bool writing_ = false, closing_ = false, finished_ = false, last_was_latest_ = false;
  grpc::Status status_;
};

class StreamReactor final : public grpc::ServerWriteReactor<mf::ServerEvent> {
 public:
  // A stream refused before it started.
  explicit StreamReactor(const grpc::Status& refusal) { Finish(refusal); }
  StreamReactor(std::shared_ptr<Session> session, int viewer, int backlog,
                const ServerOptions& options)
      : session_(std::move(session)), sink_(std::make_shared<StreamSink>(options)) {
    sink_->Attach(this);
    sub_id_ = session_->Subscribe(viewer, sink_, backlog);
    IntoGrpc(this, [] {});  // The constructor's writes, for the reactions.
  }
  // gRPC's, through IntoGrpc.
  void StartWrite(const mf::ServerEvent* event) {
    IntoGrpc(this, [&] { grpc::ServerWriteReactor<mf::ServerEvent>::StartWrite(event); });
  }
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerWriteReactor<mf::ServerEvent>::Finish(std::move(status)); });
  }
  void OnWriteDone(bool ok) override {
    TakeOver(this);
    sink_->OnWriteDone(ok);
  }
  void OnCancel() override {
    TakeOver(this);
    if (sink_) sink_->OnCancel();
  }
  void OnDone() override {
    TakeOver(this);
    if (sink_) {
      sink_->Detach();
      session_->Unsubscribe(sub_id_);
    }
    delete this;
  }

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<StreamSink> sink_;
  uint64_t sub_id_ = 0;
};

void StreamSink::Pump(std::unique_lock<std::mutex>& lock) {
  if (!reactor_ || writing_ || finished_) return;
  std::shared_ptr<const mf::ServerEvent> next;
  // Alternate views and queued messages so neither starves; when closing, the
  // latest view goes before the final notice.
  const bool queue_first = last_was_latest_ && !queue_.empty() && !closing_;
  if (!queue_first) {
    for (auto& slot : latest_)
      if (!next && slot) next = std::move(slot);
  }
  if (next) {
    last_was_latest_ = true;
  } else if (!queue_.empty()) {
    next = std::move(queue_.front());
    queue_.pop_front();
    last_was_latest_ = false;
  } else {
    for (auto& slot : latest_)
      if (!next && slot) next = std::move(slot);
    last_was_latest_ = next != nullptr;
  }
  StreamReactor* r = reactor_;
  if (next) {
    writing_ = true;
    in_flight_ = next;
    write_started_ = Clock::now();
    lock.unlock();
    r->StartWrite(next.get());
    return;
  }
  if (closing_) {
    finished_ = true;
    const grpc::Status st = status_;
    lock.unlock();
    r->Finish(st);
  }
}

// Receives an exported record in chunks, then hands it to the registry.
class ImportReactor final : public grpc::ServerReadReactor<mf::ImportChunk> {
 public:
  static constexpr size_t kMaxChunk = 32 * 1024;
  static constexpr size_t kMaxRecord = 8 * 1024 * 1024;
  ImportReactor(Registry* registry, mf::CreateSessionResponse* resp, Outcome allowed)
      : registry_(registry), resp_(resp) {
    if (!allowed.ok()) {
      Finish(ToStatus(allowed));
      return;
    }
    StartRead(&chunk_);
  }
  void OnReadDone(bool ok) override {
    TakeOver(this);
    if (!ok) {  // The client has sent everything.
      mf::GetRecordResponse record;
      if (data_.empty() || !record.ParseFromString(data_)) {
        Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "that is not an exported record (forumctl session export)"));
        return;
      }
      registry_->Import(record, title_, [this](Outcome o, const mf::CreateSessionResponse& r) {
        if (o.ok()) *resp_ = r;
        Finish(ToStatus(o));
      });
      return;
    }
    if (chunk_.data().size() > kMaxChunk || data_.size() + chunk_.data().size() > kMaxRecord) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "send a record in chunks of at most 32 KiB, 8 MiB in all"));
      return;
    }
    if (title_.empty()) title_ = chunk_.title();
    data_ += chunk_.data();
    StartRead(&chunk_);
  }
  void OnDone() override {
    TakeOver(this);
    delete this;
  }
  // gRPC's, through IntoGrpc.
  void StartRead(mf::ImportChunk* chunk) {
    IntoGrpc(this, [&] { grpc::ServerReadReactor<mf::ImportChunk>::StartRead(chunk); });
  }
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerReadReactor<mf::ImportChunk>::Finish(std::move(status)); });
  }

 private:
  Registry* registry_;
  mf::CreateSessionResponse* resp_;
  mf::ImportChunk chunk_;
  std::string data_, title_;
};

class ForumService final : public mf::Forum::CallbackService {
 public:
  ForumService(Registry* registry, const ServerOptions& options)
      : registry_(registry), options_(options) {}

  grpc::ServerUnaryReactor* ListScenarios(grpc::CallbackServerContext* ctx,
                                          const mf::ListScenariosRequest*,
                                          mf::ListScenariosResponse* resp) override {
    for (const auto& [name, sc] : registry_->scenarios()) {
      mf::ScenarioInfo* info = resp->add_scenarios();
      info->set_name(name);
      info->set_title(sc->proto().title());
      info->set_description(sc->proto().description());
      info->set_seats(sc->num_seats());
      info->set_cycles(sc->cycles());
      info->set_decision_rule(sc->decision_rule());
    }
    return Done(ctx, Outcome::Ok());
  }

  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const mf::CreateSessionRequest* req,
                                          mf::CreateSessionResponse* resp) override {
    Outcome allowed = Organiser(ctx);
    if (!allowed.ok()) return Done(ctx, allowed);
    auto* reactor = new Reply();
    registry_->Create(*req, [reactor, resp](Outcome o, const mf::CreateSessionResponse& r) {
      if (o.ok()) *resp = r;
      reactor->Finish(ToStatus(o));
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* JoinSession(grpc::CallbackServerContext* ctx,
                                        const mf::JoinSessionRequest* req,
                                        mf::JoinSessionResponse* resp) override {
    const std::string& name = req->display_name();
    if (name.empty() || name.size() > 40 || !rules::IsCleanUtf8(name) ||
        name.find('\n') != std::string::npos)
      return Done(ctx, Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT,
                                      "give a display name of 1 to 40 characters"));
    auto session = registry_->FindByCode(req->join_code());
    if (!session)
      return Done(ctx, Outcome::Error(grpc::StatusCode::NOT_FOUND,
                                      "no running session has the join code '" + req->join_code() +
                                          "'; check it with your facilitator"));
    std::optional<int> seat;
    if (req->has_seat()) seat = req->seat();
    auto* reactor = new Reply();
    session->Join(name, seat, [reactor, resp](Outcome o, const mf::JoinSessionResponse& r) {
      if (o.ok()) *resp = r;
      reactor->Finish(ToStatus(o));
    });
    return reactor;
  }

  grpc::ServerWriteReactor<mf::ServerEvent>* Subscribe(grpc::CallbackServerContext* ctx,
                                                       const mf::SubscribeRequest* req) override {
    if (!req->spectator_code().empty()) {
      // The join code alone finds the session; a session id, when given, must match it.
      auto session = req->session().empty() ? registry_->FindByCode(req->spectator_code())
                                            : registry_->Find(req->session());
      if (!session || !session->MatchesCode(NormaliseJoinCode(req->spectator_code())))
        return new StreamReactor(
            grpc::Status(grpc::StatusCode::NOT_FOUND, "no running session with the join code '" +
                                                          req->spectator_code() +
                                                          "'; check it with your facilitator"));
      return new StreamReactor(session, kSpectator, req->chat_backlog(), options_);
    }
    Caller caller;
    const Outcome o = registry_->Authorize(BearerToken(ctx), req->session(), &caller);
    if (!o.ok()) return new StreamReactor(ToStatus(o));
    if (!caller.session)
      return new StreamReactor(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                            "that game is over; read it with GetRecord"));
    return new StreamReactor(caller.session, caller.slot, req->chat_backlog(), options_);
  }

  grpc::ServerUnaryReactor* Act(grpc::CallbackServerContext* ctx, const mf::ActRequest* req,
                                mf::ActResponse* resp) override {
    Caller caller;
    Outcome o = Live(ctx, req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    if (caller.slot < 0)
      return Done(ctx, Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                      "the facilitator has no seat: use Facilitate"));
    if (req->action().kind_case() == mf::Action::KIND_NOT_SET)
      return Done(ctx, Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT,
                                      "no action: set one of the fields of Action"));
    std::optional<uint64_t> based_on;
    if (req->has_based_on_version()) based_on = req->based_on_version();
    return Submit(ctx, caller, req->action(), based_on, "", resp);
  }

  grpc::ServerUnaryReactor* Facilitate(grpc::CallbackServerContext* ctx,
                                       const mf::FacilitateRequest* req,
                                       mf::ActResponse* resp) override {
    Caller caller;
    Outcome o = Live(ctx, req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    if (caller.slot != kFacilitator)
      return Done(ctx, Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                      "only the facilitator's token may facilitate"));
    if (!rules::IsFacilitatorAction(req->action()))
      return Done(ctx, Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT,
                                      "Facilitate takes advance, pause, resume, extend, "
                                      "inject_event or set_bot; seats act with Act"));
    std::optional<uint64_t> based_on;
    if (req->has_based_on_version()) based_on = req->based_on_version();
    return Submit(ctx, caller, req->action(), based_on, req->bot_strategy(), resp);
  }

  grpc::ServerUnaryReactor* SendMessage(grpc::CallbackServerContext* ctx,
                                        const mf::SendMessageRequest* req,
                                        mf::SendMessageResponse* resp) override {
    Caller caller;
    Outcome o = Live(ctx, req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    auto* reactor = new Reply();
    caller.session->Chat(caller.slot, req->channel(), req->text(),
                         [reactor, resp](Outcome out, uint64_t serial) {
                           resp->set_serial(serial);
                           reactor->Finish(ToStatus(out));
                         });
    return reactor;
  }

  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* ctx,
                                         const mf::ListSessionsRequest* req,
                                         mf::ListSessionsResponse* resp) override {
    Caller caller;
    Outcome o = registry_->Authorize(BearerToken(ctx), "", &caller);
    if (!o.ok()) return Done(ctx, o);
    if (caller.slot != kFacilitator)
      return Done(ctx, Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                      "listing sessions needs a facilitator token"));
    auto* reactor = new Reply();
    registry_->ListSessions(caller, req->include_finished(),
                            [reactor, resp](const mf::ListSessionsResponse& r) {
                              *resp = r;
                              reactor->Finish(grpc::Status::OK);
                            });
    return reactor;
  }

  grpc::ServerUnaryReactor* GetRecord(grpc::CallbackServerContext* ctx,
                                      const mf::GetRecordRequest* req,
                                      mf::GetRecordResponse* resp) override {
    Caller caller;
    Outcome o = registry_->Authorize(BearerToken(ctx), req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    auto* reactor = new Reply();
    auto answer = [reactor, resp](Outcome out, std::shared_ptr<mf::GetRecordResponse> r) {
      if (out.ok() && r) resp->Swap(r.get());
      reactor->Finish(ToStatus(out));
    };
    if (caller.archived)
      registry_->ArchivedRecord(caller.session_id, answer);
    else
      caller.session->Record(caller.slot, answer);
    return reactor;
  }

  grpc::ServerUnaryReactor* GetRoster(grpc::CallbackServerContext* ctx,
                                      const mf::GetRosterRequest* req, mf::Roster* resp) override {
    Caller caller;
    Outcome o = Live(ctx, req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    if (caller.slot != kFacilitator)
      return Done(ctx, Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                      "the roster is for the facilitator"));
    auto* reactor = new Reply();
    caller.session->Roster([reactor, resp](std::shared_ptr<mf::Roster> r) {
      resp->Swap(r.get());
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* DeleteSession(grpc::CallbackServerContext* ctx,
                                          const mf::DeleteSessionRequest* req,
                                          mf::DeleteSessionResponse*) override {
    Caller caller;
    Outcome o = registry_->Authorize(BearerToken(ctx), req->session(), &caller);
    if (!o.ok()) return Done(ctx, o);
    auto* reactor = new Reply();
    registry_->Delete(caller, [reactor](Outcome out) { reactor->Finish(ToStatus(out)); });
    return reactor;
  }

  grpc::ServerReadReactor<mf::ImportChunk>* ImportSession(
      grpc::CallbackServerContext* ctx, mf::CreateSessionResponse* resp) override {
    return new ImportReactor(registry_, resp, Organiser(ctx));
  }

 private:
  // Creating or importing a session: open to all unless forumd was given an
  // organiser token, which the call must then present.
  Outcome Organiser(grpc::CallbackServerContext* ctx) const {
    if (options_.organiser_token_hash.empty()) return Outcome::Ok();
    const std::string bearer = BearerToken(ctx);
    if (bearer.empty())
      return Outcome::Error(grpc::StatusCode::UNAUTHENTICATED,
                            "this server lets only its organiser create sessions: send the "
                            "organiser token (forumctl session create --token ...)");
    if (!SecureEquals(TokenHash(bearer), options_.organiser_token_hash))
      return Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                            "that is not this server's organiser token");
    return Outcome::Ok();
  }

  grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext*, const Outcome& o) {
    auto* reactor = new Reply();
    reactor->Finish(ToStatus(o));
    return reactor;
  }

  // Authorizes a call on a session still held in memory.
  Outcome Live(grpc::CallbackServerContext* ctx, const std::string& session, Caller* caller) {
    Outcome o = registry_->Authorize(BearerToken(ctx), session, caller);
    if (o.ok() && !caller->session)
      return Outcome::Error(grpc::StatusCode::FAILED_PRECONDITION,
                            "that game is over; read it with GetRecord");
    return o;
  }

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext*, const Caller& caller,
                                   const mf::Action& action, std::optional<uint64_t> based_on,
                                   const std::string& strategy, mf::ActResponse* resp) {
    auto* reactor = new Reply();
    caller.session->Act(caller.slot, action, based_on, strategy,
                        [reactor, resp](Outcome o, uint64_t version, mf::Phase phase) {
                          resp->set_version(version);
                          resp->set_phase(phase);
                          reactor->Finish(ToStatus(o));
                        });
    return reactor;
  }

  Registry* registry_;
  const ServerOptions& options_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeForumService(Registry* registry, const ServerOptions& options) {
  return std::make_unique<ForumService>(registry, options);
}

}  // namespace mf::server
