// forum-client without a display: the latest-view slot, the command line,
// the view-based legality checks (against the engine's) and the offline
// engine with its bots and clock.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/assets.h"
#include "client/cli.h"
#include "client/connection.h"
#include "client/demo.h"
#include "client/offline.h"
#include "client/view_util.h"
#include "rules/view.h"

namespace mf::client {
namespace {

// --- The slot between the network thread and the render loop ---------------

TEST(ClientInbox, TakeCopiesOnlyWhenSomethingChanged) {
  Inbox inbox;
  uint64_t seen = 0;
  Snapshot s;
  EXPECT_FALSE(inbox.Take(&seen, &s));
  auto v = std::make_shared<mf::View>();
  v->set_version(7);
  inbox.SetView(v, 42);
  ASSERT_TRUE(inbox.Take(&seen, &s));
  EXPECT_EQ(s.view->version(), 7u);
  EXPECT_EQ(s.phase_seconds_left, 42);
  EXPECT_FALSE(inbox.Take(&seen, &s));
  inbox.SetLink(Link::kReconnecting, "attempt 2");
  ASSERT_TRUE(inbox.Take(&seen, &s));
  EXPECT_EQ(s.link, Link::kReconnecting);
  // The same link state again is no change.
  inbox.SetLink(Link::kReconnecting, "attempt 2");
  EXPECT_FALSE(inbox.Take(&seen, &s));
}

TEST(ClientInbox, ChatIsDeduplicatedAndBounded) {
  Inbox inbox;
  for (uint64_t i = 1; i <= Inbox::kMaxChat + 20; ++i) {
    ChatLine l;
    l.serial = i;
    l.text = "m" + std::to_string(i);
    inbox.AddChat(l);
  }
  // A replayed backlog after a reconnection repeats recent messages.
  ChatLine again;
  again.serial = Inbox::kMaxChat + 20;
  inbox.AddChat(again);
  uint64_t seen = 0;
  Snapshot s;
  ASSERT_TRUE(inbox.Take(&seen, &s));
  ASSERT_EQ(s.chat.size(), Inbox::kMaxChat);
  EXPECT_EQ(s.chat.back().serial, Inbox::kMaxChat + 20);
  EXPECT_EQ(s.chat.front().serial, 21u);
}

TEST(ClientInbox, ManyWritersOneReader) {
  Inbox inbox;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) {
      auto v = std::make_shared<mf::View>();
      v->set_version(static_cast<uint64_t>(i));
      inbox.SetView(v, 0);
    }
    stop = true;
  });
  uint64_t seen = 0, last = 0;
  Snapshot s;
  while (!stop || inbox.generation() != seen) {
    if (inbox.Take(&seen, &s)) {
      ASSERT_GE(s.view->version(), last);  // Views never go back in time.
      last = s.view->version();
    }
  }
  writer.join();
  EXPECT_EQ(last, 19999u);
}

// --- The command line ---------------------------------------------------------

TEST(ClientCli, PlayerSpectatorFacilitatorOffline) {
  CliOptions o;
  std::string error;
  ASSERT_TRUE(
      ParseCli({"--server", "10.0.0.2:7000", "--join", "KQ7-M3P", "--name", "Zoë", "--seat", "3"},
               &o, &error))
      << error;
  EXPECT_TRUE(o.network);
  EXPECT_EQ(o.connect.server, "10.0.0.2:7000");
  EXPECT_EQ(o.connect.code, "KQ7-M3P");
  EXPECT_EQ(o.connect.name, "Zoë");
  EXPECT_EQ(o.connect.seat, 3);

  o = CliOptions();
  ASSERT_TRUE(ParseCli({"--server", "h:1", "--spectate", "ABC", "--tls"}, &o, &error)) << error;
  EXPECT_TRUE(o.connect.spectate);
  EXPECT_TRUE(o.connect.tls);

  // A press desk: the join code, a name (by default "Press").
  o = CliOptions();
  ASSERT_TRUE(ParseCli({"--server", "h:1", "--press", "ABC"}, &o, &error)) << error;
  EXPECT_TRUE(o.connect.press);
  EXPECT_FALSE(o.connect.spectate);
  EXPECT_EQ(o.connect.code, "ABC");
  EXPECT_EQ(o.connect.name, "Press");
  o = CliOptions();
  ASSERT_TRUE(ParseCli({"--server", "h:1", "--press", "ABC", "--name", "El Diario"}, &o, &error))
      << error;
  EXPECT_EQ(o.connect.name, "El Diario");

  o = CliOptions();
  ASSERT_TRUE(ParseCli({"--server", "h:1", "--facilitate", "tok", "--session", "s1"}, &o, &error))
      << error;
  EXPECT_EQ(o.connect.facilitator_token, "tok");

  o = CliOptions();
  ASSERT_TRUE(
      ParseCli({"--offline", "--scenario", "workshop-30", "--seat", "-1", "--until", "decision",
                "--screenshot", "x.png", "--after-ms", "250", "--size", "1920x1080"},
               &o, &error))
      << error;
  EXPECT_TRUE(o.offline);
  EXPECT_EQ(o.offline_opts.viewer, -1);
  EXPECT_EQ(o.offline_opts.until, mf::DECISION);
  EXPECT_EQ(o.width, 1920);
  EXPECT_EQ(o.after_ms, 250);
}

