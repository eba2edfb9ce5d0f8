// forumctl load: a load generator for forumd.
//
// Creates N sessions, joins M seats in each with network clients (one stream
// per seat on gRPC's callback API, spread over a few connections), and then
// makes the seats act at a total rate R for S seconds: at every tick a random
// seat with something to do (the light policy on its latest view) sends its
// action with the view's version. The latency of an action runs from the Act
// call to the moment the acting seat's stream delivers a view at or past the
// version the server answered. Seats beyond M are played by the server's bots.
// With --acks FILE, every action the server acknowledged is written there,
// one a line: "SESSION VERSION SEAT ACTION_HEX" (the Act request's action,
// serialized), so that a check can find each in the record (forumctl verify).
//
// The client is asynchronous (gRPC's callback API: no thread per stream or
// call) and decides lazily: a view that arrives is only kept; a seat runs the
// light policy on its latest view when the scheduler picks it. It reports its
// own CPU time per action, and forumd's with --server-pid. --find-knee steps
// the rate (fresh sessions at each step) and reports the highest rate held
// within a p99 bound, with a chart of p50 and p99 against the rate.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/generic/generic_stub.h>

#include "bots/light.h"
#include "net/client.h"
#include "reports.pb.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/draw.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

using Clock = std::chrono::steady_clock;

// An action the server answered OK: its place (the version after it) and
// the action as sent.
struct AckedAction {
  std::string session;
  uint64_t version = 0;
  int seat = 0;
  std::string action;  // Serialized mf::Action.
};

struct Stats {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::vector<AckedAction> acked;
  std::map<std::string, int> errors;
  long long sent = 0, ok = 0, stale = 0, stream_errors = 0;
  void Error(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    ++errors[what];
  }
};

