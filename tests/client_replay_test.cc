// forum-client's replay: the ReplayConnection against the engine (the view
// at every position equals the view of the first N actions applied
// directly, whatever the order of the jumps; random jumps on workshop-30),
// its markers against the log, the timeline's pixel <-> position mapping,
// the timeline drawn and driven by keys and the mouse, the record files,
// and the binary's --replay (accepted records, refused ones, a screenshot
// with the timeline in it). Needs an X display: ctest runs it under xvfb-run.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <SFML/Graphics/RenderTexture.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "client/app.h"
#include "client/demo.h"
#include "client/record_file.h"
#include "client/replay.h"
#include "client/style.h"
#include "client_assets.h"
#include "rules/view.h"
#include "run_command.h"

namespace mf::client {
namespace {

namespace fs = std::filesystem;

// --- Recorded bot games --------------------------------------------------------------

// A whole game of `scenario` played by the demo bots, as its record.
mf::GameLog BotGame(const std::string& scenario, uint64_t seed) {
  std::string error;
  std::unique_ptr<DemoGame> g = DemoGame::Make(scenario, seed, &error);
  EXPECT_TRUE(g) << error;
  if (!g) return {};
  g->RunUntil([](const rules::State& s) { return s.IsTerminal(); });
  EXPECT_TRUE(g->state().IsTerminal()) << scenario;
  return g->Record();
}

const mf::GameLog& Classroom() {
  static const mf::GameLog* log = new mf::GameLog(BotGame("classroom-8", 11));
  return *log;
}

// The states after 0, 1, ... N actions applied directly.
struct Direct {
  std::vector<uint64_t> hash;
  std::vector<rules::State> states;
};

const Direct& ClassroomDirect() {
  static const Direct* d = [] {
    auto* out = new Direct;
    rules::LoadResult r = rules::LoadScenario(Classroom().scenario_text(), "test");
    EXPECT_TRUE(r.ok());
    std::vector<rules::LoggedAction> log;
    std::string error;
    EXPECT_TRUE(rules::FromGameLog(Classroom(), *r.scenario, &log, &error)) << error;
    rules::State st(r.scenario, Classroom().seed());
    out->hash.push_back(st.Hash());
    out->states.push_back(st);
    for (const rules::LoggedAction& la : log) {
      EXPECT_TRUE(st.Apply(la.actor, la.action).ok());
      out->hash.push_back(st.Hash());
      out->states.push_back(st);
    }
    return out;
  }();
  return *d;
}

std::string ViewBytes(const rules::State& st, int viewer) {
  mf::View v;
  rules::MakeView(rules::SeatView(st, viewer), &v);
  std::string out;
  v.SerializeToString(&out);  // Deterministic for the same message built the same way.
  return out;
}

std::unique_ptr<ReplayConnection> OpenReplay(const mf::GameLog& log, int viewer, int every,
                                             std::string* error = nullptr) {
  ReplayRecord rec;
  rec.log = log;
  rec.source = "test";
  std::string e;
  auto c = ReplayConnection::Open(std::move(rec), viewer, error ? error : &e, every);
  if (!error) {
    EXPECT_TRUE(c) << e;
  }
  return c;
}

// The view in the connection's inbox (what the App would draw).
std::string InboxViewBytes(const ReplayConnection& c) {
  uint64_t seen = 0;
  Snapshot s;
  c.inbox().Take(&seen, &s);
  std::string out;
  if (s.view) s.view->SerializeToString(&out);
  return out;
}

// --- The connection against the engine ------------------------------------------------

TEST(ReplayConnection, EveryPositionEqualsTheDirectApplicationInAnyOrder) {
  const Direct& d = ClassroomDirect();
  const int n = static_cast<int>(d.hash.size()) - 1;
  ASSERT_GT(n, 200);  // A whole game of classroom-8.
  for (int every : {1, 7, ReplayConnection::kDefaultCheckpointEvery}) {
    SCOPED_TRACE("checkpoint every " + std::to_string(every));
    auto c = OpenReplay(Classroom(), rules::kSpectatorView, every);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->size(), n);
    EXPECT_EQ(c->position(), 0);
    std::vector<int> order(static_cast<size_t>(n) + 1);
    for (int i = 0; i <= n; ++i) order[static_cast<size_t>(i)] = i;
    // Forward, backward, then two random orders (jumps both ways).
    std::vector<int> all = order;
    all.insert(all.end(), order.rbegin(), order.rend());
    std::mt19937 rng(static_cast<unsigned>(every));
    for (int k = 0; k < 2; ++k) {
      std::shuffle(order.begin(), order.end(), rng);
      all.insert(all.end(), order.begin(), order.end());
    }
    int checked = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      const int pos = all[i];
      c->Seek(pos);
      ASSERT_EQ(c->position(), pos);
      ASSERT_EQ(c->state().Hash(), d.hash[static_cast<size_t>(pos)]) << "at " << pos;
      // The published view, byte for byte, on a sample (every view is costly).
      if (i % 5 == 0) {
        ASSERT_EQ(InboxViewBytes(*c),
                  ViewBytes(d.states[static_cast<size_t>(pos)], rules::kSpectatorView))
            << "at " << pos;
        ++checked;
      }
      ASSERT_LE(c->last_applied(), std::max(every - 1, 1)) << "at " << pos;
    }
    EXPECT_GT(checked, n / 2);
  }
}

