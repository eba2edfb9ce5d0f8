// A small immediate-mode UI over SFML: every frame the scenes describe what
// is on screen (boxes, text, buttons, sliders, fields) and get back what the
// user did with it. Layout is written at the design resolution (1280x720)
// and scaled by `s`, with fonts rendered at their final pixel size so text
// stays sharp at 1920x1080 and on a projector.
#pragma once

#include <SFML/Graphics/RenderTarget.hpp>
#include <SFML/Graphics/VertexArray.hpp>
#include <SFML/Window/Event.hpp>

#include <map>
#include <string>
#include <vector>

#include "client/assets.h"

namespace mf::client {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;

  float r() const { return x + w; }
  float b() const { return y + h; }
  sf::Vector2f centre() const { return {x + w / 2, y + h / 2}; }
  bool Contains(sf::Vector2f p) const { return p.x >= x && p.x < x + w && p.y >= y && p.y < y + h; }
  Rect Inset(float d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
  Rect Inset(float dx, float dy) const { return {x + dx, y + dy, w - 2 * dx, h - 2 * dy}; }
  // Cuts a slice off one side and returns it; this rect keeps the rest.
  Rect TakeTop(float height);
  Rect TakeBottom(float height);
  Rect TakeLeft(float width);
  Rect TakeRight(float width);
};

// What the user did since the last frame.
struct Input {
  sf::Vector2f mouse{-1000, -1000};
  bool down = false;      // Left button held.
  bool pressed = false;   // Left button went down this frame.
  bool released = false;  // Left button went up this frame.
  float wheel = 0;
  bool shift = false, ctrl = false;
  std::vector<sf::Keyboard::Key> keys;  // Keys pressed this frame.
  std::vector<sf::Uint32> typed;        // Characters typed this frame.

  // Folds one window event in; returns true when it may change the picture.
  bool Handle(const sf::Event& e);
  void EndFrame();
  bool Empty() const {
    return !pressed && !released && wheel == 0 && keys.empty() && typed.empty();
  }
};

// Widget state that lives across frames.
struct WidgetMemory {
  std::string focus;  // The text field being typed in.
  std::string drag;   // The slider being dragged.
  std::map<std::string, float> scroll;
};

enum class Align { kLeft, kCentre, kRight };
enum class ButtonKind { kNormal, kPrimary, kGood, kDanger, kSelected, kQuiet };

// Where named parts of the picture were drawn (for the tests' pixel checks).
using Regions = std::map<std::string, Rect>;

class Ui {
 public:
  Ui(const Assets& assets, sf::RenderTarget& target, Input& input, WidgetMemory& memory,
     float scale, Regions* regions);

  const float s;  // Design pixels to screen pixels.
  float P(float design) const { return design * s; }
  unsigned FontPx(float design_size) const;
  // The render target, for drawing outside the Ui (flushes what is batched).
  sf::RenderTarget& target() {
    Flush();
    return target_;
  }
  const Assets& assets() const { return assets_; }
  Input& input() { return input_; }
  WidgetMemory& memory() { return memory_; }

  // --- Drawing -------------------------------------------------------------
  void Box(Rect r, sf::Color fill, float radius = 0, sf::Color outline = sf::Color::Transparent,
           float thickness = 0);
  void Line(sf::Vector2f a, sf::Vector2f b, float width, sf::Color c);
  void Disc(sf::Vector2f centre, float radius, sf::Color fill,
            sf::Color outline = sf::Color::Transparent, float thickness = 0);
  // An arc of a ring from angle a0 to a1 (radians, 0 = right, clockwise on screen).
  void Arc(sf::Vector2f centre, float radius, float width, float a0, float a1, sf::Color c);
  void Triangle(sf::Vector2f a, sf::Vector2f b, sf::Vector2f c, sf::Color fill);
  void Ellipse(sf::Vector2f centre, float rx, float ry, sf::Color fill,
               sf::Color outline = sf::Color::Transparent, float thickness = 0);
  // Icon texture tinted by `tint`; a plain disc when the icon is missing.
  void Icon(const std::string& name, Rect r, sf::Color tint = sf::Color::White);

