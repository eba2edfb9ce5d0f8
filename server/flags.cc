#include "server/flags.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "server/store.h"
#include "server/tokens.h"

namespace mf::server {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// --- Codecs: one per kind of value -------------------------------------------

FlagCodec Text(std::string ServerOptions::*member) {
  return {[member](const std::string& text, ServerOptions* o, std::string* error) {
            if (text.find('\n') != std::string::npos) {
              *error = "cannot hold a line break";
              return false;
            }
            o->*member = text;
            return true;
          },
          [member](const ServerOptions& o) { return o.*member; }, "example"};
}

// A whole number in [lo, hi].
template <typename T>
FlagCodec Whole(T ServerOptions::*member, long long lo, long long hi) {
  return {[member, lo, hi](const std::string& text, ServerOptions* o, std::string* error) {
            char* end = nullptr;
            errno = 0;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
              *error = "takes a whole number from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ", not '" + text + "'";
              return false;
            }
            o->*member = static_cast<T>(v);
            return true;
          },
          [member](const ServerOptions& o) { return std::to_string(o.*member); },
          std::to_string(ServerOptions().*member != lo ? lo : hi)};
}

// A double as the shortest text that reads back to it.
std::string Shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

// A number in [lo, hi].
FlagCodec Real(double ServerOptions::*member, double lo, double hi) {
  return {[member, lo, hi](const std::string& text, ServerOptions* o, std::string* error) {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi) {
              std::ostringstream m;
              m << "takes a number from " << lo << " to " << hi << ", not '" << text << "'";
              *error = m.str();
              return false;
            }
            o->*member = v;
            return true;
          },
          [member](const ServerOptions& o) { return Shortest(o.*member); },
          Shortest(ServerOptions().*member != lo ? lo : hi)};
}

// One of two words: `yes` sets the member true, `no` false.
FlagCodec Choice(bool ServerOptions::*member, const char* yes, const char* no) {
  const std::string y = yes, n = no;
  return {[member, y, n](const std::string& text, ServerOptions* o, std::string* error) {
            if (text != y && text != n) {
              *error = "is " + y + " or " + n + ", not '" + text + "'";
              return false;
            }
            o->*member = text == y;
            return true;
          },
          [member, y, n](const ServerOptions& o) { return o.*member ? y : n; },
          ServerOptions().*member ? n : y};
}

// A file holding the organiser's secret (its first line); only its hash is kept.
FlagCodec OrganiserTokenFile() {
  return {[](const std::string& path, ServerOptions* o, std::string* error) {
            std::ifstream in(path);
            std::string secret;
            std::getline(in, secret);
            while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' '))
              secret.pop_back();
            if (!in && secret.empty()) {
              *error = "cannot read the organiser token from " + path;
              return false;
            }
            if (secret.size() < 16) {
              *error = "the organiser token in " + path + " must be 16 characters or more";
              return false;
            }
            o->organiser_token_file = path;
            o->organiser_token_hash = TokenHash(secret);
            return true;
          },
          [](const ServerOptions& o) { return o.organiser_token_file; }, ""};
}

// Where the sessions are kept: "sqlite:DIR" or a PostgreSQL URI.
FlagCodec StoreSpec() {
  return {[](const std::string& text, ServerOptions* o, std::string* error) {
            const bool sqlite = text.rfind("sqlite:", 0) == 0 && text.size() > 7;
            if (!sqlite && !IsPostgresStore(text)) {
              *error = "is sqlite:DIR or postgres://USER@HOST:PORT/DATABASE, not '" + text + "'";
              return false;
            }
            o->store = text;
            return true;
          },
          [](const ServerOptions& o) { return o.store; }, "postgres://forum@db.example.org/forum"};
}

constexpr long long kTenYears = 10LL * 365 * 24 * 3600;

const ServerFlag* Find(const std::string& name) {
  for (const ServerFlag& f : ServerFlags())
    if (name == f.name) return &f;
  return nullptr;
}

std::string KeyList() {
  std::string out;
  for (const ServerFlag& f : ServerFlags()) out += std::string(out.empty() ? "" : ", ") + f.name;
  return out;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return !in.bad();
}

}  // namespace

