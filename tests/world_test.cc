// The world model on classroom-8: a destination's unilateral enforcement
// diverts irregular flows onto other routes rather than stopping them, while
// corridor cooperation (readmission and joint anti-smuggling commitments)
// reduces them. Twin games differ in one decision; the world update of the
// first cycle is compared.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "rules/playout.h"
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

// The target, from the starting world of classroom-8 with every
// destination enforcing in full: alone, irregular arrivals into the
// destinations fall by at most a quarter against no enforcement (people take
// other routes, longer ones, and migrant welfare falls); with the origin and
// transit states cooperating on every corridor they fall by 60% or more.
TEST_F(WorldTest, EnforcementAloneDivertsAndCooperationStops) {
  const FlowOutcome none = StartingWorldFlows(sc_, 0, 0.0);
  const FlowOutcome alone = StartingWorldFlows(sc_, 100, 0.0);
  const FlowOutcome together = StartingWorldFlows(sc_, 100, 1.0);
  ASSERT_GT(none.irregular, 0);
  EXPECT_EQ(none.detoured, 0.0);
  EXPECT_LT(alone.irregular, none.irregular);
  EXPECT_GE(alone.irregular, 0.75 * none.irregular) << "alone it falls by at most a quarter";
  EXPECT_GT(alone.detoured, 0.0) << "people take other, longer routes";
  EXPECT_LT(alone.welfare, none.welfare) << "the longer routes cost migrant welfare";
  EXPECT_GT(alone.transit, none.transit) << "more people are stuck crossing the transit states";
  EXPECT_LE(together.irregular, 0.4 * none.irregular) << "with cooperation it falls by 60%+";
  EXPECT_EQ(together.detoured, 0.0);
  EXPECT_GT(together.welfare, none.welfare);
  // Legal channels are untouched by enforcement.
  EXPECT_DOUBLE_EQ(alone.legal, none.legal);
  EXPECT_DOUBLE_EQ(together.legal, none.legal);
  // Fewer diverted (the scenario's diversion at 0): enforcement alone works better.
  mf::Scenario p = sc_->proto();
  p.mutable_params()->set_diversion(1e-9);
  LoadResult deterred = LoadScenarioMessage(p, "no-diversion");
  ASSERT_TRUE(deterred.ok());
  EXPECT_LT(StartingWorldFlows(deterred.scenario, 100, 0.0).irregular, alone.irregular);
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
    // Every state pledges to carry the text out in full (when it was adopted).
    if (objector < 0) {
      for (int s = 0; s < st->num_seats(); ++s)
        ASSERT_TRUE(Accepted(st, s, PledgeAction(text, 100)));
    }
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

TEST_F(WorldTest, EnforcementLevels) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 1));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, -1), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, 101), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, st().seat(0).enforcement),
                       mf::ALREADY_DONE));
  ASSERT_TRUE(Accepted(&st(), 0, LevelAction(ActionType::kEnforce, 40)));
  EXPECT_EQ(st().seat(0).enforcement, 40);
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_TRUE(Rejected(&st(), 0, LevelAction(ActionType::kEnforce, 90), mf::WRONG_PHASE));
}

// ---------------------------------------------------------------------------
// Pledges: a non-binding text moves only the policies of the states that
// pledge to carry it out, each as far as it pledges; pledges kept build
// trust, pledges broken are public and cost it.
// ---------------------------------------------------------------------------

class PledgeTest : public WorldTest {
 protected:
  // Adopts guiding principles at `position` on the first item (everyone
  // supports) and reaches the implementation phase of cycle 1.
  int AdoptFirst(int position) {
    EXPECT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
    EXPECT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(position, mf::GUIDING_PRINCIPLES)));
    EXPECT_TRUE(AdvanceOnce(&st()));
    const int text = st().draft()->id;
    EXPECT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
    EXPECT_TRUE(st().FindText(text)->adopted);
    EXPECT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 1));
    return text;
  }
  int Destination(int k) const {
    for (int s = 0; s < n(); ++s)
      if (sc_->seats()[s].role == mf::DESTINATION && k-- == 0) return s;
    return -1;
  }
};

