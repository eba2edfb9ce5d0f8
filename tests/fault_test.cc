// Faults injected into a real forumd process (label "fault"):
//   - SIGKILL, again and again, under load (sessions with bots playing fast
//     and network seats acting): after every restart each acknowledged action
//     is in its record, and each session ends exactly as its log replays;
//   - a full disk (a small tmpfs filled up, which needs CAP_SYS_ADMIN; and a
//     file-size limit on the process, which needs nothing) and a read-only
//     data folder (its permissions; forumd runs as "nobody" when the test runs
//     as root): refusals with a clear status, nothing acknowledged that was
//     not stored, recovery when space returns;
//   - corrupt and truncated databases and logs: a clear error naming the
//     session, the other sessions still served.
// The forumd binary's path is compiled in.
#include <sqlite3.h>
#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "fault_util.h"
#include "run_command.h"

namespace mf::testing {
namespace {

namespace fs = std::filesystem;
using grpc::StatusCode;

struct Tracked {
  mf::CreateSessionResponse s;
  std::vector<std::pair<int, std::string>> seats;  // Network seats and their tokens.
  std::vector<Ack> acks;
  mf::GetRecordResponse last;
};

mf::Action SetBot(int seat, bool bot) {
  mf::Action a;
  a.mutable_set_bot()->set_seat(seat);
  a.mutable_set_bot()->set_bot(bot);
  return a;
}

grpc::Status RecordStatus(Client& c, const std::string& session, const std::string& token,
                          mf::GetRecordResponse* out) {
  mf::GetRecordRequest req;
  req.set_session(session);
  grpc::ClientContext ctx;
  net::Authorize(&ctx, token);
  return c.stub()->GetRecord(&ctx, req, out);
}

TEST(FaultKill, RepeatedSigkillUnderLoadLosesNothingAcknowledged) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  const int kKills = 5;
  // A network session's four seats make about 110 of its 223 actions: 5 x 15
  // leaves the games running through every kill.
  const size_t per_cycle = static_cast<size_t>(Scaled(15, 5));
  std::vector<Tracked> sessions;
  auto forumd = std::make_unique<ForumdProcess>(data);
  ASSERT_FALSE(forumd->address().empty()) << forumd->Stderr();
  {
    Client c(forumd->address());
    // Two sessions with network seats 0-3 and bots in 4-7; two of bots only.
    for (int k = 0; k < 4; ++k) {
      Tracked t;
      const bool network = k < 2;
      std::vector<int> bots =
          network ? std::vector<int>{4, 5, 6, 7} : std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7};
      t.s = c.Create(k == 3 ? "hld-2006" : "classroom-8", k == 3 ? std::vector<int>{} : bots,
                     static_cast<uint64_t>(100 + k), [&](mf::CreateSessionRequest* r) {
                       r->set_bot_pace_ms(network ? 5 : 15);
                       if (k == 3)
                         for (int s = 0; s < 14; ++s) r->add_bots()->set_seat(s);
                     });
      ASSERT_FALSE(t.s.session().empty());
      if (network)
        for (int seat = 0; seat < 4; ++seat)
          t.seats.emplace_back(seat, c.JoinOk(t.s.join_code(), seat));
      sessions.push_back(std::move(t));
    }
  }
  size_t total_acks = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    std::vector<std::unique_ptr<Players>> players;
    for (Tracked& t : sessions)
      if (!t.seats.empty() && !t.last.finished())
        players.push_back(std::make_unique<Players>(forumd->address(), t.s.session(), t.seats));
    // Load: the network seats act until each has `per_cycle` acknowledgements
    // (or its game is over); the bots play meanwhile. Then SIGKILL, with
    // calls in flight.
    bool enough = false;
    for (int wait = 0; wait < 3000 && !enough; ++wait) {
      enough = true;
      for (auto& p : players) enough = enough && (p->acks() >= per_cycle || p->game_over());
      if (!enough) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(enough) << "the network seats stalled before kill " << kill + 1;
    EXPECT_EQ(forumd->Stop(SIGKILL), -SIGKILL);
    size_t i = 0;
    for (Tracked& t : sessions) {
      if (t.seats.empty() || t.last.finished()) continue;
      players[i]->Stop();
      for (const Ack& a : players[i]->TakeAcks()) t.acks.push_back(a);
      ++i;
    }
    players.clear();

    forumd = std::make_unique<ForumdProcess>(data);
    ASSERT_FALSE(forumd->address().empty()) << forumd->Stderr();
    Client c(forumd->address());
    for (Tracked& t : sessions) {
      const mf::GetRecordResponse rec = c.Record(t.s.session(), t.s.facilitator_token());
      EXPECT_TRUE(AcksInRecord(t.acks, rec)) << "after kill " << kill + 1;
      EXPECT_TRUE(IsPrefix(t.last, rec)) << "after kill " << kill + 1;
      EXPECT_TRUE(Replays(rec)) << "after kill " << kill + 1;
      t.last = rec;
    }
  }
  // The network seats go to bots; every session plays to its end.
  Client c(forumd->address());
  for (Tracked& t : sessions)
    for (const auto& [seat, token] : t.seats) {
      const grpc::Status st =
          c.Facilitate(t.s.session(), t.s.facilitator_token(), SetBot(seat, true));
      // (A game the network seats already finished has no seat to hand over.)
      ASSERT_TRUE(st.ok() || t.last.finished()) << net::Describe(st);
    }
  size_t entries = 0;
  for (Tracked& t : sessions) {
    const mf::GetRecordResponse end =
        RecordWhen(c, t.s.session(), t.s.facilitator_token(),
                   [](const mf::GetRecordResponse& r) { return r.finished(); });
    ASSERT_TRUE(end.finished());
    bool terminal = false;
    EXPECT_EQ(ReplayHash(end, &terminal), end.state_hash());
    EXPECT_TRUE(terminal);
    EXPECT_TRUE(AcksInRecord(t.acks, end));
    EXPECT_TRUE(IsPrefix(t.last, end));
    total_acks += t.acks.size();
    entries += static_cast<size_t>(end.entries_size());
  }
  EXPECT_GE(total_acks, 2 * per_cycle);
  EXPECT_EQ(forumd->Stop(SIGTERM), 0);
  std::printf(
      "fault: %d SIGKILLs under load, %zu acknowledged network actions, %zu entries in "
      "%zu records, 0 lost\n",
      kKills, total_acks, entries, sessions.size());
}

