// What the renderer needs from the outside world, and nothing more.
//
// A Connection feeds an `Inbox` from its own thread(s) (the gRPC stream, or
// the in-process engine of the offline mode) and takes actions without ever
// blocking the caller. The render loop copies the inbox's latest snapshot
// when its generation changed; it never waits on the network.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "game.pb.h"

namespace mf::client {

// What the connect screen (or the command line) asks for.
struct ConnectRequest {
  std::string server = "localhost:50051";
  std::string code;  // Join code (players and spectators).
  std::string name;  // Display name.
  int seat = -1;     // Wanted seat; -1 the first free one.
  bool spectate = false;
  bool press = false;  // Join as a press desk (JoinSessionRequest.press) with the code.
  bool tls = false;
  std::string facilitator_token, session;  // Facilitator mode.
  bool offline = false;
  std::string scenario = "classroom-8";
};

class ReplayConnection;

// Seconds on a steady clock shared by the connection threads and the renderer.
double MonotonicSeconds();

// Where a chat message goes.
struct Channel {
  enum class To { kEveryone, kSeat, kCaucus };
  To to = To::kEveryone;
  int seat = -1;       // kSeat: the other party of a bilateral talk.
  std::string caucus;  // kCaucus: the caucus id.
  bool operator==(const Channel& o) const {
    return to == o.to && (to != To::kSeat || seat == o.seat) &&
           (to != To::kCaucus || caucus == o.caucus);
  }
};

struct ChatLine {
  uint64_t serial = 0;
  int from = -1;  // Seat; -1 the facilitator.
  std::string from_name;
  Channel channel;
  std::string text;
  int64_t sent_unix_ms = 0;
};

// One seat as the facilitator's roster shows it.
struct Presence {
  int seat = 0;
  std::string player;  // Display name of the person who joined.
  bool claimed = false;
  bool connected = false;
  bool bot = false;
  bool auto_bot = false;
  std::string strategy;
};

enum class Link {
  kConnecting,    // First connection in progress.
  kLive,          // Views are flowing.
  kReconnecting,  // Lost; retrying with the same token.
  kLocal,         // The offline engine in this process.
  kFailed,        // Gave up (bad code, refused token...).
  kReplay,        // A recorded session replayed in this process.
};

struct Snapshot {
  uint64_t generation = 0;
  std::shared_ptr<const mf::View> view;  // Null until the first view.
  int phase_seconds_left = 0;            // When the view arrived (0: no clock).
  double view_time = 0;                  // MonotonicSeconds() when it arrived.
  std::vector<ChatLine> chat;            // Oldest first, bounded.
  std::vector<Presence> roster;          // Facilitator (and offline) only.
  bool have_roster = false;
  Link link = Link::kConnecting;
  std::string link_text;  // e.g. "reconnecting (attempt 3)".
  std::string error;      // The last refused action, in words.
  uint64_t error_serial = 0;
  std::string notice;  // The last server notice.
  uint64_t notice_serial = 0;
  std::string session, join_code;  // Known to hosts and facilitators.
  // The browser seats' join link, e.g. "http://HOST:8080/#join=KQ7M-3PXA"
  // (facilitators and spectators, when forumd has a web port; client/qr.h).
  std::string web_link;
  std::string my_name;  // The player's display name.
};

// The thread-safe latest-state slot between a connection and the renderer.
class Inbox {
 public:
  static constexpr size_t kMaxChat = 500;

  void SetView(std::shared_ptr<const mf::View> view, int phase_seconds_left);
  void AddChat(ChatLine line);
  // Replaces the whole chat (a replay moving back in time).
  void SetChat(std::vector<ChatLine> chat);
  void SetRoster(std::vector<Presence> roster);
  void SetLink(Link link, std::string text);
  void SetError(std::string error);
  void SetNotice(std::string notice);
  void SetSession(std::string session, std::string join_code, std::string my_name);
  // The join code when it was not known yet (a spectator's) and the browser link.
  void SetJoinLink(std::string join_code, std::string web_link);

  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Copies the snapshot when its generation differs from *seen.
  bool Take(uint64_t* seen, Snapshot* out) const;

 private:
  void Bump();  // Under mu_.
  mutable std::mutex mu_;
  Snapshot s_;
  std::atomic<uint64_t> generation_{0};
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues an action of the caller's seat (or, for a facilitator, a
  // facilitator action). Never blocks. `bot_strategy` goes with SetBot.
  virtual void Send(const mf::Action& action, uint64_t based_on_version,
                    const std::string& bot_strategy = "") = 0;
  virtual void SendChat(const Channel& channel, const std::string& text) = 0;
  // An exact legality check when the connection can make one (the offline
  // engine): "" when legal, else the reason. nullopt: cannot tell here.
  virtual std::optional<std::string> Check(const mf::Action& action) const {
    (void)action;
    return std::nullopt;
  }
  // One line for the window title, e.g. "localhost:7000".
  virtual std::string Describe() const = 0;
  // The replay's timeline when this is a replay (replay.h), else nullptr.
  virtual ReplayConnection* replay() { return nullptr; }

  const Inbox& inbox() const { return inbox_; }

 protected:
  Inbox inbox_;
};

}  // namespace mf::client
