// Scenario loading and validation: text format -> validated, indexed data.
//
// A scenario is immutable once loaded. Every cross-reference by string id in
// the file becomes an index here, so the engine never looks anything up by
// name on its hot path.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "game.pb.h"

namespace mf::rules {

constexpr int kMaxSeats = 64;  // Seat sets are 64-bit masks.
constexpr int kMaxThemes = 16;
constexpr int kMaxCorridors = 64;
constexpr int kMaxCycles = 20;
// Every text form as a mask of bits (1 << form).
constexpr uint32_t kAllForms =
    (1u << mf::CHAIRS_SUMMARY) | (1u << mf::GUIDING_PRINCIPLES) | (1u << mf::BINDING_CONVENTION);

struct RedLineData {
  int theme = 0;
  mf::Form max_form = mf::FORM_UNSPECIFIED;  // Unspecified: no limit.
  int max_position = 100;
  int min_position = 0;
  std::string reason;
};

struct ThemeData {
  std::string id, name, low_label, high_label, description;
  int status_quo = 50;
  int civil_society_position = 80;
  mf::CommitmentKind natural_commitment = mf::COMMITMENT_UNSPECIFIED;
  // The forum's rules after a decision that lands in a band (a theme that
  // chooses the forum, Theme.chooses_forum); unset parts leave it as it was.
  struct Forum {
    mf::DecisionRule rule = mf::DECISION_RULE_UNSPECIFIED;
    uint32_t forms = 0;  // Bits 1 << form; 0: unchanged.
    std::string forms_reason;
    bool sets_meeting = false;
    double meeting_procedures = 0;
  };
  struct Band {
    int low = 0, high = 100;
    std::string label;
    Forum forum;
  };
  std::vector<Band> bands;
  bool chooses_forum = false;
  // The rule this theme's texts are decided by (unspecified: the forum's).
  mf::DecisionRule decision_rule = mf::DECISION_RULE_UNSPECIFIED;
  // The label of the band holding `position`, or empty.
  const std::string& BandLabel(int position) const;
  // The index of the band holding `position`, or -1.
  int BandIndex(int position) const;
};

struct SeatData {
  std::string id, name, region, colour, briefing;
  mf::Role role = mf::SOURCE;
  mf::Bloc bloc = mf::DEVELOPING;
  double influence = 1, approval = 0.5, sovereignty = 0.5, economy = 1;
  int capital = 5;
  double score_offset = 0;  // Added to the seat's total (forumctl tune).
  // Weight of each role (indexed by mf::Role; SOURCE, TRANSIT, DESTINATION
  // sum to 1). Without SeatDef.role_weights: 1 on `role`. The economy part
  // of the score and the domestic reactions to flows combine the roles by
  // these weights; `role` is the primary role for everything else.
  std::array<double, 4> weight{};
  bool mixed = false;            // More than one role has a weight.
  std::vector<double> ideal;     // Per theme, 0..100.
  std::vector<double> priority;  // Per theme, > 0.
  std::vector<RedLineData> red_lines;
  // An organisation (SeatDef.kind SEAT_ORGANISATION) rather than a state:
  // no role (every weight 0), no bloc; its mandate and starting capacity.
  bool organisation = false;
  mf::Mandate mandate = mf::MANDATE_UNSPECIFIED;
  double capacity = 0;
};

struct CorridorData {
  std::string id;
  int origin = 0, transit = -1, destination = 0;
  double legal = 0, pressure = 0;
};

// Engine parameters with every default filled in.
struct Params {
  double ratification_threshold = 0.3;
  double consensus_min_support = 0.34;
  double weighted_threshold = 0.5;
  double w_interest = 0.35, w_economy = 0.2, w_approval = 0.15, w_reputation = 0.1, w_shared = 0.2;
  double sovereignty_cost = 6;
  double pull_summary = 0.25, pull_principles = 0.5, pull_convention = 1.0;
  double breach_trust_victim = 0.25, breach_trust_others = 0.05;
  double diversion = 0.75;
  double role_scale[4] = {2, 2, 2, 2};   // Indexed by mf::Role.
  double role_offset[4] = {0, 0, 0, 0};  // Indexed by mf::Role.
  double capital_income = 2;
  int max_actions_per_phase = 6;
  double meeting_procedures = 0;  // 0: no meeting effect (scenarios set 0.5).
  double red_line_cost = 0.1;
  // Organisations' scores and funding (Parameters fields 26..32).
  double w_org_welfare = 0.3, w_org_mandate = 0.5, w_org_standing = 0.2;
  double org_scale = 1, org_offset = 0;
  double core_capacity = 0.02, project_effect = 0.1;
  int max_reports_per_phase = 1;  // Per press desk.
  double press_effect = 0.02;     // Approval moved by one fully credible report.
};

// A loaded, validated scenario.
class Scenario {
 public:
  const mf::Scenario& proto() const { return proto_; }
  const std::string& id() const { return proto_.id(); }
  int num_seats() const { return static_cast<int>(seats_.size()); }
  // The states (the seats that vote, ratify and count in every threshold)
  // and the organisations, as seat masks; num_states() counts the states.
  uint64_t state_mask() const { return state_mask_; }
  uint64_t organisation_mask() const { return organisation_mask_; }
  int num_states() const { return __builtin_popcountll(state_mask_); }
  bool IsOrganisation(int seat) const { return (organisation_mask_ >> seat) & 1; }
  int num_themes() const { return static_cast<int>(themes_.size()); }
  int num_corridors() const { return static_cast<int>(corridors_.size()); }
  int cycles() const { return proto_.cycles(); }
  mf::DecisionRule decision_rule() const { return proto_.decision_rule(); }
  const std::vector<SeatData>& seats() const { return seats_; }
  const std::vector<ThemeData>& themes() const { return themes_; }
  const std::vector<CorridorData>& corridors() const { return corridors_; }
  // Theme indices per cycle (already repeated to `cycles` entries).
  const std::vector<std::vector<int>>& agenda() const { return agenda_; }
  const std::vector<int>& host_order() const { return host_order_; }
  const std::vector<int>& steering() const { return steering_; }
  // Seat masks of each caucus.
  const std::vector<uint64_t>& caucus_masks() const { return caucus_masks_; }
  const std::vector<mf::EventKind>& event_kinds() const { return event_kinds_; }
  const std::vector<double>& event_weights() const { return event_weights_; }
  const Params& params() const { return params_; }
  // The text forms this forum may adopt: bit (1 << form) per allowed form.
  uint32_t allowed_forms() const { return allowed_forms_; }
  bool FormAllowed(mf::Form f) const { return f > 0 && f < 32 && ((allowed_forms_ >> f) & 1); }
  // The weakest allowed form: the form of the co-chairs' working paper.
  mf::Form WeakestForm() const;
  // The scenario's text as it was loaded (for self-contained logs).
  const std::string& text() const { return text_; }

