#include "client/connection.h"

#include <chrono>

namespace mf::client {

double MonotonicSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void Inbox::Bump() {
  s_.generation = generation_.load(std::memory_order_relaxed) + 1;
  generation_.store(s_.generation, std::memory_order_release);
}

void Inbox::SetView(std::shared_ptr<const mf::View> view, int phase_seconds_left) {
  std::lock_guard<std::mutex> lock(mu_);
  s_.view = std::move(view);
  s_.phase_seconds_left = phase_seconds_left;
  s_.view_time = MonotonicSeconds();
  Bump();
}

void Inbox::AddChat(ChatLine line) {
  std::lock_guard<std::mutex> lock(mu_);
  // A replayed backlog after a reconnection repeats messages: keep one of each.
  if (line.serial != 0)
    for (auto it = s_.chat.rbegin(); it != s_.chat.rend(); ++it) {
      if (it->serial == line.serial) return;
      if (it->serial != 0 && it->serial < line.serial) break;
    }
  s_.chat.push_back(std::move(line));
  if (s_.chat.size() > kMaxChat) s_.chat.erase(s_.chat.begin());
  Bump();
}

void Inbox::SetChat(std::vector<ChatLine> chat) {
  std::lock_guard<std::mutex> lock(mu_);
  if (chat.size() > kMaxChat)
    chat.erase(chat.begin(), chat.end() - static_cast<std::ptrdiff_t>(kMaxChat));
  s_.chat = std::move(chat);
  Bump();
}

void Inbox::SetRoster(std::vector<Presence> roster) {
  std::lock_guard<std::mutex> lock(mu_);
  s_.roster = std::move(roster);
  s_.have_roster = true;
  Bump();
}

void Inbox::SetLink(Link link, std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (s_.link == link && s_.link_text == text) return;
  s_.link = link;
  s_.link_text = std::move(text);
  Bump();
}

void Inbox::SetError(std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  s_.error = std::move(error);
  ++s_.error_serial;
  Bump();
}

void Inbox::SetNotice(std::string notice) {
  std::lock_guard<std::mutex> lock(mu_);
  s_.notice = std::move(notice);
  ++s_.notice_serial;
  Bump();
}

void Inbox::SetSession(std::string session, std::string join_code, std::string my_name) {
  std::lock_guard<std::mutex> lock(mu_);
  s_.session = std::move(session);
  s_.join_code = std::move(join_code);
  s_.my_name = std::move(my_name);
  Bump();
}

void Inbox::SetJoinLink(std::string join_code, std::string web_link) {
  std::lock_guard<std::mutex> lock(mu_);
  if (s_.join_code.empty()) s_.join_code = std::move(join_code);
  s_.web_link = std::move(web_link);
  Bump();
}

bool Inbox::Take(uint64_t* seen, Snapshot* out) const {
  if (generation() == *seen) return false;
  std::lock_guard<std::mutex> lock(mu_);
  *out = s_;
  *seen = s_.generation;
  return true;
}

}  // namespace mf::client
