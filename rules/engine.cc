// The state: its construction, its queries, and the one entry for change
// (Apply), which runs an action's catalogue entry. The phase machine is in
// phases.cc, the world model and scoring in world.cc, each action kind's
// rules in actions_*.cc.
#include <algorithm>
#include <string>

#include "rules/editor.h"

namespace mf::rules {
namespace {

uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}

Result Err(mf::RuleError code, std::string message) {
  return Result::Error(code, std::move(message));
}

}  // namespace

State::State(std::shared_ptr<const Scenario> scenario, uint64_t seed, int press_desks)
    : scenario_(std::move(scenario)),
      params_(&scenario_->params()),
      seed_(seed),
      rng_(seed),
      press_desks_(std::clamp(press_desks, 0, kMaxPressDesks)),
      press_actions_(static_cast<size_t>(press_desks_), 0) {
  const Scenario& sc = *scenario_;
  n_ = sc.num_seats();
  seats_.resize(n_);
  for (int i = 0; i < n_; ++i) {
    const SeatData& d = sc.seats()[i];
    SeatState& s = seats_[i];
    s.approval = d.approval;
    s.capital = d.capital;
    s.capacity = d.organisation ? d.capacity : 0;
    s.policy.assign(sc.num_themes(), 0.0);
    for (int t = 0; t < sc.num_themes(); ++t) s.policy[t] = sc.themes()[t].status_quo;
  }
  corridors_.resize(sc.num_corridors());
  trust_.assign(static_cast<size_t>(n_) * n_, 0.5);
  for (uint64_t mask : sc.caucus_masks()) {
    for (int i = 0; i < n_; ++i) {
      if (!(mask & SeatBit(i))) continue;
      for (int j = 0; j < n_; ++j)
        if (i != j && (mask & SeatBit(j))) trust_[i * n_ + j] = 0.6;
    }
  }
  for (int i = 0; i < n_; ++i) trust_[i * n_ + i] = 1.0;
  if (sc.proto().has_carry()) CarryTrust(sc.proto().carry());
  trust_sum_ = 0;
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < n_; ++j)
      if (i != j) trust_sum_ += trust_[i * n_ + j];
  mods_.push.assign(n_, 1.0);
  // The starting world's flows give every seat its baseline for normalisation.
  ComputeFlows();
  for (SeatState& s : seats_) {
    s.base_remittances = std::max(s.remittances, 1e-3);
    s.base_labour = std::max(s.labour, 1e-3);
    s.base_transit = std::max(s.transit_flow, 1e-3);
    s.base_irregular = std::max(s.irregular_in, 1e-3);
  }
  // The shared indicators start from the starting world too.
  UpdateIndicators();
  // Scores are measured against the starting world: a seat's total says how
  // far it improved its position, so every role starts level.
  for (const ScoreBreakdown& b : Scores()) baseline_raw_.push_back(b.raw);
  BeginCycle();
}

// A campaign's carry-over (mf::Carry, validated by the loader): the trust
// between seats both sessions seat is what it was at the end before; a new
// seat's trust in a carried one is set so that the carried seat's reputation
// (the mean trust the others have in it) is what it was, as far as trust
// stays within [0, 1].
void State::CarryTrust(const mf::Carry& carry) {
  const Scenario& sc = *scenario_;
  std::vector<bool> carried(static_cast<size_t>(n_), false);
  for (const mf::CarriedSeat& c : carry.seats()) carried[sc.SeatIndex(c.id())] = true;
  for (const mf::CarriedTrust& t : carry.trust())
    trust_[sc.SeatIndex(t.from()) * n_ + sc.SeatIndex(t.to())] = t.trust();
  int fresh = 0;
  for (int j = 0; j < n_; ++j) fresh += !carried[j];
  if (fresh == 0 || n_ < 2) return;
  for (const mf::CarriedSeat& c : carry.seats()) {
    const int i = sc.SeatIndex(c.id());
    double among = 0;
    for (int j = 0; j < n_; ++j)
      if (j != i && carried[j]) among += trust_[j * n_ + i];
    const double each = std::clamp((c.reputation() * (n_ - 1) - among) / fresh, 0.0, 1.0);
    for (int j = 0; j < n_; ++j)
      if (!carried[j]) trust_[j * n_ + i] = each;
  }
}

int State::current_theme() const {
  if (phase_ < mf::STATEMENTS || phase_ > mf::DECISION) return -1;
  if (agenda_index_ < 0 || agenda_index_ >= static_cast<int>(agenda_.size())) return -1;
  return agenda_[agenda_index_];
}

const Text* State::FindText(int id) const {
  if (id <= 0) return nullptr;
  for (const Text& t : texts_)
    if (t.id == id) return &t;
  return nullptr;
}

const Text* State::draft() const {
  if (current_theme() < 0) return nullptr;
  return FindText(current_text_);
}

double State::reputation(int i) const {
  if (n_ < 2) return 0.5;
  double sum = 0;
  for (int j = 0; j < n_; ++j)
    if (j != i) sum += trust_[j * n_ + i];
  return sum / (n_ - 1);
}

double State::mean_trust() const {
  if (n_ < 2) return 0.5;
  return trust_sum_ / (static_cast<double>(n_) * (n_ - 1));
}

int State::PendingRatifications(int seat) const {
  if (phase_ != mf::RATIFICATION || IsOrganisation(seat)) return 0;
  int pending = 0;
  const uint64_t bit = SeatBit(seat);
  for (const Text& t : texts_)
    if (t.adopted && t.form == mf::BINDING_CONVENTION &&
        !((t.ratified | t.declined | t.walked_out) & bit))
      ++pending;
  return pending;
}

