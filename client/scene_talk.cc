// Negotiation: chat channels (public, bilateral, caucus), the side-deal
// composer (what I give, what I ask) and the inbox of offers.
#include <algorithm>
#include <functional>

#include "client/app.h"
#include "client/style.h"
#include "client/view_util.h"
#include "rules/catalogue.h"
#include "rules/state.h"

namespace mf::client {
namespace {

bool InCaucus(const mf::View& v, const mf::Caucus& c, int seat) {
  const mf::SeatPublic* s = SeatAt(v, seat);
  return s && std::find(c.members().begin(), c.members().end(), s->id()) != c.members().end();
}

bool Shows(const mf::View& v, const Channel& ch, const ChatLine& l, bool all) {
  if (all) return true;
  switch (ch.to) {
    case Channel::To::kEveryone:
      return l.channel.to == Channel::To::kEveryone;
    case Channel::To::kCaucus:
      return l.channel.to == Channel::To::kCaucus && l.channel.caucus == ch.caucus;
    case Channel::To::kSeat:
      return l.channel.to == Channel::To::kSeat &&
             ((l.from == v.viewer() && l.channel.seat == ch.seat) ||
              (l.from == ch.seat && l.channel.seat == v.viewer()));
  }
  return false;
}

std::string ChannelLabel(const mf::View& v, const ChatLine& l) {
  switch (l.channel.to) {
    case Channel::To::kEveryone:
      return "public";
    case Channel::To::kCaucus:
      return l.channel.caucus;
    case Channel::To::kSeat:
      return "to " + SeatName(v, l.channel.seat);
  }
  return "";
}

}  // namespace

void App::DrawTalk(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  // The press desks' reports are public: a press desk reads them beside the
  // chat and its panel; everyone else under the chat, once there are reports.
  if (IsPress(v)) {
    // A desk's desk: its panel, the reports so far and the public chat.
    Rect panel = r.TakeRight(ui.P(400));
    r.TakeRight(ui.P(10));
    DrawActionPanel(panel);
    Rect reports = r.TakeRight(r.w * 0.58f);
    r.TakeRight(ui.P(10));
    DrawChat(r);
    DrawPressReports(reports);
    return;
  }
  if (v.press_reports_size() > 0) {
    Rect reports = r.TakeBottom(std::min(ui.P(220), r.h * 0.4f));
    r.TakeBottom(ui.P(10));
    DrawPressReports(reports);
  }
  if (IsSpectator(v) || options_.projector) {
    DrawChat(r);
    return;
  }
  Rect deals = r.TakeRight(std::min(ui.P(500), r.w * 0.46f));
  r.TakeRight(ui.P(10));
  DrawChat(r);
  DrawDeals(deals);
}

void App::DrawChat(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  Rect in = Panel(r, "TALK");
  ui.Mark("chat", r);
  const bool facilitator = IsFacilitator(v);
  // Channels.
  Rect list = in.TakeLeft(ui.P(190));
  in.TakeLeft(ui.P(10));
  struct Item {
    std::string label;
    Channel ch;
    bool all = false;
  };
  std::vector<Item> items;
  if (facilitator) items.push_back({"Every channel", {}, true});
  items.push_back({"Public (everyone)", {}, false});
  for (const mf::Caucus& c : v.caucuses())
    if (facilitator || InCaucus(v, c, v.viewer())) {
      Channel ch;
      ch.to = Channel::To::kCaucus;
      ch.caucus = c.id();
      items.push_back({"Caucus: " + c.name(), ch, false});
    }
  if (IsPlayer(v)) {
    std::vector<int> partners;
    for (const ChatLine& l : snap_.chat)
      if (l.channel.to == Channel::To::kSeat) {
        const int other = l.from == v.viewer() ? l.channel.seat : l.from;
        if (other >= 0 && other != v.viewer() &&
            std::find(partners.begin(), partners.end(), other) == partners.end())
          partners.push_back(other);
      }
    if (compose_.channel.to == Channel::To::kSeat && compose_.channel.seat >= 0 &&
        std::find(partners.begin(), partners.end(), compose_.channel.seat) == partners.end())
      partners.push_back(compose_.channel.seat);
    for (int p : partners) {
      Channel ch;
      ch.to = Channel::To::kSeat;
      ch.seat = p;
      items.push_back({"With " + SeatName(v, p), ch, false});
    }
  }
  bool& show_all = compose_.chat_all;  // The facilitator's "every channel".
  if (!facilitator) show_all = false;
  for (const Item& it : items) {
    if (list.h < ui.P(30)) break;
    const bool on = it.all ? show_all : (!show_all && compose_.channel == it.ch);
    if (ui.Button(list.TakeTop(ui.P(30)), it.label,
                  on ? ButtonKind::kSelected : ButtonKind::kNormal, "", sf::Keyboard::Unknown,
                  it.label)) {
      show_all = it.all;
      if (!it.all) compose_.channel = it.ch;
    }
    list.TakeTop(ui.P(4));
  }
  if (IsPlayer(v) && list.h > ui.P(90)) {
    // Private talk with any state: the same counterpart as the deal composer.
    list.TakeTop(ui.P(6));
    ui.TextIn("PRIVATE TALK WITH", list.TakeTop(ui.P(18)), 11, colour::kMuted, true);
    const int n = v.seats_size();
    if (compose_.deal_to < 0 || compose_.deal_to >= n || compose_.deal_to == v.viewer())
      compose_.deal_to = (v.viewer() + 1) % n;
    Rect pick = list.TakeTop(ui.P(30));
    Rect prev = pick.TakeLeft(ui.P(26));
    Rect next = pick.TakeRight(ui.P(26));
    if (ui.Button(prev, "<")) {
      do compose_.deal_to = (compose_.deal_to + n - 1) % n;
      while (compose_.deal_to == v.viewer());
    }
    if (ui.Button(next, ">")) {
      do compose_.deal_to = (compose_.deal_to + 1) % n;
      while (compose_.deal_to == v.viewer());
    }
    Channel ch;
    ch.to = Channel::To::kSeat;
    ch.seat = compose_.deal_to;
    const bool on = !show_all && compose_.channel == ch;
    if (ui.Button(pick.Inset(ui.P(3), 0), ShortName(SeatName(v, compose_.deal_to)),
                  on ? ButtonKind::kSelected : ButtonKind::kNormal, "", sf::Keyboard::Unknown,
                  "Talk privately with " + SeatName(v, compose_.deal_to)))
      compose_.channel = ch, show_all = false;
    list.TakeTop(ui.P(6));
    ui.Paragraph("Or click a seat at the roundtable.", list, 11, colour::kMuted, false, 3);
  }
  // Messages, newest at the bottom.
  Rect input = in.TakeBottom(ui.P(36));
  in.TakeBottom(ui.P(8));
  ui.Box(in, colour::kPanelAlt, ui.P(6));
  Rect msgs = in.Inset(ui.P(10), ui.P(8));
  std::vector<const ChatLine*> lines;
  for (const ChatLine& l : snap_.chat)
    if (Shows(v, compose_.channel, l, show_all)) lines.push_back(&l);
  float& scroll = memory_.scroll["chat"];
  if (ui.Hover(in) && ui.input().wheel != 0) scroll = std::max(0.0f, scroll + ui.input().wheel * 3);
  const float size = 13;
  const float lh = ui.LineHeight(size);
  float y = msgs.b();
  const int skip =
      std::min(static_cast<int>(scroll), std::max(0, static_cast<int>(lines.size()) - 1));
  for (int i = static_cast<int>(lines.size()) - 1 - skip; i >= 0; --i) {
    const ChatLine& l = *lines[i];
    const sf::Color who = l.from >= 0 && SeatAt(v, l.from)
                              ? Mix(RoleColour(SeatAt(v, l.from)->role()), sf::Color::Black, 0.25f)
                              : colour::kAccentDark;
    std::string prefix = l.from_name.empty() ? SeatName(v, l.from) : l.from_name;
    if (show_all) prefix += " (" + ChannelLabel(v, l) + ")";
    const float pw = ui.Measure(prefix + ": ", size, true);
    std::vector<sf::String> body = ui.Wrap(FromUtf8(l.text), size, msgs.w - pw, false);
    const float h = lh * static_cast<float>(body.size());
    if (y - h < msgs.y) break;
    y -= h;
    ui.Text(prefix + ":", msgs.x, y, size, who, true);
    for (size_t k = 0; k < body.size(); ++k)
      ui.Text(ToUtf8(body[k]), msgs.x + pw, y + lh * static_cast<float>(k), size, colour::kText);
    y -= ui.P(4);
  }
  if (lines.empty())
    ui.TextIn(show_all ? "No messages yet." : "No messages in this channel yet.",
              msgs.Inset(0, msgs.h / 2 - ui.P(10)), 13, colour::kMuted, false, Align::kCentre);
  // Input.
  if (replay_) {
    ui.TextIn("A replay: the messages sent up to this moment of the session.", input, 12,
              colour::kMuted);
    return;
  }
  if (IsSpectator(v)) {
    ui.TextIn("Spectators read the public channel.", input, 12, colour::kMuted);
    return;
  }
  if (IsPress(v)) {
    ui.TextIn("A press desk reads the public channel and publishes reports (the panel).", input, 12,
              colour::kMuted);
    return;
  }
  Rect send = input.TakeRight(ui.P(90));
  input.TakeRight(ui.P(8));
  const bool enter = ui.Field("chat", input, &compose_.chat_text,
                              show_all ? "Choose a channel to write in" : "Write a message", 500);
  const std::string why = show_all                       ? "choose one channel to write in"
                          : compose_.chat_text.isEmpty() ? "write something first"
                                                         : "";
  if ((ui.Button(send, "Send", ButtonKind::kPrimary, why) || (enter && why.empty())) &&
      connection_) {
    connection_->SendChat(compose_.channel, ToUtf8(compose_.chat_text));
    compose_.chat_text.clear();
    scroll = 0;
  }
}

void App::DrawDeals(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const int n = v.seats_size();
  const float gap = ui.P(6);
  if (IsPlayer(v)) {
    Rect composer = Panel(r.TakeTop(ui.P(336)), "PROPOSE A SIDE DEAL (PRIVATE)");
    ui.Mark("deal.composer", composer);
    r.TakeTop(ui.P(8));
    // Counterpart.
    if (compose_.deal_to < 0 || compose_.deal_to >= n || compose_.deal_to == v.viewer())
      compose_.deal_to = (v.viewer() + 1) % n;
    Rect who = composer.TakeTop(ui.P(30));
    Rect prev = who.TakeLeft(ui.P(30));
    Rect next = who.TakeRight(ui.P(30));
    if (ui.Button(prev, "<")) {
      do compose_.deal_to = (compose_.deal_to + n - 1) % n;
      while (compose_.deal_to == v.viewer());
    }
    if (ui.Button(next, ">")) {
      do compose_.deal_to = (compose_.deal_to + 1) % n;
      while (compose_.deal_to == v.viewer());
    }
    const mf::SeatPublic& other = v.seats(compose_.deal_to);
    Rect badge = who.Inset(ui.P(8), 0).TakeLeft(ui.P(26));
    ui.Icon(other.role() == mf::SOURCE    ? "badge_source"
            : other.role() == mf::TRANSIT ? "badge_transit"
                                          : "badge_destination",
            badge.Inset(0, ui.P(2)));
    ui.TextIn("with " + other.name() + " (" + RoleWord(other.role()) + ")", who.Inset(ui.P(40), 0),
              14, colour::kText, true);
    composer.TakeTop(gap);
    // Two columns: what I give, what I ask.
    Rect cols = composer.TakeTop(ui.P(190));
    Rect give = cols.TakeLeft((cols.w - ui.P(12)) / 2);
    cols.TakeLeft(ui.P(12));
    Rect ask = cols;
    const bool draft_open =
        v.draft().id() != 0 &&
        (v.phase() == mf::STATEMENTS || v.phase() == mf::DRAFTING || v.phase() == mf::DECISION);
    auto side = [&](Rect c, mf::DealTerms* t, int giver, const std::string& title,
                    const std::string& id) {
      ui.Mark("deal." + id, c);
      ui.TextIn(title, c.TakeTop(ui.P(20)), 12, colour::kMuted, true);
      const mf::SeatPublic& g = v.seats(giver);
      auto stepper = [&](const std::string& label, int value, int max, const std::string& why,
                         const std::function<void(int)>& set) {
        Rect row = c.TakeTop(ui.P(28));
        c.TakeTop(ui.P(4));
        Rect plus = row.TakeRight(ui.P(28));
        std::string key = label.substr(0, label.find(' '));
        for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        ui.Mark("deal." + id + "." + key + ".plus", plus);
        Rect val = row.TakeRight(ui.P(30));
        Rect minus = row.TakeRight(ui.P(28));
        ui.TextIn(label, row, 12, why.empty() ? colour::kText : colour::kDisabledText);
        if (ui.Button(minus, "-", ButtonKind::kNormal,
                      why.empty() && value > 0 ? ""
                      : why.empty()            ? "already 0"
                                               : why))
          set(value - 1);
        ui.TextIn(std::to_string(value), val, 14, colour::kText, true, Align::kCentre);
        if (ui.Button(plus, "+", ButtonKind::kNormal,
                      why.empty() && value < max ? ""
                      : why.empty()              ? "at most " + std::to_string(max)
                                                 : why))
          set(value + 1);
      };
      stepper("Political capital", t->capital(), 20, "", [t](int x) { t->set_capital(x); });
      stepper("Development aid", t->aid(), 20, "", [t](int x) { t->set_aid(x); });
      // Which terms this side's role may give: the engine's own check.
      rules::Terms probe;
      probe.visas = 1;
      stepper("Visas (thousands)", t->visas(), 20,
              rules::CheckTermsForRole(g.role(), probe, "").message,
              [t](int x) { t->set_visas(x); });
      probe = rules::Terms();
      probe.readmission = true;
      const std::string readmission_why = rules::CheckTermsForRole(g.role(), probe, "").message;
      Rect rd = c.TakeTop(ui.P(28));
      c.TakeTop(ui.P(4));
      if (ui.Button(rd, t->readmission() ? "Readmission: yes" : "Readmission: no",
                    t->readmission() ? ButtonKind::kSelected : ButtonKind::kNormal,
                    readmission_why))
        t->set_readmission(!t->readmission());
      Rect st = c.TakeTop(ui.P(28));
      const std::string stance =
          t->stance_text() == 0
              ? "Vote promise: none"
              : "Vote: " + VoteWord(v.decision_rule(), t->stance()) + " the draft";
      if (ui.Button(st, stance, t->stance_text() ? ButtonKind::kSelected : ButtonKind::kNormal,
                    draft_open ? "" : "a vote can be promised only while a draft is on the table",
                    sf::Keyboard::Unknown, "Click to cycle: none, support, stand aside, object")) {
        const int next_stance = t->stance_text() == 0 ? 1 : t->stance() + 1;
        if (next_stance > 3) {
          t->set_stance_text(0);
          t->set_stance(mf::VOTE_UNSPECIFIED);
        } else {
          t->set_stance_text(v.draft().id());
          t->set_stance(static_cast<mf::VoteChoice>(next_stance));
        }
      }
    };
    side(give, &compose_.give, v.viewer(), "YOU GIVE", "give");
    side(ask, &compose_.ask, compose_.deal_to, "YOU ASK", "ask");
    composer.TakeTop(gap);
    mf::Action a;
    auto* p = a.mutable_propose_deal();
    p->set_to(compose_.deal_to);
    *p->mutable_give() = compose_.give;
    *p->mutable_ask() = compose_.ask;
    Rect b = composer.TakeTop(ui.P(36));
    if (ActionButton(b, "Offer this deal to " + other.name(), a, ButtonKind::kPrimary,
                     sf::Keyboard::Unknown,
                     "Only you, " + other.name() +
                         " and the facilitator will ever see it. Breaking it "
                         "later becomes public."))
      compose_.give = mf::DealTerms(), compose_.ask = mf::DealTerms();
    ui.Mark("deal.propose", b);
  }
  // The deals this viewer may see.
  Rect in = Panel(r, IsFacilitator(v) ? "ALL SIDE DEALS" : "YOUR DEALS");
  ui.Mark("deal.inbox", in);
  int shown = 0;
  for (int i = v.deals_size() - 1; i >= 0; --i) {
    const mf::DealView& d = v.deals(i);
    const bool to_me = d.to() == v.viewer();
    const bool open = d.status() == "offered";
    const float h = ui.P(open && (to_me || d.from() == v.viewer()) ? 92 : 58);
    if (in.h < h) break;
    Rect row = in.TakeTop(h);
    in.TakeTop(gap);
    ui.Box(row, open && to_me ? Mix(colour::kWarning, sf::Color::White, 0.85f) : colour::kPanelAlt,
           ui.P(6));
    Rect t = row.Inset(ui.P(10), ui.P(6));
    Rect head = t.TakeTop(ui.P(18));
    sf::Color sc = d.status() == "kept" || d.status() == "accepted"     ? colour::kGood
                   : d.status() == "broken" || d.status() == "rejected" ? colour::kBad
                                                                        : colour::kWarning;
    const std::string status = d.status() == "offered" ? "waiting for an answer" : d.status();
    ui.TextIn(status, head, 11.5f, sc, true, Align::kRight);
    const std::string title = IsFacilitator(v)
                                  ? SeatName(v, d.from()) + " to " + SeatName(v, d.to())
                              : to_me ? SeatName(v, d.from()) + " offers you"
                                      : "You offer " + SeatName(v, d.to());
    ui.TextIn(title, head, 12.5f, colour::kText, true);
    const std::string gives = (to_me ? "They give: " : "Gives: ") + TermsWords(v, d.give());
    const std::string asks = (to_me ? "They ask: " : "Asks: ") + TermsWords(v, d.ask());
    ui.TextIn(gives, t.TakeTop(ui.P(16)), 11.5f, colour::kText);
    ui.TextIn(asks, t.TakeTop(ui.P(16)), 11.5f, colour::kText);
    if (open && to_me) {
      Rect bs = t.TakeBottom(ui.P(28));
      mf::Action acc, rej;
      acc.mutable_accept_deal()->set_deal(d.id());
      rej.mutable_reject_deal()->set_deal(d.id());
      ActionButton(bs.TakeLeft((bs.w - gap) / 2), "Accept", acc, ButtonKind::kGood);
      bs.TakeLeft(gap);
      ActionButton(bs, "Reject", rej, ButtonKind::kDanger);
    } else if (open && d.from() == v.viewer()) {
      Rect bs = t.TakeBottom(ui.P(28));
      mf::Action w;
      w.mutable_withdraw_deal()->set_deal(d.id());
      ActionButton(bs.TakeLeft(ui.P(160)), "Withdraw the offer", w);
    }
    ++shown;
  }
  if (shown == 0)
    ui.Paragraph(IsPlayer(v)
                     ? "No deals yet. Deals trade political capital, aid, visas, readmission "
                       "or a promised vote, and build trust when kept."
                     : "No side deals yet.",
                 in, 12.5f, colour::kMuted, false, 4);
}

}  // namespace mf::client
