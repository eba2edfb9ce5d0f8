// Benchmarks of the rules engine: a full random game per scenario, and the
// cost of one applied action (legal-action generation + validation + apply).
#include <benchmark/benchmark.h>

#include "bots/bot.h"
#include "rules/playout.h"
#include "rules/view.h"

namespace {

using mf::rules::LoadEmbeddedScenario;
using mf::rules::State;

std::shared_ptr<const mf::rules::Scenario> Load(const std::string& name) {
  auto r = LoadEmbeddedScenario(name);
  if (!r.ok()) throw std::runtime_error(r.errors.front());
  return r.scenario;
}

// One whole game with random legal players, from a fresh state to the final scores.
void BM_RandomGame(benchmark::State& bs, const std::string& name) {
  auto sc = Load(name);
  uint64_t seed = 1;
  int64_t actions = 0;
  for (auto _ : bs) {
    State st(sc, seed);
    actions += mf::rules::RandomPlayout(&st, seed, nullptr);
    benchmark::DoNotOptimize(st.final_scores().data());
    ++seed;
  }
  bs.counters["actions_per_game"] =
      benchmark::Counter(static_cast<double>(actions) / static_cast<double>(bs.iterations()));
  bs.counters["actions_per_s"] =
      benchmark::Counter(static_cast<double>(actions), benchmark::Counter::kIsRate);
}

// One applied action: replays a recorded game, timing per action.
void BM_ApplyAction(benchmark::State& bs, const std::string& name) {
  auto sc = Load(name);
  State start(sc, 7);
  std::vector<mf::rules::LoggedAction> log;
  State played = start;
  mf::rules::RandomPlayout(&played, 7, &log);
  size_t i = 0;
  State st = start;
  for (auto _ : bs) {
    if (i == log.size()) {
      bs.PauseTiming();
      st = start;
      i = 0;
      bs.ResumeTiming();
    }
    benchmark::DoNotOptimize(st.Apply(log[i].actor, log[i].action).ok());
    ++i;
  }
}

// The wire view a seat receives (what the server sends after each change).
void BM_MakeView(benchmark::State& bs, const std::string& name) {
  auto sc = Load(name);
  State st(sc, 3);
  mf::rules::RandomPlayout(&st, 3, nullptr, 300);
  mf::View view;
  for (auto _ : bs) {
    mf::rules::MakeView(mf::rules::SeatView(st, 0), &view);
    benchmark::DoNotOptimize(view.version());
  }
  bs.counters["bytes"] = static_cast<double>(view.ByteSizeLong());
}

// The view of one change as forumd sends it after a stream's first view: no
// static fields, 20 recent events.
void BM_MakeChangeView(benchmark::State& bs, const std::string& name) {
  auto sc = Load(name);
  State st(sc, 3);
  mf::rules::RandomPlayout(&st, 3, nullptr, 300);
  mf::View view;
  mf::rules::ViewParts parts;
  parts.static_fields = false;
  parts.max_events = 20;
  for (auto _ : bs) {
    mf::rules::MakeView(mf::rules::SeatView(st, 0), &view, parts);
    benchmark::DoNotOptimize(view.version());
  }
  bs.counters["bytes"] = static_cast<double>(view.ByteSizeLong());
}

void BM_Hash(benchmark::State& bs, const std::string& name) {
  auto sc = Load(name);
  State st(sc, 3);
  mf::rules::RandomPlayout(&st, 3, nullptr, 300);
  for (auto _ : bs) benchmark::DoNotOptimize(st.Hash());
}

// One whole game with heuristic bots in every seat (the default balance mix),
// or with one planner seat.
void BM_BotGame(benchmark::State& bs, const std::string& name, bool planner) {
  auto sc = Load(name);
  const std::vector<std::string> mix = {"hardliner",    "cooperator",   "cooperator",
                                        "reciprocator", "reciprocator", "dealmaker"};
  uint64_t seed = 1;
  for (auto _ : bs) {
    std::vector<std::unique_ptr<mf::bots::Bot>> owned;
    std::vector<mf::bots::Bot*> seats;
    for (int s = 0; s < sc->num_seats(); ++s) {
      owned.push_back(planner && s == 0
                          ? mf::bots::MakeBot("planner")
                          : mf::bots::MakeBot(mix[(seed + static_cast<uint64_t>(s)) % 6]));
      seats.push_back(owned.back().get());
    }
    State st(sc, seed);
    mf::bots::MatchOptions o;
    o.seed = seed;
    o.bot_seed = seed;
    mf::bots::RunMatch(&st, seats, o);
    benchmark::DoNotOptimize(st.final_scores().data());
    ++seed;
  }
}

void Register() {
  for (const auto& e : mf::rules::EmbeddedScenarios()) {
    const std::string name = e.name;
    benchmark::RegisterBenchmark(("RandomGame/" + name).c_str(), BM_RandomGame, name)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("ApplyAction/" + name).c_str(), BM_ApplyAction, name)
        ->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark(("MakeView/" + name).c_str(), BM_MakeView, name)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("MakeChangeView/" + name).c_str(), BM_MakeChangeView, name)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("Hash/" + name).c_str(), BM_Hash, name)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("HeuristicBotGame/" + name).c_str(), BM_BotGame, name, false)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("OnePlannerSeatGame/" + name).c_str(), BM_BotGame, name, true)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