TEST(ClientCli, RefusesWhatCannotWork) {
  auto refused = [](const std::vector<std::string>& args) {
    CliOptions o;
    std::string error;
    return !ParseCli(args, &o, &error) && !error.empty();
  };
  EXPECT_TRUE(refused({"--server", "h:1"}));
  EXPECT_TRUE(refused({"--server", "h:1", "--join", "X"}));        // No name.
  EXPECT_TRUE(refused({"--join", "X", "--name", "a"}));            // No server.
  EXPECT_TRUE(refused({"--facilitate", "t", "--server", "h:1"}));  // No session.
  EXPECT_TRUE(refused({"--press", "X"}));                          // No server.
  EXPECT_TRUE(refused({"--server", "h:1", "--press", "X", "--spectate", "X"}));
  EXPECT_TRUE(refused({"--replay", "f.export", "--press", "X"}));
  EXPECT_TRUE(refused({"--offline", "--server", "h:1", "--join", "X", "--name", "a"}));
  EXPECT_TRUE(refused({"--size", "big"}));
  EXPECT_TRUE(refused({"--scene", "nowhere"}));
  EXPECT_TRUE(refused({"--until", "lunch"}));
  CliOptions o;
  std::string error;
  EXPECT_FALSE(ParseCli({"--bogus"}, &o, &error));
  EXPECT_NE(error.find("--bogus"), std::string::npos);
}

TEST(ClientAssets, FoundNextToTheBinaryAndUnderTheInstallPrefix) {
  const std::vector<std::string> path = AssetSearchPath();
  ASSERT_GE(path.size(), 2u);
  bool beside = false, prefix = false;
  for (const std::string& p : path) {
    beside |= p.size() > 7 && p.compare(p.size() - 7, 7, "/assets") == 0;
    prefix |= p.find("/../share/migration-forum/assets") != std::string::npos;
  }
  EXPECT_TRUE(beside);
  EXPECT_TRUE(prefix);
}

// --- Plain-language helpers ----------------------------------------------------

TEST(ClientWords, NamesAndVotes) {
  EXPECT_EQ(ShortName("Island Republic of Kalmara"), "Kalmara");
  EXPECT_EQ(ShortName("United States"), "United States");
  EXPECT_EQ(VoteWord(mf::CONSENSUS, mf::OBJECT), "Object");
  EXPECT_EQ(VoteWord(mf::MAJORITY, mf::OBJECT), "No");
  EXPECT_EQ(VoteWord(mf::WEIGHTED_MAJORITY, mf::STAND_ASIDE), "Abstain");
  EXPECT_EQ(Clock(125), "2:05");
}

// A state of mixed roles shows the engine's weights from its view; a single
// role shows the role alone.
TEST(ClientWords, RoleMixFromTheView) {
  rules::LoadResult r = rules::LoadEmbeddedScenario("puebla-process");
  ASSERT_TRUE(r.ok());
  rules::State st(r.scenario, 1);
  mf::View v;
  rules::MakeView(rules::SeatView(st, 0), &v);
  int mixed = 0;
  for (const mf::SeatPublic& s : v.seats()) {
    if (s.id() == "mx") {
      EXPECT_EQ(RoleMixWord(s), "Transit 50% \u00b7 source 50%");
      ++mixed;
    }
    if (!s.has_role_weights()) {
      EXPECT_EQ(RoleMixWord(s), RoleWord(s.role())) << s.id();
    }
  }
  EXPECT_EQ(mixed, 1);
}

// --- Greying out: the view's verdict agrees with the engine's ------------------

