// The limits of an in-process forumd (label "security"): peers as the limits
// count them, the calls without a token limited per peer and for the whole
// server, the cap on live sessions, and defaults that keep a classroom behind
// one NAT working.
#include <functional>
#include <memory>
#include <string>

#include "security_util.h"
#include "server/limits.h"

namespace mf::testing {
namespace {

// A peer, as the limits count it: an IPv4 address, or an IPv6 address by its
// /64 prefix (a host chooses its own address inside its network, so a guesser
// must not get a fresh budget per address); ports never count.
TEST(SecurityPeerTest, PeersAreAddressesOrIpv6Networks) {
  using server::PeerKey;
  EXPECT_EQ(PeerKey("ipv4:10.1.2.3:5000"), "ipv4:10.1.2.3");
  EXPECT_EQ(PeerKey("ipv4:10.1.2.3:5000"), PeerKey("ipv4:10.1.2.3:6001"));
  EXPECT_NE(PeerKey("ipv4:10.1.2.3:5000"), PeerKey("ipv4:10.1.2.4:5000"));
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2::7]:5000"), "ipv6:2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:1"),
            PeerKey("ipv6:[2001:db8:1:2::1]:2"));
  EXPECT_NE(PeerKey("ipv6:[2001:db8:1:2::1]:2"), PeerKey("ipv6:[2001:db8:1:3::1]:2"));
  EXPECT_EQ(PeerKey("ipv6:[::ffff:10.1.2.3]:5000"), "ipv4:10.1.2.3");
  EXPECT_EQ(PeerKey("ipv6:[fe80::1%25eth0]:5000"), "ipv6:fe80:0:0:0::/64");
  EXPECT_EQ(PeerKey("unix:/run/forumd.sock"), "unix:/run/forumd.sock");
}

// The calls that need no token, limited per peer and for the whole server.
// The server listens on both loopbacks: 127.0.0.1 and ::1 are two peers. The
// limits are tried through each port (GetParam(): v4_ and v6_ speak gRPC or
// gRPC-Web; the set-up and the checks of the scene use the gRPC port).
class SecurityLimitsTest : public ::testing::TestWithParam<PortKind> {
 protected:
  void Start(std::function<void(server::ServerOptions*)> edit = {}) {
    server::ServerOptions o = TestOptions(dir_.path());
    const server::ServerOptions defaults;  // forumd's own limits, unless `edit` changes them.
    o.peer_rate = defaults.peer_rate;
    o.peer_burst = defaults.peer_burst;
    o.create_rate = defaults.create_rate;
    o.create_burst = defaults.create_burst;
    o.join_failure_rate = defaults.join_failure_rate;
    o.join_failure_burst = defaults.join_failure_burst;
    o.peer_spectators = defaults.peer_spectators;
    o.max_sessions = defaults.max_sessions;
    o.max_streams = defaults.max_streams;
    o.listen = "[::]:0";
    o.web_listen = "[::]:0";
    if (edit) edit(&o);
    server_ = StartServer(o);
    ASSERT_TRUE(server_);
    const std::string port = server_->address().substr(server_->address().rfind(':') + 1);
    g4_ = std::make_unique<Client>("127.0.0.1:" + port);
    g6_ = std::make_unique<Client>("[::1]:" + port);
    v4_ = MakePort(GetParam(), *server_, "127.0.0.1");
    v6_ = MakePort(GetParam(), *server_, "[::1]");
  }
  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> g4_, g6_;  // The gRPC port, to set the scene up.
  std::unique_ptr<Port> v4_, v6_;    // The port under test.
};
INSTANTIATE_TEST_SUITE_P(Ports, SecurityLimitsTest,
                         ::testing::Values(PortKind::kGrpc, PortKind::kWeb), PortName);

