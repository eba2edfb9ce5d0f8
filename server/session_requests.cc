// A session's requests (server/session.h): join, act, hand a seat over,
// chat. Each goes through the pipeline (session.cc).
#include "server/chat.h"
#include "server/session_internal.h"
#include "server/text.h"
#include "server/tokens.h"

namespace mf::server {

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

void Session::Join(const std::string& name, std::optional<int> wanted,
                   std::function<void(Outcome, const mf::JoinSessionResponse&)> done) {
  auto self = shared_from_this();
  Op op;
  op.sheddable = true;
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
      serial_.Post([this, self, seat, stored, token, done, e] {
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
          resp.set_press_desk(-1);
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

void Session::JoinPress(const std::string& name,
                        std::function<void(Outcome, const mf::JoinSessionResponse&)> done) {
  auto self = shared_from_this();
  Op op;
  op.sheddable = true;
  op.refuse = [done](Outcome o) { done(o, {}); };
  op.run = [this, self, name, done] {
    auto fail = [&](StatusCode c, const std::string& m) {
      done(Outcome::Error(c, m), {});
      OpDone();
    };
    if (state_.IsTerminal()) return fail(StatusCode::FAILED_PRECONDITION, "the game is over");
    int desk = -1;
    std::string token;
    StoredSeat stored;
    {
      std::lock_guard<std::mutex> lock(auth_mu_);
      if (desks_.empty())
        return fail(StatusCode::FAILED_PRECONDITION,
                    "this session has no press desks (the facilitator sets them when "
                    "creating it)");
      for (size_t d = 0; d < desks_.size() && desk < 0; ++d)
        if (desks_[d].token_hash.empty()) desk = static_cast<int>(d);
      if (desk < 0)
        return fail(StatusCode::FAILED_PRECONDITION,
                    "every press desk is taken (" + std::to_string(desks_.size()) + ")");
      token = NewToken(id_, rules::PressActor(desk));
      stored = StoredSeat{rules::PressActor(desk), name, TokenHash(token), "", false};
      // Reserved while the store commits.
      desks_[static_cast<size_t>(desk)].token_hash = stored.token_hash;
    }
    store_->SaveSeat(id_, stored, [this, self, desk, stored, token, done](const std::string& e) {
      serial_.Post([this, self, desk, stored, token, done, e] {
        mf::JoinSessionResponse resp;
        {
          std::lock_guard<std::mutex> lock(auth_mu_);
          Desk& d = desks_[static_cast<size_t>(desk)];
          if (!e.empty()) {
            d.token_hash.clear();
          } else {
            d.player = stored.player;
          }
        }
        if (!e.empty()) {
          done(Outcome::Error(StatusCode::UNAVAILABLE,
                              "could not store the press desk (" + e + "); try again"),
               resp);
        } else {
          resp.set_session(id_);
          resp.set_seat(-1);
          resp.set_press_desk(desk);
          resp.set_seat_token(token);
          resp.set_seat_name("Press desk " + std::to_string(desk + 1));
          done(Outcome::Ok(), resp);
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
  op.sheddable = true;
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
  op.sheddable = true;
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
          serial_.Post([this, self, m, done, e] {
            if (!e.empty()) {
              done(Outcome::Error(StatusCode::UNAVAILABLE,
                                  "the message could not be stored (" + e + "); try again"),
                   0);
            } else {
              chat_.push_back(m);
              auto ev = std::make_shared<mf::ServerEvent>();
              *ev->mutable_chat() = m;
              const auto wire = WireEvent::Of(*ev);
              for (auto& [id, sub] : subs_)
                if (CanSee(sub.viewer, m)) sub.sink->PushQueuedWire(wire);
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

}  // namespace mf::server
