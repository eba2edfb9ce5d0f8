// The gRPC connection to forumd. Two threads: one holds the Subscribe
// stream (joining first when needed) and reconnects with the same token
// when it drops; the other sends actions and chat with unary calls. Both
// only ever write to the inbox: the render loop never waits on them.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "client/net.h"
#include "client/qr.h"
#include "client/record_file.h"
#include "forum.grpc.pb.h"
#include "net/client.h"
#include "rules/action.h"

namespace mf::client {
namespace {

namespace fs = std::filesystem;

constexpr int kChatBacklog = 100;

// Where a seat token is kept between runs, so that a player who restarts
// the client gets the same seat back: $XDG_CONFIG_HOME (or ~/.config)
// /migration-forum/seats/<server>_<code>_<name>.
fs::path TokenFile(const ConnectRequest& r) {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".config";
  std::string key = r.server + "_" + r.code + "_" + (r.press ? "press_" : "") + r.name;
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  return base / "migration-forum" / "seats" / key;
}

Channel FromWire(const mf::Channel& c) {
  Channel out;
  switch (c.to_case()) {
    case mf::Channel::kSeat:
      out.to = Channel::To::kSeat;
      out.seat = c.seat();
      break;
    case mf::Channel::kCaucus:
      out.to = Channel::To::kCaucus;
      out.caucus = c.caucus();
      break;
    default:
      out.to = Channel::To::kEveryone;
  }
  return out;
}

void ToWire(const Channel& c, mf::Channel* out) {
  switch (c.to) {
    case Channel::To::kSeat:
      out->set_seat(c.seat);
      break;
    case Channel::To::kCaucus:
      out->set_caucus(c.caucus);
      break;
    case Channel::To::kEveryone:
      out->set_everyone(true);
      break;
  }
}

// A refusal in words for the player.
std::string Refusal(const grpc::Status& s) {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    return "the server did not answer (" + s.error_message() + "); try again";
  return s.error_message().empty() ? net::Describe(s) : s.error_message();
}

class GrpcConnection : public Connection {
 public:
  explicit GrpcConnection(const ConnectRequest& r) : req_(r) {
    // r.server may be a router in front of several forumd: calls carry
    // the session's id and follow the redirects to its owner.
    endpoint_ = std::make_unique<net::Endpoint>(r.server, r.tls ? TlsRoots() : "");
    if (!r.facilitator_token.empty()) {
      mode_ = Mode::kFacilitator;
      token_ = r.facilitator_token;
      session_ = r.session;
    } else if (r.spectate) {
      mode_ = Mode::kSpectator;
      session_ = r.session;
    } else {
      mode_ = Mode::kPlayer;
      LoadToken();
    }
    inbox_.SetSession(session_, r.code, r.name);
    inbox_.SetLink(Link::kConnecting, "connecting to " + r.server);
    stream_thread_ = std::thread([this] { StreamLoop(); });
    send_thread_ = std::thread([this] { SendLoop(); });
  }

  ~GrpcConnection() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      if (stream_ctx_) stream_ctx_->TryCancel();
    }
    cv_.notify_all();
    stream_thread_.join();
    send_thread_.join();
  }

  void Send(const mf::Action& action, uint64_t based_on_version,
            const std::string& bot_strategy) override {
    // The version of the view the player decided on: forumd refuses the
    // action as stale only if the choice in front of the player changed
    // since (a new phase, the text on the table, a world event), not when
    // others merely voted or got ready meanwhile.
    Outgoing o;
    o.action = action;
    o.based_on_version = based_on_version;
    o.strategy = bot_strategy;
    Queue(std::move(o));
  }

  void SendChat(const Channel& channel, const std::string& text) override {
    Outgoing o;
    o.chat = true;
    o.channel = channel;
    o.text = text;
    Queue(std::move(o));
  }

  std::string Describe() const override {
    switch (mode_) {
      case Mode::kFacilitator:
        return req_.server + " (facilitator)";
      case Mode::kSpectator:
        return req_.server + " (spectator)";
      case Mode::kPlayer:
        if (req_.press) return req_.server + " (press desk, " + req_.name + ")";
        return req_.server + " (" + req_.name + ")";
      default:
        return req_.server + " (" + req_.name + ")";
    }
  }

