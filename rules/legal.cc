// The representative set of legal actions for a seat: what a random player
// draws from and what a client may offer as buttons. Positions and amounts
// are sampled on a grid; Apply accepts any valid value, not only these.
#include <algorithm>

#include "rules/state.h"

namespace mf::rules {
namespace {

uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}

}  // namespace

void State::LegalActions(int s, std::vector<Action>* out) const {
  out->clear();
  if (s < 0 || s >= n_ || IsTerminal() || paused_) return;
  const SeatState& me = seats_[s];
  const Scenario& sc = *scenario_;
  const mf::Role role = sc.seats()[s].role;
  if (!me.ready) out->push_back(Action::Make(ActionType::kReady));
  const bool can_act = me.actions < params_->max_actions_per_phase;

  auto push = [&](Action a) { out->push_back(std::move(a)); };

  switch (phase_) {
    case mf::CIVIL_SOCIETY:
      if (!can_act) break;
      for (const Recommendation& r : recs_) {
        if (r.endorsed & SeatBit(s)) continue;
        Action a = Action::Make(ActionType::kEndorse);
        a.id = r.id;
        push(a);
      }
      if (s == host_)
        for (size_t k = 1; k < agenda_.size(); ++k) {
          Action a = Action::Make(ActionType::kPrioritise);
          a.theme = agenda_[k];
          push(a);
        }
      break;
    case mf::STATEMENTS:
      if (!can_act) break;
      for (int p = 0; p <= 100; p += 25) {
        Action a = Action::Make(ActionType::kStatement);
        a.position = p;
        push(a);
      }
      break;
    case mf::DRAFTING: {
      const Text* t = draft();
      if (!t || t->withdrawn || !can_act) break;
      const mf::CommitmentKind natural = sc.themes()[t->theme].natural_commitment;
      CommitmentSet natural_set = natural == mf::COMMITMENT_UNSPECIFIED ? 0 : Bit(natural);
      const int natural_corridor =
          natural == mf::ANTI_SMUGGLING ? (sc.num_corridors() > 0 ? 0 : -1) : -1;
      if (natural == mf::ANTI_SMUGGLING && natural_corridor < 0) natural_set = 0;
      if (IsCoChair(s)) {
        const CommitmentSet options[2] = {0, natural_set};
        const int num_options = natural_set ? 2 : 1;
        for (int p : {20, 50, 80})
          for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
            for (int k = 0; k < num_options; ++k) {
              Action a = Action::Make(ActionType::kTableDraft);
              a.position = p;
              a.form = f;
              a.add = options[k];
              a.corridor = (options[k] & Bit(mf::ANTI_SMUGGLING)) ? natural_corridor : -1;
              push(a);
            }
        push(Action::Make(ActionType::kWithdrawDraft));
        for (const Amendment& m : amendments_) {
          if (m.status != AmendStatus::kPending) continue;
          Action a = Action::Make(ActionType::kAcceptAmendment);
          a.id = m.id;
          push(a);
          a.type = ActionType::kRejectAmendment;
          push(a);
        }
      }
      int pending = 0;
      for (const Amendment& m : amendments_) {
        if (m.proposer != s || m.status != AmendStatus::kPending) continue;
        ++pending;
        Action a = Action::Make(ActionType::kWithdrawAmendment);
        a.id = m.id;
        push(a);
      }
      if (t->tabled && me.capital >= 1 && pending < 2) {
        for (int delta : {-20, 20}) {
          const int p = t->position + delta;
          if (p < 0 || p > 100) continue;
          Action a = Action::Make(ActionType::kAmend);
          a.position = p;
          push(a);
        }
        for (int delta : {-1, 1}) {
          const int f = static_cast<int>(t->form) + delta;
          if (f < mf::CHAIRS_SUMMARY || f > mf::BINDING_CONVENTION) continue;
          Action a = Action::Make(ActionType::kAmend);
          a.form = static_cast<mf::Form>(f);
          push(a);
        }
        if (natural_set != 0) {
          Action a = Action::Make(ActionType::kAmend);
          if (t->commitments & natural_set) {
            a.remove = natural_set;
          } else {
            a.add = natural_set;
            a.corridor = t->corridor < 0 ? natural_corridor : -1;
          }
          push(a);
        }
      }
      break;
    }
    case mf::DECISION:
      for (mf::VoteChoice v : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
        if (me.vote == v) continue;
        Action a = Action::Make(ActionType::kVote);
        a.vote = v;
        push(a);
      }
      break;
    case mf::RATIFICATION:
      for (const Text& t : texts_) {
        if (t.cycle != cycle_ || !t.adopted || t.form != mf::BINDING_CONVENTION) continue;
        if ((t.ratified | t.declined) & SeatBit(s)) continue;
        for (bool yes : {true, false}) {
          Action a = Action::Make(ActionType::kRatify);
          a.id = t.id;
          a.flag = yes;
          push(a);
        }
      }
      break;
    case mf::IMPLEMENTATION:
      if (can_act) {
        for (int level : {0, 50, 100}) {
          if (me.implement != level) {
            Action a = Action::Make(ActionType::kImplement);
            a.level = level;
            push(a);
          }
          if (me.enforcement != level) {
            Action a = Action::Make(ActionType::kEnforce);
            a.level = level;
            push(a);
          }
        }
      }
      for (const Deal& d : deals_) {
        if (d.status != DealStatus::kAccepted || d.cycle != cycle_) continue;
        if (d.from != s && d.to != s) continue;
        const Terms& mine = d.from == s ? d.give : d.ask;
        const int8_t kept = d.from == s ? d.from_kept : d.to_kept;
        if (kept != -1 || !(mine.aid > 0 || mine.visas > 0 || mine.readmission)) continue;
        for (bool keep : {true, false}) {
          Action a = Action::Make(ActionType::kHonourDeal);
          a.id = d.id;
          a.flag = keep;
          push(a);
        }
      }
      break;
    default:
      break;
  }

  if (!can_act) return;
  // Deals: answers to offers, withdrawals, and one canonical offer per seat.
  const Text* open_text = draft();
  if (open_text && (open_text->decided || open_text->withdrawn)) open_text = nullptr;
  int open_offers = 0;
  for (const Deal& d : deals_) {
    if (d.status != DealStatus::kOffered) continue;
    if (d.from == s) {
      ++open_offers;
      Action a = Action::Make(ActionType::kWithdrawDeal);
      a.id = d.id;
      push(a);
    } else if (d.to == s) {
      bool ok = d.give.capital <= seats_[d.from].capital && d.ask.capital <= me.capital;
      for (const Terms* t : {&d.give, &d.ask})
        if (t->stance_text != 0 && (!open_text || open_text->id != t->stance_text)) ok = false;
      Action a = Action::Make(ActionType::kRejectDeal);
      a.id = d.id;
      push(a);
      if (ok) {
        a.type = ActionType::kAcceptDeal;
        push(a);
      }
    }
  }
  if (open_offers >= 3) return;
  for (int j = 0; j < n_; ++j) {
    if (j == s) continue;
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
    } else if (open_text && me.capital >= 1) {
      a.give.capital = 1;
      a.ask.stance_text = open_text->id;
      a.ask.stance = mf::SUPPORT;
    } else {
      continue;
    }
    push(a);
  }
}

}  // namespace mf::rules
