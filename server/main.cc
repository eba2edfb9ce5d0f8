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

#include "server/forumd.h"
#include "server/tokens.h"

namespace {

const char* kUsage =
    "usage: forumd --listen ADDR:PORT --data DIR [--tls-cert F --tls-key F] [--scenarios DIR]\n"
    "              [--threads N] [--rate PER_SECOND] [--burst N] [--sync full|normal]\n"
    "              [--archive-after S] [--token-expiry S]\n"
    "              [--organiser-token-file F]\n"
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
    "               2592000 = 30 days; 0: never)\n";

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
