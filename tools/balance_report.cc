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

Fixed ToFixed(double v) {
  // Rounded once; |v| < 2^62 / 2^32 for every quantity a game records.
  return static_cast<Fixed>(std::llround(std::ldexp(v, 32)));
}

namespace {

void AddScore(ScoreTally* t, double v) {
  const Fixed q = ToFixed(v);
  ++t->n;
  t->sum += q;
  t->sum_squares += q * q;
}

double FixedMean(Fixed sum, long long n) {
  return n > 0 ? static_cast<double>(std::ldexp(static_cast<long double>(sum), -32) /
                                     static_cast<long double>(n))
               : 0.0;
}

void AddWins(const WinTally& from, WinTally* into) {
  into->seat_games += from.seat_games;
  into->wins += from.wins;
  into->score.n += from.score.n;
  into->score.sum += from.score.sum;
  into->score.sum_squares += from.score.sum_squares;
}

void FinishStat(WinStat* w, const WinTally& t) {
  w->seat_games = t.seat_games;
  w->wins = t.wins;
  w->win_rate = w->games > 0 ? static_cast<double>(w->wins) / static_cast<double>(w->games) : 0;
  w->ci95 = Wilson(w->wins, w->games);
  const long long n = t.score.n;
  w->mean_score = FixedMean(t.score.sum, n);
  if (n > 1) {
    const long double s = std::ldexp(static_cast<long double>(t.score.sum), -32);
    const long double q = std::ldexp(static_cast<long double>(t.score.sum_squares), -64);
    const long double var =
        (q - s * s / static_cast<long double>(n)) / static_cast<long double>(n - 1);
    w->sd_score = var > 0 ? static_cast<double>(std::sqrt(var)) : 0.0;
  } else {
    w->sd_score = 0;
  }
}

}  // namespace

Tally NewTally(const rules::Scenario& sc, const Mix& mix) {
  Tally t;
  t.roles.resize(4);
  t.seats.resize(static_cast<size_t>(sc.num_seats()));
  t.strategies.resize(mix.size());
  t.corridors.resize(static_cast<size_t>(sc.num_corridors()));
  return t;
}

void AddGame(const rules::Scenario& sc, const Mix& mix, const GameRecord& g, Tally* t) {
  const int ns = sc.num_seats();
  ++t->games;
  t->unfinished += g.finished ? 0 : 1;
  t->actions += g.actions;
  t->rejected += g.rejected;
  for (int s = 0; s < ns && s < static_cast<int>(g.score.size()); ++s) {
    const int role = static_cast<int>(sc.seats()[s].role);
    const int k = s < static_cast<int>(g.strategy.size()) ? g.strategy[s] : -1;
    AddScore(&t->seats[s].score, g.score[s]);
    ++t->seats[s].seat_games;
    // Roles and strategies are the states' (organisations have their own ranking).
    if (sc.IsOrganisation(s)) continue;
    AddScore(&t->roles[role].score, g.score[s]);
    if (k >= 0 && k < static_cast<int>(mix.size())) {
      AddScore(&t->strategies[k].score, g.score[s]);
      ++t->strategies[k].seat_games;
    }
    ++t->roles[role].seat_games;
  }
  if (g.org_winner >= 0 && g.org_winner < ns) ++t->seats[g.org_winner].wins;
  if (g.winner >= 0 && g.winner < ns) {
    ++t->roles[sc.seats()[g.winner].role].wins;
    ++t->seats[g.winner].wins;
    if (g.winner < static_cast<int>(g.strategy.size())) {
      const int k = g.strategy[g.winner];
      if (k >= 0 && k < static_cast<int>(mix.size())) ++t->strategies[k].wins;
    }
  }
  for (int f = 0; f < 4; ++f) {
    t->tabled[f] += g.tabled[f];
    t->adopted[f] += g.adopted[f];
    t->ratify_open[f] += g.ratify_open[f];
    t->ratified[f] += g.ratified[f];
  }
  std::map<std::pair<int, int>, bool> agreed;
  for (const AdoptedRecord& a : g.outcomes) {
    const std::pair<int, int> key(a.cycle, a.theme);
    ++t->item_counts[key][a.label];
    agreed[key] = true;
  }
  for (const auto& kv : agreed) ++t->item_agreed[kv.first];
  if (!g.forum.empty()) ++t->forums[g.forum];
  if (t->cycles.size() < g.cycles.size()) t->cycles.resize(g.cycles.size());
  for (size_t c = 0; c < g.cycles.size(); ++c) {
    CycleTally& m = t->cycles[c];
    const CycleRecord& x = g.cycles[c];
    const double v[kCycleFields] = {x.mean_trust, x.regime,  x.norms,     x.rules,
                                    x.procedures, x.welfare, x.irregular, x.legal};
    ++m.games;
    for (int i = 0; i < kCycleFields; ++i) m.sum[i] += ToFixed(v[i]);
  }
  for (size_t c = 0; c < t->corridors.size() && c < g.corridor_legal.size(); ++c) {
    ++t->corridors[c].games;
    t->corridors[c].legal += ToFixed(g.corridor_legal[c]);
    t->corridors[c].irregular += ToFixed(g.corridor_irregular[c]);
  }
}

