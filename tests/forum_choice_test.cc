// A theme that chooses the forum (Theme.chooses_forum): the band its
// decision lands in sets the rules of the rest of the game (decision rule,
// forms, meetings' procedures), the position in force is every state's
// policy, the view shows it, and the validator refuses corrupt declarations.
// Played on hld-2006, whose follow-up to the Dialogue is such a theme.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/view.h"
#include "tests/test_util.h"

namespace mf {
namespace {

using rules::ActionType;
using rules::SeatView;
using rules::State;
using testing::Accepted;
using testing::AdvanceOnce;
using testing::AdvanceUntil;
using testing::Rejected;
using testing::TableAction;
using testing::VoteAction;

class ForumChoice : public ::testing::Test {
 protected:
  void SetUp() override {
    sc_ = testing::LoadOrFail("hld-2006");
    ASSERT_TRUE(sc_);
    follow_ = sc_->ThemeIndex("follow_up");
    ASSERT_GE(follow_, 0);
    ASSERT_TRUE(sc_->themes()[follow_].chooses_forum);
    us_ = sc_->SeatIndex("us");
    za_ = sc_->SeatIndex("za");
    ASSERT_GE(us_, 0);
    ASSERT_GE(za_, 0);
  }

  // Advances to `phase` of the item on `theme` in `cycle`.
  static ::testing::AssertionResult ReachItem(State* st, int cycle, int theme, mf::Phase phase) {
    for (int guard = 0; guard < 200; ++guard) {
      if (st->cycle() == cycle && st->phase() == phase && st->current_theme() == theme)
        return ::testing::AssertionSuccess();
      if (st->IsTerminal()) break;
      ::testing::AssertionResult r = AdvanceOnce(st);
      if (!r) return r;
    }
    return ::testing::AssertionFailure() << "never reached the item";
  }

  // Plays cycle 1 to the follow-up's decision: a co-chair tables `position`
  // as guiding principles, the seats in `objectors` object and every other
  // seat supports; the decision is then taken.
  void DecideFollowUp(State* st, int position, const std::vector<int>& objectors) {
    ASSERT_TRUE(ReachItem(st, 1, follow_, mf::DRAFTING));
    ASSERT_TRUE(Accepted(st, st->co_chair(0), TableAction(position, mf::GUIDING_PRINCIPLES)));
    ASSERT_TRUE(AdvanceOnce(st));
    ASSERT_EQ(st->phase(), mf::DECISION);
    // The follow-up is a General Assembly resolution: the theme's own rule.
    EXPECT_EQ(SeatView(*st, 0).decision_rule(), mf::MAJORITY);
    for (int s = 0; s < st->num_seats(); ++s) {
      const bool objects = std::find(objectors.begin(), objectors.end(), s) != objectors.end();
      ASSERT_TRUE(Accepted(st, s, VoteAction(objects ? mf::OBJECT : mf::SUPPORT)));
    }
    ASSERT_TRUE(AdvanceOnce(st));
    ASSERT_EQ(st->forum_theme(), follow_);
  }

  // The band of `sc_`'s follow-up whose label contains `word`.
  int Band(const std::string& word) const {
    const auto& bands = sc_->themes()[follow_].bands;
    for (size_t b = 0; b < bands.size(); ++b)
      if (bands[b].label.find(word) != std::string::npos) return static_cast<int>(b);
    ADD_FAILURE() << "no band with '" << word << "'";
    return -1;
  }