 private:
  enum class Mode { kPlayer, kSpectator, kFacilitator };
  struct Outgoing {
    bool chat = false;
    mf::Action action;
    uint64_t based_on_version = 0;
    std::string strategy;
    Channel channel;
    std::string text;
  };

  static std::string TlsRoots() {
    // net::Connect reads the PEM roots from a file; the system's bundle.
    for (const char* f : {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"})
      if (fs::exists(f)) return f;
    return "";
  }

  void Queue(Outgoing o) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      outgoing_.push_back(std::move(o));
    }
    cv_.notify_all();
  }

  // Waits up to `seconds` unless stopping; true when stopping.
  bool Sleep(double seconds) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stop_; });
  }

  bool Stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  }

  void LoadToken() {
    std::ifstream in(TokenFile(req_));
    std::string session, token;
    int seat = -1;
    if (in >> session >> seat >> token) {
      session_ = session;
      token_ = token;
      seat_ = seat;
    }
  }

  void SaveToken() {
    std::error_code ec;
    const fs::path p = TokenFile(req_);
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p);
    out << session_ << " " << seat_ << " " << token_ << "\n";
    out.close();
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, ec);
  }

  void ForgetToken() {
    std::error_code ec;
    fs::remove(TokenFile(req_), ec);
    std::lock_guard<std::mutex> lock(mu_);
    token_.clear();
  }

  // The session and token, as the stream thread last set them.
  std::pair<std::string, std::string> Credentials() {
    std::lock_guard<std::mutex> lock(mu_);
    return {session_, token_};
  }

  // Takes a seat with the join code. False with the link failed when the
  // server refuses for good, or to retry (returns false, `retry` set).
  bool Join(bool* retry) {
    mf::JoinSessionRequest jr;
    jr.set_join_code(req_.code);
    jr.set_display_name(req_.name);
    if (req_.press)
      jr.set_press(true);  // A press desk: the first free one.
    else if (req_.seat >= 0)
      jr.set_seat(req_.seat);
    mf::JoinSessionResponse resp;
    const grpc::Status s =
        endpoint_->Call("", "", [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          return stub->JoinSession(ctx, jr, &resp);
        });
    if (!s.ok()) {
      *retry = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
               s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
      inbox_.SetLink(*retry ? Link::kReconnecting : Link::kFailed, Refusal(s));
      return false;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      session_ = resp.session();
      seat_ = resp.seat();
      token_ = resp.seat_token();
    }
    inbox_.SetSession(session_, req_.code, req_.name);
    SaveToken();
    return true;
  }

  // The facilitator's token may list the session with its join code (for
  // the lobby and the control room).
  void FetchJoinCode() {
    mf::ListSessionsRequest lr;
    mf::ListSessionsResponse resp;
    const grpc::Status st =
        endpoint_->Call(session_, token_, [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          return stub->ListSessions(ctx, lr, &resp);
        });
    if (!st.ok()) return;
    for (const mf::SessionSummary& s : resp.sessions())
      if (s.session() == session_ && !s.join_code().empty()) {
        inbox_.SetSession(session_, s.join_code(), "Facilitator");
        code_ = s.join_code();
        have_code_ = true;
      }
  }

  // Where browsers join: forumd's web port (ListScenarios), for the lobby's
  // link and QR code on the projector and the facilitator's screen.
  void FetchWebLink(const std::string& code) {
    mf::ListScenariosRequest lr;
    mf::ListScenariosResponse resp;
    const grpc::Status st =
        endpoint_->Call(session_, "", [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          return stub->ListScenarios(ctx, lr, &resp);
        });
    if (!st.ok()) return;
    have_link_ = true;
    inbox_.SetJoinLink(code,
                       BrowserLink(req_.server, req_.tls, resp.web_port(), resp.web_url(), code));
  }

  void StreamLoop() {
    int attempt = 0;
    while (!Stopping()) {
      if (mode_ == Mode::kFacilitator && !have_code_) FetchJoinCode();
      if (!have_link_ && mode_ == Mode::kSpectator) FetchWebLink(req_.code);
      if (!have_link_ && mode_ == Mode::kFacilitator && have_code_) FetchWebLink(code_);
      if (mode_ == Mode::kPlayer && token_.empty()) {
        bool retry = false;
        if (!Join(&retry)) {
          if (!retry) return;
          if (Sleep(Backoff(++attempt))) return;
          continue;
        }
      }
      grpc::ClientContext ctx;
      if (!token_.empty()) net::Authorize(&ctx, token_);
      net::Route(&ctx, session_);
      mf::SubscribeRequest sr;
      sr.set_session(session_);
      sr.set_chat_backlog(kChatBacklog);
      if (mode_ == Mode::kSpectator) sr.set_spectator_code(req_.code);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        stream_ctx_ = &ctx;
      }
      std::unique_ptr<grpc::ClientReader<mf::ServerEvent>> reader =
          endpoint_->Stub(session_)->Subscribe(&ctx, sr);
      mf::ServerEvent ev;
      mf::View first;
      bool got = false, over = false;
      while (reader->Read(&ev)) {
        if (!got) {
          got = true;
          attempt = 0;
          inbox_.SetLink(Link::kLive, req_.server);
        }
        switch (ev.kind_case()) {
          case mf::ServerEvent::kView: {
            if (!ev.static_omitted()) first = ev.view();
            auto view = std::make_shared<mf::View>();
            net::CompleteView(first, ev, view.get());
            over = view->phase() == mf::GAME_OVER;
            inbox_.SetView(std::move(view), ev.phase_seconds_left());
            break;
          }
          case mf::ServerEvent::kChat: {
            const mf::ChatMessage& m = ev.chat();
            ChatLine l;
            l.serial = m.serial();
            l.from = m.from();
            l.from_name = m.from_name();
            l.channel = FromWire(m.channel());
            l.text = m.text();
            l.sent_unix_ms = m.sent_unix_ms();
            inbox_.AddChat(std::move(l));
            break;
          }
          case mf::ServerEvent::kNotice:
            if (!ev.notice().text().empty()) inbox_.SetNotice(ev.notice().text());
            if (ev.notice().kind() == mf::Notice::GAME_OVER) over = true;
            break;
          case mf::ServerEvent::kRoster: {
            std::vector<Presence> roster;
            for (const mf::SeatStatus& s : ev.roster().seats()) {
              Presence p;
              p.seat = s.seat();
              p.player = s.player();
              p.claimed = s.claimed();
              p.connected = s.connected();
              p.bot = s.bot();
              p.auto_bot = s.auto_handover();
              p.strategy = s.strategy();
              roster.push_back(std::move(p));
            }
            inbox_.SetRoster(std::move(roster));
            break;
          }
          default:
            break;
        }
      }
      const grpc::Status status = reader->Finish();
      {
        std::lock_guard<std::mutex> lock(mu_);
        stream_ctx_ = nullptr;
        if (stop_) return;
      }
      if (over) {
        inbox_.SetLink(Link::kLive, "the game is over");
        return;  // Nothing more will come; the last view stays on screen.
      }
      std::string named;
      if (endpoint_->Learn(session_, ctx, status, &named)) {
        // Another forumd holds the session (or its owner stopped answering
        // and another takes it over): reconnect there with the same token.
        if (session_.empty() && !named.empty()) {
          std::lock_guard<std::mutex> lock(mu_);
          session_ = named;  // A spectator who came with the code alone.
        }
        inbox_.SetLink(Link::kReconnecting, "the session moved to another server; reconnecting");
        if (Sleep(got ? 0.05 : 0.25)) return;
        continue;
      }
      switch (status.error_code()) {
        case grpc::StatusCode::UNAUTHENTICATED:
        case grpc::StatusCode::PERMISSION_DENIED:
        case grpc::StatusCode::NOT_FOUND:
          if (mode_ == Mode::kPlayer && !got && !token_.empty()) {
            ForgetToken();  // A token from an older session: join anew.
            continue;
          }
          inbox_.SetLink(
              Link::kFailed,
              Refusal(status) + (mode_ == Mode::kSpectator && session_.empty()
                                     ? " (add the session id: --spectate CODE --session ID)"
                                     : ""));
          return;
        case grpc::StatusCode::FAILED_PRECONDITION:
          inbox_.SetLink(Link::kFailed, Refusal(status));
          return;
        default:
          ++attempt;
          inbox_.SetLink(Link::kReconnecting,
                         "attempt " + std::to_string(attempt) +
                             (status.error_message().empty() ? "" : ": " + status.error_message()));
          if (Sleep(Backoff(attempt))) return;
      }
    }
  }

  static double Backoff(int attempt) { return std::min(5.0, 0.25 * (1 << std::min(attempt, 5))); }

  void SendLoop() {
    for (;;) {
      Outgoing o;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !outgoing_.empty(); });
        if (stop_) return;
        o = std::move(outgoing_.front());
        outgoing_.pop_front();
      }
      const auto [session, token] = Credentials();
      grpc::Status s;
      // Each call with the token and the session's id, following redirects.
      auto call = [&](auto fn) {
        return endpoint_->Call(
            session, token, [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
              ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
              return fn(stub, ctx);
            });
      };
      if (o.chat) {
        mf::SendMessageRequest r;
        r.set_session(session);
        ToWire(o.channel, r.mutable_channel());
        r.set_text(o.text);
        mf::SendMessageResponse resp;
        s = call([&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          return stub->SendMessage(ctx, r, &resp);
        });
      } else if (mode_ == Mode::kFacilitator && rules::IsFacilitatorAction(o.action)) {
        mf::FacilitateRequest r;
        r.set_session(session);
        *r.mutable_action() = o.action;
        if (o.based_on_version > 0) r.set_based_on_version(o.based_on_version);
        r.set_bot_strategy(o.strategy);
        mf::ActResponse resp;
        s = call([&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          return stub->Facilitate(ctx, r, &resp);
        });
      } else if (mode_ == Mode::kSpectator) {
        inbox_.SetError("spectators watch; they do not act");
        continue;
      } else {
        mf::ActRequest r;
        r.set_session(session);
        *r.mutable_action() = o.action;
        if (o.based_on_version > 0) r.set_based_on_version(o.based_on_version);
        mf::ActResponse resp;
        s = call([&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
          return stub->Act(ctx, r, &resp);
        });
      }
      if (!s.ok()) inbox_.SetError(Refusal(s));
    }
  }

  const ConnectRequest req_;
  Mode mode_ = Mode::kPlayer;
  std::unique_ptr<net::Endpoint> endpoint_;
  std::string session_, token_;
  int seat_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  grpc::ClientContext* stream_ctx_ = nullptr;
  bool have_code_ = false;  // Stream thread only.
  bool have_link_ = false;  // Stream thread only: the browser link is known.
  std::string code_;        // Stream thread only: the join code a facilitator listed.
  std::deque<Outgoing> outgoing_;
  std::thread stream_thread_, send_thread_;
};

}  // namespace

