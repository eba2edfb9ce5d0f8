// The world model (migration flows along corridors, remittances, approval,
// migrant welfare, trust and regime strength), world events, and scoring.
//
// Only +, -, *, / and comparisons are used on doubles (no libm calls whose
// last bit may differ between C libraries), and the rules library is built
// with -ffp-contract=off, so results are identical on every machine.
#include <algorithm>
#include <array>
#include <cmath>

#include "rules/state.h"

namespace mf::rules {
namespace {

double Clamp(double x, double lo, double hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}
double Saturate(double x, double k) {
  return x <= 0 ? 0 : x / (x + k);
}
uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}

// How strongly a text's commitments bind those it applies to.
double FormStrength(mf::Form f) {
  switch (f) {
    case mf::BINDING_CONVENTION:
      return 1.0;
    case mf::GUIDING_PRINCIPLES:
      return 0.6;
    default:
      return 0.3;
  }
}

}  // namespace

double State::FormPull(mf::Form f) const {
  switch (f) {
    case mf::BINDING_CONVENTION:
      return params_->pull_convention;
    case mf::GUIDING_PRINCIPLES:
      return params_->pull_principles;
    default:
      return params_->pull_summary;
  }
}

int State::RandomState() {
  // A scenario without organisations draws exactly as before.
  if (scenario_->organisation_mask() == 0)
    return static_cast<int>(rng_.Below(static_cast<uint32_t>(n_)));
  const int k = static_cast<int>(rng_.Below(static_cast<uint32_t>(num_states())));
  int seen = 0;
  for (int s = 0; s < n_; ++s)
    if (!IsOrganisation(s) && seen++ == k) return s;
  return 0;
}

void State::DrawWorldEvent() {
  const Scenario& sc = *scenario_;
  const auto& kinds = sc.event_kinds();
  const auto& weights = sc.event_weights();
  double total = 0;
  for (double w : weights) total += w;
  double pick = rng_.Uniform() * total;
  mf::EventKind kind = kinds.back();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (pick < weights[i]) {
      kind = kinds[i];
      break;
    }
    pick -= weights[i];
  }
  ApplyWorldEvent(kind, -1);
}

void State::ApplyWorldEvent(mf::EventKind kind, int seat) {
  const Scenario& sc = *scenario_;
  int corridor = -1;
  auto pick_seat = [&](mf::Role role) {
    std::vector<int> pool;
    for (int s = 0; s < n_; ++s)
      if (sc.seats()[s].role == role) pool.push_back(s);
    if (pool.empty()) return RandomState();
    return pool[rng_.Below(static_cast<uint32_t>(pool.size()))];
  };
  switch (kind) {
    case mf::ECONOMIC_INTEGRATION:
      mods_.demand *= 1.2;
      break;
    case mf::SECURITY_SCARE:
      mods_.security *= 1.6;
      // Felt at home as far as the state is a destination (mixed roles by weight).
      for (int s = 0; s < n_; ++s) {
        const double w = sc.seats()[s].weight[mf::DESTINATION];
        if (w > 0) seats_[s].approval -= w * 0.03;
      }
      break;
    case mf::TRANSNATIONALISM:
      mods_.remittance *= 1.25;
      break;
    case mf::TECHNOLOGY:
      mods_.remittance *= 1.1;
      mods_.mobility *= 1.1;
      break;
    case mf::CLIMATE_CHANGE:
      if (seat < 0) seat = pick_seat(mf::SOURCE);
      mods_.push[seat] *= 1.0 + 0.4 * (1.0 - seats_[seat].climate);
      seats_[seat].approval -= 0.03;
      break;
    case mf::FINANCIAL_CRISIS:
      mods_.demand *= 0.8;
      mods_.remittance *= 0.85;
      for (SeatState& s : seats_) s.approval -= 0.02;
      break;
    case mf::TRAGEDY_AT_SEA:
      if (sc.num_corridors() > 0) {
        corridor = static_cast<int>(rng_.Below(static_cast<uint32_t>(sc.num_corridors())));
        const CorridorData& c = sc.corridors()[corridor];
        seats_[c.destination].approval -= 0.03;
        seats_[c.origin].approval -= 0.02;
        seat = c.destination;
      }
      mods_.welfare_shock += 0.08;
      break;
    case mf::ELECTION_SWING:
      if (seat < 0) seat = RandomState();
      seats_[seat].approval -= 0.08;
      seats_[seat].enforcement = std::min(100, seats_[seat].enforcement + 20);
      break;
    default:
      break;
  }
  for (SeatState& s : seats_) s.approval = Clamp(s.approval, 0.05, 0.95);
  current_event_ = kind;
  current_event_seat_ = seat;
  Log(EventType::kWorldEvent, kind, seat, corridor);
}

