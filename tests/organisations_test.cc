// Organisation seats (issue 13): what IOM, UNHCR, ILO, OHCHR and civil
// society may and may not do, their effects on the world, IOM's funding
// (core or earmarked), their scores and their own ranking, on the scenarios
// that seat them (gfmd-roundtables, workshop-30). Every refusal is checked
// to leave the state's hash unchanged (Rejected()).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "bots/bot.h"
#include "rules/catalogue.h"
#include "rules/state.h"
#include "rules/view.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using namespace mf::testing;  // NOLINT

class OrganisationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sc_ = LoadOrFail("gfmd-roundtables");
    ASSERT_TRUE(sc_);
    st_ = std::make_unique<State>(sc_, 7);
    iom_ = sc_->SeatIndex("iom");
    unhcr_ = sc_->SeatIndex("unhcr");
    ilo_ = sc_->SeatIndex("ilo");
    csd_ = sc_->SeatIndex("csd");
    ASSERT_GE(iom_, 0);
    ASSERT_GE(unhcr_, 0);
    ASSERT_GE(ilo_, 0);
    ASSERT_GE(csd_, 0);
  }
  State& st() { return *st_; }
  // The first state (not an organisation) other than `except`.
  int AState(int except = -1) const {
    for (int s = 0; s < sc_->num_seats(); ++s)
      if (!sc_->IsOrganisation(s) && s != except) return s;
    return -1;
  }
  int Destination() const {
    for (int s = 0; s < sc_->num_seats(); ++s)
      if (sc_->seats()[s].role == mf::DESTINATION) return s;
    return -1;
  }
  int Transit() const {
    for (int s = 0; s < sc_->num_seats(); ++s)
      if (sc_->seats()[s].role == mf::TRANSIT) return s;
    return -1;
  }
  std::shared_ptr<const Scenario> sc_;
  std::unique_ptr<State> st_;
  int iom_ = -1, unhcr_ = -1, ilo_ = -1, csd_ = -1;
};

Action LobbyAction(int seat, int text) {
  Action a = Make(ActionType::kLobby);
  a.seat = seat;
  a.id = text;
  return a;
}
Action ProjectAction(int seat) {
  Action a = Make(ActionType::kOfferProject);
  a.seat = seat;
  return a;
}
Action FundAction(int org, int amount, bool core, int project_for = 0) {
  Action a = Make(ActionType::kFund);
  a.seat = org;
  a.level = amount;
  a.flag = core;
  a.id = project_for;
  return a;
}
Action RecommendAction(int theme, int position) {
  Action a = Make(ActionType::kRecommend);
  a.theme = theme;
  a.position = position;
  return a;
}

TEST(OrganisationScenarios, SeatOrganisationsBesideTheStates) {
  for (const char* name : {"gfmd-roundtables", "workshop-30"}) {
    auto sc = LoadOrFail(name);
    ASSERT_TRUE(sc);
    int orgs = 0;
    for (int s = 0; s < sc->num_seats(); ++s) {
      const SeatData& d = sc->seats()[s];
      if (!d.organisation) continue;
      ++orgs;
      EXPECT_NE(d.mandate, mf::MANDATE_UNSPECIFIED) << d.id;
      EXPECT_EQ(d.role, mf::ROLE_UNSPECIFIED) << d.id;
      EXPECT_FALSE(d.briefing.empty()) << d.id;
      EXPECT_NE(d.briefing.find('"'), std::string::npos) << d.id << ": quotes the article";
    }
    EXPECT_GE(orgs, 4) << name;
    EXPECT_EQ(sc->num_states() + orgs, sc->num_seats());
  }
}

