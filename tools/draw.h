// Drawing for the tools' charts and printed matter, on Cairo: one document
// of pages (a PNG image, an SVG drawing or a PDF of several pages) with
// shapes and text in a real font (DejaVu Sans through fontconfig), measured
// before it is placed so that nothing is cut off. The balance chart
// (tools/chart.h) draws with it; so can anything that needs a PDF.
//
// Units: pixels in a PNG, points (1/72 inch) in SVG and PDF; y grows down.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mf::tools::draw {

enum class Format { kPng, kSvg, kPdf };

// The format a file's extension asks for (.png, .svg, .pdf); false with
// `error` for any other.
bool FormatOfPath(const std::string& path, Format* out, std::string* error);

struct Colour {
  double r = 0, g = 0, b = 0, a = 1;
};
// 0xRRGGBB.
Colour Rgb(uint32_t rgb, double alpha = 1);

struct Font {
  double size = 12;
  bool bold = false;
};

enum class Align { kLeft, kCentre, kRight };

// The font every document uses.
extern const char* const kFontFamily;

class Document {
 public:
  // A document of `width` x `height` pages; a PNG is drawn at `scale`
  // device pixels per unit (2 for a sharper image of the same layout).
  Document(Format format, double width, double height, double scale = 1);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  double width() const { return width_; }
  double height() const { return height_; }
  // The Cairo context, for what the helpers below do not cover.
  cairo_t* cr() { return cr_; }

  void Fill(Colour c);  // The whole page.
  void Rect(double x, double y, double w, double h, Colour fill);
  void Frame(double x, double y, double w, double h, Colour stroke, double line_width = 1);
  // A line; `dash` as on-off lengths (empty: solid).
  void Line(double x0, double y0, double x1, double y1, Colour c, double line_width = 1,
            const std::vector<double>& dash = {});
  // Joined segments through the points (x0, y0, x1, y1, ...).
  void Polyline(const std::vector<double>& xy, Colour c, double line_width = 1);
  void Dot(double x, double y, double radius, Colour fill);

  // Text with its top at `y` (not its baseline), aligned at `x`; returns
  // its width.
  double Text(double x, double y, const std::string& utf8, const Font& font, Colour c,
              Align align = Align::kLeft);
  double TextWidth(const std::string& utf8, const Font& font);
  // Height of a line of text (ascent + descent) at this size.
  double LineHeight(const Font& font);
  // `utf8` broken at spaces into lines no wider than `width` (a word wider
  // than that stays whole on its line).
  std::vector<std::string> Wrap(const std::string& utf8, const Font& font, double width);

  // Starts the next page (PDF; a PNG or SVG has one page).
  void NewPage();

  // The file's bytes; "" with `error` when Cairo reports a failure.
  std::string Finish(std::string* error);

 private:
  void SetFont(const Font& font);
  Format format_;
  double width_, height_;
  std::string out_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  bool finished_ = false;
};

}  // namespace mf::tools::draw