void State::ApplyPledges() {
  const Scenario& sc = *scenario_;
  // Everything is recomputed from the pledges in force: a state that stops
  // carrying a text out loses what the text gave it.
  std::vector<double> rights_before(n_);
  for (int s = 0; s < n_; ++s) {
    SeatState& st = seats_[s];
    rights_before[s] = st.rights;
    for (int t = 0; t < sc.num_themes(); ++t) st.policy[t] = sc.themes()[t].status_quo;
    st.visas = st.readmission = st.remit_cut = st.rights = st.climate = 0;
  }
  for (CorridorState& c : corridors_) c.origin_coop = c.transit_coop = c.visas = c.remit_cut = 0;
  std::vector<int> open(n_, 0), carried(n_, 0);
  for (const Text& t : texts_) {
    if (!t.adopted || !t.in_force) continue;
    CommitmentSet commitments = t.commitments;
    // A text far towards the open end of its axis carries its theme's natural commitment.
    const mf::CommitmentKind natural = sc.themes()[t.theme].natural_commitment;
    if (t.position >= 60 && natural != mf::COMMITMENT_UNSPECIFIED && natural != mf::ANTI_SMUGGLING)
      commitments |= Bit(natural);
    const double strength = FormStrength(t.form);
    const double pull = FormPull(t.form);
    for (int s = 0; s < n_; ++s) {
      if (!PledgeOpen(s, t)) continue;
      ++open[s];
      if (t.level[s] <= 0) continue;
      carried[s] += t.level[s];
      SeatState& st = seats_[s];
      const double impl = t.level[s] / 100.0;
      const double f = strength * impl;
      double& p = st.policy[t.theme];
      p += pull * impl * (t.position - p);
      const mf::Role role = sc.seats()[s].role;
      if (t.caucus >= 0) {
        ApplyRegionalCommitments(t, commitments, s, f);
        continue;
      }
      if ((commitments & Bit(mf::LABOUR_VISAS)) && role == mf::DESTINATION)
        st.visas = std::min(1.0, st.visas + 0.5 * f);
      if ((commitments & Bit(mf::READMISSION)) && role != mf::DESTINATION)
        st.readmission = std::min(1.0, st.readmission + 0.5 * f);
      if (commitments & Bit(mf::REMITTANCE_COST_CUT))
        st.remit_cut = std::min(1.0, st.remit_cut + 0.5 * f);
      if (commitments & Bit(mf::RIGHTS_PROTECTION)) st.rights = std::min(1.0, st.rights + 0.5 * f);
      if (commitments & Bit(mf::CLIMATE_DISPLACEMENT))
        st.climate = std::min(1.0, st.climate + 0.5 * f);
      if ((commitments & Bit(mf::ANTI_SMUGGLING)) && t.corridor >= 0) {
        const CorridorData& c = sc.corridors()[t.corridor];
        CorridorState& cs = corridors_[t.corridor];
        if (s == c.origin) cs.origin_coop = std::min(1.0, cs.origin_coop + 0.6 * f);
        if (s == c.transit) cs.transit_coop = std::min(1.0, cs.transit_coop + 0.6 * f);
      }
    }
  }
  // The forum chosen applies to every state alike: it is where they all meet.
  // (A state that walked out of the choice keeps its own policy.)
  if (forum_theme_ >= 0)
    for (int s = 0; s < n_; ++s)
      if (!(forum_walked_ & SeatBit(s))) seats_[s].policy[forum_theme_] = forum_position_;
  for (int s = 0; s < n_; ++s) {
    SeatState& st = seats_[s];
    st.readmission = std::min(1.0, st.readmission + st.deal_readmission + st.org_readmission);
    // What organisations' projects built here: protection, fair recruitment.
    st.rights = std::min(1.0, st.rights + st.org_rights);
    st.remit_cut = std::min(1.0, st.remit_cut + st.org_remit);
    st.implement = open[s] > 0 ? (carried[s] + open[s] / 2) / open[s] : 0;
    // Protecting the rights of migrants whatever their status costs a
    // destination's government at home when it takes on more of it (as far
    // as the state is a destination).
    const double w_dest = sc.seats()[s].weight[mf::DESTINATION];
    if (w_dest > 0 && st.rights > rights_before[s])
      st.approval -= w_dest * 0.04 * sc.seats()[s].sovereignty * (st.rights - rights_before[s]);
  }
}

