// Unit tests of the forum's procedure on classroom-8, driven by hand: the
// phase machine, the host's agenda, drafting and amendments, consensus,
// ratification, and the facilitator's and the clock's actions. Every refused
// action is checked to leave the state's hash unchanged (see Rejected()).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <tuple>
#include <vector>

#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

using RulesTest = ClassroomTest;

// ---------------------------------------------------------------------------
// The phase machine
// ---------------------------------------------------------------------------

using Step = std::tuple<int, mf::Phase, int>;  // cycle, phase, theme (-1 outside items)

std::vector<Step> ExpectedSteps(const Scenario& sc) {
  std::vector<Step> out;
  for (int c = 1; c <= sc.cycles(); ++c) {
    out.emplace_back(c, mf::CIVIL_SOCIETY, -1);
    for (int theme : sc.agenda()[c - 1]) {
      out.emplace_back(c, mf::STATEMENTS, theme);
      out.emplace_back(c, mf::DRAFTING, theme);
      out.emplace_back(c, mf::DECISION, theme);
    }
    out.emplace_back(c, mf::IMPLEMENTATION, -1);
  }
  out.emplace_back(sc.cycles(), mf::GAME_OVER, -1);
  return out;
}

TEST_F(RulesTest, PhaseOrderWhenEverySeatSaysReady) {
  std::vector<Step> seen;
  int serial = st().phase_serial();
  while (true) {
    seen.emplace_back(st().cycle(), st().phase(), st().current_theme());
    // The host rotates along host_order with the cycle.
    const auto& order = sc_->host_order();
    EXPECT_EQ(st().host(), order[(st().cycle() - 1) % order.size()]);
    EXPECT_TRUE((st().troika() >> st().host()) & 1);
    if (st().IsTerminal()) break;
    ASSERT_TRUE(ReadyAll(&st()));
    EXPECT_GT(st().phase_serial(), serial);
    serial = st().phase_serial();
    ASSERT_LT(seen.size(), 200u);
  }
  EXPECT_EQ(seen, ExpectedSteps(*sc_));
  EXPECT_EQ(static_cast<int>(st().history().size()), sc_->cycles());
  ASSERT_EQ(static_cast<int>(st().final_scores().size()), n());
  EXPECT_GE(st().winner(), 0);
  EXPECT_EQ(st().final_scores()[st().winner()].rank, 1);
  // Nothing was voted on, so nothing was adopted.
  for (const Text& t : st().texts()) EXPECT_FALSE(t.adopted);
}

TEST_F(RulesTest, PhaseOrderWhenTheFacilitatorAdvances) {
  std::vector<Step> seen;
  while (true) {
    seen.emplace_back(st().cycle(), st().phase(), st().current_theme());
    if (st().IsTerminal()) break;
    ASSERT_TRUE(AdvanceOnce(&st()));
    ASSERT_LT(seen.size(), 200u);
  }
  EXPECT_EQ(seen, ExpectedSteps(*sc_));
}

TEST_F(RulesTest, PhaseWaitsForEverySeat) {
  for (int s = 0; s + 1 < n(); ++s) ASSERT_TRUE(Accepted(&st(), s, ReadyAction()));
  EXPECT_EQ(st().phase(), mf::CIVIL_SOCIETY);
  EXPECT_TRUE(Rejected(&st(), 0, ReadyAction(), mf::ALREADY_DONE));
  ASSERT_TRUE(Accepted(&st(), n() - 1, ReadyAction()));
  EXPECT_EQ(st().phase(), mf::STATEMENTS);
  for (int s = 0; s < n(); ++s) EXPECT_FALSE(st().seat(s).ready);
}

TEST_F(RulesTest, GameOverRefusesEveryone) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::GAME_OVER));
  EXPECT_TRUE(Rejected(&st(), 0, ReadyAction(), mf::GAME_OVER_ERROR));
  EXPECT_TRUE(Rejected(&st(), kFacilitator, AdvanceAction(), mf::GAME_OVER_ERROR));
  EXPECT_TRUE(Rejected(&st(), kClock, TimeoutAction(st().phase_serial()), mf::GAME_OVER_ERROR));
  std::vector<Action> legal;
  st().LegalActions(0, &legal);
  EXPECT_TRUE(legal.empty());
}

// ---------------------------------------------------------------------------
// Civil Society Days: endorsements and the host's agenda
// ---------------------------------------------------------------------------