// Adding a setting: a member in ServerOptions (server/options.h) and one row
// here; --help, the configuration file, `--print-config`, the shipped
// forumd.conf and tests/server_flags_test.cc follow.
const std::vector<ServerFlag>& ServerFlags() {
  using O = ServerOptions;
  static const std::vector<ServerFlag> flags = {
      {"listen", "ADDR:PORT", "address to bind; port 0 picks a free one", Text(&O::listen)},
      {"data", "DIR",
       "folder of the SQLite database (required\nunless --store; created when missing)",
       Text(&O::data_dir)},
      {"store", "sqlite:DIR|postgres://...",
       "where the sessions are kept: SQLite in DIR (as\n"
       "--data), or a PostgreSQL database that many\n"
       "forumd nodes share (libpq URI, e.g.\n"
       "postgres://forum@db:5432/forum): each running\n"
       "session is then owned by one node at a time, by\n"
       "lease; the schema is migrated on start",
       StoreSpec()},
      {"node-id", "NAME",
       "this node's name in the leases (PostgreSQL\n"
       "store; default: its advertised address); keep\n"
       "it across restarts to take its sessions back at once",
       Text(&O::node_id)},
      {"advertise", "HOST:PORT",
       "the address clients and routers reach this node\n"
       "at, sent to a client that asks another node for\n"
       "a session this one owns (default: the address\n"
       "bound, the host name for 0.0.0.0)",
       Text(&O::advertise)},
      {"lease-ttl", "SECONDS",
       "a session's lease lasts this long without\n"
       "renewal (renewed every third of it); after a\n"
       "node dies, another takes its sessions over then",
       Whole(&O::lease_ttl_seconds, 1, 3600)},
      {"agones", "on|off",
       "the Agones profile: Ready once listening, health\n"
       "pings, a sessions label, Shutdown after draining\n"
       "on SIGTERM (REST to the SDK sidecar on\n"
       "localhost:$AGONES_SDK_HTTP_PORT, default 9358);\n"
       "on by itself when AGONES_SDK_HTTP_PORT is set",
       Choice(&O::agones, "on", "off")},
      {"tls-cert", "FILE", "PEM certificate chain: serve TLS (with\ntls-key; online workshops)",
       Text(&O::tls_cert)},
      {"tls-key", "FILE", "PEM private key of tls-cert", Text(&O::tls_key)},
      {"web-listen", "ADDR:PORT",
       "also serve gRPC-Web (the Forum service for\n"
       "browsers) and the files of web-root on this\n"
       "address; TLS with tls-cert and tls-key",
       Text(&O::web_listen)},
      {"web-allow-origin", "ORIGIN,...",
       "other origins whose pages may call the web port\n"
       "(e.g. https://school.example; default: only\n"
       "the web port's own pages)",
       Text(&O::web_origins)},
      {"web-root", "DIR",
       "folder of static files served at / on the web\nport (default: web/ beside forumd's folder)",
       Text(&O::web_root)},
      {"web-public-url", "URL",
       "the web client's address for people's links\n"
       "(e.g. https://forum.school.example behind NAT\n"
       "or a proxy; default: the web port's own)",
       Text(&O::web_public_url)},
      {"scenarios", "DIR",
       "folder of extra *.textproto scenarios\n(they override the built-in ones)",
       Text(&O::scenarios_dir)},
      {"threads", "N", "threads running the sessions", Whole(&O::threads, 1, 64)},
      {"session-queue", "N",
       "requests (actions, joins, chat) waiting for one\n"
       "session at most; more are refused with\n"
       "RESOURCE_EXHAUSTED, nothing changed (0: no bound)",
       Whole(&O::session_queue, 0, 1000000)},
      {"shed-after", "MS",
       "a request that waited this long for its session\n"
       "is refused with RESOURCE_EXHAUSTED instead of\n"
       "being served late, nothing changed (0: never)",
       Whole(&O::shed_after_ms, 0, 3600000)},
      {"max-in-flight", "N",
       "actions in progress in the whole server at\n"
       "most; one more is refused at once with\n"
       "RESOURCE_EXHAUSTED, nothing changed (0: no bound)",
       Whole(&O::max_in_flight, 0, 1000000)},
      {"rate", "PER_SECOND", "per-token request limit: requests a second",
       Real(&O::rate_per_second, 0.001, 1e9)},
      {"burst", "N", "per-token request limit: the burst allowed\nabove the rate",
       Real(&O::rate_burst, 1, 1e9)},
      {"organiser-token-file", "FILE",
       "a file holding a secret (16+ characters) that\n"
       "creating or importing a session must present as\n"
       "its bearer token; without it anyone who reaches\n"
       "the server may create sessions (fine on a lab LAN)",
       OrganiserTokenFile()},
      {"sync", "full|normal",
       "normal: every acknowledged action survives a\n"
       "crash or kill of forumd (SQLite WAL,\n"
       "synchronous=NORMAL); full: also a crash of the\n"
       "machine or a power cut (an fsync per commit:\n"
       "~10 ms more per action on a slow disk)",
       Choice(&O::sync_full, "full", "normal")},
      {"archive-after", "SECONDS",
       "a finished session stays in memory this long,\n"
       "then only its stored record remains (GetRecord\n"
       "answers either way)",
       Whole(&O::archive_after_seconds, 0, kTenYears)},
      {"token-expiry", "SECONDS",
       "the tokens of a finished game expire this long\nafter its end (0: never)",
       Whole(&O::token_expiry_seconds, 0, kTenYears)},
      // The calls that need no token, per peer (an IPv4 address or an IPv6
      // /64: a class behind one NAT is one peer), and the whole server.
      {"peer-rate", "PER_SECOND",
       "calls without a token a second, per peer\n(an IPv4 address or an IPv6 /64)",
       Real(&O::peer_rate, 0.001, 1e9)},
      {"peer-burst", "N", "calls without a token: the burst allowed\nabove the rate (0: no limit)",
       Real(&O::peer_burst, 0, 1e9)},
      {"create-rate", "PER_SECOND", "sessions created or imported a second,\nper peer",
       Real(&O::create_rate, 0.001, 1e9)},
      {"create-burst", "N", "sessions created or imported: the burst\n(0: no limit)",
       Real(&O::create_burst, 0, 1e9)},
      {"join-fail-rate", "PER_SECOND",
       "join or spectator codes naming no session,\na second per peer; then joins wait",
       Real(&O::join_failure_rate, 0.001, 1e9)},
      {"join-fail-burst", "N", "failed codes: the burst (0: no limit)",
       Real(&O::join_failure_burst, 0, 1e9)},
      {"peer-spectators", "N", "spectator streams open per peer (0: no limit)",
       Whole(&O::peer_spectators, 0, 1000000)},
      {"max-sessions", "N", "sessions held in memory (0: no limit)",
       Whole(&O::max_sessions, 0, 100000000)},
      {"max-streams", "N", "streams open in all (0: no limit)",
       Whole(&O::max_streams, 0, 100000000)},
  };
  return flags;
}

