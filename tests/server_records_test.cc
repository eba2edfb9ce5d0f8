// Records in forumd: a finished session is exported as one file, imported
// into another server as a read-only session that replays to the same hash,
// and deleted by its facilitator; bad imports and early deletes are refused.
#include <functional>

#include "server/tokens.h"
#include "server_util.h"

namespace mf::testing {
namespace {

// Plays a whole session with bots in every seat and waits for its end.
mf::GetRecordResponse FinishedRecord(Client& c, mf::CreateSessionResponse* out) {
  std::vector<int> all;
  for (int s = 0; s < 8; ++s) all.push_back(s);
  *out = c.Create("classroom-8", all, 11,
                  [](mf::CreateSessionRequest* r) { r->set_timer_preset("fast"); });
  mf::GetRecordResponse rec;
  for (int i = 0; i < 400; ++i) {
    rec = c.Record(out->session(), out->facilitator_token());
    if (rec.finished()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return rec;
}

grpc::Status Import(Client& c, const std::string& bytes, const std::string& title,
                    mf::CreateSessionResponse* out, size_t chunk = 32 * 1024) {
  grpc::ClientContext ctx;
  auto writer = c.stub()->ImportSession(&ctx, out);
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    mf::ImportChunk piece;
    piece.set_data(bytes.substr(at, chunk));
    if (at == 0) piece.set_title(title);
    if (!writer->Write(piece)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status Delete(Client& c, const std::string& session, const std::string& token) {
  grpc::ClientContext ctx;
  net::Authorize(&ctx, token);
  mf::DeleteSessionRequest req;
  req.set_session(session);
  mf::DeleteSessionResponse resp;
  return c.stub()->DeleteSession(&ctx, req, &resp);
}

TEST(ServerRecordsTest, ExportImportAndDelete) {
  ScratchDir a_dir, b_dir;
  auto a = StartServer(TestOptions(a_dir.path()));
  auto b = StartServer(TestOptions(b_dir.path()));
  ASSERT_TRUE(a && b);
  Client ca(a->address()), cb(b->address());
  mf::CreateSessionResponse s;
  const mf::GetRecordResponse rec = FinishedRecord(ca, &s);
  ASSERT_TRUE(rec.finished());
  const std::string exported = rec.SerializeAsString();

  // Import into the other server: a new session, same game.
  mf::CreateSessionResponse imported;
  const grpc::Status st = Import(cb, exported, "Class 3B", &imported);
  ASSERT_TRUE(st.ok()) << net::Describe(st);
  EXPECT_NE(imported.session(), "");
  EXPECT_EQ(imported.seats(), 8);
  const mf::GetRecordResponse copy = cb.Record(imported.session(), imported.facilitator_token());
  EXPECT_TRUE(copy.finished());
  EXPECT_EQ(copy.log().entries_size(), rec.log().entries_size());
  EXPECT_EQ(copy.state_hash(), rec.state_hash());
  EXPECT_EQ(ReplayHash(copy), rec.state_hash());
  // It stays after a restart of the importing server.
  b.reset();
  b = StartServer(TestOptions(b_dir.path()));
  ASSERT_TRUE(b);
  Client cb2(b->address());
  EXPECT_EQ(cb2.Record(imported.session(), imported.facilitator_token()).state_hash(),
            rec.state_hash());

  // Delete: a seat token may not, the facilitator may; then it is gone.
  EXPECT_EQ(Delete(cb2, imported.session(), "junk").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Delete(cb2, imported.session(), imported.facilitator_token()).ok());
  grpc::ClientContext ctx;
  net::Authorize(&ctx, imported.facilitator_token());
  mf::GetRecordRequest req;
  req.set_session(imported.session());
  mf::GetRecordResponse gone;
  EXPECT_EQ(cb2.stub()->GetRecord(&ctx, req, &gone).error_code(), grpc::StatusCode::NOT_FOUND);
  // The original is untouched.
  EXPECT_EQ(ca.Record(s.session(), s.facilitator_token()).state_hash(), rec.state_hash());
}

TEST(ServerRecordsTest, BadImportsAreRefusedAndChangeNothing) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  mf::CreateSessionResponse s;
  mf::GetRecordResponse rec = FinishedRecord(c, &s);
  ASSERT_TRUE(rec.finished());
  mf::CreateSessionResponse out;
  // Not a record at all.
  EXPECT_EQ(Import(c, "hello", "", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Truncated.
  const std::string bytes = rec.SerializeAsString();
  EXPECT_EQ(Import(c, bytes.substr(0, bytes.size() / 2), "", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Edited: one vote changed no longer replays to the recorded hash.
  mf::GetRecordResponse edited = rec;
  bool changed = false;
  for (auto& e : *edited.mutable_log()->mutable_entries()) {
    if (e.action().has_vote() && e.action().vote().choice() == mf::SUPPORT) {
      e.mutable_action()->mutable_vote()->set_choice(mf::OBJECT);
      changed = true;
      break;
    }
  }
  ASSERT_TRUE(changed);
  EXPECT_EQ(Import(c, edited.SerializeAsString(), "", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Chunks over 32 KiB are refused.
  EXPECT_EQ(Import(c, std::string(40 * 1024, 'x'), "", &out, 40 * 1024).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // None of this created a session.
  grpc::ClientContext ctx;
  net::Authorize(&ctx, s.facilitator_token());
  mf::ListSessionsRequest list;
  list.set_include_finished(true);
  mf::ListSessionsResponse sessions;
  ASSERT_TRUE(c.stub()->ListSessions(&ctx, list, &sessions).ok());
  EXPECT_EQ(sessions.sessions_size(), 1);
}

int SessionCount(Client& c, const std::string& facilitator_token) {
  grpc::ClientContext ctx;
  net::Authorize(&ctx, facilitator_token);
  mf::ListSessionsRequest list;
  list.set_include_finished(true);
  mf::ListSessionsResponse sessions;
  EXPECT_TRUE(c.stub()->ListSessions(&ctx, list, &sessions).ok());
  return sessions.sessions_size();
}

// Import validates everything it stores: a record is data from outside. Each
// broken variant of a valid record is refused and creates nothing.
TEST(ServerRecordsTest, ImportValidatesEveryFieldItStores) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  mf::CreateSessionResponse s;
  const mf::GetRecordResponse rec = FinishedRecord(c, &s);
  ASSERT_TRUE(rec.finished());
  mf::GetRecordResponse base = rec;
  for (int i = 0; i < 3; ++i) {
    mf::ChatMessage* m = base.add_chat();
    m->set_serial(static_cast<uint64_t>(i) + 1);
    m->set_from(i == 2 ? -1 : i);
    m->set_from_name(i == 2 ? "Facilitator" : "State " + std::to_string(i));
    if (i == 0) m->mutable_channel()->set_everyone(true);
    if (i == 1) m->mutable_channel()->set_caucus("narrow_sea");  // Seat 1 is a member.
    if (i == 2) m->mutable_channel()->set_seat(3);
    m->set_text("message " + std::to_string(i));
    m->set_sent_unix_ms(rec.entries(0).at_unix_ms() + i);
  }
  mf::CreateSessionResponse out;
  ASSERT_TRUE(Import(c, base.SerializeAsString(), "valid", &out).ok());
  const int sessions = SessionCount(c, s.facilitator_token());
  EXPECT_EQ(sessions, 2);

  using Edit = std::function<void(mf::GetRecordResponse*)>;
  const std::vector<std::pair<std::string, Edit>> broken = {
      {"from the seat after the last", [](auto* r) { r->mutable_chat(0)->set_from(8); }},
      {"from seat 5,000,000", [](auto* r) { r->mutable_chat(0)->set_from(5000000); }},
      {"from seat -2", [](auto* r) { r->mutable_chat(0)->set_from(-2); }},
      {"to seat 8", [](auto* r) { r->mutable_chat(2)->mutable_channel()->set_seat(8); }},
      {"to seat -1", [](auto* r) { r->mutable_chat(2)->mutable_channel()->set_seat(-1); }},
      {"to the sender's own seat",
       [](auto* r) { r->mutable_chat(1)->mutable_channel()->set_seat(1); }},
      {"an unknown caucus",
       [](auto* r) { r->mutable_chat(1)->mutable_channel()->set_caucus("nope"); }},
      {"a caucus the sender is not in",
       [](auto* r) { r->mutable_chat(0)->mutable_channel()->set_caucus("narrow_sea"); }},
      {"no channel", [](auto* r) { r->mutable_chat(0)->clear_channel(); }},
      {"an empty text", [](auto* r) { r->mutable_chat(0)->set_text(""); }},
      {"a text over 500 bytes",
       [](auto* r) { r->mutable_chat(0)->set_text(std::string(501, 'x')); }},
      {"a control character", [](auto* r) { r->mutable_chat(0)->set_text("bell\x07"); }},
      {"a sender name of 1,000 bytes",
       [](auto* r) { r->mutable_chat(0)->set_from_name(std::string(1000, 'n')); }},
      {"serials out of order", [](auto* r) { r->mutable_chat(2)->set_serial(1); }},
      {"a negative time", [](auto* r) { r->mutable_chat(0)->set_sent_unix_ms(-5); }},
      {"entries that are not the log",
       [](auto* r) { r->mutable_entries(0)->mutable_entry()->mutable_actor()->set_seat(3); }},
      {"fewer entries than the log", [](auto* r) { r->mutable_entries()->RemoveLast(); }},
      {"an entry out of sequence", [](auto* r) { r->mutable_entries(1)->set_seq(7); }},
      {"an action time before 1970", [](auto* r) { r->mutable_entries(0)->set_at_unix_ms(-1); }},
      {"a scenario name of 1,000 bytes",
       [](auto* r) { r->mutable_log()->set_scenario(std::string(1000, 's')); }},
  };
  for (const auto& [what, edit] : broken) {
    mf::GetRecordResponse r = base;
    edit(&r);
    const grpc::Status st = Import(c, r.SerializeAsString(), "", &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << what << ": " << net::Describe(st);
  }
  EXPECT_EQ(SessionCount(c, s.facilitator_token()), sessions);
}

std::vector<std::string> ChatTexts(const mf::GetRecordResponse& r) {
  std::vector<std::string> out;
  for (const mf::ChatMessage& m : r.chat()) out.push_back(m.text());
  return out;
}

// After the game a seat reads the record for the debrief: it holds only the
// messages that seat could see during the game. The facilitator's copy alone
// has every channel. The same from a live session, an archived one and after
// a restart.
TEST(ServerRecordsTest, ASeatsRecordHoldsOnlyWhatThatSeatCouldSee) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  mf::CreateSessionResponse s;
  std::vector<std::string> t;
  using Texts = std::vector<std::string>;
  // classroom-8: isles_and_plains = seats 0, 1, 2, 7; narrow_sea = seats 1-4.
  const Texts seat0 = {"m1", "m2", "m5"}, seat1 = {"m1", "m2", "m3", "m5"},
              seat2 = {"m1", "m3", "m4", "m5"}, all = {"m1", "m2", "m3", "m4", "m5"};
  auto check = [&](Client& c, const std::string& when) {
    EXPECT_EQ(ChatTexts(c.Record(s.session(), t[0])), seat0) << when;
    EXPECT_EQ(ChatTexts(c.Record(s.session(), t[1])), seat1) << when;
    EXPECT_EQ(ChatTexts(c.Record(s.session(), t[2])), seat2) << when;
    EXPECT_EQ(ChatTexts(c.Record(s.session(), s.facilitator_token())), all) << when;
  };
  {
    auto server = StartServer(o);
    ASSERT_TRUE(server);
    Client c(server->address());
    s = c.Create("classroom-8", {3, 4, 5, 6, 7}, 21);
    for (int seat = 0; seat < 3; ++seat) t.push_back(c.JoinOk(s.join_code(), seat));
    mf::Channel everyone, to1, to2, narrow, isles;
    everyone.set_everyone(true);
    to1.set_seat(1);
    to2.set_seat(2);
    narrow.set_caucus("narrow_sea");
    isles.set_caucus("isles_and_plains");
    ASSERT_TRUE(c.Chat(s.session(), t[0], everyone, "m1").ok());
    ASSERT_TRUE(c.Chat(s.session(), t[0], to1, "m2").ok());
    ASSERT_TRUE(c.Chat(s.session(), t[1], narrow, "m3").ok());
    ASSERT_TRUE(c.Chat(s.session(), s.facilitator_token(), to2, "m4").ok());
    ASSERT_TRUE(c.Chat(s.session(), t[2], isles, "m5").ok());
    for (int seat = 0; seat < 3; ++seat) {
      mf::Action to_bot;
      to_bot.mutable_set_bot()->set_seat(seat);
      to_bot.mutable_set_bot()->set_bot(true);
      ASSERT_TRUE(c.Facilitate(s.session(), s.facilitator_token(), to_bot).ok());
    }
    mf::GetRecordResponse rec;
    for (int i = 0; i < 600 && !rec.finished(); ++i) {
      rec = c.Record(s.session(), s.facilitator_token());
      if (!rec.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(rec.finished());
    check(c, "live");
  }
  {
    auto server = StartServer(o);  // Finished: now read from the store (archived).
    ASSERT_TRUE(server);
    Client c(server->address());
    check(c, "after a restart");
  }
}

TEST(ServerRecordsTest, ARunningGameCannotBeDeleted) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  auto s = c.Create("classroom-8");
  const std::string seat = c.JoinOk(s.join_code(), 0);
  EXPECT_EQ(Delete(c, s.session(), seat).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(c, s.session(), s.facilitator_token()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_FALSE(c.Record(s.session(), s.facilitator_token()).finished());
}

// A bot keeps an unclaimed seat warm; a person who joins takes it over.
TEST(ServerRecordsTest, JoiningABotSeatTakesItOver) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  auto s = c.Create("classroom-8", {1, 2, 3, 4, 5, 6, 7}, 5,
                    [](mf::CreateSessionRequest* r) { r->set_start_paused(true); });
  // Seat 0 is empty: a join without a seat goes there first.
  mf::JoinSessionResponse first;
  ASSERT_TRUE(c.Join(s.join_code(), -1, &first).ok());
  EXPECT_EQ(first.seat(), 0);
  // Then into a bot's seat, which the bot hands over.
  mf::JoinSessionResponse second;
  ASSERT_TRUE(c.Join(s.join_code(), 3, &second).ok());
  EXPECT_EQ(second.seat(), 3);
  const auto rec = c.Record(s.session(), s.facilitator_token());
  ASSERT_GT(rec.log().entries_size(), 0);
  const mf::LogEntry& last = rec.log().entries(rec.log().entries_size() - 1);
  ASSERT_TRUE(last.action().has_set_bot());
  EXPECT_EQ(last.action().set_bot().seat(), 3);
  EXPECT_FALSE(last.action().set_bot().bot());
  // A held seat cannot be taken.
  mf::JoinSessionResponse third;
  EXPECT_EQ(c.Join(s.join_code(), 3, &third).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// A projector needs only the join code to watch the public roundtable.
TEST(ServerRecordsTest, SpectatorsWatchWithTheJoinCodeAlone) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client c(server->address());
  auto s = c.Create("classroom-8");
  auto watch = [&](const std::string& code, mf::ServerEvent* first) {
    grpc::ClientContext ctx;
    mf::SubscribeRequest req;
    req.set_spectator_code(code);
    auto reader = c.stub()->Subscribe(&ctx, req);
    const bool got = reader->Read(first);
    ctx.TryCancel();
    reader->Finish();
    return got;
  };
  mf::ServerEvent first;
  ASSERT_TRUE(watch(s.join_code(), &first));
  ASSERT_TRUE(first.has_view());
  EXPECT_EQ(first.view().viewer(), -2);
  EXPECT_EQ(first.view().brief().stances_size(), 0);
  EXPECT_EQ(first.view().all_briefs_size(), 0);
  mf::ServerEvent none;
  EXPECT_FALSE(watch("ZZZ-ZZZ", &none));
}

// With an organiser token, only its holder creates or imports sessions.
TEST(ServerRecordsTest, OrganiserTokenGuardsCreationAndImport) {
  ScratchDir dir;
  server::ServerOptions o = TestOptions(dir.path());
  const std::string secret = "a-long-organiser-secret";
  o.organiser_token_hash = server::TokenHash(secret);
  auto server = StartServer(o);
  ASSERT_TRUE(server);
  Client c(server->address());
  auto create = [&](const std::string& token) {
    grpc::ClientContext ctx;
    if (!token.empty()) net::Authorize(&ctx, token);
    mf::CreateSessionRequest req;
    req.set_scenario("classroom-8");
    mf::CreateSessionResponse resp;
    return c.stub()->CreateSession(&ctx, req, &resp);
  };
  EXPECT_EQ(create("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(create("a-wrong-secret-of-some-length").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(create(secret).ok());
  grpc::ClientContext ctx;
  mf::CreateSessionResponse out;
  auto writer = c.stub()->ImportSession(&ctx, &out);
  mf::ImportChunk chunk;
  chunk.set_data("x");
  writer->Write(chunk);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace mf::testing
