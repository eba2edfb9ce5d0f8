// Actions of the organisations at the table (IOM, UNHCR, ILO, OHCHR, civil
// society: SeatDef.kind SEAT_ORGANISATION) and the states' funding of them.
//
// Organisations table recommendations at the Civil Society Days (states
// endorse them with Endorse), lobby states on a draft, a convention or an
// adopted text, and run projects for states. States fund them, either as
// core funding, which builds the organisation's capacity (and so what its
// later projects and lobbying achieve), or earmarked to a project for a
// state the donor picks, delivered at once without building capacity: the
// article's "projectised" IOM and its "vicious cycle".
#include <algorithm>

#include "rules/editor.h"

namespace mf::rules::act {
namespace {

constexpr int kLobbyCost = 2;
constexpr int kProjectCost = 3;
constexpr int kMaxFunding = 20;
constexpr double kMaxCapacity = 2.0;

// The cover (percent of the red-line cost spared) an organisation's lobbying gives.
int LobbyCover(const State& st, int org) {
  const double c = 50.0 * (0.5 + st.seat(org).capacity);
  return std::min(75, static_cast<int>(c + 0.5));
}

// What a project achieves: the scenario's project_effect, scaled.
double ProjectEffect(const State& st, double scale) {
  return st.scenario().params().project_effect * scale;
}

// A project of `org`'s mandate in state `seat` (IOM: migration management
// and assisted return; ILO: fair recruitment, cheaper remittances; UNHCR,
// OHCHR and civil society: protection).
void DeliverProject(StateEditor& e, int org, int seat, double effect) {
  SeatState& st = e.seat(seat);
  switch (e.state().scenario().seats()[org].mandate) {
    case mf::MANDATE_IOM:
      st.org_readmission = std::min(1.0, st.org_readmission + effect);
      break;
    case mf::MANDATE_ILO:
      st.org_remit = std::min(1.0, st.org_remit + effect);
      break;
    default:
      st.org_rights = std::min(1.0, st.org_rights + effect);
      break;
  }
  ++e.seat(org).projects;
}

bool IsState(const State& st, int seat) {
  return seat >= 0 && seat < st.num_seats() && !st.IsOrganisation(seat);
}

Result NotAState(const State& st, int seat) {
  if (seat < 0 || seat >= st.num_seats())
    return Err(mf::MALFORMED,
               "no seat " + Str(seat) + " (seats are 0.." + Str(st.num_seats() - 1) + ")");
  return Err(mf::NOT_ALLOWED,
             st.scenario().seats()[seat].name + " is an organisation, not a state");
}

ActionSpec Recommend() {
  ActionSpec s;
  s.type = ActionType::kRecommend;
  s.name = "recommend";
  s.doing = "tabling a recommendation";
  s.phase = mf::CIVIL_SOCIETY;
  s.counted = true;
  s.organisations_only = "table recommendations (states endorse them)";
  s.from_proto = [](const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
    out->type = ActionType::kRecommend;
    out->theme = sc.ThemeIndex(in.recommend().theme());
    out->position = in.recommend().position();
    if (out->theme < 0) {
      *error = "unknown theme '" + in.recommend().theme().substr(0, 40) + "'";
      return false;
    }
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario& sc, mf::Action* out) {
    out->mutable_recommend()->set_theme(
        a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].id : "");
    out->mutable_recommend()->set_position(a.position);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    return std::string("recommend ") +
           (a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].name : "?") + " at " +
           Str(a.position);
  };
  s.check = [](const State& st, int actor, const Action& a) {
    if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
    const std::vector<int>& agenda = st.agenda();
    if (std::find(agenda.begin(), agenda.end(), a.theme) == agenda.end())
      return Err(mf::NOT_FOUND, "that theme is not on this cycle's agenda");
    for (const Recommendation& r : st.recommendations())
      if (r.by == actor && r.theme == a.theme)
        return Err(mf::ALREADY_DONE, "you already recommended on that theme this cycle");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Recommendation r;
    r.id = e.NextId();
    r.theme = a.theme;
    r.position = a.position;
    r.by = actor;
    e.recommendations().push_back(r);
    e.Log(EventType::kOrgRecommendation, actor, a.theme, a.position);
  };
  // On each agenda item not yet recommended on: the organisation's own ideal
  // (its brief's stance), and the two ends of the middle ground.
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const SeatData& d = st.scenario().seats()[actor];
    for (int theme : st.agenda()) {
      bool done = false;
      for (const Recommendation& r : st.recommendations())
        done |= r.by == actor && r.theme == theme;
      if (done) continue;
      const int ideal = static_cast<int>(d.ideal[theme] + 0.5);
      std::vector<int> positions = {ideal};
      for (int p : {25, 75})
        if (p != ideal) positions.push_back(p);
      for (int p : positions) {
        Action a = Action::Make(ActionType::kRecommend);
        a.theme = theme;
        a.position = p;
        out->push_back(a);
      }
    }
  };
  return s;
}