// ---------------------------------------------------------------------------
// A full or read-only disk
// ---------------------------------------------------------------------------

// Seats 0-7 of a classroom-8 session, all network players, acting one call at
// a time from the test thread.
class Table {
 public:
  Table(const std::string& address, uint64_t seed) : c_(address) {
    s_ = c_.Create("classroom-8", {}, seed);
    for (int seat = 0; seat < 8; ++seat) {
      tokens_.push_back(c_.JoinOk(s_.join_code(), seat));
      watchers_.push_back(std::make_unique<Watcher>(c_.stub(), s_.session(), tokens_.back()));
    }
  }
  // One action of the next seat that has one; the status (OK, a refusal) and
  // whether a call was made at all.
  // Waits for the views up to 20 s (a loaded machine delivers them late;
  // 400 rounds of 2 ms were too short with four builds on the two cores).
  bool Act(grpc::Status* status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const int seat = next_++ % 8;
      auto v = watchers_[static_cast<size_t>(seat)]->Latest();
      mf::Action a;
      if (!v || !bots::LightPolicy(*v, &a)) {
        if (seat == 7) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      mf::ActResponse resp;
      *status = c_.Act(s_.session(), tokens_[static_cast<size_t>(seat)], a, v->version(), &resp);
      if (status->ok()) acks_.push_back({seat, a, resp.version()});
      if (status->error_code() == StatusCode::FAILED_PRECONDITION) continue;  // Stale view.
      return true;
    }
    return false;
  }
  mf::GetRecordResponse Record() { return c_.Record(s_.session(), s_.facilitator_token()); }
  Client& client() { return c_; }
  const mf::CreateSessionResponse& session() const { return s_; }
  const std::vector<Ack>& acks() const { return acks_; }

