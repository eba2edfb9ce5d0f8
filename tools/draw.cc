#include "tools/draw.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mf::tools::draw {
namespace {

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void SetColour(cairo_t* cr, Colour c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const char* const kFontFamily = "DejaVu Sans";

bool FormatOfPath(const std::string& path, Format* out, std::string* error) {
  const size_t dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : Lower(path.substr(dot));
  if (ext == ".png") {
    *out = Format::kPng;
  } else if (ext == ".svg") {
    *out = Format::kSvg;
  } else if (ext == ".pdf") {
    *out = Format::kPdf;
  } else {
    *error = path + ": the file name must end in .png, .svg or .pdf (the format to write)";
    return false;
  }
  return true;
}

Colour Rgb(uint32_t rgb, double alpha) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0, alpha};
}

Document::Document(Format format, double width, double height, double scale)
    : format_(format), width_(width), height_(height) {
  switch (format) {
    case Format::kPng:
      surface_ =
          cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(std::ceil(width * scale)),
                                     static_cast<int>(std::ceil(height * scale)));
      break;
    case Format::kSvg:
      surface_ = cairo_svg_surface_create_for_stream(Append, &out_, width, height);
      break;
    case Format::kPdf:
      surface_ = cairo_pdf_surface_create_for_stream(Append, &out_, width, height);
      break;
  }
  cr_ = cairo_create(surface_);
  if (format == Format::kPng) cairo_scale(cr_, scale, scale);
  // Metrics unhinted: text measures the same in every format and at every
  // scale, so a layout made once fits each.
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr_, fo);
  cairo_font_options_destroy(fo);
  cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
}

Document::~Document() {
  cairo_destroy(cr_);
  if (!finished_) cairo_surface_finish(surface_);
  cairo_surface_destroy(surface_);
}

void Document::Fill(Colour c) {
  SetColour(cr_, c);
  cairo_paint(cr_);
}

void Document::Rect(double x, double y, double w, double h, Colour fill) {
  SetColour(cr_, fill);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_fill(cr_);
}

void Document::Frame(double x, double y, double w, double h, Colour stroke, double line_width) {
  SetColour(cr_, stroke);
  cairo_set_line_width(cr_, line_width);
  cairo_set_dash(cr_, nullptr, 0, 0);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_stroke(cr_);
}

void Document::Line(double x0, double y0, double x1, double y1, Colour c, double line_width,
                    const std::vector<double>& dash) {
  SetColour(cr_, c);
  cairo_set_line_width(cr_, line_width);
  cairo_set_dash(cr_, dash.empty() ? nullptr : dash.data(), static_cast<int>(dash.size()), 0);
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
  cairo_set_dash(cr_, nullptr, 0, 0);
}

void Document::Polyline(const std::vector<double>& xy, Colour c, double line_width) {
  if (xy.size() < 4) return;
  SetColour(cr_, c);
  cairo_set_line_width(cr_, line_width);
  cairo_set_dash(cr_, nullptr, 0, 0);
  cairo_move_to(cr_, xy[0], xy[1]);
  for (size_t i = 2; i + 1 < xy.size(); i += 2) cairo_line_to(cr_, xy[i], xy[i + 1]);
  cairo_stroke(cr_);
}

void Document::Dot(double x, double y, double radius, Colour fill) {
  SetColour(cr_, fill);
  cairo_new_sub_path(cr_);
  cairo_arc(cr_, x, y, radius, 0, 2 * M_PI);
  cairo_fill(cr_);
}

void Document::SetFont(const Font& font) {
  cairo_select_font_face(cr_, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, font.size);
}

double Document::TextWidth(const std::string& utf8, const Font& font) {
  SetFont(font);
  cairo_text_extents_t e;
  cairo_text_extents(cr_, utf8.c_str(), &e);
  return e.x_advance;
}

double Document::LineHeight(const Font& font) {
  SetFont(font);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  return fe.ascent + fe.descent;
}

double Document::Text(double x, double y, const std::string& utf8, const Font& font, Colour c,
                      Align align) {
  SetFont(font);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  cairo_text_extents_t e;
  cairo_text_extents(cr_, utf8.c_str(), &e);
  const double left = align == Align::kLeft     ? x
                      : align == Align::kCentre ? x - e.x_advance / 2
                                                : x - e.x_advance;
  SetColour(cr_, c);
  cairo_move_to(cr_, left, y + fe.ascent);
  cairo_show_text(cr_, utf8.c_str());
  cairo_new_path(cr_);
  return e.x_advance;
}

std::vector<std::string> Document::Wrap(const std::string& utf8, const Font& font, double width) {
  std::vector<std::string> lines;
  std::string line;
  size_t start = 0;
  while (start <= utf8.size()) {
    size_t space = utf8.find(' ', start);
    if (space == std::string::npos) space = utf8.size();
    const std::string word = utf8.substr(start, space - start);
    start = space + 1;
    if (word.empty()) continue;
    const std::string longer = line.empty() ? word : line + " " + word;
    if (!line.empty() && TextWidth(longer, font) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = longer;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void Document::NewPage() {
  if (format_ == Format::kPdf) cairo_show_page(cr_);
}

std::string Document::Finish(std::string* error) {
  if (finished_) {
    *error = "the document was already written";
    return "";
  }
  finished_ = true;
  cairo_status_t st = cairo_status(cr_);
  if (st == CAIRO_STATUS_SUCCESS && format_ == Format::kPng) {
    cairo_surface_flush(surface_);
    st = cairo_surface_write_to_png_stream(surface_, Append, &out_);
  }
  cairo_surface_finish(surface_);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface_);
  if (st != CAIRO_STATUS_SUCCESS) {
    *error = std::string("drawing failed: ") + cairo_status_to_string(st);
    return "";
  }
  return std::move(out_);
}

}  // namespace mf::tools::draw