TEST_F(PledgeTest, OnlyPledgingStatesCarryANonBindingTextOut) {
  const int text = AdoptFirst(80);
  const Text& t = *st().FindText(text);
  const int theme = t.theme;
  ASSERT_EQ(sc_->themes()[theme].natural_commitment, mf::LABOUR_VISAS);
  const int d0 = Destination(0), d1 = Destination(1);
  ASSERT_GE(d1, 0);
  const int half = Ordinary(d0) == d1 ? Ordinary(d1) : Ordinary(d0);
  ASSERT_TRUE(Accepted(&st(), d0, PledgeAction(text, 100)));
  ASSERT_TRUE(Accepted(&st(), half, PledgeAction(text, 50)));
  // Nobody else pledges; d1 pledges and takes it back before the year ends.
  ASSERT_TRUE(Accepted(&st(), d1, PledgeAction(text, 100)));
  ASSERT_TRUE(Accepted(&st(), d1, PledgeAction(text, 0)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().cycle(), 2);
  const double sq = sc_->themes()[theme].status_quo;
  const double pull = sc_->params().pull_principles;
  for (int s = 0; s < n(); ++s) {
    SCOPED_TRACE("seat " + std::to_string(s));
    if (s == d0) {
      EXPECT_DOUBLE_EQ(st().seat(s).policy[theme], sq + pull * (80 - sq));
    } else if (s == half) {
      EXPECT_DOUBLE_EQ(st().seat(s).policy[theme], sq + 0.5 * pull * (80 - sq));
    } else {
      EXPECT_DOUBLE_EQ(st().seat(s).policy[theme], sq) << "a state that did not pledge";
    }
  }
  // The text's commitments follow the pledges too.
  EXPECT_GT(st().seat(d0).visas, 0.0);
  EXPECT_EQ(st().seat(d1).visas, 0.0);
  EXPECT_EQ(st().seat(d0).implement, 100);
  // The pledges are public.
  mf::View view;
  MakeView(SeatView(st(), kSpectatorView), &view);
  const mf::Text* shown = nullptr;
  for (const mf::Text& x : view.texts())
    if (x.id() == text) shown = &x;
  ASSERT_NE(shown, nullptr);
  std::map<int, int> carried;
  for (const mf::PledgeRecord& p : shown->pledges()) carried[p.seat()] = p.carried();
  EXPECT_EQ(carried[d0], 100);
  EXPECT_EQ(carried[half], 50);
  EXPECT_EQ(carried[d1], 0);
  EXPECT_EQ(carried.count(Ordinary(-1) == d0 ? Ordinary(d0) : -1), 0u);
}

TEST_F(PledgeTest, RefusedPledgesChangeNothing) {
  const int text = AdoptFirst(60);
  EXPECT_TRUE(Rejected(&st(), 0, PledgeAction(9999, 100), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), 0, PledgeAction(text, 101), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 0, PledgeAction(text, -1), mf::MALFORMED));
  // The second item was not adopted (nobody supported its working paper).
  int other = 0;
  for (const Text& t : st().texts())
    if (t.id != text && t.cycle == 1) other = t.id;
  ASSERT_NE(other, 0);
  ASSERT_FALSE(st().FindText(other)->adopted);
  EXPECT_TRUE(Rejected(&st(), 0, PledgeAction(other, 100), mf::NOT_FOUND));
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_TRUE(Rejected(&st(), 0, PledgeAction(text, 100), mf::WRONG_PHASE));
}

