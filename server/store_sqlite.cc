// The SQLite store (WAL) under the data directory: the default, for one forumd.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "server/store.h"

namespace mf::server {
namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  scenario TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  seed INTEGER NOT NULL,
  options BLOB NOT NULL,
  facilitator_hash BLOB NOT NULL,
  created_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL DEFAULT 0,
  final_hash INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS seats (
  session TEXT NOT NULL REFERENCES sessions(id),
  seat INTEGER NOT NULL,
  player TEXT NOT NULL,
  token_hash BLOB NOT NULL,
  strategy TEXT NOT NULL,
  auto_bot INTEGER NOT NULL,
  PRIMARY KEY (session, seat)
);
CREATE TABLE IF NOT EXISTS actions (
  session TEXT NOT NULL REFERENCES sessions(id),
  seq INTEGER NOT NULL,
  actor INTEGER NOT NULL,
  action BLOB NOT NULL,
  at_ms INTEGER NOT NULL,
  chain BLOB NOT NULL,
  PRIMARY KEY (session, seq)
);
CREATE TABLE IF NOT EXISTS messages (
  session TEXT NOT NULL REFERENCES sessions(id),
  serial INTEGER NOT NULL,
  message BLOB NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (session, serial)
);
)sql";

// Prepared statements kept for their connection's life, by SQL text: SQLite
// takes about as long to parse an INSERT as to run it, and every action is
// one. A statement is taken while in use (one used twice at once is
// prepared afresh); Forget finalizes a connection's before it closes.
class StmtCache {
 public:
  static sqlite3_stmt* Take(sqlite3* db, const char* sql) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find({db, sql});
    if (it == free_.end()) return nullptr;
    sqlite3_stmt* st = it->second;
    free_.erase(it);
    return st;
  }
  static void Give(sqlite3* db, const char* sql, sqlite3_stmt* st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.count({db, sql}) >= 2) {
      sqlite3_finalize(st);
      return;
    }
    free_.emplace(std::make_pair(db, std::string(sql)), st);
  }
  static void Forget(sqlite3* db) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = free_.begin(); it != free_.end();) {
      if (it->first.first == db) {
        sqlite3_finalize(it->second);
        it = free_.erase(it);
      } else {
        ++it;
      }
    }
  }

 private:
  static std::mutex mu_;
  static std::multimap<std::pair<sqlite3*, std::string>, sqlite3_stmt*> free_;
};
std::mutex StmtCache::mu_;
std::multimap<std::pair<sqlite3*, std::string>, sqlite3_stmt*> StmtCache::free_;

// A prepared statement (from StmtCache) given back when done.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db), sql_(sql) {
    st_ = StmtCache::Take(db, sql);
    if (!st_ &&
        sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st_, nullptr) != SQLITE_OK) {
      sqlite3_finalize(st_);
      st_ = nullptr;
    }
  }
  ~Stmt() {
    if (st_) StmtCache::Give(db_, sql_, st_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return st_ != nullptr; }
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Blob(int i, const std::string& v) {
    sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  // Runs a statement without results: "" or the error.
  std::string Exec() {
    if (!st_) return sqlite3_errmsg(db_);
    const int rc = sqlite3_step(st_);
    return rc == SQLITE_DONE ? std::string() : std::string(sqlite3_errmsg(db_));
  }
  bool Row() {
    rc_ = st_ ? sqlite3_step(st_) : SQLITE_ERROR;
    return rc_ == SQLITE_ROW;
  }
  // After Row() returned false: "" when the rows simply ended, otherwise the
  // error that stopped them (a corrupt page must not look like the end).
  std::string RowsError() const {
    if (rc_ == SQLITE_DONE) return "";
    return st_ ? sqlite3_errmsg(db_) : "cannot prepare the query";
  }
  std::string ColText(int i) const {
    const auto* p = sqlite3_column_text(st_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
  }
  std::string ColBlob(int i) const {
    const void* p = sqlite3_column_blob(st_, i);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(st_, i); }

 private:
  sqlite3* db_;
  const char* sql_;
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_DONE;
};

// One statement, from the cache: "" or the error.
std::string ExecOne(sqlite3* db, const char* sql) {
  return Stmt(db, sql).Exec();
}

std::string ExecSql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return "";
  std::string e = err ? err : sqlite3_errmsg(db);
  sqlite3_free(err);
  return e;
}

// A busy handler that tries again every 100 us for up to 5 s (SQLite's own
// busy timeout sleeps 1, 2, 5, 10 ms... and held a commit's thread for 10 ms
// or more after a lock of well under one: the checkpointer starting the WAL
// over, or a commit the checkpointer waited for).
int ShortWaits(void*, int tries) {
  if (tries >= 50000) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return 1;
}

}  // namespace