void State::ApplyRegionalCommitments(const Text& t, CommitmentSet commitments, int s, double f) {
  // A regional text acts among its members: the visas of a member
  // destination open to migrants from members, readmission and cheaper
  // transfers run on corridors between members; rights and climate
  // measures are the member's own programmes. States outside are untouched.
  const Scenario& sc = *scenario_;
  SeatState& st = seats_[s];
  const mf::Role role = sc.seats()[s].role;
  if (commitments & Bit(mf::RIGHTS_PROTECTION)) st.rights = std::min(1.0, st.rights + 0.5 * f);
  if (commitments & Bit(mf::CLIMATE_DISPLACEMENT)) st.climate = std::min(1.0, st.climate + 0.5 * f);
  for (int c = 0; c < sc.num_corridors(); ++c) {
    const CorridorData& cd = sc.corridors()[c];
    CorridorState& cs = corridors_[c];
    if (!IsMember(t.caucus, cd.origin) || !IsMember(t.caucus, cd.destination)) continue;
    if ((commitments & Bit(mf::LABOUR_VISAS)) && role == mf::DESTINATION && s == cd.destination)
      cs.visas = std::min(1.0, cs.visas + 0.5 * f);
    if ((commitments & Bit(mf::READMISSION)) && role != mf::DESTINATION) {
      if (s == cd.origin) cs.origin_coop = std::min(1.0, cs.origin_coop + 0.25 * f);
      if (s == cd.transit) cs.transit_coop = std::min(1.0, cs.transit_coop + 0.25 * f);
    }
    if ((commitments & Bit(mf::REMITTANCE_COST_CUT)) && (s == cd.origin || s == cd.destination))
      cs.remit_cut = std::min(1.0, cs.remit_cut + 0.25 * f);
    if ((commitments & Bit(mf::ANTI_SMUGGLING)) && c == t.corridor) {
      if (s == cd.origin) cs.origin_coop = std::min(1.0, cs.origin_coop + 0.6 * f);
      if (s == cd.transit) cs.transit_coop = std::min(1.0, cs.transit_coop + 0.6 * f);
    }
  }
}

