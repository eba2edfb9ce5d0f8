#include "server/service.h"

#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "forum.grpc.pb.h"
#include "rules/action.h"
#include "rules/campaign.h"
#include "rules/view.h"
#include "server/limits.h"
#include "server/text.h"
#include "server/tokens.h"
#include "server/web.h"

namespace mf::server {
namespace {

using Clock = std::chrono::steady_clock;

grpc::Status ToStatus(const Outcome& o) {
  return o.ok() ? grpc::Status::OK : grpc::Status(o.code, o.message);
}

// A refusal that names another node of the cluster: where to retry, as
// trailers. Call before the call finishes.
void AddOwnerTrailers(grpc::ServerContextBase* ctx, const Outcome& o) {
  if (!o.owner.empty()) ctx->AddTrailingMetadata(kOwnerTrailer, o.owner);
  if (!o.session.empty()) ctx->AddTrailingMetadata(kSessionHeader, o.session);
}

// ---------------------------------------------------------------------------
// Requests are parsed here, not by gRPC: a request whose bytes do not parse
// would otherwise be answered UNIMPLEMENTED with no message (gRPC 1.51's
// callback API drops the reason); forum.proto promises INVALID_ARGUMENT with
// one. Every method is registered "raw" (bytes in, bytes out) and goes
// through ParseRequest and Serialize below.
// ---------------------------------------------------------------------------

// Walks the wire format of a message of type `d` and finds the first string
// field that is not valid UTF-8 (proto3 refuses those), by its path
// ("action.statement.text"). False when there is none or the bytes are not
// wire format at all (the parser then says so).
bool FindBadUtf8(const google::protobuf::Descriptor* d, const char* data, int size,
                 const std::string& prefix, int depth, std::string* path) {
  namespace io = google::protobuf::io;
  using google::protobuf::FieldDescriptor;
  if (depth > 100) return false;
  io::CodedInputStream in(reinterpret_cast<const uint8_t*>(data), size);
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    const FieldDescriptor* f = d->FindFieldByNumber(static_cast<int>(tag >> 3));
    switch (tag & 7) {
      case 0: {
        uint64_t v;
        if (!in.ReadVarint64(&v)) return false;
        break;
      }
      case 1: {
        uint64_t v;
        if (!in.ReadLittleEndian64(&v)) return false;
        break;
      }
      case 5: {
        uint32_t v;
        if (!in.ReadLittleEndian32(&v)) return false;
        break;
      }
      case 2: {
        uint32_t len;
        if (!in.ReadVarint32(&len)) return false;
        if (len == 0) break;
        const void* at;
        int available;
        if (!in.GetDirectBufferPointer(&at, &available) || static_cast<uint32_t>(available) < len)
          return false;
        const char* bytes = static_cast<const char*>(at);
        if (f && f->type() == FieldDescriptor::TYPE_STRING) {
          std::vector<uint32_t> ignored;
          if (!DecodeUtf8(std::string(bytes, len), &ignored)) {
            *path = prefix + f->name();
            return true;
          }
        } else if (f && f->type() == FieldDescriptor::TYPE_MESSAGE &&
                   FindBadUtf8(f->message_type(), bytes, static_cast<int>(len),
                               prefix + f->name() + ".", depth + 1, path)) {
          return true;
        }
        if (!in.Skip(static_cast<int>(len))) return false;
        break;
      }
      default:  // Groups are not in forum.proto.
        return false;
    }
  }
}

template <class Request>
bool ParseRequest(const grpc::ByteBuffer& buffer, Request* out, std::string* error) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer.Valid()) {
    if (!buffer.Dump(&slices).ok()) {
      *error = "the request could not be read";
      return false;
    }
    for (const grpc::Slice& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  const std::string type = Request::descriptor()->full_name();
  std::string path;
  if (FindBadUtf8(Request::descriptor(), bytes.data(), static_cast<int>(bytes.size()), "", 0,
                  &path)) {
    *error = "the request is not a valid " + type + ": its field " + path +
             " is not valid UTF-8 (forum.proto strings are UTF-8 text)";
    return false;
  }
  if (!out->ParseFromString(bytes)) {
    *error = "the request is not a valid " + type +
             ": its bytes are not that message in protobuf wire format (see proto/forum.proto)";
    return false;
  }
  return true;
}

template <class Message>
grpc::Status Serialize(const Message& m, grpc::ByteBuffer* out) {
  out->Clear();
  bool own = false;
  return grpc::SerializationTraits<Message>::Serialize(m, out, &own);
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
class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerUnaryReactor::Finish(std::move(status)); });
  }
  void OnDone() override {
    TakeOver(this);
    delete this;
  }
};