// The rates are turned down to almost nothing so that only the bursts count
// (the outcome does not depend on the machine's speed).
TEST_P(SecurityLimitsTest, CallsWithoutATokenAreLimitedPerPeer) {
  Start([](server::ServerOptions* o) {
    o->peer_rate = 1e-3;
    o->peer_burst = 20;
  });
  int ok = 0, exhausted = 0;
  grpc::Status last;
  for (int i = 0; i < 30; ++i) {
    const grpc::Status st = v4_->ListScenarios();
    ok += st.ok() ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(exhausted, 10);
  EXPECT_NE(last.error_message().find("--peer-"), std::string::npos) << last.error_message();
  mf::JoinSessionResponse j;
  EXPECT_EQ(v4_->Join("ABCD-EFGH", -1, &j).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  // Calls with a token are not counted here; another peer is served.
  EXPECT_TRUE(v6_->ListScenarios().ok());
}

TEST_P(SecurityLimitsTest, CreateSessionIsLimitedPerPeer) {
  Start([](server::ServerOptions* o) { o->create_rate = 1e-3; });
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  int ok = 0, exhausted = 0;
  grpc::Status last;
  for (int i = 0; i < 150; ++i) {
    const grpc::Status st = v4_->Create(req);
    ok += st.ok() ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(ok, static_cast<int>(server::ServerOptions().create_burst));  // 100.
  EXPECT_EQ(exhausted, 150 - ok);
  EXPECT_NE(last.error_message().find("--create-"), std::string::npos) << last.error_message();
  // Another peer is served meanwhile.
  EXPECT_TRUE(v6_->Create(req).ok());
}

TEST_P(SecurityLimitsTest, FailedJoinsAreThrottledPerPeer) {
  Start([](server::ServerOptions* o) { o->join_failure_rate = 1e-3; });
  mf::CreateSessionResponse s;
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  ASSERT_TRUE(v6_->Create(req, &s).ok());
  int not_found = 0, exhausted = 0;
  grpc::Status last;
  mf::JoinSessionResponse j;
  for (int i = 0; i < 100; ++i) {
    const grpc::Status st = v4_->Join("WRONG-" + std::to_string(1000 + i), -1, &j);
    not_found += st.error_code() == StatusCode::NOT_FOUND ? 1 : 0;
    if (st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      last = st;
    }
  }
  EXPECT_EQ(not_found, static_cast<int>(server::ServerOptions().join_failure_burst));  // 60.
  EXPECT_EQ(exhausted, 100 - not_found);
  EXPECT_NE(last.error_message().find("failed joins"), std::string::npos) << last.error_message();
  // A guesser is throttled before the lookup: the right code waits too...
  EXPECT_EQ(v4_->Join(s.join_code(), -1, &j).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  // ...a spectator code counts as a guess as well...
  EXPECT_EQ(v4_->Subscribe("", "", s.join_code()).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  // ...while another peer joins.
  EXPECT_TRUE(v6_->Join(s.join_code(), -1, &j).ok());
}

TEST_P(SecurityLimitsTest, SpectatorStreamsAreLimitedPerPeerAndStreamsInAll) {
  Start([](server::ServerOptions* o) {
    o->peer_spectators = 5;
    o->max_streams = 9;
  });
  mf::CreateSessionResponse s = g4_->Create("classroom-8");
  std::vector<std::unique_ptr<HeldStream>> streams;
  for (int i = 0; i < 5; ++i) {
    streams.push_back(v4_->Hold("", "", s.join_code()));
    ASSERT_TRUE(streams.back()->status.ok()) << net::Describe(streams.back()->status);
  }
  {
    const grpc::Status st = v4_->Subscribe("", "", s.join_code());
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("spectator"), std::string::npos) << st.error_message();
  }
  // Another peer may still spectate; then the server's total is reached.
  for (int i = 0; i < 4; ++i) {
    streams.push_back(v6_->Hold("", "", s.join_code()));
    ASSERT_TRUE(streams.back()->status.ok()) << net::Describe(streams.back()->status);
  }
  const std::string t0 = g6_->JoinOk(s.join_code(), 0);
  {
    const grpc::Status st = v6_->Subscribe(s.session(), t0);
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
    EXPECT_NE(st.error_message().find("--max-streams"), std::string::npos) << st.error_message();
  }
  // A closed stream frees its place.
  streams.erase(streams.begin());
  grpc::Status st;
  for (int attempt = 0; attempt < 50 && !st.ok(); ++attempt)  // The server sees the close first.
    st = v6_->Subscribe(s.session(), t0);
  EXPECT_TRUE(st.ok()) << net::Describe(st);
}

TEST_P(SecurityLimitsTest, LiveSessionsHaveACap) {
  Start([](server::ServerOptions* o) { o->max_sessions = 3; });
  for (int i = 0; i < 3; ++i) g4_->Create("classroom-8");
  mf::CreateSessionRequest req;
  req.set_scenario("classroom-8");
  const grpc::Status st = v6_->Create(req);
  EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED) << net::Describe(st);
  EXPECT_NE(st.error_message().find("--max-sessions"), std::string::npos) << st.error_message();
}

// The defaults keep a classroom behind one school NAT working: the teacher
// creates four sessions, 30 students (one address) each mistype the code
// once, then join, subscribe and act; four projectors spectate.
TEST_P(SecurityLimitsTest, DefaultsKeepAClassroomBehindOneNatWorking) {
  Start([](server::ServerOptions* o) {
    const server::ServerOptions defaults;
    o->rate_per_second = defaults.rate_per_second;
    o->rate_burst = defaults.rate_burst;
  });
  std::vector<mf::CreateSessionResponse> sessions;
  for (int i = 0; i < 4; ++i) sessions.push_back(g4_->Create("classroom-8"));
  std::vector<std::string> tokens;
  std::vector<std::string> session_of;
  mf::JoinSessionResponse j;
  for (int student = 0; student < 30; ++student) {
    const mf::CreateSessionResponse& s = sessions[static_cast<size_t>(student % 4)];
    std::string typo = s.join_code();
    typo[0] = typo[0] == 'A' ? 'B' : 'A';
    EXPECT_EQ(v4_->Join(typo, -1, &j).error_code(), StatusCode::NOT_FOUND);
    const grpc::Status st = v4_->Join(s.join_code(), -1, &j, "student " + std::to_string(student));
    ASSERT_TRUE(st.ok()) << student << ": " << net::Describe(st);
    tokens.push_back(j.seat_token());
    session_of.push_back(s.session());
  }
  std::vector<std::unique_ptr<HeldStream>> streams;
  for (size_t k = 0; k < tokens.size(); ++k) streams.push_back(v4_->Hold(session_of[k], tokens[k]));
  for (const mf::CreateSessionResponse& s : sessions)
    streams.push_back(v4_->Hold("", "", s.join_code()));
  for (auto& w : streams) EXPECT_TRUE(w->status.ok()) << net::Describe(w->status);
  for (size_t k = 0; k < tokens.size(); ++k)
    EXPECT_TRUE(v4_->Act(session_of[k], tokens[k], Ready()).ok()) << k;
}

}  // namespace
}  // namespace mf::testing
