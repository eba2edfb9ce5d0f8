// The phase machine, the one place where phases change, and the
// resolution of decisions, ratifications and implementation.
#include <algorithm>
#include <cmath>

#include "rules/state.h"

namespace mf::rules {
namespace {

int PopCount(uint64_t x) {
  return __builtin_popcountll(x);
}
uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}
bool HasDeliverables(const Terms& t) {
  return t.aid > 0 || t.visas > 0 || t.readmission;
}

constexpr int kMaxCapital = 30;

}  // namespace

// ---------------------------------------------------------------------------
// The phase machine
// ---------------------------------------------------------------------------

bool State::AllReady() const {
  for (const SeatState& s : seats_)
    if (!s.ready) return false;
  return true;
}

void State::MaybeEndPhase() {
  if (AllReady()) EndPhase();
}

void State::EnterPhase(mf::Phase p) {
  phase_ = p;
  ++phase_serial_;
  extension_ = 0;
  for (SeatState& s : seats_) {
    s.ready = false;
    s.actions = 0;
  }
  std::fill(press_actions_.begin(), press_actions_.end(), 0);
  Log(EventType::kPhaseStart, p);
}

void State::BeginCycle() {
  const Scenario& sc = *scenario_;
  const auto& order = sc.host_order();
  const int h = static_cast<int>(order.size());
  const int k = (cycle_ - 1) % h;
  host_ = order[k];
  troika_ = SeatBit(host_) | SeatBit(order[(k + h - 1) % h]) | SeatBit(order[(k + 1) % h]);
  for (int i = 0; i < n_; ++i) {
    const int income =
        static_cast<int>(std::lround(params_->capital_income * sc.seats()[i].influence));
    seats_[i].capital = std::min(kMaxCapital, seats_[i].capital + income);
    seats_[i].deal_visas = 0;
  }
  mods_ = Modifiers();
  mods_.push.assign(n_, 1.0);
  Log(EventType::kCycleStart, cycle_, host_);
  DrawWorldEvent();
  agenda_ = sc.agenda()[cycle_ - 1];
  agenda_index_ = 0;
  current_text_ = 0;
  recs_.clear();
  for (int theme : agenda_) {
    Recommendation r;
    r.id = next_id_++;
    r.theme = theme;
    r.position = sc.themes()[theme].civil_society_position;
    recs_.push_back(r);
    Log(EventType::kRecommendation, r.id, theme, r.position);
  }
  EnterPhase(mf::CIVIL_SOCIETY);
}

void State::BeginItem() {
  const Scenario& sc = *scenario_;
  const int theme = agenda_[agenda_index_];
  // Co-chairs: one developed and one developing state, from the steering
  // group when it has both, rotating with the cycle and the item.
  const int rot = cycle_ * 7 + agenda_index_ * 3 + theme;
  for (int k = 0; k < 2; ++k) {
    const mf::Bloc want = k == 0 ? mf::DEVELOPED : mf::DEVELOPING;
    std::vector<int> pool;
    for (int s : sc.steering())
      if (sc.seats()[s].bloc == want) pool.push_back(s);
    if (pool.empty())
      for (int s = 0; s < n_; ++s)
        if (sc.seats()[s].bloc == want) pool.push_back(s);
    if (pool.empty())
      for (int s = 0; s < n_; ++s)
        if (s != co_chairs_[0] && !IsOrganisation(s)) pool.push_back(s);
    co_chairs_[k] = pool[static_cast<size_t>(rot) % pool.size()];
  }
  Text t;
  t.id = next_id_++;
  t.theme = theme;
  t.position = sc.themes()[theme].status_quo;
  t.form = WeakestForm();
  t.cycle = cycle_;
  texts_.push_back(t);
  current_text_ = t.id;
  amendments_.clear();
  for (SeatState& s : seats_) {
    s.statement = -1;
    s.statement_text.clear();
    s.vote = mf::VOTE_UNSPECIFIED;
  }
  EnterPhase(mf::STATEMENTS);
}

