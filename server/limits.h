// Limits of the calls that need no token, per peer and for the whole server
// (forumd's --peer-*, --create-*, --join-fail-*, --peer-spectators,
// --max-streams; README "Security and limits" has the defaults and why).
//
// A peer is where a call comes from as the network shows it: an IPv4
// address, or the /64 prefix of an IPv6 address (one network: a host picks
// its own address inside it). A classroom behind one school NAT is one peer,
// so the defaults leave room for it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/options.h"
#include "server/status.h"

namespace mf::server {

// The peer of a gRPC call ("ipv4:10.1.2.3:5000", "ipv6:[2001:db8::7]:5000")
// as the limits count it ("ipv4:10.1.2.3", "ipv6:2001:db8:0:0::/64"); an
// IPv4-mapped IPv6 address counts as its IPv4 address; anything else (a unix
// socket) as itself.
std::string PeerKey(const std::string& grpc_peer);

// A token bucket: `burst` at once, refilled at `rate` per second.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // Refills, then takes one when there is one.
  bool Take(double rate, double burst, Clock::time_point now);
  // Puts one back (a reserved one that was not used).
  void Refund(double burst);
  // Seconds until one is there (0 when one is).
  double WaitSeconds(double rate) const;
  // Full again by `now` (forgetting it changes nothing).
  bool FullAt(double rate, double burst, Clock::time_point now) const;

 private:
  void Refill(double rate, double burst, Clock::time_point now);
  double tokens_ = -1;  // < 0: full on first use.
  Clock::time_point last_;
};

class PeerLimits {
 public:
  explicit PeerLimits(const ServerOptions& options) : options_(options) {}

  // Any call that needs no token: ListScenarios, CreateSession,
  // ImportSession, JoinSession, a spectator's Subscribe.
  Outcome Call(const std::string& peer);
  // CreateSession and ImportSession.
  Outcome Create(const std::string& peer);
  // Before a join code or spectator code is looked up: reserves one failed
  // join, refused while the peer has used up its failures (a guesser waits
  // before the lookup, whatever code it sends). Give it back with
  // CodeFound once the code named a session.
  Outcome BeforeCodeLookup(const std::string& peer);
  void CodeFound(const std::string& peer);
  // Spectator streams open per peer.
  Outcome OpenSpectator(const std::string& peer);
  void CloseSpectator(const std::string& peer);
  // Every Subscribe stream, for the server's total.
  Outcome OpenStream();
  void CloseStream();

  size_t peers_for_testing();

 private:
  struct Peer {
    TokenBucket calls, creates, failures;
    int spectators = 0;
  };
  Peer& At(const std::string& peer, TokenBucket::Clock::time_point now);
  void Prune(TokenBucket::Clock::time_point now);

  const ServerOptions& options_;
  std::mutex mu_;
  std::unordered_map<std::string, Peer> peers_;
  size_t prune_at_ = 4096;
  int streams_ = 0;
};

}  // namespace mf::server
