// The heuristic strategies. Each is one `Personality` driving the same
// role-aware logic: the seat's own brief (ideal positions, priorities, red
// lines) sets what it wants; the personality sets how it bargains.
#include <algorithm>
#include <cmath>
#include <mutex>

#include "bots/bot.h"

namespace mf::bots {
namespace {

using rules::Action;
using rules::ActionType;
using rules::SeatView;

struct Personality {
  std::string name;
  double statement_shift = 0;  // > 0 moves statements towards the room, < 0 away.
  double support_above = 0;    // Support when the text's value (points) is above this.
  double object_below = -1e9;  // Object when below this (else stand aside).
  bool object_on_red_line = true;
  double binding_aversion = 0;  // Extra cost of binding forms, times sovereignty sensitivity.
  bool endorse_all = false;
  bool core_funding = false;  // Funds organisations' core budgets rather than earmarked projects.
  // Pledges: carry an adopted text out in full when its value to the seat
  // (points) is above `pledge_full_above`, by half above `pledge_half_above`,
  // else not at all.
  double pledge_full_above = -1;
  double pledge_half_above = -3;
  int enforcement = 40;     // Destinations' unilateral enforcement.
  double accept_above = 0;  // Accept a deal worth more than this (points).
  bool proposes_deals = false;
  bool trust_driven = false;    // Reciprocator: cooperation depends on trust.
  double break_if_costs = 1e9;  // Break a delivery that costs more than this.
  double amend_gap = 25;        // Amend when the draft is this far from the ideal.
  // Caucuses (regional consultative processes, negotiating groups): a
  // member moves its public statement this share of the way towards what
  // its caucus partners have already stated (when that is within
  // `caucus_reach` of its own ideal), votes with the partners who have
  // voted when it has no view of its own (it would stand aside), and offers
  // its coalition deals to partners first.
  double caucus_pull = 0.3;
  double caucus_reach = 20;
};

// The seats that share a caucus with the viewer (the viewer excluded).
uint64_t CaucusPartners(const SeatView& v) {
  const uint64_t me = uint64_t{1} << v.viewer();
  uint64_t partners = 0;
  for (int k = 0; k < v.num_caucuses(); ++k)
    if (v.caucus_mask(k) & me) partners |= v.caucus_mask(k);
  return partners & ~me;
}

// Value to me, in score points, of carrying out a text at `pos` with `form`,
// from policy `sq` on its theme.
double TextValueFrom(const SeatView& v, int theme, int pos, mf::Form form, double sq) {
  const rules::SeatData& me = *v.brief(v.viewer());
  const rules::Params& p = v.params();
  const double pull = form == mf::BINDING_CONVENTION   ? p.pull_convention
                      : form == mf::GUIDING_PRINCIPLES ? p.pull_principles
                                                       : p.pull_summary;
  // A theme that chooses the forum applies to every state in full once adopted.
  const double next = v.theme(theme).chooses_forum ? pos : sq + pull * (pos - sq);
  double prio = 0;
  for (double x : me.priority) prio += x;
  const double wsum = p.w_interest + p.w_economy + p.w_approval + p.w_reputation + p.w_shared;
  const double gain = me.priority[theme] *
                      (std::fabs(sq - me.ideal[theme]) - std::fabs(next - me.ideal[theme])) /
                      100.0 / prio;
  // Every adoption strengthens the regime a little: a shared benefit.
  const double shared = 100.0 * p.w_shared / wsum * 0.5 * 0.03;
  return 100.0 * p.w_interest / wsum * gain + shared;
}

// Value to me of a text at `pos` with `form` being adopted and carried out.
double TextValue(const SeatView& v, int theme, int pos, mf::Form form) {
  return TextValueFrom(v, theme, pos, form, v.own()->policy[theme]);
}

bool CrossesRedLine(const SeatView& v, int theme, int pos, mf::Form form) {
  for (const rules::RedLineData& r : v.brief(v.viewer())->red_lines) {
    if (r.theme != theme) continue;
    if (r.max_form != mf::FORM_UNSPECIFIED && form > r.max_form) return true;
    if (pos > r.max_position || pos < r.min_position) return true;
  }
  return false;
}

double RoomPosition(const SeatView& v) {
  double sum = 0, w = 0;
  for (int i = 0; i < v.num_seats(); ++i) {
    if (v.statement(i) < 0) continue;
    sum += v.influence(i) * v.statement(i);
    w += v.influence(i);
  }
  return w > 0 ? sum / w : -1;
}

// My trust-weighted view of a seat's reliability.
double Reliability(const SeatView& v, int other) {
  return v.trust(v.viewer(), other);
}

class HeuristicBot : public Bot {
 public:
  explicit HeuristicBot(Personality p) : p_(std::move(p)) {}
  const std::string& name() const override { return p_.name; }