bool ApplyServerConfig(const std::string& text, const std::string& source, ServerOptions* out,
                       std::string* error) {
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = source + ":" + std::to_string(number) + ": ";
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      *error = where + "expected KEY = VALUE, not '" + line + "'";
      return false;
    }
    const std::string key = Trim(line.substr(0, eq)), value = Trim(line.substr(eq + 1));
    const ServerFlag* flag = Find(key);
    if (!flag) {
      *error = where + "unknown key '" + key + "' (the keys: " + KeyList() + ")";
      return false;
    }
    if (value.empty()) {
      *error = where + key + " needs a value (" + flag->value + ")";
      return false;
    }
    std::string why;
    if (!flag->codec.set(value, out, &why)) {
      *error = where + key + " " + why;
      return false;
    }
  }
  return true;
}

bool ParseServerCommandLine(const std::vector<std::string>& args, ServerOptions* out,
                            ServerCommand* command, std::string* error) {
  *command = ServerCommand::kRun;
  // Flag, value pairs ("--listen=A" or "--listen A"), and the commands.
  std::vector<std::pair<std::string, std::string>> given;
  std::string config;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], v;
    if (a == "--help" || a == "-h") {
      *command = ServerCommand::kHelp;
      return true;
    }
    if (a == "--version") {
      *command = ServerCommand::kVersion;
      return true;
    }
    if (a == "--print-config") {
      *command = ServerCommand::kPrintConfig;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      *error = "unexpected argument '" + a + "' (options start with --)";
      return false;
    }
    const size_t eq = a.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    const std::string name = a.substr(2);
    if (name != "config" && !Find(name)) {
      *error = "unknown option " + a;
      return false;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      v = args[++i];
    }
    if (name == "config") {
      if (!config.empty()) {
        *error = "--config is given twice";
        return false;
      }
      if (v.empty()) {
        *error = "--config needs a file";
        return false;
      }
      config = v;
    } else {
      given.emplace_back(name, v);
    }
  }
  if (!config.empty()) {
    std::string text;
    if (!ReadFile(config, &text)) {
      *error = "cannot read the configuration file " + config;
      return false;
    }
    if (!ApplyServerConfig(text, config, out, error)) return false;
  }
  for (const auto& [name, value] : given) {
    std::string why;
    if (!Find(name)->codec.set(value, out, &why)) {
      *error = "--" + name + " " + why;
      return false;
    }
  }
  return true;
}

