// The debrief page rendered by headless Chromium (Debian's chromium), with
// every chart drawn.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <regex>
#include <string>

#include "debrief_test_util.h"
#include "tools/debrief.h"

namespace mf::testing {
namespace {

// ---- Headless Chromium -----------------------------------------------------------

struct Png {
  int w = 0, h = 0;
  std::vector<uint8_t> rgb;  // Rows of RGB.
  const uint8_t* At(int x, int y) const { return &rgb[(static_cast<size_t>(y) * w + x) * 3]; }
};

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes).
bool DecodePng(const std::string& file, Png* out, std::string* error) {
  const auto* d = reinterpret_cast<const unsigned char*>(file.data());
  if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    *error = "not a PNG";
    return false;
  }
  size_t p = 8;
  int colour = 0, depth = 0, interlace = 0;
  std::string idat;
  while (p + 8 <= file.size()) {
    const uint32_t len = Be32(d + p);
    const std::string type = file.substr(p + 4, 4);
    if (p + 12 + len > file.size()) break;
    const unsigned char* body = d + p + 8;
    if (type == "IHDR") {
      out->w = static_cast<int>(Be32(body));
      out->h = static_cast<int>(Be32(body + 4));
      depth = body[8];
      colour = body[9];
      interlace = body[12];
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(body), len);
    }
    p += 12 + len;
  }
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
    *error = "unsupported PNG (depth " + std::to_string(depth) + ", colour " +
             std::to_string(colour) + ")";
    return false;
  }
  const int bpp = colour == 6 ? 4 : 3;
  const size_t stride = static_cast<size_t>(out->w) * bpp;
  std::vector<unsigned char> raw((stride + 1) * out->h);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_len != raw.size()) {
    *error = "bad PNG data";
    return false;
  }
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  out->rgb.resize(static_cast<size_t>(out->w) * out->h * 3);
  for (int y = 0; y < out->h; ++y) {
    const unsigned char* line = &raw[y * (stride + 1)];
    const int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(bpp) ? cur[i - bpp] : 0;
      const int b = prev[i];
      const int c = i >= static_cast<size_t>(bpp) ? prev[i - bpp] : 0;
      int v = line[1 + i];
      switch (filter) {
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) / 2;
          break;
        case 4: {
          const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          break;
      }
      cur[i] = static_cast<unsigned char>(v & 0xff);
    }
    for (int x = 0; x < out->w; ++x)
      for (int k = 0; k < 3; ++k)
        out->rgb[(static_cast<size_t>(y) * out->w + x) * 3 + k] = cur[x * bpp + k];
    prev.swap(cur);
  }
  return true;
}

std::string Chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (access(c, X_OK) == 0) return c;
  return "";
}

std::string ChromiumCmd(const fs::path& profile) {
  return "timeout 90 " + Chromium() +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --disable-dev-shm-usage --hide-scrollbars --user-data-dir=" +
         profile.string();
}

int CountColour(const Png& png, int x0, int y0, int x1, int y1, int r, int g, int b, int tol = 3) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(png.h, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(png.w, x1); ++x) {
      const uint8_t* p = png.At(x, y);
      if (std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol) ++n;
    }
  return n;
}

