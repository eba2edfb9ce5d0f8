#include <map>
#include <mutex>

#include "bots/bot.h"

namespace mf::bots {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<std::string> names;
  std::map<std::string, std::function<std::unique_ptr<Bot>()>> factories;
};

Registry& Get() {
  static Registry r;
  return r;
}

}  // namespace

void RegisterStrategy(const std::string& name, std::function<std::unique_ptr<Bot>()> factory) {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.factories.emplace(name, std::move(factory)).second) r.names.push_back(name);
}

void RegisterBuiltinStrategies();  // heuristics.cc

std::unique_ptr<Bot> MakeBot(const std::string& strategy) {
  RegisterBuiltinStrategies();
  Registry& r = Get();
  std::function<std::unique_ptr<Bot>()> factory;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(strategy);
    if (it == r.factories.end()) return nullptr;
    factory = it->second;
  }
  return factory();  // Outside the lock: a factory may make other bots.
}

const std::vector<std::string>& StrategyNames() {
  RegisterBuiltinStrategies();
  return Get().names;
}

bool ParseDifficulty(const std::string& s, Difficulty* out) {
  if (s == "easy")
    *out = Difficulty::kEasy;
  else if (s == "normal")
    *out = Difficulty::kNormal;
  else if (s == "hard")
    *out = Difficulty::kHard;
  else
    return false;
  return true;
}

std::string StrategyForDifficulty(Difficulty d) {
  switch (d) {
    case Difficulty::kEasy:
      return "cooperator";
    case Difficulty::kNormal:
      return "reciprocator";
    case Difficulty::kHard:
      return "dealmaker";
  }
  return "cooperator";
}

rules::Action BotMove(Bot& bot, const rules::State& state, int seat, rules::Rng& rng,
                      bool* refused) {
  rules::Action a = bot.Decide(rules::SeatView(state, seat), rng);
  const bool ok = state.Check(seat, a).ok();
  if (refused) *refused = !ok;
  return ok ? a : rules::Action::Make(rules::ActionType::kReady);
}

MatchResult RunMatch(rules::State* state, const std::vector<Bot*>& seats,
                     const MatchOptions& options, bool keep_log) {
  MatchResult result;
  rules::Rng pick(options.bot_seed * 0x9E3779B97F4A7C15ULL + 17);
  std::vector<rules::Rng> rngs;
  for (size_t s = 0; s < seats.size(); ++s) rngs.emplace_back(options.bot_seed * 1000003ULL + s);
  int pending[rules::kMaxSeats];
  while (!state->IsTerminal() && result.actions < options.max_steps) {
    int count = 0;
    for (int s = 0; s < state->num_seats(); ++s)
      if (!state->seat(s).ready) pending[count++] = s;
    if (count == 0) break;
    const int seat = pending[pick.Below(static_cast<uint32_t>(count))];
    bool refused = false;
    const rules::Action a = BotMove(*seats[seat], *state, seat, rngs[seat], &refused);
    if (refused) ++result.rejected;
    if (!state->Apply(seat, a).ok()) break;
    if (keep_log) result.log.push_back({seat, a});
    ++result.actions;
  }
  result.finished = state->IsTerminal();
  result.hash = state->Hash();
  return result;
}

}  // namespace mf::bots