TEST(OrganisationScenarios, ValidationRefusesOrganisationsInStatesPlaces) {
  auto base = LoadOrFail("gfmd-roundtables");
  ASSERT_TRUE(base);
  auto errors = [](const mf::Scenario& p) {
    LoadResult r = LoadScenarioMessage(p, "edited");
    std::string all;
    for (const std::string& e : r.errors) all += e + "\n";
    return all;
  };
  const int iom = base->SeatIndex("iom");
  {
    mf::Scenario p = base->proto();
    p.mutable_seats(iom)->set_mandate(mf::MANDATE_UNSPECIFIED);
    EXPECT_NE(errors(p).find("an organisation needs a mandate"), std::string::npos);
  }
  {
    mf::Scenario p = base->proto();
    p.mutable_seats(iom)->set_role(mf::DESTINATION);
    EXPECT_NE(errors(p).find("an organisation has no role"), std::string::npos);
  }
  {
    mf::Scenario p = base->proto();
    p.add_host_order("iom");
    EXPECT_NE(errors(p).find("is an organisation: only states stand in host_order"),
              std::string::npos);
  }
  {
    mf::Scenario p = base->proto();
    p.mutable_seats(0)->set_mandate(mf::MANDATE_ILO);
    EXPECT_NE(errors(p).find("only an organisation"), std::string::npos);
  }
  {
    mf::Scenario p = base->proto();
    p.mutable_seats(iom)->set_capacity(1.5);
    EXPECT_NE(errors(p).find("capacity must be 0..1"), std::string::npos);
  }
  {
    mf::Scenario p = base->proto();
    mf::Observer* o = p.add_observers();
    o->set_id("iom");
    o->set_name("IOM again");
    EXPECT_NE(errors(p).find("'iom' has a seat: an observer is an institution without one"),
              std::string::npos);
  }
}

TEST_F(OrganisationsTest, OrganisationsDoNotVoteRatifyPledgeAmendEndorseOrDeal) {
  // Civil Society Days: endorsing is the states'.
  ASSERT_FALSE(st().recommendations().empty());
  const int rec = st().recommendations()[0].id;
  EXPECT_TRUE(Rejected(&st(), iom_, WithId(ActionType::kEndorse, rec), mf::NOT_ALLOWED));
  const Result r = st().Check(iom_, WithId(ActionType::kEndorse, rec));
  EXPECT_EQ(r.message,
            "International Organization for Migration (IOM) is an organisation: organisations do "
            "not endorse recommendations; they table their own");
  // Nor may a state propose a deal to an organisation, or an organisation propose one.
  EXPECT_TRUE(Rejected(&st(), AState(), ProposeAction(iom_, Capital(1), {}), mf::NOT_ALLOWED));
  EXPECT_TRUE(Rejected(&st(), unhcr_, ProposeAction(AState(), Capital(1), {}), mf::NOT_ALLOWED));
  // Drafting: no amendments.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  EXPECT_TRUE(Rejected(&st(), ilo_, AmendPosition(60), mf::NOT_ALLOWED));
  // Decision: the sentence the brief asks for.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  EXPECT_TRUE(Rejected(&st(), iom_, VoteAction(mf::SUPPORT), mf::NOT_ALLOWED));
  EXPECT_EQ(st().Check(iom_, VoteAction(mf::SUPPORT)).message,
            "International Organization for Migration (IOM) is an organisation: organisations do "
            "not vote");
  // Implementation: no pledges, no enforcement; a state cannot run projects.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION));
  EXPECT_TRUE(Rejected(&st(), csd_, LevelAction(ActionType::kEnforce, 50), mf::NOT_ALLOWED));
  EXPECT_TRUE(Rejected(&st(), csd_, PledgeAction(1, 50), mf::NOT_ALLOWED));
  EXPECT_TRUE(Rejected(&st(), AState(), ProjectAction(AState(1)), mf::NOT_ALLOWED));
  EXPECT_NE(st().Check(AState(), ProjectAction(AState(1))).message.find("only organisations"),
            std::string::npos);
  // Nor fund each other.
  EXPECT_TRUE(Rejected(&st(), iom_, FundAction(unhcr_, 5, true), mf::NOT_ALLOWED));
  // The view's verdicts say the same, word for word.
  mf::View v;
  MakeView(SeatView(st(), iom_), &v);
  mf::Action enforce;
  enforce.mutable_enforce()->set_level(50);
  EXPECT_EQ(VerdictIn(v, enforce).message,
            st().Check(iom_, LevelAction(ActionType::kEnforce, 50)).message);
  EXPECT_EQ(v.seats(iom_).kind(), mf::SEAT_ORGANISATION);
  EXPECT_EQ(v.seats(iom_).mandate(), mf::MANDATE_IOM);
  EXPECT_EQ(v.seats(0).kind(), mf::SEAT_STATE);
}

