// The connect screen, the lobby, the secret brief and the facilitator's
// control room.
#include <algorithm>
#include <cmath>

#include "client/app.h"
#include "client/qr.h"
#include "client/style.h"
#include "client/view_util.h"
#include "rules/state.h"

namespace mf::client {
namespace {

std::string BadgeFor(mf::Role r) {
  return r == mf::SOURCE    ? "badge_source"
         : r == mf::TRANSIT ? "badge_transit"
                            : "badge_destination";
}

}  // namespace

void App::DrawConnect(Rect r) {
  Ui& ui = *ui_;
  Rect card{r.centre().x - ui.P(290), r.centre().y - ui.P(280), ui.P(580), ui.P(560)};
  ui.Box({card.x + ui.P(3), card.y + ui.P(4), card.w, card.h}, sf::Color(0, 0, 0, 40), ui.P(12));
  ui.Box(card, colour::kPanel, ui.P(12), colour::kBorder, ui.P(1));
  ui.Mark("connect", card);
  Rect in = card.Inset(ui.P(28), ui.P(22));
  Rect head = in.TakeTop(ui.P(48));
  ui.Icon("app_icon", head.TakeLeft(head.h));
  head.TakeLeft(ui.P(12));
  ui.TextIn("Migration Forum", head, 24, colour::kText, true);
  ui.Paragraph(
      "A negotiation game about the global governance of migration. Join the forum your "
      "teacher or host has opened, or play offline against bots.",
      in.TakeTop(ui.P(44)), 13, colour::kMuted, false, 2);
  in.TakeTop(ui.P(6));
  auto field = [&](const std::string& label, const std::string& id, sf::String* text,
                   const std::string& hint, size_t max) {
    ui.TextIn(label, in.TakeTop(ui.P(20)), 12, colour::kMuted, true);
    ui.Field(id, in.TakeTop(ui.P(36)), text, hint, max);
    in.TakeTop(ui.P(8));
  };
  field("SERVER", "server", &form_.server, "host:port, e.g. 192.168.1.20:50051", 200);
  field("JOIN CODE", "code", &form_.code, "the code on the board, e.g. KQ7-M3P", 40);
  field("YOUR NAME", "name", &form_.name, "how others will see you", 40);
  field("SEAT (OPTIONAL)", "seat", &form_.seat, "1 for the first seat; empty: the first free one",
        4);
  ConnectRequest req = options_.defaults;
  req.server = ToUtf8(form_.server);
  req.code = ToUtf8(form_.code);
  req.name = ToUtf8(form_.name);
  req.seat = -1;
  const std::string seat = ToUtf8(form_.seat);
  if (!seat.empty() && std::all_of(seat.begin(), seat.end(), ::isdigit))
    req.seat = std::stoi(seat) - 1;
  std::string why;
  if (req.server.empty())
    why = "type the server's address";
  else if (req.code.empty())
    why = "type the join code";
  const std::string why_join = why.empty() && req.name.empty() ? "type your name" : why;
  if (!connect_) why = "this build cannot connect", (void)0;
  Rect buttons = in.TakeTop(ui.P(40));
  const float bw = (buttons.w - ui.P(16)) / 3;
  auto go = [&](ConnectRequest q) {
    std::string error;
    std::unique_ptr<Connection> c = connect_ ? connect_(q, &error) : nullptr;
    if (c) {
      SetConnection(std::move(c));
      form_.error.clear();
    } else {
      form_.error = error.empty() ? "cannot connect" : error;
    }
  };
  if (ui.Button(buttons.TakeLeft(bw), "Join", ButtonKind::kPrimary,
                connect_ ? why_join : "this build cannot connect", sf::Keyboard::Enter))
    go(req);
  buttons.TakeLeft(ui.P(8));
  if (ui.Button(buttons.TakeLeft(bw), "Watch", ButtonKind::kNormal,
                connect_ ? why : "this build cannot connect")) {
    req.spectate = true;
    go(req);
  }
  buttons.TakeLeft(ui.P(8));
  if (ui.Button(buttons, "Play offline", ButtonKind::kNormal,
                connect_ ? "" : "this build cannot connect", sf::Keyboard::Unknown,
                "Play " + req.scenario + " on this computer against bots")) {
    req.offline = true;
    go(req);
  }
  in.TakeTop(ui.P(10));
  if (!form_.error.empty()) ui.Paragraph(form_.error, in, 13, colour::kBad, true, 3);
}

void App::DrawJoinLink(Rect r) {
  Ui& ui = *ui_;
  const std::string& link = snap_.web_link;
  ui.TextIn("OR IN A BROWSER", r.TakeTop(ui.P(18)), 11, colour::kMuted, true, Align::kCentre);
  // The link in words under the code, in one line (smaller type for a long one).
  const float size = std::min(11.f, 11.f * r.w / std::max(1.f, ui.Measure(link, 11)));
  const float text_h = ui.LineHeight(size) + ui.P(4);
  const QrMatrix qr = EncodeQr(link);
  // Whole screen pixels per module, on white with the quiet zone of four
  // modules the standard asks for, so a phone's camera reads it.
  const int modules = qr.size + 8;
  const float px =
      std::max(1.f, std::floor(std::min(r.w, r.h - text_h) / static_cast<float>(modules)));
  const float side = qr.size ? px * static_cast<float>(modules) : 0;
  const float x0 = std::round(r.centre().x - side / 2), y0 = std::round(r.y);
  if (qr.size) {
    ui.Box({x0, y0, side, side}, sf::Color::White);
    const sf::Color dark(16, 16, 16);
    for (int y = 0; y < qr.size; ++y)
      for (int x = 0; x < qr.size; ++x)
        if (qr.at(x, y))
          ui.Box({x0 + px * static_cast<float>(x + 4), y0 + px * static_cast<float>(y + 4), px, px},
                 dark);
    ui.Mark("lobby.qr", {x0, y0, side, side});
  }
  const Rect text{r.x, y0 + side, r.w, text_h};
  ui.TextIn(link, text, size, colour::kText, false, Align::kCentre);
  ui.Mark("lobby.link", text);
}

void App::DrawLobby(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  // The browser link with its QR code, for the class to join from phones
  // (the projector and the facilitator; forumd tells the link, client/qr.h).
  const bool show_link = !snap_.web_link.empty() && (IsFacilitator(v) || IsSpectator(v));
  Rect head = Panel(r.TakeTop(ui.P(show_link ? 250 : 176)), "");
  r.TakeTop(ui.P(8));
  ui.Mark("lobby.head", head);
  Rect code = head.TakeRight(ui.P(260));
  head.TakeRight(ui.P(12));
  if (show_link) {
    Rect box = head.TakeRight(ui.P(300));
    head.TakeRight(ui.P(12));
    DrawJoinLink(box);
  }
  ui.TextIn(v.title(), head.TakeTop(ui.P(28)), 20, colour::kText, true);
  int roles[4] = {0, 0, 0, 0};
  for (const mf::SeatPublic& s : v.seats()) ++roles[std::clamp(static_cast<int>(s.role()), 0, 3)];
  ui.TextIn(std::to_string(v.seats_size()) + " states (" + std::to_string(roles[mf::SOURCE]) +
                " source, " + std::to_string(roles[mf::TRANSIT]) + " transit, " +
                std::to_string(roles[mf::DESTINATION]) + " destination)  ·  " +
                std::to_string(v.cycles()) + " forum cycles  ·  " + RuleSentence(v),
            head.TakeTop(ui.P(20)), 12, colour::kMuted);
  head.TakeTop(ui.P(4));
  ui.Paragraph(v.description(), head, 12.5f, colour::kText, false, 0);
  // The join code, large, for the board.
  ui.Box(code, Mix(colour::kAccent, sf::Color::White, 0.88f), ui.P(8));
  Rect cin = code.Inset(ui.P(12), ui.P(8));
  ui.TextIn(snap_.join_code.empty() ? "" : "JOIN CODE", cin.TakeTop(ui.P(18)), 11, colour::kMuted,
            true, Align::kCentre);
  ui.TextIn(snap_.join_code.empty() ? "" : snap_.join_code, cin.TakeTop(ui.P(44)), 30,
            colour::kAccentDark, true, Align::kCentre);
  if (IsFacilitator(v) && v.paused()) {
    mf::Action start;
    start.mutable_resume();
    ActionButton(cin.TakeBottom(ui.P(38)), "Start the forum", start, ButtonKind::kGood,
                 sf::Keyboard::Unknown,
                 "Resume the session: the clock starts and everyone can act");
    cin.TakeBottom(ui.P(6));
  }
  ui.Paragraph(IsFacilitator(v)
                   ? (v.paused() ? "Players join with this code. Start when the class is ready."
                                 : "The forum is under way.")
               : v.paused() && v.cycle() == 1
                   ? "Waiting for the facilitator to start. Read your brief meanwhile (B)."
                   : "The forum is under way.",
               cin, 12, colour::kMuted, false, 3);
  // The seats.
  Rect in = Panel(r, "THE STATES AT THE TABLE");
  ui.Mark("lobby.seats", in);
  const int n = v.seats_size();
  int cols = std::max(1, static_cast<int>(in.w / ui.P(n <= 12 ? 380 : 240)));
  int rows = (n + cols - 1) / cols;
  while (rows > 0 && in.h / static_cast<float>(rows) < ui.P(40) && cols < n) {
    ++cols;
    rows = (n + cols - 1) / cols;
  }
  const float gap = ui.P(6);
  const float tw = (in.w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  const float th = std::min(ui.P(n <= 12 ? 66 : 58),
                            (in.h - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  const bool small = th < ui.P(48);
  for (int i = 0; i < n; ++i) {
    const mf::SeatPublic& s = v.seats(i);
    Rect tile{in.x + static_cast<float>(i % cols) * (tw + gap),
              in.y + static_cast<float>(i / cols) * (th + gap), tw, th};
    ui.Box(tile, colour::kPanelAlt, ui.P(6), i == v.viewer() ? colour::kYou : colour::kBorder,
           i == v.viewer() ? ui.P(3) : ui.P(1));
    ui.Mark("lobby.seat." + std::to_string(i), tile);
    Rect t = tile.Inset(ui.P(6), ui.P(4));
    Rect badge = t.TakeLeft(std::min(t.h, ui.P(34)));
    if (s.kind() == mf::SEAT_ORGANISATION)
      DrawSeatBadge(ui, s, {badge.x, t.centre().y - badge.w / 2, badge.w, badge.w});
    else
      ui.Icon(BadgeFor(s.role()), {badge.x, t.centre().y - badge.w / 2, badge.w, badge.w});
    ui.Mark("lobby.seat." + std::to_string(i) + ".badge",
            {badge.x, t.centre().y - badge.w / 2, badge.w, badge.w});
    t.TakeLeft(ui.P(6));
    std::string who = s.bot() ? "bot" : "person";
    for (const Presence& p : snap_.roster)
      if (p.seat == i)
        who = p.bot       ? "bot"
              : p.claimed ? (p.player.empty() ? "taken" : p.player) + (p.connected ? "" : " (away)")
                          : "open seat";
    if (i == v.viewer()) who = "you";
    const float sw = std::min(ui.Measure(who, 11, true), t.w * 0.4f);
    Rect status = t.TakeRight(sw + ui.P(who == "bot" ? 22 : 4));
    const sf::Color sc = who == "bot"         ? colour::kMuted
                         : who == "open seat" ? colour::kWarning
                                              : colour::kGood;
    if (who == "bot")
      ui.Icon("icon_bot", {status.x, status.centre().y - ui.P(8), ui.P(16), ui.P(16)},
              colour::kMuted);
    ui.TextIn(who, status, 11, sc, true, Align::kRight);
    if (small) {
      ui.TextIn(s.name(), t, 12, colour::kText, true);
    } else {
      ui.TextIn(s.name(), {t.x, t.y, t.w, t.h * 0.55f}, 13, colour::kText, true);
      ui.TextIn(RoleMixWord(s) + "  ·  " + BlocWord(s.bloc()) +
                    (s.region().empty() ? "" : "  ·  " + s.region()),
                {t.x, t.y + t.h * 0.5f, t.w, t.h * 0.5f}, 11, colour::kMuted);
    }
    if (ui.Hover(tile))
      ui.Tip(s.name() + ": " + RoleMixWord(s) + " state, " + BlocWord(s.bloc()) + ", " +
             s.region() + (s.host() ? "\nHosts the forum this cycle" : "") +
             (s.steering() ? "\nSteering group" : ""));
  }
}

void App::DrawBrief(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  int seat = v.viewer();
  const mf::Brief* brief = &v.brief();
  if (IsFacilitator(v)) {
    seat = std::clamp(compose_.brief_seat, 0, std::max(0, v.seats_size() - 1));
    if (seat >= v.all_briefs_size()) {
      ui.TextIn("No briefs in this view.", r, 14, colour::kMuted, false, Align::kCentre);
      return;
    }
    brief = &v.all_briefs(seat);
    Rect pick = r.TakeTop(ui.P(36));
    r.TakeTop(ui.P(6));
    if (ui.Button(pick.TakeLeft(ui.P(36)), "<", ButtonKind::kNormal, "", sf::Keyboard::Left))
      compose_.brief_seat = (seat + v.seats_size() - 1) % v.seats_size();
    pick.TakeLeft(ui.P(6));
    if (ui.Button(pick.TakeLeft(ui.P(36)), ">", ButtonKind::kNormal, "", sf::Keyboard::Right))
      compose_.brief_seat = (seat + 1) % v.seats_size();
    pick.TakeLeft(ui.P(10));
    ui.TextIn("Facilitator: the secret brief of seat " + std::to_string(seat + 1) +
                  " (arrows, or click a seat)",
              pick, 13, colour::kMuted);
  }
  const mf::SeatPublic* s = SeatAt(v, seat);
  if (!s) {
    Rect in = Panel(r, "BRIEFS");
    ui.Paragraph("Every state's brief is secret: only its player and the facilitator see it.", in,
                 14, colour::kMuted, false, 3);
    return;
  }
  // Header.
  Rect head = Panel(r.TakeTop(ui.P(78)), "");
  r.TakeTop(ui.P(8));
  Rect badge = head.TakeLeft(head.h);
  if (s->kind() == mf::SEAT_ORGANISATION)
    DrawSeatBadge(ui, *s, badge);
  else
    ui.Icon(BadgeFor(s->role()), badge);
  ui.Mark("brief.badge", badge);
  head.TakeLeft(ui.P(12));
  ui.TextIn((seat == v.viewer() ? "Your secret brief: " : "Secret brief: ") + s->name(),
            head.TakeTop(head.h * 0.5f), 20, colour::kText, true);
  ui.TextIn(RoleMixWord(*s) + " state  ·  " + BlocWord(s->bloc()) +
                (s->region().empty() ? "" : "  ·  " + s->region()) + "  ·  approval at home " +
                Percent(s->approval()) + "  ·  " + std::to_string(s->political_capital()) +
                " political capital",
            head, 13, colour::kMuted);
  // Left: the briefing in prose. Right: wants and red lines.
  Rect left = r.TakeLeft(r.w * 0.42f);
  r.TakeLeft(ui.P(10));
  Rect prose = Panel(left, "THE SITUATION");
  if (!v.carried().empty()) {
    // A campaign session: what carried over from the session before.
    const float h =
        ui.Paragraph(v.carried(), prose.Inset(ui.P(10), 0), 12.5f, colour::kText, false, 6, false);
    Rect box = prose.TakeTop(h + ui.P(34));
    prose.TakeTop(ui.P(8));
    ui.Box(box, Mix(colour::kAccent, sf::Color::White, 0.88f), ui.P(6));
    ui.Mark("brief.carried", box);
    Rect in = box.Inset(ui.P(10), ui.P(6));
    ui.TextIn("CARRIED OVER FROM THE SESSION BEFORE", in.TakeTop(ui.P(18)), 11, colour::kMuted,
              true);
    ui.Paragraph(v.carried(), in, 12.5f, colour::kText, false, 6);
  }
  ui.Mark("brief.text", prose);
  ui.Paragraph(
      brief->briefing().empty() ? "(No briefing text in this scenario.)" : brief->briefing(), prose,
      13.5f, colour::kText, false, 0);
  Rect red = r.TakeBottom(std::min(
      r.h * 0.36f, ui.P(60 + 40 * static_cast<float>(std::max(1, brief->red_lines_size())))));
  r.TakeBottom(ui.P(8));
  Rect wants = Panel(r, "WHAT YOU WANT ON EACH THEME (0 = RESTRICTIVE, 100 = OPEN)");
  ui.Mark("brief.wants", wants);
  std::vector<const mf::Stance*> stances;
  for (const mf::Stance& st : brief->stances()) stances.push_back(&st);
  std::sort(stances.begin(), stances.end(),
            [](const mf::Stance* a, const mf::Stance* b) { return a->priority() > b->priority(); });
  const float row_h =
      std::min(ui.P(52), wants.h / static_cast<float>(std::max<size_t>(1, stances.size())));
  double top = 1e-9;
  for (const mf::Stance* st : stances) top = std::max(top, st->priority());
  for (const mf::Stance* st : stances) {
    const mf::Theme* t = FindTheme(v, st->theme());
    Rect row = wants.TakeTop(row_h);
    Rect name = row.TakeLeft(row.w * 0.40f);
    ui.TextIn(t ? t->name() : st->theme(), {name.x, name.y, name.w, name.h * 0.55f}, 12,
              colour::kText, true);
    ui.TextIn(PriorityWords(*brief, st->theme()) + "  ·  you want " + std::to_string(st->ideal()),
              {name.x, name.y + name.h * 0.5f, name.w, name.h * 0.45f}, 11, colour::kMuted);
    // Priority bar.
    Rect pr = row.TakeLeft(ui.P(60));
    Rect pb{pr.x, pr.centre().y - ui.P(4), pr.w - ui.P(12), ui.P(8)};
    ui.Box(pb, colour::kDisabled, ui.P(4));
    Rect pf = pb;
    pf.w = pb.w * static_cast<float>(st->priority() / top);
    ui.Box(pf, colour::kYou, ui.P(4));
    // The ideal on a small axis with its end labels.
    const float x0 = row.x + ui.P(6), x1 = row.r() - ui.P(6);
    const float y = row.y + row.h * 0.38f;
    ui.Box({x0, y - ui.P(2), x1 - x0, ui.P(4)}, colour::kDisabled, ui.P(2));
    if (t) {
      const float sq = x0 + (x1 - x0) * static_cast<float>(t->status_quo()) / 100.0f;
      ui.Triangle({sq, y + ui.P(3)}, {sq - ui.P(4), y + ui.P(8)}, {sq + ui.P(4), y + ui.P(8)},
                  colour::kMuted);
    }
    const float ix = x0 + (x1 - x0) * static_cast<float>(st->ideal()) / 100.0f;
    ui.Icon("icon_cochair", {ix - ui.P(8), y - ui.P(8), ui.P(16), ui.P(16)}, colour::kYou);
    if (t) {
      ui.TextIn(t->low_label(), {x0, y + ui.P(8), (x1 - x0) * 0.48f, ui.P(14)}, 10, colour::kMuted);
      ui.TextIn(t->high_label(), {x0 + (x1 - x0) * 0.52f, y + ui.P(8), (x1 - x0) * 0.48f, ui.P(14)},
                10, colour::kMuted, false, Align::kRight);
    }
    if (ui.Hover(row))
      ui.Tip("You want " + PositionWords(t, st->ideal()) +
             ". Today's policy: " + (t ? std::to_string(t->status_quo()) : std::string("?")) + ".");
  }
  Rect rin = Panel(red, "RED LINES: CROSS THEM AND YOUR VOTERS PUNISH YOU");
  ui.Mark("brief.redlines", rin);
  if (brief->red_lines_size() == 0)
    ui.TextIn("None.", rin.TakeTop(ui.P(20)), 12.5f, colour::kMuted);
  for (const mf::RedLine& rl : brief->red_lines()) {
    if (rin.h < ui.P(18)) break;
    const mf::Theme* t = FindTheme(v, rl.theme());
    std::string rule = t ? t->name() + ": " : "";
    std::vector<std::string> parts;
    if (rl.max_form() != mf::FORM_UNSPECIFIED)
      parts.push_back("nothing stronger than " + FormWord(rl.max_form()));
    if (rl.max_position() > 0 && rl.max_position() < 100)
      parts.push_back("not above " + std::to_string(rl.max_position()));
    if (rl.min_position() > 0) parts.push_back("not below " + std::to_string(rl.min_position()));
    for (size_t i = 0; i < parts.size(); ++i) rule += (i ? ", " : "") + parts[i];
    Rect line = rin.TakeTop(ui.P(38));
    ui.Box({line.x, line.y + ui.P(3), ui.P(4), line.h - ui.P(8)}, colour::kBad, ui.P(2));
    ui.TextIn(rule, {line.x + ui.P(10), line.y, line.w - ui.P(10), ui.P(18)}, 12.5f, colour::kBad,
              true);
    ui.TextIn(rl.reason(), {line.x + ui.P(10), line.y + ui.P(17), line.w - ui.P(10), ui.P(18)},
              11.5f, colour::kMuted);
  }
}

void App::DrawControl(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int n = v.seats_size();
  Rect right = r.TakeRight(ui.P(400));
  r.TakeRight(ui.P(10));
  // Roster.
  Rect in = Panel(r, "WHO IS AT THE TABLE");
  ui.Mark("control.roster", in);
  const float row_h = std::min(ui.P(30), in.h / static_cast<float>(std::max(1, n + 1)));
  const float size = std::min(12.5f, row_h / ui.s * 0.48f);
  Rect header = in.TakeTop(row_h);
  const float cw[5] = {0.30f, 0.26f, 0.14f, 0.12f, 0.18f};
  const char* titles[5] = {"STATE", "PLAYER", "LINK", "READY", ""};
  {
    Rect h = header;
    const float w = h.w;
    for (int c = 0; c < 5; ++c)
      ui.TextIn(titles[c], h.TakeLeft(w * cw[c]), 10.5f, colour::kMuted, true);
  }
  for (int i = 0; i < n; ++i) {
    const mf::SeatPublic& s = v.seats(i);
    Rect row = in.TakeTop(row_h);
    if (i % 2 == 0) ui.Box(row, colour::kPanelAlt);
    const float w = row.w;
    Rect c0 = row.TakeLeft(w * cw[0]);
    Rect badge = c0.TakeLeft(row_h);
    ui.Icon(BadgeFor(s.role()), badge.Inset(ui.P(3)));
    ui.TextIn(s.name(), c0, size, colour::kText, true);
    const Presence* p = nullptr;
    for (const Presence& x : snap_.roster)
      if (x.seat == i) p = &x;
    ui.TextIn(p ? (p->player.empty() ? (p->claimed ? "taken" : "-") : p->player) : "?",
              row.TakeLeft(w * cw[1]), size, colour::kText);
    Rect link = row.TakeLeft(w * cw[2]);
    const bool up = p && p->connected;
    if (s.bot() || (p && p->bot)) {
      ui.Icon("icon_bot", {link.x, link.centre().y - ui.P(8), ui.P(16), ui.P(16)}, colour::kMuted);
      ui.TextIn("bot", {link.x + ui.P(20), link.y, link.w, link.h}, size, colour::kMuted);
    } else {
      ui.Disc({link.x + ui.P(6), link.centre().y}, ui.P(5), up ? colour::kGood : colour::kBad);
      ui.TextIn(up ? "online" : "away", {link.x + ui.P(16), link.y, link.w, link.h}, size,
                up ? colour::kGood : colour::kBad);
    }
    ui.TextIn(s.ready() ? "ready" : "working", row.TakeLeft(w * cw[3]), size,
              s.ready() ? colour::kGood : colour::kMuted);
    mf::Action a;
    a.mutable_set_bot()->set_seat(i);
    a.mutable_set_bot()->set_bot(!s.bot());
    ActionButton(row.Inset(ui.P(2), ui.P(2)), s.bot() ? "To a person" : "To a bot", a,
                 ButtonKind::kNormal, sf::Keyboard::Unknown,
                 s.bot() ? "Give the seat back to its player"
                         : "Let a bot play this seat (e.g. a student left)");
    ui.Mark("control.seat." + std::to_string(i), row);
  }
  // Phase controls, events, session.
  Rect pc = Panel(right.TakeTop(ui.P(190)), "THE PHASE");
  right.TakeTop(ui.P(8));
  const float gap = ui.P(6);
  {
    Rect line = pc.TakeTop(ui.P(36));
    const float w = (line.w - gap) / 2;
    mf::Action a;
    if (v.paused()) {
      a.mutable_resume();
      ActionButton(line.TakeLeft(w), "Resume", a, ButtonKind::kGood, sf::Keyboard::P);
    } else {
      a.mutable_pause();
      ActionButton(line.TakeLeft(w), "Pause", a, ButtonKind::kNormal, sf::Keyboard::P);
    }
    line.TakeLeft(gap);
    mf::Action adv;
    adv.mutable_advance();
    ActionButton(line, "Advance", adv, ButtonKind::kPrimary, sf::Keyboard::A,
                 "End " + PhaseWord(v.phase()) + " now, whoever is not ready");
    pc.TakeTop(gap);
    line = pc.TakeTop(ui.P(36));
    Rect minus = line.TakeLeft(ui.P(36));
    Rect plus = line.TakeLeft(ui.P(36));
    if (ui.Button(minus, "-", ButtonKind::kNormal,
                  compose_.extend_seconds > 30 ? "" : "30 s at least"))
      compose_.extend_seconds -= 30;
    if (ui.Button(plus, "+", ButtonKind::kNormal,
                  compose_.extend_seconds < 3600 ? "" : "one hour at most"))
      compose_.extend_seconds += 30;
    line.TakeLeft(gap);
    mf::Action ext;
    ext.mutable_extend()->set_seconds(compose_.extend_seconds);
    ActionButton(line, "Extend by " + Clock(compose_.extend_seconds), ext, ButtonKind::kNormal,
                 sf::Keyboard::E);
    pc.TakeTop(gap);
    const int left = SecondsLeft();
    ui.TextIn(left >= 0 ? "Time left: " + Clock(left) : "No clock on this phase",
              pc.TakeTop(ui.P(22)), 13, colour::kText, true);
    ui.TextIn(std::to_string(n - static_cast<int>(NotReady(v).size())) + " of " +
                  std::to_string(n) + " states ready",
              pc.TakeTop(ui.P(20)), 12.5f, colour::kMuted);
  }
  Rect ev = Panel(right.TakeTop(ui.P(168)), "INJECT A WORLD EVENT");
  right.TakeTop(ui.P(8));
  {
    Rect line = ev.TakeTop(ui.P(34));
    const auto kind = static_cast<mf::EventKind>(std::clamp(compose_.inject_kind, 1, 8));
    if (ui.Button(line, std::string(rules::EventKindName(kind)) + "  (click: next)",
                  ButtonKind::kNormal))
      compose_.inject_kind = compose_.inject_kind % 8 + 1;
    ev.TakeTop(gap);
    line = ev.TakeTop(ui.P(34));
    const std::string target = compose_.inject_seat < 0
                                   ? "Strikes: drawn at random"
                                   : "Strikes: " + SeatName(v, compose_.inject_seat);
    if (ui.Button(line, target, ButtonKind::kNormal, "", sf::Keyboard::Unknown,
                  "Climate disasters and election swings strike one state"))
      compose_.inject_seat = compose_.inject_seat + 1 >= n ? -1 : compose_.inject_seat + 1;
    ev.TakeTop(gap);
    mf::Action a;
    a.mutable_inject_event()->set_kind(kind);
    a.mutable_inject_event()->set_seat(compose_.inject_seat);
    ActionButton(ev.TakeTop(ui.P(36)), "Inject now", a, ButtonKind::kPrimary);
  }
  Rect info = Panel(right, "SESSION");
  ui.TextIn("Join code: " + (snap_.join_code.empty() ? std::string("-") : snap_.join_code),
            info.TakeTop(ui.P(26)), 16, colour::kAccentDark, true);
  ui.TextIn("Session: " + (snap_.session.empty() ? std::string("-") : snap_.session),
            info.TakeTop(ui.P(20)), 12, colour::kMuted);
  ui.TextIn("Version " + std::to_string(v.version()) + "  ·  state hash " +
                std::to_string(v.state_hash() % 1000000),
            info.TakeTop(ui.P(20)), 12, colour::kMuted);
  ui.Paragraph(
      "Every channel and every deal is readable in Talk & deals (N); every brief in My brief (B).",
      info, 12, colour::kMuted, false, 3);
}

}  // namespace mf::client