// A unary call: parses the request, runs `body`, which answers through the
// `Reply` it is given (exactly once, from any thread); an OK answer sends the
// response `body` filled in.
using Reply = std::function<void(const Outcome&)>;

template <class Request, class Response, class Body>
grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* in,
                                grpc::ByteBuffer* out, Body body) {
  auto* reactor = new UnaryReactor();
  struct Call {
    Request request;
    Response response;
  };
  auto call = std::make_shared<Call>();
  std::string error;
  if (!ParseRequest(*in, &call->request, &error)) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error));
    return reactor;
  }
  body(ctx, call->request, &call->response, [ctx, reactor, out, call](const Outcome& o) {
    AddOwnerTrailers(ctx, o);
    if (o.ok()) {
      const grpc::Status st = Serialize(call->response, out);
      if (!st.ok()) {
        reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL,
                                     "the answer could not be serialized: " + st.error_message()));
        return;
      }
    }
    reactor->Finish(ToStatus(o));
  });
  return reactor;
}

// The session a router hashed on (kSessionHeader; empty when absent).
std::string RoutedSession(const grpc::CallbackServerContext* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(kSessionHeader);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
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
    PushLatestWire(slot, WireEvent::Of(*event));
  }
  void PushQueued(std::shared_ptr<const mf::ServerEvent> event) override {
    PushQueuedWire(WireEvent::Of(*event));
  }
  void PushLatestWire(int slot, std::shared_ptr<const WireEvent> event) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (closing_ || TooSlow(lock)) return;
    auto& pending = latest_[slot];
    if (slot == 0 && pending && !pending->static_part.empty() && event->static_part.empty()) {
      // The complete first view was not written yet: the newer one replaces
      // it but must stay complete (its static fields first, then the newer
      // view, which protobuf merges into them, then static_omitted false).
      auto merged = std::make_shared<WireEvent>();
      merged->static_part = pending->static_part;
      merged->bytes = pending->static_part + event->bytes;
      merged->bytes.push_back(static_cast<char>(mf::ServerEvent::kStaticOmittedFieldNumber << 3));
      merged->bytes.push_back(0);
      event = std::move(merged);
    }
    pending = std::move(event);
    Pump(lock);
  }
  void PushQueuedWire(std::shared_ptr<const WireEvent> event) override {
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
    in_flight_bytes_.Clear();  // Lets go of the event's bytes (shared with other streams).
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
  std::shared_ptr<const WireEvent> latest_[2];
  std::deque<std::shared_ptr<const WireEvent>> queue_;
  std::shared_ptr<const WireEvent> in_flight_;
  grpc::ByteBuffer in_flight_bytes_;  // What the reactor is writing: in_flight_'s bytes.
  Clock::time_point write_started_;
  bool writing_ = false, closing_ = false, finished_ = false, last_was_latest_ = false;
  grpc::Status status_;
};

class StreamReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // A stream refused before it started.
  explicit StreamReactor(const grpc::Status& refusal) { Finish(refusal); }
  // `closed` runs once the stream is done (it gives back its place in the
  // limits).
  StreamReactor(std::shared_ptr<Session> session, int viewer, int backlog,
                const ServerOptions& options, std::function<void()> closed)
      : session_(std::move(session)),
        sink_(std::make_shared<StreamSink>(options)),
        closed_(std::move(closed)) {
    sink_->Attach(this);
    sub_id_ = session_->Subscribe(viewer, sink_, backlog);
    IntoGrpc(this, [] {});  // The constructor's writes, for the reactions.
  }
  // gRPC's, through IntoGrpc.
  void StartWrite(const grpc::ByteBuffer* bytes) {
    IntoGrpc(this, [&] { grpc::ServerWriteReactor<grpc::ByteBuffer>::StartWrite(bytes); });
  }
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerWriteReactor<grpc::ByteBuffer>::Finish(std::move(status)); });
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
    if (closed_) closed_();
    delete this;
  }

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<StreamSink> sink_;
  std::function<void()> closed_;
  uint64_t sub_id_ = 0;
};

void StreamSink::Pump(std::unique_lock<std::mutex>& lock) {
  if (!reactor_ || writing_ || finished_) return;
  std::shared_ptr<const WireEvent> next;
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
    // The session serialized it once for every stream: gRPC reads the
    // shared bytes in place and lets go of them when it is done.
    grpc::Slice slice(
        const_cast<char*>(next->bytes.data()), next->bytes.size(),
        [](void* held) { delete static_cast<std::shared_ptr<const WireEvent>*>(held); },
        new std::shared_ptr<const WireEvent>(next));
    in_flight_bytes_ = grpc::ByteBuffer(&slice, 1);
    lock.unlock();
    r->StartWrite(&in_flight_bytes_);
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
class ImportReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  static constexpr size_t kMaxChunk = 32 * 1024;
  static constexpr size_t kMaxRecord = 8 * 1024 * 1024;
  ImportReactor(Registry* registry, grpc::ByteBuffer* resp, Outcome allowed)
      : registry_(registry), resp_(resp) {
    if (!allowed.ok()) {
      Finish(ToStatus(allowed));
      return;
    }
    StartRead(&bytes_);
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
        if (o.ok() && !Serialize(r, resp_).ok())
          o = Outcome::Error(grpc::StatusCode::INTERNAL, "the answer could not be serialized");
        Finish(ToStatus(o));
      });
      return;
    }
    mf::ImportChunk chunk;
    std::string error;
    if (!ParseRequest(bytes_, &chunk, &error)) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error));
      return;
    }
    if (chunk.data().size() > kMaxChunk || data_.size() + chunk.data().size() > kMaxRecord) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "send a record in chunks of at most 32 KiB, 8 MiB in all"));
      return;
    }
    if (title_.empty()) title_ = chunk.title();
    data_ += chunk.data();
    bytes_.Clear();
    StartRead(&bytes_);
  }
  void OnDone() override {
    TakeOver(this);
    delete this;
  }
  // gRPC's, through IntoGrpc.
  void StartRead(grpc::ByteBuffer* bytes) {
    IntoGrpc(this, [&] { grpc::ServerReadReactor<grpc::ByteBuffer>::StartRead(bytes); });
  }
  void Finish(grpc::Status status) {
    IntoGrpc(this, [&] { grpc::ServerReadReactor<grpc::ByteBuffer>::Finish(std::move(status)); });
  }

 private:
  Registry* registry_;
  grpc::ByteBuffer* resp_;
  grpc::ByteBuffer bytes_;
  std::string data_, title_;
};

