// Random play over every embedded scenario: games end, scores and ranks are
// well formed, logs replay bit for bit, the engine is deterministic, random
// illegal actions never change the state, every listed legal action passes
// Check and survives the wire format, and no view leaks another seat's
// brief or deals.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <set>
#include <string>
#include <vector>

#include "rules/catalogue.h"
#include "rules/playout.h"
#include "rules/rng.h"
#include "rules/state.h"
#include "rules/view.h"
#include "test_scale.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using mf::testing::LoadOrFail;
using mf::testing::RuleErrorName;

// Seeds per scenario. The whole file runs in a few seconds on two cores in a
// RelWithDebInfo build; views are the expensive part and are sampled.
// MF_TEST_SCALE scales them (the sanitizer passes run fewer).
const uint64_t kGames = static_cast<uint64_t>(mf::testing::Scaled(300, 30));
const uint64_t kIllegalGames = static_cast<uint64_t>(mf::testing::Scaled(12, 3));
const uint64_t kLegalCheckGames = static_cast<uint64_t>(mf::testing::Scaled(20, 5));
const uint64_t kViewGames = static_cast<uint64_t>(mf::testing::Scaled(12, 3));

std::string Describe(const State& st, int actor, const Action& a) {
  return "seed " + std::to_string(st.seed()) + " cycle " + std::to_string(st.cycle()) + " " +
         PhaseName(st.phase()) + ": actor " + std::to_string(actor) + " '" +
         DescribeAction(a, st.scenario()) + "'";
}

class RandomPlay : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    sc_ = LoadOrFail(GetParam());
    ASSERT_TRUE(sc_);
  }
  // An upper bound on the actions of a game: per phase, each seat has its
  // capped actions, a ready, votes and ratifications; deliveries are per deal.
  size_t Bound(const State& end) const {
    size_t phases = 1;
    for (const auto& items : sc_->agenda()) phases += 3 + 3 * items.size();
    return phases * sc_->num_seats() * (sc_->params().max_actions_per_phase + 6) +
           2 * end.deals().size();
  }
  // One step of a random legal player (as RandomPlayout does).
  ::testing::AssertionResult LegalStep(State* st, Rng* rng, std::vector<LoggedAction>* log) {
    std::vector<int> pending;
    for (int s = 0; s < st->num_seats(); ++s)
      if (!st->seat(s).ready) pending.push_back(s);
    if (pending.empty()) return ::testing::AssertionFailure() << "no seat is pending";
    const int seat = pending[rng->Below(static_cast<uint32_t>(pending.size()))];
    std::vector<Action> legal;
    st->LegalActions(seat, &legal);
    if (legal.empty()) return ::testing::AssertionFailure() << "seat " << seat << " has no action";
    const Action a = legal[rng->Below(static_cast<uint32_t>(legal.size()))];
    Result r = st->Apply(seat, a);
    if (!r.ok())
      return ::testing::AssertionFailure() << Describe(*st, seat, a) << " listed as legal but "
                                           << RuleErrorName(r.code) << ": " << r.message;
    log->push_back({seat, a});
    return ::testing::AssertionSuccess();
  }

  std::shared_ptr<const Scenario> sc_;
};

// ---------------------------------------------------------------------------
// Whole games
// ---------------------------------------------------------------------------

