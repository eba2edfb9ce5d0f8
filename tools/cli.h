// forumctl's command line on CLI11: how a subcommand declares its options
// (typed, with ranges that its help states and its errors name) and what it
// runs, the help's layout, and the bash completion generated from the same
// declarations.
//
// Each subcommand is declared in one place, its cmd_*.cc file:
//
//   void AddDuel(CLI::App* app) {
//     auto o = std::make_shared<DuelArgs>();
//     CLI::App* sub = app->add_subcommand("duel", "paired test: ...");
//     AddNumber(sub, "--games", &o->games, "N", 2, 100000000, "paired games");
//     ...
//     OnRun(sub, [o] { return RunDuel(*o); });
//   }
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mf::tools {

// What a subcommand runs once its options are parsed: the exit code.
void OnRun(CLI::App* sub, std::function<int()> run);

// The whole command line: parses, then runs the chosen subcommand. --help,
// --help-all and --version print and return 0; a usage error prints the
// error (which names the flag, and the allowed values) and returns 2.
int RunCommandLine(CLI::App* app, int argc, char** argv);

// forumctl's layout of the help: "--games N  games to play (1..1000000;
// default 1000)", a usage line that spells the required options, and
// --help-all that prints every subcommand's help in turn.
void SetUpHelp(CLI::App* app);

// A whole number in [lo, hi] (T an integer type): its help adds the range and
// the default (unless `help` says its own "default"); a value outside the
// range or not a number is refused with "--flag: VALUE is not in LO..HI".
template <typename T>
CLI::Option* AddNumber(CLI::App* app, const std::string& flag, T* value, const std::string& metavar,
                       T lo, T hi, const std::string& help);
// A number in [lo, hi] (double).
CLI::Option* AddReal(CLI::App* app, const std::string& flag, double* value,
                     const std::string& metavar, double lo, double hi, const std::string& help);
// A 64-bit seed (0..18446744073709551615; a negative number is refused).
CLI::Option* AddSeed(CLI::App* app, uint64_t* seed, const std::string& help);
// A text option. `metavar` tells the completion what to offer: FILE (files),
// DIR (folders), SCENARIO (built-in scenarios and files), STRATEGY (bot
// strategies), a|b|c (these words); anything else: nothing.
CLI::Option* AddText(CLI::App* app, const std::string& flag, std::string* value,
                     const std::string& metavar, const std::string& help);

// A validator that accepts these words only.
CLI::Validator OneOf(const std::vector<std::string>& words);
// A validator from a function that returns "" for a good value, else why not.
CLI::Validator Check(const std::string& what, std::function<std::string(const std::string&)> f);

// The bash completion script of the command line `app`: its subcommands,
// their options, and the values of options whose metavar says what they
// are (see AddText); `words` gives the words of metavars such as SCENARIO.
std::string BashCompletion(const CLI::App& app,
                           const std::map<std::string, std::vector<std::string>>& words);

// ---- Templates ---------------------------------------------------------------

std::string RangeText(long long lo, long long hi);
std::string WithRange(const std::string& help, const std::string& range, const std::string& def);
std::string RangeError(const std::string& value, const std::string& range);
bool ParseWhole(const std::string& text, long long* out);

template <typename T>
CLI::Option* AddNumber(CLI::App* app, const std::string& flag, T* value, const std::string& metavar,
                       T lo, T hi, const std::string& help) {
  const std::string range = RangeText(static_cast<long long>(lo), static_cast<long long>(hi));
  CLI::Option* opt = app->add_option(flag, *value, WithRange(help, range, std::to_string(*value)));
  opt->type_name(metavar);
  opt->check(CLI::Validator(
      [lo, hi, range](std::string& in) -> std::string {
        long long v = 0;
        if (!ParseWhole(in, &v) || v < static_cast<long long>(lo) || v > static_cast<long long>(hi))
          return RangeError(in, range);
        return "";
      },
      "", ""));
  return opt;
}

}  // namespace mf::tools
