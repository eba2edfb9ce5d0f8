// One running session: the single writer of its game state.
//
// Everything that touches the state runs on the session's serial (its
// strand: server/serial.h, which runs a request on the gRPC thread it
// arrived on when the session is idle). Requests
// (actions, joins, chat, handovers, the clock's timeouts, the bots' moves)
// go through one pipeline, one at a time: validate with the rules engine,
// persist (the store commits it), then apply, push the new views and answer.
// A request the store cannot persist is refused and changes nothing.
//
// No gRPC here beyond the status-code enum: streams are `Sink`s implemented
// by the service.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bots/bot.h"
#include "forum.pb.h"
#include "rules/state.h"
#include "server/options.h"
#include "server/serial.h"
#include "server/status.h"
#include "server/store.h"

namespace mf::server {

// Viewers and callers besides the seats (the same numbers as the rules'
// kFacilitatorView / kSpectatorView).
constexpr int kFacilitator = -1;
constexpr int kSpectator = -2;
// After a restart, a phase clock that ran out during the outage (or nearly)
// gets this much time (at most the phase's length) so people can come back.
constexpr int64_t kRestartGraceMs = 30000;
// Events carried by a view after a stream's first one (which has 50).
constexpr int kEventsPerChange = 20;

// An event as streams send it: serialized once, on the strand, and shared
// by every stream that sends it.
struct WireEvent {
  std::string bytes;  // A serialized mf::ServerEvent.
  // For a view with its static fields (a stream's first): those fields
  // alone, as a serialized mf::ServerEvent, for a newer view that replaces
  // it before it was written (it must stay complete).
  std::string static_part;
  // The event as a message (for sinks that read messages).
  std::shared_ptr<const mf::ServerEvent> Parse() const;
  // The serialized message, as a WireEvent.
  static std::shared_ptr<const WireEvent> Of(const mf::ServerEvent& event);
};

// A subscriber's stream, as the session sees it. Called on the strand only;
// implementations never block.
class Sink {
 public:
  virtual ~Sink() = default;
  // What the session calls: the events serialized. A sink that writes
  // bytes overrides these; by default they are parsed and handed to the
  // methods below.
  virtual void PushLatestWire(int slot, std::shared_ptr<const WireEvent> event) {
    PushLatest(slot, event->Parse());
  }
  virtual void PushQueuedWire(std::shared_ptr<const WireEvent> event) {
    PushQueued(event->Parse());
  }
  // Replaces the pending item of a coalescing slot (0: the view, 1: the
  // roster): only the latest needs sending.
  virtual void PushLatest(int slot, std::shared_ptr<const mf::ServerEvent> event) = 0;
  // Queues a chat message or notice (bounded: overflowing closes the stream
  // with RESOURCE_EXHAUSTED "client too slow").
  virtual void PushQueued(std::shared_ptr<const mf::ServerEvent> event) = 0;
  // Ends the stream with this status once what is pending has been written.
  virtual void Close(grpc::StatusCode code, const std::string& message) = 0;
};

// A token bucket for one caller.
class RateLimiter {
 public:
  bool Take(double rate, double burst);

 private:
  double tokens_ = -1;  // < 0: full on first use.
  std::chrono::steady_clock::time_point last_;
};

// The phase clocks of a session, in seconds per phase (0: no clock).
struct PhaseClock {
  int seconds[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // Indexed by mf::Phase.
  int For(mf::Phase phase) const { return seconds[static_cast<int>(phase) & 7]; }
};
// Resolves CreateSessionRequest's preset and explicit timers; false with a
// message for an unknown preset.
// `scenario` (when given) sets the classroom preset from its own minutes
// (rules::ClassroomPhaseSeconds); without it the preset is only validated.
bool ResolveTimers(const mf::CreateSessionRequest& request, PhaseClock* out, std::string* error,
                   const rules::Scenario* scenario = nullptr);
// A bot strategy from a name or a difficulty ("" = normal); false if unknown.
bool ResolveStrategy(const std::string& name, std::string* strategy);

class Session : public std::enable_shared_from_this<Session> {
 public:
  struct Init {
    std::string id, join_code;
    std::shared_ptr<const rules::Scenario> scenario;
    uint64_t seed = 0;
    mf::CreateSessionRequest options;
    std::string facilitator_hash;
    int64_t created_ms = 0;
    // A campaign's later session: the seats people held in the session
    // before (their token hashes and names), stored with the session.
    std::vector<StoredSeat> claimed;
  };

