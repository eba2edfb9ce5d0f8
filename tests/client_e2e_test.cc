// forum-client end to end: a real forumd process, bots in seven seats, and
// the client (its App, gRPC connection and scenes, drawn off-screen) driven
// as a player through a whole forum cycle by synthetic mouse and keyboard
// input: a statement, an amendment (or, as co-chair, a tabled draft), a
// side deal and a vote on every item. At the next cycle the outcome scene
// must show exactly the texts the server adopted (its record, replayed here;
// at least one). Needs an X display and
// the forumd binary: ctest runs it under xvfb-run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/RenderTexture.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/app.h"
#include "client/cli.h"
#include "client/net.h"
#include "client/replay.h"
#include "client/view_util.h"
#include "client_assets.h"
#include "forum.grpc.pb.h"
#include "net/client.h"
#include "rules/playout.h"
#include "rules/scenario.h"
#include "run_command.h"

namespace mf::client {
namespace {

// A forumd child process on a free port; the address is its first line.
class Forumd {
 public:
  // `extra`: more flags; with --web-listen the web port's URL is the second line.
  explicit Forumd(const std::string& dir, const std::string& listen = "127.0.0.1:0",
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {MF_FORUMD, "--listen", listen,    "--data", dir,
                                     "--rate",  "1000",     "--burst", "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execv(MF_FORUMD, argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = fdopen(out[0], "r");
    char line[256];
    const std::string prefix = "forumd listening on ";
    if (out_ && fgets(line, sizeof line, out_)) {
      const std::string s = line;
      if (s.rfind(prefix, 0) == 0) address_ = s.substr(prefix.size(), s.find('\n') - prefix.size());
    }
    const std::string web = "forumd gRPC-Web on ";
    for (const std::string& a : extra)
      if (a == "--web-listen" && out_ && fgets(line, sizeof line, out_)) {
        const std::string s = line;
        if (s.rfind(web, 0) == 0) web_url_ = s.substr(web.size(), s.find('\n') - web.size());
      }
  }
  ~Forumd() { Stop(); }
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  // SIGTERM, and SIGKILL if it has not stopped within 10 seconds.
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 1000 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(10000);
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        ADD_FAILURE() << "forumd did not stop within 10 s of SIGTERM";
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      pid_ = -1;
    }
    if (out_) fclose(out_);
    out_ = nullptr;
  }
  const std::string& address() const { return address_; }
  // "http://127.0.0.1:PORT/" with --web-listen.
  const std::string& web_url() const { return web_url_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string address_, web_url_;
};

// Drives an App like a person: frames, keys, clicks and typing.
class Player {
 public:
  explicit Player(std::unique_ptr<Connection> c) : app_(TestAssets(), Options()) {
    app_.SetConnection(std::move(c));
    EXPECT_TRUE(rt_.create(1280, 720));
  }
  static AppOptions Options() {
    AppOptions o;
    o.animate = false;
    return o;
  }
  App& app() { return app_; }
  const mf::View* view() const { return app_.snapshot().view.get(); }

  void Frame() {
    const double now = MonotonicSeconds();
    app_.Tick(now);
    app_.Draw(rt_, now);
  }
  bool WaitFor(const std::function<bool(const mf::View&)>& pred, double seconds = 20) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      Frame();
      if (view() && pred(*view())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
    return false;
  }
  void Key(sf::Keyboard::Key k) {
    sf::Event e;
    e.type = sf::Event::KeyPressed;
    e.key = {k, false, false, false, false};
    app_.HandleEvent(e);
    Frame();
  }
  // Clicks at a fraction of a named region (centre by default).
  bool Click(const std::string& region, float fx = 0.5f, float fy = 0.5f) {
    Frame();
    auto it = app_.regions().find(region);
    if (it == app_.regions().end()) return false;
    const Rect r = it->second;
    sf::Event e;
    e.type = sf::Event::MouseMoved;
    e.mouseMove = {static_cast<int>(r.x + r.w * fx), static_cast<int>(r.y + r.h * fy)};
    app_.HandleEvent(e);
    e.type = sf::Event::MouseButtonPressed;
    e.mouseButton = {sf::Mouse::Left, static_cast<int>(r.x + r.w * fx),
                     static_cast<int>(r.y + r.h * fy)};
    app_.HandleEvent(e);
    Frame();
    e.type = sf::Event::MouseButtonReleased;
    app_.HandleEvent(e);
    Frame();
    return true;
  }
  sf::Image Picture() {
    Frame();
    return rt_.getTexture().copyToImage();
  }
  void Type(const std::string& utf8) {
    for (sf::Uint32 c : FromUtf8(utf8)) {
      sf::Event e;
      e.type = sf::Event::TextEntered;
      e.text.unicode = c;
      app_.HandleEvent(e);
    }
    Frame();
  }

