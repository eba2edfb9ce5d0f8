#include "client/assets.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace mf::client {
namespace {

std::string BinaryDir() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool Exists(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

const char* const kIcons[] = {"badge_source", "badge_transit", "badge_destination", "icon_ready",
                              "icon_bot",     "icon_host",     "icon_cochair",      "icon_clock",
                              "icon_pause",   "icon_deal",     "icon_chat",         "icon_lock",
                              "icon_plug",    "icon_person",   "app_icon"};

}  // namespace

std::vector<std::string> AssetSearchPath() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("MF_CLIENT_ASSETS"); env && *env) out.push_back(env);
  const std::string bin = BinaryDir();
  out.push_back(bin + "/assets");
  out.push_back(bin + "/../share/migration-forum/assets");
#ifdef MF_SOURCE_ASSETS_DIR
  out.push_back(MF_SOURCE_ASSETS_DIR);
#endif
  return out;
}

bool Assets::Load(std::string* error) {
  const std::vector<std::string> search = AssetSearchPath();
  for (const std::string& d : search)
    if (Exists(d + "/icons/badge_source.png") || Exists(d + "/fonts/DejaVuSans.ttf")) {
      dir_ = d;
      break;
    }
  // Fonts: the copy in the assets folder, else the system's DejaVu.
  std::vector<std::string> fonts;
  for (const std::string& d : search) fonts.push_back(d + "/fonts/");
  fonts.push_back("/usr/share/fonts/truetype/dejavu/");
  bool have = false;
  for (const std::string& f : fonts) {
    if (!Exists(f + "DejaVuSans.ttf")) continue;
    if (!regular_.loadFromFile(f + "DejaVuSans.ttf")) continue;
    if (!bold_.loadFromFile(f + "DejaVuSans-Bold.ttf")) bold_.loadFromFile(f + "DejaVuSans.ttf");
    font_path_ = f + "DejaVuSans.ttf";
    have = true;
    break;
  }
  if (!have) {
    *error =
        "no font found: looked for fonts/DejaVuSans.ttf in the asset folders and in "
        "/usr/share/fonts/truetype/dejavu (install fonts-dejavu-core)";
    return false;
  }
  // Icons: one texture each (the window icon) and all of them in an atlas
  // of 64x64 cells 8 pixels apart (no bleeding between mipmap levels), with
  // a white block in the last cell.
  std::vector<std::pair<std::string, sf::Image>> images;
  if (!dir_.empty())
    for (const char* name : kIcons) {
      const std::string path = dir_ + "/icons/" + name + ".png";
      sf::Image img;
      if (!Exists(path) || !img.loadFromFile(path)) continue;
      sf::Texture t;
      if (!t.loadFromImage(img)) continue;
      t.setSmooth(true);
      icons_.emplace(name, std::move(t));
      images.emplace_back(name, std::move(img));
    }
  constexpr unsigned kCell = 64, kGap = 8, kCols = 8;
  const unsigned cells = static_cast<unsigned>(images.size()) + 1;
  const unsigned rows = (cells + kCols - 1) / kCols;
  sf::Image atlas;
  atlas.create(kCols * (kCell + kGap), rows * (kCell + kGap), sf::Color(255, 255, 255, 0));
  for (unsigned k = 0; k < cells; ++k) {
    const unsigned x = (k % kCols) * (kCell + kGap) + kGap / 2,
                   y = (k / kCols) * (kCell + kGap) + kGap / 2;
    if (k < images.size()) {
      const sf::Image& img = images[k].second;
      const sf::Vector2u size = img.getSize();
      if (size.x > kCell || size.y > kCell) continue;
      atlas.copy(img, x, y);
      atlas_rects_[images[k].first] =
          sf::FloatRect(static_cast<float>(x), static_cast<float>(y), static_cast<float>(size.x),
                        static_cast<float>(size.y));
    } else {
      for (unsigned dy = 0; dy < kCell; ++dy)
        for (unsigned dx = 0; dx < kCell; ++dx) atlas.setPixel(x + dx, y + dy, sf::Color::White);
      atlas_white_ =
          sf::Vector2f(static_cast<float>(x + kCell / 2), static_cast<float>(y + kCell / 2));
    }
  }
  atlas_.loadFromImage(atlas);
  atlas_.setSmooth(true);
  atlas_.generateMipmap();
  return true;
}

bool Assets::AtlasRect(const std::string& name, sf::FloatRect* out) const {
  auto it = atlas_rects_.find(name);
  if (it == atlas_rects_.end()) return false;
  *out = it->second;
  return true;
}

const sf::Texture* Assets::icon(const std::string& name) const {
  auto it = icons_.find(name);
  return it == icons_.end() ? nullptr : &it->second;
}

}  // namespace mf::client
