// Real engines for the cluster tests, started by the tests themselves in
// temporary folders on loopback: a PostgreSQL server (initdb + pg_ctl on a
// free port; as root, run as the unprivileged user `postgres` that Debian's
// package creates, or `nobody`, since PostgreSQL refuses root), and HAProxy
// or nginx run with the configurations shipped in deploy/, their server
// lines and listening address replaced. Everything is stopped and removed
// at the end.
#pragma once

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <glob.h>
#include <filesystem>
#include <fstream>

#include "fault_util.h"
#include "run_command.h"

namespace mf::testing {

// A port nobody listens on now (the kernel's choice for a socket bound to 0).
inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

// Waits until something accepts connections on 127.0.0.1:port.
inline bool WaitListening(int port, std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A program of PostgreSQL's: on PATH, or in Debian's versioned folder.
inline std::string PostgresProgram(const std::string& name) {
  const CommandResult r = RunCommand("command -v " + name + " 2>/dev/null");
  if (r.code == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
  glob_t g;
  std::string found;
  if (glob(("/usr/lib/postgresql/*/bin/" + name).c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0)
    found = g.gl_pathv[g.gl_pathc - 1];
  globfree(&g);
  return found;
}

// The first column of every row `sql` returns, as text ("" entries for NULL);
// nullopt with the error in `*error` when it fails.
inline std::optional<std::vector<std::string>> Sql(const std::string& uri, const std::string& sql,
                                                   std::string* error = nullptr) {
  PGconn* c = PQconnectdb(uri.c_str());
  std::optional<std::vector<std::string>> out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      out.emplace();
      for (int i = 0; i < PQntuples(r); ++i) out->push_back(PQgetvalue(r, i, 0));
    } else if (error) {
      *error = PQresultErrorMessage(r);
    }
    PQclear(r);
  } else if (error) {
    *error = PQerrorMessage(c);
  }
  PQfinish(c);
  return out;
}

class PostgresServer {
 public:
  PostgresServer() {
    char tmpl[] = "/tmp/forum_pg_XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = FreePort();
    std::string as;
    if (geteuid() == 0) {
      // PostgreSQL refuses to run as root.
      const passwd* pw = getpwnam("postgres");
      if (!pw) pw = getpwnam("nobody");
      if (!pw || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        error_ = "no unprivileged user to run PostgreSQL as";
        return;
      }
      as = std::string("runuser -u ") + pw->pw_name + " -- ";
    }
    const std::string initdb = PostgresProgram("initdb"), pg_ctl = PostgresProgram("pg_ctl");
    if (initdb.empty() || pg_ctl.empty()) {
      error_ = "initdb and pg_ctl not found (install postgresql: tools/setup.sh)";
      return;
    }
    pg_ctl_ = as + pg_ctl + " -D " + dir_ + "/data";
    CommandResult r = RunCommand(as + initdb + " -D " + dir_ + "/data -U forum --auth=trust " +
                                 "-E UTF8 --no-locale --no-sync > " + dir_ + "/initdb.log 2>&1");
    if (r.code != 0) {
      error_ = "initdb failed: " + ReadFile(dir_ + "/initdb.log");
      return;
    }
    // fsync off: the tests kill forumd, never PostgreSQL.
    r = RunCommand(pg_ctl_ + " -w -t 60 -l " + dir_ + "/postgres.log -o \"-p " +
                   std::to_string(port_) + " -k " + dir_ +
                   " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start " +
                   "> /dev/null 2>&1");
    if (r.code != 0) {
      error_ = "pg_ctl start failed: " + ReadFile(dir_ + "/postgres.log");
      return;
    }
    started_ = true;
  }
  ~PostgresServer() {
    if (started_) RunCommand(pg_ctl_ + " -m immediate stop > /dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return started_; }
  const std::string& error() const { return error_; }
  std::string Uri(const std::string& db) const {
    return "postgres://forum@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  // A fresh, empty database; returns its URI ("" on failure).
  std::string NewDatabase() {
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
    std::string error;
    if (!Sql(Uri("postgres"), "CREATE DATABASE " + name, &error)) {
      ADD_FAILURE() << error;
      return "";
    }
    return Uri(name);
  }

 private:
  std::string dir_, pg_ctl_, error_;
  int port_ = 0;
  int databases_ = 0;
  bool started_ = false;
};

// The shipped router configurations (deploy/), their server lines replaced
// by `backends` and their listening address by a free loopback port.
class Router {
 public:
  enum class Kind { kHaproxy, kNginx };
  Router(Kind kind, const std::vector<std::string>& backends) : kind_(kind) {
    char tmpl[] = "/tmp/forum_router_XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = FreePort();
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::istringstream in(ReadFile(kind == Kind::kHaproxy
                                       ? std::string(MF_DEPLOY_DIR) + "/haproxy/haproxy.cfg"
                                       : std::string(MF_DEPLOY_DIR) + "/nginx/forum.conf"));
    std::string line, conf;
    bool servers_written = false;
    while (std::getline(in, line)) {
      const size_t b = line.find_first_not_of(' ');
      const std::string t = b == std::string::npos ? "" : line.substr(b);
      const bool server =
          kind == Kind::kHaproxy ? t.rfind("server node", 0) == 0 : t.rfind("server 10.", 0) == 0;
      if (server) {
        if (servers_written) continue;
        servers_written = true;
        // The options after "server NAME ADDR" (HAProxy) or "server ADDR" (nginx).
        std::istringstream words(t);
        std::string word, options;
        for (int w = 0; words >> word; ++w)
          if (w >= (kind == Kind::kHaproxy ? 3 : 2)) options += " " + word;
        for (size_t i = 0; i < backends.size(); ++i)
          conf += kind == Kind::kHaproxy ? "    server node" + std::to_string(i + 1) + " " +
                                               backends[i] + options + "\n"
                                         : "    server " + backends[i] + options + "\n";
        continue;
      }
      if (kind == Kind::kHaproxy && t.rfind("bind 0.0.0.0:50051", 0) == 0)
        line = "    bind " + listen + t.substr(std::string("bind 0.0.0.0:50051").size());
      if (kind == Kind::kNginx && t.rfind("listen 50051", 0) == 0)
        line = "    listen " + listen + t.substr(std::string("listen 50051").size());
      conf += line + "\n";
    }
    config_ = conf;
    std::vector<std::string> args;
    if (kind == Kind::kHaproxy) {
      std::ofstream(dir_ + "/haproxy.cfg") << conf;
      args = {"/usr/sbin/haproxy", "-db", "-f", dir_ + "/haproxy.cfg"};
    } else {
      std::ofstream(dir_ + "/forum.conf") << conf;
      std::ofstream(dir_ + "/nginx.conf")
          << "daemon off;\nworker_processes 1;\npid " << dir_ << "/nginx.pid;\n"
          << "error_log " << dir_ << "/error.log warn;\n"
          << "events { worker_connections 8192; }\n"
          << "http {\n  access_log off;\n  client_body_temp_path " << dir_ << "/body;\n"
          << "  include " << dir_ << "/forum.conf;\n}\n";
      args = {"/usr/sbin/nginx", "-p", dir_, "-c", dir_ + "/nginx.conf", "-e", dir_ + "/error.log"};
    }
    pid_ = fork();
    if (pid_ == 0) {
      const int log = open((dir_ + "/router.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, 1);
      dup2(log, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    ok_ = WaitListening(port_);
  }
  ~Router() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  bool ok() const { return ok_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& config() const { return config_; }
  std::string Log() const { return ReadFile(dir_ + "/router.log") + ReadFile(dir_ + "/error.log"); }

 private:
  Kind kind_;
  std::string dir_, config_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool ok_ = false;
};

}  // namespace mf::testing