// The kinds of the other branches of issue 13 know organisations too: an
// organisation does not walk out of a vote (it casts none), and a press
// desk's report about one is refused (it has no approval at home to move).
TEST_F(OrganisationsTest, OrganisationsNeitherWalkOutNorAreReportedOn) {
  State desks(sc_, 7, 2);
  const uint64_t before = desks.Hash();
  const Result report = desks.Check(PressActor(0), [&] {
    Action a = Make(ActionType::kPublishReport);
    a.seat = iom_;
    a.text = "IOM is projectised.";
    return a;
  }());
  EXPECT_EQ(report.code, mf::NOT_ALLOWED);
  EXPECT_NE(report.message.find("is an organisation: press reports move a state's approval"),
            std::string::npos)
      << report.message;
  EXPECT_EQ(desks.Hash(), before);
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  const Result walk = st().Check(unhcr_, Make(ActionType::kWalkOut));
  EXPECT_EQ(walk.code, mf::NOT_ALLOWED);
  EXPECT_EQ(walk.message,
            "UN High Commissioner for Refugees (UNHCR) is an "
            "organisation: organisations do not walk out of votes; they cast none");
}

TEST_F(OrganisationsTest, StatesDecideWithoutTheOrganisations) {
  // Every state supports and no organisation votes: consensus is reached,
  // with the threshold counted over the states alone.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  const int draft = st().draft()->id;
  for (int s = 0; s < st().num_seats(); ++s)
    if (!st().IsOrganisation(s)) ASSERT_TRUE(Accepted(&st(), s, VoteAction(mf::SUPPORT)));
  // The phase waits for the organisations' Ready (they may still lobby).
  EXPECT_EQ(st().phase(), mf::DECISION);
  for (int s = 0; s < st().num_seats(); ++s)
    if (st().IsOrganisation(s)) ASSERT_TRUE(Accepted(&st(), s, ReadyAction()));
  EXPECT_NE(st().phase(), mf::DECISION);
  const Text* t = st().FindText(draft);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->adopted);
  EXPECT_EQ(__builtin_popcountll(t->supporters), st().num_states());
}

TEST_F(OrganisationsTest, RecommendationsAreTabledAndEndorsedByStates) {
  const int theme = st().agenda()[0];
  const size_t before = st().recommendations().size();
  ASSERT_TRUE(Accepted(&st(), csd_, RecommendAction(theme, 85)));
  ASSERT_EQ(st().recommendations().size(), before + 1);
  const Recommendation& r = st().recommendations().back();
  EXPECT_EQ(r.by, csd_);
  EXPECT_EQ(r.position, 85);
  EXPECT_TRUE(Rejected(&st(), csd_, RecommendAction(theme, 60), mf::ALREADY_DONE));
  EXPECT_TRUE(Rejected(&st(), csd_, RecommendAction(theme, 101), mf::MALFORMED));
  int off_agenda = -1;
  for (int t = 0; t < sc_->num_themes(); ++t)
    if (std::find(st().agenda().begin(), st().agenda().end(), t) == st().agenda().end())
      off_agenda = t;
  if (off_agenda >= 0)
    EXPECT_TRUE(Rejected(&st(), csd_, RecommendAction(off_agenda, 60), mf::NOT_FOUND));
  EXPECT_TRUE(Rejected(&st(), AState(), RecommendAction(theme, 60), mf::NOT_ALLOWED));
  // A state endorses it: the organisation's count and the state's trust in it rise.
  const int state = AState();
  const double trust = st().trust(state, csd_);
  const double mandate = st().MandateIndicator(csd_);
  ASSERT_TRUE(Accepted(&st(), state, WithId(ActionType::kEndorse, r.id)));
  EXPECT_EQ(st().seat(csd_).endorsements, 1);
  EXPECT_GT(st().trust(state, csd_), trust);
  EXPECT_GT(st().MandateIndicator(csd_), mandate);
  // The view says who recommends it.
  mf::View v;
  MakeView(SeatView(st(), state), &v);
  bool found = false;
  for (const mf::Recommendation& x : v.recommendations())
    if (x.text().find("Civil Society Days (migrants, unions, NGOs) recommends") == 0) found = true;
  EXPECT_TRUE(found);
}