// The texts an organisation may lobby a state on now: the draft (decision),
// a convention the state has not ratified (ratification), or an adopted text
// the state may still pledge more to (implementation).
bool Lobbyable(const State& st, int seat, const Text& t) {
  switch (st.phase()) {
    case mf::DECISION: {
      const Text* d = st.draft();
      return d && d->id == t.id && !d->decided;
    }
    case mf::RATIFICATION:
      return t.adopted && t.form == mf::BINDING_CONVENTION && !(t.ratified & SeatBit(seat));
    case mf::IMPLEMENTATION:
      return st.PledgeOpen(seat, t) && t.level[seat] < 100;
    default:
      return false;
  }
}

ActionSpec Lobby() {
  ActionSpec s;
  s.type = ActionType::kLobby;
  s.name = "lobby";
  s.doing = "lobbying";
  s.counted = true;
  s.organisations_only = "lobby states";
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kLobby;
    out->seat = in.lobby().seat();
    out->id = in.lobby().text();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_lobby()->set_seat(a.seat);
    out->mutable_lobby()->set_text(a.id);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    return "lobby " +
           (a.seat >= 0 && a.seat < sc.num_seats() ? sc.seats()[a.seat].name : Str(a.seat)) +
           " on text #" + Str(a.id);
  };
  s.gate = [](const State& st, int actor, Result* why) {
    const mf::Phase p = st.phase();
    if (p != mf::DECISION && p != mf::RATIFICATION && p != mf::IMPLEMENTATION) {
      if (why)
        *why = Err(mf::WRONG_PHASE,
                   std::string("lobbying is only possible in Decision, Ratification and "
                               "Implementation (now: ") +
                       PhaseName(p) + ")");
      return false;
    }
    if (st.seat(actor).capital >= kLobbyCost) return true;
    if (why)
      *why = Err(mf::LIMIT, "lobbying costs " + Str(kLobbyCost) + " political capital; you have " +
                                Str(st.seat(actor).capital));
    return false;
  };
  s.check = [](const State& st, int actor, const Action& a) {
    if (!IsState(st, a.seat)) return NotAState(st, a.seat);
    const Text* t = st.FindText(a.id);
    if (!t || !Lobbyable(st, a.seat, *t))
      return Err(mf::NOT_FOUND, "text " + Str(a.id) +
                                    " is not open to that state now (lobby on the draft in "
                                    "Decision, an unratified convention in Ratification, or an "
                                    "adopted text it may pledge more to in Implementation)");
    if (t->cover[a.seat] >= LobbyCover(st, actor))
      return Err(mf::ALREADY_DONE, st.scenario().seats()[a.seat].name +
                                       " has been lobbied on text " + Str(a.id) +
                                       " as strongly as you can");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Text* t = e.FindText(a.id);
    t->cover[a.seat] = static_cast<uint8_t>(LobbyCover(e.state(), actor));
    e.seat(actor).capital -= kLobbyCost;
    // The organisation's public campaign gives the government cover at home,
    // and the state learns to work with it.
    SeatState& st = e.seat(a.seat);
    st.approval = std::min(0.95, st.approval + 0.01 * (0.5 + e.state().seat(actor).capacity));
    e.ChangeTrust(a.seat, actor, 0.02);
    e.Log(EventType::kLobbied, actor, a.seat, a.id);
  };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const int cover = LobbyCover(st, actor);
    for (const Text& t : st.texts())
      for (int j = 0; j < st.num_seats(); ++j) {
        if (!IsState(st, j) || !Lobbyable(st, j, t) || t.cover[j] >= cover) continue;
        Action a = Action::Make(ActionType::kLobby);
        a.seat = j;
        a.id = t.id;
        out->push_back(a);
      }
  };
  return s;
}

