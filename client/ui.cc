#include "client/ui.h"

#include <SFML/Graphics/Font.hpp>

#include <algorithm>
#include <cmath>

#include "client/style.h"

namespace mf::client {

// ---------------------------------------------------------------------------
// Rect and Input
// ---------------------------------------------------------------------------

Rect Rect::TakeTop(float height) {
  height = std::min(height, h);
  Rect out{x, y, w, height};
  y += height;
  h -= height;
  return out;
}
Rect Rect::TakeBottom(float height) {
  height = std::min(height, h);
  h -= height;
  return {x, y + h, w, height};
}
Rect Rect::TakeLeft(float width) {
  width = std::min(width, w);
  Rect out{x, y, width, h};
  x += width;
  w -= width;
  return out;
}
Rect Rect::TakeRight(float width) {
  width = std::min(width, w);
  w -= width;
  return {x + w, y, width, h};
}

bool Input::Handle(const sf::Event& e) {
  switch (e.type) {
    case sf::Event::MouseMoved:
      mouse = {static_cast<float>(e.mouseMove.x), static_cast<float>(e.mouseMove.y)};
      return true;
    case sf::Event::MouseButtonPressed:
      mouse = {static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)};
      if (e.mouseButton.button == sf::Mouse::Left) {
        pressed = true;
        down = true;
      }
      return true;
    case sf::Event::MouseButtonReleased:
      mouse = {static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)};
      if (e.mouseButton.button == sf::Mouse::Left) {
        released = true;
        down = false;
      }
      return true;
    case sf::Event::MouseWheelScrolled:
      wheel += e.mouseWheelScroll.delta;
      return true;
    case sf::Event::MouseLeft:
      mouse = {-1000, -1000};
      return true;
    case sf::Event::KeyPressed:
      keys.push_back(e.key.code);
      shift = e.key.shift;
      ctrl = e.key.control;
      return true;
    case sf::Event::KeyReleased:
      shift = e.key.shift;
      ctrl = e.key.control;
      return false;
    case sf::Event::TextEntered:
      typed.push_back(e.text.unicode);
      return true;
    default:
      return false;
  }
}

void Input::EndFrame() {
  pressed = released = false;
  wheel = 0;
  keys.clear();
  typed.clear();
}

sf::String FromUtf8(const std::string& s) {
  return sf::String::fromUtf8(s.begin(), s.end());
}

std::string ToUtf8(const sf::String& s) {
  std::basic_string<sf::Uint8> bytes = s.toUtf8();
  return std::string(bytes.begin(), bytes.end());
}

namespace {

std::string KeyName(sf::Keyboard::Key k) {
  if (k >= sf::Keyboard::A && k <= sf::Keyboard::Z)
    return std::string(1, static_cast<char>('A' + (k - sf::Keyboard::A)));
  if (k >= sf::Keyboard::Num0 && k <= sf::Keyboard::Num9)
    return std::string(1, static_cast<char>('0' + (k - sf::Keyboard::Num0)));
  if (k >= sf::Keyboard::F1 && k <= sf::Keyboard::F12)
    return "F" + std::to_string(1 + (k - sf::Keyboard::F1));
  switch (k) {
    case sf::Keyboard::Space:
      return "Space";
    case sf::Keyboard::Enter:
      return "Enter";
    case sf::Keyboard::Escape:
      return "Esc";
    case sf::Keyboard::Tab:
      return "Tab";
    case sf::Keyboard::Add:
    case sf::Keyboard::Equal:
      return "+";
    default:
      return "";
  }
}

size_t Utf8Length(const sf::String& s) {
  return s.toUtf8().size();
}

}  // namespace

// ---------------------------------------------------------------------------
// Ui
// ---------------------------------------------------------------------------

Ui::Ui(const Assets& assets, sf::RenderTarget& target, Input& input, WidgetMemory& memory,
       float scale, Regions* regions)
    : s(scale),
      assets_(assets),
      target_(target),
      input_(input),
      memory_(memory),
      regions_(regions) {}