  // One line of UTF-8 text whose line box starts at (x, y). `size` is in
  // design pixels. Returns the width drawn.
  float Text(const std::string& utf8, float x, float y, float size, sf::Color c, bool bold = false,
             Align align = Align::kLeft);
  // One line centred vertically in `r` (clipped with an ellipsis).
  void TextIn(const std::string& utf8, Rect r, float size, sf::Color c, bool bold = false,
              Align align = Align::kLeft);
  float Measure(const std::string& utf8, float size, bool bold = false) const;
  float LineHeight(float size) const;
  // Shortens text with "…" so that it fits `width`.
  sf::String Fit(const sf::String& s, float size, float width, bool bold = false) const;
  // Word-wrapped text in `r` (height ignored unless max_lines is 0 and it
  // overflows: lines beyond r.h are not drawn). Returns the height used.
  float Paragraph(const std::string& utf8, Rect r, float size, sf::Color c, bool bold = false,
                  int max_lines = 0, bool draw = true);
  std::vector<sf::String> Wrap(const sf::String& s, float size, float width, bool bold) const;

  // --- Interaction ---------------------------------------------------------
  bool Hover(Rect r) const { return r.Contains(input_.mouse); }
  // A left click inside r this frame (consumed: one widget gets it).
  bool Clicked(Rect r);
  // A shortcut key this frame, unless a text field has the keyboard.
  bool Key(sf::Keyboard::Key k);
  // A button. When `why_not` is not empty the button is greyed out and
  // hovering it shows the reason. `key` is its keyboard shortcut.
  bool Button(Rect r, const std::string& label, ButtonKind kind = ButtonKind::kNormal,
              const std::string& why_not = "", sf::Keyboard::Key key = sf::Keyboard::Unknown,
              const std::string& tip = "");
  // An integer slider; returns true when the value changed.
  bool Slider(const std::string& id, Rect r, int* value, int lo, int hi, sf::Color fill,
              const std::string& why_not = "");
  // A one-line text field; returns true when Enter was pressed in it.
  bool Field(const std::string& id, Rect r, sf::String* text, const std::string& placeholder,
             size_t max_bytes);
  // A tooltip drawn at the end of the frame near the mouse.
  void Tip(const std::string& text);
  void Mark(const std::string& name, Rect r);
  // Draws what is deferred (the tooltip) and what is batched.
  void Finish();
  // Sends the batched geometry to the target.
  void Flush();
  int draw_calls() const { return draw_calls_; }

 private:
  // Geometry is batched: consecutive shapes, glyphs and icons that share a
  // texture go out in one draw call. Shapes join a textured batch through a
  // white texel (font pages have one at (1,1); the icon atlas has a white
  // cell), so text, icons and boxes interleave without breaking the batch.
  // Opaque shapes (but tiny ones) go out untextured and without blending,
  // which is much cheaper per pixel on a software renderer.
  void PrepareShape(sf::Color c, float area);
  void PrepareTexture(const sf::Texture* texture);
  void Tri(sf::Vector2f a, sf::Vector2f b, sf::Vector2f c, sf::Color col);
  void RectFill(float x0, float y0, float x1, float y1, sf::Color c);
  void Corner(sf::Vector2f centre, float r_out, float r_in, float a0, sf::Color c);
  sf::VertexArray batch_{sf::Triangles};
  const sf::Texture* batch_texture_ = nullptr;
  sf::Vector2f white_;
  bool batch_blend_ = true;
  int draw_calls_ = 0;

  const Assets& assets_;
  sf::RenderTarget& target_;
  Input& input_;
  WidgetMemory& memory_;
  Regions* regions_;
  std::string tip_;
};

// UTF-8 <-> SFML strings.
sf::String FromUtf8(const std::string& s);
std::string ToUtf8(const sf::String& s);

}  // namespace mf::client