void State::NextItem() {
  ++agenda_index_;
  if (agenda_index_ < static_cast<int>(agenda_.size())) {
    BeginItem();
    return;
  }
  current_text_ = 0;
  co_chairs_[0] = co_chairs_[1] = -1;
  // Ratification opens every year an adopted convention still has states
  // that have not ratified it; last year's refusals may be reconsidered.
  bool binding = false;
  for (Text& t : texts_) {
    if (!t.adopted || t.form != mf::BINDING_CONVENTION) continue;
    t.declined = 0;
    if (PopCount(t.ratified) < num_states()) binding = true;
  }
  EnterPhase(binding ? mf::RATIFICATION : mf::IMPLEMENTATION);
  // A state that has ratified every open convention has nothing to decide.
  if (binding)
    for (int s = 0; s < n_; ++s)
      if (PendingRatifications(s) == 0) seats_[s].ready = true;
}

void State::EndPhase() {
  switch (phase_) {
    case mf::CIVIL_SOCIETY:
      agenda_index_ = 0;
      BeginItem();
      break;
    case mf::STATEMENTS:
      EnterPhase(mf::DRAFTING);
      break;
    case mf::DRAFTING: {
      Text* t = const_cast<Text*>(draft());
      for (Amendment& m : amendments_)
        if (m.status == AmendStatus::kPending) m.status = AmendStatus::kLapsed;
      if (t->withdrawn) {
        t->decided = true;
        ResolveRegional(false, true);
        NextItem();
        break;
      }
      if (!t->tabled) {
        // The co-chairs' working paper: the mean of their statements.
        int sum = 0, count = 0;
        for (int k = 0; k < 2; ++k) {
          const int p = seats_[co_chairs_[k]].statement;
          if (p >= 0) {
            sum += p;
            ++count;
          }
        }
        t->position = count ? (sum + count / 2) / count : t->position;
        t->form = WeakestForm();
        t->tabled = true;
        Log(EventType::kWorkingPaper, 0, t->id);
      }
      EnterPhase(mf::DECISION);
      break;
    }
    case mf::DECISION:
      ResolveDecision();
      ResolveRegional(draft()->adopted, false);
      NextItem();
      break;
    case mf::RATIFICATION:
      ResolveRatification();
      EnterPhase(mf::IMPLEMENTATION);
      break;
    case mf::IMPLEMENTATION:
      ResolveImplementation();
      ResolvePledges();
      WorldUpdate();
      RecordCycleStats();
      Log(EventType::kWorldUpdate, cycle_);
      if (cycle_ >= scenario_->cycles()) {
        FinishGame();
      } else {
        ++cycle_;
        BeginCycle();
      }
      break;
    default:
      break;
  }
}

