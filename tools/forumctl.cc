// forumctl: the headless command line of Migration Forum.
#include <cstring>
#include <iostream>

#include "tools/commands.h"

namespace {

const char* kUsage =
    "usage: forumctl COMMAND [OPTIONS]\n"
    "       forumctl --version | --help\n"
    "\n"
    "The Migration Forum command line: scenarios, games with bots, the balance lab,\n"
    "sessions on a running forumd, and the debrief.\n"
    "\n"
    "Games and scenarios:\n"
    "  scenarios\n"
    "        list the built-in scenarios\n"
    "  validate FILE...\n"
    "        check scenario files\n"
    "  simulate --scenario NAME|FILE --seed N [--log F]\n"
    "        play one game with random players\n"
    "  replay --log FILE\n"
    "        replay a game log\n"
    "  play [--scenario NAME] [--seed N] [--bots NAME]\n"
    "        a local session played by bots\n"
    "\n"
    "The balance lab:\n"
    "  balance --scenario NAME|FILE --games N --seed S --out report.json\n"
    "          [--threads T] [--bots MIX] [--csv games.csv] [--chart report.png]\n"
    "        bot-vs-bot balance report\n"
    "  sweep --scenario NAME|FILE --param FIELD --values a,b,c --games N [--seed S]\n"
    "          [--threads T] [--bots MIX] [--json]\n"
    "        balance per parameter value\n"
    "  duel --scenario S --challenger A --baseline B [--games N] [--budget B]\n"
    "        paired test: A vs B in the same seat\n"
    "\n"
    "The debrief (RECORD: --log FILE, --data DIR --session ID, or --server ADDR\n"
    "--session ID --token T):\n"
    "  report RECORD --out DIR [--facilitator]\n"
    "        HTML page with charts + CSV files\n"
    "  fork RECORD --at N --bots MIX --games G [--seed S] [--set WHO=STRATEGY]\n"
    "       [--out F.json]\n"
    "        what if: continue the record with bots\n"
    "\n"
    "Network (a running forumd; each takes --ca FILE for TLS):\n"
    "  session create --server ADDR --scenario NAME [--bots SPEC]\n"
    "          [--timers fast|classroom] [--seed N] [--pace MS] [--idle S] [--paused]\n"
    "        start a session (JSON)\n"
    "  session join|list|roster|export|import|delete ...\n"
    "        take a seat, list sessions, who is on; move and remove records\n"
    "  bot --server ADDR --join CODE [--seat N] [--name NAME]\n"
    "        play a seat over the network\n"
    "  record --server ADDR --session ID --token T\n"
    "        a session's record as JSON\n"
    "  load --server ADDR --sessions N --seats M --rate R --duration S\n"
    "        load test (JSON)\n"
    "\n"
    "A stopped forumd's data folder:\n"
    "  verify --data DIR [--acks FILE] [--finished]\n"
    "        every session replays to its stored hash; acknowledged actions are stored\n";

}  // namespace

int ListScenarios(int, char**);

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "forumctl " << MF_VERSION << "\n";
    return 0;
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
