// The game state and the one entry that changes it.
//
// `State` is a plain copyable value: (scenario, seed, ordered actions) always
// produce the same state and the same `Hash()`. `Apply` validates an action
// completely before it changes anything, so a rejected action leaves the
// state (and its hash) untouched. Nothing here reads a clock, a file or the
// network: the server injects timeouts as actions of the clock.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/action.h"
#include "rules/rng.h"
#include "rules/scenario.h"

namespace mf::rules {

struct ActionSpec;  // rules/catalogue.h

// The outcome of `Apply`: ok, or a typed error with a reason a person can read.
struct Result {
  mf::RuleError code = mf::RULE_ERROR_UNSPECIFIED;
  std::string message;
  bool ok() const { return code == mf::RULE_ERROR_UNSPECIFIED; }
  static Result Ok() { return {}; }
  static Result Error(mf::RuleError c, std::string m) { return {c, std::move(m)}; }
};

// Structured event record; its sentence is made on demand (DescribeEvent).
enum class EventType : uint8_t {
  kCycleStart,          // a = cycle, b = host seat
  kWorldEvent,          // a = EventKind, b = seat or -1, c = corridor or -1
  kPhaseStart,          // a = Phase
  kRecommendation,      // a = recommendation id
  kEndorsed,            // a = seat, b = recommendation id
  kPrioritised,         // a = seat, b = theme
  kStatement,           // a = seat, b = position
  kDraftTabled,         // a = seat, b = text id
  kAmendmentProposed,   // a = seat, b = amendment id
  kAmendmentAccepted,   // a = seat, b = amendment id
  kAmendmentRejected,   // a = seat, b = amendment id
  kAmendmentWithdrawn,  // a = seat, b = amendment id
  kDraftWithdrawn,      // a = seat, b = text id
  kWorkingPaper,        // b = text id (tabled by the engine when the co-chairs did not)
  kAdopted,             // b = text id, c = supporters
  kRejected,            // b = text id, c = objectors
  kRatified,            // a = seat, b = text id
  kDeclined,            // a = seat, b = text id
  kInForce,             // b = text id, c = ratifications
  kNotInForce,          // b = text id, c = ratifications
  kDealOffered,         // private: a = from, b = deal id, c = to
  kDealAccepted,        // private
  kDealRejected,        // private
  kDealWithdrawn,       // private
  kDealKept,            // private: a = seat who kept, b = deal
  kBreachVisible,       // public: a = breaching seat, b = deal, c = victim
  kPaused,
  kResumed,
  kExtended,          // a = seconds
  kSeatToBot,         // a = seat
  kSeatToHuman,       // a = seat
  kAdvanced,          // a = Phase that was ended
  kTimedOut,          // a = Phase that ended
  kWorldUpdate,       // a = cycle
  kGameOver,          // a = winning seat
  kPledged,           // a = seat, b = text id, c = level
  kPledgeBroken,      // a = seat, b = text id, c = level carried out (below last year's)
  kPledgesKept,       // b = text id, c = seats that carried it out as pledged
  kForumChosen,       // a = theme, b = band, c = text id adopted (0: none, the status quo stands)
  kRegionalTabled,    // a = seat, b = text id, c = caucus
  kRegionalAdopted,   // b = text id, c = supporters (members)
  kRegionalRejected,  // b = text id, c = objectors (members)
  kRegionalSetAside,  // b = text id, c = 1: the forum adopted a text on the item; 0: draft
                      // withdrawn
  kPressReport,       // a = press desk, b = seat it is about, c = report index
  kLobbied,           // a = organisation, b = state, c = text id
  kProject,           // a = organisation, b = state, c = 1 when earmarked by a donor
  kFunded,  // a = donor, b = organisation, c = amount (positive: core; negative: earmarked)
  kOrgRecommendation,  // a = organisation, b = theme, c = position
  kWalkedOut,          // a = seat, b = text id
};

struct EventRec {
  EventType type = EventType::kCycleStart;
  int16_t cycle = 0;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int a = 0, b = 0, c = 0;
  uint64_t private_to = 0;  // 0: public; else a mask of the seats that may see it.
};

enum class AmendStatus : uint8_t { kPending, kAccepted, kRejected, kWithdrawn, kLapsed };
enum class DealStatus : uint8_t { kOffered, kAccepted, kRejected, kWithdrawn, kExpired };

struct Amendment {
  int id = 0;
  int proposer = 0;
  int position = -1;
  mf::Form form = mf::FORM_UNSPECIFIED;
  CommitmentSet add = 0, remove = 0;
  int corridor = -1;
  AmendStatus status = AmendStatus::kPending;
};

// A text. Its pledges: how far each seat carries it out (non-binding texts:
// any seat that pledges; binding ones: their ratifiers).
struct Text {
  Text() {
    cover.fill(0);
    level.fill(-1);
    carried.fill(-1);
  }
  int id = 0;
  int theme = 0;
  int position = 50;
  mf::Form form = mf::CHAIRS_SUMMARY;
  CommitmentSet commitments = 0;
  int corridor = -1;
  int cycle = 0;
  bool tabled = false;  // A draft exists (tabled by co-chairs or the engine).
  bool withdrawn = false;
  bool decided = false;
  bool adopted = false;
  bool in_force = false;  // Non-binding texts are in force once adopted.
  // Ratification stays open from the cycle a convention is adopted to the
  // end: `declined` is this cycle's refusals (a state may ratify later),
  // `resolved` the ratifications already counted, `charged` the ratifiers
  // already bound (the sovereignty cost, once the convention is in force).
  uint64_t supporters = 0, objectors = 0, ratified = 0, declined = 0;
  uint64_t resolved = 0, charged = 0;
  // Per seat: the level pledged for this year (-1: no pledge), and the level
  // carried out at the last world update (-1: none yet).
  std::array<int8_t, kMaxSeats> level, carried;
  uint64_t broken = 0;  // Seats that once carried out less than the year before.
  // Per state: how far organisations that lobbied it on this text cover it
  // at home (percent of the red-line cost spared, 0..75).
  std::array<uint8_t, kMaxSeats> cover{};
  // A regional text (mf::RegionalText): the caucus whose members alone
  // decide it and may pledge to it (-1: a text of the whole forum), and its
  // members who stood aside (`supporters` and `objectors` hold the others).
  int caucus = -1;
  uint64_t aside = 0;
  uint64_t walked_out = 0;  // Seats that walked out of its decision (it does not bind them).
};

struct Deal {
  int id = 0;
  int from = 0, to = 0;
  Terms give, ask;
  DealStatus status = DealStatus::kOffered;
  int cycle = 0;
  // Delivery of each side: -1 pending, 0 broken, 1 kept.
  int8_t from_kept = -1, to_kept = -1;
  bool breach_visible = false;
  bool stance_checked = false;
};

// A press desk's published report (mf::PublishReport), with what it did.
struct PressReport {
  int desk = 0;
  int cycle = 0;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int about = 0;
  bool praise = false;
  std::string text;
  int text_id = 0;
  double credibility = 0;  // 0..1: how far the public record bears it out.
  double effect = 0;       // The change in the subject's approval.
};

struct Recommendation {
  int id = 0;
  int theme = 0;
  int position = 0;
  uint64_t endorsed = 0;
  int by = -1;  // The organisation that tabled it; -1: the Civil Society Days.
};

struct SeatState {
  double approval = 0.5;
  int capital = 0;
  bool ready = false;
  bool bot = false;
  int actions = 0;     // Non-ready actions taken in this phase.
  int statement = -1;  // Position stated on the current item.
  std::string statement_text;
  mf::VoteChoice vote = mf::VOTE_UNSPECIFIED;
  // Mean level carried out over the texts open to it at the last world update (0..100).
  int implement = 0;
  int enforcement = 30;  // Unilateral enforcement level (0..100).
  // Programmes built up by the commitments of the texts it carries out, 0..1
  // (recomputed from the pledges at each world update), and readmission
  // cooperation delivered in side deals.
  double visas = 0, readmission = 0, remit_cut = 0, rights = 0, climate = 0;
  double deal_readmission = 0;
  double deal_visas = 0;  // Visas promised in deals this cycle (delivered).
  double aid_received = 0, aid_given = 0;
  // Flows of the last world update, and their sums over the cycles played.
  double remittances = 0, labour = 0, transit_flow = 0, irregular_in = 0;
  double cum_remittances = 0, cum_labour = 0, cum_transit = 0, cum_irregular = 0;
  // The same flows in the scenario's starting world (for normalisation).
  double base_remittances = 1, base_labour = 1, base_transit = 1, base_irregular = 1;
  double sovereignty_cost = 0;
  std::vector<double> policy;  // Effective policy per theme.
  // Programmes organisations' projects built in this state (0..1; they add
  // to what its texts give it at each world update).
  double org_rights = 0, org_remit = 0, org_readmission = 0;
  // Organisations: what their projects and lobbying achieve (0..2, from the
  // scenario's capacity and the core funding received), projects delivered,
  // funding received, and endorsements their recommendations gathered.
  double capacity = 0, core_funding = 0, earmarked_funding = 0;
  int projects = 0, endorsements = 0;
};

struct CorridorState {
  double legal = 0, irregular = 0, cooperation = 0;
  double origin_coop = 0, transit_coop = 0;  // Anti-smuggling cooperation, 0..1.
  // What regional texts give this corridor alone (among their members):
  // labour visas of the destination and a cheaper transfer, 0..1.
  double visas = 0, remit_cut = 0;
};

// Per-cycle shared indicators (kept for charts and the balance report).
struct CycleStat {
  double mean_trust = 0, norms = 0, rules = 0, procedures = 0, regime = 0, welfare = 0;
  double irregular = 0, legal = 0, remittances = 0;
  std::vector<double> approval;
};

struct ScoreBreakdown {
  double interest = 0, economy = 0, approval = 0, reputation = 0, shared = 0;
  double sovereignty = 0;
  double raw = 0;      // 0..100: the weighted components minus the sovereignty cost.
  double gain = 0;     // raw minus the seat's raw score in the starting world.
  double total = 0;    // 0..100: 50 + role scale x gain + role offset + seat offset.
  int rank = 0;        // Among the seats of its kind (states, organisations).
  double mandate = 0;  // Organisations: the mandate's indicator, 0..1.
};

// World modifiers set by events, reset each cycle.
struct Modifiers {
  double demand = 1, remittance = 1, mobility = 1, security = 1;
  std::vector<double> push;  // Per seat.
  double welfare_shock = 0;
};

// The migration model's answer for one year of a scenario's starting world
// (no texts, no events) when every destination enforces its border at
// `enforcement` (0..100) and the origin and transit of every corridor
// cooperate at `cooperation` (0..1): `forumctl enforcement` prints it and
// the world tests check it.
struct FlowOutcome {
  double irregular = 0;  // Irregular arrivals into the destinations (thousands).
  double legal = 0;      // Legal arrivals.
  double detoured = 0;   // Detours taken by people intercepted without cooperation.
  double transit = 0;    // People crossing transit states.
  double welfare = 0;    // Migrant welfare, 0..1.
};
FlowOutcome StartingWorldFlows(std::shared_ptr<const Scenario> scenario, int enforcement,
                               double cooperation);

class State {
 public:
  friend class SeatView;
  friend class StateEditor;  // What actions change (rules/editor.h).
  friend FlowOutcome StartingWorldFlows(std::shared_ptr<const Scenario>, int, double);
  // `press_desks`: the observers beyond the seats who may publish reports
  // (0..kMaxPressDesks); part of the game record (mf::GameLog.press_desks).
  State(std::shared_ptr<const Scenario> scenario, uint64_t seed, int press_desks = 0);
  static constexpr int kMaxPressDesks = 64;

