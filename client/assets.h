// Fonts and icons, found relative to the binary and to the install prefix.
#pragma once

#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/Texture.hpp>

#include <map>
#include <string>
#include <vector>

namespace mf::client {

// The folders searched for assets, best first: $MF_CLIENT_ASSETS, the
// binary's folder + "/assets" (the build tree), the binary's folder +
// "/../share/migration-forum/assets" (an install), and the source tree.
std::vector<std::string> AssetSearchPath();

class Assets {
 public:
  // Loads the fonts (falling back to the system's DejaVu fonts) and every
  // icon it finds. False with a message when no font could be loaded;
  // missing icons are drawn as plain shapes instead.
  bool Load(std::string* error);

  const sf::Font& font() const { return regular_; }
  const sf::Font& bold() const { return bold_; }
  // nullptr when the icon is missing.
  const sf::Texture* icon(const std::string& name) const;
  // Every icon packed in one texture (so that the UI draws them in one
  // batch), with a white texel for untextured shapes in the same batch.
  const sf::Texture& atlas() const { return atlas_; }
  // The icon's rectangle in the atlas (pixels); false when it is missing.
  bool AtlasRect(const std::string& name, sf::FloatRect* out) const;
  sf::Vector2f atlas_white() const { return atlas_white_; }
  const std::string& dir() const { return dir_; }
  const std::string& font_path() const { return font_path_; }

 private:
  sf::Font regular_, bold_;
  std::map<std::string, sf::Texture> icons_;
  sf::Texture atlas_;
  std::map<std::string, sf::FloatRect> atlas_rects_;
  sf::Vector2f atlas_white_;
  std::string dir_, font_path_;
};

}  // namespace mf::client
