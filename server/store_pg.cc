#include "server/store_pg.h"

#include <arpa/inet.h>
#include <libpq-fe.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace mf::server {
namespace {

// A query's parameters: text, or binary for BYTEA (which may hold any byte).
class Params {
 public:
  Params& Text(std::string v) {
    values_.push_back(std::move(v));
    formats_.push_back(0);
    return *this;
  }
  Params& Bytes(std::string v) {
    values_.push_back(std::move(v));
    formats_.push_back(1);
    return *this;
  }
  Params& Int(int64_t v) { return Text(std::to_string(v)); }
  Params& Bool(bool v) { return Text(v ? "t" : "f"); }
  // A TEXT[] of `items` (quoted: any text).
  Params& TextArray(const std::vector<std::string>& items) {
    std::string a = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      a += i ? ",\"" : "\"";
      for (char c : items[i]) {
        if (c == '"' || c == '\\') a += '\\';
        a += c;
      }
      a += '"';
    }
    return Text(a + "}");
  }
  int size() const { return static_cast<int>(values_.size()); }
  const std::vector<std::string>& values() const { return values_; }
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::string> values_;
  std::vector<int> formats_;
};

// A result (binary format: text and BYTEA columns are their bytes, integers
// big-endian), freed with it.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  bool ok() const {
    const ExecStatusType s = r_ ? PQresultStatus(r_) : PGRES_FATAL_ERROR;
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  std::string error() const {
    if (!r_) return "no answer from PostgreSQL";
    std::string e = PQresultErrorMessage(r_);
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return e.empty() ? "PostgreSQL refused the statement" : e;
  }
  int rows() const { return r_ ? PQntuples(r_) : 0; }
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const {
    const char* n = r_ ? PQcmdTuples(r_) : "";
    return n && *n ? std::atoll(n) : 0;
  }
  bool Null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Str(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
  }
  int64_t Int(int row, int col) const {
    const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col));
    const int n = PQgetlength(r_, row, col);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
    if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    if (n == 2) return static_cast<int16_t>(static_cast<uint16_t>(v));
    return static_cast<int64_t>(v);
  }
  bool Bool(int row, int col) const {
    return PQgetlength(r_, row, col) == 1 && PQgetvalue(r_, row, col)[0] != 0;
  }

 private:
  PGresult* r_;
};

// One connection with its prepared statements (prepared on first use; a
// reset connection prepares them again).
class Conn {
 public:
  ~Conn() {
    if (c_) PQfinish(c_);
  }
  bool Connect(const std::string& conninfo, const std::string& setup, std::string* error) {
    conninfo_ = conninfo;
    setup_ = setup;
    c_ = PQconnectdb(conninfo.c_str());
    if (!c_ || PQstatus(c_) != CONNECTION_OK) {
      *error = Why();
      return false;
    }
    return Setup(error);
  }
  // Reconnects when the connection broke (PostgreSQL restarted).
  bool Ensure(std::string* error) {
    if (c_ && PQstatus(c_) == CONNECTION_OK) return true;
    prepared_.clear();
    PQreset(c_);
    if (PQstatus(c_) != CONNECTION_OK) {
      *error = Why();
      return false;
    }
    return Setup(error);
  }
  // Runs `sql` (a constant: it is prepared once) with `p`.
  Result Exec(const char* sql, const Params& p = Params()) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      const std::string name = "s" + std::to_string(prepared_.size());
      Result prep(PQprepare(c_, name.c_str(), sql, 0, nullptr));
      if (!prep.ok()) {
        failed_ = true;
        return prep;
      }
      it = prepared_.emplace(sql, name).first;
    }
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const std::string& v : p.values()) {
      values.push_back(v.data());
      lengths.push_back(static_cast<int>(v.size()));
    }
    Result r(PQexecPrepared(c_, it->second.c_str(), p.size(), values.data(), lengths.data(),
                            p.formats().data(), 1));
    if (!r.ok()) failed_ = true;
    return r;
  }
  // A plain statement (or several), text protocol: "" or the error.
  std::string Run(const std::string& sql) {
    Result r(PQexec(c_, sql.c_str()));
    if (r.ok()) return "";
    failed_ = true;
    return r.error();
  }
  // Whether a statement failed since the last ClearFailed() (inside a
  // transaction, PostgreSQL then refuses everything until ROLLBACK).
  bool failed() const { return failed_; }
  void ClearFailed() { failed_ = false; }

 private:
  std::string Why() const {
    std::string e = c_ ? PQerrorMessage(c_) : "out of memory";
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return "cannot connect to PostgreSQL: " + e;
  }
  bool Setup(std::string* error) {
    const std::string e = Run(setup_);
    ClearFailed();
    if (e.empty()) return true;
    *error = e;
    return false;
  }
  PGconn* c_ = nullptr;
  std::string conninfo_, setup_;
  std::map<const char*, std::string> prepared_;
  bool failed_ = false;
};

