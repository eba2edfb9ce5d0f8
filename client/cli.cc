#include "client/cli.h"

#include <cstdlib>

namespace mf::client {
namespace {

bool ToInt(const std::string& s, long lo, long hi, int* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (*end != '\0' || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

const char* CliUsage() {
  return "usage: forum-client [options]\n"
         "\n"
         "The Migration Forum desktop client: players, the facilitator and the classroom\n"
         "projector, on a forumd server, offline against bots, or replaying a session.\n"
         "\n"
         "Without options: a connect screen asks for the server, the join code and a name.\n"
         "\n"
         "Playing on a server (forumd):\n"
         "  --server ADDR            host:port of forumd (default port 50051)\n"
         "  --join CODE --name NAME  take a seat with the join code\n"
         "  --seat N                 the seat wanted (0-based, as in the protocol)\n"
         "  --spectate CODE --session ID   watch the public roundtable (classroom projector)\n"
         "  --press CODE [--name NAME]     join as a press desk: the public view and\n"
         "                           reports praising or criticising a state\n"
         "  --facilitate TOKEN --session ID   run the session as its facilitator\n"
         "  --tls                    use TLS (system roots)\n"
         "\n"
         "Without a server:\n"
         "  --offline                play against bots in this process\n"
         "  --scenario NAME          classroom-8, puebla-process, hld-2006, gfmd-roundtables,\n"
         "                           hld-2013, institutional-options, convention, workshop-30\n"
         "  --seat N                 your seat (0-based); -1 facilitator, -2 spectator\n"
         "  --seed S --bots STRATEGY --pace MS --phase-seconds S (0: no clock)\n"
         "  --until PHASE [--until-cycle C]   bots play your seat too until that phase\n"
         "                           (civil_society, statements, drafting, decision,\n"
         "                            ratification, implementation, game_over)\n"
         "  --paused                 start paused (the lobby)\n"
         "  --view FILE              show a recorded mf.View (protobuf text format)\n"
         "\n"
         "Replaying a finished session (timeline at the bottom; Left/Right, Space):\n"
         "  --replay FILE            a record: `forumctl session export` file, a GameLog\n"
         "                           (text or binary, `forumctl simulate --log`), or the\n"
         "                           JSON of `forumctl record`\n"
         "  --replay --server ADDR --session ID --token FACILITATOR_TOKEN\n"
         "                           fetch the record from forumd (GetRecord)\n"
         "  --seat N                 whose view: a seat (0-based), -1 the facilitator,\n"
         "                           -2 the public view (the default)\n"
         "  --replay-at N|end        start at action N (0: the beginning) or the end\n"
         "  --play                   start playing\n"
         "\n"
         "Window and output:\n"
         "  --size WxH               window size (default 1280x720)\n"
         "  --projector              large type, public scenes only\n"
         "  --scene NAME             lobby, brief, table, talk, decide, outcome, final, control\n"
         "  --screenshot FILE --after-ms N   write a PNG of the window after N ms and exit\n"
         "  --no-animation           values jump instead of moving (screenshots)\n"
         "  --bench [--bench-seconds S]      FPS and CPU at 1920x1080 with 30 seats\n"
         "\n"
         "  --version                print the version and exit\n"
         "  --help                   print this help and exit\n";
}

bool ParsePhase(const std::string& name, mf::Phase* out) {
  static const std::pair<const char*, mf::Phase> kPhases[] = {
      {"civil_society", mf::CIVIL_SOCIETY}, {"statements", mf::STATEMENTS},
      {"drafting", mf::DRAFTING},           {"decision", mf::DECISION},
      {"ratification", mf::RATIFICATION},   {"implementation", mf::IMPLEMENTATION},
      {"game_over", mf::GAME_OVER}};
  for (const auto& [n, p] : kPhases)
    if (name == n) {
      *out = p;
      return true;
    }
  return false;
}

bool ParseCli(const std::vector<std::string>& args, CliOptions* out, std::string* error) {
  CliOptions& o = *out;
  bool seat_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      *v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--version") {
      o.version = true;
    } else if (a == "--server") {
      if (!value(&o.connect.server)) return false;
      o.network = true;
    } else if (a == "--join") {
      if (!value(&o.connect.code)) return false;
    } else if (a == "--name") {
      if (!value(&o.connect.name)) return false;
      o.offline_opts.player_name = o.connect.name;
    } else if (a == "--seat") {
      if (!value(&v)) return false;
      int seat = 0;
      if (!ToInt(v, -2, 63, &seat)) {
        *error = "--seat takes a seat index (0-based), -1 or -2";
        return false;
      }
      o.connect.seat = seat;
      o.offline_opts.viewer = seat;
      seat_given = true;
    } else if (a == "--spectate") {
      if (!value(&o.connect.code)) return false;
      o.connect.spectate = true;
    } else if (a == "--press") {
      if (!value(&o.connect.code)) return false;
      o.connect.press = true;
    } else if (a == "--facilitate") {
      if (!value(&o.connect.facilitator_token)) return false;
    } else if (a == "--session") {
      if (!value(&o.connect.session)) return false;
    } else if (a == "--tls") {
      o.connect.tls = true;
    } else if (a == "--offline") {
      o.offline = true;
    } else if (a == "--scenario") {
      if (!value(&o.offline_opts.scenario)) return false;
      o.connect.scenario = o.offline_opts.scenario;
    } else if (a == "--seed") {
      if (!value(&v)) return false;
      o.offline_opts.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (a == "--bots") {
      if (!value(&o.offline_opts.strategy)) return false;
    } else if (a == "--pace") {
      if (!value(&v)) return false;
      if (!ToInt(v, 1, 600000, &o.offline_opts.bot_pace_ms)) {
        *error = "--pace takes milliseconds";
        return false;
      }
    } else if (a == "--phase-seconds") {
      if (!value(&v)) return false;
      if (!ToInt(v, 0, 86400, &o.offline_opts.phase_seconds)) {
        *error = "--phase-seconds takes seconds (0: no clock)";
        return false;
      }
    } else if (a == "--until") {
      if (!value(&v)) return false;
      if (!ParsePhase(v, &o.offline_opts.until)) {
        *error = "unknown phase " + v;
        return false;
      }
    } else if (a == "--until-cycle") {
      if (!value(&v)) return false;
      if (!ToInt(v, 1, 20, &o.offline_opts.until_cycle)) {
        *error = "--until-cycle takes a cycle number";
        return false;
      }
    } else if (a == "--paused") {
      o.offline_opts.start_paused = true;
    } else if (a == "--view") {
      if (!value(&o.view_file)) return false;
    } else if (a == "--screenshot") {
      if (!value(&o.screenshot)) return false;
    } else if (a == "--after-ms") {
      if (!value(&v)) return false;
      if (!ToInt(v, 0, 3600000, &o.after_ms)) {
        *error = "--after-ms takes milliseconds";
        return false;
      }
    } else if (a == "--size") {
      if (!value(&v)) return false;
      const size_t x = v.find('x');
      if (x == std::string::npos || !ToInt(v.substr(0, x), 320, 8192, &o.width) ||
          !ToInt(v.substr(x + 1), 240, 8192, &o.height)) {
        *error = "--size takes WIDTHxHEIGHT, e.g. 1920x1080";
        return false;
      }
    } else if (a == "--projector") {
      o.projector = true;
    } else if (a == "--scene") {
      if (!value(&o.scene)) return false;
      Scene s;
      if (!ParseScene(o.scene, &s)) {
        *error = "unknown scene " + o.scene;
        return false;
      }
    } else if (a == "--bench") {
      o.bench = true;
    } else if (a == "--bench-seconds") {
      if (!value(&v)) return false;
      o.bench_seconds = std::atof(v.c_str());
      if (o.bench_seconds <= 0) {
        *error = "--bench-seconds takes a positive number";
        return false;
      }
    } else if (a == "--no-animation") {
      o.no_animation = true;
    } else if (a == "--replay") {
      o.replay = true;
      if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) o.replay_file = args[++i];
    } else if (a == "--token") {
      if (!value(&o.token)) return false;
    } else if (a == "--replay-at") {
      if (!value(&v)) return false;
      if (v == "end") {
        o.replay_at_end = true;
      } else if (!ToInt(v, 0, 100000000, &o.replay_at)) {
        *error = "--replay-at takes an action number (0: the beginning) or 'end'";
        return false;
      }
    } else if (a == "--play") {
      o.replay_play = true;
    } else {
      *error = "unknown option " + a;
      return false;
    }
  }
  if (o.replay) {
    if (o.offline || !o.view_file.empty()) {
      *error = "--replay excludes --offline and --view";
      return false;
    }
    if (!o.connect.code.empty()) {
      *error = "--replay shows a recorded session: --join, --spectate and --press do not apply";
      return false;
    }
    if (o.token.empty()) o.token = o.connect.facilitator_token;
    if (o.replay_file.empty()) {
      if (!o.network || o.connect.session.empty() || o.token.empty()) {
        *error =
            "--replay needs a record FILE, or --server ADDR --session ID --token "
            "FACILITATOR_TOKEN";
        return false;
      }
    } else if (o.network) {
      *error = "--replay FILE reads a file: --server does not apply (or leave out the FILE)";
      return false;
    }
    o.connect.facilitator_token.clear();
    o.replay_seat = seat_given ? o.connect.seat : -2;
    return true;
  }
  if (!o.token.empty() || o.replay_at != 0 || o.replay_at_end || o.replay_play) {
    *error = "--token, --replay-at and --play go with --replay";
    return false;
  }
  if (o.network && o.offline) {
    *error = "--server and --offline exclude each other";
    return false;
  }
  if (!o.connect.facilitator_token.empty() && o.connect.session.empty()) {
    *error = "--facilitate needs --session ID";
    return false;
  }
  if (o.network && o.connect.code.empty() && o.connect.facilitator_token.empty()) {
    *error =
        "--server needs --join CODE --name NAME, --spectate CODE, --press CODE or --facilitate "
        "TOKEN";
    return false;
  }
  if (o.connect.press && (o.connect.spectate || !o.connect.facilitator_token.empty())) {
    *error = "--press joins as a press desk: --spectate and --facilitate do not go with it";
    return false;
  }
  if (o.connect.press && o.connect.name.empty()) o.connect.name = "Press";
  if (o.network && !o.connect.spectate && o.connect.facilitator_token.empty() &&
      o.connect.name.empty()) {
    *error = "--join needs --name NAME";
    return false;
  }
  if (!o.network && (!o.connect.code.empty() || !o.connect.facilitator_token.empty())) {
    *error = "--join, --spectate, --press and --facilitate need --server ADDR";
    return false;
  }
  return true;
}

}  // namespace mf::client
