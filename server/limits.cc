#include "server/limits.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mf::server {

using grpc::StatusCode;

std::string PeerKey(const std::string& peer) {
  if (peer.rfind("ipv4:", 0) == 0) {
    const size_t colon = peer.rfind(':');
    return colon > 4 ? peer.substr(0, colon) : peer;
  }
  if (peer.rfind("ipv6:[", 0) == 0) {
    const size_t close = peer.find(']');
    if (close == std::string::npos) return peer;
    std::string address = peer.substr(6, close - 6);
    const size_t zone = address.find('%');
    if (zone != std::string::npos) address.resize(zone);
    unsigned char b[16];
    if (inet_pton(AF_INET6, address.c_str(), b) != 1) return peer;
    const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[64];
    if (std::equal(mapped, mapped + 12, b)) {
      std::snprintf(out, sizeof out, "ipv4:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
      return out;
    }
    std::snprintf(out, sizeof out, "ipv6:%x:%x:%x:%x::/64", (b[0] << 8) | b[1], (b[2] << 8) | b[3],
                  (b[4] << 8) | b[5], (b[6] << 8) | b[7]);
    return out;
  }
  return peer;
}

void TokenBucket::Refill(double rate, double burst, Clock::time_point now) {
  if (tokens_ < 0) {
    tokens_ = burst;
  } else {
    const double dt = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst, tokens_ + std::max(0.0, dt) * rate);
  }
  last_ = now;
}

bool TokenBucket::Take(double rate, double burst, Clock::time_point now) {
  Refill(rate, burst, now);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void TokenBucket::Refund(double burst) {
  tokens_ = std::min(burst, tokens_ + 1);
}

double TokenBucket::WaitSeconds(double rate) const {
  return tokens_ >= 1 || rate <= 0 ? 0 : (1 - tokens_) / rate;
}

bool TokenBucket::FullAt(double rate, double burst, Clock::time_point now) const {
  if (tokens_ < 0) return true;
  const double dt = std::chrono::duration<double>(now - last_).count();
  return tokens_ + dt * rate >= burst;
}

namespace {

std::string Seconds(double s) {
  return std::to_string(static_cast<long long>(std::ceil(std::max(1.0, s))));
}

std::string Rate(double per_second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", per_second);
  return buf;
}

}  // namespace

PeerLimits::Peer& PeerLimits::At(const std::string& peer, TokenBucket::Clock::time_point now) {
  if (peers_.size() >= prune_at_) Prune(now);
  return peers_[peer];
}

// Forgets the peers whose buckets are full again and that hold no stream:
// remembering them changes nothing. Keeps the table bounded by the peers
// active in the last few minutes.
void PeerLimits::Prune(TokenBucket::Clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();) {
    const Peer& p = it->second;
    const bool idle =
        p.spectators == 0 && p.calls.FullAt(options_.peer_rate, options_.peer_burst, now) &&
        p.creates.FullAt(options_.create_rate, options_.create_burst, now) &&
        p.failures.FullAt(options_.join_failure_rate, options_.join_failure_burst, now);
    it = idle ? peers_.erase(it) : std::next(it);
  }
  prune_at_ = std::max<size_t>(4096, peers_.size() * 2);
}

Outcome PeerLimits::Call(const std::string& peer) {
  if (options_.peer_burst <= 0) return Outcome::Ok();
  const auto now = TokenBucket::Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  TokenBucket& b = At(peer, now).calls;
  if (b.Take(options_.peer_rate, options_.peer_burst, now)) return Outcome::Ok();
  return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                        "too many calls without a token from your address (" + peer +
                            "): at most " + Rate(options_.peer_burst) + " at once, then " +
                            Rate(options_.peer_rate) +
                            " per second (forumd --peer-burst, --peer-rate); try again in " +
                            Seconds(b.WaitSeconds(options_.peer_rate)) + " s");
}

Outcome PeerLimits::Create(const std::string& peer) {
  if (options_.create_burst <= 0) return Outcome::Ok();
  const auto now = TokenBucket::Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  TokenBucket& b = At(peer, now).creates;
  if (b.Take(options_.create_rate, options_.create_burst, now)) return Outcome::Ok();
  return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                        "too many sessions created from your address (" + peer + "): at most " +
                            Rate(options_.create_burst) + " at once, then " +
                            Rate(options_.create_rate) +
                            " per second (forumd --create-burst, --create-rate); try again in " +
                            Seconds(b.WaitSeconds(options_.create_rate)) + " s");
}

Outcome PeerLimits::BeforeCodeLookup(const std::string& peer) {
  if (options_.join_failure_burst <= 0) return Outcome::Ok();
  const auto now = TokenBucket::Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  TokenBucket& b = At(peer, now).failures;
  if (b.Take(options_.join_failure_rate, options_.join_failure_burst, now)) return Outcome::Ok();
  return Outcome::Error(
      StatusCode::RESOURCE_EXHAUSTED,
      "too many failed joins from your address (" + peer + "): wait " +
          Seconds(b.WaitSeconds(options_.join_failure_rate)) +
          " s, then check the join code with your facilitator (forumd --join-fail-burst, "
          "--join-fail-rate)");
}

void PeerLimits::CodeFound(const std::string& peer) {
  if (options_.join_failure_burst <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(peer);
  if (it != peers_.end()) it->second.failures.Refund(options_.join_failure_burst);
}

Outcome PeerLimits::OpenSpectator(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  Peer& p = At(peer, TokenBucket::Clock::now());
  if (options_.peer_spectators > 0 && p.spectators >= options_.peer_spectators)
    return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                          "your address (" + peer + ") has " + std::to_string(p.spectators) +
                              " spectator streams open, the most one address may have "
                              "(forumd --peer-spectators); close one first");
  ++p.spectators;
  return Outcome::Ok();
}

void PeerLimits::CloseSpectator(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = peers_.find(peer);
  if (it != peers_.end() && it->second.spectators > 0) --it->second.spectators;
}

Outcome PeerLimits::OpenStream() {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.max_streams > 0 && streams_ >= options_.max_streams)
    return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                          "this server has " + std::to_string(streams_) +
                              " streams open, its most (forumd --max-streams); try again later");
  ++streams_;
  return Outcome::Ok();
}

void PeerLimits::CloseStream() {
  std::lock_guard<std::mutex> lock(mu_);
  if (streams_ > 0) --streams_;
}

size_t PeerLimits::peers_for_testing() {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_.size();
}

}  // namespace mf::server
