// forumd on many machines (label "cluster"): real engines started by the
// test on loopback, no mocks. One PostgreSQL server for the run (initdb +
// pg_ctl in a temporary folder, a database per test), forumd processes with
// --store postgres://..., HAProxy and nginx run with the shipped
// configurations (deploy/). They show: the PostgreSQL store keeps what the
// SQLite store keeps; the schema is migrated on start; a write with a stale
// lease epoch is refused; routing is sticky (each session's calls reach its
// owner) through HAProxy and nginx; a session created on any node is found
// through the router (redirects); a SIGKILLed owner's sessions are taken
// over with every acknowledged action and the same state hash, and their
// players resume with their tokens; a paused owner that wakes up cannot
// write; `forumctl session list` lists every node's sessions; the Python and
// forumctl bots play through nginx across a kill; the Agones profile speaks
// the SDK's REST calls (to a stand-in for its sidecar).
#include <google/protobuf/util/json_util.h>

#include <future>
#include <set>

#include "cluster_util.h"
#include "server/store_pg.h"

namespace mf::testing {
namespace {

PostgresServer* g_pg = nullptr;

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { g_pg = new PostgresServer(); }
  void TearDown() override {
    delete g_pg;
    g_pg = nullptr;
  }
};
const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(g_pg && g_pg->ok()) << (g_pg ? g_pg->error() : "no PostgreSQL");
    uri_ = g_pg->NewDatabase();
    ASSERT_FALSE(uri_.empty());
  }
  // A forumd node on this test's database.
  std::unique_ptr<ForumdProcess> Node(const std::string& id, int ttl = 2,
                                      std::vector<std::string> extra = {}) {
    ForumdProcess::Options o;
    o.flags = {"--store", uri_, "--node-id", id, "--lease-ttl", std::to_string(ttl)};
    for (auto& f : extra) o.flags.push_back(f);
    o.err_path = dir_.path() + "/" + id + "." + std::to_string(++started_) + ".err";
    auto p = std::make_unique<ForumdProcess>(dir_.path() + "/" + id, o);
    EXPECT_FALSE(p->address().empty()) << p->Stderr();
    return p;
  }
  std::vector<std::string> Query(const std::string& sql) {
    std::string error;
    auto rows = Sql(uri_, sql, &error);
    EXPECT_TRUE(rows) << error;
    return rows ? *rows : std::vector<std::string>();
  }
  // The node holding a session's lease ("" when none).
  std::string Owner(const std::string& session) {
    auto rows = Query("SELECT owner FROM leases WHERE session = '" + session + "'");
    return rows.empty() ? "" : rows[0];
  }

  ScratchDir dir_;
  std::string uri_;
  int started_ = 0;
};

// --- The store itself, in-process ------------------------------------------

std::string Wait(const std::function<void(server::Store::Done)>& write) {
  std::promise<std::string> p;
  auto f = p.get_future();
  write([&p](const std::string& e) { p.set_value(e); });
  return f.get();
}

std::unique_ptr<server::StoredSession> Load(server::Store* store, const std::string& id,
                                            std::string* error) {
  std::promise<std::unique_ptr<server::StoredSession>> p;
  auto f = p.get_future();
  store->LoadSession(id, [&](std::unique_ptr<server::StoredSession> s, const std::string& e) {
    *error = e;
    p.set_value(std::move(s));
  });
  return f.get();
}

std::unique_ptr<server::Store> OpenPg(const std::string& uri, const std::string& node, int ttl,
                                      std::string* error) {
  server::PostgresOptions o;
  o.conninfo = uri;
  o.node_id = node;
  o.lease_ttl_seconds = ttl;
  return server::OpenPostgresStore(o, error);
}

server::StoredSession Sample(const std::string& id) {
  server::StoredSession s;
  s.id = id;
  s.join_code = "ABCD-" + id.substr(0, 4);
  s.scenario = "classroom-8";
  s.scenario_text = "text with bytes \x01\x7f and é";
  s.seed = 0xfedcba9876543210ull;  // Above INT64_MAX: stored as its two's complement.
  s.options = std::string("\x00\x01\x02options", 10);
  s.facilitator_hash = std::string(32, '\xab');
  s.created_ms = 1700000000123;
  s.seats = {{0, "", std::string(32, '\x00'), "normal", false}, {1, "Ana", "h1", "", true}};
  s.actions = {{1, -1, std::string("\x00\xff", 2), 1700000000124, "c1"}};
  return s;
}

