// forumd: the Migration Forum server.
//
//   forumd --listen ADDR:PORT --data DIR [--tls-cert F --tls-key F] [--scenarios DIR]
//
// Prints "forumd listening on ADDR:PORT" once it serves; SIGTERM or SIGINT
// shut it down cleanly (exit 0).
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>

#include "server/forumd.h"
#include "server/tokens.h"

namespace {

const char* kUsage =
    "usage: forumd --listen ADDR:PORT --data DIR [--tls-cert F --tls-key F] [--scenarios DIR]\n"
    "              [--threads N] [--rate PER_SECOND] [--burst N] [--sync full|normal]\n"
    "              [--archive-after S] [--token-expiry S]\n"
    "              [--organiser-token-file F] [--peer-rate R] [--peer-burst N]\n"
    "              [--create-rate R] [--create-burst N] [--join-fail-rate R]\n"
    "              [--join-fail-burst N] [--peer-spectators N] [--max-sessions N]\n"
    "              [--max-streams N]\n"
    "  --listen     address to bind; port 0 picks a free one (default 127.0.0.1:0)\n"
    "  --data       folder of the SQLite database (created when missing)\n"
    "  --tls-cert/--tls-key  PEM files: serve TLS (online workshops)\n"
    "  --scenarios  folder of extra *.textproto scenarios\n"
    "  --threads    threads running the sessions (default 2)\n"
    "  --rate/--burst  per-token request limit (default 20/s, bursts of 40)\n"
    "  --organiser-token-file  a file holding a secret (16+ characters) that creating\n"
    "               or importing a session must present as its bearer token; without it\n"
    "               anyone who reaches the server may create sessions (fine on a lab LAN)\n"
    "  --sync       normal (default): every acknowledged action survives a crash or kill of\n"
    "               forumd (SQLite WAL, synchronous=NORMAL); full: also a crash of the machine\n"
    "               or a power cut (an fsync per commit: ~10 ms more per action on a slow disk)\n"
    "  --archive-after  seconds a finished session stays in memory before only its stored\n"
    "               record remains (default 600; GetRecord answers either way)\n"
    "  --token-expiry   seconds after the end of a game when its tokens expire (default\n"
    "               2592000 = 30 days; 0: never)\n"
    "  Calls that need no token, per peer (an IPv4 address or an IPv6 /64; a class behind one\n"
    "  NAT is one peer) and in all; over a limit: RESOURCE_EXHAUSTED. A burst of 0 turns one off.\n"
    "  --peer-rate/--peer-burst  calls without a token per second (default 10/s, bursts of 500)\n"
    "  --create-rate/--create-burst  sessions created or imported (default 2/s, bursts of 100)\n"
    "  --join-fail-rate/--join-fail-burst  join or spectator codes that name no session\n"
    "               (default 0.5/s, bursts of 60; then joins from that peer wait)\n"
    "  --peer-spectators  spectator streams open per peer (default 20; 0: no limit)\n"
    "  --max-sessions     sessions held in memory (default 10000; 0: no limit)\n"
    "  --max-streams      streams open in all (default 10000; 0: no limit)\n";

}  // namespace

int main(int argc, char** argv) {
  mf::server::ServerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "forumd: " << a << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--listen") {
      options.listen = v;
    } else if (a == "--data") {
      options.data_dir = v;
    } else if (a == "--tls-cert") {
      options.tls_cert = v;
    } else if (a == "--tls-key") {
      options.tls_key = v;
    } else if (a == "--scenarios") {
      options.scenarios_dir = v;
    } else if (a == "--threads") {
      options.threads = std::atoi(v.c_str());
    } else if (a == "--rate") {
      options.rate_per_second = std::atof(v.c_str());
    } else if (a == "--burst") {
      options.rate_burst = std::atof(v.c_str());
    } else if (a == "--organiser-token-file") {
      std::ifstream in(v);
      std::string secret;
      std::getline(in, secret);
      while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
      if (!in && secret.empty()) {
        std::cerr << "forumd: cannot read the organiser token from " << v << "\n";
        return 2;
      }
      if (secret.size() < 16) {
        std::cerr << "forumd: the organiser token in " << v << " must be 16 characters or more\n";
        return 2;
      }
      options.organiser_token_hash = mf::server::TokenHash(secret);
    } else if (a == "--archive-after") {
      options.archive_after_seconds = std::atoi(v.c_str());
    } else if (a == "--token-expiry") {
      options.token_expiry_seconds = std::atoll(v.c_str());
    } else if (a == "--peer-rate") {
      options.peer_rate = std::atof(v.c_str());
    } else if (a == "--peer-burst") {
      options.peer_burst = std::atof(v.c_str());
    } else if (a == "--create-rate") {
      options.create_rate = std::atof(v.c_str());
    } else if (a == "--create-burst") {
      options.create_burst = std::atof(v.c_str());
    } else if (a == "--join-fail-rate") {
      options.join_failure_rate = std::atof(v.c_str());
    } else if (a == "--join-fail-burst") {
      options.join_failure_burst = std::atof(v.c_str());
    } else if (a == "--peer-spectators") {
      options.peer_spectators = std::atoi(v.c_str());
    } else if (a == "--max-sessions") {
      options.max_sessions = std::atoi(v.c_str());
    } else if (a == "--max-streams") {
      options.max_streams = std::atoi(v.c_str());
    } else if (a == "--sync") {
      if (v != "full" && v != "normal") {
        std::cerr << "forumd: --sync is full or normal\n";
        return 2;
      }
      options.sync_full = v == "full";
    } else {
      std::cerr << "forumd: unknown option " << a << "\n" << kUsage;
      return 2;
    }
  }
  if (options.threads < 1 || options.threads > 64 || options.rate_per_second <= 0 ||
      options.rate_burst < 1 || options.archive_after_seconds < 0 ||
      options.token_expiry_seconds < 0) {
    std::cerr << "forumd: --threads is 1..64, --rate > 0, --burst >= 1, --archive-after and "
                 "--token-expiry >= 0\n";
    return 2;
  }
  const bool limits_ok = [&] {
    for (auto [rate, burst] : {std::pair{options.peer_rate, options.peer_burst},
                               {options.create_rate, options.create_burst},
                               {options.join_failure_rate, options.join_failure_burst}})
      if (burst < 0 || (burst > 0 && rate <= 0)) return false;
    return options.peer_spectators >= 0 && options.max_sessions >= 0 && options.max_streams >= 0;
  }();
  if (!limits_ok) {
    std::cerr << "forumd: each --*-burst is >= 0 (0: no limit) with its --*-rate > 0; "
                 "--peer-spectators, --max-sessions and --max-streams are >= 0\n";
    return 2;
  }

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::string error;
  auto server = mf::server::Forumd::Start(options, &error);
  if (!server) {
    std::cerr << "forumd: " << error << "\n";
    return 1;
  }
  std::cout << "forumd listening on " << server->address() << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cerr << "forumd: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down\n";
  server->Shutdown();
  std::cerr << "forumd: stopped\n";
  return 0;
}