// What the load client reads of an event without parsing it: protobuf's wire
// format walked for ServerEvent.view's version and phase and
// ServerEvent.static_omitted (each the last occurrence, as a parser merges
// them). False when the bytes are not wire format.
struct EventGist {
  bool view = false, static_omitted = false;
  uint64_t version = 0;
  int phase = 0;
};
bool ReadGist(const std::string& bytes, EventGist* out) {
  namespace io = google::protobuf::io;
  auto skip = [](io::CodedInputStream* in, uint32_t tag) {
    switch (tag & 7) {
      case 0: {
        uint64_t v;
        return in->ReadVarint64(&v);
      }
      case 1:
        return in->Skip(8);
      case 5:
        return in->Skip(4);
      case 2: {
        uint32_t len;
        return in->ReadVarint32(&len) && in->Skip(static_cast<int>(len));
      }
      default:
        return false;
    }
  };
  io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    const uint32_t field = tag >> 3;
    if (field == mf::ServerEvent::kViewFieldNumber && (tag & 7) == 2) {
      uint32_t len;
      if (!in.ReadVarint32(&len)) return false;
      const io::CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(len));
      out->view = true;
      while (uint32_t vtag = in.ReadTag()) {
        const uint32_t vfield = vtag >> 3;
        uint64_t v;
        if (vfield == mf::View::kVersionFieldNumber && (vtag & 7) == 0) {
          if (!in.ReadVarint64(&v)) return false;
          out->version = v;
        } else if (vfield == mf::View::kPhaseFieldNumber && (vtag & 7) == 0) {
          if (!in.ReadVarint64(&v)) return false;
          out->phase = static_cast<int>(v);
        } else if (!skip(&in, vtag)) {
          return false;
        }
      }
      if (!in.ConsumedEntireMessage()) return false;
      in.PopLimit(limit);
    } else if (field == mf::ServerEvent::kStaticOmittedFieldNumber && (tag & 7) == 0) {
      uint64_t v;
      if (!in.ReadVarint64(&v)) return false;
      out->static_omitted = v != 0;
    } else if (!skip(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

// A seat: its stream (Subscribe, read as raw bytes through a generic call:
// a view is parsed only when the seat decides on it) and its Act calls.
using RawStub = grpc::TemplatedGenericStub<mf::SubscribeRequest, grpc::ByteBuffer>;
class SeatClient final : public grpc::ClientBidiReactor<mf::SubscribeRequest, grpc::ByteBuffer> {
 public:
  SeatClient(mf::Forum::Stub* stub, RawStub* raw, std::string session, int seat, std::string token,
             Stats* stats)
      : stub_(stub),
        raw_(raw),
        session_(std::move(session)),
        seat_(seat),
        token_(std::move(token)),
        stats_(stats) {}

  void Start() {
    net::Authorize(&ctx_, token_);
    net::Route(&ctx_, session_);
    req_.set_session(session_);
    // Subscribe is server-streaming: one request, then the client's half
    // closes and the events come.
    raw_->PrepareBidiStreamingCall(&ctx_, "/mf.Forum/Subscribe", grpc::StubOptions(), this);
    StartWriteLast(&req_, grpc::WriteOptions());
    StartRead(&buf_);
    StartCall();
  }
  void Stop() {
    stopping_ = true;
    ctx_.TryCancel();
  }
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    // The stream has ended and no Act call is still out (its callback
    // touches this object).
    cv_.wait(lock, [this] { return done_ && !in_flight_; });
  }
  bool has_view() {
    std::lock_guard<std::mutex> lock(mu_);
    return version_seen_ > 0 || have_view_;
  }
  bool finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return game_over_;
  }
  const std::string& session() const { return session_; }
  // Marks the start of the measured run; returns the versions seen since.
  void MarkStart() {
    std::lock_guard<std::mutex> lock(mu_);
    start_version_ = version_seen_;
  }
  uint64_t VersionsSinceStart() {
    std::lock_guard<std::mutex> lock(mu_);
    return version_seen_ - start_version_;
  }

  // Sends the pending action, if any; false when the seat has nothing to do.
  bool TryAct() {
    std::shared_ptr<Call> call;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (in_flight_ || !have_view_) return false;
      if (!decided_) {
        // Once per view, and only for a view that shows this seat's last
        // accepted action (otherwise the next view decides).
        decided_ = true;
        has_action_ = false;
        if (view_version_ >= acked_ && view_event_.ParseFromString(view_bytes_))
          has_action_ = bots::LightPolicy(view_event_.view(), brief_, &action_);
      }
      if (!has_action_) return false;
      call = std::make_shared<Call>();
      has_action_ = false;
      in_flight_ = true;
      arrivals_.clear();
      awaiting_ = 0;
      call->req.set_session(session_);
      call->req.set_based_on_version(version_seen_);
      *call->req.mutable_action() = action_;
      call->t0 = Clock::now();
      t0_ = call->t0;
    }
    net::Authorize(&call->ctx, token_);
    net::Route(&call->ctx, session_);
    call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    {
      std::lock_guard<std::mutex> lock(stats_->mu);
      ++stats_->sent;
    }
    stub_->async()->Act(&call->ctx, &call->req, &call->resp,
                        [this, call](grpc::Status st) { OnActDone(call, st); });
    return true;
  }

  void OnWriteDone(bool) override {}
  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows.
    const auto now = Clock::now();
    std::string bytes;
    std::vector<grpc::Slice> slices;
    if (buf_.Dump(&slices).ok())
      for (const grpc::Slice& slice : slices)
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    buf_.Clear();
    EventGist gist;
    if (!ReadGist(bytes, &gist)) {
      stats_->Error("stream: an event that is not a ServerEvent");
    } else if (gist.view) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!gist.static_omitted) {  // A stream's first view: the seat's brief.
        mf::ServerEvent first;
        if (first.ParseFromString(bytes)) brief_ = first.view().brief();
      }
      have_view_ = true;
      version_seen_ = gist.version;
      if (gist.phase == mf::GAME_OVER) game_over_ = true;
      if (in_flight_) arrivals_.emplace_back(gist.version, now);
      if (awaiting_ > 0 && gist.version >= awaiting_) {
        Record(now - t0_);
        awaiting_ = 0;
      }
      // Kept as bytes, not parsed nor decided on: TryAct does both when the
      // scheduler picks the seat (most views of a seat are replaced before).
      view_bytes_.swap(bytes);
      view_version_ = gist.version;
      decided_ = false;
      has_action_ = false;
    }
    StartRead(&buf_);
  }
  void OnDone(const grpc::Status& st) override {
    if (!st.ok() && !stopping_ && st.error_code() != grpc::StatusCode::OK) {
      {
        std::lock_guard<std::mutex> lock(stats_->mu);
        ++stats_->stream_errors;
      }
      stats_->Error("stream " + net::Describe(st));
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    mf::ActRequest req;
    mf::ActResponse resp;
    Clock::time_point t0;
  };
  void Record(Clock::duration d) {
    std::lock_guard<std::mutex> lock(stats_->mu);
    stats_->latencies_ms.push_back(std::chrono::duration<double, std::milli>(d).count());
  }
  void OnActDone(const std::shared_ptr<Call>& call, const grpc::Status& st) {
    if (st.ok()) {
      {
        std::lock_guard<std::mutex> lock(stats_->mu);
        ++stats_->ok;
        stats_->acked.push_back(
            {session_, call->resp.version(), seat_, call->req.action().SerializeAsString()});
      }
      std::lock_guard<std::mutex> lock(mu_);
      const uint64_t v = call->resp.version();
      bool seen = false;
      for (const auto& [version, when] : arrivals_)
        if (version >= v) {
          Record(when - call->t0);
          seen = true;
          break;
        }
      if (!seen) awaiting_ = v;
    } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
               st.error_message().find("out of date") != std::string::npos) {
      std::lock_guard<std::mutex> lock(stats_->mu);
      ++stats_->stale;
    } else if (!stopping_) {
      stats_->Error(net::ErrorKind(st));
    }
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_ = false;
    // Decide again (in TryAct) only on a view that already shows this
    // action's effect.
    const uint64_t own = st.ok() ? call->resp.version() : 0;
    acked_ = std::max(acked_, own);
    decided_ = false;
    has_action_ = false;
    cv_.notify_all();
  }

  mf::Forum::Stub* stub_;
  RawStub* raw_;
  std::string session_;
  int seat_;
  std::string token_;
  Stats* stats_;
  grpc::ClientContext ctx_;
  mf::SubscribeRequest req_;
  grpc::ByteBuffer buf_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false, have_view_ = false, game_over_ = false;
  std::atomic<bool> stopping_{false};
  uint64_t version_seen_ = 0, start_version_ = 0;
  bool has_action_ = false, in_flight_ = false;
  bool decided_ = false;  // has_action_ holds the light policy's answer on the latest view.
  mf::Action action_;
  std::string view_bytes_;  // The latest view's event, serialized.
  uint64_t view_version_ = 0;
  mf::ServerEvent view_event_;  // view_bytes_ parsed (when deciding).

  mf::Brief brief_;  // From the stream's first (complete) view.
  Clock::time_point t0_;
  uint64_t awaiting_ = 0;
  uint64_t acked_ = 0;  // The version after this seat's last accepted action.
  std::vector<std::pair<uint64_t, Clock::time_point>> arrivals_;
};