bool MergeTally(const Tally& from, Tally* into, std::string* error) {
  if (from.roles.size() != into->roles.size() || from.seats.size() != into->seats.size() ||
      from.strategies.size() != into->strategies.size() ||
      from.corridors.size() != into->corridors.size()) {
    *error = "the tallies are of different scenarios or strategy mixes (" +
             std::to_string(from.seats.size()) + " vs " + std::to_string(into->seats.size()) +
             " seats, " + std::to_string(from.strategies.size()) + " vs " +
             std::to_string(into->strategies.size()) + " strategies)";
    return false;
  }
  into->games += from.games;
  into->unfinished += from.unfinished;
  into->actions += from.actions;
  into->rejected += from.rejected;
  for (size_t i = 0; i < from.roles.size(); ++i) AddWins(from.roles[i], &into->roles[i]);
  for (size_t i = 0; i < from.seats.size(); ++i) AddWins(from.seats[i], &into->seats[i]);
  for (size_t i = 0; i < from.strategies.size(); ++i)
    AddWins(from.strategies[i], &into->strategies[i]);
  for (int f = 0; f < 4; ++f) {
    into->tabled[f] += from.tabled[f];
    into->adopted[f] += from.adopted[f];
    into->ratify_open[f] += from.ratify_open[f];
    into->ratified[f] += from.ratified[f];
  }
  for (const auto& item : from.item_counts)
    for (const auto& kv : item.second) into->item_counts[item.first][kv.first] += kv.second;
  for (const auto& kv : from.item_agreed) into->item_agreed[kv.first] += kv.second;
  for (const auto& kv : from.forums) into->forums[kv.first] += kv.second;
  if (into->cycles.size() < from.cycles.size()) into->cycles.resize(from.cycles.size());
  for (size_t c = 0; c < from.cycles.size(); ++c) {
    into->cycles[c].games += from.cycles[c].games;
    for (int i = 0; i < kCycleFields; ++i) into->cycles[c].sum[i] += from.cycles[c].sum[i];
  }
  for (size_t c = 0; c < from.corridors.size(); ++c) {
    into->corridors[c].games += from.corridors[c].games;
    into->corridors[c].legal += from.corridors[c].legal;
    into->corridors[c].irregular += from.corridors[c].irregular;
  }
  return true;
}

Report Aggregate(const rules::Scenario& sc, const Mix& mix, uint64_t seed,
                 const std::vector<GameRecord>& records) {
  Tally t = NewTally(sc, mix);
  for (const GameRecord& g : records) AddGame(sc, mix, g, &t);
  return Finish(sc, mix, seed, t);
}

