// Benchmarks of the client without a display: the replay of a finished
// session (opening it, a random jump on the timeline, one step) on a long
// game, workshop-30 played by the demo bots (over a thousand actions), for
// several checkpoint spacings.
#include <benchmark/benchmark.h>

#include <random>

#include "client/demo.h"
#include "client/replay.h"

namespace {

using mf::client::ReplayConnection;
using mf::client::ReplayRecord;

const mf::GameLog& Workshop() {
  static const mf::GameLog* log = [] {
    std::string error;
    auto g = mf::client::DemoGame::Make("workshop-30", 2, &error);
    if (!g) throw std::runtime_error(error);
    g->RunUntil([](const mf::rules::State& s) { return s.IsTerminal(); });
    return new mf::GameLog(g->Record());
  }();
  return *log;
}

std::unique_ptr<ReplayConnection> Open(int every) {
  ReplayRecord rec;
  rec.log = Workshop();
  rec.source = "bench";
  std::string error;
  auto c = ReplayConnection::Open(std::move(rec), mf::rules::kSpectatorView, &error, every);
  if (!c) throw std::runtime_error(error);
  return c;
}

// Opening: the whole log applied once, checkpoints kept, the index built.
void BM_ReplayOpen(benchmark::State& bs) {
  for (auto _ : bs) benchmark::DoNotOptimize(Open(static_cast<int>(bs.range(0)))->size());
  bs.counters["actions"] = Workshop().entries_size();
}

// A jump to a random position (the view published included).
void BM_ReplaySeek(benchmark::State& bs) {
  auto c = Open(static_cast<int>(bs.range(0)));
  std::mt19937 rng(1);
  for (auto _ : bs) {
    c->Seek(static_cast<int>(rng() % static_cast<unsigned>(c->size() + 1)));
    benchmark::DoNotOptimize(c->position());
  }
  bs.counters["actions"] = c->size();
}

// One step forward from the middle.
void BM_ReplayStep(benchmark::State& bs) {
  auto c = Open(static_cast<int>(bs.range(0)));
  for (auto _ : bs) {
    bs.PauseTiming();
    c->Seek(c->size() / 2);
    bs.ResumeTiming();
    c->Step(1);
  }
}

BENCHMARK(BM_ReplayOpen)->Arg(8)->Arg(32)->Arg(128)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplaySeek)->Arg(8)->Arg(32)->Arg(128)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReplayStep)->Arg(32)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
