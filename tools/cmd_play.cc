// forumctl play: a local forum session with bots in every seat, told as the
// public record a spectator would see, followed by the final ranking.
#include <algorithm>
#include <iostream>

#include "bots/bot.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace mf::tools {

int CmdPlay(int argc, char** argv) {
  const char* usage = "forumctl play [--scenario NAME|FILE] [--seed N] [--bots STRATEGY]";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "seed", "bots"}, usage)) return 2;
  auto sc = LoadScenarioArg(args.Get("scenario", "classroom-8"));
  if (!sc) return 1;
  const uint64_t seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  const std::string strategy = args.Get("bots", "");
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

}  // namespace mf::tools