TEST_F(RulesTest, OnlyTheHostPrioritises) {
  ASSERT_EQ(st().phase(), mf::CIVIL_SOCIETY);
  const std::vector<int> agenda = st().agenda();
  ASSERT_GE(agenda.size(), 2u) << "classroom-8 cycle 1 needs two items";
  const int host = st().host();
  const int other = host == 0 ? 1 : 0;
  Action second = Make(ActionType::kPrioritise);
  second.theme = agenda[1];
  EXPECT_TRUE(Rejected(&st(), other, second, mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), kFacilitator, second, mf::NOT_YOUR_TURN));
  Action first = second;
  first.theme = agenda[0];
  EXPECT_TRUE(Rejected(&st(), host, first, mf::ALREADY_DONE));
  Action off = second;
  off.theme = -1;
  for (int t = 0; t < sc_->num_themes(); ++t)
    if (std::find(agenda.begin(), agenda.end(), t) == agenda.end()) off.theme = t;
  ASSERT_GE(off.theme, 0);
  EXPECT_TRUE(Rejected(&st(), host, off, mf::NOT_FOUND));

  ASSERT_TRUE(Accepted(&st(), host, second));
  EXPECT_EQ(st().agenda()[0], agenda[1]);
  EXPECT_EQ(st().agenda()[1], agenda[0]);
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_EQ(st().current_theme(), agenda[1]);
  EXPECT_TRUE(Rejected(&st(), host, first, mf::WRONG_PHASE));
}

TEST_F(RulesTest, EndorsingARecommendation) {
  ASSERT_FALSE(st().recommendations().empty());
  const int rec = st().recommendations()[0].id;
  ASSERT_TRUE(Accepted(&st(), 2, WithId(ActionType::kEndorse, rec)));
  EXPECT_TRUE((st().recommendations()[0].endorsed >> 2) & 1);
  EXPECT_TRUE(Rejected(&st(), 2, WithId(ActionType::kEndorse, rec), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), 2, WithId(ActionType::kEndorse, 9999), mf::NOT_FOUND));
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_TRUE(Rejected(&st(), 3, WithId(ActionType::kEndorse, rec), mf::WRONG_PHASE));
}

// ---------------------------------------------------------------------------
// Statements, drafts and amendments
// ---------------------------------------------------------------------------

TEST_F(RulesTest, Statements) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  ASSERT_TRUE(Accepted(&st(), 1, StatementAction(65, "Open the doors, Kalmara says.")));
  EXPECT_EQ(st().seat(1).statement, 65);
  EXPECT_EQ(st().seat(1).statement_text, "Open the doors, Kalmara says.");
  EXPECT_TRUE(Rejected(&st(), 1, StatementAction(101), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 1, StatementAction(-1), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 1, StatementAction(50, std::string(281, 'x')), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 1, StatementAction(50, "bad \xff utf8"), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), 1, StatementAction(50, "bell\a"), mf::MALFORMED));
  ASSERT_TRUE(Accepted(&st(), 1, StatementAction(50, std::string(280, 'x'))));
}

TEST_F(RulesTest, TheCoChairsTableTheDraft) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  const int chair = st().co_chair(0);
  ASSERT_GE(chair, 0);
  ASSERT_NE(st().co_chair(1), chair);
  // One developed and one developing co-chair.
  EXPECT_NE(sc_->seats()[st().co_chair(0)].bloc, sc_->seats()[st().co_chair(1)].bloc);
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(50, mf::CHAIRS_SUMMARY), mf::WRONG_PHASE));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().phase(), mf::DRAFTING);
  const int other = Ordinary();
  EXPECT_TRUE(Rejected(&st(), other, TableAction(50, mf::CHAIRS_SUMMARY), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(101, mf::CHAIRS_SUMMARY), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(50, mf::FORM_UNSPECIFIED), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(50, mf::CHAIRS_SUMMARY, Bit(mf::ANTI_SMUGGLING)),
                       mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(50, mf::CHAIRS_SUMMARY, 1u << 9), mf::MALFORMED));
  // Nothing to amend before a draft is tabled.
  EXPECT_TRUE(Rejected(&st(), other, AmendPosition(70), mf::WRONG_PHASE));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(1), TableAction(40, mf::GUIDING_PRINCIPLES)));
  ASSERT_NE(st().draft(), nullptr);
  EXPECT_TRUE(st().draft()->tabled);
  EXPECT_EQ(st().draft()->position, 40);
  EXPECT_EQ(st().draft()->form, mf::GUIDING_PRINCIPLES);
}

