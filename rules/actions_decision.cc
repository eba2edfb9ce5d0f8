// Actions of the decision, ratification and implementation phases: votes on
// the draft, ratification of adopted conventions, pledges to carry out
// adopted texts (one per text) and unilateral enforcement.
#include "rules/editor.h"

namespace mf::rules::act {
namespace {

ActionSpec Vote() {
  ActionSpec s;
  s.type = ActionType::kVote;
  s.name = "vote";
  s.states_only = "vote";
  s.doing = "voting";
  s.phase = mf::DECISION;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kVote;
    out->vote = in.vote().choice();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_vote()->set_choice(a.vote);
  };
  s.describe = [](const Action& a, const Scenario&) {
    return "vote " + mf::VoteChoice_Name(a.vote);
  };
  s.check = [](const State& st, int actor, const Action& a) {
    if (!ValidVote(a.vote)) return Err(mf::MALFORMED, "vote support, stand aside or object");
    if (st.draft() && (st.draft()->walked_out & SeatBit(actor)))
      return Err(mf::NOT_ALLOWED, "you walked out of this vote");
    if (st.seat(actor).vote == a.vote) return Err(mf::ALREADY_DONE, "that is already your vote");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    e.seat(actor).vote = a.vote;
    e.seat(actor).ready = true;
  };
  // Each choice has its own verdict (one's present vote is refused).
  s.targets = [](const State&, int, std::vector<int>* out) {
    for (mf::VoteChoice v : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) out->push_back(v);
  };
  s.target_of = [](const mf::Action& in) { return static_cast<int>(in.vote().choice()); };
  s.set_target = [](Action* a, int target) { a->vote = static_cast<mf::VoteChoice>(target); };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    if (st.draft() && (st.draft()->walked_out & SeatBit(actor))) return;
    for (mf::VoteChoice v : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
      if (st.seat(actor).vote == v) continue;
      Action a = Action::Make(ActionType::kVote);
      a.vote = v;
      out->push_back(a);
    }
  };
  return s;
}

// A reluctant destination leaves the vote at a forum that votes (a body
// inside the UN): no vote, not bound by the text, a cost in reputation and
// approval at home (mf.WalkOut).
ActionSpec WalkOut() {
  ActionSpec s;
  s.type = ActionType::kWalkOut;
  s.name = "walk out";
  s.doing = "walking out";
  s.phase = mf::DECISION;
  s.states_only = "walk out of votes; they cast none";
  s.changes_context = false;
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kWalkOut;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) { out->mutable_walk_out(); };
  s.describe = [](const Action&, const Scenario&) { return std::string("walk out of the vote"); };
  s.gate = [](const State& st, int actor, Result* why) {
    const Text* t = st.draft();
    if (!t || t->withdrawn) {
      if (why) *why = Err(mf::WRONG_PHASE, "there is no vote to walk out of");
      return false;
    }
    const mf::DecisionRule rule = st.ItemRule(t->theme);
    if (rule != mf::MAJORITY && rule != mf::WEIGHTED_MAJORITY) {
      if (why)
        *why = Err(mf::NOT_ALLOWED,
                   "only a forum that votes (a body inside the UN) can be walked out of; here "
                   "an objection blocks");
      return false;
    }
    if (st.scenario().seats()[actor].role != mf::DESTINATION) {
      if (why) *why = Err(mf::NOT_ALLOWED, "only a destination state walks out of the vote");
      return false;
    }
    if (t->walked_out & SeatBit(actor)) {
      if (why) *why = Err(mf::ALREADY_DONE, "you already walked out of this vote");
      return false;
    }
    return true;
  };
  s.check = [](const State&, int, const Action&) { return Ok(); };
  s.apply = [](StateEditor& e, int actor, const Action&) {
    Text* t = e.draft();
    t->walked_out |= SeatBit(actor);
    SeatState& me = e.seat(actor);
    me.vote = mf::VOTE_UNSPECIFIED;
    me.ready = true;
    me.approval = std::min(1.0, me.approval + 0.03);
    const double cost = e.state().scenario().params().breach_trust_others;
    for (int j = 0; j < e.state().num_seats(); ++j)
      if (j != actor) e.ChangeTrust(j, actor, -cost);
    e.Log(EventType::kWalkedOut, actor, t->id);
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kWalkOut));
  };
  return s;
}

// An adopted convention stays open for ratification in every later
// ratification phase (states ratify years after the vote, as with the UN's
// Migrant Workers Convention); `declined` holds this cycle's refusals only.
bool OpenConvention(const State&, const Text& t) {
  return t.adopted && t.form == mf::BINDING_CONVENTION;
}