TEST_P(RandomPlay, GamesEndWithValidScoresAndReplayExactly) {
  const int n = sc_->num_seats();
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= kGames; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    State st(sc_, seed);
    std::vector<LoggedAction> log;
    const int steps = RandomPlayout(&st, seed, &log);
    ASSERT_TRUE(st.IsTerminal()) << "stopped after " << steps << " actions in "
                                 << PhaseName(st.phase());
    ASSERT_EQ(static_cast<size_t>(steps), log.size());
    ASSERT_LE(log.size(), Bound(st));
    EXPECT_EQ(st.cycle(), sc_->cycles());
    EXPECT_EQ(static_cast<int>(st.history().size()), sc_->cycles());

    const std::vector<ScoreBreakdown>& scores = st.final_scores();
    ASSERT_EQ(static_cast<int>(scores.size()), n);
    std::vector<int> ranks;
    for (const ScoreBreakdown& b : scores) {
      EXPECT_GE(b.total, 0.0);
      EXPECT_LE(b.total, 100.0);
      EXPECT_GE(b.raw, 0.0);
      EXPECT_LE(b.raw, 100.0);
      for (double part : {b.interest, b.economy, b.approval, b.reputation, b.shared}) {
        EXPECT_GE(part, 0.0);
        EXPECT_LE(part, 1.0);
      }
      EXPECT_GE(b.sovereignty, 0.0);
    }
    // States and organisations are ranked apart: each kind's ranks are a
    // permutation of 1..its seats, in the order of the totals.
    for (bool orgs : {false, true}) {
      ranks.clear();
      for (int i = 0; i < n; ++i)
        if (sc_->IsOrganisation(i) == orgs) ranks.push_back(scores[i].rank);
      std::sort(ranks.begin(), ranks.end());
      for (size_t i = 0; i < ranks.size(); ++i)
        ASSERT_EQ(ranks[i], static_cast<int>(i) + 1) << "ranks are not a permutation";
    }
    ASSERT_GE(st.winner(), 0);
    EXPECT_FALSE(sc_->IsOrganisation(st.winner()));
    EXPECT_EQ(scores[st.winner()].rank, 1);
    if (sc_->organisation_mask() != 0) {
      ASSERT_GE(st.organisation_winner(), 0);
      EXPECT_TRUE(sc_->IsOrganisation(st.organisation_winner()));
      EXPECT_EQ(scores[st.organisation_winner()].rank, 1);
    }
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (sc_->IsOrganisation(i) == sc_->IsOrganisation(j) && scores[i].rank < scores[j].rank) {
          ASSERT_GE(scores[i].total, scores[j].total);
        }

    // The log replays to the same state on a fresh game.
    State replayed(sc_, seed);
    std::string error;
    ASSERT_TRUE(Replay(&replayed, log, &error)) << error;
    ASSERT_EQ(replayed.Hash(), st.Hash());
    ASSERT_EQ(replayed.version(), st.version());
    // The same seed plays the same game.
    State again(sc_, seed);
    RandomPlayout(&again, seed, nullptr);
    ASSERT_EQ(again.Hash(), st.Hash());
    hashes.insert(st.Hash());
  }
  EXPECT_EQ(hashes.size(), kGames) << "different seeds gave identical games";
}

TEST_P(RandomPlay, GameLogRoundTrip) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    State st(sc_, seed);
    std::vector<LoggedAction> log;
    RandomPlayout(&st, seed, &log);
    mf::GameLog gl;
    ToGameLog(st, log, &gl);
    EXPECT_EQ(gl.scenario(), sc_->id());
    EXPECT_EQ(gl.seed(), seed);
    EXPECT_EQ(gl.scenario_text(), sc_->text());
    ASSERT_EQ(gl.entries_size(), static_cast<int>(log.size()));
    // Through the text format, as forumctl writes it.
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(gl, &text));
    mf::GameLog parsed;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &parsed));
    LoadResult r = LoadScenario(parsed.scenario_text(), "log");
    ASSERT_TRUE(r.ok());
    std::vector<LoggedAction> back;
    std::string error;
    ASSERT_TRUE(FromGameLog(parsed, *r.scenario, &back, &error)) << error;
    ASSERT_EQ(back.size(), log.size());
    for (size_t i = 0; i < log.size(); ++i) {
      ASSERT_EQ(back[i].actor, log[i].actor) << "entry " << i;
      ASSERT_TRUE(back[i].action == log[i].action)
          << "entry " << i << ": " << DescribeAction(log[i].action, *sc_);
    }
    State replayed(r.scenario, parsed.seed());
    ASSERT_TRUE(Replay(&replayed, back, &error)) << error;
    EXPECT_EQ(replayed.Hash(), st.Hash());
  }
}