// classroom-8 models the GFMD: a binding convention is not a form it adopts,
// and the refusal says so and why; the legal actions and the view agree.
TEST_F(RulesTest, AForumRefusesTheFormsItDoesNotAdoptAndSaysWhy) {
  ASSERT_FALSE(sc_->FormAllowed(mf::BINDING_CONVENTION));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  const int chair = st().co_chair(0);
  const Result r = st().Check(chair, TableAction(60, mf::BINDING_CONVENTION));
  EXPECT_EQ(r.code, mf::NOT_ALLOWED);
  EXPECT_NE(r.message.find("not a binding convention"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find(sc_->proto().forms_reason()), std::string::npos) << r.message;
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(60, mf::BINDING_CONVENTION), mf::NOT_ALLOWED));
  std::vector<Action> legal;
  st().LegalActions(chair, &legal);
  for (const Action& a : legal) {
    EXPECT_FALSE(a.type == ActionType::kTableDraft && a.form == mf::BINDING_CONVENTION);
  }
  ASSERT_TRUE(Accepted(&st(), chair, TableAction(60, mf::GUIDING_PRINCIPLES)));
  const int other = Ordinary();
  Action amend = Make(ActionType::kAmend);
  amend.form = mf::BINDING_CONVENTION;
  EXPECT_TRUE(Rejected(&st(), other, amend, mf::NOT_ALLOWED));
  st().LegalActions(other, &legal);
  for (const Action& a : legal) {
    EXPECT_FALSE(a.type == ActionType::kAmend && a.form == mf::BINDING_CONVENTION);
  }
  amend.form = mf::CHAIRS_SUMMARY;
  EXPECT_TRUE(Accepted(&st(), other, amend));
  mf::View view;
  MakeView(SeatView(st(), chair), &view);
  ASSERT_EQ(view.allowed_forms_size(), 2);
  EXPECT_EQ(view.allowed_forms(0), mf::CHAIRS_SUMMARY);
  EXPECT_EQ(view.allowed_forms(1), mf::GUIDING_PRINCIPLES);
  EXPECT_EQ(FormRefusal(kAllForms & ~(1u << mf::BINDING_CONVENTION), view.forms_reason(),
                        mf::BINDING_CONVENTION),
            r.message);
}

TEST_F(RulesTest, ContextVersionMovesWithThePhaseAndTheTextOnly) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  const uint64_t entered = st().context_version();
  EXPECT_EQ(entered, st().version());  // The advance changed the phase.
  // Statements and readiness add to the state without changing the choice.
  const int other = Ordinary();
  ASSERT_TRUE(Accepted(&st(), other, StatementAction(50, "ours")));
  ASSERT_TRUE(Accepted(&st(), other, ReadyAction()));
  EXPECT_GT(st().version(), entered);
  EXPECT_EQ(st().context_version(), entered);
  // A new phase and a tabled draft do.
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().phase(), mf::DRAFTING);
  EXPECT_EQ(st().context_version(), st().version());
  ASSERT_TRUE(Accepted(&st(), other, ReadyAction()));
  EXPECT_LT(st().context_version(), st().version());
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(40, mf::GUIDING_PRINCIPLES)));
  EXPECT_EQ(st().context_version(), st().version());
  // A refused action changes neither.
  const uint64_t v = st().version();
  EXPECT_TRUE(Rejected(&st(), other, TableAction(50, mf::CHAIRS_SUMMARY), mf::NOT_YOUR_TURN));
  EXPECT_EQ(st().version(), v);
  EXPECT_EQ(st().context_version(), v);
}

TEST_F(RulesTest, WithoutADraftTheCoChairsWorkingPaperIsUsed) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), StatementAction(40)));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(1), StatementAction(60)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().phase(), mf::DECISION);
  ASSERT_NE(st().draft(), nullptr);
  EXPECT_TRUE(st().draft()->tabled);
  EXPECT_EQ(st().draft()->position, 50);
  EXPECT_EQ(st().draft()->form, mf::CHAIRS_SUMMARY);
}

TEST_F(RulesTest, AmendmentsCostCapitalAndOnlyCoChairsAcceptThem) {
  TableFirstDraft(50, mf::CHAIRS_SUMMARY);
  const int chair = st().co_chair(0);
  const int a = Ordinary();
  const int b = Ordinary(a);
  const int capital = st().seat(a).capital;
  ASSERT_GE(capital, 2);
  EXPECT_TRUE(Rejected(&st(), a, AmendPosition(50), mf::MALFORMED));  // Changes nothing.
  EXPECT_TRUE(Rejected(&st(), a, AmendPosition(130), mf::MALFORMED));
  ASSERT_TRUE(Accepted(&st(), a, AmendPosition(70)));
  EXPECT_EQ(st().seat(a).capital, capital - 1);
  ASSERT_FALSE(st().amendments().empty());
  const int first = st().amendments().back().id;
  EXPECT_EQ(st().amendments().back().proposer, a);
  ASSERT_TRUE(Accepted(&st(), a, AmendPosition(30)));
  const int second = st().amendments().back().id;
  EXPECT_EQ(st().seat(a).capital, capital - 2);
  // Two pending amendments per seat at most.
  EXPECT_TRUE(Rejected(&st(), a, AmendPosition(20), mf::LIMIT));

  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kAcceptAmendment, first), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), a, WithId(ActionType::kAcceptAmendment, first), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kRejectAmendment, first), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kWithdrawAmendment, first), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), chair, WithId(ActionType::kAcceptAmendment, 9999), mf::NOT_FOUND));

  ASSERT_TRUE(Accepted(&st(), chair, WithId(ActionType::kAcceptAmendment, first)));
  EXPECT_EQ(st().draft()->position, 70);
  EXPECT_TRUE(
      Rejected(&st(), chair, WithId(ActionType::kRejectAmendment, first), mf::ALREADY_DONE));
  ASSERT_TRUE(Accepted(&st(), a, WithId(ActionType::kWithdrawAmendment, second)));
  EXPECT_EQ(st().draft()->position, 70);
  EXPECT_TRUE(
      Rejected(&st(), chair, WithId(ActionType::kAcceptAmendment, second), mf::ALREADY_DONE));
}