class SqliteStore final : public Store {
 public:
  static std::unique_ptr<Store> Open(const std::string& dir, bool sync_full, std::string* error);
  ~SqliteStore() override;

  void CreateSession(const StoredSession& s, Done done) override;
  void DeleteSession(const std::string& id, Done done) override;
  void SaveSeat(const std::string& session, const StoredSeat& seat, Done done) override;
  void AppendAction(const std::string& session, const StoredAction& a, Done done) override;
  void AppendMessage(const std::string& session, const StoredMessage& m, int64_t at_ms,
                     Done done) override;
  void FinishSession(const std::string& session, int64_t at_ms, uint64_t final_hash,
                     Done done) override;
  bool ForEachSession(const std::function<void(StoredSession&)>& visit,
                      std::string* error) override;
  void LoadSession(
      const std::string& id,
      std::function<void(std::unique_ptr<StoredSession>, const std::string&)> done) override;
  void FailWritesForTesting(bool fail) override;
  void Close() override;

 private:
  struct Job {
    std::function<std::string(sqlite3*)> run;  // Returns "" or an error.
    Done done;
    bool write = true;
  };
  SqliteStore() = default;
  // Queues a job. With `here` and nobody committing, the calling thread
  // commits it at once, with whatever else is queued (a session's strand
  // does: its continuation is posted back to the same strand, so an action
  // costs no hand-off to the store's thread and back); otherwise the store's
  // thread, or the thread already committing, takes it in its next batch.
  void Enqueue(Job job, bool here = false);
  // Commits the queued jobs, batch after batch, until none is left; `lock`
  // holds mu_ and nobody else is committing.
  void Drain(std::unique_lock<std::mutex>& lock);
  void RunBatch(std::deque<Job>& batch, bool fail);
  void Loop();
  bool LoadFull(sqlite3* db, StoredSession* s, std::string* error);

  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  bool draining_ = false;  // A thread is committing (the connection is its).
  // Whether a caller may commit on its own thread: not when every commit
  // waits for the disk (--sync-full), which would hold a gRPC thread.
  bool commit_here_ = true;
  bool fail_writes_ = false;
  std::thread thread_;
  // The WAL's checkpoints, off the commits' path: the store's thread copies
  // the WAL into the database every kCheckpointEvery through a connection of
  // its own, while commits go on (a checkpoint run by a commit, SQLite's
  // default every 1,000 pages, held that commit's thread, a gRPC one, for
  // milliseconds: most of the p99 at 1,000 actions/s). Null: SQLite's own.
  sqlite3* checkpointer_ = nullptr;
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
  void Checkpoint();
};

// How often the store's thread checkpoints the WAL, and the WAL's length in
// pages past which the checkpoint also makes writers wait for the WAL to
// start over (passive checkpoints copy without blocking, but a WAL written
// to without pause might never find the moment to start over).
constexpr auto kCheckpointEvery = std::chrono::seconds(1);
constexpr int kWalRestartPages = 4096;  // 16 MB of 4 KB pages.