std::string Fenced(const std::string& session, int64_t epoch) {
  return "session " + session + " moved to another forumd (this node's lease, epoch " +
         std::to_string(epoch) + ", is no longer current)";
}

class PgStore final : public Store, public Cluster {
 public:
  PgStore(PostgresOptions o) : o_(std::move(o)) {}
  ~PgStore() override { Close(); }

  bool Open(std::string* error) {
    const std::string setup =
        std::string("SET synchronous_commit = ") + (o_.sync_full ? "on" : "off") +
        "; SET application_name = 'forumd'; SET client_min_messages = warning";
    if (!writer_.Connect(o_.conninfo, setup, error) || !control_.Connect(o_.conninfo, setup, error))
      return false;
    if (!Migrate(error)) return false;
    thread_ = std::thread([this] { Loop(); });
    return true;
  }

  // --- Store ---------------------------------------------------------------

  void CreateSession(const StoredSession& s, Done done) override {
    Job job;
    job.multi = true;
    job.done = std::move(done);
    job.run = [this, s](Conn& c, bool*) -> std::string {
      Result r = c.Exec(
          "INSERT INTO sessions (id, join_code, scenario, scenario_text, seed, options, "
          "facilitator_hash, created_ms, finished_ms, final_hash) VALUES "
          "($1, $2, $3, $4, $5::bigint, $6::bytea, $7::bytea, $8::bigint, $9::bigint, $10::bigint)",
          Params()
              .Text(s.id)
              .Text(s.join_code)
              .Text(s.scenario)
              .Text(s.scenario_text)
              .Int(static_cast<int64_t>(s.seed))
              .Bytes(s.options)
              .Bytes(s.facilitator_hash)
              .Int(s.created_ms)
              .Int(s.finished_ms)
              .Int(static_cast<int64_t>(s.final_hash)));
      if (!r.ok()) return r.error();
      for (const StoredSeat& seat : s.seats) {
        Result x = c.Exec(
            "INSERT INTO seats (session, seat, player, token_hash, strategy, auto_bot) VALUES "
            "($1, $2::bigint, $3, $4::bytea, $5, $6::boolean)",
            Params()
                .Text(s.id)
                .Int(seat.seat)
                .Text(seat.player)
                .Bytes(seat.token_hash)
                .Text(seat.strategy)
                .Bool(seat.auto_bot));
        if (!x.ok()) return x.error();
      }
      for (const StoredAction& a : s.actions) {
        Result x = c.Exec(
            "INSERT INTO actions (session, seq, actor, action, at_ms, chain) VALUES "
            "($1, $2::bigint, $3::bigint, $4::bytea, $5::bigint, $6::bytea)",
            Params()
                .Text(s.id)
                .Int(static_cast<int64_t>(a.seq))
                .Int(a.actor)
                .Bytes(a.action)
                .Int(a.at_ms)
                .Bytes(a.chain));
        if (!x.ok()) return x.error();
      }
      for (const StoredMessage& m : s.messages) {
        Result x = c.Exec(
            "INSERT INTO messages (session, serial, message, at_ms) VALUES "
            "($1, $2::bigint, $3::bytea, $4::bigint)",
            Params()
                .Text(s.id)
                .Int(static_cast<int64_t>(m.serial))
                .Bytes(m.message)
                .Int(s.created_ms));
        if (!x.ok()) return x.error();
      }
      if (s.finished_ms == 0) {
        // This node owns what it creates: epoch 1.
        Result x = c.Exec(
            "INSERT INTO leases (session, owner, epoch, expires) VALUES "
            "($1, $2, 1, now() + $3::bigint * interval '1 millisecond')",
            Params().Text(s.id).Text(o_.node_id).Int(TtlMs()));
        if (!x.ok()) return x.error();
      }
      return "";
    };
    job.committed = [this, id = s.id, finished = s.finished_ms != 0] {
      if (finished) return;
      std::lock_guard<std::mutex> lock(held_mu_);
      held_[id] = 1;
    };
    Enqueue(std::move(job));
  }

