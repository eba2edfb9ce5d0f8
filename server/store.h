// Persistence of forumd: the store interface (SQLite for one forumd, the
// default; PostgreSQL shared by many, with leases) and what it stores.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/options.h"

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

// A session as a node of a cluster finds it in the shared store.
struct SessionPlace {
  bool exists = false;
  bool finished = false;
  std::string owner;          // The node holding its lease ("" when none).
  std::string owner_address;  // Where that node serves (its --advertise).
  bool lapsed = true;         // No lease, or it expired: any node may take it over.
};

// What ListSessions shows of a session that another node serves, as its
// owner last wrote it (every lease renewal).
struct StoredSummary {
  std::string id;
  int64_t created_ms = 0;
  int64_t finished_ms = 0;
  std::string summary;  // Serialized mf::SessionSummary ("" when none was written yet).
  std::string options;  // Serialized mf::CreateSessionRequest.
  std::string scenario;
  uint64_t action_count = 0;
};

// The sessions of many forumd nodes in one store (PostgreSQL): one owner per
// session by lease. A lease row holds (owner node, epoch, expiry); the owner
// renews it; every write of the owner carries the epoch it holds and the
// store refuses it once the epoch moved on (a fencing token: a paused former
// owner that wakes up cannot write). Expiry is the database's clock.
class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual const std::string& node_id() const = 0;
  // The address this node serves at (its --advertise), written with every
  // renewal for the redirects of other nodes.
  virtual void SetAddress(const std::string& address) = 0;

  enum class Take { kTaken, kHeldElsewhere, kGone };
  // Takes the lease of `session` when it lapsed, has none, or is this
  // node's own (from an earlier run): its epoch goes up. Then reads the
  // session in full: every write of an earlier owner that committed is in
  // it, and any later one is refused. kHeldElsewhere fills `place` (the
  // owner); kGone: no such session, or it is finished.
  virtual Take TakeOver(const std::string& session, StoredSession* out, SessionPlace* place,
                        std::string* error) = 0;
  // Where a session is; false with `error` when the store cannot say.
  virtual bool Locate(const std::string& session, SessionPlace* out, std::string* error) = 0;
  // The session of a join code (normalised, as NormaliseJoinCode gives);
  // "" when none.
  virtual bool FindByCode(const std::string& normalised_code, std::string* session,
                          std::string* error) = 0;
  // Unfinished sessions whose lease lapsed, or that this node held before
  // it restarted: the ones to take over.
  virtual bool Orphans(std::vector<std::string>* out, std::string* error) = 0;
  // Renews this node's leases (and its address). `lost`: the sessions this
  // node held when the renewal started and no longer holds (another node
  // took them over); their writes are refused from now on.
  virtual bool Renew(std::vector<std::string>* lost, std::string* error) = 0;
  // This node stops holding `session` (it left memory): its writes fail.
  virtual void Forget(const std::string& session) = 0;
  // Shutting down: this node's leases lapse now, so that another node can
  // take its sessions at once.
  virtual bool ReleaseAll(std::string* error) = 0;
  // Every session (unfinished only, unless `include_finished`) with the
  // summary its owner last wrote.
  virtual bool ListSummaries(bool include_finished, std::vector<StoredSummary>* out,
                             std::string* error) = 0;
  // Writes the summaries of sessions this node holds (session, serialized
  // mf::SessionSummary).
  virtual bool SaveSummaries(const std::vector<std::pair<std::string, std::string>>& summaries,
                             std::string* error) = 0;
  // A finished session without its actions and messages (to answer for it
  // as an archived one); false with `error` when absent or unreadable.
  virtual bool LoadFinished(const std::string& session, StoredSession* out, std::string* error) = 0;
  // Called (on the store's thread) when a write of this node was refused
  // because another node holds the session now.
  virtual void OnFenced(std::function<void(const std::string& session)> callback) = 0;
};

// Persistence of forumd's sessions. Two implementations: SQLite in a folder
// (the default; one forumd) and PostgreSQL (many forumd nodes sharing it,
// with leases: cluster() is then not null).
//
// One writer thread owns the store's connection. Every write is a job on
// its queue; the thread commits the jobs it finds waiting in one transaction
// (group commit; each job inside its own savepoint, so one failing job does
// not fail the others) and then calls each job's completion with "" or the
// error. A completion therefore runs only after its data is committed: the
// server answers an action only from there. Reads of archived sessions go
// through the same queue.
class Store {
 public:
  // "" on success; otherwise why the write or read failed.
  using Done = std::function<void(const std::string& error)>;

  // Opens (creating when needed) DIR/forum.db. `sync_full`: fsync every
  // commit (survives power loss); otherwise WAL with synchronous=NORMAL
  // (survives a crash of forumd, not of the machine).
  static std::unique_ptr<Store> Open(const std::string& dir, bool sync_full, std::string* error);
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes a session with its seats, actions and messages (an imported
  // record arrives finished: finished_ms and final_hash set). In a cluster
  // this node holds the new session's lease.
  virtual void CreateSession(const StoredSession& s, Done done) = 0;
  // Removes a session and everything recorded of it.
  virtual void DeleteSession(const std::string& id, Done done) = 0;
  virtual void SaveSeat(const std::string& session, const StoredSeat& seat, Done done) = 0;
  // An action or a message may be committed on the caller's thread, `done`
  // running before the call returns (SQLite does when nobody else is
  // committing): a caller posts what follows rather than doing it in `done`
  // under a lock it holds.
  virtual void AppendAction(const std::string& session, const StoredAction& a, Done done) = 0;
  virtual void AppendMessage(const std::string& session, const StoredMessage& m, int64_t at_ms,
                             Done done) = 0;
  virtual void FinishSession(const std::string& session, int64_t at_ms, uint64_t final_hash,
                             Done done) = 0;

  // Start-up: every session with its seats; unfinished ones with their
  // actions and messages too. Runs on the caller's thread before any job.
  // False only when the list of sessions itself cannot be read; a session
  // whose own rows cannot be read carries the reason in `load_error`.
  bool LoadAll(std::vector<StoredSession>* out, std::string* error);
  // The same, one session at a time: `visit` gets each (it may move from
  // it) before the next is read, so that a restart never holds every
  // session's rows (and scenario text) in memory at once.
  virtual bool ForEachSession(const std::function<void(StoredSession&)>& visit,
                              std::string* error) = 0;
  // A whole session (seats, actions, messages), read on the writer thread.
  virtual void LoadSession(
      const std::string& id,
      std::function<void(std::unique_ptr<StoredSession>, const std::string&)> done) = 0;

  // Makes every later write fail, as a full or read-only disk would (tests).
  virtual void FailWritesForTesting(bool fail) = 0;
  // Waits for the queue to drain and stops the writer thread.
  virtual void Close() = 0;

  // The leases of a shared store; nullptr for a store of one forumd.
  virtual Cluster* cluster() { return nullptr; }

 protected:
  Store() = default;
};

// What --store (and --data) ask for: "sqlite:DIR" or "postgres://..."
// (also "postgresql://..." and "host=... dbname=..." libpq key words after
// "postgres:"). Returns the store, or nullptr with `error`.
std::unique_ptr<Store> OpenStore(const ServerOptions& options, std::string* error);
// Whether a --store value names PostgreSQL.
bool IsPostgresStore(const std::string& spec);

}  // namespace mf::server
