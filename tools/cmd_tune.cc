// forumctl tune: per-seat score offsets found by balance runs (the last step
// of levelling seats, after briefs, red lines and influence). Prints each
// round's seat shares and the offsets to put in the scenario's seats.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace mf::tools {

int CmdTune(int argc, char** argv) {
  const char* usage =
      "forumctl tune --scenario NAME|FILE [--games N] [--seed S] [--rounds R] [--threads T]\n"
      "              [--bots MIX]";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "games", "seed", "rounds", "threads", "bots"}, usage)) return 2;
  if (!args.Has("scenario")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  TuneOptions o;
  o.balance.games = static_cast<int>(args.GetInt("games", 10000));
  o.balance.seed = static_cast<uint64_t>(args.GetInt("seed", 2));
  o.balance.threads = static_cast<int>(args.GetInt("threads", 0));
  o.rounds = static_cast<int>(args.GetInt("rounds", 12));
  if (o.balance.games < 100 || o.balance.games > 10000000 || o.rounds < 0 || o.rounds > 50 ||
      o.balance.threads < 0 || o.balance.threads > 1024) {
    std::cerr << "--games 100.., --rounds 0..50, --threads 0..1024\nusage: " << usage << "\n";
    return 2;
  }
  std::string error;
  if (!ParseMix(args.Get("bots", kDefaultMix), &o.balance.mix, &error)) {
    std::cerr << error << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(args.Get("scenario"));
  if (!sc) return 1;
  TuneResult result;
  if (!TuneSeatOffsets(sc, o, &result, &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  char line[256];
  for (size_t r = 0; r < result.rounds.size(); ++r) {
    const Report& rep = result.rounds[r].report;
    std::snprintf(line, sizeof line,
                  "round %zu: seats within 0.5x-1.5x: %d of %d; worst share %.2fx..%.2fx\n", r,
                  static_cast<int>(rep.seats.size()) - rep.seats_outside_share,
                  static_cast<int>(rep.seats.size()), std::exp(-WorstShare(rep)),
                  std::exp(WorstShare(rep)));
    std::cout << line;
  }
  const TuneRound& best = result.rounds[static_cast<size_t>(result.best)];
  double largest = 0;
  std::cout << "best: round " << result.best << " (" << sc->id() << ", " << o.balance.games
            << " games per round, seed " << o.balance.seed << ")\n";
  for (int s = 0; s < sc->num_seats(); ++s) {
    const WinStat& w = best.report.seats[s];
    largest = std::max(largest, std::fabs(best.offsets[s]));
    std::snprintf(line, sizeof line, "  %-6s score_offset: %6.2f   win %5.1f%%  %.2fx  %s\n",
                  sc->seats()[s].id.c_str(), std::round(best.offsets[s] * 100) / 100,
                  100 * w.win_rate, ShareRatio(w), ShareVerdict(w));
    std::cout << line;
  }
  std::snprintf(line, sizeof line, "largest offset: %.2f points\n", largest);
  std::cout << line;
  return 0;
}

}  // namespace mf::tools
