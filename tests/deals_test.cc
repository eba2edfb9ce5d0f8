// Side deals on classroom-8: offers and answers, political capital changing
// hands, promised stances checked against the public vote, deliveries at
// implementation, and the trust a visible breach costs. Deals are private:
// only the two parties (and the facilitator) see them.
#include <gtest/gtest.h>

#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

class DealsTest : public ClassroomTest {
 protected:
  int Seat(const std::string& id) const {
    const int s = sc_->SeatIndex(id);
    EXPECT_GE(s, 0) << id;
    return s;
  }
  int FirstOfRole(mf::Role role) const {
    for (int s = 0; s < n(); ++s)
      if (sc_->seats()[s].role == role) return s;
    return -1;
  }
  const Deal* LastDeal() const { return st_->deals().empty() ? nullptr : &st_->deals().back(); }
  // The deals in `viewer`'s wire view.
  std::vector<mf::DealView> ViewDeals(int viewer) const {
    mf::View v;
    MakeView(SeatView(*st_, viewer), &v);
    return {v.deals().begin(), v.deals().end()};
  }
};

TEST_F(DealsTest, AcceptedOfferTransfersPoliticalCapital) {
  const int a = 0, b = 1, c = 2;
  const int ca = st().seat(a).capital, cb = st().seat(b).capital;
  ASSERT_GE(ca, 3);
  ASSERT_GE(cb, 1);
  ASSERT_TRUE(Accepted(&st(), a, ProposeAction(b, Capital(3), Capital(1))));
  const int id = LastDeal()->id;
  EXPECT_EQ(static_cast<int>(LastDeal()->status), static_cast<int>(DealStatus::kOffered));
  EXPECT_EQ(st().seat(a).capital, ca) << "nothing moves before acceptance";
  // Only the counterpart answers; others do not even learn the deal exists.
  EXPECT_TRUE(Rejected(&st(), a, WithId(ActionType::kAcceptDeal, id), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), c, WithId(ActionType::kAcceptDeal, id), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), c, WithId(ActionType::kRejectDeal, id), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kWithdrawDeal, id), mf::NOT_YOUR_TURN));
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kAcceptDeal, id + 1000), mf::NOT_FOUND));
  const double trust_ab = st().trust(a, b);
  ASSERT_TRUE(Accepted(&st(), b, WithId(ActionType::kAcceptDeal, id)));
  EXPECT_EQ(st().seat(a).capital, ca - 3 + 1);
  EXPECT_EQ(st().seat(b).capital, cb + 3 - 1);
  EXPECT_GT(st().trust(a, b), trust_ab);
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kAcceptDeal, id), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), b, WithId(ActionType::kRejectDeal, id), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), a, WithId(ActionType::kWithdrawDeal, id), mf::ALREADY_DONE));

  // Private: the two parties and the facilitator see it, nobody else.
  for (int v : {a, b, kFacilitatorView}) {
    auto deals = ViewDeals(v);
    ASSERT_EQ(deals.size(), 1u) << "viewer " << v;
    EXPECT_EQ(deals[0].id(), id);
    EXPECT_EQ(deals[0].status(), "accepted");
  }
  EXPECT_TRUE(ViewDeals(c).empty());
  EXPECT_TRUE(ViewDeals(kSpectatorView).empty());
}

TEST_F(DealsTest, MalformedAndUnaffordableOffers) {
  const int a = 0, b = 1;
  const int dest = FirstOfRole(mf::DESTINATION);
  const int source = FirstOfRole(mf::SOURCE);
  ASSERT_GE(dest, 0);
  ASSERT_GE(source, 0);
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(a, Capital(1), Terms()), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(n(), Capital(1), Terms()), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(-1, Capital(1), Terms()), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(b, Terms(), Terms()), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(b, Capital(-1), Capital(1)), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(b, Capital(21), Terms()), mf::MALFORMED));
  EXPECT_TRUE(
      Rejected(&st(), a, ProposeAction(b, Capital(st().seat(a).capital + 1), Terms()), mf::LIMIT));
  Terms visas;
  visas.visas = 5;
  EXPECT_TRUE(Rejected(&st(), source, ProposeAction(dest, visas, Terms()), mf::MALFORMED));
  Terms readmission;
  readmission.readmission = true;
  EXPECT_TRUE(Rejected(&st(), dest, ProposeAction(source, readmission, Terms()), mf::MALFORMED));
  // A stance needs the draft on the table; none is open in CIVIL_SOCIETY.
  EXPECT_TRUE(
      Rejected(&st(), a, ProposeAction(b, Capital(1), StanceTerms(1, mf::SUPPORT)), mf::NOT_FOUND));
  Terms stance_only;
  stance_only.stance = mf::SUPPORT;
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(b, Capital(1), stance_only), mf::MALFORMED));
  // At most three open offers.
  for (int k = 0; k < 3; ++k)
    ASSERT_TRUE(Accepted(&st(), a, ProposeAction(b + k, Capital(1), Terms())));
  EXPECT_TRUE(Rejected(&st(), a, ProposeAction(5, Capital(1), Terms()), mf::LIMIT));
  // Capital offered twice: the second acceptance finds it spent.
  ASSERT_TRUE(Accepted(&st(), a, WithId(ActionType::kWithdrawDeal, st().deals()[0].id)));
  const int all = st().seat(a).capital;
  ASSERT_TRUE(Accepted(&st(), a, ProposeAction(4, Capital(all), Terms())));
  ASSERT_TRUE(Accepted(&st(), 4, WithId(ActionType::kAcceptDeal, LastDeal()->id)));
  EXPECT_EQ(st().seat(a).capital, 0);
  EXPECT_TRUE(Rejected(&st(), 2, WithId(ActionType::kAcceptDeal, st().deals()[1].id), mf::LIMIT));
  ASSERT_TRUE(Accepted(&st(), 2, WithId(ActionType::kRejectDeal, st().deals()[1].id)));
}