void State::ResolvePledges() {
  for (Text& t : texts_) {
    if (!t.adopted || !t.in_force) continue;
    const double weight = t.form == mf::BINDING_CONVENTION ? 2.0 : 1.0;
    int kept = 0;
    for (int s = 0; s < n_; ++s) {
      if (!PledgeOpen(s, t)) continue;
      const int now = std::max<int>(0, t.level[s]);
      const int before = t.carried[s];
      if (before > 0 && now < before) {
        // Carrying out less than last year breaks the pledge, publicly: the
        // states that carry the same text out lose most trust.
        t.broken |= SeatBit(s);
        const double drop = weight * (before - now) / 100.0;
        for (int j = 0; j < n_; ++j) {
          if (j == s) continue;
          const bool partner = t.level[j] > 0;
          ChangeTrust(j, s,
                      -drop * (partner ? 0.5 * params_->breach_trust_victim
                                       : params_->breach_trust_others));
        }
        Log(EventType::kPledgeBroken, s, t.id, now);
      } else if (now > 0) {
        // A pledge carried out builds trust with those who carry out the same text.
        ++kept;
        ++kept_pledges_;
        for (int j = 0; j < n_; ++j)
          if (j != s && t.level[j] > 0) ChangeTrust(j, s, 0.02 * now / 100.0);
      }
    }
    for (int s = 0; s < n_; ++s)
      if (PledgeOpen(s, t)) t.carried[s] = static_cast<int8_t>(std::max<int>(0, t.level[s]));
    if (kept > 0) Log(EventType::kPledgesKept, 0, t.id, kept);
  }
}

namespace {

// The migration model's constants. Border enforcement alone intercepts at
// most half of those who try a route; with the origin's and the transit's
// cooperation (readmission, joint action against smugglers) it stops most of
// them before they set out. Those intercepted alone try again: smugglers find
// another route from the same origin, or a longer way round to the same
// destination (a `diversion` share of them, a scenario parameter), for a few
// rounds a year; every such detour is a longer, more dangerous journey.
constexpr double kInterceptAlone = 0.5;
constexpr double kStopWithHelp = 0.8;
constexpr int kRetryRounds = 4;
constexpr double kDetourHarm = 0.5;  // Welfare lost per detour, as a share of all movers.

}  // namespace

void State::ComputeFlows() {
  const Scenario& sc = *scenario_;
  const int nc = sc.num_corridors();
  for (SeatState& s : seats_) s.remittances = s.labour = s.transit_flow = s.irregular_in = 0;
  detoured_ = 0;
  movers_ = 0;
  std::array<double, kMaxCorridors> attempts{}, next{}, intercept{}, stop{};
  for (int c = 0; c < nc; ++c) {
    const CorridorData& cd = sc.corridors()[c];
    CorridorState& cs = corridors_[c];
    const SeatState& o = seats_[cd.origin];
    const SeatState& d = seats_[cd.destination];
    const double pressure = cd.pressure * mods_.mobility * mods_.push[cd.origin];
    const double legal =
        std::min(pressure, cd.legal * mods_.demand * (1.0 + std::min(1.0, d.visas + cs.visas)) +
                               d.deal_visas * 10.0);
    const double coop_o = std::min(1.0, 0.5 * o.readmission + cs.origin_coop);
    const double coop_t =
        cd.transit < 0 ? 1.0
                       : std::min(1.0, 0.5 * seats_[cd.transit].readmission + cs.transit_coop);
    const double coop = std::min(coop_o, coop_t);
    const double enforcement = d.enforcement / 100.0;
    cs.legal = legal;
    cs.irregular = 0;
    cs.cooperation = coop;
    attempts[c] = std::max(0.0, pressure - legal);
    intercept[c] = kInterceptAlone * enforcement * (1.0 - coop);
    stop[c] = kStopWithHelp * enforcement * coop;
    movers_ += pressure;
  }
  for (int round = 0; round < kRetryRounds; ++round) {
    next.fill(0.0);
    for (int c = 0; c < nc; ++c) {
      const double q = attempts[c];
      if (q <= 0) continue;
      const CorridorData& cd = sc.corridors()[c];
      corridors_[c].irregular += q * (1.0 - intercept[c] - stop[c]);
      if (cd.transit >= 0) seats_[cd.transit].transit_flow += q * (1.0 - stop[c]);
      if (round + 1 == kRetryRounds) continue;  // The rest give up this year.
      const double retry = q * intercept[c] * params_->diversion;
      if (retry <= 0) continue;
      detoured_ += retry;
      // Another route from the same origin, or a longer way round to the same
      // destination (weighted like this route's own pressure).
      double total = cd.pressure;
      for (int k = 0; k < nc; ++k)
        if (k != c && sc.corridors()[k].origin == cd.origin) total += sc.corridors()[k].pressure;
      if (total <= 0) {
        next[c] += retry;
        continue;
      }
      for (int k = 0; k < nc; ++k)
        if (k == c || sc.corridors()[k].origin == cd.origin)
          next[k] += retry * sc.corridors()[k].pressure / total;
    }
    attempts = next;
  }
  for (int c = 0; c < nc; ++c) {
    const CorridorData& cd = sc.corridors()[c];
    const CorridorState& cs = corridors_[c];
    SeatState& o = seats_[cd.origin];
    SeatState& d = seats_[cd.destination];
    const double cost_cut = std::min(1.0, 0.5 * (o.remit_cut + d.remit_cut) + cs.remit_cut);
    o.remittances +=
        (cs.legal + 0.5 * cs.irregular) * 0.01 * mods_.remittance * (1.0 + 0.5 * cost_cut);
    d.labour += cs.legal * mods_.demand;
    d.irregular_in += cs.irregular;
  }
}

