// The balance lab's runner (balance.h): strategy mixes, one game played
// and recorded, many games on a thread pool, and parameter sweeps. The
// report over the games is in balance_report.cc.
#include "tools/balance.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "bots/bot.h"
#include "tools/balance_internal.h"
#include "tools/csv.h"
#include "tools/report_json.h"

namespace mf::tools {

const char* const kDefaultMix = "hardliner:1,cooperator:2,reciprocator:2,dealmaker:1";

namespace {

std::string Trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// splitmix64's finaliser: a good 64-bit mixing function.
uint64_t Mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Percent(double v) {
  return Fmt("%.1f", 100.0 * v);
}

// ---- Mixes -----------------------------------------------------------------------

bool ParseMix(const std::string& text, Mix* out, std::string* error) {
  out->clear();
  const std::vector<std::string>& known = bots::StrategyNames();
  const std::string known_list = Join(known, ", ");
  for (const std::string& raw : Split(text, ',')) {
    const std::string part = Trim(raw);
    if (part.empty()) {
      *error = "--bots: empty entry in '" + text + "' (expected NAME or NAME:WEIGHT, ...)";
      return false;
    }
    MixEntry e;
    const size_t colon = part.find(':');
    e.strategy = Trim(part.substr(0, colon));
    if (colon != std::string::npos) {
      const std::string w = Trim(part.substr(colon + 1));
      char* end = nullptr;
      e.weight = std::strtod(w.c_str(), &end);
      if (w.empty() || end != w.c_str() + w.size() || !std::isfinite(e.weight) || !(e.weight > 0)) {
        *error = "--bots: weight '" + w + "' of '" + e.strategy + "' is not a positive number";
        return false;
      }
    }
    if (std::find(known.begin(), known.end(), e.strategy) == known.end()) {
      *error = "--bots: unknown strategy '" + e.strategy + "'; known strategies: " + known_list;
      return false;
    }
    for (const MixEntry& other : *out) {
      if (other.strategy == e.strategy) {
        *error = "--bots: strategy '" + e.strategy + "' is listed twice";
        return false;
      }
    }
    out->push_back(e);
  }
  return true;
}

std::string CheckStrategy(const std::string& name) {
  const std::vector<std::string>& known = bots::StrategyNames();
  if (std::find(known.begin(), known.end(), name) != known.end()) return "";
  return "unknown strategy '" + name + "'; known strategies: " + Join(known, ", ");
}

std::string CheckMix(const std::string& text) {
  Mix mix;
  std::string error;
  if (ParseMix(text, &mix, &error)) return "";
  return error.rfind("--bots: ", 0) == 0 ? error.substr(8) : error;
}

std::string MixText(const Mix& mix) {
  std::string out;
  for (size_t i = 0; i < mix.size(); ++i) {
    if (i) out += ',';
    out += mix[i].strategy + ":" + Fmt("%g", mix[i].weight);
  }
  return out;
}

GameSetup SetupGame(const Mix& mix, int num_seats, uint64_t seed, int game) {
  rules::Rng rng(Mix64(seed) ^ Mix64(static_cast<uint64_t>(game) ^ 0x6a09e667f3bcc909ULL));
  GameSetup g;
  g.game_seed = rng.Next();
  g.bot_seed = rng.Next();
  double total = 0;
  for (const MixEntry& e : mix) total += e.weight;
  g.strategy.resize(static_cast<size_t>(num_seats), 0);
  for (int s = 0; s < num_seats; ++s) {
    const double u = rng.Uniform() * total;
    double acc = 0;
    int pick = static_cast<int>(mix.size()) - 1;
    for (size_t k = 0; k < mix.size(); ++k) {
      acc += mix[k].weight;
      if (u < acc) {
        pick = static_cast<int>(k);
        break;
      }
    }
    g.strategy[s] = pick;
  }
  return g;
}

// ---- One game ----------------------------------------------------------------------

// The forum a game chose on its theme that chooses the forum, e.g. "formal
// follow-up inside the UN (adopted)"; empty when the scenario has none.
static std::string ForumOutcome(const rules::State& st) {
  const rules::Scenario& sc = st.scenario();
  bool declared = false;
  for (const rules::ThemeData& t : sc.themes()) declared |= t.chooses_forum;
  if (!declared) return "";
  const int theme = st.forum_theme();
  if (theme < 0) return "not decided";
  bool adopted = false;
  for (const rules::Text& t : st.texts()) adopted |= t.theme == theme && t.adopted;
  const int band = st.forum_band();
  const std::string label =
      band >= 0 ? sc.themes()[theme].bands[band].label : std::string("outside every band");
  return label + (adopted ? " (adopted)" : " (no agreement: the status quo stands)");
}

GameRecord RecordGame(const rules::State& st, int game, const std::vector<int>& strategy,
                      int actions, int rejected) {
  const rules::Scenario& sc = st.scenario();
  GameRecord r;
  r.game = game;
  r.seed = st.seed();
  r.finished = st.IsTerminal();
  r.actions = actions;
  r.rejected = rejected;
  r.strategy = strategy;
  const std::vector<rules::ScoreBreakdown> scores =
      st.IsTerminal() && !st.final_scores().empty() ? st.final_scores() : st.Scores();
  for (int s = 0; s < st.num_seats(); ++s) {
    r.score.push_back(scores[s].total);
    if (scores[s].rank != 1) continue;
    int& w = sc.IsOrganisation(s) ? r.org_winner : r.winner;
    if (w < 0) w = s;
  }
  for (const rules::Text& t : st.texts()) {
    const int form = static_cast<int>(t.form);
    if (form < 0 || form > 3) continue;
    // The forum's own texts: a regional draft (a caucus's, decided by its
    // members only where the forum adopted nothing) is no forum text tabled.
    if (t.tabled && t.decided && !t.withdrawn && t.caucus < 0) {
      ++r.tabled[form];
      if (t.adopted) ++r.adopted[form];
    }
    if (!t.adopted) continue;
    ++r.adopted_total;
    rules::Text bucket = t;
    bucket.position = std::clamp((t.position + 5) / 10 * 10, 0, 100);
    r.outcomes.push_back({t.cycle, t.theme, rules::TextLabel(sc, bucket)});
    if (t.form == mf::BINDING_CONVENTION) {
      for (int s = 0; s < st.num_seats(); ++s) {
        const int role = static_cast<int>(sc.seats()[s].role);
        if (role < 0 || role > 3) continue;
        ++r.ratify_open[role];
        if ((t.ratified >> s) & 1) ++r.ratified[role];
      }
    }
  }
  r.forum = ForumOutcome(st);
  for (const rules::CycleStat& c : st.history()) {
    CycleRecord cr;
    cr.mean_trust = c.mean_trust;
    cr.regime = c.regime;
    cr.norms = c.norms;
    cr.rules = c.rules;
    cr.procedures = c.procedures;
    cr.welfare = c.welfare;
    cr.irregular = c.irregular;
    cr.legal = c.legal;
    r.cycles.push_back(cr);
  }
  for (const rules::CorridorState& c : st.corridors()) {
    r.corridor_legal.push_back(c.legal);
    r.corridor_irregular.push_back(c.irregular);
  }
  r.regime = st.regime();
  r.mean_trust = st.mean_trust();
  return r;
}

GameRecord PlayGame(std::shared_ptr<const rules::Scenario> scenario, const Mix& mix, uint64_t seed,
                    int game) {
  const int n = scenario->num_seats();
  const GameSetup setup = SetupGame(mix, n, seed, game);
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (int s = 0; s < n; ++s) {
    owned.push_back(bots::MakeBot(mix[setup.strategy[s]].strategy));
    seats.push_back(owned.back().get());
  }
  rules::State st(scenario, setup.game_seed);
  bots::MatchOptions options;
  options.seed = setup.game_seed;
  options.bot_seed = setup.bot_seed;
  const bots::MatchResult m = bots::RunMatch(&st, seats, options);
  GameRecord r = RecordGame(st, game, setup.strategy, m.actions, m.rejected);
  r.bot_seed = setup.bot_seed;
  return r;
}

// ---- Running -------------------------------------------------------------------------

std::vector<GameRecord> RunGames(std::shared_ptr<const rules::Scenario> scenario,
                                 const BalanceOptions& options, const ProgressFn& progress,
                                 double* seconds) {
  const int n = std::max(0, options.games);
  std::vector<GameRecord> records(static_cast<size_t>(n));
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, std::min(threads, std::max(1, n)));
  bots::StrategyNames();  // Registers the strategies before the threads start.

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::atomic<int> next{0}, done{0};
  std::mutex mu;
  std::condition_variable cv;
  auto worker = [&] {
    for (;;) {
      const int g = next.fetch_add(1);
      if (g >= n) break;
      records[static_cast<size_t>(g)] = PlayGame(scenario, options.mix, options.seed, g);
      if (done.fetch_add(1) + 1 == n) {
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mu);
    while (done.load() < n) {
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done.load() >= n; });
      if (progress && done.load() < n) {
        lock.unlock();
        progress(done.load(), n, elapsed());
        lock.lock();
      }
    }
  }
  for (std::thread& t : pool) t.join();
  const double secs = elapsed();
  if (progress) progress(n, n, secs);
  if (seconds) *seconds = secs;
  return records;
}