unsigned Ui::FontPx(float design_size) const {
  return static_cast<unsigned>(std::max(8.0f, std::round(design_size * s)));
}

// ---------------------------------------------------------------------------
// Batching
// ---------------------------------------------------------------------------

namespace {
// Opaque shapes larger than this (pixels) leave a textured batch: sampling a
// texture costs far more per pixel than a plain fill on Mesa's software
// renderer, more than the extra draw call.
constexpr float kBigArea = 256;
}  // namespace

void Ui::Flush() {
  if (batch_.getVertexCount() > 0) {
    sf::RenderStates states(batch_blend_ ? sf::BlendAlpha : sf::BlendNone);
    states.texture = batch_texture_;
    target_.draw(batch_, states);
    ++draw_calls_;
  }
  batch_.clear();
}

void Ui::PrepareShape(sf::Color c, float area) {
  const bool opaque = c.a == 255;
  if (batch_texture_) {
    if (!(opaque && area > kBigArea)) return;  // Joins the textured batch (white texel).
    Flush();
    batch_texture_ = nullptr;
    batch_blend_ = false;
    return;
  }
  if (batch_.getVertexCount() == 0) {
    batch_blend_ = !opaque;
    return;
  }
  if ((!batch_blend_ && !opaque) || (batch_blend_ && opaque && area > kBigArea)) {
    Flush();
    batch_blend_ = !opaque;
  }
}

void Ui::PrepareTexture(const sf::Texture* texture) {
  if (batch_texture_ == texture && batch_blend_) return;
  Flush();
  batch_texture_ = texture;
  batch_blend_ = true;
  // Font pages keep a 2x2 white square at (0,0); the atlas a white cell.
  white_ = texture == &assets_.atlas() ? assets_.atlas_white() : sf::Vector2f(1, 1);
}

void Ui::Tri(sf::Vector2f a, sf::Vector2f b, sf::Vector2f c, sf::Color col) {
  batch_.append(sf::Vertex(a, col, white_));
  batch_.append(sf::Vertex(b, col, white_));
  batch_.append(sf::Vertex(c, col, white_));
}

namespace {

// The points of an ellipse: `n` of them, or by default as many as its size
// asks (16..128). An outline's inner and outer rings pass the same `n`.
std::vector<sf::Vector2f> EllipsePoints(sf::Vector2f c, float rx, float ry, int n = 0) {
  if (n <= 0) n = static_cast<int>(std::clamp(std::max(rx, ry) / 2.0f, 16.0f, 128.0f));
  std::vector<sf::Vector2f> pts;
  for (int i = 0; i < n; ++i) {
    const float a = static_cast<float>(2 * M_PI * i / n);
    pts.push_back({c.x + rx * std::cos(a), c.y + ry * std::sin(a)});
  }
  return pts;
}

}  // namespace

// ---------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------

// Geometry is made of axis-aligned rectangles wherever possible: Mesa's
// software rasterizer fills those several times faster than other triangles.
void Ui::RectFill(float x0, float y0, float x1, float y1, sf::Color c) {
  if (x1 <= x0 || y1 <= y0) return;
  Tri({x0, y0}, {x1, y0}, {x1, y1}, c);
  Tri({x0, y0}, {x1, y1}, {x0, y1}, c);
}

// A quarter ring (a quarter disc when r_in is 0) around a corner's centre,
// from angle a0 over a quarter turn.
void Ui::Corner(sf::Vector2f centre, float r_out, float r_in, float a0, sf::Color c) {
  const int k = r_out < 6 ? 2 : r_out < 14 ? 3 : 5;
  sf::Vector2f po, pi;
  for (int i = 0; i <= k; ++i) {
    const float a =
        a0 + static_cast<float>(M_PI / 2) * static_cast<float>(i) / static_cast<float>(k);
    const sf::Vector2f u(std::cos(a), std::sin(a));
    const sf::Vector2f o = centre + u * r_out, in = centre + u * r_in;
    if (i > 0) {
      Tri(po, o, in, c);
      if (r_in > 0) Tri(po, in, pi, c);
    }
    po = o, pi = in;
  }
}

