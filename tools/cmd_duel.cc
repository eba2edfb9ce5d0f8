// forumctl duel: does one strategy beat another in the same seat?
#include <iostream>

#include "bots/duel.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/json.h"

namespace mf::tools {

int CmdDuel(int argc, char** argv) {
  const char* usage =
      "forumctl duel --scenario NAME|FILE --challenger NAME --baseline NAME [--games N] "
      "[--seed S] [--threads T] [--budget B]";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "challenger", "baseline", "games", "seed", "threads", "budget"},
                  usage))
    return 2;
  if (!args.Has("scenario") || !args.Has("challenger") || !args.Has("baseline")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(args.Get("scenario"));
  if (!sc) return 1;
  const int budget = static_cast<int>(args.GetInt("budget", 0));
  auto factory = [budget](const std::string& name) -> std::function<std::unique_ptr<bots::Bot>()> {
    if (name == "planner") return [budget] { return bots::MakePlanner(budget); };
    return [name] { return bots::MakeBot(name); };
  };
  for (const std::string& name : {args.Get("challenger"), args.Get("baseline")}) {
    if (!factory(name)()) {
      std::cerr << "unknown strategy '" << name << "'; known:";
      for (const auto& s : bots::StrategyNames()) std::cerr << " " << s;
      std::cerr << "\n";
      return 2;
    }
  }
  bots::DuelOptions o;
  o.games = static_cast<int>(args.GetInt("games", 1000));
  o.seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  o.threads = static_cast<int>(args.GetInt("threads", 2));
  if (o.games < 2 || o.threads < 1) {
    std::cerr << "--games must be at least 2 and --threads at least 1\n";
    return 2;
  }
  const bots::DuelResult r =
      bots::Duel(sc, factory(args.Get("challenger")), factory(args.Get("baseline")), o);
  Json j;
  j.BeginObject();
  j.Key("scenario").Str(sc->id());
  j.Key("games").Int(r.games);
  j.Key("challenger").Str(args.Get("challenger"));
  j.Key("baseline").Str(args.Get("baseline"));
  j.Key("challenger_mean").Num(r.challenger_mean, 5);
  j.Key("baseline_mean").Num(r.baseline_mean, 5);
  j.Key("mean_difference").Num(r.mean_difference, 4);
  j.Key("sd_difference").Num(r.sd_difference, 4);
  j.Key("t").Num(r.t, 4);
  j.Key("p_value").Num(r.p_value, 4);
  j.Key("challenger_better_share").Num(r.challenger_better, 4);
  j.Key("significant").Bool(r.p_value < 0.01 && r.mean_difference > 0);
  j.EndObject();
  std::cout << j.str() << "\n";
  return 0;
}

}  // namespace mf::tools