  // The single entry for change: validates, then applies. `actor` is a seat
  // index, kFacilitator or kClock.
  Result Apply(int actor, const Action& action);
  // Validation only; never changes the state.
  Result Check(int actor, const Action& action) const;

  // The actions a seat may take now (a finite, representative set: positions
  // and amounts are sampled on a grid). Every listed action is accepted by Apply.
  void LegalActions(int seat, std::vector<Action>* out) const;

  uint64_t Hash() const;
  bool IsTerminal() const { return phase_ == mf::GAME_OVER; }

  const Scenario& scenario() const { return *scenario_; }
  std::shared_ptr<const Scenario> scenario_ptr() const { return scenario_; }
  uint64_t seed() const { return seed_; }
  uint64_t version() const { return version_; }
  // The version of the last change that can invalidate a decision taken on an
  // older view: a new phase or cycle, the text on the table (tabled, amended,
  // withdrawn), a world event. Votes, statements, endorsements, readiness,
  // priorities and deals add to the state without changing the choice in
  // front of the others, so a decision based on any version at or after this
  // one is still current (the engine checks its legality anyway).
  uint64_t context_version() const { return context_version_; }
  int num_seats() const { return n_; }
  // The states (they vote, ratify, pledge and count in every threshold);
  // the other seats are organisations.
  int num_states() const { return scenario_->num_states(); }
  bool IsOrganisation(int seat) const { return scenario_->IsOrganisation(seat); }
  int cycle() const { return cycle_; }
  mf::Phase phase() const { return phase_; }
  int phase_serial() const { return phase_serial_; }
  bool paused() const { return paused_; }
  int extension_seconds() const { return extension_; }
  int host() const { return host_; }
  uint64_t troika() const { return troika_; }
  int co_chair(int k) const { return co_chairs_[k]; }
  bool IsCoChair(int seat) const { return seat == co_chairs_[0] || seat == co_chairs_[1]; }
  const std::vector<int>& agenda() const { return agenda_; }
  int agenda_index() const { return agenda_index_; }
  int current_theme() const;
  // The text of the current agenda item (nullptr outside roundtable phases).
  const Text* draft() const;
  const std::vector<Text>& texts() const { return texts_; }
  const Text* FindText(int id) const;
  const std::vector<Amendment>& amendments() const { return amendments_; }
  const std::vector<Recommendation>& recommendations() const { return recs_; }
  const std::vector<Deal>& deals() const { return deals_; }
  const std::vector<SeatState>& seats() const { return seats_; }
  const SeatState& seat(int i) const { return seats_[i]; }
  const std::vector<CorridorState>& corridors() const { return corridors_; }
  double trust(int i, int j) const { return trust_[i * n_ + j]; }
  const std::vector<double>& trust_matrix() const { return trust_; }
  double reputation(int i) const;
  // The mean of everyone's trust in everyone else (kept as a sum: O(1)).
  double mean_trust() const;
  double norms() const { return norms_; }
  double rules_strength() const { return rules_; }
  double procedures() const { return procedures_; }
  double regime() const { return (norms_ + rules_ + procedures_) / 3.0; }
  double welfare() const { return welfare_; }
  const std::vector<CycleStat>& history() const { return history_; }
  const std::vector<EventRec>& events() const { return events_; }
  mf::EventKind current_event() const { return current_event_; }
  int current_event_seat() const { return current_event_seat_; }
  // Running or final scores (final once IsTerminal()).
  std::vector<ScoreBreakdown> Scores() const;
  const std::vector<ScoreBreakdown>& final_scores() const { return final_scores_; }
  int winner() const { return winner_; }
  // The organisation ranked first among organisations (-1: none seated).
  int organisation_winner() const { return org_winner_; }
  // An organisation's mandate indicator (0..1) from the world now.
  double MandateIndicator(int seat) const;
  // Number of binding texts adopted this cycle that `seat` has not decided on.
  int PendingRatifications(int seat) const;
  // True when `seat` would cross one of its red lines by accepting `text`.
  bool CrossesRedLine(int seat, const Text& text) const;
  // How far `text` lies beyond the seat's red lines (positions; a form past
  // the line counts 20 per step), -1 when it crosses none.
  double RedLineExcess(int seat, const Text& text) const;
  // True when `seat` may pledge to carry out `text` now or later: an adopted
  // non-binding text, or a binding convention in force that it ratified
  // (never a text on a theme that chooses the forum: it applies to all).
  bool PledgeOpen(int seat, const Text& text) const;
  // Regional texts (mf::RegionalText): whether `seat` belongs to caucus `k`,
  // and the caucus's regional draft on the current item (nullptr when none).
  bool IsMember(int caucus, int seat) const;
  // Press desks: how many, the reports one published in this phase, all
  // reports so far, and how far the public record bears out a report on
  // `about` (praise or criticism, about adopted text `text_id` or 0 for
  // its record in general), 0..1 (rules/press.cc).
  int press_desks() const { return press_desks_; }
  int press_actions(int desk) const { return press_actions_[static_cast<size_t>(desk)]; }
  const std::vector<PressReport>& reports() const { return reports_; }
  double ReportCredibility(int about, bool praise, int text_id) const;
  const Text* RegionalDraft(int caucus) const;

