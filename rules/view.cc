// Builds the wire view from a SeatView. Reads nothing else.
#include "rules/view.h"

#include <algorithm>

#include "rules/campaign.h"

namespace mf::rules {
namespace {

void CommitmentsOut(CommitmentSet set, google::protobuf::RepeatedField<int>* out) {
  for (int k = mf::LABOUR_VISAS; k <= mf::CLIMATE_DISPLACEMENT; ++k)
    if (set & Bit(static_cast<mf::CommitmentKind>(k))) out->Add(k);
}

void SeatsOut(uint64_t mask, int n, google::protobuf::RepeatedField<int32_t>* out) {
  for (int i = 0; i < n; ++i)
    if ((mask >> i) & 1) out->Add(i);
}

void BriefOut(const SeatView& v, const SeatData& d, mf::Brief* out) {
  for (int t = 0; t < v.num_themes(); ++t) {
    auto* st = out->add_stances();
    st->set_theme(v.theme(t).id);
    st->set_ideal(static_cast<int>(d.ideal[t]));
    st->set_priority(d.priority[t]);
  }
  for (const RedLineData& r : d.red_lines) {
    auto* rl = out->add_red_lines();
    rl->set_theme(v.theme(r.theme).id);
    rl->set_max_form(r.max_form);
    rl->set_max_position(r.max_position);
    rl->set_min_position(r.min_position);
    rl->set_reason(r.reason);
  }
  out->set_briefing(d.briefing);
}

void TextOut(const SeatView& v, const Text& t, mf::Text* out) {
  out->set_id(t.id);
  out->set_theme(v.theme(t.theme).id);
  out->set_position(t.position);
  out->set_form(t.form);
  CommitmentsOut(t.commitments, out->mutable_commitments());
  if (t.corridor >= 0) out->set_corridor(v.corridor_def(t.corridor).id);
  out->set_cycle(t.cycle);
  out->set_adopted(t.adopted);
  out->set_in_force(t.in_force);
  SeatsOut(t.ratified, v.num_seats(), out->mutable_ratified_by());
  SeatsOut(t.declined, v.num_seats(), out->mutable_declined_by());
  out->set_label(v.Label(t));
  out->set_supporters(__builtin_popcountll(t.supporters));
  out->set_objectors(__builtin_popcountll(t.objectors));
  if (t.caucus >= 0) {
    out->set_caucus(v.caucuses()[t.caucus].id());
    SeatsOut(t.supporters, v.num_seats(), out->mutable_supported_by());
    SeatsOut(t.objectors, v.num_seats(), out->mutable_objected_by());
  }
  for (int s = 0; s < v.num_seats(); ++s) {
    if (t.level[s] < 0 && t.carried[s] < 0) continue;
    auto* p = out->add_pledges();
    p->set_seat(s);
    p->set_level(std::max<int>(0, t.level[s]));
    p->set_carried(t.carried[s]);
    p->set_broken((t.broken >> s) & 1);
  }
}

const char* AmendStatusName(AmendStatus s) {
  switch (s) {
    case AmendStatus::kPending:
      return "pending";
    case AmendStatus::kAccepted:
      return "accepted";
    case AmendStatus::kRejected:
      return "rejected";
    case AmendStatus::kWithdrawn:
      return "withdrawn";
    case AmendStatus::kLapsed:
      return "lapsed";
  }
  return "";
}

const char* DealStatusName(const Deal& d) {
  switch (d.status) {
    case DealStatus::kOffered:
      return "offered";
    case DealStatus::kRejected:
      return "rejected";
    case DealStatus::kWithdrawn:
      return "withdrawn";
    case DealStatus::kExpired:
      return "expired";
    case DealStatus::kAccepted:
      if (d.from_kept == 0 || d.to_kept == 0) return "broken";
      if (d.from_kept == 1 && d.to_kept == 1) return "kept";
      return "accepted";
  }
  return "";
}

}  // namespace

State SeatView::Determinize(const std::vector<BriefGuess>& guesses, uint64_t seed) const {
  auto belief = std::make_shared<Scenario>(s_->scenario());
  const int n = num_seats();
  for (int j = 0; j < n; ++j) {
    // The message form of the briefs is blanked for every seat but the viewer.
    if (j != viewer_) belief->proto_.mutable_seats(j)->clear_brief();
    if (j == viewer_) continue;
    SeatData& d = belief->seats_[static_cast<size_t>(j)];
    d.briefing.clear();
    d.red_lines.clear();
    const bool have = static_cast<size_t>(j) < guesses.size() &&
                      guesses[static_cast<size_t>(j)].ideal.size() == d.ideal.size() &&
                      guesses[static_cast<size_t>(j)].priority.size() == d.priority.size();
    for (size_t t = 0; t < d.ideal.size(); ++t) {
      d.ideal[t] = have ? guesses[static_cast<size_t>(j)].ideal[t] : 50.0;
      d.priority[t] = have ? guesses[static_cast<size_t>(j)].priority[t] : 1.0;
    }
  }
  belief->text_.clear();
  State out = *s_;
  out.scenario_ = belief;
  out.params_ = &belief->params();
  out.rng_.Seed(seed);
  // Scores are measured from the starting world, which depends on the briefs.
  out.baseline_raw_ = State(belief, seed).baseline_raw_;
  std::vector<Deal> mine;
  for (const Deal& d : out.deals_)
    if (d.from == viewer_ || d.to == viewer_) mine.push_back(d);
  out.deals_ = std::move(mine);
  std::vector<EventRec> events;
  for (const EventRec& e : out.events_)
    if (CanSeeEvent(e)) events.push_back(e);
  out.events_ = std::move(events);
  return out;
}

void SeatView::VisibleDeals(std::vector<const Deal*>* out) const {
  for (const Deal& d : s_->deals())
    if (CanSeeDeal(d)) out->push_back(&d);
}

void SeatView::LegalActions(std::vector<Action>* out) const {
  if (!is_seat()) {
    out->clear();
    return;
  }
  s_->LegalActions(viewer_, out);
}

std::vector<ScoreBreakdown> SeatView::VisibleScores(std::vector<int>* seats) const {
  seats->clear();
  std::vector<ScoreBreakdown> out;
  if (s_->IsTerminal()) {
    out = s_->final_scores();
    for (int i = 0; i < num_seats(); ++i) seats->push_back(i);
    return out;
  }
  if (!is_seat() && !is_facilitator()) return out;
  std::vector<ScoreBreakdown> all = s_->Scores();
  if (is_facilitator()) {
    for (int i = 0; i < num_seats(); ++i) seats->push_back(i);
    return all;
  }
  // A running score reveals nothing of others' briefs: only one's own.
  seats->push_back(viewer_);
  out.push_back(all[viewer_]);
  out.back().rank = 0;
  return out;
}

namespace {

// Whether every viewer gets the same events in a view of at most
// `max_events`: the most recent ones are all public.
bool EventsAlike(const SeatView& v, int max_events) {
  const auto& events = v.all_events();
  const int n = static_cast<int>(events.size());
  for (int i = n - 1; i >= 0 && i >= n - max_events; --i)
    if (events[static_cast<size_t>(i)].private_to != 0) return false;
  return true;
}

void EventsOut(const SeatView& v, int max_events, mf::View* out) {
  const int n = v.num_seats();
  // The most recent events this viewer may see, oldest first.
  const auto& events = v.all_events();
  std::vector<int> picked;
  for (int i = static_cast<int>(events.size()) - 1;
       i >= 0 && static_cast<int>(picked.size()) < max_events; --i)
    if (v.CanSeeEvent(events[i])) picked.push_back(i);
  for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
    const EventRec& e = events[*it];
    auto* x = out->add_events();
    x->set_serial(*it);
    x->set_cycle(e.cycle);
    x->set_phase(e.phase);
    x->set_text(v.Describe(e));
    SeatsOut(e.private_to, n, x->mutable_private_to());
    if (e.type == EventType::kWorldEvent) x->set_world_event(static_cast<mf::EventKind>(e.a));
  }
}

// The viewer's scores and verdicts.
void OwnOut(const SeatView& v, mf::View* out) {
  std::vector<int> score_seats;
  std::vector<ScoreBreakdown> scores = v.VisibleScores(&score_seats);
  for (size_t k = 0; k < scores.size(); ++k) {
    const ScoreBreakdown& b = scores[k];
    auto* x = out->add_scores();
    x->set_seat(score_seats[k]);
    x->set_interest(b.interest);
    x->set_economy(b.economy);
    x->set_approval(b.approval);
    x->set_reputation(b.reputation);
    x->set_shared(b.shared);
    x->set_sovereignty(b.sovereignty);
    x->set_raw(b.raw);
    x->set_gain(b.gain);
    x->set_total(b.total);
    x->set_rank(b.rank);
    x->set_mandate(b.mandate);
  }
  std::vector<Verdict> verdicts;
  v.Verdicts(&verdicts);
  const std::string* last_reason = nullptr;
  for (const Verdict& x : verdicts) {
    auto* w = out->add_verdicts();
    w->set_kind(static_cast<int>(x.type));
    w->set_target(x.target);
    w->set_refused(x.code);
    // A refusal repeating the one before it leaves its reason out.
    if (x.code == mf::RULE_ERROR_UNSPECIFIED) continue;
    if (!last_reason || *last_reason != x.reason) w->set_reason(x.reason);
    last_reason = &x.reason;
  }
}

}  // namespace

