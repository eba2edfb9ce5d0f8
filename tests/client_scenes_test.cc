// forum-client scenes, rendered off-screen from recorded views (made by the
// rules engine and bots), checked by their pixels: the expected regions are
// drawn, not blank; role badges carry their colours; the tally's bars are as
// wide as the votes; at 1280x720 and 1920x1080, with 8 and 30 seats.
// Needs an X display: ctest runs it under xvfb-run.
#include <gtest/gtest.h>

#include <qrencode.h>
#include <SFML/Graphics/RenderTexture.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "client/app.h"
#include "client/assets.h"
#include "client/demo.h"
#include "client/qr.h"
#include "client/style.h"
#include "client/view_util.h"
#include "client_assets.h"
#include "rules/view.h"
#include "run_command.h"

namespace mf::client {
namespace {

// --- Recorded views --------------------------------------------------------------

using Until = std::function<bool(const rules::State&)>;

Until PhaseIs(mf::Phase p, int cycle = 1) {
  return [p, cycle](const rules::State& s) { return s.phase() == p && s.cycle() >= cycle; };
}

// A game of `scenario` played by bots until `until`; then `extra` bot moves.
std::unique_ptr<DemoGame> Play(const std::string& scenario, const Until& until, int extra = 0,
                               uint64_t seed = 5) {
  std::string error;
  std::unique_ptr<DemoGame> g = DemoGame::Make(scenario, seed, &error);
  EXPECT_TRUE(g) << error;
  if (!g) return nullptr;
  EXPECT_TRUE(g->RunUntil(until)) << scenario;
  for (int k = 0; k < extra; ++k) g->Step();
  return g;
}

// Drives `g` into a decision with exactly the given votes cast (the rest not yet).
void CastVotes(DemoGame* g, const std::vector<mf::VoteChoice>& votes) {
  ASSERT_TRUE(g->RunUntil(PhaseIs(mf::DECISION)));
  for (size_t i = 0; i < votes.size(); ++i) {
    rules::Action a = rules::Action::Make(rules::ActionType::kVote);
    a.vote = votes[i];
    ASSERT_TRUE(g->state().Apply(static_cast<int>(i), a).ok());
  }
}

// A binding convention adopted by everyone, then open for ratification.
std::unique_ptr<DemoGame> Ratification() {
  std::unique_ptr<DemoGame> g = Play("convention", PhaseIs(mf::DRAFTING));
  if (!g) return nullptr;
  rules::State& s = g->state();
  rules::Action t = rules::Action::Make(rules::ActionType::kTableDraft);
  t.position = 70;
  t.form = mf::BINDING_CONVENTION;
  t.add = rules::Bit(mf::RIGHTS_PROTECTION);
  EXPECT_TRUE(s.Apply(s.co_chair(0), t).ok());
  for (int i = 0; i < s.num_seats(); ++i)
    s.Apply(i, rules::Action::Make(rules::ActionType::kReady));
  EXPECT_EQ(s.phase(), mf::DECISION);
  for (int i = 0; i < s.num_seats(); ++i) {
    rules::Action v = rules::Action::Make(rules::ActionType::kVote);
    v.vote = mf::SUPPORT;
    s.Apply(i, v);
  }
  EXPECT_TRUE(g->RunUntil(PhaseIs(mf::RATIFICATION)));
  for (int k = 0; k < 8; ++k) g->Step();
  return g;
}

// --- Rendering and pixel checks ----------------------------------------------------

struct Picture {
  sf::Image image;
  Regions regions;
};

struct Size {
  unsigned w, h;
};

// MF_CLIENT_TEST_PNG=DIR keeps every picture the tests look at.
Picture Render(App& app, Size size) {
  sf::RenderTexture rt;
  EXPECT_TRUE(rt.create(size.w, size.h));
  app.Draw(rt, MonotonicSeconds());
  rt.display();
  Picture p{rt.getTexture().copyToImage(), app.regions()};
  if (const char* dir = std::getenv("MF_CLIENT_TEST_PNG")) {
    static int count = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    p.image.saveToFile(std::string(dir) + "/" + name + "." + std::to_string(++count) + ".png");
  }
  return p;
}

Picture RenderView(const mf::View& v, Scene scene, Size size, bool projector = false,
                   std::vector<Presence> roster = {}) {
  AppOptions o;
  o.animate = false;
  o.projector = projector;
  App app(TestAssets(), o);
  Snapshot s;
  s.view = std::make_shared<mf::View>(v);
  s.link = Link::kLive;
  s.roster = std::move(roster);
  s.have_roster = !s.roster.empty();
  s.join_code = "KQ7-M3P";
  app.SetSnapshot(s, MonotonicSeconds());
  app.SetScene(scene);
  return Render(app, size);
}

bool Near(sf::Color a, sf::Color b, int tol) {
  return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

// Fraction of the pixels of r (clipped to the image) within `tol` of c.
double Share(const sf::Image& img, const Rect& r, sf::Color c, int tol = 24) {
  const int x0 = std::max(0, static_cast<int>(std::ceil(r.x))),
            y0 = std::max(0, static_cast<int>(std::ceil(r.y)));
  const int x1 = std::min(static_cast<int>(img.getSize().x), static_cast<int>(r.r()));
  const int y1 = std::min(static_cast<int>(img.getSize().y), static_cast<int>(r.b()));
  int hit = 0, all = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      ++all;
      hit += Near(img.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y)), c, tol);
    }
  return all ? static_cast<double>(hit) / all : 0;
}