TEST_F(PledgeTest, KeptPledgesBuildTrustAndABrokenOneIsPublicAndCostsIt) {
  const int text = AdoptFirst(70);
  const int keeper = 0, breaker = 1, bystander = 2;
  ASSERT_TRUE(Accepted(&st(), keeper, PledgeAction(text, 100)));
  ASSERT_TRUE(Accepted(&st(), breaker, PledgeAction(text, 100)));
  const double partners0 = st().trust(keeper, breaker);
  const double bystander0 = st().trust(bystander, keeper);
  ASSERT_TRUE(AdvanceOnce(&st()));
  // Carrying out the same text together: both trust each other more than a
  // state that does not carry it out trusts them.
  EXPECT_GT(st().trust(keeper, breaker), partners0);
  EXPECT_GT(st().trust(breaker, keeper), partners0);
  EXPECT_GT(st().trust(keeper, breaker) - partners0, st().trust(bystander, keeper) - bystander0);
  // Next year the breaker carries out less than it did: the pledge breaks.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 2));
  ASSERT_TRUE(Accepted(&st(), breaker, PledgeAction(text, 0)));
  const double keeper_before = st().trust(keeper, breaker);
  const double bystander_before = st().trust(bystander, breaker);
  const size_t events = st().events().size();
  ASSERT_TRUE(AdvanceOnce(&st()));
  const Text& t = *st().FindText(text);
  EXPECT_TRUE((t.broken >> breaker) & 1);
  EXPECT_FALSE((t.broken >> keeper) & 1);
  EXPECT_LT(st().trust(keeper, breaker), keeper_before);
  EXPECT_LT(st().trust(bystander, breaker), bystander_before);
  EXPECT_LT(st().trust(keeper, breaker) - keeper_before,
            st().trust(bystander, breaker) - bystander_before)
      << "its partners in the text lose more trust than the others";
  bool told = false;
  for (size_t k = events; k < st().events().size(); ++k) {
    const EventRec& e = st().events()[k];
    if (e.type == EventType::kPledgeBroken && e.a == breaker && e.b == text) {
      told = true;
      EXPECT_EQ(e.private_to, 0u) << "a broken pledge is public";
      EXPECT_NE(DescribeEvent(st(), e).find("broken pledge"), std::string::npos);
    }
  }
  EXPECT_TRUE(told);
  // The breaker's policy no longer carries the text.
  EXPECT_DOUBLE_EQ(st().seat(breaker).policy[t.theme], sc_->themes()[t.theme].status_quo);
}