// Every action the engine lists as legal for a seat must look legal from that
// seat's view (else a button would be greyed out wrongly).
TEST(ClientLegality, LegalActionsAreNeverGreyedOut) {
  for (const char* scenario : {"classroom-8", "convention", "workshop-30"}) {
    std::string error;
    std::unique_ptr<DemoGame> g = DemoGame::Make(scenario, 11, &error);
    ASSERT_TRUE(g) << error;
    int checked = 0;
    for (int step = 0; step < 4000 && !g->state().IsTerminal(); ++step) {
      if (step % 7 == 0) {
        const rules::State& s = g->state();
        for (int seat = 0; seat < s.num_seats(); seat += 3) {
          const mf::View v = g->View(seat);
          std::vector<rules::Action> legal;
          s.LegalActions(seat, &legal);
          for (const rules::Action& a : legal) {
            mf::Action p;
            rules::ActionToProto(a, s.scenario(), &p);
            EXPECT_EQ(WhyNot(v, p), "") << scenario << " phase " << PhaseWord(s.phase()) << " seat "
                                        << seat << ": " << rules::DescribeAction(a, s.scenario());
            ++checked;
          }
        }
      }
      if (!g->Step()) break;
    }
    EXPECT_GT(checked, 200) << scenario;
  }
}

// And what the view refuses, the engine refuses, in the engine's own words
// (the verdicts in the view are the engine's; tests/catalogue_test.cc checks
// them for every kind in both directions).
TEST(ClientLegality, IllegalActionsAreGreyedOutWithAReason) {
  std::string error;
  std::unique_ptr<DemoGame> g = DemoGame::Make("classroom-8", 3, &error);
  ASSERT_TRUE(g) << error;
  ASSERT_TRUE(g->RunUntil([](const rules::State& s) { return s.phase() == mf::STATEMENTS; }));
  const mf::View v = g->View(0);
  mf::Action vote;
  vote.mutable_vote()->set_choice(mf::SUPPORT);
  EXPECT_EQ(WhyNot(v, vote), "voting is only possible in Decision (now: Statements)");
  mf::Action table;
  table.mutable_table_draft()->set_position(50);
  table.mutable_table_draft()->set_form(mf::CHAIRS_SUMMARY);
  if (!v.seats(0).co_chair()) {
    EXPECT_NE(WhyNot(v, table), "");
  }
  mf::Action pause;
  pause.mutable_pause();
  EXPECT_EQ(WhyNot(v, pause), "only the facilitator may pause");
  const mf::View spectator = g->View(rules::kSpectatorView);
  mf::Action ready;
  ready.mutable_ready();
  EXPECT_NE(WhyNot(spectator, ready), "");
  // The engine agrees that these are refused.
  for (const mf::Action* a : {&vote, &pause}) {
    rules::Action ra;
    ASSERT_TRUE(rules::ActionFromProto(*a, g->state().scenario(), &ra, &error));
    EXPECT_FALSE(g->state().Check(0, ra).ok());
  }
  mf::Action deal;
  deal.mutable_propose_deal()->set_to(1);
  EXPECT_EQ(WhyNot(v, deal), "a deal must give or ask something");
  deal.mutable_propose_deal()->mutable_give()->set_capital(99);
  EXPECT_NE(WhyNot(v, deal), "");
}

// --- The offline engine --------------------------------------------------------

template <typename Pred>
bool WaitFor(const Connection& c, Snapshot* s, Pred pred, double seconds = 10) {
  uint64_t seen = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    c.inbox().Take(&seen, s);
    if (s->view && pred(*s)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(ClientOffline, BotsPlayTheOthersAndThePlayerActs) {
  OfflineOptions o;
  o.scenario = "classroom-8";
  o.viewer = 2;
  o.bot_pace_ms = 5;
  o.phase_seconds = 0;
  o.until = mf::STATEMENTS;
  std::string error;
  std::unique_ptr<OfflineConnection> c = OfflineConnection::Start(o, &error);
  ASSERT_TRUE(c) << error;
  Snapshot s;
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return x.view->phase() == mf::STATEMENTS; }));
  EXPECT_EQ(s.view->viewer(), 2);
  EXPECT_EQ(s.link, Link::kLocal);
  EXPECT_TRUE(s.have_roster);
  // The others finish the phase; the player is waited for.
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) {
    int ready = 0;
    for (const auto& seat : x.view->seats()) ready += seat.ready();
    return ready == 7;
  }));
  EXPECT_EQ(s.view->phase(), mf::STATEMENTS);
  mf::Action vote;
  vote.mutable_vote()->set_choice(mf::SUPPORT);
  ASSERT_TRUE(c->Check(vote).has_value());
  EXPECT_NE(*c->Check(vote), "");
  mf::Action st;
  st.mutable_statement()->set_position(64);
  st.mutable_statement()->set_text("Plus de voies légales, s'il vous plaît.");
  EXPECT_EQ(c->Check(st).value_or("?"), "");
  c->Send(st, s.view->version(), "");
  ASSERT_TRUE(WaitFor(
      *c, &s, [](const Snapshot& x) { return x.view->seats(2).statement_position() == 64; }));
  EXPECT_EQ(s.view->seats(2).statement_text(), "Plus de voies légales, s'il vous plaît.");
  // A refused action comes back as an error, not silence.
  c->Send(vote, s.view->version(), "");
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return x.error_serial > 0; }));
  EXPECT_NE(s.error.find("Decision"), std::string::npos);
  // Ready ends the phase.
  mf::Action ready;
  ready.mutable_ready();
  c->Send(ready, s.view->version(), "");
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return x.view->phase() == mf::DRAFTING; }));
  // Chat: the message and a bot's answer on the bilateral channel.
  Channel ch;
  ch.to = Channel::To::kSeat;
  ch.seat = 5;
  c->SendChat(ch, "Shall we talk about visas?");
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return x.chat.size() >= 2; }));
  EXPECT_EQ(s.chat[0].from, 2);
  EXPECT_EQ(s.chat[1].from, 5);
}