// Drawn, not blank: several distinct colours and not just the background.
::testing::AssertionResult Drawn(const Picture& p, const std::string& name) {
  auto it = p.regions.find(name);
  if (it == p.regions.end())
    return ::testing::AssertionFailure() << "region " << name << " was not drawn";
  const Rect& r = it->second;
  if (r.w < 2 || r.h < 2) return ::testing::AssertionFailure() << name << " is empty";
  const float w = static_cast<float>(p.image.getSize().x),
              h = static_cast<float>(p.image.getSize().y);
  if (r.x < -1 || r.y < -1 || r.r() > w + 1 || r.b() > h + 1)
    return ::testing::AssertionFailure() << name << " lies outside the window";
  std::map<uint32_t, int> colours;
  const int step = std::max(1, static_cast<int>(std::min(r.w, r.h) / 40));
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.b()); y += step)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.r()); x += step) {
      const sf::Color c = p.image.getPixel(static_cast<unsigned>(x), static_cast<unsigned>(y));
      ++colours[(c.r >> 3) << 10 | (c.g >> 3) << 5 | (c.b >> 3)];
    }
  if (colours.size() < 3)
    return ::testing::AssertionFailure() << name << " is blank (" << colours.size() << " colours)";
  if (Share(p.image, r, colour::kBackground, 2) > 0.97)
    return ::testing::AssertionFailure() << name << " shows only the background";
  return ::testing::AssertionSuccess();
}

sf::Color RoleOf(const mf::View& v, int seat) {
  // An organisation's badge: the organisations' colour, no role.
  if (v.seats(seat).kind() == mf::SEAT_ORGANISATION) return colour::kOrganisation;
  return RoleColour(v.seats(seat).role());
}

// --- Parameters: scenario (8 or 30 seats) x window size --------------------------

struct Param {
  const char* scenario;
  Size size;
};

class Scenes : public ::testing::TestWithParam<Param> {
 protected:
  const std::string scenario_ = GetParam().scenario;
  const Size size_ = GetParam().size;
};

std::string Name(const ::testing::TestParamInfo<Param>& info) {
  std::string s = info.param.scenario;
  for (char& c : s)
    if (c == '-') c = '_';
  return s + "_" + std::to_string(info.param.size.w) + "x" + std::to_string(info.param.size.h);
}

INSTANTIATE_TEST_SUITE_P(Client, Scenes,
                         ::testing::Values(Param{"classroom-8", {1280, 720}},
                                           Param{"classroom-8", {1920, 1080}},
                                           Param{"workshop-30", {1280, 720}},
                                           Param{"workshop-30", {1920, 1080}}),
                         Name);

TEST_P(Scenes, Roundtable) {
  auto g = Play(scenario_, PhaseIs(mf::DRAFTING), 12);
  const mf::View v = g->View(0);
  const Picture p = RenderView(v, Scene::kTable, size_);
  for (const char* r : {"topbar", "topbar.phase", "topbar.clock", "table", "draft", "axis", "panel",
                        "hint", "button.ready", "ticker", "table.key"})
    EXPECT_TRUE(Drawn(p, r)) << r;
  const int n = v.seats_size();
  std::vector<Rect> badges;
  for (int i = 0; i < n; ++i) {
    const std::string seat = "seat." + std::to_string(i);
    EXPECT_TRUE(Drawn(p, seat));
    ASSERT_TRUE(p.regions.count(seat + ".badge")) << seat;
    const Rect b = p.regions.at(seat + ".badge");
    // The badge shows its role's colour.
    EXPECT_GT(Share(p.image, b, RoleOf(v, i)), 0.35) << seat << " " << RoleWord(v.seats(i).role());
    // Every seat sits on the table's side of the window.
    const Rect& t = p.regions.at("table");
    EXPECT_TRUE(b.x >= t.x - 1 && b.r() <= t.r() + 1 && b.y >= t.y - 1 && b.b() <= t.b() + 1)
        << seat;
    badges.push_back(b);
  }
  // Legible: no two badges overlap, even with 30 seats at 1280x720.
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const Rect& a = badges[i];
      const Rect& b = badges[j];
      const bool overlap = a.x < b.r() && b.x < a.r() && a.y < b.b() && b.y < a.b();
      EXPECT_FALSE(overlap) << "badges of seats " << i << " and " << j << " overlap";
    }
  // The player's own ideal is on the axis (a gold star), the secret is theirs.
  EXPECT_TRUE(p.regions.count("axis.ideal"));
  EXPECT_GT(Share(p.image, p.regions.at("axis.ideal"), colour::kYou, 40), 0.12);
  // Ready seats carry the green mark.
  for (int i = 0; i < n; ++i)
    if (v.seats(i).ready()) {
      ASSERT_TRUE(p.regions.count("seat." + std::to_string(i) + ".ready"));
      EXPECT_GT(Share(p.image, p.regions.at("seat." + std::to_string(i) + ".ready"), colour::kGood),
                0.25);
    }
}

