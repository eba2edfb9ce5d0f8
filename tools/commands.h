// The subcommands of forumctl: each declares itself (options, help, what it
// runs) on the command line in its own file (tools/cli.h).
#pragma once

#include "tools/cli.h"

namespace mf::tools {

// The help's groups of subcommands.
extern const char* const kGamesGroup;
extern const char* const kBalanceGroup;
extern const char* const kDebriefGroup;
extern const char* const kNetworkGroup;
extern const char* const kDataGroup;

void AddScenarios(CLI::App* app);  // cmd_scenarios.cc
void AddEnforcement(CLI::App* app);
void AddValidate(CLI::App* app);  // cmd_game.cc
void AddSimulate(CLI::App* app);
void AddReplay(CLI::App* app);
void AddPlay(CLI::App* app);      // cmd_play.cc
void AddCampaign(CLI::App* app);  // cmd_campaign.cc
void AddBalance(CLI::App* app);   // cmd_balance.cc
void AddSweep(CLI::App* app);
void AddTune(CLI::App* app);  // cmd_tune.cc
void AddDuel(CLI::App* app);  // cmd_duel.cc
// The debrief (cmd_report.cc, cmd_fork.cc).
void AddReport(CLI::App* app);
void AddFork(CLI::App* app);
// The teacher's package (cmd_teach.cc).
void AddCards(CLI::App* app);
void AddGuide(CLI::App* app);
void AddGradebook(CLI::App* app);
// Network clients of forumd (cmd_session.cc, cmd_bot.cc, cmd_load.cc).
void AddSession(CLI::App* app);
void AddRecord(CLI::App* app);
void AddBot(CLI::App* app);
void AddLoad(CLI::App* app);
// A stopped forumd's data folder checked session by session (cmd_verify.cc).
void AddVerify(CLI::App* app);

}  // namespace mf::tools