void Ui::Box(Rect r, sf::Color fill, float radius, sf::Color outline, float thickness) {
  if (r.w <= 0 || r.h <= 0) return;
  const float t = thickness > 0 && outline.a > 0 ? std::min(thickness, std::min(r.w, r.h) / 2) : 0;
  radius = std::max(0.0f, std::min(radius, std::min(r.w, r.h) / 2));
  if (radius < 1) radius = 0;
  const float x0 = r.x, y0 = r.y, x1 = r.r(), y1 = r.b();
  const float quarter = static_cast<float>(M_PI / 2);
  if (fill.a > 0) {
    PrepareShape(fill, r.w * r.h);
    const float ri = std::max(0.0f, radius - t);
    const float a = x0 + t, b = y0 + t, c = x1 - t, d = y1 - t;
    if (ri <= 0) {
      RectFill(a, b, c, d, fill);
    } else {
      RectFill(a + ri, b, c - ri, d, fill);
      RectFill(a, b + ri, a + ri, d - ri, fill);
      RectFill(c - ri, b + ri, c, d - ri, fill);
      Corner({c - ri, b + ri}, ri, 0, -quarter, fill);
      Corner({c - ri, d - ri}, ri, 0, 0, fill);
      Corner({a + ri, d - ri}, ri, 0, quarter, fill);
      Corner({a + ri, b + ri}, ri, 0, 2 * quarter, fill);
    }
  }
  if (t > 0) {
    PrepareShape(outline, 0);
    const float q = std::max(radius, t);  // The straight edges stop where the corners start.
    RectFill(x0 + q, y0, x1 - q, y0 + t, outline);
    RectFill(x0 + q, y1 - t, x1 - q, y1, outline);
    RectFill(x0, y0 + q, x0 + t, y1 - q, outline);
    RectFill(x1 - t, y0 + q, x1, y1 - q, outline);
    if (radius <= 0) {
      RectFill(x0, y0, x0 + t, y0 + t, outline);
      RectFill(x1 - t, y0, x1, y0 + t, outline);
      RectFill(x0, y1 - t, x0 + t, y1, outline);
      RectFill(x1 - t, y1 - t, x1, y1, outline);
    } else {
      const float rin = std::max(0.0f, q - t);
      Corner({x1 - q, y0 + q}, q, rin, -quarter, outline);
      Corner({x1 - q, y1 - q}, q, rin, 0, outline);
      Corner({x0 + q, y1 - q}, q, rin, quarter, outline);
      Corner({x0 + q, y0 + q}, q, rin, 2 * quarter, outline);
    }
  }
}

void Ui::Line(sf::Vector2f a, sf::Vector2f b, float width, sf::Color c) {
  const sf::Vector2f d = b - a;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len <= 0) return;
  const sf::Vector2f n(-d.y / len * width / 2, d.x / len * width / 2);
  PrepareShape(c, len * width);
  Tri(a + n, b + n, b - n, c);
  Tri(a + n, b - n, a - n, c);
}

void Ui::Disc(sf::Vector2f centre, float radius, sf::Color fill, sf::Color outline,
              float thickness) {
  Ellipse(centre, radius, radius, fill, outline, thickness);
}

