// The balance lab: statistics, determinism across threads, imbalance
// detection, parameter sweeps, the chart (PNG, SVG, PDF through Cairo) and
// strategy mixes; and the README's role-balance claim on every real scenario.
#include <cairo.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "balance_util.h"
#include "bots/bot.h"
#include "test_scale.h"
#include "test_util.h"
#include "tools/balance.h"
#include "tools/chart.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

// Balance options with the default bot mix: `games` games on `threads`
// threads from `seed` (the options' own default seed when left out).
BalanceOptions DefaultMixOptions(int games, int threads, std::optional<uint64_t> seed = {}) {
  BalanceOptions o;
  o.games = games;
  if (seed) o.seed = *seed;
  o.mix = testing::DefaultMixOrFail();
  o.threads = threads;
  return o;
}

const WinStat& Role(const Report& r, const std::string& name) {
  for (const WinStat& w : r.roles)
    if (w.name == name) return w;
  ADD_FAILURE() << "no role " << name;
  return r.roles.front();
}

TEST(BalanceWilson, KnownValues) {
  const Interval half = Wilson(50, 100);
  EXPECT_NEAR(half.low, 0.4038, 1e-4);
  EXPECT_NEAR(half.high, 0.5962, 1e-4);
  const Interval none = Wilson(0, 10);
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
  const Interval all = Wilson(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  const Interval big = Wilson(4120, 10000);
  EXPECT_LT(big.low, 0.412);
  EXPECT_GT(big.high, 0.412);
  EXPECT_NEAR(big.high - big.low, 2 * 1.96 * std::sqrt(0.412 * 0.588 / 10000), 1e-4);
}

TEST(BalanceMix, DefaultAndWeights) {
  Mix mix = testing::DefaultMixOrFail();
  ASSERT_EQ(mix.size(), 4u);
  EXPECT_EQ(mix[0].strategy, "hardliner");
  EXPECT_DOUBLE_EQ(mix[1].weight, 2.0);
  EXPECT_EQ(MixText(mix), kDefaultMix);
  std::string error;
  ASSERT_TRUE(ParseMix("cooperator", &mix, &error)) << error;
  ASSERT_EQ(mix.size(), 1u);
  EXPECT_DOUBLE_EQ(mix[0].weight, 1.0);
}

TEST(BalanceMix, UnknownStrategyIsRejected) {
  Mix mix;
  std::string error;
  EXPECT_FALSE(ParseMix("hardliner:1,no_such_bot:2", &mix, &error));
  EXPECT_NE(error.find("no_such_bot"), std::string::npos) << error;
  for (const std::string& name : bots::StrategyNames())
    EXPECT_NE(error.find(name), std::string::npos) << "the error lists " << name << ": " << error;
  EXPECT_FALSE(ParseMix("cooperator:0", &mix, &error));
  EXPECT_FALSE(ParseMix("cooperator:x", &mix, &error));
  EXPECT_FALSE(ParseMix("cooperator,cooperator", &mix, &error));
  EXPECT_FALSE(ParseMix("cooperator,,dealmaker", &mix, &error));
}

TEST(BalanceSetup, DependsOnSeedAndGameOnly) {
  const Mix mix = testing::DefaultMixOrFail();
  const GameSetup a = SetupGame(mix, 8, 7, 3), b = SetupGame(mix, 8, 7, 3);
  EXPECT_EQ(a.game_seed, b.game_seed);
  EXPECT_EQ(a.bot_seed, b.bot_seed);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_NE(SetupGame(mix, 8, 7, 4).game_seed, a.game_seed);
  EXPECT_NE(SetupGame(mix, 8, 8, 3).game_seed, a.game_seed);
  // Seats follow the weights (1:2:2:1) over many games.
  std::vector<int> count(mix.size(), 0);
  for (int g = 0; g < 3000; ++g)
    for (int k : SetupGame(mix, 8, 1, g).strategy) ++count[k];
  const double n = 3000.0 * 8;
  EXPECT_NEAR(count[0] / n, 1 / 6.0, 0.01);
  EXPECT_NEAR(count[1] / n, 2 / 6.0, 0.01);
  EXPECT_NEAR(count[2] / n, 2 / 6.0, 0.01);
  EXPECT_NEAR(count[3] / n, 1 / 6.0, 0.01);
}

TEST(BalanceReport, ReportDoesNotDependOnThreads) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(80, 1, 42);
  std::vector<GameRecord> records1;
  const Report one = RunBalance(sc, o, nullptr, &records1);
  o.threads = 2;
  const Report two = RunBalance(sc, o, nullptr);
  o.threads = 5;
  const Report five = RunBalance(sc, o, nullptr);
  EXPECT_EQ(ReportJson(one, false), ReportJson(two, false));
  EXPECT_EQ(ReportJson(one, false), ReportJson(five, false));
  EXPECT_EQ(ReportJson(one, false), ReportJson(Aggregate(*sc, o.mix, o.seed, records1), false));
  EXPECT_EQ(ReportJson(one, false).find("games_per_second"), std::string::npos);
  EXPECT_NE(ReportJson(one, true).find("games_per_second"), std::string::npos);

  // The report is complete and consistent.
  EXPECT_EQ(one.games, 80);
  EXPECT_EQ(one.unfinished, 0);
  long long wins = 0;
  for (const WinStat& w : one.roles) wins += w.wins;
  EXPECT_EQ(wins, 80);
  double fair = 0;
  for (const WinStat& w : one.roles) fair += w.fair_share;
  EXPECT_NEAR(fair, 1.0, 1e-12);
  ASSERT_EQ(one.seats.size(), 8u);
  EXPECT_EQ(static_cast<int>(one.cycle_means.size()), sc->cycles());
  for (const ItemStat& it : one.items) {
    double f = 0;
    for (const OutcomeFrequency& x : it.outcomes) f += x.frequency;
    EXPECT_GE(f, 1.0 - 1e-9) << it.key;
  }
  EXPECT_EQ(one.forms.size(), 3u);
  const std::string csv = GamesCsv(*sc, o.mix, records1);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 81);
}

