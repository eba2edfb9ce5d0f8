// Actions of the drafting phase: the co-chairs table, amend and withdraw the
// draft; any seat proposes amendments for 1 political capital.
#include "rules/editor.h"

namespace mf::rules::act {
namespace {

constexpr int kMaxPendingAmendments = 2;

Result CheckCommitments(const Scenario& sc, CommitmentSet set, int corridor) {
  if (set & ~kAllCommitments) return Err(mf::MALFORMED, "unknown commitment");
  if ((set & Bit(mf::ANTI_SMUGGLING)) && (corridor < 0 || corridor >= sc.num_corridors()))
    return Err(mf::MALFORMED, "anti-smuggling cooperation needs a corridor");
  return Ok();
}

// The theme's natural commitment as a set, and the corridor it needs.
void Natural(const State& st, const Text& t, CommitmentSet* set, int* corridor) {
  const Scenario& sc = st.scenario();
  const mf::CommitmentKind natural = sc.themes()[t.theme].natural_commitment;
  *set = natural == mf::COMMITMENT_UNSPECIFIED ? 0 : Bit(natural);
  *corridor = natural == mf::ANTI_SMUGGLING ? (sc.num_corridors() > 0 ? 0 : -1) : -1;
  if (natural == mf::ANTI_SMUGGLING && *corridor < 0) *set = 0;
}

// A form this forum does not adopt (now: a forum chosen in the game may have
// changed them) is refused with the reason.
Result CheckForm(const State& st, mf::Form form) {
  if (st.FormAllowed(form)) return Ok();
  return Err(mf::NOT_ALLOWED, FormRefusal(st.allowed_forms(), st.forms_reason(), form));
}

bool CoChairOf(const State& st, int actor, Result* why, const char* refusal) {
  if (st.IsCoChair(actor)) return true;
  if (why) *why = Err(mf::NOT_YOUR_TURN, refusal);
  return false;
}

bool DraftOpen(const State& st, Result* why) {
  const Text* t = st.draft();
  if (!t) {
    if (why) *why = Err(mf::WRONG_PHASE, "no agenda item is open");
    return false;
  }
  if (t->withdrawn) {
    if (why) *why = Err(mf::ALREADY_DONE, "the draft was withdrawn for this item");
    return false;
  }
  return true;
}

int PendingOf(const State& st, int actor) {
  int pending = 0;
  for (const Amendment& m : st.amendments())
    if (m.proposer == actor && m.status == AmendStatus::kPending) ++pending;
  return pending;
}

void PendingAmendments(const State& st, int, std::vector<int>* out) {
  for (const Amendment& m : st.amendments())
    if (m.status == AmendStatus::kPending) out->push_back(m.id);
}

ActionSpec TableDraft() {
  ActionSpec s;
  s.type = ActionType::kTableDraft;
  s.name = "table draft";
  s.doing = "tabling a draft";
  s.phase = mf::DRAFTING;
  s.counted = true;
  s.changes_context = true;
  s.from_proto = [](const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
    out->type = ActionType::kTableDraft;
    out->position = in.table_draft().position();
    out->form = in.table_draft().form();
    return CommitmentsIn(in.table_draft().commitments(), &out->add, error) &&
           CorridorIn(in.table_draft().corridor(), sc, &out->corridor, error);
  };
  s.to_proto = [](const Action& a, const Scenario& sc, mf::Action* out) {
    auto* d = out->mutable_table_draft();
    d->set_position(a.position);
    d->set_form(a.form);
    CommitmentsOut(a.add, d->mutable_commitments());
    d->set_corridor(CorridorOut(a, sc));
  };
  s.describe = [](const Action& a, const Scenario&) {
    return "table draft at " + Str(a.position) + " (" + mf::Form_Name(a.form) + ")";
  };
  s.gate = [](const State& st, int actor, Result* why) {
    return CoChairOf(st, actor, why, "only the co-chairs table the draft") && DraftOpen(st, why);
  };
  s.check = [](const State& st, int, const Action& a) {
    if (!ValidPosition(a.position)) return Err(mf::MALFORMED, "a position is 0..100");
    if (!ValidForm(a.form)) return Err(mf::MALFORMED, "choose a form for the draft");
    if (Result r = CheckForm(st, a.form); !r.ok()) return r;
    return CheckCommitments(st.scenario(), a.add, a.corridor);
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Text* t = e.draft();
    t->position = a.position;
    t->form = a.form;
    t->commitments = a.add;
    t->corridor = (a.add & Bit(mf::ANTI_SMUGGLING)) ? a.corridor : -1;
    t->tabled = true;
    e.Log(EventType::kDraftTabled, actor, t->id);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    CommitmentSet natural;
    int corridor;
    Natural(st, *st.draft(), &natural, &corridor);
    const CommitmentSet options[2] = {0, natural};
    const int num_options = natural ? 2 : 1;
    for (int p : {20, 50, 80})
      for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION}) {
        if (!st.FormAllowed(f)) continue;
        for (int k = 0; k < num_options; ++k) {
          Action a = Action::Make(ActionType::kTableDraft);
          a.position = p;
          a.form = f;
          a.add = options[k];
          a.corridor = (options[k] & Bit(mf::ANTI_SMUGGLING)) ? corridor : -1;
          out->push_back(a);
        }
      }
  };
  return s;
}