  Action Decide(const SeatView& v, rules::Rng& rng) override {
    if (v.organisation(v.viewer())) return OrganisationDecide(v, rng);
    const int me = v.viewer();
    const rules::SeatState& self = *v.own();
    const bool can_act = self.actions < v.params().max_actions_per_phase;
    if (can_act) {
      Action a;
      if (AnswerOffers(v, &a)) return a;
    }
    switch (v.phase()) {
      case mf::CIVIL_SOCIETY:
        if (!can_act) break;
        for (const rules::Recommendation& r : v.recommendations()) {
          if ((r.endorsed >> me) & 1) continue;
          const double ideal = v.brief(me)->ideal[r.theme];
          if (p_.endorse_all || std::fabs(r.position - ideal) <= 25) {
            Action a = Action::Make(ActionType::kEndorse);
            a.id = r.id;
            return a;
          }
        }
        if (v.host() == me && v.agenda().size() > 1) {
          int best = v.agenda()[0];
          for (int t : v.agenda())
            if (v.brief(me)->priority[t] > v.brief(me)->priority[best]) best = t;
          if (best != v.agenda()[0]) {
            Action a = Action::Make(ActionType::kPrioritise);
            a.theme = best;
            return a;
          }
        }
        break;
      case mf::STATEMENTS: {
        if (v.statement(me) >= 0 || !can_act) break;
        const int t = v.current_theme();
        const double ideal = v.brief(me)->ideal[t];
        const double room = RoomPosition(v);
        const double anchor = room >= 0 ? room : v.theme(t).status_quo;
        double pos = ideal + p_.statement_shift * (anchor - ideal);
        // Speak with the caucus where it costs little.
        const uint64_t partners = CaucusPartners(v);
        double sum = 0;
        int stated = 0;
        for (int i = 0; i < v.num_seats(); ++i)
          if (((partners >> i) & 1) && v.statement(i) >= 0) {
            sum += v.statement(i);
            ++stated;
          }
        if (stated > 0 && std::fabs(sum / stated - ideal) <= p_.caucus_reach)
          pos += p_.caucus_pull * (sum / stated - pos);
        Action a = Action::Make(ActionType::kStatement);
        a.position = static_cast<int>(std::lround(std::clamp(pos, 0.0, 100.0)));
        return a;
      }
      case mf::DRAFTING: {
        Action a;
        if (can_act && Draft(v, &a)) return a;
        if (can_act && TableRegional(v, &a)) return a;
        if (can_act && p_.proposes_deals && ProposeDeal(v, rng, &a)) return a;
        break;
      }
      case mf::DECISION: {
        Action a;
        if (can_act && VoteRegional(v, &a)) return a;
        return Vote(v);
      }
      case mf::RATIFICATION:
        for (const rules::Text& t : v.texts()) {
          if (!t.adopted || t.form != mf::BINDING_CONVENTION) continue;
          if (((t.ratified | t.declined) >> me) & 1) continue;
          Action a = Action::Make(ActionType::kRatify);
          a.id = t.id;
          a.flag = WouldRatify(v, t);
          return a;
        }
        break;
      case mf::IMPLEMENTATION: {
        Action a;
        if (Implement(v, &a)) return a;
        break;
      }
      default:
        break;
    }
    if (can_act && p_.proposes_deals && v.phase() == mf::STATEMENTS) {
      Action a;
      if (ProposeDeal(v, rng, &a)) return a;
    }
    return Action::Make(ActionType::kReady);
  }

 private:
  bool Cooperative(const SeatView& v) const {
    if (!p_.trust_driven) return true;
    return v.reputation(v.viewer()) >= 0.45 && v.mean_trust() >= 0.4;
  }

