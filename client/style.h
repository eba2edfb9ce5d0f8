// Colours and sizes of the client, in one place.
//
// Role colours are the Okabe-Ito palette (safe for the common colour-vision
// deficiencies); the badges in assets/icons use the same values, and the
// scene tests look for them.
#pragma once

#include <SFML/Graphics/Color.hpp>

#include "game.pb.h"

namespace mf::client {

namespace colour {
inline const sf::Color kBackground(236, 240, 244);
inline const sf::Color kPanel(255, 255, 255);
inline const sf::Color kPanelAlt(246, 248, 250);
inline const sf::Color kBorder(206, 212, 220);
inline const sf::Color kText(33, 37, 41);
inline const sf::Color kMuted(104, 112, 122);
inline const sf::Color kFaint(160, 166, 174);
inline const sf::Color kTopBar(37, 52, 70);
inline const sf::Color kTopBarText(245, 247, 250);
inline const sf::Color kTable(59, 95, 116);
inline const sf::Color kTableRim(44, 73, 90);
inline const sf::Color kAccent(0, 114, 178);
inline const sf::Color kAccentDark(0, 84, 140);
inline const sf::Color kYou(240, 180, 0);
inline const sf::Color kGood(46, 157, 79);
inline const sf::Color kBad(209, 68, 59);
inline const sf::Color kNeutral(154, 160, 166);
inline const sf::Color kWarning(232, 140, 0);
inline const sf::Color kDisabled(214, 218, 224);
inline const sf::Color kDisabledText(150, 156, 164);
inline const sf::Color kBubble(255, 253, 240);
inline const sf::Color kSource(230, 159, 0);
inline const sf::Color kTransit(204, 121, 167);
inline const sf::Color kDestination(0, 114, 178);
inline const sf::Color kSupport(46, 157, 79);
inline const sf::Color kStandAside(154, 160, 166);
inline const sf::Color kObject(209, 68, 59);
inline const sf::Color kNotVoted(226, 230, 235);
}  // namespace colour

// Organisations' seats (no role): one colour for their mandate badges.
namespace colour {
inline const sf::Color kOrganisation(91, 62, 150);
}  // namespace colour

inline sf::Color RoleColour(mf::Role r) {
  switch (r) {
    case mf::SOURCE:
      return colour::kSource;
    case mf::TRANSIT:
      return colour::kTransit;
    case mf::DESTINATION:
      return colour::kDestination;
    default:
      return colour::kNeutral;
  }
}

inline sf::Color VoteColour(mf::VoteChoice v) {
  switch (v) {
    case mf::SUPPORT:
      return colour::kSupport;
    case mf::STAND_ASIDE:
      return colour::kStandAside;
    case mf::OBJECT:
      return colour::kObject;
    default:
      return colour::kNotVoted;
  }
}

inline sf::Color WithAlpha(sf::Color c, sf::Uint8 a) {
  c.a = a;
  return c;
}

// Mixes a towards b by t (0..1).
inline sf::Color Mix(sf::Color a, sf::Color b, float t) {
  auto m = [t](sf::Uint8 x, sf::Uint8 y) {
    return static_cast<sf::Uint8>(static_cast<float>(x) + (static_cast<float>(y) - x) * t);
  };
  return sf::Color(m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), m(a.a, b.a));
}

// The design resolution: layouts are written for it and scaled.
constexpr float kDesignWidth = 1280;
constexpr float kDesignHeight = 720;

}  // namespace mf::client