  // A campaign session that has a next one: what the game left, for the
  // registry to start the next session with (called on the strand when the
  // game ends; answers the next session's id, "" when none was made).
  struct FinishedSeat {
    std::string token_hash, player, strategy;
    bool bot = false;
  };
  using CampaignHook =
      std::function<std::string(const rules::State&, const std::vector<FinishedSeat>&)>;
  // Before Start().
  void SetCampaignHook(CampaignHook hook) { campaign_hook_ = std::move(hook); }

  Session(boost::asio::io_context& io, Store* store, const ServerOptions& options, Init init);
  ~Session();

  // A new session: persists it with its first facilitator actions (bots in
  // their seats, the pause) and applies them. `done` runs on the strand.
  void Create(std::function<void(Outcome)> done);
  // A session rebuilt from the store: checks the hash chain and replays the
  // log. Call before Start(), from one thread.
  bool Restore(const StoredSession& stored, std::string* error);
  // Arms the clock and the bots.
  void Start();

  const std::string& id() const { return id_; }
  const std::string& join_code() const { return join_code_; }
  const std::string& scenario_name() const { return scenario_->id(); }
  const std::shared_ptr<const rules::Scenario>& scenario() const { return scenario_; }
  int num_seats() const { return scenario_->num_seats(); }
  bool finished() const { return finished_flag_.load(); }
  // When the game ended (Unix ms; 0 while it runs).
  int64_t finished_at_ms() const { return finished_ms_.load(); }
  const std::string& facilitator_hash() const { return facilitator_hash_; }
  const mf::CreateSessionRequest& config() const { return config_; }
  // Any thread: the stored hash of each seat's token (empty: unclaimed).
  std::vector<std::string> SeatHashes() const;

  // Any thread: checks `token` against the hash of `slot` (a seat or
  // kFacilitator) in constant time, then the slot's rate limit.
  Outcome Authenticate(int slot, const std::string& token);
  // True when `code` is this session's join code (normalised).
  bool MatchesCode(const std::string& normalised_code) const;

  using ActDone = std::function<void(Outcome, uint64_t version, mf::Phase phase)>;
  void Join(const std::string& name, std::optional<int> seat,
            std::function<void(Outcome, const mf::JoinSessionResponse&)> done);
  // Joins as the first press desk nobody holds (its token publishes reports).
  void JoinPress(const std::string& name,
                 std::function<void(Outcome, const mf::JoinSessionResponse&)> done);
  // A seat's action (slot >= 0) or the facilitator's (slot == kFacilitator).
  void Act(int slot, const mf::Action& action, std::optional<uint64_t> based_on,
           const std::string& bot_strategy, ActDone done);
  void Chat(int slot, const mf::Channel& channel, const std::string& text,
            std::function<void(Outcome, uint64_t serial)> done);
  // Adds a stream for `viewer` (a seat, kFacilitator or kSpectator); it gets
  // the full view, then the chat backlog, then every change. Returns an id
  // for Unsubscribe.
  uint64_t Subscribe(int viewer, std::shared_ptr<Sink> sink, int backlog);
  void Unsubscribe(uint64_t id);
  void Record(int slot, std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done);
  void Roster(std::function<void(std::shared_ptr<mf::Roster>)> done);
  void Summary(bool with_code, std::function<void(mf::SessionSummary)> done);
  // SIGTERM: refuses new requests, finishes the queued ones, tells every
  // stream and closes it with UNAVAILABLE. `done` runs once, on the strand.
  // `why`: the notice and status instead of "server shutting down" (a
  // session that moved to another node of a cluster).
  void BeginShutdown(std::function<void()> done, const std::string& why = "");