  bool Draft(const SeatView& v, Action* out) const {
    const int me = v.viewer();
    const rules::Text* d = v.draft();
    if (!d || d->withdrawn) return false;
    const int t = d->theme;
    const rules::SeatData& brief = *v.brief(me);
    const double room = RoomPosition(v);
    if (v.is_co_chair(me)) {
      if (!d->tabled) {
        // A co-chair tables a compromise between its ideal and the room.
        const double anchor = room >= 0 ? room : v.theme(t).status_quo;
        const double w = p_.statement_shift > 0 ? 0.7 : 0.3;
        int pos = static_cast<int>(std::lround(w * anchor + (1 - w) * brief.ideal[t]));
        mf::Form form = mf::GUIDING_PRINCIPLES;
        if (p_.binding_aversion > 0 && v.sovereignty_sensitivity(me) > 0.5)
          form = mf::CHAIRS_SUMMARY;
        if (v.sovereignty_sensitivity(me) < 0.35 && brief.ideal[t] >= 70 && !p_.trust_driven &&
            p_.statement_shift > 0)
          form = mf::BINDING_CONVENTION;
        while ((CrossesRedLine(v, t, pos, form) || !v.form_allowed(form)) &&
               form > mf::CHAIRS_SUMMARY)
          form = static_cast<mf::Form>(form - 1);
        *out = Action::Make(ActionType::kTableDraft);
        out->position = std::clamp(pos, 0, 100);
        out->form = form;
        const mf::CommitmentKind natural = v.theme(t).natural_commitment;
        if (natural != mf::COMMITMENT_UNSPECIFIED && natural != mf::ANTI_SMUGGLING &&
            brief.ideal[t] >= 50)
          out->add = rules::Bit(natural);
        if (natural == mf::ANTI_SMUGGLING && v.num_corridors() > 0) {
          // Cooperation on the busiest irregular corridor.
          int best = 0;
          for (int c = 1; c < v.num_corridors(); ++c)
            if (v.corridors()[c].irregular > v.corridors()[best].irregular) best = c;
          out->add = rules::Bit(mf::ANTI_SMUGGLING) | rules::Bit(mf::READMISSION);
          out->corridor = best;
        }
        return true;
      }
      for (const rules::Amendment& m : v.amendments()) {
        if (m.status != rules::AmendStatus::kPending) continue;
        const int pos = m.position >= 0 ? m.position : d->position;
        const mf::Form form = m.form != mf::FORM_UNSPECIFIED ? m.form : d->form;
        const bool toward_room =
            room < 0 || std::fabs(pos - room) <= std::fabs(d->position - room) + 5;
        const bool acceptable =
            TextValue(v, t, pos, form) >= TextValue(v, t, d->position, d->form) - 1.0 &&
            !CrossesRedLine(v, t, pos, form);
        *out = Action::Make(toward_room && acceptable ? ActionType::kAcceptAmendment
                                                      : ActionType::kRejectAmendment);
        out->id = m.id;
        return true;
      }
      return false;
    }
    if (!d->tabled || v.capital(me) < 1) return false;
    for (const rules::Amendment& m : v.amendments())
      if (m.proposer == me) return false;  // One amendment per item.
    if (CrossesRedLine(v, t, d->position, d->form) && d->form > mf::CHAIRS_SUMMARY &&
        v.form_allowed(static_cast<mf::Form>(d->form - 1))) {
      *out = Action::Make(ActionType::kAmend);
      out->form = static_cast<mf::Form>(d->form - 1);
      return true;
    }
    const double gap = brief.ideal[t] - d->position;
    if (std::fabs(gap) >= p_.amend_gap) {
      *out = Action::Make(ActionType::kAmend);
      out->position = std::clamp(static_cast<int>(std::lround(d->position + gap / 2)), 0, 100);
      return true;
    }
    return false;
  }

