// A session (server/session.h): helpers, construction, creation and restore,
// authentication, the pipeline (enqueue, commit, apply) and the end. The
// requests are in session_requests.cc, the streams and queries in
// session_streams.cc, the clock, the bots and the idle hand-over in
// session_clock.cc.
#include "server/session.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "server/session_internal.h"
#include "server/text.h"
#include "server/tokens.h"

namespace mf::server {

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

bool RateLimiter::Take(double rate, double burst) {
  const auto now = Clock::now();
  if (tokens_ < 0) {
    tokens_ = burst;
  } else {
    const double dt = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst, tokens_ + dt * rate);
  }
  last_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool ResolveTimers(const mf::CreateSessionRequest& r, PhaseClock* out, std::string* error,
                   const rules::Scenario* scenario) {
  *out = PhaseClock();
  const std::string& p = r.timer_preset();
  auto set = [out](int cs, int st, int dr, int de, int ra, int im) {
    out->seconds[mf::CIVIL_SOCIETY] = cs;
    out->seconds[mf::STATEMENTS] = st;
    out->seconds[mf::DRAFTING] = dr;
    out->seconds[mf::DECISION] = de;
    out->seconds[mf::RATIFICATION] = ra;
    out->seconds[mf::IMPLEMENTATION] = im;
  };
  if (p == "fast") {
    set(20, 20, 20, 20, 20, 20);
  } else if (p == "classroom" && scenario) {
    // Each scenario's own minutes: classroom-8 fits a 45-minute lesson.
    auto at = [scenario](mf::Phase ph) { return rules::ClassroomPhaseSeconds(*scenario, ph); };
    set(at(mf::CIVIL_SOCIETY), at(mf::STATEMENTS), at(mf::DRAFTING), at(mf::DECISION),
        at(mf::RATIFICATION), at(mf::IMPLEMENTATION));
  } else if (p == "classroom") {
    set(240, 300, 480, 180, 180, 180);
  } else if (!p.empty() && p != "none") {
    *error = "unknown timer preset '" + Echo(p) + "': use fast, classroom or none";
    return false;
  }
  const mf::PhaseTimers& t = r.timers();
  const int v[6] = {t.civil_society(), t.statements(),   t.drafting(),
                    t.decision(),      t.ratification(), t.implementation()};
  bool any = false;
  for (int x : v) {
    if (x < 0 || x > 24 * 3600) {
      *error = "phase timers are 0..86400 seconds";
      return false;
    }
    any = any || x > 0;
  }
  if (any) set(v[0], v[1], v[2], v[3], v[4], v[5]);
  return true;
}

bool ResolveStrategy(const std::string& name, std::string* strategy) {
  bots::Difficulty d;
  if (name.empty()) {
    *strategy = bots::StrategyForDifficulty(bots::Difficulty::kNormal);
  } else if (bots::ParseDifficulty(name, &d)) {
    *strategy = bots::StrategyForDifficulty(d);
  } else {
    *strategy = name;
  }
  return bots::MakeBot(*strategy) != nullptr;
}

namespace {

void SetActor(int actor, mf::Actor* out) {
  if (actor >= 0)
    out->set_seat(actor);
  else if (rules::IsPressActor(actor))
    out->set_press(rules::PressDesk(actor));
  else if (actor == rules::kFacilitator)
    out->set_facilitator(true);
  else
    out->set_clock(true);
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction, creation, restore
// ---------------------------------------------------------------------------

Session::Session(asio::io_context& io, Store* store, const ServerOptions& options, Init init)
    : serial_(io),
      store_(store),
      options_(options),
      id_(init.id),
      join_code_(init.join_code),
      code_normalised_(NormaliseJoinCode(init.join_code)),
      scenario_(init.scenario),
      seed_(init.seed),
      config_(init.options),
      facilitator_hash_(init.facilitator_hash),
      created_ms_(init.created_ms),
      desks_(static_cast<size_t>(
          std::clamp(init.options.press_desks(), 0, rules::State::kMaxPressDesks))),
      state_(init.scenario, init.seed, init.options.press_desks()),
      seats_(static_cast<size_t>(init.scenario->num_seats())),
      clock_timer_(io) {
  std::string ignored;
  ResolveTimers(config_, &clock_, &ignored, scenario_.get());
  for (const StoredSeat& c : init.claimed) {
    if (c.seat < 0 || c.seat >= static_cast<int>(seats_.size())) continue;
    seats_[static_cast<size_t>(c.seat)].token_hash = c.token_hash;
    seats_[static_cast<size_t>(c.seat)].player = c.player;
    claimed_.push_back(c);
  }
  for (size_t s = 0; s < seats_.size(); ++s) {
    seats_[s].rng.Seed(seed_ * 1000003u + s + 1);
    seats_[s].bot_timer = std::make_unique<asio::steady_timer>(io);
    seats_[s].idle_timer = std::make_unique<asio::steady_timer>(io);
  }
}

Session::~Session() = default;

int64_t Session::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Session::Create(std::function<void(Outcome)> done) {
  auto self = shared_from_this();
  serial_.Post([this, self, done = std::move(done)] {
    // The first actions: bots take their seats, the optional pause.
    std::vector<std::pair<int, rules::Action>> first;
    StoredSession stored;
    std::set<int> bot_seats;
    for (const mf::BotSeat& b : config_.bots()) {
      Seat& seat = seats_[static_cast<size_t>(b.seat())];
      ResolveStrategy(b.strategy(), &seat.strategy);
      if (bot_seats.insert(b.seat()).second)
        first.emplace_back(rules::kFacilitator, SetBotAction(b.seat(), true));
      stored.seats.push_back({b.seat(), "", "", seat.strategy, false});
    }
    // A campaign's later session: the seats people held before.
    // One row per seat: a held seat a bot plays is the bot's row with the token.
    for (const StoredSeat& c : claimed_) {
      auto row = std::find_if(stored.seats.begin(), stored.seats.end(),
                              [&](const StoredSeat& x) { return x.seat == c.seat; });
      if (row == stored.seats.end()) {
        stored.seats.push_back(c);
      } else {
        row->player = c.player;
        row->token_hash = c.token_hash;
      }
    }
    if (config_.start_paused())
      first.emplace_back(rules::kFacilitator, rules::Action::Make(rules::ActionType::kPause));
    stored.id = id_;
    stored.join_code = join_code_;
    stored.scenario = scenario_->id();
    stored.scenario_text = scenario_->text();
    stored.seed = seed_;
    stored.options = config_.SerializeAsString();
    stored.facilitator_hash = facilitator_hash_;
    stored.created_ms = created_ms_;
    std::string chain;
    uint64_t seq = 0;
    for (const auto& [actor, action] : first) {
      mf::Action proto;
      rules::ActionToProto(action, *scenario_, &proto);
      StoredAction sa{++seq, actor, proto.SerializeAsString(), created_ms_, ""};
      sa.chain = chain = ChainNext(chain, sa.seq, actor, sa.action);
      stored.actions.push_back(std::move(sa));
    }
    store_->CreateSession(stored, [this, self, first, stored, done](const std::string& e) {
      serial_.Post([this, self, first, stored, done, e] {
        if (!e.empty()) {
          done(Outcome::Error(StatusCode::UNAVAILABLE,
                              "the session could not be stored (" + e + "); try again"));
          return;
        }
        for (size_t i = 0; i < first.size(); ++i) {
          state_.Apply(first[i].first, first[i].second);
          mf::RecordEntry entry;
          entry.set_seq(stored.actions[i].seq);
          entry.set_at_unix_ms(created_ms_);
          SetActor(first[i].first, entry.mutable_entry()->mutable_actor());
          entry.mutable_entry()->mutable_action()->ParseFromString(stored.actions[i].action);
          record_.push_back(std::move(entry));
          chain_ = stored.actions[i].chain;
        }
        done(Outcome::Ok());
      });
    });
  });
}

bool Session::Restore(const StoredSession& stored, std::string* error) {
  for (const StoredSeat& s : stored.seats) {
    if (rules::IsPressActor(s.seat)) {
      const size_t desk = static_cast<size_t>(rules::PressDesk(s.seat));
      if (desk < desks_.size()) {
        desks_[desk].token_hash = s.token_hash;
        desks_[desk].player = s.player;
      }
      continue;
    }
    if (s.seat < 0 || s.seat >= num_seats()) continue;
    Seat& seat = seats_[static_cast<size_t>(s.seat)];
    seat.token_hash = s.token_hash;
    seat.player = s.player;
    seat.strategy = s.strategy;
    seat.auto_bot = s.auto_bot;
  }
  // The phase clock is replayed too, with the stored times of the actions,
  // so that the phase in progress goes on with the time it had left.
  const auto phase_ms = [this] { return int64_t{1000} * clock_.For(state_.phase()); };
  int serial = state_.phase_serial(), ext = state_.extension_seconds();
  bool paused = state_.paused();
  int64_t left_ms = phase_ms(), running_since = created_ms_;
  std::string chain;
  for (const StoredAction& a : stored.actions) {
    if (a.seq != record_.size() + 1) {
      *error = "session " + id_ + ": the record is broken: action " +
               std::to_string(record_.size() + 1) + " is missing (the next stored is " +
               std::to_string(a.seq) + ")";
      return false;
    }
    chain = ChainNext(chain, a.seq, a.actor, a.action);
    if (chain != a.chain) {
      *error = "session " + id_ + ": the record is broken at action " + std::to_string(a.seq) +
               " (hash chain mismatch)";
      return false;
    }
    mf::RecordEntry entry;
    entry.set_seq(a.seq);
    entry.set_at_unix_ms(a.at_ms);
    SetActor(a.actor, entry.mutable_entry()->mutable_actor());
    rules::Action action;
    std::string why;
    if (!entry.mutable_entry()->mutable_action()->ParseFromString(a.action) ||
        !rules::ActionFromProto(entry.entry().action(), *scenario_, &action, &why)) {
      *error = "session " + id_ + ": action " + std::to_string(a.seq) + " is unreadable " + why;
      return false;
    }
    const rules::Result r = state_.Apply(a.actor, action);
    if (!r.ok()) {
      *error =
          "session " + id_ + ": action " + std::to_string(a.seq) + " does not replay: " + r.message;
      return false;
    }
    record_.push_back(std::move(entry));
    if (state_.phase_serial() != serial) {
      serial = state_.phase_serial();
      ext = state_.extension_seconds();
      left_ms = phase_ms() + int64_t{1000} * ext;
      running_since = a.at_ms;
      paused = false;
    }
    if (state_.extension_seconds() != ext) {
      left_ms += int64_t{1000} * (state_.extension_seconds() - ext);
      ext = state_.extension_seconds();
    }
    if (state_.paused() != paused) {
      if (state_.paused())
        left_ms -= a.at_ms - running_since;
      else
        running_since = a.at_ms;
      paused = state_.paused();
    }
  }
  chain_ = chain;
  if (!state_.IsTerminal() && phase_ms() > 0) {
    if (!paused) left_ms -= NowMs() - running_since;
    // Whoever was at the table needs a moment to come back after an outage:
    // a phase that ran out meanwhile gets up to kRestartGraceMs more.
    restored_left_ms_ = std::max(left_ms, std::min(phase_ms(), kRestartGraceMs));
  }
  for (const StoredMessage& m : stored.messages) {
    mf::ChatMessage msg;
    if (msg.ParseFromString(m.message)) chat_.push_back(std::move(msg));
  }
  return true;
}

void Session::Start() {
  auto self = shared_from_this();
  serial_.Post([this, self] {
    if (state_.IsTerminal()) {  // The last action was stored, the end was not.
      if (!finished_) FinishGame();
      return;
    }
    UpdateClock();
    ScheduleBots();
  });
}

// ---------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------

Outcome Session::Authenticate(int slot, const std::string& token) {
  const std::string hash = TokenHash(token);
  std::lock_guard<std::mutex> lock(auth_mu_);
  RateLimiter* limiter = nullptr;
  bool match = false;
  if (slot == kFacilitator) {
    match = SecureEquals(hash, facilitator_hash_);
    limiter = &facilitator_limiter_;
  } else if (slot >= 0 && slot < num_seats()) {
    Seat& seat = seats_[static_cast<size_t>(slot)];
    match = SecureEquals(hash, seat.token_hash);
    limiter = &seat.limiter;
  } else if (rules::IsPressActor(slot) &&
             static_cast<size_t>(rules::PressDesk(slot)) < desks_.size()) {
    Desk& desk = desks_[static_cast<size_t>(rules::PressDesk(slot))];
    match = !desk.token_hash.empty() && SecureEquals(hash, desk.token_hash);
    limiter = &desk.limiter;
  }
  if (!match)
    return Outcome::Error(StatusCode::UNAUTHENTICATED,
                          "this token is not valid for session " + id_ +
                              "; join again with the join code or ask the facilitator");
  if (!limiter->Take(options_.rate_per_second, options_.rate_burst))
    return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                          "too many requests with this token; slow down (limit " +
                              std::to_string(static_cast<int>(options_.rate_per_second)) +
                              " per second)");
  return Outcome::Ok();
}

std::vector<std::string> Session::SeatHashes() const {
  std::lock_guard<std::mutex> lock(auth_mu_);
  std::vector<std::string> out;
  for (const Seat& seat : seats_) out.push_back(seat.token_hash);
  return out;
}

bool Session::MatchesCode(const std::string& normalised_code) const {
  return SecureEquals(Sha256(normalised_code), Sha256(code_normalised_));
}

// ---------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------

void Session::Enqueue(Op op) {
  auto self = shared_from_this();
  op.queued = Clock::now();
  // Run: a request that finds its session idle is served on the thread it
  // arrived on (server/serial.h).
  serial_.Run([this, self, op = std::move(op)]() mutable {
    if (closing_) {
      op.refuse(Outcome::Error(StatusCode::UNAVAILABLE,
                               "server shutting down; reconnect later with the same token"));
      return;
    }
    // Backpressure: a session that has more waiting than it can serve soon
    // refuses at once (nothing changed; the caller may send it again).
    if (op.sheddable && options_.session_queue > 0 &&
        static_cast<int>(ops_.size()) >= options_.session_queue) {
      op.refuse(Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                               "session " + id_ + " is behind: " + std::to_string(ops_.size()) +
                                   " requests are waiting for it (--session-queue); nothing "
                                   "changed, send it again in a moment"));
      return;
    }
    ops_.push_back(std::move(op));
    if (!busy_) RunNext();
  });
}

void Session::RunNext() {
  const auto now = Clock::now();
  const auto shed_after = std::chrono::milliseconds(options_.shed_after_ms);
  while (!ops_.empty()) {
    Op op = std::move(ops_.front());
    ops_.pop_front();
    // A request that waited too long is refused rather than served late:
    // the tail stays short for the requests that are served.
    if (op.sheddable && options_.shed_after_ms > 0 && now - op.queued > shed_after) {
      const auto waited =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - op.queued).count();
      op.refuse(Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                               "the server is behind: this request waited " +
                                   std::to_string(waited) + " ms for session " + id_ +
                                   " (--shed-after " + std::to_string(options_.shed_after_ms) +
                                   " ms); nothing changed, send it again"));
      continue;
    }
    busy_ = true;
    op.run();
    return;
  }
  busy_ = false;
  if (closing_) FinishShutdown();
}