Tally RunTally(std::shared_ptr<const rules::Scenario> scenario, const BalanceOptions& options,
               long long first_game, long long count, const ProgressFn& progress, double* seconds) {
  const long long n = std::max(0LL, count);
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = static_cast<int>(std::max(1LL, std::min<long long>(threads, std::max(1LL, n))));
  bots::StrategyNames();  // Registers the strategies before the threads start.

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Each thread tallies its own games; integer tallies merge exactly, so
  // which thread played which game does not matter.
  std::vector<Tally> tallies(static_cast<size_t>(threads), NewTally(*scenario, options.mix));
  std::atomic<long long> next{0}, done{0};
  std::mutex mu;
  std::condition_variable cv;
  auto worker = [&](int t) {
    for (;;) {
      const long long g = next.fetch_add(1);
      if (g >= n) break;
      const GameRecord r =
          PlayGame(scenario, options.mix, options.seed, static_cast<int>(first_game + g));
      AddGame(*scenario, options.mix, r, &tallies[static_cast<size_t>(t)]);
      if (done.fetch_add(1) + 1 == n) {
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  {
    std::unique_lock<std::mutex> lock(mu);
    while (done.load() < n) {
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done.load() >= n; });
      if (progress && done.load() < n) {
        lock.unlock();
        progress(static_cast<int>(done.load()), static_cast<int>(n), elapsed());
        lock.lock();
      }
    }
  }
  for (std::thread& t : pool) t.join();
  const double secs = elapsed();
  if (progress) progress(static_cast<int>(n), static_cast<int>(n), secs);
  if (seconds) *seconds = secs;
  Tally total = NewTally(*scenario, options.mix);
  std::string error;
  for (const Tally& t : tallies) MergeTally(t, &total, &error);  // Same shape: cannot fail.
  return total;
}

Report RunBalance(std::shared_ptr<const rules::Scenario> scenario, const BalanceOptions& options,
                  const ProgressFn& progress, std::vector<GameRecord>* records) {
  double seconds = 0;
  Report rep;
  if (records) {
    *records = RunGames(scenario, options, progress, &seconds);
    rep = Aggregate(*scenario, options.mix, options.seed, *records);
  } else {
    const Tally t = RunTally(scenario, options, 0, std::max(0, options.games), progress, &seconds);
    rep = Finish(*scenario, options.mix, options.seed, t);
  }
  rep.seconds = seconds;
  rep.games_per_second = seconds > 0 ? static_cast<double>(rep.games) / seconds : 0;
  return rep;
}

// ---- Sweeps ------------------------------------------------------------------------------

std::vector<std::string> ParameterFields() {
  std::vector<std::string> out;
  const google::protobuf::Descriptor* d = mf::Parameters::descriptor();
  for (int i = 0; i < d->field_count(); ++i) out.push_back(std::string(d->field(i)->name()));
  return out;
}

std::string ParameterValue(const rules::Scenario& sc, const std::string& field) {
  using google::protobuf::FieldDescriptor;
  const mf::Parameters& p = sc.proto().params();
  const FieldDescriptor* f = p.GetDescriptor()->FindFieldByName(field);
  if (f == nullptr || f->is_repeated()) return "";
  const google::protobuf::Reflection* refl = p.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Fmt("%g", refl->GetDouble(p, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Fmt("%g", static_cast<double>(refl->GetFloat(p, f)));
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(refl->GetInt32(p, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(refl->GetInt64(p, f));
    default:
      return "";
  }
}

bool ScenarioWithParam(const rules::Scenario& base, const std::string& field,
                       const std::string& value, std::shared_ptr<const rules::Scenario>* out,
                       std::string* error) {
  using google::protobuf::FieldDescriptor;
  mf::Scenario copy = base.proto();
  mf::Parameters* p = copy.mutable_params();
  const FieldDescriptor* f = p->GetDescriptor()->FindFieldByName(field);
  if (f == nullptr || f->is_repeated()) {
    *error = "--param: mf.Parameters has no field '" + field +
             "'; fields: " + Join(ParameterFields(), ", ");
    return false;
  }
  const google::protobuf::Reflection* refl = p->GetReflection();
  const std::string v = Trim(value);
  char* end = nullptr;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d)) {
        *error = "--values: '" + value + "' is not a number (" + field + " is a real number)";
        return false;
      }
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE)
        refl->SetDouble(p, f, d);
      else
        refl->SetFloat(p, f, static_cast<float>(d));
      break;
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      const long long i = std::strtoll(v.c_str(), &end, 10);
      const bool is32 = f->cpp_type() == FieldDescriptor::CPPTYPE_INT32;
      if (v.empty() || end != v.c_str() + v.size() ||
          (is32 &&
           (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()))) {
        *error = "--values: '" + value + "' is not an integer (" + field + " is an integer)";
        return false;
      }
      if (is32)
        refl->SetInt32(p, f, static_cast<int32_t>(i));
      else
        refl->SetInt64(p, f, static_cast<int64_t>(i));
      break;
    }
    default:
      *error = "--param: field '" + field + "' is not a number";
      return false;
  }
  rules::LoadResult r = rules::LoadScenarioMessage(copy, base.id() + " with " + field + "=" + v);
  if (!r.ok()) {
    *error = Join(r.errors, "\n");
    if (error->empty()) *error = "the edited scenario is not valid";
    return false;
  }
  *out = r.scenario;
  return true;
}

