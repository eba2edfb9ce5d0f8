// A session's streams and queries (server/session.h): the views, the roster
// and the notices pushed to subscribers; the record, the roster and the
// summary asked for.
#include <algorithm>
#include <map>

#include "rules/view.h"
#include "server/session_internal.h"

namespace mf::server {

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// A serialized mf::ServerEvent whose view is `a` followed by `b` (serialized
// parts of one View: protobuf parses the concatenation as their merge).
std::string ViewEventBytes(const std::string& a, const std::string& b, int seconds_left,
                           bool static_omitted) {
  std::string out;
  out.reserve(a.size() + b.size() + 16);
  out.push_back(static_cast<char>((mf::ServerEvent::kViewFieldNumber << 3) | 2));
  PutVarint(a.size() + b.size(), &out);
  out += a;
  out += b;
  if (seconds_left != 0) {
    out.push_back(static_cast<char>(mf::ServerEvent::kPhaseSecondsLeftFieldNumber << 3));
    PutVarint(static_cast<uint64_t>(static_cast<int64_t>(seconds_left)), &out);
  }
  if (static_omitted) {
    out.push_back(static_cast<char>(mf::ServerEvent::kStaticOmittedFieldNumber << 3));
    out.push_back(1);
  }
  return out;
}

// The view every change is built in, one per thread: its allocations are
// reused from one change to the next (and held by no session).
mf::View& Scratch() {
  thread_local mf::View view;
  return view;
}

}  // namespace

std::shared_ptr<const mf::ServerEvent> WireEvent::Parse() const {
  auto ev = std::make_shared<mf::ServerEvent>();
  ev->ParseFromString(bytes);
  return ev;
}

std::shared_ptr<const WireEvent> WireEvent::Of(const mf::ServerEvent& event) {
  auto w = std::make_shared<WireEvent>();
  event.SerializeToString(&w->bytes);
  return w;
}

std::shared_ptr<const WireEvent> Session::FirstViewEvent(int viewer) const {
  mf::View& view = Scratch();
  auto w = std::make_shared<WireEvent>();
  rules::MakeView(rules::SeatView(state_, viewer), &view);
  w->bytes = ViewEventBytes(view.SerializeAsString(), "", SecondsLeft(), false);
  rules::ViewParts statics;
  statics.dynamic = false;
  rules::MakeView(rules::SeatView(state_, viewer), &view, statics);
  w->static_part = ViewEventBytes(view.SerializeAsString(), "", 0, false);
  return w;
}

void Session::FillRoster(mf::Roster* out) const {
  out->set_session(id_);
  int fac = 0, spec = 0;
  for (const auto& [id, sub] : subs_) {
    if (sub.viewer == kFacilitator) ++fac;
    if (sub.viewer == kSpectator) ++spec;
  }
  out->set_facilitator_streams(fac);
  out->set_spectator_streams(spec);
  for (int s = 0; s < num_seats(); ++s) {
    const Seat& seat = seats_[static_cast<size_t>(s)];
    mf::SeatStatus* st = out->add_seats();
    st->set_seat(s);
    st->set_seat_name(scenario_->seats()[static_cast<size_t>(s)].name);
    st->set_player(seat.player);
    {
      std::lock_guard<std::mutex> lock(auth_mu_);
      st->set_claimed(!seat.token_hash.empty());
    }
    st->set_connected(seat.streams > 0);
    st->set_bot(state_.seat(s).bot);
    if (state_.seat(s).bot) st->set_strategy(seat.strategy);
    st->set_auto_handover(seat.auto_bot);
    st->set_last_seen_unix_ms(seat.last_seen_ms);
  }
}

std::shared_ptr<mf::ServerEvent> Session::MakeRosterEvent() const {
  auto ev = std::make_shared<mf::ServerEvent>();
  FillRoster(ev->mutable_roster());
  return ev;
}

