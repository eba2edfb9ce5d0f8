// forumctl fork: a record continued by bots from a point of its log.
#include "tools/debrief_fork.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

#include "bots/bot.h"
#include "tools/report_json.h"

namespace mf::tools::debrief {
namespace {

std::string HexHash(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string Bucketed(const rules::Scenario& sc, const rules::Text& t) {
  rules::Text b = t;
  b.position = std::clamp((t.position + 5) / 10 * 10, 0, 100);
  return rules::TextLabel(sc, b);
}

std::string ItemKey(const rules::Scenario& sc, int cycle, int theme) {
  return "cycle " + std::to_string(cycle) + ": " + sc.themes()[theme].name;
}

Mean MeanOf(const std::vector<double>& v, double actual) {
  Mean m;
  m.actual = actual;
  if (v.empty()) return m;
  double sum = 0;
  for (double x : v) sum += x;
  m.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - m.mean) * (x - m.mean);
  m.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0;
  return m;
}

}  // namespace

bool ReplayPrefix(const Record& record, const rules::Scenario* hint, int at,
                  std::unique_ptr<rules::State>* state, std::string* error) {
  (void)hint;
  auto sc = RecordScenario(record, error);
  if (!sc) return false;
  if (at < 0 || at > static_cast<int>(record.log.size())) {
    *error = "--at " + std::to_string(at) + " is outside the record (0.." +
             std::to_string(record.log.size()) + " log entries)";
    return false;
  }
  auto st = std::make_unique<rules::State>(sc, record.seed, record.press_desks);
  for (int i = 0; i < at; ++i) {
    const rules::Result r = st->Apply(record.log[i].actor, record.log[i].action);
    if (!r.ok()) {
      *error = "log entry " + std::to_string(i) + " was refused on replay: " + r.message;
      return false;
    }
  }
  *state = std::move(st);
  return true;
}

ForkGame PlayFork(const rules::State& start, const std::vector<rules::LoggedAction>& prefix,
                  const std::vector<std::string>& strategies, uint64_t bot_seed, int game,
                  bool keep_log) {
  ForkGame g;
  g.game = game;
  g.bot_seed = bot_seed;
  g.strategies = strategies;
  g.hash_at_fork = start.Hash();
  rules::State st = start;
  std::vector<rules::LoggedAction> log;
  if (keep_log) log = prefix;
  // A paused session cannot go on: the facilitator resumes it first.
  if (st.paused()) {
    const rules::Action resume = rules::Action::Make(rules::ActionType::kResume);
    if (st.Apply(rules::kFacilitator, resume).ok() && keep_log)
      log.push_back({rules::kFacilitator, resume});
  }
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (const std::string& s : strategies) {
    owned.push_back(bots::MakeBot(s));
    seats.push_back(owned.back().get());
  }
  bots::MatchOptions options;
  options.seed = st.seed();
  options.bot_seed = bot_seed;
  bots::MatchResult m = bots::RunMatch(&st, seats, options, keep_log);
  g.finished = m.finished;
  g.actions = m.actions;
  g.rejected = m.rejected;
  g.final_hash = st.Hash();
  const GameRecord r = RecordGame(st, game, {}, m.actions, m.rejected);
  g.winner = r.winner;
  g.scores = r.score;
  g.adopted = r.outcomes;
  g.regime = st.regime();
  g.mean_trust = st.mean_trust();
  g.welfare = st.welfare();
  if (keep_log) {
    log.insert(log.end(), m.log.begin(), m.log.end());
    g.log = std::move(log);
  }
  return g;
}

void ForkSetup(const ForkOptions& o, int n, int game, std::vector<std::string>* strategies,
               uint64_t* bot_seed) {
  const GameSetup setup = SetupGame(o.mix, n, o.seed, game);
  strategies->assign(static_cast<size_t>(n), "");
  for (int s = 0; s < n; ++s) {
    (*strategies)[s] = o.mix.empty() ? "cooperator" : o.mix[setup.strategy[s]].strategy;
    if (static_cast<size_t>(s) < o.seat_strategy.size() && !o.seat_strategy[s].empty())
      (*strategies)[s] = o.seat_strategy[s];
  }
  *bot_seed = setup.bot_seed;
}

bool ParseAt(const std::string& text, const Model& model, int* at, std::string* error) {
  auto number = [&](const std::string& s, int* out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
      return false;
    *out = std::stoi(s);
    return true;
  };
  if (number(text, at)) {
    if (*at > model.applied) {
      *error =
          "--at " + text + ": the record has " + std::to_string(model.applied) + " log entries";
      return false;
    }
    return true;
  }
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  int k = 0;
  if (colon == std::string::npos || !number(text.substr(colon + 1), &k) || k < 1) {
    *error = "--at '" + text + "': use N (log entries), cycle:K or phase:K";
    return false;
  }
  if (kind == "cycle") {
    for (const PhaseRec& p : model.phases)
      if (p.cycle == k && p.phase == mf::CIVIL_SOCIETY) {
        *at = p.first_entry;
        return true;
      }
    *error = "--at " + text + ": the record has no cycle " + std::to_string(k);
    return false;
  }
  if (kind == "phase") {
    if (k > static_cast<int>(model.phases.size())) {
      *error =
          "--at " + text + ": the record has " + std::to_string(model.phases.size()) + " phases";
      return false;
    }
    *at = model.phases[k - 1].first_entry;
    return true;
  }
  *error = "--at '" + text + "': use N (log entries), cycle:K or phase:K";
  return false;
}

bool RunFork(const Record& record, const ForkOptions& o, ForkReport* out, std::string* error) {
  Model actual;
  if (!BuildModel(record, &actual, error)) return false;
  if (!actual.replay_error.empty()) {
    *error = "the record does not replay: " + actual.replay_error;
    return false;
  }
  const rules::Scenario& sc = *actual.scenario;
  const int n = sc.num_seats();
  if (o.games < 1) {
    *error = "--games must be at least 1";
    return false;
  }
  for (const std::string& s : o.seat_strategy)
    if (!s.empty() && !bots::MakeBot(s)) {
      *error = "unknown strategy '" + s + "'";
      return false;
    }
  std::unique_ptr<rules::State> start;
  if (!ReplayPrefix(record, &sc, o.at, &start, error)) return false;
  const std::vector<rules::LoggedAction> prefix(record.log.begin(), record.log.begin() + o.at);

  ForkReport& rep = *out;
  rep = ForkReport();
  rep.scenario = sc.id();
  rep.session = record.session;
  rep.at = o.at;
  rep.log_entries = static_cast<int>(record.log.size());
  rep.hash_at = start->Hash();
  rep.seed = o.seed;
  rep.games = o.games;
  rep.bots = MixText(o.mix);
  for (int s = 0; s < n && s < static_cast<int>(o.seat_strategy.size()); ++s)
    if (!o.seat_strategy[s].empty()) rep.bots += "; " + sc.seats()[s].id + "=" + o.seat_strategy[s];
  rep.at_text = "cycle " + std::to_string(start->cycle()) + ", " + rules::PhaseName(start->phase());
  if (start->phase() == mf::STATEMENTS || start->phase() == mf::DRAFTING ||
      start->phase() == mf::DECISION)
    rep.at_text += " on " + sc.themes()[start->current_theme()].name;
  if (o.at == 0) rep.at_text = "the start";
  rep.actual_finished = actual.finished;
  rep.actual_winner = actual.winner;
  rep.actual_hash = actual.final_hash;

  // The games, in parallel; results by index so the report does not depend on threads.
  rep.runs.resize(static_cast<size_t>(o.games));
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, std::min(threads, o.games));
  std::atomic<int> next{0};
  auto work = [&] {
    for (int g = next++; g < o.games; g = next++) {
      std::vector<std::string> strategies;
      uint64_t bot_seed = 0;
      ForkSetup(o, n, g, &strategies, &bot_seed);
      rep.runs[g] = PlayFork(*start, prefix, strategies, bot_seed, g, o.keep_logs);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  // Winners by seat and role.
  std::vector<int> wins(static_cast<size_t>(n), 0);
  std::vector<double> score_sum(static_cast<size_t>(n), 0);
  std::vector<double> regime, trust, welfare;
  for (const ForkGame& g : rep.runs) {
    if (!g.finished) ++rep.unfinished;
    if (g.winner >= 0) ++wins[g.winner];
    for (int s = 0; s < n && s < static_cast<int>(g.scores.size()); ++s)
      score_sum[s] += g.scores[s];
    regime.push_back(g.regime);
    trust.push_back(g.mean_trust);
    welfare.push_back(g.welfare);
  }
  for (int s = 0; s < n; ++s) {
    SeatOutcome so;
    so.seat = s;
    so.name = sc.seats()[s].name;
    so.role = rules::RoleName(sc.seats()[s].role);
    so.wins = wins[s];
    so.win_rate = static_cast<double>(wins[s]) / o.games;
    so.ci95 = Wilson(wins[s], o.games);
    so.mean_score = score_sum[s] / o.games;
    so.actual_score = actual.scores[s].total;
    so.actual_rank = actual.scores[s].rank;
    rep.seats.push_back(so);
  }
  for (mf::Role role : {mf::SOURCE, mf::TRANSIT, mf::DESTINATION}) {
    RoleOutcome ro;
    ro.role = rules::RoleName(role);
    for (int s = 0; s < n; ++s)
      if (sc.seats()[s].role == role) {
        ++ro.seats;
        ro.wins += wins[s];
      }
    if (ro.seats == 0) continue;
    ro.win_rate = static_cast<double>(ro.wins) / o.games;
    ro.fair_share = static_cast<double>(ro.seats) / n;
    ro.ci95 = Wilson(ro.wins, o.games);
    ro.actual_winner = actual.winner >= 0 && sc.seats()[actual.winner].role == role;
    rep.roles.push_back(ro);
  }
  // Adopted texts per agenda item.
  std::vector<std::string> actual_label;
  for (int c = 1; c <= sc.cycles(); ++c) {
    for (int theme : sc.agenda()[c - 1]) {
      ItemOutcomes io;
      io.cycle = c;
      io.theme = theme;
      io.key = ItemKey(sc, c, theme);
      std::string truth = "no agreement";
      bool known = false;
      for (const Item& it : actual.items) {
        if (it.cycle != c || it.theme != theme) continue;
        known = it.decided || it.withdrawn;
        // The entry that closed the item: the one that ended its last phase.
        int closed = -1;
        for (const PhaseRec& p : actual.phases)
          if (p.cycle == c && p.theme == theme) closed = std::max(closed, p.end_entry - 1);
        io.decided_before_fork = known && closed >= 0 && closed < o.at;
        if (it.adopted)
          for (const rules::Text& t : actual.texts)
            if (t.id == it.text_id) truth = Bucketed(sc, t);
      }
      if (!known && !actual.finished) truth = "";  // Not reached in the record.
      std::map<std::string, int> counts;
      for (const ForkGame& g : rep.runs) {
        std::string label = "no agreement";
        for (const AdoptedRecord& a : g.adopted)
          if (a.cycle == c && a.theme == theme) label = a.label;
        ++counts[label];
      }
      if (!truth.empty() && !counts.count(truth)) counts[truth] = 0;
      for (const auto& [label, count] : counts) {
        OutcomeCount oc;
        oc.label = label;
        oc.count = count;
        oc.share = static_cast<double>(count) / o.games;
        oc.actual = label == truth;
        io.outcomes.push_back(oc);
      }
      std::stable_sort(
          io.outcomes.begin(), io.outcomes.end(),
          [](const OutcomeCount& a, const OutcomeCount& b) { return a.count > b.count; });
      rep.items.push_back(io);
    }
  }
  const CycleSnapshot& end = actual.snapshots.back();
  rep.regime = MeanOf(regime, end.regime);
  rep.mean_trust = MeanOf(trust, end.mean_trust);
  rep.welfare = MeanOf(welfare, end.welfare);
  if (!actual.finished) {
    // An unfinished record: "actual" is where it stopped.
    rules::State last(actual.scenario, record.seed, record.press_desks);
    std::string e;
    rules::Replay(&last, record.log, &e);
    rep.regime.actual = last.regime();
    rep.mean_trust.actual = last.mean_trust();
    rep.welfare.actual = last.welfare();
  }
  return true;
}

mf::ForkReport ForkProto(const ForkReport& r) {
  mf::ForkReport p;
  p.set_scenario(r.scenario);
  if (!r.session.empty()) p.set_session(r.session);
  p.set_at(r.at);
  p.set_at_text(r.at_text);
  p.set_log_entries(r.log_entries);
  p.set_hash_at(HexHash(r.hash_at));
  p.set_seed(r.seed);
  p.set_bots(r.bots);
  p.set_games(r.games);
  p.set_unfinished(r.unfinished);
  mf::ForkActual* actual = p.mutable_actual();
  actual->set_finished(r.actual_finished);
  actual->set_hash(HexHash(r.actual_hash));
  if (r.actual_winner >= 0) {
    actual->set_winner(r.seats[r.actual_winner].name);
    actual->set_winner_role(r.seats[r.actual_winner].role);
  }
  actual->set_regime(Sig(r.regime.actual, 4));
  actual->set_mean_trust(Sig(r.mean_trust.actual, 4));
  actual->set_migrant_welfare(Sig(r.welfare.actual, 4));
  for (const RoleOutcome& ro : r.roles) {
    mf::ForkRole* x = p.add_roles();
    x->set_role(ro.role);
    x->set_seats(ro.seats);
    x->set_wins(ro.wins);
    x->set_win_rate(Sig(ro.win_rate, 4));
    x->add_ci95(Sig(ro.ci95.low, 4));
    x->add_ci95(Sig(ro.ci95.high, 4));
    x->set_fair_share(Sig(ro.fair_share, 4));
    x->set_actual_winner(ro.actual_winner);
  }
  for (const SeatOutcome& so : r.seats) {
    mf::ForkSeat* x = p.add_seats();
    x->set_seat(so.seat);
    x->set_name(so.name);
    x->set_role(so.role);
    x->set_wins(so.wins);
    x->set_win_rate(Sig(so.win_rate, 4));
    x->add_ci95(Sig(so.ci95.low, 4));
    x->add_ci95(Sig(so.ci95.high, 4));
    x->set_mean_score(Sig(so.mean_score, 5));
    x->set_actual_score(Sig(so.actual_score, 5));
    x->set_actual_rank(so.actual_rank);
  }
  for (const ItemOutcomes& io : r.items) {
    mf::ForkItem* x = p.add_items();
    x->set_item(io.key);
    x->set_decided_before_fork(io.decided_before_fork);
    for (const OutcomeCount& oc : io.outcomes) {
      mf::ForkOutcome* o = x->add_outcomes();
      o->set_label(oc.label);
      o->set_count(oc.count);
      o->set_share(Sig(oc.share, 4));
      o->set_actual(oc.actual);
    }
  }
  auto mean = [](const Mean& m, mf::ForkMean* out) {
    out->set_mean(Sig(m.mean, 4));
    out->set_sd(Sig(m.sd, 4));
    out->set_actual(Sig(m.actual, 4));
  };
  mean(r.regime, p.mutable_regime());
  mean(r.mean_trust, p.mutable_mean_trust());
  mean(r.welfare, p.mutable_migrant_welfare());
  for (const ForkGame& g : r.runs) {
    mf::ForkRun* x = p.add_runs();
    x->set_game(g.game);
    x->set_bot_seed(g.bot_seed);
    x->set_finished(g.finished);
    x->set_actions(g.actions);
    x->set_hash(HexHash(g.final_hash));
    x->set_winner(g.winner >= 0 ? r.seats[g.winner].name : "");
  }
  return p;
}

std::string ForkJson(const ForkReport& r) {
  return ToJson(ForkProto(r)) + "\n";
}

std::string ForkTable(const ForkReport& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line,
                "Fork of %s%s at log entry %d of %d (%s), state hash %s\n%d games with bots %s, "
                "seed %llu%s\n\n",
                r.scenario.c_str(), r.session.empty() ? "" : (" session " + r.session).c_str(),
                r.at, r.log_entries, r.at_text.c_str(), HexHash(r.hash_at).c_str(), r.games,
                r.bots.c_str(), static_cast<unsigned long long>(r.seed),
                r.unfinished ? (", " + std::to_string(r.unfinished) + " unfinished").c_str() : "");
  out += line;
  out += "Winner by role        fork wins (95% CI)     fair share   in the record\n";
  for (const RoleOutcome& ro : r.roles) {
    std::snprintf(line, sizeof line, "  %-18s  %5.1f%% (%4.1f-%5.1f%%)    %5.1f%%       %s\n",
                  ro.role.c_str(), 100 * ro.win_rate, 100 * ro.ci95.low, 100 * ro.ci95.high,
                  100 * ro.fair_share, ro.actual_winner ? "won" : "");
    out += line;
  }
  out += "\nWinner by seat                      fork wins   mean score   record score (rank)\n";
  for (const SeatOutcome& so : r.seats) {
    std::snprintf(line, sizeof line, "  %-32.32s  %5.1f%%      %6.1f       %6.1f (%d)%s\n",
                  so.name.c_str(), 100 * so.win_rate, so.mean_score, so.actual_score,
                  so.actual_rank, so.seat == r.actual_winner ? "  <- won" : "");
    out += line;
  }
  out += "\nAdopted texts per item (* = what the record has)\n";
  for (const ItemOutcomes& io : r.items) {
    out += "  " + io.key + (io.decided_before_fork ? "  [decided before the fork]" : "") + "\n";
    int shown = 0;
    for (const OutcomeCount& oc : io.outcomes) {
      if (++shown > 4 && !oc.actual) continue;
      std::snprintf(line, sizeof line, "    %c %5.1f%%  %s\n", oc.actual ? '*' : ' ',
                    100 * oc.share, oc.label.c_str());
      out += line;
    }
  }
  std::snprintf(line, sizeof line,
                "\nAt the end              fork mean (sd)    record\n"
                "  regime strength       %5.1f (%4.1f)      %5.1f\n"
                "  mean trust            %5.1f (%4.1f)      %5.1f\n"
                "  migrant welfare       %5.1f (%4.1f)      %5.1f\n",
                100 * r.regime.mean, 100 * r.regime.sd, 100 * r.regime.actual,
                100 * r.mean_trust.mean, 100 * r.mean_trust.sd, 100 * r.mean_trust.actual,
                100 * r.welfare.mean, 100 * r.welfare.sd, 100 * r.welfare.actual);
  out += line;
  return out;
}

}  // namespace mf::tools::debrief