bool Balanced(const Report& report, double tolerance) {
  for (const WinStat& w : report.roles)
    if (w.seats > 0 && std::fabs(w.win_rate - w.fair_share) > tolerance) return false;
  return true;
}

std::vector<std::vector<std::string>> SweepPoints(const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<std::string>> points = {{}};
  for (const SweepAxis& axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& p : points)
      for (const std::string& v : axis.values) {
        next.push_back(p);
        next.back().push_back(Trim(v));
      }
    points = std::move(next);
  }
  return points;
}

bool ScenarioAtPoint(std::shared_ptr<const rules::Scenario> base,
                     const std::vector<SweepAxis>& axes, const std::vector<std::string>& values,
                     std::shared_ptr<const rules::Scenario>* out, std::string* error) {
  std::shared_ptr<const rules::Scenario> sc = base;
  for (size_t i = 0; i < axes.size() && i < values.size(); ++i) {
    std::shared_ptr<const rules::Scenario> next;
    if (!ScenarioWithParam(*sc, axes[i].field, values[i], &next, error)) return false;
    sc = next;
  }
  *out = sc;
  return true;
}

std::string JoinValues(const std::vector<std::string>& values) {
  return Join(values, ",");
}

bool RunGrid(std::shared_ptr<const rules::Scenario> base, const std::vector<SweepAxis>& axes,
             const BalanceOptions& options, std::vector<SweepRow>* rows, std::string* error,
             const std::function<void(const std::string& value, int done, int total,
                                      double seconds)>& progress) {
  rows->clear();
  // Validate every point before playing any game.
  const std::vector<std::vector<std::string>> points = SweepPoints(axes);
  std::vector<std::shared_ptr<const rules::Scenario>> scenarios;
  for (const auto& p : points) {
    std::shared_ptr<const rules::Scenario> sc;
    if (!ScenarioAtPoint(base, axes, p, &sc, error)) return false;
    scenarios.push_back(sc);
  }
  for (size_t i = 0; i < points.size(); ++i) {
    ProgressFn fn;
    const std::string value = JoinValues(points[i]);
    if (progress) fn = [&](int done, int total, double s) { progress(value, done, total, s); };
    SweepRow row;
    row.value = value;
    row.values = points[i];
    row.report = RunBalance(scenarios[i], options, fn);
    row.balanced = Balanced(row.report);
    rows->push_back(std::move(row));
  }
  return true;
}

