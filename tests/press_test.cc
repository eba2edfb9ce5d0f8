// Press desks (mf::PublishReport) on classroom-8, driven by hand: who may
// publish, the per-desk limit, the text's size, and the effect on approval
// as the public record bears the report out.
#include <gtest/gtest.h>

#include "rules/catalogue.h"
#include "rules/playout.h"
#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

Action Report(int about, bool praise, std::string text = "A short report.", int text_id = 0) {
  Action a = Make(ActionType::kPublishReport);
  a.seat = about;
  a.flag = praise;
  a.text = std::move(text);
  a.id = text_id;
  return a;
}

class PressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sc_ = LoadOrFail("classroom-8");
    ASSERT_TRUE(sc_);
    st_ = std::make_unique<State>(sc_, 1, 3);
  }
  State& st() { return *st_; }
  std::shared_ptr<const Scenario> sc_;
  std::unique_ptr<State> st_;
};

TEST_F(PressTest, OnlyDesksOfTheSessionPublishAndDesksDoNothingElse) {
  Result r = st().Check(0, Report(1, false));
  EXPECT_EQ(r.code, mf::NOT_YOUR_TURN);
  EXPECT_EQ(r.message, "only a press desk may publish report");
  EXPECT_TRUE(Rejected(&st(), 0, Report(1, false), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), kFacilitator, Report(1, false), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), PressActor(3), Report(1, false), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), ReadyAction(), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), VoteAction(mf::SUPPORT), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), Report(8, false), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), Report(1, false, ""), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), Report(1, true, "x", 12345), mf::NOT_FOUND));
  // A game without desks has none.
  State none(sc_, 1);
  EXPECT_TRUE(Rejected(&none, PressActor(0), Report(1, false), mf::MALFORMED));
}