  // The forum chosen on a theme that chooses it (Theme.chooses_forum): that
  // theme and the band its decision landed in (-1, -1 before the choice or
  // when the scenario has none). Its rules hold from the next item on.
  int forum_theme() const { return forum_theme_; }
  int forum_band() const { return forum_band_; }
  // The position in force on the forum's theme (-1 before the choice).
  int forum_position() const { return forum_position_; }
  // The forum's rule, forms and their reason now: the chosen band's where it
  // sets them, else the scenario's.
  mf::DecisionRule forum_rule() const;
  uint32_t allowed_forms() const;
  bool FormAllowed(mf::Form f) const { return f > 0 && f < 32 && ((allowed_forms() >> f) & 1); }
  const std::string& forms_reason() const;
  // The weakest form allowed now: the form of a working paper.
  mf::Form WeakestForm() const;
  // The rule a text on `theme` is decided by: the theme's own, else the forum's.
  mf::DecisionRule ItemRule(int theme) const;
  // What the chosen forum changed, in one sentence (empty before the choice).
  std::string ForumChange() const;

 private:
  // Admission, the kind's gate and its check (catalogue.h), for both
  // entries.
  Result Validate(const ActionSpec& spec, int actor, const Action& a) const;

  // Phase machine (phases.cc): the one place phases change.
  void EnterPhase(mf::Phase p);
  void EndPhase();
  void BeginCycle();
  void BeginItem();
  void NextItem();
  void ResolveDecision();
  // After the decision on a theme that chooses the forum: the forum's rules
  // from the band of the position in force.
  void ChooseForum(const Text& decided);
  // After the decision on an item: the members decide their regional drafts
  // when the forum adopted nothing (`forum_adopted` false), else set them
  // aside (rules/regional.cc).
  void ResolveRegional(bool forum_adopted, bool withdrawn);
  void ResolveRatification();
  void ResolveImplementation();
  void MaybeEndPhase();
  bool AllReady() const;
  void Log(EventType t, int a = 0, int b = 0, int c = 0, uint64_t private_to = 0);

