#include "client/offline.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "rules/action.h"
#include "rules/view.h"

namespace mf::client {

std::unique_ptr<OfflineConnection> OfflineConnection::Start(const OfflineOptions& options,
                                                            std::string* error) {
  std::unique_ptr<DemoGame> game =
      DemoGame::Make(options.scenario, options.seed, error, options.strategy);
  if (!game) return nullptr;
  const int n = game->state().num_seats();
  if (options.viewer >= n || options.viewer < rules::kSpectatorView) {
    *error = "no seat " + std::to_string(options.viewer) + " in " + options.scenario +
             " (seats 0.." + std::to_string(n - 1) + ")";
    return nullptr;
  }
  if (options.until != mf::PHASE_UNSPECIFIED) {
    const mf::Phase p = options.until;
    const int c = options.until_cycle;
    game->RunUntil([p, c](const rules::State& s) {
      return (s.phase() == p && s.cycle() >= c) || s.IsTerminal();
    });
  }
  return std::unique_ptr<OfflineConnection>(new OfflineConnection(options, std::move(game)));
}

OfflineConnection::OfflineConnection(const OfflineOptions& options, std::unique_ptr<DemoGame> game)
    : options_(options), game_(std::move(game)), pace_rng_(options.seed * 31 + 7) {
  phase_seconds_ = options.phase_seconds >= 0
                       ? options.phase_seconds
                       : game_->state().scenario().proto().minutes_per_phase() * 60;
  if (options_.start_paused) {
    rules::Action pause = rules::Action::Make(rules::ActionType::kPause);
    game_->state().Apply(rules::kFacilitator, pause);
  }
  std::string me = options_.viewer >= 0
                       ? game_->state().scenario().seats()[options_.viewer].name
                       : (options_.viewer == rules::kFacilitatorView ? "Facilitator" : "Spectator");
  inbox_.SetSession("offline", "OFFLINE", options_.player_name);
  inbox_.SetLink(Link::kLocal, "offline: " + options_.scenario + " with bots");
  {
    std::lock_guard<std::mutex> lock(mu_);
    Publish();
    PublishRoster();
  }
  thread_ = std::thread([this] { Run(); });
}

OfflineConnection::~OfflineConnection() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int OfflineConnection::actor() const {
  return options_.viewer >= 0 ? options_.viewer : rules::kFacilitator;
}

bool OfflineConnection::BotPlays(int seat) const {
  return seat != options_.viewer || game_->state().seat(seat).bot;
}

void OfflineConnection::Send(const mf::Action& action, uint64_t, const std::string&) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Pending p;
    p.action = action;
    queue_.push_back(std::move(p));
  }
  cv_.notify_all();
}

void OfflineConnection::SendChat(const Channel& channel, const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Pending p;
    p.chat = true;
    p.channel = channel;
    p.text = text;
    queue_.push_back(std::move(p));
  }
  cv_.notify_all();
}

std::optional<std::string> OfflineConnection::Check(const mf::Action& action) const {
  // Never wait for a bot's decision: the caller falls back on the view.
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;
  if (options_.viewer == rules::kSpectatorView)
    return std::string("spectators watch; they do not act");
  const rules::State& s = game_->state();
  rules::Action a;
  std::string error;
  if (!rules::ActionFromProto(action, s.scenario(), &a, &error)) return error;
  rules::Result r = s.Check(actor(), a);
  return r.ok() ? std::string() : r.message;
}

std::string OfflineConnection::Describe() const {
  return "offline · " + options_.scenario;
}