TEST_F(OrganisationsTest, LobbyingCostsCapitalAndCoversARedLine) {
  // A draft on the first item far below some state's red line.
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
  const int theme = st().current_theme();
  int target = -1, position = -1;
  for (int s = 0; s < sc_->num_seats() && target < 0; ++s)
    for (const RedLineData& rl : sc_->seats()[s].red_lines)
      if (rl.theme == theme && rl.min_position > 10) {
        target = s;
        position = rl.min_position - 10;
      } else if (rl.theme == theme && rl.max_position < 90) {
        target = s;
        position = rl.max_position + 10;
      }
  ASSERT_GE(target, 0) << "no red line on the first item of gfmd-roundtables";
  ASSERT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(position, mf::CHAIRS_SUMMARY)));
  ASSERT_TRUE(AdvanceUntil(&st(), mf::DECISION));
  const int draft = st().draft()->id;
  // Lobbying is the organisations', costs 2 capital, and only on the draft now.
  EXPECT_TRUE(Rejected(&st(), AState(), LobbyAction(target, draft), mf::NOT_ALLOWED));
  EXPECT_TRUE(Rejected(&st(), unhcr_, LobbyAction(iom_, draft), mf::NOT_ALLOWED));
  EXPECT_TRUE(Rejected(&st(), unhcr_, LobbyAction(target, draft + 100), mf::NOT_FOUND));
  State unlobbied = st();
  const int capital = st().seat(unhcr_).capital;
  const double trust = st().trust(target, unhcr_);
  ASSERT_TRUE(Accepted(&st(), unhcr_, LobbyAction(target, draft)));
  EXPECT_EQ(st().seat(unhcr_).capital, capital - 2);
  EXPECT_GT(st().trust(target, unhcr_), trust);
  EXPECT_GT(st().FindText(draft)->cover[target], 0);
  EXPECT_TRUE(Rejected(&st(), unhcr_, LobbyAction(target, draft), mf::ALREADY_DONE));
  // Everyone supports; the lobbied state pays less at home for crossing its line.
  for (State* s : {&st(), &unlobbied}) {
    for (int i = 0; i < s->num_seats(); ++i)
      if (!s->IsOrganisation(i)) ASSERT_TRUE(Accepted(s, i, VoteAction(mf::SUPPORT)));
    ASSERT_TRUE(AdvanceOnce(s));
    ASSERT_TRUE(s->FindText(draft)->adopted);
  }
  // More than the campaign's own lift of 0.01 x (0.5 + capacity): the
  // red-line cost itself fell.
  const double base_approval = unlobbied.seat(target).approval;
  EXPECT_GT(st().seat(target).approval,
            base_approval + 0.01 * (0.5 + st().seat(unhcr_).capacity) + 0.01);
  // Out of capital: the gate refuses with the cost.
  State poor = unlobbied;
  ASSERT_TRUE(AdvanceUntil(&poor, mf::DECISION, 1));
  while (poor.seat(ilo_).capital >= 2) {
    std::vector<Action> legal;
    poor.LegalActions(ilo_, &legal);
    bool spent = false;
    for (const Action& a : legal)
      if (a.type == ActionType::kLobby) {
        ASSERT_TRUE(Accepted(&poor, ilo_, a));
        spent = true;
        break;
      }
    if (!spent) break;
  }
  if (poor.seat(ilo_).capital < 2 && poor.phase() == mf::DECISION) {
    const Result r = poor.Check(ilo_, LobbyAction(AState(), poor.draft()->id));
    EXPECT_EQ(r.code, mf::LIMIT);
  }
}