// What LoadSession gives (the log, for a replay), as text.
std::string DumpLog(const server::StoredSession& s) {
  std::ostringstream o;
  o << s.id << "|" << s.scenario << "|" << s.scenario_text << "|" << s.seed << "|" << s.finished_ms
    << "|" << s.final_hash << "\n";
  for (const auto& a : s.actions)
    o << "action " << a.seq << "|" << a.actor << "|" << a.action << "|" << a.at_ms << "|" << a.chain
      << "\n";
  for (const auto& m : s.messages) o << "message " << m.serial << "|" << m.message << "\n";
  return o.str();
}

// Everything a session's rows hold, as text (for comparing two stores).
std::string Dump(const server::StoredSession& s) {
  std::ostringstream o;
  o << s.id << "|" << s.join_code << "|" << s.scenario << "|" << s.scenario_text << "|" << s.seed
    << "|" << s.options.size() << s.options << "|" << s.facilitator_hash << "|" << s.created_ms
    << "|" << s.finished_ms << "|" << s.final_hash << "|" << s.action_count << "\n";
  for (const auto& x : s.seats)
    o << "seat " << x.seat << "|" << x.player << "|" << x.token_hash << "|" << x.strategy << "|"
      << x.auto_bot << "\n";
  for (const auto& a : s.actions)
    o << "action " << a.seq << "|" << a.actor << "|" << a.action << "|" << a.at_ms << "|" << a.chain
      << "\n";
  for (const auto& m : s.messages) o << "message " << m.serial << "|" << m.message << "\n";
  return o.str();
}

// The same writes through both stores read back the same, the same way.
TEST_F(ClusterTest, ThePostgresStoreKeepsWhatTheSqliteStoreKeeps) {
  std::string error;
  auto sqlite = server::Store::Open(dir_.path() + "/sqlite", false, &error);
  ASSERT_TRUE(sqlite) << error;
  auto pg = OpenPg(uri_, "n1", 10, &error);
  ASSERT_TRUE(pg) << error;
  std::map<std::string, std::string> dumps;
  for (server::Store* store : {sqlite.get(), pg.get()}) {
    SCOPED_TRACE(store == pg.get() ? "postgres" : "sqlite");
    const server::StoredSession s = Sample("0123456789abcdef");
    ASSERT_EQ(Wait([&](auto done) { store->CreateSession(s, done); }), "");
    EXPECT_EQ(Wait([&](auto done) {
                store->SaveSeat(s.id, {1, "Bea", "h2", "hard", false}, done);
              }),
              "");
    for (uint64_t seq = 2; seq <= 4; ++seq)
      EXPECT_EQ(Wait([&](auto done) {
                  store->AppendAction(s.id,
                                      {seq, int(seq) % 2, "a" + std::to_string(seq),
                                       1700000001000 + int64_t(seq), "c"},
                                      done);
                }),
                "");
    EXPECT_EQ(Wait([&](auto done) { store->AppendMessage(s.id, {1, "hello"}, 5, done); }), "");
    // A duplicate sequence number is refused and changes nothing.
    EXPECT_NE(Wait([&](auto done) { store->AppendAction(s.id, {3, 0, "dup", 0, "c"}, done); }), "");
    auto loaded = Load(store, s.id, &error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->actions.size(), 4u);
    std::string all = DumpLog(*loaded);
    EXPECT_EQ(Wait([&](auto done) { store->FinishSession(s.id, 1700000009000, 42, done); }), "");
    std::vector<server::StoredSession> listed;
    ASSERT_TRUE(store->LoadAll(&listed, &error)) << error;
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].finished_ms, 1700000009000);
    EXPECT_EQ(listed[0].final_hash, 42u);
    EXPECT_EQ(listed[0].action_count, 4u);
    all += Dump(listed[0]);
    dumps[store == pg.get() ? "postgres" : "sqlite"] = all;
    EXPECT_EQ(Wait([&](auto done) { store->DeleteSession(s.id, done); }), "");
    listed.clear();
    ASSERT_TRUE(store->LoadAll(&listed, &error)) << error;
    EXPECT_TRUE(listed.empty());
  }
  EXPECT_EQ(dumps["postgres"], dumps["sqlite"]);
  EXPECT_NE(dumps["sqlite"].find("seat 1|Bea|h2|hard|0"), std::string::npos) << dumps["sqlite"];
}

