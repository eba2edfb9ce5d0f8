// forumctl balance | sweep
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "tools/balance.h"
#include "tools/chart.h"
#include "tools/cmd_sweep.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/draw.h"

namespace mf::tools {
namespace {

// Progress on stderr: a redrawn bar on a terminal, else a line every ~10%.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string label)
      : label_(std::move(label)), tty_(isatty(STDERR_FILENO) != 0) {}

  void operator()(int done, int total, double seconds) {
    const double rate = seconds > 0 ? done / seconds : 0;
    const double left = rate > 0 ? (total - done) / rate : 0;
    char line[256];
    if (tty_) {
      const int width = 30;
      const int filled = total > 0 ? width * done / total : width;
      std::string bar(static_cast<size_t>(filled), '#');
      bar += std::string(static_cast<size_t>(width - filled), '.');
      if (done < total)
        std::snprintf(line, sizeof line, "\r%s [%s] %d/%d games  %.0f games/s  ETA %.0f s\x1b[K",
                      label_.c_str(), bar.c_str(), done, total, rate, std::ceil(left));
      else
        std::snprintf(line, sizeof line, "\r%s [%s] %d/%d games  %.0f games/s  %.1f s\x1b[K\n",
                      label_.c_str(), bar.c_str(), done, total, rate, seconds);
      std::cerr << line << std::flush;
      return;
    }
    const int decile = total > 0 ? 10 * done / total : 10;
    if (done < total && decile <= last_decile_) return;
    last_decile_ = decile;
    if (done < total)
      std::snprintf(line, sizeof line, "%s: %d/%d games, %.0f games/s, ~%.0f s left\n",
                    label_.c_str(), done, total, rate, std::ceil(left));
    else
      std::snprintf(line, sizeof line, "%s: %d/%d games, %.0f games/s, %.1f s\n", label_.c_str(),
                    done, total, rate, seconds);
    std::cerr << line << std::flush;
  }

 private:
  std::string label_;
  bool tty_;
  int last_decile_ = 0;
};

// Options shared by balance and sweep.
struct LabArgs {
  std::string scenario;
  int games = 1000;
  uint64_t seed = 1;
  int threads = 0;
  std::string bots = kDefaultMix;