  // The regional path (the article's "expedient path"): where the members
  // of one of my caucuses stand closer to each other than the forum's draft
  // stands to them, I table a regional text at their mean stated position,
  // if it serves me. It is decided only when the forum adopts nothing.
  bool TableRegional(const SeatView& v, Action* out) const {
    const int me = v.viewer();
    const rules::Text* d = v.draft();
    if (!d || d->withdrawn || !d->tabled) return false;
    const int t = d->theme;
    if (v.theme(t).chooses_forum) return false;
    for (int k = 0; k < v.num_caucuses(); ++k) {
      const uint64_t members = v.caucus_mask(k);
      if (!((members >> me) & 1) || v.RegionalDraft(k)) continue;
      double sum = 0, lo = 100, hi = 0;
      int stated = 0, count = 0;
      for (int i = 0; i < v.num_seats(); ++i) {
        if (!((members >> i) & 1)) continue;
        ++count;
        if (v.statement(i) < 0) continue;
        sum += v.statement(i);
        lo = std::min<double>(lo, v.statement(i));
        hi = std::max<double>(hi, v.statement(i));
        ++stated;
      }
      if (stated < 2 || 2 * stated < count) continue;
      const double mean = sum / stated;
      if (hi - lo > 2 * p_.caucus_reach || std::fabs(mean - d->position) < p_.caucus_reach)
        continue;
      const int pos = static_cast<int>(std::lround(std::clamp(mean, 0.0, 100.0)));
      mf::Form form = mf::GUIDING_PRINCIPLES;
      if (CrossesRedLine(v, t, pos, form)) form = mf::CHAIRS_SUMMARY;
      if (CrossesRedLine(v, t, pos, form) || TextValue(v, t, pos, form) <= p_.support_above)
        continue;
      *out = Action::Make(ActionType::kRegional);
      out->caucus = k;
      out->position = pos;
      out->form = form;
      const mf::CommitmentKind natural = v.theme(t).natural_commitment;
      if (natural != mf::COMMITMENT_UNSPECIFIED && natural != mf::ANTI_SMUGGLING && pos >= 50)
        out->add = rules::Bit(natural);
      return true;
    }
    return false;
  }

  // A member votes on its caucus's regional draft as it would on the
  // forum's: for what it is worth to it, never across a red line.
  bool VoteRegional(const SeatView& v, Action* out) const {
    const int me = v.viewer();
    const uint64_t bit = uint64_t{1} << me;
    for (int k = 0; k < v.num_caucuses(); ++k) {
      const rules::Text* r = v.RegionalDraft(k);
      if (!r || !((v.caucus_mask(k) >> me) & 1)) continue;
      const double value = TextValue(v, r->theme, r->position, r->form);
      mf::VoteChoice choice = mf::STAND_ASIDE;
      if (CrossesRedLine(v, r->theme, r->position, r->form) || value < p_.object_below)
        choice = mf::OBJECT;
      else if (value > p_.support_above)
        choice = mf::SUPPORT;
      const mf::VoteChoice now = (r->supporters & bit)  ? mf::SUPPORT
                                 : (r->objectors & bit) ? mf::OBJECT
                                 : (r->aside & bit)     ? mf::STAND_ASIDE
                                                        : mf::VOTE_UNSPECIFIED;
      if (now == choice) continue;
      *out = Action::Make(ActionType::kRegional);
      out->caucus = k;
      out->vote = choice;
      return true;
    }
    return false;
  }

  mf::VoteChoice Promised(const SeatView& v, int text_id) const {
    std::vector<const rules::Deal*> deals;
    v.VisibleDeals(&deals);
    for (const rules::Deal* d : deals) {
      if (d->status != rules::DealStatus::kAccepted) continue;
      const rules::Terms& mine = d->from == v.viewer() ? d->give : d->ask;
      if (mine.stance_text == text_id) return mine.stance;
    }
    return mf::VOTE_UNSPECIFIED;
  }

