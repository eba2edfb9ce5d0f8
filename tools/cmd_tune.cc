// forumctl tune: per-seat score offsets found by balance runs (the last step
// of levelling seats, after briefs, red lines and influence). Prints each
// round's seat shares and the offsets to put in the scenario's seats (a
// table, or JSON as mf.TuneReport).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "reports.pb.h"
#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

struct TuneArgs {
  std::string scenario;
  int games = 10000;
  uint64_t seed = 2;
  int rounds = 12;
  int threads = 0;
  std::string bots = kDefaultMix;
  bool json = false;
};

int RunTune(const TuneArgs& a) {
  TuneOptions o;
  o.balance.games = a.games;
  o.balance.seed = a.seed;
  o.balance.threads = a.threads;
  o.rounds = a.rounds;
  std::string error;
  if (!ParseMix(a.bots, &o.balance.mix, &error)) {  // Checked when parsed.
    std::cerr << error << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  TuneResult result;
  if (!TuneSeatOffsets(sc, o, &result, &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  mf::TuneReport report;
  report.set_scenario(sc->id());
  report.set_games(a.games);
  report.set_seed(a.seed);
  report.set_bots(a.bots);
  char line[256];
  for (size_t r = 0; r < result.rounds.size(); ++r) {
    const Report& rep = result.rounds[r].report;
    const int seats = static_cast<int>(rep.seats.size());
    mf::TuneRound* x = report.add_rounds();
    x->set_round(static_cast<int32_t>(r));
    for (double off : result.rounds[r].offsets) x->add_offsets(Sig(off, 4));
    x->set_seats_level(seats - rep.seats_outside_share);
    x->set_seats(seats);
    x->set_worst_share_low(Sig(std::exp(-WorstShare(rep)), 4));
    x->set_worst_share_high(Sig(std::exp(WorstShare(rep)), 4));
    if (a.json) continue;
    std::snprintf(line, sizeof line,
                  "round %zu: seats within 0.5x-1.5x: %d of %d; worst share %.2fx..%.2fx\n", r,
                  seats - rep.seats_outside_share, seats, std::exp(-WorstShare(rep)),
                  std::exp(WorstShare(rep)));
    std::cout << line;
  }
  const TuneRound& best = result.rounds[static_cast<size_t>(result.best)];
  report.set_best_round(result.best);
  double largest = 0;
  if (!a.json)
    std::cout << "best: round " << result.best << " (" << sc->id() << ", " << a.games
              << " games per round, seed " << a.seed << ")\n";
  for (int s = 0; s < sc->num_seats(); ++s) {
    const WinStat& w = best.report.seats[static_cast<size_t>(s)];
    const double offset = std::round(best.offsets[static_cast<size_t>(s)] * 100) / 100;
    largest = std::max(largest, std::fabs(best.offsets[static_cast<size_t>(s)]));
    mf::TuneSeat* x = report.add_seats();
    x->set_seat(sc->seats()[s].id);
    x->set_score_offset(offset);
    x->set_win_rate(Sig(w.win_rate));
    x->set_share(Sig(ShareRatio(w)));
    x->set_verdict(ShareVerdict(w));
    if (a.json) continue;
    std::snprintf(line, sizeof line, "  %-6s score_offset: %6.2f   win %5.1f%%  %.2fx  %s\n",
                  sc->seats()[s].id.c_str(), offset, 100 * w.win_rate, ShareRatio(w),
                  ShareVerdict(w));
    std::cout << line;
  }
  report.set_largest_offset(Sig(largest, 4));
  if (a.json) {
    std::cout << ToJson(report) << "\n";
    return 0;
  }
  std::snprintf(line, sizeof line, "largest offset: %.2f points\n", largest);
  std::cout << line;
  return 0;
}

}  // namespace

void AddTune(CLI::App* app) {
  auto a = std::make_shared<TuneArgs>();
  CLI::App* sub = app->add_subcommand(
      "tune", "per-seat score offsets that level every seat's win rate (a table, or JSON)");
  sub->group(kBalanceGroup);
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file")
      ->required();
  AddNumber(sub, "--games", &a->games, "N", 100, 10000000, "games per round");
  AddSeed(sub, &a->seed, "every round plays the same seeded games");
  AddNumber(sub, "--rounds", &a->rounds, "R", 0, 50, "steps after the starting offsets");
  AddNumber(sub, "--threads", &a->threads, "T", 0, 1024,
            "threads playing games (0: every core); the result does not depend on it");
  AddText(sub, "--bots", &a->bots, "MIX",
          "strategies drawn per game and seat, e.g. hardliner:1,cooperator:2 (default " +
              std::string(kDefaultMix) + ")")
      ->check(Check("MIX", CheckMix));
  sub->add_flag("--json", a->json, "print JSON (mf.TuneReport) instead of the table");
  OnRun(sub, [a] { return RunTune(*a); });
}

}  // namespace mf::tools