TEST(ReplayConnection, SeatAndFacilitatorViewsMatchToo) {
  const Direct& d = ClassroomDirect();
  const int n = static_cast<int>(d.hash.size()) - 1;
  std::mt19937 rng(3);
  for (int viewer : {0, 5, rules::kFacilitatorView}) {
    SCOPED_TRACE("viewer " + std::to_string(viewer));
    auto c = OpenReplay(Classroom(), viewer, 16);
    ASSERT_TRUE(c);
    for (int k = 0; k < 150; ++k) {
      const int pos = static_cast<int>(rng() % static_cast<unsigned>(n + 1));
      c->Seek(pos);
      ASSERT_EQ(InboxViewBytes(*c), ViewBytes(d.states[static_cast<size_t>(pos)], viewer))
          << "at " << pos;
      ASSERT_EQ(c->CurrentView().viewer(), viewer);
    }
  }
  // A spectator's view holds no brief, a seat's its own.
  auto spectator = OpenReplay(Classroom(), rules::kSpectatorView, 32);
  auto seat = OpenReplay(Classroom(), 2, 32);
  EXPECT_FALSE(spectator->CurrentView().has_brief());
  EXPECT_TRUE(seat->CurrentView().has_brief());
}

TEST(ReplayConnection, MarkersMatchThePhaseChangesAndDecisionsOfTheLog) {
  const Direct& d = ClassroomDirect();
  const int n = static_cast<int>(d.hash.size()) - 1;
  auto c = OpenReplay(Classroom(), rules::kSpectatorView, 32);
  ASSERT_TRUE(c);
  // Expected, from the states applied one by one.
  std::vector<int> starts = {0};
  std::vector<int> cycles, adopted, rejected;
  for (int p = 1; p <= n; ++p) {
    const rules::State& a = d.states[static_cast<size_t>(p) - 1];
    const rules::State& b = d.states[static_cast<size_t>(p)];
    if (b.phase_serial() != a.phase_serial()) starts.push_back(p);
    if (b.cycle() != a.cycle()) cycles.push_back(p);
    for (size_t k = a.events().size(); k < b.events().size(); ++k) {
      if (b.events()[k].type == rules::EventType::kAdopted) adopted.push_back(p);
      if (b.events()[k].type == rules::EventType::kRejected) rejected.push_back(p);
    }
    ASSERT_EQ(c->PhaseAt(p), b.phase());
    ASSERT_EQ(c->CycleAt(p), b.cycle());
  }
  EXPECT_EQ(c->phase_starts(), starts);
  std::vector<int> got_cycles, got_phases, got_adopted, got_rejected;
  for (const ReplayMark& m : c->marks()) {
    EXPECT_FALSE(m.text.empty());
    switch (m.kind) {
      case ReplayMark::Kind::kCycle:
        got_cycles.push_back(m.pos);
        break;
      case ReplayMark::Kind::kPhase:
        got_phases.push_back(m.pos);
        break;
      case ReplayMark::Kind::kAdopted:
        got_adopted.push_back(m.pos);
        EXPECT_EQ(m.text.rfind("Adopted", 0), 0u) << m.text;
        break;
      case ReplayMark::Kind::kRejected:
        got_rejected.push_back(m.pos);
        break;
    }
  }
  EXPECT_EQ(got_cycles, cycles);
  EXPECT_EQ(got_adopted, adopted);
  EXPECT_EQ(got_rejected, rejected);
  // Every phase start but the first is a cycle or a phase mark.
  std::vector<int> merged = got_cycles;
  merged.insert(merged.end(), got_phases.begin(), got_phases.end());
  std::sort(merged.begin(), merged.end());
  EXPECT_EQ(merged, std::vector<int>(starts.begin() + 1, starts.end()));
  // The decisions are the texts the final state decided.
  const rules::State& last = d.states.back();
  size_t n_adopted = 0, n_decided = 0;
  for (const rules::Text& t : last.texts()) {
    n_decided += t.decided;
    n_adopted += t.decided && t.adopted;
  }
  EXPECT_EQ(got_adopted.size(), n_adopted);
  EXPECT_EQ(got_adopted.size() + got_rejected.size(), n_decided);
  EXPECT_GT(n_decided, 0u);
  EXPECT_EQ(cycles.size(), static_cast<size_t>(last.scenario().cycles()) - 1);
  // Phase steps and the label.
  const int mid = starts[starts.size() / 2];
  EXPECT_EQ(c->NextPhase(mid), starts[starts.size() / 2 + 1]);
  EXPECT_EQ(c->NextPhase(mid - 1), mid);
  EXPECT_EQ(c->PrevPhase(mid + 1), mid);
  EXPECT_EQ(c->PrevPhase(mid), starts[starts.size() / 2 - 1]);
  EXPECT_EQ(c->PrevPhase(0), 0);
  EXPECT_EQ(c->NextPhase(n), n);
  c->Seek(mid);
  const std::string label = c->Label(mid);
  EXPECT_TRUE(std::regex_match(label, std::regex("cycle [0-9]+ · [a-z ]+ · action [0-9]+/[0-9]+")))
      << label;
  EXPECT_NE(label.find("action " + std::to_string(mid) + "/" + std::to_string(n)),
            std::string::npos)
      << label;
  EXPECT_NE(c->Label(n).find(" · game over · action " + std::to_string(n) + "/"), std::string::npos)
      << c->Label(n);
}

