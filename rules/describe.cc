// Readable names and sentences for phases, forms, events and texts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "rules/state.h"

namespace mf::rules {

const char* FormName(mf::Form f) {
  switch (f) {
    case mf::CHAIRS_SUMMARY:
      return "Chair's summary";
    case mf::GUIDING_PRINCIPLES:
      return "Guiding principles";
    case mf::BINDING_CONVENTION:
      return "Binding convention";
    default:
      return "No form";
  }
}

std::string FormRefusal(uint32_t allowed, const std::string& reason, mf::Form form) {
  static const char* const kPlural[] = {"", "chair's summaries", "guiding principles",
                                        "binding conventions"};
  static const char* const kOne[] = {"", "a chair's summary", "guiding principles",
                                     "a binding convention"};
  std::vector<const char*> names;
  for (int f = mf::CHAIRS_SUMMARY; f <= mf::BINDING_CONVENTION; ++f)
    if ((allowed >> f) & 1) names.push_back(kPlural[f]);
  std::string list;
  for (size_t k = 0; k < names.size(); ++k)
    list += std::string(k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  const int f = form >= mf::CHAIRS_SUMMARY && form <= mf::BINDING_CONVENTION ? form : 0;
  std::string out = "this forum adopts " + list + " only, not " + (f ? kOne[f] : "that form");
  if (!reason.empty()) out += ": " + reason;
  return out;
}

const char* PhaseName(mf::Phase p) {
  switch (p) {
    case mf::CIVIL_SOCIETY:
      return "Civil Society Days";
    case mf::STATEMENTS:
      return "Statements";
    case mf::DRAFTING:
      return "Drafting";
    case mf::DECISION:
      return "Decision";
    case mf::RATIFICATION:
      return "Ratification";
    case mf::IMPLEMENTATION:
      return "Implementation";
    case mf::GAME_OVER:
      return "Game over";
    default:
      return "Unknown phase";
  }
}

const char* EventKindName(mf::EventKind k) {
  switch (k) {
    case mf::ECONOMIC_INTEGRATION:
      return "Economic integration";
    case mf::SECURITY_SCARE:
      return "Security scare";
    case mf::TRANSNATIONALISM:
      return "Transnationalism";
    case mf::TECHNOLOGY:
      return "Technological change";
    case mf::CLIMATE_CHANGE:
      return "Climate disaster";
    case mf::FINANCIAL_CRISIS:
      return "Financial crisis";
    case mf::TRAGEDY_AT_SEA:
      return "Tragedy at sea";
    case mf::ELECTION_SWING:
      return "Election swing";
    default:
      return "No event";
  }
}

const char* CommitmentName(mf::CommitmentKind k) {
  switch (k) {
    case mf::LABOUR_VISAS:
      return "labour visas";
    case mf::READMISSION:
      return "readmission cooperation";
    case mf::REMITTANCE_COST_CUT:
      return "remittance cost cut";
    case mf::ANTI_SMUGGLING:
      return "anti-smuggling cooperation";
    case mf::RIGHTS_PROTECTION:
      return "rights protections";
    case mf::CLIMATE_DISPLACEMENT:
      return "climate displacement measures";
    default:
      return "no commitment";
  }
}

const char* RoleName(mf::Role r) {
  switch (r) {
    case mf::SOURCE:
      return "source";
    case mf::TRANSIT:
      return "transit";
    case mf::DESTINATION:
      return "destination";
    default:
      // Only an organisation's seat has no role (a state's is validated).
      return "organisation";
  }
}

std::string RoleMix(mf::Role role, const std::array<double, 4>& weight) {
  // The primary role first, then the others by weight (ties in role order).
  if (role < mf::SOURCE || role > mf::DESTINATION) return RoleName(role);
  std::vector<mf::Role> order = {role};
  for (mf::Role r : {mf::SOURCE, mf::TRANSIT, mf::DESTINATION})
    if (r != role && weight[r] > 0) order.push_back(r);
  std::stable_sort(order.begin() + 1, order.end(),
                   [&](mf::Role a, mf::Role b) { return weight[a] > weight[b]; });
  if (order.size() == 1) return RoleName(role);
  std::string out;
  for (mf::Role r : order) {
    if (!out.empty()) out += " \u00b7 ";
    out += std::string(RoleName(r)) + " " +
           std::to_string(static_cast<int>(weight[r] * 100 + 0.5)) + "%";
  }
  return out;
}

std::string RoleMix(const SeatData& seat) {
  // An organisation has no role: its mandate says what it is.
  if (seat.organisation) return std::string(MandateName(seat.mandate)) + " (organisation)";
  return RoleMix(seat.role, seat.weight);
}

std::string SeatKindLabel(const SeatData& seat) {
  return RoleMix(seat);
}

std::string RoleMix(const mf::SeatPublic& seat) {
  if (seat.kind() == mf::SEAT_ORGANISATION)
    return std::string(MandateName(seat.mandate())) + " (organisation)";
  std::array<double, 4> w{};
  if (seat.has_role_weights()) {
    w[mf::SOURCE] = seat.role_weights().source();
    w[mf::TRANSIT] = seat.role_weights().transit();
    w[mf::DESTINATION] = seat.role_weights().destination();
  } else if (seat.role() >= mf::SOURCE && seat.role() <= mf::DESTINATION) {
    w[seat.role()] = 1;
  }
  return RoleMix(seat.role(), w);
}

std::string TextLabel(const Scenario& sc, const Text& t) {
  if (t.theme < 0 || t.theme >= sc.num_themes()) return FormName(t.form);
  const ThemeData& theme = sc.themes()[t.theme];
  std::string label =
      std::string(FormName(t.form)) + " on " + theme.name + " at " + std::to_string(t.position);
  const std::string& band = theme.BandLabel(t.position);
  if (!band.empty()) label += " (" + band + ")";
  if (t.caucus >= 0 && t.caucus < sc.proto().caucuses_size())
    label = sc.proto().caucuses(t.caucus).name() + " regional text: " + label;
  return label;
}

namespace {

std::string EventText(mf::EventKind k) {
  switch (k) {
    case mf::ECONOMIC_INTEGRATION:
      return "Labour shortages in information technology and seasonal farming: destinations want "
             "more workers.";
    case mf::SECURITY_SCARE:
      return "A security scare: publics in destination states grow wary of irregular arrivals.";
    case mf::TRANSNATIONALISM:
      return "Diasporas strengthen their ties home: remittances rise.";
    case mf::TECHNOLOGY:
      return "Cheaper travel and transfers: people move and send money more easily.";
    case mf::CLIMATE_CHANGE:
      return "Drought and storms push people out of their homes";
    case mf::FINANCIAL_CRISIS:
      return "A financial crisis: jobs for migrants and remittances fall everywhere.";
    case mf::TRAGEDY_AT_SEA:
      return "A boat sinks with migrants aboard; rights move up every agenda";
    case mf::ELECTION_SWING:
      return "An election brings a government promising tighter borders";
    default:
      return "A quiet year.";
  }
}

}  // namespace

static const char* RuleWords(mf::DecisionRule r) {
  switch (r) {
    case mf::MAJORITY:
      return "by majority vote (two thirds of the votes cast for a binding text)";
    case mf::WEIGHTED_MAJORITY:
      return "by weighted majority";
    default:
      return "by consensus (one objection blocks)";
  }
}

std::string ForumSentence(const Scenario& sc, int theme, int band) {
  if (theme < 0 || theme >= sc.num_themes()) return "";
  const ThemeData& th = sc.themes()[theme];
  if (band < 0 || band >= static_cast<int>(th.bands.size()))
    return "The forum keeps its rules (the decision fell outside every named band).";
  const ThemeData::Forum& f = th.bands[band].forum;
  std::string out = th.bands[band].label;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  out += ": from the next item on, texts are decided ";
  out += RuleWords(f.rule != mf::DECISION_RULE_UNSPECIFIED ? f.rule : sc.decision_rule());
  static const char* const kPlural[] = {"", "chair's summaries", "guiding principles",
                                        "binding conventions"};
  const uint32_t forms = f.forms != 0 ? f.forms : sc.allowed_forms();
  std::vector<const char*> names;
  for (int k = mf::CHAIRS_SUMMARY; k <= mf::BINDING_CONVENTION; ++k)
    if ((forms >> k) & 1) names.push_back(kPlural[k]);
  out += " and the forum may adopt ";
  for (size_t k = 0; k < names.size(); ++k)
    out += std::string(k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + names[k];
  const double meeting = f.sets_meeting ? f.meeting_procedures : sc.params().meeting_procedures;
  if (meeting > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", meeting);
    out += std::string("; each meeting adds ") + buf + " to procedures";
  } else {
    out += "; the states no longer meet as one forum, so meetings add nothing to procedures";
  }
  return out + ".";
}

std::string State::ForumChange() const {
  return forum_theme_ >= 0 ? ForumSentence(*scenario_, forum_theme_, forum_band_) : "";
}

std::string DescribeEvent(const State& st, const EventRec& e) {
  const Scenario& sc = st.scenario();
  auto seat = [&](int i) {
    return i >= 0 && i < sc.num_seats() ? sc.seats()[i].name : std::string("the facilitator");
  };
  auto text = [&](int id) {
    const Text* t = st.FindText(id);
    return t ? TextLabel(sc, *t) : "text #" + std::to_string(id);
  };
  auto theme = [&](int i) {
    return i >= 0 && i < sc.num_themes() ? sc.themes()[i].name : std::string("?");
  };
  switch (e.type) {
    case EventType::kCycleStart:
      return "Forum cycle " + std::to_string(e.a) + " opens, hosted by " + seat(e.b) + ".";
    case EventType::kWorldEvent: {
      std::string s = std::string(EventKindName(static_cast<mf::EventKind>(e.a))) + ": " +
                      EventText(static_cast<mf::EventKind>(e.a));
      if (e.a == mf::CLIMATE_CHANGE || e.a == mf::ELECTION_SWING)
        s += " in " + seat(e.b) + ".";
      else if (e.a == mf::TRAGEDY_AT_SEA && e.c >= 0 && e.c < sc.num_corridors())
        s += " (corridor " + sc.corridors()[e.c].id + ").";
      return s;
    }
    case EventType::kPhaseStart:
      if (e.a == mf::GAME_OVER) return "The last cycle is over.";
      return std::string(PhaseName(static_cast<mf::Phase>(e.a))) + " begins.";
    case EventType::kRecommendation:
      return "Civil society recommends " + theme(e.b) + " at " + std::to_string(e.c) + ".";
    case EventType::kEndorsed:
      return seat(e.a) + " endorses civil society recommendation #" + std::to_string(e.b) + ".";
    case EventType::kPrioritised:
      return seat(e.a) + " puts " + theme(e.b) + " first on the agenda.";
    case EventType::kStatement:
      return seat(e.a) + " states a position at " + std::to_string(e.b) + ".";
    case EventType::kDraftTabled:
      return seat(e.a) + " tables the draft: " + text(e.b) + ".";
    case EventType::kAmendmentProposed:
      return seat(e.a) + " proposes amendment #" + std::to_string(e.b) + ".";
    case EventType::kAmendmentAccepted:
      return seat(e.a) + " accepts amendment #" + std::to_string(e.b) + ".";
    case EventType::kAmendmentRejected:
      return seat(e.a) + " rejects amendment #" + std::to_string(e.b) + ".";
    case EventType::kAmendmentWithdrawn:
      return seat(e.a) + " withdraws amendment #" + std::to_string(e.b) + ".";
    case EventType::kDraftWithdrawn:
      return seat(e.a) + " withdraws the draft; no agreement on this item.";
    case EventType::kWorkingPaper:
      return "The co-chairs' working paper goes to decision: " + text(e.b) + ".";
    case EventType::kAdopted:
      return "Adopted with " + std::to_string(e.c) + " in support: " + text(e.b) + ".";
    case EventType::kRejected:
      return "Not adopted (" + std::to_string(e.c) + (e.c == 1 ? " objection" : " objections") +
             "): " + text(e.b) + ".";
    case EventType::kRatified:
      return seat(e.a) + " ratifies " + text(e.b) + ".";
    case EventType::kDeclined:
      return seat(e.a) + " does not ratify " + text(e.b) + ".";
    case EventType::kInForce:
      return text(e.b) + " enters into force with " + std::to_string(e.c) + " ratifications.";
    case EventType::kNotInForce:
      return text(e.b) + " fails to enter into force (" + std::to_string(e.c) + " ratifications).";
    case EventType::kDealOffered:
      return seat(e.a) + " offers deal #" + std::to_string(e.b) + " to " + seat(e.c) + ".";
    case EventType::kDealAccepted:
      return seat(e.a) + " accepts deal #" + std::to_string(e.b) + ".";
    case EventType::kDealRejected:
      return seat(e.a) + " rejects deal #" + std::to_string(e.b) + ".";
    case EventType::kDealWithdrawn:
      return seat(e.a) + " withdraws deal #" + std::to_string(e.b) + ".";
    case EventType::kDealKept:
      return seat(e.a) + " delivers on deal #" + std::to_string(e.b) + ".";
    case EventType::kBreachVisible:
      return seat(e.a) + " broke its word to " + seat(e.c) + " (deal #" + std::to_string(e.b) +
             "). Trust in " + seat(e.a) + " falls.";
    case EventType::kPledged:
      return seat(e.a) + " pledges to carry out " + std::to_string(e.c) + "% of " + text(e.b) + ".";
    case EventType::kPledgeBroken:
      return seat(e.a) + " carried out only " + std::to_string(e.c) + "% of " + text(e.b) +
             ", less than the year before: a broken pledge. Trust in " + seat(e.a) + " falls.";
    case EventType::kWalkedOut:
      return seat(e.a) + " walks out of the vote on " + text(e.b) + ": the text will not bind it.";
    case EventType::kForumChosen:
      return std::string(e.c != 0 ? "The decision on " + theme(e.a) + " is taken. "
                                  : "Nothing is adopted on " + theme(e.a) +
                                        ": the status quo stands. ") +
             ForumSentence(sc, e.a, e.b);
    case EventType::kOrgRecommendation:
      return seat(e.a) + " recommends " + theme(e.b) + " at " + std::to_string(e.c) +
             "; states may endorse it.";
    case EventType::kLobbied:
      return seat(e.a) + " lobbies " + seat(e.b) + " on " + text(e.c) + ".";
    case EventType::kProject:
      return seat(e.a) +
             (e.c ? " delivers a project a donor earmarked for " : " runs a project in ") +
             seat(e.b) + ".";
    case EventType::kFunded:
      return seat(e.a) + " gives " + seat(e.b) + " " + std::to_string(e.c > 0 ? e.c : -e.c) +
             (e.c > 0 ? " in core funding." : " earmarked for a project.");
    case EventType::kRegionalTabled:
      return seat(e.a) + " tables a regional draft for its members: " + text(e.b) + ".";
    case EventType::kRegionalAdopted:
      return "Where the forum adopted nothing, its members adopt " + text(e.b) + " (" +
             std::to_string(e.c) + " in support): it pledges them alone.";
    case EventType::kRegionalRejected:
      return "The members do not agree on " + text(e.b) + " (" + std::to_string(e.c) +
             (e.c == 1 ? " objection)." : " objections).");
    case EventType::kRegionalSetAside:
      return text(e.b) + (e.c ? " is set aside: the forum adopted a text on the item."
                              : " is set aside with the withdrawn draft.");
    case EventType::kPressReport: {
      const auto& reports = st.reports();
      if (e.c < 0 || e.c >= static_cast<int>(reports.size())) return "A press desk reports.";
      const PressReport& r = reports[static_cast<size_t>(e.c)];
      return "Press desk " + std::to_string(e.a + 1) + (r.praise ? " praises " : " criticises ") +
             seat(e.b) + ": \u201c" + r.text + "\u201d (the record bears it out " +
             std::to_string(static_cast<int>(r.credibility * 100 + 0.5)) + "%)";
    }
    case EventType::kPledgesKept:
      return std::to_string(e.c) + (e.c == 1 ? " state carried" : " states carried") +
             " out their pledges on " + text(e.b) + ".";
    case EventType::kPaused:
      return "The facilitator pauses the session.";
    case EventType::kResumed:
      return "The facilitator resumes the session.";
    case EventType::kExtended:
      return "The facilitator gives this phase " + std::to_string(e.a) + " more seconds.";
    case EventType::kSeatToBot:
      return seat(e.a) + " is now played by a bot.";
    case EventType::kSeatToHuman:
      return seat(e.a) + " is played by a person again.";
    case EventType::kAdvanced:
      return "The facilitator ends " + std::string(PhaseName(static_cast<mf::Phase>(e.a))) + ".";
    case EventType::kTimedOut:
      return "Time is up for " + std::string(PhaseName(static_cast<mf::Phase>(e.a))) + ".";
    case EventType::kWorldUpdate:
      return "A year passes: flows, remittances and approval move (cycle " + std::to_string(e.a) +
             ").";
    case EventType::kGameOver: {
      // Seats whose scores read the same (whole points) share first place.
      const auto& scores = st.final_scores();
      if (static_cast<int>(scores.size()) != sc.num_seats() || e.a < 0 || e.a >= sc.num_seats())
        return "The forum closes. " + seat(e.a) + " ranks first.";
      const long top = std::lround(scores[e.a].total);
      std::vector<int> first;
      // States and organisations are ranked apart: the first state here.
      for (int s = 0; s < sc.num_seats(); ++s)
        if (std::lround(scores[s].total) == top && !sc.IsOrganisation(s)) first.push_back(s);
      if (first.size() == 1)
        return "The forum closes. " + seat(e.a) + " ranks first with " + std::to_string(top) +
               " points.";
      std::string names;
      for (size_t k = 0; k < first.size(); ++k)
        names += (k == 0 ? "" : k + 1 == first.size() ? " and " : ", ") + seat(first[k]);
      return "The forum closes. " + names + " share first place with " + std::to_string(top) +
             " points.";
    }
  }
  return "";
}

}  // namespace mf::rules
