// libFuzzer target: forumd's request handling, the server running in this
// process (loopback gRPC, its real handlers, sessions, store).
//
// Each input starts from two fresh sessions (A and B, classroom-8, no bots,
// no clocks; seats 0-3 of A and 0 of B joined) and is a sequence of calls:
//   op(1) token(1) session(1) flags(1) length(2, little-endian) payload(length)
// op (mod 10) picks JoinSession, Act, Facilitate, SendMessage, GetRecord,
// GetRoster, ListSessions, CreateSession, ImportSession or a restart; the
// payload is the request's bytes (ParseFromArray; when they do not parse, the
// default request); token picks a real token (A's or B's facilitator or a
// seat), none, a real one with a character changed, or bytes from the
// payload; session overrides the request's session (A, B, empty or as
// parsed); flags give a join code (A's, B's or as parsed).
//
// CreateSession (flags & 1: scenario classroom-8): OK only for a request the
// contract allows (every enum a value, each bot seat once and in range),
// never UNAVAILABLE ("try again") for one that can never succeed.
// ImportSession: the payload is a GetRecordResponse (flags & 1: an empty
// scenario text is filled from the embedded scenario it names; flags & 2:
// A's record with the payload's chat and entries added, so that it replays);
// an imported record is read back and turned into the debrief (the page,
// both copies, and every CSV file): the report must survive any record the
// server accepts. A restart (at most one per input) restarts forumd on the
// same data folder: A and B come back as they were, and the sessions in
// memory hold no more parsed scenarios than before (one per scenario text,
// however many sessions).
//
// After every call, for both sessions: the record is unchanged unless the call
// was an Act or Facilitate on that session that returned OK (then it grew by
// exactly one entry, by the caller), the old record is a prefix of the new
// one, and the record replays in-process to the server's state hash. (Once a
// Facilitate handed a seat to a bot, that session moves on by itself: only
// the prefix and replay checks apply to it.) Any other outcome aborts.
//
// The server restarts on a fresh data folder every 200 inputs to bound memory.
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "forum.grpc.pb.h"
#include "net/client.h"
#include "rules/action.h"
#include "rules/playout.h"
#include "rules/scenario.h"
#include "rules/state.h"
#include "server/forumd.h"
#include "tools/debrief.h"
#include "tools/debrief_source.h"

namespace {

struct World {
  std::string dir;
  std::unique_ptr<mf::server::Forumd> server;
  std::unique_ptr<mf::Forum::Stub> stub;
  int inputs = 0;
};
World* g_world = nullptr;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_server: %s\n", what.c_str());
  std::abort();
}

// Restarts forumd, on a fresh data folder or (`same_folder`) on its own.
void Restart(bool same_folder = false) {
  World& w = *g_world;
  w.stub.reset();
  if (w.server) w.server->Shutdown();
  w.server.reset();
  if (!same_folder) {
    std::error_code ec;
    if (!w.dir.empty()) std::filesystem::remove_all(w.dir, ec);
    char tmpl[] = "/tmp/mf_fuzz_server_XXXXXX";
    if (!mkdtemp(tmpl)) Fail("mkdtemp failed");
    w.dir = tmpl;
  }
  mf::server::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.data_dir = w.dir;
  o.rate_per_second = 1e9;
  o.rate_burst = 1e9;
  o.peer_burst = 0;  // One client makes every call: no per-peer limits.
  o.create_burst = 0;
  o.join_failure_burst = 0;
  o.max_sessions = 0;
  o.shutdown_grace_ms = 100;
  std::string error;
  w.server = mf::server::Forumd::Start(o, &error);
  if (!w.server) Fail("forumd did not start: " + error);
  w.stub = mf::Forum::NewStub(mf::net::Connect(w.server->address()));
}

void Shutdown() {
  if (!g_world) return;
  g_world->stub.reset();
  if (g_world->server) g_world->server->Shutdown();
  g_world->server.reset();
  std::error_code ec;
  std::filesystem::remove_all(g_world->dir, ec);
}

grpc::ClientContext* WithToken(grpc::ClientContext* ctx, const std::string& token) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

struct Sess {
  mf::CreateSessionResponse created;
  mf::GetRecordResponse record;
  bool autonomous = false;  // A bot plays a seat: the record moves by itself.
};

