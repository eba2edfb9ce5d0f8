// The world model on classroom-8: a destination's unilateral enforcement
// diverts irregular flows onto other routes rather than stopping them, while
// corridor cooperation (readmission and joint anti-smuggling commitments)
// reduces them. Twin games differ in one decision; the world update of the
// first cycle is compared.
#include <gtest/gtest.h>

#include <numeric>

#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

double TotalIrregular(const State& st) {
  double sum = 0;
  for (const CorridorState& c : st.corridors()) sum += c.irregular;
  return sum;
}

class WorldTest : public ClassroomTest {
 protected:
  // The destination at the end of the most corridors.
  int BusiestDestination() const {
    int best = -1, best_count = 0;
    for (int s = 0; s < n(); ++s) {
      int count = 0;
      for (const CorridorData& c : sc_->corridors()) count += c.destination == s;
      if (sc_->seats()[s].role == mf::DESTINATION && count > best_count) {
        best = s;
        best_count = count;
      }
    }
    return best;
  }
};

TEST_F(WorldTest, UnilateralEnforcementDivertsFlowsToOtherRoutes) {
  const int dest = BusiestDestination();
  ASSERT_GE(dest, 0);
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 1));
  // Nobody cooperates yet.
  for (const CorridorState& c : st().corridors()) {
    EXPECT_EQ(c.cooperation, 0.0);
    EXPECT_EQ(c.origin_coop, 0.0);
    EXPECT_EQ(c.transit_coop, 0.0);
  }
  State enforced = st();
  ASSERT_NE(enforced.seat(dest).enforcement, 100);
  ASSERT_TRUE(Accepted(&enforced, dest, LevelAction(ActionType::kEnforce, 100)));
  EXPECT_EQ(enforced.seat(dest).enforcement, 100);
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(AdvanceOnce(&enforced));
  ASSERT_EQ(st().cycle(), 2);
  ASSERT_EQ(enforced.cycle(), 2);

  double own_drop = 0;
  int rose = 0;
  for (int c = 0; c < sc_->num_corridors(); ++c) {
    const CorridorData& cd = sc_->corridors()[c];
    const double base = st().corridors()[c].irregular;
    const double with = enforced.corridors()[c].irregular;
    SCOPED_TRACE(cd.id);
    if (cd.destination == dest) {
      EXPECT_LT(with, base) << "the enforcing destination's own routes carry fewer";
      own_drop += base - with;
    } else {
      EXPECT_GE(with, base) << "no other route gets fewer";
      rose += with > base;
    }
  }
  EXPECT_GT(own_drop, 0);
  EXPECT_GT(rose, 0) << "people move onto other routes";
  const double total_drop = TotalIrregular(st()) - TotalIrregular(enforced);
  EXPECT_GT(total_drop, 0) << "some are deterred";
  EXPECT_LT(total_drop, 0.5 * own_drop) << "but most are diverted, not stopped";
  EXPECT_LT(enforced.seat(dest).irregular_in, st().seat(dest).irregular_in);
  // The other destinations receive the diverted people.
  double others_base = 0, others_enforced = 0;
  for (int s = 0; s < n(); ++s) {
    if (s == dest || sc_->seats()[s].role != mf::DESTINATION) continue;
    others_base += st().seat(s).irregular_in;
    others_enforced += enforced.seat(s).irregular_in;
  }
  EXPECT_GT(others_enforced, others_base);
  // The history records the same totals the corridors show.
  ASSERT_EQ(enforced.history().size(), 1u);
  EXPECT_DOUBLE_EQ(enforced.history()[0].irregular, TotalIrregular(enforced));
}

class CooperationTest : public WorldTest {
 protected:
  // A corridor through a transit state to the busiest destination.
  int TransitCorridor() const {
    const int dest = BusiestDestination();
    for (int c = 0; c < sc_->num_corridors(); ++c)
      if (sc_->corridors()[c].transit >= 0 && sc_->corridors()[c].destination == dest) return c;
    return -1;
  }
  // Plays the first item with a draft carrying readmission and joint
  // anti-smuggling commitments on `corridor`; `objector` (if >= 0) blocks it.
  void Play(State* st, int corridor, mf::Form form, int objector) {
    ASSERT_TRUE(AdvanceUntil(st, mf::DRAFTING));
    const CommitmentSet add = Bit(mf::READMISSION) | Bit(mf::ANTI_SMUGGLING);
    // Position 50: below the level at which a theme's natural commitment applies.
    ASSERT_TRUE(Accepted(st, st->co_chair(0), TableAction(50, form, add, corridor)));
    ASSERT_TRUE(AdvanceOnce(st));
    const int text = st->draft()->id;
    std::vector<mf::VoteChoice> votes = All(mf::SUPPORT);
    if (objector >= 0) votes[objector] = mf::OBJECT;
    ASSERT_TRUE(VoteAll(st, votes));
    ASSERT_EQ(st->FindText(text)->adopted, objector < 0);
    ASSERT_TRUE(AdvanceUntil(st, mf::IMPLEMENTATION, 1));
    ASSERT_TRUE(AdvanceOnce(st));
    ASSERT_EQ(st->cycle(), 2);
  }
};