  void DeleteSession(const std::string& id, Done done) override {
    Job job;
    job.done = std::move(done);
    job.run = [id](Conn& c, bool*) -> std::string {
      Result r = c.Exec("DELETE FROM sessions WHERE id = $1", Params().Text(id));
      return r.ok() ? "" : r.error();
    };
    Forget(id);
    Enqueue(std::move(job));
  }

  void SaveSeat(const std::string& session, const StoredSeat& seat, Done done) override {
    Fence(session, std::move(done), [this, session, seat](Conn& c, int64_t epoch) {
      return c.Exec(
          "INSERT INTO seats (session, seat, player, token_hash, strategy, auto_bot) "
          "SELECT $1, $4::bigint, $5, $6::bytea, $7, $8::boolean FROM leases "
          "WHERE session = $1 AND owner = $2 AND epoch = $3::bigint FOR SHARE "
          "ON CONFLICT (session, seat) DO UPDATE SET player = excluded.player, "
          "token_hash = excluded.token_hash, strategy = excluded.strategy, "
          "auto_bot = excluded.auto_bot",
          Params()
              .Text(session)
              .Text(o_.node_id)
              .Int(epoch)
              .Int(seat.seat)
              .Text(seat.player)
              .Bytes(seat.token_hash)
              .Text(seat.strategy)
              .Bool(seat.auto_bot));
    });
  }

  void AppendAction(const std::string& session, const StoredAction& a, Done done) override {
    Fence(session, std::move(done), [this, session, a](Conn& c, int64_t epoch) {
      return c.Exec(
          "INSERT INTO actions (session, seq, actor, action, at_ms, chain) "
          "SELECT $1, $4::bigint, $5::bigint, $6::bytea, $7::bigint, $8::bytea FROM leases "
          "WHERE session = $1 AND owner = $2 AND epoch = $3::bigint FOR SHARE",
          Params()
              .Text(session)
              .Text(o_.node_id)
              .Int(epoch)
              .Int(static_cast<int64_t>(a.seq))
              .Int(a.actor)
              .Bytes(a.action)
              .Int(a.at_ms)
              .Bytes(a.chain));
    });
  }

  void AppendMessage(const std::string& session, const StoredMessage& m, int64_t at_ms,
                     Done done) override {
    Fence(session, std::move(done), [this, session, m, at_ms](Conn& c, int64_t epoch) {
      return c.Exec(
          "INSERT INTO messages (session, serial, message, at_ms) "
          "SELECT $1, $4::bigint, $5::bytea, $6::bigint FROM leases "
          "WHERE session = $1 AND owner = $2 AND epoch = $3::bigint FOR SHARE",
          Params()
              .Text(session)
              .Text(o_.node_id)
              .Int(epoch)
              .Int(static_cast<int64_t>(m.serial))
              .Bytes(m.message)
              .Int(at_ms));
    });
  }

  void FinishSession(const std::string& session, int64_t at_ms, uint64_t final_hash,
                     Done done) override {
    // The lease goes with the end: a finished session is read from the
    // store by any node.
    Fence(session, std::move(done), [this, session, at_ms, final_hash](Conn& c, int64_t epoch) {
      return c.Exec(
          "WITH gone AS (DELETE FROM leases WHERE session = $1 AND owner = $2 "
          "AND epoch = $3::bigint RETURNING session) "
          "UPDATE sessions SET finished_ms = $4::bigint, final_hash = $5::bigint "
          "WHERE id IN (SELECT session FROM gone)",
          Params()
              .Text(session)
              .Text(o_.node_id)
              .Int(epoch)
              .Int(at_ms)
              .Int(static_cast<int64_t>(final_hash)));
    });
    // Renewals no longer count it as held.
    std::lock_guard<std::mutex> lock(held_mu_);
    held_.erase(session);
  }