TEST_F(RulesTest, AmendingWithoutCapitalIsRefused) {
  TableFirstDraft(50, mf::CHAIRS_SUMMARY);
  const int a = Ordinary();
  const int b = Ordinary(a);
  // Give all of one's capital away in a deal.
  const int capital = st().seat(a).capital;
  ASSERT_GT(capital, 0);
  ASSERT_TRUE(Accepted(&st(), a, ProposeAction(b, Capital(capital), Terms())));
  ASSERT_TRUE(Accepted(&st(), b, WithId(ActionType::kAcceptDeal, st().deals().back().id)));
  ASSERT_EQ(st().seat(a).capital, 0);
  EXPECT_TRUE(Rejected(&st(), a, AmendPosition(70), mf::LIMIT));
}

TEST_F(RulesTest, AWithdrawnDraftGivesNoAgreement) {
  TableFirstDraft(60, mf::GUIDING_PRINCIPLES);
  const int chair = st().co_chair(1);
  const int a = Ordinary();
  ASSERT_TRUE(Accepted(&st(), a, AmendPosition(80)));
  const int text = st().draft()->id;
  const int item = st().agenda_index();
  EXPECT_TRUE(Rejected(&st(), a, Make(ActionType::kWithdrawDraft), mf::NOT_YOUR_TURN));
  ASSERT_TRUE(Accepted(&st(), chair, Make(ActionType::kWithdrawDraft)));
  EXPECT_TRUE(st().draft()->withdrawn);
  EXPECT_EQ(static_cast<int>(st().amendments().back().status),
            static_cast<int>(AmendStatus::kLapsed));
  EXPECT_TRUE(Rejected(&st(), chair, Make(ActionType::kWithdrawDraft), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), chair, TableAction(50, mf::CHAIRS_SUMMARY), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), a, AmendPosition(20), mf::ALREADY_DONE));
  ASSERT_TRUE(AdvanceOnce(&st()));
  // No decision: straight to the next item.
  EXPECT_EQ(st().phase(), mf::STATEMENTS);
  EXPECT_EQ(st().agenda_index(), item + 1);
  const Text* t = st().FindText(text);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->decided);
  EXPECT_FALSE(t->adopted);
  EXPECT_FALSE(t->in_force);
  mf::View view;
  MakeView(SeatView(st(), kSpectatorView), &view);
  EXPECT_EQ(view.texts_size(), 0);
}

// ---------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------

TEST_F(RulesTest, OneObjectionBlocksConsensus) {
  ASSERT_EQ(sc_->decision_rule(), mf::CONSENSUS);
  TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().phase(), mf::DECISION);
  const int text = st().draft()->id;
  std::vector<mf::VoteChoice> votes = All(mf::SUPPORT);
  votes[3] = mf::OBJECT;
  EXPECT_TRUE(Rejected(&st(), 0, VoteAction(mf::VOTE_UNSPECIFIED), mf::MALFORMED));
  ASSERT_TRUE(VoteAll(&st(), votes));
  ASSERT_EQ(st().phase(), mf::STATEMENTS) << "the last vote ends the decision";
  const Text* t = st().FindText(text);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->decided);
  EXPECT_FALSE(t->adopted);
  EXPECT_EQ(t->objectors, uint64_t{1} << 3);
  EXPECT_EQ(__builtin_popcountll(t->supporters), n() - 1);
}

TEST_F(RulesTest, EnoughSupportAdoptsAndTooLittleDoesNot) {
  for (int supporters : {Needed(), Needed() - 1}) {
    SCOPED_TRACE(supporters);
    SetUp();
    TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
    ASSERT_TRUE(AdvanceOnce(&st()));
    const int text = st().draft()->id;
    std::vector<mf::VoteChoice> votes = All(mf::STAND_ASIDE);
    for (int s = 0; s < supporters; ++s) votes[s] = mf::SUPPORT;
    ASSERT_TRUE(VoteAll(&st(), votes));
    const Text* t = st().FindText(text);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->adopted, supporters >= Needed());
    EXPECT_EQ(t->in_force, supporters >= Needed()) << "non-binding texts are in force at once";
  }
}