// Synthetic records: the winner of every game is given; scores are flat.
std::vector<GameRecord> Synthetic(const rules::Scenario& sc, const std::vector<int>& winners) {
  std::vector<GameRecord> out;
  for (size_t g = 0; g < winners.size(); ++g) {
    GameRecord r;
    r.game = static_cast<int>(g);
    r.finished = true;
    r.winner = winners[g];
    r.strategy.assign(static_cast<size_t>(sc.num_seats()), 0);
    r.score.assign(static_cast<size_t>(sc.num_seats()), 50.0);
    out.push_back(r);
  }
  return out;
}

TEST(BalanceReport, ImbalanceWhenIntervalExcludesFairShare) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  Mix mix;
  std::string error;
  ASSERT_TRUE(ParseMix("cooperator", &mix, &error));
  int dest = -1, src = -1;
  for (int s = 0; s < sc->num_seats(); ++s) {
    if (sc->seats()[s].role == mf::DESTINATION && dest < 0) dest = s;
    if (sc->seats()[s].role == mf::SOURCE && src < 0) src = s;
  }
  ASSERT_GE(dest, 0);
  ASSERT_GE(src, 0);

  // Every seat wins equally often: nothing to report.
  std::vector<int> even;
  for (int g = 0; g < 800; ++g) even.push_back(g % sc->num_seats());
  const Report fair = Aggregate(*sc, mix, 1, Synthetic(*sc, even));
  EXPECT_TRUE(fair.imbalances.empty()) << ReportJson(fair);
  EXPECT_TRUE(Balanced(fair));

  // One destination wins 70% of the games, a source seat the rest.
  std::vector<int> skewed;
  for (int g = 0; g < 1000; ++g) skewed.push_back(g % 10 < 7 ? dest : src);
  const Report rep = Aggregate(*sc, mix, 1, Synthetic(*sc, skewed));
  const WinStat& d = Role(rep, "destination");
  EXPECT_DOUBLE_EQ(d.win_rate, 0.7);
  bool role_flagged = false, seat_flagged = false;
  for (const Imbalance& im : rep.imbalances) {
    if (im.kind == "role" && im.name == "destination") {
      role_flagged = true;
      EXPECT_TRUE(im.favoured);
      EXPECT_GT(im.ci95.low, im.fair_share);
      EXPECT_NE(im.message.find("destination wins 70.0% of games"), std::string::npos)
          << im.message;
      EXPECT_NE(im.message.find("favoured"), std::string::npos);
    }
    if (im.kind == "seat" && im.name == sc->seats()[dest].name) seat_flagged = true;
    if (im.kind == "role" && im.name == "transit") {
      EXPECT_FALSE(im.favoured);
    }
  }
  EXPECT_TRUE(role_flagged) << ReportJson(rep);
  EXPECT_TRUE(seat_flagged);
  EXPECT_FALSE(Balanced(rep));
  EXPECT_NE(ReportJson(rep).find("\"imbalances\":[{\"kind\":\"role\""), std::string::npos);
}

