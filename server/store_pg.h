// The PostgreSQL store (libpq): the sessions of many forumd nodes in one
// database, one owner per session by lease (server/store.h, Cluster).
//
// Two connections: the writer (its own thread, group commit as in the
// SQLite store; every write of a session carries the lease epoch this node
// holds and is refused once the epoch moved on) and the control connection
// (leases, look-ups, summaries; called from any thread, one at a time).
// The schema is server/migrations/postgres/*.sql, applied in order on start.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/store.h"

namespace mf::server {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};
// The migrations compiled in (generated from server/migrations/postgres/).
const std::vector<Migration>& PostgresMigrations();

struct PostgresOptions {
  std::string conninfo;  // A libpq connection string or URI.
  std::string node_id;   // This node's name in the leases.
  int lease_ttl_seconds = 10;
  bool sync_full = false;  // synchronous_commit on (else off: see OpenPostgresStore).
};

// Connects, applies the missing migrations (under an advisory lock, so
// nodes starting together do not race) and starts the writer thread.
// `sync_full` false sets synchronous_commit off: a commit is acknowledged
// once PostgreSQL has it (it survives a crash of forumd, as SQLite's
// synchronous=NORMAL does); true waits for PostgreSQL's WAL flush.
std::unique_ptr<Store> OpenPostgresStore(const PostgresOptions& options, std::string* error);

}  // namespace mf::server