TEST_F(ClusterTest, TheSchemaIsMigratedOnStartOnceAndANewerSchemaIsRefused) {
  std::string error;
  auto first = OpenPg(uri_, "n1", 10, &error);
  ASSERT_TRUE(first) << error;
  const size_t known = server::PostgresMigrations().size();
  ASSERT_GE(known, 2u);
  EXPECT_EQ(Query("SELECT version FROM schema_migrations ORDER BY version").size(), known);
  first.reset();
  // Two nodes starting together: the advisory lock lets one migrate.
  std::string e1, e2;
  auto a = std::async(std::launch::async, [&] { return OpenPg(uri_, "n2", 10, &e1); });
  auto b = std::async(std::launch::async, [&] { return OpenPg(uri_, "n3", 10, &e2); });
  EXPECT_TRUE(a.get()) << e1;
  EXPECT_TRUE(b.get()) << e2;
  EXPECT_EQ(Query("SELECT version FROM schema_migrations").size(), known);
  Query("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')");
  EXPECT_FALSE(OpenPg(uri_, "n4", 10, &error));
  EXPECT_NE(error.find("newer than this forumd knows"), std::string::npos) << error;
}

// The fencing token: after another node took the lease over, the former
// owner's writes are refused and reported; the new owner's go in.
TEST_F(ClusterTest, AWriteWithAStaleLeaseEpochIsRefused) {
  std::string error;
  auto a = OpenPg(uri_, "a", 60, &error);
  ASSERT_TRUE(a) << error;
  auto b = OpenPg(uri_, "b", 60, &error);
  ASSERT_TRUE(b) << error;
  std::mutex mu;
  std::vector<std::string> fenced;  // What a was told it lost, write by write.
  a->cluster()->OnFenced([&](const std::string& id) {
    std::lock_guard<std::mutex> lock(mu);
    fenced.push_back(id);
  });
  a->cluster()->SetAddress("127.0.0.1:1111");
  const server::StoredSession s = Sample("00000000000000aa");
  ASSERT_EQ(Wait([&](auto done) { a->CreateSession(s, done); }), "");
  std::vector<std::string> lost;
  ASSERT_TRUE(a->cluster()->Renew(&lost, &error)) << error;
  EXPECT_TRUE(lost.empty());

  // Held and not lapsed: b cannot take it, and learns where it is.
  server::StoredSession taken;
  server::SessionPlace place;
  EXPECT_EQ(b->cluster()->TakeOver(s.id, &taken, &place, &error),
            server::Cluster::Take::kHeldElsewhere);
  EXPECT_EQ(place.owner, "a");
  EXPECT_EQ(place.owner_address, "127.0.0.1:1111");
  EXPECT_FALSE(place.lapsed);

  // The lease lapses (as if a had been paused past its expiry); b takes it.
  Query("UPDATE leases SET expires = now() - interval '1 second'");
  ASSERT_EQ(b->cluster()->TakeOver(s.id, &taken, &place, &error), server::Cluster::Take::kTaken)
      << error;
  EXPECT_EQ(taken.actions.size(), 1u);  // Replayed from what a committed.
  EXPECT_EQ(Query("SELECT epoch FROM leases")[0], "2");

  // a wakes up: its write carries epoch 1 and is refused.
  const std::string refused = Wait([&](auto done) {
    a->AppendAction(s.id, {2, 0, "from-a", 0, "x"}, done);
  });
  EXPECT_NE(refused.find("moved to another forumd"), std::string::npos) << refused;
  EXPECT_NE(Wait([&](auto done) { a->SaveSeat(s.id, {0, "Mallory", "x", "", false}, done); }), "");
  // a's next renewal says it lost the session.
  ASSERT_TRUE(a->cluster()->Renew(&lost, &error)) << error;
  EXPECT_EQ(lost, std::vector<std::string>{s.id});
  EXPECT_NE(Wait([&](auto done) { a->FinishSession(s.id, 1, 1, done); }), "");
  EXPECT_EQ(Wait([&](auto done) { b->AppendAction(s.id, {2, 1, "from-b", 0, "y"}, done); }), "");
  // Each refused write was reported (after its completion, on a's writer thread).
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (fenced.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(fenced, std::vector<std::string>(3, s.id));
  }
  auto loaded = Load(b.get(), s.id, &error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->actions.size(), 2u);
  EXPECT_EQ(loaded->actions[1].action, "from-b");
  EXPECT_EQ(loaded->seats[0].player, "");
  EXPECT_EQ(loaded->finished_ms, 0);
}

