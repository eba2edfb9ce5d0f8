// Helpers shared by the rules test suites.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rules/action.h"
#include "rules/scenario.h"
#include "rules/state.h"

namespace mf::testing {

// Loads an embedded scenario; a failure names every error.
inline std::shared_ptr<const rules::Scenario> LoadOrFail(const std::string& name) {
  rules::LoadResult r = rules::LoadEmbeddedScenario(name);
  if (!r.ok()) {
    std::string all;
    for (const std::string& e : r.errors) all += e + "\n";
    ADD_FAILURE() << "scenario " << name << " does not load:\n" << all;
  }
  return r.scenario;
}

// A copy of an embedded scenario whose forum adopts every form (binding
// conventions included), for the tests of ratification on a small table.
inline std::shared_ptr<const rules::Scenario> WithAllForms(const std::string& name) {
  std::shared_ptr<const rules::Scenario> base = LoadOrFail(name);
  if (!base) return nullptr;
  mf::Scenario p = base->proto();
  p.clear_allowed_forms();
  rules::LoadResult r = rules::LoadScenarioMessage(p, name + "-all-forms");
  if (!r.ok()) ADD_FAILURE() << name << " with every form does not load";
  return r.scenario;
}

// The names of the embedded scenarios, for parameterised suites.
inline std::vector<std::string> EmbeddedNames() {
  std::vector<std::string> names;
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) names.emplace_back(e.name);
  return names;
}