TEST_F(RulesTest, VotesCanChangeUntilTheDecisionEnds) {
  TableFirstDraft(50, mf::CHAIRS_SUMMARY);
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(Accepted(&st(), 0, VoteAction(mf::OBJECT)));
  EXPECT_TRUE(st().seat(0).ready);
  EXPECT_TRUE(Rejected(&st(), 0, VoteAction(mf::OBJECT), mf::ALREADY_DONE));
  // Votes are not counted against the per-phase action cap.
  for (int k = 0; k < sc_->params().max_actions_per_phase + 2; ++k)
    ASSERT_TRUE(Accepted(&st(), 0, VoteAction(k % 2 ? mf::OBJECT : mf::SUPPORT)));
  ASSERT_TRUE(Accepted(&st(), 0, VoteAction(mf::SUPPORT)));
  const int text = st().draft()->id;
  std::vector<mf::VoteChoice> votes = All(mf::SUPPORT);
  votes[0] = mf::VOTE_UNSPECIFIED;
  ASSERT_TRUE(VoteAll(&st(), votes));
  EXPECT_TRUE(st().FindText(text)->adopted);
}

// ---------------------------------------------------------------------------
// Ratification of a binding convention
// ---------------------------------------------------------------------------

// Ratification needs a forum that adopts binding texts: classroom-8's table
// with every form allowed.
class RatificationTest : public RulesTest {
 protected:
  void SetUp() override {
    sc_ = WithAllForms("classroom-8");
    ASSERT_TRUE(sc_);
    st_ = std::make_unique<State>(sc_, 1);
  }
  // Adopts a binding convention on the first item, then runs the other items.
  void AdoptConvention() {
    TableFirstDraft(50, mf::BINDING_CONVENTION);
    text_ = st().draft()->id;
    ASSERT_TRUE(AdvanceOnce(&st()));
    ASSERT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
    const Text* t = st().FindText(text_);
    ASSERT_TRUE(t && t->adopted);
    EXPECT_FALSE(t->in_force) << "a convention needs ratification first";
    ASSERT_TRUE(AdvanceUntil(&st(), mf::RATIFICATION));
    EXPECT_EQ(st().cycle(), 1);
  }
  int Threshold() const {
    return std::max(1,
                    static_cast<int>(std::ceil(sc_->params().ratification_threshold * n() - 1e-9)));
  }
  int text_ = 0;
};

TEST_F(RatificationTest, NoBindingTextNoRatificationPhase) {
  TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
  while (st().phase() != mf::IMPLEMENTATION) {
    ASSERT_NE(st().phase(), mf::RATIFICATION);
    ASSERT_TRUE(AdvanceOnce(&st()));
  }
}

TEST_F(RatificationTest, EntersIntoForceWithEnoughRatifiersWhoPaySovereignty) {
  AdoptConvention();
  const int needed = Threshold();
  ASSERT_LT(needed, n());
  for (int s = 0; s < n(); ++s) EXPECT_EQ(st().PendingRatifications(s), 1);
  EXPECT_TRUE(Rejected(&st(), 0, RatifyAction(9999, true), mf::NOT_FOUND));
  for (int s = 0; s < n(); ++s) {
    ASSERT_EQ(st().phase(), mf::RATIFICATION);
    ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text_, s < needed)));
    if (s == 0) {
      EXPECT_TRUE(Rejected(&st(), 0, RatifyAction(text_, false), mf::ALREADY_DONE));
    }
  }
  // Every seat decided: the phase ended by itself.
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  const Text* t = st().FindText(text_);
  EXPECT_TRUE(t->in_force);
  EXPECT_EQ(__builtin_popcountll(t->ratified), needed);
  for (int s = 0; s < n(); ++s) {
    const double expected =
        s < needed ? sc_->seats()[s].sovereignty * sc_->params().sovereignty_cost : 0.0;
    EXPECT_DOUBLE_EQ(st().seat(s).sovereignty_cost, expected) << "seat " << s;
  }
  // After the world update the convention pulls the ratifiers' policy only.
  const int theme = t->theme;
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().cycle(), 2);
  for (int s = 0; s < n(); ++s) {
    const double sq = sc_->themes()[theme].status_quo;
    if (s < needed) {
      EXPECT_DOUBLE_EQ(st().seat(s).policy[theme], sq + sc_->params().pull_convention * (50 - sq))
          << "ratifier " << s;
    } else {
      EXPECT_DOUBLE_EQ(st().seat(s).policy[theme], sq) << "non-ratifier " << s;
    }
  }
  EXPECT_TRUE(Rejected(&st(), 0, RatifyAction(text_, true), mf::WRONG_PHASE));
}