std::unique_ptr<Store> Store::Open(const std::string& dir, bool sync_full, std::string* error) {
  return SqliteStore::Open(dir, sync_full, error);
}

std::unique_ptr<Store> SqliteStore::Open(const std::string& dir, bool sync_full,
                                         std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / "forum.db").string();
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  if (sqlite3_open_v2(path.c_str(), &s->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    *error = "cannot open " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : "out of memory");
    return nullptr;
  }
  sqlite3_busy_handler(s->db_, ShortWaits, nullptr);
  std::string e = ExecSql(s->db_, "PRAGMA journal_mode=WAL;");
  if (e.empty())
    e = ExecSql(s->db_, sync_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
  if (e.empty()) e = ExecSql(s->db_, kSchema);
  if (!e.empty()) {
    *error = path + ": " + e;
    if (e.find("malformed") != std::string::npos || e.find("not a database") != std::string::npos)
      *error +=
          " (the file is damaged: restore it from a backup, or salvage what is left with "
          "`sqlite3 forum.db .recover`)";
    return nullptr;
  }
  s->commit_here_ = !sync_full;
  // The checkpointer's connection; without it (a read-only folder, say)
  // SQLite checkpoints in the commits as it does by default.
  // (It reads once, so that it opens the WAL: a connection that never read
  // checkpoints nothing.)
  if (sqlite3_open_v2(path.c_str(), &s->checkpointer_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) == SQLITE_OK &&
      ExecSql(s->checkpointer_, "SELECT count(*) FROM sqlite_master;").empty() &&
      ExecSql(s->db_, "PRAGMA wal_autocheckpoint=0;").empty()) {
    // (A checkpoint waiting for the writer to finish keeps new writers
    // waiting too: it must notice at once.)
    sqlite3_busy_handler(s->checkpointer_, ShortWaits, nullptr);
  } else if (s->checkpointer_) {
    sqlite3_close(s->checkpointer_);
    s->checkpointer_ = nullptr;
  }
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return std::unique_ptr<Store>(std::move(s));
}

SqliteStore::~SqliteStore() {
  Close();
  if (checkpointer_) sqlite3_close(checkpointer_);
  StmtCache::Forget(db_);
  if (db_) sqlite3_close(db_);  // The last connection: SQLite checkpoints the WAL.
}

void SqliteStore::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SqliteStore::FailWritesForTesting(bool fail) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_writes_ = fail;
}

void SqliteStore::Enqueue(Job job, bool here) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_) {
    lock.unlock();
    job.done("the server is shutting down");
    return;
  }
  jobs_.push_back(std::move(job));
  if (draining_) return;  // The thread committing takes it in its next batch.
  if (!here || !commit_here_) {
    cv_.notify_one();
    return;
  }
  Drain(lock);
}

void SqliteStore::Drain(std::unique_lock<std::mutex>& lock) {
  draining_ = true;
  while (!jobs_.empty()) {
    std::deque<Job> batch;
    batch.swap(jobs_);
    const bool fail = fail_writes_;
    lock.unlock();
    RunBatch(batch, fail);
    lock.lock();
  }
  draining_ = false;
  if (stop_) cv_.notify_all();  // Close waits for the last batch.
}

void SqliteStore::RunBatch(std::deque<Job>& batch, bool fail) {
  std::vector<std::string> errors(batch.size());
  std::string tx = ExecOne(db_, "BEGIN IMMEDIATE;");
  if (tx.empty()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (fail && batch[i].write) {
        errors[i] = "the database refuses writes (disk full or read-only)";
        continue;
      }
      ExecOne(db_, "SAVEPOINT job;");
      errors[i] = batch[i].run(db_);
      if (!errors[i].empty()) ExecOne(db_, "ROLLBACK TO job;");
      ExecOne(db_, "RELEASE job;");
    }
    tx = ExecOne(db_, "COMMIT;");
    if (!tx.empty()) ExecSql(db_, "ROLLBACK;");
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string& e = !tx.empty() && batch[i].write ? tx : errors[i];
    batch[i].done(e);
  }
}