TEST(ReplayConnection, RefusesARecordThatDoesNotReplay) {
  std::string error;
  // An action that the engine refuses (a vote in the first phase).
  mf::GameLog bad = Classroom();
  bad.mutable_entries(0)->mutable_action()->mutable_vote()->set_choice(mf::SUPPORT);
  EXPECT_FALSE(OpenReplay(bad, -2, 32, &error));
  EXPECT_NE(error.find("entry 1 of the log"), std::string::npos) << error;
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
  // A state hash the log does not reach.
  ReplayRecord rec;
  rec.log = Classroom();
  rec.expected_hash = 12345;
  EXPECT_FALSE(ReplayConnection::Open(rec, -2, &error));
  EXPECT_NE(error.find("does not replay"), std::string::npos) << error;
  rec.expected_hash = ClassroomDirect().hash.back();
  EXPECT_TRUE(ReplayConnection::Open(rec, -2, &error)) << error;
  // An unknown scenario, a seat that does not exist.
  mf::GameLog unknown;
  unknown.set_scenario("no-such-scenario");
  EXPECT_FALSE(OpenReplay(unknown, -2, 32, &error));
  EXPECT_NE(error.find("scenario"), std::string::npos) << error;
  EXPECT_FALSE(OpenReplay(Classroom(), 8, 32, &error));
  EXPECT_NE(error.find("no seat 8"), std::string::npos) << error;
}

TEST(ReplayConnection, NothingCanBePlayed) {
  auto c = OpenReplay(Classroom(), 0, 32);
  ASSERT_TRUE(c);
  // The first seat's legal Ready is refused by the replay with a reason.
  mf::Action ready;
  ready.mutable_ready();
  std::optional<std::string> why = c->Check(ready);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("replay"), std::string::npos);
  const uint64_t hash = c->state().Hash();
  c->Send(ready, 0, "");
  EXPECT_EQ(c->state().Hash(), hash);
  uint64_t seen = 0;
  Snapshot s;
  c->inbox().Take(&seen, &s);
  EXPECT_NE(s.error.find("replay"), std::string::npos);
  EXPECT_EQ(s.link, Link::kReplay);
}

// The chat of an exported record is shown as it stood at each moment, per viewer.
TEST(ReplayConnection, ChatFollowsTheTimelineAndTheViewer) {
  ReplayRecord rec;
  rec.log = Classroom();
  const int n = rec.log.entries_size();
  for (int i = 0; i < n; ++i) rec.action_ms.push_back(1000 + 10 * i);
  ChatLine pub;
  pub.serial = 1;
  pub.from = 0;
  pub.text = "hello all";
  pub.sent_unix_ms = 1000 + 10 * 20 + 5;  // After action 21.
  ChatLine bilateral = pub;
  bilateral.serial = 2;
  bilateral.channel.to = Channel::To::kSeat;
  bilateral.channel.seat = 3;
  bilateral.text = "just us";
  rec.chat = {pub, bilateral};
  std::string error;
  auto spectator = ReplayConnection::Open(rec, rules::kSpectatorView, &error);
  auto seat3 = ReplayConnection::Open(rec, 3, &error);
  auto seat4 = ReplayConnection::Open(rec, 4, &error);
  ASSERT_TRUE(spectator && seat3 && seat4) << error;
  auto chat = [](ReplayConnection& c, int pos) {
    c.Seek(pos);
    uint64_t seen = 0;
    Snapshot s;
    c.inbox().Take(&seen, &s);
    return s.chat.size();
  };
  EXPECT_EQ(chat(*seat3, 21), 0u);
  EXPECT_EQ(chat(*seat3, 22), 2u);
  EXPECT_EQ(chat(*seat4, 22), 1u);
  EXPECT_EQ(chat(*spectator, n), 1u);
  EXPECT_EQ(chat(*seat3, 5), 0u);  // Back before it was said.
}