TEST_F(PressTest, OneReportPerDeskAndPhaseAndNoneWhilePaused) {
  ASSERT_TRUE(Accepted(&st(), PressActor(0), Report(1, false)));
  EXPECT_TRUE(Rejected(&st(), PressActor(0), Report(2, false), mf::LIMIT));
  ASSERT_TRUE(Accepted(&st(), PressActor(1), Report(2, true)));
  ASSERT_TRUE(Accepted(&st(), kFacilitator, Make(ActionType::kPause)));
  EXPECT_TRUE(Rejected(&st(), PressActor(2), Report(2, true), mf::PAUSED));
  ASSERT_TRUE(Accepted(&st(), kFacilitator, Make(ActionType::kResume)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(Accepted(&st(), PressActor(0), Report(2, false)));
  EXPECT_EQ(st().reports().size(), 3u);
}

TEST_F(PressTest, OversizeTextIsRefusedOnTheWire) {
  mf::Action wire;
  wire.mutable_publish_report()->set_about(1);
  wire.mutable_publish_report()->set_text(std::string(281, 'a'));
  Action a;
  std::string error;
  EXPECT_FALSE(ActionFromProto(wire, *sc_, &a, &error));
  EXPECT_NE(error.find("280"), std::string::npos) << error;
  wire.mutable_publish_report()->set_text(std::string(280, 'a'));
  EXPECT_TRUE(ActionFromProto(wire, *sc_, &a, &error)) << error;
}

TEST_F(PressTest, TheReportIsPublicAndMovesApproval) {
  const double before = st().seat(2).approval;
  ASSERT_TRUE(Accepted(&st(), PressActor(1), Report(2, false, "Broken promises.")));
  EXPECT_LT(st().seat(2).approval, before);
  ASSERT_EQ(st().reports().size(), 1u);
  EXPECT_DOUBLE_EQ(st().reports()[0].effect, st().seat(2).approval - before);
  mf::View seat_view, desk_view;
  MakeView(SeatView(st(), 5), &seat_view);
  MakeView(SeatView(st(), PressActor(1)), &desk_view);
  ASSERT_EQ(seat_view.press_reports_size(), 1);
  EXPECT_EQ(seat_view.press_reports(0).text(), "Broken promises.");
  EXPECT_EQ(seat_view.press_reports(0).desk(), 1);
  EXPECT_EQ(seat_view.press_desks(), 3);
  EXPECT_EQ(seat_view.press_desk(), -1);
  EXPECT_EQ(desk_view.press_desk(), 1);
  EXPECT_EQ(desk_view.press_reports_left(), 0);
  // The desk's view carries its verdict, word for word the engine's.
  mf::Action wire;
  ActionToProto(Report(3, true), *sc_, &wire);
  const Result verdict = VerdictIn(desk_view, wire);
  EXPECT_EQ(verdict.code, mf::LIMIT);
  EXPECT_EQ(verdict.message, st().Check(PressActor(1), Report(3, true)).message);
  bool told = false;
  for (const mf::Event& e : seat_view.events())
    told |= e.text().find("criticises") != std::string::npos &&
            e.text().find("Broken promises.") != std::string::npos;
  EXPECT_TRUE(told);
}

// What forumd streams after a desk's first view: the part every viewer
// sees alike (built as the spectator's) and the desk's own part. The desk's
// index and the reports it has left are its own, not the spectator's.
TEST_F(PressTest, TheDeskIsItsOwnInTheStreamedParts) {
  ASSERT_TRUE(Accepted(&st(), PressActor(1), Report(2, false, "Broken promises.")));
  ViewParts shared_only, own_only;
  shared_only.static_fields = own_only.static_fields = false;
  shared_only.own = false;
  own_only.shared = false;
  mf::View shared_part;
  MakeView(SeatView(st(), kSpectatorView), &shared_part, shared_only);
  for (int desk : {0, 1}) {
    mf::View own_part, joined;
    MakeView(SeatView(st(), PressActor(desk)), &own_part, own_only);
    ASSERT_TRUE(
        joined.ParseFromString(shared_part.SerializeAsString() + own_part.SerializeAsString()));
    EXPECT_EQ(joined.press_desk(), desk);
    EXPECT_EQ(joined.press_reports_left(), desk == 1 ? 0 : 1);
    EXPECT_EQ(joined.press_desks(), 3);
    EXPECT_EQ(joined.press_reports_size(), 1);
  }
  mf::View spectator;
  MakeView(SeatView(st(), kSpectatorView), &spectator);
  EXPECT_EQ(spectator.press_desk(), -1);
  EXPECT_EQ(spectator.press_reports_left(), 0);
}

// The public record decides how far a report carries: a state that broke
// its pledge is hurt more by criticism than one that kept it; praise for a
// text it objected to moves nothing.
TEST_F(PressTest, TheRecordBearsAReportOutOrNot) {
  const int breaker = 0, keeper = 1, objector = 5;
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(70, mf::GUIDING_PRINCIPLES)));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  const int id = st().draft()->id;
  for (int s = 0; s < st().num_seats(); ++s)
    ASSERT_TRUE(Accepted(&st(), s, VoteAction(s == objector ? mf::STAND_ASIDE : mf::SUPPORT)));
  ASSERT_TRUE(st().FindText(id)->adopted);
  for (int cycle = 1; cycle <= 2; ++cycle) {
    ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, cycle));
    ASSERT_TRUE(Accepted(&st(), keeper, PledgeAction(id, 100)));
    ASSERT_TRUE(Accepted(&st(), breaker, PledgeAction(id, cycle == 1 ? 100 : 0)));
    ASSERT_TRUE(AdvanceOnce(&st()));
  }
  ASSERT_TRUE(st().FindText(id)->broken & (uint64_t{1} << breaker));
  const double on_breaker = st().ReportCredibility(breaker, false, id);
  const double on_keeper = st().ReportCredibility(keeper, false, id);
  EXPECT_GT(on_breaker, on_keeper);
  EXPECT_GT(st().ReportCredibility(keeper, true, id), st().ReportCredibility(breaker, true, id));
  EXPECT_GT(st().ReportCredibility(breaker, false, 0), st().ReportCredibility(keeper, false, 0));
  // The effect on approval follows: the same words, different weights.
  const double b0 = st().seat(breaker).approval, k0 = st().seat(keeper).approval;
  ASSERT_TRUE(Accepted(&st(), PressActor(0), Report(breaker, false, "Walked away.", id)));
  ASSERT_TRUE(Accepted(&st(), PressActor(1), Report(keeper, false, "Walked away.", id)));
  EXPECT_LT(st().seat(breaker).approval - b0, st().seat(keeper).approval - k0);
  EXPECT_LT(st().seat(keeper).approval, k0);
}