void SqliteStore::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const bool work = cv_.wait_until(lock, last_checkpoint_ + kCheckpointEvery,
                                     [&] { return !draining_ && (stop_ || !jobs_.empty()); });
    if (!work) {  // A second without jobs for this thread: the WAL's turn.
      lock.unlock();
      Checkpoint();
      lock.lock();
      continue;
    }
    if (jobs_.empty()) return;  // Stopping, and every job is committed.
    Drain(lock);
    if (std::chrono::steady_clock::now() - last_checkpoint_ >= kCheckpointEvery) {
      lock.unlock();
      Checkpoint();
      lock.lock();
    }
  }
}

void SqliteStore::Checkpoint() {
  last_checkpoint_ = std::chrono::steady_clock::now();
  if (!checkpointer_) return;
  int wal_pages = 0, copied = 0;
  // Copies what it can while commits go on (a failure, e.g. a full disk,
  // leaves the WAL as it is: the next one tries again).
  sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages, &copied);
  if (wal_pages > kWalRestartPages)
    sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
}

void SqliteStore::CreateSession(const StoredSession& s, Done done) {
  Enqueue({[s](sqlite3* db) {
             Stmt st(db,
                     "INSERT INTO sessions (id, join_code, scenario, scenario_text, seed, "
                     "options, facilitator_hash, created_ms, finished_ms, final_hash) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?)");
             std::string e = st.Text(1, s.id)
                                 .Text(2, s.join_code)
                                 .Text(3, s.scenario)
                                 .Text(4, s.scenario_text)
                                 .Int(5, static_cast<int64_t>(s.seed))
                                 .Blob(6, s.options)
                                 .Blob(7, s.facilitator_hash)
                                 .Int(8, s.created_ms)
                                 .Int(9, s.finished_ms)
                                 .Int(10, static_cast<int64_t>(s.final_hash))
                                 .Exec();
             for (const StoredSeat& seat : s.seats) {
               if (!e.empty()) break;
               Stmt ss(db,
                       "INSERT INTO seats (session, seat, player, token_hash, strategy, "
                       "auto_bot) VALUES (?,?,?,?,?,?)");
               e = ss.Text(1, s.id)
                       .Int(2, seat.seat)
                       .Text(3, seat.player)
                       .Blob(4, seat.token_hash)
                       .Text(5, seat.strategy)
                       .Int(6, seat.auto_bot)
                       .Exec();
             }
             for (const StoredAction& a : s.actions) {
               if (!e.empty()) break;
               Stmt sa(db,
                       "INSERT INTO actions (session, seq, actor, action, at_ms, chain) "
                       "VALUES (?,?,?,?,?,?)");
               e = sa.Text(1, s.id)
                       .Int(2, static_cast<int64_t>(a.seq))
                       .Int(3, a.actor)
                       .Blob(4, a.action)
                       .Int(5, a.at_ms)
                       .Blob(6, a.chain)
                       .Exec();
             }
             for (const StoredMessage& m : s.messages) {
               if (!e.empty()) break;
               Stmt sm(db,
                       "INSERT INTO messages (session, serial, message, at_ms) VALUES (?,?,?,?)");
               e = sm.Text(1, s.id)
                       .Int(2, static_cast<int64_t>(m.serial))
                       .Blob(3, m.message)
                       .Int(4, s.created_ms)
                       .Exec();
             }
             return e;
           },
           std::move(done)});
}

void SqliteStore::DeleteSession(const std::string& id, Done done) {
  Enqueue({[id](sqlite3* db) {
             std::string e;
             for (const char* sql :
                  {"DELETE FROM messages WHERE session = ?",
                   "DELETE FROM actions WHERE session = ?", "DELETE FROM seats WHERE session = ?",
                   "DELETE FROM sessions WHERE id = ?"}) {
               Stmt st(db, sql);
               e = st.Text(1, id).Exec();
               if (!e.empty()) break;
             }
             return e;
           },
           std::move(done)});
}