double State::RedLineExcess(int seat, const Text& text) const {
  double worst = 0;
  bool crossed = false;
  for (const RedLineData& r : scenario_->seats()[seat].red_lines) {
    if (r.theme != text.theme) continue;
    double beyond = 0;
    if (r.max_form != mf::FORM_UNSPECIFIED && text.form > r.max_form)
      beyond += 20.0 * (text.form - r.max_form);
    if (text.position > r.max_position) beyond += text.position - r.max_position;
    if (text.position < r.min_position) beyond += r.min_position - text.position;
    if (beyond > 0) {
      crossed = true;
      worst = std::max(worst, beyond);
    }
  }
  return crossed ? worst : -1;
}

void State::PayForRedLine(int seat, const Text& text, double visibility) {
  const double beyond = RedLineExcess(seat, text);
  if (beyond < 0) return;
  // An organisation that lobbied the state on this text gives it cover at
  // home: the cost falls by half at capacity 1 (at most by three quarters).
  const double cover = 1.0 - text.cover[seat] / 100.0;
  seats_[seat].approval =
      std::max(0.0, seats_[seat].approval -
                        cover * params_->red_line_cost * visibility * (1.0 + beyond / 20.0));
}

bool State::CrossesRedLine(int seat, const Text& text) const {
  for (const RedLineData& r : scenario_->seats()[seat].red_lines) {
    if (r.theme != text.theme) continue;
    if (r.max_form != mf::FORM_UNSPECIFIED && text.form > r.max_form) return true;
    if (text.position > r.max_position || text.position < r.min_position) return true;
  }
  return false;
}

bool State::PledgeOpen(int seat, const Text& text) const {
  if (!text.adopted || !text.in_force) return false;
  if (scenario_->themes()[text.theme].chooses_forum) return false;
  if (text.walked_out & SeatBit(seat)) return false;  // It walked out of the vote.
  if (scenario_->IsOrganisation(seat)) return false;  // Organisations carry out no texts.
  if (text.caucus >= 0 && !IsMember(text.caucus, seat)) return false;
  return text.form != mf::BINDING_CONVENTION || (text.ratified & SeatBit(seat));
}

mf::DecisionRule State::forum_rule() const {
  if (forum_band_ >= 0) {
    const mf::DecisionRule r = scenario_->themes()[forum_theme_].bands[forum_band_].forum.rule;
    if (r != mf::DECISION_RULE_UNSPECIFIED) return r;
  }
  return scenario_->decision_rule();
}

uint32_t State::allowed_forms() const {
  if (forum_band_ >= 0) {
    const uint32_t f = scenario_->themes()[forum_theme_].bands[forum_band_].forum.forms;
    if (f != 0) return f;
  }
  return scenario_->allowed_forms();
}

const std::string& State::forms_reason() const {
  if (forum_band_ >= 0) {
    const std::string& r = scenario_->themes()[forum_theme_].bands[forum_band_].forum.forms_reason;
    if (!r.empty()) return r;
  }
  return scenario_->proto().forms_reason();
}

mf::Form State::WeakestForm() const {
  for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if (FormAllowed(f)) return f;
  return mf::CHAIRS_SUMMARY;
}

mf::DecisionRule State::ItemRule(int theme) const {
  if (theme >= 0 && theme < scenario_->num_themes()) {
    const mf::DecisionRule r = scenario_->themes()[theme].decision_rule;
    if (r != mf::DECISION_RULE_UNSPECIFIED) return r;
  }
  return forum_rule();
}

void State::Log(EventType t, int a, int b, int c, uint64_t private_to) {
  EventRec e;
  e.type = t;
  e.cycle = static_cast<int16_t>(cycle_);
  e.phase = phase_;
  e.a = a;
  e.b = b;
  e.c = c;
  e.private_to = private_to;
  events_.push_back(e);
}

// ---------------------------------------------------------------------------
// The entry for change: every kind's rules are in its catalogue entry.
// ---------------------------------------------------------------------------

Result State::Check(int actor, const Action& a) const {
  const ActionSpec* spec = FindSpec(a.type);
  return spec ? Validate(*spec, actor, a) : Err(mf::MALFORMED, "unknown action type");
}

Result State::Validate(const ActionSpec& spec, int actor, const Action& a) const {
  if (!Admits(*this, spec, actor, nullptr)) {
    Result why;  // Only a refusal builds its sentence.
    Admits(*this, spec, actor, &why);
    return why;
  }
  return spec.check(*this, actor, a);
}

Result State::Apply(int actor, const Action& a) {
  const ActionSpec* spec = FindSpec(a.type);
  if (!spec) return Err(mf::MALFORMED, "unknown action type");
  Result r = Validate(*spec, actor, a);
  if (!r.ok()) return r;
  const int serial_before = phase_serial_;
  StateEditor editor(*this);
  spec->apply(editor, actor, a);
  if (actor >= 0 && spec->counted) ++seats_[actor].actions;
  ++version_;
  if (actor >= 0 && phase_ != mf::GAME_OVER) MaybeEndPhase();
  if (phase_serial_ != serial_before || spec->changes_context) context_version_ = version_;
  return r;
}

void State::LegalActions(int s, std::vector<Action>* out) const {
  out->clear();
  if (s < 0 || s >= n_) return;
  for (const ActionSpec* spec : CatalogueFor(Sender::kBySeat, phase_))
    if (spec->enumerate && Admits(*this, *spec, s, nullptr)) spec->enumerate(*this, s, out);
}

}  // namespace mf::rules