// A promised stance that is broken in the (public) vote: the breach becomes
// visible at once and the victim trusts the breacher much less.
TEST_F(DealsTest, BrokenStancePromiseIsVisibleAndCostsTrust) {
  TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
  const int text = st().draft()->id;
  const int a = 0, b = 1, bystander = 2;
  ASSERT_TRUE(Accepted(&st(), a, ProposeAction(b, Capital(1), StanceTerms(text, mf::SUPPORT))));
  const int id = LastDeal()->id;
  ASSERT_TRUE(Accepted(&st(), b, WithId(ActionType::kAcceptDeal, id)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().phase(), mf::DECISION);
  EXPECT_FALSE(LastDeal()->breach_visible);
  const double before_victim = st().trust(a, b);
  const double before_other = st().trust(bystander, b);
  std::vector<mf::VoteChoice> votes = All(mf::STAND_ASIDE);
  votes[b] = mf::OBJECT;
  ASSERT_TRUE(VoteAll(&st(), votes));
  ASSERT_EQ(st().phase(), mf::STATEMENTS);  // Next item; no world update in between.
  const Deal& d = st().deals().back();
  EXPECT_TRUE(d.breach_visible);
  EXPECT_EQ(d.to_kept, 0);
  EXPECT_NEAR(st().trust(a, b), before_victim - sc_->params().breach_trust_victim, 1e-12);
  EXPECT_NEAR(st().trust(bystander, b), before_other - sc_->params().breach_trust_others, 1e-12);
  EXPECT_LT(st().trust(a, b) - before_victim, st().trust(bystander, b) - before_other);
  auto deals = ViewDeals(a);
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_TRUE(deals[0].breach_visible());
  EXPECT_EQ(deals[0].status(), "broken");
  // The breach itself is public news.
  bool announced = false;
  for (const EventRec& e : st().events())
    announced |= e.type == EventType::kBreachVisible && e.a == b && e.private_to == 0;
  EXPECT_TRUE(announced);
}

TEST_F(DealsTest, KeptStancePromiseIsKept) {
  TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
  const int text = st().draft()->id;
  ASSERT_TRUE(Accepted(&st(), 0, ProposeAction(1, Capital(1), StanceTerms(text, mf::SUPPORT))));
  ASSERT_TRUE(Accepted(&st(), 1, WithId(ActionType::kAcceptDeal, LastDeal()->id)));
  ASSERT_TRUE(AdvanceOnce(&st()));
  const double before = st().trust(0, 1);
  ASSERT_TRUE(VoteAll(&st(), All(mf::SUPPORT)));
  const Deal& d = st().deals().back();
  EXPECT_FALSE(d.breach_visible);
  EXPECT_EQ(d.to_kept, 1);
  EXPECT_GE(st().trust(0, 1), before);
}

TEST_F(DealsTest, StancePromiseOnADecidedTextCannotBeAccepted) {
  TableFirstDraft(50, mf::GUIDING_PRINCIPLES);
  const int text = st().draft()->id;
  ASSERT_TRUE(Accepted(&st(), 0, ProposeAction(1, Capital(1), StanceTerms(text, mf::SUPPORT))));
  const int id = LastDeal()->id;
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_TRUE(AdvanceOnce(&st()));  // The text is decided.
  ASSERT_EQ(st().phase(), mf::STATEMENTS);
  EXPECT_TRUE(Rejected(&st(), 1, WithId(ActionType::kAcceptDeal, id), mf::WRONG_PHASE));
}

class DeliveryTest : public DealsTest {
 protected:
  // A destination offers visas for a source's readmission cooperation; both
  // accept, and the game reaches IMPLEMENTATION of cycle 1.
  void MakeDeal() {
    dest_ = FirstOfRole(mf::DESTINATION);
    source_ = FirstOfRole(mf::SOURCE);
    ASSERT_GE(dest_, 0);
    ASSERT_GE(source_, 0);
    bystander_ = 0;
    while (bystander_ == dest_ || bystander_ == source_) ++bystander_;
    Terms visas, readmission;
    visas.visas = 5;
    readmission.readmission = true;
    ASSERT_TRUE(Accepted(&st(), dest_, ProposeAction(source_, visas, readmission)));
    id_ = LastDeal()->id;
    ASSERT_TRUE(Accepted(&st(), source_, WithId(ActionType::kAcceptDeal, id_)));
    EXPECT_TRUE(Rejected(&st(), source_, HonourAction(id_, true), mf::WRONG_PHASE));
    ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION, 1));
  }
  int dest_ = -1, source_ = -1, bystander_ = -1, id_ = 0;
};

