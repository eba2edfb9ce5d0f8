// The command line of forum-client.
#pragma once

#include <string>
#include <vector>

#include "client/app.h"
#include "client/offline.h"

namespace mf::client {

struct CliOptions {
  ConnectRequest connect;  // --server, --join, --name, --seat, --spectate, --facilitate...
  bool network = false;    // A server flag was given.
  bool offline = false;    // --offline
  OfflineOptions
      offline_opts;        // --scenario, --seat, --seed, --bots, --pace, --phase-seconds, --until
  std::string view_file;   // --view FILE
  std::string screenshot;  // --screenshot FILE
  int after_ms = 1500;     // --after-ms N
  int width = 1280, height = 720;  // --size WxH
  bool projector = false;          // --projector
  std::string scene;               // --scene NAME
  bool bench = false;              // --bench
  double bench_seconds = 5;        // --bench-seconds S
  bool no_animation = false;       // --no-animation
  // --replay FILE, or --replay --server ADDR --session ID --token TOKEN.
  bool replay = false;
  std::string replay_file;
  std::string token;           // --token: the facilitator's token for GetRecord.
  int replay_seat = -2;        // --seat (default: the public view of a spectator).
  int replay_at = 0;           // --replay-at N: the position shown first (actions applied).
  bool replay_at_end = false;  // --replay-at end
  bool replay_play = false;    // --play: start playing.
  bool help = false;
  bool version = false;  // --version
};

// Parses argv; false with a message on a bad command line.
bool ParseCli(const std::vector<std::string>& args, CliOptions* out, std::string* error);
const char* CliUsage();
// Phase names as typed on the command line: "statements", "drafting", ...
bool ParsePhase(const std::string& name, mf::Phase* out);

}  // namespace mf::client