// Every method raw (bytes in and out): see ParseRequest.
using RawForumService =
    mf::Forum::WithRawCallbackMethod_ListScenarios<mf::Forum::WithRawCallbackMethod_CreateSession<
        mf::Forum::WithRawCallbackMethod_JoinSession<mf::Forum::WithRawCallbackMethod_Subscribe<
            mf::Forum::WithRawCallbackMethod_Act<mf::Forum::WithRawCallbackMethod_Facilitate<
                mf::Forum::WithRawCallbackMethod_SendMessage<
                    mf::Forum::WithRawCallbackMethod_ListSessions<
                        mf::Forum::WithRawCallbackMethod_GetRecord<
                            mf::Forum::WithRawCallbackMethod_GetRoster<
                                mf::Forum::WithRawCallbackMethod_DeleteSession<
                                    mf::Forum::WithRawCallbackMethod_ImportSession<
                                        mf::Forum::Service>>>>>>>>>>>>;

// A stream refused before it started (with the owner's trailers when
// another node holds the session).
StreamReactor* Refuse(grpc::CallbackServerContext* ctx, const Outcome& o) {
  AddOwnerTrailers(ctx, o);
  return new StreamReactor(ToStatus(o));
}

class ForumService final : public RawForumService {
 public:
  ForumService(Registry* registry, const ServerOptions& options, const std::atomic<int>* web_port)
      : registry_(registry), options_(options), limits_(options), web_port_(web_port) {}

  using Ctx = grpc::CallbackServerContext;
  using Bytes = grpc::ByteBuffer;

