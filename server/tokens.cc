#include "server/tokens.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include <cctype>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace mf::server {
namespace {

void FillRandom(unsigned char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = getrandom(out + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<size_t>(r);
  }
}

}  // namespace

std::string RandomHex(int bytes) {
  std::vector<unsigned char> buf(static_cast<size_t>(bytes));
  FillRandom(buf.data(), buf.size());
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(buf.size() * 2);
  for (unsigned char c : buf) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string NewToken(const std::string& session, int slot) {
  const std::string name = slot == kFacilitatorSlot ? std::string("f")
                           : slot <= kPressSlotBase ? "p" + std::to_string(kPressSlotBase - slot)
                                                    : std::to_string(slot);
  return session + "." + name + "." + RandomHex(24);
}

bool ParseToken(const std::string& token, TokenParts* out) {
  if (token.size() > 200) return false;
  const size_t a = token.find('.');
  if (a == std::string::npos || a == 0) return false;
  const size_t b = token.find('.', a + 1);
  if (b == std::string::npos || b == a + 1 || b + 1 >= token.size()) return false;
  const std::string slot = token.substr(a + 1, b - a - 1);
  if (slot == "f") {
    out->slot = kFacilitatorSlot;
  } else if (slot.size() >= 2 && slot.size() <= 3 && slot[0] == 'p') {
    int v = 0;
    for (size_t i = 1; i < slot.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(slot[i]))) return false;
      v = v * 10 + (slot[i] - '0');
    }
    out->slot = kPressSlotBase - v;
  } else {
    if (slot.size() > 3) return false;
    int v = 0;
    for (char c : slot) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    out->slot = v;
  }
  out->session = token.substr(0, a);
  out->secret = token.substr(b + 1);
  return true;
}

std::string Sha256(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

bool SecureEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string NewJoinCode() {
  static const char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 symbols.
  constexpr unsigned kSymbols = sizeof kAlphabet - 1;
  constexpr size_t kLength = 8;  // 31^8 = 8.5e11 codes (README: what guessing costs).
  unsigned char buf[kLength];
  std::string code;
  while (code.size() < kLength) {
    FillRandom(buf, sizeof buf);
    for (unsigned char c : buf) {
      if (c >= 248) continue;  // 248 = 8 x 31: reject to keep the draw uniform.
      if (code.size() < kLength) code += kAlphabet[c % kSymbols];
    }
  }
  return code.substr(0, kLength / 2) + "-" + code.substr(kLength / 2);
}

std::string NormaliseJoinCode(const std::string& code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NewSessionId() {
  return RandomHex(8);
}

std::string ChainNext(const std::string& prev, uint64_t seq, int actor, const std::string& bytes) {
  std::string buf = prev;
  for (int i = 0; i < 8; ++i) buf += static_cast<char>((seq >> (8 * i)) & 0xff);
  const uint32_t a = static_cast<uint32_t>(actor);
  for (int i = 0; i < 4; ++i) buf += static_cast<char>((a >> (8 * i)) & 0xff);
  buf += bytes;
  return Sha256(buf);
}

}  // namespace mf::server
