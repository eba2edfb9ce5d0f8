// forumd as a library: the whole server (store, sessions, gRPC service) that
// main() runs and the tests start in-process.
#pragma once

#include <memory>
#include <string>

#include "server/options.h"

namespace mf::server {

class Store;

class Forumd {
 public:
  // Opens the store, rebuilds the sessions, starts the threads and listens.
  // nullptr with a message in `error` when any of it fails.
  static std::unique_ptr<Forumd> Start(const ServerOptions& options, std::string* error);
  ~Forumd();  // Shuts down when Shutdown() was not called.

  // The address bound, e.g. "127.0.0.1:43121" (the real port when 0 was asked).
  const std::string& address() const;
  // The web port's address (--web-listen; "" when off), and the folder its
  // web client was read from ("" when none was found).
  const std::string& web_address() const;
  const std::string& web_root() const;
  // Graceful stop: refuses new requests, finishes the queued ones, tells every
  // stream (a notice, then UNAVAILABLE "server shutting down"), lets in-flight
  // calls finish, flushes the store. Idempotent.
  void Shutdown();
  // Blocks until Shutdown() has been called and completed.
  void Wait();
  Store* store_for_testing();
  // Parsed scenarios held by the sessions in memory (tests: restored
  // sessions share one per scenario text).
  size_t scenario_objects_for_testing() const;

 private:
  Forumd();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mf::server