  std::shared_ptr<const rules::Scenario> sc_;
  int follow_ = -1, us_ = -1, za_ = -1;
};

TEST_F(ForumChoice, BeforeTheChoiceTheScenarioRulesHold) {
  State st(sc_, 7);
  EXPECT_EQ(st.forum_theme(), -1);
  EXPECT_EQ(st.forum_band(), -1);
  EXPECT_EQ(st.forum_rule(), mf::CONSENSUS);
  EXPECT_TRUE(st.FormAllowed(mf::BINDING_CONVENTION));
  mf::View v;
  rules::MakeView(SeatView(st, 0), &v);
  EXPECT_TRUE(v.forum().empty());
  EXPECT_TRUE(v.forum_change().empty());
  EXPECT_EQ(v.decision_rule(), mf::CONSENSUS);
}

TEST_F(ForumChoice, AUnBodyMakesLaterItemsMajorityWithTreaties) {
  State st(sc_, 7);
  const int au = sc_->SeatIndex("au");
  DecideFollowUp(&st, 80, {us_, au});
  EXPECT_EQ(st.forum_band(), Band("inside the UN"));
  EXPECT_EQ(st.forum_position(), 80);
  EXPECT_EQ(st.forum_rule(), mf::MAJORITY);
  EXPECT_TRUE(st.FormAllowed(mf::BINDING_CONVENTION));
  const std::string change = st.ForumChange();
  EXPECT_NE(change.find("inside the UN"), std::string::npos) << change;
  EXPECT_NE(change.find("majority"), std::string::npos) << change;
  // The event says what was chosen and what it changes.
  bool told = false;
  for (const rules::EventRec& e : st.events())
    if (e.type == rules::EventType::kForumChosen)
      told = rules::DescribeEvent(st, e).find("majority") != std::string::npos;
  EXPECT_TRUE(told);
  // Cycle 2: a binding convention may be tabled, and one objection does not
  // block it (two thirds of the votes cast).
  const int remit = sc_->ThemeIndex("remittances");
  ASSERT_TRUE(ReachItem(&st, 2, remit, mf::DRAFTING));
  mf::View v;
  rules::MakeView(SeatView(st, us_), &v);
  EXPECT_EQ(v.decision_rule(), mf::MAJORITY);
  EXPECT_EQ(v.forum(), sc_->themes()[follow_].bands[Band("inside the UN")].label);
  EXPECT_EQ(v.forum_change(), change);
  EXPECT_EQ(v.allowed_forms_size(), 3);
  ASSERT_TRUE(Accepted(&st, st.co_chair(0), TableAction(70, mf::BINDING_CONVENTION)));
  ASSERT_TRUE(AdvanceOnce(&st));
  for (int s = 0; s < st.num_seats(); ++s)
    ASSERT_TRUE(Accepted(&st, s, VoteAction(s == us_ ? mf::OBJECT : mf::SUPPORT)));
  ASSERT_TRUE(AdvanceOnce(&st));
  const rules::Text* t = nullptr;
  for (const rules::Text& x : st.texts())
    if (x.theme == remit && x.cycle == 2) t = &x;
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->adopted) << "a majority adopts over one objection";
}

TEST_F(ForumChoice, AnInformalForumKeepsConsensusAndSoftTexts) {
  State st(sc_, 7);
  DecideFollowUp(&st, 50, {});
  EXPECT_EQ(st.forum_band(), Band("informal"));
  EXPECT_EQ(st.forum_rule(), mf::CONSENSUS);
  EXPECT_FALSE(st.FormAllowed(mf::BINDING_CONVENTION));
  const int remit = sc_->ThemeIndex("remittances");
  ASSERT_TRUE(ReachItem(&st, 2, remit, mf::DRAFTING));
  mf::View v;
  rules::MakeView(SeatView(st, us_), &v);
  EXPECT_EQ(v.decision_rule(), mf::CONSENSUS);
  EXPECT_EQ(v.allowed_forms_size(), 2);
  // A treaty is refused with the forum's reason, and nothing changes.
  const uint64_t hash = st.Hash();
  const rules::Result r = st.Apply(st.co_chair(0), TableAction(70, mf::BINDING_CONVENTION));
  EXPECT_EQ(r.code, mf::NOT_ALLOWED);
  EXPECT_NE(r.message.find("non-decision-making"), std::string::npos) << r.message;
  EXPECT_EQ(st.Hash(), hash);
  // One objection blocks.
  ASSERT_TRUE(Accepted(&st, st.co_chair(0), TableAction(70, mf::GUIDING_PRINCIPLES)));
  ASSERT_TRUE(AdvanceOnce(&st));
  for (int s = 0; s < st.num_seats(); ++s)
    ASSERT_TRUE(Accepted(&st, s, VoteAction(s == us_ ? mf::OBJECT : mf::SUPPORT)));
  ASSERT_TRUE(AdvanceOnce(&st));
  for (const rules::Text& x : st.texts())
    if (x.theme == remit && x.cycle == 2) EXPECT_FALSE(x.adopted);
}

TEST_F(ForumChoice, NoAgreementLeavesTheStatusQuosForum) {
  State st(sc_, 7);
  // Everyone but the co-chairs and South Africa objects to a UN body.
  ASSERT_TRUE(ReachItem(&st, 1, follow_, mf::DRAFTING));
  std::vector<int> objectors;
  for (int s = 0; s < sc_->num_seats(); ++s)
    if (s != st.co_chair(0) && s != st.co_chair(1) && s != za_) objectors.push_back(s);
  DecideFollowUp(&st, 85, objectors);
  for (const rules::Text& x : st.texts())
    if (x.theme == follow_) EXPECT_FALSE(x.adopted);
  const int status_quo = sc_->themes()[follow_].status_quo;
  EXPECT_EQ(st.forum_band(), sc_->themes()[follow_].BandIndex(status_quo));
  EXPECT_EQ(st.forum_position(), status_quo);
  EXPECT_FALSE(st.FormAllowed(mf::BINDING_CONVENTION));
  bool told = false;
  for (const rules::EventRec& e : st.events())
    if (e.type == rules::EventType::kForumChosen)
      told = rules::DescribeEvent(st, e).find("status quo stands") != std::string::npos;
  EXPECT_TRUE(told);
}

// The same game but for the follow-up's position: the forum chosen changes
// the regime and the scores at the end.
TEST_F(ForumChoice, TheChoiceChangesTheRegimeAndTheScores) {
  auto play = [&](int position, std::vector<rules::ScoreBreakdown>* scores, double* procedures,
                  std::vector<double>* policy) {
    State st(sc_, 11);
    DecideFollowUp(&st, position, {});
    while (!st.IsTerminal()) ASSERT_TRUE(AdvanceOnce(&st));
    *scores = st.final_scores();
    *procedures = st.procedures();
    policy->clear();
    for (int s = 0; s < st.num_seats(); ++s) policy->push_back(st.seat(s).policy[follow_]);
  };
  std::vector<rules::ScoreBreakdown> none, informal, un;
  double p_none = 0, p_informal = 0, p_un = 0;
  std::vector<double> pol_none, pol_informal, pol_un;
  play(10, &none, &p_none, &pol_none);
  play(50, &informal, &p_informal, &pol_informal);
  play(85, &un, &p_un, &pol_un);
  if (HasFatalFailure()) return;
  // Every state's policy is the forum chosen, pledged or not.
  for (double p : pol_un) EXPECT_EQ(p, 85);
  for (double p : pol_informal) EXPECT_EQ(p, 50);
  for (double p : pol_none) EXPECT_EQ(p, 10);
  // Without a global forum the second meeting builds no procedures.
  EXPECT_LT(p_none, p_informal);
  // The United States (ideal: no global forum) loses by a UN body; the
  // chair of the G77 (ideal: inside the UN) gains.
  EXPECT_LT(un[us_].interest, informal[us_].interest);
  EXPECT_LT(informal[us_].interest, none[us_].interest);
  EXPECT_GT(un[za_].interest, informal[za_].interest);
  EXPECT_LT(un[us_].total, informal[us_].total);
  EXPECT_GT(un[za_].total, informal[za_].total);
}

TEST_F(ForumChoice, TextsOnTheForumTakeNoPledges) {
  State st(sc_, 7);
  DecideFollowUp(&st, 50, {});
  const rules::Text* t = nullptr;
  for (const rules::Text& x : st.texts())
    if (x.theme == follow_ && x.adopted) t = &x;
  ASSERT_NE(t, nullptr);
  for (int s = 0; s < st.num_seats(); ++s) EXPECT_FALSE(st.PledgeOpen(s, *t));
  // The texts grow as the game goes on: keep the id, not the pointer.
  const int id = t->id;
  ASSERT_TRUE(AdvanceUntil(&st, mf::IMPLEMENTATION, 2)) << st.cycle();
  EXPECT_TRUE(Rejected(&st, 0, testing::PledgeAction(id, 100), mf::NOT_ALLOWED));
}

TEST(ForumChoiceOthers, ScenariosWithoutTheFlagNeverChooseAForum) {
  for (const std::string& name : testing::EmbeddedNames()) {
    auto sc = testing::LoadOrFail(name);
    ASSERT_TRUE(sc);
    bool declared = false;
    for (const rules::ThemeData& t : sc->themes()) declared |= t.chooses_forum;
    if (declared) continue;
    State st(sc, 3);
    while (!st.IsTerminal()) ASSERT_TRUE(AdvanceOnce(&st));
    EXPECT_EQ(st.forum_theme(), -1) << name;
    EXPECT_EQ(st.forum_rule(), sc->decision_rule()) << name;
    EXPECT_EQ(st.allowed_forms(), sc->allowed_forms()) << name;
  }
}

// ---- The validator ---------------------------------------------------------

// hld-2006 with `edit` applied to its follow-up theme: the load's errors.
std::vector<std::string> LoadEdited(void (*edit)(mf::Theme*)) {
  auto sc = testing::LoadOrFail("hld-2006");
  if (!sc) return {"no scenario"};
  mf::Scenario p = sc->proto();
  for (mf::Theme& t : *p.mutable_themes())
    if (t.id() == "follow_up") edit(&t);
  return rules::LoadScenarioMessage(p, "edited").errors;
}

::testing::AssertionResult RefusedWith(const std::vector<std::string>& errors,
                                       const std::string& words) {
  for (const std::string& e : errors)
    if (e.find(words) != std::string::npos) return ::testing::AssertionSuccess();
  std::string all;
  for (const std::string& e : errors) all += "\n  " + e;
  return ::testing::AssertionFailure() << "no error with '" << words << "' in:" << all;
}

TEST(ForumChoiceValidation, RefusesCorruptDeclarations) {
  EXPECT_TRUE(LoadEdited([](mf::Theme*) {}).empty());
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) { t->set_chooses_forum(false); }),
                          "belong on a theme that chooses the forum"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) { t->mutable_bands(1)->set_low(20); }),
                          "must not overlap"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) {
                            t->mutable_bands(1)->set_low(50);
                            t->set_status_quo(45);
                          }),
                          "needs a band holding its status quo"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) {
                            t->mutable_bands(2)->mutable_forum()->set_decision_rule(
                                static_cast<mf::DecisionRule>(42));
                          }),
                          "unknown decision rule 42"));
  EXPECT_TRUE(RefusedWith(
      LoadEdited([](mf::Theme* t) { t->set_decision_rule(static_cast<mf::DecisionRule>(9)); }),
      "unknown decision rule 9"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) {
                            t->mutable_bands(0)->mutable_forum()->add_allowed_forms(
                                static_cast<mf::Form>(7));
                          }),
                          "unknown or unspecified form 7"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) {
                            t->mutable_bands(0)->mutable_forum()->add_allowed_forms(
                                mf::CHAIRS_SUMMARY);
                          }),
                          "listed twice"));
  EXPECT_TRUE(RefusedWith(
      LoadEdited([](mf::Theme* t) {
        t->mutable_bands(1)->mutable_forum()->mutable_meetings()->set_procedures_per_meeting(-1);
      }),
      "procedures_per_meeting must be in [0, 10]"));
  EXPECT_TRUE(RefusedWith(LoadEdited([](mf::Theme* t) {
                            t->mutable_bands(1)->mutable_forum()->set_forms_reason(
                                std::string(300, 'x'));
                          }),
                          "at most 200 bytes"));
}