FlowOutcome StartingWorldFlows(std::shared_ptr<const Scenario> scenario, int enforcement,
                               double cooperation) {
  State st(std::move(scenario), 1);
  st.mods_ = Modifiers();
  st.mods_.push.assign(st.n_, 1.0);
  for (int s = 0; s < st.n_; ++s)
    if (st.scenario().seats()[s].role == mf::DESTINATION) st.seats_[s].enforcement = enforcement;
  for (CorridorState& c : st.corridors_) c.origin_coop = c.transit_coop = cooperation;
  st.ComputeFlows();
  st.UpdateIndicators();
  FlowOutcome out;
  for (const SeatState& s : st.seats_) {
    out.irregular += s.irregular_in;
    out.legal += s.labour;
    out.transit += s.transit_flow;
  }
  out.detoured = st.detoured_;
  out.welfare = st.welfare_;
  return out;
}

void State::WorldUpdate() {
  const Scenario& sc = *scenario_;
  ApplyPledges();
  ComputeFlows();
  for (int s = 0; s < n_; ++s) {
    SeatState& st = seats_[s];
    const SeatData& d = sc.seats()[s];
    st.cum_remittances += st.remittances;
    st.cum_labour += st.labour;
    st.cum_transit += st.transit_flow;
    st.cum_irregular += st.irregular_in;
    // Domestic approval: drifts back to its base, then reacts to this year,
    // each role's concerns by the state's weight in that role (a single
    // role: weight 1, the others skipped).
    double a = st.approval + 0.1 * (d.approval - st.approval);
    const double w_dest = d.weight[mf::DESTINATION];
    const double w_source = d.weight[mf::SOURCE];
    const double w_transit = d.weight[mf::TRANSIT];
    if (w_dest > 0) {
      a -= w_dest * 0.08 * mods_.security * (st.irregular_in / st.base_irregular - 1.0);
      a += w_dest * 0.03 * (st.labour / st.base_labour - 1.0);
      a += w_dest * 0.02 * (st.enforcement / 100.0 - 0.3);
    }
    if (w_source > 0) {
      a += w_source * 0.06 * (st.remittances / st.base_remittances - 1.0);
      a -= w_source * 0.02 * st.readmission;
    }
    if (w_transit > 0) a -= w_transit * 0.08 * (st.transit_flow / st.base_transit - 1.0);
    st.approval = Clamp(a, 0.05, 0.95);
  }
  ++meetings_;
  if (forum_theme_ >= 0) ++forum_meetings_;
  UpdateIndicators();
}

