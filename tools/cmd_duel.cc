// forumctl duel: does one strategy beat another in the same seat?
#include <iostream>

#include "bots/duel.h"
#include "reports.pb.h"
#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

struct DuelArgs {
  std::string scenario, challenger, baseline;
  int games = 1000;
  uint64_t seed = 1;
  int threads = 2;
  int budget = 0;
};

int RunDuel(const DuelArgs& a) {
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  const int budget = a.budget;
  auto factory = [budget](const std::string& name) -> std::function<std::unique_ptr<bots::Bot>()> {
    if (name == "planner") return [budget] { return bots::MakePlanner(budget); };
    return [name] { return bots::MakeBot(name); };
  };
  bots::DuelOptions o;
  o.games = a.games;
  o.seed = a.seed;
  o.threads = a.threads;
  const bots::DuelResult r = bots::Duel(sc, factory(a.challenger), factory(a.baseline), o);
  mf::DuelReport p;
  p.set_scenario(sc->id());
  p.set_games(r.games);
  p.set_challenger(a.challenger);
  p.set_baseline(a.baseline);
  p.set_challenger_mean(Sig(r.challenger_mean, 5));
  p.set_baseline_mean(Sig(r.baseline_mean, 5));
  p.set_mean_difference(Sig(r.mean_difference, 4));
  p.set_sd_difference(Sig(r.sd_difference, 4));
  p.set_t(Sig(r.t, 4));
  p.set_p_value(Sig(r.p_value, 4));
  p.set_challenger_better_share(Sig(r.challenger_better, 4));
  p.set_significant(r.p_value < 0.01 && r.mean_difference > 0);
  std::cout << ToJson(p) << "\n";
  return 0;
}

}  // namespace

void AddDuel(CLI::App* app) {
  auto a = std::make_shared<DuelArgs>();
  CLI::App* sub = app->add_subcommand(
      "duel",
      "paired test: strategy A against B in the same seat over the same seeded games "
      "(JSON, mf.DuelReport)");
  sub->group(kBalanceGroup);
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file")
      ->required();
  AddText(sub, "--challenger", &a->challenger, "STRATEGY", "the strategy tested")
      ->required()
      ->check(Check("STRATEGY", CheckStrategy));
  AddText(sub, "--baseline", &a->baseline, "STRATEGY", "the strategy it is compared with")
      ->required()
      ->check(Check("STRATEGY", CheckStrategy));
  AddNumber(sub, "--games", &a->games, "N", 2, 100000000, "paired games (the tested seat rotates)");
  AddSeed(sub, &a->seed, "game g's seeds come from (seed, g)");
  AddNumber(sub, "--threads", &a->threads, "T", 1, 1024, "threads playing games");
  AddNumber(sub, "--budget", &a->budget, "B", 0, 1000,
            "the planner's sampled worlds per decision (0: its default, 6)");
  OnRun(sub, [a] { return RunDuel(*a); });
}

}  // namespace mf::tools