TEST_F(RatificationTest, TooFewRatifiersLeaveItOutOfForceAndCostNothing) {
  AdoptConvention();
  const int needed = Threshold();
  for (int s = 0; s < n(); ++s)
    ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text_, s < needed - 1)));
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  EXPECT_FALSE(st().FindText(text_)->in_force);
  for (int s = 0; s < n(); ++s) EXPECT_EQ(st().seat(s).sovereignty_cost, 0.0);
}

// A convention stays open: a state that declined in the year of adoption may
// ratify in a later year, and the convention enters into force in the year
// the threshold is reached, binding every ratifier once (sovereignty cost).
TEST_F(RatificationTest, StaysOpenInLaterYearsAndEntersIntoForceWhenTheThresholdIsReached) {
  AdoptConvention();
  const int needed = Threshold();
  ASSERT_GE(needed, 2);
  for (int s = 0; s < n(); ++s)
    ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text_, s < needed - 1)));
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  EXPECT_FALSE(st().FindText(text_)->in_force);
  // The next year has no new convention, yet ratification opens again.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::RATIFICATION, 2));
  const Text* t = st().FindText(text_);
  EXPECT_EQ(t->declined, 0u) << "last year's refusals are reconsidered";
  for (int s = 0; s < n(); ++s)
    EXPECT_EQ(st().PendingRatifications(s), s < needed - 1 ? 0 : 1) << "seat " << s;
  EXPECT_TRUE(Rejected(&st(), 0, RatifyAction(text_, true), mf::ALREADY_DONE))
      << "a ratification is not repeated";
  const double approval_before = st().seat(needed - 1).approval;
  const int events_before = static_cast<int>(st().events().size());
  for (int s = needed - 1; s < n(); ++s)
    ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text_, s == needed - 1)));
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  EXPECT_TRUE(t->in_force);
  EXPECT_EQ(__builtin_popcountll(t->ratified), needed);
  bool logged = false;
  for (size_t k = static_cast<size_t>(events_before); k < st().events().size(); ++k)
    logged |= st().events()[k].type == rules::EventType::kInForce && st().events()[k].b == text_;
  EXPECT_TRUE(logged) << "entry into force is reported in the year it happens";
  // Every ratifier bound once, the early ones too; the others not at all.
  for (int s = 0; s < n(); ++s) {
    const double expected =
        s < needed ? sc_->seats()[s].sovereignty * sc_->params().sovereignty_cost : 0.0;
    EXPECT_DOUBLE_EQ(st().seat(s).sovereignty_cost, expected) << "seat " << s;
  }
  // Civil society at home approves of a ratification going its way.
  const double cs = sc_->themes()[t->theme].civil_society_position;
  if (std::fabs(t->position - cs) < 50 && !st().CrossesRedLine(needed - 1, *t))
    EXPECT_GT(st().seat(needed - 1).approval, approval_before);
  // A third year: nothing is charged twice.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::RATIFICATION, 3));
  for (int s = needed; s < n(); ++s) ASSERT_TRUE(Accepted(&st(), s, RatifyAction(text_, false)));
  ASSERT_EQ(st().phase(), mf::IMPLEMENTATION);
  for (int s = 0; s < needed; ++s)
    EXPECT_DOUBLE_EQ(st().seat(s).sovereignty_cost,
                     sc_->seats()[s].sovereignty * sc_->params().sovereignty_cost)
        << "seat " << s;
}

// A treaty at a forum that votes (the General Assembly in `convention`) needs
// two thirds of the votes cast: standing aside is not a vote, so states that
// will not be bound can let it through without blocking it.
class TreatyVoteTest : public RulesTest {
 protected:
  void SetUp() override {
    sc_ = LoadOrFail("convention");
    ASSERT_TRUE(sc_);
    ASSERT_EQ(sc_->decision_rule(), mf::MAJORITY);
    ASSERT_TRUE(sc_->FormAllowed(mf::BINDING_CONVENTION));
    st_ = std::make_unique<State>(sc_, 1);
  }
  bool Adopted(int support, int object) {
    SetUp();
    TableFirstDraft(60, mf::BINDING_CONVENTION);
    const int text = st().draft()->id;
    EXPECT_TRUE(AdvanceUntil(&st(), mf::DECISION));
    std::vector<mf::VoteChoice> votes = All(mf::STAND_ASIDE);
    for (int s = 0; s < support; ++s) votes[s] = mf::SUPPORT;
    for (int s = support; s < support + object; ++s) votes[s] = mf::OBJECT;
    EXPECT_TRUE(VoteAll(&st(), votes));
    const Text* t = st().FindText(text);
    EXPECT_TRUE(t && t->decided);
    return t && t->adopted;
  }
};

