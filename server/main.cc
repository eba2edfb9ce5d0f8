// forumd: the Migration Forum server.
//
//   forumd --config FILE [OPTION...]      (the service: /etc/migration-forum/forumd.conf)
//   forumd --data DIR [--listen ADDR:PORT] [OPTION...]
//
// The options and the configuration file's keys are one table
// (server/flags.h). Prints "forumd listening on ADDR:PORT" once it serves;
// logs go to standard error (the journal under systemd); SIGTERM or SIGINT
// shut it down cleanly (exit 0).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "server/flags.h"
#include "server/forumd.h"

int main(int argc, char** argv) {
  mf::server::ServerOptions options;
  mf::server::ServerCommand command;
  std::string error;
  if (!mf::server::ParseServerCommandLine(std::vector<std::string>(argv + 1, argv + argc), &options,
                                          &command, &error)) {
    std::cerr << "forumd: " << error << "\n(forumd --help lists the options)\n";
    return 2;
  }
  switch (command) {
    case mf::server::ServerCommand::kHelp:
      std::cout << mf::server::ServerUsage();
      return 0;
    case mf::server::ServerCommand::kVersion:
      std::cout << "forumd " << MF_VERSION << "\n";
      return 0;
    case mf::server::ServerCommand::kPrintConfig:
      std::cout << mf::server::ServerConfigText(options);
      return 0;
    case mf::server::ServerCommand::kRun:
      break;
  }

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = mf::server::Forumd::Start(options, &error);
  if (!server) {
    std::cerr << "forumd: " << error << "\n";
    return 1;
  }
  std::cout << "forumd listening on " << server->address() << std::endl;
  if (!server->web_address().empty()) {
    std::cout << "forumd gRPC-Web on " << (options.tls_cert.empty() ? "http" : "https") << "://"
              << server->web_address() << "/" << std::endl;
    if (server->web_root().empty())
      std::cerr << "forumd: no folder of web pages (--web-root DIR): the web port serves "
                   "gRPC-Web only\n";
  }
  int sig = 0;
  sigwait(&stop, &sig);
  std::cerr << "forumd: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down\n";
  server->Shutdown();
  std::cerr << "forumd: stopped\n";
  return 0;
}