TEST_F(OrganisationsTest, ProjectsFollowTheMandateAndGrowWithCapacity) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION));
  const int transit = Transit();
  const int dest = Destination();
  ASSERT_GE(transit, 0);
  ASSERT_GE(dest, 0);
  ASSERT_TRUE(Accepted(&st(), iom_, ProjectAction(transit)));
  EXPECT_GT(st().seat(transit).org_readmission, 0);
  EXPECT_EQ(st().seat(iom_).projects, 1);
  ASSERT_TRUE(Accepted(&st(), unhcr_, ProjectAction(dest)));
  EXPECT_GT(st().seat(dest).org_rights, 0);
  ASSERT_TRUE(Accepted(&st(), ilo_, ProjectAction(transit)));
  EXPECT_GT(st().seat(transit).org_remit, 0);
  EXPECT_TRUE(Rejected(&st(), iom_, ProjectAction(unhcr_), mf::NOT_ALLOWED));
  // Two projects cost 6 of IOM's capital: the third waits for next year's income.
  ASSERT_TRUE(Accepted(&st(), iom_, ProjectAction(transit)));
  EXPECT_TRUE(Rejected(&st(), iom_, ProjectAction(transit), mf::LIMIT));
  // The world update carries the programmes: the transit state's readmission.
  ASSERT_TRUE(AdvanceOnce(&st()));
  EXPECT_GE(st().seat(transit).readmission, st().seat(transit).org_readmission);
  EXPECT_GE(st().seat(dest).rights, st().seat(dest).org_rights);
}

TEST_F(OrganisationsTest, CoreFundingBuildsCapacityEarmarkedFundingDoesNot) {
  ASSERT_TRUE(AdvanceUntil(&st(), mf::IMPLEMENTATION));
  const int dest = Destination();
  const int transit = Transit();
  const double capacity = st().seat(iom_).capacity;
  State earmarked = st();
  // Core: capacity, nothing delivered now; the donor pays like aid.
  ASSERT_TRUE(Accepted(&st(), dest, FundAction(iom_, 10, true)));
  EXPECT_GT(st().seat(iom_).capacity, capacity);
  EXPECT_EQ(st().seat(iom_).projects, 0);
  EXPECT_EQ(st().seat(dest).aid_given, 10);
  // Earmarked: the donor's project now, no capacity.
  ASSERT_TRUE(Accepted(&earmarked, dest, FundAction(iom_, 10, false, transit)));
  EXPECT_EQ(earmarked.seat(iom_).capacity, capacity);
  EXPECT_EQ(earmarked.seat(iom_).projects, 1);
  EXPECT_GT(earmarked.seat(transit).org_readmission, 0);
  EXPECT_EQ(earmarked.seat(iom_).earmarked_funding, 10);
  // Malformed funding changes nothing.
  EXPECT_TRUE(Rejected(&st(), dest, FundAction(iom_, 0, true), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), dest, FundAction(iom_, 5, false, iom_), mf::MALFORMED));
  EXPECT_TRUE(Rejected(&st(), dest, FundAction(transit, 5, true), mf::NOT_FOUND));
  // The capacity core funding built makes IOM's own later project stronger.
  ASSERT_TRUE(Accepted(&st(), iom_, ProjectAction(transit)));
  State weak = earmarked;
  ASSERT_TRUE(Accepted(&weak, iom_, ProjectAction(transit)));
  EXPECT_GT(st().seat(transit).org_readmission,
            weak.seat(transit).org_readmission - earmarked.seat(transit).org_readmission);
}