void OfflineConnection::WithState(const std::function<void(rules::State&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  fn(game_->state());
  Publish();
}

void OfflineConnection::Publish() {
  auto view = std::make_shared<mf::View>(game_->View(options_.viewer));
  const rules::State& s = game_->state();
  int left = 0;
  if (phase_seconds_ > 0 && !s.IsTerminal()) {
    const double limit = phase_seconds_ + s.extension_seconds();
    left = std::max(0, static_cast<int>(std::ceil(limit - elapsed_)));
  }
  inbox_.SetView(std::move(view), s.paused() ? 0 : left);
}

void OfflineConnection::PublishRoster() {
  const rules::State& s = game_->state();
  std::vector<Presence> roster;
  for (int i = 0; i < s.num_seats(); ++i) {
    Presence p;
    p.seat = i;
    p.bot = BotPlays(i);
    p.claimed = i == options_.viewer;
    p.connected = i == options_.viewer;
    if (p.claimed) p.player = options_.player_name;
    if (p.bot) p.strategy = options_.strategy;
    roster.push_back(p);
  }
  inbox_.SetRoster(std::move(roster));
}

void OfflineConnection::Run() {
  using Clock = std::chrono::steady_clock;
  const auto clock = [this] { return options_.clock ? options_.clock() : Clock::now(); };
  const int n = game_->state().num_seats();
  const double pace = options_.bot_pace_ms / 1000.0 * 8.0 / std::max(8, n);
  auto next_bot = clock();
  auto last = clock();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(
        lock, std::clamp<Clock::duration>(next_bot - clock(), {}, std::chrono::milliseconds(100)),
        [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    rules::State& s = game_->state();
    bool changed = false, roster = false;
    while (!queue_.empty()) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      if (p.chat) {
        ChatLine line;
        line.serial = ++chat_serial_;
        line.from = options_.viewer >= 0 ? options_.viewer : -1;
        line.from_name = options_.viewer >= 0 ? s.scenario().seats()[options_.viewer].name
                                              : std::string("Facilitator");
        line.channel = p.channel;
        line.text = p.text;
        inbox_.AddChat(line);
        // A bot answers a bilateral message, so that the channel is not silent.
        if (p.channel.to == Channel::To::kSeat && p.channel.seat >= 0 && p.channel.seat < n &&
            options_.viewer >= 0) {
          ChatLine reply;
          reply.serial = ++chat_serial_;
          reply.from = p.channel.seat;
          reply.from_name = s.scenario().seats()[p.channel.seat].name;
          reply.channel.to = Channel::To::kSeat;
          reply.channel.seat = options_.viewer;
          reply.text = "Noted. Put a concrete offer in the deal composer and we will answer it.";
          inbox_.AddChat(reply);
        }
        continue;
      }
      rules::Action a;
      std::string error;
      if (options_.viewer == rules::kSpectatorView) {
        inbox_.SetError("spectators watch; they do not act");
        continue;
      }
      if (!rules::ActionFromProto(p.action, s.scenario(), &a, &error)) {
        inbox_.SetError(error);
        continue;
      }
      rules::Result r = s.Apply(actor(), a);
      if (!r.ok()) {
        inbox_.SetError(r.message);
        continue;
      }
      changed = true;
      roster |= a.type == rules::ActionType::kSetBot;
    }
    const auto now = clock();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    if (s.phase_serial() != serial_) {
      serial_ = s.phase_serial();
      elapsed_ = 0;
      changed = true;
    } else if (!s.paused() && !s.IsTerminal()) {
      elapsed_ += dt;
    }
    if (phase_seconds_ > 0 && !s.paused() && !s.IsTerminal() &&
        elapsed_ >= phase_seconds_ + s.extension_seconds()) {
      rules::Action t = rules::Action::Make(rules::ActionType::kTimeout);
      t.id = s.phase_serial();
      if (s.Apply(rules::kClock, t).ok()) {
        changed = true;
        serial_ = s.phase_serial();  // The new phase's clock starts now (not at the next turn).
        elapsed_ = 0;
      }
    }
    if (now >= next_bot) {
      if (!s.paused() && !s.IsTerminal()) {
        std::vector<int> pending;
        for (int i = 0; i < n; ++i)
          if (!s.seat(i).ready && BotPlays(i)) pending.push_back(i);
        if (!pending.empty()) {
          const int seat = pending[pace_rng_.Below(static_cast<uint32_t>(pending.size()))];
          changed |= game_->MoveFor(seat);
        }
      }
      const double jitter = 0.5 + pace_rng_.Below(1000) / 1000.0;
      next_bot = now + std::chrono::microseconds(static_cast<int64_t>(pace * jitter * 1e6));
    }
    if (changed) Publish();
    if (roster) PublishRoster();
  }
}

}  // namespace mf::client