// A clock the test moves by hand (OfflineOptions::clock).
class ManualClock {
 public:
  std::chrono::steady_clock::time_point Now() {
    std::lock_guard<std::mutex> lock(mu_);
    return t_;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    t_ += d;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point t_ =
      std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
};

// Returns once the engine thread has run a whole turn of its loop (which
// reads the clock) after this call began: it answers a chat message in one,
// and WithState waits for that turn to end.
void Sync(OfflineConnection* c, Snapshot* s) {
  static int n = 0;
  const std::string text = "sync " + std::to_string(++n);
  c->SendChat(Channel{}, text);
  ASSERT_TRUE(WaitFor(
      *c, s, [&](const Snapshot& x) { return !x.chat.empty() && x.chat.back().text == text; }));
  c->WithState([](rules::State&) {});
  uint64_t seen = 0;
  c->inbox().Take(&seen, s);
}

TEST(ClientOffline, TheClockEndsAPhaseNobodyFinishesAndAPauseStopsIt) {
  ManualClock clock;
  OfflineOptions o;
  o.scenario = "classroom-8";
  o.viewer = -1;           // Facilitator: bots in every seat...
  o.bot_pace_ms = 600000;  // ...that never move.
  o.phase_seconds = 1;
  o.clock = [&clock] { return clock.Now(); };
  std::string error;
  std::unique_ptr<OfflineConnection> c = OfflineConnection::Start(o, &error);
  ASSERT_TRUE(c) << error;
  Snapshot s;
  Sync(c.get(), &s);
  ASSERT_EQ(s.view->phase(), mf::CIVIL_SOCIETY);
  EXPECT_EQ(s.phase_seconds_left, 1);
  const int serial = s.view->phase_serial();
  // Time stands still: the phase does not end, however long the thread runs.
  Sync(c.get(), &s);
  EXPECT_EQ(s.view->phase_serial(), serial);
  // Its second passes: the clock ends it.
  clock.Advance(std::chrono::milliseconds(1100));
  ASSERT_TRUE(
      WaitFor(*c, &s, [serial](const Snapshot& x) { return x.view->phase_serial() != serial; }));
  EXPECT_EQ(s.view->phase(), mf::STATEMENTS);
  EXPECT_EQ(s.phase_seconds_left, 1);
  // Pausing stops the clock: ten seconds pass and the phase stays, with no time shown.
  mf::Action pause;
  pause.mutable_pause();
  c->Send(pause, 0, "");
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return x.view->paused(); }));
  const int paused_serial = s.view->phase_serial();
  clock.Advance(std::chrono::seconds(10));
  Sync(c.get(), &s);
  EXPECT_EQ(s.view->phase_serial(), paused_serial);
  EXPECT_EQ(s.phase_seconds_left, 0);
  // Resumed, the phase has its whole second again, and then it ends.
  mf::Action resume;
  resume.mutable_resume();
  c->Send(resume, 0, "");
  ASSERT_TRUE(WaitFor(*c, &s, [](const Snapshot& x) { return !x.view->paused(); }));
  Sync(c.get(), &s);
  EXPECT_EQ(s.view->phase_serial(), paused_serial);
  EXPECT_EQ(s.phase_seconds_left, 1);
  clock.Advance(std::chrono::milliseconds(1100));
  ASSERT_TRUE(WaitFor(*c, &s, [paused_serial](const Snapshot& x) {
    return x.view->phase_serial() != paused_serial;
  }));
}

}  // namespace
}  // namespace mf::client
