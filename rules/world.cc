// The world model (migration flows along corridors, remittances, approval,
// migrant welfare, trust and regime strength), world events, and scoring.
//
// Only +, -, *, / and comparisons are used on doubles (no libm calls whose
// last bit may differ between C libraries), and the rules library is built
// with -ffp-contract=off, so results are identical on every machine.
#include <algorithm>
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
    if (pool.empty()) return static_cast<int>(rng_.Below(static_cast<uint32_t>(n_)));
    return pool[rng_.Below(static_cast<uint32_t>(pool.size()))];
  };
  switch (kind) {
    case mf::ECONOMIC_INTEGRATION:
      mods_.demand *= 1.2;
      break;
    case mf::SECURITY_SCARE:
      mods_.security *= 1.6;
      for (int s = 0; s < n_; ++s)
        if (sc.seats()[s].role == mf::DESTINATION) seats_[s].approval -= 0.03;
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
      if (seat < 0) seat = static_cast<int>(rng_.Below(static_cast<uint32_t>(n_)));
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

void State::ApplyTextEffects(const Text& t) {
  const Scenario& sc = *scenario_;
  CommitmentSet commitments = t.commitments;
  // A text far towards the open end of its axis carries its theme's natural commitment.
  const mf::CommitmentKind natural = sc.themes()[t.theme].natural_commitment;
  if (t.position >= 60 && natural != mf::COMMITMENT_UNSPECIFIED && natural != mf::ANTI_SMUGGLING)
    commitments |= Bit(natural);
  const double strength = FormStrength(t.form);
  for (int s = 0; s < n_; ++s) {
    if (t.form == mf::BINDING_CONVENTION && !(t.ratified & SeatBit(s))) continue;
    SeatState& st = seats_[s];
    const double impl = st.implement / 100.0;
    const double f = strength * impl;
    double& p = st.policy[t.theme];
    p += FormPull(t.form) * impl * (t.position - p);
    const mf::Role role = sc.seats()[s].role;
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
    // Each commitment a government implements costs it some capital at home
    // unless its public is on the same side.
    if (role == mf::DESTINATION && (commitments & Bit(mf::RIGHTS_PROTECTION)))
      st.approval -= 0.02 * sc.seats()[s].sovereignty * impl;
  }
}

void State::ComputeFlows() {
  const Scenario& sc = *scenario_;
  const int nc = sc.num_corridors();
  for (SeatState& s : seats_) s.remittances = s.labour = s.transit_flow = s.irregular_in = 0;
  double diverted_total = 0;
  std::vector<double> diverted_from(nc, 0.0);
  for (int c = 0; c < nc; ++c) {
    const CorridorData& cd = sc.corridors()[c];
    CorridorState& cs = corridors_[c];
    const SeatState& o = seats_[cd.origin];
    const SeatState& d = seats_[cd.destination];
    const double pressure = cd.pressure * mods_.mobility * mods_.push[cd.origin];
    const double legal =
        std::min(pressure, cd.legal * mods_.demand * (1.0 + d.visas) + d.deal_visas * 10.0);
    const double want = std::max(0.0, pressure - legal);
    const double coop_o = std::min(1.0, 0.5 * o.readmission + cs.origin_coop);
    const double coop_t =
        cd.transit < 0 ? 1.0
                       : std::min(1.0, 0.5 * seats_[cd.transit].readmission + cs.transit_coop);
    const double coop = std::min(coop_o, coop_t);
    const double enforcement = d.enforcement / 100.0;
    // Enforcement stops people only with the cooperation of origin and transit;
    // alone, it pushes most of them onto other routes.
    const double stopped_with_help = want * enforcement * coop * 0.8;
    const double blocked_alone = want * enforcement * (1.0 - coop) * 0.8;
    const double diverted = blocked_alone * params_->diversion;
    cs.legal = legal;
    cs.irregular = want - stopped_with_help - blocked_alone;
    cs.cooperation = coop;
    diverted_from[c] = diverted;
    diverted_total += diverted;
  }
  if (diverted_total > 0 && nc > 1) {
    for (int c = 0; c < nc; ++c) {
      if (diverted_from[c] <= 0) continue;
      // Diverted people try other routes from the same origin, else any other route.
      const int origin = sc.corridors()[c].origin;
      double weight_same = 0, weight_all = 0;
      for (int k = 0; k < nc; ++k) {
        if (k == c) continue;
        weight_all += sc.corridors()[k].pressure;
        if (sc.corridors()[k].origin == origin) weight_same += sc.corridors()[k].pressure;
      }
      const bool same = weight_same > 0;
      const double total = same ? weight_same : weight_all;
      if (total <= 0) continue;
      for (int k = 0; k < nc; ++k) {
        if (k == c || (same && sc.corridors()[k].origin != origin)) continue;
        corridors_[k].irregular += diverted_from[c] * sc.corridors()[k].pressure / total;
      }
    }
  }
  for (int c = 0; c < nc; ++c) {
    const CorridorData& cd = sc.corridors()[c];
    const CorridorState& cs = corridors_[c];
    SeatState& o = seats_[cd.origin];
    SeatState& d = seats_[cd.destination];
    const double cost_cut = 0.5 * (o.remit_cut + d.remit_cut);
    o.remittances +=
        (cs.legal + 0.5 * cs.irregular) * 0.01 * mods_.remittance * (1.0 + 0.5 * cost_cut);
    d.labour += cs.legal * mods_.demand;
    d.irregular_in += cs.irregular;
    if (cd.transit >= 0) seats_[cd.transit].transit_flow += cs.irregular;
  }
}

void State::WorldUpdate() {
  const Scenario& sc = *scenario_;
  for (const Text& t : texts_)
    if (t.cycle == cycle_ && t.adopted && t.in_force) ApplyTextEffects(t);
  ComputeFlows();

  double legal = 0, irregular = 0, rights_weighted = 0, inflow = 0, climate = 0;
  for (const CorridorState& c : corridors_) {
    legal += c.legal;
    irregular += c.irregular;
  }
  for (int s = 0; s < n_; ++s) {
    SeatState& st = seats_[s];
    const SeatData& d = sc.seats()[s];
    st.cum_remittances += st.remittances;
    st.cum_labour += st.labour;
    st.cum_transit += st.transit_flow;
    st.cum_irregular += st.irregular_in;
    const double in = st.labour + st.irregular_in;
    rights_weighted += st.rights * in;
    inflow += in;
    climate += st.climate;
    // Domestic approval: drifts back to its base, then reacts to this year.
    double a = st.approval + 0.1 * (d.approval - st.approval);
    switch (d.role) {
      case mf::DESTINATION:
        a -= 0.08 * mods_.security * (st.irregular_in / st.base_irregular - 1.0);
        a += 0.03 * (st.labour / st.base_labour - 1.0);
        a += 0.02 * (st.enforcement / 100.0 - 0.3);
        break;
      case mf::SOURCE:
        a += 0.06 * (st.remittances / st.base_remittances - 1.0);
        a -= 0.02 * st.readmission;
        break;
      default:
        a -= 0.08 * (st.transit_flow / st.base_transit - 1.0);
        break;
    }
    st.approval = Clamp(a, 0.05, 0.95);
  }
  const double legal_share = legal + irregular > 0 ? legal / (legal + irregular) : 1.0;
  const double rights_avg = inflow > 0 ? rights_weighted / inflow : 0.0;
  welfare_ =
      Clamp(0.3 + 0.35 * legal_share + 0.25 * rights_avg + 0.1 * climate / n_ - mods_.welfare_shock,
            0.0, 1.0);

  // Regime strength: Krasner's norms, decision rules and procedures. Each grows
  // with what the forum does and saturates; a forum that keeps meeting builds them.
  ++meetings_;
  double principles = 0, conventions = 0;
  for (const Text& t : texts_) {
    if (!t.adopted) continue;
    if (t.form == mf::GUIDING_PRINCIPLES) principles += 1;
    if (t.form == mf::BINDING_CONVENTION && t.in_force) conventions += 1;
  }
  norms_ = Saturate(principles + 2.0 * conventions + 0.05 * endorsements_, 4.0);
  rules_ = Saturate(adoptions_ + 0.2 * ratifications_, 5.0);
  procedures_ = Saturate(meetings_ + 0.3 * kept_deals_, 3.0) * (0.5 + 0.5 * mean_trust());

  // Meeting again builds trust between all participants.
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < n_; ++j)
      if (i != j) trust_[i * n_ + j] += 0.03 * (1.0 - trust_[i * n_ + j]);
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
  for (int s = 0; s < n_; ++s) {
    const SeatData& d = sc.seats()[s];
    const SeatState& st = seats_[s];
    ScoreBreakdown& b = out[s];
    double dist = 0, prio = 0;
    for (int t = 0; t < sc.num_themes(); ++t) {
      dist += d.priority[t] * std::fabs(st.policy[t] - d.ideal[t]) / 100.0;
      prio += d.priority[t];
    }
    b.interest = prio > 0 ? 1.0 - dist / prio : 0.5;
    double econ;
    const bool played = !history_.empty();
    switch (d.role) {
      case mf::SOURCE: {
        const double r = played ? st.cum_remittances / (years * st.base_remittances) : 1.0;
        econ = r / (r + 1.0);
        break;
      }
      case mf::DESTINATION: {
        const double l = played ? st.cum_labour / (years * st.base_labour) : 1.0;
        const double i = played ? st.cum_irregular / (years * st.base_irregular) : 1.0;
        econ = 0.5 * l / (l + 1.0) + 0.5 / (1.0 + i);
        break;
      }
      default: {
        const double t = played ? st.cum_transit / (years * st.base_transit) : 1.0;
        econ = 1.0 / (1.0 + t);
        break;
      }
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
    b.total = Clamp(50.0 + p.role_offset[d.role] + p.role_scale[d.role] * b.gain, 0.0, 100.0);
  }
  for (int s = 0; s < n_; ++s) {
    int rank = 1;
    for (int o = 0; o < n_; ++o)
      if (out[o].total > out[s].total || (out[o].total == out[s].total && o < s)) ++rank;
    out[s].rank = rank;
  }
  return out;
}

}  // namespace mf::rules
