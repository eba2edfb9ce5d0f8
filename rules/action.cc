// The engine's action value: equality and the text check shared by the
// wire conversions (rules/catalogue.cc) and the checks.
#include "rules/action.h"

namespace mf::rules {

bool Action::operator==(const Action& o) const {
  return type == o.type && id == o.id && seat == o.seat && position == o.position &&
         level == o.level && theme == o.theme && corridor == o.corridor && caucus == o.caucus &&
         flag == o.flag && form == o.form && vote == o.vote && event == o.event && add == o.add &&
         remove == o.remove && give == o.give && ask == o.ask && text == o.text;
}

bool IsCleanUtf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

}  // namespace mf::rules