 private:
  App app_;
  sf::RenderTexture rt_;
};

TEST(ClientEndToEnd, APlayerPlaysAWholeCycleAgainstForumdAndSeesTheOutcome) {
  const std::string dir = std::string(MF_TEST_TMP_DIR) + "/e2e_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Forumd forumd(dir);
  ASSERT_FALSE(forumd.address().empty()) << "forumd did not start";

  // A classroom session: bots (cooperators) in every seat but seat 2, no clocks.
  auto stub = mf::Forum::NewStub(net::Connect(forumd.address()));
  mf::CreateSessionRequest create;
  create.set_scenario("classroom-8");
  create.set_seed(3);
  create.set_timer_preset("none");
  create.set_bot_pace_ms(20);
  for (int s = 0; s < 8; ++s)
    if (s != 2) {
      auto* b = create.add_bots();
      b->set_seat(s);
      b->set_strategy("easy");
    }
  mf::CreateSessionResponse session;
  {
    grpc::ClientContext ctx;
    const grpc::Status st = stub->CreateSession(&ctx, create, &session);
    ASSERT_TRUE(st.ok()) << net::Describe(st);
  }

  // The client joins seat 2, as the command line would.
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  ConnectRequest req;
  req.server = forumd.address();
  req.code = session.join_code();
  req.name = "Zoë";
  req.seat = 2;
  std::string error;
  std::unique_ptr<Connection> conn = MakeNetworkConnection(req, &error);
  ASSERT_TRUE(conn) << error;
  Player p(std::move(conn));
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return v.viewer() == 2; }))
      << p.app().snapshot().link_text;
  EXPECT_EQ(p.app().snapshot().link, Link::kLive);

  bool stated = false, amended = false, tabled = false, dealt = false, voted = false;
  std::map<int, mf::Text> voted_on;  // Text id -> the draft as it was when we voted.
  int serial = -1;
  bool acted = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    p.Frame();
    // Keep this view alive: the App replaces its own as new ones arrive.
    const std::shared_ptr<const mf::View> hold = p.app().snapshot().view;
    const mf::View& v = *hold;
    if (v.cycle() >= 2 || v.phase() == mf::GAME_OVER) break;
    if (v.phase_serial() != serial) {
      serial = v.phase_serial(), acted = false;
      std::printf("  cycle %d, %s%s\n", v.cycle(), PhaseWord(v.phase()).c_str(),
                  v.seats(2).co_chair() ? " (we co-chair)" : "");
    }
    const mf::SeatPublic& me = v.seats(2);
    if (me.ready() || acted) {
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
      continue;
    }
    switch (v.phase()) {
      case mf::STATEMENTS: {
        p.Key(sf::Keyboard::T);
        ASSERT_TRUE(p.Click("field.statement_text"));
        p.Type("Open, portable labour channels: ça marche pour tous.");
        p.Type("\r");  // Enter sends the statement.
        ASSERT_TRUE(
            p.WaitFor([](const mf::View& x) { return x.seats(2).statement_position() >= 0; }));
        EXPECT_EQ(p.view()->seats(2).statement_text(),
                  "Open, portable labour channels: ça marche pour tous.");
        stated = true;
        ASSERT_TRUE(p.Click("table", 0.02f, 0.02f));  // Leave the field...
        p.Key(sf::Keyboard::R);                       // ...and say we are done.
        break;
      }
      case mf::DRAFTING: {
        p.Key(sf::Keyboard::T);
        if (me.co_chair() && !DraftTabled(v)) {
          // The other co-chair (a bot) may table first: then the panel
          // changes under us and we look again.
          if (!p.Click("button.form.1") ||           // Chair's summary...
              !p.Click("slider.draft_pos", 0.5f) ||  // ...at the middle of the axis.
              !p.Click("button.table_draft"))
            continue;
          tabled |= p.WaitFor([](const mf::View& x) { return DraftTabled(x); }, 10);
        } else if (!me.co_chair()) {
          // Wait for the co-chairs' draft, then amend it towards the middle.
          if (!p.WaitFor(
                  [](const mf::View& x) { return DraftTabled(x) || x.phase() != mf::DRAFTING; },
                  10))
            break;
          if (p.view()->phase() != mf::DRAFTING) continue;
          if (!p.Click("slider.amend_pos", 0.45f) || !p.Click("button.amend")) continue;
          amended |= p.WaitFor(
              [](const mf::View& x) {
                for (const auto& a : x.amendments())
                  if (a.proposer() == 2) return true;
                return false;
              },
              10);
        }
        if (!dealt) {
          // A side deal: one political capital to the next state, nothing asked.
          p.Key(sf::Keyboard::N);
          ASSERT_TRUE(p.Click("deal.give.political.plus"));
          ASSERT_TRUE(p.Click("deal.propose"));
          dealt = p.WaitFor(
              [](const mf::View& x) {
                for (const auto& d : x.deals())
                  if (d.from() == 2) return true;
                return false;
              },
              10);
          EXPECT_TRUE(dealt);
          p.Key(sf::Keyboard::T);
        }
        p.Key(sf::Keyboard::R);
        break;
      }
      case mf::DECISION: {
        voted_on[v.draft().id()] = v.draft();
        p.Key(sf::Keyboard::Num1);  // Support.
        voted |= p.WaitFor(
            [](const mf::View& x) {
              return x.seats(2).vote() == mf::SUPPORT || x.phase() != mf::DECISION;
            },
            10);
        break;
      }
      case mf::RATIFICATION:
      case mf::IMPLEMENTATION:
      case mf::CIVIL_SOCIETY:
      default:
        p.Key(sf::Keyboard::R);
        break;
    }
    acted = true;
  }
  EXPECT_TRUE(stated);
  EXPECT_TRUE(amended || tabled);
  EXPECT_TRUE(dealt);
  EXPECT_TRUE(voted);
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return v.cycle() >= 2; }, 10))
      << "the cycle did not end";

  // The outcome of cycle 1 is on screen, with exactly the texts the server
  // adopted: its record, replayed by the engine here, says which.
  p.Frame();
  EXPECT_EQ(p.app().scene(), Scene::kOutcome);
  mf::GetRecordResponse record;
  {
    mf::GetRecordRequest rr;
    rr.set_session(session.session());
    grpc::ClientContext ctx;
    net::Authorize(&ctx, session.facilitator_token());
    const grpc::Status st = stub->GetRecord(&ctx, rr, &record);
    ASSERT_TRUE(st.ok()) << net::Describe(st);
  }
  rules::LoadResult sc = rules::LoadScenario(record.log().scenario_text(), "record");
  ASSERT_TRUE(sc.ok());
  std::vector<rules::LoggedAction> log;
  ASSERT_TRUE(rules::FromGameLog(record.log(), *sc.scenario, &log, &error)) << error;
  rules::State replayed(sc.scenario, record.log().seed());
  ASSERT_TRUE(rules::Replay(&replayed, log, &error)) << error;
  ASSERT_EQ(replayed.Hash(), record.state_hash());
  std::set<int> adopted;
  for (const rules::Text& t : replayed.texts())
    if (t.cycle == 1 && t.decided && t.adopted) adopted.insert(t.id);
  ASSERT_FALSE(adopted.empty()) << "nothing was adopted in cycle 1: the comparison would be empty";
  std::set<int> shown;
  for (const auto& [name, rect] : p.app().regions())
    if (name.rfind("outcome.text.", 0) == 0) shown.insert(std::stoi(name.substr(13)));
  EXPECT_EQ(shown, adopted);
  EXPECT_TRUE(p.app().regions().count("outcome.texts"));
  // Each adopted text is the draft we voted on.
  for (const rules::Text& t : replayed.texts()) {
    if (!adopted.count(t.id)) continue;
    ASSERT_TRUE(voted_on.count(t.id)) << "text " << t.id;
    EXPECT_EQ(t.position, voted_on[t.id].position()) << "text " << t.id;
    EXPECT_EQ(t.form, voted_on[t.id].form()) << "text " << t.id;
  }
  std::printf("  cycle 1 adopted %zu text(s) by the server's record; the outcome scene shows %zu\n",
              adopted.size(), shown.size());
  std::filesystem::remove_all(dir);
}