  Action Vote(const SeatView& v) const {
    Action a = Action::Make(ActionType::kVote);
    const rules::Text* d = v.draft();
    if (!d) {
      a.vote = mf::STAND_ASIDE;
      return a;
    }
    const mf::VoteChoice promised = Promised(v, d->id);
    double value = TextValue(v, d->theme, d->position, d->form);
    bool red = CrossesRedLine(v, d->theme, d->position, d->form);
    // Where a vote adopts a treaty (not a consensus forum), it binds only
    // the states that ratify it: a state whose red line is only against
    // being bound need not block it; it will not ratify, so the text moves
    // nothing of its own and is worth to it only what it adds to the
    // regime everyone shares. (At a consensus forum a state that lets a
    // treaty through is taken to have accepted it.)
    const bool binds_ratifiers_only =
        d->form == mf::BINDING_CONVENTION && v.decision_rule() != mf::CONSENSUS;
    if (binds_ratifiers_only && red &&
        !CrossesRedLine(v, d->theme, d->position, mf::GUIDING_PRINCIPLES)) {
      red = false;
      value = TextValue(v, d->theme, static_cast<int>(v.own()->policy[d->theme]), d->form);
    } else if (d->form == mf::BINDING_CONVENTION) {
      value -= p_.binding_aversion * v.sovereignty_sensitivity(v.viewer()) * 3.0;
    }
    mf::VoteChoice choice;
    const double support_above = Cooperative(v) ? p_.support_above : p_.support_above + 1.0;
    if (red)
      choice = p_.object_on_red_line ? mf::OBJECT : mf::STAND_ASIDE;
    else if (value > support_above)
      choice = mf::SUPPORT;
    else if (value < p_.object_below)
      choice = mf::OBJECT;
    else
      choice = CaucusVote(v);
    // A promise is kept unless it would cross a red line.
    if (promised != mf::VOTE_UNSPECIFIED && !(red && p_.break_if_costs < 1e8)) choice = promised;
    a.vote = choice;
    if (v.vote(v.viewer()) == choice) a.type = ActionType::kReady;
    return a;
  }

  // With no view of its own, a member votes as most of its caucus partners
  // who have voted did (standing aside when they are split or silent).
  static mf::VoteChoice CaucusVote(const SeatView& v) {
    const uint64_t partners = CaucusPartners(v);
    int support = 0, object = 0;
    for (int i = 0; i < v.num_seats(); ++i) {
      if (!((partners >> i) & 1)) continue;
      support += v.vote(i) == mf::SUPPORT;
      object += v.vote(i) == mf::OBJECT;
    }
    if (support > object) return mf::SUPPORT;
    if (object > support) return mf::OBJECT;
    return mf::STAND_ASIDE;
  }

  bool WouldRatify(const SeatView& v, const rules::Text& t) const {
    if (CrossesRedLine(v, t.theme, t.position, t.form)) return false;
    const double cost = v.sovereignty_sensitivity(v.viewer()) * v.params().sovereignty_cost;
    const double value = TextValue(v, t.theme, t.position, t.form) -
                         p_.binding_aversion * v.sovereignty_sensitivity(v.viewer()) * 3.0;
    return value > cost * 0.5 || (Cooperative(v) && p_.statement_shift > 0 && value > 0);
  }

  // How far to carry out an adopted text: by what carrying it out (from the
  // status quo) is worth to this seat, and how much it trusts the room.
  int PledgeLevel(const SeatView& v, const rules::Text& t) const {
    const double value = TextValueFrom(v, t.theme, t.position, t.form, v.theme(t.theme).status_quo);
    double full = p_.pledge_full_above, half = p_.pledge_half_above;
    if (!Cooperative(v)) {
      full = 1e9;
      half = std::max(half, -0.5);
    }
    // A government in trouble at home walks back the pledges that cost it.
    if (p_.break_if_costs < 1e8 && v.approval(v.viewer()) < 0.3) full = std::max(full, 1.0);
    return value > full ? 100 : value > half ? 50 : 0;
  }