void Ui::Ellipse(sf::Vector2f centre, float rx, float ry, sf::Color fill, sf::Color outline,
                 float thickness) {
  if (rx <= 0 || ry <= 0) return;
  const float t = thickness > 0 && outline.a > 0 ? thickness : 0;
  const float area = static_cast<float>(M_PI) * rx * ry;
  // The fill reaches a pixel under the outline: no seam between the two.
  const float irx = std::max(0.0f, rx - t + (t > 0 ? 1.0f : 0.0f));
  const float iry = std::max(0.0f, ry - t + (t > 0 ? 1.0f : 0.0f));
  if (fill.a > 0 && irx > 0 && iry > 0) {
    PrepareShape(fill, area);
    if (std::min(irx, iry) < 24) {
      const std::vector<sf::Vector2f> pts = EllipsePoints(centre, irx, iry);
      for (size_t i = 0; i < pts.size(); ++i) Tri(centre, pts[i], pts[(i + 1) % pts.size()], fill);
    } else {
      // Horizontal bands: an axis-aligned rectangle each, and thin edge pieces.
      const int m = static_cast<int>(std::clamp(iry / 3, 8.0f, 96.0f));
      for (int k = 0; k < m; ++k) {
        const float a0 = static_cast<float>(-M_PI / 2 + M_PI * k / m);
        const float a1 = static_cast<float>(-M_PI / 2 + M_PI * (k + 1) / m);
        const float y0 = centre.y + iry * std::sin(a0), y1 = centre.y + iry * std::sin(a1);
        const float r0 = centre.x + irx * std::cos(a0), r1 = centre.x + irx * std::cos(a1);
        const float l0 = 2 * centre.x - r0, l1 = 2 * centre.x - r1;
        const float l = std::max(l0, l1), r = std::min(r0, r1);
        RectFill(l, y0, r, y1, fill);
        Tri({l0, y0}, {l, y0}, {l1, y1}, fill);
        Tri({l, y0}, {l, y1}, {l1, y1}, fill);
        Tri({r, y0}, {r0, y0}, {r1, y1}, fill);
        Tri({r, y0}, {r1, y1}, {r, y1}, fill);
      }
    }
  }
  if (t > 0) {
    const std::vector<sf::Vector2f> o = EllipsePoints(centre, rx, ry);
    // The inner ring has as many points as the outer one (a smaller ring
    // would have fewer, and in[j] would read past its end).
    const std::vector<sf::Vector2f> in = EllipsePoints(
        centre, std::max(0.0f, rx - t), std::max(0.0f, ry - t), static_cast<int>(o.size()));
    PrepareShape(outline, 0);
    for (size_t i = 0; i < o.size(); ++i) {
      const size_t j = (i + 1) % o.size();
      Tri(o[i], o[j], in[j], outline);
      Tri(o[i], in[j], in[i], outline);
    }
  }
}

void Ui::Arc(sf::Vector2f centre, float radius, float width, float a0, float a1, sf::Color c) {
  if (a1 <= a0) return;
  const int steps = std::max(4, static_cast<int>((a1 - a0) * radius / 4));
  PrepareShape(c, 0);
  sf::Vector2f po, pi;
  for (int k = 0; k <= steps; ++k) {
    const float a = a0 + (a1 - a0) * static_cast<float>(k) / static_cast<float>(steps);
    const sf::Vector2f u(std::cos(a), std::sin(a));
    const sf::Vector2f o = centre + u * (radius + width / 2), i = centre + u * (radius - width / 2);
    if (k > 0) {
      Tri(po, o, i, c);
      Tri(po, i, pi, c);
    }
    po = o, pi = i;
  }
}

void Ui::Triangle(sf::Vector2f a, sf::Vector2f b, sf::Vector2f c, sf::Color fill) {
  PrepareShape(fill, 0);
  Tri(a, b, c, fill);
}

void Ui::Icon(const std::string& name, Rect r, sf::Color tint) {
  sf::FloatRect uv;
  if (!assets_.AtlasRect(name, &uv)) {
    Disc(r.centre(), std::min(r.w, r.h) / 2, tint);
    return;
  }
  PrepareTexture(&assets_.atlas());
  const float x0 = std::round(r.x), y0 = std::round(r.y), x1 = x0 + r.w, y1 = y0 + r.h;
  const sf::Vertex v[4] = {{{x0, y0}, tint, {uv.left, uv.top}},
                           {{x1, y0}, tint, {uv.left + uv.width, uv.top}},
                           {{x1, y1}, tint, {uv.left + uv.width, uv.top + uv.height}},
                           {{x0, y1}, tint, {uv.left, uv.top + uv.height}}};
  for (int i : {0, 1, 2, 0, 2, 3}) batch_.append(v[i]);
}