void MakeView(const SeatView& v, mf::View* out, const ViewParts& parts) {
  out->Clear();
  const int n = v.num_seats();
  // Which fields (ViewParts): static or changing, alike for every viewer
  // (shared) or the viewer's own.
  const bool st = parts.static_fields, dyn = parts.dynamic;
  const bool sh = parts.shared, own = parts.own;
  if (!dyn && !st) return;
  if (sh && dyn) out->set_version(v.version());
  if (sh && st) {
    out->set_scenario(v.scenario_id());
    out->set_title(v.title());
    out->set_description(v.description());
    *out->mutable_caucuses() = v.caucuses();
    *out->mutable_observers() = v.observers();
    out->set_cycles(v.cycles());
  }
  if (own && dyn) out->set_viewer(v.viewer());
  for (int t = 0; sh && st && t < v.num_themes(); ++t) {
    const ThemeData& d = v.theme(t);
    auto* th = out->add_themes();
    th->set_id(d.id);
    th->set_name(d.name);
    th->set_low_label(d.low_label);
    th->set_high_label(d.high_label);
    th->set_status_quo(d.status_quo);
    th->set_description(d.description);
    th->set_natural_commitment(d.natural_commitment);
    th->set_civil_society_position(d.civil_society_position);
  }
  if (own && st) {
    if (v.is_seat()) BriefOut(v, *v.brief(v.viewer()), out->mutable_brief());
    for (int i = 0; v.is_facilitator() && i < n; ++i)
      BriefOut(v, *v.brief(i), out->add_all_briefs());
  }
  if (own && dyn) {
    if (v.is_seat()) {
      out->set_implement_level(v.own()->implement);
      out->set_enforcement_level(v.own()->enforcement);
    } else {
      out->set_implement_level(-1);
    }
    if (v.is_facilitator()) out->set_state_hash(v.state_hash_for_facilitator());
    std::vector<const Deal*> deals;
    v.VisibleDeals(&deals);
    for (const Deal* d : deals) {
      auto* x = out->add_deals();
      x->set_id(d->id);
      x->set_from(d->from);
      x->set_to(d->to);
      TermsToProto(d->give, x->mutable_give());
      TermsToProto(d->ask, x->mutable_ask());
      x->set_status(DealStatusName(*d));
      x->set_from_kept(d->from_kept == 1);
      x->set_to_kept(d->to_kept == 1);
      x->set_breach_visible(d->breach_visible);
    }
  }
  // The most recent events this viewer may see: alike for every viewer when
  // the most recent ones are all public.
  if (dyn && (EventsAlike(v, parts.max_events) ? sh : own)) EventsOut(v, parts.max_events, out);
  if (own && dyn) {
    OwnOut(v, out);
    // A press desk's own (forumd builds the shared part as a spectator's).
    out->set_press_desk(v.press_desk());
    out->set_press_reports_left(v.press_reports_left());
  }
  if (!sh || !dyn) return;
  // The rule may change in the game (a theme that chooses the forum).
  out->set_decision_rule(v.decision_rule());
  out->set_cycle(v.cycle());
  out->set_phase(v.phase());
  out->set_phase_serial(v.phase_serial());
  out->set_paused(v.paused());
  if (v.current_theme() >= 0) out->set_current_theme(v.theme(v.current_theme()).id);
  for (int t : v.agenda()) out->add_agenda(v.theme(t).id);
  out->set_agenda_index(v.agenda_index());
  out->set_extension_seconds(v.extension_seconds());
  out->set_current_event(v.current_event());
  out->set_current_event_text(EventKindName(v.current_event()));
  for (int i = 0; i < n; ++i) {
    auto* s = out->add_seats();
    s->set_index(i);
    s->set_id(v.seat_id(i));
    s->set_name(v.seat_name(i));
    s->set_role(v.role(i));
    s->set_bloc(v.bloc(i));
    s->set_influence(v.influence(i));
    s->set_approval(v.approval(i));
    s->set_political_capital(v.capital(i));
    s->set_ready(v.ready(i));
    s->set_bot(v.bot(i));
    s->set_host(v.host() == i);
    s->set_troika(v.in_troika(i));
    s->set_co_chair(v.is_co_chair(i));
    s->set_statement_position(v.statement(i));
    s->set_statement_text(v.statement_text(i));
    s->set_vote(v.vote(i));
    s->set_reputation(v.reputation(i));
    s->set_sovereignty_sensitivity(v.sovereignty_sensitivity(i));
    s->set_economy(v.economy(i));
    if (v.organisation(i)) {
      const SeatState& o = v.seat_state(i);
      s->set_kind(mf::SEAT_ORGANISATION);
      s->set_mandate(v.mandate(i));
      s->set_capacity(o.capacity);
      s->set_projects(o.projects);
      s->set_core_funding(o.core_funding);
      s->set_earmarked_funding(o.earmarked_funding);
    }
    if (v.mixed_role(i)) {
      mf::RoleWeights* w = s->mutable_role_weights();
      w->set_source(v.role_weight(i, mf::SOURCE));
      w->set_transit(v.role_weight(i, mf::TRANSIT));
      w->set_destination(v.role_weight(i, mf::DESTINATION));
    }
  }
  if (const Text* d = v.draft()) TextOut(v, *d, out->mutable_draft());
  for (const Amendment& m : v.amendments()) {
    auto* a = out->add_amendments();
    a->set_id(m.id);
    a->set_proposer(m.proposer);
    a->set_position(m.position);
    a->set_form(m.form);
    CommitmentsOut(m.add, a->mutable_add());
    CommitmentsOut(m.remove, a->mutable_remove());
    a->set_status(AmendStatusName(m.status));
  }
  for (const Recommendation& r : v.recommendations()) {
    auto* x = out->add_recommendations();
    x->set_id(r.id);
    x->set_theme(v.theme(r.theme).id);
    x->set_position(r.position);
    x->set_text((r.by >= 0 ? v.seat_name(r.by) + " recommends " : "Civil society asks for ") +
                v.theme(r.theme).name + " at " + std::to_string(r.position) + " (" +
                v.theme(r.theme).high_label + ").");
    SeatsOut(r.endorsed, n, x->mutable_endorsed_by());
  }
  // The most recent reports (the debrief has them all, from the record).
  constexpr size_t kViewReports = 20;
  const auto& reports = v.reports();
  for (size_t k = reports.size() > kViewReports ? reports.size() - kViewReports : 0;
       k < reports.size(); ++k) {
    const PressReport& r = reports[k];
    auto* x = out->add_press_reports();
    x->set_desk(r.desk);
    x->set_cycle(r.cycle);
    x->set_phase(r.phase);
    x->set_about(r.about);
    x->set_praise(r.praise);
    x->set_text(r.text);
    x->set_text_id(r.text_id);
    x->set_credibility(r.credibility);
    x->set_effect(r.effect);
  }
  out->set_press_desks(v.press_desks());
  for (const Text& t : v.texts()) {
    if (t.decided && t.adopted) TextOut(v, t, out->add_texts());
    if (t.caucus >= 0 && !t.decided) TextOut(v, t, out->add_regional_drafts());
  }
  for (int c = 0; c < v.num_corridors(); ++c) {
    const CorridorData& d = v.corridor_def(c);
    const CorridorState& s = v.corridors()[c];
    auto* x = out->add_corridors();
    x->set_id(d.id);
    x->set_origin(d.origin);
    x->set_transit(d.transit);
    x->set_destination(d.destination);
    x->set_legal(s.legal);
    x->set_irregular(s.irregular);
    x->set_cooperation(s.cooperation);
  }
  auto* rg = out->mutable_regime();
  rg->set_norms(v.norms());
  rg->set_decision_rules(v.rules_strength());
  rg->set_procedures(v.procedures());
  rg->set_total(v.regime());
  out->set_migrant_welfare(v.welfare());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) out->add_trust(v.trust(i, j));
  int cyc = 1;
  for (const CycleStat& c : v.history()) {
    auto* h = out->add_history();
    h->set_cycle(cyc++);
    h->set_mean_trust(c.mean_trust);
    h->mutable_regime()->set_norms(c.norms);
    h->mutable_regime()->set_decision_rules(c.rules);
    h->mutable_regime()->set_procedures(c.procedures);
    h->mutable_regime()->set_total(c.regime);
    h->set_migrant_welfare(c.welfare);
    h->set_irregular_total(c.irregular);
    h->set_legal_total(c.legal);
    h->set_remittances_total(c.remittances);
    for (double a : c.approval) h->add_approval(a);
  }
  if (v.terminal() && v.winner() >= 0) out->add_winners(v.winner());
  if (v.terminal() && v.organisation_winner() >= 0)
    out->add_organisation_winners(v.organisation_winner());
  for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if (v.form_allowed(f)) out->add_allowed_forms(f);
  out->set_forms_reason(v.forms_reason());
  out->set_forum(v.forum_label());
  out->set_forum_change(v.forum_change());
  if (v.has_carry()) out->set_carried(CarrySentence(v.carry()));
}