// The README's role-balance table ("role imbalances: none") on the real
// scenarios with the default mix and seed 1: no role's win rate has an
// interval that excludes its fair share, and every seat wins 0.5x-1.5x its
// fair share (seat offsets tuned by forumctl tune with seed 1). 10,000 games
// per scenario, as the table, where the report's own 95% test must flag no
// role. Under the sanitizers (MF_TEST_SCALE=0.25) the games are the first
// 2,500 of the same seeded games, and the three roles of every scenario are
// tested together: at 95% each, 21 level roles would see one flagged by
// chance in about two runs of three (1 - 0.95^21), so the scaled run holds
// the whole family to 5% (Bonferroni: each role's interval at 1 - 0.05/21,
// z = 3.04). It still sees a mistuning: classroom-8's transit offset at -5.5
// instead of -4.29 moves transit from 25.6% to 16.9% and destination from
// 37.2% to 44.5% over these 2,500 games (forumctl sweep --scenario
// classroom-8 --param role_offset_transit --values=-5.5,-4.29 --games 2500
// --seed 1), 9 and 7 standard errors from their fair shares. The seat
// criterion needs no correction: 0.5x and 1.5x lie at least 4 standard
// errors from a level seat even in workshop-30 at 2,500 games (fair share
// 1/30: 83 wins expected, a standard error of 9, 11% of it).
TEST(BalanceScenarios, NoRoleImbalanceInAnyScenario) {
  const int games = testing::Scaled(10000, 2500);
  // Two-sided z that holds every role test of every scenario to 5% together.
  int role_tests = 0;
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) {
    auto sc = testing::LoadOrFail(e.name);
    ASSERT_TRUE(sc);
    std::set<int> roles;
    for (const auto& seat : sc->seats())
      if (!seat.organisation) roles.insert(static_cast<int>(seat.role));
    role_tests += static_cast<int>(roles.size());
  }
  double lo = 1.96, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erfc(mid / std::sqrt(2.0)) > 0.05 / role_tests ? lo : hi) = mid;
  }
  const double family_z = lo;
  int scenarios = 0;
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) {
    SCOPED_TRACE(e.name);
    auto sc = testing::LoadOrFail(e.name);
    ASSERT_TRUE(sc);
    BalanceOptions o = DefaultMixOptions(games, 2, 1);
    const Report rep = RunBalance(sc, o, nullptr);
    ASSERT_EQ(rep.games, games);
    EXPECT_EQ(rep.unfinished, 0);
    ASSERT_EQ(rep.roles.size(), 3u);
    std::string rates;
    for (const WinStat& w : rep.roles) {
      EXPECT_GT(w.games, 0);
      rates += " " + w.name + " " + std::to_string(w.win_rate).substr(0, 5) + "/" +
               std::to_string(w.fair_share).substr(0, 5);
    }
    if (games >= 10000) {
      for (const Imbalance& im : rep.imbalances) EXPECT_NE(im.kind, "role") << im.message;
    } else {
      for (const WinStat& w : rep.roles) {
        if (w.seats == 0) continue;
        const Interval ci = Wilson(w.wins, rep.games, family_z);
        EXPECT_LE(ci.low, w.fair_share) << w.name << " favoured: " << w.win_rate;
        EXPECT_GE(ci.high, w.fair_share) << w.name << " disfavoured: " << w.win_rate;
      }
    }
    // Every seat wins between 0.5x and 1.5x its fair share.
    ASSERT_EQ(rep.seats.size(), static_cast<size_t>(sc->num_seats()));
    for (const WinStat& w : rep.seats)
      EXPECT_STREQ(ShareVerdict(w), "level")
          << w.name << " wins " << w.win_rate << " against a fair share of " << w.fair_share;
    EXPECT_EQ(rep.seats_outside_share, 0);
    std::printf("balance: %s, %d games:%s\n", e.name, games, rates.c_str());
    ++scenarios;
  }
  EXPECT_EQ(scenarios, static_cast<int>(rules::EmbeddedScenarios().size()));
  EXPECT_GE(scenarios, 7);
}