void State::ResolveDecision() {
  Text& t = *const_cast<Text*>(draft());
  uint64_t sup = 0, obj = 0;
  double wsup = 0, wobj = 0;
  for (int s = 0; s < n_; ++s) {
    const double w = scenario_->seats()[s].influence;
    if (seats_[s].vote == mf::SUPPORT) {
      sup |= SeatBit(s);
      wsup += w;
    } else if (seats_[s].vote == mf::OBJECT) {
      obj |= SeatBit(s);
      wobj += w;
    }
  }
  bool adopted = false;
  const mf::DecisionRule rule = ItemRule(t.theme);
  switch (rule) {
    case mf::MAJORITY:
      // As in the General Assembly: a treaty text needs two thirds of the
      // votes cast (standing aside is not a vote; with no objection it is
      // adopted without a vote), and as many supporters as a consensus would
      // need; other texts a simple majority of the votes cast.
      if (t.form == mf::BINDING_CONVENTION) {
        const int needed =
            static_cast<int>(std::ceil(params_->consensus_min_support * num_states() - 1e-9));
        adopted = PopCount(sup) >= std::max(1, needed) &&
                  3 * PopCount(sup) >= 2 * (PopCount(sup) + PopCount(obj));
      } else {
        adopted = PopCount(sup) > PopCount(obj);
      }
      break;
    case mf::WEIGHTED_MAJORITY: {
      const double threshold = t.form == mf::BINDING_CONVENTION
                                   ? std::max(params_->weighted_threshold, 2.0 / 3.0)
                                   : params_->weighted_threshold;
      adopted = sup != 0 && wsup > threshold * (wsup + wobj);
      break;
    }
    default: {
      const int needed =
          static_cast<int>(std::ceil(params_->consensus_min_support * num_states() - 1e-9));
      adopted = obj == 0 && PopCount(sup) >= std::max(1, needed);
      break;
    }
  }
  t.decided = true;
  t.adopted = adopted;
  t.supporters = sup;
  t.objectors = obj;
  if (adopted) {
    ++adoptions_;
    t.in_force = t.form != mf::BINDING_CONVENTION;
    Log(EventType::kAdopted, 0, t.id, PopCount(sup));
    for (int i = 0; i < n_; ++i) {
      if (!(sup & SeatBit(i))) continue;
      for (int j = 0; j < n_; ++j)
        if (j != i && (sup & SeatBit(j))) ChangeTrust(i, j, 0.02);
      // Supporting a text across one's red line costs at home, by how far.
      PayForRedLine(i, t, 1.0);
    }
  } else {
    Log(EventType::kRejected, 0, t.id, PopCount(obj));
    if (rule == mf::CONSENSUS) {
      for (int i = 0; i < n_; ++i)
        if (sup & SeatBit(i))
          for (int j = 0; j < n_; ++j)
            if (obj & SeatBit(j)) ChangeTrust(i, j, -0.03);
    }
  }
  if (scenario_->themes()[t.theme].chooses_forum) ChooseForum(t);
  // Promised stances on this text are checked now: votes are public.
  for (size_t k = 0; k < deals_.size(); ++k) {
    Deal& d = deals_[k];
    if (d.status != DealStatus::kAccepted) continue;
    for (int side = 0; side < 2; ++side) {
      const Terms& terms = side == 0 ? d.give : d.ask;
      if (terms.stance_text != t.id) continue;
      const int who = side == 0 ? d.from : d.to;
      const mf::VoteChoice v = seats_[who].vote;
      bool kept = v == terms.stance;
      if (terms.stance == mf::STAND_ASIDE) kept = v != mf::OBJECT;
      int8_t& flag = side == 0 ? d.from_kept : d.to_kept;
      if (!kept) {
        flag = 0;
        RevealBreach(who, static_cast<int>(k));
      } else if (!HasDeliverables(terms)) {
        flag = 1;
      }
    }
  }
}

void State::ChooseForum(const Text& decided) {
  const ThemeData& th = scenario_->themes()[decided.theme];
  // The position in force: this text's when adopted, else the last one
  // adopted on the theme, else the status quo.
  int position = th.status_quo, adopted = 0;
  for (const Text& x : texts_)
    if (x.theme == decided.theme && x.adopted) {
      position = x.position;
      adopted = x.id;
    }
  forum_theme_ = decided.theme;
  forum_band_ = th.BandIndex(position);
  forum_position_ = position;
  forum_walked_ = decided.walked_out;
  Log(EventType::kForumChosen, decided.theme, forum_band_, decided.adopted ? adopted : 0);
}

