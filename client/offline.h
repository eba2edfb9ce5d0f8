// The offline mode: a Connection backed by the rules engine in this process,
// with bots in every other seat and a phase clock. No server needed; used by
// `forum-client --offline`, the demos and the benchmark.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "client/connection.h"
#include "client/demo.h"

namespace mf::client {

struct OfflineOptions {
  std::string scenario = "classroom-8";
  uint64_t seed = 1;
  int viewer = 0;  // A seat, -1 the facilitator, -2 a spectator.
  std::string strategy = "mixed";
  int bot_pace_ms = 600;   // Mean time between two bot moves (for 8 seats).
  int phase_seconds = -1;  // -1: the scenario's minutes_per_phase; 0: no clock.
  bool start_paused = false;
  std::string player_name = "You";
  // Bots play every seat, the player's included, until this phase (of
  // cycle `until_cycle`) begins: a quick way to a scene. PHASE_UNSPECIFIED: no.
  mf::Phase until = mf::PHASE_UNSPECIFIED;
  int until_cycle = 1;
  // The clock the phase clock and the bots' pace read (empty: the steady
  // clock). Tests inject one they move by hand; the engine thread still
  // looks at it at least every 100 ms of real time.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

class OfflineConnection : public Connection {
 public:
  static std::unique_ptr<OfflineConnection> Start(const OfflineOptions& options,
                                                  std::string* error);
  ~OfflineConnection() override;

  void Send(const mf::Action& action, uint64_t based_on_version,
            const std::string& bot_strategy) override;
  void SendChat(const Channel& channel, const std::string& text) override;
  std::optional<std::string> Check(const mf::Action& action) const override;
  std::string Describe() const override;

  // Runs `fn` on the engine under its lock (tests, the benchmark).
  void WithState(const std::function<void(rules::State&)>& fn);

 private:
  OfflineConnection(const OfflineOptions& options, std::unique_ptr<DemoGame> game);
  void Run();
  void Publish();  // Under mu_.
  bool BotPlays(int seat) const;
  void PublishRoster();
  int actor() const;

  struct Pending {
    bool chat = false;
    mf::Action action;
    Channel channel;
    std::string text;
  };

  OfflineOptions options_;
  int phase_seconds_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::unique_ptr<DemoGame> game_;
  std::deque<Pending> queue_;
  double elapsed_ = 0;  // Seconds the current phase has run (not counting pauses).
  int serial_ = -1;     // Phase serial the clock measures.
  uint64_t chat_serial_ = 0;
  rules::Rng pace_rng_{12345};
  std::thread thread_;
};

}  // namespace mf::client
