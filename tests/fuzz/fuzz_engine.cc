// libFuzzer target: the rules engine fed arbitrary action sequences decoded
// from bytes, with the engine's invariants checked after every step.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "rules/playout.h"
#include "rules/view.h"

namespace {

using mf::rules::Action;
using mf::rules::ActionType;
using mf::rules::State;

const std::vector<std::shared_ptr<const mf::rules::Scenario>>& Scenarios() {
  static const auto* all = [] {
    auto* v = new std::vector<std::shared_ptr<const mf::rules::Scenario>>();
    for (const auto& e : mf::rules::EmbeddedScenarios())
      v->push_back(mf::rules::LoadEmbeddedScenario(e.name).scenario);
    return v;
  }();
  return *all;
}

void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

Action Decode(FuzzedDataProvider& in, const State& st, std::vector<Action>* legal, int* actor) {
  const int n = st.num_seats();
  *actor = in.ConsumeIntegralInRange<int>(-3, n);
  // -3: a press desk (of up to 3; the game may have fewer or none).
  if (*actor == -3) *actor = mf::rules::PressActor(in.ConsumeIntegralInRange<int>(0, 3));
  // Half the time a legal action of a real seat, so games get deep.
  if (in.ConsumeBool()) {
    const int seat = in.ConsumeIntegralInRange<int>(0, n - 1);
    st.LegalActions(seat, legal);
    if (!legal->empty()) {
      *actor = seat;
      return (*legal)[in.ConsumeIntegralInRange<size_t>(0, legal->size() - 1)];
    }
  }
  Action a;
  // The kinds in the order the corpus was recorded with (26 values; the regional text and the press
  // report appended).
  static constexpr ActionType kKinds[] = {ActionType::kReady,
                                          ActionType::kEndorse,
                                          ActionType::kPrioritise,
                                          ActionType::kStatement,
                                          ActionType::kTableDraft,
                                          ActionType::kAmend,
                                          ActionType::kAcceptAmendment,
                                          ActionType::kRejectAmendment,
                                          ActionType::kWithdrawAmendment,
                                          ActionType::kWithdrawDraft,
                                          ActionType::kVote,
                                          ActionType::kRatify,
                                          ActionType::kPledge,
                                          ActionType::kEnforce,
                                          ActionType::kProposeDeal,
                                          ActionType::kAcceptDeal,
                                          ActionType::kRejectDeal,
                                          ActionType::kWithdrawDeal,
                                          ActionType::kHonourDeal,
                                          ActionType::kAdvance,
                                          ActionType::kPause,
                                          ActionType::kResume,
                                          ActionType::kExtend,
                                          ActionType::kInjectEvent,
                                          ActionType::kSetBot,
                                          ActionType::kTimeout,
                                          ActionType::kRegional,
                                          ActionType::kPublishReport,
                                          ActionType::kWalkOut};
  a.type = kKinds[in.ConsumeIntegralInRange<size_t>(0, std::size(kKinds) - 1)];
  a.id = in.ConsumeIntegralInRange<int>(-2, 200);
  a.seat = in.ConsumeIntegralInRange<int>(-2, n + 1);
  a.position = in.ConsumeIntegralInRange<int>(-5, 105);
  a.level = in.ConsumeIntegral<int>();
  a.theme = in.ConsumeIntegralInRange<int>(-2, 20);
  a.corridor = in.ConsumeIntegralInRange<int>(-2, 70);
  a.flag = in.ConsumeBool();
  a.form = static_cast<mf::Form>(in.ConsumeIntegralInRange<int>(-1, 4));
  a.vote = static_cast<mf::VoteChoice>(in.ConsumeIntegralInRange<int>(-1, 4));
  a.event = static_cast<mf::EventKind>(in.ConsumeIntegralInRange<int>(-1, 9));
  a.add = in.ConsumeIntegral<uint32_t>();
  a.remove = in.ConsumeIntegral<uint32_t>();
  a.give.capital = in.ConsumeIntegralInRange<int>(-3, 25);
  a.give.visas = in.ConsumeIntegralInRange<int>(-3, 25);
  a.give.aid = in.ConsumeIntegralInRange<int>(-3, 25);
  a.give.readmission = in.ConsumeBool();
  a.give.stance_text = in.ConsumeIntegralInRange<int>(-1, 200);
  a.give.stance = static_cast<mf::VoteChoice>(in.ConsumeIntegralInRange<int>(-1, 4));
  a.ask = a.give;
  a.ask.capital = in.ConsumeIntegralInRange<int>(-3, 25);
  a.text = in.ConsumeRandomLengthString(300);
  a.caucus = in.ConsumeIntegralInRange<int>(-2, 8);
  return a;
}

void CheckInvariants(const State& st) {
  for (const auto& s : st.seats()) {
    if (!(s.approval >= 0.0 && s.approval <= 1.0)) Fail("approval out of 0..1");
    if (s.capital < 0) Fail("negative political capital");
  }
  for (double t : st.trust_matrix())
    if (!(t >= 0.0 && t <= 1.0)) Fail("trust out of 0..1");
  if (!(st.regime() >= 0.0 && st.regime() <= 1.0)) Fail("regime out of 0..1");
  if (st.IsTerminal()) {
    for (const auto& b : st.final_scores())
      if (!(b.total >= 0.0 && b.total <= 100.0)) Fail("score out of 0..100");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const auto& all = Scenarios();
  const auto& sc = all[in.ConsumeIntegralInRange<size_t>(0, all.size() - 1)];
  // 0-2 press desks, from the seed (so that older corpus entries decode as before).
  const uint64_t seed = in.ConsumeIntegral<uint64_t>();
  State st(sc, seed, static_cast<int>(seed % 3));
  std::vector<Action> legal;
  std::vector<mf::rules::LoggedAction> log;
  int steps = 0;
  while (in.remaining_bytes() > 0 && steps++ < 4000) {
    int actor = 0;
    const Action a = Decode(in, st, &legal, &actor);
    const uint64_t before = st.Hash();
    const bool checked = st.Check(actor, a).ok();
    const mf::rules::Result r = st.Apply(actor, a);
    if (r.ok() != checked) Fail("Check and Apply disagree");
    if (!r.ok()) {
      if (st.Hash() != before) Fail("a rejected action changed the state");
      if (r.message.empty()) Fail("a rejection without a reason");
    } else {
      log.push_back({actor, a});
    }
    CheckInvariants(st);
  }
  // Views never carry another seat's brief or deals.
  for (int s = 0; s < st.num_seats(); ++s) {
    mf::View v;
    mf::rules::MakeView(mf::rules::SeatView(st, s), &v);
    if (v.all_briefs_size() != 0) Fail("a seat sees all briefs");
    for (const auto& d : v.deals())
      if (d.from() != s && d.to() != s) Fail("a seat sees another seat's deal");
  }
  // What was accepted replays to the same state.
  State replayed(sc, st.seed(), st.press_desks());
  std::string error;
  if (!mf::rules::Replay(&replayed, log, &error)) Fail("replay rejected an accepted action");
  if (replayed.Hash() != st.Hash()) Fail("replay differs");
  return 0;
}