// The connection drops (forumd killed) and comes back (restarted on the same
// port with the same data): the client shows "reconnecting", then resumes
// the same seat with its token, with no new join.
TEST(ClientEndToEnd, ReconnectsAndResumesTheSeatAfterAServerRestart) {
  const std::string dir = std::string(MF_TEST_TMP_DIR) + "/e2e_restart_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto forumd = std::make_unique<Forumd>(dir);
  ASSERT_FALSE(forumd->address().empty());
  const std::string address = forumd->address();
  auto stub = mf::Forum::NewStub(net::Connect(address));
  mf::CreateSessionRequest create;
  create.set_scenario("classroom-8");
  create.set_timer_preset("none");
  for (int s = 1; s < 8; ++s) create.add_bots()->set_seat(s);
  mf::CreateSessionResponse session;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->CreateSession(&ctx, create, &session).ok());
  }
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  ConnectRequest req;
  req.server = address;
  req.code = session.join_code();
  req.name = "Ana";
  req.seat = 0;
  std::string error;
  Player p(MakeNetworkConnection(req, &error));
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return v.viewer() == 0; }));
  p.Key(sf::Keyboard::R);  // Ready in the civil society phase: the game moves on.
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return v.phase() == mf::STATEMENTS; }));
  const uint64_t version = p.view()->version();

  forumd->Kill();
  ASSERT_TRUE(p.WaitFor(
      [&p](const mf::View&) { return p.app().snapshot().link == Link::kReconnecting; }, 10));
  p.Frame();
  EXPECT_TRUE(p.app().regions().count("banner"));  // "Connection lost - reconnecting..."

  forumd = std::make_unique<Forumd>(dir, address);
  ASSERT_EQ(forumd->address(), address);
  ASSERT_TRUE(
      p.WaitFor([&p](const mf::View&) { return p.app().snapshot().link == Link::kLive; }, 20))
      << p.app().snapshot().link_text;
  EXPECT_EQ(p.view()->viewer(), 0);
  EXPECT_GE(p.view()->version(), version);
  p.Frame();
  EXPECT_FALSE(p.app().regions().count("banner"));
  // And the seat still acts.
  p.Key(sf::Keyboard::T);
  ASSERT_TRUE(p.Click("button.statement"));
  EXPECT_TRUE(
      p.WaitFor([](const mf::View& v) { return v.seats(0).statement_position() >= 0; }, 10));
  std::filesystem::remove_all(dir);
}

