// The subcommands of forumctl.
#pragma once

namespace mf::tools {
int CmdValidate(int argc, char** argv);
int CmdSimulate(int argc, char** argv);
int CmdReplay(int argc, char** argv);
int CmdPlay(int argc, char** argv);
int CmdDuel(int argc, char** argv);
int CmdBalance(int argc, char** argv);
int CmdSweep(int argc, char** argv);
// Network clients of forumd (cmd_session.cc, cmd_bot.cc, cmd_load.cc).
int CmdSession(int argc, char** argv);
int CmdRecord(int argc, char** argv);
int CmdBot(int argc, char** argv);
int CmdLoad(int argc, char** argv);
// A forumd data folder checked session by session (cmd_verify.cc).
int CmdVerify(int argc, char** argv);
// The debrief (cmd_report.cc, cmd_fork.cc).
int CmdReport(int argc, char** argv);
int CmdFork(int argc, char** argv);
}  // namespace mf::tools
