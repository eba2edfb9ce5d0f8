// The last step of levelling seats (forumctl tune): per-seat score offsets
// found by repeated balance runs, each round moving every seat's offset by
// the log of its fair share over its win rate (the step halved for a seat
// that overshot), until every seat wins
// between 0.5x and 1.5x its fair share.
#include <algorithm>
#include <cmath>

#include "rules/scenario.h"
#include "tools/balance.h"

namespace mf::tools {

bool ScenarioWithSeatOffsets(const rules::Scenario& base, const std::vector<double>& offsets,
                             std::shared_ptr<const rules::Scenario>* out, std::string* error) {
  mf::Scenario copy = base.proto();
  if (static_cast<int>(offsets.size()) != copy.seats_size()) {
    *error = "one offset per seat expected";
    return false;
  }
  for (int s = 0; s < copy.seats_size(); ++s)
    copy.mutable_seats(s)->set_score_offset(std::round(offsets[s] * 100) / 100);
  rules::LoadResult r = rules::LoadScenarioMessage(copy, base.id() + " (tuned)");
  if (!r.ok()) {
    *error = r.errors.empty() ? "the tuned scenario does not validate" : r.errors.front();
    return false;
  }
  *out = r.scenario;
  return true;
}

double WorstShare(const Report& r) {
  double worst = 0;
  for (const WinStat& w : r.seats)
    worst = std::max(worst, std::fabs(std::log(std::max(ShareRatio(w), 1e-3))));
  return worst;
}

bool TuneSeatOffsets(std::shared_ptr<const rules::Scenario> base, const TuneOptions& options,
                     TuneResult* out, std::string* error) {
  *out = TuneResult();
  const int n = base->num_seats();
  std::vector<double> offsets(static_cast<size_t>(n));
  for (int s = 0; s < n; ++s) offsets[s] = base->seats()[s].score_offset;
  double best = 1e9;
  std::vector<double> gain(static_cast<size_t>(n), options.gain);
  std::vector<int> last_sign(static_cast<size_t>(n), 0);
  for (int round = 0; round <= options.rounds; ++round) {
    std::shared_ptr<const rules::Scenario> sc;
    if (!ScenarioWithSeatOffsets(*base, offsets, &sc, error)) return false;
    TuneRound row;
    row.offsets = offsets;
    row.report = RunBalance(sc, options.balance);
    // The best round: no role imbalance if any round has none, then the
    // worst seat closest to its share.
    bool role_level = true;
    for (const Imbalance& im : row.report.imbalances) role_level &= im.kind != "role";
    const double worst = WorstShare(row.report) + (role_level ? 0 : 100);
    if (worst < best) {
      best = worst;
      out->best = static_cast<int>(out->rounds.size());
      out->scenario = sc;
    }
    if (round == options.rounds) {
      out->rounds.push_back(std::move(row));
      break;
    }
    // Each seat moves towards its fair share; a seat whose error changed
    // sign since the last round halves its step (no oscillation).
    double mean = 0;
    for (int s = 0; s < n; ++s) {
      const WinStat& w = row.report.seats[s];
      const double miss = -std::log(std::max(ShareRatio(w), 0.05));
      const int sign = miss > 0 ? 1 : miss < 0 ? -1 : 0;
      if (sign != 0 && sign == -last_sign[s]) gain[s] *= 0.5;
      last_sign[s] = sign;
      offsets[s] += std::clamp(gain[s] * miss, -options.max_step, options.max_step);
      mean += offsets[s] / n;
    }
    // Only differences between seats matter: keep the mean offset at 0.
    for (int s = 0; s < n; ++s) offsets[s] = std::clamp(offsets[s] - mean, -30.0, 30.0);
    out->rounds.push_back(std::move(row));
  }
  return true;
}

}  // namespace mf::tools