// How long a jump takes on the largest scenario (reported in client/README.md).
// Random jumps over a long game (workshop-30, over a thousand actions) land
// on exactly the state the log gives there, whatever the checkpoint spacing.
// (What a jump costs is measured by client_bench's ReplaySeek, not here.)
TEST(ReplayConnection, RandomJumpsOnWorkshop30LandOnTheDirectStates) {
  const mf::GameLog log = BotGame("workshop-30", 2);
  ASSERT_GT(log.entries_size(), 1000);
  {
    // Kept for screenshots: forum-client --replay
    // <build>/tests/client_tmp/replay/workshop-30.textproto
    std::string text;
    google::protobuf::TextFormat::PrintToString(log, &text);
    fs::create_directories(MF_TEST_TMP_DIR);
    std::ofstream(fs::path(MF_TEST_TMP_DIR) / "workshop-30.textproto") << text;
  }
  // The positions to visit, and the state hash at each by direct application.
  std::mt19937 rng(1);
  std::vector<int> jumps;
  for (int k = 0; k < 300; ++k)
    jumps.push_back(static_cast<int>(rng() % static_cast<unsigned>(log.entries_size() + 1)));
  std::map<int, uint64_t> direct;
  {
    rules::LoadResult r = rules::LoadScenario(log.scenario_text(), "test");
    ASSERT_TRUE(r.ok());
    std::vector<rules::LoggedAction> actions;
    std::string error;
    ASSERT_TRUE(rules::FromGameLog(log, *r.scenario, &actions, &error)) << error;
    std::set<int> wanted(jumps.begin(), jumps.end());
    rules::State st(r.scenario, log.seed());
    for (int pos = 0; pos <= static_cast<int>(actions.size()); ++pos) {
      if (wanted.count(pos)) direct[pos] = st.Hash();
      if (pos < static_cast<int>(actions.size())) {
        ASSERT_TRUE(st.Apply(actions[static_cast<size_t>(pos)].actor,
                             actions[static_cast<size_t>(pos)].action)
                        .ok());
      }
    }
  }
  for (int every : {8, 32, 128}) {
    SCOPED_TRACE("checkpoint every " + std::to_string(every));
    auto c = OpenReplay(log, rules::kSpectatorView, every);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->size(), log.entries_size());
    for (int pos : jumps) {
      c->Seek(pos);
      ASSERT_EQ(c->position(), pos);
      ASSERT_EQ(c->state().Hash(), direct[pos]) << "at " << pos;
      ASSERT_EQ(InboxViewBytes(*c), ViewBytes(c->state(), rules::kSpectatorView)) << "at " << pos;
    }
  }
}

// --- The timeline's geometry -----------------------------------------------------------

TEST(Timeline, MapsPixelsToPositionsAndBack) {
  for (int total : {0, 1, 7, 412, 5000}) {
    for (float w : {100.0f, 690.0f, 1400.0f}) {
      TimelineGeometry g;
      g.x = 250;
      g.w = w;
      g.total = total;
      EXPECT_FLOAT_EQ(g.XFor(0), 250);
      EXPECT_EQ(g.PosAt(0), 0);          // Left of the track: the start.
      EXPECT_EQ(g.PosAt(10000), total);  // Right of it: the end.
      EXPECT_EQ(g.PosAt(g.XFor(total)), total);
      const float per = total > 0 ? w / static_cast<float>(total) : 0;
      for (int p = 0; p <= total; p += std::max(1, total / 97)) {
        const float x = g.XFor(p);
        EXPECT_GE(x, g.x);
        EXPECT_LE(x, g.x + g.w);
        if (per >= 1) {
          EXPECT_EQ(g.PosAt(x), p) << total << " " << w;
        }
        // Back and forth lands within half a pixel's worth of positions.
        EXPECT_LE(std::fabs(g.XFor(g.PosAt(x)) - x), per / 2 + 1e-3f) << total << " " << w;
      }
      if (total > 0) {
        EXPECT_EQ(g.PosAt(g.x + g.w / 2), (total + 1) / 2);  // Halves round up.
      }
    }
  }
}

// --- The timeline in the App --------------------------------------------------------------

bool Near(sf::Color a, sf::Color b, int tol) {
  return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

int Count(const sf::Image& img, const Rect& r, sf::Color c, int tol) {
  int hit = 0;
  const int x0 = std::max(0, static_cast<int>(r.x)), y0 = std::max(0, static_cast<int>(r.y));
  const int x1 = std::min(static_cast<int>(img.getSize().x), static_cast<int>(r.r()));
  const int y1 = std::min(static_cast<int>(img.getSize().y), static_cast<int>(r.b()));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      hit += Near(img.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y)), c, tol);
  return hit;
}