TEST_F(TreatyVoteTest, TwoThirdsOfTheVotesCastWithStandAsideNotCounted) {
  ASSERT_EQ(n(), 20);
  EXPECT_TRUE(Adopted(12, 6)) << "12 of 18 votes cast is two thirds";
  EXPECT_FALSE(Adopted(12, 7)) << "12 of 19 is not";
  EXPECT_TRUE(Adopted(14, 0)) << "without a vote when nobody objects";
  EXPECT_FALSE(Adopted(Needed() - 1, 0)) << "but not by a handful of supporters";
  EXPECT_TRUE(Adopted(Needed(), 0));
  EXPECT_FALSE(Adopted(0, 0));
}

// ---------------------------------------------------------------------------
// The clock and the facilitator
// ---------------------------------------------------------------------------

TEST_F(RulesTest, TimeoutEndsTheCurrentPhaseOnly) {
  const int serial = st().phase_serial();
  EXPECT_TRUE(Rejected(&st(), kClock, TimeoutAction(serial - 1), mf::STALE));
  EXPECT_TRUE(Rejected(&st(), kClock, TimeoutAction(serial + 1), mf::STALE));
  EXPECT_TRUE(Rejected(&st(), kClock, ReadyAction(), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), kClock, AdvanceAction(), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), 0, TimeoutAction(serial), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), kFacilitator, TimeoutAction(serial), mf::NOT_YOUR_TURN));
  ASSERT_TRUE(Accepted(&st(), kClock, TimeoutAction(serial)));
  EXPECT_EQ(st().phase(), mf::STATEMENTS);
  EXPECT_GT(st().phase_serial(), serial);
  // The old phase's timer firing late is stale now.
  EXPECT_TRUE(Rejected(&st(), kClock, TimeoutAction(serial), mf::STALE));
}

TEST_F(RulesTest, PauseBlocksSeatsAndTheClock) {
  ASSERT_TRUE(Accepted(&st(), kFacilitator, Make(ActionType::kPause)));
  EXPECT_TRUE(st().paused());
  EXPECT_TRUE(Rejected(&st(), kFacilitator, Make(ActionType::kPause), mf::ALREADY_DONE));
  for (int s = 0; s < n(); ++s) EXPECT_TRUE(Rejected(&st(), s, ReadyAction(), mf::PAUSED));
  EXPECT_TRUE(Rejected(&st(), 1, ProposeAction(2, Capital(1), Terms()), mf::PAUSED));
  EXPECT_TRUE(Rejected(&st(), kClock, TimeoutAction(st().phase_serial()), mf::PAUSED));
  std::vector<Action> legal;
  st().LegalActions(0, &legal);
  EXPECT_TRUE(legal.empty());
  ASSERT_TRUE(Accepted(&st(), kFacilitator, Make(ActionType::kResume)));
  EXPECT_FALSE(st().paused());
  EXPECT_TRUE(Rejected(&st(), kFacilitator, Make(ActionType::kResume), mf::ALREADY_DONE));
  ASSERT_TRUE(Accepted(&st(), 0, ReadyAction()));
}

TEST(ActionKinds, TheMessageFormAgreesOnWhatIsTheFacilitators) {
  mf::Action a;
  EXPECT_FALSE(IsFacilitatorAction(a));  // No kind at all.
  a.mutable_ready();
  EXPECT_FALSE(IsFacilitatorAction(a));
  a.mutable_vote()->set_choice(mf::SUPPORT);
  EXPECT_FALSE(IsFacilitatorAction(a));
  a.mutable_timeout();  // The clock's, not the facilitator's.
  EXPECT_FALSE(IsFacilitatorAction(a));
  for (auto set :
       {+[](mf::Action* x) { x->mutable_advance(); }, +[](mf::Action* x) { x->mutable_pause(); },
        +[](mf::Action* x) { x->mutable_resume(); }, +[](mf::Action* x) { x->mutable_extend(); },
        +[](mf::Action* x) { x->mutable_inject_event(); },
        +[](mf::Action* x) { x->mutable_set_bot(); }}) {
    set(&a);
    EXPECT_TRUE(IsFacilitatorAction(a)) << a.ShortDebugString();
  }
}