bool RunSweep(const rules::Scenario& base, const std::string& field,
              const std::vector<std::string>& values, const BalanceOptions& options,
              std::vector<SweepRow>* rows, std::string* error,
              const std::function<void(const std::string& value, int done, int total,
                                       double seconds)>& progress) {
  auto copy = std::make_shared<const rules::Scenario>(base);
  return RunGrid(copy, {{field, values}}, options, rows, error, progress);
}

std::string SweepTable(const std::string& field, const std::vector<SweepRow>& rows) {
  std::vector<std::string> head = {field};
  std::vector<std::vector<std::string>> cells;
  std::vector<int> roles;  // Indices into report.roles of the roles with seats.
  if (!rows.empty())
    for (size_t k = 0; k < rows[0].report.roles.size(); ++k)
      if (rows[0].report.roles[k].seats > 0) roles.push_back(static_cast<int>(k));
  if (!rows.empty())
    for (int k : roles) head.push_back(rows[0].report.roles[k].name + " win (fair)");
  head.push_back("balanced");
  for (const SweepRow& row : rows) {
    std::vector<std::string> line = {row.value};
    for (int k : roles) {
      const WinStat& w = row.report.roles[k];
      const double half = (w.ci95.high - w.ci95.low) / 2;
      line.push_back(Percent(w.win_rate) + "% ± " + Percent(half) + " (" + Percent(w.fair_share) +
                     "%)");
    }
    line.push_back(row.balanced ? "yes" : "no");
    cells.push_back(line);
  }
  // Column widths, counting "±" as one character.
  auto width = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
  };
  std::vector<size_t> w(head.size(), 0);
  for (size_t c = 0; c < head.size(); ++c) {
    w[c] = width(head[c]);
    for (const auto& line : cells) w[c] = std::max(w[c], width(line[c]));
  }
  auto emit = [&](const std::vector<std::string>& line) {
    std::string out;
    for (size_t c = 0; c < line.size(); ++c) {
      out += line[c];
      if (c + 1 < line.size()) out += std::string(w[c] - width(line[c]) + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = emit(head);
  for (const auto& line : cells) out += emit(line);
  return out;
}

mf::SweepReport SweepProto(const std::string& scenario, const std::vector<std::string>& fields,
                           const std::vector<SweepRow>& rows, bool timing) {
  mf::SweepReport p;
  p.set_scenario(scenario);
  p.set_param(Join(fields, ","));
  for (const std::string& f : fields) p.add_params(f);
  if (!rows.empty()) {
    p.set_games(static_cast<int32_t>(rows[0].report.games));
    p.set_seed(rows[0].report.seed);
    p.set_bots(rows[0].report.bots);
  }
  for (const SweepRow& row : rows) {
    mf::SweepRow* x = p.add_rows();
    x->set_value(row.value);
    for (const std::string& v : row.values) x->add_values(v);
    if (row.values.empty()) x->add_values(row.value);
    for (const WinStat& w : row.report.roles) {
      if (w.seats == 0) continue;
      mf::SweepRole& role = (*x->mutable_roles())[w.name];
      role.set_win_rate(Sig(w.win_rate));
      role.set_ci_half_width(Sig((w.ci95.high - w.ci95.low) / 2));
      role.add_ci95(Sig(w.ci95.low));
      role.add_ci95(Sig(w.ci95.high));
      role.set_fair_share(Sig(w.fair_share));
      role.set_mean_score(Sig(w.mean_score));
    }
    x->set_balanced(row.balanced);
    for (const Imbalance& im : row.report.imbalances) x->add_imbalances(im.message);
    x->set_rejected_bot_actions(static_cast<double>(row.report.rejected));
    if (timing) x->set_games_per_second(Sig(row.report.games_per_second, 5));
  }
  return p;
}

mf::SweepReport SweepProto(const std::string& scenario, const std::string& field,
                           const std::vector<SweepRow>& rows) {
  return SweepProto(scenario, std::vector<std::string>{field}, rows, true);
}

std::string SweepJson(const std::string& scenario, const std::string& field,
                      const std::vector<SweepRow>& rows) {
  return ToJson(SweepProto(scenario, field, rows));
}

std::string SweepCsv(const std::vector<std::string>& fields, const std::vector<SweepRow>& rows) {
  std::string out;
  for (const std::string& f : fields) out += CsvCell(f) + ",";
  std::vector<std::string> roles;
  if (!rows.empty())
    for (const WinStat& w : rows[0].report.roles)
      if (w.seats > 0) roles.push_back(w.name);
  for (const std::string& r : roles)
    for (const char* col : {"win_rate", "ci95_low", "ci95_high", "fair_share", "mean_score"})
      out += CsvCell(r + "_" + col) + ",";
  out += "balanced,imbalances,rejected_bot_actions,games\n";
  for (const SweepRow& row : rows) {
    for (size_t i = 0; i < fields.size(); ++i)
      out += CsvCell(i < row.values.size() ? row.values[i] : row.value) + ",";
    for (const std::string& r : roles)
      for (const WinStat& w : row.report.roles) {
        if (w.name != r) continue;
        for (double v : {w.win_rate, w.ci95.low, w.ci95.high, w.fair_share, w.mean_score})
          out += Fmt("%.6g", v) + ",";
      }
    out += std::string(row.balanced ? "yes" : "no") + "," +
           std::to_string(row.report.imbalances.size()) + "," +
           std::to_string(row.report.rejected) + "," + std::to_string(row.report.games) + "\n";
  }
  return out;
}

}  // namespace mf::tools
