// CSV cells as forumctl writes them (the debrief's files, the balance lab's
// games.csv): RFC 4180 quoting, and no cell a spreadsheet would run.
#pragma once

#include <string>

namespace mf::tools {

// One cell of text. A cell that begins with = + - @, a tab or a carriage
// return is a formula to Excel, LibreOffice and Google Sheets (a player named
// =HYPERLINK(...) would run when a teacher opens scores.csv): such a cell is
// prefixed with an apostrophe, which shows the text as it is (OWASP, "CSV
// injection"). A cell with a comma, a quote or a line break is quoted, its
// quotes doubled. Numbers the writers format themselves do not come here.
inline std::string CsvCell(const std::string& text) {
  std::string s = text;
  if (!s.empty() && std::string("=+-@\t\r").find(s[0]) != std::string::npos) s.insert(0, "'");
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace mf::tools
