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
}  // namespace mf::tools
