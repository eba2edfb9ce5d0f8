// The conformance suite of the action catalogue, generated from it: every
// kind in rules/catalogue.h gets these tests by being in the catalogue, with
// no test written for it (like OpenSpiel's RandomSimTest for every game).
//
// For each kind, over random games of every scenario (with the facilitator
// pausing, resuming, extending and injecting events now and then):
//   - the entry declares everything (name, wire form, description, check,
//     effect, legal actions, the object it is about);
//   - every legal action the engine lists is accepted by Check, survives
//     the wire unchanged and is described;
//   - the view's verdict agrees with the engine's check in both directions:
//     whatever Check accepts the view allows, and whatever the view refuses
//     Check refuses with the same code and the same words (probed with legal
//     actions of other states and with broken copies of them);
//   - a refused action leaves the state's hash and version untouched;
//   - each of these situations was met at least once (no vacuous pass).
#include <map>
#include <set>

#include "rules/catalogue.h"
#include "rules/view.h"
#include "test_scale.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using mf::testing::LoadOrFail;

std::string SpecTestName(const ::testing::TestParamInfo<const ActionSpec*>& p) {
  std::string s = p.param->name ? p.param->name : "unnamed";
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class Conformance : public ::testing::TestWithParam<const ActionSpec*> {
 protected:
  const ActionSpec& spec() const { return *GetParam(); }
};

TEST_P(Conformance, DeclaresEverything) {
  const ActionSpec& s = spec();
  EXPECT_NE(s.type, ActionType::KIND_NOT_SET);
  EXPECT_EQ(FindSpec(s.type), &s) << "FindSpec does not find the entry by its kind";
  ASSERT_NE(s.name, nullptr);
  EXPECT_GT(std::string(s.name).size(), 2u);
  EXPECT_NE(s.from_proto, nullptr) << s.name;
  EXPECT_NE(s.to_proto, nullptr) << s.name;
  EXPECT_NE(s.describe, nullptr) << s.name;
  EXPECT_NE(s.check, nullptr) << s.name;
  EXPECT_NE(s.apply, nullptr) << s.name;
  if (s.phase != mf::PHASE_UNSPECIFIED) {
    EXPECT_NE(s.doing, nullptr) << s.name;
  }
  if (s.set_target) {
    EXPECT_NE(s.targets, nullptr) << s.name;
  }
  EXPECT_EQ(s.targets == nullptr, s.target_of == nullptr)
      << s.name << ": a kind about an object lists its objects and reads one from the wire";
  if (s.sender != Sender::kBySeat) {
    EXPECT_FALSE(s.counted) << s.name;
  }
  // Legal actions come from the kind's enumerator or from the one it names,
  // which must be a kind with the same sender, phase and limit.
  if (s.enumerated_with == ActionType::KIND_NOT_SET) {
    EXPECT_NE(s.enumerate, nullptr) << s.name << " has no legal-action enumerator";
  } else {
    EXPECT_EQ(s.enumerate, nullptr) << s.name;
    const ActionSpec* lead = FindSpec(s.enumerated_with);
    ASSERT_NE(lead, nullptr) << s.name;
    EXPECT_NE(lead->enumerate, nullptr) << s.name;
    EXPECT_EQ(lead->sender, s.sender) << s.name;
    EXPECT_EQ(lead->phase, s.phase) << s.name;
    EXPECT_EQ(lead->counted, s.counted) << s.name;
    EXPECT_EQ(lead->gate, s.gate) << s.name << " and its enumerator's kind share their gate";
  }
  int same_name = 0;
  for (const ActionSpec* other : Catalogue())
    if (std::string(other->name) == s.name) ++same_name;
  EXPECT_EQ(same_name, 1) << s.name;
}

// What one kind met over the random games.
struct Seen {
  int listed = 0;           // legal actions of the kind, all checked
  int accepted_probes = 0;  // probes Check accepted (the view allowed them)
  int refused_probes = 0;   // probes Check refused (the view said the same)
  int view_refusals = 0;    // refusals the view gave that Check confirmed
};

class ConformanceGames : public ::testing::TestWithParam<const ActionSpec*> {};

// The actors that may send `spec`'s kind.
std::vector<int> Actors(const ActionSpec& spec, const State& st) {
  switch (spec.sender) {
    case Sender::kBySeat: {
      std::vector<int> seats;
      for (int s = 0; s < st.num_seats(); ++s) seats.push_back(s);
      return seats;
    }
    case Sender::kByFacilitator:
      return {kFacilitator};
    case Sender::kByClock:
      return {kClock};
    case Sender::kByPress: {
      std::vector<int> desks;
      for (int d = 0; d < st.press_desks(); ++d) desks.push_back(PressActor(d));
      return desks;
    }
  }
  return {};
}

// The legal actions of `spec`'s kind for `actor`, as the engine lists them.
std::vector<Action> Listed(const ActionSpec& spec, const State& st, int actor) {
  std::vector<Action> all, out;
  if (spec.sender == Sender::kBySeat) {
    st.LegalActions(actor, &all);
  } else if (Admits(st, spec, actor, nullptr)) {
    spec.enumerate(st, actor, &all);
  }
  for (const Action& a : all)
    if (a.type == spec.type) out.push_back(a);
  return out;
}

// Broken copies of a legal action: another object, positions, levels and
// amounts out of range, other seats.
std::vector<Action> Broken(const Action& a, uint64_t k) {
  std::vector<Action> out;
  Action b = a;
  b.id = a.id + 1 + static_cast<int>(k % 7);
  out.push_back(b);
  b = a;
  b.id = 100000;
  out.push_back(b);
  b = a;
  b.position = (k & 1) ? 101 : -7;
  b.level = (k & 2) ? 101 : 0;
  out.push_back(b);
  b = a;
  b.seat = static_cast<int>(k % 9) - 1;
  b.give.capital = static_cast<int>(k % 25);
  b.vote = static_cast<mf::VoteChoice>(k % 4);
  out.push_back(b);
  return out;
}

// The wire view of `viewer` (seat or kFacilitatorView).
mf::View WireView(const State& st, int viewer) {
  mf::View v;
  MakeView(SeatView(st, viewer), &v);
  return v;
}

void CheckAgainstView(const ActionSpec& spec, State* st, int actor, const mf::View& view,
                      const Action& a, Seen* seen) {
  const Result r = st->Check(actor, a);
  mf::Action wire;
  ActionToProto(a, st->scenario(), &wire);
  const Result verdict = VerdictIn(view, wire);
  const std::string what = std::string(spec.name) + " '" + DescribeAction(a, st->scenario()) +
                           "' by " + std::to_string(actor) + " in " + PhaseName(st->phase());
  if (r.ok()) {
    EXPECT_TRUE(verdict.ok()) << what << ": Check accepts it but the view says " << verdict.message;
    ++seen->accepted_probes;
    return;
  }
  ++seen->refused_probes;
  if (!verdict.ok()) {
    EXPECT_EQ(verdict.code, r.code) << what << ": " << verdict.message << " / " << r.message;
    EXPECT_EQ(verdict.message, r.message) << what;
    ++seen->view_refusals;
  }
  // A refusal changes nothing (the hash, which costs most here, on every
  // eighth refusal; the version on all).
  const bool hash_it = seen->refused_probes % 8 == 1;
  const uint64_t hash = hash_it ? st->Hash() : 0, version = st->version();
  const Result applied = st->Apply(actor, a);
  EXPECT_EQ(applied.code, r.code) << what;
  EXPECT_EQ(applied.message, r.message) << what;
  if (hash_it) {
    EXPECT_EQ(st->Hash(), hash) << what << " changed the state";
  }
  EXPECT_EQ(st->version(), version) << what;
}

// Plays random games of every scenario and checks the kind at every step
// (every second step; every sixth in the bigger scenarios).
TEST_P(ConformanceGames, AgreesWithTheEngineOnRandomGames) {
  const ActionSpec& spec = *GetParam();
  Seen seen;
  std::map<int, std::vector<Action>> pool;  // Actions of this kind met so far, by actor.
  const int games = mf::testing::Scaled(2, 1);
  for (const std::string& name : mf::testing::EmbeddedNames()) {
    auto sc = LoadOrFail(name);
    ASSERT_TRUE(sc);
    const int every = sc->num_seats() > 12 ? 6 : 2;
    for (int g = 0; g < games; ++g) {
      // Two press desks, so that their kinds are checked too.
      State st(sc, 1000 + static_cast<uint64_t>(g), 2);
      Rng rng(77 + static_cast<uint64_t>(g));
      std::vector<Action> legal;
      // Checks the kind for every actor that may send it, at the state now.
      auto probe_state = [&] {
        for (int actor : Actors(spec, st)) {
          const mf::View view = WireView(st, actor == kClock ? kFacilitatorView : actor);
          for (const Action& a : Listed(spec, st, actor)) {
            const Result r = st.Check(actor, a);
            EXPECT_TRUE(r.ok()) << spec.name << " '" << DescribeAction(a, *sc)
                                << "' is listed but refused: " << r.message;
            mf::Action wire;
            ActionToProto(a, *sc, &wire);
            EXPECT_EQ(wire.kind_case(), spec.type) << spec.name;
            Action back;
            std::string error;
            EXPECT_TRUE(ActionFromProto(wire, *sc, &back, &error)) << spec.name << ": " << error;
            EXPECT_TRUE(back == a)
                << spec.name << " '" << DescribeAction(a, *sc) << "' changed on the wire";
            EXPECT_FALSE(DescribeAction(a, *sc).empty()) << spec.name;
            ++seen.listed;
            auto& mine = pool[actor];
            if (mine.size() < 64) mine.push_back(a);
          }
          // Probes: this kind's actions from other moments, and broken
          // copies, checked against the view (the clock has no view).
          if (actor == kClock) {
            for (const Action& a : Listed(spec, st, actor)) {
              Action stale = a;
              stale.id = a.id - 1;
              const Result r = st.Check(actor, stale);
              EXPECT_EQ(r.code, mf::STALE);
              ++seen.refused_probes;
              ++seen.view_refusals;
            }
            continue;
          }
          const std::vector<Action>& mine = pool[actor];
          for (int k = 0; k < 3 && !mine.empty(); ++k) {
            const Action& a = mine[rng.Below(static_cast<uint32_t>(mine.size()))];
            CheckAgainstView(spec, &st, actor, view, a, &seen);
            if (k == 0)
              for (const Action& b : Broken(a, rng.Next()))
                CheckAgainstView(spec, &st, actor, view, b, &seen);
          }
          if (mine.empty()) {
            // Nothing of this kind met yet: the kind with default fields.
            CheckAgainstView(spec, &st, actor, view, Action::Make(spec.type), &seen);
          }
        }
      };
      for (int step = 0; !st.IsTerminal() && step < 20000; ++step) {
        if (step % every == 0) probe_state();
        // Now and then the facilitator pauses, resumes, extends or injects.
        if (rng.Below(40) == 0) {
          const ActionType kinds[] = {ActionType::kPause, ActionType::kResume, ActionType::kExtend,
                                      ActionType::kInjectEvent};
          const ActionSpec& f = *FindSpec(kinds[rng.Below(4)]);
          std::vector<Action> options;
          if (Admits(st, f, kFacilitator, nullptr)) f.enumerate(st, kFacilitator, &options);
          if (!options.empty()) {
            const Action& f_action = options[rng.Below(static_cast<uint32_t>(options.size()))];
            ASSERT_TRUE(st.Apply(kFacilitator, f_action).ok());
          }
          continue;
        }
        if (st.paused()) {
          ASSERT_TRUE(st.Apply(kFacilitator, Action::Make(ActionType::kResume)).ok());
          continue;
        }
        int pending[kMaxSeats], count = 0;
        for (int s = 0; s < st.num_seats(); ++s)
          if (!st.seat(s).ready) pending[count++] = s;
        ASSERT_GT(count, 0);
        const int seat = pending[rng.Below(static_cast<uint32_t>(count))];
        st.LegalActions(seat, &legal);
        ASSERT_FALSE(legal.empty());
        Action a = rng.Below(3) == 0 ? Action::Make(ActionType::kReady)
                                     : legal[rng.Below(static_cast<uint32_t>(legal.size()))];
        // Mostly support and table binding texts, so that conventions are
        // adopted and ratified in some games.
        // (Organisations do not vote.)
        if (st.phase() == mf::DECISION && rng.Below(10) != 0 && st.seat(seat).vote != mf::SUPPORT &&
            !st.IsOrganisation(seat)) {
          a = Action::Make(ActionType::kVote);
          a.vote = mf::SUPPORT;
        }
        // (The forms allowed now: a forum chosen in the game may change them.)
        if (a.type == ActionType::kTableDraft && rng.Below(2) == 0 &&
            st.FormAllowed(mf::BINDING_CONVENTION))
          a.form = mf::BINDING_CONVENTION;
        ASSERT_TRUE(st.Apply(seat, a).ok()) << DescribeAction(a, *sc);
      }
      EXPECT_TRUE(st.IsTerminal()) << name;
      probe_state();  // Over: everything is refused.
    }
  }
  // Every situation was met: the kind was listed, accepted and refused, and
  // the view gave at least one refusal the engine confirmed.
  EXPECT_GT(seen.listed, 0) << spec.name << " was never a legal action";
  EXPECT_GT(seen.refused_probes, 0) << spec.name << " was never refused";
  EXPECT_GT(seen.view_refusals, 0) << spec.name << ": the view never refused it";
  if (spec.sender != Sender::kByClock) {
    EXPECT_GT(seen.accepted_probes, 0) << spec.name << " was never probed while allowed";
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, Conformance, ::testing::ValuesIn(Catalogue()), SpecTestName);
INSTANTIATE_TEST_SUITE_P(Kinds, ConformanceGames, ::testing::ValuesIn(Catalogue()), SpecTestName);

// The verdicts a wire view carries, beside the engine's: the kinds of
// other phases are left out unless something else refuses them, and a
// refusal repeating the one before it leaves its words out.
TEST(Verdicts, LeaveOutOtherPhasesAndRepeatedReasons) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  State st(sc, 5);
  ASSERT_EQ(st.phase(), mf::CIVIL_SOCIETY);
  mf::View v = WireView(st, 0);
  std::set<int> kinds;
  for (const mf::Verdict& x : v.verdicts()) kinds.insert(x.kind());
  EXPECT_TRUE(kinds.count(mf::Action::kEndorse));
  EXPECT_TRUE(kinds.count(mf::Action::kReady));
  EXPECT_TRUE(kinds.count(mf::Action::kProposeDeal));
  EXPECT_FALSE(kinds.count(mf::Action::kVote)) << "a kind of another phase is listed";
  mf::Action vote;
  vote.mutable_vote()->set_choice(mf::SUPPORT);
  const Result r = VerdictIn(v, vote);
  EXPECT_EQ(r.code, mf::WRONG_PHASE);
  EXPECT_EQ(r.message, st.Check(0,
                                [] {
                                  Action a = Action::Make(ActionType::kVote);
                                  a.vote = mf::SUPPORT;
                                  return a;
                                }())
                           .message);
  // Paused: every kind is refused with one sentence, written once.
  ASSERT_TRUE(st.Apply(kFacilitator, Action::Make(ActionType::kPause)).ok());
  v = WireView(st, 0);
  int refused = 0, with_words = 0;
  for (const mf::Verdict& x : v.verdicts()) {
    if (x.refused() == mf::RULE_ERROR_UNSPECIFIED) continue;
    ++refused;
    if (!x.reason().empty()) ++with_words;
  }
  EXPECT_GT(refused, 10);
  EXPECT_EQ(with_words, 1);
  EXPECT_EQ(VerdictIn(v, vote).message, "the facilitator has paused the session");
  // Spectators get no verdicts; the facilitator gets its own kinds.
  EXPECT_EQ(WireView(st, kSpectatorView).verdicts_size(), 0);
  mf::View f = WireView(st, kFacilitatorView);
  mf::Action resume;
  resume.mutable_resume();
  EXPECT_TRUE(VerdictIn(f, resume).ok());
  mf::Action pause;
  pause.mutable_pause();
  EXPECT_EQ(VerdictIn(f, pause).message, "the session is already paused");
  EXPECT_EQ(VerdictIn(f, vote).message,
            "the facilitator cannot vote for a seat; hand the seat to a bot instead");
}

}  // namespace
}  // namespace mf::rules
