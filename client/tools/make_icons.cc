// Draws the client's role badges and icons procedurally and writes them as
// PNGs (assets/icons/). Every shape is made here for this project from
// circles, polygons and strokes, supersampled 4x4 per pixel; run
// `forum-client-icons OUT_DIR` to regenerate. `forum-client-icons --app-icon
// SIZE FILE` draws the application icon alone at SIZE pixels (the desktop
// entry's icons, cmake/Packaging.cmake). Needs no display: sf::Image is plain
// memory.
#include <SFML/Graphics/Image.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

struct Vec {
  double x, y;
};
using Shape = std::function<bool(double, double)>;  // Inside test in [0,1]^2.

constexpr unsigned kSize = 64;  // The icons in assets/icons.
constexpr int kSuper = 4;

Shape Circle(double cx, double cy, double r) {
  return [=](double x, double y) { return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r; };
}
Shape Ring(double cx, double cy, double r, double w) {
  return [=](double x, double y) {
    const double d = std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
    return d <= r + w / 2 && d >= r - w / 2;
  };
}
Shape Box(double x0, double y0, double x1, double y1, double radius = 0) {
  return [=](double x, double y) {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const double cx = std::min(std::max(x, x0 + radius), x1 - radius);
    const double cy = std::min(std::max(y, y0 + radius), y1 - radius);
    return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius + 1e-12;
  };
}
// Even-odd fill of a polygon.
Shape Poly(std::vector<Vec> p) {
  return [p](double x, double y) {
    bool in = false;
    for (size_t i = 0, j = p.size() - 1; i < p.size(); j = i++) {
      if ((p[i].y > y) != (p[j].y > y) &&
          x < (p[j].x - p[i].x) * (y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
        in = !in;
    }
    return in;
  };
}
// A thick segment with round caps.
Shape Stroke(Vec a, Vec b, double w) {
  return [=](double x, double y) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    double t = ((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy);
    t = std::min(1.0, std::max(0.0, t));
    const double px = a.x + t * dx - x, py = a.y + t * dy - y;
    return px * px + py * py <= w * w / 4;
  };
}
Shape Union(std::vector<Shape> parts) {
  return [parts](double x, double y) {
    for (const Shape& s : parts)
      if (s(x, y)) return true;
    return false;
  };
}
Shape Minus(Shape a, Shape b) {
  return [a, b](double x, double y) { return a(x, y) && !b(x, y); };
}

// One layer: a shape painted in a colour over what is below.
struct Layer {
  Shape shape;
  sf::Color colour;
};

sf::Image Render(const std::vector<Layer>& layers, unsigned size = kSize) {
  sf::Image img;
  img.create(size, size, sf::Color::Transparent);
  for (unsigned py = 0; py < size; ++py)
    for (unsigned px = 0; px < size; ++px) {
      double r = 0, g = 0, b = 0, a = 0;  // Premultiplied sums.
      for (int sy = 0; sy < kSuper; ++sy)
        for (int sx = 0; sx < kSuper; ++sx) {
          const double x = (px + (sx + 0.5) / kSuper) / size;
          const double y = (py + (sy + 0.5) / kSuper) / size;
          double cr = 0, cg = 0, cb = 0, ca = 0;
          for (const Layer& l : layers) {
            if (!l.shape(x, y)) continue;
            const double la = l.colour.a / 255.0;
            cr = l.colour.r / 255.0 * la + cr * (1 - la);
            cg = l.colour.g / 255.0 * la + cg * (1 - la);
            cb = l.colour.b / 255.0 * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr, g += cg, b += cb, a += ca;
        }
      const double n = kSuper * kSuper;
      a /= n;
      if (a <= 0) continue;
      auto c8 = [&](double v) {
        return static_cast<sf::Uint8>(std::lround(std::min(1.0, v / n / a) * 255));
      };
      img.setPixel(px, py,
                   sf::Color(c8(r), c8(g), c8(b), static_cast<sf::Uint8>(std::lround(a * 255))));
    }
  return img;
}

const sf::Color kWhite(255, 255, 255);
// Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
const sf::Color kSource(230, 159, 0);
const sf::Color kTransit(204, 121, 167);
const sf::Color kDestination(0, 114, 178);

// Source: an arrow leaving home (up and out).
Shape SourceGlyph() {
  return Union({Stroke({0.32, 0.68}, {0.66, 0.34}, 0.11),
                Poly({{0.50, 0.28}, {0.74, 0.26}, {0.72, 0.50}}),
                Stroke({0.28, 0.74}, {0.50, 0.74}, 0.08)});
}
// Transit: a double chevron (passing through).
Shape TransitGlyph() {
  auto chevron = [](double x) {
    return Union(
        {Stroke({x, 0.32}, {x + 0.16, 0.50}, 0.10), Stroke({x + 0.16, 0.50}, {x, 0.68}, 0.10)});
  };
  return Union({chevron(0.28), chevron(0.48)});
}
// Destination: a house.
Shape DestinationGlyph() {
  return Union({Poly({{0.50, 0.24}, {0.76, 0.48}, {0.24, 0.48}}),
                Minus(Box(0.32, 0.46, 0.68, 0.74), Box(0.45, 0.58, 0.55, 0.74))});
}

std::vector<Layer> Badge(sf::Color fill, Shape glyph) {
  return {{Circle(0.5, 0.5, 0.48), kWhite}, {Circle(0.5, 0.5, 0.44), fill}, {glyph, kWhite}};
}

Shape Check() {
  return Union(
      {Stroke({0.18, 0.52}, {0.40, 0.74}, 0.14), Stroke({0.40, 0.74}, {0.82, 0.28}, 0.14)});
}
Shape Robot() {
  return Union({Minus(Box(0.20, 0.30, 0.80, 0.80, 0.10),
                      Union({Circle(0.38, 0.50, 0.07), Circle(0.62, 0.50, 0.07),
                             Box(0.36, 0.64, 0.64, 0.70)})),
                Stroke({0.5, 0.30}, {0.5, 0.16}, 0.06), Circle(0.5, 0.13, 0.06),
                Box(0.10, 0.45, 0.18, 0.65, 0.02), Box(0.82, 0.45, 0.90, 0.65, 0.02)});
}
Shape Crown() {
  return Union({Poly({{0.14, 0.30},
                      {0.34, 0.52},
                      {0.50, 0.22},
                      {0.66, 0.52},
                      {0.86, 0.30},
                      {0.78, 0.72},
                      {0.22, 0.72}}),
                Box(0.22, 0.76, 0.78, 0.84, 0.02), Circle(0.14, 0.28, 0.05),
                Circle(0.50, 0.20, 0.05), Circle(0.86, 0.28, 0.05)});
}
Shape Star() {
  std::vector<Vec> p;
  for (int k = 0; k < 10; ++k) {
    const double r = (k % 2 == 0) ? 0.44 : 0.19;
    const double a = -M_PI / 2 + k * M_PI / 5;
    p.push_back({0.5 + r * std::cos(a), 0.53 + r * std::sin(a)});
  }
  return Poly(p);
}
Shape Clock() {
  return Union({Ring(0.5, 0.5, 0.36, 0.09), Stroke({0.5, 0.5}, {0.5, 0.26}, 0.08),
                Stroke({0.5, 0.5}, {0.68, 0.58}, 0.08)});
}
Shape Pause() {
  return Union({Box(0.26, 0.2, 0.42, 0.8, 0.03), Box(0.58, 0.2, 0.74, 0.8, 0.03)});
}
Shape Deal() {
  return Union(
      {Stroke({0.18, 0.38}, {0.74, 0.38}, 0.09), Poly({{0.70, 0.24}, {0.88, 0.38}, {0.70, 0.52}}),
       Stroke({0.82, 0.64}, {0.26, 0.64}, 0.09), Poly({{0.30, 0.50}, {0.12, 0.64}, {0.30, 0.78}})});
}
Shape Chat() {
  return Union(
      {Box(0.12, 0.18, 0.88, 0.66, 0.12), Poly({{0.26, 0.62}, {0.44, 0.62}, {0.22, 0.86}})});
}
Shape Lock() {
  return Union({Box(0.22, 0.44, 0.78, 0.86, 0.06),
                Minus(Ring(0.5, 0.40, 0.18, 0.09), Box(0.0, 0.42, 1.0, 1.0))});
}
Shape Plug() {  // Connection.
  return Union({Box(0.30, 0.30, 0.70, 0.58, 0.06), Stroke({0.40, 0.30}, {0.40, 0.14}, 0.07),
                Stroke({0.60, 0.30}, {0.60, 0.14}, 0.07), Stroke({0.5, 0.58}, {0.5, 0.86}, 0.08)});
}
Shape Person() {
  return Union({Circle(0.5, 0.32, 0.16), Minus(Circle(0.5, 0.92, 0.36), Box(0, 0.9, 1, 1))});
}

// The window icon: a round table with seats in the three role colours.
std::vector<Layer> AppIcon() {
  std::vector<Layer> l = {{Circle(0.5, 0.5, 0.48), sf::Color(59, 95, 116)},
                          {Ring(0.5, 0.5, 0.26, 0.06), kWhite}};
  const sf::Color cols[3] = {kSource, kTransit, kDestination};
  for (int k = 0; k < 6; ++k) {
    const double a = -M_PI / 2 + k * M_PI / 3;
    l.push_back({Circle(0.5 + 0.38 * std::cos(a), 0.5 + 0.38 * std::sin(a), 0.075), cols[k % 3]});
  }
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--app-icon") {
    const int size = std::atoi(argv[2]);
    if (size < 16 || size > 1024) {
      std::fprintf(stderr, "--app-icon SIZE: 16 to 1024 pixels\n");
      return 2;
    }
    if (!Render(AppIcon(), static_cast<unsigned>(size)).saveToFile(argv[3])) {
      std::fprintf(stderr, "cannot write %s\n", argv[3]);
      return 1;
    }
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR | --app-icon SIZE FILE\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::vector<std::pair<std::string, std::vector<Layer>>> icons = {
      {"badge_source", Badge(kSource, SourceGlyph())},
      {"badge_transit", Badge(kTransit, TransitGlyph())},
      {"badge_destination", Badge(kDestination, DestinationGlyph())},
      {"icon_ready", {{Check(), kWhite}}},
      {"icon_bot", {{Robot(), kWhite}}},
      {"icon_host", {{Crown(), kWhite}}},
      {"icon_cochair", {{Star(), kWhite}}},
      {"icon_clock", {{Clock(), kWhite}}},
      {"icon_pause", {{Pause(), kWhite}}},
      {"icon_deal", {{Deal(), kWhite}}},
      {"icon_chat", {{Chat(), kWhite}}},
      {"icon_lock", {{Lock(), kWhite}}},
      {"icon_plug", {{Plug(), kWhite}}},
      {"icon_person", {{Person(), kWhite}}},
      {"app_icon", AppIcon()},
  };
  for (const auto& [name, layers] : icons) {
    const std::string path = dir + "/" + name + ".png";
    if (!Render(layers).saveToFile(path)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu icons to %s\n", icons.size(), dir.c_str());
  return 0;
}
