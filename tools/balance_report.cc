// The balance report (balance.h): the games' records aggregated (win rates
// per role, seat and strategy with Wilson intervals, outcomes per agenda
// item, means per cycle and corridor, the imbalances found), as JSON and CSV.
#include "tools/balance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tools/balance_internal.h"
#include "tools/csv.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

constexpr mf::Role kRoles[] = {mf::SOURCE, mf::TRANSIT, mf::DESTINATION};
constexpr mf::Form kForms[] = {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION};

// Running mean and variance (Welford), fed in game order.
struct Moments {
  long long n = 0;
  double mean = 0, m2 = 0;
  void Add(double x) {
    ++n;
    const double d = x - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (x - mean);
  }
  double Sd() const { return n > 1 ? std::sqrt(m2 / static_cast<double>(n - 1)) : 0.0; }
};

void FinishStat(WinStat* w, const Moments& m) {
  w->win_rate = w->games > 0 ? static_cast<double>(w->wins) / static_cast<double>(w->games) : 0;
  w->ci95 = Wilson(w->wins, w->games);
  w->mean_score = m.mean;
  w->sd_score = m.Sd();
}

bool Excludes(const WinStat& w) {
  return w.games > 0 && (w.fair_share < w.ci95.low || w.fair_share > w.ci95.high);
}

Imbalance MakeImbalance(const std::string& kind, const std::string& who, const WinStat& w) {
  Imbalance im;
  im.kind = kind;
  im.name = w.name;
  im.win_rate = w.win_rate;
  im.fair_share = w.fair_share;
  im.ci95 = w.ci95;
  im.favoured = w.win_rate > w.fair_share;
  im.message = who + " wins " + Percent(w.win_rate) + "% of games (95% CI " + Percent(w.ci95.low) +
               "-" + Percent(w.ci95.high) + "%) against a fair share of " + Percent(w.fair_share) +
               "%: " + (im.favoured ? "favoured" : "disfavoured");
  return im;
}

void Ci95(const Interval& ci, google::protobuf::RepeatedField<double>* out);

// The fields every win statistic shares (mf.RoleWins, SeatWins, StrategyWins).
template <class Wins>
void SetWins(const WinStat& w, Wins* x) {
  x->set_wins(static_cast<int32_t>(w.wins));
  x->set_win_rate(Sig(w.win_rate));
  x->set_fair_share(Sig(w.fair_share));
  Ci95(w.ci95, x->mutable_ci95());
  x->set_mean_score(Sig(w.mean_score));
  x->set_sd_score(Sig(w.sd_score));
}

void Ci95(const Interval& ci, google::protobuf::RepeatedField<double>* out) {
  out->Add(Sig(ci.low));
  out->Add(Sig(ci.high));
}

}  // namespace

// ---- The report ---------------------------------------------------------------------

double ShareRatio(const WinStat& w) {
  return w.fair_share > 0 ? w.win_rate / w.fair_share : 0;
}

const char* ShareVerdict(const WinStat& w) {
  const double r = ShareRatio(w);
  return r < 0.5 ? "disfavoured" : r > 1.5 ? "favoured" : "level";
}

