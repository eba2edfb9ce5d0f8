// The replay's timeline bar, at the bottom of every scene in replay mode:
// the whole session as a track (one band per cycle, a tick at every phase
// change, a diamond at every decision: green adopted, red rejected), the
// thumb at the current position (drag it, or click anywhere to jump), the
// transport buttons and the speed, and where we are in words. Keys: Left
// and Right one action, Shift+Left/Right or PageUp/PageDown one phase,
// Home/End, Space play/pause, + and - the speed.
#include <algorithm>
#include <cmath>

#include "client/app.h"
#include "client/replay.h"
#include "client/style.h"

namespace mf::client {
namespace {

const sf::Color kBar(28, 40, 54);
const sf::Color kBarLine(62, 80, 100);
const sf::Color kBandA(66, 84, 104);
const sf::Color kBandB(84, 104, 126);
const sf::Color kPlayedA(86, 180, 233);
const sf::Color kPlayedB(120, 198, 240);
const sf::Color kPhaseTick(28, 40, 54);
const sf::Color kCycleTick(236, 241, 246);
const sf::Color kLabel(236, 241, 246);
const sf::Color kLabelMuted(150, 166, 184);
const sf::Color kAdopted(0, 178, 120);
const sf::Color kRejected(235, 90, 80);

}  // namespace

void App::SetReplayPlaying(bool on) {
  if (!replay_) return;
  if (on && replay_->position() >= replay_->size()) replay_->Seek(0);  // Play again.
  replay_playing_ = on;
  replay_next_ = MonotonicSeconds() + 1.0 / replay_speed();
  redraw_ = true;
}

bool App::StepReplay(double now) {
  if (!replay_ || !replay_playing_) return false;
  if (replay_->position() >= replay_->size()) {
    replay_playing_ = false;
    return true;
  }
  if (now < replay_next_) return false;
  const double interval = 1.0 / replay_speed();
  // Catch up when frames came late, but never by more than a second's worth.
  int steps = 1 + static_cast<int>((now - replay_next_) / interval);
  steps = std::min(steps, replay_speed());
  replay_->Step(steps);
  replay_next_ += steps * interval;
  if (replay_next_ < now) replay_next_ = now + interval;
  if (replay_->position() >= replay_->size()) replay_playing_ = false;
  return true;
}

void App::ReplayKeys() {
  Ui& ui = *ui_;
  ReplayConnection& rp = *replay_;
  const int pos = rp.position();
  int target = pos;
  const bool shift = input_.shift;
  if (ui.Key(sf::Keyboard::Right)) target = shift ? rp.NextPhase(pos) : pos + 1;
  if (ui.Key(sf::Keyboard::Left)) target = shift ? rp.PrevPhase(pos) : pos - 1;
  if (ui.Key(sf::Keyboard::PageDown)) target = rp.NextPhase(pos);
  if (ui.Key(sf::Keyboard::PageUp)) target = rp.PrevPhase(pos);
  if (ui.Key(sf::Keyboard::Home)) target = 0;
  if (ui.Key(sf::Keyboard::End)) target = rp.size();
  if (ui.Key(sf::Keyboard::Space)) SetReplayPlaying(!replay_playing_);
  if (ui.Key(sf::Keyboard::Add) || ui.Key(sf::Keyboard::Equal))
    replay_speed_index_ = std::min(replay_speed_index_ + 1, kReplaySpeedCount - 1);
  if (ui.Key(sf::Keyboard::Subtract) || ui.Key(sf::Keyboard::Hyphen))
    replay_speed_index_ = std::max(replay_speed_index_ - 1, 0);
  target = std::clamp(target, 0, rp.size());
  if (target != pos) {
    replay_playing_ = false;  // Stepping by hand pauses; Space plays on from here.
    rp.Seek(target);
  }
}

void App::DrawTimeline(Rect r) {
  Ui& ui = *ui_;
  ReplayConnection& rp = *replay_;
  const bool big = options_.projector;
  ReplayKeys();
  ui.Box(r, kBar);
  ui.Box({r.x, r.y, r.w, ui.P(1)}, kBarLine);
  ui.Mark("timeline", r);
  Rect in = r.Inset(ui.P(14), ui.P(6));
  const float cy = in.centre().y;

  // --- Transport: previous phase, back, play/pause, forward, next phase ------
  auto hover_box = [&](Rect b) {
    if (ui.Hover(b)) ui.Box(b, sf::Color(255, 255, 255, 28), b.h / 2);
  };
  auto tri = [&](float x, float y, float w, float h, bool right, sf::Color c) {
    if (right)
      ui.Triangle({x, y - h / 2}, {x, y + h / 2}, {x + w, y}, c);
    else
      ui.Triangle({x + w, y - h / 2}, {x + w, y + h / 2}, {x, y}, c);
  };
  const float small = ui.P(big ? 32 : 28);
  const float icon = ui.P(big ? 10 : 9);
  int target = rp.position();
  auto transport = [&](Rect b, int kind, const std::string& tip) {
    hover_box(b);
    const sf::Vector2f c = b.centre();
    const sf::Color col = kLabel;
    switch (kind) {
      case 0:  // |<< previous phase
        ui.Box({c.x - icon * 0.9f, c.y - icon / 2, ui.P(2), icon}, col);
        tri(c.x - icon * 0.6f, c.y, icon * 0.7f, icon, false, col);
        tri(c.x + icon * 0.05f, c.y, icon * 0.7f, icon, false, col);
        break;
      case 1:  // < one action back
        tri(c.x - icon * 0.4f, c.y, icon * 0.8f, icon, false, col);
        break;
      case 3:  // > one action on
        tri(c.x - icon * 0.4f, c.y, icon * 0.8f, icon, true, col);
        break;
      case 4:  // >>| next phase
        tri(c.x - icon * 0.75f, c.y, icon * 0.7f, icon, true, col);
        tri(c.x - icon * 0.05f, c.y, icon * 0.7f, icon, true, col);
        ui.Box({c.x + icon * 0.7f, c.y - icon / 2, ui.P(2), icon}, col);
        break;
      default:
        break;
    }
    if (ui.Hover(b)) ui.Tip(tip);
    return ui.Clicked(b);
  };
  auto take = [&](float w) {
    Rect b = in.TakeLeft(w);
    return Rect{b.x, cy - w / 2, w, w};
  };
  if (transport(take(small), 0, "Previous phase (Shift+Left or PageUp)"))
    target = rp.PrevPhase(rp.position());
  in.TakeLeft(ui.P(2));
  if (transport(take(small), 1, "One action back (Left)")) target = rp.position() - 1;
  in.TakeLeft(ui.P(4));
  {
    const float d = ui.P(big ? 42 : 36);
    Rect b = take(d);
    ui.Mark("timeline.play", b);
    const bool hover = ui.Hover(b);
    ui.Disc(b.centre(), d / 2, hover ? colour::kAccentDark : colour::kAccent,
            sf::Color(255, 255, 255, 60), ui.P(1.5f));
    const sf::Vector2f c = b.centre();
    const float s = d * 0.34f;
    if (replay_playing_) {
      ui.Box({c.x - s * 0.45f, c.y - s / 2, s * 0.3f, s}, sf::Color::White);
      ui.Box({c.x + s * 0.15f, c.y - s / 2, s * 0.3f, s}, sf::Color::White);
    } else {
      tri(c.x - s * 0.35f, c.y, s * 0.85f, s, true, sf::Color::White);
    }
    if (hover) ui.Tip(replay_playing_ ? "Pause (Space)" : "Play (Space)");
    if (ui.Clicked(b)) SetReplayPlaying(!replay_playing_);
  }
  in.TakeLeft(ui.P(4));
  if (transport(take(small), 3, "One action on (Right)")) target = rp.position() + 1;
  in.TakeLeft(ui.P(2));
  if (transport(take(small), 4, "Next phase (Shift+Right or PageDown)"))
    target = rp.NextPhase(rp.position());
  in.TakeLeft(ui.P(8));
  {
    const float w = ui.P(big ? 50 : 44), h = ui.P(big ? 26 : 22);
    Rect col = in.TakeLeft(w);
    Rect b{col.x, cy - h / 2, w, h};
    ui.Mark("timeline.speed", b);
    ui.Box(b, ui.Hover(b) ? sf::Color(255, 255, 255, 40) : sf::Color(255, 255, 255, 18), h / 2,
           kBarLine, ui.P(1));
    ui.TextIn(std::to_string(replay_speed()) + "\xc3\x97", b, big ? 14 : 12.5f, kLabel, true,
              Align::kCentre);
    if (ui.Hover(b))
      ui.Tip("Speed: " + std::to_string(replay_speed()) +
             (replay_speed() == 1 ? " action" : " actions") +
             " a second. Click or press + and - to change it.");
    if (ui.Clicked(b)) replay_speed_index_ = (replay_speed_index_ + 1) % kReplaySpeedCount;
  }
  in.TakeLeft(ui.P(14));

  // --- Where we are, in words ------------------------------------------------
  // As wide as the longest label can be, so that the track keeps its size.
  const float label_size = big ? 15 : 13;
  const std::string longest = "cycle " + std::to_string(rp.cycles()) +
                              " · civil society days · action " + std::to_string(rp.size()) + "/" +
                              std::to_string(rp.size());
  Rect label = in.TakeRight(
      std::clamp(ui.Measure(longest, label_size, true) + ui.P(8), ui.P(250), in.w * 0.4f));
  in.TakeRight(ui.P(14));

  // --- The track ---------------------------------------------------------------
  Rect zone = in;
  const float track_h = ui.P(big ? 10 : 8);
  const float track_y = zone.y + zone.h * 0.62f - track_h / 2;
  timeline_geo_.x = zone.x + ui.P(6);
  timeline_geo_.w = std::max(ui.P(10), zone.w - ui.P(12));
  timeline_geo_.total = rp.size();
  const TimelineGeometry& geo = timeline_geo_;
  Rect track{geo.x, track_y, geo.w, track_h};
  ui.Mark("timeline.track", track);

  // Dragging the thumb (press anywhere on the track, move, release) or a click.
  const std::string kDrag = "timeline";
  if (input_.pressed && zone.Contains(input_.mouse)) {
    memory_.drag = kDrag;
    input_.pressed = false;
    replay_playing_ = false;
  }
  if (memory_.drag == kDrag) {
    target = geo.PosAt(input_.mouse.x);
    if (!input_.down) memory_.drag.clear();
  }
  target = std::clamp(target, 0, rp.size());
  if (target != rp.position()) {
    if (memory_.drag != kDrag) replay_playing_ = false;
    rp.Seek(target);
  }
  const int pos = rp.position();

  // Cycle bands, with the part already played in blue.
  std::vector<int> cycle_starts = {0};
  for (const ReplayMark& m : rp.marks())
    if (m.kind == ReplayMark::Kind::kCycle) cycle_starts.push_back(m.pos);
  const float played_x = geo.XFor(pos);
  for (size_t k = 0; k < cycle_starts.size(); ++k) {
    const int a = cycle_starts[k];
    const int b = k + 1 < cycle_starts.size() ? cycle_starts[k + 1] : rp.size();
    const float x0 = geo.XFor(a), x1 = geo.XFor(b);
    const bool odd = k % 2 == 1;
    ui.Box({x0, track.y, x1 - x0, track.h}, odd ? kBandB : kBandA);
    if (played_x > x0)
      ui.Box({x0, track.y, std::min(x1, played_x) - x0, track.h}, odd ? kPlayedB : kPlayedA);
    // "Cycle 2" over its band when there is room.
    const int cycle = rp.CycleAt(a);
    std::string name = "Cycle " + std::to_string(cycle);
    if (ui.Measure(name, 10.5f, true) > x1 - x0 - ui.P(6)) name = std::to_string(cycle);
    if (ui.Measure(name, 10.5f, true) <= x1 - x0 - ui.P(4))
      ui.TextIn(name, {x0 + ui.P(5), zone.y, x1 - x0 - ui.P(5), track.y - zone.y - ui.P(8)},
                big ? 12 : 10.5f, pos >= a && (pos < b || b == rp.size()) ? kLabel : kLabelMuted,
                true);
  }
  // Ticks: a thin notch at every phase change, a tall line at every cycle.
  for (const ReplayMark& m : rp.marks()) {
    const float x = std::round(geo.XFor(m.pos));
    if (m.kind == ReplayMark::Kind::kPhase)
      ui.Box({x, track.y, std::max(1.0f, ui.P(1)), track.h}, kPhaseTick);
    else if (m.kind == ReplayMark::Kind::kCycle)
      ui.Box({x - ui.P(1), zone.y + ui.P(2), ui.P(2), track.b() + ui.P(5) - zone.y - ui.P(2)},
             kCycleTick);
  }
  // Decisions: a diamond above the track (green adopted, red rejected).
  const float dr = ui.P(big ? 6 : 5);
  const float dy = track.y - dr - ui.P(3);
  for (const ReplayMark& m : rp.marks()) {
    if (m.kind != ReplayMark::Kind::kAdopted && m.kind != ReplayMark::Kind::kRejected) continue;
    const float x = geo.XFor(m.pos);
    const sf::Color c = m.kind == ReplayMark::Kind::kAdopted ? kAdopted : kRejected;
    ui.Triangle({x - dr, dy}, {x, dy - dr}, {x + dr, dy}, c);
    ui.Triangle({x - dr, dy}, {x + dr, dy}, {x, dy + dr}, c);
  }
  // Hover: a guide line and where it leads.
  if (ui.Hover(zone) && memory_.drag != kDrag) {
    const int at = geo.PosAt(input_.mouse.x);
    const float x = geo.XFor(at);
    ui.Box({x, track.y - ui.P(4), ui.P(1), track.h + ui.P(8)}, sf::Color(255, 255, 255, 150));
    std::string tip = rp.Label(at);
    for (const ReplayMark& m : rp.marks())
      if (m.kind != ReplayMark::Kind::kPhase && std::fabs(geo.XFor(m.pos) - input_.mouse.x) <= dr)
        tip += "\n" + m.text;
    ui.Tip(tip);
  }
  // The thumb.
  {
    const float tr = ui.P(big ? 10 : 8);
    const sf::Vector2f c{geo.XFor(pos), track.y + track.h / 2};
    ui.Disc({c.x, c.y + ui.P(1)}, tr + ui.P(1), sf::Color(0, 0, 0, 70));
    ui.Disc(c, tr, sf::Color::White, colour::kAccent, ui.P(3));
    ui.Mark("timeline.thumb", {c.x - tr, c.y - tr, 2 * tr, 2 * tr});
  }

  // --- The label ------------------------------------------------------------------
  ui.Mark("timeline.label", label);
  const float lh = label.h / 2;
  ui.TextIn(rp.Label(pos), {label.x, label.y + ui.P(2), label.w, lh}, label_size, kLabel, true,
            Align::kRight);
  // Under it: the decision taken at this very action, else the keys.
  std::string sub = replay_playing_
                        ? "playing · Space pauses"
                        : "\xe2\x86\x90 \xe2\x86\x92 step · Shift: a phase · Space: play";
  sf::Color sub_colour = kLabelMuted;
  for (const ReplayMark& m : rp.marks())
    if (m.pos == pos &&
        (m.kind == ReplayMark::Kind::kAdopted || m.kind == ReplayMark::Kind::kRejected)) {
      sub = m.text;
      sub_colour = m.kind == ReplayMark::Kind::kAdopted ? kAdopted : kRejected;
    }
  ui.TextIn(sub, {label.x, label.y + lh, label.w, lh - ui.P(2)}, big ? 12 : 11, sub_colour, false,
            Align::kRight);
}

}  // namespace mf::client
