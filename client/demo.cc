#include "client/demo.h"

#include "rules/view.h"

namespace mf::client {

DemoGame::DemoGame(std::shared_ptr<const rules::Scenario> scenario, uint64_t seed,
                   const std::string& strategy, uint64_t bot_seed, int press_desks)
    : state_(std::move(scenario), seed, press_desks), pick_(bot_seed * 0x9E3779B97F4A7C15ULL + 3) {
  static const char* const kMix[] = {"cooperator", "reciprocator", "dealmaker", "hardliner"};
  for (int s = 0; s < state_.num_seats(); ++s) {
    std::unique_ptr<bots::Bot> bot = bots::MakeBot(strategy == "mixed" ? kMix[s % 4] : strategy);
    if (!bot) bot = bots::MakeBot("cooperator");
    bots_.push_back(std::move(bot));
    rngs_.emplace_back(bot_seed * 1000003ULL + static_cast<uint64_t>(s));
  }
}

std::unique_ptr<DemoGame> DemoGame::Make(const std::string& scenario, uint64_t seed,
                                         std::string* error, const std::string& strategy,
                                         int press_desks) {
  rules::LoadResult r = rules::LoadEmbeddedScenario(scenario);
  if (!r.ok()) {
    *error = r.errors.empty() ? "unknown scenario " + scenario : r.errors.front();
    return nullptr;
  }
  if (strategy != "mixed" && !bots::MakeBot(strategy)) {
    *error = "unknown bot strategy " + strategy;
    return nullptr;
  }
  return std::make_unique<DemoGame>(r.scenario, seed, strategy, 7, press_desks);
}

bool DemoGame::MoveFor(int seat) {
  const rules::Action a = bots::BotMove(*bots_[static_cast<size_t>(seat)], state_, seat,
                                        rngs_[static_cast<size_t>(seat)]);
  if (!state_.Apply(seat, a).ok()) return false;
  log_.push_back({seat, a});
  return true;
}

mf::GameLog DemoGame::Record() const {
  mf::GameLog out;
  rules::ToGameLog(state_, log_, &out);
  return out;
}

bool DemoGame::Step(int human) {
  if (state_.IsTerminal() || state_.paused()) return false;
  std::vector<int> pending;
  for (int s = 0; s < state_.num_seats(); ++s)
    if (!state_.seat(s).ready && (s != human || state_.seat(s).bot)) pending.push_back(s);
  if (pending.empty()) return false;
  const int seat = pending[pick_.Below(static_cast<uint32_t>(pending.size()))];
  return MoveFor(seat);
}

bool DemoGame::RunUntil(const std::function<bool(const rules::State&)>& until, int human,
                        int max_steps) {
  for (int k = 0; k < max_steps && !until(state_); ++k)
    if (!Step(human)) break;
  return until(state_);
}

mf::View DemoGame::View(int viewer) const {
  mf::View v;
  rules::MakeView(rules::SeatView(state_, viewer), &v);
  return v;
}

}  // namespace mf::client