std::string ServerUsage() {
  const ServerOptions defaults;
  std::string out =
      "usage: forumd --config FILE [OPTION...]\n"
      "       forumd --data DIR [--listen ADDR:PORT] [OPTION...]\n"
      "       forumd --store postgres://... --node-id NAME [OPTION...]\n"
      "\n"
      "The Migration Forum server: sessions over gRPC, stored in SQLite (one\n"
      "server) or in PostgreSQL (many servers behind a router, one owner per\n"
      "session by lease). It prints \"forumd listening on ADDR:PORT\" once it\n"
      "serves; logs go to standard error; SIGTERM or SIGINT stop it cleanly\n"
      "(exit 0).\n"
      "\n"
      "Every option is also a key of the configuration file: --threads 4 there is\n"
      "\"threads = 4\". Options given on the command line override the file.\n"
      "\n"
      "Options:\n";
  constexpr size_t kColumn = 28;  // Where the help starts: lines stay within 80 columns.
  auto row = [&out](const std::string& left, const std::string& help) {
    std::string l = "  " + left;
    std::istringstream lines(help);
    std::string h;
    bool first = true;
    while (std::getline(lines, h)) {
      if (first && l.size() < kColumn - 1) {
        out += l + std::string(kColumn - l.size(), ' ') + h + "\n";
      } else {
        if (first) out += l + "\n";
        out += std::string(kColumn, ' ') + h + "\n";
      }
      first = false;
    }
  };
  for (const ServerFlag& f : ServerFlags()) {
    std::string help = f.help;
    const std::string d = f.codec.show(defaults);
    if (!d.empty()) help += "\n(default " + d + ")";
    row(std::string("--") + f.name + " " + f.value, help);
  }
  row("--config FILE", "read the settings from FILE: KEY = VALUE\nlines, # comments");
  row("--print-config", "check the settings, print them as a\nconfiguration file and exit");
  row("--version", "print the version and exit");
  row("--help", "print this help and exit");
  return out;
}

std::string ServerConfigText(const ServerOptions& o) {
  const ServerOptions defaults;
  std::string out =
      "# forumd's configuration: `forumd --config FILE` reads it. Every option of\n"
      "# forumd is a key here (--threads 4 is `threads = 4`); options on the command\n"
      "# line override the file. Keys left commented out keep the default shown.\n"
      "# Check a change with `forumd --config FILE --print-config`.\n";
  for (const ServerFlag& f : ServerFlags()) {
    out += "\n";
    std::istringstream lines(f.help);
    std::string h;
    while (std::getline(lines, h)) out += "# " + h + "\n";
    const std::string v = f.codec.show(o);
    if (v.empty()) {
      out += std::string("# ") + f.name + " = " + f.value + "\n";
    } else if (v == f.codec.show(defaults)) {
      out += std::string("# ") + f.name + " = " + v + "\n";
    } else {
      out += std::string(f.name) + " = " + v + "\n";
    }
  }
  return out;
}

}  // namespace mf::server