  // World model and scoring (world.cc).
  // A state drawn at random (never an organisation).
  int RandomState();
  void DrawWorldEvent();
  void ApplyWorldEvent(mf::EventKind kind, int seat);
  void WorldUpdate();
  // Runs the migration model for one year: fills corridor flows and per-seat
  // flows (remittances, labour, transit, irregular arrivals).
  void ComputeFlows();
  void RecordCycleStats();
  // Migrant welfare and the regime's three parts, from the world and what the
  // states did so far (also the starting values, from the starting world).
  void UpdateIndicators();
  // The policies and programmes of every seat, from the texts it carries out.
  void ApplyPledges();
  // What member `s` carrying out regional text `t` at strength `f` gives.
  void ApplyRegionalCommitments(const Text& t, CommitmentSet commitments, int s, double f);
  // Pledges kept and broken this year become public and move trust.
  void ResolvePledges();
  void ChangeTrust(int from, int to, double delta);
  // A campaign's carried trust and reputations (engine.cc).
  void CarryTrust(const mf::Carry& carry);
  // Crossing a red line costs approval at home (Params::red_line_cost x how
  // far beyond x visibility).
  void PayForRedLine(int seat, const Text& text, double visibility);
  void RevealBreach(int breacher, int deal_index);
  void FinishGame();
  double FormPull(mf::Form f) const;