ActionSpec Ratify() {
  ActionSpec s;
  s.type = ActionType::kRatify;
  s.name = "ratify";
  s.states_only = "ratify conventions";
  s.doing = "ratifying";
  s.phase = mf::RATIFICATION;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kRatify;
    out->id = in.ratify().text();
    out->flag = in.ratify().ratify();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_ratify()->set_text(a.id);
    out->mutable_ratify()->set_ratify(a.flag);
  };
  s.describe = [](const Action& a, const Scenario&) {
    return NameAndId(a, a.flag ? "ratify" : "decline");
  };
  s.check = [](const State& st, int actor, const Action& a) {
    const Text* t = st.FindText(a.id);
    if (!t || !OpenConvention(st, *t))
      return Err(mf::NOT_FOUND, "text " + Str(a.id) + " is not a convention open for ratification");
    if (t->walked_out & SeatBit(actor))
      return Err(mf::NOT_ALLOWED, "you walked out of the vote on text " + Str(a.id) +
                                      ": it does not bind you, and you may not ratify it");
    if ((t->ratified | t->declined) & SeatBit(actor))
      return Err(mf::ALREADY_DONE, (t->ratified & SeatBit(actor))
                                       ? "you already ratified text " + Str(a.id)
                                       : "you already declined text " + Str(a.id) +
                                             " this year; you may ratify it next year");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Text* t = e.FindText(a.id);
    (a.flag ? t->ratified : t->declined) |= SeatBit(actor);
    e.Log(a.flag ? EventType::kRatified : EventType::kDeclined, actor, t->id);
    if (e.state().PendingRatifications(actor) == 0) e.seat(actor).ready = true;
  };
  s.targets = [](const State& st, int, std::vector<int>* out) {
    for (const Text& t : st.texts())
      if (OpenConvention(st, t)) out->push_back(t.id);
  };
  s.target_of = [](const mf::Action& in) { return in.ratify().text(); };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (const Text& t : st.texts()) {
      if (!OpenConvention(st, t) || ((t.ratified | t.declined | t.walked_out) & SeatBit(actor)))
        continue;
      for (bool yes : {true, false}) {
        Action a = Action::Make(ActionType::kRatify);
        a.id = t.id;
        a.flag = yes;
        out->push_back(a);
      }
    }
  };
  return s;
}

void OpenTexts(const State& st, int actor, std::vector<int>* out) {
  for (const Text& t : st.texts())
    if (st.PledgeOpen(actor, t)) out->push_back(t.id);
}

ActionSpec Pledge() {
  ActionSpec s;
  s.type = ActionType::kPledge;
  s.name = "pledge";
  s.states_only = "pledge to carry out texts";
  s.doing = "pledging to carry out a text";
  s.phase = mf::IMPLEMENTATION;
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kPledge;
    out->id = in.pledge().text();
    out->level = in.pledge().level();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_pledge()->set_text(a.id);
    out->mutable_pledge()->set_level(a.level);
  };
  s.describe = [](const Action& a, const Scenario&) {
    return "pledge " + Str(a.level) + "% of text #" + Str(a.id);
  };
  s.check = [](const State& st, int actor, const Action& a) {
    const Text* t = st.FindText(a.id);
    if (!t || !t->adopted)
      return Err(mf::NOT_FOUND, "text " + Str(a.id) + " is not an adopted text");
    if (!st.PledgeOpen(actor, *t)) {
      if (st.scenario().themes()[t->theme].chooses_forum)
        return Err(mf::NOT_ALLOWED, "text " + Str(a.id) +
                                        " chose the forum: it applies to every state alike, "
                                        "so nobody pledges to carry it out");
      if (!t->in_force)
        return Err(mf::NOT_FOUND, "text " + Str(a.id) + " is not in force: nobody carries it out");
      if (t->caucus >= 0)
        return Err(mf::NOT_YOUR_TURN, "text " + Str(a.id) + " is a regional text of the " +
                                          st.scenario().proto().caucuses(t->caucus).name() +
                                          ": only its members pledge to carry it out");
      return Err(mf::NOT_YOUR_TURN,
                 "a convention binds its ratifiers alone: you did not ratify "
                 "text " +
                     Str(a.id));
    }
    if (a.level < 0 || a.level > 100) return Err(mf::MALFORMED, "a pledge is 0..100 percent");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Text* t = e.FindText(a.id);
    t->level[actor] = static_cast<int8_t>(a.level);
    e.Log(EventType::kPledged, actor, t->id, a.level);
  };
  s.targets = OpenTexts;
  s.target_of = [](const mf::Action& in) { return in.pledge().text(); };
  // Levels 0, 50 and 100 of every text open to the actor, then enforcement.
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (const Text& t : st.texts()) {
      if (!st.PledgeOpen(actor, t)) continue;
      for (int level : {0, 50, 100}) {
        if (t.level[actor] == level) continue;
        Action a = Action::Make(ActionType::kPledge);
        a.id = t.id;
        a.level = level;
        out->push_back(a);
      }
    }
  };
  return s;
}

ActionSpec Enforce() {
  ActionSpec s;
  s.type = ActionType::kEnforce;
  s.name = "set enforcement";
  s.states_only = "guard borders";
  s.doing = "setting enforcement";
  s.phase = mf::IMPLEMENTATION;
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kEnforce;
    out->level = in.enforce().level();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_enforce()->set_level(a.level);
  };
  s.describe = [](const Action& a, const Scenario&) {
    return "set enforcement " + Str(a.level) + "%";
  };
  s.check = [](const State& st, int actor, const Action& a) {
    if (a.level < 0 || a.level > 100) return Err(mf::MALFORMED, "a level is 0..100 percent");
    if (st.seat(actor).enforcement == a.level)
      return Err(mf::ALREADY_DONE, "that level is already set");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) { e.seat(actor).enforcement = a.level; };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (int level : {0, 50, 100}) {
      if (st.seat(actor).enforcement == level) continue;
      Action a = Action::Make(ActionType::kEnforce);
      a.level = level;
      out->push_back(a);
    }
  };
  return s;
}

}  // namespace

void AddDecisionActions(std::vector<ActionSpec>* out) {
  out->push_back(Vote());
  out->push_back(WalkOut());
  out->push_back(Ratify());
  out->push_back(Pledge());
  out->push_back(Enforce());
}

}  // namespace mf::rules::act
