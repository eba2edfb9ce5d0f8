// Text from the network, as forumd checks and echoes it: UTF-8 decoding,
// lengths in characters, display names a person can read, and the short,
// harmless quote of an input that goes back in a status message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mf::server {

// The code points of valid UTF-8 `s`; false (and `out` partial) when it is
// not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF
// included).
bool DecodeUtf8(const std::string& s, std::vector<uint32_t>* out);

// Characters (code points) of valid UTF-8; the byte count otherwise.
size_t CharacterCount(const std::string& s);

// Longest display name, in characters.
constexpr size_t kMaxNameCharacters = 40;

// A display name a person can read: 1..40 characters of valid UTF-8, no
// control characters or line breaks, at least one visible character (not
// only spaces, zero-width or other invisible characters), and no
// bidirectional overrides or isolates (U+202A..U+202E, U+2066..U+2069) that
// would make it read differently from what it is. "" when fine; otherwise
// why not, in a sentence for the person.
std::string DisplayNameProblem(const std::string& name);

// `s` as it may be quoted back in a status message: at most `max_chars`
// characters (then an ellipsis, U+2026), invalid UTF-8 and control
// characters shown as U+FFFD.
std::string Echo(const std::string& s, size_t max_chars = 64);

}  // namespace mf::server
