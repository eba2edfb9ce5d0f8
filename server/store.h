// Persistence of forumd in SQLite (WAL) under the data directory.
//
// One writer thread owns the database connection. Every write is a job on
// its queue; the thread commits the jobs it finds waiting in one transaction
// (group commit; each job inside its own savepoint, so one failing job does
// not fail the others) and then calls each job's completion with "" or the
// error. A completion therefore runs only after its data is committed: the
// server answers an action only from there. Reads of archived sessions go
// through the same queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace mf::server {

struct StoredSeat {
  int seat = 0;
  std::string player;      // Display name; empty when nobody joined.
  std::string token_hash;  // SHA-256 of the seat token; empty when unclaimed.
  std::string strategy;    // Bot strategy for the seat (when it is a bot).
  bool auto_bot = false;   // Handed to the bot by the idle timeout.
};

struct StoredAction {
  uint64_t seq = 0;
  int actor = 0;
  std::string action;  // Serialized mf::Action.
  int64_t at_ms = 0;
  std::string chain;  // SHA-256 over the previous chain value and this entry.
};

struct StoredMessage {
  uint64_t serial = 0;
  std::string message;  // Serialized mf::ChatMessage.
};

struct StoredSession {
  std::string id, join_code, scenario, scenario_text;
  uint64_t seed = 0;
  std::string options;           // Serialized mf::CreateSessionRequest.
  std::string facilitator_hash;  // SHA-256 of the facilitator token.
  int64_t created_ms = 0;
  int64_t finished_ms = 0;  // 0 while the game runs.
  uint64_t final_hash = 0;
  uint64_t action_count = 0;
  std::vector<StoredSeat> seats;
  std::vector<StoredAction> actions;    // Only when loaded in full.
  std::vector<StoredMessage> messages;  // Only when loaded in full.
  // LoadAll: why this session's rows could not be read ("" when they could);
  // the other sessions load regardless.
  std::string load_error;
};

class Store {
 public:
  // "" on success; otherwise why the write or read failed.
  using Done = std::function<void(const std::string& error)>;

  // Opens (creating when needed) DIR/forum.db. `sync_full`: fsync every
  // commit (survives power loss); otherwise WAL with synchronous=NORMAL
  // (survives a crash of forumd, not of the machine).
  static std::unique_ptr<Store> Open(const std::string& dir, bool sync_full, std::string* error);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes a session with its seats, actions and messages (an imported
  // record arrives finished: finished_ms and final_hash set).
  void CreateSession(const StoredSession& s, Done done);
  // Removes a session and everything recorded of it.
  void DeleteSession(const std::string& id, Done done);
  void SaveSeat(const std::string& session, const StoredSeat& seat, Done done);
  void AppendAction(const std::string& session, const StoredAction& a, Done done);
  void AppendMessage(const std::string& session, const StoredMessage& m, int64_t at_ms, Done done);
  void FinishSession(const std::string& session, int64_t at_ms, uint64_t final_hash, Done done);

  // Start-up: every session with its seats; unfinished ones with their
  // actions and messages too. Runs on the caller's thread before any job.
  // False only when the list of sessions itself cannot be read; a session
  // whose own rows cannot be read carries the reason in `load_error`.
  bool LoadAll(std::vector<StoredSession>* out, std::string* error);
  // The same, one session at a time: `visit` gets each (it may move from
  // it) before the next is read, so that a restart never holds every
  // session's rows (and scenario text) in memory at once.
  bool ForEachSession(const std::function<void(StoredSession&)>& visit, std::string* error);
  // A whole session (seats, actions, messages), read on the writer thread.
  void LoadSession(const std::string& id,
                   std::function<void(std::unique_ptr<StoredSession>, const std::string&)> done);

  // Makes every later write fail, as a full or read-only disk would (tests).
  void FailWritesForTesting(bool fail);
  // Waits for the queue to drain and stops the writer thread.
  void Close();

 private:
  struct Job {
    std::function<std::string(sqlite3*)> run;  // Returns "" or an error.
    Done done;
    bool write = true;
  };
  Store() = default;
  void Enqueue(Job job);
  void Loop();
  bool LoadFull(sqlite3* db, StoredSession* s, std::string* error);

  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  bool fail_writes_ = false;
  std::thread thread_;
};

}  // namespace mf::server
