// forumd's web port (--web-listen): the Forum service over gRPC-Web and the
// web client's files, on Boost.Beast.
//
// A gRPC-Web call (POST /mf.Forum/METHOD, application/grpc-web+proto) is
// carried into the gRPC server itself over an in-process channel, as raw
// bytes: the very handlers of the gRPC port answer it (server/service.cc),
// with the same tokens, limits, size checks, single writer per session and
// status codes. The caller's address goes with it in the metadata
// kWebPeerMetadata, which the service believes only beside the process's
// random kWebSecretMetadata (a caller of the gRPC port cannot set its own
// peer).
//
// Everything else on the port is static files (the web client, once issue 14
// adds one: --web-root, or found beside the program), read into memory
// at start: a GET names one of those files or nothing (no path reaches the
// file system). Cross-origin calls are refused unless --web-allow-origin names the
// origin (the client is served from the same origin, so it needs none). TLS
// with the gRPC port's --tls-cert and --tls-key.
#pragma once

#include <memory>
#include <string>

#include "server/options.h"

namespace grpc {
class Channel;
}

namespace mf::server {

// The metadata key that carries a web caller's address ("ipv4:A:PORT" or
// "ipv6:[A]:PORT", as gRPC writes peers) into the service.
inline constexpr char kWebPeerMetadata[] = "mf-web-peer";
// ...believed only with this one carrying ServerOptions::web_peer_secret
// (the in-process channel shows no peer address of its own to tell it by).
inline constexpr char kWebSecretMetadata[] = "mf-web-secret";

class WebGateway {
 public:
  // Binds options.web_listen and serves; `channel` reaches the gRPC server
  // in-process. nullptr with a message in `error` when it cannot.
  static std::unique_ptr<WebGateway> Start(const ServerOptions& options,
                                           std::shared_ptr<grpc::Channel> channel,
                                           std::string* error);
  ~WebGateway();
  // The address bound, e.g. "127.0.0.1:8080" (the real port when 0 was asked).
  const std::string& address() const;
  // The folder the web client was read from ("" when none was found: the port
  // then serves gRPC-Web and a page saying it has no web root).
  const std::string& web_root() const;
  // No new connections; open ones finish their call and close.
  void StopAccepting();
  // Closes every connection and stops the threads (after the gRPC server has
  // finished its calls, so their last words reach the browsers). Idempotent.
  void Shutdown();

  struct Impl;  // server/web.cc

 private:
  WebGateway();
  std::shared_ptr<Impl> impl_;
};

// The folder of the web client's files: `flag` when set, else the first of
// `<program's folder>/../web` (the build tree) and
// `<program's folder>/../share/migration-forum/web` (an installation) that
// holds an index.html; "" when none does.
std::string FindWebRoot(const std::string& flag);

}  // namespace mf::server