  BalanceOptions Options() const {
    BalanceOptions o;
    o.games = games;
    o.seed = seed;
    o.threads = threads;
    std::string error;
    ParseMix(bots, &o.mix, &error);  // Checked when parsed.
    return o;
  }
};

void AddLabOptions(CLI::App* sub, LabArgs* a, const std::string& games_help) {
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file")
      ->required();
  AddNumber(sub, "--games", &a->games, "N", 1, 100000000, games_help);
  AddSeed(sub, &a->seed, "game g's seats and seeds come from (seed, g) alone");
  AddNumber(sub, "--threads", &a->threads, "T", 0, 1024,
            "threads playing games (0: every core); the report does not depend on it");
  AddText(sub, "--bots", &a->bots, "MIX",
          "strategies drawn per game and seat: a strategy, or weighted strategies, e.g. "
          "hardliner:1,cooperator:2 (default " +
              std::string(kDefaultMix) + ")")
      ->check(Check("MIX", CheckMix));
}

void PrintSummary(const Report& r) {
  char line[256];
  for (const WinStat& w : r.roles) {
    if (w.seats == 0) continue;
    std::snprintf(line, sizeof line,
                  "  %-12s win %5.1f%% (95%% CI %4.1f-%4.1f%%)  fair %5.1f%%  score %.2f ± %.2f\n",
                  w.name.c_str(), 100 * w.win_rate, 100 * w.ci95.low, 100 * w.ci95.high,
                  100 * w.fair_share, w.mean_score, w.sd_score);
    std::cerr << line;
  }
  // Seat-level verdicts: every seat should win 0.5x-1.5x its fair share.
  for (const WinStat& w : r.seats) {
    std::snprintf(line, sizeof line,
                  "  seat %-30s %-11s win %5.1f%% (95%% CI %4.1f-%4.1f%%)  fair %5.1f%%  %.2fx  "
                  "%s\n",
                  w.name.c_str(), w.role.c_str(), 100 * w.win_rate, 100 * w.ci95.low,
                  100 * w.ci95.high, 100 * w.fair_share, ShareRatio(w), ShareVerdict(w));
    std::cerr << line;
  }
  std::cerr << "  seats within 0.5x-1.5x of their fair share: "
            << r.seats.size() - static_cast<size_t>(r.seats_outside_share) << " of "
            << r.seats.size() << "\n";
  for (const WinStat& w : r.strategies) {
    std::snprintf(line, sizeof line, "  %-12s wins %5.2f%% of its seat-games (fair %5.2f%%)\n",
                  w.name.c_str(),
                  w.seat_games > 0
                      ? 100.0 * static_cast<double>(w.wins) / static_cast<double>(w.seat_games)
                      : 0.0,
                  r.num_states > 0 ? 100.0 / r.num_states : 0.0);
    std::cerr << line;
  }
  for (const OutcomeFrequency& f : r.forums) {
    std::snprintf(line, sizeof line, "  forum chosen: %5.1f%% (%lld games)  ", 100 * f.frequency,
                  f.count);
    std::cerr << line << f.label << "\n";
  }
  if (r.imbalances.empty()) std::cerr << "  no role or seat outside its fair share (95% CI)\n";
  for (const Imbalance& im : r.imbalances) std::cerr << "  imbalance: " << im.message << "\n";
  std::cerr << "  rejected bot actions: " << r.rejected << " of " << r.actions << " actions";
  if (r.unfinished) std::cerr << "; unfinished games: " << r.unfinished;
  std::cerr << "\n";
}

struct BalanceArgs {
  LabArgs lab;
  std::string out, csv, chart;
  bool no_timing = false;
};

int Balance(const BalanceArgs& a) {
  const BalanceOptions options = a.lab.Options();
  draw::Format chart_format = draw::Format::kPng;
  std::string error;
  if (!a.chart.empty() && !draw::FormatOfPath(a.chart, &chart_format, &error)) {
    std::cerr << "forumctl balance: --chart " << error << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(a.lab.scenario);
  if (!sc) return 1;

  ProgressPrinter progress("balance");
  std::vector<GameRecord> records;
  const bool want_csv = !a.csv.empty();
  Report report = RunBalance(
      sc, options, [&](int done, int total, double s) { progress(done, total, s); },
      want_csv ? &records : nullptr);

  if (!WriteFile(a.out, ReportJson(report, !a.no_timing) + "\n", &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (want_csv && !WriteFile(a.csv, GamesCsv(*sc, options.mix, records), &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (!a.chart.empty()) {
    const std::string file = BalanceChart(report, chart_format, &error);
    if (file.empty()) {
      std::cerr << a.chart << ": " << error << "\n";
      return 1;
    }
    if (!WriteFile(a.chart, file, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
  }
  PrintSummary(report);
  return 0;
}

struct SweepArgs {
  LabArgs lab;
  std::vector<std::string> params, values;
  SweepOutputArgs out;
};

int Sweep(const SweepArgs& a) {
  if (a.lab.scenario.empty() || a.params.empty()) {
    std::cerr << "forumctl sweep: --scenario and --param with --values are required (or a "
                 "command: plan, run, merge, status, submit)\n(forumctl sweep --help lists the "
                 "options)\n";
    return 2;
  }
  std::vector<SweepAxis> axes;
  std::string error;
  if (!AxesOf(a.params, a.values, &axes, &error)) {
    std::cerr << "forumctl sweep: " << error << "\n";
    return 2;
  }
  const BalanceOptions options = a.lab.Options();
  auto sc = LoadScenarioArg(a.lab.scenario);
  if (!sc) return 1;
  std::vector<std::string> fields;
  for (const SweepAxis& axis : axes) {
    const std::string& field = axis.field;
    fields.push_back(field);
    if (!ParameterValue(*sc, field).empty())
      std::cerr << sc->id() << ": " << field << " is " << ParameterValue(*sc, field)
                << " in the scenario; " << options.games << " games per value, seed "
                << options.seed << ", bots " << MixText(options.mix) << "\n";
    for (const std::string& v : axis.values) {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && d == 0)
        std::cerr << "note: " << field << " = 0 means the engine default\n";
    }
  }

  std::vector<SweepRow> rows;
  std::unique_ptr<ProgressPrinter> printer;
  std::string current;
  const std::string names = JoinValues(fields);
  const bool ok = RunGrid(sc, axes, options, &rows, &error,
                          [&](const std::string& value, int done, int total, double s) {
                            if (value != current) {
                              current = value;
                              printer =
                                  std::make_unique<ProgressPrinter>("sweep " + names + "=" + value);
                            }
                            (*printer)(done, total, s);
                          });
  if (!ok) {
    std::cerr << error << "\n";
    return 1;
  }
  return WriteSweepOutputs("forumctl sweep", a.out, sc->id(), fields, rows);
}

}  // namespace

void AddBalance(CLI::App* app) {
  auto a = std::make_shared<BalanceArgs>();
  CLI::App* sub = app->add_subcommand(
      "balance", "bot-vs-bot balance report: win rates by role, seat and strategy, and more");
  sub->group(kBalanceGroup);
  AddLabOptions(sub, &a->lab, "games to play");
  AddText(sub, "--out", &a->out, "FILE", "the report (JSON, mf.BalanceReport)")->required();
  AddText(sub, "--csv", &a->csv, "FILE", "also one CSV row per game");
  AddText(sub, "--chart", &a->chart, "FILE",
          "also the chart: roles, seats and regime by cycle; the extension says the format "
          "(.png, .svg or .pdf)")
      ->check(Check("FILE", [](const std::string& path) {
        draw::Format f;
        std::string error;
        return draw::FormatOfPath(path, &f, &error) ? std::string() : error;
      }));
  sub->add_flag("--no-timing", a->no_timing,
                "leave out seconds and games per second, the only fields that depend on the "
                "machine (to compare reports byte for byte)");
  OnRun(sub, [a] { return Balance(*a); });
}

void AddSweep(CLI::App* app) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* sub = app->add_subcommand(
      "sweep", "the balance per value of one scenario parameter (a table, or JSON)");
  sub->group(kBalanceGroup);
  sub->footer(
      "On a cluster: forumctl sweep plan writes the same sweep as a plan of shards; sweep run "
      "plays one shard (a Slurm array task or a Kubernetes Indexed Job pod), sweep merge adds "
      "them up into this command's report, byte for byte; sweep submit drives Slurm.");
  AddText(sub, "--scenario", &a->lab.scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file (required)");
  AddNumber(sub, "--games", &a->lab.games, "N", 1, 100000000, "games per value");
  AddSeed(sub, &a->lab.seed, "game g's seats and seeds come from (seed, g) alone");
  AddNumber(sub, "--threads", &a->lab.threads, "T", 0, 1024,
            "threads playing games (0: every core); the report does not depend on it");
  AddText(sub, "--bots", &a->lab.bots, "MIX",
          "strategies drawn per game and seat: a strategy, or weighted strategies, e.g. "
          "hardliner:1,cooperator:2 (default " +
              std::string(kDefaultMix) + ")")
      ->check(Check("MIX", CheckMix));
  AddParamOptions(sub, &a->params, &a->values);
  AddSweepOutputs(sub, &a->out);
  AddSweepCommands(sub);
  OnRun(sub, [a] { return Sweep(*a); });
}

}  // namespace mf::tools