// Renders the report in Debian's chromium: the page as the class sees it,
// every chart alone in a cell of a sheet, and the parsed DOM.
TEST(DebriefRenderTest, HeadlessChromiumDrawsEveryChart) {
  const std::string chromium = Chromium();
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed: run tools/setup.sh (Debian package "
                                    "'chromium')";
  ForkOptions o = MixOptions("cooperator:2,dealmaker:1,hardliner:1", 4);
  Recorded g = PlayRecorded("classroom-8", 42, o);
  g.record.players.assign(8, "");
  g.record.players[0] = "Ada";
  g.record.players[6] = "Bo";
  const Model m = Build(g.record);
  const fs::path dir = TmpDir("render");
  std::string error;
  tools::debrief::ReportOptions fo;
  fo.facilitator = true;
  ASSERT_TRUE(tools::debrief::WriteReport(m, (dir / "report").string(), fo, nullptr, &error))
      << error;
  const std::string html = Slurp(dir / "report" / "index.html");

  // 1. The whole page.
  const fs::path shot = dir / "page.png";
  std::string log;
  Shell(ChromiumCmd(dir / "profile1") + " --screenshot=" + shot.string() +
            " --window-size=1280,2000 file://" + (dir / "report" / "index.html").string() + " 2>&1",
        &log);
  ASSERT_TRUE(fs::exists(shot)) << log;
  Png page;
  ASSERT_TRUE(DecodePng(Slurp(shot), &page, &error)) << error;
  EXPECT_EQ(page.w, 1280);
  EXPECT_EQ(page.h, 2000);
  // Not blank: the header bar, and the role colours of the ranking bars and
  // the trust networks.
  EXPECT_GT(CountColour(page, 0, 0, 1280, 120, 0x25, 0x34, 0x46), 20000);
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0xe6, 0x9f, 0x00), 800) << "source bars and nodes";
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0x00, 0x72, 0xb2), 800)
      << "destination bars and nodes";
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0xcc, 0x79, 0xa7), 300) << "transit bars and nodes";

  // 2. A sheet with every chart alone in a 400x300 cell: each cell must have ink.
  std::vector<std::string> svgs;
  std::vector<std::string> kinds;
  const std::regex open("<svg class=\"chart ([a-z]+)\"");
  for (size_t p = html.find("<svg "); p != std::string::npos; p = html.find("<svg ", p + 1)) {
    const size_t end = html.find("</svg>", p);
    ASSERT_NE(end, std::string::npos);
    svgs.push_back(html.substr(p, end + 6 - p));
    std::smatch mt;
    const std::string head = svgs.back().substr(0, 60);
    kinds.push_back(std::regex_search(head, mt, open) ? mt[1].str() : "?");
  }
  ASSERT_GE(svgs.size(), 10u);
  const int cols = 3, cw = 400, ch = 300;
  const int rows = static_cast<int>((svgs.size() + cols - 1) / cols);
  std::string sheet =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0;background:#fff}"
      ".g{display:grid;grid-template-columns:repeat(3,400px);grid-auto-rows:300px}"
      ".g div{overflow:hidden;background:#fff}.g svg{width:400px;height:300px}</style></head>"
      "<body><div class=\"g\">";
  for (const std::string& s : svgs) sheet += "<div>" + s + "</div>";
  sheet += "</div></body></html>";
  std::ofstream(dir / "sheet.html") << sheet;
  const fs::path sheet_png = dir / "sheet.png";
  Shell(ChromiumCmd(dir / "profile2") + " --screenshot=" + sheet_png.string() +
            " --window-size=1200," + std::to_string(rows * ch) + " file://" +
            (dir / "sheet.html").string() + " 2>&1",
        &log);
  ASSERT_TRUE(fs::exists(sheet_png)) << log;
  Png grid;
  ASSERT_TRUE(DecodePng(Slurp(sheet_png), &grid, &error)) << error;
  ASSERT_GE(grid.h, rows * ch);
  for (size_t k = 0; k < svgs.size(); ++k) {
    const int x0 = static_cast<int>(k % cols) * cw, y0 = static_cast<int>(k / cols) * ch;
    int ink = 0;
    for (int y = y0; y < y0 + ch; ++y)
      for (int x = x0; x < x0 + cw; ++x) {
        const uint8_t* p = grid.At(x, y);
        if (p[0] < 235 || p[1] < 235 || p[2] < 235) ++ink;
      }
    EXPECT_GT(ink, 400) << "chart " << k << " (" << kinds[k] << ") drew almost nothing";
  }
  // Each kind of chart drew its own colours.
  auto colour_in = [&](const std::string& kind, int r, int gg, int b) {
    int n = 0;
    for (size_t k = 0; k < svgs.size(); ++k)
      if (kinds[k] == kind)
        n += CountColour(grid, static_cast<int>(k % cols) * cw, static_cast<int>(k / cols) * ch,
                         static_cast<int>(k % cols) * cw + cw, static_cast<int>(k / cols) * ch + ch,
                         r, gg, b);
    return n;
  };
  EXPECT_GT(colour_in("regime", 0x00, 0x9e, 0x73), 20) << "norms";
  EXPECT_GT(colour_in("regime", 0xd5, 0x5e, 0x00), 20) << "procedures";
  EXPECT_GT(colour_in("social", 0x7b, 0x4f, 0xa0), 20) << "mean trust";
  EXPECT_GT(colour_in("flows", 0x3a, 0x9c, 0x8c), 200) << "legal flows";
  EXPECT_GT(colour_in("flows", 0xe0, 0x60, 0x3a), 200) << "irregular flows";
  EXPECT_GT(colour_in("trust", 0x00, 0x72, 0xb2), 100) << "destination nodes";
  EXPECT_GT(colour_in("ranking", 0xe6, 0x9f, 0x00), 500) << "source bars";

  // 3. The DOM Chromium built has every chart.
  std::string dom;
  Shell(ChromiumCmd(dir / "profile3") + " --dump-dom file://" +
            (dir / "report" / "index.html").string() + " 2>/dev/null",
        &dom);
  EXPECT_EQ(Count(dom, "<svg "), static_cast<int>(svgs.size()));
  EXPECT_EQ(Count(dom, "<svg class=\"chart trust\""), m.scenario->cycles() + 1);
  EXPECT_NE(dom.find("Final ranking"), std::string::npos);
  for (const char* profile : {"profile1", "profile2", "profile3"}) fs::remove_all(dir / profile);
}

}  // namespace
}  // namespace mf::testing