// --- forumd nodes, routers, clients -----------------------------------------

// Network seats of one session played with the light policy through an
// Endpoint (a router), each on a thread of its own: they follow redirects,
// come back through the router when their node dies, and remember every
// action the cluster acknowledged.
class RoutedSeats {
 public:
  RoutedSeats(const std::string& address, const std::string& session,
              const std::vector<std::pair<int, std::string>>& seats)
      : endpoint_(address), session_(session) {
    for (const auto& [seat, token] : seats)
      threads_.emplace_back([this, seat = seat, token = token] { Run(seat, token); });
  }
  ~RoutedSeats() { Stop(); }
  void Stop() {
    stop_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (grpc::ClientContext* c : streams_) c->TryCancel();
    }
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::vector<Ack> acks() {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_.size();
  }
  int over() const { return over_; }
  int redirects() const { return redirects_; }
  // Waits (a bound for failures, not a timing assertion) for `n` acks in all.
  bool WaitAcks(size_t n, std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (count() < n && over_ == 0 && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return count() >= n;
  }

 private:
  void Run(int seat, const std::string& token) {
    while (!stop_) {
      grpc::ClientContext ctx;
      net::Authorize(&ctx, token);
      net::Route(&ctx, session_);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        streams_.insert(&ctx);
      }
      mf::SubscribeRequest req;
      req.set_session(session_);
      auto reader = endpoint_.Stub(session_)->Subscribe(&ctx, req);
      mf::ServerEvent ev;
      mf::View first, view;
      bool over = false;
      while (!stop_ && reader->Read(&ev)) {
        if (!ev.has_view()) continue;
        if (!ev.static_omitted()) first = ev.view();
        net::CompleteView(first, ev, &view);
        if (view.phase() == mf::GAME_OVER) {
          over = true;
          continue;
        }
        mf::Action a;
        if (!bots::LightPolicy(view, &a)) continue;
        mf::ActRequest act;
        act.set_session(session_);
        act.set_based_on_version(view.version());
        *act.mutable_action() = a;
        mf::ActResponse resp;
        const grpc::Status st =
            endpoint_.Call(session_, token, [&](mf::Forum::Stub* stub, grpc::ClientContext* c) {
              return stub->Act(c, act, &resp);
            });
        if (st.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          acks_.push_back({seat, a, resp.version()});
        } else if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
          ctx.TryCancel();  // The session moved: subscribe again.
        }
      }
      const grpc::Status st = reader->Finish();
      {
        std::lock_guard<std::mutex> lock(mu_);
        streams_.erase(&ctx);
      }
      if (over) {
        ++over_;
        return;
      }
      if (endpoint_.Learn(session_, ctx, st))
        ++redirects_;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  net::Endpoint endpoint_;
  const std::string session_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> over_{0}, redirects_{0};
  std::mutex mu_;
  std::set<grpc::ClientContext*> streams_;
  std::vector<Ack> acks_;
};

// A session created through `address` with a proposed id (as forumctl does).
mf::CreateSessionResponse CreateRouted(mf::Forum::Stub* stub, std::vector<int> bots,
                                       int bot_pace_ms = 0, uint64_t seed = 3,
                                       const std::string& proposal = net::NewSessionKey()) {
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  req.set_seed(seed);
  req.set_bot_pace_ms(bot_pace_ms);
  for (int b : bots) req.add_bots()->set_seat(b);
  grpc::ClientContext ctx;
  net::Route(&ctx, proposal);
  mf::CreateSessionResponse resp;
  const grpc::Status st = stub->CreateSession(&ctx, req, &resp);
  EXPECT_TRUE(st.ok()) << net::Describe(st);
  return resp;
}

// Joins seats 0..n-1 through an Endpoint (following a redirect).
std::vector<std::pair<int, std::string>> JoinSeats(net::Endpoint* e,
                                                   const mf::CreateSessionResponse& s, int n) {
  std::vector<std::pair<int, std::string>> out;
  for (int seat = 0; seat < n; ++seat) {
    mf::JoinSessionRequest req;
    req.set_join_code(s.join_code());
    req.set_display_name("p" + std::to_string(seat));
    req.set_seat(seat);
    mf::JoinSessionResponse resp;
    const grpc::Status st = e->Call("", "", [&](mf::Forum::Stub* stub, grpc::ClientContext* c) {
      return stub->JoinSession(c, req, &resp);
    });
    EXPECT_TRUE(st.ok()) << net::Describe(st);
    out.emplace_back(seat, resp.seat_token());
  }
  return out;
}

// A call about `session` straight to `address`, without following redirects.
grpc::Status RosterAt(const std::string& address, const std::string& session,
                      const std::string& token, std::string* owner_trailer = nullptr) {
  auto stub = mf::Forum::NewStub(net::Connect(address));
  grpc::ClientContext ctx;
  net::Authorize(&ctx, token);
  net::Route(&ctx, session);
  mf::GetRosterRequest req;
  req.set_session(session);
  mf::Roster resp;
  const grpc::Status st = stub->GetRoster(&ctx, req, &resp);
  if (owner_trailer) {
    const auto& t = ctx.GetServerTrailingMetadata();
    auto it = t.find(net::kOwnerTrailer);
    *owner_trailer = it == t.end() ? "" : std::string(it->second.data(), it->second.size());
  }
  return st;
}

class RoutedClusterTest : public ClusterTest, public ::testing::WithParamInterface<Router::Kind> {};

// Sessions created through the router live on the node the router hashes
// their id to: every later call about them reaches that node directly (no
// redirect), the same one each time, and the sessions spread over the nodes.
// A session created on one node by name is reached through the router too:
// the node the router picks answers with a redirect to its owner.
TEST_P(RoutedClusterTest, RoutingIsStickyAndAnyNodeFindsTheOwner) {
  auto n1 = Node("n1"), n2 = Node("n2");
  Router router(GetParam(), {n1->address(), n2->address()});
  ASSERT_TRUE(router.ok()) << router.Log();
  Client via(router.address());
  std::map<std::string, int> per_node;
  for (int i = 0; i < 12; ++i) {
    const std::string key = net::NewSessionKey();
    const mf::CreateSessionResponse s = CreateRouted(via.stub(), {}, 0, 1, key);
    ASSERT_EQ(s.session(), key) << "the session takes the id the router hashed on";
    const std::string owner = Owner(s.session());
    ++per_node[owner];
    for (int call = 0; call < 3; ++call) {
      std::string named;
      const grpc::Status st =
          RosterAt(router.address(), s.session(), s.facilitator_token(), &named);
      EXPECT_TRUE(st.ok()) << "call " << call << " of session " << s.session() << " (owner "
                           << owner << ") was not routed to its owner: " << net::Describe(st) << " "
                           << named;
    }
  }
  EXPECT_EQ(per_node.size(), 2u) << "12 sessions all on one node";

  // Created on n2 by address: through the router, half the ids hash to n1,
  // which names n2; an Endpoint follows.
  int redirected = 0;
  for (int i = 0; i < 16; ++i) {
    Client direct(n2->address());
    const mf::CreateSessionResponse s = CreateRouted(direct.stub(), {});
    ASSERT_EQ(Owner(s.session()), "n2");
    std::string named;
    const grpc::Status st = RosterAt(router.address(), s.session(), s.facilitator_token(), &named);
    if (!st.ok()) {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << net::Describe(st);
      EXPECT_EQ(named, n2->address());
      ++redirected;
    }
    net::Endpoint e(router.address());
    mf::GetRosterRequest req;
    req.set_session(s.session());
    mf::Roster roster;
    const grpc::Status followed = e.Call(s.session(), s.facilitator_token(),
                                         [&](mf::Forum::Stub* stub, grpc::ClientContext* c) {
                                           return stub->GetRoster(c, req, &roster);
                                         });
    EXPECT_TRUE(followed.ok()) << net::Describe(followed);
    EXPECT_EQ(roster.seats_size(), 8);
  }
  EXPECT_GT(redirected, 0) << "no id of 16 hashed to n1";
}

// The owner is SIGKILLed mid-session: its lease lapses, the router sends
// the session's calls to the other node, which takes the session over by
// replay; the players resume with their tokens; every acknowledged action
// is in the record, which replays to the server's state hash.
TEST_P(RoutedClusterTest, ASigkilledOwnersSessionsAreTakenOverWithNothingLost) {
  std::vector<std::unique_ptr<ForumdProcess>> nodes;
  nodes.push_back(Node("n1"));
  nodes.push_back(Node("n2"));
  Router router(GetParam(), {nodes[0]->address(), nodes[1]->address()});
  ASSERT_TRUE(router.ok()) << router.Log();
  Client via(router.address());
  // Seats 0-3 network players, 4-7 server bots (paced, acting when the owner dies).
  const mf::CreateSessionResponse s = CreateRouted(via.stub(), {4, 5, 6, 7}, 20, 11);
  net::Endpoint joiner(router.address());
  RoutedSeats players(router.address(), s.session(), JoinSeats(&joiner, s, 4));
  ASSERT_TRUE(players.WaitAcks(20));
  const std::string owner = Owner(s.session());
  ASSERT_TRUE(owner == "n1" || owner == "n2") << owner;
  ForumdProcess& dead = *nodes[owner == "n1" ? 0 : 1];
  const size_t before = players.count();
  EXPECT_EQ(dead.Stop(SIGKILL), -SIGKILL);
  // The players keep acting once the other node took the session over.
  EXPECT_TRUE(players.WaitAcks(before + 20)) << "no progress after the kill";
  players.Stop();
  const std::string survivor = owner == "n1" ? "n2" : "n1";
  EXPECT_EQ(Owner(s.session()), survivor);
  EXPECT_EQ(Query("SELECT epoch FROM leases WHERE session = '" + s.session() + "'"),
            std::vector<std::string>{"2"});
  net::Endpoint e(router.address());
  mf::GetRecordRequest req;
  req.set_session(s.session());
  mf::GetRecordResponse rec;
  const grpc::Status st = e.Call(
      s.session(), s.facilitator_token(),
      [&](mf::Forum::Stub* stub, grpc::ClientContext* c) { return stub->GetRecord(c, req, &rec); });
  ASSERT_TRUE(st.ok()) << net::Describe(st);
  EXPECT_TRUE(AcksInRecord(players.acks(), rec));
  EXPECT_TRUE(Replays(rec));
  int after = 0;
  for (const Ack& a : players.acks()) after += a.version > before ? 1 : 0;
  EXPECT_GT(after, 0);
}

INSTANTIATE_TEST_SUITE_P(Routers, RoutedClusterTest,
                         ::testing::Values(Router::Kind::kHaproxy, Router::Kind::kNginx),
                         [](const ::testing::TestParamInfo<Router::Kind>& p) {
                           return p.param == Router::Kind::kHaproxy ? std::string("haproxy")
                                                                    : std::string("nginx");
                         });

// A paused owner (SIGSTOP) whose lease lapsed and whose session another node
// took over cannot write when it wakes up (SIGCONT): the action it was sent
// is refused, and the record holds every acknowledged action and nothing else.
TEST_F(ClusterTest, APausedOwnerThatWakesUpCannotWrite) {
  auto n1 = Node("n1"), n2 = Node("n2");
  Client c1(n1->address()), c2(n2->address());
  // Every seat a network seat: the record holds only what this test acted.
  const mf::CreateSessionResponse s = CreateRouted(c1.stub(), {});
  ASSERT_EQ(Owner(s.session()), "n1");
  std::vector<std::string> tokens;
  for (int seat = 0; seat < 8; ++seat) tokens.push_back(c1.JoinOk(s.join_code(), seat));
  std::vector<Ack> acks;
  uint64_t version = 0;
  auto act = [&](Client& c, int seat, mf::Action a) {
    mf::ActResponse resp;
    const grpc::Status st =
        c.Act(s.session(), tokens[static_cast<size_t>(seat)], a, std::nullopt, &resp);
    if (st.ok()) {
      acks.push_back({seat, a, resp.version()});
      version = resp.version();
    }
    return st;
  };
  for (int seat = 0; seat < 3; ++seat) ASSERT_TRUE(act(c1, seat, Ready()).ok());

  ASSERT_EQ(kill(n1->pid(), SIGSTOP), 0);
  // The lease lapses (bounded wait on the database's clock)...
  for (int i = 0; i < 100 && Query("SELECT session FROM leases WHERE expires < now()").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // ...and n2, asked about the session, takes it over by replay.
  const grpc::Status taken = act(c2, 3, Ready());
  EXPECT_TRUE(taken.ok()) << net::Describe(taken);
  EXPECT_EQ(Owner(s.session()), "n2");
  EXPECT_TRUE(act(c2, 4, Ready()).ok());

  // n1 is sent an action while it sleeps, then wakes up.
  grpc::Status stale;
  std::thread late([&] { stale = act(c1, 5, Ready()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(kill(n1->pid(), SIGCONT), 0);
  late.join();
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::UNAVAILABLE) << net::Describe(stale);
  // n1 let the session go (a refused write or its next renewal told it).
  for (int i = 0; i < 100 && n1->Stderr().find("moved to another node") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NE(n1->Stderr().find("session " + s.session() + " moved to another node"),
            std::string::npos)
      << n1->Stderr();
  // Asked again, n1 names n2.
  std::string named;
  EXPECT_EQ(RosterAt(n1->address(), s.session(), s.facilitator_token(), &named).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(named, n2->address());
  EXPECT_TRUE(act(c2, 5, Ready()).ok());

  const mf::GetRecordResponse rec = c2.Record(s.session(), s.facilitator_token());
  EXPECT_TRUE(AcksInRecord(acks, rec));
  EXPECT_EQ(static_cast<size_t>(rec.entries_size()), acks.size())
      << "the record holds an action nobody acknowledged";
  EXPECT_TRUE(Replays(rec));
}

// `forumctl session list` asked of one node lists the sessions of every node
// (from PostgreSQL): each node's own sessions, and, with --all, the finished
// ones too.
TEST_F(ClusterTest, ForumctlSessionListShowsEveryNodesSessions) {
  auto n1 = Node("n1"), n2 = Node("n2");
  Client c1(n1->address()), c2(n2->address());
  const mf::CreateSessionResponse a = CreateRouted(c1.stub(), {});
  const mf::CreateSessionResponse b = CreateRouted(c2.stub(), {});
  ASSERT_EQ(Owner(a.session()), "n1");
  ASSERT_EQ(Owner(b.session()), "n2");
  // The other node's summary is the one its owner wrote at its last renewal
  // (every lease-ttl/3): wait for n2's (a bound for failures).
  for (int i = 0; i < 100 && Query("SELECT id FROM sessions WHERE summary <> '' AND "
                                   "id = '" +
                                   b.session() + "'")
                                 .empty();
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const CommandResult r = RunCommand(std::string(MF_FORUMCTL) + " session list --server " +
                                     n1->address() + " --token " + a.facilitator_token() + " 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(a.session()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(b.session()), std::string::npos) << r.out;
  // The same asked of n2 with n2's token.
  const CommandResult r2 =
      RunCommand(std::string(MF_FORUMCTL) + " session list --server " + n2->address() +
                 " --token " + b.facilitator_token() + " 2>&1");
  ASSERT_EQ(r2.code, 0) << r2.out;
  EXPECT_NE(r2.out.find(a.session()), std::string::npos) << r2.out;
  EXPECT_NE(r2.out.find(b.session()), std::string::npos) << r2.out;
}

// A stand-in for the Agones SDK sidecar's REST interface (which needs a
// Kubernetes cluster): it answers 200 to every request and records
// "METHOD PATH BODY" of each.
class SdkSidecar {
 public:
  SdkSidecar() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SdkSidecar() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // Waits (a bound for failures) until a request equal to `r` arrived.
  bool WaitFor(const std::string& r) {
    for (int i = 0; i < 200; ++i) {
      for (const std::string& x : requests())
        if (x == r) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  void Serve() {
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string in;
      char buf[1024];
      size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        const ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        const size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t length = 0;
          const size_t cl = in.find("Content-Length: ");
          if (cl != std::string::npos && cl < end) length = std::stoul(in.substr(cl + 16));
          need = end + 4 + length;
        }
      }
      const size_t sp1 = in.find(' '), sp2 = in.find(' ', sp1 + 1), end = in.find("\r\n\r\n");
      if (sp1 != std::string::npos && sp2 != std::string::npos && end != std::string::npos) {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(in.substr(0, sp2) + " " + in.substr(end + 4));
      }
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
      send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// The Agones profile, switched on by the SDK's environment
// (AGONES_SDK_HTTP_PORT): forumd marks itself Ready once listening, pings
// /health, keeps the `sessions` label at the number of sessions it holds,
// and on SIGTERM drains (its leases released) before calling Shutdown.
TEST_F(ClusterTest, TheAgonesProfileSpeaksTheSdkRestInterface) {
  SdkSidecar sidecar;
  setenv("AGONES_SDK_HTTP_PORT", std::to_string(sidecar.port()).c_str(), 1);
  auto n1 = Node("n1");
  unsetenv("AGONES_SDK_HTTP_PORT");
  EXPECT_TRUE(sidecar.WaitFor("POST /ready {}"));
  EXPECT_TRUE(sidecar.WaitFor("POST /health {}"));
  EXPECT_TRUE(sidecar.WaitFor("PUT /metadata/label {\"key\":\"sessions\",\"value\":\"0\"}"));
  Client c1(n1->address());
  const mf::CreateSessionResponse a = CreateRouted(c1.stub(), {});
  ASSERT_FALSE(a.session().empty());
  EXPECT_TRUE(sidecar.WaitFor("PUT /metadata/label {\"key\":\"sessions\",\"value\":\"1\"}"));
  const std::vector<std::string> before = sidecar.requests();
  EXPECT_EQ(before.front(), "POST /ready {}");
  EXPECT_EQ(std::count(before.begin(), before.end(), "POST /shutdown {}"), 0);
  EXPECT_EQ(n1->Stop(SIGTERM), 0) << n1->Stderr();
  const std::vector<std::string> after = sidecar.requests();
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back(), "POST /shutdown {}");
  // Drained: its lease lapsed at once, for another game server to take.
  EXPECT_EQ(Query("SELECT session FROM leases WHERE expires > now()"), std::vector<std::string>{});
}

// The Python bot and three `forumctl bot`s play a whole session through
// nginx while its owner is SIGKILLed mid-game: each comes back through the
// router, resumes with its token on the node that took the session over, and
// sees the end of the game; the record replays to the server's state hash.
TEST_F(ClusterTest, ThePythonAndForumctlBotsPlayThroughARouterAcrossAKill) {
  auto n1 = Node("n1"), n2 = Node("n2");
  Router router(Router::Kind::kNginx, {n1->address(), n2->address()});
  ASSERT_TRUE(router.ok()) << router.Log();
  Client via(router.address());
  const mf::CreateSessionResponse s = CreateRouted(via.stub(), {4, 5, 6, 7}, 20, 3);
  auto run = [](const std::string& command) {
    return std::async(std::launch::async, [command] { return RunCommand(command); });
  };
  std::vector<std::future<CommandResult>> clients;
  clients.push_back(run(std::string("/usr/bin/python3 ") + MF_SOURCE_DIR +
                        "/examples/python_bot/bot.py --server " + router.address() + " --join " +
                        s.join_code() + " --seat 0 2>" + dir_.path() + "/python.err"));
  for (int seat = 1; seat <= 3; ++seat)
    clients.push_back(run(std::string(MF_FORUMCTL) + " bot --server " + router.address() +
                          " --join " + s.join_code() + " --seat " + std::to_string(seat) +
                          " 2>&1"));
  // Every client joined and some actions in (a bound for failures), the
  // game still running: kill its owner.
  const std::string count = "SELECT count(*) FROM actions WHERE session = '" + s.session() + "'";
  const std::string joined =
      "SELECT count(*) FROM seats WHERE seat < 4 AND player <> '' AND session = '" + s.session() +
      "'";
  for (int i = 0;
       i < 600 && (std::stoi(Query(count).at(0)) < 20 || std::stoi(Query(joined).at(0)) < 4); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::string owner = Owner(s.session());
  ASSERT_TRUE(owner == "n1" || owner == "n2") << owner;
  ASSERT_EQ(Query("SELECT finished_ms FROM sessions WHERE id = '" + s.session() + "'"),
            std::vector<std::string>{"0"})
      << "the game ended before the kill";
  const int before = std::stoi(Query(count).at(0));
  EXPECT_EQ((owner == "n1" ? n1 : n2)->Stop(SIGKILL), -SIGKILL);
  for (auto& c : clients) {
    const CommandResult r = c.get();
    EXPECT_EQ(r.code, 0) << r.out << ReadFile(dir_.path() + "/python.err");
    std::string compact = r.out;  // The Python bot's JSON has spaces, forumctl's none.
    compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
    EXPECT_NE(compact.find("\"finished\":true"), std::string::npos) << r.out;
  }
  // Only the other node could have written after the kill.
  EXPECT_GT(std::stoi(Query(count).at(0)), before);
  net::Endpoint e(router.address());
  mf::GetRecordRequest req;
  req.set_session(s.session());
  mf::GetRecordResponse rec;
  const grpc::Status st = e.Call(
      s.session(), s.facilitator_token(),
      [&](mf::Forum::Stub* stub, grpc::ClientContext* c) { return stub->GetRecord(c, req, &rec); });
  ASSERT_TRUE(st.ok()) << net::Describe(st);
  EXPECT_TRUE(rec.finished());
  EXPECT_TRUE(Replays(rec));
}

}  // namespace
}  // namespace mf::testing