TEST_P(Scenes, StatementsShowSpeechBubbles) {
  auto g = Play(scenario_, PhaseIs(mf::STATEMENTS));
  // Three statements with words.
  for (int i = 1; i <= 3; ++i) {
    rules::Action a = rules::Action::Make(rules::ActionType::kStatement);
    a.position = 20 * i;
    a.text = "We want fair rules for everyone (" + std::to_string(i) + ").";
    ASSERT_TRUE(g->state().Apply(i, a).ok());
  }
  const mf::View v = g->View(0);
  const Picture p = RenderView(v, Scene::kTable, size_);
  EXPECT_TRUE(Drawn(p, "draft"));
  for (int i = 1; i <= 3; ++i) {
    const std::string b = "bubble." + std::to_string(i);
    ASSERT_TRUE(p.regions.count(b)) << b;
    EXPECT_GT(Share(p.image, p.regions.at(b), colour::kBubble, 6), 0.4) << b;
  }
}

TEST_P(Scenes, TallyBarsAreProportionalToTheVotes) {
  auto g = Play(scenario_, PhaseIs(mf::STATEMENTS));
  const std::vector<mf::VoteChoice> votes = {mf::SUPPORT, mf::SUPPORT,     mf::SUPPORT,
                                             mf::OBJECT,  mf::STAND_ASIDE, mf::SUPPORT};
  CastVotes(g.get(), votes);
  const mf::View v = g->View(7);
  const Picture p = RenderView(v, Scene::kDecide, size_);
  ASSERT_TRUE(Drawn(p, "tally"));
  const Rect bar = p.regions.at("tally");
  const int n = v.seats_size();
  const std::map<std::string, std::pair<int, sf::Color>> want = {
      {"tally.support", {4, colour::kSupport}},
      {"tally.object", {1, colour::kObject}},
      {"tally.stand_aside", {1, colour::kStandAside}}};
  for (const auto& [name, count_colour] : want) {
    ASSERT_TRUE(p.regions.count(name)) << name;
    const Rect seg = p.regions.at(name);
    const double expected = static_cast<double>(bar.w) * count_colour.first / n;
    EXPECT_NEAR(seg.w, expected, 1.0) << name;
    EXPECT_GT(Share(p.image, seg, count_colour.second, 10), 0.6) << name;
    // Measured on the pixels: a row through the bar has that many pixels of the colour.
    int run = 0;
    const unsigned y = static_cast<unsigned>(seg.y + seg.h * 0.85f);
    for (unsigned x = static_cast<unsigned>(bar.x); x < static_cast<unsigned>(bar.r()); ++x)
      run += Near(p.image.getPixel(x, y), count_colour.second, 10);
    EXPECT_NEAR(run, expected, 3.0) << name;
  }
  // Each seat's tile shows its vote.
  for (size_t i = 0; i < votes.size(); ++i) {
    const Rect t = p.regions.at("vote." + std::to_string(i));
    EXPECT_GT(Share(p.image, t, VoteColour(votes[i]), 10), 0.3) << "seat " << i;
  }
  EXPECT_GT(Share(p.image, p.regions.at("vote." + std::to_string(n - 1)), colour::kNotVoted, 6),
            0.3);
}

TEST_P(Scenes, LobbyBriefTalk) {
  auto g = Play(scenario_, PhaseIs(mf::DRAFTING), 20);
  mf::View lobby = g->View(1);
  lobby.set_paused(true);
  std::vector<Presence> roster;
  for (int i = 0; i < lobby.seats_size(); ++i) {
    Presence pr;
    pr.seat = i;
    pr.bot = i % 3 == 0;
    pr.claimed = !pr.bot && i % 2 == 0;
    pr.connected = pr.claimed;
    pr.player = pr.claimed ? "Student " + std::to_string(i) : "";
    roster.push_back(pr);
  }
  Picture p = RenderView(lobby, Scene::kLobby, size_, false, roster);
  EXPECT_TRUE(Drawn(p, "lobby.head"));
  EXPECT_TRUE(Drawn(p, "lobby.seats"));
  for (int i = 0; i < lobby.seats_size(); ++i) {
    const std::string b = "lobby.seat." + std::to_string(i) + ".badge";
    ASSERT_TRUE(p.regions.count(b)) << b;
    EXPECT_GT(Share(p.image, p.regions.at(b), RoleOf(lobby, i)), 0.3) << b;
  }
  p = RenderView(g->View(1), Scene::kBrief, size_);
  for (const char* r : {"brief.badge", "brief.text", "brief.wants", "brief.redlines"})
    EXPECT_TRUE(Drawn(p, r)) << r;
  p = RenderView(g->View(1), Scene::kTalk, size_);
  for (const char* r :
       {"chat", "deal.composer", "deal.give", "deal.ask", "deal.propose", "deal.inbox"})
    EXPECT_TRUE(Drawn(p, r)) << r;
}

// What zbarimg (zbar-tools) reads from the QR code in `img`: "" when none.
std::string ReadQr(const sf::Image& img, const std::string& name) {
  std::filesystem::create_directories(MF_TEST_TMP_DIR);
  const std::string png = std::string(MF_TEST_TMP_DIR) + "/" + name + ".png";
  EXPECT_TRUE(img.saveToFile(png));
  const mf::testing::CommandResult r = mf::testing::RunCommand("zbarimg --raw -q " + png);
  std::string text = r.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return r.code == 0 ? text : "";
}

