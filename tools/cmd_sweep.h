// What forumctl sweep (cmd_balance.cc) and its cluster commands
// (cmd_sweep.cc: plan, run, merge, status, submit) share: the outputs.
#pragma once

#include <string>
#include <vector>

#include "tools/balance.h"
#include "tools/cli.h"

namespace mf::tools {

struct SweepOutputArgs {
  std::string out, csv, chart;
  bool json = false;
  bool no_timing = false;
};

void AddSweepOutputs(CLI::App* sub, SweepOutputArgs* a);
// --param FIELD --values A,B,... (repeatable: a grid).
void AddParamOptions(CLI::App* sub, std::vector<std::string>* params,
                     std::vector<std::string>* values);
// The axes of the --param/--values pairs; false with `error` when they do not pair up.
bool AxesOf(const std::vector<std::string>& params, const std::vector<std::string>& values,
            std::vector<SweepAxis>* axes, std::string* error);

// Writes the sweep's outputs: the JSON report (--out; without parameters the
// point's mf.BalanceReport, as `forumctl balance --out` writes it, else
// mf.SweepReport), one CSV row per point (--csv), the balance chart of a
// single point (--chart), and the table (or --json) on stdout.
int WriteSweepOutputs(const std::string& command, const SweepOutputArgs& a,
                      const std::string& scenario_id, const std::vector<std::string>& fields,
                      const std::vector<SweepRow>& rows);

// plan, run, merge, status, submit under `sweep`.
void AddSweepCommands(CLI::App* sweep);

}  // namespace mf::tools