// The article's history of the Migrant Workers Convention, from the players'
// interests and red lines in `convention` (a General Assembly that votes):
// the rights convention is adopted (two thirds of the votes cast; the
// destinations, whose red lines are against being bound, stand aside rather
// than block a text that binds only its ratifiers), then ratified by almost
// every origin state and by few destinations.
TEST(BalanceDynamics, TheRightsConventionIsAdoptedThenRatifiedByOriginsNotDestinations) {
  auto sc = testing::LoadOrFail("convention");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(testing::Scaled(2000, 500), 2, 1);
  const Report rep = RunBalance(sc, o, nullptr);
  long long rights = 0;
  for (const ItemStat& item : rep.items)
    for (const OutcomeFrequency& f : item.outcomes)
      if (f.label.rfind("Binding convention on Rights", 0) == 0) rights += f.count;
  EXPECT_GE(rights, o.games / 100) << "the rights convention is adopted in some games";
  std::map<std::string, double> rate;
  for (const RatificationStat& r : rep.ratification) {
    EXPECT_GT(r.open, 0) << r.role;
    rate[r.role] = r.rate;
  }
  EXPECT_GE(rate["source"], 0.8) << "origin states ratify";
  EXPECT_LE(rate["destination"], 0.3) << "few destinations ratify";
  // Nobody blocks a convention the forum tabled: the destinations stand aside.
  for (const FormStat& f : rep.forms)
    if (f.form == "Binding convention") {
      EXPECT_GT(f.adopted, f.tabled / 2) << f.tabled;
    }
}

// The adoption rates by form count the forum's own drafts, at most one
// decided per agenda item and game: a caucus's regional draft (decided by
// its members where the forum adopted nothing, set aside otherwise) is not
// one of them. puebla-process's bots table regional drafts in most games.
TEST(BalanceReport, AdoptionByFormCountsTheForumsDraftsOnly) {
  auto sc = testing::LoadOrFail("puebla-process");
  ASSERT_TRUE(sc);
  const BalanceOptions o = DefaultMixOptions(testing::Scaled(200, 60), 2, 1);
  const Report rep = RunBalance(sc, o, nullptr);
  long long items = 0;
  for (int c = 0; c < sc->cycles(); ++c)
    items += static_cast<long long>(sc->agenda()[c % sc->agenda().size()].size());
  long long tabled = 0;
  for (const FormStat& f : rep.forms) tabled += f.tabled;
  EXPECT_GT(tabled, 0);
  EXPECT_LE(tabled, items * o.games);
}

// hld-2006's follow-up (a theme that chooses the forum, decided by the
// General Assembly's majority): with the default bots the informal forum is
// the most common outcome, as in 2006, but not the only one: the Group of
// 77 carries a body inside the UN in a few percent of games.
TEST(BalanceDynamics, TheFollowUpToTheDialogueIsAChoice) {
  auto sc = testing::LoadOrFail("hld-2006");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(testing::Scaled(1500, 400), 2, 1);
  const Report rep = RunBalance(sc, o, nullptr);
  // By band, whether adopted or left as the status quo.
  std::map<std::string, long long> by_band;
  long long total = 0;
  for (const OutcomeFrequency& f : rep.forums) {
    by_band[f.label.substr(0, f.label.find(" ("))] += f.count;
    total += f.count;
  }
  EXPECT_EQ(total, o.games) << "every game chose a forum";
  EXPECT_GE(by_band.size(), 2u) << "more than one follow-up is reached";
  const long long informal = by_band["informal state-led forum outside the UN"];
  const long long un = by_band["formal follow-up inside the UN"];
  for (const auto& kv : by_band) EXPECT_GE(informal, kv.second) << kv.first;
  EXPECT_GE(un, o.games * 2 / 100) << "a UN body in at least 2% of games";
  EXPECT_LT(un, informal);
}