class Screen {
 public:
  Screen(std::unique_ptr<ReplayConnection> c, unsigned w, unsigned h, bool projector = false)
      : app_(TestAssets(), Options(projector)), w_(w), h_(h) {
    replay_ = c.get();
    app_.SetConnection(std::move(c));
    EXPECT_TRUE(rt_.create(w, h));
    Frame();
  }
  static AppOptions Options(bool projector) {
    AppOptions o;
    o.animate = false;
    o.projector = projector;
    return o;
  }
  sf::Image Frame(double now = MonotonicSeconds()) {
    app_.Tick(now);
    app_.Draw(rt_, now);
    rt_.display();
    return rt_.getTexture().copyToImage();
  }
  void Key(sf::Keyboard::Key k, bool shift = false) {
    sf::Event e;
    e.type = sf::Event::KeyPressed;
    e.key = {k, false, false, shift, false};
    app_.HandleEvent(e);
    Frame();
  }
  void Mouse(sf::Event::EventType type, float x, float y) {
    sf::Event e;
    e.type = type;
    if (type == sf::Event::MouseMoved)
      e.mouseMove = {static_cast<int>(x), static_cast<int>(y)};
    else
      e.mouseButton = {sf::Mouse::Left, static_cast<int>(x), static_cast<int>(y)};
    app_.HandleEvent(e);
    Frame();
  }
  Rect Region(const std::string& name) const {
    auto it = app_.regions().find(name);
    EXPECT_NE(it, app_.regions().end()) << name;
    return it == app_.regions().end() ? Rect{} : it->second;
  }
  App& app() { return app_; }
  ReplayConnection& replay() { return *replay_; }

 private:
  App app_;
  ReplayConnection* replay_;
  sf::RenderTexture rt_;
  unsigned w_, h_;
};