 private:
  Client c_;
  mf::CreateSessionResponse s_;
  std::vector<std::string> tokens_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  std::vector<Ack> acks_;
  int next_ = 0;
};

// Acts until `refusals` calls were refused (at most `limit` calls); every
// refusal is UNAVAILABLE or RESOURCE_EXHAUSTED with a message saying the
// action was not stored, and leaves the record as it was.
void ActUntilRefused(Table* t, int refusals, int limit, int* ok_out, int* refused_out,
                     std::string* message) {
  int ok = 0, refused = 0;
  uint64_t version = t->Record().version();
  for (int i = 0; i < limit && refused < refusals; ++i) {
    grpc::Status st;
    if (!t->Act(&st)) break;
    const mf::GetRecordResponse rec = t->Record();
    if (st.ok()) {
      ++ok;
      EXPECT_GT(rec.version(), version);
    } else {
      ++refused;
      EXPECT_TRUE(st.error_code() == StatusCode::UNAVAILABLE ||
                  st.error_code() == StatusCode::RESOURCE_EXHAUSTED)
          << net::Describe(st);
      EXPECT_NE(st.error_message().find("could not be stored"), std::string::npos)
          << net::Describe(st);
      EXPECT_EQ(rec.version(), version) << "a refused action changed the record";
      *message = st.error_message();
    }
    version = rec.version();
  }
  *ok_out = ok;
  *refused_out = refused;
}