TEST_F(PledgeTest, AConventionBindsItsRatifiersAloneAndEachCarriesItOutTextByText) {
  sc_ = WithAllForms("classroom-8");
  ASSERT_TRUE(sc_);
  st_ = std::make_unique<State>(sc_, 1);
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(70, mf::BINDING_CONVENTION)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  const int text = st().draft()->id;
  ASSERT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::RATIFICATION, 1));
  const int needed =
      std::max(1, static_cast<int>(std::ceil(sc_->params().ratification_threshold * n() - 1e-9)));
  for (int s = 0; s < n(); ++s) ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text, s <= needed)));
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  ASSERT_TRUE(st().FindText(text)->in_force);
  const int outsider = n() - 1;
  ASSERT_GT(outsider, needed);
  EXPECT_TRUE(Rejected(&st(), outsider, PledgeAction(text, 100), mf::NOT_YOUR_TURN));
  // A ratifier carries it out in full unless it pledges less.
  ASSERT_TRUE(Accepted(&st(), 1, PledgeAction(text, 50)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  const int theme = st().FindText(text)->theme;
  const double sq = sc_->themes()[theme].status_quo;
  const double pull = sc_->params().pull_convention;
  EXPECT_DOUBLE_EQ(st().seat(0).policy[theme], sq + pull * (70 - sq));
  EXPECT_DOUBLE_EQ(st().seat(1).policy[theme], sq + 0.5 * pull * (70 - sq));
  EXPECT_DOUBLE_EQ(st().seat(outsider).policy[theme], sq);
}

// ---------------------------------------------------------------------------
// Trust and the regime from what happens
// ---------------------------------------------------------------------------

// classroom-8 with the "forum keeps meeting" effect at `meeting`.
std::shared_ptr<const Scenario> WithMeetingEffect(double meeting) {
  auto base = LoadOrFail("classroom-8");
  mf::Scenario p = base->proto();
  p.mutable_params()->set_meeting_procedures(meeting);
  LoadResult r = LoadScenarioMessage(p, "meeting");
  EXPECT_TRUE(r.ok());
  return r.scenario;
}

// Plays a whole game by hand: everyone votes `vote` on every draft; when
// `carry` every state endorses civil society and pledges every adopted text in full.
void PlayAll(State* st, mf::VoteChoice vote, bool carry) {
  while (!st->IsTerminal()) {
    if (st->phase() == mf::DECISION) {
      for (int s = 0; s < st->num_seats(); ++s) ASSERT_TRUE(Accepted(st, s, VoteAction(vote)));
      if (st->phase() == mf::DECISION) {
        ASSERT_TRUE(AdvanceOnce(st));
      }
      continue;
    }
    if (carry && st->phase() == mf::CIVIL_SOCIETY) {
      for (const Recommendation& r : st->recommendations())
        for (int s = 0; s < st->num_seats(); ++s)
          ASSERT_TRUE(Accepted(st, s, WithId(ActionType::kEndorse, r.id)));
    }
    if (carry && st->phase() == mf::IMPLEMENTATION) {
      for (const Text& t : st->texts())
        for (int s = 0; s < st->num_seats(); ++s) {
          if (st->PledgeOpen(s, t) && t.level[s] != 100) {
            ASSERT_TRUE(Accepted(st, s, PledgeAction(t.id, 100)));
          }
        }
    }
    ASSERT_TRUE(AdvanceOnce(st));
  }
}

TEST_F(WorldTest, WelfareAndTheRegimeStartFromTheStartingWorld) {
  // Welfare is computed from the starting world's flows, not set.
  double legal = 0, irregular = 0;
  for (const CorridorState& c : st().corridors()) {
    legal += c.legal;
    irregular += c.irregular;
  }
  ASSERT_GT(irregular, 0);
  // The starting world: destinations enforce at 30 without help, so some
  // people already take longer routes, which costs welfare.
  EXPECT_DOUBLE_EQ(st().welfare(), StartingWorldFlows(sc_, 30, 0.0).welfare);
  EXPECT_LT(st().welfare(), 0.3 + 0.35 * legal / (legal + irregular));
  EXPECT_GT(st().welfare(), 0.3);
  auto other = LoadOrFail("gfmd-roundtables");
  EXPECT_NE(State(other, 1).welfare(), st().welfare());
  // Nothing has been agreed yet: no norms, no decision rules, no procedures.
  EXPECT_EQ(st().norms(), 0.0);
  EXPECT_EQ(st().rules_strength(), 0.0);
  EXPECT_EQ(st().procedures(), 0.0);
}

TEST_F(WorldTest, TrustMovesOnlyThroughPlay) {
  // Nobody supports anything, nobody deals or pledges: three years of meetings
  // leave every state's trust in every other where it started.
  const std::vector<double> before = st().trust_matrix();
  PlayAll(&st(), mf::STAND_ASIDE, false);
  EXPECT_EQ(st().trust_matrix(), before);
  for (const Text& t : st().texts()) EXPECT_FALSE(t.adopted);
}

TEST_F(WorldTest, NonBindingTextsSetNoDecisionRules) {
  PlayAll(&st(), mf::SUPPORT, true);
  int adopted = 0;
  for (const Text& t : st().texts()) adopted += t.adopted;
  ASSERT_GT(adopted, 0);
  EXPECT_EQ(st().rules_strength(), 0.0) << "the GFMD is not a mechanism to agree decision rules";
  EXPECT_GT(st().norms(), 0.0);
}

TEST_F(WorldTest, DecisionRulesGrowWithConventionsInForceAndTheirRatifiers) {
  auto sc = WithAllForms("classroom-8");
  double rules_by_ratifiers[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    State st(sc, 1);
    ASSERT_TRUE(AdvanceUntil(&st, mf::DRAFTING));
    ASSERT_TRUE(Accepted(&st, st.co_chair(0), TableAction(60, mf::BINDING_CONVENTION)));
    ASSERT_TRUE(AdvanceOnce(&st));
    const int text = st.draft()->id;
    for (int s = 0; s < st.num_seats(); ++s) ASSERT_TRUE(Accepted(&st, s, VoteAction(mf::SUPPORT)));
    ASSERT_TRUE(AdvanceUntil(&st, mf::RATIFICATION));
    const int ratifiers = k == 0 ? 4 : st.num_seats();
    for (int s = 0; s < st.num_seats(); ++s)
      ASSERT_TRUE(Accepted(&st, s, RatifyAction(text, s < ratifiers)));
    ASSERT_TRUE(st.FindText(text)->in_force);
    ASSERT_TRUE(AdvanceOnce(&st));
    rules_by_ratifiers[k] = st.rules_strength();
  }
  EXPECT_GT(rules_by_ratifiers[0], 0.0);
  EXPECT_GT(rules_by_ratifiers[1], rules_by_ratifiers[0]);
}

TEST_F(WorldTest, TheRegimeGrowsFromWhatTheStatesDoEvenWithoutTheMeetingEffect) {
  for (double meeting : {0.0, 0.5}) {
    SCOPED_TRACE("meeting_procedures " + std::to_string(meeting));
    auto sc = WithMeetingEffect(meeting);
    ASSERT_EQ(sc->params().meeting_procedures, meeting);
    // Meeting and doing nothing: with the effect off, the regime stays where it started.
    State idle(sc, 1);
    const double start = idle.regime();
    PlayAll(&idle, mf::STAND_ASIDE, false);
    if (meeting == 0) {
      EXPECT_EQ(idle.regime(), start);
    } else {
      EXPECT_GT(idle.regime(), start);
    }
    // Adopting texts, endorsing civil society and carrying the texts out:
    // trust and the regime grow every cycle.
    State busy(sc, 1);
    const double trust0 = busy.mean_trust();
    PlayAll(&busy, mf::SUPPORT, true);
    const auto& h = busy.history();
    ASSERT_EQ(static_cast<int>(h.size()), sc->cycles());
    EXPECT_GT(h.front().regime, start);
    for (size_t k = 1; k < h.size(); ++k) {
      EXPECT_GT(h[k].regime, h[k - 1].regime) << "cycle " << k + 1;
      EXPECT_GT(h[k].mean_trust, h[k - 1].mean_trust) << "cycle " << k + 1;
    }
    EXPECT_GT(h.front().mean_trust, trust0);
    EXPECT_GT(busy.regime(), idle.regime());
    for (const ScoreBreakdown& b : busy.final_scores()) {
      EXPECT_GE(b.total, 0);
      EXPECT_LE(b.total, 100);
    }
  }
}

// A seat's score_offset adds to its total, and ranks follow the unclamped
// points (50 + role offset + seat offset + role scale x gain): two seats past
// 100 are not a tie settled by seat order.
TEST(ScoresTest, SeatOffsetsAddAndRanksFollowTheUnclampedPoints) {
  auto base = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(base);
  mf::Scenario p = base->proto();
  // The sources (seats 0-2) well past 100, the others below.
  p.mutable_params()->set_role_offset_source(40);
  for (int s = 0; s < p.seats_size(); ++s)
    p.mutable_seats(s)->set_score_offset(s < 3 ? 10.0 * s : -5);
  LoadResult r = LoadScenarioMessage(p, "classroom-8-offsets");
  ASSERT_TRUE(r.ok());
  mf::Scenario bad = p;
  bad.mutable_seats(2)->set_score_offset(31);
  EXPECT_FALSE(LoadScenarioMessage(bad, "too-large").ok());
  int clamped_pairs = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    State plain(base, seed), offset(r.scenario, seed);
    RandomPlayout(&plain, seed, nullptr);
    RandomPlayout(&offset, seed, nullptr);
    ASSERT_TRUE(plain.IsTerminal() && offset.IsTerminal());
    const auto& a = plain.final_scores();
    const auto& b = offset.final_scores();
    const Params& params = r.scenario->params();
    std::vector<double> points(b.size());
    for (size_t s = 0; s < b.size(); ++s) {
      const mf::Role role = r.scenario->seats()[s].role;
      // The same game (offsets change no move of a random player).
      EXPECT_DOUBLE_EQ(a[s].gain, b[s].gain);
      points[s] = 50 + params.role_offset[role] + p.seats(static_cast<int>(s)).score_offset() +
                  params.role_scale[role] * b[s].gain;
      EXPECT_DOUBLE_EQ(b[s].total, std::clamp(points[s], 0.0, 100.0));
    }
    for (size_t s = 0; s < b.size(); ++s)
      for (size_t o = 0; o < b.size(); ++o) {
        if (points[s] > points[o]) EXPECT_LT(b[s].rank, b[o].rank) << s << " vs " << o;
        if (o > s && b[s].total == 100 && b[o].total == 100) ++clamped_pairs;
      }
  }
  EXPECT_GT(clamped_pairs, 0) << "no two seats past 100: the unclamped ranking was not exercised";
}