ActionSpec WithdrawDraft() {
  ActionSpec s;
  s.type = ActionType::kWithdrawDraft;
  s.name = "withdraw draft";
  s.doing = "withdrawing the draft";
  s.phase = mf::DRAFTING;
  s.counted = true;
  s.changes_context = true;
  s.from_proto = [](const mf::Action&, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kWithdrawDraft;
    return true;
  };
  s.to_proto = [](const Action&, const Scenario&, mf::Action* out) {
    out->mutable_withdraw_draft();
  };
  s.describe = [](const Action&, const Scenario&) { return std::string("withdraw draft"); };
  s.gate = [](const State& st, int actor, Result* why) {
    if (!CoChairOf(st, actor, why, "only the co-chairs may withdraw the draft")) return false;
    if (!st.draft()) {
      if (why) *why = Err(mf::WRONG_PHASE, "no agenda item is open");
      return false;
    }
    if (st.draft()->withdrawn) {
      if (why) *why = Err(mf::ALREADY_DONE, "the draft is already withdrawn");
      return false;
    }
    return true;
  };
  s.check = [](const State&, int, const Action&) { return Ok(); };
  s.apply = [](StateEditor& e, int actor, const Action&) {
    Text* t = e.draft();
    t->withdrawn = true;
    for (Amendment& m : e.amendments())
      if (m.status == AmendStatus::kPending) m.status = AmendStatus::kLapsed;
    e.Log(EventType::kDraftWithdrawn, actor, t->id);
  };
  s.enumerate = [](const State&, int, std::vector<Action>* out) {
    out->push_back(Action::Make(ActionType::kWithdrawDraft));
  };
  return s;
}

// Accepting, rejecting and withdrawing an amendment share their wire form
// (the amendment's id) and the check that it is still pending.
ActionSpec AmendmentDecision(ActionType type, const char* name) {
  ActionSpec s;
  s.type = type;
  s.name = name;
  s.doing = "handling amendments";
  s.phase = mf::DRAFTING;
  s.counted = true;
  s.changes_context = true;
  s.target_of = [](const mf::Action& in) {
    return in.has_accept_amendment()   ? in.accept_amendment().amendment()
           : in.has_reject_amendment() ? in.reject_amendment().amendment()
                                       : in.withdraw_amendment().amendment();
  };
  s.targets = PendingAmendments;
  s.check = [](const State& st, int actor, const Action& a) {
    const Amendment* m = nullptr;
    for (const Amendment& x : st.amendments())
      if (x.id == a.id) m = &x;
    if (!m) return Err(mf::NOT_FOUND, "no amendment " + Str(a.id) + " on this draft");
    if (m->status != AmendStatus::kPending)
      return Err(mf::ALREADY_DONE, "amendment " + Str(a.id) + " was already dealt with");
    if (a.type == ActionType::kWithdrawAmendment && m->proposer != actor)
      return Err(mf::NOT_YOUR_TURN, "only its proposer may withdraw an amendment");
    return Ok();
  };
  s.describe = [](const Action& a, const Scenario&) {
    return NameAndId(a, FindSpec(a.type)->name);
  };
  return s;
}