TEST(Press, PraiseForATextTheStateObjectedToCountsNothing) {
  // classroom-8 decided by majority, so that a text is adopted over an objection.
  mf::Scenario p = LoadOrFail("classroom-8")->proto();
  p.set_decision_rule(mf::MAJORITY);
  auto sc = LoadScenarioMessage(p, "classroom-8-majority").scenario;
  ASSERT_TRUE(sc);
  State st(sc, 1, 1);
  const int objector = 5;
  ASSERT_TRUE(AdvanceUntil(&st, mf::DRAFTING));
  ASSERT_TRUE(Accepted(&st, st.co_chair(0), TableAction(40, mf::GUIDING_PRINCIPLES)));
  ASSERT_TRUE(AdvanceUntil(&st, mf::DECISION));
  const int id = st.draft()->id;
  for (int s = 0; s < st.num_seats(); ++s)
    ASSERT_TRUE(Accepted(&st, s, VoteAction(s == objector ? mf::OBJECT : mf::SUPPORT)));
  ASSERT_TRUE(st.FindText(id)->adopted);
  EXPECT_EQ(st.ReportCredibility(objector, true, id), 0.0);
  EXPECT_GT(st.ReportCredibility(0, true, id), 0.0);
  const double before = st.seat(objector).approval;
  ASSERT_TRUE(Accepted(&st, PressActor(0), Report(objector, true, "Champion!", id)));
  EXPECT_EQ(st.seat(objector).approval, before);
  EXPECT_EQ(st.reports().back().effect, 0.0);
}

// The record keeps the desks: a game with reports replays exactly from its
// log (GameLog.press_desks), and a log naming a desk the game did not have
// is refused.
TEST_F(PressTest, TheGameLogKeepsTheDesksAndReplaysExactly) {
  std::vector<LoggedAction> log;
  auto apply = [&](int actor, const Action& a) {
    ASSERT_TRUE(Accepted(&st(), actor, a));
    log.push_back({actor, a});
  };
  apply(PressActor(2), Report(4, false, "Closed the border."));
  apply(kFacilitator, AdvanceAction());
  apply(PressActor(0), Report(6, true, "Opened visas."));
  mf::GameLog gl;
  ToGameLog(st(), log, &gl);
  EXPECT_EQ(gl.press_desks(), 3);
  EXPECT_EQ(gl.entries(0).actor().press(), 2);
  std::vector<LoggedAction> back;
  std::string error;
  ASSERT_TRUE(FromGameLog(gl, *sc_, &back, &error)) << error;
  State again(sc_, 1, gl.press_desks());
  ASSERT_TRUE(Replay(&again, back, &error)) << error;
  EXPECT_EQ(again.Hash(), st().Hash());
  ASSERT_EQ(again.reports().size(), 2u);
  EXPECT_EQ(again.reports()[1].text, "Opened visas.");
  gl.set_press_desks(2);
  EXPECT_FALSE(FromGameLog(gl, *sc_, &back, &error));
  EXPECT_NE(error.find("no press desk 2"), std::string::npos) << error;
}

}  // namespace
}  // namespace mf::rules
