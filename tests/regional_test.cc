// Regional texts (mf::RegionalText) on classroom-8, driven by hand: only the
// members of a caucus table, decide and pledge to its regional text; the
// members decide it only when the forum adopts nothing on the item; its
// effects stay on corridors among the members.
//
// classroom-8: 0 kalmara, 1 tamboro, 2 banduri (sources), 3 marenza,
// 4 verdania (transits), 5 aldermark, 6 nordvale, 7 qadira (destinations).
// Caucus 0 "Isles and Plains Dialogue": kalmara, tamboro, banduri, qadira.
// Caucus 1 "Narrow Sea Process": tamboro, banduri, marenza, verdania,
// aldermark, nordvale.
#include <gtest/gtest.h>

#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

constexpr int kKalmara = 0, kTamboro = 1, kBanduri = 2, kMarenza = 3, kAldermark = 5, kQadira = 7;
constexpr int kIsles = 0;

Action Regional(int caucus, int position, mf::Form form, CommitmentSet add = 0, int corridor = -1) {
  Action a = Make(ActionType::kRegional);
  a.caucus = caucus;
  a.position = position;
  a.form = form;
  a.add = add;
  a.corridor = corridor;
  return a;
}

Action RegionalVote(int caucus, mf::VoteChoice v) {
  Action a = Make(ActionType::kRegional);
  a.caucus = caucus;
  a.vote = v;
  return a;
}

int CountEvents(const State& st, EventType type) {
  int n = 0;
  for (const EventRec& e : st.events()) n += e.type == type;
  return n;
}

class RegionalTest : public ClassroomTest {
 protected:
  // Tables the Isles and Plains draft on the labour item (labour visas) and
  // brings the game to its Decision.
  void TableIslesDraft() {
    ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
    ASSERT_EQ(sc_->themes()[st().current_theme()].id, "labour");
    ASSERT_TRUE(Accepted(&st(), kQadira,
                         Regional(kIsles, 80, mf::GUIDING_PRINCIPLES, Bit(mf::LABOUR_VISAS))));
    ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  }
  // The forum's draft fails: one state objects under consensus.
  void ForumFails() { ASSERT_TRUE(Accepted(&st(), kAldermark, VoteAction(mf::OBJECT))); }
  const Text* RegionalText() const {
    for (const Text& t : st_->texts())
      if (t.caucus == kIsles) return &t;
    return nullptr;
  }
};

TEST_F(RegionalTest, OnlyMembersTableInDraftingWithNonBindingForms) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::STATEMENTS));
  EXPECT_TRUE(
      Rejected(&st(), kKalmara, Regional(kIsles, 60, mf::GUIDING_PRINCIPLES), mf::WRONG_PHASE));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  // Marenza belongs to the Narrow Sea Process, not to the Isles and Plains Dialogue.
  const Result r = st().Check(kMarenza, Regional(kIsles, 60, mf::GUIDING_PRINCIPLES));
  EXPECT_EQ(r.code, mf::NOT_YOUR_TURN);
  EXPECT_NE(r.message.find("only the members of the Isles and Plains Dialogue"), std::string::npos)
      << r.message;
  EXPECT_TRUE(
      Rejected(&st(), kMarenza, Regional(kIsles, 60, mf::GUIDING_PRINCIPLES), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(
      Rejected(&st(), kKalmara, Regional(kIsles, 60, mf::BINDING_CONVENTION), mf::NOT_ALLOWED));
  EXPECT_TRUE(
      Rejected(&st(), kKalmara, Regional(kIsles, 101, mf::GUIDING_PRINCIPLES), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), kKalmara, RegionalVote(kIsles, mf::SUPPORT), mf::MALFORMED));
  // Anti-smuggling on a corridor through a non-member (Marenza).
  const int corridor = sc_->CorridorIndex("tamboro_marenza_nordvale");
  ASSERT_GE(corridor, 0);
  EXPECT_TRUE(
      Rejected(&st(), kTamboro,
               Regional(kIsles, 60, mf::GUIDING_PRINCIPLES, Bit(mf::ANTI_SMUGGLING), corridor),
               mf::NOT_ALLOWED));
  ASSERT_TRUE(Accepted(&st(), kKalmara, Regional(kIsles, 60, mf::GUIDING_PRINCIPLES)));
  EXPECT_EQ(CountEvents(st(), EventType::kRegionalTabled), 1);
  // A member replaces it: one draft per caucus and item, the new tabler's support only.
  ASSERT_TRUE(Accepted(&st(), kTamboro, Regional(kIsles, 70, mf::CHAIRS_SUMMARY)));
  int drafts = 0;
  for (const Text& t : st().texts()) drafts += t.caucus == kIsles;
  EXPECT_EQ(drafts, 1);
  ASSERT_NE(RegionalText(), nullptr);
  EXPECT_EQ(RegionalText()->position, 70);
  EXPECT_EQ(RegionalText()->supporters, uint64_t{1} << kTamboro);
  // The view shows the draft with its caucus to everyone.
  mf::View v;
  MakeView(SeatView(st(), kAldermark), &v);
  ASSERT_EQ(v.regional_drafts_size(), 1);
  EXPECT_EQ(v.regional_drafts(0).caucus(), "isles_and_plains");
  EXPECT_EQ(v.regional_drafts(0).position(), 70);
  EXPECT_NE(v.regional_drafts(0).label().find("Isles and Plains Dialogue"), std::string::npos);
}

