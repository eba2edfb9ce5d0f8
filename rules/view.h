// What a seat, the facilitator or a spectator may see.
//
// `SeatView` is the one place that decides visibility: it holds the state
// privately and answers only what its viewer is allowed to know. Bots read
// the game through it (cheaply, with no copying), and `MakeView` turns it
// into the wire `mf::View` that clients render. Nothing else exposes a
// seat's brief or private deals.
#pragma once

#include <algorithm>
#include <vector>

#include "game.pb.h"
#include "rules/catalogue.h"
#include "rules/state.h"

namespace mf::rules {

class SeatView {
 public:
  // viewer: a seat index, kFacilitatorView or kSpectatorView.
  SeatView(const State& state, int viewer) : s_(&state), viewer_(viewer) {}

  int viewer() const { return viewer_; }
  bool is_seat() const { return viewer_ >= 0; }
  bool is_facilitator() const { return viewer_ == kFacilitatorView; }

  // Public facts about the game.
  const std::string& scenario_id() const { return s_->scenario().id(); }
  int num_seats() const { return s_->num_seats(); }
  int num_themes() const { return s_->scenario().num_themes(); }
  int num_corridors() const { return s_->scenario().num_corridors(); }
  const ThemeData& theme(int t) const { return s_->scenario().themes()[t]; }
  const CorridorData& corridor_def(int c) const { return s_->scenario().corridors()[c]; }
  // The rule the current item is decided by (outside the roundtables, the
  // forum's): a theme may have its own, and a forum chosen in the game may
  // change the forum's (State::ItemRule).
  mf::DecisionRule decision_rule() const { return s_->ItemRule(s_->current_theme()); }
  // The forms the forum adopts now, and why (State::allowed_forms).
  bool form_allowed(mf::Form f) const { return s_->FormAllowed(f); }
  const std::string& forms_reason() const { return s_->forms_reason(); }
  // The forum chosen on a theme that chooses it: its band's label and what
  // it changed (empty before the choice). The position in force: -1 before.
  std::string forum_label() const {
    const int t = s_->forum_theme(), b = s_->forum_band();
    if (t >= 0 && b >= 0) return s_->scenario().themes()[t].bands[b].label;
    // A campaign session whose forum was chosen in an earlier one.
    return s_->scenario().proto().carry().forum_label();
  }
  std::string forum_change() const { return s_->ForumChange(); }
  // A campaign session: what carried over from the one before.
  bool has_carry() const { return s_->scenario().proto().has_carry(); }
  const mf::Carry& carry() const { return s_->scenario().proto().carry(); }
  int forum_theme() const { return s_->forum_theme(); }
  int forum_position() const { return s_->forum_position(); }
  const Params& params() const { return s_->scenario().params(); }
  int cycles() const { return s_->scenario().cycles(); }
  uint64_t caucus_mask(int k) const { return s_->scenario().caucus_masks()[k]; }
  // Caucus k's regional draft on the current item (public); nullptr when none.
  const Text* RegionalDraft(int k) const { return s_->RegionalDraft(k); }
  // Press desks: their reports (public), their number, the viewer's desk
  // (-1 unless a desk views) and the reports it may still publish now.
  const std::vector<PressReport>& reports() const { return s_->reports(); }
  int press_desks() const { return s_->press_desks(); }
  int press_desk() const {
    return IsPressActor(viewer_) && PressDesk(viewer_) < s_->press_desks() ? PressDesk(viewer_)
                                                                           : -1;
  }
  int press_reports_left() const {
    const int d = press_desk();
    return d < 0
               ? 0
               : std::max(0, s_->scenario().params().max_reports_per_phase - s_->press_actions(d));
  }
  int num_caucuses() const { return static_cast<int>(s_->scenario().caucus_masks().size()); }
  uint64_t version() const { return s_->version(); }
  int cycle() const { return s_->cycle(); }
  mf::Phase phase() const { return s_->phase(); }
  int phase_serial() const { return s_->phase_serial(); }
  bool paused() const { return s_->paused(); }
  bool terminal() const { return s_->IsTerminal(); }
  int host() const { return s_->host(); }
  bool in_troika(int seat) const { return (s_->troika() >> seat) & 1; }
  bool is_co_chair(int seat) const { return s_->IsCoChair(seat); }
  const std::vector<int>& agenda() const { return s_->agenda(); }
  int agenda_index() const { return s_->agenda_index(); }
  int current_theme() const { return s_->current_theme(); }
  const Text* draft() const { return s_->draft(); }
  const std::vector<Text>& texts() const { return s_->texts(); }
  // Whether the viewer may pledge to carry out `t` (State::PledgeOpen).
  bool PledgeOpen(const Text& t) const { return is_seat() && s_->PledgeOpen(viewer_, t); }
  const Text* FindText(int id) const { return s_->FindText(id); }
  const std::vector<Amendment>& amendments() const { return s_->amendments(); }
  const std::vector<Recommendation>& recommendations() const { return s_->recommendations(); }
  const std::vector<CorridorState>& corridors() const { return s_->corridors(); }
  double trust(int i, int j) const { return s_->trust(i, j); }
  double reputation(int i) const { return s_->reputation(i); }
  double mean_trust() const { return s_->mean_trust(); }
  double regime() const { return s_->regime(); }
  double norms() const { return s_->norms(); }
  double rules_strength() const { return s_->rules_strength(); }
  double procedures() const { return s_->procedures(); }
  double welfare() const { return s_->welfare(); }
  const std::vector<CycleStat>& history() const { return s_->history(); }
  mf::EventKind current_event() const { return s_->current_event(); }
  int extension_seconds() const { return s_->extension_seconds(); }