long RssKb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// A process's CPU time (user + system, seconds) from /proc/PID/stat (in
// clock ticks: 10 ms); -1 when it cannot be read.
double ProcCpuSeconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  const size_t close = line.rfind(')');  // The command name may hold spaces.
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 13; ++i) rest >> field;  // state .. cmajflt
  long long utime = 0, stime = 0;
  rest >> utime >> stime;
  if (!rest) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// This process's CPU time (user + system, seconds).
double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double v = -1;
  in >> v;
  return v;
}

double Percentile(std::vector<double>* v, double p) {
  if (v->empty()) return 0;
  std::sort(v->begin(), v->end());
  const size_t i = std::min(v->size() - 1, static_cast<size_t>(p * static_cast<double>(v->size())));
  return (*v)[i];
}

struct LoadArgs {
  std::string server, scenario, ca, acks, chart, label = "forumd";
  int sessions = 10, seats = 8, channels = 8, bot_pace = 1000;
  double rate = 100, duration = 10;
  long pid = 0;
  bool find_knee = false;
  double p99_ms = 10, knee_step = 250, knee_max = 20000;
};

// One measured run at `rate`: creates the sessions, joins the seats, opens
// their streams, acts for the duration, closes the streams. Fills `p` and,
// when asked, the acknowledged actions. Returns false (with a message on
// stderr) when the setup failed.
bool RunOnce(const LoadArgs& a, double rate, mf::LoadReport* p, std::vector<AckedAction>* acked) {
  const int sessions = a.sessions;
  const int seats = a.seats;
  const double duration = a.duration;
  const int channels = a.channels;
  const long pid = a.pid;
  const std::string& server = a.server;

  // One connection per channel to ADDR (a forumd, or a router in front of
  // several); every call carries its session's id, and a seat's calls go to
  // the node its join found owning the session.
  std::vector<std::unique_ptr<net::Endpoint>> endpoints;
  for (int c = 0; c < channels; ++c)
    endpoints.push_back(std::make_unique<net::Endpoint>(server, a.ca, true));
  // The seats' connections: per channel, to the address that serves the
  // session; a seat's stream (read raw) and its Act calls share one.
  struct Conn {
    std::unique_ptr<mf::Forum::Stub> stub;
    std::unique_ptr<RawStub> raw;
  };
  std::map<std::pair<int, std::string>, Conn> conns;
  auto conn = [&](int c, const std::string& address) -> Conn& {
    Conn& r = conns[{c, address}];
    if (!r.stub) {
      auto channel = net::Connect(address, a.ca, true);
      r.stub = mf::Forum::NewStub(channel);
      r.raw = std::make_unique<RawStub>(channel);
    }
    return r;
  };

  // The scenario: the named one, or the smallest with enough seats.
  std::string scenario = a.scenario;
  int scenario_seats = 0;
  {
    grpc::ClientContext ctx;
    mf::ListScenariosResponse list;
    const grpc::Status st = endpoints[0]->Stub("")->ListScenarios(&ctx, {}, &list);
    if (!st.ok()) {
      std::cerr << "forumctl load: " << net::Describe(st) << "\n";
      return false;
    }
    const std::string wanted = scenario;
    for (const mf::ScenarioInfo& s : list.scenarios()) {
      if (!wanted.empty()
              ? s.name() == wanted
              : s.seats() >= seats && (scenario_seats == 0 || s.seats() < scenario_seats)) {
        scenario = s.name();
        scenario_seats = s.seats();
      }
    }
    if (scenario_seats < seats) {
      std::cerr << "forumctl load: no scenario with " << seats << " seats\n";
      return false;
    }
  }

  const long rss0 = pid > 0 ? RssKb(pid) : -1;
  Stats stats;
  std::vector<std::unique_ptr<SeatClient>> clients;
  // Whatever happens below, no stream outlives this run.
  struct StopAll {
    std::vector<std::unique_ptr<SeatClient>>* clients;
    ~StopAll() {
      for (auto& c : *clients) c->Stop();
      for (auto& c : *clients) c->WaitDone();
    }
  } stop_all{&clients};
  const auto setup0 = Clock::now();
  for (int i = 0; i < sessions; ++i) {
    net::Endpoint* endpoint = endpoints[static_cast<size_t>(i % channels)].get();
    mf::CreateSessionRequest req;
    req.set_scenario(scenario);
    req.set_seed(static_cast<uint64_t>(i + 1));
    req.set_title("load");
    for (int s = seats; s < scenario_seats; ++s) req.add_bots()->set_seat(s);
    req.set_bot_pace_ms(a.bot_pace);
    grpc::ClientContext ctx;
    net::Route(&ctx, net::NewSessionKey());  // The router sends it where its calls will go.
    mf::CreateSessionResponse created;
    grpc::Status st = endpoint->Stub("")->CreateSession(&ctx, req, &created);
    if (!st.ok()) {
      std::cerr << "forumctl load: creating session " << i << ": " << net::Describe(st) << "\n";
      return false;
    }
    for (int s = 0; s < seats; ++s) {
      mf::JoinSessionRequest join;
      join.set_join_code(created.join_code());
      join.set_display_name("load-" + std::to_string(s));
      join.set_seat(s);
      mf::JoinSessionResponse joined;
      net::Endpoint* seat_endpoint =
          endpoints[clients.size() % static_cast<size_t>(channels)].get();
      st = seat_endpoint->Call(created.session(), "",
                               [&](mf::Forum::Stub* stub, grpc::ClientContext* jctx) {
                                 return stub->JoinSession(jctx, join, &joined);
                               });
      if (!st.ok()) {
        std::cerr << "forumctl load: joining: " << net::Describe(st) << "\n";
        return false;
      }
      Conn& seat_conn = conn(static_cast<int>(clients.size() % static_cast<size_t>(channels)),
                             seat_endpoint->AddressFor(created.session()));
      clients.push_back(std::make_unique<SeatClient>(seat_conn.stub.get(), seat_conn.raw.get(),
                                                     created.session(), s, joined.seat_token(),
                                                     &stats));
      clients.back()->Start();
    }
  }
  // Every stream has its first view before the clock starts.
  for (auto& c : clients)
    while (!c->has_view()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double setup_s = std::chrono::duration<double>(Clock::now() - setup0).count();
  const long rss1 = pid > 0 ? RssKb(pid) : -1;
  for (auto& c : clients) c->MarkStart();

  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, clients.size() - 1);
  long long issued = 0, missed = 0;
  const double client_cpu0 = SelfCpuSeconds();
  const double server_cpu0 = pid > 0 ? ProcCpuSeconds(pid) : -1;
  const auto t0 = Clock::now();
  const auto end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  while (Clock::now() < end) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    const long long due = static_cast<long long>(elapsed * rate);
    while (issued < due) {
      ++issued;
      bool sent = false;
      for (int tries = 0; tries < 16 && !sent; ++tries) sent = clients[pick(rng)]->TryAct();
      if (!sent) ++missed;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const double run_s = std::chrono::duration<double>(Clock::now() - t0).count();
  // Answers still in flight come back before the streams close.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double client_cpu = SelfCpuSeconds() - client_cpu0;
  const double server_cpu = pid > 0 ? ProcCpuSeconds(pid) - server_cpu0 : -1;
  const double load_average = LoadAverage();
  const long rss2 = pid > 0 ? RssKb(pid) : -1;
  // Every accepted action of a session (the clients', the bots', the clock's)
  // bumps its version: the most any of its seats saw is the session's count.
  std::map<std::string, uint64_t> applied;
  for (auto& c : clients)
    applied[c->session()] = std::max(applied[c->session()], c->VersionsSinceStart());
  uint64_t server_actions = 0;
  for (const auto& [id, n] : applied) server_actions += n;
  int finished = 0;
  for (auto& c : clients) {
    finished += c->finished() ? 1 : 0;
    c->Stop();
  }
  for (auto& c : clients) c->WaitDone();

  std::lock_guard<std::mutex> lock(stats.mu);
  long long errors = stats.stream_errors;
  for (const auto& [what, n] : stats.errors) errors += what.rfind("stream", 0) == 0 ? 0 : n;
  p->set_scenario(scenario);
  p->set_sessions(sessions);
  p->set_seats_per_session(seats);
  p->set_streams(static_cast<int32_t>(clients.size()));
  p->set_target_rate(Sig(rate));
  p->set_duration_s(Sig(run_s, 4));
  p->set_setup_s(Sig(setup_s, 4));
  p->set_actions_sent(static_cast<double>(stats.sent));
  p->set_actions_ok(static_cast<double>(stats.ok));
  p->set_throughput(Sig(static_cast<double>(stats.ok) / run_s, 5));
  p->set_server_actions_per_s(Sig(static_cast<double>(server_actions) / run_s, 5));
  p->set_stale(static_cast<double>(stats.stale));
  p->set_idle_ticks(static_cast<double>(missed));
  mf::LatencyMs* latency = p->mutable_latency_ms();
  latency->set_samples(static_cast<double>(stats.latencies_ms.size()));
  latency->set_p50(Sig(Percentile(&stats.latencies_ms, 0.50), 4));
  latency->set_p99(Sig(Percentile(&stats.latencies_ms, 0.99), 4));
  latency->set_max(Sig(stats.latencies_ms.empty() ? 0 : stats.latencies_ms.back(), 4));
  p->set_errors(static_cast<double>(errors));
  for (const auto& [what, n] : stats.errors) (*p->mutable_error_kinds())[what] = n;
  p->set_seats_at_game_over(finished);
  if (pid > 0) {
    mf::ServerRssKb* rss = p->mutable_server_rss_kb();
    rss->set_before(static_cast<int32_t>(rss0));
    rss->set_after_setup(static_cast<int32_t>(rss1));
    rss->set_after_run(static_cast<int32_t>(rss2));
    rss->set_per_session(Sig(static_cast<double>(rss2 - rss0) / sessions, 5));
  }
  mf::LoadCpu* cpu = p->mutable_cpu();
  cpu->set_client_s(Sig(client_cpu, 4));
  if (stats.ok > 0)
    cpu->set_client_us_per_action(Sig(client_cpu * 1e6 / static_cast<double>(stats.ok), 4));
  if (pid > 0 && server_cpu >= 0) {
    cpu->set_server_s(Sig(server_cpu, 4));
    if (server_actions > 0)
      cpu->set_server_us_per_action(Sig(server_cpu * 1e6 / static_cast<double>(server_actions), 4));
  }
  p->set_load_average(load_average);
  if (acked) *acked = std::move(stats.acked);
  return true;
}

bool WriteAcks(const std::string& path, const std::vector<AckedAction>& acked) {
  std::ofstream out(path);
  static const char* kHex = "0123456789abcdef";
  for (const AckedAction& ack : acked) {
    std::string hex;
    for (unsigned char ch : ack.action) {
      hex += kHex[ch >> 4];
      hex += kHex[ch & 15];
    }
    out << ack.session << ' ' << ack.version << ' ' << ack.seat << ' ' << (hex.empty() ? "-" : hex)
        << '\n';
  }
  if (!out) {
    std::cerr << "forumctl load: cannot write " << path << "\n";
    return false;
  }
  return true;
}

// A step of --find-knee held: (nearly) every action asked was answered OK,
// none failed, and the tail stayed within the bound.
bool Held(const mf::LoadReport& r, double p99_ms) {
  return r.errors() == 0 && r.throughput() >= 0.97 * r.target_rate() &&
         r.latency_ms().p99() <= p99_ms;
}

// The knee chart: p50 and p99 (log scale) against the rate asked, the bound
// dashed, the knee marked.
std::string KneeChart(const mf::KneeReport& k, const std::string& server_name, draw::Format format,
                      std::string* error) {
  using draw::Rgb;
  const double W = 760, H = 460, left = 70, right = 30, top = 60, bottom = 70;
  draw::Document doc(format, W, H, format == draw::Format::kPng ? 2 : 1);
  doc.Fill(Rgb(0xffffff));
  const draw::Font title{15, true}, label{11, false}, small{10, false};
  const draw::Colour ink = Rgb(0x222222), grid = Rgb(0xdddddd);
  const draw::Colour c50 = Rgb(0x1f77b4), c99 = Rgb(0xd62728);
  const mf::LoadReport& first = k.steps(0);
  doc.Text(left, 14,
           server_name + ": latency against the rate asked (" + std::to_string(first.sessions()) +
               " x " + std::to_string(first.seats_per_session()) + " " + first.scenario() + ")",
           title, ink);
  double max_rate = 0, lo_ms = 1e9, hi_ms = 0;
  for (const mf::LoadReport& r : k.steps()) {
    max_rate = std::max(max_rate, r.target_rate());
    lo_ms = std::min(lo_ms, std::max(0.01, r.latency_ms().p50()));
    hi_ms = std::max(hi_ms, r.latency_ms().p99());
  }
  hi_ms = std::max(hi_ms, k.p99_bound_ms() * 2);
  const double y_lo = std::floor(std::log10(lo_ms)), y_hi = std::ceil(std::log10(hi_ms));
  const double px = left, py = top, pw = W - left - right, ph = H - top - bottom;
  auto X = [&](double rate) { return px + rate / max_rate * pw; };
  auto Y = [&](double ms) {
    return py + ph - (std::log10(std::max(ms, 1e-3)) - y_lo) / (y_hi - y_lo) * ph;
  };
  for (double e = y_lo; e <= y_hi + 1e-9; e += 1) {
    const double ms = std::pow(10, e), y = Y(ms);
    doc.Line(px, y, px + pw, y, grid);
    std::ostringstream t;
    t << ms << " ms";
    doc.Text(px - 6, y - 6, t.str(), small, ink, draw::Align::kRight);
  }
  const double step = max_rate > 4000 ? 1000 : max_rate > 1500 ? 500 : 250;
  for (double r = 0; r <= max_rate + 1e-9; r += step) {
    doc.Line(X(r), py, X(r), py + ph, grid);
    doc.Text(X(r), py + ph + 6, std::to_string(static_cast<int>(r)), small, ink,
             draw::Align::kCentre);
  }
  doc.Frame(px, py, pw, ph, ink);
  doc.Text(px + pw / 2, py + ph + 24, "actions per second asked (all seats together)", label, ink,
           draw::Align::kCentre);
  doc.Line(px, Y(k.p99_bound_ms()), px + pw, Y(k.p99_bound_ms()), c99, 1, {5, 4});
  if (k.knee_rate() > 0) {
    doc.Line(X(k.knee_rate()), py, X(k.knee_rate()), py + ph, ink, 1, {2, 3});
    std::ostringstream t;
    t << "knee " << k.knee_rate() << "/s";
    doc.Text(X(k.knee_rate()) + 4, py + 4, t.str(), label, ink);
  }
  std::vector<double> l50, l99;
  for (const mf::LoadReport& r : k.steps()) {
    l50.insert(l50.end(), {X(r.target_rate()), Y(r.latency_ms().p50())});
    l99.insert(l99.end(), {X(r.target_rate()), Y(r.latency_ms().p99())});
  }
  doc.Polyline(l50, c50, 2);
  doc.Polyline(l99, c99, 2);
  for (size_t i = 0; i + 1 < l50.size(); i += 2) {
    doc.Dot(l50[i], l50[i + 1], 3, c50);
    doc.Dot(l99[i], l99[i + 1], 3, c99);
  }
  std::ostringstream bound;
  bound << "p99 (dashed: the bound, " << k.p99_bound_ms() << " ms)";
  doc.Line(left, 42, left + 24, 42, c50, 2);
  double x = left + 30 + doc.Text(left + 30, 35, "p50", label, ink);
  doc.Line(x + 20, 42, x + 44, 42, c99, 2);
  doc.Text(x + 50, 35, bound.str(), label, ink);
  double load_lo = 1e9, load_hi = 0;
  for (const mf::LoadReport& r : k.steps()) {
    load_lo = std::min(load_lo, r.load_average());
    load_hi = std::max(load_hi, r.load_average());
  }
  std::ostringstream foot;
  foot << "Each step: fresh sessions, " << first.duration_s() << " s; server and load client on "
       << "one machine (load average " << load_lo << "-" << load_hi
       << "). Latency: Act call to the acting seat's updated view.";
  double y = H - 30;
  for (const std::string& line : doc.Wrap(foot.str(), small, W - left - right)) {
    doc.Text(left, y, line, small, ink);
    y += doc.LineHeight(small) + 2;
  }
  return doc.Finish(error);
}

int RunLoad(const LoadArgs& a) {
  if (!a.find_knee) {
    mf::LoadReport p;
    std::vector<AckedAction> acked;
    if (!RunOnce(a, a.rate, &p, a.acks.empty() ? nullptr : &acked)) return 1;
    std::cout << ToJson(p) << "\n";
    if (!a.acks.empty() && !WriteAcks(a.acks, acked)) return 1;
    return p.errors() == 0 ? 0 : 1;
  }
  draw::Format format = draw::Format::kSvg;
  std::string error;
  if (!a.chart.empty() && !draw::FormatOfPath(a.chart, &format, &error)) {
    std::cerr << "forumctl load: --chart: " << error << "\n";
    return 2;
  }
  mf::KneeReport k;
  k.set_p99_bound_ms(a.p99_ms);
  int failed_in_a_row = 0;
  for (double rate = a.rate; rate <= a.knee_max + 1e-9 && failed_in_a_row < 2;
       rate += a.knee_step) {
    mf::LoadReport* step = k.add_steps();
    if (!RunOnce(a, rate, step, nullptr)) return 1;
    std::cerr << "forumctl load: " << rate << "/s: held " << step->throughput() << "/s, p50 "
              << step->latency_ms().p50() << " ms, p99 " << step->latency_ms().p99()
              << " ms, errors " << step->errors() << "\n";
    if (Held(*step, a.p99_ms)) {
      k.set_knee_rate(rate);
      failed_in_a_row = 0;
    } else {
      ++failed_in_a_row;
    }
  }
  if (!a.chart.empty()) {
    const std::string bytes = KneeChart(k, a.label, format, &error);
    if (bytes.empty() || !WriteFile(a.chart, bytes, &error)) {
      std::cerr << "forumctl load: the chart: " << error << "\n";
      return 1;
    }
    k.set_chart(a.chart);
  }
  std::cout << ToJson(k) << "\n";
  return 0;
}

}  // namespace