TEST_F(CooperationTest, AdoptedCorridorCooperationReducesIrregularFlows) {
  const int corridor = TransitCorridor();
  ASSERT_GE(corridor, 0);
  State cooperating = st();
  State blocked = st();
  Play(&cooperating, corridor, mf::GUIDING_PRINCIPLES, -1);
  Play(&blocked, corridor, mf::GUIDING_PRINCIPLES, 0);

  const CorridorState& with = cooperating.corridors()[corridor];
  const CorridorState& without = blocked.corridors()[corridor];
  EXPECT_GT(with.origin_coop, 0.0);
  EXPECT_GT(with.transit_coop, 0.0);
  EXPECT_GT(with.cooperation, without.cooperation);
  EXPECT_EQ(without.cooperation, 0.0);
  EXPECT_LT(with.irregular, without.irregular);
  EXPECT_LT(TotalIrregular(cooperating), TotalIrregular(blocked));
  // Legal channels are untouched by these commitments.
  for (int c = 0; c < sc_->num_corridors(); ++c)
    EXPECT_DOUBLE_EQ(cooperating.corridors()[c].legal, blocked.corridors()[c].legal);
  // Readmission applies to the origin and transit states, not to destinations.
  const CorridorData& cd = sc_->corridors()[corridor];
  EXPECT_GT(cooperating.seat(cd.origin).readmission, blocked.seat(cd.origin).readmission);
  EXPECT_EQ(cooperating.seat(cd.destination).readmission, 0.0);
  // The views show the same cooperation.
  mf::View view;
  MakeView(SeatView(cooperating, kSpectatorView), &view);
  ASSERT_EQ(view.corridors_size(), sc_->num_corridors());
  EXPECT_DOUBLE_EQ(view.corridors(corridor).cooperation(), with.cooperation);
  EXPECT_DOUBLE_EQ(view.corridors(corridor).irregular(), with.irregular);
}

TEST_F(CooperationTest, CooperationMakesEnforcementWorkInsteadOfDiverting) {
  const int corridor = TransitCorridor();
  ASSERT_GE(corridor, 0);
  const int dest = sc_->corridors()[corridor].destination;
  // Two cooperating worlds, one of which also enforces at 100.
  State calm = st();
  Play(&calm, corridor, mf::GUIDING_PRINCIPLES, -1);
  ASSERT_TRUE(AdvanceUntil(&calm, mf::IMPLEMENTATION, 2));
  State enforced = calm;
  ASSERT_TRUE(Accepted(&enforced, dest, LevelAction(ActionType::kEnforce, 100)));
  ASSERT_TRUE(AdvanceOnce(&calm));
  ASSERT_TRUE(AdvanceOnce(&enforced));
  const double own_drop =
      calm.corridors()[corridor].irregular - enforced.corridors()[corridor].irregular;
  ASSERT_GT(own_drop, 0);
  // With cooperation a larger share of the blocked people are really stopped
  // than the (1 - diversion) share of unilateral enforcement.
  const double total_drop = TotalIrregular(calm) - TotalIrregular(enforced);
  EXPECT_GT(total_drop, 0);
  double all_own_drop = 0;
  for (int c = 0; c < sc_->num_corridors(); ++c)
    if (sc_->corridors()[c].destination == dest)
      all_own_drop += calm.corridors()[c].irregular - enforced.corridors()[c].irregular;
  EXPECT_GT(total_drop / all_own_drop, 1.0 - sc_->params().diversion);
}

TEST_F(WorldTest, ImplementationAndEnforcementLevels) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 1));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kImplement, 101), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, -1), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kImplement, st().seat(0).implement),
                       mf::ALREADY_DONE));
  ASSERT_TRUE(Accepted(&st(), 0, LevelAction(ActionType::kImplement, 40)));
  EXPECT_EQ(st().seat(0).implement, 40);
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, 90), mf::WRONG_PHASE));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kImplement, 90), mf::WRONG_PHASE));
}

TEST_F(WorldTest, TrustAndRegimeGrowWhenTheForumKeepsMeeting) {
  const double trust0 = st().mean_trust();
  while (!st().IsTerminal()) {
    if (st().phase() == mf::DECISION) {
      ASSERT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
    } else {
      ASSERT_TRUE(AdvanceOnce(&st()));
    }
  }
  const auto& h = st().history();
  ASSERT_EQ(static_cast<int>(h.size()), sc_->cycles());
  EXPECT_GT(h.back().mean_trust, trust0);
  for (size_t k = 1; k < h.size(); ++k) {
    EXPECT_GT(h[k].regime, h[k - 1].regime) << "cycle " << k + 1;
    EXPECT_GE(h[k].mean_trust, h[k - 1].mean_trust) << "cycle " << k + 1;
  }
  for (const ScoreBreakdown& b : st().final_scores()) {
    EXPECT_GE(b.total, 0);
    EXPECT_LE(b.total, 100);
  }
}

}  // namespace
}  // namespace mf::rules
