// The roundtable: the seats around an ellipse, the draft (or whatever the
// phase puts on the table) in the middle, statements as speech bubbles.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "client/app.h"
#include "client/style.h"
#include "client/view_util.h"
#include "rules/scenario.h"

namespace mf::client {
namespace {

std::string BadgeName(mf::Role r) {
  switch (r) {
    case mf::SOURCE:
      return "badge_source";
    case mf::TRANSIT:
      return "badge_transit";
    default:
      return "badge_destination";
  }
}

// An organisation's mandate badge: no flag, a disc in the organisation's
// colour with its mandate's short name.
// The badge's short name: the mandate's own name (rules::MandateName),
// civil society shortened to fit the disc.
std::string MandateShort(mf::Mandate m) {
  return m == mf::MANDATE_CIVIL_SOCIETY ? "CS" : mf::rules::MandateName(m);
}

// Points spaced evenly along an ellipse (by arc length), starting at angle
// `start` (radians, screen coordinates) and going clockwise.
std::vector<sf::Vector2f> EllipsePoints(sf::Vector2f c, float rx, float ry, int n, float start) {
  constexpr int kSamples = 720;
  std::vector<float> length(kSamples + 1, 0);
  auto at = [&](int k) {
    const float a = start + static_cast<float>(2 * M_PI) * static_cast<float>(k) / kSamples;
    return sf::Vector2f(c.x + rx * std::cos(a), c.y + ry * std::sin(a));
  };
  for (int k = 1; k <= kSamples; ++k) {
    const sf::Vector2f d = at(k) - at(k - 1);
    length[k] = length[k - 1] + std::sqrt(d.x * d.x + d.y * d.y);
  }
  std::vector<sf::Vector2f> out;
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const float want = length[kSamples] * static_cast<float>(i) / static_cast<float>(n);
    while (k < kSamples && length[k + 1] < want) ++k;
    out.push_back(at(k));
  }
  return out;
}

std::string OneDecimal(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

sf::Color FormColour(mf::Form f) {
  switch (f) {
    case mf::GUIDING_PRINCIPLES:
      return sf::Color(0, 140, 130);
    case mf::BINDING_CONVENTION:
      return sf::Color(150, 40, 60);
    default:
      return sf::Color(110, 118, 128);
  }
}

}  // namespace

void DrawSeatBadge(Ui& ui, const mf::SeatPublic& s, Rect badge) {
  if (s.kind() != mf::SEAT_ORGANISATION) {
    ui.Icon(BadgeName(s.role()), badge);
    return;
  }
  const float r = std::min(badge.w, badge.h) / 2;
  ui.Disc(badge.centre(), r, colour::kOrganisation, sf::Color::White, ui.P(1));
  const std::string label = MandateShort(s.mandate());
  ui.TextIn(label, badge.Inset(r * 0.12f, r * 0.3f), r * (label.size() > 3 ? 0.55f : 0.8f),
            sf::Color::White, true, Align::kCentre);
}

void App::DrawTableScene(Rect r) {
  Ui& ui = *ui_;
  if (options_.projector || IsSpectator(view())) {
    DrawTable(r, options_.projector);
    return;
  }
  Rect panel = r.TakeRight(ui.P(400));
  r.TakeRight(ui.P(10));
  DrawTable(r, false);
  DrawActionPanel(panel);
}

void App::DrawTable(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int n = v.seats_size();
  if (n == 0) return;
  const bool compact = n > 12;
  const float grow = big ? 1.25f : 1.0f;
  float card_w = ui.P((n <= 8 ? 180 : 150) * grow), card_h = ui.P(70 * grow);
  if (compact) card_w = ui.P(96 * grow), card_h = ui.P(62 * grow);
  const sf::Vector2f c = r.centre();
  const float rx = r.w / 2 - card_w / 2 - ui.P(4);
  const float ry = r.h / 2 - card_h / 2 - ui.P(4);
  ui.Mark("table", r);
  // The table itself.
  ui.Ellipse(c, rx * 0.90f, ry * 0.84f, sf::Color(66, 105, 128), colour::kTable, ui.P(10));
  // Seats: the viewer at the bottom, the others clockwise; with many seats
  // every other one sits a little further in, so names do not collide.
  const int bottom = v.viewer() >= 0 ? v.viewer() : 0;
  const float start =
      v.viewer() >= 0 ? static_cast<float>(M_PI / 2) : static_cast<float>(-M_PI / 2);
  std::vector<sf::Vector2f> outer = EllipsePoints(c, rx, ry, n, start);
  std::vector<sf::Vector2f> inner =
      EllipsePoints(c, rx - card_w * 0.55f, ry - card_h * 0.62f, n, start);
  std::vector<Rect> cards(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    const int seat = (bottom + k) % n;
    const sf::Vector2f p = compact && (k % 2 == 1) ? inner[k] : outer[k];
    cards[seat] = {p.x - card_w / 2, p.y - card_h / 2, card_w, card_h};
  }
  // The middle of the table.
  const float cw = std::min(ui.P(big ? 560 : 440), (compact ? rx - card_w * 0.55f : rx) * 1.45f);
  const float want_h = v.phase() == mf::STATEMENTS                              ? 150
                       : v.phase() == mf::DRAFTING || v.phase() == mf::DECISION ? 228
                                                                                : 206;
  const float ch =
      std::min(ui.P(want_h * (big ? 1.25f : 1.0f)), (compact ? ry - card_h * 0.62f : ry) * 1.3f);
  DrawCentre({c.x - cw / 2, c.y - ch / 2 + (compact ? 0 : ui.P(4)), cw, ch}, big);
  // A key to the marks, in the corner the ellipse leaves free.
  {
    const float size = big ? 12.5f : 10.5f;
    const float lh = ui.P(big ? 20 : 16);
    float y = r.b() - lh * 5 - ui.P(2);
    auto key = [&](const std::string& icon, sf::Color tint, const std::string& text) {
      Rect ic{r.x + ui.P(2), y + ui.P(1), lh - ui.P(3), lh - ui.P(3)};
      if (icon == "ready") {
        ui.Disc(ic.centre(), ic.h / 2, colour::kGood);
        ui.Icon("icon_ready", ic.Inset(ic.h * 0.2f));
      } else if (icon == "meter") {
        ui.Box({ic.x, ic.centre().y - ui.P(3), ic.w, ui.P(6)}, colour::kGood, ui.P(3));
      } else {
        ui.Icon(icon, ic, tint);
      }
      ui.Text(text, ic.r() + ui.P(6), ic.centre().y - static_cast<float>(ui.FontPx(size)) * 0.62f,
              size, colour::kMuted);
      y += lh;
    };
    key("ready", colour::kGood, "ready");
    key("icon_cochair", colour::kAccent, "co-chair");
    key("icon_host", sf::Color(200, 150, 0), "host");
    key("icon_bot", colour::kMuted, "bot");
    key("meter", colour::kGood, "approval at home");
    ui.Mark("table.key", {r.x, r.b() - lh * 5 - ui.P(2), ui.P(130), lh * 5});
  }
  // Two passes, so that no name label hides a neighbour's marks.
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < n; ++i) DrawSeat(i, cards[i], compact, big ? 1.25f : 1.0f, pass);
  // Statements as speech bubbles: every one with few seats, else the most
  // recent and the hovered seat's.
  const bool item_phase =
      v.phase() == mf::STATEMENTS || v.phase() == mf::DRAFTING || v.phase() == mf::DECISION;
  if (!item_phase) return;
  std::vector<int> shown;
  int hovered = -1;
  for (int i = 0; i < n; ++i)
    if (ui.Hover(cards[i])) hovered = i;
  if (n <= 10 && v.phase() == mf::STATEMENTS) {
    for (int i = 0; i < n; ++i) shown.push_back(i);
  } else {
    // The latest statements, from the events ("X states a position at P.").
    for (int k = v.events_size() - 1; k >= 0 && shown.size() < 3; --k) {
      const std::string& t = v.events(k).text();
      if (t.find(" states a position at ") == std::string::npos || v.events(k).cycle() != v.cycle())
        continue;
      for (int i = 0; i < n; ++i)
        if (t.rfind(v.seats(i).name() + " states", 0) == 0 &&
            std::find(shown.begin(), shown.end(), i) == shown.end())
          shown.push_back(i);
    }
    if (v.phase() != mf::STATEMENTS) shown.clear();
  }
  if (hovered >= 0 && std::find(shown.begin(), shown.end(), hovered) == shown.end())
    shown.push_back(hovered);
  for (int i : shown) {
    const mf::SeatPublic& s = v.seats(i);
    if (s.statement_position() < 0) continue;
    std::string text = "States " + std::to_string(s.statement_position());
    if (!s.statement_text().empty()) text += ": \u201c" + s.statement_text() + "\u201d";
    const float size = big ? 14 : 11.5f;
    const float bw = std::min(ui.P(big ? 250 : 190), ui.Measure(text, size) + ui.P(16));
    const float lh = ui.LineHeight(size);
    const int lines =
        std::min(2, static_cast<int>(ui.Wrap(FromUtf8(text), size, bw - ui.P(16), false).size()));
    const float bh = lh * static_cast<float>(lines) + ui.P(10);
    const sf::Vector2f sp = cards[i].centre();
    sf::Vector2f dir = c - sp;
    const float len = std::max(1.0f, std::sqrt(dir.x * dir.x + dir.y * dir.y));
    dir /= len;
    // Just inside the card, towards the centre; above the card for the
    // seats at the sides, so that no bubble covers the draft.
    const float push_x = card_w / 2 + bw / 2 + ui.P(4);
    const float push_y = card_h / 2 + bh / 2 + ui.P(6);
    const float t = std::min(push_x / std::max(0.01f, std::fabs(dir.x)),
                             push_y / std::max(0.01f, std::fabs(dir.y)));
    sf::Vector2f bc = sp + dir * t;
    if (std::fabs(dir.y) < 0.45f) {
      bc = {sp.x + dir.x * card_w * 0.25f, sp.y - push_y};
      dir = {0, -1};
    }
    Rect b{bc.x - bw / 2, bc.y - bh / 2, bw, bh};
    b.x = std::clamp(b.x, r.x, r.r() - b.w);
    b.y = std::clamp(b.y, r.y, r.b() - b.h);
    const sf::Vector2f tail = sp + dir * (std::min(card_w, card_h) * 0.45f);
    const sf::Vector2f bcen = b.centre();
    const sf::Vector2f perp(-dir.y * ui.P(6), dir.x * ui.P(6));
    ui.Box({b.x + ui.P(1), b.y + ui.P(2), b.w, b.h}, sf::Color(0, 0, 0, 40), ui.P(8));
    ui.Triangle(tail, bcen + perp, bcen - perp, colour::kBubble);
    ui.Box(b, colour::kBubble, ui.P(8), Mix(RoleColour(s.role()), colour::kBubble, 0.3f),
           ui.P(1.5f));
    ui.Paragraph(text, b.Inset(ui.P(8), ui.P(5)), size, colour::kText, false, 2);
    ui.Mark("bubble." + std::to_string(i), b);
  }
}