bool CoChairDecides(const State& st, int actor, Result* why) {
  return CoChairOf(st, actor, why, "only the co-chairs accept or reject amendments") &&
         DraftOpen(st, why);
}

ActionSpec AcceptAmendment() {
  ActionSpec s = AmendmentDecision(ActionType::kAcceptAmendment, "accept amendment");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kAcceptAmendment;
    out->id = in.accept_amendment().amendment();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_accept_amendment()->set_amendment(a.id);
  };
  s.gate = CoChairDecides;
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Amendment* m = e.FindAmendment(a.id);
    Text* t = e.draft();
    m->status = AmendStatus::kAccepted;
    if (m->position != -1) t->position = m->position;
    if (m->form != mf::FORM_UNSPECIFIED) t->form = m->form;
    t->commitments = (t->commitments | m->add) & ~m->remove;
    if ((m->add & Bit(mf::ANTI_SMUGGLING)) && t->corridor < 0) t->corridor = m->corridor;
    if (!(t->commitments & Bit(mf::ANTI_SMUGGLING))) t->corridor = -1;
    e.ChangeTrust(m->proposer, actor, 0.03);
    e.Log(EventType::kAmendmentAccepted, actor, m->id);
  };
  // Each pending amendment in turn: accept it, reject it.
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (const Amendment& m : st.amendments()) {
      if (m.status != AmendStatus::kPending) continue;
      Action a = Action::Make(ActionType::kAcceptAmendment);
      a.id = m.id;
      out->push_back(a);
      a.type = ActionType::kRejectAmendment;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec RejectAmendment() {
  ActionSpec s = AmendmentDecision(ActionType::kRejectAmendment, "reject amendment");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kRejectAmendment;
    out->id = in.reject_amendment().amendment();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_reject_amendment()->set_amendment(a.id);
  };
  s.gate = CoChairDecides;
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Amendment* m = e.FindAmendment(a.id);
    m->status = AmendStatus::kRejected;
    e.ChangeTrust(m->proposer, actor, -0.02);
    e.Log(EventType::kAmendmentRejected, actor, m->id);
  };
  s.enumerated_with = ActionType::kAcceptAmendment;
  return s;
}

ActionSpec WithdrawAmendment() {
  ActionSpec s = AmendmentDecision(ActionType::kWithdrawAmendment, "withdraw amendment");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kWithdrawAmendment;
    out->id = in.withdraw_amendment().amendment();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_withdraw_amendment()->set_amendment(a.id);
  };
  s.gate = [](const State& st, int, Result* why) { return DraftOpen(st, why); };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Amendment* m = e.FindAmendment(a.id);
    m->status = AmendStatus::kWithdrawn;
    e.Log(EventType::kAmendmentWithdrawn, actor, m->id);
  };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (const Amendment& m : st.amendments()) {
      if (m.proposer != actor || m.status != AmendStatus::kPending) continue;
      Action a = Action::Make(ActionType::kWithdrawAmendment);
      a.id = m.id;
      out->push_back(a);
    }
  };
  return s;
}