TEST_P(RandomPlay, MalformedGameLogsAreRefused) {
  State st(sc_, 5);
  std::vector<LoggedAction> log;
  RandomPlayout(&st, 5, &log, 40);
  mf::GameLog gl;
  ToGameLog(st, log, &gl);
  ASSERT_GE(gl.entries_size(), 10);
  std::vector<LoggedAction> back;
  std::string error;
  mf::GameLog no_actor = gl;
  no_actor.mutable_entries(3)->clear_actor();
  EXPECT_FALSE(FromGameLog(no_actor, *sc_, &back, &error));
  EXPECT_NE(error.find("entry 3"), std::string::npos) << error;
  mf::GameLog no_kind = gl;
  no_kind.mutable_entries(7)->clear_action();
  error.clear();
  EXPECT_FALSE(FromGameLog(no_kind, *sc_, &back, &error));
  EXPECT_NE(error.find("entry 7"), std::string::npos) << error;
  // A log whose entry is refused by the engine stops the replay there.
  ASSERT_TRUE(FromGameLog(gl, *sc_, &back, &error)) << error;
  back.insert(back.begin() + 2, LoggedAction{kClock, mf::testing::TimeoutAction(-5)});
  State replayed(sc_, 5);
  error.clear();
  EXPECT_FALSE(Replay(&replayed, back, &error));
  EXPECT_NE(error.find("entry 2"), std::string::npos) << error;
}

// ---------------------------------------------------------------------------
// Random illegal actions between the legal ones
// ---------------------------------------------------------------------------

int Pick(Rng* rng, std::initializer_list<int> values) {
  return values.begin()[rng->Below(static_cast<uint32_t>(values.size()))];
}

// An id that may or may not exist: texts, deals, amendments, recommendations.
int RandomId(const State& st, Rng* rng) {
  std::vector<int> ids = {0, -1, 1, 2, INT_MAX, INT_MIN, 1000};
  for (const Text& t : st.texts()) ids.push_back(t.id);
  for (const Deal& d : st.deals()) ids.push_back(d.id);
  for (const Amendment& m : st.amendments()) ids.push_back(m.id);
  for (const Recommendation& r : st.recommendations()) ids.push_back(r.id);
  // Near-miss ids (one off an existing one), without overflowing the extremes.
  const long long id = static_cast<long long>(ids[rng->Below(static_cast<uint32_t>(ids.size()))]) +
                       Pick(rng, {0, 0, 0, 1, -1});
  return static_cast<int>(std::clamp<long long>(id, INT_MIN, INT_MAX));
}

Terms RandomTerms(const State& st, Rng* rng) {
  Terms t;
  if (rng->Below(2)) t.capital = Pick(rng, {-1, 0, 1, 3, 20, 21, INT_MAX});
  if (rng->Below(3) == 0) t.aid = Pick(rng, {-5, 0, 5, 25});
  if (rng->Below(3) == 0) t.visas = Pick(rng, {-5, 0, 5, 25});
  t.readmission = rng->Below(4) == 0;
  if (rng->Below(3) == 0) t.stance_text = RandomId(st, rng);
  if (rng->Below(3) == 0) t.stance = static_cast<mf::VoteChoice>(rng->Below(5));
  return t;
}