TEST(ReplayApp, TheTimelineIsDrawnAtTheBottomOfEveryScene) {
  for (auto [w, h] : {std::pair<unsigned, unsigned>{1280, 720}, {1920, 1080}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    Screen s(OpenReplay(Classroom(), rules::kSpectatorView, 32), w, h);
    ReplayConnection& rp = s.replay();
    // Past the first decision: the played part, a decision diamond, the thumb.
    int decision = -1;
    for (const ReplayMark& m : rp.marks())
      if (decision < 0 && m.kind == ReplayMark::Kind::kAdopted) decision = m.pos;
    ASSERT_GT(decision, 0);
    rp.Seek(decision + (rp.size() - decision) / 3);
    s.Frame();
    for (Scene scene :
         {Scene::kTable, Scene::kDecide, Scene::kTalk, Scene::kOutcome, Scene::kLobby}) {
      s.app().SetScene(scene);
      const sf::Image img = s.Frame();
      const Rect bar = s.Region("timeline");
      const Rect track = s.Region("timeline.track");
      const Rect thumb = s.Region("timeline.thumb");
      // At the bottom, the whole width.
      EXPECT_NEAR(bar.b(), static_cast<float>(h), 1.0f) << SceneName(scene);
      EXPECT_NEAR(bar.w, static_cast<float>(w), 1.0f);
      EXPECT_GT(Count(img, bar, sf::Color(28, 40, 54), 3), bar.w * bar.h * 0.4);
      // The thumb where the position says, white in its centre.
      const float x = s.app().timeline_geometry().XFor(rp.position());
      EXPECT_NEAR(thumb.centre().x, x, 1.0f);
      EXPECT_TRUE(Near(img.getPixel(static_cast<unsigned>(thumb.centre().x),
                                    static_cast<unsigned>(thumb.centre().y)),
                       sf::Color::White, 10));
      // Played (blue) left of the thumb, not right of it.
      const Rect left{track.x, track.y + 1, x - thumb.w - track.x, track.h - 2};
      const Rect right{x + thumb.w, track.y + 1, track.r() - x - thumb.w, track.h - 2};
      EXPECT_GT(Count(img, left, sf::Color(86, 180, 233), 12) +
                    Count(img, left, sf::Color(120, 198, 240), 12),
                left.w * left.h * 0.5);
      EXPECT_EQ(Count(img, right, sf::Color(86, 180, 233), 12), 0);
      // Decision diamonds above the track (adopted: green).
      const Rect above{track.x - 8, track.y - track.h * 3, track.w + 16, track.h * 3};
      EXPECT_GT(Count(img, above, sf::Color(0, 178, 120), 10), 4);
      // Cycle ticks: light lines crossing the track.
      EXPECT_GT(Count(img, track, sf::Color(236, 241, 246), 10), 2 * track.h);
      // The label in words.
      const Rect label = s.Region("timeline.label");
      EXPECT_GT(Count(img, label, sf::Color(236, 241, 246), 40), 30);
    }
  }
}

TEST(ReplayApp, KeysAndTheMouseMoveThroughTheSession) {
  Screen s(OpenReplay(Classroom(), rules::kSpectatorView, 32), 1280, 720);
  ReplayConnection& rp = s.replay();
  EXPECT_EQ(rp.position(), 0);
  s.Key(sf::Keyboard::Right);
  EXPECT_EQ(rp.position(), 1);
  s.Key(sf::Keyboard::Right);
  s.Key(sf::Keyboard::Left);
  EXPECT_EQ(rp.position(), 1);
  s.Key(sf::Keyboard::Right, /*shift=*/true);
  EXPECT_EQ(rp.position(), rp.phase_starts()[1]);
  s.Key(sf::Keyboard::PageDown);
  EXPECT_EQ(rp.position(), rp.phase_starts()[2]);
  s.Key(sf::Keyboard::PageUp);
  EXPECT_EQ(rp.position(), rp.phase_starts()[1]);
  s.Key(sf::Keyboard::Left, /*shift=*/true);
  EXPECT_EQ(rp.position(), 0);
  s.Key(sf::Keyboard::End);
  EXPECT_EQ(rp.position(), rp.size());
  s.Frame();
  EXPECT_EQ(s.app().scene(), Scene::kFinal);  // The phase picks the scene.
  s.Key(sf::Keyboard::Home);
  EXPECT_EQ(rp.position(), 0);

  // The scene follows the phase as in live play.
  for (size_t k = 1; k < rp.phase_starts().size(); ++k) {
    const int p = rp.phase_starts()[k];
    rp.Seek(p);
    s.Frame();
    const mf::Phase ph = rp.PhaseAt(p);
    if (ph == mf::DECISION || ph == mf::RATIFICATION || ph == mf::IMPLEMENTATION) {
      EXPECT_EQ(s.app().scene(), Scene::kDecide) << p;
    }
    if (ph == mf::STATEMENTS || ph == mf::DRAFTING) {
      EXPECT_EQ(s.app().scene(), Scene::kTable) << p;
    }
  }

  // A click on the track jumps there; a drag scrubs.
  s.Key(sf::Keyboard::Home);
  const Rect track = s.Region("timeline.track");
  const TimelineGeometry g = s.app().timeline_geometry();
  const float y = track.centre().y;
  const float x1 = track.x + track.w * 0.6f;
  s.Mouse(sf::Event::MouseMoved, x1, y);
  s.Mouse(sf::Event::MouseButtonPressed, x1, y);
  EXPECT_EQ(rp.position(), g.PosAt(static_cast<float>(static_cast<int>(x1))));
  const float x2 = track.x + track.w * 0.25f;
  s.Mouse(sf::Event::MouseMoved, x2, y);  // Still held: the thumb follows.
  EXPECT_EQ(rp.position(), g.PosAt(static_cast<float>(static_cast<int>(x2))));
  s.Mouse(sf::Event::MouseButtonReleased, x2, y);
  const int after = rp.position();
  s.Mouse(sf::Event::MouseMoved, track.x + track.w * 0.9f, y);  // Released: no more scrubbing.
  EXPECT_EQ(rp.position(), after);
  const Rect thumb = s.Region("timeline.thumb");
  EXPECT_NEAR(thumb.centre().x, g.XFor(after), 1.0f);
  // The transport buttons.
  const Rect play = s.Region("timeline.play");
  s.Mouse(sf::Event::MouseMoved, play.centre().x, play.centre().y);
  s.Mouse(sf::Event::MouseButtonPressed, play.centre().x, play.centre().y);
  EXPECT_TRUE(s.app().replay_playing());
  s.Mouse(sf::Event::MouseButtonReleased, play.centre().x, play.centre().y);

  // Space plays at the speed chosen with + and -.
  s.Key(sf::Keyboard::Space);
  EXPECT_FALSE(s.app().replay_playing());
  const int speed = s.app().replay_speed();
  s.Key(sf::Keyboard::Add);
  EXPECT_EQ(s.app().replay_speed(), speed * 2);
  s.Key(sf::Keyboard::Subtract);
  s.Key(sf::Keyboard::Subtract);
  EXPECT_EQ(s.app().replay_speed(), speed / 2);
  for (int k = 0; k < 10; ++k) s.Key(sf::Keyboard::Add);
  EXPECT_EQ(s.app().replay_speed(), kReplaySpeeds[kReplaySpeedCount - 1]);
  const int from = rp.position();
  s.Key(sf::Keyboard::Space);
  ASSERT_TRUE(s.app().replay_playing());
  const double t0 = MonotonicSeconds();
  s.Frame(t0 + 0.5);  // Half a second at 32 actions a second: 16 actions.
  EXPECT_GE(rp.position(), from + 15);
  EXPECT_LE(rp.position(), from + 17);
  s.Key(sf::Keyboard::Right);  // Stepping by hand pauses.
  EXPECT_FALSE(s.app().replay_playing());
  // Playing stops at the end.
  rp.Seek(rp.size() - 2);
  s.Key(sf::Keyboard::Space);
  s.Frame(MonotonicSeconds() + 5);
  EXPECT_EQ(rp.position(), rp.size());
  s.Frame(MonotonicSeconds() + 6);
  EXPECT_FALSE(s.app().replay_playing());
}

TEST(ReplayApp, NoActionIsEnabledAndThePanelSaysItIsAReplay) {
  // Seat 0's view in a statements phase: live, its buttons would be green.
  auto c = OpenReplay(Classroom(), 0, 32);
  ASSERT_TRUE(c);
  int statements = -1;
  for (int p : c->phase_starts())
    if (statements < 0 && c->PhaseAt(p) == mf::STATEMENTS) statements = p;
  ASSERT_GT(statements, 0);
  c->Seek(statements);
  Screen s(std::move(c), 1280, 720);
  s.app().SetScene(Scene::kTable);
  const sf::Image img = s.Frame();
  const Rect ready = s.Region("button.ready");
  EXPECT_EQ(Count(img, ready, colour::kGood, 6), 0);  // Grey, not green.
  EXPECT_GT(Count(img, ready, colour::kDisabled, 6), ready.w * ready.h * 0.3);
  // Pressing R (Ready) sends nothing: the state does not move.
  const uint64_t hash = s.replay().state().Hash();
  s.Key(sf::Keyboard::R);
  EXPECT_EQ(s.replay().state().Hash(), hash);
  EXPECT_EQ(s.replay().position(), statements);
  // The hint box is there (its words are checked by eye in the screenshots).
  EXPECT_GT(s.Region("hint").h, 20);
  EXPECT_NE(s.app().WindowTitle().find("replay"), std::string::npos);
}

// --- Record files and the binary ---------------------------------------------------------------

fs::path Tmp(const std::string& name) {
  fs::path dir = fs::path(MF_TEST_TMP_DIR);
  fs::create_directories(dir);
  return dir / name;
}

void Write(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

mf::GetRecordResponse Export(const mf::GameLog& log, uint64_t hash) {
  mf::GetRecordResponse r;
  *r.mutable_log() = log;
  for (int i = 0; i < log.entries_size(); ++i) {
    mf::RecordEntry* e = r.add_entries();
    e->set_seq(static_cast<uint64_t>(i) + 1);
    *e->mutable_entry() = log.entries(i);
    e->set_at_unix_ms(1700000000000 + 1000 * i);
  }
  mf::ChatMessage* m = r.add_chat();
  m->set_serial(1);
  m->set_from(0);
  m->set_text("hello");
  m->mutable_channel()->set_everyone(true);
  m->set_sent_unix_ms(1700000000000 + 1000 * 10 + 1);
  r.set_finished(true);
  r.set_state_hash(hash);
  r.set_version(static_cast<uint64_t>(log.entries_size()));
  return r;
}

TEST(RecordFile, ReadsEveryFormatTheProjectWrites) {
  const mf::GameLog& log = Classroom();
  const uint64_t hash = ClassroomDirect().hash.back();
  std::string text, binary, json;
  google::protobuf::TextFormat::PrintToString(log, &text);
  log.SerializeToString(&binary);
  const mf::GetRecordResponse exported = Export(log, hash);
  // `forumctl record`: the JSON of GetRecord with the actions in `entries` only.
  mf::GetRecordResponse record = exported;
  record.mutable_log()->clear_entries();
  google::protobuf::util::JsonPrintOptions jo;
  jo.preserve_proto_field_names = true;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(record, &json, jo).ok());
  struct Case {
    const char* name;
    std::string data;
    bool times;
  } cases[] = {{"log.textproto", text, false},
               {"log.binpb", binary, false},
               {"session.export", exported.SerializeAsString(), true},
               {"record.json", json, true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Write(Tmp(c.name), c.data);
    ReplayRecord rec;
    std::string error;
    ASSERT_TRUE(LoadRecordFile(Tmp(c.name).string(), &rec, &error)) << error;
    EXPECT_EQ(rec.log.entries_size(), log.entries_size());
    EXPECT_EQ(rec.action_ms.size(), c.times ? static_cast<size_t>(log.entries_size()) : 0u);
    EXPECT_EQ(rec.expected_hash, c.times ? hash : 0u);
    EXPECT_EQ(rec.chat.size(), c.times ? 1u : 0u);
    auto conn = ReplayConnection::Open(rec, -2, &error);
    ASSERT_TRUE(conn) << error;
    conn->Seek(conn->size());
    EXPECT_EQ(conn->state().Hash(), hash);
  }
  // Refused: missing, empty, a folder, garbage, a truncated export.
  std::string error;
  ReplayRecord rec;
  EXPECT_FALSE(LoadRecordFile(Tmp("missing.pb").string(), &rec, &error));
  EXPECT_NE(error.find("no such file"), std::string::npos) << error;
  Write(Tmp("empty.pb"), "");
  EXPECT_FALSE(LoadRecordFile(Tmp("empty.pb").string(), &rec, &error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_FALSE(LoadRecordFile(Tmp("").string(), &rec, &error));
  EXPECT_NE(error.find("folder"), std::string::npos) << error;
  Write(Tmp("garbage.pb"), std::string("\x12\x34 this is not a record \xff\xfe", 27));
  EXPECT_FALSE(LoadRecordFile(Tmp("garbage.pb").string(), &rec, &error));
  EXPECT_NE(error.find("not a session record"), std::string::npos) << error;
  const std::string full = exported.SerializeAsString();
  Write(Tmp("truncated.pb"), full.substr(0, full.size() / 2));
  EXPECT_FALSE(LoadRecordFile(Tmp("truncated.pb").string(), &rec, &error));
  EXPECT_NE(error.find("not a session record"), std::string::npos) << error;
}

using Proc = mf::testing::CommandResult;

Proc Client(const std::string& args) {
  return mf::testing::RunCommand(std::string(MF_FORUM_CLIENT) + " " + args + " 2>&1");
}

// The bottom rows of a screenshot hold the timeline: its dark bar, the thumb.
void ExpectTimelineIn(const sf::Image& img) {
  const float w = static_cast<float>(img.getSize().x), h = static_cast<float>(img.getSize().y);
  const float s = std::min(w / 1280.0f, h / 720.0f);
  const Rect bottom{0, h - 50 * s, w, 44 * s};
  EXPECT_GT(Count(img, bottom, sf::Color(28, 40, 54), 3), bottom.w * bottom.h * 0.4);
  EXPECT_GT(Count(img, bottom, colour::kAccent, 8), 30);  // The play button, the thumb's ring.
  const Rect above{0, h - 140 * s, w, 60 * s};
  EXPECT_LT(Count(img, above, sf::Color(28, 40, 54), 3), above.w * above.h * 0.2);
}

TEST(ReplayCli, ReplaysARecordFileToAScreenshot) {
  const fs::path file = Tmp("cli.export");
  Write(file, Export(Classroom(), ClassroomDirect().hash.back()).SerializeAsString());
  const fs::path png = Tmp("cli-replay.png");
  fs::remove(png);
  Proc r = Client("--replay " + file.string() + " --replay-at 300 --screenshot " + png.string() +
                  " --after-ms 300 --size 1920x1080");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("replay of cli.export: " + std::to_string(Classroom().entries_size()) +
                       " actions"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("action 300/"), std::string::npos) << r.out;
  sf::Image img;
  ASSERT_TRUE(img.loadFromFile(png.string()));
  EXPECT_EQ(img.getSize(), sf::Vector2u(1920, 1080));
  ExpectTimelineIn(img);

  // A text-format game log, a seat's view, the end.
  const fs::path text = Tmp("cli.textproto");
  std::string t;
  google::protobuf::TextFormat::PrintToString(Classroom(), &t);
  Write(text, t);
  r = Client("--replay " + text.string() + " --seat 3 --replay-at end --screenshot " +
             png.string() + " --after-ms 200");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("game over"), std::string::npos) << r.out;
  ASSERT_TRUE(img.loadFromFile(png.string()));
  EXPECT_EQ(img.getSize(), sf::Vector2u(1280, 720));
  ExpectTimelineIn(img);
}

TEST(ReplayCli, RefusesMissingAndCorruptRecordsClearly) {
  Proc r = Client("--replay " + Tmp("nope.pb").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no such file"), std::string::npos) << r.out;
  Write(Tmp("corrupt.pb"), "\x08\x96\x01 not a record at all \x01\x02");
  r = Client("--replay " + Tmp("corrupt.pb").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not a session record"), std::string::npos) << r.out;
  // A record that does not replay to its hash.
  Write(Tmp("badhash.pb"), Export(Classroom(), 42).SerializeAsString());
  r = Client("--replay " + Tmp("badhash.pb").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("does not replay"), std::string::npos) << r.out;
  // Positions and seats out of range; command lines that do not fit.
  Write(Tmp("ok.pb"), Export(Classroom(), 0).SerializeAsString());
  r = Client("--replay " + Tmp("ok.pb").string() + " --replay-at 99999");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("the record has"), std::string::npos) << r.out;
  r = Client("--replay " + Tmp("ok.pb").string() + " --seat 9");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no seat 9"), std::string::npos) << r.out;
  r = Client("--replay");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--replay needs a record FILE"), std::string::npos) << r.out;
  r = Client("--replay --server localhost:1 --session 1");
  EXPECT_EQ(r.code, 2);
  r = Client("--replay " + Tmp("ok.pb").string() + " --offline");
  EXPECT_EQ(r.code, 2);
  r = Client("--replay-at 3");
  EXPECT_EQ(r.code, 2);
  // The server is not there: a clear error, not a hang.
  r = Client("--replay --server 127.0.0.1:1 --session 1 --token t");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("reading the record of session 1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mf::client