void State::UpdateIndicators() {
  // Migrant welfare: the share of people who move legally, the rights they
  // have, preparation for climate displacement, minus this year's tragedies
  // and the harm of the longer, more dangerous routes people are pushed onto.
  double legal = 0, irregular = 0, rights_weighted = 0, inflow = 0, climate = 0;
  for (const CorridorState& c : corridors_) {
    legal += c.legal;
    irregular += c.irregular;
  }
  for (const SeatState& st : seats_) {
    const double in = st.labour + st.irregular_in;
    rights_weighted += st.rights * in;
    inflow += in;
    climate += st.climate;
  }
  const double legal_share = legal + irregular > 0 ? legal / (legal + irregular) : 1.0;
  const double rights_avg = inflow > 0 ? rights_weighted / inflow : 0.0;
  const double detours = movers_ > 0 ? detoured_ / movers_ : 0.0;
  welfare_ = Clamp(0.3 + 0.35 * legal_share + 0.25 * rights_avg + 0.1 * climate / num_states() -
                       kDetourHarm * detours - mods_.welfare_shock,
                   0.0, 1.0);

  // Regime strength, Krasner's three parts, from what the states did.
  // Norms: guiding principles as far as states carry them out, conventions
  // in force, and the civil society recommendations governments endorse.
  // Decision rules: binding conventions in force, weighted by how many
  // ratified them (chair's summaries and principles decide nothing).
  // Procedures: meetings held (the scenario's meeting_procedures, which may
  // be 0), deals and pledges kept, as far as the states trust each other.
  double principles = 0, conventions = 0, binding_rules = 0;
  for (const Text& t : texts_) {
    if (!t.adopted || !t.in_force) continue;
    if (t.form == mf::GUIDING_PRINCIPLES) {
      int carriers = 0;
      for (int s = 0; s < n_; ++s) carriers += t.level[s] > 0;
      // A regional text counts at half weight: regional, not global.
      principles += (t.caucus >= 0 ? 0.5 : 1.0) * carriers / num_states();
    }
    if (t.form == mf::BINDING_CONVENTION) {
      conventions += 1;
      binding_rules += 1.0 + static_cast<double>(__builtin_popcountll(t.ratified)) / num_states();
    }
  }
  norms_ = Saturate(principles + 2.0 * conventions + 0.05 * endorsements_, 4.0);
  rules_ = Saturate(binding_rules, 3.0);
  // Meetings held after a forum was chosen count at that forum's rate.
  double meetings = params_->meeting_procedures * meetings_;
  if (forum_meetings_ > 0) {
    const ThemeData::Forum* f =
        forum_band_ >= 0 ? &scenario_->themes()[forum_theme_].bands[forum_band_].forum : nullptr;
    const double rate = f && f->sets_meeting ? f->meeting_procedures : params_->meeting_procedures;
    meetings = params_->meeting_procedures * (meetings_ - forum_meetings_) + rate * forum_meetings_;
  }
  procedures_ = Saturate(meetings + 0.3 * kept_deals_ + 0.1 * kept_pledges_, 3.0) *
                (0.5 + 0.5 * mean_trust());
  // A campaign session starts from the regime the one before left: each part
  // grows from there towards 1 (mf::Carry.regime; 0 outside a campaign).
  const mf::RegimeStrength& carried = scenario_->proto().carry().regime();
  norms_ = carried.norms() + (1.0 - carried.norms()) * norms_;
  rules_ = carried.decision_rules() + (1.0 - carried.decision_rules()) * rules_;
  procedures_ = carried.procedures() + (1.0 - carried.procedures()) * procedures_;
}

void State::RecordCycleStats() {
  CycleStat c;
  c.mean_trust = mean_trust();
  c.norms = norms_;
  c.rules = rules_;
  c.procedures = procedures_;
  c.regime = regime();
  c.welfare = welfare_;
  for (const CorridorState& k : corridors_) {
    c.irregular += k.irregular;
    c.legal += k.legal;
  }
  c.approval.reserve(n_);
  for (const SeatState& s : seats_) {
    c.remittances += s.remittances;
    c.approval.push_back(s.approval);
  }
  history_.push_back(std::move(c));
}