  bool Implement(const SeatView& v, Action* out) const {
    const int me = v.viewer();
    const rules::SeatState& self = *v.own();
    const bool can_act = self.actions < v.params().max_actions_per_phase;
    for (const rules::Text& t : v.texts()) {
      if (!can_act || !v.PledgeOpen(t)) continue;
      const int level = PledgeLevel(v, t);
      if (t.level[me] == level) continue;
      *out = Action::Make(ActionType::kPledge);
      out->id = t.id;
      out->level = level;
      return true;
    }
    if (can_act && v.role(me) == mf::DESTINATION && self.enforcement != p_.enforcement) {
      *out = Action::Make(ActionType::kEnforce);
      out->level = p_.enforcement;
      return true;
    }
    std::vector<const rules::Deal*> deals;
    v.VisibleDeals(&deals);
    for (const rules::Deal* d : deals) {
      if (d->status != rules::DealStatus::kAccepted || d->cycle != v.cycle()) continue;
      const bool from = d->from == me;
      const rules::Terms& mine = from ? d->give : d->ask;
      if ((from ? d->from_kept : d->to_kept) != -1) continue;
      if (!(mine.aid > 0 || mine.visas > 0 || mine.readmission)) continue;
      const int partner = from ? d->to : d->from;
      bool keep = DeliveryCost(v, mine) <= p_.break_if_costs;
      if (p_.trust_driven && Reliability(v, partner) < 0.35) keep = false;
      *out = Action::Make(ActionType::kHonourDeal);
      out->id = d->id;
      out->flag = keep;
      return true;
    }
    // Destinations fund an organisation: cooperators as core funding, the
    // others earmarked to a project they pick.
    if (can_act && FundOrganisation(v, p_.core_funding, out)) return true;
    return false;
  }

  // Rough value in score points of receiving (+) or giving (-) terms.
  static double TermsValue(const SeatView& v, const rules::Terms& t, bool receiving) {
    const mf::Role role = v.role(v.viewer());
    double x = 0;
    x += 0.8 * t.capital;
    x += 0.3 * t.aid;
    if (t.visas > 0) x += role == mf::DESTINATION ? 0.3 * t.visas : 0.4 * t.visas;
    if (t.readmission) x += role == mf::DESTINATION ? 2.5 : 1.5;
    if (t.stance_text != 0) {
      const rules::Text* d = v.FindText(t.stance_text);
      if (d) {
        const double value = TextValue(v, d->theme, d->position, d->form);
        if (receiving) {
          x += t.stance == mf::SUPPORT ? std::max(0.0, value) : 0.5;
        } else if (t.stance == mf::SUPPORT) {
          x += CrossesRedLine(v, d->theme, d->position, d->form) ? 50 : std::max(0.0, -value);
        } else {
          x += 0.3;
        }
      }
    }
    return x;
  }
  static double DeliveryCost(const SeatView& v, const rules::Terms& t) {
    return TermsValue(v, t, false) - 0.8 * t.capital;
  }

  bool AnswerOffers(const SeatView& v, Action* out) const {
    std::vector<const rules::Deal*> deals;
    v.VisibleDeals(&deals);
    for (const rules::Deal* d : deals) {
      if (d->status != rules::DealStatus::kOffered || d->to != v.viewer()) continue;
      double value = TermsValue(v, d->give, true) - TermsValue(v, d->ask, false);
      bool ok = value > p_.accept_above;
      if (p_.trust_driven && Reliability(v, d->from) < 0.45) ok = false;
      if (d->ask.capital > v.capital(v.viewer()) || d->give.capital > v.capital(d->from))
        ok = false;
      for (const rules::Terms* t : {&d->give, &d->ask}) {
        if (t->stance_text == 0) continue;
        const rules::Text* x = v.draft();
        if (!x || x->id != t->stance_text || x->decided) ok = false;
      }
      *out = Action::Make(ok ? ActionType::kAcceptDeal : ActionType::kRejectDeal);
      out->id = d->id;
      return true;
    }
    return false;
  }

