// Side deals between two seats: proposing, answering, withdrawing, and
// delivering (or not) in the implementation phase. Deals are private to
// their two parties: a seat is never told anything about the deals of others.
#include "rules/editor.h"

namespace mf::rules::act {
namespace {

constexpr int kMaxTermAmount = 20;
constexpr int kMaxOpenOffers = 3;

// The stance part of one side's terms, which depends on the draft on the table.
Result CheckStance(const State& st, const Terms& t, const char* side) {
  const std::string who = side;
  if (t.stance_text != 0) {
    const Text* d = st.draft();
    if (!d || d->id != t.stance_text || d->decided)
      return Err(mf::NOT_FOUND,
                 who + ": a stance can only be promised on the draft now on the table");
    if (!ValidVote(t.stance)) return Err(mf::MALFORMED, who + ": which stance is promised?");
  } else if (t.stance != mf::VOTE_UNSPECIFIED) {
    return Err(mf::MALFORMED, who + ": a stance needs the text it is about");
  }
  return Ok();
}

bool TermsIn(const mf::DealTerms& in, Terms* out, std::string* error) {
  out->capital = in.capital();
  out->aid = in.aid();
  out->visas = in.visas();
  out->readmission = in.readmission();
  out->stance_text = in.stance_text();
  out->stance = in.stance();
  if (!mf::VoteChoice_IsValid(in.stance())) {
    *error = "unknown stance";
    return false;
  }
  return true;
}

const Deal* FindDeal(const State& st, int id) {
  for (const Deal& d : st.deals())
    if (d.id == id) return &d;
  return nullptr;
}

int OpenOffers(const State& st, int actor) {
  int open = 0;
  for (const Deal& d : st.deals())
    if (d.from == actor && d.status == DealStatus::kOffered) ++open;
  return open;
}

// The draft that stances can still be promised on (nullptr when none).
const Text* StanceText(const State& st) {
  const Text* t = st.draft();
  return t && !t->decided && !t->withdrawn ? t : nullptr;
}

ActionSpec HonourDeal() {
  ActionSpec s;
  s.type = ActionType::kHonourDeal;
  s.name = "honour deal";
  s.states_only = "trade in side deals; they offer projects";
  s.doing = "delivering on a deal";
  s.phase = mf::IMPLEMENTATION;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kHonourDeal;
    out->id = in.honour_deal().deal();
    out->flag = in.honour_deal().keep();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_honour_deal()->set_deal(a.id);
    out->mutable_honour_deal()->set_keep(a.flag);
  };
  s.describe = [](const Action& a, const Scenario&) {
    return NameAndId(a, a.flag ? "keep deal" : "break deal");
  };
  s.check = [](const State& st, int actor, const Action& a) {
    const Deal* d = FindDeal(st, a.id);
    if (!d || (d->from != actor && d->to != actor))
      return Err(mf::NOT_FOUND, "you have no deal " + Str(a.id));
    if (d->status != DealStatus::kAccepted || d->cycle != st.cycle())
      return Err(mf::WRONG_PHASE, "only deals accepted this cycle are delivered now");
    const bool is_from = d->from == actor;
    if (!HasDeliverables(is_from ? d->give : d->ask))
      return Err(mf::MALFORMED, "you have nothing to deliver in deal " + Str(a.id));
    if ((is_from ? d->from_kept : d->to_kept) != -1)
      return Err(mf::ALREADY_DONE, "you already decided on deal " + Str(a.id));
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Deal* d = e.FindDeal(a.id);
    (d->from == actor ? d->from_kept : d->to_kept) = a.flag ? 1 : 0;
    if (a.flag) e.Log(EventType::kDealKept, actor, d->id, 0, SeatBit(d->from) | SeatBit(d->to));
  };
  s.targets = [](const State& st, int actor, std::vector<int>* out) {
    for (const Deal& d : st.deals())
      if ((d.from == actor || d.to == actor) && d.status == DealStatus::kAccepted &&
          d.cycle == st.cycle())
        out->push_back(d.id);
  };
  s.target_of = [](const mf::Action& in) { return in.honour_deal().deal(); };
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    for (const Deal& d : st.deals()) {
      if (d.status != DealStatus::kAccepted || d.cycle != st.cycle()) continue;
      if (d.from != actor && d.to != actor) continue;
      const Terms& mine = d.from == actor ? d.give : d.ask;
      const int8_t kept = d.from == actor ? d.from_kept : d.to_kept;
      if (kept != -1 || !HasDeliverables(mine)) continue;
      for (bool keep : {true, false}) {
        Action a = Action::Make(ActionType::kHonourDeal);
        a.id = d.id;
        a.flag = keep;
        out->push_back(a);
      }
    }
  };
  return s;
}

