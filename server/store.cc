#include "server/store.h"

#include "server/store_pg.h"

namespace mf::server {

bool Store::LoadAll(std::vector<StoredSession>* out, std::string* error) {
  return ForEachSession([out](StoredSession& s) { out->push_back(std::move(s)); }, error);
}

bool IsPostgresStore(const std::string& spec) {
  return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0 ||
         spec.rfind("postgres:", 0) == 0;
}

std::unique_ptr<Store> OpenStore(const ServerOptions& o, std::string* error) {
  if (IsPostgresStore(o.store)) {
    PostgresOptions p;
    // "postgres:host=... dbname=..." carries libpq key words; the URIs go as they are.
    p.conninfo = o.store.rfind("postgres:", 0) == 0 && o.store.rfind("postgres://", 0) != 0
                     ? o.store.substr(9)
                     : o.store;
    p.node_id = o.node_id;
    p.lease_ttl_seconds = o.lease_ttl_seconds;
    p.sync_full = o.sync_full;
    return OpenPostgresStore(p, error);
  }
  std::string dir = o.data_dir;
  if (o.store.rfind("sqlite:", 0) == 0) dir = o.store.substr(7);
  if (dir.empty()) {
    *error =
        "--data DIR is required (the folder of the session database), or --store sqlite:DIR "
        "or --store postgres://...";
    return nullptr;
  }
  return Store::Open(dir, o.sync_full, error);
}

}  // namespace mf::server
