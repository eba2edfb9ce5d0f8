// Campaigns (rules/campaign.h): what carries from one session to the next,
// checked in the engine, played here with bots (forumctl campaign's runner),
// and played end to end through forumd: three sessions, the same tokens, the
// carried state at the start of each later session equal to the end of the
// one before, the forum of session 2 the one 2006 chose, and the campaign's
// debrief.
#include <google/protobuf/text_format.h>

#include <cmath>

#include "bots/bot.h"
#include "rules/campaign.h"
#include "server_util.h"
#include "test_util.h"
#include "tools/debrief.h"

namespace mf::testing {
namespace {

// A finished bot game of `sc`.
std::unique_ptr<rules::State> Played(std::shared_ptr<const rules::Scenario> sc, uint64_t seed,
                                     const std::string& strategy = "reciprocator") {
  auto st = std::make_unique<rules::State>(sc, seed);
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (int i = 0; i < sc->num_seats(); ++i) {
    owned.push_back(bots::MakeBot(strategy));
    seats.push_back(owned.back().get());
  }
  bots::MatchOptions o;
  o.seed = seed;
  o.bot_seed = seed + 1;
  EXPECT_TRUE(bots::RunMatch(st.get(), seats, o).finished);
  return st;
}

// The carried state at the start of `next` equals the end of `ended` for
// every seat both seat: trust between them, their reputations, the regime.
void ExpectCarried(const rules::State& ended, const rules::State& next) {
  const std::vector<int> map = rules::SeatMap(ended.scenario(), next.scenario());
  int carried = 0;
  for (int i = 0; i < next.num_seats(); ++i) {
    if (map[i] < 0) continue;
    ++carried;
    for (int j = 0; j < next.num_seats(); ++j) {
      if (j != i && map[j] >= 0) {
        EXPECT_DOUBLE_EQ(next.trust(i, j), ended.trust(map[i], map[j]))
            << next.scenario().seats()[i].id << " in " << next.scenario().seats()[j].id;
      }
    }
    // Its reputation too: the new seats' trust in it makes up the rest, as far
    // as trust stays within [0, 1] (near the top it cannot).
    double among = 0;
    int fresh = 0;
    for (int j = 0; j < next.num_seats(); ++j) {
      if (j == i) continue;
      if (map[j] >= 0) among += next.trust(j, i);
      fresh += map[j] < 0;
    }
    const double each = (ended.reputation(map[i]) * (next.num_seats() - 1) - among) / fresh;
    if (fresh > 0 && each >= 0 && each <= 1) {
      EXPECT_NEAR(next.reputation(i), ended.reputation(map[i]), 1e-9)
          << next.scenario().seats()[i].id;
    } else {
      for (int j = 0; j < next.num_seats(); ++j) {
        if (j != i && map[j] < 0) EXPECT_DOUBLE_EQ(next.trust(j, i), each > 1 ? 1.0 : 0.0);
      }
    }
  }
  EXPECT_GE(carried, 2);
  EXPECT_DOUBLE_EQ(next.norms(), ended.norms());
  EXPECT_DOUBLE_EQ(next.rules_strength(), ended.rules_strength());
  EXPECT_DOUBLE_EQ(next.procedures(), ended.procedures());
}

TEST(CampaignTest, TheBuiltInCampaignLoadsAndItsScenariosShareSeatIds) {
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign("hld-2006-to-2013");
  ASSERT_TRUE(c.ok()) << (c.errors.empty() ? "" : c.errors[0]);
  ASSERT_EQ(c.campaign->sessions_size(), 3);
  EXPECT_EQ(c.campaign->sessions(0).scenario(), "hld-2006");
  EXPECT_EQ(c.campaign->sessions(1).scenario(), "gfmd-roundtables");
  EXPECT_EQ(c.campaign->sessions(2).scenario(), "hld-2013");
  // The states the article follows through sit in every session.
  auto a = LoadOrFail("hld-2006"), b = LoadOrFail("gfmd-roundtables"), d = LoadOrFail("hld-2013");
  for (const char* id : {"us", "mx", "ph", "bd", "se", "ch", "ma", "tr"}) {
    EXPECT_GE(a->SeatIndex(id), 0) << id;
    EXPECT_GE(b->SeatIndex(id), 0) << id;
    EXPECT_GE(d->SeatIndex(id), 0) << id;
  }
  EXPECT_FALSE(rules::LoadCampaign("id: \"x\" sessions { scenario: \"hld-2006\" }", "one").ok());
  EXPECT_FALSE(rules::LoadCampaign("id: \"x\" sessions { scenario: \"hld-2006\" } sessions { "
                                   "scenario: \"nowhere\" }",
                                   "bad")
                   .ok());
  EXPECT_FALSE(rules::LoadEmbeddedCampaign("no-such-campaign").ok());
}

TEST(CampaignTest, TrustRegimeReputationsAndTheForumCarryOver) {
  auto first = LoadOrFail("hld-2006");
  auto ended = Played(first, 3);
  ASSERT_GE(ended->forum_band(), 0) << "the follow-up is decided in the first cycle";
  auto gfmd = LoadOrFail("gfmd-roundtables");
  const mf::Carry carry = rules::CarryOver(*ended, *gfmd, "hld-2006-to-2013", 1, false);
  rules::LoadResult next = rules::WithCarry(*gfmd, carry, "gfmd (carried)");
  ASSERT_TRUE(next.ok()) << next.errors[0];
  rules::State st(next.scenario, 4);
  ExpectCarried(*ended, st);
  // The forum chosen in 2006 sets session 2's rule and forms.
  const rules::ThemeData::Forum& f =
      first->themes()[ended->forum_theme()].bands[ended->forum_band()].forum;
  EXPECT_EQ(st.forum_rule(), f.rule);
  EXPECT_EQ(st.allowed_forms(), f.forms);
  EXPECT_FALSE(carry.forum_label().empty());
  // The view says what carried and names the forum.
  mf::View v;
  rules::MakeView(rules::SeatView(st, rules::kFacilitatorView), &v);
  EXPECT_NE(v.carried().find("hld-2006"), std::string::npos) << v.carried();
  EXPECT_EQ(v.forum(), carry.forum_label());
  // The record replays from its scenario text (the carry is in it).
  rules::LoadResult again = rules::LoadScenario(next.scenario->text(), "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(rules::State(again.scenario, 4).Hash(), st.Hash());
}

// A body inside the UN (the follow-up's top band): majority voting and
// treaties in the GFMD session; an informal forum: consensus, non-binding.
TEST(CampaignTest, TheChosenBandSetsTheNextSessionsRules) {
  auto first = LoadOrFail("hld-2006");
  auto gfmd = LoadOrFail("gfmd-roundtables");
  const int theme = first->ThemeIndex("follow_up");
  ASSERT_GE(theme, 0);
  auto ended = Played(first, 5);
  for (int band = 0; band < static_cast<int>(first->themes()[theme].bands.size()); ++band) {
    mf::Carry carry = rules::CarryOver(*ended, *gfmd, "c", 1, false);
    const rules::ThemeData::Band& b = first->themes()[theme].bands[band];
    mf::ForumRules* fr = carry.mutable_forum();
    fr->Clear();
    fr->set_decision_rule(b.forum.rule);
    for (mf::Form form : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
      if ((b.forum.forms >> form) & 1) fr->add_allowed_forms(form);
    carry.set_forum_label(b.label);
    rules::LoadResult next = rules::WithCarry(*gfmd, carry, "gfmd");
    ASSERT_TRUE(next.ok()) << next.errors[0];
    rules::State st(next.scenario, 1);
    EXPECT_EQ(st.forum_rule(), b.forum.rule) << b.label;
    EXPECT_EQ(
        st.FormAllowed(mf::BINDING_CONVENTION),
        b.label.find("UN") != std::string::npos && b.label.find("outside") == std::string::npos)
        << b.label;
  }
  // hld-2013 keeps its own rules (own_rules): nothing of the forum carries.
  auto d = LoadOrFail("hld-2013");
  const mf::Carry own = rules::CarryOver(*ended, *d, "c", 2, true);
  EXPECT_FALSE(own.has_forum());
  rules::LoadResult r = rules::WithCarry(*d, own, "hld-2013");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(rules::State(r.scenario, 1).forum_rule(), d->decision_rule());
}

TEST(CampaignTest, ABadCarryIsRefusedWithItsField) {
  auto gfmd = LoadOrFail("gfmd-roundtables");
  auto refused = [&](std::function<void(mf::Carry*)> edit, const std::string& words) {
    mf::Scenario p = gfmd->proto();
    edit(p.mutable_carry());
    rules::LoadResult r = rules::LoadScenarioMessage(p, "carry");
    ASSERT_FALSE(r.ok()) << words;
    std::string all;
    for (const std::string& e : r.errors) all += e + "\n";
    EXPECT_NE(all.find(words), std::string::npos) << all;
  };
  refused([](mf::Carry* c) { c->add_seats()->set_id("zz"); }, "does not seat");
  refused(
      [](mf::Carry* c) {
        auto* t = c->add_trust();
        t->set_from("us");
        t->set_to("mx");
        t->set_trust(1.5);
      },
      "carried trust is in [0, 1]");
  refused([](mf::Carry* c) { c->mutable_regime()->set_norms(-0.1); }, "regime");
}

// Outside a campaign nothing changes: the same game bit for bit.
TEST(CampaignTest, AnEmptyCarryChangesNothing) {
  auto sc = LoadOrFail("hld-2013");
  rules::State plain(sc, 9);
  mf::Carry empty;
  rules::LoadResult r = rules::WithCarry(*sc, empty, "empty");
  ASSERT_TRUE(r.ok());
  rules::State carried(r.scenario, 9);
  EXPECT_DOUBLE_EQ(carried.regime(), plain.regime());
  EXPECT_DOUBLE_EQ(carried.mean_trust(), plain.mean_trust());
  for (int i = 0; i < sc->num_seats(); ++i)
    EXPECT_DOUBLE_EQ(carried.reputation(i), plain.reputation(i));
}

TEST(CampaignTest, PlaysHereWithBotsAndItsDebriefRenders) {
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign("hld-2006-to-2013");
  ASSERT_TRUE(c.ok());
  tools::Mix mix;
  std::string error;
  ASSERT_TRUE(tools::ParseMix(tools::kDefaultMix, &mix, &error)) << error;
  std::vector<tools::debrief::Record> records;
  ASSERT_TRUE(tools::debrief::PlayCampaign(*c.campaign, mix, 11, &records, &error)) << error;
  ASSERT_EQ(records.size(), 3u);
  std::vector<tools::debrief::Model> models(3);
  std::vector<tools::debrief::CampaignSessionPage> pages;
  for (size_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(tools::debrief::BuildModel(records[k], &models[k], &error)) << error;
    EXPECT_TRUE(models[k].finished);
    pages.push_back({&models[k], "session-" + std::to_string(k + 1) + "/index.html"});
  }
  // A state keeps its strategy through the campaign.
  EXPECT_EQ(records[0].strategies[static_cast<size_t>(models[0].scenario->SeatIndex("mx"))],
            records[2].strategies[static_cast<size_t>(models[2].scenario->SeatIndex("mx"))]);
  EXPECT_FALSE(models[0].scenario->proto().has_carry());
  EXPECT_TRUE(models[1].scenario->proto().has_carry());
  EXPECT_TRUE(models[2].scenario->proto().has_carry());
  const std::string html = tools::debrief::CampaignHtml(*c.campaign, pages);
  for (const char* s : {"Session 1:", "Session 2:", "Session 3:", "What carried in",
                        "nothing carried in", "The states across the campaign", "Mexico"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

// The campaign through forumd: three sessions one after the other, the
// facilitator's token and a seat's token reaching the later sessions.
TEST(CampaignServerTest, ThreeSessionsEndToEndWithWhatCarriesOver) {
  ScratchDir dir;
  auto server = StartServer(TestOptions(dir.path()));
  ASSERT_TRUE(server);
  Client client(server->address());
  auto first = LoadOrFail("hld-2006");
  const int mx = first->SeatIndex("mx"), au = first->SeatIndex("au");
  // Every seat a bot but Mexico's, which a person joins and then hands to a bot.
  std::vector<int> bots;
  for (int i = 0; i < first->num_seats(); ++i)
    if (i != mx) bots.push_back(i);
  auto created = client.Create("", bots, 21, [](mf::CreateSessionRequest* r) {
    r->set_campaign("hld-2006-to-2013");
    r->set_start_paused(true);
  });
  ASSERT_FALSE(created.session().empty());
  EXPECT_EQ(created.campaign(), "hld-2006-to-2013");
  const std::string fac = created.facilitator_token();
  const std::string mx_token = client.JoinOk(created.join_code(), mx);
  const std::string au_token = client.JoinOk(created.join_code(), au);
  // Joining a bot's seat takes it over: both go back to bots.
  for (int seat : {mx, au}) {
    mf::Action to_bot;
    to_bot.mutable_set_bot()->set_seat(seat);
    to_bot.mutable_set_bot()->set_bot(true);
    ASSERT_TRUE(client.Facilitate(created.session(), fac, to_bot, "reciprocator").ok());
  }
  mf::Action resume;
  resume.mutable_resume();

  std::vector<std::string> ids{created.session()};
  std::vector<mf::GetRecordResponse> records;
  for (int k = 0; k < 3; ++k) {
    const std::string id = ids.back();
    // A later session is stored moments after the notice that names it.
    for (int tries = 0; k > 0 && tries < 200; ++tries) {
      mf::GetRosterRequest req;
      req.set_session(id);
      grpc::ClientContext ctx;
      net::Authorize(&ctx, fac);  // The first session's facilitator token.
      mf::Roster roster;
      if (client.stub()->GetRoster(&ctx, req, &roster).ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Watcher w(client.stub(), id, fac);
    ASSERT_TRUE(w.WaitView([](const mf::View&) { return true; })) << "session " << k + 1;
    // Every session starts paused (the campaign's options carry over).
    ASSERT_TRUE(client.Facilitate(id, fac, resume).ok()) << "session " << k + 1;
    auto over = w.WaitFor(
        [](const mf::ServerEvent& e) {
          return e.has_notice() && e.notice().kind() == mf::Notice::GAME_OVER;
        },
        std::chrono::seconds(300));
    ASSERT_TRUE(over) << "session " << k + 1 << " did not end";
    if (k < 2) {
      ASSERT_FALSE(over->notice().next_session().empty()) << "session " << k + 1;
      ids.push_back(over->notice().next_session());
    } else {
      EXPECT_TRUE(over->notice().next_session().empty());
    }
    records.push_back(client.Record(id, fac));
  }
  ASSERT_EQ(records.size(), 3u);

  // Each later record carries its carry, replays, and starts from the end of
  // the one before.
  std::vector<std::unique_ptr<rules::State>> ends;
  for (int k = 0; k < 3; ++k) {
    const mf::GetRecordResponse& r = records[static_cast<size_t>(k)];
    EXPECT_EQ(r.log().has_carry(), k > 0) << k;
    rules::LoadResult sc = rules::LoadScenario(r.log().scenario_text(), "record");
    ASSERT_TRUE(sc.ok());
    std::vector<rules::LoggedAction> log;
    std::string error;
    ASSERT_TRUE(rules::FromGameLog(r.log(), *sc.scenario, &log, &error)) << error;
    rules::State start(sc.scenario, r.log().seed());
    if (k > 0) {
      ExpectCarried(*ends.back(), start);
      EXPECT_EQ(r.log().carry().stage(), k);
    }
    if (k == 1) {
      // The forum 2006 chose sets session 2's rule and forms.
      const rules::State& e = *ends.back();
      ASSERT_GE(e.forum_band(), 0);
      const rules::ThemeData::Forum& f =
          e.scenario().themes()[e.forum_theme()].bands[e.forum_band()].forum;
      EXPECT_EQ(start.forum_rule(), f.rule);
      EXPECT_EQ(start.allowed_forms(), f.forms);
    }
    auto end = std::make_unique<rules::State>(start);
    ASSERT_TRUE(rules::Replay(end.get(), log, &error)) << error;
    EXPECT_TRUE(end->IsTerminal());
    ends.push_back(std::move(end));
  }

  // Mexico's token from 2006 subscribes to the later sessions as Mexico;
  // Australia, not seated at the GFMD, cannot.
  {
    Watcher w(client.stub(), ids[1], mx_token);
    auto v = w.WaitView([](const mf::View&) { return true; });
    ASSERT_TRUE(v);
    EXPECT_EQ(v->viewer(), ends[1]->scenario().SeatIndex("mx"));
    EXPECT_FALSE(v->carried().empty());
  }
  {
    mf::GetRecordRequest req;
    req.set_session(ids[1]);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, au_token);
    mf::GetRecordResponse resp;
    EXPECT_EQ(client.stub()->GetRecord(&ctx, req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // The sessions list names the chain.
  {
    mf::ListSessionsRequest req;
    req.set_include_finished(true);
    grpc::ClientContext ctx;
    net::Authorize(&ctx, fac);
    mf::ListSessionsResponse resp;
    ASSERT_TRUE(client.stub()->ListSessions(&ctx, req, &resp).ok());
    int seen = 0;
    for (const mf::SessionSummary& s : resp.sessions()) {
      if (s.campaign() != "hld-2006-to-2013") continue;
      ++seen;
      const int k = s.campaign_stage();
      ASSERT_TRUE(k >= 0 && k < 3);
      EXPECT_EQ(s.session(), ids[static_cast<size_t>(k)]);
      EXPECT_EQ(s.previous_session(), k > 0 ? ids[static_cast<size_t>(k - 1)] : "");
      EXPECT_EQ(s.next_session(), k < 2 ? ids[static_cast<size_t>(k + 1)] : "");
    }
    EXPECT_EQ(seen, 3);
  }

  // The campaign's debrief from the three records.
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign("hld-2006-to-2013");
  ASSERT_TRUE(c.ok());
  std::vector<tools::debrief::Model> models(3);
  std::vector<tools::debrief::CampaignSessionPage> pages;
  for (size_t k = 0; k < 3; ++k) {
    tools::debrief::Record rec;
    std::string error;
    ASSERT_TRUE(tools::debrief::RecordFromGameLog(records[k].log(), &rec, &error)) << error;
    ASSERT_TRUE(tools::debrief::BuildModel(rec, &models[k], &error)) << error;
    EXPECT_EQ(models[k].replay_error, "");
    pages.push_back({&models[k], ""});
  }
  const std::string html = tools::debrief::CampaignHtml(*c.campaign, pages);
  for (const char* s : {"Session 3:", "What carried in", "Carried over from hld-2006",
                        "Carried over from gfmd-roundtables"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace mf::testing