// A press desk: `forum-client --press CODE` joins forumd as the first free
// desk (desk 0), publishes a report through its panel by clicks and typing,
// and reads the change forumd sends next: its report, its desk's index and
// no report left in this phase, the Publish button grey with the engine's
// reason.
TEST(ClientEndToEnd, APressDeskJoinsAndPublishesThroughItsPanel) {
  const std::string dir = std::string(MF_TEST_TMP_DIR) + "/e2e_press_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Forumd forumd(dir);
  ASSERT_FALSE(forumd.address().empty());
  auto stub = mf::Forum::NewStub(net::Connect(forumd.address()));
  mf::CreateSessionRequest create;
  create.set_scenario("classroom-8");
  create.set_timer_preset("none");
  create.set_press_desks(2);
  mf::CreateSessionResponse session;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->CreateSession(&ctx, create, &session).ok());
  }
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  CliOptions cli;
  std::string error;
  ASSERT_TRUE(
      ParseCli({"--server", forumd.address(), "--press", session.join_code()}, &cli, &error))
      << error;
  Player p(MakeNetworkConnection(cli.connect, &error));
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return IsPress(v); }))
      << p.app().snapshot().link_text;
  EXPECT_EQ(p.view()->press_desk(), 0);
  EXPECT_EQ(p.view()->press_desks(), 2);
  EXPECT_EQ(p.view()->press_reports_left(), 1);
  p.Key(sf::Keyboard::T);
  ASSERT_TRUE(p.Click("press.state.4"));
  ASSERT_TRUE(p.Click("press.praise"));
  ASSERT_TRUE(p.Click("press.text"));
  p.Type("Verdania kept every word it gave.");
  ASSERT_TRUE(p.Click("button.publish"));
  ASSERT_TRUE(p.WaitFor([](const mf::View& v) { return v.press_reports_size() == 1; }, 10))
      << p.app().snapshot().error;
  const mf::View v = *p.view();
  EXPECT_EQ(v.press_reports(0).desk(), 0);
  EXPECT_EQ(v.press_reports(0).about(), 4);
  EXPECT_TRUE(v.press_reports(0).praise());
  EXPECT_EQ(v.press_reports(0).text(), "Verdania kept every word it gave.");
  // A change, not a first view: still desk 0, and its report is spent.
  EXPECT_EQ(v.press_desk(), 0);
  EXPECT_EQ(v.press_reports_left(), 0);
  mf::Action again;
  again.mutable_publish_report()->set_about(3);
  again.mutable_publish_report()->set_text("Again.");
  EXPECT_NE(WhyNot(v, again).find("published its 1 report"), std::string::npos);
  p.Frame();
  EXPECT_TRUE(p.app().regions().count("press.reports") == 0);  // The table scene.
  p.Key(sf::Keyboard::N);
  EXPECT_TRUE(p.app().regions().count("press.report.0"));
  std::filesystem::remove_all(dir);
}

