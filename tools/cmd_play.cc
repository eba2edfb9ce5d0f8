// forumctl play: a local forum session with bots in every seat, told as the
// public record a spectator would see, followed by the final ranking.
#include <algorithm>
#include <iostream>

#include "bots/bot.h"
#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace mf::tools {

namespace {

struct PlayArgs {
  std::string scenario = "classroom-8";
  uint64_t seed = 1;
  std::string strategy;
};

int Play(const PlayArgs& args) {
  auto sc = LoadScenarioArg(args.scenario);
  if (!sc) return 1;
  const uint64_t seed = args.seed;
  const std::string& strategy = args.strategy;
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  rules::Rng pick(seed * 31 + 7);
  const std::vector<std::string> mix = {"cooperator", "reciprocator", "dealmaker", "hardliner"};
  for (int s = 0; s < sc->num_seats(); ++s) {
    const std::string name = strategy.empty() ? mix[pick.Below(4)] : strategy;
    owned.push_back(bots::MakeBot(name));
    if (!owned.back()) {
      std::cerr << "unknown strategy '" << name << "'\n";
      return 2;
    }
    seats.push_back(owned.back().get());
  }
  rules::State st(sc, seed);
  bots::MatchOptions options;
  options.seed = seed;
  options.bot_seed = seed;
  bots::MatchResult result = bots::RunMatch(&st, seats, options);

  std::cout << sc->proto().title() << "\n"
            << std::string(72, '=') << "\n"
            << sc->proto().description() << "\n\nAt the table:\n";
  for (int s = 0; s < sc->num_seats(); ++s)
    std::cout << "  " << sc->seats()[s].name << " (" << rules::RoleName(sc->seats()[s].role)
              << ", played by " << seats[s]->name() << ")\n";
  std::cout << "\n";
  rules::SeatView spectator(st, rules::kSpectatorView);
  for (const rules::EventRec& e : st.events()) {
    if (!spectator.CanSeeEvent(e)) continue;
    if (e.type == rules::EventType::kStatement || e.type == rules::EventType::kEndorsed) continue;
    if (e.type == rules::EventType::kCycleStart) std::cout << "\n";
    const bool phase = e.type == rules::EventType::kPhaseStart;
    std::cout << (phase ? "-- " : "   ") << spectator.Describe(e) << "\n";
  }
  std::vector<int> order(static_cast<size_t>(sc->num_seats()));
  for (int s = 0; s < sc->num_seats(); ++s) order[static_cast<size_t>(s)] = s;
  const auto& scores = st.final_scores();
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return scores[a].rank < scores[b].rank; });
  std::cout << "\nFinal ranking (score out of 100):\n";
  for (int s : order)
    std::cout << "  " << scores[s].rank << ". " << sc->seats()[s].name << "  "
              << static_cast<int>(scores[s].total + 0.5) << "  ("
              << rules::RoleName(sc->seats()[s].role) << ")\n";
  std::cout << "\nRegime strength " << static_cast<int>(st.regime() * 100 + 0.5)
            << "/100, mean trust " << static_cast<int>(st.mean_trust() * 100 + 0.5)
            << "/100, migrant welfare " << static_cast<int>(st.welfare() * 100 + 0.5) << "/100; "
            << result.actions << " actions, state hash " << Hex(result.hash) << "\n";
  return result.finished ? 0 : 1;
}

}  // namespace

void AddPlay(CLI::App* app) {
  auto a = std::make_shared<PlayArgs>();
  CLI::App* sub = app->add_subcommand(
      "play", "a local session played by bots, told as a spectator sees it, and its ranking");
  sub->group(kGamesGroup);
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file (default classroom-8)");
  AddSeed(sub, &a->seed, "the game's and the bots' seed");
  AddText(sub, "--bots", &a->strategy, "STRATEGY",
          "one strategy in every seat (default: a mix drawn per seat)")
      ->check(Check("STRATEGY", CheckStrategy));
  OnRun(sub, [a] { return Play(*a); });
}

}  // namespace mf::tools