void SqliteStore::SaveSeat(const std::string& session, const StoredSeat& seat, Done done) {
  Enqueue({[session, seat](sqlite3* db) {
             Stmt st(db,
                     "INSERT OR REPLACE INTO seats (session, seat, player, token_hash, "
                     "strategy, auto_bot) VALUES (?,?,?,?,?,?)");
             return st.Text(1, session)
                 .Int(2, seat.seat)
                 .Text(3, seat.player)
                 .Blob(4, seat.token_hash)
                 .Text(5, seat.strategy)
                 .Int(6, seat.auto_bot)
                 .Exec();
           },
           std::move(done)});
}

void SqliteStore::AppendAction(const std::string& session, const StoredAction& a, Done done) {
  Enqueue({[session, a](sqlite3* db) {
             Stmt st(db,
                     "INSERT INTO actions (session, seq, actor, action, at_ms, chain) "
                     "VALUES (?,?,?,?,?,?)");
             return st.Text(1, session)
                 .Int(2, static_cast<int64_t>(a.seq))
                 .Int(3, a.actor)
                 .Blob(4, a.action)
                 .Int(5, a.at_ms)
                 .Blob(6, a.chain)
                 .Exec();
           },
           std::move(done)},
          true);
}

void SqliteStore::AppendMessage(const std::string& session, const StoredMessage& m, int64_t at_ms,
                                Done done) {
  Enqueue({[session, m, at_ms](sqlite3* db) {
             Stmt st(db, "INSERT INTO messages (session, serial, message, at_ms) VALUES (?,?,?,?)");
             return st.Text(1, session)
                 .Int(2, static_cast<int64_t>(m.serial))
                 .Blob(3, m.message)
                 .Int(4, at_ms)
                 .Exec();
           },
           std::move(done)},
          true);
}

void SqliteStore::FinishSession(const std::string& session, int64_t at_ms, uint64_t final_hash,
                                Done done) {
  Enqueue(
      {[session, at_ms, final_hash](sqlite3* db) {
         Stmt st(db, "UPDATE sessions SET finished_ms = ?, final_hash = ? WHERE id = ?");
         return st.Int(1, at_ms).Int(2, static_cast<int64_t>(final_hash)).Text(3, session).Exec();
       },
       std::move(done)});
}

bool SqliteStore::LoadFull(sqlite3* db, StoredSession* s, std::string* error) {
  Stmt a(db, "SELECT seq, actor, action, at_ms, chain FROM actions WHERE session = ? ORDER BY seq");
  if (!a.ok()) {
    *error = sqlite3_errmsg(db);
    return false;
  }
  a.Text(1, s->id);
  while (a.Row()) {
    StoredAction x;
    x.seq = static_cast<uint64_t>(a.ColInt(0));
    x.actor = static_cast<int>(a.ColInt(1));
    x.action = a.ColBlob(2);
    x.at_ms = a.ColInt(3);
    x.chain = a.ColBlob(4);
    s->actions.push_back(std::move(x));
  }
  if (std::string e = a.RowsError(); !e.empty()) {
    *error = "reading its actions: " + e;
    return false;
  }
  s->action_count = s->actions.size();
  Stmt m(db, "SELECT serial, message FROM messages WHERE session = ? ORDER BY serial");
  m.Text(1, s->id);
  while (m.Row()) s->messages.push_back({static_cast<uint64_t>(m.ColInt(0)), m.ColBlob(1)});
  if (std::string e = m.RowsError(); !e.empty()) {
    *error = "reading its messages: " + e;
    return false;
  }
  return true;
}