TEST(BalanceSweep, ChangesTheParameter) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(40, 2, 3);
  std::vector<SweepRow> rows;
  std::string error;
  ASSERT_TRUE(RunSweep(*sc, "role_offset_destination", {"-10", "10"}, o, &rows, &error)) << error;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].value, "-10");
  EXPECT_EQ(rows[1].value, "10");
  const double low = Role(rows[0].report, "destination").mean_score;
  const double high = Role(rows[1].report, "destination").mean_score;
  EXPECT_GT(high - low, 5.0) << low << " vs " << high;
  const std::string table = SweepTable("role_offset_destination", rows);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3);
  EXPECT_NE(table.find("balanced"), std::string::npos);
  EXPECT_NE(SweepJson(sc->id(), "role_offset_destination", rows).find("\"rows\":["),
            std::string::npos);

  // The edited copy carries the value; the original is untouched.
  std::shared_ptr<const rules::Scenario> edited;
  ASSERT_TRUE(ScenarioWithParam(*sc, "sovereignty_cost", "12.5", &edited, &error)) << error;
  EXPECT_DOUBLE_EQ(edited->params().sovereignty_cost, 12.5);
  EXPECT_EQ(ParameterValue(*edited, "sovereignty_cost"), "12.5");
  EXPECT_EQ(ParameterValue(*edited, "no_such_field"), "");
  ASSERT_TRUE(ScenarioWithParam(*sc, "max_actions_per_phase", "9", &edited, &error)) << error;
  EXPECT_EQ(edited->params().max_actions_per_phase, 9);

  // Unknown fields, bad values and invalid scenarios are refused.
  EXPECT_FALSE(ScenarioWithParam(*sc, "no_such_field", "1", &edited, &error));
  EXPECT_NE(error.find("sovereignty_cost"), std::string::npos) << error;
  EXPECT_FALSE(ScenarioWithParam(*sc, "sovereignty_cost", "abc", &edited, &error));
  EXPECT_FALSE(ScenarioWithParam(*sc, "max_actions_per_phase", "2.5", &edited, &error));
  EXPECT_FALSE(ScenarioWithParam(*sc, "ratification_threshold", "3", &edited, &error));
  EXPECT_NE(error.find("ratification_threshold"), std::string::npos) << error;
  EXPECT_FALSE(RunSweep(*sc, "ratification_threshold", {"0.5", "7"}, o, &rows, &error));
}

// A PNG decoded by Cairo: 0x00RRGGBB per pixel.
struct Image {
  int w = 0, h = 0;
  std::vector<uint32_t> px;
  uint32_t At(int x, int y) const { return px[static_cast<size_t>(y) * w + x]; }
  bool Ink(int x, int y) const { return At(x, y) != 0xffffff; }
};

Image DecodePng(const std::string& png) {
  struct Reader {
    const std::string* data;
    size_t at;
  } reader{&png, 0};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
        std::memcpy(out, r->data->data() + r->at, length);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  Image img;
  EXPECT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
    img.w = cairo_image_surface_get_width(s);
    img.h = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    for (int y = 0; y < img.h; ++y)
      for (int x = 0; x < img.w; ++x) {
        uint32_t v;
        std::memcpy(&v, data + static_cast<size_t>(y) * stride + 4 * static_cast<size_t>(x), 4);
        img.px.push_back(v & 0xffffff);
      }
  }
  cairo_surface_destroy(s);
  return img;
}

bool Near(uint32_t px, const draw::Colour& c, int tolerance = 6) {
  const int r = static_cast<int>((px >> 16) & 0xff), g = static_cast<int>((px >> 8) & 0xff),
            b = static_cast<int>(px & 0xff);
  return std::abs(r - static_cast<int>(std::lround(c.r * 255))) <= tolerance &&
         std::abs(g - static_cast<int>(std::lround(c.g * 255))) <= tolerance &&
         std::abs(b - static_cast<int>(std::lround(c.b * 255))) <= tolerance;
}

