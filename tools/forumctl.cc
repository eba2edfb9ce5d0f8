// forumctl: the headless command line of Migration Forum. Every subcommand
// declares its options in its own cmd_*.cc file (tools/commands.h).
#include <iostream>

#include "bots/bot.h"
#include "rules/scenario.h"
#include "tools/commands.h"

namespace mf::tools {

const char* const kGamesGroup = "Games and scenarios";
const char* const kBalanceGroup = "The balance lab";
const char* const kDebriefGroup = "The debrief";
const char* const kNetworkGroup = "Network (a running forumd)";
const char* const kDataGroup = "A stopped forumd's data folder";

}  // namespace mf::tools

int main(int argc, char** argv) {
  using namespace mf::tools;
  CLI::App app(
      "The Migration Forum command line: scenarios, games with bots, the balance lab, "
      "sessions on a running forumd, and the debrief. Reports are JSON (messages of "
      "proto/reports.proto).",
      "forumctl");
  SetUpHelp(&app);
  app.set_version_flag("--version", std::string("forumctl ") + MF_VERSION);
  app.require_subcommand(1);
  app.footer("`forumctl COMMAND --help` describes a command; `forumctl --help-all` every one.");
  AddScenarios(&app);
  AddEnforcement(&app);
  AddValidate(&app);
  AddSimulate(&app);
  AddReplay(&app);
  AddPlay(&app);
  AddCampaign(&app);
  AddBalance(&app);
  AddSweep(&app);
  AddTune(&app);
  AddDuel(&app);
  AddReport(&app);
  AddFork(&app);
  AddCards(&app);
  AddGuide(&app);
  AddGradebook(&app);
  AddSession(&app);
  AddRecord(&app);
  AddBot(&app);
  AddLoad(&app);
  AddVerify(&app);
  // The bash completion script, from the declarations above (installed with
  // the program: cmake/Packaging.cmake).
  app.add_flag_callback(
         "--bash-completion",
         [&app] {
           std::vector<std::string> scenarios;
           for (const auto& e : mf::rules::EmbeddedScenarios()) scenarios.push_back(e.name);
           throw CLI::CallForVersion(BashCompletion(app, {{"SCENARIO", scenarios},
                                                          {"STRATEGY", mf::bots::StrategyNames()}}),
                                     0);
         },
         "Print the bash completion script and exit")
      ->group("");
  return RunCommandLine(&app, argc, argv);
}