void Session::OpDone() {
  auto self = shared_from_this();
  serial_.Post([this, self] { RunNext(); });
}

void Session::CommitApply(int actor, const rules::Action& action,
                          std::function<void(const std::string&)> then) {
  mf::RecordEntry entry;
  entry.set_seq(record_.size() + 1);
  entry.set_at_unix_ms(NowMs());
  SetActor(actor, entry.mutable_entry()->mutable_actor());
  rules::ActionToProto(action, *scenario_, entry.mutable_entry()->mutable_action());
  StoredAction sa;
  sa.seq = entry.seq();
  sa.actor = actor;
  sa.action = entry.entry().action().SerializeAsString();
  sa.at_ms = entry.at_unix_ms();
  sa.chain = ChainNext(chain_, sa.seq, actor, sa.action);
  auto self = shared_from_this();
  store_->AppendAction(
      id_, sa,
      [this, self, actor, action, entry, chain = sa.chain, then](const std::string& e) mutable {
        serial_.Post(
            [this, self, actor, action, entry = std::move(entry), chain, then, e]() mutable {
              if (e.empty()) {
                const rules::Result r = state_.Apply(actor, action);
                if (!r.ok())  // Check() agreed a moment ago on the same state: a bug.
                  std::fprintf(stderr, "forumd: session %s: a checked action failed: %s\n",
                               id_.c_str(), r.message.c_str());
                record_.push_back(std::move(entry));
                chain_ = chain;
                if (actor >= 0) seats_[static_cast<size_t>(actor)].last_seen_ms = NowMs();
                AfterChange();
              }
              then(e);
            });
      });
}