// The projector (a spectator) and the facilitator learn the browser link
// from forumd (ListScenarios: its web port, or --web-public-url) and show it
// in the lobby with a QR code that zbarimg reads back as that link.
TEST(ClientEndToEnd, TheLobbyShowsTheBrowserLinkForumdGivesAsAQrCode) {
  const std::string dir = std::string(MF_TEST_TMP_DIR) + "/e2e_link_" + std::to_string(getpid());
  for (const bool public_url : {false, true}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::vector<std::string> extra = {"--web-listen", "127.0.0.1:0"};
    if (public_url)
      extra.insert(extra.end(), {"--web-public-url", "https://forum.school.example/"});
    Forumd forumd(dir, "127.0.0.1:0", extra);
    ASSERT_FALSE(forumd.address().empty());
    ASSERT_EQ(forumd.web_url().rfind("http://127.0.0.1:", 0), 0u) << forumd.web_url();
    auto stub = mf::Forum::NewStub(net::Connect(forumd.address()));
    mf::CreateSessionRequest create;
    create.set_scenario("classroom-8");
    create.set_timer_preset("none");
    create.set_start_paused(true);
    mf::CreateSessionResponse session;
    {
      grpc::ClientContext ctx;
      ASSERT_TRUE(stub->CreateSession(&ctx, create, &session).ok());
    }
    // "http://127.0.0.1:PORT/" + "#join=CODE", as forumd printed its web port.
    const std::string want = public_url
                                 ? "https://forum.school.example/#join=" + session.join_code()
                                 : forumd.web_url() + "#join=" + session.join_code();
    ConnectRequest spectator;
    spectator.server = forumd.address();
    spectator.code = session.join_code();
    spectator.spectate = true;
    ConnectRequest facilitator;
    facilitator.server = forumd.address();
    facilitator.facilitator_token = session.facilitator_token();
    facilitator.session = session.session();
    int k = 0;
    for (const ConnectRequest& req : {spectator, facilitator}) {
      std::string error;
      Player p(MakeNetworkConnection(req, &error));
      ASSERT_TRUE(p.WaitFor([&p](const mf::View&) { return !p.app().snapshot().web_link.empty(); }))
          << error;
      EXPECT_EQ(p.app().snapshot().web_link, want);
      EXPECT_EQ(p.app().snapshot().join_code, session.join_code());
      p.app().SetScene(Scene::kLobby);
      const sf::Image img = p.Picture();
      ASSERT_TRUE(p.app().regions().count("lobby.qr"));
      ASSERT_TRUE(p.app().regions().count("lobby.link"));
      const std::string png = dir + "/lobby" + std::to_string(++k) + ".png";
      ASSERT_TRUE(img.saveToFile(png));
      const mf::testing::CommandResult r = mf::testing::RunCommand("zbarimg --raw -q " + png);
      EXPECT_EQ(r.code, 0);
      EXPECT_EQ(r.out, want + "\n");
    }
  }
  std::filesystem::remove_all(dir);
}

