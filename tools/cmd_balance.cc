// forumctl balance | sweep
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "tools/balance.h"
#include "tools/chart.h"
#include "tools/commands.h"
#include "tools/common.h"

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

// Options shared by balance and sweep; false (with a message) when invalid.
bool CommonOptions(const Args& args, BalanceOptions* o, const char* usage) {
  o->games = static_cast<int>(args.GetInt("games", 1000));
  o->seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  o->threads = static_cast<int>(args.GetInt("threads", 0));
  if (o->games < 1 || o->games > 100000000) {
    std::cerr << "--games must be at least 1\nusage: " << usage << "\n";
    return false;
  }
  if (o->threads < 0 || o->threads > 1024) {
    std::cerr << "--threads must be 0 (all cores) .. 1024\nusage: " << usage << "\n";
    return false;
  }
  std::string error;
  if (!ParseMix(args.Get("bots", kDefaultMix), &o->mix, &error)) {
    std::cerr << error << "\n";
    return false;
  }
  return true;
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
    std::snprintf(line, sizeof line, "  seat %-24s %-11s win %5.1f%%  fair %5.1f%%  %.2fx  %s\n",
                  w.name.c_str(), w.role.c_str(), 100 * w.win_rate, 100 * w.fair_share,
                  ShareRatio(w), ShareVerdict(w));
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
                  r.num_seats > 0 ? 100.0 / r.num_seats : 0.0);
    std::cerr << line;
  }
  if (r.imbalances.empty()) std::cerr << "  no role or seat outside its fair share (95% CI)\n";
  for (const Imbalance& im : r.imbalances) std::cerr << "  imbalance: " << im.message << "\n";
  std::cerr << "  rejected bot actions: " << r.rejected << " of " << r.actions << " actions";
  if (r.unfinished) std::cerr << "; unfinished games: " << r.unfinished;
  std::cerr << "\n";
}

}  // namespace

int CmdBalance(int argc, char** argv) {
  const char* usage =
      "forumctl balance --scenario NAME|FILE --games N --seed S [--threads T] [--bots MIX]\n"
      "                 --out report.json [--csv games.csv] [--chart report.png]\n"
      "  MIX: a strategy, or weighted strategies, e.g. hardliner:1,cooperator:2";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "games", "seed", "threads", "bots", "out", "csv", "chart"}, usage))
    return 2;
  if (!args.Has("scenario") || !args.Has("out")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  BalanceOptions options;
  if (!CommonOptions(args, &options, usage)) return 2;
  auto sc = LoadScenarioArg(args.Get("scenario"));
  if (!sc) return 1;

  ProgressPrinter progress("balance");
  std::vector<GameRecord> records;
  const bool want_csv = args.Has("csv");
  Report report = RunBalance(
      sc, options, [&](int done, int total, double s) { progress(done, total, s); },
      want_csv ? &records : nullptr);

  std::string error;
  if (!WriteFile(args.Get("out"), ReportJson(report) + "\n", &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (want_csv && !WriteFile(args.Get("csv"), GamesCsv(*sc, options.mix, records), &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  if (args.Has("chart")) {
    const std::string png = BalanceChartPng(report);
    if (png.empty()) {
      std::cerr << args.Get("chart") << ": PNG encoding failed\n";
      return 1;
    }
    if (!WriteFile(args.Get("chart"), png, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
  }
  PrintSummary(report);
  return 0;
}

int CmdSweep(int argc, char** argv) {
  const char* usage =
      "forumctl sweep --scenario NAME|FILE --param FIELD --values a,b,c --games N [--seed S]\n"
      "               [--threads T] [--bots MIX] [--json]\n"
      "  FIELD: a field of mf.Parameters, e.g. role_offset_destination";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "param", "values", "games", "seed", "threads", "bots", "json"},
                  usage))
    return 2;
  if (!args.Has("scenario") || !args.Has("param") || !args.Has("values")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  BalanceOptions options;
  if (!CommonOptions(args, &options, usage)) return 2;
  auto sc = LoadScenarioArg(args.Get("scenario"));
  if (!sc) return 1;
  const std::string field = args.Get("param");
  std::vector<std::string> values;
  {
    const std::string v = args.Get("values");
    size_t start = 0;
    for (;;) {
      const size_t at = v.find(',', start);
      values.push_back(v.substr(start, at == std::string::npos ? std::string::npos : at - start));
      if (at == std::string::npos) break;
      start = at + 1;
    }
  }
  if (!ParameterValue(*sc, field).empty())
    std::cerr << sc->id() << ": " << field << " is " << ParameterValue(*sc, field)
              << " in the scenario; " << options.games << " games per value, seed " << options.seed
              << ", bots " << MixText(options.mix) << "\n";
  for (const std::string& v : values) {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (end != v.c_str() && d == 0)
      std::cerr << "note: " << field << " = 0 means the engine default\n";
  }

  std::vector<SweepRow> rows;
  std::string error;
  std::unique_ptr<ProgressPrinter> printer;
  std::string current;
  const bool ok =
      RunSweep(*sc, field, values, options, &rows, &error,
               [&](const std::string& value, int done, int total, double s) {
                 if (value != current) {
                   current = value;
                   printer = std::make_unique<ProgressPrinter>("sweep " + field + "=" + value);
                 }
                 (*printer)(done, total, s);
               });
  if (!ok) {
    std::cerr << error << "\n";
    return 1;
  }
  if (args.Has("json"))
    std::cout << SweepJson(sc->id(), field, rows) << "\n";
  else
    std::cout << SweepTable(field, rows);
  return 0;
}

}  // namespace mf::tools