// Accepting, rejecting and withdrawing an offer share their wire form (the
// deal's id) and most of their check.
ActionSpec Answer(ActionType type, const char* name) {
  ActionSpec s;
  s.type = type;
  s.name = name;
  s.states_only = "trade in side deals; they offer projects";
  s.counted = true;
  s.describe = [](const Action& a, const Scenario&) {
    return NameAndId(a, FindSpec(a.type)->name);
  };
  s.target_of = [](const mf::Action& in) {
    return in.has_accept_deal()   ? in.accept_deal().deal()
           : in.has_reject_deal() ? in.reject_deal().deal()
                                  : in.withdraw_deal().deal();
  };
  s.check = [](const State& st, int actor, const Action& a) {
    const Deal* d = FindDeal(st, a.id);
    // Deals of others are not acknowledged at all: their existence is private.
    if (!d || (d->from != actor && d->to != actor))
      return Err(mf::NOT_FOUND, "you have no deal " + Str(a.id));
    if (a.type == ActionType::kWithdrawDeal) {
      if (d->from != actor)
        return Err(mf::NOT_YOUR_TURN, "only the proposer may withdraw an offer");
    } else if (d->to != actor) {
      return Err(mf::NOT_YOUR_TURN, "only the counterpart answers an offer");
    }
    if (d->status != DealStatus::kOffered)
      return Err(mf::ALREADY_DONE, "deal " + Str(a.id) + " is no longer open");
    if (a.type == ActionType::kAcceptDeal) {
      if (d->give.capital > st.seat(d->from).capital)
        return Err(mf::LIMIT, "the proposer no longer has the political capital offered");
      if (d->ask.capital > st.seat(d->to).capital)
        return Err(mf::LIMIT,
                   "you do not have the " + Str(d->ask.capital) + " political capital asked");
      for (const Terms* t : {&d->give, &d->ask}) {
        if (t->stance_text == 0) continue;
        const Text* x = st.draft();
        if (!x || x->id != t->stance_text || x->decided)
          return Err(mf::WRONG_PHASE, "the text this deal is about has already been decided");
      }
    }
    return Ok();
  };
  return s;
}

// The offers made to the actor, or made by it.
void OffersTo(const State& st, int actor, std::vector<int>* out) {
  for (const Deal& d : st.deals())
    if (d.to == actor && d.status == DealStatus::kOffered) out->push_back(d.id);
}
void OffersFrom(const State& st, int actor, std::vector<int>* out) {
  for (const Deal& d : st.deals())
    if (d.from == actor && d.status == DealStatus::kOffered) out->push_back(d.id);
}