void AddLoad(CLI::App* app) {
  auto a = std::make_shared<LoadArgs>();
  CLI::App* sub = app->add_subcommand(
      "load",
      "load test of a running forumd: N sessions with M network seats each (the other seats "
      "are server bots) acting at R actions/s in total for S seconds; prints throughput, "
      "latency and errors (JSON, mf.LoadReport)");
  sub->group(kNetworkGroup);
  AddText(sub, "--server", &a->server, "ADDR", "forumd's address, host:port")->required();
  AddNumber(sub, "--sessions", &a->sessions, "N", 1, 100000, "sessions to create");
  AddNumber(sub, "--seats", &a->seats, "M", 1, 64, "network seats per session");
  AddReal(sub, "--rate", &a->rate, "R", 0.001, 1e6, "actions per second, all seats together");
  AddReal(sub, "--duration", &a->duration, "S", 0.1, 86400, "seconds of the measured run");
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "the scenario on the server (default: the smallest with M seats)");
  AddNumber(sub, "--channels", &a->channels, "C", 1, 1024, "gRPC connections to spread over");
  AddNumber(sub, "--bot-pace", &a->bot_pace, "MS", 0, 600000,
            "pacing of the server's bots in the other seats");
  AddNumber(sub, "--server-pid", &a->pid, "PID", 1L, 4194304L,
            "also report forumd's memory per session (RSS delta / N) (default: not measured)");
  AddText(sub, "--ca", &a->ca, "FILE", "connect with TLS, trusting this CA certificate");
  sub->add_flag("--find-knee", a->find_knee,
                "step the rate from --rate by --knee-step (fresh sessions, --duration each) "
                "until two steps in a row miss --p99-ms; print the highest rate held "
                "(JSON, mf.KneeReport)");
  AddReal(sub, "--p99-ms", &a->p99_ms, "MS", 0.01, 1e6,
          "--find-knee: the tail a rate must hold (default 10)");
  AddReal(sub, "--knee-step", &a->knee_step, "R", 1, 1e6,
          "--find-knee: the rate's step (default 250)");
  AddReal(sub, "--knee-max", &a->knee_max, "R", 1, 1e7,
          "--find-knee: the highest rate tried (default 20000)");
  AddText(sub, "--chart", &a->chart, "FILE",
          "--find-knee: also draw p50 and p99 against the rate (.svg, .png or .pdf)");
  AddText(sub, "--label", &a->label, "TEXT",
          "--find-knee: the server's name in the chart's title (default forumd)");
  AddText(sub, "--acks", &a->acks, "FILE",
          "also write every acknowledged action to FILE (SESSION VERSION SEAT ACTION_HEX a "
          "line), for forumctl verify --acks");
  OnRun(sub, [a] { return RunLoad(*a); });
}

}  // namespace mf::tools
