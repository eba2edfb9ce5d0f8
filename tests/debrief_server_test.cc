// The debrief of a record read from a forumd data directory and from a
// running forumd (tools/debrief_source.h).
#include <gtest/gtest.h>

#include <future>
#include <string>

#include "debrief_test_util.h"
#include "server/store.h"
#include "server_util.h"
#include "tools/debrief.h"
#include "tools/debrief_source.h"

namespace mf::testing {
namespace {

// ---- Records from forumd -----------------------------------------------------------

// A whole session on an in-process forumd: two people (network players with
// names) and six bots, a few messages. The debrief is read from the live
// server (GetRecord) and, after the server stops, from its data directory;
// both replay to the server's own hash.
TEST(DebriefServerTest, ReportFromAForumdDataDirAndFromTheServer) {
  ScratchDir data;
  auto server = StartServer(TestOptions(data.path()));
  ASSERT_TRUE(server);
  Client client(server->address());
  auto s = client.Create("classroom-8", {2, 3, 4, 5, 6, 7}, 17, [](mf::CreateSessionRequest* r) {
    r->set_title("Period 3");
    r->set_start_paused(true);
  });
  std::vector<std::string> tokens;
  for (const char* name : {"Ada", "Bo"}) {
    mf::JoinSessionResponse j;
    ASSERT_TRUE(client.Join(s.join_code(), -1, &j, name).ok());
    tokens.push_back(j.seat_token());
  }
  mf::Channel everyone, bilateral;
  everyone.set_everyone(true);
  bilateral.set_seat(1);
  ASSERT_TRUE(client.Chat(s.session(), tokens[0], everyone, "Hello forum").ok());
  ASSERT_TRUE(client.Chat(s.session(), tokens[0], bilateral, "Shall we vote together?").ok());
  mf::Action resume;
  resume.mutable_resume();
  ASSERT_TRUE(client.Facilitate(s.session(), s.facilitator_token(), resume).ok());
  std::vector<std::future<net::PlayResult>> players;
  for (const std::string& t : tokens)
    players.push_back(std::async(std::launch::async, [&client, &s, t] {
      return net::PlaySeat(client.stub(), s.session(), t, {});
    }));
  for (auto& p : players) EXPECT_TRUE(p.get().finished);
  const mf::GetRecordResponse rec = client.Record(s.session(), s.facilitator_token());
  ASSERT_TRUE(rec.finished());

  Record live;
  std::string error;
  ASSERT_TRUE(tools::debrief::LoadRecordFromServer(server->address(), s.session(),
                                                   s.facilitator_token(), "", &live, &error))
      << error;
  const Model lm = Build(live);
  EXPECT_EQ(lm.final_hash, rec.state_hash());
  EXPECT_EQ(live.chat.size(), 2u);
  EXPECT_EQ(live.players[0], "Ada");
  server->Shutdown();
  server.reset();

  Record stored;
  ASSERT_TRUE(tools::debrief::LoadRecordFromDataDir(data.path(), s.session(), &stored, &error))
      << error;
  const Model sm = Build(stored);
  EXPECT_TRUE(sm.finished);
  EXPECT_EQ(sm.final_hash, rec.state_hash());
  EXPECT_EQ(stored.title, "Period 3");
  ASSERT_EQ(stored.players.size(), 8u);
  EXPECT_EQ(stored.players[0], "Ada");
  EXPECT_EQ(stored.players[1], "Bo");
  EXPECT_FALSE(stored.strategies[5].empty());
  ASSERT_EQ(stored.chat.size(), 2u);
  EXPECT_EQ(stored.chat[1].channel, tools::debrief::ChatLine::Channel::kBilateral);
  EXPECT_EQ(stored.action_ms.size(), stored.log.size());
  EXPECT_EQ(sm.actions.size(), lm.actions.size());

  // forumctl report --data, both copies.
  const fs::path out = TmpDir("data");
  std::string text;
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() + " --session " +
                      s.session() + " --out " + (out / "fac").string() + " --facilitator",
                  &text),
            0)
      << text;
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() + " --session " +
                      s.session() + " --out " + (out / "class").string(),
                  &text),
            0)
      << text;
  const std::string fac = Slurp(out / "fac" / "index.html");
  const std::string cls = Slurp(out / "class" / "index.html");
  EXPECT_NE(fac.find("Shall we vote together?"), std::string::npos);
  EXPECT_EQ(cls.find("Shall we vote together?"), std::string::npos);
  EXPECT_NE(cls.find("Period 3"), std::string::npos);
  EXPECT_NE(cls.find("Ada"), std::string::npos);
  EXPECT_EQ(CountLines(Slurp(out / "fac" / "messages.csv")), 3);
  EXPECT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() +
                  " --session nosuch --out " + (out / "x").string() + " 2>/dev/null"),
            1);
  // A fork of the stored session.
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " fork --data " + data.path() + " --session " +
                      s.session() + " --at cycle:2 --bots cooperator --games 2 --json",
                  &text),
            0)
      << text;
  EXPECT_NE(text.find("\"session\":\"" + s.session() + "\""), std::string::npos);
}

// A press desk's holder is read back from the data directory, and forumctl
// gradebook names them on the desk's row with its report's points.
TEST(DebriefServerTest, GradebookNamesThePressDeskFromTheDataDir) {
  ScratchDir data;
  auto server = StartServer(TestOptions(data.path()));
  ASSERT_TRUE(server);
  Client client(server->address());
  auto s = client.Create("classroom-8", {}, 5,
                         [](mf::CreateSessionRequest* r) { r->set_press_desks(2); });
  mf::JoinSessionRequest req;
  req.set_join_code(s.join_code());
  req.set_display_name("Daily Planet");
  req.set_press(true);
  mf::JoinSessionResponse desk;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(client.stub()->JoinSession(&ctx, req, &desk).ok());
  }
  mf::Action report;
  report.mutable_publish_report()->set_about(3);
  report.mutable_publish_report()->set_text("Marenza stalls the talks.");
  ASSERT_TRUE(client.Act(s.session(), desk.seat_token(), report).ok());
  server->Shutdown();
  server.reset();

  Record stored;
  std::string error;
  ASSERT_TRUE(tools::debrief::LoadRecordFromDataDir(data.path(), s.session(), &stored, &error))
      << error;
  EXPECT_EQ(stored.press_desks, 2);
  ASSERT_GE(stored.press_players.size(), 1u);
  EXPECT_EQ(stored.press_players[0], "Daily Planet");
  EXPECT_EQ(stored.players.size(), 8u);  // The desk is not a seat.
  // The record replays with the session's desks (the report is desk 1's).
  const Model sm = Build(stored);
  ASSERT_EQ(sm.reports.size(), 1u);
  EXPECT_EQ(sm.reports[0].desk, 0);
  std::string csv;
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " gradebook --data " + data.path() + " --session " +
                      s.session() + " 2>/dev/null",
                  &csv),
            0)
      << csv;
  EXPECT_EQ(CountLines(csv), 1 + 8 + 2);
  EXPECT_NE(csv.find("\nDaily Planet,press desk 1,press,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n,press desk 2,press,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace mf::testing