// Acts until a call succeeds again (the disk is back); false if none did.
bool ActUntilAccepted(Table* t, int limit) {
  for (int i = 0; i < limit; ++i) {
    grpc::Status st;
    if (!t->Act(&st)) return false;
    if (st.ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Fills the file system holding `dir` until it refuses to grow; returns the bytes written.
size_t FillDisk(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return 0;
  std::string chunk(64 * 1024, 'x');
  size_t written = 0;
  for (;;) {
    const size_t n = std::fwrite(chunk.data(), 1, chunk.size(), f);
    written += n;
    if (n < chunk.size() || std::fflush(f) != 0) break;
  }
  std::fclose(f);
  // The last partial pages too, byte by byte is too slow: a 4 KiB tail.
  if (FILE* g = std::fopen((path + ".tail").c_str(), "w")) {
    std::string small(4096, 'y');
    while (std::fwrite(small.data(), 1, small.size(), g) == small.size() && std::fflush(g) == 0)
      written += small.size();
    std::fclose(g);
  }
  return written;
}

// A tmpfs mounted for the test (root with CAP_SYS_ADMIN); unmounted at the end.
class Tmpfs {
 public:
  Tmpfs(const std::string& path, const std::string& size) : path_(path) {
    fs::create_directories(path);
    const std::string opts = "size=" + size;
    if (mount("tmpfs", path.c_str(), "tmpfs", 0, opts.c_str()) == 0)
      mounted_ = true;
    else
      error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_, error_;
  bool mounted_ = false;
};

// A real full disk: a 3 MiB tmpfs. Mounting needs CAP_SYS_ADMIN (root, as
// tools/setup.sh and CI run); without it the test fails, it does not skip.
TEST(FaultDisk, FullTmpfsRefusesActionsAndRecoversWhenSpaceReturns) {
  ScratchDir dir;
  Tmpfs tmpfs(dir.path() + "/mnt", "3m");
  ASSERT_TRUE(tmpfs.mounted()) << "cannot mount a tmpfs here (" << tmpfs.error()
                               << "): this test needs CAP_SYS_ADMIN (run the suite as root); "
                                  "FaultDisk.FileSizeLimit... covers a full disk without it";
  const std::string data = dir.path() + "/mnt/data";
  ForumdProcess forumd(data);
  ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
  Table t(forumd.address(), 5);
  for (int i = 0; i < 20; ++i) {
    grpc::Status st;
    ASSERT_TRUE(t.Act(&st));
    ASSERT_TRUE(st.ok()) << net::Describe(st);
  }
  const size_t filled = FillDisk(dir.path() + "/mnt/filler");
  ASSERT_GT(filled, 0u);
  // Space is gone: SQLite still writes into the room its WAL already has,
  // then refuses. Every refusal is clear and changes nothing.
  int ok = 0, refused = 0;
  std::string message;
  ActUntilRefused(&t, 10, 5000, &ok, &refused, &message);
  EXPECT_GE(refused, 10) << "the disk is full but " << ok << " actions were all accepted";
  std::printf("fault: tmpfs full: %d more actions fitted, then %d refused: \"%s\"\n", ok, refused,
              message.c_str());
  // The rest of the server is still up: reads answer, with exactly what was acknowledged.
  mf::GetRecordResponse full;
  const grpc::Status read =
      RecordStatus(t.client(), t.session().session(), t.session().facilitator_token(), &full);
  ASSERT_TRUE(read.ok()) << net::Describe(read);
  ASSERT_FALSE(t.acks().empty());
  EXPECT_EQ(full.version(), t.acks().back().version);
  EXPECT_TRUE(AcksInRecord(t.acks(), full));
  // Space returns: actions are accepted again.
  fs::remove(dir.path() + "/mnt/filler");
  fs::remove(dir.path() + "/mnt/filler.tail");
  ASSERT_TRUE(ActUntilAccepted(&t, 100)) << "no recovery after the space returned";
  for (int i = 0; i < 20; ++i) {
    grpc::Status st;
    ASSERT_TRUE(t.Act(&st));
    EXPECT_TRUE(st.ok()) << net::Describe(st);
  }
  const std::vector<Ack> acks = t.acks();
  EXPECT_TRUE(AcksInRecord(acks, t.Record()));
  EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  // After the kill, everything acknowledged is there and replays.
  ForumdProcess again(data);
  ASSERT_FALSE(again.address().empty()) << again.Stderr();
  Client c(again.address());
  const mf::GetRecordResponse rec =
      c.Record(t.session().session(), t.session().facilitator_token());
  EXPECT_TRUE(AcksInRecord(acks, rec));
  EXPECT_TRUE(Replays(rec));
  EXPECT_EQ(again.Stop(SIGTERM), 0);
}

// Makes everything under `path` read-only (a-w) or writable by its owner again (u+w).
void SetWritable(const std::string& path, bool writable) {
  const auto perms = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  const auto how = writable ? fs::perm_options::add : fs::perm_options::remove;
  fs::permissions(path, writable ? fs::perms::owner_write : perms, how);
  for (const auto& e : fs::recursive_directory_iterator(path))
    fs::permissions(e.path(), writable ? fs::perms::owner_write : perms, how);
}

// A read-only data folder (after a crash: the log and its index are there)
// needs no privilege: its permissions, with forumd run as "nobody" when the
// test runs as root. forumd starts, serves what is stored and refuses every
// change with a clear status; writable again, nothing was lost.
TEST(FaultDisk, ReadOnlyDataFolderServesRecordsAndRefusesChanges) {
  ScratchDir dir;
  fs::permissions(dir.path(),
                  fs::perms::others_read | fs::perms::others_exec | fs::perms::group_read |
                      fs::perms::group_exec,
                  fs::perm_options::add);  // "nobody" must reach the folder.
  const std::string data = dir.path() + "/data";
  std::vector<Ack> acks;
  mf::CreateSessionResponse session;
  {
    ForumdProcess forumd(data);
    ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
    Table t(forumd.address(), 7);
    session = t.session();
    for (int i = 0; i < 20; ++i) {
      grpc::Status st;
      ASSERT_TRUE(t.Act(&st));
      ASSERT_TRUE(st.ok()) << net::Describe(st);
    }
    acks = t.acks();
    EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  }
  ASSERT_TRUE(fs::exists(data + "/forum.db-wal"));
  SetWritable(data, false);
  {
    ForumdProcess::Options o;
    o.as_nobody = true;
    ForumdProcess forumd(data, o);
    ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
    if (geteuid() == 0) {
      ASSERT_EQ(forumd.Uid(), static_cast<int>(kNobody));
    }
    Client c(forumd.address());
    const mf::GetRecordResponse rec = c.Record(session.session(), session.facilitator_token());
    EXPECT_EQ(rec.version(), acks.back().version);
    EXPECT_TRUE(AcksInRecord(acks, rec));
    EXPECT_TRUE(Replays(rec));
    mf::Action advance;
    advance.mutable_advance();
    const grpc::Status st = c.Facilitate(session.session(), session.facilitator_token(), advance);
    EXPECT_EQ(st.error_code(), StatusCode::UNAVAILABLE) << net::Describe(st);
    EXPECT_NE(st.error_message().find("could not be stored"), std::string::npos)
        << st.error_message();
    mf::Channel everyone;
    everyone.set_everyone(true);
    const grpc::Status chat =
        c.Chat(session.session(), session.facilitator_token(), everyone, "read-only");
    EXPECT_EQ(chat.error_code(), StatusCode::UNAVAILABLE) << net::Describe(chat);
    const mf::GetRecordResponse after = c.Record(session.session(), session.facilitator_token());
    EXPECT_EQ(after.entries_size(), rec.entries_size());
    EXPECT_EQ(after.chat_size(), rec.chat_size());
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    grpc::ClientContext ctx;
    mf::CreateSessionResponse created;
    const grpc::Status create = c.stub()->CreateSession(&ctx, req, &created);
    EXPECT_EQ(create.error_code(), StatusCode::UNAVAILABLE) << net::Describe(create);
    std::printf("fault: read-only data folder (uid %d): records served, changes refused: \"%s\"\n",
                forumd.Uid(), st.error_message().c_str());
    EXPECT_EQ(forumd.Stop(SIGTERM), 0) << forumd.Stderr();
  }
  SetWritable(data, true);
  // Writable again: everything acknowledged is there, replays, and play goes on.
  ForumdProcess forumd(data);
  ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
  Client c(forumd.address());
  const mf::GetRecordResponse rec = c.Record(session.session(), session.facilitator_token());
  EXPECT_TRUE(AcksInRecord(acks, rec));
  EXPECT_TRUE(Replays(rec));
  mf::Action advance;
  advance.mutable_advance();
  EXPECT_TRUE(c.Facilitate(session.session(), session.facilitator_token(), advance).ok());
  EXPECT_EQ(c.Record(session.session(), session.facilitator_token()).entries_size(),
            rec.entries_size() + 1);
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
}

TEST(FaultDisk, FileSizeLimitRefusesActionsAndRecoversWhenRaised) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<Ack> acks;
  mf::CreateSessionResponse session;
  {
    ForumdProcess::Options o;
    o.file_size_limit = 400 * 1024;  // The WAL reaches it after a few dozen commits.
    ForumdProcess forumd(data, o);
    ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
    Table t(forumd.address(), 6);
    session = t.session();
    int ok = 0, refused = 0;
    std::string message;
    ActUntilRefused(&t, 10, 5000, &ok, &refused, &message);
    EXPECT_GE(refused, 10) << ok << " actions were all accepted";
    std::printf("fault: RLIMIT_FSIZE 400 KiB: %d actions stored, then %d refused: \"%s\"\n", ok,
                refused, message.c_str());
    ASSERT_TRUE(forumd.SetFileSizeLimit(RLIM_INFINITY));
    ASSERT_TRUE(ActUntilAccepted(&t, 100)) << "no recovery after the limit was raised";
    for (int i = 0; i < 20; ++i) {
      grpc::Status st;
      ASSERT_TRUE(t.Act(&st));
      EXPECT_TRUE(st.ok()) << net::Describe(st);
    }
    acks = t.acks();
    EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  }
  ForumdProcess forumd(data);
  ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
  Client c(forumd.address());
  const mf::GetRecordResponse rec = c.Record(session.session(), session.facilitator_token());
  EXPECT_TRUE(AcksInRecord(acks, rec));
  EXPECT_TRUE(Replays(rec));
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
}

// ---------------------------------------------------------------------------
// Corrupt and truncated databases and logs
// ---------------------------------------------------------------------------

void Sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// Sessions with some play each; the server stopped cleanly at the end.
std::vector<mf::CreateSessionResponse> PlayedSessions(const std::string& data, int n,
                                                      int actions_each, bool chat = false) {
  std::vector<mf::CreateSessionResponse> out;
  ForumdProcess forumd(data);
  EXPECT_FALSE(forumd.address().empty()) << forumd.Stderr();
  if (forumd.address().empty()) return out;
  for (int k = 0; k < n; ++k) {
    Table t(forumd.address(), static_cast<uint64_t>(40 + k));
    for (int i = 0; i < actions_each; ++i) {
      grpc::Status st;
      EXPECT_TRUE(t.Act(&st));
      EXPECT_TRUE(st.ok()) << net::Describe(st);
      if (chat) {
        mf::Channel everyone;
        everyone.set_everyone(true);
        EXPECT_TRUE(t.client()
                        .Chat(t.session().session(), t.session().facilitator_token(), everyone,
                              std::string(400, static_cast<char>('a' + i % 26)))
                        .ok());
      }
    }
    out.push_back(t.session());
  }
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
  return out;
}

TEST(FaultCorrupt, BrokenRecordsNameTheirSessionAndTheOthersAreServed) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  const auto s = PlayedSessions(data, 4, 12);
  ASSERT_EQ(s.size(), 4u);
  const std::string db = data + "/forum.db";
  // Session 1: an action's bytes changed. Session 2: an action removed.
  // Session 3: an action's actor changed. Session 0 is intact.
  Sql(db, "UPDATE actions SET action = x'0a03080101' WHERE session = '" + s[1].session() +
              "' AND seq = 3");
  Sql(db, "DELETE FROM actions WHERE session = '" + s[2].session() + "' AND seq = 5");
  Sql(db, "UPDATE actions SET actor = (actor + 1) % 8 WHERE session = '" + s[3].session() +
              "' AND seq = 7");

  ForumdProcess forumd(data);
  ASSERT_FALSE(forumd.address().empty())
      << "one broken session stopped the server: " << forumd.Stderr();
  const std::string err = forumd.Stderr();
  Client c(forumd.address());
  // The intact session is served and plays on.
  const mf::GetRecordResponse rec = c.Record(s[0].session(), s[0].facilitator_token());
  EXPECT_EQ(rec.entries_size(), 12);
  EXPECT_TRUE(Replays(rec));
  mf::Action advance;
  advance.mutable_advance();
  EXPECT_TRUE(c.Facilitate(s[0].session(), s[0].facilitator_token(), advance).ok());
  // The broken ones: DATA_LOSS naming the session and the place, on stderr too.
  const std::pair<int, const char*> broken[] = {
      {1, "broken at action 3"}, {2, "action 5 is missing"}, {3, "broken at action 7"}};
  for (const auto& [k, where] : broken) {
    const std::string& id = s[static_cast<size_t>(k)].session();
    mf::GetRecordResponse r;
    const grpc::Status st = RecordStatus(c, id, s[static_cast<size_t>(k)].facilitator_token(), &r);
    EXPECT_EQ(st.error_code(), StatusCode::DATA_LOSS) << net::Describe(st);
    EXPECT_NE(st.error_message().find(id), std::string::npos) << st.error_message();
    EXPECT_NE(st.error_message().find(where), std::string::npos) << st.error_message();
    EXPECT_NE(err.find("session " + id + " cannot be served"), std::string::npos) << err;
    // Its players are told the same.
    EXPECT_EQ(c.Act(id, s[static_cast<size_t>(k)].facilitator_token(), Ready()).error_code(),
              StatusCode::DATA_LOSS);
  }
  std::printf("fault: corrupt records: %s", err.c_str());
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
}

TEST(FaultCorrupt, TruncatedDatabaseFileIsAClearErrorNeverAWrongRecord) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  const auto s = PlayedSessions(data, 3, 25, true);
  ASSERT_EQ(s.size(), 3u);
  const std::string db = data + "/forum.db";
  ASSERT_FALSE(fs::exists(db + "-wal") && fs::file_size(db + "-wal") > 0)
      << "a clean stop checkpoints the log";
  const auto size = fs::file_size(db);
  fs::resize_file(db, size * 2 / 3);

  ForumdProcess forumd(data);
  if (forumd.address().empty()) {
    // Refusing to start is acceptable when the list of sessions is gone:
    // then the error must name the database and say what is wrong.
    EXPECT_EQ(forumd.Wait(), 1);
    const std::string err = forumd.Stderr();
    EXPECT_NE(err.find("forum.db"), std::string::npos) << err;
    EXPECT_NE(err.find("malformed"), std::string::npos) << err;
    std::printf("fault: truncated database (%zu of %zu bytes): forumd refuses to start: %s",
                static_cast<size_t>(size * 2 / 3), static_cast<size_t>(size), err.c_str());
    return;
  }
  // Otherwise each session is either served whole (its record replays) or
  // refused with DATA_LOSS naming it: never a silently shortened record.
  Client c(forumd.address());
  int served = 0, refused = 0;
  for (const auto& x : s) {
    mf::GetRecordResponse r;
    const grpc::Status st = RecordStatus(c, x.session(), x.facilitator_token(), &r);
    if (st.ok()) {
      ++served;
      EXPECT_EQ(r.entries_size(), 25);
      EXPECT_EQ(r.chat_size(), 25);
      EXPECT_TRUE(Replays(r));
    } else {
      ++refused;
      EXPECT_EQ(st.error_code(), StatusCode::DATA_LOSS) << net::Describe(st);
      EXPECT_NE(st.error_message().find(x.session()), std::string::npos) << st.error_message();
    }
  }
  EXPECT_GT(refused, 0) << "a third of the file is gone, yet every session read whole";
  std::printf("fault: truncated database: %d sessions served whole, %d refused: %s", served,
              refused, forumd.Stderr().c_str());
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
}

TEST(FaultCorrupt, TornLogAfterAKillReplaysAConsistentPrefix) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<mf::CreateSessionResponse> s;
  {
    ForumdProcess forumd(data);
    ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
    for (int k = 0; k < 3; ++k) {
      Table t(forumd.address(), static_cast<uint64_t>(60 + k));
      for (int i = 0; i < 30; ++i) {
        grpc::Status st;
        ASSERT_TRUE(t.Act(&st));
        ASSERT_TRUE(st.ok()) << net::Describe(st);
      }
      s.push_back(t.session());
    }
    EXPECT_EQ(forumd.Stop(SIGKILL), -SIGKILL);
  }
  const std::string wal = data + "/forum.db-wal";
  ASSERT_TRUE(fs::exists(wal));
  // The tail of the log torn off mid-frame (as a disk that lost its last writes).
  const auto torn = fs::file_size(wal) * 3 / 4 + 100;
  fs::resize_file(wal, torn);
  ForumdProcess forumd(data);
  ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
  Client c(forumd.address());
  // The sessions were played one after the other, so what survives is a
  // prefix of that history: whole sessions, then at most one cut short,
  // then none. Three quarters of the log are left: the first session whole.
  std::vector<int> entries;  // Per session; -1: not there.
  for (const auto& x : s) {
    mf::GetRecordResponse r;
    const grpc::Status st = RecordStatus(c, x.session(), x.facilitator_token(), &r);
    if (st.ok()) {
      entries.push_back(r.entries_size());
      EXPECT_LE(r.entries_size(), 30);
      EXPECT_TRUE(Replays(r));
      // And the session plays on from there.
      mf::Action advance;
      advance.mutable_advance();
      EXPECT_TRUE(c.Facilitate(x.session(), x.facilitator_token(), advance).ok());
    } else {
      // The session row itself was in the torn part: it is simply not there.
      entries.push_back(-1);
      EXPECT_EQ(st.error_code(), StatusCode::NOT_FOUND) << net::Describe(st);
    }
  }
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], 30) << "the torn log lost the first session's actions";
  for (size_t k = 1; k < entries.size(); ++k)
    if (entries[k - 1] < 30) {
      EXPECT_EQ(entries[k], -1) << "session " << k << " survived a gap";
    }
  std::printf("fault: torn log (%zu bytes left): sessions kept with %d, %d, %d actions\n",
              static_cast<size_t>(torn), entries[0], entries[1], entries[2]);
  EXPECT_EQ(forumd.Stop(SIGTERM), 0);
}