void Session::PushViews() {
  if (subs_.empty()) return;
  // After a stream's first view, only what changes is built and sent (the
  // static fields are omitted) with the most recent events (clients show
  // fewer than that; the first view carries a longer backlog). What every
  // viewer sees alike is built and serialized once per change, the rest
  // once per viewer; streams of the same viewer share the bytes.
  mf::View& view = Scratch();
  rules::ViewParts parts;
  parts.static_fields = false;
  parts.max_events = kEventsPerChange;
  parts.own = false;
  rules::MakeView(rules::SeatView(state_, kSpectator), &view, parts);
  const std::string shared = view.SerializeAsString();
  parts.shared = false;
  parts.own = true;
  const int seconds_left = SecondsLeft();
  std::map<int, std::shared_ptr<const WireEvent>> made;
  for (auto& [id, sub] : subs_) {
    auto& ev = made[sub.viewer];
    if (!ev) {
      rules::MakeView(rules::SeatView(state_, sub.viewer), &view, parts);
      auto w = std::make_shared<WireEvent>();
      w->bytes = ViewEventBytes(shared, view.SerializeAsString(), seconds_left, true);
      ev = std::move(w);
    }
    sub.sink->PushLatestWire(0, ev);
  }
}

void Session::PushRoster() {
  std::shared_ptr<const WireEvent> ev;
  for (auto& [id, sub] : subs_) {
    if (sub.viewer != kFacilitator) continue;
    if (!ev) ev = WireEvent::Of(*MakeRosterEvent());
    sub.sink->PushLatestWire(1, ev);
  }
}

void Session::PushNotice(int viewer, mf::Notice::Kind kind, const std::string& text) {
  auto ev = std::make_shared<mf::ServerEvent>();
  ev->mutable_notice()->set_kind(kind);
  ev->mutable_notice()->set_text(text);
  ev->mutable_notice()->set_phase_seconds_left(SecondsLeft());
  const auto wire = WireEvent::Of(*ev);
  for (auto& [id, sub] : subs_)
    if (sub.viewer == viewer) sub.sink->PushQueuedWire(wire);
}

uint64_t Session::Subscribe(int viewer, std::shared_ptr<Sink> sink, int backlog) {
  const uint64_t sub_id = next_sub_++;
  auto self = shared_from_this();
  serial_.Post([this, self, viewer, sink, backlog, sub_id] {
    if (closing_) {
      sink->Close(StatusCode::UNAVAILABLE, "server shutting down; reconnect later");
      return;
    }
    sink->PushLatestWire(0, FirstViewEvent(viewer));
    const int want = backlog <= 0 ? 50 : std::min(backlog, 200);
    std::vector<const mf::ChatMessage*> visible;
    for (auto it = chat_.rbegin(); it != chat_.rend() && static_cast<int>(visible.size()) < want;
         ++it)
      if (CanSee(viewer, *it)) visible.push_back(&*it);
    for (auto it = visible.rbegin(); it != visible.rend(); ++it) {
      auto ev = std::make_shared<mf::ServerEvent>();
      *ev->mutable_chat() = **it;
      sink->PushQueuedWire(WireEvent::Of(*ev));
    }
    if (finished_) {
      auto ev = std::make_shared<mf::ServerEvent>();
      ev->mutable_notice()->set_kind(mf::Notice::GAME_OVER);
      ev->mutable_notice()->set_text("the game is over");
      if (!next_session_.empty()) {
        ev->mutable_notice()->set_next_session(next_session_);
        ev->mutable_notice()->set_text("the game is over; the campaign goes on in session " +
                                       next_session_);
      }
      sink->PushQueuedWire(WireEvent::Of(*ev));
      sink->Close(StatusCode::OK, "");
      return;
    }
    subs_[sub_id] = {viewer, sink};
    if (viewer >= 0) {
      Seat& seat = seats_[static_cast<size_t>(viewer)];
      ++seat.streams;
      seat.last_seen_ms = NowMs();
      seat.idle_timer->cancel();
      if (seat.auto_bot && state_.seat(viewer).bot) {
        // The player is back: hand the seat back (through the pipeline).
        Op op;
        op.refuse = [](Outcome) {};
        op.run = [this, self, viewer] {
          if (!seats_[static_cast<size_t>(viewer)].auto_bot || !state_.seat(viewer).bot ||
              state_.IsTerminal()) {
            OpDone();
            return;
          }
          SetBotSeat(viewer, false, "", false, [this](Outcome) { OpDone(); });
        };
        ops_.push_back(std::move(op));
        if (!busy_) RunNext();
      }
    }
    if (viewer == kFacilitator) sink->PushLatestWire(1, WireEvent::Of(*MakeRosterEvent()));
    PushRoster();
  });
  return sub_id;
}