TEST_F(RulesTest, FacilitatorAndSeatsKeepToTheirOwnActions) {
  EXPECT_TRUE(Rejected(&st(), kFacilitator, ReadyAction(), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(
      Rejected(&st(), kFacilitator, ProposeAction(1, Capital(1), Terms()), mf::NOT_YOUR_TURN));
  for (ActionType t : {ActionType::kAdvance, ActionType::kPause, ActionType::kResume,
                       ActionType::kExtend, ActionType::kInjectEvent, ActionType::kSetBot})
    EXPECT_TRUE(Rejected(&st(), 0, Make(t), mf::NOT_YOUR_TURN)) << ActionTypeName(t);
  EXPECT_TRUE(Rejected(&st(), n(), ReadyAction(), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), -7, ReadyAction(), mf::MALFORMED));
  Action bogus = ReadyAction();
  bogus.type = static_cast<ActionType>(13);  // No kind has field number 13 (reserved).
  EXPECT_TRUE(Rejected(&st(), 0, bogus, mf::MALFORMED));
}

TEST_F(RulesTest, ExtendAddsTimeUpToALimit) {
  EXPECT_TRUE(Rejected(&st(), kFacilitator, LevelAction(ActionType::kExtend, 0), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), kFacilitator, LevelAction(ActionType::kExtend, 3601), mf::MALFORMED));
  int total = 0;
  while (st().Check(kFacilitator, LevelAction(ActionType::kExtend, 3600)).ok()) {
    ASSERT_TRUE(Accepted(&st(), kFacilitator, LevelAction(ActionType::kExtend, 3600)));
    total += 3600;
    ASSERT_LE(total, 24 * 3600);
  }
  EXPECT_GT(total, 0);
  EXPECT_EQ(st().extension_seconds(), total);
  EXPECT_TRUE(Rejected(&st(), kFacilitator, LevelAction(ActionType::kExtend, 3600), mf::LIMIT));
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_EQ(st().extension_seconds(), 0);
}

TEST_F(RulesTest, SetBot) {
  Action a = Make(ActionType::kSetBot);
  a.seat = 4;
  a.flag = true;
  ASSERT_TRUE(Accepted(&st(), kFacilitator, a));
  EXPECT_TRUE(st().seat(4).bot);
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::ALREADY_DONE));
  mf::View view;
  MakeView(SeatView(st(), kSpectatorView), &view);
  EXPECT_TRUE(view.seats(4).bot());
  a.flag = false;
  ASSERT_TRUE(Accepted(&st(), kFacilitator, a));
  EXPECT_FALSE(st().seat(4).bot);
  a.seat = n();
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
  a.seat = -1;
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
}

TEST_F(RulesTest, InjectEvent) {
  Action a = Make(ActionType::kInjectEvent);
  a.event = mf::CLIMATE_CHANGE;
  a.seat = 0;
  const double approval = st().seat(0).approval;
  ASSERT_TRUE(Accepted(&st(), kFacilitator, a));
  EXPECT_EQ(st().current_event(), mf::CLIMATE_CHANGE);
  EXPECT_EQ(st().current_event_seat(), 0);
  EXPECT_LT(st().seat(0).approval, approval);

  a.event = mf::ELECTION_SWING;
  a.seat = 5;
  const int enforcement = st().seat(5).enforcement;
  ASSERT_TRUE(Accepted(&st(), kFacilitator, a));
  EXPECT_EQ(st().seat(5).enforcement, std::min(100, enforcement + 20));

  a.seat = -1;  // Drawn.
  a.event = mf::TRAGEDY_AT_SEA;
  ASSERT_TRUE(Accepted(&st(), kFacilitator, a));
  EXPECT_EQ(st().current_event(), mf::TRAGEDY_AT_SEA);

  a.event = mf::EVENT_UNSPECIFIED;
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
  a.event = static_cast<mf::EventKind>(99);
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
  a.event = mf::CLIMATE_CHANGE;
  a.seat = n();
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
  a.seat = -2;
  EXPECT_TRUE(Rejected(&st(), kFacilitator, a, mf::MALFORMED));
}

TEST_F(RulesTest, PerPhaseActionCap) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  const int cap = sc_->params().max_actions_per_phase;
  for (int k = 0; k < cap; ++k) ASSERT_TRUE(Accepted(&st(), 2, StatementAction(k)));
  EXPECT_TRUE(Rejected(&st(), 2, StatementAction(99), mf::LIMIT));
  EXPECT_TRUE(Rejected(&st(), 2, ProposeAction(3, Capital(1), Terms()), mf::LIMIT));
  std::vector<Action> legal;
  st().LegalActions(2, &legal);
  ASSERT_EQ(legal.size(), 1u) << "only Ready is left";
  EXPECT_EQ(legal[0].type, ActionType::kReady);
  // Ready is always possible, and the cap resets with the phase.
  ASSERT_TRUE(Accepted(&st(), 2, ReadyAction()));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(Accepted(&st(), 2, ProposeAction(3, Capital(1), Terms())));
}

}  // namespace
}  // namespace mf::rules