// A finished session replayed from the server: its record fetched with
// GetRecord (the facilitator's token), rebuilt to the server's own state
// hash, and `forum-client --replay --server ...` drawing it with its timeline.
TEST(ClientEndToEnd, ReplaysAFinishedSessionFetchedFromForumd) {
  const std::string dir = std::string(MF_TEST_TMP_DIR) + "/e2e_replay_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Forumd forumd(dir);
  ASSERT_FALSE(forumd.address().empty()) << "forumd did not start";
  auto stub = mf::Forum::NewStub(net::Connect(forumd.address()));
  mf::CreateSessionRequest create;
  create.set_scenario("classroom-8");
  create.set_seed(4);
  create.set_timer_preset("none");
  create.set_bot_pace_ms(0);
  for (int s = 0; s < 8; ++s) {
    auto* b = create.add_bots();
    b->set_seat(s);
    b->set_strategy("easy");
  }
  mf::CreateSessionResponse session;
  {
    grpc::ClientContext ctx;
    const grpc::Status st = stub->CreateSession(&ctx, create, &session);
    ASSERT_TRUE(st.ok()) << net::Describe(st);
  }
  // Bots in every seat: the game runs to its end on its own.
  mf::GetRecordResponse record;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext ctx;
    net::Authorize(&ctx, session.facilitator_token());
    mf::GetRecordRequest req;
    req.set_session(session.session());
    const grpc::Status st = stub->GetRecord(&ctx, req, &record);
    ASSERT_TRUE(st.ok()) << net::Describe(st);
    if (record.finished()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(record.finished()) << "the bots did not finish the game";
  const int actions = record.log().entries_size();
  ASSERT_GT(actions, 100);

  // In this process: the record fetched and replayed to the server's hash.
  ReplayRecord fetched;
  std::string error;
  ASSERT_TRUE(FetchRecord(forumd.address(), session.session(), session.facilitator_token(), false,
                          &fetched, &error))
      << error;
  EXPECT_TRUE(fetched.finished);
  EXPECT_EQ(fetched.log.entries_size(), actions);
  EXPECT_EQ(fetched.action_ms.size(), static_cast<size_t>(actions));
  EXPECT_EQ(fetched.expected_hash, record.state_hash());
  std::unique_ptr<ReplayConnection> replay =
      ReplayConnection::Open(fetched, rules::kFacilitatorView, &error);
  ASSERT_TRUE(replay) << error;
  replay->Seek(replay->size());
  EXPECT_EQ(replay->state().Hash(), record.state_hash());
  EXPECT_TRUE(replay->state().IsTerminal());
  EXPECT_EQ(replay->CurrentView().phase(), mf::GAME_OVER);

  // The binary, as the projector would run it.
  const std::string png = dir + "/replay.png";
  auto run = [](const std::string& args, std::string* out) {
    const auto r = mf::testing::RunCommand(std::string(MF_FORUM_CLIENT) + " " + args + " 2>&1");
    *out += r.out;
    return r.code;
  };
  std::string out;
  const std::string server = "--replay --server " + forumd.address() + " --session " +
                             session.session() + " --token " + session.facilitator_token();
  ASSERT_EQ(run(server + " --replay-at end --screenshot " + png + " --after-ms 300", &out), 0)
      << out;
  EXPECT_NE(out.find(std::to_string(actions) + " actions"), std::string::npos) << out;
  EXPECT_NE(out.find("game over · action " + std::to_string(actions) + "/"), std::string::npos)
      << out;
  sf::Image img;
  ASSERT_TRUE(img.loadFromFile(png));
  ASSERT_EQ(img.getSize(), sf::Vector2u(1280, 720));
  // The timeline's dark bar across the bottom, its thumb at the right end.
  int bar = 0;
  for (unsigned y = 720 - 50; y < 720 - 6; ++y)
    for (unsigned x = 0; x < 1280; ++x) {
      const sf::Color c = img.getPixel(x, y);
      bar += std::abs(c.r - 28) <= 3 && std::abs(c.g - 40) <= 3 && std::abs(c.b - 54) <= 3;
    }
  EXPECT_GT(bar, 1280 * 44 * 4 / 10);
  // A wrong token is refused with the server's reason.
  out.clear();
  EXPECT_EQ(run("--replay --server " + forumd.address() + " --session " + session.session() +
                    " --token not-the-token",
                &out),
            1);
  EXPECT_NE(out.find("reading the record of session"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mf::client