float Ui::Measure(const std::string& utf8, float size, bool bold) const {
  const sf::String str = FromUtf8(utf8);
  const unsigned px = FontPx(size);
  const sf::Font& f = bold ? assets_.bold() : assets_.font();
  float w = 0;
  sf::Uint32 prev = 0;
  for (sf::Uint32 c : str) {
    w += f.getKerning(prev, c, px) + f.getGlyph(c, px, false).advance;
    prev = c;
  }
  return w;
}

float Ui::LineHeight(float size) const {
  return assets_.font().getLineSpacing(FontPx(size));
}

sf::String Ui::Fit(const sf::String& str, float size, float width, bool bold) const {
  const unsigned px = FontPx(size);
  const sf::Font& f = bold ? assets_.bold() : assets_.font();
  const float ellipsis = f.getGlyph(0x2026, px, false).advance;
  float w = 0;
  sf::Uint32 prev = 0;
  std::size_t fits = 0;  // Characters that fit together with the ellipsis.
  for (std::size_t i = 0; i < str.getSize(); ++i) {
    const sf::Uint32 c = str[i];
    w += f.getKerning(prev, c, px) + f.getGlyph(c, px, false).advance;
    prev = c;
    if (w + ellipsis <= width) fits = i + 1;
    if (w > width) {
      sf::String out = str.substring(0, fits);
      // No dangling space before the ellipsis.
      while (!out.isEmpty() && out[out.getSize() - 1] == ' ') out.erase(out.getSize() - 1);
      out += sf::String(static_cast<sf::Uint32>(0x2026));
      return out;
    }
  }
  return str;
}

float Ui::Text(const std::string& utf8, float x, float y, float size, sf::Color c, bool bold,
               Align align) {
  const sf::String str = FromUtf8(utf8);
  const unsigned px = FontPx(size);
  const sf::Font& font = bold ? assets_.bold() : assets_.font();
  // The glyphs first (they may grow the font's texture), then the quads.
  float w = 0;
  sf::Uint32 prev = 0;
  for (sf::Uint32 ch : str) {
    w += font.getKerning(prev, ch, px) + font.getGlyph(ch, px, false).advance;
    prev = ch;
  }
  float pen = x;
  if (align == Align::kCentre) pen = x - w / 2;
  if (align == Align::kRight) pen = x - w;
  pen = std::round(pen);
  const float base = std::round(y) + static_cast<float>(px);  // As sf::Text places the baseline.
  PrepareTexture(&font.getTexture(px));
  prev = 0;
  constexpr float kPad = 1;  // As sf::Text: one texel around each glyph.
  for (sf::Uint32 ch : str) {
    pen += font.getKerning(prev, ch, px);
    prev = ch;
    const sf::Glyph& g = font.getGlyph(ch, px, false);
    if (g.textureRect.width > 0 && g.textureRect.height > 0) {
      const float l = pen + static_cast<float>(g.bounds.left) - kPad;
      const float t = base + static_cast<float>(g.bounds.top) - kPad;
      const float r = l + static_cast<float>(g.bounds.width) + 2 * kPad;
      const float b = t + static_cast<float>(g.bounds.height) + 2 * kPad;
      const float u0 = static_cast<float>(g.textureRect.left) - kPad;
      const float v0 = static_cast<float>(g.textureRect.top) - kPad;
      const float u1 = static_cast<float>(g.textureRect.left + g.textureRect.width) + kPad;
      const float v1 = static_cast<float>(g.textureRect.top + g.textureRect.height) + kPad;
      const sf::Vertex q[4] = {{{l, t}, c, {u0, v0}},
                               {{r, t}, c, {u1, v0}},
                               {{r, b}, c, {u1, v1}},
                               {{l, b}, c, {u0, v1}}};
      for (int i : {0, 1, 2, 0, 2, 3}) batch_.append(q[i]);
    }
    pen += g.advance;
  }
  return w;
}