  int ThemeIndex(const std::string& id) const;
  int SeatIndex(const std::string& id) const;
  int CorridorIndex(const std::string& id) const;

 private:
  friend struct ScenarioLoader;
  friend class SeatView;
  mf::Scenario proto_;
  std::string text_;
  std::vector<SeatData> seats_;
  std::vector<ThemeData> themes_;
  std::vector<CorridorData> corridors_;
  std::vector<std::vector<int>> agenda_;
  std::vector<int> host_order_, steering_;
  std::vector<uint64_t> caucus_masks_;
  std::vector<mf::EventKind> event_kinds_;
  std::vector<double> event_weights_;
  Params params_;
  uint32_t allowed_forms_ = kAllForms;
  uint64_t state_mask_ = 0, organisation_mask_ = 0;
};

// The name of a mandate as people read it ("IOM", "UNHCR", "ILO", "OHCHR",
// "civil society").
const char* MandateName(mf::Mandate m);

// The sentence that refuses a text in `form` at a forum that adopts only
// the forms in `allowed` (a mask of bits 1 << form), with the scenario's
// `reason`: "this forum adopts chair's summaries and guiding principles
// only, not a binding convention: <reason>". The engine refuses with it and
// clients grey a form's button with it (View.allowed_forms, forms_reason).
std::string FormRefusal(uint32_t allowed, const std::string& reason, mf::Form form);

// The classroom timer preset (forumd's --timers classroom, `session create
// --timers classroom`): the seconds of `phase` from the scenario's own
// minutes_per_phase m: Civil Society Days m, statements m/2, drafting 1.5 m,
// decision 0.75 m, ratification and implementation m. 0 outside the timed phases.
int ClassroomPhaseSeconds(const Scenario& sc, mf::Phase phase);
// The minutes a whole session's phase clocks add up to under the classroom
// preset: per cycle the Civil Society Days, three roundtable phases per
// agenda item, ratification when the forum may adopt a binding text, and
// implementation. (Phases end earlier when every seat is ready.)
double ClassroomMinutes(const Scenario& sc);

// The result of loading: a scenario, or errors of the form "FILE:LINE: message".
struct LoadResult {
  std::shared_ptr<const Scenario> scenario;
  std::vector<std::string> errors;
  bool ok() const { return scenario != nullptr; }
};

// Parses and validates scenario text. `filename` only labels the errors.
LoadResult LoadScenario(const std::string& text, const std::string& filename);

// Validates an already-built message (e.g. from an RPC or a sweep that edited
// a parameter). Errors carry `label` in place of a file name and no line.
LoadResult LoadScenarioMessage(const mf::Scenario& scenario, const std::string& label);

// The scenarios compiled into the binary (rules/scenarios/*.textproto).
struct EmbeddedScenario {
  const char* name;  // File stem, e.g. "classroom-8".
  const char* text;
};
const std::vector<EmbeddedScenario>& EmbeddedScenarios();

// Loads an embedded scenario by name; errors when there is none by that name.
LoadResult LoadEmbeddedScenario(const std::string& name);

}  // namespace mf::rules