  // Public facts about a seat.
  const std::string& seat_name(int i) const { return s_->scenario().seats()[i].name; }
  const std::string& seat_id(int i) const { return s_->scenario().seats()[i].id; }
  mf::Role role(int i) const { return s_->scenario().seats()[i].role; }
  // Weight of role `r` for seat i (public; 1 on role(i) for a single role).
  double role_weight(int i, mf::Role r) const { return s_->scenario().seats()[i].weight[r]; }
  bool mixed_role(int i) const { return s_->scenario().seats()[i].mixed; }
  mf::Bloc bloc(int i) const { return s_->scenario().seats()[i].bloc; }
  double influence(int i) const { return s_->scenario().seats()[i].influence; }
  double economy(int i) const { return s_->scenario().seats()[i].economy; }
  double sovereignty_sensitivity(int i) const { return s_->scenario().seats()[i].sovereignty; }
  double approval(int i) const { return s_->seat(i).approval; }
  int capital(int i) const { return s_->seat(i).capital; }
  bool ready(int i) const { return s_->seat(i).ready; }
  bool bot(int i) const { return s_->seat(i).bot; }
  int statement(int i) const { return s_->seat(i).statement; }
  const std::string& statement_text(int i) const { return s_->seat(i).statement_text; }
  mf::VoteChoice vote(int i) const { return s_->seat(i).vote; }
  int enforcement(int i) const { return s_->seat(i).enforcement; }
  // Organisations (public): kind, mandate, capacity, projects, funding.
  bool organisation(int i) const { return s_->IsOrganisation(i); }
  mf::Mandate mandate(int i) const { return s_->scenario().seats()[i].mandate; }
  const SeatState& seat_state(int i) const { return s_->seat(i); }
  int organisation_winner() const { return s_->organisation_winner(); }