ActionSpec OfferProject() {
  ActionSpec s;
  s.type = ActionType::kOfferProject;
  s.name = "run project";
  s.doing = "running a project";
  s.phase = mf::IMPLEMENTATION;
  s.counted = true;
  s.organisations_only = "run projects for states";
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kOfferProject;
    out->seat = in.offer_project().seat();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_offer_project()->set_seat(a.seat);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    return "run a project in " +
           (a.seat >= 0 && a.seat < sc.num_seats() ? sc.seats()[a.seat].name : Str(a.seat));
  };
  s.gate = [](const State& st, int actor, Result* why) {
    if (st.seat(actor).capital >= kProjectCost) return true;
    if (why)
      *why = Err(mf::LIMIT, "a project costs " + Str(kProjectCost) +
                                " political capital; you have " + Str(st.seat(actor).capital));
    return false;
  };
  s.check = [](const State& st, int, const Action& a) {
    if (!IsState(st, a.seat)) return NotAState(st, a.seat);
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    e.seat(actor).capital -= kProjectCost;
    // Its effect grows with the organisation's capacity.
    DeliverProject(e, actor, a.seat,
                   ProjectEffect(e.state(), 0.5 + e.state().seat(actor).capacity));
    SeatState& st = e.seat(a.seat);
    st.approval = std::min(0.95, st.approval + 0.01);
    e.ChangeTrust(a.seat, actor, 0.03);
    e.Log(EventType::kProject, actor, a.seat, 0);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (int j = 0; j < st.num_seats(); ++j) {
      if (!IsState(st, j)) continue;
      Action a = Action::Make(ActionType::kOfferProject);
      a.seat = j;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec Fund() {
  ActionSpec s;
  s.type = ActionType::kFund;
  s.name = "fund";
  s.doing = "funding an organisation";
  s.phase = mf::IMPLEMENTATION;
  s.counted = true;
  s.states_only = "fund organisations; states do";
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kFund;
    out->seat = in.fund().organisation();
    out->level = in.fund().amount();
    out->flag = in.fund().core();
    out->id = in.fund().project_for();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    mf::Fund* f = out->mutable_fund();
    f->set_organisation(a.seat);
    f->set_amount(a.level);
    f->set_core(a.flag);
    f->set_project_for(a.flag ? 0 : a.id);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    auto name = [&](int i) { return i >= 0 && i < sc.num_seats() ? sc.seats()[i].name : Str(i); };
    return "fund " + name(a.seat) + " " + Str(a.level) +
           (a.flag ? " (core)" : " (earmarked for " + name(a.id) + ")");
  };
  // There must be an organisation to fund.
  s.gate = [](const State& st, int, Result* why) {
    if (st.scenario().organisation_mask() != 0) return true;
    if (why) *why = Err(mf::NOT_FOUND, "no organisation sits at this forum");
    return false;
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.seat < 0 || a.seat >= st.num_seats() || !st.IsOrganisation(a.seat))
      return Err(mf::NOT_FOUND, "seat " + Str(a.seat) + " is not an organisation");
    if (a.level < 1 || a.level > kMaxFunding)
      return Err(mf::MALFORMED, "funding is 1.." + Str(kMaxFunding));
    if (a.flag && a.id != 0)
      return Err(mf::MALFORMED, "core funding is not earmarked: leave project_for at 0");
    if (!a.flag && !IsState(st, a.id))
      return Err(mf::MALFORMED, "earmarked funding names the state its project serves");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    // Paid from the donor's economy like aid.
    e.seat(actor).aid_given += a.level;
    SeatState& org = e.seat(a.seat);
    if (a.flag) {
      org.core_funding += a.level;
      org.capacity = std::min(kMaxCapacity,
                              org.capacity + a.level * e.state().scenario().params().core_capacity);
      e.Log(EventType::kFunded, actor, a.seat, a.level);
    } else {
      // Earmarked: the project the donor picked, now, and no capacity.
      org.earmarked_funding += a.level;
      e.Log(EventType::kFunded, actor, a.seat, -a.level);
      DeliverProject(e, a.seat, a.id, ProjectEffect(e.state(), a.level / 10.0));
      e.Log(EventType::kProject, a.seat, a.id, 1);
    }
    e.ChangeTrust(a.seat, actor, 0.02);
  };
  // Per organisation: core funding of 5, or 5 earmarked for a project in
  // the donor itself or in a state a corridor into the donor starts from or
  // crosses.
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const Scenario& sc = st.scenario();
    for (int o = 0; o < st.num_seats(); ++o) {
      if (!st.IsOrganisation(o)) continue;
      Action core = Action::Make(ActionType::kFund);
      core.seat = o;
      core.level = 5;
      core.flag = true;
      out->push_back(core);
      uint64_t done = 0;
      auto earmark = [&](int j) {
        if (j < 0 || !IsState(st, j) || (done & SeatBit(j))) return;
        done |= SeatBit(j);
        Action a = Action::Make(ActionType::kFund);
        a.seat = o;
        a.level = 5;
        a.id = j;
        out->push_back(a);
      };
      earmark(actor);
      for (const CorridorData& c : sc.corridors())
        if (c.destination == actor) {
          earmark(c.origin);
          earmark(c.transit);
        }
    }
  };
  return s;
}

}  // namespace

void AddOrganisationActions(std::vector<ActionSpec>* out) {
  out->push_back(Recommend());
  out->push_back(Lobby());
  out->push_back(OfferProject());
  out->push_back(Fund());
}

}  // namespace mf::rules::act