  std::shared_ptr<const Scenario> scenario_;
  const Params* params_ = nullptr;
  uint64_t seed_ = 0;
  Rng rng_;
  int n_ = 0;
  uint64_t version_ = 0;
  uint64_t context_version_ = 0;
  int cycle_ = 1;
  mf::Phase phase_ = mf::CIVIL_SOCIETY;
  int phase_serial_ = 0;
  bool paused_ = false;
  int extension_ = 0;
  int host_ = 0;
  uint64_t troika_ = 0;
  int co_chairs_[2] = {-1, -1};
  std::vector<int> agenda_;
  int agenda_index_ = 0;
  int current_text_ = 0;  // Id of the current item's text (0 when none).
  int next_id_ = 1;       // Ids for texts, amendments, deals, recommendations.
  std::vector<Text> texts_;
  std::vector<Amendment> amendments_;  // Of the current item.
  std::vector<Recommendation> recs_;   // Of the current cycle.
  std::vector<Deal> deals_;
  std::vector<SeatState> seats_;
  std::vector<CorridorState> corridors_;
  std::vector<double> trust_;
  double trust_sum_ = 0;  // The sum of trust_ off the diagonal (kept by ChangeTrust).
  double norms_ = 0, rules_ = 0, procedures_ = 0, welfare_ = 0;
  // This year's movers (the corridors' pressure) and the detours those
  // intercepted without cooperation took (ComputeFlows).
  double movers_ = 0, detoured_ = 0;
  int adoptions_ = 0, ratifications_ = 0, endorsements_ = 0, meetings_ = 0, kept_deals_ = 0;
  int kept_pledges_ = 0;
  // The forum chosen (see forum_theme()), and the meetings held since.
  int forum_theme_ = -1, forum_band_ = -1, forum_meetings_ = 0, forum_position_ = -1;
  uint64_t forum_walked_ = 0;  // Seats that walked out of the forum's choice.
  Modifiers mods_;
  mf::EventKind current_event_ = mf::EVENT_UNSPECIFIED;
  int current_event_seat_ = -1;
  std::vector<CycleStat> history_;
  std::vector<EventRec> events_;
  std::vector<ScoreBreakdown> final_scores_;
  std::vector<double> baseline_raw_;  // Each seat's raw score in the starting world.
  int winner_ = -1;
  int org_winner_ = -1;
  int press_desks_ = 0;
  std::vector<int> press_actions_;  // Per desk: reports published in this phase.
  std::vector<PressReport> reports_;
};

// A readable sentence for an event record.
std::string DescribeEvent(const State& state, const EventRec& e);
// A readable label for a text, e.g. "Guiding principles on Labour mobility at 62".
std::string TextLabel(const Scenario& scenario, const Text& t);
const char* FormName(mf::Form f);
const char* PhaseName(mf::Phase p);
const char* EventKindName(mf::EventKind k);
const char* CommitmentName(mf::CommitmentKind k);
const char* RoleName(mf::Role r);
// "IOM (organisation)" or the state's roles: what a seat is, in a few words.
std::string SeatKindLabel(const SeatData& seat);
// A seat's roles as people read them: "transit" for a single role, "transit
// 60% · source 40%" for mixed ones (the primary role first).
std::string RoleMix(mf::Role role, const std::array<double, 4>& weight);
std::string RoleMix(const SeatData& seat);
std::string RoleMix(const mf::SeatPublic& seat);
// What the forum becomes when a decision on `theme` lands in `band` (its
// rule, forms and meetings), in one sentence; empty for a bad theme.
std::string ForumSentence(const Scenario& scenario, int theme, int band);

}  // namespace mf::rules