ActionSpec WithdrawDeal() {
  ActionSpec s = Answer(ActionType::kWithdrawDeal, "withdraw deal");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kWithdrawDeal;
    out->id = in.withdraw_deal().deal();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_withdraw_deal()->set_deal(a.id);
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Deal* d = e.FindDeal(a.id);
    d->status = DealStatus::kWithdrawn;
    e.Log(EventType::kDealWithdrawn, actor, d->id, d->to, SeatBit(d->from) | SeatBit(d->to));
  };
  s.targets = OffersFrom;
  // Each open offer in turn: withdraw one's own; reject, then accept when
  // possible, one made to the actor.
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const Text* open_text = StanceText(st);
    for (const Deal& d : st.deals()) {
      if (d.status != DealStatus::kOffered) continue;
      if (d.from == actor) {
        Action a = Action::Make(ActionType::kWithdrawDeal);
        a.id = d.id;
        out->push_back(a);
      } else if (d.to == actor) {
        bool ok =
            d.give.capital <= st.seat(d.from).capital && d.ask.capital <= st.seat(actor).capital;
        for (const Terms* t : {&d.give, &d.ask})
          if (t->stance_text != 0 && (!open_text || open_text->id != t->stance_text)) ok = false;
        Action a = Action::Make(ActionType::kRejectDeal);
        a.id = d.id;
        out->push_back(a);
        if (ok) {
          a.type = ActionType::kAcceptDeal;
          out->push_back(a);
        }
      }
    }
  };
  return s;
}

ActionSpec RejectDeal() {
  ActionSpec s = Answer(ActionType::kRejectDeal, "reject deal");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kRejectDeal;
    out->id = in.reject_deal().deal();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_reject_deal()->set_deal(a.id);
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Deal* d = e.FindDeal(a.id);
    d->status = DealStatus::kRejected;
    e.Log(EventType::kDealRejected, actor, d->id, d->from, SeatBit(d->from) | SeatBit(d->to));
  };
  s.targets = OffersTo;
  s.enumerated_with = ActionType::kWithdrawDeal;
  return s;
}

ActionSpec AcceptDeal() {
  ActionSpec s = Answer(ActionType::kAcceptDeal, "accept deal");
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string*) {
    out->type = ActionType::kAcceptDeal;
    out->id = in.accept_deal().deal();
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_accept_deal()->set_deal(a.id);
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Deal* d = e.FindDeal(a.id);
    d->status = DealStatus::kAccepted;
    e.seat(d->from).capital += d->ask.capital - d->give.capital;
    e.seat(d->to).capital += d->give.capital - d->ask.capital;
    e.ChangeTrust(d->from, d->to, 0.03);
    e.ChangeTrust(d->to, d->from, 0.03);
    e.Log(EventType::kDealAccepted, actor, d->id, d->from, SeatBit(d->from) | SeatBit(d->to));
  };
  s.targets = OffersTo;
  s.enumerated_with = ActionType::kWithdrawDeal;
  return s;
}

