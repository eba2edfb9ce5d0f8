// Actions of the opening phases: being ready, the Civil Society Days
// (endorsing a recommendation, the host's agenda order) and statements.
#include <algorithm>

#include "rules/editor.h"

namespace mf::rules::act {
namespace {

constexpr int kMaxStatementBytes = 280;

ActionSpec Ready() {
  ActionSpec s;
  s.type = ActionType::kReady;
  s.name = "ready";
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kReady;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) { out->mutable_ready(); };
  s.describe = [](const Action&, const Scenario&) { return std::string("ready"); };
  s.gate = [](const State& st, int actor, Result* why) {
    if (!st.seat(actor).ready) return true;
    if (why) *why = Err(mf::ALREADY_DONE, "you are already ready");
    return false;
  };
  s.check = [](const State&, int, const Action&) { return Ok(); };
  s.apply = [](StateEditor& e, int actor, const Action&) { e.seat(actor).ready = true; };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kReady));
  };
  return s;
}

ActionSpec Endorse() {
  ActionSpec s;
  s.type = ActionType::kEndorse;
  s.name = "endorse";
  s.states_only = "endorse recommendations; they table their own";
  s.doing = "endorsing";
  s.phase = mf::CIVIL_SOCIETY;
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kEndorse;
    out->id = in.endorse().recommendation();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_endorse()->set_recommendation(a.id);
  };
  s.describe = [](const Action& a, const Scenario&) { return NameAndId(a, "endorse"); };
  s.check = [](const State& st, int actor, const Action& a) {
    const Recommendation* rec = nullptr;
    for (const Recommendation& r : st.recommendations())
      if (r.id == a.id) rec = &r;
    if (!rec) return Err(mf::NOT_FOUND, "no recommendation " + Str(a.id) + " this cycle");
    if (rec->endorsed & SeatBit(actor))
      return Err(mf::ALREADY_DONE, "you already endorsed recommendation " + Str(a.id));
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Recommendation* rec = e.FindRecommendation(a.id);
    rec->endorsed |= SeatBit(actor);
    e.CountEndorsement();
    // An organisation's recommendation endorsed: its standing with the
    // endorsing state, and its mandate's count of endorsements.
    if (rec->by >= 0) {
      ++e.seat(rec->by).endorsements;
      e.ChangeTrust(actor, rec->by, 0.02);
    }
    // Endorsing civil society plays well with sources' publics, less so with
    // destinations' (a state of mixed roles: by its role weights); an
    // international organisation's recommendation is not civil society's.
    const Scenario& sc = e.state().scenario();
    if (rec->by < 0 || sc.seats()[rec->by].mandate == mf::MANDATE_CIVIL_SOCIETY) {
      const auto& w = sc.seats()[actor].weight;
      e.seat(actor).approval += 0.01 * (w[mf::SOURCE] - w[mf::DESTINATION]);
    }
    e.Log(EventType::kEndorsed, actor, rec->id);
  };
  s.targets = [](const State& st, int, std::vector<int>* out) {
    for (const Recommendation& r : st.recommendations()) out->push_back(r.id);
  };
  s.target_of = [](const mf::Action& in) { return in.endorse().recommendation(); };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (const Recommendation& r : st.recommendations()) {
      if (r.endorsed & SeatBit(actor)) continue;
      Action a = Action::Make(ActionType::kEndorse);
      a.id = r.id;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec Prioritise() {
  ActionSpec s;
  s.type = ActionType::kPrioritise;
  s.name = "prioritise";
  s.doing = "setting the agenda order";
  s.phase = mf::CIVIL_SOCIETY;
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
    out->type = ActionType::kPrioritise;
    out->theme = sc.ThemeIndex(in.prioritise().theme());
    if (out->theme < 0) {
      *error = "unknown theme '" + in.prioritise().theme().substr(0, 40) + "'";
      return false;
    }
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario& sc, mf::Action* out) {
    out->mutable_prioritise()->set_theme(
        a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].id : "");
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    return std::string("prioritise ") +
           (a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].name : "?");
  };
  s.gate = [](const State& st, int actor, Result* why) {
    if (actor == st.host()) return true;
    if (why)
      *why = Err(mf::NOT_YOUR_TURN, "only the host (" + st.scenario().seats()[st.host()].name +
                                        ") sets the agenda order");
    return false;
  };
  s.check = [](const State& st, int, const Action& a) {
    const std::vector<int>& agenda = st.agenda();
    auto it = std::find(agenda.begin(), agenda.end(), a.theme);
    if (it == agenda.end()) return Err(mf::NOT_FOUND, "that theme is not on this cycle's agenda");
    if (it == agenda.begin()) return Err(mf::ALREADY_DONE, "that theme is already first");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    std::vector<int>& agenda = e.agenda();
    auto it = std::find(agenda.begin(), agenda.end(), a.theme);
    std::rotate(agenda.begin(), it, it + 1);
    e.Log(EventType::kPrioritised, actor, a.theme);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (size_t k = 1; k < st.agenda().size(); ++k) {
      Action a = Action::Make(ActionType::kPrioritise);
      a.theme = st.agenda()[k];
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec Statement() {
  ActionSpec s;
  s.type = ActionType::kStatement;
  s.name = "statement";
  s.doing = "a statement";
  s.phase = mf::STATEMENTS;
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string* error) {
    out->type = ActionType::kStatement;
    out->position = in.statement().position();
    out->text = in.statement().text();
    if (out->text.size() > kMaxStatementBytes || !IsCleanUtf8(out->text)) {
      *error = "a statement is at most 280 bytes of UTF-8 text";
      return false;
    }
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_statement()->set_position(a.position);
    out->mutable_statement()->set_text(a.text);
  };
  s.describe = [](const Action& a, const Scenario&) { return "statement at " + Str(a.position); };
  s.check = [](const State&, int, const Action& a) {
    if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
    if (a.text.size() > kMaxStatementBytes)
      return Err(mf::MALFORMED, "a statement is at most 280 bytes");
    if (!IsCleanUtf8(a.text)) return Err(mf::MALFORMED, "a statement must be valid UTF-8 text");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    e.seat(actor).statement = a.position;
    e.seat(actor).statement_text = a.text;
    e.Log(EventType::kStatement, actor, a.position);
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    for (int p = 0; p <= 100; p += 25) {
      Action a = Action::Make(ActionType::kStatement);
      a.position = p;
      out->push_back(a);
    }
  };
  return s;
}

}  // namespace

void AddAgendaActions(std::vector<ActionSpec>* out) {
  out->push_back(Ready());
  out->push_back(Endorse());
  out->push_back(Prioritise());
  out->push_back(Statement());
}

}  // namespace mf::rules::act
