// A tiny raster chart for the balance report: an RGB canvas with lines,
// rectangles and a built-in 5x7 bitmap font, encoded as PNG (zlib).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/balance.h"

namespace mf::tools {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);
  int width() const { return w_; }
  int height() const { return h_; }
  const std::vector<uint8_t>& pixels() const { return px_; }  // Rows of RGB triples.
  Rgb At(int x, int y) const;

  void Set(int x, int y, Rgb c);                         // Ignores points outside the canvas.
  void FillRect(int x0, int y0, int x1, int y1, Rgb c);  // Inclusive corners.
  void Line(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
  // A dashed line: `on` pixels drawn, `off` skipped, along the line.
  void DashedLine(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1, int on = 6,
                  int off = 4);
  // Text in the built-in font (letters are drawn in capitals), top-left at
  // (x, y); each font pixel is `scale` x `scale`; `gap` pixels between
  // letters (-1: one font pixel). Characters it lacks show as '?'.
  void Text(int x, int y, const std::string& s, Rgb c, int scale = 2, int gap = -1);
  static int TextWidth(const std::string& s, int scale = 2, int gap = -1);
  static int TextHeight(int scale = 2) { return 7 * scale; }

 private:
  int w_, h_;
  std::vector<uint8_t> px_;
};

// The canvas as a PNG file (8-bit RGB, zlib-compressed).
std::string EncodePng(const Canvas& canvas);

// The balance chart (900x500): per-role win rates with their 95% intervals
// against a dashed fair-share mark, and mean regime strength per cycle
// (total and its three parts).
Canvas BalanceChart(const Report& report);
std::string BalanceChartPng(const Report& report);

}  // namespace mf::tools
