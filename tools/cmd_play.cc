// forumctl play: a local forum session with bots in every seat, told as the
// public record a spectator would see, followed by the final ranking.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "bots/bot.h"
#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief.h"
#include "tools/debrief_words.h"

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
  bots::MatchResult result = bots::RunMatch(&st, seats, options, /*keep_log=*/true);

  // The story from the debrief's model: the game replayed step by step, so
  // each draft reads as it was tabled and each amendment as what it changed.
  debrief::Record record;
  std::string error;
  {
    mf::GameLog gl;
    rules::State fresh(sc, seed);
    rules::ToGameLog(fresh, result.log, &gl);
    if (!debrief::RecordFromGameLog(gl, &record, &error)) {
      std::cerr << "play: " << error << "\n";
      return 1;
    }
  }
  debrief::Model model;
  if (!debrief::BuildModel(record, &model, &error)) {
    std::cerr << "play: " << error << "\n";
    return 1;
  }

  std::cout << sc->proto().title() << "\n"
            << std::string(72, '=') << "\n"
            << sc->proto().description() << "\n\nAt the table:\n";
  for (int s = 0; s < sc->num_seats(); ++s)
    std::cout << "  " << sc->seats()[s].name << " (" << rules::RoleMix(sc->seats()[s])
              << ", played by " << seats[s]->name() << ")\n";
  std::cout << "\n";
  // Statements are told together, one line per roundtable (who stated
  // what), and pledges one line per text (who pledged how much).
  std::string stated;
  std::vector<std::pair<int, std::string>> pledged;  // (text id, who pledged how much)
  auto flush = [&] {
    if (!stated.empty()) std::cout << "   Stated: " << stated << ".\n";
    for (const auto& [id, who] : pledged) {
      const rules::Text* t = st.FindText(id);
      std::cout << "   Pledged to carry out " << (t ? rules::TextLabel(*sc, *t) : "a text") << ": "
                << who << ".\n";
    }
    stated.clear();
    pledged.clear();
  };
  // The timeline has one event line per engine event, in order.
  const std::vector<rules::EventRec>& events = st.events();
  size_t k = 0;
  for (const debrief::TimelineLine& l : model.timeline) {
    if (l.kind != debrief::TimelineLine::Kind::kEvent) continue;
    const rules::EventRec* e = k < events.size() ? &events[k] : nullptr;
    ++k;
    if (l.is_private || l.event == rules::EventType::kEndorsed) continue;
    if (e && e->type == rules::EventType::kPledged && l.event == e->type) {
      auto it = std::find_if(pledged.begin(), pledged.end(),
                             [&](const auto& p) { return p.first == e->b; });
      if (it == pledged.end()) it = pledged.insert(pledged.end(), {e->b, ""});
      it->second += (it->second.empty() ? "" : ", ") + sc->seats()[e->a].name + " " +
                    std::to_string(e->c) + "%";
      continue;
    }
    if (l.event == rules::EventType::kStatement) {
      if (!pledged.empty()) flush();
      for (const debrief::Item& item : model.items)
        for (const debrief::StatementRec& r : item.statements)
          if (r.entry == l.entry && r.seat == l.seat && item.cycle == l.cycle)
            stated += (stated.empty() ? "" : ", ") + sc->seats()[r.seat].name + " " +
                      debrief::PositionText(*sc, item.theme, r.position);
      continue;
    }
    flush();
    if (l.event == rules::EventType::kCycleStart) std::cout << "\n";
    const bool phase = l.event == rules::EventType::kPhaseStart;
    std::cout << (phase ? "-- " : "   ") << l.text << "\n";
  }
  flush();
  // The ranking as the scores read: seats with the same whole score share a rank.
  const auto& scores = st.final_scores();
  std::vector<int> order(static_cast<size_t>(sc->num_seats()));
  std::vector<long> shown(static_cast<size_t>(sc->num_seats()));
  for (int s = 0; s < sc->num_seats(); ++s) {
    order[static_cast<size_t>(s)] = s;
    shown[static_cast<size_t>(s)] = std::lround(scores[s].total);
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return shown[a] > shown[b]; });
  std::cout << "\nFinal ranking (score out of 100; \"=\" a tie):\n";
  for (int s : order) {
    int rank = 1, same = 0;
    for (int o = 0; o < sc->num_seats(); ++o) {
      if (shown[o] > shown[s]) ++rank;
      if (shown[o] == shown[s]) ++same;
    }
    std::cout << "  " << (same > 1 ? "=" : "") << rank << ". " << sc->seats()[s].name << "  "
              << shown[s] << "  (" << rules::RoleMix(sc->seats()[s]) << ")\n";
  }
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