// A random action, mostly nonsense, with a random actor.
Action RandomAction(const State& st, Rng* rng, int* actor) {
  const int n = st.num_seats();
  Action a;
  if (rng->Below(4) == 0) {
    // A legal action of one seat, tried by someone else or perturbed.
    const int seat = static_cast<int>(rng->Below(static_cast<uint32_t>(n)));
    std::vector<Action> legal;
    st.LegalActions(seat, &legal);
    if (!legal.empty()) {
      a = legal[rng->Below(static_cast<uint32_t>(legal.size()))];
      *actor = Pick(rng, {kFacilitator, kClock, -3, n, (seat + 1) % n});
      if (rng->Below(2)) {
        *actor = seat;
        a.id = RandomId(st, rng);
        a.position = Pick(rng, {-2, 101, 1000});
      }
      return a;
    }
  }
  // Any oneof field number up to 41: every kind, and numbers that are none.
  a.type = static_cast<ActionType>(rng->Below(42));
  a.id = RandomId(st, rng);
  a.seat = static_cast<int>(rng->Below(static_cast<uint32_t>(n + 4))) - 2;
  a.position = Pick(rng, {-5, -1, 0, 37, 100, 101, INT_MIN});
  a.level = Pick(rng, {-10, 0, 50, 100, 101, 3600, 3601, INT_MAX});
  a.theme = static_cast<int>(rng->Below(static_cast<uint32_t>(st.scenario().num_themes() + 3))) - 2;
  a.corridor =
      static_cast<int>(rng->Below(static_cast<uint32_t>(st.scenario().num_corridors() + 3))) - 2;
  a.flag = rng->Below(2) != 0;
  a.form = static_cast<mf::Form>(Pick(rng, {0, 1, 2, 3, 4, 7}));
  a.vote = static_cast<mf::VoteChoice>(Pick(rng, {0, 1, 2, 3, 4}));
  a.event = static_cast<mf::EventKind>(Pick(rng, {0, 1, 5, 8, 9, 42}));
  a.add = static_cast<CommitmentSet>(rng->Below(256));
  a.remove = static_cast<CommitmentSet>(rng->Below(256));
  a.give = RandomTerms(st, rng);
  a.ask = RandomTerms(st, rng);
  switch (rng->Below(5)) {
    case 0:
      a.text = std::string(281, 'a');
      break;
    case 1:
      a.text = "\xc3\x28 broken";
      break;
    case 2:
      a.text = std::string("nul\0inside", 10);
      break;
    default:
      a.text = "fine words";
  }
  *actor = static_cast<int>(rng->Below(static_cast<uint32_t>(n + 4))) - 3;  // -3 .. n
  if (*actor == kClock && rng->Below(2)) {
    a.type = ActionType::kTimeout;
    a.id = st.phase_serial() - 1 - static_cast<int>(rng->Below(5));  // Stale.
  }
  if (rng->Below(20) == 0) {
    // A kind no entry declares. Only values inside the enum's range (0..63:
    // its largest field number is 40) may be formed; any other value would
    // be undefined behaviour in C++ itself, which UBSan reports.
    int v = 0;
    do v = static_cast<int>(rng->Below(64));
    while (FindSpec(static_cast<ActionType>(v)) != nullptr);
    a.type = static_cast<ActionType>(v);
  }
  return a;
}