std::unique_ptr<Connection> MakeNetworkConnection(const ConnectRequest& r, std::string* error) {
  if (r.server.empty()) {
    *error = "no server address";
    return nullptr;
  }
  if (r.facilitator_token.empty() && r.code.empty()) {
    *error = "a join code is needed";
    return nullptr;
  }
  if (r.facilitator_token.empty() && !r.spectate && r.name.empty()) {
    *error = "a name is needed to join";
    return nullptr;
  }
  if (!r.facilitator_token.empty() && r.session.empty()) {
    *error = "the facilitator needs the session id";
    return nullptr;
  }
  std::string server = r.server;
  ConnectRequest req = r;
  if (server.find(':') == std::string::npos) req.server = server + ":50051";
  return std::make_unique<GrpcConnection>(req);
}

bool FetchRecord(const std::string& server, const std::string& session, const std::string& token,
                 bool tls, ReplayRecord* out, std::string* error) {
  if (server.empty() || session.empty() || token.empty()) {
    *error = "fetching a record needs --server ADDR, --session ID and --token TOKEN";
    return false;
  }
  const std::string address = server.find(':') == std::string::npos ? server + ":50051" : server;
  std::string roots;
  if (tls)
    for (const char* f : {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"})
      if (roots.empty() && fs::exists(f)) roots = f;
  net::Endpoint endpoint(address, roots);  // Follows a cluster's redirects.
  mf::GetRecordRequest req;
  req.set_session(session);
  mf::GetRecordResponse resp;
  const grpc::Status st =
      endpoint.Call(session, token, [&](mf::Forum::Stub* stub, grpc::ClientContext* ctx) {
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        return stub->GetRecord(ctx, req, &resp);
      });
  if (!st.ok()) {
    *error =
        "reading the record of session " + session + " from " + address + ": " + net::Describe(st);
    return false;
  }
  *out = ReplayRecord();
  RecordFromResponse(resp, out);
  out->source = address + " session " + session;
  return true;
}

}  // namespace mf::client