mf::GetRecordResponse Record(const Sess& s) {
  mf::GetRecordRequest req;
  req.set_session(s.created.session());
  grpc::ClientContext ctx;
  mf::GetRecordResponse resp;
  const grpc::Status st =
      g_world->stub->GetRecord(WithToken(&ctx, s.created.facilitator_token()), req, &resp);
  if (!st.ok()) Fail("GetRecord with the facilitator token failed: " + mf::net::Describe(st));
  return resp;
}

uint64_t Replay(const mf::GetRecordResponse& r) {
  mf::rules::LoadResult sc = mf::rules::LoadScenario(r.log().scenario_text(), "record");
  if (!sc.ok()) return 0;
  std::vector<mf::rules::LoggedAction> log;
  std::string error;
  if (!mf::rules::FromGameLog(r.log(), *sc.scenario, &log, &error)) return 0;
  mf::rules::State st(sc.scenario, r.log().seed());
  if (!mf::rules::Replay(&st, log, &error)) return 0;
  return st.Hash();
}

bool SameEntries(const mf::GetRecordResponse& a, const mf::GetRecordResponse& b, int n) {
  for (int i = 0; i < n; ++i)
    if (a.entries(i).SerializeAsString() != b.entries(i).SerializeAsString()) return false;
  return true;
}

// The token's slot: -1 the facilitator, a seat, or -9 when not a real token.
int SlotOf(const std::string& token, const std::string& session) {
  const std::string prefix = session + ".";
  if (token.rfind(prefix, 0) != 0) return -9;
  const size_t dot = token.find('.', prefix.size());
  if (dot == std::string::npos) return -9;
  const std::string slot = token.substr(prefix.size(), dot - prefix.size());
  return slot == "f" ? -1 : std::atoi(slot.c_str());
}

// CreateSession answers OK only for what the contract allows, and never
// "try again" (UNAVAILABLE) for a request that can never succeed.
void CheckCreate(const mf::CreateSessionRequest& req, const grpc::Status& st,
                 const mf::CreateSessionResponse& resp) {
  if (st.error_code() == grpc::StatusCode::UNAVAILABLE)
    Fail("CreateSession answered " + mf::net::Describe(st) + " for " + req.ShortDebugString());
  if (!st.ok()) return;
  if (!mf::DecisionRule_IsValid(req.decision_rule()))
    Fail("CreateSession accepted decision_rule " + std::to_string(req.decision_rule()));
  std::vector<bool> bot(static_cast<size_t>(resp.seats()), false);
  for (const mf::BotSeat& b : req.bots()) {
    if (b.seat() < 0 || b.seat() >= resp.seats())
      Fail("CreateSession accepted bot seat " + std::to_string(b.seat()));
    if (bot[static_cast<size_t>(b.seat())])
      Fail("CreateSession accepted seat " + std::to_string(b.seat()) + " twice");
    bot[static_cast<size_t>(b.seat())] = true;
  }
  mf::GetRecordRequest rr;
  rr.set_session(resp.session());
  grpc::ClientContext ctx;
  mf::GetRecordResponse rec;
  const grpc::Status rs =
      g_world->stub->GetRecord(WithToken(&ctx, resp.facilitator_token()), rr, &rec);
  if (!rs.ok()) Fail("GetRecord of a created session: " + mf::net::Describe(rs));
  mf::rules::LoadResult sc = mf::rules::LoadScenario(rec.log().scenario_text(), "created");
  if (!sc.ok() || !mf::DecisionRule_IsValid(sc.scenario->decision_rule()) ||
      sc.scenario->decision_rule() == mf::DECISION_RULE_UNSPECIFIED)
    Fail("a created session plays a scenario with no valid decision rule");
  if (Replay(rec) != rec.state_hash()) Fail("a created session does not replay to its hash");
}

