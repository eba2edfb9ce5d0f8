#include "tools/chart.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mf::tools {
namespace {

// The built-in font: 5x7 glyphs, '#' = ink.
struct Glyph {
  char c;
  const char* rows[7];
};

const Glyph kFont[] = {
    {' ', {".....", ".....", ".....", ".....", ".....", ".....", "....."}},
    {'A', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'B', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
    {'C', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
    {'D', {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}},
    {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
    {'F', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
    {'G', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
    {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'I', {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'J', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
    {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
    {'L', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
    {'M', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
    {'N', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
    {'O', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
    {'Q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
    {'R', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
    {'S', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
    {'T', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
    {'U', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'V', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
    {'W', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
    {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
    {'Y', {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}},
    {'Z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
    {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
    {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
    {',', {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."}},
    {':', {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."}},
    {';', {".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..."}},
    {'-', {".....", ".....", ".....", ".###.", ".....", ".....", "....."}},
    {'+', {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."}},
    {'=', {".....", ".....", "#####", ".....", "#####", ".....", "....."}},
    {'%', {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"}},
    {'(', {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."}},
    {')', {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."}},
    {'[', {".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."}},
    {']', {".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."}},
    {'/', {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."}},
    {'_', {".....", ".....", ".....", ".....", ".....", ".....", "#####"}},
    {'\'', {"..#..", "..#..", ".#...", ".....", ".....", ".....", "....."}},
    {'"', {".#.#.", ".#.#.", ".....", ".....", ".....", ".....", "....."}},
    {'?', {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."}},
    {'!', {"..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.."}},
    {'#', {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."}},
    {'<', {"...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."}},
    {'>', {".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."}},
    {'*', {".....", "..#..", "#.#.#", ".###.", "#.#.#", "..#..", "....."}},
    {'&', {".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"}},
};

const Glyph* FindGlyph(char c) {
  const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Glyph& g : kFont)
    if (g.c == up) return &g;
  for (const Glyph& g : kFont)
    if (g.c == '?') return &g;
  return nullptr;
}

// Bytes of a UTF-8 string as single characters (multi-byte ones become '?').
std::string Ascii(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if ((c & 0xC0) == 0xC0) {
      out += '?';
    }
  }
  return out;
}

void Put32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>((v >> 24) & 0xFF));
  out->push_back(static_cast<char>((v >> 16) & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
  out->push_back(static_cast<char>(v & 0xFF));
}

void Chunk(std::string* out, const char type[5], const std::string& data) {
  Put32(out, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  *out += body;
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()),
                          static_cast<uInt>(body.size()));
  Put32(out, static_cast<uint32_t>(crc));
}

std::string Pct(double v, const char* format = "%.1f%%") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, 100.0 * v);
  return buf;
}

// Colours.
const Rgb kWhite{255, 255, 255};
const Rgb kInk{30, 30, 36};
const Rgb kGrey{110, 110, 120};
const Rgb kGrid{225, 226, 232};
const Rgb kAxis{70, 70, 80};
const Rgb kFair{200, 30, 40};
const Rgb kRoleColour[4] = {{150, 150, 150}, {235, 150, 50}, {60, 170, 150}, {70, 110, 200}};
const Rgb kTotal{20, 20, 25};
const Rgb kNorms{60, 110, 210};
const Rgb kRules{40, 160, 80};
const Rgb kProcedures{230, 130, 30};

// A value axis from 0: the tick step and the top (a whole number of ticks, at most 1).
struct Axis {
  double tick, top;
};
Axis NiceAxis(double v) {
  v = std::clamp(v, 0.05, 1.0);
  const double tick = v > 0.6 ? 0.2 : v > 0.25 ? 0.1 : 0.05;
  return {tick, std::min(1.0, std::ceil(v / tick - 1e-9) * tick)};
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb bg)
    : w_(width), h_(height), px_(static_cast<size_t>(width) * height * 3) {
  for (size_t i = 0; i < px_.size(); i += 3) {
    px_[i] = bg.r;
    px_[i + 1] = bg.g;
    px_[i + 2] = bg.b;
  }
}

Rgb Canvas::At(int x, int y) const {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return {};
  const size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
  return {px_[i], px_[i + 1], px_[i + 2]};
}

void Canvas::Set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  const size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
  px_[i] = c.r;
  px_[i + 1] = c.g;
  px_[i + 2] = c.b;
}

void Canvas::FillRect(int x0, int y0, int x1, int y1, Rgb c) {
  if (x0 > x1) std::swap(x0, x1);
  if (y0 > y1) std::swap(y0, y1);
  for (int y = std::max(0, y0); y <= std::min(h_ - 1, y1); ++y)
    for (int x = std::max(0, x0); x <= std::min(w_ - 1, x1); ++x) Set(x, y, c);
}

void Canvas::DashedLine(int x0, int y0, int x1, int y1, Rgb c, int thickness, int on, int off) {
  // Bresenham; a dot of `thickness` pixels at each step that falls in an "on" stretch.
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int err = dx + dy, step = 0;
  const int period = on + off;
  const int lo = -(thickness - 1) / 2, hi = thickness / 2;
  for (;;) {
    if (off <= 0 || step % period < on) FillRect(x0 + lo, y0 + lo, x0 + hi, y0 + hi, c);
    ++step;
    if (x0 == x1 && y0 == y1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void Canvas::Line(int x0, int y0, int x1, int y1, Rgb c, int thickness) {
  DashedLine(x0, y0, x1, y1, c, thickness, 1, 0);
}

void Canvas::Text(int x, int y, const std::string& s, Rgb c, int scale, int gap) {
  if (gap < 0) gap = scale;
  int cx = x;
  for (char ch : Ascii(s)) {
    const Glyph* g = FindGlyph(ch);
    if (g != nullptr) {
      for (int r = 0; r < 7; ++r)
        for (int k = 0; k < 5; ++k)
          if (g->rows[r][k] == '#')
            FillRect(cx + k * scale, y + r * scale, cx + (k + 1) * scale - 1,
                     y + (r + 1) * scale - 1, c);
    }
    cx += 5 * scale + gap;
  }
}

int Canvas::TextWidth(const std::string& s, int scale, int gap) {
  if (gap < 0) gap = scale;
  const int n = static_cast<int>(Ascii(s).size());
  return n > 0 ? n * (5 * scale + gap) - gap : 0;
}

std::string EncodePng(const Canvas& c) {
  std::string raw;
  raw.reserve(static_cast<size_t>(c.height()) * (c.width() * 3 + 1));
  const std::vector<uint8_t>& px = c.pixels();
  for (int y = 0; y < c.height(); ++y) {
    raw.push_back('\0');  // Filter: none.
    raw.append(reinterpret_cast<const char*>(px.data()) + static_cast<size_t>(y) * c.width() * 3,
               static_cast<size_t>(c.width()) * 3);
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(&z[0]), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 9) != Z_OK)
    return "";
  z.resize(size);

  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  Put32(&ihdr, static_cast<uint32_t>(c.width()));
  Put32(&ihdr, static_cast<uint32_t>(c.height()));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace.
  Chunk(&out, "IHDR", ihdr);
  Chunk(&out, "IDAT", z);
  Chunk(&out, "IEND", "");
  return out;
}

Canvas BalanceChart(const Report& r) {
  const int W = 900, H = 500;
  Canvas cv(W, H, kWhite);

  // Title and subtitle.
  const std::string title = "MIGRATION FORUM BALANCE: " + r.scenario + "  " +
                            std::to_string(r.games) + " GAMES, SEED " + std::to_string(r.seed);
  cv.Text(20, 14, title, kInk, 2);
  cv.Text(20, 36,
          "BOTS " + r.bots + "   REJECTED BOT ACTIONS " + std::to_string(r.rejected) +
              (r.unfinished ? "   UNFINISHED GAMES " + std::to_string(r.unfinished) : ""),
          kGrey, 1);

  const int top = 92, bottom = 372;

  // ---- Left: win rate by role, with 95% intervals and fair shares.
  const int lx0 = 75, lx1 = 455;
  cv.Text(20, 60, "WIN RATE BY ROLE, 95% CI", kInk, 2);
  std::vector<const WinStat*> roles;
  for (const WinStat& w : r.roles)
    if (w.seats > 0) roles.push_back(&w);
  double vmax = 0.1;
  for (const WinStat* w : roles) vmax = std::max({vmax, w->ci95.high, w->fair_share});
  const Axis left = NiceAxis(vmax + 0.06);
  const double ymax = left.top, tick = left.tick;
  auto ly = [&](double v) {
    return bottom - static_cast<int>(std::lround(v / ymax * (bottom - top)));
  };
  for (int i = 0; i * tick <= ymax + 1e-9; ++i) {
    const double v = i * tick;
    const int y = ly(v);
    cv.Line(lx0, y, lx1, y, kGrid);
    const std::string lab = Pct(v, "%.0f%%");
    cv.Text(lx0 - 8 - Canvas::TextWidth(lab, 2), y - 7, lab, kGrey, 2);
  }
  cv.Line(lx0, top - 4, lx0, bottom, kAxis, 2);
  cv.Line(lx0, bottom, lx1, bottom, kAxis, 2);
  const int k = static_cast<int>(roles.size());
  const int slot = (lx1 - lx0) / std::max(1, k);
  for (int i = 0; i < k; ++i) {
    const WinStat& w = *roles[i];
    const int cx = lx0 + slot * i + slot / 2;
    const int bw = slot / 2;
    int role_index = 0;
    for (int q = 1; q < 4; ++q)
      if (w.name == rules::RoleName(static_cast<mf::Role>(q))) role_index = q;
    if (w.win_rate > 0)
      cv.FillRect(cx - bw / 2, ly(w.win_rate), cx + bw / 2, bottom - 1, kRoleColour[role_index]);
    // Whisker: the 95% interval.
    const int ylo = ly(w.ci95.low), yhi = ly(w.ci95.high);
    cv.Line(cx, ylo, cx, yhi, kInk, 2);
    cv.Line(cx - bw / 6, ylo, cx + bw / 6, ylo, kInk, 2);
    cv.Line(cx - bw / 6, yhi, cx + bw / 6, yhi, kInk, 2);
    // Fair share: dashed.
    const int yf = ly(w.fair_share);
    cv.DashedLine(cx - slot * 2 / 5, yf, cx + slot * 2 / 5, yf, kFair, 3, 8, 5);
    // Labels: the win rate above, the role and its seats below.
    const std::string val = Pct(w.win_rate);
    cv.Text(cx - Canvas::TextWidth(val, 2) / 2, std::min(yhi, yf) - 22, val, kInk, 2);
    const int gap = Canvas::TextWidth(w.name, 2) <= slot - 4 ? 2 : 1;
    cv.Text(cx - Canvas::TextWidth(w.name, 2, gap) / 2, bottom + 10, w.name, kInk, 2, gap);
    const std::string seats = std::to_string(w.seats) + (w.seats == 1 ? " SEAT" : " SEATS");
    const std::string fair = "FAIR " + Pct(w.fair_share);
    cv.Text(cx - Canvas::TextWidth(seats, 1) / 2, bottom + 30, seats, kGrey, 1);
    cv.Text(cx - Canvas::TextWidth(fair, 1) / 2, bottom + 41, fair, kGrey, 1);
  }
  // Legend.
  const int leg = 436;
  cv.DashedLine(lx0, leg + 6, lx0 + 36, leg + 6, kFair, 3, 8, 5);
  cv.Text(lx0 + 44, leg, "FAIR SHARE", kInk, 2);
  const int wx = lx0 + 200;
  cv.Line(wx, leg - 2, wx, leg + 14, kInk, 2);
  cv.Line(wx - 5, leg - 2, wx + 5, leg - 2, kInk, 2);
  cv.Line(wx - 5, leg + 14, wx + 5, leg + 14, kInk, 2);
  cv.Text(wx + 14, leg, "95% CI", kInk, 2);

  // ---- Right: mean regime strength per cycle.
  const int rx0 = 570, rx1 = 880;
  cv.Text(505, 60, "REGIME STRENGTH BY CYCLE", kInk, 2);
  double rmax = 0.1;
  for (const CycleMean& c : r.cycle_means)
    rmax = std::max({rmax, c.mean.regime, c.mean.norms, c.mean.rules, c.mean.procedures});
  const Axis right = NiceAxis(rmax + 0.02);
  const double rtop = right.top, rtick = right.tick;
  auto ry = [&](double v) {
    return bottom - static_cast<int>(std::lround(v / rtop * (bottom - top)));
  };
  for (int i = 0; i * rtick <= rtop + 1e-9; ++i) {
    const double v = i * rtick;
    const int y = ry(v);
    cv.Line(rx0, y, rx1, y, kGrid);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    cv.Text(rx0 - 8 - Canvas::TextWidth(buf, 2), y - 7, buf, kGrey, 2);
  }
  cv.Line(rx0, top - 4, rx0, bottom, kAxis, 2);
  cv.Line(rx0, bottom, rx1, bottom, kAxis, 2);
  const int nc = static_cast<int>(r.cycle_means.size());
  auto rx = [&](int i) {
    return nc <= 1 ? (rx0 + rx1) / 2 : rx0 + 20 + (rx1 - rx0 - 40) * i / (nc - 1);
  };
  const int label_every = nc > 10 ? 2 : 1;
  for (int i = 0; i < nc; ++i) {
    const int x = rx(i);
    cv.Line(x, bottom, x, bottom + 5, kAxis, 2);
    if (i % label_every == 0 || i == nc - 1) {
      const std::string lab = std::to_string(r.cycle_means[i].cycle);
      cv.Text(x - Canvas::TextWidth(lab, 2) / 2, bottom + 10, lab, kGrey, 2);
    }
  }
  const char* xlabel = "FORUM CYCLE (MEAN OVER GAMES)";
  cv.Text((rx0 + rx1) / 2 - Canvas::TextWidth(xlabel, 1) / 2, bottom + 32, xlabel, kGrey, 1);
  struct Series {
    const char* name;
    Rgb colour;
    int thickness;
    double CycleRecord::*field;
  };
  const Series series[] = {{"NORMS", kNorms, 2, &CycleRecord::norms},
                           {"DECISION RULES", kRules, 2, &CycleRecord::rules},
                           {"PROCEDURES", kProcedures, 2, &CycleRecord::procedures},
                           {"TOTAL", kTotal, 4, &CycleRecord::regime}};
  for (const Series& s : series) {
    for (int i = 0; i < nc; ++i) {
      const int x = rx(i), y = ry(r.cycle_means[i].mean.*s.field);
      if (i > 0)
        cv.Line(rx(i - 1), ry(r.cycle_means[i - 1].mean.*s.field), x, y, s.colour, s.thickness);
      cv.FillRect(x - s.thickness, y - s.thickness, x + s.thickness, y + s.thickness, s.colour);
    }
  }
  // Legend: two rows of two.
  for (int i = 0; i < 4; ++i) {
    const Series& s = series[3 - i];
    const int x = 505 + (i % 2) * 200, y = leg + (i / 2) * 22;
    cv.Line(x, y + 6, x + 28, y + 6, s.colour, s.thickness);
    cv.Text(x + 36, y, s.name, kInk, 2, 1);
  }

  // Footer: the imbalances in a word.
  std::string roles_part, seats_part;
  for (const Imbalance& im : r.imbalances) {
    std::string& part = im.kind == "role" ? roles_part : seats_part;
    if (!part.empty()) part += ", ";
    part += im.name + (im.favoured ? " +" : " -");
  }
  std::string foot = "OUTSIDE FAIR SHARE (95% CI)  ROLES: " +
                     (roles_part.empty() ? std::string("NONE") : roles_part) +
                     "  SEATS: " + (seats_part.empty() ? std::string("NONE") : seats_part);
  const int max_chars = (W - 40) / 6;
  if (static_cast<int>(foot.size()) > max_chars) foot = foot.substr(0, max_chars - 3) + "...";
  cv.Text(20, H - 14, foot, r.imbalances.empty() ? kGrey : kFair, 1);
  return cv;
}

std::string BalanceChartPng(const Report& r) {
  return EncodePng(BalanceChart(r));
}

}  // namespace mf::tools