TEST_F(RegionalTest, MembersAloneDecideWhenTheForumAdoptsNothing) {
  TableIslesDraft();
  // Non-members cannot vote on it: their own caucus has no draft, and a
  // member of one caucus does not vote on another's.
  EXPECT_TRUE(Rejected(&st(), kAldermark, RegionalVote(kIsles, mf::OBJECT), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), kMarenza, RegionalVote(kIsles, mf::OBJECT), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), kKalmara, RegionalVote(1, mf::OBJECT), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), kQadira, RegionalVote(kIsles, mf::SUPPORT), mf::ALREADY_DONE));
  for (int s : {kKalmara, kTamboro, kBanduri})
    ASSERT_TRUE(Accepted(&st(), s, RegionalVote(kIsles, mf::SUPPORT)));
  ForumFails();
  ASSERT_TRUE(AdvanceOnce(&st()));
  const Text* t = RegionalText();
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->decided);
  EXPECT_TRUE(t->adopted);
  EXPECT_EQ(CountEvents(st(), EventType::kRegionalAdopted), 1);
  // The adopted regional text is in the view's texts with its caucus and votes.
  mf::View v;
  MakeView(SeatView(st(), kMarenza), &v);
  bool found = false;
  for (const mf::Text& x : v.texts())
    if (x.caucus() == "isles_and_plains") {
      found = true;
      EXPECT_EQ(x.supported_by_size(), 4);
    }
  EXPECT_TRUE(found);
}

TEST_F(RegionalTest, OneMemberObjectingBlocksItUnderConsensus) {
  TableIslesDraft();
  for (int s : {kKalmara, kTamboro})
    ASSERT_TRUE(Accepted(&st(), s, RegionalVote(kIsles, mf::SUPPORT)));
  ASSERT_TRUE(Accepted(&st(), kBanduri, RegionalVote(kIsles, mf::OBJECT)));
  ForumFails();
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_NE(RegionalText(), nullptr);
  EXPECT_FALSE(RegionalText()->adopted);
  EXPECT_EQ(CountEvents(st(), EventType::kRegionalRejected), 1);
}

TEST_F(RegionalTest, SetAsideWhenTheForumAdoptsATextOnTheItem) {
  TableIslesDraft();
  for (int s : {kKalmara, kTamboro, kBanduri})
    ASSERT_TRUE(Accepted(&st(), s, RegionalVote(kIsles, mf::SUPPORT)));
  ASSERT_TRUE(VoteAll(&st(), std::vector<mf::VoteChoice>(n(), mf::SUPPORT)));
  ASSERT_NE(RegionalText(), nullptr);
  EXPECT_TRUE(RegionalText()->decided);
  EXPECT_FALSE(RegionalText()->adopted);
  EXPECT_EQ(CountEvents(st(), EventType::kRegionalSetAside), 1);
}

TEST_F(RegionalTest, OnlyMembersPledgeAndItsVisasOpenToMembersOnly) {
  // The same game without the regional text, for comparison.
  State control(sc_, 1);
  TableIslesDraft();
  ASSERT_TRUE(AdvanceUntil(&control, mf::DECISION));
  for (int s : {kKalmara, kTamboro, kBanduri})
    ASSERT_TRUE(Accepted(&st(), s, RegionalVote(kIsles, mf::SUPPORT)));
  ForumFails();
  ASSERT_TRUE(Accepted(&control, kAldermark, VoteAction(mf::OBJECT)));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION));
  ASSERT_TRUE(AdvanceUntil(&control, mf::IMPLEMENTATION));
  const Text* t = RegionalText();
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->adopted);
  const int id = t->id;
  const Result r = st().Check(kAldermark, PledgeAction(id, 100));
  EXPECT_EQ(r.code, mf::NOT_YOUR_TURN);
  EXPECT_NE(r.message.find("only its members pledge"), std::string::npos) << r.message;
  EXPECT_TRUE(Rejected(&st(), kAldermark, PledgeAction(id, 100), mf::NOT_YOUR_TURN));
  ASSERT_TRUE(Accepted(&st(), kQadira, PledgeAction(id, 100)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(AdvanceOnce(&control));
  ASSERT_EQ(st().cycle(), 2);
  // Qadira's visas open to the members' corridors into Qadira only.
  for (int c = 0; c < sc_->num_corridors(); ++c) {
    const CorridorData& cd = sc_->corridors()[c];
    const bool among_members = st().IsMember(kIsles, cd.origin) && cd.destination == kQadira;
    EXPECT_EQ(st().corridors()[c].visas > 0, among_members) << cd.id;
    if (among_members) {
      EXPECT_GT(st().corridors()[c].legal, control.corridors()[c].legal) << cd.id;
    } else {
      EXPECT_DOUBLE_EQ(st().corridors()[c].legal, control.corridors()[c].legal) << cd.id;
    }
  }
  // No state-wide programme: the states outside are untouched (their
  // policies and programmes; fewer people are diverted onto their routes).
  EXPECT_EQ(st().seat(kQadira).visas, 0);
  EXPECT_EQ(st().seat(kAldermark).policy, control.seat(kAldermark).policy);
  EXPECT_EQ(st().seat(kAldermark).visas, control.seat(kAldermark).visas);
  EXPECT_LE(st().seat(kAldermark).irregular_in, control.seat(kAldermark).irregular_in);
}

TEST_F(RegionalTest, SetAsideWithAWithdrawnDraft) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  ASSERT_TRUE(Accepted(&st(), kKalmara, Regional(kIsles, 60, mf::GUIDING_PRINCIPLES)));
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), Make(ActionType::kWithdrawDraft)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_NE(RegionalText(), nullptr);
  EXPECT_TRUE(RegionalText()->decided);
  EXPECT_FALSE(RegionalText()->adopted);
  EXPECT_EQ(CountEvents(st(), EventType::kRegionalSetAside), 1);
}

}  // namespace
}  // namespace mf::rules
