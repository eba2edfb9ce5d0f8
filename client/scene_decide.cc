// Deciding: the live tally and who voted what; the ratification grid; the
// implementation choices (in the action panel).
#include <algorithm>
#include <cmath>

#include "client/app.h"
#include "client/style.h"
#include "client/view_util.h"

namespace mf::client {

void App::DrawDecide(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const bool big = options_.projector || IsSpectator(v);
  if (!big) {
    Rect panel = r.TakeRight(ui.P(400));
    r.TakeRight(ui.P(10));
    DrawActionPanel(panel);
  }
  if (v.phase() == mf::RATIFICATION) {
    DrawRatification(r, big);
    return;
  }
  if (v.phase() == mf::DECISION) {
    const float k = big ? 1.3f : 1.0f;
    Rect head = Panel(r.TakeTop(ui.P(118 * k)), "");
    const mf::Theme* theme = FindTheme(v, v.current_theme());
    ui.TextIn("THE FORUM DECIDES", head.TakeTop(ui.P(16 * k)), 11 * k, colour::kMuted, true);
    ui.TextIn(v.draft().label().empty() ? (theme ? theme->name() : "") : v.draft().label(),
              head.TakeTop(ui.P(26 * k)), 16 * k, colour::kText, true);
    ui.Mark("decide.head", head);
    DrawAxis(head, theme, big);
    r.TakeTop(ui.P(8));
    DrawTally(r.TakeTop(ui.P(110 * k)), big);
    r.TakeTop(ui.P(8));
    DrawVoteGrid(r, big);
    return;
  }
  // Other phases: what this cycle decided so far.
  Rect in = Panel(r, v.phase() == mf::IMPLEMENTATION ? "IMPLEMENTATION" : "DECISIONS");
  const float k = big ? 1.3f : 1.0f;
  ui.Paragraph(
      v.phase() == mf::IMPLEMENTATION
          ? "Each state now chooses how far it carries out what applies to it, how hard it "
            "polices its own border, and whether it keeps its side deals. Then the "
            "world moves on a year."
          : "There is no vote right now. The texts adopted so far:",
      in.TakeTop(ui.P(44 * k)), 13 * k, colour::kText, false, 3);
  in.TakeTop(ui.P(6));
  int count = 0;
  for (int i = v.texts_size() - 1; i >= 0; --i) {
    const mf::Text& t = v.texts(i);
    if (in.h < ui.P(40 * k)) break;
    Rect row = in.TakeTop(ui.P(40 * k));
    ui.Box(row.Inset(0, ui.P(2)), colour::kPanelAlt, ui.P(6));
    ui.TextIn("Cycle " + std::to_string(t.cycle()), row.TakeLeft(ui.P(80 * k)).Inset(ui.P(8), 0),
              12 * k, colour::kMuted, true);
    Rect sup = row.TakeRight(ui.P(150 * k));
    ui.TextIn(
        std::to_string(t.supporters()) + " for, " + std::to_string(t.objectors()) + " against", sup,
        12 * k, colour::kMuted, false, Align::kRight);
    ui.TextIn(t.label(), row.Inset(ui.P(8), 0), 13 * k, colour::kText);
    ++count;
  }
  if (count == 0) ui.TextIn("None yet.", in.TakeTop(ui.P(24)), 13 * k, colour::kMuted);
  // The migration routes: where enforcement and cooperation bite.
  if (v.corridors_size() > 0 && in.h > ui.P(80)) {
    in.TakeTop(ui.P(10));
    ui.TextIn("THE ROUTES: LEGAL (GREEN) AND IRREGULAR (RED) FLOWS, THOUSANDS",
              in.TakeTop(ui.P(20)), 11.5f * k, colour::kMuted, true);
    double top = 1;
    for (const mf::CorridorView& c : v.corridors()) top = std::max(top, c.legal() + c.irregular());
    for (const mf::CorridorView& c : v.corridors()) {
      if (in.h < ui.P(24 * k)) break;
      Rect row = in.TakeTop(ui.P(24 * k));
      std::string route = ShortName(SeatName(v, c.origin()));
      if (c.transit() >= 0) route += " > " + ShortName(SeatName(v, c.transit()));
      route += " > " + ShortName(SeatName(v, c.destination()));
      const bool mine =
          c.origin() == v.viewer() || c.transit() == v.viewer() || c.destination() == v.viewer();
      Rect name = row.TakeLeft(row.w * 0.42f);
      ui.TextIn(route, name, 12 * k, colour::kText, mine);
      Rect coop = row.TakeRight(ui.P(110 * k));
      ui.TextIn("cooperation " + Percent(c.cooperation()), coop, 11 * k, colour::kMuted, false,
                Align::kRight);
      Rect bar = row.Inset(ui.P(6), ui.P(6));
      const float wl = bar.w * static_cast<float>(c.legal() / top);
      const float wi = bar.w * static_cast<float>(c.irregular() / top);
      ui.Box({bar.x, bar.y, wl, bar.h}, colour::kGood, ui.P(2));
      ui.Box({bar.x + wl, bar.y, wi, bar.h}, colour::kBad, ui.P(2));
      if (ui.Hover(row))
        ui.Tip(route + ": " + std::to_string(static_cast<int>(c.legal())) + "k legal, " +
               std::to_string(static_cast<int>(c.irregular())) +
               "k irregular; origin and transit cooperate " + Percent(c.cooperation()) +
               " on enforcement");
    }
  }
}

void App::DrawTally(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float k = big ? 1.3f : 1.0f;
  Rect in = Panel(r, "");
  const int n = v.seats_size();
  const int voted = n - static_cast<int>(tally_target_[0]);
  Rect title = in.TakeTop(ui.P(20 * k));
  ui.TextIn(replay_ ? "TALLY AT THIS MOMENT" : "LIVE TALLY", title, 12 * k, colour::kMuted, true);
  // Organisations do not vote: the states are the voters.
  int voters = 0;
  for (const mf::SeatPublic& s : v.seats()) voters += s.kind() != mf::SEAT_ORGANISATION;
  ui.TextIn(std::to_string(voted) + " of " + std::to_string(voters) + " have voted", title, 12 * k,
            colour::kMuted, false, Align::kRight);
  in.TakeTop(ui.P(4));
  Rect bar = in.TakeTop(ui.P(34 * k));
  ui.Mark("tally", bar);
  ui.Box(bar, colour::kNotVoted, ui.P(6));
  const mf::VoteChoice order[3] = {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT};
  const char* keys[3] = {"tally.support", "tally.stand_aside", "tally.object"};
  float x = bar.x;
  for (int i = 0; i < 3; ++i) {
    const float w = n > 0 ? bar.w * tally_shown_[order[i]] / static_cast<float>(n) : 0;
    Rect seg{x, bar.y, w, bar.h};
    if (w >= 1) {
      ui.Box(seg, VoteColour(order[i]));
      ui.Mark(keys[i], seg);
      const int count = static_cast<int>(std::lround(tally_target_[order[i]]));
      if (w > ui.P(30))
        ui.TextIn(std::to_string(count), seg, 16 * k, sf::Color::White, true, Align::kCentre);
    }
    x += w;
  }
  in.TakeTop(ui.P(6));
  // Legend and the state of play.
  Rect legend = in.TakeTop(ui.P(20 * k));
  for (int i = 0; i < 3; ++i) {
    const std::string text = VoteWord(v.decision_rule(), order[i]) + " " +
                             std::to_string(static_cast<int>(std::lround(tally_target_[order[i]])));
    const float w = ui.Measure(text, 12 * k) + ui.P(26);
    Rect item = legend.TakeLeft(w);
    ui.Box({item.x, item.centre().y - ui.P(5), ui.P(10), ui.P(10)}, VoteColour(order[i]), ui.P(2));
    ui.TextIn(text, {item.x + ui.P(14), item.y, item.w, item.h}, 12 * k, colour::kText);
  }
  const int sup = static_cast<int>(tally_target_[mf::SUPPORT]);
  const int obj = static_cast<int>(tally_target_[mf::OBJECT]);
  std::string state;
  sf::Color sc = colour::kMuted;
  if (v.decision_rule() == mf::CONSENSUS || v.decision_rule() == mf::DECISION_RULE_UNSPECIFIED) {
    if (obj > 0)
      state = "Blocked: " + std::to_string(obj) + (obj == 1 ? " objection" : " objections"),
      sc = colour::kBad;
    else if (sup > 0)
      state = "No objection so far", sc = colour::kGood;
  } else if (v.decision_rule() == mf::MAJORITY) {
    state = sup > obj ? "Passing: more yes than no" : "Failing: not more yes than no";
    sc = sup > obj ? colour::kGood : colour::kBad;
  } else {
    double ws = 0, wo = 0;
    for (const mf::SeatPublic& s : v.seats()) {
      if (s.vote() == mf::SUPPORT) ws += s.influence();
      if (s.vote() == mf::OBJECT) wo += s.influence();
    }
    state = "Weight for " + Percent(ws + wo > 0 ? ws / (ws + wo) : 0) + " of the weight cast";
    sc = ws > wo ? colour::kGood : colour::kBad;
  }
  ui.TextIn(state, legend, 13 * k, sc, true, Align::kRight);
}

void App::DrawVoteGrid(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int n = v.seats_size();
  if (n == 0) return;
  Rect in = Panel(r, "WHO VOTED WHAT");
  const float k = big ? 1.3f : 1.0f;
  int cols = std::max(1, static_cast<int>(in.w / ui.P(n <= 12 ? 200 * k : 150 * k)));
  int rows = (n + cols - 1) / cols;
  while (rows > 0 && in.h / static_cast<float>(rows) < ui.P(30) && cols < n) {
    ++cols;
    rows = (n + cols - 1) / cols;
  }
  const float gap = ui.P(5);
  const float tw = (in.w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  const float th = std::min(ui.P((n <= 12 ? 64 : 46) * k),
                            (in.h - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  const double now = MonotonicSeconds();
  for (int i = 0; i < n; ++i) {
    const mf::SeatPublic& s = v.seats(i);
    Rect tile{in.x + static_cast<float>(i % cols) * (tw + gap),
              in.y + static_cast<float>(i / cols) * (th + gap), tw, th};
    const sf::Color vc = VoteColour(s.vote());
    const float pulse =
        i < static_cast<int>(vote_flash_.size())
            ? static_cast<float>(std::clamp(1.0 - (now - vote_flash_[i]) / 0.9, 0.0, 1.0))
            : 0.0f;
    if (pulse > 0)
      ui.Box(tile.Inset(-ui.P(4) * pulse), WithAlpha(vc, static_cast<sf::Uint8>(140 * pulse)),
             ui.P(8));
    const bool voted = s.vote() != mf::VOTE_UNSPECIFIED;
    ui.Box(tile, voted ? vc : colour::kNotVoted, ui.P(5),
           i == v.viewer() ? colour::kYou : sf::Color::Transparent, i == v.viewer() ? ui.P(3) : 0);
    Rect strip = tile.TakeLeft(ui.P(6));
    ui.Box(strip, RoleColour(s.role()), ui.P(2));
    ui.Mark("vote." + std::to_string(i), tile);
    Rect t = tile.Inset(ui.P(6), 0);
    const sf::Color tc = voted && s.vote() != mf::STAND_ASIDE ? sf::Color::White : colour::kText;
    if (th > ui.P(34)) {
      ui.TextIn(ShortName(s.name()), {t.x, t.y + ui.P(2), t.w, t.h * 0.55f},
                (n <= 12 ? 14 : 12) * k, tc, true);
      const bool org = s.kind() == mf::SEAT_ORGANISATION;
      ui.TextIn(voted ? VoteWord(v.decision_rule(), s.vote())
                : org ? "organisation: no vote"
                      : "not voted yet",
                {t.x, t.y + t.h * 0.5f, t.w, t.h * 0.45f}, 11 * k, voted ? tc : colour::kMuted);
    } else {
      ui.TextIn(ShortName(s.name()), t, 11 * k, tc, true);
    }
    if (ui.Hover(tile))
      ui.Tip(s.name() + ": " +
             (voted ? VoteWord(v.decision_rule(), s.vote()) : "has not voted yet"));
  }
}

void App::DrawRatification(Rect r, bool big) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float k = big ? 1.3f : 1.0f;
  std::vector<const mf::Text*> texts;
  for (const mf::Text& t : v.texts())
    if (t.form() == mf::BINDING_CONVENTION && t.adopted()) texts.push_back(&t);
  if (texts.empty())
    for (const mf::Text& t : v.texts())
      if (t.form() == mf::BINDING_CONVENTION) texts.push_back(&t);
  Rect in = Panel(r, "RATIFICATION: WHO BINDS ITSELF");
  ui.Mark("ratification", in);
  if (texts.empty()) {
    ui.TextIn("No binding convention to ratify.", in.TakeTop(ui.P(24)), 13 * k, colour::kMuted);
    return;
  }
  const int n = v.seats_size();
  const float block_h = in.h / static_cast<float>(texts.size());
  for (size_t ti = 0; ti < texts.size(); ++ti) {
    const mf::Text& t = *texts[ti];
    Rect block = in.TakeTop(block_h);
    Rect head = block.TakeTop(ui.P(24 * k));
    const std::string count = std::to_string(t.ratified_by_size()) + " ratified, " +
                              std::to_string(t.declined_by_size()) + " declined, " +
                              std::to_string(n - t.ratified_by_size() - t.declined_by_size()) +
                              " deciding";
    ui.TextIn(count + (t.in_force() ? "  ·  IN FORCE" : ""), head, 12.5f * k,
              t.in_force() ? colour::kGood : colour::kMuted, true, Align::kRight);
    ui.TextIn(t.label(), {head.x, head.y, head.w * 0.6f, head.h}, 13.5f * k, colour::kText, true);
    block.TakeTop(ui.P(6));
    int cols = std::max(1, static_cast<int>(block.w / ui.P(140 * k)));
    int rows = (n + cols - 1) / cols;
    while (rows > 0 && block.h / static_cast<float>(rows) < ui.P(26) && cols < n) {
      ++cols;
      rows = (n + cols - 1) / cols;
    }
    const float gap = ui.P(4);
    const float tw = (block.w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    const float th =
        std::min(ui.P(40 * k), (block.h - ui.P(8) - gap * static_cast<float>(rows - 1)) /
                                   static_cast<float>(rows));
    for (int i = 0; i < n; ++i) {
      const bool yes =
          std::find(t.ratified_by().begin(), t.ratified_by().end(), i) != t.ratified_by().end();
      const bool no =
          std::find(t.declined_by().begin(), t.declined_by().end(), i) != t.declined_by().end();
      Rect tile{block.x + static_cast<float>(i % cols) * (tw + gap),
                block.y + static_cast<float>(i / cols) * (th + gap), tw, th};
      const sf::Color c = yes ? colour::kGood : no ? colour::kBad : colour::kNotVoted;
      ui.Box(tile, c, ui.P(4), i == v.viewer() ? colour::kYou : sf::Color::Transparent,
             i == v.viewer() ? ui.P(3) : 0);
      Rect strip = tile.TakeLeft(ui.P(6));
      ui.Box(strip, RoleColour(v.seats(i).role()), ui.P(2));
      ui.TextIn(ShortName(v.seats(i).name()) + (yes  ? "  ratified"
                                                : no ? "  declined"
                                                     : ""),
                tile.Inset(ui.P(6), 0), 11.5f * k, yes || no ? sf::Color::White : colour::kText,
                yes || no);
      ui.Mark("ratify." + std::to_string(t.id()) + "." + std::to_string(i), tile);
    }
  }
}

}  // namespace mf::client