ActionSpec Amend() {
  ActionSpec s;
  s.type = ActionType::kAmend;
  s.name = "amend";
  s.states_only = "amend drafts; they lobby the states that do";
  s.doing = "amending";
  s.phase = mf::DRAFTING;
  s.counted = true;
  s.changes_context = true;
  s.from_proto = [](const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
    out->type = ActionType::kAmend;
    out->position = in.amend().position();
    out->form = in.amend().form();
    return CommitmentsIn(in.amend().add(), &out->add, error) &&
           CommitmentsIn(in.amend().remove(), &out->remove, error) &&
           CorridorIn(in.amend().corridor(), sc, &out->corridor, error);
  };
  s.to_proto = [](const Action& a, const Scenario& sc, mf::Action* out) {
    auto* d = out->mutable_amend();
    d->set_position(a.position);
    d->set_form(a.form);
    CommitmentsOut(a.add, d->mutable_add());
    CommitmentsOut(a.remove, d->mutable_remove());
    d->set_corridor(CorridorOut(a, sc));
  };
  s.describe = [](const Action&, const Scenario&) { return std::string("amend"); };
  s.gate = [](const State& st, int actor, Result* why) {
    const Text* t = st.draft();
    if (!t || !t->tabled) {
      if (why)
        *why = Err(mf::WRONG_PHASE, "nothing to amend yet: the co-chairs have not tabled a draft");
      return false;
    }
    if (!DraftOpen(st, why)) return false;
    if (st.seat(actor).capital < 1) {
      if (why) *why = Err(mf::LIMIT, "an amendment costs 1 political capital and you have none");
      return false;
    }
    if (PendingOf(st, actor) >= kMaxPendingAmendments) {
      if (why) *why = Err(mf::LIMIT, "you already have 2 amendments waiting for the co-chairs");
      return false;
    }
    return true;
  };
  s.check = [](const State& st, int, const Action& a) {
    const Text* t = st.draft();
    if (a.position != -1 && !ValidPosition(a.position))
      return Err(mf::MALFORMED, "a position is 0..100 (or -1 to keep it)");
    if (a.form != mf::FORM_UNSPECIFIED && !ValidForm(a.form))
      return Err(mf::MALFORMED, "unknown form");
    if (a.form != mf::FORM_UNSPECIFIED)
      if (Result r = CheckForm(st, a.form); !r.ok()) return r;
    if ((a.add | a.remove) & ~kAllCommitments) return Err(mf::MALFORMED, "unknown commitment");
    if (a.add & a.remove) return Err(mf::MALFORMED, "an amendment cannot add and remove the same");
    const bool changes = (a.position != -1 && a.position != t->position) ||
                         (a.form != mf::FORM_UNSPECIFIED && a.form != t->form) ||
                         (a.add & ~t->commitments) || (a.remove & t->commitments);
    if (!changes)
      return Err(mf::MALFORMED,
                 "an amendment must change the position, the form or the commitments");
    if ((a.add & Bit(mf::ANTI_SMUGGLING)) && t->corridor < 0)
      return CheckCommitments(st.scenario(), a.add, a.corridor);
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Amendment m;
    m.id = e.NextId();
    m.proposer = actor;
    m.position = a.position;
    m.form = a.form;
    m.add = a.add;
    m.remove = a.remove;
    m.corridor = (a.add & Bit(mf::ANTI_SMUGGLING)) ? a.corridor : -1;
    e.amendments().push_back(m);
    e.seat(actor).capital -= 1;
    e.Log(EventType::kAmendmentProposed, actor, m.id);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    const Text& t = *st.draft();
    CommitmentSet natural;
    int corridor;
    Natural(st, t, &natural, &corridor);
    for (int delta : {-20, 20}) {
      const int p = t.position + delta;
      if (p < 0 || p > 100) continue;
      Action a = Action::Make(ActionType::kAmend);
      a.position = p;
      out->push_back(a);
    }
    for (int delta : {-1, 1}) {
      const int f = static_cast<int>(t.form) + delta;
      if (f < mf::CHAIRS_SUMMARY || f > mf::BINDING_CONVENTION) continue;
      if (!st.FormAllowed(static_cast<mf::Form>(f))) continue;
      Action a = Action::Make(ActionType::kAmend);
      a.form = static_cast<mf::Form>(f);
      out->push_back(a);
    }
    if (natural != 0) {
      Action a = Action::Make(ActionType::kAmend);
      if (t.commitments & natural) {
        a.remove = natural;
      } else {
        a.add = natural;
        a.corridor = t.corridor < 0 ? corridor : -1;
      }
      out->push_back(a);
    }
  };
  return s;
}

}  // namespace

void AddDraftingActions(std::vector<ActionSpec>* out) {
  out->push_back(TableDraft());
  out->push_back(WithdrawDraft());
  out->push_back(AcceptAmendment());
  out->push_back(RejectAmendment());
  out->push_back(WithdrawAmendment());
  out->push_back(Amend());
}

}  // namespace mf::rules::act