// A test name for a scenario name ("classroom-8" -> "classroom_8").
inline std::string ScenarioTestName(const ::testing::TestParamInfo<std::string>& param) {
  std::string s = param.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

inline const char* RuleErrorName(mf::RuleError e) {
  return mf::RuleError_Name(e).c_str();
}

// Applies `a` for `actor`; succeeds when it is accepted.
inline ::testing::AssertionResult Accepted(rules::State* st, int actor, const rules::Action& a) {
  rules::Result r = st->Apply(actor, a);
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "actor " << actor << " '" << rules::DescribeAction(a, st->scenario())
         << "' rejected: " << RuleErrorName(r.code) << " " << r.message;
}

// Applies `a` for `actor` and succeeds when it is refused with `code`, a
// non-empty message, and the state's hash and version untouched. Check()
// must agree with Apply().
inline ::testing::AssertionResult Rejected(rules::State* st, int actor, const rules::Action& a,
                                           mf::RuleError code) {
  const uint64_t hash = st->Hash();
  const uint64_t version = st->version();
  const rules::Result checked = st->Check(actor, a);
  const rules::Result r = st->Apply(actor, a);
  ::testing::AssertionResult out = ::testing::AssertionSuccess();
  const std::string what =
      "actor " + std::to_string(actor) + " '" + rules::DescribeAction(a, st->scenario()) + "'";
  if (r.ok()) return ::testing::AssertionFailure() << what << " was accepted";
  if (r.code != code)
    return ::testing::AssertionFailure() << what << " gave " << RuleErrorName(r.code) << " ("
                                         << r.message << "), expected " << RuleErrorName(code);
  if (checked.code != r.code)
    return ::testing::AssertionFailure() << what << ": Check gave " << RuleErrorName(checked.code)
                                         << " but Apply gave " << RuleErrorName(r.code);
  if (r.message.empty()) return ::testing::AssertionFailure() << what << ": empty message";
  if (st->Hash() != hash) return ::testing::AssertionFailure() << what << " changed the hash";
  if (st->version() != version)
    return ::testing::AssertionFailure() << what << " changed the version";
  return out;
}

// Action builders.
inline rules::Action Make(rules::ActionType t) {
  return rules::Action::Make(t);
}
inline rules::Action ReadyAction() {
  return Make(rules::ActionType::kReady);
}
inline rules::Action AdvanceAction() {
  return Make(rules::ActionType::kAdvance);
}
inline rules::Action TimeoutAction(int serial) {
  rules::Action a = Make(rules::ActionType::kTimeout);
  a.id = serial;
  return a;
}
inline rules::Action StatementAction(int position, std::string text = "") {
  rules::Action a = Make(rules::ActionType::kStatement);
  a.position = position;
  a.text = std::move(text);
  return a;
}
inline rules::Action TableAction(int position, mf::Form form, rules::CommitmentSet add = 0,
                                 int corridor = -1) {
  rules::Action a = Make(rules::ActionType::kTableDraft);
  a.position = position;
  a.form = form;
  a.add = add;
  a.corridor = corridor;
  return a;
}
inline rules::Action AmendPosition(int position) {
  rules::Action a = Make(rules::ActionType::kAmend);
  a.position = position;
  return a;
}
inline rules::Action WithId(rules::ActionType t, int id) {
  rules::Action a = Make(t);
  a.id = id;
  return a;
}
inline rules::Action VoteAction(mf::VoteChoice v) {
  rules::Action a = Make(rules::ActionType::kVote);
  a.vote = v;
  return a;
}
inline rules::Action RatifyAction(int text, bool yes) {
  rules::Action a = Make(rules::ActionType::kRatify);
  a.id = text;
  a.flag = yes;
  return a;
}
inline rules::Action LevelAction(rules::ActionType t, int level) {
  rules::Action a = Make(t);
  a.level = level;
  return a;
}
inline rules::Action PledgeAction(int text, int level) {
  rules::Action a = Make(rules::ActionType::kPledge);
  a.id = text;
  a.level = level;
  return a;
}
inline rules::Action ProposeAction(int to, rules::Terms give, rules::Terms ask) {
  rules::Action a = Make(rules::ActionType::kProposeDeal);
  a.seat = to;
  a.give = give;
  a.ask = ask;
  return a;
}
inline rules::Action HonourAction(int deal, bool keep) {
  rules::Action a = Make(rules::ActionType::kHonourDeal);
  a.id = deal;
  a.flag = keep;
  return a;
}
inline rules::Terms Capital(int n) {
  rules::Terms t;
  t.capital = n;
  return t;
}
inline rules::Terms StanceTerms(int text, mf::VoteChoice v) {
  rules::Terms t;
  t.stance_text = text;
  t.stance = v;
  return t;
}

// Ends the current phase with the facilitator's Advance.
inline ::testing::AssertionResult AdvanceOnce(rules::State* st) {
  return Accepted(st, rules::kFacilitator, AdvanceAction());
}

// Advances with the facilitator until `phase` (optionally in `cycle`) is
// reached; fails if the game ends first.
inline ::testing::AssertionResult AdvanceUntil(rules::State* st, mf::Phase phase, int cycle = 0) {
  for (int guard = 0; guard < 1000; ++guard) {
    if (st->phase() == phase && (cycle == 0 || st->cycle() == cycle))
      return ::testing::AssertionSuccess();
    if (st->IsTerminal()) break;
    ::testing::AssertionResult r = AdvanceOnce(st);
    if (!r) return r;
  }
  return ::testing::AssertionFailure() << "never reached phase " << mf::Phase_Name(phase);
}

// Every seat that is not ready says Ready (the last one ends the phase).
inline ::testing::AssertionResult ReadyAll(rules::State* st) {
  const int serial = st->phase_serial();
  for (int s = 0; s < st->num_seats() && st->phase_serial() == serial; ++s) {
    if (st->seat(s).ready) continue;
    ::testing::AssertionResult r = Accepted(st, s, ReadyAction());
    if (!r) return r;
  }
  if (st->phase_serial() == serial)
    return ::testing::AssertionFailure() << "all seats ready but the phase did not end";
  return ::testing::AssertionSuccess();
}

// Casts the given votes (one per seat, in seat order).
inline ::testing::AssertionResult VoteAll(rules::State* st,
                                          const std::vector<mf::VoteChoice>& votes) {
  for (int s = 0; s < static_cast<int>(votes.size()); ++s) {
    if (votes[s] == mf::VOTE_UNSPECIFIED) continue;
    ::testing::AssertionResult r = Accepted(st, s, VoteAction(votes[s]));
    if (!r) return r;
  }
  return ::testing::AssertionSuccess();
}

// The fixture of the hand-driven rules tests: a fresh classroom-8 game.
using rules::Action;
using rules::ActionType;
using rules::CommitmentSet;
using rules::kClock;
using rules::kFacilitator;
using rules::Scenario;
using rules::State;
using rules::Terms;

class ClassroomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sc_ = LoadOrFail("classroom-8");
    ASSERT_TRUE(sc_);
    st_ = std::make_unique<State>(sc_, 1);
  }
  State& st() { return *st_; }
  int n() const { return sc_->num_seats(); }
  // The first seat (in index order) that is not a co-chair and not `except`.
  int Ordinary(int except = -1) const {
    for (int s = 0; s < n(); ++s)
      if (!st_->IsCoChair(s) && s != except) return s;
    return -1;
  }
  int Needed() const {
    return std::max(1,
                    static_cast<int>(std::ceil(sc_->params().consensus_min_support * n() - 1e-9)));
  }
  // Reaches DRAFTING of the first item and tables a draft by co-chair 0.
  void TableFirstDraft(int position, mf::Form form, CommitmentSet add = 0, int corridor = -1) {
    ASSERT_TRUE(AdvanceUntil(&st(), mf::DRAFTING));
    ASSERT_TRUE(Accepted(&st(), st().co_chair(0), TableAction(position, form, add, corridor)));
  }
  std::vector<mf::VoteChoice> All(mf::VoteChoice v) const { return std::vector(n(), v); }

  std::shared_ptr<const Scenario> sc_;
  std::unique_ptr<State> st_;
};

}  // namespace mf::testing