// Crossing a red line costs approval by how far the text lies beyond it
// (red_line_cost x (1 + positions beyond / 20)).
TEST(RedLineTest, CrossingCostsApprovalByHowFar) {
  auto base = testing::LoadOrFail("classroom-8");
  ASSERT_TRUE(base);
  // The theme of the first roundtable.
  State probe(base, 1);
  ASSERT_TRUE(AdvanceUntil(&probe, mf::DRAFTING));
  const std::string theme = base->themes()[probe.current_theme()].id;
  // Approval of seat 0 after everyone supports a draft at `position`.
  auto approval_after = [&](int position, double cost) {
    mf::Scenario p = base->proto();
    p.mutable_seats(0)->mutable_brief()->clear_red_lines();
    mf::RedLine* r = p.mutable_seats(0)->mutable_brief()->add_red_lines();
    r->set_theme(theme);
    r->set_max_position(40);
    p.mutable_params()->set_red_line_cost(cost);
    LoadResult loaded = LoadScenarioMessage(p, "red-line");
    EXPECT_TRUE(loaded.ok());
    State st(loaded.scenario, 1);
    EXPECT_TRUE(AdvanceUntil(&st, mf::DRAFTING));
    EXPECT_TRUE(Accepted(&st, st.co_chair(0), TableAction(position, mf::CHAIRS_SUMMARY)));
    EXPECT_TRUE(AdvanceOnce(&st));
    const int text = st.draft()->id;
    EXPECT_EQ(st.RedLineExcess(0, *st.FindText(text)), position > 40 ? position - 40 : -1);
    EXPECT_TRUE(VoteAll(&st, std::vector(static_cast<size_t>(st.num_seats()), mf::SUPPORT)));
    EXPECT_TRUE(st.FindText(text)->adopted);
    return st.seat(0).approval;
  };
  const double inside = approval_after(40, 0.1);
  EXPECT_NEAR(inside - approval_after(50, 0.1), 0.1 * (1 + 10 / 20.0), 1e-9);
  EXPECT_NEAR(inside - approval_after(80, 0.1), 0.1 * (1 + 40 / 20.0), 1e-9);
  EXPECT_NEAR(inside - approval_after(80, 0.05), 0.05 * (1 + 40 / 20.0), 1e-9);
  // Unset (0): the engine default, 0.1.
  EXPECT_DOUBLE_EQ(approval_after(80, 0), approval_after(80, 0.1));
}