TEST_P(RandomPlay, IllegalActionsNeverChangeTheState) {
  int rejected = 0, accepted = 0;
  std::set<int> codes;
  for (uint64_t seed = 1; seed <= kIllegalGames; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    State st(sc_, seed);
    Rng rng(seed * 7919 + 13);
    std::vector<LoggedAction> log;
    size_t guard = 0;
    while (!st.IsTerminal()) {
      ASSERT_LT(++guard, 100000u);
      if (st.paused()) {
        ASSERT_TRUE(mf::testing::Accepted(&st, kFacilitator, Action::Make(ActionType::kResume)));
        log.push_back({kFacilitator, Action::Make(ActionType::kResume)});
      }
      for (int k = 0; k < 3 && !st.IsTerminal(); ++k) {
        int actor = 0;
        const Action a = RandomAction(st, &rng, &actor);
        const uint64_t hash = st.Hash();
        const uint64_t version = st.version();
        const Result checked = st.Check(actor, a);
        ASSERT_EQ(st.Hash(), hash) << "Check changed the state: " << Describe(st, actor, a);
        const std::string what = Describe(st, actor, a);
        const Result r = st.Apply(actor, a);
        ASSERT_EQ(checked.code, r.code) << what << ": Check and Apply disagree";
        if (r.ok()) {
          ++accepted;
          ASSERT_EQ(st.version(), version + 1) << what;
          ASSERT_NE(st.Hash(), hash) << what;
          log.push_back({actor, a});
        } else {
          ++rejected;
          codes.insert(r.code);
          ASSERT_EQ(st.Hash(), hash)
              << what << " was refused (" << r.message << ") but changed the state";
          ASSERT_EQ(st.version(), version) << what;
          ASSERT_FALSE(r.message.empty()) << what << " was refused without a message";
        }
      }
      if (st.IsTerminal() || st.paused()) continue;
      ASSERT_TRUE(LegalStep(&st, &rng, &log));
    }
    // After the end, everything is refused.
    for (int k = 0; k < 20; ++k) {
      int actor = 0;
      const Action a = RandomAction(st, &rng, &actor);
      const uint64_t hash = st.Hash();
      const Result r = st.Apply(actor, a);
      ASSERT_FALSE(r.ok()) << Describe(st, actor, a) << " accepted after the end";
      ASSERT_FALSE(r.message.empty());
      ASSERT_EQ(st.Hash(), hash);
      codes.insert(r.code);
    }
    // Whatever was accepted replays, through the wire format too.
    mf::GameLog gl;
    ToGameLog(st, log, &gl);
    std::vector<LoggedAction> back;
    std::string error;
    ASSERT_TRUE(FromGameLog(gl, *sc_, &back, &error)) << error;
    State replayed(sc_, seed);
    ASSERT_TRUE(Replay(&replayed, back, &error)) << error;
    ASSERT_EQ(replayed.Hash(), st.Hash());
  }
  EXPECT_GT(rejected, accepted) << "the generator should mostly produce illegal actions";
  // The generator reaches the main kinds of refusal.
  for (mf::RuleError e : {mf::MALFORMED, mf::WRONG_PHASE, mf::NOT_YOUR_TURN, mf::NOT_FOUND,
                          mf::STALE, mf::ALREADY_DONE, mf::GAME_OVER_ERROR})
    EXPECT_TRUE(codes.count(e)) << RuleErrorName(e) << " never produced";
}

// ---------------------------------------------------------------------------
// Legal actions: Check accepts them, and they survive the wire format
// ---------------------------------------------------------------------------

TEST_P(RandomPlay, EveryListedLegalActionPassesCheckAndRoundTrips) {
  size_t checked = 0;
  std::set<int> types;
  for (uint64_t seed = 1; seed <= kLegalCheckGames; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    State st(sc_, seed);
    Rng rng(seed + 99);
    std::vector<LoggedAction> log;
    std::vector<Action> legal;
    while (!st.IsTerminal()) {
      ASSERT_LT(log.size(), 100000u);
      // Every seat at every step in the first game; then two random seats.
      const bool all = seed == 1;
      for (int k = 0; k < (all ? st.num_seats() : 2); ++k) {
        const int s = all ? k : static_cast<int>(rng.Below(static_cast<uint32_t>(st.num_seats())));
        st.LegalActions(s, &legal);
        if (!st.seat(s).ready) {
          ASSERT_FALSE(legal.empty()) << "seat " << s << " is pending but has no action";
        }
        for (const Action& a : legal) {
          const Result r = st.Check(s, a);
          ASSERT_TRUE(r.ok()) << Describe(st, s, a) << " is listed but Check says "
                              << RuleErrorName(r.code) << ": " << r.message;
          mf::Action wire;
          ActionToProto(a, *sc_, &wire);
          ASSERT_NE(wire.kind_case(), mf::Action::KIND_NOT_SET);
          Action back;
          std::string error;
          ASSERT_TRUE(ActionFromProto(wire, *sc_, &back, &error))
              << Describe(st, s, a) << ": " << error;
          ASSERT_TRUE(back == a) << Describe(st, s, a)
                                 << " changed on the wire: " << DescribeAction(back, *sc_);
          types.insert(static_cast<int>(a.type));
          ++checked;
        }
      }
      // Sometimes apply every legal action of one seat to a copy.
      if (rng.Below(8) == 0) {
        const int s = static_cast<int>(rng.Below(static_cast<uint32_t>(st.num_seats())));
        st.LegalActions(s, &legal);
        for (const Action& a : legal) {
          State copy = st;
          const Result r = copy.Apply(s, a);
          ASSERT_TRUE(r.ok()) << Describe(st, s, a) << ": " << r.message;
        }
      }
      ASSERT_TRUE(LegalStep(&st, &rng, &log));
    }
    std::vector<Action> none;
    st.LegalActions(-1, &none);
    EXPECT_TRUE(none.empty());
    st.LegalActions(st.num_seats(), &none);
    EXPECT_TRUE(none.empty());
  }
  EXPECT_GT(checked, 1000u);
  // Random play reaches most kinds of seat action.
  EXPECT_GE(types.size(), 12u);
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

// Checks every viewer's view of `st`; `full` also checks every seat (else one).
// Equal messages: their deterministic encodings are equal (the generated
// serializer; MessageDifferencer's reflection made the every-seat game take
// minutes under AddressSanitizer).
bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string x, y;
  {
    google::protobuf::io::StringOutputStream out(&x);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    a.SerializeToCodedStream(&coded);
  }
  {
    google::protobuf::io::StringOutputStream out(&y);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    b.SerializeToCodedStream(&coded);
  }
  return a.GetDescriptor() == b.GetDescriptor() && x == y;
}

