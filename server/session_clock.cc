// A session's clock and bots (server/session.h): the phase clock and its
// timeouts, the bots' moves, and the hand-over of an idle seat to a bot.
#include <boost/asio/bind_executor.hpp>

#include "server/session_internal.h"

namespace mf::server {

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
  clock_timer_.async_wait(serial_.Wrap([this, self, serial](const boost::system::error_code& ec) {
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
        clock_timer_.async_wait(serial_.Wrap([this, self, s](const boost::system::error_code& ec) {
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
      serial_.Post([this, self, s] { BotTurn(s); });
    } else {
      const double f = 0.5 + seat.rng.Uniform();
      seat.bot_timer->expires_after(std::chrono::milliseconds(static_cast<int>(pace * f)));
      seat.bot_timer->async_wait(serial_.Wrap([this, self, s](const boost::system::error_code& ec) {
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
// The idle hand-over
// ---------------------------------------------------------------------------

void Session::ArmIdle(int seat) {
  const int secs = config_.idle_handover_seconds();
  if (secs <= 0 || finished_ || closing_) return;
  auto self = shared_from_this();
  Seat& s = seats_[static_cast<size_t>(seat)];
  s.idle_timer->expires_after(std::chrono::seconds(secs));
  s.idle_timer->async_wait(serial_.Wrap([this, self, seat](const boost::system::error_code& ec) {
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

}  // namespace mf::server