bool SqliteStore::ForEachSession(const std::function<void(StoredSession&)>& visit,
                                 std::string* error) {
  // The list without the scenario texts (tens of KiB each): those are read
  // one session at a time below.
  std::vector<StoredSession> list;
  {
    Stmt st(db_,
            "SELECT id, join_code, scenario, seed, options, facilitator_hash, created_ms, "
            "finished_ms, final_hash FROM sessions ORDER BY created_ms");
    if (!st.ok()) {
      *error = sqlite3_errmsg(db_);
      return false;
    }
    while (st.Row()) {
      StoredSession s;
      s.id = st.ColText(0);
      s.join_code = st.ColText(1);
      s.scenario = st.ColText(2);
      s.seed = static_cast<uint64_t>(st.ColInt(3));
      s.options = st.ColBlob(4);
      s.facilitator_hash = st.ColBlob(5);
      s.created_ms = st.ColInt(6);
      s.finished_ms = st.ColInt(7);
      s.final_hash = static_cast<uint64_t>(st.ColInt(8));
      list.push_back(std::move(s));
    }
    if (std::string e = st.RowsError(); !e.empty()) {
      *error = "reading the list of sessions: " + e;
      return false;
    }
  }
  for (StoredSession& listed : list) {
    StoredSession s = std::move(listed);
    auto load = [&]() -> std::string {
      Stmt text(db_, "SELECT scenario_text FROM sessions WHERE id = ?");
      text.Text(1, s.id);
      if (!text.Row()) return "reading its scenario: " + text.RowsError();
      s.scenario_text = text.ColText(0);
      Stmt seats(db_,
                 "SELECT seat, player, token_hash, strategy, auto_bot FROM seats WHERE session = ? "
                 "ORDER BY seat");
      seats.Text(1, s.id);
      while (seats.Row()) {
        StoredSeat x;
        x.seat = static_cast<int>(seats.ColInt(0));
        x.player = seats.ColText(1);
        x.token_hash = seats.ColBlob(2);
        x.strategy = seats.ColText(3);
        x.auto_bot = seats.ColInt(4) != 0;
        s.seats.push_back(std::move(x));
      }
      if (std::string e = seats.RowsError(); !e.empty()) return "reading its seats: " + e;
      if (s.finished_ms == 0) {
        std::string e;
        return LoadFull(db_, &s, &e) ? "" : e;
      }
      Stmt count(db_, "SELECT COUNT(*) FROM actions WHERE session = ?");
      count.Text(1, s.id);
      if (!count.Row()) return "counting its actions: " + count.RowsError();
      s.action_count = static_cast<uint64_t>(count.ColInt(0));
      return "";
    };
    s.load_error = load();
    visit(s);
  }
  return true;
}

void SqliteStore::LoadSession(
    const std::string& id,
    std::function<void(std::unique_ptr<StoredSession>, const std::string&)> done) {
  auto result = std::make_shared<std::unique_ptr<StoredSession>>();
  Job job;
  job.write = false;
  job.run = [this, id, result](sqlite3* db) -> std::string {
    auto s = std::make_unique<StoredSession>();
    s->id = id;
    Stmt st(db,
            "SELECT scenario, scenario_text, seed, finished_ms, final_hash FROM sessions "
            "WHERE id = ?");
    st.Text(1, id);
    if (!st.Row()) return "no session " + id;
    s->scenario = st.ColText(0);
    s->scenario_text = st.ColText(1);
    s->seed = static_cast<uint64_t>(st.ColInt(2));
    s->finished_ms = st.ColInt(3);
    s->final_hash = static_cast<uint64_t>(st.ColInt(4));
    std::string e;
    if (!LoadFull(db, s.get(), &e)) return e;
    *result = std::move(s);
    return "";
  };
  job.done = [result, done = std::move(done)](const std::string& e) {
    done(std::move(*result), e);
  };
  Enqueue(std::move(job));
}

}  // namespace mf::server