// The projector's and the facilitator's lobby show the browser link and its
// QR code, which reads back as the link; a player's lobby does not.
TEST_P(Scenes, LobbyShowsTheBrowserLinkAsAQrCodeThatReadsBack) {
  auto g = Play(scenario_, PhaseIs(mf::CIVIL_SOCIETY));
  const std::string link = "http://192.168.10.20:8080/#join=KQ7M-3PXA";
  for (const int viewer : {rules::kSpectatorView, rules::kFacilitatorView, 1}) {
    mf::View v = g->View(viewer);
    v.set_paused(true);
    AppOptions o;
    o.animate = false;
    o.projector = viewer == rules::kSpectatorView;
    App app(TestAssets(), o);
    Snapshot s;
    s.view = std::make_shared<mf::View>(v);
    s.link = Link::kLive;
    s.join_code = "KQ7M-3PXA";
    s.web_link = link;
    app.SetSnapshot(s, MonotonicSeconds());
    app.SetScene(Scene::kLobby);
    const Picture p = Render(app, size_);
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const std::string file =
        name.substr(name.find('/') + 1) + "_lobby_viewer" + std::to_string(viewer + 2);
    if (viewer >= 0) {
      EXPECT_FALSE(p.regions.count("lobby.qr")) << "a player's lobby shows no QR code";
      EXPECT_EQ(ReadQr(p.image, file), "");
      continue;
    }
    ASSERT_TRUE(p.regions.count("lobby.qr")) << viewer;
    EXPECT_TRUE(Drawn(p, "lobby.link")) << viewer;
    // Black on white: a QR code is about half dark modules, in a white quiet zone.
    const Rect qr_area = p.regions.at("lobby.qr");
    const double dark = Share(p.image, qr_area, sf::Color(16, 16, 16), 8),
                 white = Share(p.image, qr_area, sf::Color::White, 8);
    EXPECT_GT(dark, 0.2) << viewer;
    EXPECT_GT(white, 0.3) << viewer;
    EXPECT_GT(dark + white, 0.99) << viewer;
    // The QR code is inside the lobby's head, beside the join code, and square.
    const Rect qr = p.regions.at("lobby.qr"), head = p.regions.at("lobby.head");
    EXPECT_GE(qr.x, head.x - 1);
    EXPECT_LE(qr.r(), head.r() + 1);
    EXPECT_FLOAT_EQ(qr.w, qr.h);
    EXPECT_LE(p.regions.at("lobby.link").y, head.b() + 1);
    EXPECT_EQ(ReadQr(p.image, file), link) << viewer;
  }
}

TEST(ClientQr, TheMatrixIsLibqrencodesAndTheLinkIsComposedFromWhatForumdSaid) {
  const std::vector<std::string> texts = {"http://192.168.10.20:8080/#join=KQ7M-3PXA",
                                          "https://forum.school.example/#join=AB",
                                          std::string(300, 'x')};
  for (const std::string& text : texts) {
    const QrMatrix m = EncodeQr(text);
    QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    ASSERT_TRUE(q);
    ASSERT_EQ(m.size, q->width);
    int dark = 0;
    for (int y = 0; y < m.size; ++y)
      for (int x = 0; x < m.size; ++x) {
        EXPECT_EQ(m.at(x, y), (q->data[y * q->width + x] & 1) != 0) << x << "," << y;
        dark += m.at(x, y);
      }
    EXPECT_GT(dark, m.size * m.size / 4);  // Not blank.
    EXPECT_LT(dark, m.size * m.size * 3 / 4);
    QRcode_free(q);
  }
  EXPECT_EQ(BrowserLink("127.0.0.1:50051", false, 8080, "", "KQ7M-3PXA"),
            "http://127.0.0.1:8080/#join=KQ7M-3PXA");
  EXPECT_EQ(BrowserLink("forum.school.example:443", true, 8443, "", "AB"),
            "https://forum.school.example:8443/#join=AB");
  EXPECT_EQ(BrowserLink("[::1]:50051", false, 8080, "", "AB"), "http://[::1]:8080/#join=AB");
  EXPECT_EQ(BrowserLink("localhost", false, 8080, "", "AB"), "http://localhost:8080/#join=AB");
  EXPECT_EQ(BrowserLink("10.0.0.2:50051", false, 8080, "https://forum.example/", "AB"),
            "https://forum.example/#join=AB");                        // --web-public-url wins.
  EXPECT_EQ(BrowserLink("10.0.0.2:50051", false, 0, "", "AB"), "");   // No web port.
  EXPECT_EQ(BrowserLink("10.0.0.2:50051", false, 8080, "", ""), "");  // No code yet.
}

TEST_P(Scenes, OutcomeOfACycleAndTheEnd) {
  auto g = Play(scenario_, PhaseIs(mf::CIVIL_SOCIETY, 2));
  Picture p = RenderView(g->View(0), Scene::kOutcome, size_);
  for (const char* r : {"outcome.title", "outcome.texts", "outcome.numbers", "chart.regime",
                        "chart.flows", "chart.approval", "chart.trust"})
    EXPECT_TRUE(Drawn(p, r)) << r;
  ASSERT_TRUE(g->RunUntil([](const rules::State& s) { return s.IsTerminal(); }));
  const mf::View end = g->View(0);
  p = RenderView(end, Scene::kFinal, size_);
  for (const char* r : {"final.ranking", "final.network", "final.regime"})
    EXPECT_TRUE(Drawn(p, r)) << r;
  for (int i = 0; i < end.seats_size(); ++i)
    EXPECT_TRUE(p.regions.count("final.row." + std::to_string(i))) << i;
  // The winner's row is highlighted in gold.
  ASSERT_GT(end.winners_size(), 0);
  EXPECT_GT(Share(p.image, p.regions.at("final.row." + std::to_string(end.winners(0))),
                  Mix(colour::kYou, sf::Color::White, 0.7f), 8),
            0.3);
}

