// forumctl: the headless command line of Migration Forum.
#include <cstring>
#include <iostream>

#include "tools/commands.h"

namespace {

const char* kUsage =
    "usage: forumctl COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  validate FILE...                                 check scenario files\n"
    "  simulate --scenario NAME|FILE --seed N [--log F] play one game with random players\n"
    "  replay --log FILE                                replay a game log\n"
    "  play [--scenario NAME] [--seed N] [--bots NAME]  a local session played by bots\n"
    "  duel --scenario S --challenger A --baseline B [--games N] [--budget B]\n"
    "                                                   paired test: A vs B in the same seat\n"
    "  balance --scenario NAME|FILE --games N --seed S [--threads T] [--bots MIX]\n"
    "          --out report.json [--csv games.csv] [--chart report.png]\n"
    "                                                   bot-vs-bot balance report\n"
    "  sweep --scenario NAME|FILE --param FIELD --values a,b,c --games N [--seed S]\n"
    "        [--threads T] [--bots MIX] [--json]        balance per parameter value\n"
    "  scenarios                                        list the built-in scenarios\n"
    "\n"
    "debrief (RECORD: --log FILE, --data DIR --session ID, or --server ADDR --session ID\n"
    "         --token T):\n"
    "  report RECORD --out DIR [--facilitator]          HTML page with charts + CSV files\n"
    "  fork RECORD --at N --bots MIX --games G [--seed S] [--set WHO=STRATEGY] [--out F.json]\n"
    "                                                   what if: continue the record with bots\n"
    "\n"
    "network (a running forumd; each takes --ca FILE for TLS):\n"
    "  session create --server ADDR --scenario NAME [--bots SPEC] [--timers fast|classroom]\n"
    "                 [--seed N] [--pace MS] [--idle S] [--paused]   start a session (JSON)\n"
    "  session join|list|roster ...                     take a seat, list sessions, who is on\n"
    "  bot --server ADDR --join CODE [--seat N] [--name NAME]   play a seat over the network\n"
    "  record --server ADDR --session ID --token T      a session's record as JSON\n"
    "  load --server ADDR --sessions N --seats M --rate R --duration S   load test (JSON)\n"
    "\n"
    "a stopped forumd's data folder:\n"
    "  verify --data DIR [--acks FILE] [--finished]     every session replays (to its stored\n"
    "                                                   hash); acknowledged actions are stored\n";

}  // namespace

int ListScenarios(int, char**);

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "validate") return mf::tools::CmdValidate(argc, argv);
  if (cmd == "simulate") return mf::tools::CmdSimulate(argc, argv);
  if (cmd == "replay") return mf::tools::CmdReplay(argc, argv);
  if (cmd == "play") return mf::tools::CmdPlay(argc, argv);
  if (cmd == "duel") return mf::tools::CmdDuel(argc, argv);
  if (cmd == "balance") return mf::tools::CmdBalance(argc, argv);
  if (cmd == "sweep") return mf::tools::CmdSweep(argc, argv);
  if (cmd == "scenarios") return ListScenarios(argc, argv);
  if (cmd == "session") return mf::tools::CmdSession(argc, argv);
  if (cmd == "record") return mf::tools::CmdRecord(argc, argv);
  if (cmd == "bot") return mf::tools::CmdBot(argc, argv);
  if (cmd == "load") return mf::tools::CmdLoad(argc, argv);
  if (cmd == "verify") return mf::tools::CmdVerify(argc, argv);
  if (cmd == "report") return mf::tools::CmdReport(argc, argv);
  if (cmd == "fork") return mf::tools::CmdFork(argc, argv);
  std::cerr << "forumctl: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}
