// The facilitator's actions (advance, pause, resume, extend a phase, inject
// a world event, hand a seat to a bot and back) and the clock's timeout.
#include "rules/editor.h"

namespace mf::rules::act {
namespace {

constexpr int kMaxExtension = 4 * 3600;

// A facilitator or clock action: no phase, not counted.
ActionSpec Control(ActionType type, const char* name, Sender sender) {
  ActionSpec s;
  s.type = type;
  s.name = name;
  s.sender = sender;
  s.describe = [](const Action& a, const Scenario&) { return std::string(FindSpec(a.type)->name); };
  s.check = [](const State&, int, const Action&) { return Ok(); };
  return s;
}

ActionSpec Advance() {
  ActionSpec s = Control(ActionType::kAdvance, "advance", Sender::kByFacilitator);
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kAdvance;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) { out->mutable_advance(); };
  s.apply = [](StateEditor& e, int, const Action&) {
    e.Log(EventType::kAdvanced, e.state().phase());
    e.EndPhase();
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kAdvance));
  };
  return s;
}

ActionSpec Pause() {
  ActionSpec s = Control(ActionType::kPause, "pause", Sender::kByFacilitator);
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kPause;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) { out->mutable_pause(); };
  s.gate = [](const State& st, int, Result* why) {
    if (!st.paused()) return true;
    if (why) *why = Err(mf::ALREADY_DONE, "the session is already paused");
    return false;
  };
  s.apply = [](StateEditor& e, int, const Action&) {
    e.SetPaused(true);
    e.Log(EventType::kPaused);
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kPause));
  };
  return s;
}

ActionSpec Resume() {
  ActionSpec s = Control(ActionType::kResume, "resume", Sender::kByFacilitator);
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kResume;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) { out->mutable_resume(); };
  s.gate = [](const State& st, int, Result* why) {
    if (st.paused()) return true;
    if (why) *why = Err(mf::ALREADY_DONE, "the session is not paused");
    return false;
  };
  s.apply = [](StateEditor& e, int, const Action&) {
    e.SetPaused(false);
    e.Log(EventType::kResumed);
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kResume));
  };
  return s;
}

ActionSpec Extend() {
  ActionSpec s = Control(ActionType::kExtend, "extend", Sender::kByFacilitator);
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kExtend;
    out->level = in.extend().seconds();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_extend()->set_seconds(a.level);
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.level < 1 || a.level > 3600) return Err(mf::MALFORMED, "extend by 1 to 3600 seconds");
    if (st.extension_seconds() + a.level > kMaxExtension)
      return Err(mf::LIMIT, "a phase can be extended by four hours at most");
    return Ok();
  };
  s.apply = [](StateEditor& e, int, const Action& a) {
    e.Extend(a.level);
    e.Log(EventType::kExtended, a.level);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (int seconds : {60, 300}) {
      if (st.extension_seconds() + seconds > kMaxExtension) continue;
      Action a = Action::Make(ActionType::kExtend);
      a.level = seconds;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec InjectEvent() {
  ActionSpec s = Control(ActionType::kInjectEvent, "inject event", Sender::kByFacilitator);
  s.changes_context = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kInjectEvent;
    out->event = in.inject_event().kind();
    out->seat = in.inject_event().seat();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_inject_event()->set_kind(a.event);
    out->mutable_inject_event()->set_seat(a.seat);
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.event < mf::ECONOMIC_INTEGRATION || a.event > mf::ELECTION_SWING)
      return Err(mf::MALFORMED, "unknown world event");
    if (a.seat < -1 || a.seat >= st.num_seats())
      return Err(mf::MALFORMED, "no seat " + Str(a.seat));
    return Ok();
  };
  s.apply = [](StateEditor& e, int, const Action& a) { e.ApplyWorldEvent(a.event, a.seat); };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    for (int k = mf::ECONOMIC_INTEGRATION; k <= mf::ELECTION_SWING; ++k) {
      Action a = Action::Make(ActionType::kInjectEvent);
      a.event = static_cast<mf::EventKind>(k);
      a.seat = -1;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec SetBot() {
  ActionSpec s = Control(ActionType::kSetBot, "set bot", Sender::kByFacilitator);
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kSetBot;
    out->seat = in.set_bot().seat();
    out->flag = in.set_bot().bot();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_set_bot()->set_seat(a.seat);
    out->mutable_set_bot()->set_bot(a.flag);
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.seat < 0 || a.seat >= st.num_seats()) return Err(mf::MALFORMED, "no seat " + Str(a.seat));
    if (st.seat(a.seat).bot == a.flag)
      return Err(mf::ALREADY_DONE,
                 a.flag ? "that seat is already a bot" : "that seat is already a person");
    return Ok();
  };
  s.apply = [](StateEditor& e, int, const Action& a) {
    e.seat(a.seat).bot = a.flag;
    e.Log(a.flag ? EventType::kSeatToBot : EventType::kSeatToHuman, a.seat);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (int i = 0; i < st.num_seats(); ++i) {
      Action a = Action::Make(ActionType::kSetBot);
      a.seat = i;
      a.flag = !st.seat(i).bot;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec Timeout() {
  ActionSpec s = Control(ActionType::kTimeout, "timeout", Sender::kByClock);
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kTimeout;
    out->id = in.timeout().phase_serial();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_timeout()->set_phase_serial(a.id);
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.id != st.phase_serial())
      return Err(mf::STALE, "timeout for phase " + Str(a.id) + " but phase " +
                                Str(st.phase_serial()) + " is running");
    return Ok();
  };
  s.apply = [](StateEditor& e, int, const Action&) {
    e.Log(EventType::kTimedOut, e.state().phase());
    e.EndPhase();
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    Action a = Action::Make(ActionType::kTimeout);
    a.id = st.phase_serial();
    out->push_back(a);
  };
  return s;
}

}  // namespace

void AddControlActions(std::vector<ActionSpec>* out) {
  out->push_back(Advance());
  out->push_back(Pause());
  out->push_back(Resume());
  out->push_back(Extend());
  out->push_back(InjectEvent());
  out->push_back(SetBot());
  out->push_back(Timeout());
}

}  // namespace mf::rules::act
