// Regional texts: a caucus (a regional consultative process such as the
// Puebla Process or the Budapest Process) adopts a text that pledges its
// members only. The article calls regional and subregional approaches "the
// expedient path": where the forum as a whole adopts nothing on an item, the
// members of a regional process may still agree among themselves.
//
// One action kind (mf::RegionalText, catalogue entry below): in DRAFTING a
// member tables or replaces its caucus's regional draft on the current item
// (tabling counts as its support); in DECISION the members vote on it. After
// the forum's decision the drafts are decided by the item's rule applied to
// the members alone, unless the forum adopted a text on the item (or its
// draft was withdrawn): then they are set aside. Only members pledge to an
// adopted regional text, and its commitments act on corridors among the
// members only (world.cc); it counts towards the regime at half weight.
#include <algorithm>
#include <cmath>

#include "rules/editor.h"

namespace mf::rules {
namespace {

int PopCount(uint64_t x) {
  return __builtin_popcountll(x);
}

const std::string& CaucusName(const Scenario& sc, int k) {
  return sc.proto().caucuses(k).name();
}

}  // namespace

bool State::IsMember(int caucus, int seat) const {
  const auto& masks = scenario_->caucus_masks();
  if (caucus < 0 || caucus >= static_cast<int>(masks.size()) || seat < 0 || seat >= n_)
    return false;
  return (masks[static_cast<size_t>(caucus)] >> seat) & 1;
}

const Text* State::RegionalDraft(int caucus) const {
  const int theme = current_theme();
  if (theme < 0 || caucus < 0) return nullptr;
  for (const Text& t : texts_)
    if (t.caucus == caucus && t.cycle == cycle_ && t.theme == theme && !t.decided) return &t;
  return nullptr;
}

void State::ResolveRegional(bool forum_adopted, bool withdrawn) {
  const int theme = current_theme();
  for (Text& t : texts_) {
    if (t.caucus < 0 || t.decided || t.cycle != cycle_ || t.theme != theme) continue;
    t.decided = true;
    if (forum_adopted || withdrawn) {
      Log(EventType::kRegionalSetAside, 0, t.id, forum_adopted ? 1 : 0);
      continue;
    }
    const uint64_t members = scenario_->caucus_masks()[static_cast<size_t>(t.caucus)];
    const uint64_t sup = t.supporters & members, obj = t.objectors & members;
    double wsup = 0, wobj = 0;
    for (int s = 0; s < n_; ++s) {
      const double w = scenario_->seats()[s].influence;
      if ((sup >> s) & 1) wsup += w;
      if ((obj >> s) & 1) wobj += w;
    }
    // The item's rule, applied to the members alone (regional texts are
    // never binding, so the treaty thresholds do not arise).
    bool adopted = false;
    switch (ItemRule(t.theme)) {
      case mf::MAJORITY:
        adopted = PopCount(sup) > PopCount(obj);
        break;
      case mf::WEIGHTED_MAJORITY:
        adopted = sup != 0 && wsup > params_->weighted_threshold * (wsup + wobj);
        break;
      default: {
        const int needed =
            static_cast<int>(std::ceil(params_->consensus_min_support * PopCount(members) - 1e-9));
        adopted = obj == 0 && PopCount(sup) >= std::max(1, needed);
        break;
      }
    }
    t.adopted = adopted;
    t.in_force = adopted;
    if (!adopted) {
      Log(EventType::kRegionalRejected, 0, t.id, PopCount(obj));
      continue;
    }
    Log(EventType::kRegionalAdopted, 0, t.id, PopCount(sup));
    for (int i = 0; i < n_; ++i) {
      if (!((sup >> i) & 1)) continue;
      for (int j = 0; j < n_; ++j)
        if (j != i && ((sup >> j) & 1)) ChangeTrust(i, j, 0.02);
      PayForRedLine(i, t, 1.0);
    }
  }
}

namespace act {
namespace {

bool MemberOfAny(const State& st, int actor) {
  for (int k = 0; k < static_cast<int>(st.scenario().caucus_masks().size()); ++k)
    if (st.IsMember(k, actor)) return true;
  return false;
}

bool AnyDraftOf(const State& st, int actor) {
  for (int k = 0; k < static_cast<int>(st.scenario().caucus_masks().size()); ++k)
    if (st.IsMember(k, actor) && st.RegionalDraft(k)) return true;
  return false;
}

// What a regional text may carry: anti-smuggling only on a corridor whose
// states are all members.
Result CheckRegionalCommitments(const State& st, int caucus, CommitmentSet set, int corridor) {
  const Scenario& sc = st.scenario();
  if (set & ~kAllCommitments) return Err(mf::MALFORMED, "unknown commitment");
  if (!(set & Bit(mf::ANTI_SMUGGLING))) return Ok();
  if (corridor < 0 || corridor >= sc.num_corridors())
    return Err(mf::MALFORMED, "anti-smuggling cooperation needs a corridor");
  const CorridorData& c = sc.corridors()[corridor];
  for (int s : {c.origin, c.transit, c.destination})
    if (s >= 0 && !st.IsMember(caucus, s))
      return Err(mf::NOT_ALLOWED,
                 "a regional text acts among its members only: " + sc.seats()[s].name +
                     " on corridor " + c.id + " is not a member of the " + CaucusName(sc, caucus));
  return Ok();
}

// A corridor among the members of `caucus` (-1: none).
int MemberCorridor(const State& st, int caucus) {
  const Scenario& sc = st.scenario();
  for (int c = 0; c < sc.num_corridors(); ++c)
    if (CheckRegionalCommitments(st, caucus, Bit(mf::ANTI_SMUGGLING), c).ok()) return c;
  return -1;
}

ActionSpec Regional() {
  ActionSpec s;
  s.type = ActionType::kRegional;
  s.name = "regional text";
  s.doing = "tabling or deciding a regional text";
  s.phase = mf::PHASE_UNSPECIFIED;  // Tabled in Drafting, decided in Decision (the gate).
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
    const mf::RegionalText& r = in.regional();
    out->type = ActionType::kRegional;
    out->caucus = -1;
    for (int k = 0; k < sc.proto().caucuses_size(); ++k)
      if (sc.proto().caucuses(k).id() == r.caucus()) out->caucus = k;
    if (out->caucus < 0) {
      *error = "unknown caucus '" + r.caucus().substr(0, 40) + "'";
      return false;
    }
    out->position = r.position();
    out->form = r.form();
    out->vote = r.vote();
    return CommitmentsIn(r.commitments(), &out->add, error) &&
           CorridorIn(r.corridor(), sc, &out->corridor, error);
  };
  s.to_proto = [](const Action& a, const Scenario& sc, mf::Action* out) {
    auto* r = out->mutable_regional();
    if (a.caucus >= 0 && a.caucus < sc.proto().caucuses_size())
      r->set_caucus(sc.proto().caucuses(a.caucus).id());
    r->set_position(a.position);
    r->set_form(a.form);
    CommitmentsOut(a.add, r->mutable_commitments());
    r->set_corridor(CorridorOut(a, sc));
    r->set_vote(a.vote);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    const std::string who = a.caucus >= 0 && a.caucus < sc.proto().caucuses_size()
                                ? sc.proto().caucuses(a.caucus).name()
                                : std::string("caucus ?");
    if (a.vote != mf::VOTE_UNSPECIFIED)
      return "vote " + mf::VoteChoice_Name(a.vote) + " on the " + who + "'s regional draft";
    return "table the " + who + "'s regional draft at " + Str(a.position) + " (" +
           mf::Form_Name(a.form) + ")";
  };
  s.gate = [](const State& st, int actor, Result* why) {
    if (!MemberOfAny(st, actor)) {
      if (why)
        *why = Err(mf::NOT_YOUR_TURN,
                   "only the members of a regional process (a caucus) table or decide its "
                   "regional texts");
      return false;
    }
    if (st.phase() != mf::DRAFTING && st.phase() != mf::DECISION) {
      if (why)
        *why =
            Err(mf::WRONG_PHASE, "regional texts are tabled in Drafting and decided in Decision");
      return false;
    }
    if (st.phase() == mf::DRAFTING && st.draft() && st.draft()->withdrawn) {
      if (why) *why = Err(mf::ALREADY_DONE, "the draft was withdrawn for this item");
      return false;
    }
    if (st.phase() == mf::DECISION && !AnyDraftOf(st, actor)) {
      if (why) *why = Err(mf::NOT_FOUND, "no regional draft of your caucus is on the table");
      return false;
    }
    return true;
  };
  s.check = [](const State& st, int actor, const Action& a) {
    const Scenario& sc = st.scenario();
    if (a.caucus < 0 || a.caucus >= static_cast<int>(sc.caucus_masks().size()))
      return Err(mf::MALFORMED, "name the caucus of the regional text");
    const std::string& name = CaucusName(sc, a.caucus);
    if (!st.IsMember(a.caucus, actor))
      return Err(mf::NOT_YOUR_TURN, "only the members of the " + name +
                                        " table or decide its regional texts; " +
                                        sc.seats()[actor].name + " is not one");
    if (st.phase() == mf::DRAFTING) {
      if (a.vote != mf::VOTE_UNSPECIFIED)
        return Err(mf::MALFORMED,
                   "in Drafting a regional draft is tabled; its members vote on it in Decision");
      if (sc.themes()[st.current_theme()].chooses_forum)
        return Err(mf::NOT_ALLOWED,
                   "the choice of the forum is made by all the states together, not regionally");
      if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
      if (a.form != mf::CHAIRS_SUMMARY && a.form != mf::GUIDING_PRINCIPLES)
        return Err(mf::NOT_ALLOWED,
                   "regional processes adopt non-binding texts only: a chair's summary or "
                   "guiding principles");
      return CheckRegionalCommitments(st, a.caucus, a.add, a.corridor);
    }
    const Text* t = st.RegionalDraft(a.caucus);
    if (!t) return Err(mf::NOT_FOUND, "the " + name + " has no regional draft on this item");
    if (!ValidVote(a.vote)) return Err(mf::MALFORMED, "vote support, stand aside or object");
    const uint64_t bit = SeatBit(actor);
    const mf::VoteChoice now = (t->supporters & bit)  ? mf::SUPPORT
                               : (t->objectors & bit) ? mf::OBJECT
                               : (t->aside & bit)     ? mf::STAND_ASIDE
                                                      : mf::VOTE_UNSPECIFIED;
    if (now == a.vote)
      return Err(mf::ALREADY_DONE, "that is already your vote on the " + name + "'s draft");
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    const uint64_t bit = SeatBit(actor);
    if (e.state().phase() == mf::DRAFTING) {
      Text* t = const_cast<Text*>(e.state().RegionalDraft(a.caucus));
      if (!t) {
        Text fresh;
        fresh.id = e.NextId();
        fresh.theme = e.state().current_theme();
        fresh.cycle = e.state().cycle();
        fresh.caucus = a.caucus;
        fresh.tabled = true;
        t = e.AddText(fresh);
      }
      t->position = a.position;
      t->form = a.form;
      t->commitments = a.add;
      t->corridor = (a.add & Bit(mf::ANTI_SMUGGLING)) ? a.corridor : -1;
      // A new wording: the tabler supports it; the others decide afresh.
      t->supporters = bit;
      t->objectors = t->aside = 0;
      e.Log(EventType::kRegionalTabled, actor, t->id, a.caucus);
      return;
    }
    Text* t = const_cast<Text*>(e.state().RegionalDraft(a.caucus));
    t->supporters &= ~bit;
    t->objectors &= ~bit;
    t->aside &= ~bit;
    (a.vote == mf::SUPPORT ? t->supporters : a.vote == mf::OBJECT ? t->objectors : t->aside) |= bit;
  };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const Scenario& sc = st.scenario();
    for (int k = 0; k < static_cast<int>(sc.caucus_masks().size()); ++k) {
      if (!st.IsMember(k, actor)) continue;
      if (st.phase() == mf::DRAFTING) {
        if (sc.themes()[st.current_theme()].chooses_forum) continue;
        const mf::CommitmentKind natural = sc.themes()[st.current_theme()].natural_commitment;
        CommitmentSet options[2] = {0, 0};
        int corridor = -1;
        if (natural == mf::ANTI_SMUGGLING) {
          corridor = MemberCorridor(st, k);
          if (corridor >= 0) options[1] = Bit(natural);
        } else if (natural != mf::COMMITMENT_UNSPECIFIED) {
          options[1] = Bit(natural);
        }
        for (int p : {20, 50, 80})
          for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES})
            for (int o = 0; o < (options[1] ? 2 : 1); ++o) {
              Action a = Action::Make(ActionType::kRegional);
              a.caucus = k;
              a.position = p;
              a.form = f;
              a.add = options[o];
              a.corridor = (options[o] & Bit(mf::ANTI_SMUGGLING)) ? corridor : -1;
              out->push_back(a);
            }
        continue;
      }
      if (!st.RegionalDraft(k)) continue;
      for (mf::VoteChoice v : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
        Action a = Action::Make(ActionType::kRegional);
        a.caucus = k;
        a.vote = v;
        if (st.Check(actor, a).ok()) out->push_back(a);
      }
    }
  };
  return s;
}

}  // namespace

void AddRegionalActions(std::vector<ActionSpec>* out) {
  out->push_back(Regional());
}

}  // namespace act
}  // namespace mf::rules
