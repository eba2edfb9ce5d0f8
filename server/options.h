// forumd's settings (set by the command line and the configuration file through
// server/flags.h's table, or by tests that run it in-process).
#pragma once

#include <string>

namespace mf::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // ADDR:PORT; port 0 picks a free one.
  std::string data_dir;                // SQLite database folder (required).
  std::string tls_cert, tls_key;       // PEM files; both or neither.
  std::string scenarios_dir;           // Extra *.textproto scenarios (override built-ins).
  int threads = 2;                     // Threads running the sessions' strands.
  int max_message_bytes = 64 * 1024;   // Largest request the server accepts.
  int max_chat_bytes = 500;            // Longest chat message.
  double rate_per_second = 20;         // Per-token request rate (token bucket refill).
  double rate_burst = 40;              // Per-token burst (bucket size).
  int stream_queue = 256;              // Chat/notices waiting per stream before "too slow".
  int slow_stream_seconds = 30;        // A write pending this long closes the stream.
  bool sync_full = false;              // fsync every commit (see Store::Open).
  int shutdown_grace_ms = 3000;        // SIGTERM: time for the sessions to finish their queues.
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
};

}  // namespace mf::server