// ---------------------------------------------------------------------------
// Mixed roles: a state weighted across source, transit and destination
// ---------------------------------------------------------------------------

int SeatIndex(const Scenario& sc, const std::string& id) {
  for (int s = 0; s < sc.num_seats(); ++s)
    if (sc.seats()[s].id == id) return s;
  return -1;
}

// `base` with seat `id`'s role weights left out (all its weight on its role).
std::shared_ptr<const Scenario> SingleRole(const Scenario& base, const std::string& id) {
  mf::Scenario p = base.proto();
  for (mf::SeatDef& s : *p.mutable_seats())
    if (s.id() == id) s.clear_role_weights();
  LoadResult r = LoadScenarioMessage(p, base.id() + "-single");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? std::string() : r.errors[0]);
  return r.scenario;
}

// The economy part of a seat's score computed from its flows by hand: each
// role's part by its weight, plus aid.
double EconomyByHand(const State& st, int s) {
  const SeatData& d = st.scenario().seats()[s];
  const SeatState& x = st.seat(s);
  const double years = static_cast<double>(std::max<size_t>(1, st.history().size()));
  const double r = x.cum_remittances / (years * x.base_remittances);
  const double l = x.cum_labour / (years * x.base_labour);
  const double i = x.cum_irregular / (years * x.base_irregular);
  const double t = x.cum_transit / (years * x.base_transit);
  const double source = r / (r + 1.0);
  const double destination = 0.5 * l / (l + 1.0) + 0.5 / (1.0 + i);
  const double transit = 1.0 / (1.0 + t);
  const double econ = d.weight[mf::SOURCE] * source + d.weight[mf::TRANSIT] * transit +
                      d.weight[mf::DESTINATION] * destination + 0.01 * x.aid_received -
                      0.005 * x.aid_given / d.economy;
  return std::clamp(econ, 0.0, 1.0);
}