void Session::AfterChange() {
  UpdateClock();  // First: the views carry the seconds left.
  PushViews();
  if (state_.IsTerminal() && !finished_) {
    FinishGame();
    return;
  }
  ScheduleBots();
}

// ---------------------------------------------------------------------------
// The end
// ---------------------------------------------------------------------------

void Session::FinishGame() {
  finished_ = true;
  finished_ms_ = NowMs();
  finished_flag_ = true;
  clock_timer_.cancel();
  for (Seat& s : seats_) {
    s.bot_timer->cancel();
    s.idle_timer->cancel();
  }
  store_->FinishSession(id_, NowMs(), state_.Hash(), [id = id_](const std::string& e) {
    if (!e.empty())
      std::fprintf(stderr, "forumd: session %s: could not mark it finished: %s\n", id.c_str(),
                   e.c_str());
  });
  auto ev = std::make_shared<mf::ServerEvent>();
  ev->mutable_notice()->set_kind(mf::Notice::GAME_OVER);
  ev->mutable_notice()->set_text("the game is over: the final scores are in the view");
  if (campaign_hook_) {
    // The campaign goes on in a new session: the same tokens subscribe to it.
    std::vector<FinishedSeat> seats;
    for (int i = 0; i < num_seats(); ++i) {
      const Seat& s = seats_[static_cast<size_t>(i)];
      std::lock_guard<std::mutex> lock(auth_mu_);
      seats.push_back({s.token_hash, s.player, s.strategy, state_.seat(i).bot});
    }
    next_session_ = campaign_hook_(state_, seats);
    if (!next_session_.empty()) {
      ev->mutable_notice()->set_next_session(next_session_);
      ev->mutable_notice()->set_text(
          "the game is over: the final scores are in the view; the campaign goes on in session " +
          next_session_ + " (subscribe with the same token)");
    }
  }
  const auto wire = WireEvent::Of(*ev);
  for (auto& [id, sub] : subs_) {
    sub.sink->PushQueuedWire(wire);
    sub.sink->Close(StatusCode::OK, "");
  }
  for (auto& [id, sub] : subs_)
    if (sub.viewer >= 0) --seats_[static_cast<size_t>(sub.viewer)].streams;
  subs_.clear();
}

void Session::BeginShutdown(std::function<void()> done, const std::string& why) {
  auto self = shared_from_this();
  serial_.Post([this, self, done, why] {
    closing_ = true;
    shutdown_done_ = done;
    shutdown_why_ = why;
    if (!busy_) FinishShutdown();
  });
}

void Session::FinishShutdown() {
  if (!shutdown_done_) return;
  clock_timer_.cancel();
  for (Seat& s : seats_) {
    s.bot_timer->cancel();
    s.idle_timer->cancel();
  }
  auto ev = std::make_shared<mf::ServerEvent>();
  ev->mutable_notice()->set_kind(mf::Notice::SHUTTING_DOWN);
  ev->mutable_notice()->set_text(
      shutdown_why_.empty()
          ? "the server is shutting down; nothing is lost: reconnect later with the same token"
          : shutdown_why_);
  const auto wire = WireEvent::Of(*ev);
  for (auto& [id, sub] : subs_) {
    sub.sink->PushQueuedWire(wire);
    sub.sink->Close(StatusCode::UNAVAILABLE,
                    shutdown_why_.empty() ? "server shutting down" : shutdown_why_);
  }
  subs_.clear();
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace mf::server