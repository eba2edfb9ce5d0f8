// forumd's settings (set by the command line and the configuration file through
// server/flags.h's table, or by tests that run it in-process).
#pragma once

#include <string>

namespace mf::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // ADDR:PORT; port 0 picks a free one.
  std::string data_dir;                // SQLite database folder (required unless --store).
  // Where the sessions are stored: "" (SQLite in data_dir), "sqlite:DIR" or
  // "postgres://..." (PostgreSQL, shared by many forumd nodes with leases).
  std::string store;
  // A node of a cluster (PostgreSQL store): its name in the leases (stable
  // across restarts: it takes its own leases back at once), the address
  // clients and routers reach it at ("" : the address bound, with the host
  // name for 0.0.0.0), and how long a lease lasts without renewal.
  std::string node_id;
  std::string advertise;
  int lease_ttl_seconds = 10;
  // The Agones profile (server/agones.h): Ready once listening, health
  // pings, a `sessions` label, Shutdown after draining. Also on when the
  // SDK's environment (AGONES_SDK_HTTP_PORT) is present.
  bool agones = false;
  std::string tls_cert, tls_key;  // PEM files; both or neither.
  std::string scenarios_dir;      // Extra *.textproto scenarios (override built-ins).
  // The web port (server/web.h): gRPC-Web and the web client, on ADDR:PORT
  // ("" : none); the origins besides its own whose pages may call it
  // (comma-separated, "*" any); the folder of the web client ("" : found
  // beside the program).
  std::string web_listen, web_origins, web_root;
  // The web client's address as people reach it ("" : the web port on the
  // host each client reached forumd at), e.g. behind NAT or a proxy; clients
  // learn it from ListScenarios to show the browser link (the projector's QR).
  std::string web_public_url;
  // Set by Forumd::Start when the web port is on (not a flag): the random
  // secret the web port sends with each call it carries in-process, so that
  // the service believes the browser's address it names (server/web.h).
  std::string web_peer_secret;
  int threads = 2;                    // Threads running the sessions' strands.
  int max_message_bytes = 64 * 1024;  // Largest request the server accepts.
  int max_chat_bytes = 500;           // Longest chat message.
  double rate_per_second = 20;        // Per-token request rate (token bucket refill).
  double rate_burst = 40;             // Per-token burst (bucket size).
  int stream_queue = 256;             // Chat/notices waiting per stream before "too slow".
  int slow_stream_seconds = 30;       // A write pending this long closes the stream.
  bool sync_full = false;             // fsync every commit (see Store::Open).
  int shutdown_grace_ms = 3000;       // SIGTERM: time for the sessions to finish their queues.
  // A finished session stays in memory this long (its late streams and joins
  // are told "the game is over"), then only its record stays, in the store
  // (GetRecord still answers). Checked whenever a session is created.
  int archive_after_seconds = 600;
  // The tokens of a finished session expire this long after the game ended
  // (0: never): then every call with them is UNAUTHENTICATED "token expired".
  long long token_expiry_seconds = 30LL * 24 * 3600;
  // When set (SHA-256 of the organiser's secret): CreateSession and
  // ImportSession need that secret as their bearer token.
  std::string organiser_token_hash;
  std::string organiser_token_file;  // Where the secret was read from (shown, not used).

  // Limits of the calls that need no token, per peer (an IPv4 address or an
  // IPv6 /64 prefix: a classroom behind one school NAT is one peer), and of
  // the whole server. README "Security and limits" gives the reasoning; 0
  // turns a limit off.
  double peer_rate = 10;           // Calls without a token per second, per peer...
  double peer_burst = 500;         // ...in bursts of this many.
  double create_rate = 2;          // CreateSession/ImportSession per second, per peer...
  double create_burst = 100;       // ...in bursts of this many.
  double join_failure_rate = 0.5;  // Failed joins (unknown code) per second, per peer...
  double join_failure_burst = 60;  // ...in bursts of this many; then joins wait.
  int peer_spectators = 20;        // Open spectator streams per peer.
  int max_sessions = 10000;        // Sessions held in memory (running or just finished).
  int max_streams = 10000;         // Open Subscribe streams of every kind.
  // Backpressure: requests (actions, joins, chat) waiting for their session's
  // single writer, at most this many per session (0: no bound)...
  int session_queue = 64;
  // ...and for at most this long: a request that waited longer is refused
  // with RESOURCE_EXHAUSTED instead of being served late (0: never).
  int shed_after_ms = 500;
  // Actions in progress in the whole server (taken, not yet answered) at
  // most; one more is refused at once with RESOURCE_EXHAUSTED, before any
  // work, so that past its capacity the server answers the actions it takes
  // in time instead of all of them late (0: no bound).
  int max_in_flight = 0;
};

}  // namespace mf::server
