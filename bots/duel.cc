#include "bots/duel.h"

#include <atomic>
#include <cmath>
#include <thread>

namespace mf::bots {
namespace {

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double PlayOnce(const std::shared_ptr<const rules::Scenario>& sc, uint64_t seed, int tested,
                Bot* tested_bot, const std::vector<std::unique_ptr<Bot>>& others) {
  rules::State st(sc, seed);
  std::vector<Bot*> seats;
  for (int s = 0; s < sc->num_seats(); ++s)
    seats.push_back(s == tested ? tested_bot : others[static_cast<size_t>(s)].get());
  MatchOptions options;
  options.seed = seed;
  options.bot_seed = Mix(seed, 1);
  RunMatch(&st, seats, options);
  return st.final_scores()[static_cast<size_t>(tested)].total;
}

}  // namespace

DuelResult Duel(const std::shared_ptr<const rules::Scenario>& sc,
                const std::function<std::unique_ptr<Bot>()>& challenger,
                const std::function<std::unique_ptr<Bot>()>& baseline, const DuelOptions& o) {
  DuelResult r;
  r.games = o.games;
  std::vector<double> a(static_cast<size_t>(o.games)), b(static_cast<size_t>(o.games));
  std::atomic<int> next{0};
  auto work = [&] {
    auto c = challenger();
    auto base = baseline();
    for (;;) {
      const int g = next++;
      if (g >= o.games) break;
      const uint64_t seed = Mix(o.seed, static_cast<uint64_t>(g));
      rules::Rng pick(Mix(seed, 2));
      std::vector<std::unique_ptr<Bot>> others;
      for (int s = 0; s < sc->num_seats(); ++s)
        others.push_back(
            MakeBot(o.opponents[pick.Below(static_cast<uint32_t>(o.opponents.size()))]));
      const int tested = g % sc->num_seats();
      a[static_cast<size_t>(g)] = PlayOnce(sc, seed, tested, c.get(), others);
      b[static_cast<size_t>(g)] = PlayOnce(sc, seed, tested, base.get(), others);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, o.threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  double sum = 0, sum2 = 0, better = 0;
  for (int g = 0; g < o.games; ++g) {
    const double d = a[static_cast<size_t>(g)] - b[static_cast<size_t>(g)];
    r.differences.push_back(d);
    r.challenger_mean += a[static_cast<size_t>(g)];
    r.baseline_mean += b[static_cast<size_t>(g)];
    sum += d;
    better += d > 0 ? 1 : 0;
  }
  const double n = std::max(1, o.games);
  r.challenger_mean /= n;
  r.baseline_mean /= n;
  r.mean_difference = sum / n;
  for (double d : r.differences) sum2 += (d - r.mean_difference) * (d - r.mean_difference);
  r.sd_difference = o.games > 1 ? std::sqrt(sum2 / (n - 1)) : 0;
  r.t = r.sd_difference > 0 ? r.mean_difference / (r.sd_difference / std::sqrt(n)) : 0;
  r.p_value = 0.5 * std::erfc(r.t / std::sqrt(2.0));
  r.challenger_better = better / n;
  return r;
}

}  // namespace mf::bots