std::vector<ScoreBreakdown> State::Scores() const {
  const Scenario& sc = *scenario_;
  const Params& p = *params_;
  std::vector<ScoreBreakdown> out(n_);
  const double years = static_cast<double>(std::max<size_t>(1, history_.size()));
  const double wsum = p.w_interest + p.w_economy + p.w_approval + p.w_reputation + p.w_shared;
  const double shared = 0.5 * regime() + 0.5 * welfare_;
  std::vector<double> points(static_cast<size_t>(n_));
  const double org_wsum = p.w_org_welfare + p.w_org_mandate + p.w_org_standing;
  for (int s = 0; s < n_; ++s) {
    const SeatData& d = sc.seats()[s];
    const SeatState& st = seats_[s];
    ScoreBreakdown& b = out[s];
    if (d.organisation) {
      // An organisation scores on its mandate: migrant welfare, its
      // mandate's indicator, and its standing (the trust the others place in
      // it), levelled against the starting world like a state's.
      b.shared = welfare_;
      b.mandate = MandateIndicator(s);
      b.reputation = reputation(s);
      b.approval = st.approval;
      b.raw = Clamp(100.0 *
                        (p.w_org_welfare * b.shared + p.w_org_mandate * b.mandate +
                         p.w_org_standing * b.reputation) /
                        org_wsum,
                    0.0, 100.0);
      b.gain = baseline_raw_.empty() ? 0.0 : b.raw - baseline_raw_[s];
      points[s] = 50.0 + p.org_offset + d.score_offset + p.org_scale * b.gain;
      b.total = Clamp(points[s], 0.0, 100.0);
      continue;
    }
    double dist = 0, prio = 0;
    for (int t = 0; t < sc.num_themes(); ++t) {
      dist += d.priority[t] * std::fabs(st.policy[t] - d.ideal[t]) / 100.0;
      prio += d.priority[t];
    }
    b.interest = prio > 0 ? 1.0 - dist / prio : 0.5;
    // The economy: each role's part (remittances for a source; legal labour
    // and few irregular arrivals for a destination; few people passing
    // through for a transit state), combined by the state's role weights
    // (a single role: its part alone, exactly).
    double econ = 0;
    const bool played = !history_.empty();
    if (d.weight[mf::SOURCE] > 0) {
      const double r = played ? st.cum_remittances / (years * st.base_remittances) : 1.0;
      econ += d.weight[mf::SOURCE] * (r / (r + 1.0));
    }
    if (d.weight[mf::DESTINATION] > 0) {
      const double l = played ? st.cum_labour / (years * st.base_labour) : 1.0;
      const double i = played ? st.cum_irregular / (years * st.base_irregular) : 1.0;
      econ += d.weight[mf::DESTINATION] * (0.5 * l / (l + 1.0) + 0.5 / (1.0 + i));
    }
    if (d.weight[mf::TRANSIT] > 0) {
      const double t = played ? st.cum_transit / (years * st.base_transit) : 1.0;
      econ += d.weight[mf::TRANSIT] * (1.0 / (1.0 + t));
    }
    econ += 0.01 * st.aid_received - 0.005 * st.aid_given / d.economy;
    b.economy = Clamp(econ, 0.0, 1.0);
    b.approval = st.approval;
    b.reputation = reputation(s);
    b.shared = shared;
    b.sovereignty = st.sovereignty_cost;
    const double weighted = p.w_interest * b.interest + p.w_economy * b.economy +
                            p.w_approval * b.approval + p.w_reputation * b.reputation +
                            p.w_shared * b.shared;
    b.raw = Clamp(100.0 * weighted / wsum - b.sovereignty, 0.0, 100.0);
    b.gain = baseline_raw_.empty() ? 0.0 : b.raw - baseline_raw_[s];
    // The role's offset and scale level what each role's economics yields;
    // a state of mixed roles takes their mix by its weights (a single role:
    // its role's, exactly).
    double role_offset = 0, role_scale = 0;
    for (int r = mf::SOURCE; r <= mf::DESTINATION; ++r) {
      if (d.weight[r] <= 0) continue;
      role_offset += d.weight[r] * p.role_offset[r];
      role_scale += d.weight[r] * p.role_scale[r];
    }
    points[s] = 50.0 + role_offset + d.score_offset + role_scale * b.gain;
    b.total = Clamp(points[s], 0.0, 100.0);
  }
  // Ranks follow the unclamped points: two seats past 100 are not a tie
  // settled by seat order.
  // States are ranked among states, organisations among organisations.
  for (int s = 0; s < n_; ++s) {
    int rank = 1;
    for (int o = 0; o < n_; ++o) {
      if (IsOrganisation(o) != IsOrganisation(s)) continue;
      if (points[o] > points[s] || (points[o] == points[s] && o < s)) ++rank;
    }
    out[s].rank = rank;
  }
  return out;
}

