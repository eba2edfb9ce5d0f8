// Replay: a finished session rebuilt from its record (scenario, seed and
// the ordered actions) by the rules engine, served as views like a live game.
//
// `ReplayConnection` applies the log once when it opens (checking that
// every action is accepted and, when the record carries it, that the last
// state hashes as the server said), keeping a checkpoint State every K
// actions and a compact index of the session: the phase and cycle after
// every action, where phases and cycles begin, and the decisions (adopted
// or rejected) as markers. Seeking to position P (the first P actions
// applied) copies the nearest checkpoint at or before P and applies the
// rest, or steps forward from the current state when that is shorter; then
// it publishes the viewer's View into the inbox. It owns no thread: the App
// seeks from the render loop and takes the view like any other.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/connection.h"
#include "game.pb.h"
#include "rules/playout.h"
#include "rules/state.h"

namespace mf::client {

// What a replay needs: the game log, and optionally the times of its
// actions and the chat (from a server's record or an export file).
struct ReplayRecord {
  mf::GameLog log;
  std::vector<int64_t> action_ms;  // Parallel to log.entries() when known (unix ms).
  std::vector<ChatLine> chat;      // Every message (filtered per viewer when shown).
  uint64_t expected_hash = 0;      // The state hash after the last action (0: unknown).
  bool finished = false;           // The server said the session has ended.
  std::string source;              // "game.textproto", "localhost:50051 session 3"...
};

// A place on the timeline worth marking.
struct ReplayMark {
  enum class Kind : uint8_t { kCycle, kPhase, kAdopted, kRejected };
  int pos = 0;  // The first position that shows it (actions applied).
  Kind kind = Kind::kPhase;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int cycle = 0;
  std::string text;  // A sentence for the tooltip ("Adopted: ...", "Cycle 2 begins").
};

class ReplayConnection : public Connection {
 public:
  static constexpr int kDefaultCheckpointEvery = 32;

  // Loads the record's scenario (its text, else the embedded one by name),
  // replays it and indexes it. nullptr with `error` when the scenario does
  // not load, an entry is malformed or refused, or the hash differs.
  // `viewer`: a seat, rules::kFacilitatorView or rules::kSpectatorView.
  static std::unique_ptr<ReplayConnection> Open(ReplayRecord record, int viewer, std::string* error,
                                                int checkpoint_every = kDefaultCheckpointEvery);

  // --- The timeline --------------------------------------------------------
  int size() const { return static_cast<int>(log_.size()); }  // Actions in the log.
  int position() const { return pos_; }                       // 0..size().
  // Moves to `pos` (clamped) and publishes its view.
  void Seek(int pos);
  void Step(int delta) { Seek(pos_ + delta); }
  // The first phase start after `pos` (size() when none), and the last one
  // before it (the start of the phase `pos` is in, or of the one before
  // when `pos` is that start; 0 at the beginning).
  int NextPhase(int pos) const;
  int PrevPhase(int pos) const;
  mf::Phase PhaseAt(int pos) const;
  int CycleAt(int pos) const;
  int cycles() const;
  // Every position where a phase begins (0 included), in order.
  const std::vector<int>& phase_starts() const { return phase_starts_; }
  const std::vector<ReplayMark>& marks() const { return marks_; }
  // "cycle 2 · decision · action 143/412".
  std::string Label(int pos) const;
  int viewer() const { return viewer_; }
  const ReplayRecord& record() const { return record_; }
  // The state at the current position (tests).
  const rules::State& state() const { return cur_; }
  // The view of `viewer_` at the current position (what was published).
  mf::View CurrentView() const;
  // Applying since the last Seek: how many actions were applied and whether
  // a checkpoint was copied (tests and the measurement in the README).
  int last_applied() const { return last_applied_; }

  // --- Connection ------------------------------------------------------------
  void Send(const mf::Action& action, uint64_t based_on_version,
            const std::string& bot_strategy) override;
  void SendChat(const Channel& channel, const std::string& text) override;
  std::optional<std::string> Check(const mf::Action& action) const override;
  std::string Describe() const override;
  ReplayConnection* replay() override { return this; }

 private:
  ReplayConnection(ReplayRecord record, int viewer, std::shared_ptr<const rules::Scenario> sc,
                   int every);
  bool Build(std::string* error);
  void Publish();
  bool ChatVisible(const ChatLine& line) const;

  ReplayRecord record_;
  int viewer_;
  int every_;
  std::shared_ptr<const rules::Scenario> scenario_;
  std::vector<rules::LoggedAction> log_;
  std::vector<rules::State> checkpoints_;  // checkpoints_[k]: k * every_ actions applied.
  rules::State cur_;
  int pos_ = 0;
  int last_applied_ = 0;
  // The index: per position 0..size(), the phase and cycle after it.
  std::vector<uint8_t> phase_at_;
  std::vector<int16_t> cycle_at_;
  std::vector<int> phase_starts_;
  std::vector<ReplayMark> marks_;
};

}  // namespace mf::client