void App::DrawSeat(int seat, Rect card, bool compact, float size, int pass) {
  if (pass == 0 && !compact) return;
  Ui& ui = *ui_;
  const mf::View& v = view();
  const mf::SeatPublic& s = v.seats(seat);
  const bool me = seat == v.viewer();
  const bool deciding = v.phase() == mf::DECISION;
  const sf::Color vote = VoteColour(s.vote());
  const float approval = seat < static_cast<int>(approval_shown_.size())
                             ? approval_shown_[seat]
                             : static_cast<float>(s.approval());
  const double flash = seat < static_cast<int>(vote_flash_.size()) ? vote_flash_[seat] : -10;
  const float pulse =
      static_cast<float>(std::clamp(1.0 - (MonotonicSeconds() - flash) / 0.9, 0.0, 1.0));
  const Presence* presence = nullptr;
  for (const Presence& p : snap_.roster)
    if (p.seat == seat) presence = &p;
  const bool selected = selected_seat_ == seat;
  const bool bot = s.bot() || (presence && presence->bot);
  const std::string name = ShortName(s.name());
  ui.Mark("seat." + std::to_string(seat), card);
  auto marks = [&](Rect row, float icon) {
    // Right to left: connection, co-chair, host, bot.
    if (presence && !bot) {
      Rect m = row.TakeRight(icon);
      ui.Disc(m.centre(), icon * 0.28f, presence->connected ? colour::kGood : colour::kBad);
      if (ui.Hover(m))
        ui.Tip(presence->connected ? "Connected: " + presence->player
               : presence->claimed ? presence->player + " is disconnected"
                                   : "Nobody has taken this seat yet");
    }
    if (s.co_chair()) {
      Rect m = row.TakeRight(icon);
      ui.Icon("icon_cochair", m, colour::kAccent);
      if (ui.Hover(m)) ui.Tip("Co-chair of this roundtable: tables the draft, rules on amendments");
    }
    if (s.host()) {
      Rect m = row.TakeRight(icon);
      ui.Icon("icon_host", m, sf::Color(200, 150, 0));
      if (ui.Hover(m)) ui.Tip("Host: chairs the forum this cycle and may reorder the agenda");
    }
    if (bot) {
      Rect m = row.TakeRight(icon);
      ui.Icon("icon_bot", m, colour::kMuted);
      if (ui.Hover(m)) ui.Tip("A bot plays this seat");
    }
  };
  if (!compact) {
    sf::Color fill = colour::kPanel;
    if (deciding && s.vote() != mf::VOTE_UNSPECIFIED) fill = Mix(vote, sf::Color::White, 0.82f);
    if (pulse > 0) {
      Rect glow = card.Inset(-ui.P(6) * pulse);
      ui.Box(glow, WithAlpha(vote, static_cast<sf::Uint8>(150 * pulse)), ui.P(12));
    }
    ui.Box(card, fill, ui.P(8),
           me         ? colour::kYou
           : selected ? colour::kAccent
                      : colour::kBorder,
           me || selected ? ui.P(3) : ui.P(1));
    Rect in = card.Inset(ui.P(7), ui.P(5));
    Rect row1 = in.TakeTop(in.h * 0.40f);
    Rect badge = row1.TakeLeft(row1.h);
    DrawSeatBadge(ui, s, badge);
    ui.Mark("seat." + std::to_string(seat) + ".badge", badge);
    row1.TakeLeft(ui.P(5));
    if (s.ready()) {
      Rect rd = row1.TakeRight(row1.h);
      ui.Disc(rd.centre(), rd.h * 0.42f, colour::kGood);
      ui.Icon("icon_ready", rd.Inset(rd.h * 0.22f));
      ui.Mark("seat." + std::to_string(seat) + ".ready", rd);
    }
    ui.TextIn(name, row1, 14 * size, colour::kText, true);
    Rect row2 = in.TakeTop(in.h * 0.45f);
    const int nmarks = (presence && !bot) + s.co_chair() + s.host() + bot;
    Rect icons = row2.TakeRight(ui.P(15 * size) * static_cast<float>(nmarks));
    marks(icons, ui.P(15 * size));
    std::string bloc = BlocWord(s.bloc());
    for (char& ch : bloc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string sub = (me ? "You · " : "") + RoleWord(s.role()) + " · " + bloc;
    if (s.kind() == mf::SEAT_ORGANISATION)
      sub = (me ? "You · " : "") + std::string("Organisation · ") + MandateShort(s.mandate()) +
            " · " + std::to_string(s.projects()) + " projects";
    if (deciding && s.vote() != mf::VOTE_UNSPECIFIED) sub = VoteWord(v.decision_rule(), s.vote());
    ui.TextIn(sub, row2, 11 * size,
              deciding && s.vote() != mf::VOTE_UNSPECIFIED ? Mix(vote, sf::Color::Black, 0.3f)
                                                           : colour::kMuted,
              deciding && s.vote() != mf::VOTE_UNSPECIFIED);
    // Approval meter.
    Rect meter = in;
    Rect pct = meter.TakeRight(ui.P(34 * size));
    Rect bar{meter.x, meter.centre().y - ui.P(3), meter.w - ui.P(4), ui.P(6)};
    ui.Box(bar, colour::kDisabled, ui.P(3));
    Rect fillbar = bar;
    fillbar.w = bar.w * std::clamp(approval, 0.0f, 1.0f);
    ui.Box(fillbar,
           approval < 0.35f  ? colour::kBad
           : approval < 0.5f ? colour::kWarning
                             : colour::kGood,
           ui.P(3));
    ui.Mark("seat." + std::to_string(seat) + ".approval", bar);
    ui.TextIn(Percent(approval), pct, 10.5f * size, colour::kMuted, false, Align::kRight);
  } else {
    const float rad = std::min(card.w, card.h) * 0.30f;
    const sf::Vector2f cc(card.centre().x, card.y + rad + ui.P(3));
    if (pass == 0) {
      Rect label{card.x - ui.P(2), cc.y + rad + ui.P(2), card.w + ui.P(4), ui.P(14 * size)};
      ui.Box(label.Inset(ui.P(4), 0), sf::Color::White, ui.P(4));
      ui.TextIn(name, label.Inset(ui.P(6), 0), 10.5f * size,
                me ? colour::kAccentDark : colour::kText, true, Align::kCentre);
      Rect bar{cc.x - ui.P(22), label.b() + ui.P(2), ui.P(44), ui.P(4)};
      ui.Box(bar, sf::Color(255, 255, 255, 140), ui.P(2));
      Rect fb = bar;
      fb.w = bar.w * std::clamp(approval, 0.0f, 1.0f);
      ui.Box(fb,
             approval < 0.35f  ? colour::kBad
             : approval < 0.5f ? colour::kWarning
                               : colour::kGood,
             ui.P(2));
      ui.Mark("seat." + std::to_string(seat) + ".approval", bar);
      return;
    }
    if (pulse > 0)
      ui.Disc(cc, rad + ui.P(10) * pulse, WithAlpha(vote, static_cast<sf::Uint8>(160 * pulse)));
    if (me || selected) ui.Disc(cc, rad + ui.P(6), me ? colour::kYou : colour::kAccent);
    if (s.vote() != mf::VOTE_UNSPECIFIED) ui.Disc(cc, rad + ui.P(4), vote);
    Rect badge{cc.x - rad, cc.y - rad, 2 * rad, 2 * rad};
    DrawSeatBadge(ui, s, badge);
    ui.Mark("seat." + std::to_string(seat) + ".badge", badge);
    if (s.ready()) {
      const sf::Vector2f rp(cc.x + rad * 0.85f, cc.y - rad * 0.85f);
      const float rr = ui.P(7.5f * size);
      ui.Disc(rp, rr, colour::kGood, sf::Color::White, ui.P(1));
      ui.Icon("icon_ready", {rp.x - rr * 0.6f, rp.y - rr * 0.6f, rr * 1.2f, rr * 1.2f});
      ui.Mark("seat." + std::to_string(seat) + ".ready", {rp.x - rr, rp.y - rr, 2 * rr, 2 * rr});
    }
    Rect icons{card.x, cc.y - rad - ui.P(2), cc.x - rad - card.x + ui.P(4), ui.P(13 * size)};
    marks(icons, ui.P(13 * size));
  }
  if (ui.Hover(card)) {
    std::string tip = s.name() + (me ? " (you)" : "") + "\n" + RoleMixWord(s) + " state, " +
                      BlocWord(s.bloc()) + ", " + s.region() + "\nApproval at home " +
                      Percent(s.approval()) + "  ·  political capital " +
                      std::to_string(s.political_capital()) + "  ·  trusted " +
                      Percent(s.reputation()) + "\nInfluence " + OneDecimal(s.influence());
    if (s.statement_position() >= 0)
      tip += "\nStated position " + std::to_string(s.statement_position()) +
             (s.statement_text().empty() ? "" : ": " + s.statement_text());
    if (s.vote() != mf::VOTE_UNSPECIFIED) tip += "\nVote: " + VoteWord(v.decision_rule(), s.vote());
    tip += s.ready() ? "\nReady" : "\nStill working on this phase";
    if (!me && IsPlayer(v)) tip += "\nClick to talk or make a deal with " + s.name();
    ui.Tip(tip);
    if (ui.Clicked(card)) {
      selected_seat_ = seat;
      if (IsPlayer(v) && !me) {
        compose_.deal_to = seat;
        compose_.channel.to = Channel::To::kSeat;
        compose_.channel.seat = seat;
      }
      if (IsFacilitator(v)) compose_.brief_seat = seat;
    }
  }
}

void App::DrawCentre(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  switch (v.phase()) {
    case mf::STATEMENTS:
    case mf::DRAFTING:
    case mf::DECISION:
      DrawDraftCard(r, big);
      return;
    default:
      break;
  }
  ui.Box({r.x + ui.P(2), r.y + ui.P(3), r.w, r.h}, Mix(colour::kTable, sf::Color::Black, 0.35f),
         ui.P(10));
  ui.Box(r, colour::kPanel, ui.P(10));
  ui.Mark("centre", r);
  Rect in = r.Inset(ui.P(14), ui.P(10));
  const float k = big ? 1.25f : 1.0f;
  if (v.phase() == mf::CIVIL_SOCIETY) {
    ui.TextIn("CIVIL SOCIETY DAYS  ·  CYCLE " + std::to_string(v.cycle()), in.TakeTop(ui.P(18 * k)),
              11 * k, colour::kMuted, true);
    std::string event = v.current_event_text();
    for (const mf::Event& e : v.events())
      if (e.world_event() != mf::EVENT_UNSPECIFIED && e.cycle() == v.cycle()) event = e.text();
    in.TakeTop(ui.P(2));
    const float h =
        ui.Paragraph("World news: " + event, in, 12.5f * k, colour::kText, false, 3, true);
    in.TakeTop(h + ui.P(6));
    ui.TextIn("Civil society recommends:", in.TakeTop(ui.P(18 * k)), 12 * k, colour::kMuted, true);
    for (const mf::Recommendation& rec : v.recommendations()) {
      if (in.h < ui.P(16 * k)) break;
      const mf::Theme* t = FindTheme(v, rec.theme());
      Rect row = in.TakeTop(ui.P(19 * k));
      Rect count = row.TakeRight(ui.P(96 * k));
      ui.TextIn((t ? t->name() : rec.theme()) + " at " + std::to_string(rec.position()), row,
                12.5f * k, colour::kText);
      ui.TextIn(std::to_string(rec.endorsed_by_size()) + " endorse", count, 11.5f * k,
                colour::kGood, false, Align::kRight);
    }
    return;
  }
  if (v.phase() == mf::GAME_OVER) {
    ui.TextIn("THE FORUM HAS ENDED", in.TakeTop(ui.P(20 * k)), 12 * k, colour::kMuted, true,
              Align::kCentre);
    if (v.winners_size() > 0)
      ui.TextIn("Winner: " + SeatName(v, v.winners(0)), in.TakeTop(ui.P(34 * k)), 20 * k,
                colour::kText, true, Align::kCentre);
    ui.TextIn("See the Final tab for the ranking", in.TakeTop(ui.P(20 * k)), 12 * k, colour::kMuted,
              false, Align::kCentre);
    return;
  }
  // Ratification and implementation: this cycle's adopted texts.
  ui.TextIn(v.phase() == mf::RATIFICATION ? "RATIFICATION: CONVENTIONS OPEN TO RATIFY"
                                          : "IMPLEMENTATION: WHAT WAS ADOPTED THIS CYCLE",
            in.TakeTop(ui.P(18 * k)), 11 * k, colour::kMuted, true);
  int count = 0;
  for (const mf::Text& t : v.texts()) {
    if (v.phase() == mf::RATIFICATION) {
      if (!t.adopted() || t.form() != mf::BINDING_CONVENTION) continue;
    } else if (t.cycle() != v.cycle()) {
      continue;
    }
    if (in.h < ui.P(18 * k)) break;
    Rect row = in.TakeTop(ui.P(36 * k));
    ui.Paragraph(t.label(), row, 12 * k, colour::kText, false, 2);
    ++count;
  }
  if (count == 0)
    ui.Paragraph(
        "Nothing was adopted this cycle. Implementation still matters: deals and "
        "border enforcement shape next year's flows.",
        in, 12.5f * k, colour::kMuted, false, 4);
}

void App::DrawDraftCard(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float k = big ? 1.25f : 1.0f;
  const mf::Theme* theme = FindTheme(v, v.current_theme());
  ui.Box({r.x + ui.P(2), r.y + ui.P(3), r.w, r.h}, Mix(colour::kTable, sf::Color::Black, 0.35f),
         ui.P(10));
  ui.Box(r, colour::kPanel, ui.P(10));
  ui.Mark("draft", r);
  Rect in = r.Inset(ui.P(14), ui.P(9));
  const bool tabled = DraftTabled(v);
  const mf::Text& d = v.draft();
  std::string head = v.phase() == mf::STATEMENTS ? "ON THE AGENDA"
                     : tabled                    ? "THE DRAFT ON THE TABLE"
                                                 : "DRAFTING";
  Rect top = in.TakeTop(ui.P(16 * k));
  ui.TextIn(head, top, 11 * k, colour::kMuted, true);
  if (v.agenda_size() > 1)
    ui.TextIn(
        "item " + std::to_string(v.agenda_index() + 1) + " of " + std::to_string(v.agenda_size()),
        top, 11 * k, colour::kMuted, false, Align::kRight);
  ui.TextIn(theme ? theme->name() : v.current_theme(), in.TakeTop(ui.P(22 * k)), 16 * k,
            colour::kText, true);
  // Status line.
  std::string status;
  const std::vector<int> chairs = CoChairs(v);
  std::string chair_names;
  for (size_t i = 0; i < chairs.size(); ++i)
    chair_names += (i ? " and " : "") + ShortName(SeatName(v, chairs[i]));
  if (v.phase() == mf::STATEMENTS) {
    int spoken = 0;
    for (const mf::SeatPublic& s : v.seats()) spoken += s.statement_position() >= 0;
    status = std::to_string(spoken) + " of " + std::to_string(v.seats_size()) +
             " states have stated a position. Co-chairs: " + chair_names + ".";
  } else if (!tabled) {
    status = "No draft yet: the co-chairs " + chair_names + " are writing it.";
  } else {
    status = FormWord(d.form()) + " at " + PositionWords(theme, d.position());
  }
  ui.TextIn(status, in.TakeTop(ui.P(18 * k)), 12 * k,
            tabled && v.phase() != mf::STATEMENTS ? colour::kText : colour::kMuted, tabled);
  Rect axis = in.TakeTop(ui.P((DraftTabled(v) && v.phase() != mf::STATEMENTS ? 86 : 70) * k));
  DrawAxis(axis, theme, big);
  // Form and commitments.
  if (tabled && v.phase() != mf::STATEMENTS) {
    Rect chips = in.TakeTop(ui.P(24 * k));
    auto chip = [&](const std::string& text, sf::Color c, bool filled) {
      const float w = ui.Measure(text, 11 * k, true) + ui.P(14);
      if (w > chips.w) return;
      Rect b = chips.TakeLeft(w);
      chips.TakeLeft(ui.P(5));
      b = b.Inset(0, ui.P(2));
      ui.Box(b, filled ? c : Mix(c, sf::Color::White, 0.85f), ui.P(9), c, ui.P(1));
      ui.TextIn(text, b, 11 * k, filled ? sf::Color::White : Mix(c, sf::Color::Black, 0.3f), true,
                Align::kCentre);
    };
    chip(FormWord(d.form()), FormColour(d.form()), true);
    ui.Mark("draft.form", {chips.x, chips.y, 1, chips.h});
    for (int c : d.commitments())
      chip(CommitmentWord(c) +
               (c == mf::ANTI_SMUGGLING && !d.corridor().empty() ? " (" + d.corridor() + ")" : ""),
           colour::kAccent, false);
    if (d.commitments_size() == 0) chip("no commitments", colour::kNeutral, false);
  }
  // Amendments.
  int pending = 0, accepted = 0;
  for (const mf::AmendmentView& a : v.amendments()) {
    pending += a.status() == "pending";
    accepted += a.status() == "accepted";
  }
  if (v.phase() == mf::DRAFTING && in.h > ui.P(12)) {
    std::string line = std::to_string(pending) + " amendment" + (pending == 1 ? "" : "s") +
                       " waiting for the co-chairs";
    if (accepted) line += ", " + std::to_string(accepted) + " accepted";
    ui.TextIn(line, in.TakeTop(ui.P(16 * k)), 11.5f * k,
              pending ? colour::kWarning : colour::kMuted, pending > 0);
    for (const mf::AmendmentView& a : v.amendments()) {
      if (a.status() != "pending" || in.h < ui.P(14 * k)) continue;
      std::string what;
      if (a.position() >= 0) what += "move to " + std::to_string(a.position());
      if (a.form() != mf::FORM_UNSPECIFIED) what += (what.empty() ? "" : ", ") + FormWord(a.form());
      for (int c : a.add()) what += (what.empty() ? "add " : ", add ") + CommitmentWord(c);
      for (int c : a.remove()) what += (what.empty() ? "drop " : ", drop ") + CommitmentWord(c);
      ui.TextIn(
          "#" + std::to_string(a.id()) + " " + ShortName(SeatName(v, a.proposer())) + ": " + what,
          in.TakeTop(ui.P(15 * k)), 11 * k, colour::kText);
    }
  } else if (v.phase() == mf::DECISION && in.h > ui.P(12)) {
    ui.TextIn(RuleSentence(v), in.TakeTop(ui.P(16 * k)), 11 * k, colour::kMuted);
  }
  if (IsPlayer(v)) {
    std::vector<std::string> crossed = CrossedRedLines(v.brief(), d);
    if (tabled && !crossed.empty() && in.h > ui.P(12))
      ui.TextIn("Crosses your red line: " + crossed.front(), in.TakeTop(ui.P(16 * k)), 11.5f * k,
                colour::kBad, true);
  }
}

void App::DrawAxis(Rect r, const mf::Theme* theme, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float k = big ? 1.25f : 1.0f;
  const float x0 = r.x + ui.P(8), x1 = r.r() - ui.P(8);
  const float y = r.y + ui.P(26 * k);
  auto X = [&](int pos) {
    return x0 + (x1 - x0) * static_cast<float>(std::clamp(pos, 0, 100)) / 100.0f;
  };
  ui.Mark("axis", {x0, y - ui.P(4), x1 - x0, ui.P(8)});
  // The track, with the named bands of the axis.
  ui.Box({x0, y - ui.P(3), x1 - x0, ui.P(6)}, colour::kDisabled, ui.P(3));
  if (theme)
    for (const mf::AxisBand& b : theme->bands()) {
      Rect band{X(b.low()), y - ui.P(3), X(b.high()) - X(b.low()), ui.P(6)};
      ui.Box(band, Mix(colour::kAccent, sf::Color::White, 0.6f));
      if (ui.Hover(band.Inset(0, -ui.P(6))))
        ui.Tip(b.label() + " (" + std::to_string(b.low()) + "-" + std::to_string(b.high()) + ")");
    }
  for (int t = 0; t <= 100; t += 25)
    ui.Box({X(t) - ui.P(0.5f), y - ui.P(6), ui.P(1), ui.P(12)}, colour::kFaint);
  const float lab = 10.5f * k;
  const bool draft_marker = DraftTabled(v) && v.phase() != mf::STATEMENTS;
  const float ly = y + ui.P(draft_marker ? 27 * k : 11);
  if (theme) {
    ui.TextIn("0: " + theme->low_label(), {x0 - ui.P(6), ly, (x1 - x0) * 0.49f, ui.P(14 * k)}, lab,
              colour::kMuted);
    ui.TextIn("100: " + theme->high_label(),
              {x0 + (x1 - x0) * 0.51f, ly, (x1 - x0) * 0.49f + ui.P(6), ui.P(14 * k)}, lab,
              colour::kMuted, false, Align::kRight);
  }
  // A one-line key to the marks.
  {
    Rect key{x0, ly + ui.P(15 * k), x1 - x0, ui.P(14 * k)};
    if (key.b() <= r.b() + ui.P(2)) {
      float x = key.x;
      auto item = [&](const std::string& text, const std::function<void(sf::Vector2f)>& mark) {
        mark({x + ui.P(5), key.centre().y});
        x += ui.P(13);
        x += ui.Text(text, x, key.centre().y - static_cast<float>(ui.FontPx(9.5f * k)) * 0.62f,
                     9.5f * k, colour::kMuted) +
             ui.P(14);
      };
      item("stated positions", [&](sf::Vector2f p) { ui.Disc(p, ui.P(4), colour::kSource); });
      if (IsPlayer(v))
        item("what you want (secret)", [&](sf::Vector2f p) {
          ui.Icon("icon_cochair", {p.x - ui.P(6), p.y - ui.P(6), ui.P(12), ui.P(12)}, colour::kYou);
        });
      item("today's policy", [&](sf::Vector2f p) {
        ui.Triangle({p.x, p.y - ui.P(3)}, {p.x - ui.P(5), p.y + ui.P(4)},
                    {p.x + ui.P(5), p.y + ui.P(4)}, colour::kMuted);
      });
      if (draft_marker)
        item("the draft", [&](sf::Vector2f p) {
          ui.Box({p.x - ui.P(2), p.y - ui.P(6), ui.P(4), ui.P(12)}, colour::kText);
        });
    }
  }
  // Today's policy.
  if (theme) {
    const float sx = X(theme->status_quo());
    ui.Triangle({sx, y + ui.P(4)}, {sx - ui.P(5), y + ui.P(10)}, {sx + ui.P(5), y + ui.P(10)},
                colour::kMuted);
    Rect hit{sx - ui.P(6), y, ui.P(12), ui.P(12)};
    if (ui.Hover(hit)) ui.Tip("Today's policy: " + std::to_string(theme->status_quo()));
  }
  // Statements, stacked where they collide.
  std::vector<std::pair<int, int>> dots;  // position, seat
  for (const mf::SeatPublic& s : v.seats())
    if (s.statement_position() >= 0) dots.push_back({s.statement_position(), s.index()});
  std::sort(dots.begin(), dots.end());
  std::vector<float> last_x;
  const float dr = ui.P(4.5f * k);
  for (const auto& [pos, seat] : dots) {
    const float dx = X(pos);
    int level = 0;
    while (level < static_cast<int>(last_x.size()) && dx - last_x[level] < dr * 2.1f) ++level;
    if (level == static_cast<int>(last_x.size())) last_x.push_back(dx);
    last_x[level] = dx;
    const float dy = y - ui.P(10) - static_cast<float>(level) * dr * 2.1f;
    if (dy < r.y) continue;
    const mf::SeatPublic& s = v.seats(seat);
    ui.Disc({dx, dy}, dr, RoleColour(s.role()), sf::Color::White, ui.P(1));
    if (ui.Hover({dx - dr, dy - dr, 2 * dr, 2 * dr}))
      ui.Tip(s.name() + " states " + std::to_string(pos) +
             (s.statement_text().empty() ? "" : ": " + s.statement_text()));
  }
  // What I want (players only: it is secret).
  if (IsPlayer(v)) {
    if (const mf::Stance* st = StanceOn(v.brief(), v.current_theme())) {
      const float ix = X(st->ideal());
      Rect star{ix - ui.P(8 * k), y - ui.P(25 * k), ui.P(16 * k), ui.P(16 * k)};
      if (dots.empty()) star.y = y - ui.P(21 * k);
      ui.Icon("icon_cochair", star, colour::kYou);
      ui.Mark("axis.ideal", star);
      if (ui.Hover(star))
        ui.Tip("You want " + PositionWords(theme, st->ideal()) + " (" +
               PriorityWords(v.brief(), v.current_theme()) + "). Only you see this.");
    }
  }
  // Pending amendments (hollow) and the draft (dark marker).
  for (const mf::AmendmentView& a : v.amendments()) {
    if (a.status() != "pending" || a.position() < 0) continue;
    ui.Disc({X(a.position()), y}, ui.P(5), sf::Color::White, colour::kWarning, ui.P(2));
    if (ui.Hover({X(a.position()) - ui.P(6), y - ui.P(6), ui.P(12), ui.P(12)}))
      ui.Tip("Amendment by " + SeatName(v, a.proposer()) + ": move to " +
             std::to_string(a.position()));
  }
  if (DraftTabled(v) && v.phase() != mf::STATEMENTS) {
    const float dx = X(v.draft().position());
    ui.Box({dx - ui.P(2), y - ui.P(9), ui.P(4), ui.P(18)}, colour::kText, ui.P(1));
    const std::string p = std::to_string(v.draft().position());
    const float w = ui.Measure(p, 11 * k, true) + ui.P(10);
    Rect pill{dx - w / 2, y + ui.P(10), w, ui.P(15 * k)};
    ui.Box(pill, colour::kText, ui.P(7));
    ui.TextIn(p, pill, 11 * k, sf::Color::White, true, Align::kCentre);
    ui.Mark("axis.draft", {dx - ui.P(3), y - ui.P(9), ui.P(6), ui.P(18)});
    if (ui.Hover(pill.Inset(-ui.P(4))))
      ui.Tip("The draft's position: " + PositionWords(theme, v.draft().position()));
  }
}

}  // namespace mf::client