void State::ResolveRatification() {
  const int needed = std::max(
      1, static_cast<int>(std::ceil(params_->ratification_threshold * num_states() - 1e-9)));
  for (Text& t : texts_) {
    if (!t.adopted || t.form != mf::BINDING_CONVENTION) continue;
    const uint64_t fresh = t.ratified & ~t.resolved;
    const int count = PopCount(t.ratified);
    const bool was_in_force = t.in_force;
    ratifications_ += PopCount(fresh);
    t.resolved |= fresh;
    t.in_force = count >= needed;
    // This year's convention is reported either way; an older one when it
    // enters into force with this year's ratifications.
    if (t.cycle == cycle_ || (t.in_force && !was_in_force))
      Log(t.in_force ? EventType::kInForce : EventType::kNotInForce, 0, t.id, count);
    for (int s = 0; s < n_; ++s) {
      const uint64_t bit = SeatBit(s);
      if (fresh & bit) {
        PayForRedLine(s, t, 1.5);
        // Ratifying is public: the states that voted for the text (the
        // peers who watch who follows through) think better of a ratifier,
        // and civil society at home approves as far as the text goes its way.
        for (int j = 0; j < n_; ++j)
          if (t.supporters & SeatBit(j)) ChangeTrust(j, s, 0.02);
        const double cs = scenario_->themes()[t.theme].civil_society_position;
        seats_[s].approval =
            std::min(1.0, seats_[s].approval +
                              0.03 * std::max(0.0, 1.0 - std::fabs(t.position - cs) / 50.0));
      }
      if (t.in_force && (t.ratified & bit) && !(t.charged & bit)) {
        t.charged |= bit;
        seats_[s].sovereignty_cost += scenario_->seats()[s].sovereignty * params_->sovereignty_cost;
        // A ratifier is bound to carry the convention out in full unless it
        // pledges less (which breaks its word once it has carried it out).
        if (t.level[s] < 0) t.level[s] = 100;
      }
    }
  }
}

void State::ResolveImplementation() {
  for (size_t k = 0; k < deals_.size(); ++k) {
    Deal& d = deals_[k];
    if (d.status == DealStatus::kOffered) {
      d.status = DealStatus::kExpired;
      continue;
    }
    if (d.status != DealStatus::kAccepted || d.cycle != cycle_) continue;
    for (int side = 0; side < 2; ++side) {
      const Terms& terms = side == 0 ? d.give : d.ask;
      int8_t& flag = side == 0 ? d.from_kept : d.to_kept;
      const int giver = side == 0 ? d.from : d.to;
      const int taker = side == 0 ? d.to : d.from;
      if (flag == -1) flag = 1;  // Undecided deliveries are carried out.
      if (flag == 1 && HasDeliverables(terms)) {
        SeatState& g = seats_[giver];
        SeatState& r = seats_[taker];
        g.aid_given += terms.aid;
        r.aid_received += terms.aid;
        g.deal_visas += terms.visas;
        if (terms.readmission) g.deal_readmission = std::min(1.0, g.deal_readmission + 0.15);
      }
      if (flag == 0 && !d.breach_visible) RevealBreach(giver, static_cast<int>(k));
    }
    if (d.from_kept == 1 && d.to_kept == 1) {
      ++kept_deals_;
      ChangeTrust(d.from, d.to, 0.05);
      ChangeTrust(d.to, d.from, 0.05);
    }
  }
}

void State::ChangeTrust(int from, int to, double delta) {
  if (from == to) return;
  double& t = trust_[from * n_ + to];
  const double before = t;
  t = std::min(1.0, std::max(0.0, t + delta));
  trust_sum_ += t - before;
}

void State::RevealBreach(int breacher, int deal_index) {
  Deal& d = deals_[deal_index];
  const int victim = d.from == breacher ? d.to : d.from;
  d.breach_visible = true;
  for (int j = 0; j < n_; ++j) {
    if (j == breacher) continue;
    ChangeTrust(j, breacher,
                j == victim ? -params_->breach_trust_victim : -params_->breach_trust_others);
  }
  Log(EventType::kBreachVisible, breacher, d.id, victim);
}

void State::FinishGame() {
  EnterPhase(mf::GAME_OVER);
  final_scores_ = Scores();
  // States and organisations are ranked apart (Scores): a winner of each.
  winner_ = 0;
  for (int s = 0; s < n_; ++s) {
    if (final_scores_[s].rank != 1) continue;
    (IsOrganisation(s) ? org_winner_ : winner_) = s;
  }
  Log(EventType::kGameOver, winner_);
}

}  // namespace mf::rules