TEST_F(DeliveryTest, WithheldDeliveryBecomesVisibleAfterImplementation) {
  MakeDeal();
  EXPECT_TRUE(Rejected(&st(), bystander_, HonourAction(id_, true), mf::NOT_FOUND));
  ASSERT_TRUE(Accepted(&st(), source_, HonourAction(id_, false)));
  EXPECT_TRUE(Rejected(&st(), source_, HonourAction(id_, true), mf::ALREADY_DONE));
  // Not visible yet: implementation is still running.
  EXPECT_FALSE(LastDeal()->breach_visible);
  for (int v : {source_, dest_}) {
    auto deals = ViewDeals(v);
    ASSERT_EQ(deals.size(), 1u);
    EXPECT_FALSE(deals[0].breach_visible());
  }
  const double victim = st().trust(dest_, source_);
  const double other = st().trust(bystander_, source_);
  const double readmission = st().seat(source_).readmission;
  ASSERT_TRUE(AdvanceOnce(&st()));
  ASSERT_EQ(st().cycle(), 2);
  const Deal& d = st().deals()[0];
  EXPECT_TRUE(d.breach_visible);
  EXPECT_EQ(d.to_kept, 0);
  EXPECT_EQ(d.from_kept, 1) << "an undecided delivery is carried out";
  EXPECT_EQ(st().seat(source_).readmission, readmission) << "withheld cooperation";
  // The breach, and nothing else: trust moves only through play.
  EXPECT_NEAR(st().trust(dest_, source_), victim - sc_->params().breach_trust_victim, 1e-9);
  EXPECT_NEAR(st().trust(bystander_, source_), other - sc_->params().breach_trust_others, 1e-9);
  auto deals = ViewDeals(dest_);
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_TRUE(deals[0].breach_visible());
  EXPECT_EQ(deals[0].status(), "broken");
  EXPECT_TRUE(ViewDeals(bystander_).empty());
}

TEST_F(DeliveryTest, KeptDeliveriesBuildTrustAndCooperation) {
  MakeDeal();
  ASSERT_TRUE(Accepted(&st(), source_, HonourAction(id_, true)));
  ASSERT_TRUE(Accepted(&st(), dest_, HonourAction(id_, true)));
  const double before = st().trust(dest_, source_);
  const double readmission = st().seat(source_).readmission;
  ASSERT_TRUE(AdvanceOnce(&st()));
  const Deal& d = st().deals()[0];
  EXPECT_FALSE(d.breach_visible);
  EXPECT_EQ(d.from_kept, 1);
  EXPECT_EQ(d.to_kept, 1);
  EXPECT_GT(st().seat(source_).readmission, readmission);
  EXPECT_GT(st().trust(dest_, source_), before);
  auto deals = ViewDeals(source_);
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0].status(), "kept");
}

TEST_F(DeliveryTest, NothingToDeliverAndUnansweredOffersExpire) {
  MakeDeal();
  // A pure capital deal has nothing to deliver at implementation.
  ASSERT_TRUE(Accepted(&st(), 0, ProposeAction(1, Capital(1), Terms())));
  const int capital_deal = LastDeal()->id;
  ASSERT_TRUE(Accepted(&st(), 1, WithId(ActionType::kAcceptDeal, capital_deal)));
  EXPECT_TRUE(Rejected(&st(), 0, HonourAction(capital_deal, true), mf::MALFORMED));
  ASSERT_TRUE(Accepted(&st(), 2, ProposeAction(3, Capital(1), Terms())));
  const int open = LastDeal()->id;
  ASSERT_TRUE(AdvanceOnce(&st()));
  for (const Deal& d : st().deals())
    if (d.id == open) {
      EXPECT_EQ(static_cast<int>(d.status), static_cast<int>(DealStatus::kExpired));
    }
  EXPECT_TRUE(Rejected(&st(), 3, WithId(ActionType::kAcceptDeal, open), mf::ALREADY_DONE));
}

}  // namespace
}  // namespace mf::rules