  bool ProposeDeal(const SeatView& v, rules::Rng& rng, Action* out) const {
    const int me = v.viewer();
    std::vector<const rules::Deal*> deals;
    v.VisibleDeals(&deals);
    int mine_this_cycle = 0;
    for (const rules::Deal* d : deals)
      if (d->from == me && d->cycle == v.cycle()) ++mine_this_cycle;
    if (mine_this_cycle >= 2) return false;
    const mf::Role role = v.role(me);
    // Issue linkage: visas for readmission between destinations and the
    // others. Caucus partners are asked first (two passes: partners, then
    // the rest, each from a random seat).
    const int start = static_cast<int>(rng.Below(static_cast<uint32_t>(v.num_seats())));
    const uint64_t partners = CaucusPartners(v);
    for (int k = 0; k < 2 * v.num_seats(); ++k) {
      const int j = (start + k) % v.num_seats();
      const bool partner = (partners >> j) & 1;
      // (Organisations trade in no side deals.)
      if (j == me || partner != (k < v.num_seats()) || v.organisation(j)) continue;
      bool dealt = false;
      for (const rules::Deal* d : deals)
        if ((d->from == j || d->to == j) && d->cycle == v.cycle()) dealt = true;
      if (dealt) continue;
      const mf::Role other = v.role(j);
      *out = Action::Make(ActionType::kProposeDeal);
      out->seat = j;
      if (role == mf::DESTINATION && other != mf::DESTINATION) {
        out->give.visas = 4;
        out->ask.readmission = true;
        return true;
      }
      if (role != mf::DESTINATION && other == mf::DESTINATION) {
        out->give.readmission = true;
        if (role == mf::TRANSIT)
          out->ask.aid = 5;
        else
          out->ask.visas = 4;
        return true;
      }
      // Coalition building: political capital for support on a draft I like.
      const rules::Text* d = v.draft();
      if (d && d->tabled && !d->decided && v.capital(me) >= 2 &&
          TextValue(v, d->theme, d->position, d->form) > 0.5 && v.statement(j) >= 0 &&
          std::fabs(v.statement(j) - d->position) <= 30) {
        out->give.capital = 1;
        out->ask.stance_text = d->id;
        out->ask.stance = mf::SUPPORT;
        return true;
      }
    }
    return false;
  }

  Personality p_;
};

// Uniform over the seat's legal actions.
class RandomBot : public Bot {
 public:
  const std::string& name() const override { return name_; }
  Action Decide(const SeatView& v, rules::Rng& rng) override {
    v.LegalActions(&legal_);
    if (legal_.empty()) return Action::Make(ActionType::kReady);
    return legal_[rng.Below(static_cast<uint32_t>(legal_.size()))];
  }

 private:
  std::string name_ = "random";
  std::vector<Action> legal_;
};

Personality Hardliner() {
  Personality p;
  p.name = "hardliner";
  p.statement_shift = -0.15;
  p.support_above = 0.5;
  p.object_below = -0.5;
  p.binding_aversion = 1.5;
  p.pledge_full_above = 0.3;
  p.pledge_half_above = 1e9;
  p.enforcement = 80;
  p.accept_above = 2.0;
  p.break_if_costs = 1.5;
  p.amend_gap = 15;
  return p;
}

Personality Cooperator() {
  Personality p;
  p.name = "cooperator";
  p.statement_shift = 0.4;
  p.support_above = -1.5;
  p.object_below = -6.0;
  p.object_on_red_line = false;
  p.binding_aversion = 0.5;
  p.endorse_all = true;
  p.core_funding = true;
  p.pledge_full_above = -3;
  p.pledge_half_above = -1e9;
  p.enforcement = 30;
  p.accept_above = -0.5;
  p.amend_gap = 35;
  return p;
}

Personality Reciprocator() {
  Personality p;
  p.name = "reciprocator";
  p.statement_shift = 0.25;
  p.support_above = -0.8;
  p.object_below = -3.0;
  p.trust_driven = true;
  p.pledge_full_above = -2;
  p.pledge_half_above = -1e9;
  p.enforcement = 40;
  p.accept_above = 0.0;
  p.amend_gap = 30;
  return p;
}

Personality Dealmaker() {
  Personality p;
  p.name = "dealmaker";
  p.statement_shift = 0.2;
  p.support_above = -0.5;
  p.object_below = -2.5;
  p.binding_aversion = 0.5;
  p.enforcement = 40;
  p.accept_above = 0.0;
  p.proposes_deals = true;
  p.amend_gap = 25;
  return p;
}

}  // namespace

void RegisterBuiltinStrategies() {
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterStrategy("random", [] { return std::make_unique<RandomBot>(); });
    for (Personality (*make)() : {Hardliner, Cooperator, Reciprocator, Dealmaker}) {
      Personality p = make();
      RegisterStrategy(p.name, [p] { return std::make_unique<HeuristicBot>(p); });
    }
    RegisterStrategy("planner", [] { return MakePlanner(0); });
    RegisterStrategy("light", MakeLightBot);
  });
}

}  // namespace mf::bots