void Ui::TextIn(const std::string& utf8, Rect r, float size, sf::Color c, bool bold, Align align) {
  const sf::String fitted = Fit(FromUtf8(utf8), size, r.w, bold);
  const float px = static_cast<float>(FontPx(size));
  const float y = r.y + r.h / 2 - px * 0.62f;
  float x = r.x;
  if (align == Align::kCentre) x = r.x + r.w / 2;
  if (align == Align::kRight) x = r.r();
  Text(ToUtf8(fitted), x, y, size, c, bold, align);
}

std::vector<sf::String> Ui::Wrap(const sf::String& str, float size, float width, bool bold) const {
  std::vector<sf::String> lines;
  const unsigned px = FontPx(size);
  const sf::Font& f = bold ? assets_.bold() : assets_.font();
  auto adv = [&](sf::Uint32 c) { return f.getGlyph(c, px, false).advance; };
  const float space = adv(' ');
  sf::String line;
  float line_w = 0;
  std::size_t i = 0;
  const std::size_t n = str.getSize();
  while (i <= n) {
    if (i == n || str[i] == '\n') {
      lines.push_back(line);
      line.clear();
      line_w = 0;
      ++i;
      if (i > n) break;
      continue;
    }
    if (str[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t j = i;
    float word_w = 0;
    while (j < n && str[j] != ' ' && str[j] != '\n') word_w += adv(str[j++]);
    sf::String word = str.substring(i, j - i);
    const float need = line.isEmpty() ? word_w : line_w + space + word_w;
    if (need <= width || line.isEmpty()) {
      if (!line.isEmpty()) line += ' ';
      // A word wider than the line is cut at the character that overflows.
      if (word_w > width) {
        float w = line_w;
        for (sf::Uint32 c : word) {
          if (w + adv(c) > width && !line.isEmpty()) {
            lines.push_back(line);
            line.clear();
            w = 0;
          }
          line += c;
          w += adv(c);
        }
        line_w = w;
      } else {
        line += word;
        line_w = need;
      }
    } else {
      lines.push_back(line);
      line = word;
      line_w = word_w;
    }
    i = j;
  }
  while (lines.size() > 1 && lines.back().isEmpty()) lines.pop_back();
  return lines;
}

float Ui::Paragraph(const std::string& utf8, Rect r, float size, sf::Color c, bool bold,
                    int max_lines, bool draw) {
  std::vector<sf::String> lines = Wrap(FromUtf8(utf8), size, r.w, bold);
  const float lh = LineHeight(size);
  if (max_lines <= 0 && r.h > 0) max_lines = std::max(1, static_cast<int>(r.h / lh));
  if (max_lines > 0 && static_cast<int>(lines.size()) > max_lines) {
    lines.resize(static_cast<size_t>(max_lines));
    sf::String& last = lines.back();
    last = Fit(last + sf::String(" \u2026"), size, r.w, bold);
    if (last.getSize() == 0 || last[last.getSize() - 1] != 0x2026)
      last += sf::String(static_cast<sf::Uint32>(0x2026));
  }
  if (draw)
    for (size_t k = 0; k < lines.size(); ++k)
      Text(ToUtf8(lines[k]), r.x, r.y + lh * static_cast<float>(k), size, c, bold);
  return lh * static_cast<float>(lines.size());
}

bool Ui::Clicked(Rect r) {
  if (!input_.pressed || !r.Contains(input_.mouse)) return false;
  input_.pressed = false;  // Consumed.
  return true;
}

bool Ui::Key(sf::Keyboard::Key k) {
  if (!memory_.focus.empty()) return false;
  auto it = std::find(input_.keys.begin(), input_.keys.end(), k);
  if (it == input_.keys.end()) return false;
  input_.keys.erase(it);
  return true;
}

bool Ui::Button(Rect r, const std::string& label, ButtonKind kind, const std::string& why_not,
                sf::Keyboard::Key key, const std::string& tip) {
  const bool enabled = why_not.empty();
  const bool hover = Hover(r);
  sf::Color fill = colour::kPanel, text = colour::kText, border = colour::kBorder;
  switch (kind) {
    case ButtonKind::kPrimary:
      fill = colour::kAccent, text = sf::Color::White, border = colour::kAccentDark;
      break;
    case ButtonKind::kGood:
      fill = colour::kGood, text = sf::Color::White,
      border = Mix(colour::kGood, sf::Color::Black, 0.2f);
      break;
    case ButtonKind::kDanger:
      fill = colour::kBad, text = sf::Color::White,
      border = Mix(colour::kBad, sf::Color::Black, 0.2f);
      break;
    case ButtonKind::kSelected:
      fill = Mix(colour::kAccent, sf::Color::White, 0.82f), text = colour::kAccentDark,
      border = colour::kAccent;
      break;
    case ButtonKind::kQuiet:
      fill = sf::Color::Transparent, text = colour::kAccentDark, border = sf::Color::Transparent;
      break;
    case ButtonKind::kNormal:
      break;
  }
  if (!enabled) {
    fill = colour::kDisabled, text = colour::kDisabledText, border = colour::kDisabled;
  } else if (hover) {
    fill = kind == ButtonKind::kNormal || kind == ButtonKind::kQuiet
               ? Mix(colour::kAccent, sf::Color::White, 0.9f)
               : Mix(fill, sf::Color::Black, 0.12f);
  }
  Box(r, fill, P(6), border, kind == ButtonKind::kSelected ? P(2) : P(1));
  const float size = std::min(14.5f, r.h / s * 0.46f);
  const std::string key_label = key == sf::Keyboard::Unknown ? "" : KeyName(key);
  Rect label_rect = r.Inset(std::min(P(8), r.w * 0.12f), 0);
  if (!key_label.empty() && Measure(label, size) + Measure(key_label, size * 0.8f) + P(24) < r.w) {
    const float kw = Measure(key_label, size * 0.8f) + P(8);
    Rect k = label_rect.TakeRight(kw);
    Rect cap{k.x, r.y + r.h / 2 - P(9), kw, P(18)};
    Box(cap, sf::Color(0, 0, 0, 0), P(3), WithAlpha(text, 120), P(1));
    TextIn(key_label, cap, size * 0.8f, WithAlpha(text, 200), false, Align::kCentre);
  }
  TextIn(label, label_rect, size, text, kind != ButtonKind::kQuiet, Align::kCentre);
  if (hover && !enabled)
    Tip(why_not);
  else if (hover && !tip.empty())
    Tip(tip);
  if (!enabled) {
    if (hover) Clicked(r);  // Swallow the click.
    return false;
  }
  const bool by_key = key != sf::Keyboard::Unknown && Key(key);
  return Clicked(r) || by_key;
}

bool Ui::Slider(const std::string& id, Rect r, int* value, int lo, int hi, sf::Color fill,
                const std::string& why_not) {
  const bool enabled = why_not.empty();
  Mark("slider." + id, r);
  const float track_h = P(6);
  Rect track{r.x + P(8), r.y + r.h / 2 - track_h / 2, r.w - P(16), track_h};
  const int old = *value;
  if (enabled) {
    if (input_.pressed && r.Contains(input_.mouse)) {
      memory_.drag = id;
      input_.pressed = false;
    }
    if (memory_.drag == id) {
      const float t = std::clamp((input_.mouse.x - track.x) / track.w, 0.0f, 1.0f);
      *value = lo + static_cast<int>(std::lround(t * static_cast<float>(hi - lo)));
      if (!input_.down) memory_.drag.clear();
    }
    if (Hover(r) && memory_.focus.empty()) {
      const int step = input_.shift ? 10 : 1;
      if (Key(sf::Keyboard::Left)) *value -= step;
      if (Key(sf::Keyboard::Right)) *value += step;
    }
    *value = std::clamp(*value, lo, hi);
  }
  const float t = hi > lo ? static_cast<float>(*value - lo) / static_cast<float>(hi - lo) : 0;
  Box(track, colour::kDisabled, track_h / 2);
  Rect done = track;
  done.w = track.w * t;
  Box(done, enabled ? fill : colour::kDisabledText, track_h / 2);
  const sf::Vector2f knob(track.x + track.w * t, track.y + track_h / 2);
  Disc(knob, P(9), enabled ? sf::Color::White : colour::kDisabled,
       enabled ? fill : colour::kDisabledText, P(3));
  if (!enabled && Hover(r)) Tip(why_not);
  return *value != old;
}

bool Ui::Field(const std::string& id, Rect r, sf::String* text, const std::string& placeholder,
               size_t max_bytes) {
  bool focused = memory_.focus == id;
  Mark("field." + id, r);
  if (input_.pressed) {
    if (r.Contains(input_.mouse)) {
      memory_.focus = id;
      focused = true;
      input_.pressed = false;
    } else if (focused) {
      memory_.focus.clear();
      focused = false;
    }
  }
  bool submitted = false;
  if (focused) {
    for (sf::Uint32 c : input_.typed) {
      if (c == 8) {
        if (!text->isEmpty()) text->erase(text->getSize() - 1);
      } else if (c == 13 || c == 10) {
        submitted = true;
      } else if (c == 27) {
        memory_.focus.clear();
      } else if (c >= 32 && c != 127) {
        sf::String next = *text + sf::String(c);
        if (Utf8Length(next) <= max_bytes) *text = next;
      }
    }
    input_.typed.clear();
    // Enter and Escape also arrive as key presses: they belong to the field.
    input_.keys.erase(std::remove_if(input_.keys.begin(), input_.keys.end(),
                                     [](sf::Keyboard::Key k) {
                                       return k == sf::Keyboard::Enter || k == sf::Keyboard::Escape;
                                     }),
                      input_.keys.end());
  }
  Box(r, sf::Color::White, P(5), focused ? colour::kAccent : colour::kBorder,
      focused ? P(2) : P(1));
  const float size = std::min(15.0f, r.h / s * 0.5f);
  Rect inner = r.Inset(P(8), 0);
  if (text->isEmpty()) {
    TextIn(placeholder, inner, size, colour::kFaint);
    if (focused) Box({inner.x, r.y + P(6), P(2), r.h - P(12)}, colour::kAccent);
  } else {
    // Show the end of the text when it is longer than the field.
    sf::String shown = *text;
    while (shown.getSize() > 1 && Measure(ToUtf8(shown), size) > inner.w - P(6)) shown.erase(0);
    TextIn(ToUtf8(shown), inner, size, colour::kText);
    if (focused) {
      const float w = Measure(ToUtf8(shown), size);
      Box({inner.x + w + P(1), r.y + P(6), P(2), r.h - P(12)}, colour::kAccent);
    }
  }
  return submitted;
}

void Ui::Tip(const std::string& text) {
  tip_ = text;
}

void Ui::Mark(const std::string& name, Rect r) {
  if (regions_) (*regions_)[name] = r;
}

void Ui::Finish() {
  if (tip_.empty()) {
    Flush();
    return;
  }
  const float size = 13;
  const float max_w = P(340);
  const float text_w = std::min(max_w, Measure(tip_, size) + P(2));
  std::vector<sf::String> lines = Wrap(FromUtf8(tip_), size, text_w, false);
  const float lh = LineHeight(size);
  Rect box{input_.mouse.x + P(14), input_.mouse.y + P(18), text_w + P(20),
           lh * static_cast<float>(lines.size()) + P(14)};
  const sf::Vector2f view = target_.getView().getSize();
  if (box.r() > view.x - P(4)) box.x = view.x - P(4) - box.w;
  if (box.b() > view.y - P(4)) box.y = input_.mouse.y - P(8) - box.h;
  Box({box.x + P(2), box.y + P(3), box.w, box.h}, sf::Color(0, 0, 0, 50), P(6));
  Box(box, sf::Color(40, 44, 52), P(6));
  for (size_t k = 0; k < lines.size(); ++k)
    Text(ToUtf8(lines[k]), box.x + P(10), box.y + P(6) + lh * static_cast<float>(k), size,
         sf::Color::White);
  tip_.clear();
  Flush();
}

}  // namespace mf::client
