#include "tools/debrief_source.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "forum.grpc.pb.h"
#include "net/client.h"
#include "rules/action.h"
#include "rules/state.h"
#include "server/store.h"
#include "tools/common.h"

namespace mf::tools::debrief {

ChatLine ChatFromProto(const mf::ChatMessage& m) {
  ChatLine c;
  c.serial = m.serial();
  c.from = m.from();
  c.from_name = m.from_name();
  c.text = m.text();
  c.at_ms = m.sent_unix_ms();
  switch (m.channel().to_case()) {
    case mf::Channel::kSeat:
      c.channel = ChatLine::Channel::kBilateral;
      c.to_seat = m.channel().seat();
      break;
    case mf::Channel::kCaucus:
      c.channel = ChatLine::Channel::kCaucus;
      c.caucus = m.channel().caucus();
      break;
    default:
      c.channel = ChatLine::Channel::kPublic;
  }
  return c;
}

bool LoadRecordFromLogFile(const std::string& path, Record* out, std::string* error) {
  std::string text;
  if (!ReadFile(path, &text, error)) return false;
  mf::GameLog gl;
  if (!google::protobuf::TextFormat::ParseFromString(text, &gl)) {
    *error = path + ": not a game log (protobuf text format of mf.GameLog)";
    return false;
  }
  if (!RecordFromGameLog(gl, out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  out->source = path;
  return true;
}

bool LoadRecordFromDataDir(const std::string& dir, const std::string& session, Record* out,
                           std::string* error) {
  const std::filesystem::path db = std::filesystem::path(dir) / "forum.db";
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) {
    *error = dir + " is not a forumd data directory (no forum.db)";
    return false;
  }
  std::unique_ptr<server::Store> store = server::Store::Open(dir, false, error);
  if (!store) return false;
  std::vector<server::StoredSession> all;
  if (!store->LoadAll(&all, error)) return false;
  const server::StoredSession* meta = nullptr;
  for (const server::StoredSession& s : all)
    if (s.id == session) meta = &s;
  if (!meta) {
    *error = "no session '" + session + "' in " + dir;
    if (!all.empty()) {
      *error += " (sessions:";
      for (const server::StoredSession& s : all) *error += " " + s.id;
      *error += ")";
    }
    return false;
  }
  // The full record (actions and messages) is read on the store's thread.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::unique_ptr<server::StoredSession> full;
  std::string load_error;
  store->LoadSession(session, [&](std::unique_ptr<server::StoredSession> s, const std::string& e) {
    std::lock_guard<std::mutex> lock(mu);
    full = std::move(s);
    load_error = e;
    done = true;
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  store->Close();
  if (!full) {
    *error = load_error.empty() ? "cannot read session " + session : load_error;
    return false;
  }
  *out = Record();
  out->scenario_name = meta->scenario;
  out->scenario_text = meta->scenario_text;
  out->seed = meta->seed;
  out->session = session;
  out->created_ms = meta->created_ms;
  out->source = dir;
  mf::CreateSessionRequest options;
  if (options.ParseFromString(meta->options)) {
    out->title = options.title();
    // The engine is built with the session's desks, as forumd built it.
    out->press_desks = std::clamp(options.press_desks(), 0, rules::State::kMaxPressDesks);
  }
  auto sc = RecordScenario(*out, error);
  if (!sc) return false;
  const int n = sc->num_seats();
  out->players.assign(static_cast<size_t>(n), "");
  out->strategies.assign(static_cast<size_t>(n), "");
  for (const mf::BotSeat& b : options.bots())
    if (b.seat() >= 0 && b.seat() < n)
      out->strategies[b.seat()] = b.strategy().empty() ? "normal" : b.strategy();
  for (const server::StoredSeat& s : meta->seats) {
    if (rules::IsPressActor(s.seat)) {  // A press desk's holder (forumctl gradebook).
      const size_t desk = static_cast<size_t>(rules::PressDesk(s.seat));
      if (desk < static_cast<size_t>(rules::State::kMaxPressDesks)) {
        if (out->press_players.size() <= desk) out->press_players.resize(desk + 1);
        out->press_players[desk] = s.player;
      }
      continue;
    }
    if (s.seat < 0 || s.seat >= n) continue;
    out->players[s.seat] = s.player;
    if (!s.strategy.empty() && s.player.empty()) out->strategies[s.seat] = s.strategy;
  }
  for (const server::StoredAction& a : full->actions) {
    mf::Action proto;
    if (!proto.ParseFromString(a.action)) {
      *error = "action " + std::to_string(a.seq) + " of session " + session + " does not parse";
      return false;
    }
    rules::LoggedAction la;
    la.actor = a.actor;
    std::string why;
    if (!rules::ActionFromProto(proto, *sc, &la.action, &why)) {
      *error = "action " + std::to_string(a.seq) + " of session " + session + ": " + why;
      return false;
    }
    out->log.push_back(std::move(la));
    out->action_ms.push_back(a.at_ms);
  }
  for (const server::StoredMessage& m : full->messages) {
    mf::ChatMessage msg;
    if (msg.ParseFromString(m.message)) out->chat.push_back(ChatFromProto(msg));
  }
  return true;
}

bool RecordFromGetRecord(const mf::GetRecordResponse& r, Record* out, std::string* error) {
  if (!RecordFromGameLog(r.log(), out, error)) return false;
  if (r.entries_size() == static_cast<int>(out->log.size()))
    for (const mf::RecordEntry& e : r.entries()) out->action_ms.push_back(e.at_unix_ms());
  if (out->log.empty() && r.entries_size() > 0) {
    // Only the timed entries were sent: rebuild the log from them.
    mf::GameLog gl = r.log();
    for (const mf::RecordEntry& e : r.entries()) *gl.add_entries() = e.entry();
    if (!RecordFromGameLog(gl, out, error)) return false;
    for (const mf::RecordEntry& e : r.entries()) out->action_ms.push_back(e.at_unix_ms());
  }
  for (const mf::ChatMessage& m : r.chat()) out->chat.push_back(ChatFromProto(m));
  return true;
}

bool LoadRecordFromServer(const std::string& address, const std::string& session,
                          const std::string& token, const std::string& ca_file, Record* out,
                          std::string* error) {
  net::Endpoint endpoint(address, ca_file);  // Follows a cluster's redirects.
  mf::GetRecordRequest req;
  req.set_session(session);
  mf::GetRecordResponse resp;
  {
    const grpc::Status st =
        endpoint.Call(session, token, [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->GetRecord(ctx, req, &resp);
        });
    if (!st.ok()) {
      *error = "reading the record: " + net::Describe(st);
      return false;
    }
  }
  if (!RecordFromGetRecord(resp, out, error)) return false;
  out->session = session;
  out->source = address;
  // Who played which seat: only the facilitator may read the roster.
  mf::GetRosterRequest rreq;
  rreq.set_session(session);
  mf::Roster roster;
  if (endpoint
          .Call(session, token,
                [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
                  return s->GetRoster(ctx, rreq, &roster);
                })
          .ok()) {
    for (const mf::SeatStatus& s : roster.seats()) {
      if (s.seat() < 0) continue;
      if (out->players.size() <= static_cast<size_t>(s.seat())) {
        out->players.resize(static_cast<size_t>(s.seat()) + 1);
        out->strategies.resize(static_cast<size_t>(s.seat()) + 1);
      }
      out->players[s.seat()] = s.player();
      if (s.bot() && s.player().empty()) out->strategies[s.seat()] = s.strategy();
    }
  }
  return true;
}

}  // namespace mf::tools::debrief