TEST(ForumChoiceValidation, NamesTheLineInAFile) {
  auto sc = testing::LoadOrFail("hld-2006");
  ASSERT_TRUE(sc);
  std::string text = sc->text();
  const std::string from = "      meetings { procedures_per_meeting: 0.5 }\n";
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "      meetings { procedures_per_meeting: 11 }\n");
  const rules::LoadResult r = rules::LoadScenario(text, "hld.textproto");
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_NE(r.errors[0].find("hld.textproto:"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("procedures_per_meeting"), std::string::npos) << r.errors[0];
}

// A reluctant destination walks out of the follow-up's vote (a General
// Assembly resolution, decided by majority: the forum votes). It casts no
// vote, pays in reputation, gains at home, and the forum chosen is not its
// policy; at a consensus item, and for a source state, the walk-out is refused.
TEST_F(ForumChoice, ADestinationWalksOutOfAVoteAndIsNotBound) {
  State st(sc_, 7);
  const int mx = sc_->SeatIndex("mx");
  const rules::Action walk = testing::Make(rules::ActionType::kWalkOut);
  // The first item (development) is decided by consensus: an objection blocks.
  ASSERT_TRUE(AdvanceUntil(&st, mf::DECISION, 1));
  ASSERT_NE(st.current_theme(), follow_);
  EXPECT_TRUE(Rejected(&st, us_, walk, mf::NOT_ALLOWED));
  ASSERT_TRUE(ReachItem(&st, 1, follow_, mf::DRAFTING));
  ASSERT_TRUE(Accepted(&st, st.co_chair(0), TableAction(80, mf::GUIDING_PRINCIPLES)));
  ASSERT_TRUE(AdvanceOnce(&st));
  ASSERT_EQ(st.phase(), mf::DECISION);
  EXPECT_TRUE(Rejected(&st, mx, walk, mf::NOT_ALLOWED));  // Mexico is no destination.
  const double approval = st.seat(us_).approval, reputation = st.reputation(us_);
  ASSERT_TRUE(Accepted(&st, us_, walk));
  EXPECT_NEAR(st.seat(us_).approval, std::min(1.0, approval + 0.03), 1e-12);
  EXPECT_LT(st.reputation(us_), reputation - 0.04);
  EXPECT_TRUE(st.seat(us_).ready);
  EXPECT_TRUE(Rejected(&st, us_, walk, mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st, us_, VoteAction(mf::SUPPORT), mf::NOT_ALLOWED));
  // The view greys the walk-out and the votes with the engine's reasons.
  mf::View v;
  rules::MakeView(SeatView(st, us_), &v);
  mf::Action wire;
  wire.mutable_walk_out();
  EXPECT_FALSE(rules::VerdictIn(v, wire).ok());
  for (int s = 0; s < st.num_seats(); ++s)
    if (s != us_) ASSERT_TRUE(Accepted(&st, s, VoteAction(mf::SUPPORT)));
  ASSERT_TRUE(AdvanceOnce(&st));
  ASSERT_EQ(st.forum_position(), 80);
  bool told = false;
  for (const rules::EventRec& e : st.events())
    told = told || (e.type == rules::EventType::kWalkedOut && e.a == us_);
  EXPECT_TRUE(told);
  // After the year's world update every state but the walker has the UN body
  // as its policy on the follow-up.
  ASSERT_TRUE(AdvanceUntil(&st, mf::CIVIL_SOCIETY, 2));
  for (int s = 0; s < st.num_seats(); ++s) {
    if (s == us_)
      EXPECT_NE(st.seat(s).policy[follow_], 80.0);
    else
      EXPECT_EQ(st.seat(s).policy[follow_], 80.0) << s;
  }
}

}  // namespace
}  // namespace mf
