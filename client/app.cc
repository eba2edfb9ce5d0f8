// The frame around the scenes: top bar, tabs, event ticker, banners and
// toasts; snapshot handling, animations and sending actions.
#include "client/app.h"

#include <algorithm>
#include <cmath>

#include "client/style.h"
#include "client/view_util.h"

namespace mf::client {

const char* SceneName(Scene s) {
  switch (s) {
    case Scene::kConnect:
      return "connect";
    case Scene::kLobby:
      return "lobby";
    case Scene::kBrief:
      return "brief";
    case Scene::kTable:
      return "table";
    case Scene::kTalk:
      return "talk";
    case Scene::kDecide:
      return "decide";
    case Scene::kOutcome:
      return "outcome";
    case Scene::kFinal:
      return "final";
    case Scene::kControl:
      return "control";
  }
  return "";
}

bool ParseScene(const std::string& name, Scene* out) {
  for (Scene s : {Scene::kConnect, Scene::kLobby, Scene::kBrief, Scene::kTable, Scene::kTalk,
                  Scene::kDecide, Scene::kOutcome, Scene::kFinal, Scene::kControl})
    if (name == SceneName(s)) {
      *out = s;
      return true;
    }
  return false;
}

namespace {

const char* TabLabel(Scene s) {
  switch (s) {
    case Scene::kLobby:
      return "Lobby";
    case Scene::kBrief:
      return "My brief";
    case Scene::kTable:
      return "Roundtable";
    case Scene::kTalk:
      return "Talk & deals";
    case Scene::kDecide:
      return "Decide";
    case Scene::kOutcome:
      return "Outcomes";
    case Scene::kFinal:
      return "Final";
    case Scene::kControl:
      return "Control";
    default:
      return "";
  }
}

sf::Keyboard::Key TabKey(Scene s) {
  switch (s) {
    case Scene::kLobby:
      return sf::Keyboard::L;
    case Scene::kBrief:
      return sf::Keyboard::B;
    case Scene::kTable:
      return sf::Keyboard::T;
    case Scene::kTalk:
      return sf::Keyboard::N;
    case Scene::kDecide:
      return sf::Keyboard::V;
    case Scene::kOutcome:
      return sf::Keyboard::O;
    case Scene::kFinal:
      return sf::Keyboard::F;
    case Scene::kControl:
      return sf::Keyboard::C;
    default:
      return sf::Keyboard::Unknown;
  }
}

}  // namespace

App::App(const Assets& assets, AppOptions options) : assets_(assets), options_(std::move(options)) {
  form_.server = FromUtf8(options_.defaults.server);
  form_.code = FromUtf8(options_.defaults.code);
  form_.name = FromUtf8(options_.defaults.name);
  if (options_.defaults.seat >= 0)
    form_.seat = FromUtf8(std::to_string(options_.defaults.seat + 1));
}

App::~App() = default;

void App::SetConnection(std::unique_ptr<Connection> connection) {
  connection_ = std::move(connection);
  replay_ = connection_ ? connection_->replay() : nullptr;
  replay_playing_ = false;
  seen_generation_ = 0;
  snap_ = Snapshot();
  scene_ = Scene::kTable;
  last_phase_serial_ = -1;
  redraw_ = true;
}

void App::SetSnapshot(const Snapshot& snapshot, double now) {
  const bool first = !snap_.view && snapshot.view;
  snap_ = snapshot;
  OnNewSnapshot(now, first);
  redraw_ = true;
}

std::string App::WindowTitle() const {
  std::string t = "Migration Forum";
  if (HaveView()) t += " - " + view().title();
  if (connection_) t += " - " + connection_->Describe();
  return t;
}

float App::S() const {
  return ui_ ? ui_->s : 1.0f;
}

// ---------------------------------------------------------------------------
// Input, snapshots, animation
// ---------------------------------------------------------------------------

bool App::HandleEvent(const sf::Event& e) {
  if (e.type == sf::Event::Closed) {
    quit_ = true;
    return false;
  }
  if (e.type == sf::Event::Resized) {
    redraw_ = true;
    return true;
  }
  if (e.type == sf::Event::GainedFocus || e.type == sf::Event::LostFocus) {
    redraw_ = true;
    return true;
  }
  const bool changed = input_.Handle(e);
  redraw_ |= changed;
  return changed;
}

void App::ResetCompose() {
  const mf::View& v = view();
  compose_.serial = v.phase_serial();
  int ideal = 50;
  if (const mf::Stance* st = StanceOn(v.brief(), v.current_theme())) ideal = st->ideal();
  compose_.statement_pos = ideal;
  compose_.statement_text.clear();
  compose_.draft_pos = ideal;
  compose_.draft_form = mf::GUIDING_PRINCIPLES;
  compose_.draft_commitments.clear();
  if (const mf::Theme* t = FindTheme(v, v.current_theme()))
    if (t->natural_commitment() != mf::COMMITMENT_UNSPECIFIED)
      compose_.draft_commitments.push_back(t->natural_commitment());
  compose_.amend_move = true;
  compose_.amend_pos = ideal;
  compose_.amend_form = mf::FORM_UNSPECIFIED;
  compose_.amend_add.clear();
  compose_.amend_remove.clear();
  compose_.enforce = v.enforcement_level();
  // A promised stance refers to the draft on the table: drop stale ones.
  for (mf::DealTerms* t : {&compose_.give, &compose_.ask})
    if (t->stance_text() != 0 && t->stance_text() != v.draft().id()) {
      t->set_stance_text(0);
      t->set_stance(mf::VOTE_UNSPECIFIED);
    }
}

Scene App::SceneForPhase() const {
  if (!HaveView()) return Scene::kConnect;
  const mf::View& v = view();
  if (v.phase() == mf::GAME_OVER) return Scene::kFinal;
  switch (v.phase()) {
    case mf::CIVIL_SOCIETY:
      if (v.cycle() == 1 && v.paused()) return Scene::kLobby;
      return v.cycle() > 1 && v.history_size() > 0 ? Scene::kOutcome : Scene::kTable;
    case mf::DECISION:
    case mf::RATIFICATION:
    case mf::IMPLEMENTATION:
      return Scene::kDecide;
    default:
      return Scene::kTable;
  }
}

void App::OnNewSnapshot(double now, bool first_view) {
  if (snap_.error_serial != last_error_serial_) {
    last_error_serial_ = snap_.error_serial;
    if (!snap_.error.empty()) Toast("Refused: " + snap_.error, true);
  }
  if (snap_.notice_serial != last_notice_serial_) {
    last_notice_serial_ = snap_.notice_serial;
    if (!snap_.notice.empty()) Toast(snap_.notice, false);
  }
  if (!HaveView()) return;
  const mf::View& v = view();
  const int n = v.seats_size();
  if (v.phase_serial() != last_phase_serial_) {
    const bool follow = first_view || options_.projector || IsSpectator(v) ||
                        scene_ == Scene::kTable || scene_ == Scene::kDecide ||
                        scene_ == Scene::kOutcome || scene_ == Scene::kLobby ||
                        scene_ == Scene::kConnect;
    if (follow) scene_ = SceneForPhase();
    last_phase_serial_ = v.phase_serial();
    ResetCompose();
  }
  last_cycle_ = v.cycle();
  if (static_cast<int>(approval_shown_.size()) != n) {
    approval_shown_.assign(static_cast<size_t>(n), 0);
    for (int i = 0; i < n; ++i) approval_shown_[i] = static_cast<float>(v.seats(i).approval());
    vote_flash_.assign(static_cast<size_t>(n), -10);
    last_votes_.assign(static_cast<size_t>(n), 0);
    for (int i = 0; i < n; ++i) last_votes_[i] = v.seats(i).vote();
  }
  for (int i = 0; i < n; ++i) {
    if (v.seats(i).vote() != last_votes_[i]) {
      if (v.seats(i).vote() != mf::VOTE_UNSPECIFIED) vote_flash_[i] = now;
      last_votes_[i] = v.seats(i).vote();
    }
  }
  for (float& t : tally_target_) t = 0;
  for (const mf::SeatPublic& s : v.seats())
    tally_target_[std::clamp(static_cast<int>(s.vote()), 0, 3)] += 1;
  if (!options_.animate || first_view) {
    for (int k = 0; k < 4; ++k) tally_shown_[k] = tally_target_[k];
    for (int i = 0; i < n; ++i) approval_shown_[i] = static_cast<float>(v.seats(i).approval());
    if (!options_.animate) std::fill(vote_flash_.begin(), vote_flash_.end(), -10.0);
  }
}

void App::StepAnimations(double now) {
  const double dt = std::clamp(now - last_step_, 0.0, 0.1);
  last_step_ = now;
  const float k = static_cast<float>(1.0 - std::exp(-dt * 7.0));
  auto approach = [k](float& shown, float target, float snap) {
    shown += (target - shown) * k;
    if (std::fabs(target - shown) < snap) shown = target;
  };
  for (int i = 0; i < 4; ++i) approach(tally_shown_[i], tally_target_[i], 0.01f);
  if (HaveView())
    for (size_t i = 0; i < approval_shown_.size() && static_cast<int>(i) < view().seats_size(); ++i)
      approach(approval_shown_[i], static_cast<float>(view().seats(static_cast<int>(i)).approval()),
               0.002f);
}

bool App::Animating(double now) const {
  for (int i = 0; i < 4; ++i)
    if (tally_shown_[i] != tally_target_[i]) return true;
  if (HaveView())
    for (size_t i = 0; i < approval_shown_.size() && static_cast<int>(i) < view().seats_size(); ++i)
      if (approval_shown_[i] != static_cast<float>(view().seats(static_cast<int>(i)).approval()))
        return true;
  for (double t : vote_flash_)
    if (now - t < 0.9) return true;
  return false;
}

int App::SecondsLeft() const {
  if (!HaveView() || snap_.phase_seconds_left <= 0 || view().paused()) return -1;
  const double left = snap_.phase_seconds_left - (MonotonicSeconds() - snap_.view_time);
  return std::max(0, static_cast<int>(std::ceil(left)));
}

bool App::Tick(double now) {
  bool changed = StepReplay(now);
  if (connection_) {
    Snapshot s;
    if (connection_->inbox().Take(&seen_generation_, &s)) {
      const bool first = !snap_.view && s.view;
      snap_ = std::move(s);
      OnNewSnapshot(now, first);
      changed = true;
    }
  }
  if (Animating(now)) changed = true;
  if (SecondsLeft() != last_clock_shown_) changed = true;
  if (toast_until_ > 0 && now > toast_until_) {
    toast_until_ = 0;
    toast_.clear();
    changed = true;
  }
  return changed || redraw_;
}

void App::Toast(const std::string& text, bool error) {
  toast_ = text;
  toast_error_ = error;
  toast_until_ = MonotonicSeconds() + (error ? 6.0 : 4.0);
  redraw_ = true;
}

// ---------------------------------------------------------------------------
// Acting
// ---------------------------------------------------------------------------

std::string App::WhyNot(const mf::Action& a) const {
  if (!HaveView()) return "not connected";
  if (connection_) {
    std::optional<std::string> exact = connection_->Check(a);
    if (exact) return *exact;
  }
  return mf::client::WhyNot(view(), a);
}

void App::Send(const mf::Action& a, const std::string& bot_strategy) {
  if (!connection_) {
    Toast("This is a recorded view: nothing is sent.", true);
    return;
  }
  if (replay_) {
    Toast("This is a replay: nothing is played.", true);
    return;
  }
  connection_->Send(a, HaveView() ? view().version() : 0, bot_strategy);
  redraw_ = true;
}

bool App::ActionButton(Rect r, const std::string& label, const mf::Action& a, ButtonKind kind,
                       sf::Keyboard::Key key, const std::string& tip) {
  if (!ui_->Button(r, label, kind, WhyNot(a), key, tip)) return false;
  Send(a);
  return true;
}

Rect App::Panel(Rect r, const std::string& title) {
  Ui& ui = *ui_;
  ui.Box(r, colour::kPanel, ui.P(8), colour::kBorder, ui.P(1));
  Rect inside = r.Inset(ui.P(12), ui.P(10));
  if (!title.empty()) {
    Rect t = inside.TakeTop(ui.P(22));
    ui.TextIn(title, t, 12, colour::kMuted, true);
    inside.TakeTop(ui.P(4));
  }
  return inside;
}

// ---------------------------------------------------------------------------
// The frame
// ---------------------------------------------------------------------------

std::vector<Scene> App::Tabs() const {
  std::vector<Scene> out;
  if (!HaveView()) return out;
  const mf::View& v = view();
  if (options_.projector || IsSpectator(v) || IsPress(v)) {
    out = {Scene::kLobby, Scene::kTable, Scene::kDecide, Scene::kTalk, Scene::kOutcome};
  } else {
    out = {Scene::kLobby, Scene::kBrief,  Scene::kTable,
           Scene::kTalk,  Scene::kDecide, Scene::kOutcome};
  }
  if (v.phase() == mf::GAME_OVER) out.push_back(Scene::kFinal);
  if (IsFacilitator(v) && !replay_) out.push_back(Scene::kControl);  // Nothing to run in a replay.
  return out;
}

void App::Draw(sf::RenderTarget& target, double now) {
  const sf::Vector2f size = target.getView().getSize();
  const float scale = std::min(size.x / kDesignWidth, size.y / kDesignHeight);
  regions_.clear();
  Ui ui(assets_, target, input_, memory_, scale, &regions_);
  ui_ = &ui;
  StepAnimations(now);
  target.clear(colour::kBackground);
  Rect full{0, 0, size.x, size.y};
  if (!connection_ && !HaveView()) {
    DrawConnect(full);
  } else if (!HaveView()) {
    DrawWaiting(full);
  } else {
    // Global keys: quit, cycle the tabs, drop a selection.
    if (input_.ctrl && ui.Key(sf::Keyboard::Q)) quit_ = true;
    if (ui.Key(sf::Keyboard::Escape)) selected_seat_ = -1;
    const std::vector<Scene> tabs = Tabs();
    if (!tabs.empty() && ui.Key(sf::Keyboard::Tab)) {
      auto it = std::find(tabs.begin(), tabs.end(), scene_);
      scene_ = it == tabs.end() || it + 1 == tabs.end() ? tabs.front() : *(it + 1);
    }
    Rect top = full.TakeTop(ui.P(options_.projector ? 64 : 56));
    DrawTopBar(top);
    Rect tabs_row = full.TakeTop(ui.P(40));
    DrawTabs(tabs_row);
    if (replay_) {
      // Drawn before the scene so that its keys and clicks come first.
      Rect timeline = full.TakeBottom(ui.P(options_.projector ? 66 : 58));
      DrawTimeline(timeline);
    }
    Rect ticker = full.TakeBottom(ui.P(30));
    DrawTicker(ticker);
    Rect main = full.Inset(ui.P(10), ui.P(6));
    ui.Mark("main", main);
    switch (scene_) {
      case Scene::kLobby:
        DrawLobby(main);
        break;
      case Scene::kBrief:
        DrawBrief(main);
        break;
      case Scene::kTalk:
        DrawTalk(main);
        break;
      case Scene::kDecide:
        DrawDecide(main);
        break;
      case Scene::kOutcome:
        DrawOutcome(main);
        break;
      case Scene::kFinal:
        DrawFinal(main);
        break;
      case Scene::kControl:
        if (IsFacilitator(view())) {
          DrawControl(main);
          break;
        }
        [[fallthrough]];
      default:
        DrawTableScene(main);
        break;
    }
    DrawBanners(main);
  }
  if (!toast_.empty()) {
    const float w = std::min(ui.P(640), ui.Measure(toast_, 14) + ui.P(40));
    Rect t{size.x / 2 - w / 2, size.y - ui.P(84), w, ui.P(40)};
    ui.Box(t, toast_error_ ? colour::kBad : sf::Color(40, 44, 52), ui.P(8));
    ui.TextIn(toast_, t.Inset(ui.P(14), 0), 14, sf::Color::White, false, Align::kCentre);
    ui.Mark("toast", t);
  }
  ui.Finish();
  last_draw_calls_ = ui.draw_calls();
  ui_ = nullptr;
  input_.EndFrame();
  redraw_ = false;
  last_draw_ = now;
  last_clock_shown_ = SecondsLeft();
}

void App::DrawWaiting(Rect r) {
  Ui& ui = *ui_;
  Rect box{r.centre().x - ui.P(300), r.centre().y - ui.P(70), ui.P(600), ui.P(140)};
  ui.Box(box, colour::kPanel, ui.P(10), colour::kBorder, ui.P(1));
  const bool failed = snap_.link == Link::kFailed;
  const bool retrying = snap_.link == Link::kReconnecting;
  ui.TextIn(failed     ? "Could not join"
            : retrying ? "Still trying to reach the forum..."
                       : "Connecting to the forum...",
            {box.x, box.y + ui.P(20), box.w, ui.P(36)}, 22, failed ? colour::kBad : colour::kText,
            true, Align::kCentre);
  ui.Paragraph(
      snap_.link_text.empty() ? (connection_ ? connection_->Describe() : "") : snap_.link_text,
      {box.x + ui.P(24), box.y + ui.P(66), box.w - ui.P(48), ui.P(60)}, 14, colour::kMuted, false,
      3);
  ui.Mark("waiting", box);
  if ((failed || retrying) && connect_) {
    if (ui.Button({box.r() - ui.P(150), box.b() + ui.P(12), ui.P(150), ui.P(36)}, "Back",
                  ButtonKind::kNormal, "", sf::Keyboard::Escape)) {
      connection_.reset();
      snap_ = Snapshot();
      scene_ = Scene::kConnect;
    }
  }
  ui.Finish();
}

void App::DrawTopBar(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  ui.Box(r, colour::kTopBar);
  ui.Mark("topbar", r);
  const bool big = options_.projector;
  Rect inner = r.Inset(ui.P(12), ui.P(6));
  // Left: the forum.
  Rect icon = inner.TakeLeft(inner.h);
  ui.Icon("app_icon", icon.Inset(ui.P(2)));
  inner.TakeLeft(ui.P(10));
  Rect left = inner.TakeLeft(inner.w * 0.30f);
  ui.TextIn(v.title(), {left.x, left.y, left.w, left.h * 0.55f}, big ? 18 : 15, colour::kTopBarText,
            true);
  std::string rule = v.decision_rule() == mf::MAJORITY            ? "majority vote"
                     : v.decision_rule() == mf::WEIGHTED_MAJORITY ? "weighted majority"
                                                                  : "consensus";
  // A forum chosen in the game (e.g. hld-2006's follow-up) is named, and
  // what it changed is the line's tip: the engine's sentence.
  const Rect rule_line{left.x, left.y + left.h * 0.55f, left.w, left.h * 0.45f};
  ui.TextIn("Cycle " + std::to_string(v.cycle()) + " of " + std::to_string(v.cycles()) + "  ·  " +
                rule + "  ·  " + StatesAndOrganisations(v) +
                (v.forum().empty() ? "" : "  ·  " + v.forum()) +
                (v.carried().empty() ? "" : "  ·  campaign"),
            rule_line, big ? 14 : 12, sf::Color(190, 200, 212));
  // A campaign session: what carried over from the session before (the
  // engine's sentence) is the line's tip, after the forum's change.
  std::string rule_tip = v.forum_change();
  if (!v.carried().empty()) rule_tip += (rule_tip.empty() ? "" : " ") + v.carried();
  if (!v.carried().empty()) ui.Mark("topbar.carried", rule_line);
  if (!rule_tip.empty() && ui.Hover(rule_line)) ui.Tip(rule_tip);
  // Right: who I am and the link.
  Rect right = inner.TakeRight(inner.w * 0.36f);
  {
    Rect dot = right.TakeRight(ui.P(14));
    sf::Color c = colour::kGood;
    std::string tip = "Connected";
    switch (snap_.link) {
      case Link::kLive:
        break;
      case Link::kLocal:
        c = sf::Color(120, 180, 255);
        tip = "Offline: the game runs on this computer with bots";
        break;
      case Link::kReplay:
        c = sf::Color(186, 150, 255);
        tip = "Replay: a recorded session rebuilt by the rules engine";
        break;
      case Link::kConnecting:
      case Link::kReconnecting:
        c = colour::kWarning;
        tip = "Reconnecting...";
        break;
      case Link::kFailed:
        c = colour::kBad;
        tip = "Disconnected";
        break;
    }
    if (!snap_.link_text.empty()) tip += " (" + snap_.link_text + ")";
    ui.Disc(dot.centre(), ui.P(5), c);
    if (ui.Hover(dot.Inset(-ui.P(4)))) ui.Tip(tip);
    right.TakeRight(ui.P(8));
    std::string who, sub;
    const mf::SeatPublic* me = Me(v);
    if (me) {
      who = "You are " + ShortName(me->name());
      std::string bloc = BlocWord(me->bloc());
      for (char& ch : bloc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      // An organisation has no bloc.
      sub = RoleMixWord(*me) + (bloc.empty() ? "" : " · " + bloc) + " · " +
            std::to_string(me->political_capital()) + " capital";
    } else if (IsFacilitator(v)) {
      who = "Facilitator";
      sub = "You see everything and run the session";
    } else if (IsPress(v)) {
      who = "Press desk " + std::to_string(v.press_desk() + 1);
      sub = "The public view · " + std::to_string(v.press_reports_left()) +
            (v.press_reports_left() == 1 ? " report" : " reports") + " left this phase";
    } else {
      who = "Spectator";
      sub = "The public view of the forum";
    }
    if (replay_ && !me)
      sub = IsFacilitator(v) ? "Replay · the facilitator's view: everything"
                             : "Replay · the public view of the forum";
    if (me) {
      Rect badge = right.TakeLeft(right.h);
      // The same badge as at the table: a role's icon, or an organisation's
      // mandate (an organisation has no role).
      DrawSeatBadge(ui, *me, badge.Inset(ui.P(3)));
      ui.Mark("topbar.me.badge", badge.Inset(ui.P(3)));
      right.TakeLeft(ui.P(8));
    }
    ui.TextIn(who, {right.x, right.y, right.w, right.h * 0.55f}, big ? 17 : 15,
              me ? colour::kYou : colour::kTopBarText, true);
    ui.TextIn(sub, {right.x, right.y + right.h * 0.55f, right.w, right.h * 0.45f}, 12,
              sf::Color(190, 200, 212));
  }
  // Centre: the phase, the item and the clock.
  Rect mid = inner.Inset(ui.P(10), 0);
  Rect clock = mid.TakeRight(ui.P(big ? 130 : 116));
  std::string phase = PhaseWord(v.phase());
  for (char& c : phase) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string item;
  if (const mf::Theme* t = FindTheme(v, v.current_theme())) {
    item = t->name();
    if (v.agenda_size() > 1)
      item = "Item " + std::to_string(v.agenda_index() + 1) + "/" +
             std::to_string(v.agenda_size()) + ": " + item;
  } else if (v.phase() == mf::CIVIL_SOCIETY) {
    item = "Agenda: " + std::to_string(v.agenda_size()) + " items this cycle";
  } else if (v.phase() == mf::GAME_OVER) {
    item = "Final scores are in";
  }
  ui.Mark("topbar.phase", mid);
  ui.TextIn(phase, {mid.x, mid.y, mid.w, mid.h * 0.55f}, big ? 20 : 17, sf::Color::White, true,
            Align::kCentre);
  ui.TextIn(item, {mid.x, mid.y + mid.h * 0.55f, mid.w, mid.h * 0.45f}, big ? 14 : 12,
            sf::Color(255, 214, 102), false, Align::kCentre);
  const int left_s = SecondsLeft();
  Rect cbox = clock.Inset(ui.P(4), ui.P(3));
  if (replay_) {
    ui.Box(cbox, sf::Color(124, 92, 200), ui.P(6));
    ui.TextIn("REPLAY", cbox.Inset(ui.P(2), 0), big ? 15 : 13, sf::Color::White, true,
              Align::kCentre);
    if (ui.Hover(clock))
      ui.Tip("A recorded session: step through it with the timeline at the bottom.");
  } else if (v.paused()) {
    ui.Box(cbox, colour::kWarning, ui.P(6));
    Rect ic = cbox.TakeLeft(cbox.h * 0.8f);
    ui.Icon("icon_pause", ic.Inset(ui.P(7)));
    ui.TextIn("PAUSED", cbox.Inset(ui.P(2), 0), 13, sf::Color::White, true, Align::kCentre);
  } else if (left_s >= 0) {
    const bool urgent = left_s <= 15;
    ui.Box(cbox, urgent ? colour::kBad : sf::Color(255, 255, 255, 30), ui.P(6));
    Rect ic = cbox.TakeLeft(cbox.h);
    ui.Icon("icon_clock", ic.Inset(ui.P(8)));
    ui.TextIn(Clock(left_s), cbox, big ? 22 : 19, sf::Color::White, true, Align::kCentre);
    if (ui.Hover(clock)) ui.Tip("Time left in this phase. When it runs out the phase ends.");
  } else if (v.phase() != mf::GAME_OVER) {
    ui.TextIn("no clock", cbox, 12, sf::Color(170, 180, 190), false, Align::kCentre);
    if (ui.Hover(clock))
      ui.Tip("The phase ends when every state is ready, or when the facilitator advances it.");
  }
  ui.Mark("topbar.clock", cbox);
}

void App::DrawTabs(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  ui.Box(r, colour::kPanelAlt);
  ui.Box({r.x, r.b() - ui.P(1), r.w, ui.P(1)}, colour::kBorder);
  Rect row = r.Inset(ui.P(10), ui.P(5));
  const mf::SeatPublic* me = Me(v);
  int offers = 0;
  for (const mf::DealView& d : v.deals())
    if (d.to() == v.viewer() && d.status() == "offered") ++offers;
  for (Scene s : Tabs()) {
    std::string label = TabLabel(s);
    if (s == Scene::kTalk && offers > 0) label += " (" + std::to_string(offers) + ")";
    const float w = ui.Measure(label, 14, true) + ui.P(44);
    Rect b = row.TakeLeft(w);
    row.TakeLeft(ui.P(6));
    if (ui.Button(b, label, scene_ == s ? ButtonKind::kSelected : ButtonKind::kQuiet, "",
                  TabKey(s)))
      scene_ = s, user_chose_scene_ = true;
    ui.Mark(std::string("tab.") + SceneName(s), b);
    // An orange dot where something waits for the player.
    bool attention = false;
    if (me && s == Scene::kDecide)
      attention = (v.phase() == mf::DECISION && me->vote() == mf::VOTE_UNSPECIFIED) ||
                  (v.phase() == mf::RATIFICATION && !me->ready()) ||
                  (v.phase() == mf::IMPLEMENTATION && !me->ready());
    if (me && s == Scene::kTable)
      attention = (v.phase() == mf::STATEMENTS && me->statement_position() < 0) ||
                  (v.phase() == mf::DRAFTING && me->co_chair() && !DraftTabled(v));
    if (s == Scene::kTalk) attention = offers > 0;
    if (attention && scene_ != s)
      ui.Disc({b.r() - ui.P(6), b.y + ui.P(6)}, ui.P(4), colour::kWarning);
  }
  // Right end: a key hint.
  ui.TextIn("Tab: next  ·  letters: tabs  ·  hover a grey button to see why", row, 11,
            colour::kFaint, false, Align::kRight);
}

void App::DrawTicker(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  ui.Box(r, colour::kPanel);
  ui.Box({r.x, r.y, r.w, ui.P(1)}, colour::kBorder);
  Rect inner = r.Inset(ui.P(12), 0);
  Rect label = inner.TakeLeft(ui.P(70));
  ui.TextIn("LATEST", label, 11, colour::kMuted, true);
  if (v.events_size() == 0) return;
  // The newest event that says something (phase starts are in the top bar).
  int k = v.events_size() - 1;
  while (k > 0 && v.events(k).text().find(" begins.") != std::string::npos) --k;
  const mf::Event& e = v.events(k);
  if (e.private_to_size() > 0) {
    Rect lock = inner.TakeLeft(ui.P(18));
    ui.Icon("icon_lock", lock.Inset(ui.P(3), ui.P(7)), colour::kMuted);
  }
  ui.TextIn(e.text(), inner, 13, colour::kText);
  ui.Mark("ticker", r);
  if (ui.Hover(r)) {
    std::string all;
    for (int i = std::max(0, v.events_size() - 8); i < v.events_size(); ++i)
      all += (all.empty() ? "" : "\n") + v.events(i).text();
    ui.Tip(all);
  }
}

void App::DrawBanners(Rect main) {
  Ui& ui = *ui_;
  std::string text;
  sf::Color c = colour::kWarning;
  if (snap_.link == Link::kReconnecting || (snap_.link == Link::kConnecting && HaveView())) {
    text = "Connection lost - reconnecting... Your seat is kept; nothing you did is lost.";
    if (!snap_.link_text.empty()) text += "  (" + snap_.link_text + ")";
  } else if (snap_.link == Link::kFailed && HaveView()) {
    text = "Disconnected: " + snap_.link_text;
    c = colour::kBad;
  } else if (view().paused() && scene_ != Scene::kLobby) {
    text = "The facilitator has paused the session. You can read everything; actions wait.";
  }
  if (text.empty()) return;
  const float w = std::min(main.w * 0.8f, ui.Measure(text, 14, true) + ui.P(40));
  Rect b{main.centre().x - w / 2, main.y + ui.P(2), w, ui.P(34)};
  ui.Box(b, c, ui.P(8));
  ui.TextIn(text, b.Inset(ui.P(14), 0), 14, sf::Color::White, true, Align::kCentre);
  ui.Mark("banner", b);
}

}  // namespace mf::client