// Checks the chart of `rep`: its size is the layout's, every seat's mark is
// at its win rate in its role's colour, the fair share line crosses the seat
// panel, every line of the findings is drawn, and a frame of half the margin
// around the page is blank (nothing runs off an edge).
void CheckChart(const Report& rep) {
  const BalanceChartLayout L = LayoutBalanceChart(rep);
  std::string error;
  const std::string png = BalanceChart(rep, draw::Format::kPng, &error);
  ASSERT_FALSE(png.empty()) << error;
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const Image img = DecodePng(png);
  ASSERT_EQ(img.w, static_cast<int>(L.width));
  ASSERT_EQ(img.h, static_cast<int>(L.height));

  // The seat panel.
  ASSERT_EQ(L.seat_rows.size(), rep.seats.size());
  ASSERT_GT(L.seats.w, 100);
  for (size_t s = 0; s < rep.seats.size(); ++s) {
    const WinStat& w = rep.seats[s];
    const int x =
        static_cast<int>(std::lround(L.seats.x + w.win_rate / L.seat_axis_max * L.seats.w));
    const int y = static_cast<int>(std::lround(L.seat_rows[s]));
    ASSERT_GE(x, 0);
    ASSERT_LT(x, img.w);
    EXPECT_TRUE(Near(img.At(x, y), RoleColour(w.role)))
        << "seat " << w.name << " at (" << x << ", " << y << "): " << std::hex << img.At(x, y);
    // Its label, left of the plot, has ink.
    int label_ink = 0;
    for (int lx = static_cast<int>(L.margin); lx < static_cast<int>(L.seats.x) - 10; ++lx)
      for (int dy = -5; dy <= 5; ++dy) label_ink += img.Ink(lx, y + dy) ? 1 : 0;
    EXPECT_GT(label_ink, 20) << "label of " << w.name;
  }
  const double fair = 1.0 / rep.num_seats;
  const int fx = static_cast<int>(std::lround(L.seats.x + fair / L.seat_axis_max * L.seats.w));
  int red = 0;
  for (int y = static_cast<int>(L.seats.y); y < static_cast<int>(L.seats.y + L.seats.h); ++y)
    for (int dx = -1; dx <= 1; ++dx) red += Near(img.At(fx + dx, y), draw::Rgb(0xc81e28), 40);
  EXPECT_GT(red, L.seats.h / 3) << "the fair share line";

  // Every line of the findings has ink, the last one too.
  ASSERT_FALSE(L.footer_lines.empty());
  for (size_t i = 0; i < L.footer_lines.size(); ++i) {
    const int top = static_cast<int>(L.footer_top + L.footer_line_height * static_cast<double>(i));
    int ink = 0;
    for (int y = top; y < top + static_cast<int>(L.footer_line_height); ++y)
      for (int x = 0; x < img.w; ++x) ink += img.Ink(x, y) ? 1 : 0;
    EXPECT_GT(ink, 30) << "footer line " << i << ": " << L.footer_lines[i];
  }
  // Nothing near the edges.
  const int frame = static_cast<int>(L.margin / 2);
  int edge_ink = 0;
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < img.w; ++x)
      if (x < frame || y < frame || x >= img.w - frame || y >= img.h - frame)
        edge_ink += img.Ink(x, y) ? 1 : 0;
  EXPECT_EQ(edge_ink, 0);
}

TEST(BalanceChart, PngShowsEverySeatAndNothingIsCutOff) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(60, 2);
  const Report rep = RunBalance(sc, o);
  ASSERT_EQ(rep.seats.size(), 8u);
  CheckChart(rep);
}

TEST(BalanceChart, ManySeatsAndLongFindingsStayOnThePage) {
  // workshop-30: 30 states and 5 organisations; one state wins 40% of the
  // games, so most seats and roles are flagged and the findings run over
  // several lines.
  auto sc = testing::LoadOrFail("workshop-30");
  ASSERT_TRUE(sc);
  Mix mix;
  std::string error;
  ASSERT_TRUE(ParseMix("cooperator", &mix, &error));
  std::vector<int> winners;
  for (int g = 0; g < 3000; ++g) winners.push_back(g % 5 < 2 ? 0 : g % sc->num_states());
  const Report rep = Aggregate(*sc, mix, 1, Synthetic(*sc, winners));
  ASSERT_EQ(rep.seats.size(), 35u);
  ASSERT_GT(rep.imbalances.size(), 3u);
  const BalanceChartLayout L = LayoutBalanceChart(rep);
  EXPECT_GT(L.footer_lines.size(), 1u);
  // Every finding is written out (none cut short).
  std::string all;
  for (const std::string& line : L.footer_lines) all += line + " ";
  for (const Imbalance& im : rep.imbalances)
    EXPECT_NE(all.find(im.name), std::string::npos) << im.name << " in: " << all;
  CheckChart(rep);
}