double State::MandateIndicator(int seat) const {
  const Scenario& sc = *scenario_;
  const SeatData& d = sc.seats()[seat];
  // The states' programmes, on average (visas: over the destinations).
  double rights = 0, remit = 0, climate = 0, visas = 0, dest = 0;
  for (int s = 0; s < n_; ++s) {
    if (IsOrganisation(s)) continue;
    const SeatState& st = seats_[s];
    rights += st.rights;
    remit += st.remit_cut;
    climate += st.climate;
    const double w = sc.seats()[s].weight[mf::DESTINATION];
    visas += w * st.visas;
    dest += w;
  }
  const double states = std::max(1, num_states());
  rights /= states;
  remit /= states;
  climate /= states;
  visas = dest > 0 ? visas / dest : 0;
  // Texts in force carrying a commitment (explicitly, or as their theme's
  // natural commitment when far towards the open end, as ApplyPledges reads them).
  auto in_force = [&](CommitmentSet kinds) {
    double n = 0;
    for (const Text& t : texts_) {
      if (!t.adopted || !t.in_force) continue;
      CommitmentSet c = t.commitments;
      const mf::CommitmentKind natural = sc.themes()[t.theme].natural_commitment;
      if (t.position >= 60 && natural != mf::COMMITMENT_UNSPECIFIED) c |= Bit(natural);
      if (c & kinds) n += t.form == mf::BINDING_CONVENTION ? 2.0 : 1.0;
    }
    return Saturate(n, 2.0);
  };
  const SeatState& me = seats_[seat];
  switch (d.mandate) {
    case mf::MANDATE_IOM:
      // Its capacity and the projects it delivered.
      return Clamp(0.5 * Clamp(me.capacity, 0.0, 1.0) + 0.5 * Saturate(me.projects, 12.0), 0.0,
                   1.0);
    case mf::MANDATE_UNHCR:
      return 0.5 * rights + 0.25 * climate +
             0.25 * in_force(Bit(mf::RIGHTS_PROTECTION) | Bit(mf::CLIMATE_DISPLACEMENT));
    case mf::MANDATE_ILO:
      return 0.4 * visas + 0.3 * remit +
             0.3 * in_force(Bit(mf::LABOUR_VISAS) | Bit(mf::REMITTANCE_COST_CUT));
    case mf::MANDATE_OHCHR:
      return 0.6 * rights + 0.4 * in_force(Bit(mf::RIGHTS_PROTECTION));
    case mf::MANDATE_CIVIL_SOCIETY:
      return 0.4 * rights + 0.6 * Saturate(me.endorsements, 20.0);
    default:
      return 0;
  }
}

}  // namespace mf::rules