::testing::AssertionResult ViewsAreSound(const State& st, Rng* rng, bool full) {
  const int n = st.num_seats();
  // Reused between calls: Clear() keeps the memory, which makes views cheap.
  static mf::View fac, spec, v;
  MakeView(SeatView(st, kFacilitatorView), &fac);
  if (fac.all_briefs_size() != n) return ::testing::AssertionFailure() << "facilitator briefs";
  if (fac.deals_size() != static_cast<int>(st.deals().size()))
    return ::testing::AssertionFailure()
           << "facilitator sees " << fac.deals_size() << " of " << st.deals().size() << " deals";
  if (fac.state_hash() != st.Hash()) return ::testing::AssertionFailure() << "facilitator hash";
  if (fac.viewer() != kFacilitatorView) return ::testing::AssertionFailure() << "viewer";

  MakeView(SeatView(st, kSpectatorView), &spec);
  if (spec.has_brief() && spec.brief().ByteSizeLong() != 0)
    return ::testing::AssertionFailure() << "spectator sees a brief";
  if (spec.all_briefs_size() || spec.deals_size() || spec.state_hash())
    return ::testing::AssertionFailure() << "spectator sees private data";
  for (const mf::Event& e : spec.events())
    if (e.private_to_size()) return ::testing::AssertionFailure() << "spectator private event";
  if (!st.IsTerminal() && spec.scores_size())
    return ::testing::AssertionFailure() << "spectator sees running scores";

  const int first = full ? 0 : static_cast<int>(rng->Below(static_cast<uint32_t>(n)));
  const int last = full ? n : first + 1;
  for (int s = first; s < last; ++s) {
    MakeView(SeatView(st, s), &v);
    if (v.viewer() != s) return ::testing::AssertionFailure() << "viewer " << v.viewer();
    // The view of a change (what forumd sends after a stream's first view)
    // is the whole view without its static fields and with fewer events.
    static mf::View change, expected;
    ViewParts parts;
    parts.static_fields = false;
    parts.max_events = 5;
    MakeView(SeatView(st, s), &change, parts);
    expected = v;
    rules::ClearStaticFields(&expected);
    if (expected.events_size() > parts.max_events)
      expected.mutable_events()->DeleteSubrange(0, expected.events_size() - parts.max_events);
    if (!SameMessage(change, expected))
      return ::testing::AssertionFailure() << "seat " << s << ": the view of a change differs";
    // What forumd sends: the part every viewer sees alike (built once per
    // change, here from the spectator's view) followed by the seat's own
    // part parses as the view of a change; the static fields alone followed
    // by both, as the whole view.
    static mf::View shared_part, own_part, statics, joined;
    ViewParts shared_only = parts, own_only = parts, static_only;
    shared_only.own = false;
    own_only.shared = false;
    static_only.dynamic = false;
    MakeView(SeatView(st, kSpectatorView), &shared_part, shared_only);
    MakeView(SeatView(st, s), &own_part, own_only);
    MakeView(SeatView(st, s), &statics, static_only);
    if (!joined.ParseFromString(shared_part.SerializeAsString() + own_part.SerializeAsString()) ||
        !SameMessage(joined, change))
      return ::testing::AssertionFailure() << "seat " << s << ": shared + own part differ";
    if (own_part.seats_size() || own_part.version() || shared_part.viewer() ||
        shared_part.verdicts_size() || shared_part.deals_size() || shared_part.scores_size())
      return ::testing::AssertionFailure() << "seat " << s << ": a field in the wrong part";
    if (!joined.ParseFromString(statics.SerializeAsString() + shared_part.SerializeAsString() +
                                own_part.SerializeAsString()) ||
        (rules::CopyStaticFields(v, &change), !SameMessage(joined, change)))
      return ::testing::AssertionFailure() << "seat " << s << ": static + shared + own differ";
    // And a client completing it from the first view gets the whole view back.
    rules::CopyStaticFields(v, &change);
    expected = v;
    if (expected.events_size() > parts.max_events)
      expected.mutable_events()->DeleteSubrange(0, expected.events_size() - parts.max_events);
    if (!SameMessage(change, expected))
      return ::testing::AssertionFailure() << "seat " << s << ": a completed view differs";
    if (v.all_briefs_size() != 0)
      return ::testing::AssertionFailure() << "seat " << s << " sees all briefs";
    if (!SameMessage(v.brief(), fac.all_briefs(s)))
      return ::testing::AssertionFailure() << "seat " << s << " brief is not its own";
    if (v.brief().stances_size() != st.scenario().num_themes())
      return ::testing::AssertionFailure() << "seat " << s << " brief incomplete";
    if (v.state_hash() != 0) return ::testing::AssertionFailure() << "seat sees the hash";
    int own_deals = 0;
    for (const Deal& d : st.deals()) own_deals += d.from == s || d.to == s;
    if (v.deals_size() != own_deals)
      return ::testing::AssertionFailure()
             << "seat " << s << " sees " << v.deals_size() << " deals, has " << own_deals;
    for (const mf::DealView& d : v.deals())
      if (d.from() != s && d.to() != s)
        return ::testing::AssertionFailure() << "seat " << s << " sees deal " << d.id() << " of "
                                             << d.from() << " and " << d.to();
    for (const mf::Event& e : v.events()) {
      if (e.private_to_size() == 0) continue;
      bool mine = false;
      for (int p : e.private_to()) mine |= p == s;
      if (!mine)
        return ::testing::AssertionFailure() << "seat " << s << " sees private event: " << e.text();
    }
    if (!st.IsTerminal()) {
      if (v.scores_size() != 1 || v.scores(0).seat() != s)
        return ::testing::AssertionFailure() << "seat " << s << " sees others' running scores";
    } else if (v.scores_size() != n) {
      return ::testing::AssertionFailure() << "final scores are public";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST_P(RandomPlay, ViewsNeverLeakBriefsOrDeals) {
  size_t deals = 0;
  for (uint64_t seed = 1; seed <= kViewGames; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    State st(sc_, seed);
    Rng rng(seed * 31 + 7);
    std::vector<LoggedAction> log;
    // Every seat at every step in one game (at every 4th step when the
    // suite is scaled down, as under the sanitizers).
    const bool full_game = seed == 1;
    const uint64_t full_every = mf::testing::TestScale() < 1 ? 4 : 1;
    for (uint64_t step = 0; !st.IsTerminal(); ++step) {
      ASSERT_TRUE(ViewsAreSound(st, &rng, full_game && step % full_every == 0));
      ASSERT_TRUE(LegalStep(&st, &rng, &log));
    }
    ASSERT_TRUE(ViewsAreSound(st, &rng, true));
    deals += st.deals().size();
  }
  EXPECT_GT(deals, 0u) << "no deals were made: the deal checks meant nothing";
}

INSTANTIATE_TEST_SUITE_P(All, RandomPlay, ::testing::ValuesIn(mf::testing::EmbeddedNames()),
                         mf::testing::ScenarioTestName);

}  // namespace
}  // namespace mf::rules
