#include "server/text.h"

namespace mf::server {
namespace {

// Decodes one code point at `i`; false when the bytes there are not UTF-8.
bool Next(const std::string& s, size_t* i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    *cp = c;
    ++*i;
    return true;
  }
  size_t len;
  uint32_t v;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    v = c & 0x07;
  } else {
    return false;
  }
  if (*i + len > s.size()) return false;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) return false;
    v = (v << 6) | (cc & 0x3F);
  }
  if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
      v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return false;
  *cp = v;
  *i += len;
  return true;
}

void Append(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsControl(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

bool IsBidiControl(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Characters that draw nothing: spaces of every width, zero-width and
// format characters, fillers and blanks that fonts render empty.
bool IsInvisible(uint32_t cp) {
  switch (cp) {
    case 0x20:
    case 0xA0:    // No-break space.
    case 0xAD:    // Soft hyphen.
    case 0x34F:   // Combining grapheme joiner.
    case 0x61C:   // Arabic letter mark.
    case 0x115F:  // Hangul choseong filler.
    case 0x1160:  // Hangul jungseong filler.
    case 0x1680:  // Ogham space mark.
    case 0x180E:  // Mongolian vowel separator.
    case 0x202F:  // Narrow no-break space.
    case 0x205F:  // Medium mathematical space.
    case 0x2800:  // Braille blank.
    case 0x3000:  // Ideographic space.
    case 0x3164:  // Hangul filler.
    case 0xFEFF:  // Zero-width no-break space (byte-order mark).
    case 0xFFA0:  // Halfwidth Hangul filler.
      return true;
    default:
      break;
  }
  return (cp >= 0x2000 && cp <= 0x200F) ||    // Spaces, zero-width characters, LRM/RLM.
         (cp >= 0x2060 && cp <= 0x2064) ||    // Word joiner, invisible operators.
         (cp >= 0xFE00 && cp <= 0xFE0F) ||    // Variation selectors.
         (cp >= 0xE0000 && cp <= 0xE007F) ||  // Tags.
         (cp >= 0xE0100 && cp <= 0xE01EF);    // Variation selectors supplement.
}

}  // namespace

bool DecodeUtf8(const std::string& s, std::vector<uint32_t>* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp;
    if (!Next(s, &i, &cp)) return false;
    out->push_back(cp);
  }
  return true;
}

size_t CharacterCount(const std::string& s) {
  std::vector<uint32_t> cps;
  return DecodeUtf8(s, &cps) ? cps.size() : s.size();
}

std::string DisplayNameProblem(const std::string& name) {
  const std::string sentence = "give a display name of 1 to " + std::to_string(kMaxNameCharacters) +
                               " characters with at least one visible character";
  std::vector<uint32_t> cps;
  if (name.empty() || !DecodeUtf8(name, &cps) || cps.size() > kMaxNameCharacters)
    return sentence + (cps.size() > kMaxNameCharacters
                           ? " (this one has " + std::to_string(cps.size()) + ")"
                           : std::string());
  bool visible = false;
  for (uint32_t cp : cps) {
    if (IsControl(cp)) return sentence + ", on one line, without control characters";
    if (IsBidiControl(cp))
      return sentence +
             ", without right-to-left overrides or isolates (U+202A..U+202E, "
             "U+2066..U+2069)";
    visible = visible || !IsInvisible(cp);
  }
  if (!visible) return sentence + "; this one is blank";
  return "";
}

std::string Echo(const std::string& s, size_t max_chars) {
  std::string out;
  size_t i = 0, chars = 0;
  while (i < s.size()) {
    if (chars == max_chars) return out + "\xe2\x80\xa6";
    uint32_t cp;
    if (!Next(s, &i, &cp)) {
      cp = 0xFFFD;
      ++i;
    }
    if (IsControl(cp) || IsBidiControl(cp)) cp = 0xFFFD;
    Append(cp, &out);
    ++chars;
  }
  return out;
}

}  // namespace mf::server
