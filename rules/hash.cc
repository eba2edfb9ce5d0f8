// The state hash: an FNV-style hash over every field of the state, in a fixed order.
// Doubles are hashed by their bit patterns, so two states hash alike only
// when they are identical.
#include <cstring>

#include "rules/state.h"

namespace mf::rules {
namespace {

class Hasher {
 public:
  void Bytes(const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) {
      h_ ^= b[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  // Whole words are mixed in one step (FNV-style multiply plus a fold).
  void U64(uint64_t v) {
    h_ ^= v;
    h_ *= 0x100000001b3ULL;
    h_ ^= h_ >> 29;
  }
  void I(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void D(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U64(bits);
  }
  void S(const std::string& s) {
    I(static_cast<int64_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  void T(const Terms& t) {
    I(t.capital);
    I(t.aid);
    I(t.visas);
    I(t.readmission);
    I(t.stance_text);
    I(t.stance);
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

uint64_t State::Hash() const {
  Hasher h;
  h.S(scenario_->id());
  h.U64(seed_);
  for (int i = 0; i < 4; ++i) h.U64(rng_.words()[i]);
  h.U64(version_);
  h.I(cycle_);
  h.I(phase_);
  h.I(phase_serial_);
  h.I(paused_);
  h.I(extension_);
  h.I(host_);
  h.U64(troika_);
  h.I(co_chairs_[0]);
  h.I(co_chairs_[1]);
  h.I(static_cast<int64_t>(agenda_.size()));
  for (int a : agenda_) h.I(a);
  h.I(agenda_index_);
  h.I(current_text_);
  h.I(next_id_);
  for (const Text& t : texts_) {
    h.I(t.id);
    h.I(t.theme);
    h.I(t.position);
    h.I(t.form);
    h.U64(t.commitments);
    h.I(t.corridor);
    h.I(t.cycle);
    h.I(t.tabled | t.withdrawn << 1 | t.decided << 2 | t.adopted << 3 | t.in_force << 4);
    h.U64(t.supporters);
    h.U64(t.objectors);
    h.U64(t.ratified);
    h.U64(t.declined);
    h.U64(t.resolved);
    h.U64(t.charged);
    for (int k = 0; k < n_; ++k) h.I(t.level[k] * 256 + t.carried[k]);
    h.U64(t.broken);
    if (t.walked_out) h.U64(t.walked_out);  // Games without a walk-out hash as before.
    for (int k = 0; k < n_; ++k)
      if (t.cover[k]) h.I(k * 256 + t.cover[k]);
    // The forum's own texts hash as before regional texts existed.
    if (t.caucus >= 0) {
      h.I(t.caucus);
      h.U64(t.aside);
    }
  }
  for (const Amendment& m : amendments_) {
    h.I(m.id);
    h.I(m.proposer);
    h.I(m.position);
    h.I(m.form);
    h.U64(m.add);
    h.U64(m.remove);
    h.I(m.corridor);
    h.I(static_cast<int>(m.status));
  }
  for (const Recommendation& r : recs_) {
    h.I(r.id);
    h.I(r.theme);
    h.I(r.position);
    h.U64(r.endorsed);
    if (r.by >= 0) h.I(r.by);
  }
  for (const Deal& d : deals_) {
    h.I(d.id);
    h.I(d.from);
    h.I(d.to);
    h.T(d.give);
    h.T(d.ask);
    h.I(static_cast<int>(d.status));
    h.I(d.cycle);
    h.I(d.from_kept);
    h.I(d.to_kept);
    h.I(d.breach_visible | d.stance_checked << 1);
  }
  for (const SeatState& s : seats_) {
    h.D(s.approval);
    h.I(s.capital);
    h.I(s.ready | s.bot << 1);
    h.I(s.actions);
    h.I(s.statement);
    h.S(s.statement_text);
    h.I(s.vote);
    h.I(s.implement);
    h.I(s.enforcement);
    for (double v : {s.visas,           s.readmission,      s.remit_cut,
                     s.rights,          s.climate,          s.deal_visas,
                     s.aid_received,    s.aid_given,        s.remittances,
                     s.labour,          s.transit_flow,     s.irregular_in,
                     s.cum_remittances, s.cum_labour,       s.cum_transit,
                     s.cum_irregular,   s.base_remittances, s.base_labour,
                     s.base_transit,    s.base_irregular,   s.sovereignty_cost,
                     s.deal_readmission})
      h.D(v);
    for (double p : s.policy) h.D(p);
    // Organisations' state (zero for states: older hashes unchanged).
    if (s.capacity != 0 || s.projects != 0 || s.org_rights != 0 || s.org_remit != 0 ||
        s.org_readmission != 0 || s.core_funding != 0 || s.earmarked_funding != 0 ||
        s.endorsements != 0)
      for (double v : {s.capacity, s.core_funding, s.earmarked_funding, s.org_rights, s.org_remit,
                       s.org_readmission, static_cast<double>(s.projects),
                       static_cast<double>(s.endorsements)})
        h.D(v);
  }
  for (const CorridorState& c : corridors_) {
    h.D(c.legal);
    h.D(c.irregular);
    h.D(c.cooperation);
    h.D(c.origin_coop);
    h.D(c.transit_coop);
    if (c.visas != 0 || c.remit_cut != 0) {
      h.D(c.visas);
      h.D(c.remit_cut);
    }
  }
  for (double t : trust_) h.D(t);
  h.D(norms_);
  h.D(rules_);
  h.D(procedures_);
  h.D(welfare_);
  h.D(movers_);
  h.D(detoured_);
  h.I(adoptions_);
  h.I(ratifications_);
  h.I(endorsements_);
  h.I(meetings_);
  h.I(kept_deals_);
  h.I(kept_pledges_);
  h.D(mods_.demand);
  h.D(mods_.remittance);
  h.D(mods_.mobility);
  h.D(mods_.security);
  h.D(mods_.welfare_shock);
  for (double p : mods_.push) h.D(p);
  h.I(current_event_);
  h.I(current_event_seat_);
  h.I(static_cast<int64_t>(history_.size()));
  h.I(static_cast<int64_t>(events_.size()));
  for (const ScoreBreakdown& b : final_scores_) {
    h.D(b.total);
    h.I(b.rank);
  }
  for (double b : baseline_raw_) h.D(b);
  h.I(winner_);
  if (org_winner_ >= 0) h.I(org_winner_);
  // Games without press desks hash as before.
  if (press_desks_ > 0) {
    h.I(press_desks_);
    for (int k : press_actions_) h.I(k);
    for (const PressReport& r : reports_) {
      h.I(r.desk);
      h.I(r.about);
      h.I(r.praise);
      h.S(r.text);
      h.I(r.text_id);
      h.D(r.effect);
    }
  }
  // Scenarios without a theme that chooses the forum hash as before.
  if (forum_theme_ >= 0) {
    h.I(forum_theme_);
    h.I(forum_band_);
    h.I(forum_meetings_);
    h.I(forum_position_);
    if (forum_walked_) h.U64(forum_walked_);
  }
  return h.value();
}

}  // namespace mf::rules