TEST(BalanceChart, SvgAndPdfFromTheSameDrawing) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(20, 2);
  const Report rep = RunBalance(sc, o);
  const BalanceChartLayout L = LayoutBalanceChart(rep);
  std::string error;
  const std::string svg = BalanceChart(rep, draw::Format::kSvg, &error);
  ASSERT_FALSE(svg.empty()) << error;
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  char size[64];
  std::snprintf(size, sizeof size, "width=\"%gpt\" height=\"%gpt\"", L.width, L.height);
  EXPECT_NE(svg.find(size), std::string::npos) << svg.substr(0, 300);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  const std::string pdf = BalanceChart(rep, draw::Format::kPdf, &error);
  ASSERT_FALSE(pdf.empty()) << error;
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf.find("DejaVu"), std::string::npos) << "the font is embedded";

  draw::Format f;
  EXPECT_TRUE(draw::FormatOfPath("a/report.PNG", &f, &error));
  EXPECT_EQ(f, draw::Format::kPng);
  EXPECT_TRUE(draw::FormatOfPath("r.svg", &f, &error));
  EXPECT_EQ(f, draw::Format::kSvg);
  EXPECT_TRUE(draw::FormatOfPath("r.pdf", &f, &error));
  EXPECT_EQ(f, draw::Format::kPdf);
  EXPECT_FALSE(draw::FormatOfPath("r.jpg", &f, &error));
  EXPECT_NE(error.find(".png, .svg or .pdf"), std::string::npos) << error;
}

TEST(BalanceChart, DocumentsHaveSeveralPagesInPdf) {
  // What the teacher's printed matter will need: a PDF of pages in the same font.
  draw::Document doc(draw::Format::kPdf, 420, 595);
  for (int page = 0; page < 3; ++page) {
    if (page) doc.NewPage();
    doc.Fill(draw::Rgb(0xffffff));
    doc.Text(20, 20, "Card " + std::to_string(page + 1), {14, true}, draw::Rgb(0));
  }
  std::string error;
  const std::string pdf = doc.Finish(&error);
  ASSERT_FALSE(pdf.empty()) << error;
  size_t pages = 0;
  for (size_t at = pdf.find("/Type /Page"); at != std::string::npos;
       at = pdf.find("/Type /Page", at + 1))
    pages += pdf.compare(at, 12, "/Type /Pages") != 0 ? 1 : 0;
  EXPECT_EQ(pages, 3u);
  // Wrapping keeps every word and no line is wider than asked.
  draw::Document m(draw::Format::kPng, 10, 10);
  const std::vector<std::string> lines =
      m.Wrap("the quick brown fox jumps over the lazy dog", {12, false}, 80);
  EXPECT_GT(lines.size(), 2u);
  std::string joined;
  for (const std::string& l : lines) {
    joined += (joined.empty() ? "" : " ") + l;
    if (l.find(' ') != std::string::npos) {
      EXPECT_LE(m.TextWidth(l, {12, false}), 80) << l;
    }
  }
  EXPECT_EQ(joined, "the quick brown fox jumps over the lazy dog");
}

TEST(BalanceReport, JsonParsesBackIntoItsMessage) {
  auto sc = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o = DefaultMixOptions(40, 2);
  const Report rep = RunBalance(sc, o);
  const std::string json = ReportJson(rep);
  mf::BalanceReport back;
  std::string error;
  ASSERT_TRUE(FromJson(json, &back, &error)) << error;
  EXPECT_EQ(ToJson(back), json);
  EXPECT_EQ(back.games(), 40);
  EXPECT_EQ(back.roles().size(), 3u);
  EXPECT_EQ(back.seats().size(), 8u);
  EXPECT_TRUE(back.has_games_per_second());
  // Each item's outcomes are OutcomeFrequency objects.
  ASSERT_FALSE(back.outcomes_by_item().empty());
  for (const auto& [item, list] : back.outcomes_by_item()) {
    ASSERT_GT(list.values_size(), 0) << item;
    for (const auto& v : list.values()) {
      mf::OutcomeFrequency f;
      std::string element;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(v, &element).ok());
      EXPECT_TRUE(FromJson(element, &f, &error)) << error;
      EXPECT_FALSE(f.label().empty());
    }
  }
  std::vector<SweepRow> rows(1);
  rows[0].value = "3";
  rows[0].report = rep;
  mf::SweepReport sweep;
  ASSERT_TRUE(FromJson(SweepJson(sc->id(), "role_offset_transit", rows), &sweep, &error)) << error;
  EXPECT_EQ(sweep.rows_size(), 1);
  EXPECT_EQ(sweep.rows(0).roles().size(), 3u);
}

}  // namespace
}  // namespace mf::tools