Interval Wilson(long long successes, long long trials, double z) {
  if (trials <= 0) return {0, 1};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Report Aggregate(const rules::Scenario& sc, const Mix& mix, uint64_t seed,
                 const std::vector<GameRecord>& records) {
  Report rep;
  const int ns = sc.num_seats();
  const long long games = static_cast<long long>(records.size());
  rep.scenario = sc.id();
  rep.games = games;
  rep.seed = seed;
  rep.bots = MixText(mix);
  rep.num_seats = ns;
  rep.cycles = sc.cycles();

  // Win statistics.
  std::vector<Moments> role_m(4), seat_m(ns), strat_m(mix.size());
  std::vector<WinStat> roles(4), seats(ns), strats(mix.size());
  for (mf::Role r : kRoles) {
    WinStat& w = roles[r];
    w.name = rules::RoleName(r);
    for (const rules::SeatData& s : sc.seats()) w.seats += s.role == r ? 1 : 0;
    w.fair_share = ns > 0 ? static_cast<double>(w.seats) / ns : 0;
    w.games = games;
  }
  for (int s = 0; s < ns; ++s) {
    seats[s].name = sc.seats()[s].name;
    for (int o = 0; o < s; ++o)  // Report keys must be unique.
      if (sc.seats()[o].name == seats[s].name) seats[s].name += " (" + sc.seats()[s].id + ")";
    seats[s].role = rules::RoleName(sc.seats()[s].role);
    seats[s].seats = 1;
    seats[s].fair_share = ns > 0 ? 1.0 / ns : 0;
    seats[s].games = games;
  }
  for (size_t k = 0; k < mix.size(); ++k) {
    strats[k].name = mix[k].strategy;
    strats[k].games = games;
  }

  // Agenda items, in agenda order; outcomes per item.
  std::vector<std::pair<int, int>> item_keys;  // (cycle, theme)
  for (int c = 0; c < static_cast<int>(sc.agenda().size()); ++c)
    for (int t : sc.agenda()[c]) item_keys.emplace_back(c + 1, t);
  std::map<std::pair<int, int>, std::map<std::string, long long>> item_counts;
  std::map<std::pair<int, int>, long long> item_agreed;  // Games with an adoption.

  long long tabled[4] = {0, 0, 0, 0}, adopted[4] = {0, 0, 0, 0};
  long long open[4] = {0, 0, 0, 0}, ratified[4] = {0, 0, 0, 0};
  std::vector<CycleMean> cyc;
  std::vector<long long> corr_n(sc.num_corridors(), 0);
  std::vector<double> corr_legal(sc.num_corridors(), 0), corr_irr(sc.num_corridors(), 0);

  for (const GameRecord& g : records) {
    rep.unfinished += g.finished ? 0 : 1;
    rep.actions += g.actions;
    rep.rejected += g.rejected;
    for (int s = 0; s < ns && s < static_cast<int>(g.score.size()); ++s) {
      const int role = static_cast<int>(sc.seats()[s].role);
      const int k = s < static_cast<int>(g.strategy.size()) ? g.strategy[s] : -1;
      role_m[role].Add(g.score[s]);
      seat_m[s].Add(g.score[s]);
      if (k >= 0 && k < static_cast<int>(mix.size())) {
        strat_m[k].Add(g.score[s]);
        ++strats[k].seat_games;
      }
      ++roles[role].seat_games;
      ++seats[s].seat_games;
    }
    if (g.winner >= 0 && g.winner < ns) {
      ++roles[sc.seats()[g.winner].role].wins;
      ++seats[g.winner].wins;
      if (g.winner < static_cast<int>(g.strategy.size())) {
        const int k = g.strategy[g.winner];
        if (k >= 0 && k < static_cast<int>(mix.size())) ++strats[k].wins;
      }
    }
    for (int f = 0; f < 4; ++f) {
      tabled[f] += g.tabled[f];
      adopted[f] += g.adopted[f];
      open[f] += g.ratify_open[f];
      ratified[f] += g.ratified[f];
    }
    std::map<std::pair<int, int>, bool> agreed;
    for (const AdoptedRecord& a : g.outcomes) {
      const std::pair<int, int> key(a.cycle, a.theme);
      ++item_counts[key][a.label];
      agreed[key] = true;
    }
    for (const auto& kv : agreed) ++item_agreed[kv.first];
    for (size_t c = 0; c < g.cycles.size(); ++c) {
      if (cyc.size() <= c) {
        cyc.emplace_back();
        cyc.back().cycle = static_cast<int>(c) + 1;
      }
      CycleMean& m = cyc[c];
      const CycleRecord& x = g.cycles[c];
      ++m.games;
      // Sums here, divided below.
      m.mean.mean_trust += x.mean_trust;
      m.mean.regime += x.regime;
      m.mean.norms += x.norms;
      m.mean.rules += x.rules;
      m.mean.procedures += x.procedures;
      m.mean.welfare += x.welfare;
      m.mean.irregular += x.irregular;
      m.mean.legal += x.legal;
    }
    for (size_t c = 0; c < corr_n.size() && c < g.corridor_legal.size(); ++c) {
      ++corr_n[c];
      corr_legal[c] += g.corridor_legal[c];
      corr_irr[c] += g.corridor_irregular[c];
    }
  }

  for (mf::Role r : kRoles) {
    FinishStat(&roles[r], role_m[r]);
    rep.roles.push_back(roles[r]);
  }
  for (int s = 0; s < ns; ++s) {
    FinishStat(&seats[s], seat_m[s]);
    rep.seats.push_back(seats[s]);
  }
  for (size_t k = 0; k < mix.size(); ++k) {
    strats[k].fair_share =
        games * ns > 0 ? static_cast<double>(strats[k].seat_games) / static_cast<double>(games * ns)
                       : 0;
    FinishStat(&strats[k], strat_m[k]);
    rep.strategies.push_back(strats[k]);
  }

  for (mf::Form f : kForms) {
    FormStat fs;
    fs.form = rules::FormName(f);
    fs.tabled = tabled[f];
    fs.adopted = adopted[f];
    fs.rate = fs.tabled > 0 ? static_cast<double>(fs.adopted) / static_cast<double>(fs.tabled) : 0;
    rep.forms.push_back(fs);
  }
  for (mf::Role r : kRoles) {
    RatificationStat rs;
    rs.role = rules::RoleName(r);
    rs.open = open[r];
    rs.ratified = ratified[r];
    rs.rate = rs.open > 0 ? static_cast<double>(rs.ratified) / static_cast<double>(rs.open) : 0;
    rep.ratification.push_back(rs);
  }

  // Items adopted on though not on the scenario's agenda (should not happen) come last.
  for (const auto& kv : item_counts)
    if (std::find(item_keys.begin(), item_keys.end(), kv.first) == item_keys.end())
      item_keys.push_back(kv.first);
  for (const auto& key : item_keys) {
    ItemStat it;
    const std::string theme = key.second >= 0 && key.second < sc.num_themes()
                                  ? sc.themes()[key.second].id
                                  : std::to_string(key.second);
    it.key = "cycle " + std::to_string(key.first) + ": " + theme;
    if (std::any_of(rep.items.begin(), rep.items.end(),
                    [&](const ItemStat& o) { return o.key == it.key; }))
      continue;  // A theme listed twice in one cycle: one entry.
    for (const auto& kv : item_counts[key])
      it.outcomes.push_back(
          {kv.first, kv.second,
           games > 0 ? static_cast<double>(kv.second) / static_cast<double>(games) : 0});
    const long long none = games - item_agreed[key];
    // Without agreement the status quo stays; name its band when the theme has one.
    std::string no_agreement = "no agreement";
    if (key.second >= 0 && key.second < sc.num_themes()) {
      const rules::ThemeData& td = sc.themes()[key.second];
      const std::string& band = td.BandLabel(td.status_quo);
      if (!band.empty()) no_agreement += " (status quo stays: " + band + ")";
    }
    it.outcomes.push_back({no_agreement, none,
                           games > 0 ? static_cast<double>(none) / static_cast<double>(games) : 0});
    std::stable_sort(it.outcomes.begin(), it.outcomes.end(),
                     [](const OutcomeFrequency& a, const OutcomeFrequency& b) {
                       return a.count != b.count ? a.count > b.count : a.label < b.label;
                     });
    rep.items.push_back(std::move(it));
  }

  for (CycleMean& m : cyc) {
    const double n = static_cast<double>(m.games);
    m.mean.mean_trust /= n;
    m.mean.regime /= n;
    m.mean.norms /= n;
    m.mean.rules /= n;
    m.mean.procedures /= n;
    m.mean.welfare /= n;
    m.mean.irregular /= n;
    m.mean.legal /= n;
  }
  rep.cycle_means = std::move(cyc);

  for (int c = 0; c < sc.num_corridors(); ++c) {
    CorridorMean cm;
    cm.id = sc.corridors()[c].id;
    if (corr_n[c] > 0) {
      cm.legal = corr_legal[c] / static_cast<double>(corr_n[c]);
      cm.irregular = corr_irr[c] / static_cast<double>(corr_n[c]);
    }
    rep.corridors.push_back(cm);
  }

  for (const WinStat& w : rep.roles)
    if (w.seats > 0 && Excludes(w)) rep.imbalances.push_back(MakeImbalance("role", w.name, w));
  for (const WinStat& w : rep.seats)
    if (Excludes(w))
      rep.imbalances.push_back(MakeImbalance("seat", w.name + " (" + w.role + ")", w));
  for (const WinStat& w : rep.seats)
    if (std::string(ShareVerdict(w)) != "level") ++rep.seats_outside_share;
  return rep;
}

mf::BalanceReport ReportProto(const Report& r, bool timing) {
  mf::BalanceReport p;
  p.set_scenario(r.scenario);
  p.set_games(static_cast<int32_t>(r.games));
  p.set_seed(r.seed);
  p.set_bots(r.bots);
  p.set_num_seats(r.num_seats);
  p.set_cycles(r.cycles);
  if (timing) {
    p.set_games_per_second(Sig(r.games_per_second, 5));
    p.set_seconds(Sig(r.seconds, 5));
  }
  p.set_unfinished_games(static_cast<int32_t>(r.unfinished));
  p.set_actions(static_cast<double>(r.actions));
  p.set_rejected_bot_actions(static_cast<double>(r.rejected));
  p.set_seats_outside_share(r.seats_outside_share);

  for (const WinStat& w : r.roles) {
    mf::RoleWins& x = (*p.mutable_roles())[w.name];
    x.set_seats(w.seats);
    SetWins(w, &x);
  }
  for (const WinStat& w : r.seats) {
    mf::SeatWins& x = (*p.mutable_seats())[w.name];
    x.set_role(w.role);
    x.set_share(Sig(ShareRatio(w)));
    x.set_verdict(ShareVerdict(w));
    SetWins(w, &x);
  }
  for (const WinStat& w : r.strategies) {
    mf::StrategyWins& x = (*p.mutable_strategies())[w.name];
    x.set_seat_games(static_cast<double>(w.seat_games));
    SetWins(w, &x);
    x.set_wins_per_seat_game(Sig(
        w.seat_games > 0 ? static_cast<double>(w.wins) / static_cast<double>(w.seat_games) : 0.0));
  }

  for (const FormStat& f : r.forms) {
    mf::FormAdoption& x = (*p.mutable_adoption_by_form())[f.form];
    x.set_tabled(static_cast<double>(f.tabled));
    x.set_adopted(static_cast<double>(f.adopted));
    x.set_rate(Sig(f.rate));
  }
  for (const RatificationStat& s : r.ratification) {
    mf::RoleRatification& x = (*p.mutable_ratification_by_role())[s.role];
    x.set_open(static_cast<double>(s.open));
    x.set_ratified(static_cast<double>(s.ratified));
    x.set_rate(Sig(s.rate));
  }

  // An item's outcomes stay a JSON array: a list of OutcomeFrequency objects.
  for (const ItemStat& it : r.items) {
    google::protobuf::ListValue& list = (*p.mutable_outcomes_by_item())[it.key];
    for (const OutcomeFrequency& o : it.outcomes) {
      auto& fields = *list.add_values()->mutable_struct_value()->mutable_fields();
      fields["label"].set_string_value(o.label);
      fields["count"].set_number_value(static_cast<double>(o.count));
      fields["frequency"].set_number_value(Sig(o.frequency));
    }
  }

  for (const CycleMean& c : r.cycle_means) {
    mf::CycleMean* x = p.add_per_cycle();
    x->set_cycle(c.cycle);
    x->set_games(static_cast<int32_t>(c.games));
    x->set_mean_trust(Sig(c.mean.mean_trust));
    mf::RegimeMean* regime = x->mutable_regime();
    regime->set_total(Sig(c.mean.regime));
    regime->set_norms(Sig(c.mean.norms));
    regime->set_decision_rules(Sig(c.mean.rules));
    regime->set_procedures(Sig(c.mean.procedures));
    x->set_migrant_welfare(Sig(c.mean.welfare));
    x->set_irregular_total(Sig(c.mean.irregular));
    x->set_legal_total(Sig(c.mean.legal));
  }

  for (const CorridorMean& c : r.corridors) {
    mf::CorridorMean& x = (*p.mutable_corridors())[c.id];
    x.set_legal(Sig(c.legal));
    x.set_irregular(Sig(c.irregular));
  }

  for (const Imbalance& im : r.imbalances) {
    mf::Imbalance* x = p.add_imbalances();
    x->set_kind(im.kind);
    x->set_name(im.name);
    x->set_win_rate(Sig(im.win_rate));
    x->set_fair_share(Sig(im.fair_share));
    Ci95(im.ci95, x->mutable_ci95());
    x->set_favoured(im.favoured);
    x->set_message(im.message);
  }
  return p;
}

std::string ReportJson(const Report& r, bool timing) {
  return ToJson(ReportProto(r, timing));
}

std::string GamesCsv(const rules::Scenario& sc, const Mix& mix,
                     const std::vector<GameRecord>& records) {
  std::string out =
      "game,seed,winner,winner_role,winner_strategy,actions,adopted_texts,final_regime,mean_trust";
  for (const rules::SeatData& s : sc.seats())
    out += "," + CsvCell("strategy_" + s.id) + "," + CsvCell("score_" + s.id);
  out += '\n';
  auto strategy = [&](const GameRecord& g, int s) -> std::string {
    if (s < 0 || s >= static_cast<int>(g.strategy.size())) return "";
    const int k = g.strategy[s];
    return k >= 0 && k < static_cast<int>(mix.size()) ? mix[k].strategy : "";
  };
  for (const GameRecord& g : records) {
    const bool w = g.winner >= 0 && g.winner < sc.num_seats();
    out += std::to_string(g.game) + "," + std::to_string(g.seed) + ",";
    out += (w ? CsvCell(sc.seats()[g.winner].name) : "") + ",";
    out += (w ? rules::RoleName(sc.seats()[g.winner].role) : "") + std::string(",");
    out += strategy(g, g.winner) + "," + std::to_string(g.actions) + "," +
           std::to_string(g.adopted_total) + "," + Fmt("%.6g", g.regime) + "," +
           Fmt("%.6g", g.mean_trust);
    for (int s = 0; s < sc.num_seats(); ++s) {
      out += "," + strategy(g, s) + ",";
      if (s < static_cast<int>(g.score.size())) out += Fmt("%.6g", g.score[s]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace mf::tools
