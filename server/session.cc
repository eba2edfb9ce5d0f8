#include "server/session.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

#include "rules/view.h"
#include "server/chat.h"
#include "server/text.h"
#include "server/tokens.h"

namespace mf::server {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using grpc::StatusCode;

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

bool ResolveTimers(const mf::CreateSessionRequest& r, PhaseClock* out, std::string* error) {
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
  else if (actor == rules::kFacilitator)
    out->set_facilitator(true);
  else
    out->set_clock(true);
}

rules::Action SetBotAction(int seat, bool bot) {
  rules::Action a = rules::Action::Make(rules::ActionType::kSetBot);
  a.seat = seat;
  a.flag = bot;
  return a;
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction, creation, restore
// ---------------------------------------------------------------------------

Session::Session(asio::io_context& io, Store* store, const ServerOptions& options, Init init)
    : strand_(asio::make_strand(io)),
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
      state_(init.scenario, init.seed),
      seats_(static_cast<size_t>(init.scenario->num_seats())),
      clock_timer_(io) {
  std::string ignored;
  ResolveTimers(config_, &clock_, &ignored);
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
  asio::post(strand_, [this, self, done = std::move(done)] {
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
      asio::post(strand_, [this, self, first, stored, done, e] {
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
  asio::post(strand_, [this, self] {
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
  asio::post(strand_, [this, self, op = std::move(op)]() mutable {
    if (closing_) {
      op.refuse(Outcome::Error(StatusCode::UNAVAILABLE,
                               "server shutting down; reconnect later with the same token"));
      return;
    }
    ops_.push_back(std::move(op));
    if (!busy_) RunNext();
  });
}

void Session::RunNext() {
  if (ops_.empty()) {
    busy_ = false;
    if (closing_) FinishShutdown();
    return;
  }
  busy_ = true;
  Op op = std::move(ops_.front());
  ops_.pop_front();
  op.run();
}

void Session::OpDone() {
  auto self = shared_from_this();
  asio::post(strand_, [this, self] { RunNext(); });
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
        asio::post(strand_,
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
// Requests
// ---------------------------------------------------------------------------

void Session::Join(const std::string& name, std::optional<int> wanted,
                   std::function<void(Outcome, const mf::JoinSessionResponse&)> done) {
  auto self = shared_from_this();
  Op op;
  op.refuse = [done](Outcome o) { done(o, {}); };
  op.run = [this, self, name, wanted, done] {
    auto fail = [&](StatusCode c, const std::string& m) {
      done(Outcome::Error(c, m), {});
      OpDone();
    };
    if (state_.IsTerminal()) return fail(StatusCode::FAILED_PRECONDITION, "the game is over");
    // The join contract (forum.proto, JoinSessionRequest): a seat nobody
    // holds may be joined; a bot may keep it warm until a person joins, who
    // then takes it over. Without a seat number, people are placed in empty
    // seats first, then in bots' seats. A seat a person holds is never given
    // to another, even while a bot plays it for them.
    auto unclaimed = [&](int s) { return seats_[static_cast<size_t>(s)].token_hash.empty(); };
    auto free = [&](int s) { return unclaimed(s) && !state_.seat(s).bot; };
    int seat = -1;
    if (wanted && (*wanted < -1 || *wanted >= num_seats()))
      return fail(StatusCode::INVALID_ARGUMENT, "no seat " + std::to_string(*wanted) +
                                                    ": seats are 0.." +
                                                    std::to_string(num_seats() - 1) +
                                                    " (leave it unset for the first free seat)");
    if (wanted && *wanted >= 0) {
      if (!unclaimed(*wanted))
        return fail(StatusCode::FAILED_PRECONDITION,
                    "seat " + std::to_string(*wanted) + " (" +
                        scenario_->seats()[static_cast<size_t>(*wanted)].name +
                        ") is taken by another player; pick another seat or leave it unset");
      seat = *wanted;
    } else {
      for (int s = 0; s < num_seats() && seat < 0; ++s)
        if (free(s)) seat = s;
      for (int s = 0; s < num_seats() && seat < 0; ++s)
        if (unclaimed(s)) seat = s;
      if (seat < 0)
        return fail(StatusCode::FAILED_PRECONDITION,
                    "every seat is taken; ask the facilitator to hand you a bot's seat");
    }
    const std::string token = NewToken(id_, seat);
    StoredSeat stored{seat, name, TokenHash(token), seats_[static_cast<size_t>(seat)].strategy,
                      false};
    {
      // Reserve the seat while the store commits (nobody else can take it).
      std::lock_guard<std::mutex> lock(auth_mu_);
      seats_[static_cast<size_t>(seat)].token_hash = stored.token_hash;
    }
    store_->SaveSeat(id_, stored, [this, self, seat, stored, token, done](const std::string& e) {
      asio::post(strand_, [this, self, seat, stored, token, done, e] {
        Seat& s = seats_[static_cast<size_t>(seat)];
        mf::JoinSessionResponse resp;
        if (!e.empty()) {
          std::lock_guard<std::mutex> lock(auth_mu_);
          s.token_hash.clear();
          done(Outcome::Error(StatusCode::UNAVAILABLE,
                              "could not store the seat (" + e + "); try again"),
               resp);
        } else {
          s.player = stored.player;
          s.last_seen_ms = NowMs();
          resp.set_session(id_);
          resp.set_seat(seat);
          resp.set_seat_token(token);
          resp.set_seat_name(scenario_->seats()[static_cast<size_t>(seat)].name);
          if (state_.seat(seat).bot) {
            // The person takes the seat over from the bot that kept it warm.
            SetBotSeat(seat, false, "", false, [this, resp, done](Outcome) {
              done(Outcome::Ok(), resp);
              PushRoster();
              OpDone();
            });
            return;
          }
          done(Outcome::Ok(), resp);
          PushRoster();
        }
        OpDone();
      });
    });
  };
  Enqueue(std::move(op));
}

void Session::Act(int slot, const mf::Action& proto, std::optional<uint64_t> based_on,
                  const std::string& bot_strategy, ActDone done) {
  auto self = shared_from_this();
  Op op;
  op.refuse = [done](Outcome o) { done(o, 0, mf::PHASE_UNSPECIFIED); };
  op.run = [this, self, slot, proto, based_on, bot_strategy, done] {
    auto finish = [&](Outcome o) {
      done(o, state_.version(), state_.phase());
      OpDone();
    };
    // Stale only when what the others did since changes the choice (a new
    // phase, the text on the table, a world event): a vote or a statement
    // in between does not (rules::State::context_version).
    if (based_on && *based_on > state_.version())
      return finish(Outcome::Error(StatusCode::INVALID_ARGUMENT,
                                   "based_on_version " + std::to_string(*based_on) +
                                       " is ahead of the game (version " +
                                       std::to_string(state_.version()) + ")"));
    if (based_on && *based_on < state_.context_version())
      return finish(Outcome::Error(
          StatusCode::FAILED_PRECONDITION,
          "your view is out of date (version " + std::to_string(*based_on) + "; since version " +
              std::to_string(state_.context_version()) +
              " the phase or the text on the table changed): decide again on the latest view"));
    rules::Action action;
    std::string why;
    if (!rules::ActionFromProto(proto, *scenario_, &action, &why))
      return finish(Outcome::Error(StatusCode::INVALID_ARGUMENT, "malformed action: " + why));
    if (slot >= 0 && state_.seat(slot).bot)
      return finish(Outcome::Error(
          StatusCode::FAILED_PRECONDITION,
          seats_[static_cast<size_t>(slot)].auto_bot
              ? "a bot played your seat while you were away; subscribe again to take it back"
              : "the facilitator handed your seat to a bot; ask them to hand it back"));
    const rules::Result r = state_.Check(slot, action);
    if (!r.ok()) return finish(Outcome::Rule(r.code, r.message));
    if (slot == kFacilitator && action.type == rules::ActionType::kSetBot) {
      std::string strategy;
      if (action.flag && !ResolveStrategy(bot_strategy, &strategy))
        return finish(Outcome::Error(StatusCode::INVALID_ARGUMENT,
                                     "unknown bot strategy '" + Echo(bot_strategy) +
                                         "': use easy, normal, hard or a strategy name"));
      SetBotSeat(action.seat, action.flag, strategy, false, [this, self, done](Outcome o) {
        done(o, state_.version(), state_.phase());
        OpDone();
      });
      return;
    }
    CommitApply(slot, action, [this, self, done](const std::string& e) {
      if (!e.empty())
        done(Outcome::Error(StatusCode::UNAVAILABLE, "the action could not be stored (" + e +
                                                         "); nothing changed, try again"),
             state_.version(), state_.phase());
      else
        done(Outcome::Ok(), state_.version(), state_.phase());
      OpDone();
    });
  };
  Enqueue(std::move(op));
}

void Session::SetBotSeat(int seat, bool bot, const std::string& strategy, bool automatic,
                         std::function<void(Outcome)> done) {
  auto self = shared_from_this();
  CommitApply(kFacilitator, SetBotAction(seat, bot),
              [this, self, seat, bot, strategy, automatic, done](const std::string& e) {
                if (!e.empty()) {
                  done(Outcome::Error(StatusCode::UNAVAILABLE,
                                      "the handover could not be stored (" + e + ")"));
                  return;
                }
                Seat& s = seats_[static_cast<size_t>(seat)];
                if (bot) s.strategy = strategy;
                s.auto_bot = bot && automatic;
                s.bot.reset();
                {
                  std::lock_guard<std::mutex> lock(auth_mu_);
                  store_->SaveSeat(id_, {seat, s.player, s.token_hash, s.strategy, s.auto_bot},
                                   [](const std::string&) {});
                }
                PushNotice(seat, bot ? mf::Notice::SEAT_TO_BOT : mf::Notice::SEAT_TO_HUMAN,
                           bot ? "a bot (" + s.strategy + ") plays your seat now"
                               : "your seat is back in your hands");
                PushRoster();
                ScheduleBots();
                done(Outcome::Ok());
              });
}

void Session::Chat(int slot, const mf::Channel& channel, const std::string& text,
                   std::function<void(Outcome, uint64_t)> done) {
  if (text.empty() || static_cast<int>(text.size()) > options_.max_chat_bytes) {
    done(Outcome::Error(StatusCode::INVALID_ARGUMENT,
                        "a message is 1 to " + std::to_string(options_.max_chat_bytes) +
                            " bytes long; this one has " + std::to_string(text.size())),
         0);
    return;
  }
  if (!rules::IsCleanUtf8(text)) {
    done(Outcome::Error(StatusCode::INVALID_ARGUMENT,
                        "a message must be UTF-8 text without control characters"),
         0);
    return;
  }
  auto self = shared_from_this();
  Op op;
  op.refuse = [done](Outcome o) { done(o, 0); };
  op.run = [this, self, slot, channel, text, done] {
    auto fail = [&](StatusCode c, const std::string& m) {
      done(Outcome::Error(c, m), 0);
      OpDone();
    };
    const Outcome allowed = CheckChannel(*scenario_, slot, channel);
    if (!allowed.ok()) return fail(allowed.code, allowed.message);
    mf::ChatMessage m;
    m.set_serial(chat_.size() + 1);
    m.set_from(slot);
    m.set_from_name(slot >= 0 ? scenario_->seats()[static_cast<size_t>(slot)].name
                              : std::string("Facilitator"));
    *m.mutable_channel() = channel;
    m.set_text(text);
    m.set_sent_unix_ms(NowMs());
    store_->AppendMessage(
        id_, {m.serial(), m.SerializeAsString()}, m.sent_unix_ms(),
        [this, self, m, done](const std::string& e) {
          asio::post(strand_, [this, self, m, done, e] {
            if (!e.empty()) {
              done(Outcome::Error(StatusCode::UNAVAILABLE,
                                  "the message could not be stored (" + e + "); try again"),
                   0);
            } else {
              chat_.push_back(m);
              auto ev = std::make_shared<mf::ServerEvent>();
              *ev->mutable_chat() = m;
              for (auto& [id, sub] : subs_)
                if (CanSee(sub.viewer, m)) sub.sink->PushQueued(ev);
              done(Outcome::Ok(), m.serial());
            }
            OpDone();
          });
        });
  };
  Enqueue(std::move(op));
}

bool Session::CanSee(int viewer, const mf::ChatMessage& m) const {
  return server::CanSee(*scenario_, viewer, m);
}

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

std::shared_ptr<mf::ServerEvent> Session::MakeViewEvent(int viewer, bool full) const {
  // A view is hundreds of small strings and messages: build it on an arena of
  // its own (one allocation, freed when the last stream has written it).
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 16 * 1024;
  arena_options.max_block_size = 64 * 1024;
  auto arena = std::make_shared<google::protobuf::Arena>(arena_options);
  std::shared_ptr<mf::ServerEvent> ev(
      arena, google::protobuf::Arena::CreateMessage<mf::ServerEvent>(arena.get()));
  // After a stream's first view, only what changes is built and sent (the
  // static fields are omitted) with the most recent events (clients show
  // fewer than that; the first view carries a longer backlog).
  rules::ViewParts parts;
  parts.static_fields = full;
  if (!full) parts.max_events = kEventsPerChange;
  rules::MakeView(rules::SeatView(state_, viewer), ev->mutable_view(), parts);
  ev->set_phase_seconds_left(SecondsLeft());
  ev->set_static_omitted(!full);
  return ev;
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
  std::map<int, std::shared_ptr<const mf::ServerEvent>> made;
  for (auto& [id, sub] : subs_) {
    auto& ev = made[sub.viewer];
    if (!ev) ev = MakeViewEvent(sub.viewer, false);
    sub.sink->PushLatest(0, ev);
  }
}

void Session::PushRoster() {
  std::shared_ptr<const mf::ServerEvent> ev;
  for (auto& [id, sub] : subs_) {
    if (sub.viewer != kFacilitator) continue;
    if (!ev) ev = MakeRosterEvent();
    sub.sink->PushLatest(1, ev);
  }
}

void Session::PushNotice(int viewer, mf::Notice::Kind kind, const std::string& text) {
  auto ev = std::make_shared<mf::ServerEvent>();
  ev->mutable_notice()->set_kind(kind);
  ev->mutable_notice()->set_text(text);
  ev->mutable_notice()->set_phase_seconds_left(SecondsLeft());
  for (auto& [id, sub] : subs_)
    if (sub.viewer == viewer) sub.sink->PushQueued(ev);
}

uint64_t Session::Subscribe(int viewer, std::shared_ptr<Sink> sink, int backlog) {
  const uint64_t sub_id = next_sub_++;
  auto self = shared_from_this();
  asio::post(strand_, [this, self, viewer, sink, backlog, sub_id] {
    if (closing_) {
      sink->Close(StatusCode::UNAVAILABLE, "server shutting down; reconnect later");
      return;
    }
    sink->PushLatest(0, MakeViewEvent(viewer, true));
    const int want = backlog <= 0 ? 50 : std::min(backlog, 200);
    std::vector<const mf::ChatMessage*> visible;
    for (auto it = chat_.rbegin(); it != chat_.rend() && static_cast<int>(visible.size()) < want;
         ++it)
      if (CanSee(viewer, *it)) visible.push_back(&*it);
    for (auto it = visible.rbegin(); it != visible.rend(); ++it) {
      auto ev = std::make_shared<mf::ServerEvent>();
      *ev->mutable_chat() = **it;
      sink->PushQueued(ev);
    }
    if (finished_) {
      auto ev = std::make_shared<mf::ServerEvent>();
      ev->mutable_notice()->set_kind(mf::Notice::GAME_OVER);
      ev->mutable_notice()->set_text("the game is over");
      sink->PushQueued(ev);
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
    if (viewer == kFacilitator) sink->PushLatest(1, MakeRosterEvent());
    PushRoster();
  });
  return sub_id;
}

void Session::Unsubscribe(uint64_t sub_id) {
  auto self = shared_from_this();
  asio::post(strand_, [this, self, sub_id] {
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

void Session::ArmIdle(int seat) {
  const int secs = config_.idle_handover_seconds();
  if (secs <= 0 || finished_ || closing_) return;
  auto self = shared_from_this();
  Seat& s = seats_[static_cast<size_t>(seat)];
  s.idle_timer->expires_after(std::chrono::seconds(secs));
  s.idle_timer->async_wait(
      asio::bind_executor(strand_, [this, self, seat](const boost::system::error_code& ec) {
        if (ec) return;
        if (seats_[static_cast<size_t>(seat)].streams > 0 || state_.seat(seat).bot) return;
        Op op;
        op.refuse = [](Outcome) {};
        op.run = [this, self, seat] {
          Seat& st = seats_[static_cast<size_t>(seat)];
          if (st.streams > 0 || state_.seat(seat).bot || state_.IsTerminal()) {
            OpDone();
            return;
          }
          std::string strategy;
          ResolveStrategy(st.strategy, &strategy);
          SetBotSeat(seat, true, strategy, true, [this](Outcome) { OpDone(); });
        };
        ops_.push_back(std::move(op));
        if (!busy_) RunNext();
      }));
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

void Session::Record(int slot,
                     std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done) {
  auto self = shared_from_this();
  asio::post(strand_, [this, self, slot, done] {
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
  asio::post(strand_, [this, self, done] {
    auto r = std::make_shared<mf::Roster>();
    FillRoster(r.get());
    done(r);
  });
}

void Session::Summary(bool with_code, std::function<void(mf::SessionSummary)> done) {
  auto self = shared_from_this();
  asio::post(strand_, [this, self, with_code, done] {
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
    done(s);
  });
}

// ---------------------------------------------------------------------------
// The clock and the bots
// ---------------------------------------------------------------------------

int Session::SecondsLeft() const {
  if (!clock_enabled_ || clock_paused_ || finished_) return 0;
  const auto left = deadline_ - Clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
  return secs <= 0 ? 0 : static_cast<int>((secs + 999) / 1000);
}

void Session::UpdateClock() {
  if (state_.IsTerminal() || closing_) {
    clock_timer_.cancel();
    clock_enabled_ = false;
    return;
  }
  const auto now = Clock::now();
  if (state_.phase_serial() != clock_serial_) {
    clock_serial_ = state_.phase_serial();
    clock_ext_ = 0;
    const int secs = clock_.For(state_.phase());
    clock_enabled_ = secs > 0;
    remaining_ = std::chrono::seconds(secs);
    if (restored_left_ms_ >= 0) {  // The phase in progress when the server stopped.
      remaining_ = std::chrono::milliseconds(restored_left_ms_);
      clock_ext_ = state_.extension_seconds();  // Counted in it already.
      restored_left_ms_ = -1;
    }
    deadline_ = now + remaining_;
    clock_paused_ = false;
    armed_ = {};
  }
  if (state_.extension_seconds() != clock_ext_) {
    const auto delta = std::chrono::seconds(state_.extension_seconds() - clock_ext_);
    deadline_ += delta;
    remaining_ += delta;
    clock_ext_ = state_.extension_seconds();
  }
  if (state_.paused() && !clock_paused_) {
    remaining_ = deadline_ - now;
    clock_paused_ = true;
  } else if (!state_.paused() && clock_paused_) {
    deadline_ = now + remaining_;
    clock_paused_ = false;
  }
  if (!clock_enabled_ || clock_paused_) {
    clock_timer_.cancel();
    armed_ = {};
    return;
  }
  if (armed_ == deadline_) return;
  armed_ = deadline_;
  clock_timer_.expires_at(deadline_);
  auto self = shared_from_this();
  const int serial = clock_serial_;
  clock_timer_.async_wait(
      asio::bind_executor(strand_, [this, self, serial](const boost::system::error_code& ec) {
        if (!ec) OnClock(serial);
      }));
}

void Session::OnClock(int serial) {
  if (serial != state_.phase_serial() || closing_) return;
  auto self = shared_from_this();
  Op op;
  op.refuse = [](Outcome) {};
  op.run = [this, self, serial] {
    rules::Action a = rules::Action::Make(rules::ActionType::kTimeout);
    a.id = serial;
    if (!state_.Check(rules::kClock, a).ok()) {
      OpDone();
      return;
    }
    CommitApply(rules::kClock, a, [this, self](const std::string& e) {
      if (!e.empty()) {
        // Try again shortly: the phase must end.
        armed_ = {};
        clock_timer_.expires_after(std::chrono::seconds(1));
        const int s = state_.phase_serial();
        clock_timer_.async_wait(
            asio::bind_executor(strand_, [this, self, s](const boost::system::error_code& ec) {
              if (!ec) OnClock(s);
            }));
      }
      OpDone();
    });
  };
  ops_.push_back(std::move(op));
  if (!busy_) RunNext();
}

void Session::ScheduleBots() {
  if (finished_ || closing_ || state_.paused()) return;
  auto self = shared_from_this();
  for (int s = 0; s < num_seats(); ++s) {
    Seat& seat = seats_[static_cast<size_t>(s)];
    if (!state_.seat(s).bot || state_.seat(s).ready || seat.bot_pending) continue;
    seat.bot_pending = true;
    const int pace = config_.bot_pace_ms();
    if (pace <= 0) {
      asio::post(strand_, [this, self, s] { BotTurn(s); });
    } else {
      const double f = 0.5 + seat.rng.Uniform();
      seat.bot_timer->expires_after(std::chrono::milliseconds(static_cast<int>(pace * f)));
      seat.bot_timer->async_wait(
          asio::bind_executor(strand_, [this, self, s](const boost::system::error_code& ec) {
            if (ec) {
              seats_[static_cast<size_t>(s)].bot_pending = false;
              return;
            }
            BotTurn(s);
          }));
    }
  }
}

void Session::BotTurn(int seat) {
  auto self = shared_from_this();
  Op op;
  op.refuse = [this, seat](Outcome) { seats_[static_cast<size_t>(seat)].bot_pending = false; };
  op.run = [this, self, seat] {
    Seat& s = seats_[static_cast<size_t>(seat)];
    s.bot_pending = false;
    if (!state_.seat(seat).bot || state_.seat(seat).ready || state_.IsTerminal() ||
        state_.paused()) {
      OpDone();
      return;
    }
    if (!s.bot) {
      std::string strategy;
      ResolveStrategy(s.strategy, &strategy);
      s.bot = bots::MakeBot(strategy);
    }
    const rules::Action a = bots::BotMove(*s.bot, state_, seat, s.rng);
    if (!state_.Check(seat, a).ok()) {
      OpDone();
      return;
    }
    s.bot_pending = true;  // Until the move is applied (no second move queued meanwhile).
    CommitApply(seat, a, [this, self, seat](const std::string&) {
      seats_[static_cast<size_t>(seat)].bot_pending = false;
      ScheduleBots();
      OpDone();
    });
  };
  Enqueue(std::move(op));
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
  for (auto& [id, sub] : subs_) {
    sub.sink->PushQueued(ev);
    sub.sink->Close(StatusCode::OK, "");
  }
  for (auto& [id, sub] : subs_)
    if (sub.viewer >= 0) --seats_[static_cast<size_t>(sub.viewer)].streams;
  subs_.clear();
}

void Session::BeginShutdown(std::function<void()> done, const std::string& why) {
  auto self = shared_from_this();
  asio::post(strand_, [this, self, done, why] {
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
  for (auto& [id, sub] : subs_) {
    sub.sink->PushQueued(ev);
    sub.sink->Close(StatusCode::UNAVAILABLE,
                    shutdown_why_.empty() ? "server shutting down" : shutdown_why_);
  }
  subs_.clear();
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace mf::server