// Mexico in the Puebla Process is a transit state and the largest source of
// migrants to the United States: with its role weights its remittances
// count in its economy and its approval; as a transit state alone they did
// not. Twin games differ in one thing: a rise in remittances (the
// facilitator injects "transnationalism" in the first year).
TEST(MixedRolesTest, MexicosRemittancesCountByItsWeights) {
  auto mixed = testing::LoadOrFail("puebla-process");
  ASSERT_TRUE(mixed);
  const int mx = SeatIndex(*mixed, "mx");
  const int sv = SeatIndex(*mixed, "sv");  // A source state alone.
  ASSERT_GE(mx, 0);
  ASSERT_GE(sv, 0);
  ASSERT_TRUE(mixed->seats()[mx].mixed);
  ASSERT_EQ(mixed->seats()[mx].role, mf::TRANSIT);
  EXPECT_GT(mixed->seats()[mx].weight[mf::SOURCE], 0);
  auto single = SingleRole(*mixed, "mx");
  ASSERT_TRUE(single);
  ASSERT_FALSE(single->seats()[mx].mixed);
  ASSERT_EQ(single->seats()[mx].weight[mf::TRANSIT], 1.0);

  for (const auto& sc : {mixed, single}) {
    SCOPED_TRACE(sc->id());
    const bool counts = sc == mixed;
    State plain(sc, 11);
    ASSERT_TRUE(AdvanceUntil(&plain, mf::IMPLEMENTATION, 1));
    State richer = plain;
    Action a = Make(ActionType::kInjectEvent);
    a.event = mf::TRANSNATIONALISM;
    a.seat = -1;
    ASSERT_TRUE(Accepted(&richer, kFacilitator, a));
    ASSERT_TRUE(AdvanceUntil(&plain, mf::CIVIL_SOCIETY, 2));
    ASSERT_TRUE(AdvanceUntil(&richer, mf::CIVIL_SOCIETY, 2));
    ASSERT_GT(richer.seat(mx).cum_remittances, plain.seat(mx).cum_remittances);
    // The same flows through Mexico either way.
    ASSERT_EQ(richer.seat(mx).cum_transit, plain.seat(mx).cum_transit);
    // A source state's approval always rises with its remittances.
    EXPECT_GT(richer.seat(sv).approval, plain.seat(sv).approval);
    if (counts) {
      EXPECT_GT(richer.seat(mx).approval, plain.seat(mx).approval);
    } else {
      EXPECT_EQ(richer.seat(mx).approval, plain.seat(mx).approval);
    }
    while (!plain.IsTerminal()) ASSERT_TRUE(AdvanceOnce(&plain));
    while (!richer.IsTerminal()) ASSERT_TRUE(AdvanceOnce(&richer));
    const double before = plain.final_scores()[mx].economy;
    const double after = richer.final_scores()[mx].economy;
    EXPECT_GT(richer.final_scores()[sv].economy, plain.final_scores()[sv].economy);
    if (counts) {
      EXPECT_GT(after, before) << "Mexico's remittances count in its score";
    } else {
      EXPECT_EQ(after, before) << "a transit state alone: remittances do not count";
    }
  }
}