TEST_F(OrganisationsTest, ScoresAndRankingsArePerKind) {
  bots::MatchOptions options;
  options.seed = 3;
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (int s = 0; s < st().num_seats(); ++s) {
    owned.push_back(bots::MakeBot(s % 2 ? "cooperator" : "reciprocator"));
    seats.push_back(owned.back().get());
  }
  const bots::MatchResult m = bots::RunMatch(&st(), seats, options);
  ASSERT_TRUE(m.finished);
  const auto& scores = st().final_scores();
  int org_ranks = 0, state_ranks = 0;
  for (int s = 0; s < st().num_seats(); ++s) {
    (st().IsOrganisation(s) ? org_ranks : state_ranks) += scores[s].rank;
    EXPECT_GE(scores[s].total, 0);
    EXPECT_LE(scores[s].total, 100);
  }
  // Ranks 1..k within each kind.
  const int k = st().num_seats() - st().num_states();
  EXPECT_EQ(org_ranks, k * (k + 1) / 2);
  EXPECT_EQ(state_ranks, st().num_states() * (st().num_states() + 1) / 2);
  ASSERT_GE(st().winner(), 0);
  EXPECT_FALSE(st().IsOrganisation(st().winner()));
  ASSERT_GE(st().organisation_winner(), 0);
  EXPECT_TRUE(st().IsOrganisation(st().organisation_winner()));
  // The bots played the organisations: recommendations, lobbying, projects,
  // and the destinations funded them.
  int recs = 0, lobbies = 0, projects = 0, funded = 0;
  for (const EventRec& e : st().events()) {
    recs += e.type == EventType::kOrgRecommendation;
    lobbies += e.type == EventType::kLobbied;
    projects += e.type == EventType::kProject;
    funded += e.type == EventType::kFunded;
  }
  EXPECT_GT(recs, 0);
  EXPECT_GT(lobbies, 0);
  EXPECT_GT(projects, 0);
  EXPECT_GT(funded, 0);
  EXPECT_EQ(m.rejected, 0) << "a bot chose an action the engine refused";
  // The final view names both winners.
  mf::View v;
  MakeView(SeatView(st(), kFacilitatorView), &v);
  ASSERT_EQ(v.organisation_winners_size(), 1);
  EXPECT_EQ(v.organisation_winners(0), st().organisation_winner());
  EXPECT_GT(v.seats(iom_).projects() + v.seats(unhcr_).projects(), 0);
  // An organisation's score moves with what happened: IOM's mandate
  // indicator reads its projects.
  EXPECT_GT(scores[iom_].mandate, 0);
}

// Every organisation kind (workshop-30 seats all five): it may not vote or
// pledge, it may run a project, and the project builds its mandate's
// programme in the state.
TEST(OrganisationKinds, EachMandateCannotVoteAndItsProjectBuildsItsProgramme) {
  auto sc = LoadOrFail("workshop-30");
  ASSERT_TRUE(sc);
  int seen = 0;
  for (int org = 0; org < sc->num_seats(); ++org) {
    if (!sc->IsOrganisation(org)) continue;
    const mf::Mandate mandate = sc->seats()[org].mandate;
    SCOPED_TRACE(MandateName(mandate));
    ++seen;
    State st(sc, 11);
    ASSERT_TRUE(AdvanceUntil(&st, mf::DECISION));
    EXPECT_TRUE(Rejected(&st, org, VoteAction(mf::OBJECT), mf::NOT_ALLOWED));
    EXPECT_NE(st.Check(org, VoteAction(mf::OBJECT)).message.find("organisations do not vote"),
              std::string::npos);
    ASSERT_TRUE(AdvanceUntil(&st, mf::IMPLEMENTATION));
    EXPECT_TRUE(Rejected(&st, org, PledgeAction(1, 100), mf::NOT_ALLOWED));
    int state = 0;
    while (sc->IsOrganisation(state)) ++state;
    const SeatState before = st.seat(state);
    ASSERT_TRUE(Accepted(&st, org, ProjectAction(state)));
    const SeatState& after = st.seat(state);
    switch (mandate) {
      case mf::MANDATE_IOM:
        EXPECT_GT(after.org_readmission, before.org_readmission);
        break;
      case mf::MANDATE_ILO:
        EXPECT_GT(after.org_remit, before.org_remit);
        break;
      default:
        EXPECT_GT(after.org_rights, before.org_rights);
        break;
    }
    EXPECT_EQ(st.seat(org).projects, 1);
  }
  EXPECT_EQ(seen, 5);
}

}  // namespace
}  // namespace mf::rules
