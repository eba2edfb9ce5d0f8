// Secrets of forumd: random tokens, their SHA-256 hashes, constant-time
// comparison, join codes and session ids. Tokens are never stored; only their
// hashes are (in memory and in the database).
#pragma once

#include <cstdint>
#include <string>

namespace mf::server {

// A token names the session and the slot it opens ("f" for the facilitator, a
// seat index otherwise) followed by 192 random bits in hex:
//   "<session>.<slot>.<48 hex digits>"
// The session and slot are not secret; they only tell the server where the
// hash to compare with lives.
struct TokenParts {
  std::string session;
  int slot = 0;  // kFacilitatorSlot, a seat index or a press desk's slot.
  std::string secret;
};
constexpr int kFacilitatorSlot = -1;
// A press desk's slot: kPressSlotBase - desk ("p<desk>" in the token), the
// engine's actor for the desk (rules::PressActor).
constexpr int kPressSlotBase = -100;

// `bytes` random bytes from the kernel (getrandom), as lowercase hex.
std::string RandomHex(int bytes);
// A fresh token for a slot of a session.
std::string NewToken(const std::string& session, int slot);
// Splits a token; false when it is not of that shape.
bool ParseToken(const std::string& token, TokenParts* out);
// SHA-256 of `data`, 32 raw bytes.
std::string Sha256(const std::string& data);
// The hash chain of a session's log: SHA-256 over the previous link and one
// entry (sequence number, actor, serialized action).
std::string ChainNext(const std::string& prev, uint64_t seq, int actor, const std::string& bytes);
// The hash stored for a token.
inline std::string TokenHash(const std::string& token) {
  return Sha256(token);
}
// Constant-time equality of two equal-length byte strings (false when the
// lengths differ).
bool SecureEquals(const std::string& a, const std::string& b);

// A short join code people can type: 8 characters from an alphabet without
// look-alikes (no 0/O, 1/I/L), shown as "ABCD-EFGH" (31^8 = 8.5e11 codes;
// guessing is also throttled per peer, server/limits.h).
std::string NewJoinCode();
// Upper-cases and strips dashes and spaces: "abcd-efgh" -> "ABCDEFGH".
std::string NormaliseJoinCode(const std::string& code);
// A session id: 16 hex digits (64 random bits).
std::string NewSessionId();

}  // namespace mf::server