// Imports `record` (in chunks, as forumctl does); an accepted one is read back
// and turned into the debrief.
grpc::Status Import(const mf::GetRecordResponse& record, const std::string& token) {
  const std::string bytes = record.SerializeAsString();
  grpc::ClientContext ctx;
  WithToken(&ctx, token);
  mf::CreateSessionResponse resp;
  auto writer = g_world->stub->ImportSession(&ctx, &resp);
  for (size_t at = 0; at < bytes.size() || at == 0; at += 32 * 1024) {
    mf::ImportChunk chunk;
    chunk.set_data(bytes.substr(at, 32 * 1024));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  const grpc::Status st = writer->Finish();
  if (st.error_code() == grpc::StatusCode::UNAVAILABLE)
    Fail("ImportSession answered " + mf::net::Describe(st));
  if (!st.ok()) return st;
  mf::GetRecordRequest rr;
  rr.set_session(resp.session());
  grpc::ClientContext rctx;
  mf::GetRecordResponse back;
  const grpc::Status rs =
      g_world->stub->GetRecord(WithToken(&rctx, resp.facilitator_token()), rr, &back);
  if (!rs.ok()) Fail("GetRecord of an imported session: " + mf::net::Describe(rs));
  if (Replay(back) != back.state_hash()) Fail("an imported session does not replay to its hash");
  if (back.chat_size() != record.chat_size()) Fail("an imported session lost chat messages");
  mf::tools::debrief::Record r;
  std::string error;
  if (!mf::tools::debrief::RecordFromGetRecord(back, &r, &error))
    Fail("the debrief refused an imported record: " + error);
  mf::tools::debrief::Model m;
  if (!mf::tools::debrief::BuildModel(r, &m, &error))
    Fail("the debrief could not model an imported record: " + error);
  mf::tools::debrief::ReportOptions facilitator;
  facilitator.facilitator = true;
  const size_t bytes_out =
      mf::tools::debrief::ReportHtml(m, facilitator).size() +
      mf::tools::debrief::ReportHtml(m, {}).size() + mf::tools::debrief::ActionsCsv(m).size() +
      mf::tools::debrief::VotesCsv(m).size() + mf::tools::debrief::DealsCsv(m).size() +
      mf::tools::debrief::ScoresCsv(m).size() + mf::tools::debrief::MessagesCsv(m).size();
  if (bytes_out == 0) Fail("an empty debrief");
  return st;
}

// The seed corpus (MF_FUZZ_SERVER_SEEDS=DIR fuzz_server): real calls in the
// input format, a game's legal actions among them.
void Call(std::string* out, int op, int token, int session, int flags,
          const google::protobuf::Message& request) {
  const std::string bytes = request.SerializeAsString();
  out->push_back(static_cast<char>(op));
  out->push_back(static_cast<char>(token));
  out->push_back(static_cast<char>(session));
  out->push_back(static_cast<char>(flags));
  out->push_back(static_cast<char>(bytes.size() & 0xff));
  out->push_back(static_cast<char>(bytes.size() >> 8));
  *out += bytes;
}

void WriteSeeds(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::FILE* f = std::fopen((dir + "/" + name).c_str(), "wb");
    if (!f) Fail("cannot write " + dir + "/" + name);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };
  // Token indexes: 0 A's facilitator, 1-4 A's seats 0-3, 5 B's facilitator,
  // 6 B's seat 0; 7 none, 8 a changed real token, 9 bytes of the payload.
  auto sc = mf::rules::LoadEmbeddedScenario("classroom-8").scenario;
  for (int variant = 0; variant < 3; ++variant) {
    // A game of session A (seed 1): seats 0-3 play legal actions, the
    // facilitator advances when they have nothing left.
    mf::rules::State st(sc, 1);
    mf::rules::Rng rng(static_cast<uint64_t>(variant) + 11);
    std::string calls;
    std::vector<mf::rules::Action> legal;
    for (int step = 0; step < 60 && !st.IsTerminal(); ++step) {
      int seat = -1;
      for (int k = 0; k < 4 && seat < 0; ++k) {
        const int s = (step + k) % 4;
        st.LegalActions(s, &legal);
        if (!legal.empty() && !st.seat(s).ready) seat = s;
      }
      mf::rules::Action a;
      if (seat < 0) {
        a = mf::rules::Action::Make(mf::rules::ActionType::kAdvance);
      } else {
        st.LegalActions(seat, &legal);
        a = legal[rng.Below(static_cast<uint32_t>(legal.size()))];
      }
      if (!st.Apply(seat < 0 ? mf::rules::kFacilitator : seat, a).ok()) continue;
      if (seat < 0) {
        mf::FacilitateRequest req;
        mf::rules::ActionToProto(a, *sc, req.mutable_action());
        Call(&calls, 2, 0, 0, 4, req);
      } else {
        mf::ActRequest req;
        mf::rules::ActionToProto(a, *sc, req.mutable_action());
        Call(&calls, 1, 1 + seat, 0, variant == 1 ? 0 : 4, req);
      }
    }
    write("game-" + std::to_string(variant), calls);
  }
  {
    std::string calls;
    mf::SendMessageRequest m;
    m.set_text("hello");
    m.mutable_channel()->set_everyone(true);
    Call(&calls, 3, 1, 0, 0, m);
    m.mutable_channel()->set_seat(2);
    Call(&calls, 3, 2, 0, 0, m);
    m.mutable_channel()->set_caucus("narrow_sea");
    Call(&calls, 3, 3, 0, 0, m);
    Call(&calls, 3, 0, 0, 0, m);
    Call(&calls, 3, 6, 0, 0, m);  // B's seat on A's session.
    m.set_text(std::string(501, 'x'));
    Call(&calls, 3, 1, 0, 0, m);
    write("chat", calls);
  }
  {
    std::string calls;
    mf::JoinSessionRequest j;
    j.set_display_name("late");
    Call(&calls, 0, 7, 0, 1, j);
    j.set_seat(5);
    Call(&calls, 0, 7, 0, 1, j);
    j.set_seat(0);
    Call(&calls, 0, 7, 0, 2, j);
    j.set_display_name(std::string(41, 'n'));
    Call(&calls, 0, 7, 0, 2, j);
    mf::ActRequest act;
    act.mutable_action()->mutable_ready();
    Call(&calls, 1, 7, 0, 4, act);  // The first joined token (index 7 now).
    write("join", calls);
  }
  {
    std::string calls;
    mf::FacilitateRequest f;
    f.mutable_action()->mutable_pause();
    Call(&calls, 2, 0, 0, 4, f);
    f.mutable_action()->mutable_resume();
    Call(&calls, 2, 0, 0, 4, f);
    f.mutable_action()->mutable_extend()->set_seconds(60);
    Call(&calls, 2, 0, 0, 4, f);
    f.mutable_action()->mutable_advance();
    Call(&calls, 2, 1, 0, 4, f);  // A seat's token.
    Call(&calls, 2, 5, 0, 4, f);  // B's facilitator on A.
    Call(&calls, 2, 8, 0, 4, f);  // A changed token.
    f.mutable_action()->mutable_set_bot()->set_seat(6);
    f.mutable_action()->mutable_set_bot()->set_bot(true);
    f.set_bot_strategy("easy");
    Call(&calls, 2, 5, 1, 4, f);  // B's seat 6 to a bot: B moves by itself.
    mf::ActRequest act;
    act.mutable_action()->mutable_ready();
    Call(&calls, 1, 0, 0, 4, act);  // The facilitator has no seat.
    Call(&calls, 1, 9, 0, 4, act);
    Call(&calls, 1, 1, 2, 4, act);  // No session: the token's.
    act.set_based_on_version(12345);
    Call(&calls, 1, 2, 0, 0, act);
    write("facilitate", calls);
  }
  {
    std::string calls;
    mf::GetRecordRequest r;
    Call(&calls, 4, 0, 0, 0, r);
    Call(&calls, 4, 1, 0, 0, r);
    Call(&calls, 4, 6, 0, 0, r);
    mf::GetRosterRequest roster;
    Call(&calls, 5, 0, 0, 0, roster);
    Call(&calls, 5, 3, 1, 0, roster);
    mf::ListSessionsRequest list;
    list.set_include_finished(true);
    Call(&calls, 6, 0, 3, 0, list);
    Call(&calls, 6, 2, 3, 0, list);
    write("read", calls);
  }
  {
    // CreateSession: valid requests, and each defect of issue 18 that was
    // accepted or told to retry (a regression input each).
    mf::CreateSessionRequest c;
    c.set_scenario("classroom-8");
    c.set_seed(5);
    c.set_decision_rule(mf::MAJORITY);
    c.add_bots()->set_seat(6);
    c.mutable_bots(0)->set_strategy("easy");
    c.add_bots()->set_seat(7);
    c.set_start_paused(true);
    c.set_title("fuzz");
    std::string calls;
    Call(&calls, 7, 7, 0, 1, c);
    mf::CreateSessionRequest bad_rule = c;
    bad_rule.set_decision_rule(static_cast<mf::DecisionRule>(99));
    Call(&calls, 7, 7, 0, 1, bad_rule);
    bad_rule.set_decision_rule(static_cast<mf::DecisionRule>(-1));
    Call(&calls, 7, 7, 0, 1, bad_rule);
    write("create-rule", calls);
    calls.clear();
    mf::CreateSessionRequest twice = c;
    twice.add_bots()->set_seat(6);
    Call(&calls, 7, 7, 0, 1, twice);
    write("create-bots", calls);
    // Sessions, actions, a restart on the same folder, more actions.
    calls.clear();
    c.set_decision_rule(mf::WEIGHTED_MAJORITY);
    c.set_timer_preset("fast");
    Call(&calls, 7, 7, 0, 1, c);
    c.clear_decision_rule();
    c.clear_bots();
    Call(&calls, 7, 7, 0, 1, c);
    mf::ActRequest act;
    act.mutable_action()->mutable_ready();
    Call(&calls, 1, 1, 0, 4, act);
    Call(&calls, 9, 0, 0, 0, mf::ListSessionsRequest());
    Call(&calls, 1, 2, 0, 4, act);
    write("restart", calls);
  }
  {
    // A's record with chat added (flags 2), then a record carrying its own
    // scenario by name (flags 1).
    std::string calls;
    mf::ActRequest act;
    act.mutable_action()->mutable_ready();
    Call(&calls, 1, 1, 0, 4, act);
    mf::GetRecordResponse chat;
    auto add = [&](int from, int to_seat, const std::string& caucus, const std::string& text) {
      mf::ChatMessage* m = chat.add_chat();
      m->set_serial(static_cast<uint64_t>(chat.chat_size()));
      m->set_from(from);
      m->set_from_name(from < 0 ? "Facilitator" : "State " + std::to_string(from));
      if (to_seat >= 0)
        m->mutable_channel()->set_seat(to_seat);
      else if (!caucus.empty())
        m->mutable_channel()->set_caucus(caucus);
      else
        m->mutable_channel()->set_everyone(true);
      m->set_text(text);
      m->set_sent_unix_ms(1700000000000 + chat.chat_size());
    };
    add(0, -1, "", "=HYPERLINK(\"http://example.org\",\"y\")");
    add(1, 2, "", "a private word");
    add(2, -1, "narrow_sea", "route states only");
    add(-1, 3, "", "from the facilitator");
    Call(&calls, 8, 7, 0, 2, chat);
    mf::GetRecordResponse named;
    named.mutable_log()->set_scenario("classroom-8");
    named.mutable_log()->set_seed(3);
    *named.mutable_chat() = chat.chat();
    Call(&calls, 8, 7, 0, 1, named);
    // A message from a seat the scenario does not have (issue 18: the report
    // indexed the seats by it): refused now.
    mf::GetRecordResponse outside;
    *outside.add_chat() = chat.chat(0);
    outside.mutable_chat(0)->set_from(5000000);
    Call(&calls, 8, 7, 0, 2, outside);
    write("import", calls);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* seeds = std::getenv("MF_FUZZ_SERVER_SEEDS")) {
    WriteSeeds(seeds);
    std::printf("fuzz_server: seeds written to %s\n", seeds);
    std::exit(0);
  }
  g_world = new World();
  Restart();
  std::atexit(Shutdown);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!g_world) LLVMFuzzerInitialize(nullptr, nullptr);
  World& w = *g_world;
  if (++w.inputs % 200 == 0) Restart();
  mf::Forum::Stub* stub = w.stub.get();
  int created = 0, restarts = 0;

  // Two fresh sessions and their tokens.
  Sess sessions[2];
  std::vector<std::string> tokens;
  for (int k = 0; k < 2; ++k) {
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    req.set_seed(static_cast<uint64_t>(k + 1));
    grpc::ClientContext ctx;
    const grpc::Status st = stub->CreateSession(WithToken(&ctx, ""), req, &sessions[k].created);
    if (!st.ok()) Fail("CreateSession failed: " + mf::net::Describe(st));
    tokens.push_back(sessions[k].created.facilitator_token());
    for (int seat = 0; seat < (k == 0 ? 4 : 1); ++seat) {
      mf::JoinSessionRequest join;
      join.set_join_code(sessions[k].created.join_code());
      join.set_display_name("seat " + std::to_string(seat));
      join.set_seat(seat);
      grpc::ClientContext jctx;
      mf::JoinSessionResponse joined;
      const grpc::Status js = stub->JoinSession(WithToken(&jctx, ""), join, &joined);
      if (!js.ok()) Fail("JoinSession failed: " + mf::net::Describe(js));
      tokens.push_back(joined.seat_token());
    }
    sessions[k].record = Record(sessions[k]);
  }

  size_t at = 0;
  for (int calls = 0; calls < 64 && at + 6 <= size; ++calls) {
    const uint8_t op = data[at], tok = data[at + 1], sess = data[at + 2], flags = data[at + 3];
    size_t len = static_cast<size_t>(data[at + 4]) | (static_cast<size_t>(data[at + 5]) << 8);
    at += 6;
    len = std::min(len, size - at);
    const uint8_t* payload = data + at;
    at += len;

    std::string token;
    const size_t choices = tokens.size() + 3;
    const size_t t = tok % choices;
    if (t < tokens.size()) {
      token = tokens[t];
    } else if (t == tokens.size() + 1 && !tokens.empty()) {
      token = tokens[tok % tokens.size()];
      token[(flags * 7u) % token.size()] ^= static_cast<char>(1 + (flags & 3));
    } else if (t == tokens.size() + 2) {
      token.assign(reinterpret_cast<const char*>(payload), std::min<size_t>(len, 80));
    }
    // Metadata values must be printable; anything else never reaches a server.
    for (char& ch : token)
      if (ch < 0x20 || ch > 0x7e) ch = '.';

    auto session_id = [&](const std::string& parsed) -> std::string {
      switch (sess % 4) {
        case 0:
          return sessions[0].created.session();
        case 1:
          return sessions[1].created.session();
        case 2:
          return "";
        default:
          return parsed;
      }
    };

    grpc::ClientContext ctx;
    WithToken(&ctx, token);
    grpc::Status st;
    std::string target;    // The session the call names.
    bool changes = false;  // An OK answer adds one entry to `target`'s record.
    bool to_bot = false;   // An OK answer hands a seat to a bot.
    switch (op % 10) {
      case 0: {
        mf::JoinSessionRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        if (flags & 1) req.set_join_code(sessions[0].created.join_code());
        if (flags & 2) req.set_join_code(sessions[1].created.join_code());
        mf::JoinSessionResponse resp;
        st = stub->JoinSession(&ctx, req, &resp);
        if (st.ok()) {
          if (resp.seat_token().empty()) Fail("JoinSession OK without a token");
          if (tokens.size() < 64) tokens.push_back(resp.seat_token());
        }
        break;
      }
      case 1: {
        mf::ActRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        req.set_session(session_id(req.session()));
        if (flags & 4) req.clear_based_on_version();
        target = req.session();
        changes = true;
        mf::ActResponse resp;
        st = stub->Act(&ctx, req, &resp);
        break;
      }
      case 2: {
        mf::FacilitateRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        req.set_session(session_id(req.session()));
        if (flags & 4) req.clear_based_on_version();
        target = req.session();
        changes = true;
        to_bot = req.action().has_set_bot() && req.action().set_bot().bot();
        mf::ActResponse resp;
        st = stub->Facilitate(&ctx, req, &resp);
        break;
      }
      case 3: {
        mf::SendMessageRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        req.set_session(session_id(req.session()));
        mf::SendMessageResponse resp;
        st = stub->SendMessage(&ctx, req, &resp);
        break;
      }
      case 4: {
        mf::GetRecordRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        req.set_session(session_id(req.session()));
        mf::GetRecordResponse resp;
        st = stub->GetRecord(&ctx, req, &resp);
        break;
      }
      case 5: {
        mf::GetRosterRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        req.set_session(session_id(req.session()));
        mf::Roster resp;
        st = stub->GetRoster(&ctx, req, &resp);
        break;
      }
      case 6: {
        mf::ListSessionsRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        mf::ListSessionsResponse resp;
        st = stub->ListSessions(&ctx, req, &resp);
        break;
      }
      case 7: {
        if (created >= 8) continue;
        ++created;
        mf::CreateSessionRequest req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        if (flags & 1) req.set_scenario("classroom-8");
        mf::CreateSessionResponse resp;
        st = stub->CreateSession(&ctx, req, &resp);
        CheckCreate(req, st, resp);
        break;
      }
      case 8: {
        mf::GetRecordResponse req;
        if (!req.ParseFromArray(payload, static_cast<int>(len))) req.Clear();
        if (flags & 2) {
          mf::GetRecordResponse base = sessions[0].record;
          for (const mf::ChatMessage& m : req.chat()) *base.add_chat() = m;
          for (const mf::RecordEntry& e : req.entries()) *base.add_entries() = e;
          req = std::move(base);
        }
        if ((flags & 1) && req.log().scenario_text().empty()) {
          mf::rules::LoadResult named = mf::rules::LoadEmbeddedScenario(req.log().scenario());
          if (!named.ok()) named = mf::rules::LoadEmbeddedScenario("classroom-8");
          req.mutable_log()->set_scenario_text(named.scenario->text());
        }
        st = Import(req, token);
        break;
      }
      default: {
        if (restarts++ > 0) continue;
        const size_t objects = w.server->scenario_objects_for_testing();
        Restart(/*same_folder=*/true);
        stub = w.stub.get();
        const size_t after = w.server->scenario_objects_for_testing();
        if (after > objects)
          Fail("after a restart the sessions hold " + std::to_string(after) +
               " parsed scenarios, before it " + std::to_string(objects) +
               ": restored sessions do not share their scenarios");
        break;
      }
    }
    if (st.error_code() == grpc::StatusCode::UNKNOWN ||
        st.error_code() == grpc::StatusCode::INTERNAL ||
        st.error_code() == grpc::StatusCode::UNIMPLEMENTED)
      Fail("a call answered " + mf::net::Describe(st));
    static const bool verbose = std::getenv("MF_FUZZ_SERVER_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "call %d: %s\n", op % 10, mf::net::Describe(st).c_str());
    // A request without a session acts on its token's session.
    if (target.empty()) target = token.substr(0, token.find('.'));

    // The sessions the call names or its token belongs to are checked now,
    // the others after the last call (a call can change no other session
    // rightly; a wrong change shows at the next check). Fewer calls, more
    // inputs a second.
    const std::string token_session = token.substr(0, token.find('.'));
    const bool last = calls + 1 >= 64 || at + 6 > size;
    for (Sess& s : sessions) {
      const std::string& id = s.created.session();
      if (!last && id != target && id != token_session) continue;
      const mf::GetRecordResponse now = Record(s);
      const int before = s.record.entries_size();
      const int after = now.entries_size();
      const bool mine = st.ok() && changes && target == s.created.session();
      if (after < before || !SameEntries(s.record, now, before))
        Fail("the record of " + s.created.session() + " lost or changed an entry");
      if (Replay(now) != now.state_hash())
        Fail("the record of " + s.created.session() + " does not replay to its state hash");
      if (mine && to_bot) s.autonomous = true;  // The bots may have moved already.
      if (!s.autonomous) {
        if (after != before + (mine ? 1 : 0))
          Fail("call " + std::to_string(op % 10) + " answered " + mf::net::Describe(st) +
               " and the record of " + s.created.session() + " went from " +
               std::to_string(before) + " to " + std::to_string(after) + " entries");
        if (!mine && now.state_hash() != s.record.state_hash())
          Fail("a refused call changed the state of " + s.created.session());
        if (mine) {
          const mf::Actor& actor = now.entries(after - 1).entry().actor();
          const int slot = SlotOf(token, s.created.session());
          const bool right =
              slot == -1 ? actor.facilitator() : actor.has_seat() && actor.seat() == slot;
          if (!right)
            Fail("an action acknowledged for token slot " + std::to_string(slot) +
                 " was recorded for " + actor.ShortDebugString());
        }
      }
      s.record = now;
    }
  }
  return 0;
}
