// How the built-in bots play an organisation's seat (IOM, UNHCR, ILO, OHCHR,
// civil society): through the same rules as everyone, choosing among the
// engine's legal actions. It tables a recommendation at its mandate's ideal
// on every item, states that ideal at the roundtable, lobbies the states
// closest to supporting a draft near its ideal (and to ratifying or carrying
// out texts near it), and runs projects where its mandate does most good.
#include <algorithm>
#include <cmath>
#include <vector>

#include "bots/bot.h"
#include "rules/view.h"

namespace mf::bots {
namespace {

using rules::Action;
using rules::ActionType;
using rules::SeatView;

// How far a state's own interests lie from a draft at `position` on `theme`:
// its statement when it made one, else the room's middle.
double Distance(const SeatView& v, int seat, int position) {
  const int stated = v.statement(seat);
  return stated >= 0 ? std::fabs(stated - position) : 50.0;
}

// Where a project of this mandate does most good in `seat`.
double ProjectNeed(const SeatView& v, int seat, mf::Mandate mandate) {
  const rules::SeatState& st = v.seat_state(seat);
  const double src = v.role_weight(seat, mf::SOURCE), tr = v.role_weight(seat, mf::TRANSIT),
               dst = v.role_weight(seat, mf::DESTINATION);
  switch (mandate) {
    case mf::MANDATE_IOM:  // Migration management where people set out and pass through.
      return (1.0 - st.org_readmission) * (tr + 0.7 * src);
    case mf::MANDATE_ILO:  // Fair recruitment where workers come from.
      return (1.0 - st.org_remit) * (src + 0.3 * tr);
    default:  // Protection where migrants arrive and pass through.
      return (1.0 - st.org_rights) * (dst + 0.6 * tr + 0.2 * src);
  }
}

}  // namespace

Action OrganisationDecide(const SeatView& v, rules::Rng& rng) {
  (void)rng;
  const int me = v.viewer();
  const rules::SeatData& self = *v.brief(me);
  std::vector<Action> legal;
  v.LegalActions(&legal);
  auto first = [&](ActionType type, auto&& score) {
    const Action* best = nullptr;
    double best_score = 0;
    for (const Action& a : legal) {
      if (a.type != type) continue;
      const double s = score(a);
      if (s > best_score) {
        best_score = s;
        best = &a;
      }
    }
    return best;
  };
  switch (v.phase()) {
    case mf::CIVIL_SOCIETY:
      // A recommendation at its ideal on each item, the highest priority first.
      if (const Action* a = first(ActionType::kRecommend, [&](const Action& x) {
            const int ideal = static_cast<int>(self.ideal[x.theme] + 0.5);
            return x.position == ideal ? self.priority[x.theme] : 0.0;
          }))
        return *a;
      break;
    case mf::STATEMENTS:
      if (v.statement(me) < 0 && v.current_theme() >= 0) {
        Action a = Action::Make(ActionType::kStatement);
        a.position = static_cast<int>(self.ideal[v.current_theme()] + 0.5);
        return a;
      }
      break;
    case mf::DECISION: {
      // A draft near its ideal: lobby the state closest to supporting it
      // that has not yet supported.
      const rules::Text* d = v.draft();
      if (!d || std::fabs(d->position - self.ideal[d->theme]) > 25) break;
      if (const Action* a = first(ActionType::kLobby, [&](const Action& x) {
            if (v.vote(x.seat) == mf::SUPPORT) return 0.0;
            return 100.0 - Distance(v, x.seat, d->position) + 0.01;
          }))
        return *a;
      break;
    }
    case mf::RATIFICATION:
    case mf::IMPLEMENTATION: {
      // A project where its mandate does most good (it costs more than
      // lobbying, so it comes first while capital lasts), then lobbying on
      // texts near its ideal.
      const mf::Mandate mandate = self.mandate;
      if (const Action* a = first(ActionType::kOfferProject,
                                  [&](const Action& x) { return ProjectNeed(v, x.seat, mandate); }))
        return *a;
      if (const Action* a = first(ActionType::kLobby, [&](const Action& x) {
            const rules::Text* t = v.FindText(x.id);
            if (!t) return 0.0;
            return std::max(0.0, 30.0 - std::fabs(t->position - self.ideal[t->theme]));
          }))
        return *a;
      break;
    }
    default:
      break;
  }
  return Action::Make(ActionType::kReady);
}

// How a state's bot funds organisations: a destination that takes part
// funds IOM (or the first organisation) once a cycle, earmarked to a
// project in a state on one of its corridors (the donor's pick: the
// article's "projectised" IOM) unless it is `core`, which builds capacity.
bool FundOrganisation(const SeatView& v, bool core, Action* out) {
  const int me = v.viewer();
  if (v.role_weight(me, mf::DESTINATION) < 0.5) return false;
  std::vector<Action> legal;
  v.LegalActions(&legal);
  // Once a cycle: the events of this cycle tell whether it already funded.
  for (const rules::EventRec& e : v.all_events())
    if (e.type == rules::EventType::kFunded && e.a == me && e.cycle == v.cycle()) return false;
  int org = -1;
  for (int s = 0; s < v.num_seats(); ++s)
    if (v.organisation(s) && (org < 0 || v.mandate(s) == mf::MANDATE_IOM)) org = s;
  if (org < 0) return false;
  for (const Action& a : legal) {
    if (a.type != ActionType::kFund || a.seat != org || a.flag != core) continue;
    if (!core && a.id == me) continue;  // Earmarked: a project on its corridors.
    *out = a;
    return true;
  }
  return false;
}

}  // namespace mf::bots