  // Private to the viewer (a seat sees its own; the facilitator sees all).
  bool CanSeeBrief(int seat) const { return is_facilitator() || seat == viewer_; }
  // nullptr when the viewer may not see that seat's brief.
  const SeatData* brief(int seat) const {
    return CanSeeBrief(seat) ? &s_->scenario().seats()[seat] : nullptr;
  }
  // The viewer's own state: implementation level, effective policy.
  const SeatState* own() const { return is_seat() ? &s_->seat(viewer_) : nullptr; }
  bool CanSeeDeal(const Deal& d) const {
    return is_facilitator() || d.from == viewer_ || d.to == viewer_;
  }
  // Appends the deals the viewer may see.
  void VisibleDeals(std::vector<const Deal*>* out) const;
  bool CanSeeEvent(const EventRec& e) const {
    return is_facilitator() || e.private_to == 0 ||
           (viewer_ >= 0 && ((e.private_to >> viewer_) & 1));
  }
  const std::vector<EventRec>& all_events() const { return s_->events(); }
  // The viewer's legal actions (empty for spectators and the facilitator).
  void LegalActions(std::vector<Action>* out) const;
  // Converts a wire action of this game (theme and corridor ids to indices).
  bool FromWire(const mf::Action& in, Action* out, std::string* error) const {
    return ActionFromProto(in, s_->scenario(), out, error);
  }
  // The engine's verdicts for the viewer (rules/catalogue.h; empty for spectators).
  void Verdicts(std::vector<Verdict>* out) const { rules::Verdicts(*s_, viewer_, out); }
  // Scores the viewer may see: everyone's at the end, else only its own.
  std::vector<ScoreBreakdown> VisibleScores(std::vector<int>* seats) const;
  int winner() const { return s_->winner(); }
  uint64_t state_hash_for_facilitator() const { return is_facilitator() ? s_->Hash() : 0; }
  std::string Describe(const EventRec& e) const { return DescribeEvent(*s_, e); }
  std::string Label(const Text& t) const { return TextLabel(s_->scenario(), t); }
  const std::string& title() const { return s_->scenario().proto().title(); }
  const std::string& description() const { return s_->scenario().proto().description(); }
  const google::protobuf::RepeatedPtrField<mf::Caucus>& caucuses() const {
    return s_->scenario().proto().caucuses();
  }
  const google::protobuf::RepeatedPtrField<mf::Observer>& observers() const {
    return s_->scenario().proto().observers();
  }
  const State* state_for_facilitator() const { return is_facilitator() ? s_ : nullptr; }

  // A guess at one seat's secret brief (ideal and priority per theme).
  struct BriefGuess {
    std::vector<double> ideal, priority;
  };
  // For search bots: a complete game state consistent with this seat's
  // view, where everything the seat cannot see is replaced: the other seats'
  // briefs by `guesses` (indexed by seat; the viewer's own entry is ignored;
  // red lines of others are dropped), deals and private events of others
  // removed, and the world's random generator reseeded with `seed` (future
  // events are unknown). The result holds nothing the seat may not know.
  State Determinize(const std::vector<BriefGuess>& guesses, uint64_t seed) const;

 private:
  const State* s_;
  int viewer_;
};

// What a wire view holds besides the state of play.
struct ViewParts {
  // The fields that never change in a session (scenario, title, description,
  // cycles, themes, briefs, caucuses, observers; not the decision rule, which
  // a theme or a forum chosen in the game may change): a stream's
  // first view needs them, the following ones do not.
  bool static_fields = true;
  // The fields that change as the game goes on (false with static_fields:
  // the static fields alone).
  bool dynamic = true;
  // The most recent events included.
  int max_events = 50;
  // The fields every viewer of the state sees alike (`shared`) and those of
  // the viewer (`own`: viewer, brief, all_briefs, implement and enforcement
  // levels, state_hash, deals, scores, verdicts, and the events when some of
  // the most recent are private). No field is in both, so a server that
  // sends one change to many viewers builds and serializes the shared part
  // once: the shared part's bytes followed by a viewer's own part's bytes
  // parse as the whole view (protobuf merges concatenated messages).
  bool shared = true;
  bool own = true;
};

// Builds the wire view.
void MakeView(const SeatView& v, mf::View* out, const ViewParts& parts = ViewParts());

// The static fields of ViewParts, for those who receive views: forumd sends
// them in a stream's first view only (ServerEvent.static_omitted on the
// others), and clients keep them from that first view. One list, here.
void ClearStaticFields(mf::View* v);
void CopyStaticFields(const mf::View& from, mf::View* to);

// Whether `viewer` (a seat, kFacilitatorView or kSpectatorView) may read a
// chat message sent by `from` (a seat, or -1 the facilitator) on `channel`:
// everyone's channel is public; a bilateral one is its two seats'; a caucus
// channel is its members' (and its sender's); the facilitator reads all.
bool CanSeeMessage(const Scenario& sc, int viewer, int from, const mf::Channel& channel);

}  // namespace mf::rules
