// The balance lab: statistics, determinism across threads, imbalance
// detection, parameter sweeps, the chart and strategy mixes; and the
// README's role-balance claim on every real scenario.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bots/bot.h"
#include "test_scale.h"
#include "tools/balance.h"
#include "tools/chart.h"

namespace mf::tools {
namespace {

std::shared_ptr<const rules::Scenario> Load(const std::string& name) {
  rules::LoadResult r = rules::LoadEmbeddedScenario(name);
  std::string all;
  for (const std::string& e : r.errors) all += e + "\n";
  EXPECT_TRUE(r.ok()) << all;
  return r.scenario;
}

Mix DefaultMix() {
  Mix mix;
  std::string error;
  EXPECT_TRUE(ParseMix(kDefaultMix, &mix, &error)) << error;
  return mix;
}

const WinStat& Role(const Report& r, const std::string& name) {
  for (const WinStat& w : r.roles)
    if (w.name == name) return w;
  ADD_FAILURE() << "no role " << name;
  return r.roles.front();
}

uint32_t Be32(const std::string& s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
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
  Mix mix = DefaultMix();
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
  const Mix mix = DefaultMix();
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
  auto sc = Load("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o;
  o.games = 80;
  o.seed = 42;
  o.mix = DefaultMix();
  o.threads = 1;
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
  auto sc = Load("classroom-8");
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
// scenarios with the default mix and seed 1: no role's win rate has a 95%
// interval that excludes its fair share. 10,000 games per scenario, as the
// table (2,500 under the sanitizers' MF_TEST_SCALE=0.25). Either count
// sees a small mistuning: classroom-8's transit offset at -5.5 instead of
// -4.29 moves source by 2.5 points and transit by 6, and both are flagged.
TEST(BalanceScenarios, NoRoleImbalanceInAnyScenario) {
  const int games = testing::Scaled(10000, 2500);
  int scenarios = 0;
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) {
    SCOPED_TRACE(e.name);
    auto sc = Load(e.name);
    ASSERT_TRUE(sc);
    BalanceOptions o;
    o.games = games;
    o.seed = 1;
    o.mix = DefaultMix();
    o.threads = 2;
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
    for (const Imbalance& im : rep.imbalances) EXPECT_NE(im.kind, "role") << im.message;
    std::printf("balance: %s, %d games:%s\n", e.name, games, rates.c_str());
    ++scenarios;
  }
  EXPECT_EQ(scenarios, 6);
}

TEST(BalanceSweep, ChangesTheParameter) {
  auto sc = Load("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o;
  o.games = 40;
  o.seed = 3;
  o.threads = 2;
  o.mix = DefaultMix();
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

TEST(BalanceChart, PngHasSignatureAndSize) {
  auto sc = Load("classroom-8");
  ASSERT_TRUE(sc);
  BalanceOptions o;
  o.games = 30;
  o.threads = 2;
  o.mix = DefaultMix();
  const Report rep = RunBalance(sc, o);
  const std::string png = BalanceChartPng(rep);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  const uint32_t w = Be32(png, 16), h = Be32(png, 20);
  EXPECT_EQ(w, 900u);
  EXPECT_EQ(h, 500u);
  EXPECT_EQ(png[24], 8);  // Bit depth.
  EXPECT_EQ(png[25], 2);  // RGB.
  // The image data inflates to exactly h rows of (filter byte + 3w bytes).
  ASSERT_EQ(png.substr(37, 4), "IDAT");
  const uint32_t len = Be32(png, 33);
  std::string raw(static_cast<size_t>(h) * (3 * w + 1) + 16, '\0');
  uLongf raw_len = static_cast<uLongf>(raw.size());
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(&raw[0]), &raw_len,
                       reinterpret_cast<const Bytef*>(png.data() + 41), len),
            Z_OK);
  EXPECT_EQ(raw_len, static_cast<uLongf>(h) * (3 * w + 1));
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
  // Something was drawn besides the white background.
  const Canvas cv = BalanceChart(rep);
  int ink = 0;
  for (size_t i = 0; i < cv.pixels().size(); ++i) ink += cv.pixels()[i] != 255 ? 1 : 0;
  EXPECT_GT(ink, 10000);
}

TEST(BalanceChart, FontDrawsText) {
  Canvas cv(60, 20, {255, 255, 255});
  cv.Text(1, 1, "A1%", {0, 0, 0}, 2);
  EXPECT_EQ(Canvas::TextWidth("A1%", 2), 3 * 12 - 2);
  int ink = 0;
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 60; ++x) ink += cv.At(x, y).r == 0 ? 1 : 0;
  EXPECT_GT(ink, 40);
  EXPECT_EQ(cv.At(0, 0).r, 255);
}

}  // namespace
}  // namespace mf::tools