 private:
  struct Seat {
    // Guarded by auth_mu_ (read by Authenticate on any thread).
    std::string token_hash;  // Empty: nobody joined.
    RateLimiter limiter;
    // Strand only.
    std::string player;
    std::string strategy;   // The bot's strategy when a bot plays the seat.
    bool auto_bot = false;  // Handed over by the idle timeout.
    int streams = 0;
    int64_t last_seen_ms = 0;
    std::unique_ptr<bots::Bot> bot;
    rules::Rng rng;
    bool bot_pending = false;
    std::unique_ptr<boost::asio::steady_timer> bot_timer, idle_timer;
  };
  // A press desk (CreateSessionRequest.press_desks); guarded by auth_mu_.
  struct Desk {
    std::string token_hash;  // Empty: nobody joined.
    std::string player;
    RateLimiter limiter;
  };
  struct Op {
    std::function<void()> run;            // Must call OpDone() when finished.
    std::function<void(Outcome)> refuse;  // When the session is closing or behind.
    // A caller's request (not the session's own work: bots, hand-overs),
    // refused when the session is behind (ServerOptions::session_queue,
    // shed_after_ms).
    bool sheddable = false;
    std::chrono::steady_clock::time_point queued{};
  };
  struct Subscription {
    int viewer = kSpectator;
    std::shared_ptr<Sink> sink;
  };

  void Enqueue(Op op);
  void RunNext();
  void OpDone();
  // Persists (actor, action), then applies it and pushes the change. `then`
  // gets "" or the store's error (then nothing changed).
  void CommitApply(int actor, const rules::Action& action,
                   std::function<void(const std::string&)> then);
  void AfterChange();
  void PushViews();
  void PushRoster();
  void PushNotice(int viewer, mf::Notice::Kind kind, const std::string& text);
  // A stream's first view: complete, with its static fields.
  std::shared_ptr<const WireEvent> FirstViewEvent(int viewer) const;
  std::shared_ptr<mf::ServerEvent> MakeRosterEvent() const;
  void FillRoster(mf::Roster* out) const;
  bool CanSee(int viewer, const mf::ChatMessage& m) const;
  int SecondsLeft() const;
  void UpdateClock();
  void OnClock(int serial);
  void ScheduleBots();
  void BotTurn(int seat);
  void SetBotSeat(int seat, bool bot, const std::string& strategy, bool automatic,
                  std::function<void(Outcome)> done);
  void ArmIdle(int seat);
  void FinishGame();
  void FinishShutdown();
  int64_t NowMs() const;

  Serial serial_;  // The session's strand: everything below is touched on it.
  Store* store_;
  const ServerOptions& options_;
  const std::string id_, join_code_, code_normalised_;
  const std::shared_ptr<const rules::Scenario> scenario_;
  const uint64_t seed_;
  const mf::CreateSessionRequest config_;
  const std::string facilitator_hash_;
  const int64_t created_ms_;
  PhaseClock clock_;

  mutable std::mutex auth_mu_;
  RateLimiter facilitator_limiter_;  // Guarded by auth_mu_.
  std::vector<Desk> desks_;          // Guarded by auth_mu_.

  // Strand only from here on.
  rules::State state_;
  std::vector<Seat> seats_;
  std::vector<mf::RecordEntry> record_;
  std::string chain_;  // Hash chain over the record.
  std::vector<mf::ChatMessage> chat_;
  std::map<uint64_t, Subscription> subs_;
  std::atomic<uint64_t> next_sub_{1};
  std::deque<Op> ops_;
  bool busy_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::atomic<bool> finished_flag_{false};
  std::atomic<int64_t> finished_ms_{0};
  std::function<void()> shutdown_done_;
  std::string shutdown_why_;
  // The phase clock.
  boost::asio::steady_timer clock_timer_;
  int clock_serial_ = -1;
  int clock_ext_ = 0;
  bool clock_enabled_ = false, clock_paused_ = false;
  std::chrono::steady_clock::time_point deadline_, armed_;
  std::chrono::steady_clock::duration remaining_{};
  // After Restore: what the phase in progress had left (ms; -1: none).
  int64_t restored_left_ms_ = -1;
  // A campaign: makes the next session when the game ends; its id.
  CampaignHook campaign_hook_;
  std::string next_session_;
  std::vector<StoredSeat> claimed_;  // Init::claimed, until Create stores them.
};

}  // namespace mf::server