TEST_P(Scenes, FacilitatorAndProjector) {
  auto g = Play(scenario_, PhaseIs(mf::DRAFTING), 10);
  const mf::View f = g->View(rules::kFacilitatorView);
  Picture p = RenderView(f, Scene::kControl, size_);
  EXPECT_TRUE(Drawn(p, "control.roster"));
  for (int i = 0; i < f.seats_size(); ++i)
    EXPECT_TRUE(p.regions.count("control.seat." + std::to_string(i))) << i;
  p = RenderView(f, Scene::kBrief, size_);
  EXPECT_TRUE(Drawn(p, "brief.wants"));  // The facilitator reads every brief.
  p = RenderView(f, Scene::kTable, size_);
  EXPECT_TRUE(Drawn(p, "panel"));
  // The projector: the public roundtable, no action panel, bigger type.
  const mf::View s = g->View(rules::kSpectatorView);
  p = RenderView(s, Scene::kTable, size_, true);
  EXPECT_TRUE(Drawn(p, "table"));
  EXPECT_FALSE(p.regions.count("panel"));
  EXPECT_FALSE(p.regions.count("axis.ideal"));  // Nobody's secret on the big screen.
  EXPECT_GT(p.regions.at("table").w, static_cast<float>(size_.w) * 0.9f);
}

TEST_P(Scenes, ImplementationShowsTheRoutes) {
  auto g = Play(scenario_, PhaseIs(mf::IMPLEMENTATION));
  const Picture p = RenderView(g->View(0), Scene::kDecide, size_);
  EXPECT_TRUE(Drawn(p, "panel"));
  EXPECT_TRUE(Drawn(p, "main"));
}

// --- Single cases ----------------------------------------------------------------------

