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
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bots/light.h"
#include "net/client.h"
#include "reports.pb.h"
#include "tools/commands.h"
#include "tools/common.h"
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

class SeatClient final : public grpc::ClientReadReactor<mf::ServerEvent> {
 public:
  SeatClient(mf::Forum::Stub* stub, std::string session, int seat, std::string token, Stats* stats)
      : stub_(stub),
        session_(std::move(session)),
        seat_(seat),
        token_(std::move(token)),
        stats_(stats) {}

  void Start() {
    net::Authorize(&ctx_, token_);
    net::Route(&ctx_, session_);
    req_.set_session(session_);
    stub_->async()->Subscribe(&ctx_, &req_, this);
    StartRead(&ev_);
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
    auto call = std::make_shared<Call>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!has_action_ || in_flight_) return false;
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

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows.
    if (ev_.has_view()) {
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(mu_);
      if (!ev_.static_omitted()) brief_ = ev_.view().brief();
      const mf::View& v = ev_.view();
      have_view_ = true;
      version_seen_ = v.version();
      if (v.phase() == mf::GAME_OVER) game_over_ = true;
      if (in_flight_) arrivals_.emplace_back(v.version(), now);
      if (awaiting_ > 0 && v.version() >= awaiting_) {
        Record(now - t0_);
        awaiting_ = 0;
      }
      has_action_ = !in_flight_ && v.version() >= acked_ && bots::LightPolicy(v, brief_, &action_);
      if (in_flight_) last_view_.Swap(ev_.mutable_view());  // Decide once the answer is in.
    }
    StartRead(&ev_);
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
      std::string msg = st.error_message();
      stats_->Error(net::Describe(grpc::Status(st.error_code(), msg.substr(0, 60))));
    }
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_ = false;
    // Decide again only on a view that already shows this action's effect
    // (otherwise the next view decides).
    const uint64_t own = st.ok() ? call->resp.version() : 0;
    acked_ = std::max(acked_, own);
    if (last_view_.version() > 0 || last_view_.seats_size() > 0) {
      has_action_ = last_view_.version() >= version_seen_ && last_view_.version() >= own &&
                    bots::LightPolicy(last_view_, brief_, &action_);
      last_view_.Clear();
    }
    cv_.notify_all();
  }

  mf::Forum::Stub* stub_;
  std::string session_;
  int seat_;
  std::string token_;
  Stats* stats_;
  grpc::ClientContext ctx_;
  mf::SubscribeRequest req_;
  mf::ServerEvent ev_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false, have_view_ = false, game_over_ = false;
  std::atomic<bool> stopping_{false};
  uint64_t version_seen_ = 0, start_version_ = 0;
  bool has_action_ = false, in_flight_ = false;
  mf::Action action_;
  mf::View last_view_;
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

double Percentile(std::vector<double>* v, double p) {
  if (v->empty()) return 0;
  std::sort(v->begin(), v->end());
  const size_t i = std::min(v->size() - 1, static_cast<size_t>(p * static_cast<double>(v->size())));
  return (*v)[i];
}

struct LoadArgs {
  std::string server, scenario, ca, acks;
  int sessions = 10, seats = 8, channels = 8, bot_pace = 1000;
  double rate = 100, duration = 10;
  long pid = 0;
};

int RunLoad(const LoadArgs& a) {
  const int sessions = a.sessions;
  const int seats = a.seats;
  const double rate = a.rate;
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

  // The scenario: the named one, or the smallest with enough seats.
  std::string scenario = a.scenario;
  int scenario_seats = 0;
  {
    grpc::ClientContext ctx;
    mf::ListScenariosResponse list;
    const grpc::Status st = endpoints[0]->Stub("")->ListScenarios(&ctx, {}, &list);
    if (!st.ok()) {
      std::cerr << "forumctl load: " << net::Describe(st) << "\n";
      return 1;
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
      return 1;
    }
  }

  const long rss0 = pid > 0 ? RssKb(pid) : -1;
  Stats stats;
  std::vector<std::unique_ptr<SeatClient>> clients;
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
      return 1;
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
        return 1;
      }
      mf::Forum::Stub* sstub = seat_endpoint->Stub(created.session());
      clients.push_back(
          std::make_unique<SeatClient>(sstub, created.session(), s, joined.seat_token(), &stats));
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
  mf::LoadReport p;
  p.set_scenario(scenario);
  p.set_sessions(sessions);
  p.set_seats_per_session(seats);
  p.set_streams(static_cast<int32_t>(clients.size()));
  p.set_target_rate(Sig(rate));
  p.set_duration_s(Sig(run_s, 4));
  p.set_setup_s(Sig(setup_s, 4));
  p.set_actions_sent(static_cast<double>(stats.sent));
  p.set_actions_ok(static_cast<double>(stats.ok));
  p.set_throughput(Sig(static_cast<double>(stats.ok) / run_s, 5));
  p.set_server_actions_per_s(Sig(static_cast<double>(server_actions) / run_s, 5));
  p.set_stale(static_cast<double>(stats.stale));
  p.set_idle_ticks(static_cast<double>(missed));
  mf::LatencyMs* latency = p.mutable_latency_ms();
  latency->set_samples(static_cast<double>(stats.latencies_ms.size()));
  latency->set_p50(Sig(Percentile(&stats.latencies_ms, 0.50), 4));
  latency->set_p99(Sig(Percentile(&stats.latencies_ms, 0.99), 4));
  latency->set_max(Sig(stats.latencies_ms.empty() ? 0 : stats.latencies_ms.back(), 4));
  p.set_errors(static_cast<double>(errors));
  for (const auto& [what, n] : stats.errors) (*p.mutable_error_kinds())[what] = n;
  p.set_seats_at_game_over(finished);
  if (pid > 0) {
    mf::ServerRssKb* rss = p.mutable_server_rss_kb();
    rss->set_before(static_cast<int32_t>(rss0));
    rss->set_after_setup(static_cast<int32_t>(rss1));
    rss->set_after_run(static_cast<int32_t>(rss2));
    rss->set_per_session(Sig(static_cast<double>(rss2 - rss0) / sessions, 5));
  }
  std::cout << ToJson(p) << "\n";
  if (!a.acks.empty()) {
    std::ofstream out(a.acks);
    static const char* kHex = "0123456789abcdef";
    for (const AckedAction& ack : stats.acked) {
      std::string hex;
      for (unsigned char ch : ack.action) {
        hex += kHex[ch >> 4];
        hex += kHex[ch & 15];
      }
      out << ack.session << ' ' << ack.version << ' ' << ack.seat << ' '
          << (hex.empty() ? "-" : hex) << '\n';
    }
    if (!out) {
      std::cerr << "forumctl load: cannot write " << a.acks << "\n";
      return 1;
    }
  }
  return errors == 0 ? 0 : 1;
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
  AddText(sub, "--acks", &a->acks, "FILE",
          "also write every acknowledged action to FILE (SESSION VERSION SEAT ACTION_HEX a "
          "line), for forumctl verify --acks");
  OnRun(sub, [a] { return RunLoad(*a); });
}

}  // namespace mf::tools