Report Finish(const rules::Scenario& sc, const Mix& mix, uint64_t seed, const Tally& t) {
  Report rep;
  const int ns = sc.num_seats();
  // States and organisations are ranked apart: a state's fair share of the
  // wins is 1 / states, an organisation's 1 / organisations; roles and
  // strategies are the states'.
  const int states = sc.num_states();
  const int orgs = ns - states;
  const long long games = t.games;
  rep.scenario = sc.id();
  rep.games = games;
  rep.seed = seed;
  rep.bots = MixText(mix);
  rep.num_seats = ns;
  rep.num_states = states;
  rep.cycles = sc.cycles();
  rep.unfinished = t.unfinished;
  rep.actions = t.actions;
  rep.rejected = t.rejected;

  // Win statistics.
  std::vector<WinStat> roles(4), seats(ns), strats(mix.size());
  for (mf::Role r : kRoles) {
    WinStat& w = roles[r];
    w.name = rules::RoleName(r);
    for (const rules::SeatData& s : sc.seats()) w.seats += s.role == r ? 1 : 0;
    w.fair_share = states > 0 ? static_cast<double>(w.seats) / states : 0;
    w.games = games;
  }
  for (int s = 0; s < ns; ++s) {
    seats[s].name = sc.seats()[s].name;
    for (int o = 0; o < s; ++o)  // Report keys must be unique.
      if (sc.seats()[o].name == seats[s].name) seats[s].name += " (" + sc.seats()[s].id + ")";
    const bool org = sc.IsOrganisation(s);
    seats[s].role = org ? rules::SeatKindLabel(sc.seats()[s]) : rules::RoleName(sc.seats()[s].role);
    seats[s].seats = 1;
    seats[s].fair_share = org ? 1.0 / orgs : states > 0 ? 1.0 / states : 0;
    seats[s].games = games;
  }
  for (size_t k = 0; k < mix.size(); ++k) {
    strats[k].name = mix[k].strategy;
    strats[k].games = games;
  }

  for (mf::Role r : kRoles) {
    FinishStat(&roles[r], t.roles[r]);
    rep.roles.push_back(roles[r]);
  }
  for (int s = 0; s < ns; ++s) {
    FinishStat(&seats[s], t.seats[s]);
    rep.seats.push_back(seats[s]);
  }
  for (size_t k = 0; k < mix.size(); ++k) {
    FinishStat(&strats[k], t.strategies[k]);
    strats[k].fair_share = games * states > 0 ? static_cast<double>(strats[k].seat_games) /
                                                    static_cast<double>(games * states)
                                              : 0;
    rep.strategies.push_back(strats[k]);
  }

  for (mf::Form f : kForms) {
    FormStat fs;
    fs.form = rules::FormName(f);
    fs.tabled = t.tabled[f];
    fs.adopted = t.adopted[f];
    fs.rate = fs.tabled > 0 ? static_cast<double>(fs.adopted) / static_cast<double>(fs.tabled) : 0;
    rep.forms.push_back(fs);
  }
  for (mf::Role r : kRoles) {
    RatificationStat rs;
    rs.role = rules::RoleName(r);
    rs.open = t.ratify_open[r];
    rs.ratified = t.ratified[r];
    rs.rate = rs.open > 0 ? static_cast<double>(rs.ratified) / static_cast<double>(rs.open) : 0;
    rep.ratification.push_back(rs);
  }

  // Agenda items, in agenda order; outcomes per item. Items adopted on though
  // not on the scenario's agenda (should not happen) come last.
  std::vector<std::pair<int, int>> item_keys;  // (cycle, theme)
  for (int c = 0; c < static_cast<int>(sc.agenda().size()); ++c)
    for (int th : sc.agenda()[c]) item_keys.emplace_back(c + 1, th);
  for (const auto& kv : t.item_counts)
    if (std::find(item_keys.begin(), item_keys.end(), kv.first) == item_keys.end())
      item_keys.push_back(kv.first);
  static const std::map<std::string, long long> kNoCounts;
  for (const auto& key : item_keys) {
    ItemStat it;
    const std::string theme = key.second >= 0 && key.second < sc.num_themes()
                                  ? sc.themes()[key.second].id
                                  : std::to_string(key.second);
    it.key = "cycle " + std::to_string(key.first) + ": " + theme;
    if (std::any_of(rep.items.begin(), rep.items.end(),
                    [&](const ItemStat& o) { return o.key == it.key; }))
      continue;  // A theme listed twice in one cycle: one entry.
    const auto found = t.item_counts.find(key);
    for (const auto& kv : found == t.item_counts.end() ? kNoCounts : found->second)
      it.outcomes.push_back(
          {kv.first, kv.second,
           games > 0 ? static_cast<double>(kv.second) / static_cast<double>(games) : 0});
    const auto agreed = t.item_agreed.find(key);
    const long long none = games - (agreed == t.item_agreed.end() ? 0 : agreed->second);
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
  for (const auto& kv : t.forums)
    rep.forums.push_back(
        {kv.first, kv.second,
         games > 0 ? static_cast<double>(kv.second) / static_cast<double>(games) : 0});
  std::stable_sort(rep.forums.begin(), rep.forums.end(),
                   [](const OutcomeFrequency& a, const OutcomeFrequency& b) {
                     return a.count != b.count ? a.count > b.count : a.label < b.label;
                   });

  for (size_t c = 0; c < t.cycles.size(); ++c) {
    const CycleTally& x = t.cycles[c];
    CycleMean m;
    m.cycle = static_cast<int>(c) + 1;
    m.games = x.games;
    m.mean.mean_trust = FixedMean(x.sum[0], x.games);
    m.mean.regime = FixedMean(x.sum[1], x.games);
    m.mean.norms = FixedMean(x.sum[2], x.games);
    m.mean.rules = FixedMean(x.sum[3], x.games);
    m.mean.procedures = FixedMean(x.sum[4], x.games);
    m.mean.welfare = FixedMean(x.sum[5], x.games);
    m.mean.irregular = FixedMean(x.sum[6], x.games);
    m.mean.legal = FixedMean(x.sum[7], x.games);
    rep.cycle_means.push_back(m);
  }

  for (int c = 0; c < sc.num_corridors(); ++c) {
    CorridorMean cm;
    cm.id = sc.corridors()[c].id;
    if (c < static_cast<int>(t.corridors.size())) {
      cm.legal = FixedMean(t.corridors[c].legal, t.corridors[c].games);
      cm.irregular = FixedMean(t.corridors[c].irregular, t.corridors[c].games);
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

// ---- Tallies as messages -------------------------------------------------------------

namespace {

std::string FixedText(Fixed v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  UnsignedFixed u = negative ? -static_cast<UnsignedFixed>(v) : static_cast<UnsignedFixed>(v);
  std::string out;
  while (u > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

bool ParseFixed(const std::string& text, const char* what, Fixed* out, std::string* error) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) i = 1;
  if (i >= text.size() || text.size() - i > 38) {
    *error = std::string(what) + ": '" + text + "' is not a 128-bit integer";
    return false;
  }
  UnsignedFixed u = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      *error = std::string(what) + ": '" + text + "' is not an integer";
      return false;
    }
    u = u * 10 + static_cast<unsigned>(text[i] - '0');
  }
  *out = negative ? -static_cast<Fixed>(u) : static_cast<Fixed>(u);
  return true;
}

void WinsProto(const WinTally& w, mf::WinTally* x) {
  x->set_seat_games(w.seat_games);
  x->set_wins(w.wins);
  x->set_score_n(w.score.n);
  x->set_score_sum(FixedText(w.score.sum));
  x->set_score_sum_squares(FixedText(w.score.sum_squares));
}

bool WinsFromProto(const mf::WinTally& x, WinTally* w, std::string* error) {
  w->seat_games = x.seat_games();
  w->wins = x.wins();
  w->score.n = x.score_n();
  return ParseFixed(x.score_sum(), "score_sum", &w->score.sum, error) &&
         ParseFixed(x.score_sum_squares(), "score_sum_squares", &w->score.sum_squares, error);
}

}  // namespace

mf::BalanceTally TallyProto(const Tally& t) {
  mf::BalanceTally p;
  p.set_games(t.games);
  p.set_unfinished(t.unfinished);
  p.set_actions(t.actions);
  p.set_rejected(t.rejected);
  for (const WinTally& w : t.roles) WinsProto(w, p.add_roles());
  for (const WinTally& w : t.seats) WinsProto(w, p.add_seats());
  for (const WinTally& w : t.strategies) WinsProto(w, p.add_strategies());
  for (int f = 0; f < 4; ++f) {
    p.add_tabled(t.tabled[f]);
    p.add_adopted(t.adopted[f]);
    p.add_ratify_open(t.ratify_open[f]);
    p.add_ratified(t.ratified[f]);
  }
  for (const auto& item : t.item_counts) {
    mf::ItemTally* x = p.add_items();
    x->set_cycle(item.first.first);
    x->set_theme(item.first.second);
    const auto agreed = t.item_agreed.find(item.first);
    x->set_agreed(agreed == t.item_agreed.end() ? 0 : agreed->second);
    for (const auto& kv : item.second) (*x->mutable_outcomes())[kv.first] = kv.second;
  }
  for (const auto& kv : t.forums) (*p.mutable_forums())[kv.first] = kv.second;
  for (const CycleTally& c : t.cycles) {
    mf::CycleTally* x = p.add_cycles();
    x->set_games(c.games);
    for (int i = 0; i < kCycleFields; ++i) x->add_sums(FixedText(c.sum[i]));
  }
  for (const CorridorTally& c : t.corridors) {
    mf::CorridorTally* x = p.add_corridors();
    x->set_games(c.games);
    x->set_legal(FixedText(c.legal));
    x->set_irregular(FixedText(c.irregular));
  }
  return p;
}

bool TallyFromProto(const mf::BalanceTally& p, Tally* out, std::string* error) {
  Tally t;
  t.games = p.games();
  t.unfinished = p.unfinished();
  t.actions = p.actions();
  t.rejected = p.rejected();
  if (p.roles_size() != 4 || p.tabled_size() != 4 || p.adopted_size() != 4 ||
      p.ratify_open_size() != 4 || p.ratified_size() != 4) {
    *error = "a tally needs 4 roles, forms and ratification counts";
    return false;
  }
  for (const mf::WinTally& x : p.roles()) {
    t.roles.emplace_back();
    if (!WinsFromProto(x, &t.roles.back(), error)) return false;
  }
  for (const mf::WinTally& x : p.seats()) {
    t.seats.emplace_back();
    if (!WinsFromProto(x, &t.seats.back(), error)) return false;
  }
  for (const mf::WinTally& x : p.strategies()) {
    t.strategies.emplace_back();
    if (!WinsFromProto(x, &t.strategies.back(), error)) return false;
  }
  for (int f = 0; f < 4; ++f) {
    t.tabled[f] = p.tabled(f);
    t.adopted[f] = p.adopted(f);
    t.ratify_open[f] = p.ratify_open(f);
    t.ratified[f] = p.ratified(f);
  }
  for (const mf::ItemTally& x : p.items()) {
    const std::pair<int, int> key(x.cycle(), x.theme());
    if (t.item_counts.count(key)) {
      *error = "item (cycle " + std::to_string(key.first) + ", theme " +
               std::to_string(key.second) + ") is listed twice";
      return false;
    }
    auto& counts = t.item_counts[key];
    for (const auto& kv : x.outcomes()) counts[kv.first] = kv.second;
    if (x.agreed() != 0) t.item_agreed[key] = x.agreed();
  }
  for (const auto& kv : p.forums()) {
    if (kv.second < 0) {
      *error = "forum '" + kv.first + "' has a negative count";
      return false;
    }
    t.forums[kv.first] = kv.second;
  }
  for (const mf::CycleTally& x : p.cycles()) {
    if (x.sums_size() != kCycleFields) {
      *error = "a cycle's tally needs " + std::to_string(kCycleFields) + " sums";
      return false;
    }
    CycleTally c;
    c.games = x.games();
    for (int i = 0; i < kCycleFields; ++i)
      if (!ParseFixed(x.sums(i), "cycle sum", &c.sum[i], error)) return false;
    t.cycles.push_back(c);
  }
  for (const mf::CorridorTally& x : p.corridors()) {
    CorridorTally c;
    c.games = x.games();
    if (!ParseFixed(x.legal(), "corridor legal", &c.legal, error) ||
        !ParseFixed(x.irregular(), "corridor irregular", &c.irregular, error))
      return false;
    t.corridors.push_back(c);
  }
  *out = std::move(t);
  return true;
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

  for (const OutcomeFrequency& o : r.forums) {
    mf::OutcomeFrequency* x = p.add_forum_outcomes();
    x->set_label(o.label);
    x->set_count(static_cast<int32_t>(o.count));
    x->set_frequency(Sig(o.frequency));
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