TEST(ClientScenes, RatificationGrid) {
  auto g = Ratification();
  ASSERT_TRUE(g);
  ASSERT_EQ(g->state().phase(), mf::RATIFICATION);
  const mf::View v = g->View(0);
  const Picture p = RenderView(v, Scene::kDecide, {1920, 1080});
  ASSERT_TRUE(Drawn(p, "ratification"));
  int checked = 0;
  for (const mf::Text& t : v.texts()) {
    if (t.form() != mf::BINDING_CONVENTION || t.cycle() != v.cycle()) continue;
    for (int i = 0; i < v.seats_size(); ++i) {
      const Rect r = p.regions.at("ratify." + std::to_string(t.id()) + "." + std::to_string(i));
      const bool yes = std::count(t.ratified_by().begin(), t.ratified_by().end(), i) > 0;
      const bool no = std::count(t.declined_by().begin(), t.declined_by().end(), i) > 0;
      const sf::Color c = yes ? colour::kGood : no ? colour::kBad : colour::kNotVoted;
      EXPECT_GT(Share(p.image, r, c, 10), 0.3) << "seat " << i;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(ClientScenes, Utf8NamesAreDrawn) {
  auto g = Play("classroom-8", PhaseIs(mf::STATEMENTS));
  mf::View v = g->View(0);
  v.mutable_seats(1)->set_name("Côte d’Ivoire");
  v.mutable_seats(2)->set_name("Ελληνική Δημοκρατία");
  v.mutable_seats(3)->set_name("Türkiye — Zoë");
  const Picture p = RenderView(v, Scene::kTable, {1280, 720});
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(Drawn(p, "seat." + std::to_string(i)));
  EXPECT_EQ(FromUtf8("Zoë").getSize(), 3u);
  EXPECT_EQ(ToUtf8(FromUtf8("Ελλάδα")), "Ελλάδα");
}

// A view-only App (no connection) that records what a click would send.
class Recorder : public Connection {
 public:
  void Send(const mf::Action& a, uint64_t, const std::string&) override { sent.push_back(a); }
  void SendChat(const Channel&, const std::string& text) override { chats.push_back(text); }
  std::string Describe() const override { return "recorder"; }
  void Push(const mf::View& v) { inbox_.SetView(std::make_shared<mf::View>(v), 90); }
  std::vector<mf::Action> sent;
  std::vector<std::string> chats;
};

sf::Event Key(sf::Keyboard::Key k) {
  sf::Event e;
  e.type = sf::Event::KeyPressed;
  e.key = {k, false, false, false, false};
  return e;
}

sf::Event Mouse(sf::Event::EventType type, sf::Vector2f at) {
  sf::Event e;
  e.type = type;
  if (type == sf::Event::MouseMoved) {
    e.mouseMove = {static_cast<int>(at.x), static_cast<int>(at.y)};
  } else {
    e.mouseButton = {sf::Mouse::Left, static_cast<int>(at.x), static_cast<int>(at.y)};
  }
  return e;
}

TEST(ClientInput, KeysAndClicksBecomeActionsAndGreyButtonsExplainThemselves) {
  auto g = Play("classroom-8", PhaseIs(mf::STATEMENTS));
  CastVotes(g.get(), {});
  auto conn = std::make_unique<Recorder>();
  Recorder* rec = conn.get();
  rec->Push(g->View(0));
  AppOptions o;
  o.animate = false;
  App app(TestAssets(), o);
  app.SetConnection(std::move(conn));
  double now = MonotonicSeconds();
  ASSERT_TRUE(app.Tick(now));
  EXPECT_EQ(app.scene(), Scene::kDecide);  // The phase chooses the scene.
  Picture p = Render(app, {1280, 720});
  // "2" is Stand aside.
  app.HandleEvent(Key(sf::Keyboard::Num2));
  Render(app, {1280, 720});
  ASSERT_EQ(rec->sent.size(), 1u);
  EXPECT_EQ(rec->sent[0].vote().choice(), mf::STAND_ASIDE);
  // A click on Support.
  Rect support = p.regions.at("button.vote.1");
  app.HandleEvent(Mouse(sf::Event::MouseButtonPressed, support.centre()));
  Render(app, {1280, 720});
  ASSERT_EQ(rec->sent.size(), 2u);
  EXPECT_EQ(rec->sent[1].vote().choice(), mf::SUPPORT);
  // Once the vote is in, its button is grey and says why on hover.
  rules::Action a = rules::Action::Make(rules::ActionType::kVote);
  a.vote = mf::SUPPORT;
  ASSERT_TRUE(g->state().Apply(0, a).ok());
  rec->Push(g->View(0));
  now = MonotonicSeconds();
  app.Tick(now);
  p = Render(app, {1280, 720});
  support = p.regions.at("button.vote.1");  // The panel's text changed: the button moved.
  app.HandleEvent(Mouse(sf::Event::MouseMoved, support.centre()));
  p = Render(app, {1280, 720});
  EXPECT_GT(Share(p.image, support, colour::kDisabled, 6), 0.4);
  // The tooltip box (dark) is drawn just below-right of the mouse.
  const Rect tip{support.centre().x + 16, support.centre().y + 20, 60, 12};
  EXPECT_GT(Share(p.image, tip, sf::Color(40, 44, 52), 6), 0.5);
  app.HandleEvent(Mouse(sf::Event::MouseButtonPressed, support.centre()));
  Render(app, {1280, 720});
  EXPECT_EQ(rec->sent.size(), 2u);  // A grey button sends nothing.
  // Tab moves to the next scene; letters jump to a tab.
  app.HandleEvent(Key(sf::Keyboard::T));
  Render(app, {1280, 720});
  EXPECT_EQ(app.scene(), Scene::kTable);
  app.HandleEvent(Key(sf::Keyboard::Tab));
  Render(app, {1280, 720});
  EXPECT_EQ(app.scene(), Scene::kTalk);
}

TEST(ClientInput, TheTallyAnimatesThenTheLoopGoesIdle) {
  auto g = Play("classroom-8", PhaseIs(mf::STATEMENTS));
  CastVotes(g.get(), {mf::SUPPORT});
  auto conn = std::make_unique<Recorder>();
  Recorder* rec = conn.get();
  rec->Push(g->View(0));
  App app(TestAssets(), AppOptions());
  app.SetConnection(std::move(conn));
  sf::RenderTexture rt;
  ASSERT_TRUE(rt.create(1280, 720));
  double now = MonotonicSeconds();
  app.Tick(now);
  app.Draw(rt, now);
  // Three more votes arrive: the bars move for a while, then stop.
  for (int i = 1; i <= 3; ++i) {
    rules::Action a = rules::Action::Make(rules::ActionType::kVote);
    a.vote = mf::OBJECT;
    ASSERT_TRUE(g->state().Apply(i, a).ok());
  }
  rec->Push(g->View(0));
  ASSERT_TRUE(app.Tick(now));
  app.Draw(rt, now);
  EXPECT_TRUE(app.Animating(now));
  const double w0 = app.regions().count("tally.object") ? app.regions().at("tally.object").w : 0;
  int frames = 0;
  while (app.Animating(now) && frames < 600) {
    now += 1.0 / 60;
    app.Draw(rt, now);
    ++frames;
  }
  EXPECT_GT(frames, 10);   // It did animate...
  EXPECT_LT(frames, 180);  // ...for less than three seconds.
  const double w1 = app.regions().at("tally.object").w;
  EXPECT_GT(w1, w0);
  EXPECT_NEAR(w1, app.regions().at("tally").w * 3 / 8, 1.0);
  // Nothing changes now: no redraw is asked for (the clock ticks once a second at most).
  int asks = 0;
  for (int k = 0; k < 50; ++k) {
    now += 0.02;
    if (app.Tick(now)) {
      ++asks;
      app.Draw(rt, now);
    }
  }
  EXPECT_LE(asks, 2);
}

// --- Press desks and walk-outs (issue 13) ------------------------------------------

// Lets `app` take the recorder's newest view and draws it.
Picture Refresh(App& app, Recorder* rec, const mf::View& v) {
  rec->Push(v);
  app.Tick(MonotonicSeconds());
  return Render(app, {1280, 720});
}

Picture Click(App& app, sf::Vector2f at) {
  app.HandleEvent(Mouse(sf::Event::MouseMoved, at));
  app.HandleEvent(Mouse(sf::Event::MouseButtonPressed, at));
  Picture p = Render(app, {1280, 720});
  app.HandleEvent(Mouse(sf::Event::MouseButtonReleased, at));
  return p;
}

void Type(App& app, const std::string& utf8) {
  for (sf::Uint32 c : sf::String::fromUtf8(utf8.begin(), utf8.end())) {
    sf::Event e;
    e.type = sf::Event::TextEntered;
    e.text.unicode = c;
    app.HandleEvent(e);
  }
}

// A press desk's panel: a state, praise or criticism, the words, Publish;
// Publish greyed while the report has no words and, once the desk has
// published its report of the phase, with the engine's reason. The report
// then shows in every viewer's talk scene.
TEST(ClientPress, ThePanelPublishesAndItsButtonFollowsTheEnginesVerdict) {
  std::string error;
  std::unique_ptr<DemoGame> g = DemoGame::Make("classroom-8", 5, &error, "mixed", 2);
  ASSERT_TRUE(g) << error;
  ASSERT_TRUE(g->RunUntil(PhaseIs(mf::STATEMENTS)));
  const int desk = rules::PressActor(1);  // The second desk.
  mf::View v = g->View(desk);
  ASSERT_TRUE(IsPress(v));
  ASSERT_FALSE(IsPlayer(v));
  ASSERT_EQ(v.press_desk(), 1);
  ASSERT_GE(v.press_reports_left(), 1);
  auto conn = std::make_unique<Recorder>();
  Recorder* rec = conn.get();
  AppOptions o;
  o.animate = false;
  App app(TestAssets(), o);
  app.SetConnection(std::move(conn));
  Picture p = Refresh(app, rec, v);
  EXPECT_EQ(app.scene(), Scene::kTable);
  // A desk has no brief and no Ready button; the panel is drawn.
  for (const char* region :
       {"panel", "button.publish", "press.text", "press.praise", "press.criticise", "press.about"})
    EXPECT_TRUE(p.regions.count(region)) << region;
  EXPECT_FALSE(p.regions.count("button.ready"));
  EXPECT_TRUE(Drawn(p, "panel"));
  // The states are offered, each a button; nothing written yet: Publish is grey.
  for (const mf::SeatPublic& s : v.seats())
    EXPECT_TRUE(p.regions.count("press.state." + std::to_string(s.index()))) << s.name();
  EXPECT_GT(Share(p.image, p.regions.at("button.publish"), colour::kDisabled, 6), 0.4);
  // Pick the third state, criticise, write, publish.
  p = Click(app, p.regions.at("press.state.2").centre());
  p = Click(app, p.regions.at("press.criticise").centre());
  p = Click(app, p.regions.at("press.text").centre());
  Type(app, "Promised visas, delivered fences.");
  p = Render(app, {1280, 720});
  EXPECT_LT(Share(p.image, p.regions.at("button.publish"), colour::kDisabled, 6), 0.1);
  ASSERT_TRUE(rec->sent.empty());
  p = Click(app, p.regions.at("button.publish").centre());
  ASSERT_EQ(rec->sent.size(), 1u);
  const mf::PublishReport& sent = rec->sent[0].publish_report();
  EXPECT_EQ(sent.about(), 2);
  EXPECT_FALSE(sent.praise());
  EXPECT_EQ(sent.text(), "Promised visas, delivered fences.");
  EXPECT_EQ(sent.text_id(), 0);
  // The engine takes it; the desk has used its report of this phase.
  rules::Action a;
  ASSERT_TRUE(rules::ActionFromProto(rec->sent[0], g->state().scenario(), &a, &error)) << error;
  ASSERT_TRUE(g->state().Apply(desk, a).ok());
  v = g->View(desk);
  ASSERT_EQ(v.press_reports_size(), 1);
  ASSERT_EQ(v.press_reports_left(), 0);
  p = Refresh(app, rec, v);
  p = Click(app, p.regions.at("press.text").centre());
  Type(app, "And again.");
  p = Render(app, {1280, 720});
  const Rect publish = p.regions.at("button.publish");
  app.HandleEvent(Mouse(sf::Event::MouseMoved, publish.centre()));
  p = Render(app, {1280, 720});
  EXPECT_GT(Share(p.image, publish, colour::kDisabled, 6), 0.4);
  // The tooltip box (dark) is drawn just below-right of the mouse.
  const Rect tip{publish.centre().x + 16, publish.centre().y + 20, 60, 12};
  EXPECT_GT(Share(p.image, tip, sf::Color(40, 44, 52), 6), 0.5);
  // The reason is the engine's own, as the view carries it.
  mf::Action again = rec->sent[0];
  again.mutable_publish_report()->set_text("And again.");
  const std::string why = WhyNot(v, again);
  EXPECT_NE(why.find("published its 1 report in this phase"), std::string::npos) << why;
  EXPECT_EQ(why, g->state().Check(desk, a).message);
  app.HandleEvent(Mouse(sf::Event::MouseButtonPressed, publish.centre()));
  Render(app, {1280, 720});
  EXPECT_EQ(rec->sent.size(), 1u);  // A grey button sends nothing.
  // The report is public: the desk's talk scene lists it beside the chat,
  // a state's and the projector's under the chat.
  app.SetScene(Scene::kTalk);
  p = Render(app, {1280, 720});
  EXPECT_TRUE(p.regions.count("press.reports"));
  EXPECT_TRUE(p.regions.count("press.report.0"));
  EXPECT_TRUE(p.regions.count("button.publish"));  // The panel beside them.
  EXPECT_TRUE(Drawn(p, "chat"));
  EXPECT_GT(Share(p.image, p.regions.at("press.report.0"), colour::kPanelAlt, 6), 0.3);
  for (int viewer : {0, rules::kSpectatorView}) {
    Picture q = RenderView(g->View(viewer), Scene::kTalk, {1280, 720});
    EXPECT_TRUE(q.regions.count("press.report.0")) << viewer;
    EXPECT_TRUE(q.regions.count("chat")) << viewer;
  }
  // A state's view is no press desk: no press panel in its table scene.
  Picture seat = RenderView(g->View(0), Scene::kTable, {1280, 720});
  EXPECT_FALSE(seat.regions.count("button.publish"));
}

// The walk-out (kind 28) in the decision: offered to a destination where the
// forum votes; greyed with the engine's reason for a source, at a consensus
// forum, and once out.
TEST(ClientWalkOut, TheButtonFollowsTheEnginesVerdict) {
  auto g = Play("convention", PhaseIs(mf::DECISION));
  ASSERT_TRUE(g);
  ASSERT_EQ(g->state().phase(), mf::DECISION);
  int dest = -1, source = -1;
  const mf::View pub = g->View(rules::kSpectatorView);
  for (const mf::SeatPublic& s : pub.seats()) {
    if (s.kind() == mf::SEAT_ORGANISATION || g->state().seat(s.index()).ready) continue;
    if (s.role() == mf::DESTINATION && dest < 0) dest = s.index();
    if (s.role() == mf::SOURCE && source < 0) source = s.index();
  }
  ASSERT_GE(dest, 0);
  ASSERT_GE(source, 0);
  mf::Action walk;
  walk.mutable_walk_out();
  auto conn = std::make_unique<Recorder>();
  Recorder* rec = conn.get();
  AppOptions o;
  o.animate = false;
  App app(TestAssets(), o);
  app.SetConnection(std::move(conn));
  Picture p = Refresh(app, rec, g->View(dest));
  ASSERT_EQ(app.scene(), Scene::kDecide);
  ASSERT_TRUE(p.regions.count("button.walk_out"));
  EXPECT_EQ(WhyNot(g->View(dest), walk), "");
  EXPECT_LT(Share(p.image, p.regions.at("button.walk_out"), colour::kDisabled, 6), 0.1);
  p = Click(app, p.regions.at("button.walk_out").centre());
  ASSERT_EQ(rec->sent.size(), 1u);
  EXPECT_TRUE(rec->sent[0].has_walk_out());
  // Once out: grey, with the engine's reason.
  ASSERT_TRUE(g->state().Apply(dest, rules::Action::Make(rules::ActionType::kWalkOut)).ok());
  p = Refresh(app, rec, g->View(dest));
  ASSERT_TRUE(p.regions.count("button.walk_out"));
  EXPECT_GT(Share(p.image, p.regions.at("button.walk_out"), colour::kDisabled, 6), 0.4);
  EXPECT_NE(WhyNot(g->View(dest), walk).find("already walked out"), std::string::npos);
  Click(app, p.regions.at("button.walk_out").centre());
  EXPECT_EQ(rec->sent.size(), 1u);
  // A source: grey, "only a destination state walks out of the vote".
  Picture s = RenderView(g->View(source), Scene::kDecide, {1280, 720});
  ASSERT_TRUE(s.regions.count("button.walk_out"));
  EXPECT_GT(Share(s.image, s.regions.at("button.walk_out"), colour::kDisabled, 6), 0.4);
  EXPECT_NE(WhyNot(g->View(source), walk).find("only a destination"), std::string::npos);
  // A consensus forum (classroom-8): grey for everyone, with the reason.
  auto c = Play("classroom-8", PhaseIs(mf::DECISION));
  ASSERT_TRUE(c);
  for (int seat = 0; seat < c->state().num_seats(); ++seat) {
    if (c->state().scenario().seats()[static_cast<size_t>(seat)].role != mf::DESTINATION) continue;
    const mf::View v = c->View(seat);
    EXPECT_NE(WhyNot(v, walk).find("only a forum that votes"), std::string::npos);
    Picture q = RenderView(v, Scene::kDecide, {1280, 720});
    ASSERT_TRUE(q.regions.count("button.walk_out"));
    EXPECT_GT(Share(q.image, q.regions.at("button.walk_out"), colour::kDisabled, 6), 0.4);
    break;
  }
}

// A campaign session: what carried over is in the brief and the top bar.
TEST(ClientCampaign, WhatCarriedOverIsInTheBriefAndTheTopBar) {
  auto g = Play("classroom-8", PhaseIs(mf::STATEMENTS));
  ASSERT_TRUE(g);
  mf::View v = g->View(0);
  Picture plain = RenderView(v, Scene::kBrief, {1280, 720});
  EXPECT_FALSE(plain.regions.count("brief.carried"));
  EXPECT_FALSE(plain.regions.count("topbar.carried"));
  v.set_carried("Carried over from hld-2006: trust, reputations and the forum it chose.");
  Picture p = RenderView(v, Scene::kBrief, {1280, 720});
  ASSERT_TRUE(p.regions.count("brief.carried"));
  EXPECT_TRUE(p.regions.count("topbar.carried"));
  const Rect box = p.regions.at("brief.carried");
  EXPECT_LT(box.b(), p.regions.at("brief.text").b());
  EXPECT_TRUE(Drawn(p, "brief.carried"));
}

}  // namespace
}  // namespace mf::client