// `forumctl verify`, the soak's judge of a data folder, finds what it must:
// every acknowledged action in place, an unfinished game, an action that
// was never stored, and a record changed behind forumd's back.
TEST(FaultCorrupt, ForumctlVerifyChecksEachSessionAndEachAcknowledgedAction) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<Ack> acks;
  mf::CreateSessionResponse session;
  {
    ForumdProcess forumd(data);
    ASSERT_FALSE(forumd.address().empty()) << forumd.Stderr();
    Table t(forumd.address(), 80);
    session = t.session();
    for (int i = 0; i < 15; ++i) {
      grpc::Status st;
      ASSERT_TRUE(t.Act(&st));
      ASSERT_TRUE(st.ok()) << net::Describe(st);
    }
    acks = t.acks();
    EXPECT_EQ(forumd.Stop(SIGTERM), 0);
  }
  auto write_acks = [&](const std::string& path, const std::vector<Ack>& list) {
    std::ofstream out(path);
    for (const Ack& a : list) {
      std::string hex;
      for (unsigned char c : a.action.SerializeAsString()) {
        static const char* kHex = "0123456789abcdef";
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      out << session.session() << ' ' << a.version << ' ' << a.seat << ' ' << hex << '\n';
    }
  };
  const std::string verify = std::string(MF_FORUMCTL) + " verify --data " + data;
  write_acks(dir.path() + "/acks.txt", acks);
  CommandResult r = RunCommand(verify + " --acks " + dir.path() + "/acks.txt 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"problems\":0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"acknowledged_stored\":15"), std::string::npos) << r.out;
  // The game is not over.
  r = RunCommand(verify + " --finished 2>&1");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("not played to the end"), std::string::npos) << r.out;
  // An acknowledgement the record does not hold, among good ones.
  std::vector<Ack> more = acks;
  more.push_back({acks.back().seat, acks.back().action, acks.back().version + 500});
  write_acks(dir.path() + "/more.txt", more);
  r = RunCommand(verify + " --acks " + dir.path() + "/more.txt 2>&1");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("acknowledged action " + std::to_string(acks.back().version + 500)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"acknowledged_stored\":15"), std::string::npos) << r.out;
  // A stored action changed behind forumd's back.
  Sql(data + "/forum.db", "UPDATE actions SET actor = (actor + 1) % 8 WHERE session = '" +
                              session.session() + "' AND seq = " + std::to_string(acks[3].version));
  r = RunCommand(verify + " 2>&1");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("session " + session.session()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("breaks at action " + std::to_string(acks[3].version)), std::string::npos)
      << r.out;
}

TEST(FaultCorrupt, GarbageDatabaseIsAClearStartError) {
  ScratchDir dir;
  const std::string data = dir.path() + "/data";
  fs::create_directories(data);
  {
    std::ofstream out(data + "/forum.db", std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>((i * 7919) & 0xff));
  }
  ForumdProcess forumd(data);
  EXPECT_TRUE(forumd.address().empty());
  EXPECT_EQ(forumd.Wait(), 1);
  const std::string err = forumd.Stderr();
  EXPECT_NE(err.find("forum.db"), std::string::npos) << err;
  EXPECT_NE(err.find("not a database"), std::string::npos) << err;
}

}  // namespace
}  // namespace mf::testing