  bool ForEachSession(const std::function<void(StoredSession&)>& visit,
                      std::string* error) override {
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> lock(control_mu_);
      if (!control_.Ensure(error)) return false;
      Result r = control_.Exec("SELECT id FROM sessions ORDER BY created_ms");
      if (!r.ok()) {
        *error = "reading the list of sessions: " + r.error();
        return false;
      }
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.Str(i, 0));
    }
    for (const std::string& id : ids) {
      StoredSession s;
      s.id = id;
      std::string why;
      {
        std::lock_guard<std::mutex> lock(control_mu_);
        if (!ReadSession(control_, &s, true, &why)) s.load_error = why;
        if (why.empty() && s.finished_ms == 0 && !ReadLog(control_, &s, &why)) s.load_error = why;
      }
      visit(s);
    }
    return true;
  }

  void LoadSession(
      const std::string& id,
      std::function<void(std::unique_ptr<StoredSession>, const std::string&)> done) override {
    auto result = std::make_shared<std::unique_ptr<StoredSession>>();
    Job job;
    job.write = false;
    job.run = [id, result](Conn& c, bool*) -> std::string {
      auto s = std::make_unique<StoredSession>();
      s->id = id;
      std::string e;
      if (!ReadSession(c, s.get(), false, &e) || !ReadLog(c, s.get(), &e)) return e;
      *result = std::move(s);
      return "";
    };
    job.done = [result, done = std::move(done)](const std::string& e) {
      done(std::move(*result), e);
    };
    Enqueue(std::move(job));
  }

  void FailWritesForTesting(bool fail) override {
    std::lock_guard<std::mutex> lock(mu_);
    fail_writes_ = fail;
  }

  void Close() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  Cluster* cluster() override { return this; }

  // --- Cluster -------------------------------------------------------------

  const std::string& node_id() const override { return o_.node_id; }

  void SetAddress(const std::string& address) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    address_ = address;
  }

  Take TakeOver(const std::string& session, StoredSession* out, SessionPlace* place,
                std::string* error) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return Take::kHeldElsewhere;
    // Lapsed, absent, or this node's own from an earlier run: the epoch goes
    // up. Writes of an earlier owner hold the lease row (FOR SHARE) until
    // they commit, so this waits for them; any later one finds the new
    // epoch and is refused.
    Result r = control_.Exec(
        "INSERT INTO leases (session, owner, epoch, expires) "
        "SELECT id, $2, 1, now() + $3::bigint * interval '1 millisecond' FROM sessions "
        "WHERE id = $1 AND finished_ms = 0 "
        "ON CONFLICT (session) DO UPDATE SET owner = excluded.owner, epoch = leases.epoch + 1, "
        "expires = excluded.expires WHERE leases.expires < now() OR leases.owner = excluded.owner "
        "RETURNING epoch",
        Params().Text(session).Text(o_.node_id).Int(TtlMs()));
    if (!r.ok()) {
      *error = "taking the lease of session " + session + ": " + r.error();
      return Take::kHeldElsewhere;
    }
    if (r.rows() == 0) {
      if (!LocateLocked(session, place, error)) return Take::kHeldElsewhere;
      return place->exists && !place->finished ? Take::kHeldElsewhere : Take::kGone;
    }
    const int64_t epoch = r.Int(0, 0);
    // Read after the lease is ours: every write of the earlier owner that
    // committed is in the log.
    out->id = session;
    std::string why;
    if (!ReadSession(control_, out, false, &why) || !ReadLog(control_, out, &why)) {
      *error = "reading session " + session + " after taking its lease: " + why;
      return Take::kHeldElsewhere;
    }
    std::lock_guard<std::mutex> held(held_mu_);
    held_[session] = epoch;
    return Take::kTaken;
  }

  bool Locate(const std::string& session, SessionPlace* out, std::string* error) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    return LocateLocked(session, out, error);
  }

  bool FindByCode(const std::string& code, std::string* session, std::string* error) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    Result r = control_.Exec(
        "SELECT id FROM sessions WHERE upper(replace(replace(join_code, '-', ''), ' ', '')) = $1 "
        "AND finished_ms = 0",
        Params().Text(code));
    if (!r.ok()) {
      *error = r.error();
      return false;
    }
    *session = r.rows() ? r.Str(0, 0) : "";
    return true;
  }

  bool Orphans(std::vector<std::string>* out, std::string* error) override {
    std::set<std::string> held;
    {
      std::lock_guard<std::mutex> lock(held_mu_);
      for (const auto& [id, epoch] : held_) held.insert(id);
    }
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    Result r = control_.Exec(
        "SELECT l.session FROM leases l JOIN sessions s ON s.id = l.session "
        "WHERE s.finished_ms = 0 AND (l.expires < now() OR l.owner = $1) ORDER BY l.expires "
        "LIMIT 500",
        Params().Text(o_.node_id));
    if (!r.ok()) {
      *error = r.error();
      return false;
    }
    for (int i = 0; i < r.rows(); ++i)
      if (!held.count(r.Str(i, 0))) out->push_back(r.Str(i, 0));
    return true;
  }

  bool Renew(std::vector<std::string>* lost, std::string* error) override {
    std::map<std::string, int64_t> before;
    {
      std::lock_guard<std::mutex> lock(held_mu_);
      before = held_;
    }
    std::vector<std::string> ids;
    for (const auto& [id, epoch] : before) ids.push_back(id);
    std::map<std::string, int64_t> renewed;
    {
      std::lock_guard<std::mutex> lock(control_mu_);
      if (!control_.Ensure(error)) return false;
      Result n = control_.Exec(
          "INSERT INTO nodes (id, address, seen) VALUES ($1, $2, now()) "
          "ON CONFLICT (id) DO UPDATE SET address = excluded.address, seen = now()",
          Params().Text(o_.node_id).Text(address_));
      if (!n.ok()) {
        *error = n.error();
        return false;
      }
      Result r = control_.Exec(
          "UPDATE leases SET expires = now() + $3::bigint * interval '1 millisecond' "
          "WHERE owner = $1 AND session = ANY($2::text[]) RETURNING session, epoch",
          Params().Text(o_.node_id).TextArray(ids).Int(TtlMs()));
      if (!r.ok()) {
        *error = r.error();
        return false;
      }
      for (int i = 0; i < r.rows(); ++i) renewed[r.Str(i, 0)] = r.Int(i, 1);
    }
    std::lock_guard<std::mutex> lock(held_mu_);
    for (const auto& [id, epoch] : before) {
      auto it = renewed.find(id);
      if (it != renewed.end() && it->second == epoch) continue;
      lost->push_back(id);
      auto h = held_.find(id);
      if (h != held_.end() && h->second == epoch) held_.erase(h);
    }
    return true;
  }

  void Forget(const std::string& session) override {
    std::lock_guard<std::mutex> lock(held_mu_);
    held_.erase(session);
  }

  bool ReleaseAll(std::string* error) override {
    {
      std::lock_guard<std::mutex> lock(held_mu_);
      held_.clear();
    }
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    Result r =
        control_.Exec("UPDATE leases SET expires = now() - interval '1 second' WHERE owner = $1",
                      Params().Text(o_.node_id));
    if (!r.ok()) *error = r.error();
    return r.ok();
  }

  bool ListSummaries(bool include_finished, std::vector<StoredSummary>* out,
                     std::string* error) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    Result r = control_.Exec(
        "SELECT s.id, s.created_ms, s.finished_ms, s.summary, s.options, s.scenario, "
        "(SELECT count(*) FROM actions a WHERE a.session = s.id) FROM sessions s "
        "WHERE $1::boolean OR s.finished_ms = 0 ORDER BY s.created_ms",
        Params().Bool(include_finished));
    if (!r.ok()) {
      *error = r.error();
      return false;
    }
    for (int i = 0; i < r.rows(); ++i) {
      StoredSummary s;
      s.id = r.Str(i, 0);
      s.created_ms = r.Int(i, 1);
      s.finished_ms = r.Int(i, 2);
      s.summary = r.Str(i, 3);
      s.options = r.Str(i, 4);
      s.scenario = r.Str(i, 5);
      s.action_count = static_cast<uint64_t>(r.Int(i, 6));
      out->push_back(std::move(s));
    }
    return true;
  }

  bool SaveSummaries(const std::vector<std::pair<std::string, std::string>>& summaries,
                     std::string* error) override {
    if (summaries.empty()) return true;
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    control_.ClearFailed();
    std::string e = control_.Run("BEGIN");
    for (const auto& [id, bytes] : summaries) {
      if (!e.empty()) break;
      Result r = control_.Exec("UPDATE sessions SET summary = $2::bytea WHERE id = $1",
                               Params().Text(id).Bytes(bytes));
      if (!r.ok()) e = r.error();
    }
    if (e.empty()) e = control_.Run("COMMIT");
    if (!e.empty()) {
      control_.Run("ROLLBACK");
      *error = e;
    }
    control_.ClearFailed();
    return e.empty();
  }

  bool LoadFinished(const std::string& session, StoredSession* out, std::string* error) override {
    std::lock_guard<std::mutex> lock(control_mu_);
    if (!control_.Ensure(error)) return false;
    out->id = session;
    if (!ReadSession(control_, out, true, error)) return false;
    if (out->finished_ms == 0) {
      *error = "session " + session + " is still running";
      return false;
    }
    return true;
  }

  void OnFenced(std::function<void(const std::string&)> callback) override {
    std::lock_guard<std::mutex> lock(mu_);
    on_fenced_ = std::move(callback);
  }

 private:
  struct Job {
    // Returns "" or an error; sets *fenced when this node's lease was not current.
    std::function<std::string(Conn&, bool* fenced)> run;
    Done done;
    std::function<void()> committed;  // After a successful commit, before `done`.
    bool write = true;
    bool multi = false;  // Several statements: a transaction of its own when alone.
    std::string fenced_session;
  };

  int64_t TtlMs() const { return int64_t{o_.lease_ttl_seconds} * 1000; }

  // A write of `session` under this node's lease: `statement` inserts or
  // updates only while the lease row carries this node and the epoch held
  // when the write was asked for; no row touched means another node holds
  // the session now.
  void Fence(const std::string& session, Done done,
             std::function<Result(Conn&, int64_t epoch)> statement) {
    int64_t epoch = 0;
    {
      std::lock_guard<std::mutex> lock(held_mu_);
      auto it = held_.find(session);
      if (it != held_.end()) epoch = it->second;
    }
    Job job;
    job.done = std::move(done);
    job.fenced_session = session;
    job.run = [session, epoch, statement = std::move(statement)](Conn& c, bool* fenced) {
      if (epoch == 0) {
        *fenced = true;
        return "this forumd does not hold the lease of session " + session;
      }
      Result r = statement(c, epoch);
      if (!r.ok()) return r.error();
      if (r.affected() == 0) {
        *fenced = true;
        return Fenced(session, epoch);
      }
      return std::string();
    };
    Enqueue(std::move(job));
  }

  void Enqueue(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stop_) {
        jobs_.push_back(std::move(job));
        cv_.notify_one();
        return;
      }
    }
    job.done("the server is shutting down");
  }

  // One job alone: a transaction of its own when it has several statements.
  std::string RunAlone(Job& job, bool* fenced) {
    writer_.ClearFailed();
    if (!job.multi) return job.run(writer_, fenced);
    std::string e = writer_.Run("BEGIN");
    if (e.empty()) e = job.run(writer_, fenced);
    if (e.empty() && !writer_.failed()) {
      e = writer_.Run("COMMIT");
    } else {
      writer_.Run("ROLLBACK");
    }
    writer_.ClearFailed();
    return e;
  }

  void Loop() {
    for (;;) {
      std::deque<Job> batch;
      bool fail = false;
      std::function<void(const std::string&)> fenced_callback;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty() && stop_) return;
        batch.swap(jobs_);
        fail = fail_writes_;
        fenced_callback = on_fenced_;
      }
      std::vector<std::string> errors(batch.size());
      std::vector<char> fenced(batch.size(), 0);
      std::string connect;
      if (!writer_.Ensure(&connect)) {
        for (auto& e : errors) e = connect;
      } else if (batch.size() == 1) {
        if (fail && batch[0].write) {
          errors[0] = "the database refuses writes (disk full or read-only)";
        } else {
          bool f = false;
          errors[0] = RunAlone(batch[0], &f);
          fenced[0] = f;
        }
      } else {
        // Group commit: one transaction for the batch. A statement that
        // fails aborts it; then each job runs again on its own.
        writer_.ClearFailed();
        std::string tx = writer_.Run("BEGIN");
        for (size_t i = 0; tx.empty() && i < batch.size(); ++i) {
          if (fail && batch[i].write) {
            errors[i] = "the database refuses writes (disk full or read-only)";
            continue;
          }
          bool f = false;
          errors[i] = batch[i].run(writer_, &f);
          fenced[i] = f;
          if (writer_.failed()) break;
        }
        if (tx.empty() && !writer_.failed()) {
          tx = writer_.Run("COMMIT");
          if (!tx.empty()) {
            writer_.Run("ROLLBACK");
            for (size_t i = 0; i < batch.size(); ++i)
              if (batch[i].write) errors[i] = tx;
          }
        } else {
          writer_.Run("ROLLBACK");
          for (size_t i = 0; i < batch.size(); ++i) {
            if (fail && batch[i].write) continue;
            bool f = false;
            errors[i] = RunAlone(batch[i], &f);
            fenced[i] = f;
          }
        }
        writer_.ClearFailed();
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        if (errors[i].empty() && batch[i].committed) batch[i].committed();
        batch[i].done(errors[i]);
      }
      for (size_t i = 0; i < batch.size(); ++i)
        if (fenced[i] && fenced_callback && !batch[i].fenced_session.empty())
          fenced_callback(batch[i].fenced_session);
    }
  }

  // The session row (and its seats) of out->id; with `count`, the number
  // of its actions instead of the log.
  static bool ReadSession(Conn& c, StoredSession* s, bool count, std::string* error) {
    Result r = c.Exec(
        "SELECT join_code, scenario, scenario_text, seed, options, facilitator_hash, "
        "created_ms, finished_ms, final_hash, "
        "(SELECT count(*) FROM actions a WHERE a.session = s.id) FROM sessions s WHERE id = $1",
        Params().Text(s->id));
    if (!r.ok()) {
      *error = "reading session " + s->id + ": " + r.error();
      return false;
    }
    if (r.rows() == 0) {
      *error = "no session " + s->id;
      return false;
    }
    s->join_code = r.Str(0, 0);
    s->scenario = r.Str(0, 1);
    s->scenario_text = r.Str(0, 2);
    s->seed = static_cast<uint64_t>(r.Int(0, 3));
    s->options = r.Str(0, 4);
    s->facilitator_hash = r.Str(0, 5);
    s->created_ms = r.Int(0, 6);
    s->finished_ms = r.Int(0, 7);
    s->final_hash = static_cast<uint64_t>(r.Int(0, 8));
    if (count) s->action_count = static_cast<uint64_t>(r.Int(0, 9));
    Result seats = c.Exec(
        "SELECT seat, player, token_hash, strategy, auto_bot FROM seats WHERE session = $1 "
        "ORDER BY seat",
        Params().Text(s->id));
    if (!seats.ok()) {
      *error = "reading its seats: " + seats.error();
      return false;
    }
    s->seats.clear();
    for (int i = 0; i < seats.rows(); ++i)
      s->seats.push_back({static_cast<int>(seats.Int(i, 0)), seats.Str(i, 1), seats.Str(i, 2),
                          seats.Str(i, 3), seats.Bool(i, 4)});
    return true;
  }

  // The log and the chat of s->id.
  static bool ReadLog(Conn& c, StoredSession* s, std::string* error) {
    Result a = c.Exec(
        "SELECT seq, actor, action, at_ms, chain FROM actions WHERE session = $1 ORDER BY seq",
        Params().Text(s->id));
    if (!a.ok()) {
      *error = "reading its actions: " + a.error();
      return false;
    }
    s->actions.clear();
    for (int i = 0; i < a.rows(); ++i)
      s->actions.push_back({static_cast<uint64_t>(a.Int(i, 0)), static_cast<int>(a.Int(i, 1)),
                            a.Str(i, 2), a.Int(i, 3), a.Str(i, 4)});
    s->action_count = s->actions.size();
    Result m = c.Exec("SELECT serial, message FROM messages WHERE session = $1 ORDER BY serial",
                      Params().Text(s->id));
    if (!m.ok()) {
      *error = "reading its messages: " + m.error();
      return false;
    }
    s->messages.clear();
    for (int i = 0; i < m.rows(); ++i)
      s->messages.push_back({static_cast<uint64_t>(m.Int(i, 0)), m.Str(i, 1)});
    return true;
  }

  bool LocateLocked(const std::string& session, SessionPlace* out, std::string* error) {
    Result r = control_.Exec(
        "SELECT s.finished_ms, l.owner, n.address, (l.expires IS NULL OR l.expires < now()) "
        "FROM sessions s LEFT JOIN leases l ON l.session = s.id "
        "LEFT JOIN nodes n ON n.id = l.owner WHERE s.id = $1",
        Params().Text(session));
    if (!r.ok()) {
      *error = r.error();
      return false;
    }
    *out = SessionPlace();
    if (r.rows() == 0) return true;
    out->exists = true;
    out->finished = r.Int(0, 0) != 0;
    out->owner = r.Null(0, 1) ? "" : r.Str(0, 1);
    out->owner_address = r.Null(0, 2) ? "" : r.Str(0, 2);
    out->lapsed = r.Bool(0, 3);
    return true;
  }

  bool Migrate(std::string* error) {
    const std::vector<Migration>& all = PostgresMigrations();
    auto fail = [&](const std::string& e) {
      control_.Run("ROLLBACK");
      *error = "migrating the PostgreSQL schema: " + e;
      return false;
    };
    // One node at a time: nodes starting together wait for each other.
    std::string e = control_.Run("BEGIN; SELECT pg_advisory_xact_lock(1601160116);");
    if (e.empty())
      e = control_.Run(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    if (!e.empty()) return fail(e);
    Result r = control_.Exec("SELECT version FROM schema_migrations");
    if (!r.ok()) return fail(r.error());
    std::set<int64_t> applied;
    for (int i = 0; i < r.rows(); ++i) applied.insert(r.Int(i, 0));
    const int64_t known = all.empty() ? 0 : all.back().version;
    if (!applied.empty() && *applied.rbegin() > known)
      return fail("the database has migration " + std::to_string(*applied.rbegin()) +
                  ", newer than this forumd knows (up to " + std::to_string(known) +
                  "): run a forumd at least as new as the newest node");
    for (const Migration& m : all) {
      if (applied.count(m.version)) continue;
      e = control_.Run(m.sql);
      if (!e.empty()) return fail(std::string(m.name) + ": " + e);
      Result ins =
          control_.Exec("INSERT INTO schema_migrations (version, name) VALUES ($1::bigint, $2)",
                        Params().Int(m.version).Text(m.name));
      if (!ins.ok()) return fail(ins.error());
    }
    e = control_.Run("COMMIT");
    if (!e.empty()) return fail(e);
    control_.ClearFailed();
    return true;
  }

  const PostgresOptions o_;
  Conn writer_;
  std::mutex control_mu_;  // control_ and address_.
  Conn control_;
  std::string address_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  bool fail_writes_ = false;
  std::function<void(const std::string&)> on_fenced_;
  std::thread thread_;

  std::mutex held_mu_;
  std::map<std::string, int64_t> held_;  // Session -> the lease epoch this node holds.
};

}  // namespace

std::unique_ptr<Store> OpenPostgresStore(const PostgresOptions& options, std::string* error) {
  if (options.node_id.empty()) {
    *error = "a PostgreSQL store needs a node id (--node-id)";
    return nullptr;
  }
  auto s = std::make_unique<PgStore>(options);
  if (!s->Open(error)) return nullptr;
  return s;
}

}  // namespace mf::server