namespace {

// The fields ViewParts::static_fields governs.
constexpr int kStaticFields[] = {mf::View::kScenarioFieldNumber,    mf::View::kTitleFieldNumber,
                                 mf::View::kDescriptionFieldNumber, mf::View::kCyclesFieldNumber,
                                 mf::View::kThemesFieldNumber,      mf::View::kBriefFieldNumber,
                                 mf::View::kAllBriefsFieldNumber,   mf::View::kCaucusesFieldNumber,
                                 mf::View::kObserversFieldNumber};

}  // namespace

void ClearStaticFields(mf::View* v) {
  const google::protobuf::Reflection* r = v->GetReflection();
  for (int number : kStaticFields) r->ClearField(v, v->GetDescriptor()->FindFieldByNumber(number));
}

void CopyStaticFields(const mf::View& from, mf::View* to) {
  // Copies the listed fields of `from` over those of `to`, leaving the rest.
  mf::View fields;
  const google::protobuf::Reflection* r = fields.GetReflection();
  const google::protobuf::Descriptor* d = fields.GetDescriptor();
  std::vector<const google::protobuf::FieldDescriptor*> listed;
  for (int number : kStaticFields) listed.push_back(d->FindFieldByNumber(number));
  fields.CopyFrom(from);
  std::vector<const google::protobuf::FieldDescriptor*> all;
  r->ListFields(fields, &all);
  for (const google::protobuf::FieldDescriptor* f : all)
    if (std::find(listed.begin(), listed.end(), f) == listed.end()) r->ClearField(&fields, f);
  ClearStaticFields(to);
  to->MergeFrom(fields);
}

bool CanSeeMessage(const Scenario& sc, int viewer, int from, const mf::Channel& channel) {
  if (viewer == kFacilitatorView) return true;
  switch (channel.to_case()) {
    case mf::Channel::kEveryone:
      return true;
    case mf::Channel::kSeat:
      return viewer >= 0 && (viewer == from || viewer == channel.seat());
    case mf::Channel::kCaucus: {
      if (viewer < 0) return false;
      if (viewer == from) return true;
      const auto& caucuses = sc.proto().caucuses();
      for (int i = 0; i < caucuses.size() && i < static_cast<int>(sc.caucus_masks().size()); ++i)
        if (caucuses[i].id() == channel.caucus())
          return (sc.caucus_masks()[static_cast<size_t>(i)] >> viewer) & 1;
      return false;
    }
    default:
      return false;
  }
}

}  // namespace mf::rules