ActionSpec ProposeDeal() {
  ActionSpec s;
  s.type = ActionType::kProposeDeal;
  s.name = "propose deal";
  s.states_only = "trade in side deals; they offer projects";
  s.counted = true;
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string* error) {
    out->type = ActionType::kProposeDeal;
    out->seat = in.propose_deal().to();
    return TermsIn(in.propose_deal().give(), &out->give, error) &&
           TermsIn(in.propose_deal().ask(), &out->ask, error);
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    out->mutable_propose_deal()->set_to(a.seat);
    TermsToProto(a.give, out->mutable_propose_deal()->mutable_give());
    TermsToProto(a.ask, out->mutable_propose_deal()->mutable_ask());
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    return "propose deal to " +
           (a.seat >= 0 && a.seat < sc.num_seats() ? sc.seats()[a.seat].name : Str(a.seat));
  };
  s.gate = [](const State& st, int actor, Result* why) {
    if (OpenOffers(st, actor) < kMaxOpenOffers) return true;
    if (why) *why = Err(mf::LIMIT, "you already have 3 offers waiting for answers");
    return false;
  };
  s.check = [](const State& st, int actor, const Action& a) {
    if (a.seat < 0 || a.seat >= st.num_seats() || a.seat == actor)
      return Err(mf::MALFORMED, "a deal needs another seat as counterpart");
    if (st.IsOrganisation(a.seat))
      return Err(mf::NOT_ALLOWED, st.scenario().seats()[a.seat].name +
                                      " is an organisation: organisations do not trade in side "
                                      "deals; they offer projects");
    const auto& seats = st.scenario().seats();
    Result r = CheckOfferTerms(seats[actor].role, seats[a.seat].role, a.give, a.ask);
    if (!r.ok()) return r;
    r = CheckStance(st, a.give, "what you give");
    if (!r.ok()) return r;
    r = CheckStance(st, a.ask, "what you ask");
    if (!r.ok()) return r;
    if (a.give.capital > st.seat(actor).capital)
      return Err(mf::LIMIT, "you offer " + Str(a.give.capital) + " political capital but have " +
                                Str(st.seat(actor).capital));
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    Deal d;
    d.id = e.NextId();
    d.from = actor;
    d.to = a.seat;
    d.give = a.give;
    d.ask = a.ask;
    d.cycle = e.state().cycle();
    e.deals().push_back(d);
    e.Log(EventType::kDealOffered, actor, d.id, a.seat, SeatBit(actor) | SeatBit(a.seat));
  };
  // One canonical offer per other seat, by roles: visas for readmission,
  // readmission for aid or visas, or capital for support on the open draft.
  s.enumerate = [](const State& st, int actor, std::vector<Action>* out) {
    const Scenario& sc = st.scenario();
    const mf::Role role = sc.seats()[actor].role;
    const Text* open_text = StanceText(st);
    for (int j = 0; j < st.num_seats(); ++j) {
      if (j == actor || st.IsOrganisation(j)) continue;
      const mf::Role other = sc.seats()[j].role;
      Action a = Action::Make(ActionType::kProposeDeal);
      a.seat = j;
      if (role == mf::DESTINATION && other != mf::DESTINATION) {
        a.give.visas = 5;
        a.ask.readmission = true;
      } else if (role != mf::DESTINATION && other == mf::DESTINATION) {
        a.give.readmission = true;
        if (role == mf::TRANSIT)
          a.ask.aid = 5;
        else
          a.ask.visas = 5;
      } else if (open_text && st.seat(actor).capital >= 1) {
        a.give.capital = 1;
        a.ask.stance_text = open_text->id;
        a.ask.stance = mf::SUPPORT;
      } else {
        continue;
      }
      out->push_back(a);
    }
  };
  return s;
}

}  // namespace

void AddDealActions(std::vector<ActionSpec>* out) {
  out->push_back(HonourDeal());
  out->push_back(WithdrawDeal());
  out->push_back(RejectDeal());
  out->push_back(AcceptDeal());
  out->push_back(ProposeDeal());
}

}  // namespace mf::rules::act

namespace mf::rules {

Result CheckTermsForRole(mf::Role giver, const Terms& t, const std::string& side) {
  const std::string who = side.empty() ? "" : side + ": ";
  if (t.capital < 0 || t.aid < 0 || t.visas < 0 || t.capital > act::kMaxTermAmount ||
      t.aid > act::kMaxTermAmount || t.visas > act::kMaxTermAmount)
    return act::Err(mf::MALFORMED, who + "amounts are 0..20");
  if (t.visas > 0 && giver != mf::DESTINATION)
    return act::Err(mf::MALFORMED, who + "only destination states issue visas");
  if (t.readmission && giver == mf::DESTINATION)
    return act::Err(mf::MALFORMED,
                    who + "readmission cooperation comes from source or transit states");
  return Result::Ok();
}

Result CheckOfferTerms(mf::Role from, mf::Role to, const Terms& give, const Terms& ask) {
  Result r = CheckTermsForRole(from, give, "what you give");
  if (!r.ok()) return r;
  r = CheckTermsForRole(to, ask, "what you ask");
  if (!r.ok()) return r;
  if (give.Empty() && ask.Empty())
    return act::Err(mf::MALFORMED, "a deal must give or ask something");
  return Result::Ok();
}

void TermsToProto(const Terms& in, mf::DealTerms* out) {
  out->set_capital(in.capital);
  out->set_aid(in.aid);
  out->set_visas(in.visas);
  out->set_readmission(in.readmission);
  out->set_stance_text(in.stance_text);
  out->set_stance(in.stance);
}

Terms TermsFromProto(const mf::DealTerms& in) {
  Terms t;
  std::string ignored;
  act::TermsIn(in, &t, &ignored);
  return t;
}

}  // namespace mf::rules