// The economy of every seat is the weighted sum of its roles' parts, and its
// role offset and scale the weighted mix of its roles', in random games of
// every scenario.
TEST(MixedRolesTest, TheEconomyIsTheWeightedSumOfTheRoleParts) {
  int mixed_seats = 0;
  for (const std::string& name : testing::EmbeddedNames()) {
    auto sc = testing::LoadOrFail(name);
    ASSERT_TRUE(sc);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      State st(sc, seed);
      RandomPlayout(&st, seed, nullptr);
      ASSERT_TRUE(st.IsTerminal());
      for (int s = 0; s < sc->num_seats(); ++s) {
        SCOPED_TRACE(name + " " + sc->seats()[s].id);
        EXPECT_NEAR(st.final_scores()[s].economy, EconomyByHand(st, s), 1e-12);
        // The role offsets and scales level each role's economics: a mixed
        // seat takes their mix.
        const SeatData& d = sc->seats()[s];
        const Params& p = sc->params();
        double offset = 0, scale = 0;
        for (mf::Role r : {mf::SOURCE, mf::TRANSIT, mf::DESTINATION}) {
          offset += d.weight[r] * p.role_offset[r];
          scale += d.weight[r] * p.role_scale[r];
        }
        // An organisation (no role) is levelled by the organisations' own.
        if (d.organisation) {
          offset = p.org_offset;
          scale = p.org_scale;
        }
        EXPECT_NEAR(st.final_scores()[s].total,
                    std::clamp(50 + offset + d.score_offset + scale * st.final_scores()[s].gain,
                               0.0, 100.0),
                    1e-9);
        if (seed == 1 && sc->seats()[s].mixed) ++mixed_seats;
      }
    }
  }
  EXPECT_GE(mixed_seats, 5) << "the scenarios give Mexico, Morocco and Turkey mixed roles";
}

// Weights left out are weight 1 on the seat's role: the same game, bit for
// bit, as the same scenario with those weights written out.
TEST(MixedRolesTest, AbsentWeightsAreWeightOneOnTheRole) {
  for (const char* name : {"classroom-8", "puebla-process"}) {
    auto base = testing::LoadOrFail(name);
    ASSERT_TRUE(base);
    mf::Scenario p = base->proto();
    for (mf::SeatDef& s : *p.mutable_seats()) {
      if (s.has_role_weights()) continue;
      mf::RoleWeights* w = s.mutable_role_weights();
      if (s.role() == mf::SOURCE) w->set_source(1);
      if (s.role() == mf::TRANSIT) w->set_transit(1);
      if (s.role() == mf::DESTINATION) w->set_destination(1);
    }
    LoadResult r = LoadScenarioMessage(p, "explicit");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? std::string() : r.errors[0]);
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      State a(base, seed), b(r.scenario, seed);
      RandomPlayout(&a, seed, nullptr);
      RandomPlayout(&b, seed, nullptr);
      ASSERT_TRUE(a.IsTerminal() && b.IsTerminal());
      EXPECT_EQ(a.Hash(), b.Hash()) << name << " seed " << seed;
      for (int s = 0; s < base->num_seats(); ++s) {
        EXPECT_EQ(a.final_scores()[s].economy, b.final_scores()[s].economy);
        EXPECT_EQ(a.final_scores()[s].total, b.final_scores()[s].total);
      }
    }
  }
}

// The view carries the engine's weights for a state of mixed roles only,
// and rules::RoleMix reads them the same from the view and the scenario.
TEST(MixedRolesTest, TheViewCarriesTheMix) {
  auto sc = testing::LoadOrFail("puebla-process");
  ASSERT_TRUE(sc);
  const int mx = SeatIndex(*sc, "mx");
  const int us = SeatIndex(*sc, "us");
  ASSERT_GE(mx, 0);
  ASSERT_GE(us, 0);
  State st(sc, 1);
  mf::View v;
  MakeView(SeatView(st, us), &v);
  ASSERT_TRUE(v.seats(mx).has_role_weights());
  EXPECT_EQ(v.seats(mx).role_weights().source(), sc->seats()[mx].weight[mf::SOURCE]);
  EXPECT_EQ(v.seats(mx).role_weights().transit(), sc->seats()[mx].weight[mf::TRANSIT]);
  EXPECT_EQ(v.seats(mx).role_weights().destination(), 0);
  EXPECT_FALSE(v.seats(us).has_role_weights());
  EXPECT_EQ(RoleMix(v.seats(mx)), RoleMix(sc->seats()[mx]));
  EXPECT_EQ(RoleMix(sc->seats()[mx]), "transit 50% \u00b7 source 50%");
  EXPECT_EQ(RoleMix(v.seats(us)), "destination");
  std::array<double, 4> w{};
  w[mf::SOURCE] = 0.6;
  w[mf::TRANSIT] = 0.1;
  w[mf::DESTINATION] = 0.3;
  EXPECT_EQ(RoleMix(mf::SOURCE, w), "source 60% \u00b7 destination 30% \u00b7 transit 10%");
}

}  // namespace
}  // namespace mf::rules