  grpc::ServerUnaryReactor* ListScenarios(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::ListScenariosRequest, mf::ListScenariosResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::ListScenariosRequest&, mf::ListScenariosResponse* resp,
               Reply reply) {
          const Outcome allowed = limits_.Call(Peer(c));
          if (!allowed.ok()) return reply(allowed);
          for (const auto& [name, sc] : registry_->scenarios()) {
            mf::ScenarioInfo* info = resp->add_scenarios();
            info->set_name(name);
            info->set_title(sc->proto().title());
            info->set_description(sc->proto().description());
            info->set_seats(sc->num_seats());
            info->set_cycles(sc->cycles());
            info->set_decision_rule(sc->decision_rule());
            info->set_minutes_per_phase(sc->proto().minutes_per_phase());
            info->set_classroom_minutes(rules::ClassroomMinutes(*sc));
          }
          for (const rules::EmbeddedCampaign& e : rules::EmbeddedCampaigns())
            resp->add_campaigns(e.name);
          // Where browsers join (the projector's link and QR code).
          if (web_port_) resp->set_web_port(web_port_->load(std::memory_order_acquire));
          resp->set_web_url(options_.web_public_url);
          reply(Outcome::Ok());
        });
  }

  grpc::ServerUnaryReactor* CreateSession(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::CreateSessionRequest, mf::CreateSessionResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::CreateSessionRequest& req, mf::CreateSessionResponse* resp,
               Reply reply) {
          Outcome allowed = Organiser(c, Peer(c));
          if (!allowed.ok()) return reply(allowed);
          registry_->Create(req, RoutedSession(c),
                            [resp, reply](Outcome o, const mf::CreateSessionResponse& r) {
                              if (o.ok()) *resp = r;
                              reply(o);
                            });
        });
  }

  grpc::ServerUnaryReactor* JoinSession(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::JoinSessionRequest, mf::JoinSessionResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::JoinSessionRequest& req, mf::JoinSessionResponse* resp,
               Reply reply) {
          const std::string peer = Peer(c);
          Outcome o = limits_.Call(peer);
          if (!o.ok()) return reply(o);
          const std::string problem = DisplayNameProblem(req.display_name());
          if (!problem.empty())
            return reply(Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT, problem));
          o = limits_.BeforeCodeLookup(peer);  // A guess costs one failed join...
          if (!o.ok()) return reply(o);
          std::shared_ptr<Session> session;
          o = registry_->LocateByCode(req.join_code(), &session);
          if (!o.ok()) return reply(o);  // Another node of the cluster holds it.
          if (!session)
            return reply(Outcome::Error(grpc::StatusCode::NOT_FOUND,
                                        "no running session has the join code '" +
                                            Echo(req.join_code()) +
                                            "'; check it with your facilitator"));
          limits_.CodeFound(peer);  // ...given back when the code was right.
          auto joined = [resp, reply](Outcome j, const mf::JoinSessionResponse& r) {
            if (j.ok()) *resp = r;
            reply(j);
          };
          if (req.press()) return session->JoinPress(req.display_name(), joined);
          std::optional<int> seat;
          if (req.has_seat()) seat = req.seat();
          session->Join(req.display_name(), seat,
                        [resp, reply](Outcome j, const mf::JoinSessionResponse& r) {
                          if (j.ok()) *resp = r;
                          reply(j);
                        });
        });
  }

  grpc::ServerWriteReactor<Bytes>* Subscribe(Ctx* ctx, const Bytes* in) override {
    mf::SubscribeRequest req;
    std::string error;
    if (!ParseRequest(*in, &req, &error))
      return new StreamReactor(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, error));
    if (!req.spectator_code().empty()) {
      const std::string peer = Peer(ctx);
      Outcome o = limits_.Call(peer);
      if (o.ok()) o = limits_.BeforeCodeLookup(peer);
      if (!o.ok()) return new StreamReactor(ToStatus(o));
      // The join code alone finds the session; a session id, when given, must match it.
      std::shared_ptr<Session> session;
      o = req.session().empty() ? registry_->LocateByCode(req.spectator_code(), &session)
                                : registry_->Locate(req.session(), &session);
      if (!o.ok()) return Refuse(ctx, o);
      if (!session || !session->MatchesCode(NormaliseJoinCode(req.spectator_code())))
        return new StreamReactor(
            grpc::Status(grpc::StatusCode::NOT_FOUND, "no running session with the join code '" +
                                                          Echo(req.spectator_code()) +
                                                          "'; check it with your facilitator"));
      limits_.CodeFound(peer);
      o = limits_.OpenSpectator(peer);
      if (!o.ok()) return new StreamReactor(ToStatus(o));
      o = limits_.OpenStream();
      if (!o.ok()) {
        limits_.CloseSpectator(peer);
        return new StreamReactor(ToStatus(o));
      }
      return new StreamReactor(session, kSpectator, req.chat_backlog(), options_, [this, peer] {
        limits_.CloseSpectator(peer);
        limits_.CloseStream();
      });
    }
    Caller caller;
    Outcome o = registry_->Authorize(BearerToken(ctx), req.session(), &caller);
    if (!o.ok()) return Refuse(ctx, o);
    if (!caller.session)
      return new StreamReactor(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                            "that game is over; read it with GetRecord"));
    o = limits_.OpenStream();
    if (!o.ok()) return new StreamReactor(ToStatus(o));
    return new StreamReactor(caller.session, caller.slot, req.chat_backlog(), options_,
                             [this] { limits_.CloseStream(); });
  }

  grpc::ServerUnaryReactor* Act(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::ActRequest, mf::ActResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::ActRequest& req, mf::ActResponse* resp, Reply reply) {
          Caller caller;
          Outcome o = Live(c, req.session(), &caller);
          if (!o.ok()) return reply(o);
          if (caller.slot < 0 && !rules::IsPressActor(caller.slot))
            return reply(Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                        "the facilitator has no seat: use Facilitate"));
          if (req.action().kind_case() == mf::Action::KIND_NOT_SET)
            return reply(Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT,
                                        "no action: set one of the fields of Action"));
          std::optional<uint64_t> based_on;
          if (req.has_based_on_version()) based_on = req.based_on_version();
          Submit(caller, req.action(), based_on, "", resp, reply);
        });
  }

  grpc::ServerUnaryReactor* Facilitate(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::FacilitateRequest, mf::ActResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::FacilitateRequest& req, mf::ActResponse* resp, Reply reply) {
          Caller caller;
          Outcome o = Live(c, req.session(), &caller);
          if (!o.ok()) return reply(o);
          if (caller.slot != kFacilitator)
            return reply(Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                        "only the facilitator's token may facilitate"));
          if (!rules::IsFacilitatorAction(req.action()))
            return reply(Outcome::Error(grpc::StatusCode::INVALID_ARGUMENT,
                                        "Facilitate takes advance, pause, resume, extend, "
                                        "inject_event or set_bot; seats act with Act"));
          std::optional<uint64_t> based_on;
          if (req.has_based_on_version()) based_on = req.based_on_version();
          Submit(caller, req.action(), based_on, req.bot_strategy(), resp, reply);
        });
  }

  grpc::ServerUnaryReactor* SendMessage(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::SendMessageRequest, mf::SendMessageResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::SendMessageRequest& req, mf::SendMessageResponse* resp,
               Reply reply) {
          Caller caller;
          Outcome o = Live(c, req.session(), &caller);
          if (!o.ok()) return reply(o);
          if (rules::IsPressActor(caller.slot))
            return reply(Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                        "a press desk publishes reports (Act with "
                                        "publish_report); it does not write in the chat"));
          caller.session->Chat(caller.slot, req.channel(), req.text(),
                               [resp, reply](Outcome sent, uint64_t serial) {
                                 resp->set_serial(serial);
                                 reply(sent);
                               });
        });
  }

  grpc::ServerUnaryReactor* ListSessions(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::ListSessionsRequest, mf::ListSessionsResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::ListSessionsRequest& req, mf::ListSessionsResponse* resp,
               Reply reply) {
          Caller caller;
          Outcome o = registry_->Authorize(BearerToken(c), "", &caller);
          if (!o.ok()) return reply(o);
          if (caller.slot != kFacilitator)
            return reply(Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                        "listing sessions needs a facilitator token"));
          registry_->ListSessions(caller, req.include_finished(),
                                  [resp, reply](const mf::ListSessionsResponse& r) {
                                    *resp = r;
                                    reply(Outcome::Ok());
                                  });
        });
  }

  grpc::ServerUnaryReactor* GetRecord(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::GetRecordRequest, mf::GetRecordResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::GetRecordRequest& req, mf::GetRecordResponse* resp, Reply reply) {
          Caller caller;
          Outcome o = registry_->Authorize(BearerToken(c), req.session(), &caller);
          if (!o.ok()) return reply(o);
          auto answer = [resp, reply](Outcome read, std::shared_ptr<mf::GetRecordResponse> r) {
            if (read.ok() && r) resp->Swap(r.get());
            reply(read);
          };
          if (caller.archived)
            registry_->ArchivedRecord(caller.session_id, caller.slot, answer);
          else
            caller.session->Record(caller.slot, answer);
        });
  }

  grpc::ServerUnaryReactor* GetRoster(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::GetRosterRequest, mf::Roster>(
        ctx, in, out,
        [this](Ctx* c, const mf::GetRosterRequest& req, mf::Roster* resp, Reply reply) {
          Caller caller;
          Outcome o = Live(c, req.session(), &caller);
          if (!o.ok()) return reply(o);
          if (caller.slot != kFacilitator)
            return reply(Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                                        "the roster is for the facilitator"));
          caller.session->Roster([resp, reply](std::shared_ptr<mf::Roster> r) {
            resp->Swap(r.get());
            reply(Outcome::Ok());
          });
        });
  }

  grpc::ServerUnaryReactor* DeleteSession(Ctx* ctx, const Bytes* in, Bytes* out) override {
    return Unary<mf::DeleteSessionRequest, mf::DeleteSessionResponse>(
        ctx, in, out,
        [this](Ctx* c, const mf::DeleteSessionRequest& req, mf::DeleteSessionResponse*,
               Reply reply) {
          Caller caller;
          Outcome o = registry_->Authorize(BearerToken(c), req.session(), &caller);
          if (!o.ok()) return reply(o);
          registry_->Delete(caller, [reply](Outcome deleted) { reply(deleted); });
        });
  }

  grpc::ServerReadReactor<Bytes>* ImportSession(Ctx* ctx, Bytes* resp) override {
    return new ImportReactor(registry_, resp, Organiser(ctx, Peer(ctx)));
  }

 private:
  // Where the call comes from. A call of the web port (server/web.h) comes
  // over the in-process channel with its browser's address in
  // kWebPeerMetadata, believed only beside this process's secret.
  std::string Peer(const Ctx* ctx) const {
    const auto& md = ctx->client_metadata();
    auto peer = md.find(kWebPeerMetadata);
    auto secret = md.find(kWebSecretMetadata);
    if (!options_.web_peer_secret.empty() && peer != md.end() && secret != md.end() &&
        SecureEquals(std::string(secret->second.data(), secret->second.size()),
                     options_.web_peer_secret))
      return PeerKey(std::string(peer->second.data(), peer->second.size()));
    return PeerKey(ctx->peer());
  }

  // Creating or importing a session: within the peer's limits, and open to
  // all unless forumd was given an organiser token, which the call must then
  // present.
  Outcome Organiser(Ctx* ctx, const std::string& peer) {
    Outcome limit = limits_.Call(peer);
    if (!limit.ok()) return limit;
    if (!options_.organiser_token_hash.empty()) {
      const std::string bearer = BearerToken(ctx);
      if (bearer.empty())
        return Outcome::Error(grpc::StatusCode::UNAUTHENTICATED,
                              "this server lets only its organiser create sessions: send the "
                              "organiser token (forumctl session create --token ...)");
      if (!SecureEquals(TokenHash(bearer), options_.organiser_token_hash))
        return Outcome::Error(grpc::StatusCode::PERMISSION_DENIED,
                              "that is not this server's organiser token");
    }
    return limits_.Create(peer);
  }

  // Authorizes a call on a session still held in memory.
  Outcome Live(Ctx* ctx, const std::string& session, Caller* caller) {
    Outcome o = registry_->Authorize(BearerToken(ctx), session, caller);
    if (o.ok() && !caller->session)
      return Outcome::Error(grpc::StatusCode::FAILED_PRECONDITION,
                            "that game is over; read it with GetRecord");
    return o;
  }

  void Submit(const Caller& caller, const mf::Action& action, std::optional<uint64_t> based_on,
              const std::string& strategy, mf::ActResponse* resp, const Reply& reply) {
    // Past the server's capacity an action is refused at once, before any
    // work, instead of waiting behind the others and making every one of
    // them later (--max-in-flight).
    const int cap = options_.max_in_flight;
    if (cap > 0 && in_flight_->fetch_add(1) >= cap) {
      in_flight_->fetch_sub(1);
      return reply(Outcome::Error(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          "the server is at capacity: " + std::to_string(cap) +
              " actions are in progress (--max-in-flight); nothing changed, send it again"));
    }
    caller.session->Act(
        caller.slot, action, based_on, strategy,
        [resp, reply, cap, in_flight = in_flight_](Outcome o, uint64_t version, mf::Phase phase) {
          if (cap > 0) in_flight->fetch_sub(1);
          resp->set_version(version);
          resp->set_phase(phase);
          reply(o);
        });
  }

  Registry* registry_;
  const ServerOptions& options_;
  PeerLimits limits_;
  const std::atomic<int>* web_port_;  // Null: no web port.
  // Actions taken and not yet answered, every session's (--max-in-flight).
  std::shared_ptr<std::atomic<int>> in_flight_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace

std::unique_ptr<grpc::Service> MakeForumService(Registry* registry, const ServerOptions& options,
                                                const std::atomic<int>* web_port) {
  return std::make_unique<ForumService>(registry, options, web_port);
}

}  // namespace mf::server