void Session::Unsubscribe(uint64_t sub_id) {
  auto self = shared_from_this();
  serial_.Post([this, self, sub_id] {
    auto it = subs_.find(sub_id);
    if (it == subs_.end()) return;
    const int viewer = it->second.viewer;
    subs_.erase(it);
    if (viewer >= 0) {
      Seat& seat = seats_[static_cast<size_t>(viewer)];
      --seat.streams;
      seat.last_seen_ms = NowMs();
      if (seat.streams == 0) ArmIdle(viewer);
    }
    PushRoster();
  });
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

void Session::Record(int slot,
                     std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done) {
  auto self = shared_from_this();
  serial_.Post([this, self, slot, done] {
    if (slot != kFacilitator && !state_.IsTerminal()) {
      done(Outcome::Error(StatusCode::PERMISSION_DENIED,
                          "the record is for the facilitator until the game is over"),
           nullptr);
      return;
    }
    auto r = std::make_shared<mf::GetRecordResponse>();
    mf::GameLog* log = r->mutable_log();
    log->set_scenario(scenario_->id());
    log->set_seed(seed_);
    log->set_scenario_text(scenario_->text());
    if (scenario_->proto().has_carry()) *log->mutable_carry() = scenario_->proto().carry();
    log->set_press_desks(state_.press_desks());
    for (const mf::RecordEntry& e : record_) {
      *log->add_entries() = e.entry();
      *r->add_entries() = e;
    }
    // A seat's copy holds only the messages that seat could read.
    for (const mf::ChatMessage& m : chat_)
      if (CanSee(slot, m)) *r->add_chat() = m;
    r->set_finished(state_.IsTerminal());
    r->set_state_hash(state_.Hash());
    r->set_version(state_.version());
    done(Outcome::Ok(), r);
  });
}

void Session::Roster(std::function<void(std::shared_ptr<mf::Roster>)> done) {
  auto self = shared_from_this();
  serial_.Post([this, self, done] {
    auto r = std::make_shared<mf::Roster>();
    FillRoster(r.get());
    done(r);
  });
}

void Session::Summary(bool with_code, std::function<void(mf::SessionSummary)> done) {
  auto self = shared_from_this();
  serial_.Post([this, self, with_code, done] {
    mf::SessionSummary s;
    s.set_session(id_);
    s.set_scenario(scenario_->id());
    s.set_title(config_.title().empty() ? scenario_->proto().title() : config_.title());
    s.set_created_unix_ms(created_ms_);
    s.set_finished(finished_);
    s.set_seats(num_seats());
    int humans = 0, bots_n = 0;
    for (int i = 0; i < num_seats(); ++i) {
      if (!seats_[static_cast<size_t>(i)].player.empty()) ++humans;
      if (state_.seat(i).bot) ++bots_n;
    }
    s.set_humans(humans);
    s.set_bots(bots_n);
    s.set_cycle(state_.cycle());
    s.set_phase(state_.phase());
    s.set_actions(record_.size());
    if (finished_ && !record_.empty()) s.set_finished_unix_ms(record_.back().at_unix_ms());
    if (with_code) s.set_join_code(join_code_);
    s.set_campaign(config_.campaign());
    s.set_campaign_stage(config_.campaign_stage());
    s.set_previous_session(config_.previous_session());
    s.set_next_session(next_session_);
    done(s);
  });
}

}  // namespace mf::server
