// Reading an mf::View: look-ups and the plain-language words the scenes use.
#pragma once

#include <string>
#include <vector>

#include "game.pb.h"

namespace mf::client {

inline bool IsPlayer(const mf::View& v) {
  return v.viewer() >= 0;
}
inline bool IsFacilitator(const mf::View& v) {
  return v.viewer() == -1;
}
inline bool IsSpectator(const mf::View& v) {
  return v.viewer() == -2;
}
// A press desk's own view (its viewer is rules::PressActor(desk), -100 - desk):
// the public view, and the reports it may publish.
inline bool IsPress(const mf::View& v) {
  return v.viewer() <= -100;
}

const mf::Theme* FindTheme(const mf::View& v, const std::string& id);
const mf::SeatPublic* SeatAt(const mf::View& v, int seat);
std::string SeatName(const mf::View& v, int seat);
// A short name for tight places: "Island Republic of Kalmara" -> "Kalmara".
std::string ShortName(const std::string& name);
// The own seat (nullptr for the facilitator and spectators).
const mf::SeatPublic* Me(const mf::View& v);
// The stance of `brief` on a theme (nullptr when none).
const mf::Stance* StanceOn(const mf::Brief& brief, const std::string& theme);
// "top priority", "high priority", ... relative to the brief's other themes.
std::string PriorityWords(const mf::Brief& brief, const std::string& theme);
// Whether the draft is tabled (the view has no flag: the events tell it).
bool DraftTabled(const mf::View& v);
// Which seats have not said they are ready.
std::vector<int> NotReady(const mf::View& v);
std::vector<int> CoChairs(const mf::View& v);
int HostSeat(const mf::View& v);

// "Support" / "Stand aside" / "Object", or "Yes" / "Abstain" / "No" under
// majority rules.
std::string VoteWord(mf::DecisionRule rule, mf::VoteChoice choice);
std::string RuleSentence(const mf::View& v);
// "16 states" or "16 states · 4 organisations".
std::string StatesAndOrganisations(const mf::View& v);
std::string RoleWord(mf::Role r);  // "Source", "Transit", "Destination".
// The seat's roles as the engine weighs them: "Transit" for a single role,
// "Transit 50% · source 50%" for mixed ones (SeatPublic.role_weights).
std::string RoleMixWord(const mf::SeatPublic& s);
std::string BlocWord(mf::Bloc b);       // "Developed", "Developing".
std::string FormWord(mf::Form f);       // "Chair's summary", ...
std::string CommitmentWord(int kind);   // "Labour visas", ...
std::string ShortCommitment(int kind);  // "labour visas", "readmission", "climate measures"...
std::string PhaseWord(mf::Phase p);     // "Statements", ...
// "3 capital, 2 aid, 5k visas, readmission, support on the draft"; "nothing".
std::string TermsWords(const mf::View& v, const mf::DealTerms& t);
// A position with its place on the theme's axis, e.g. "62 (towards open channels)".
std::string PositionWords(const mf::Theme* theme, int position);
// The red lines of `brief` that `text` would cross, in words.
std::vector<std::string> CrossedRedLines(const mf::Brief& brief, const mf::Text& text);
// Seconds as "m:ss".
std::string Clock(int seconds);
std::string Percent(double fraction);

// Why the viewer may not take `a` now, from the engine's verdicts in the
// view ("" when they allow it; the engine checks the action's parameters
// when it arrives). The words are the engine's own.
std::string WhyNot(const mf::View& v, const mf::Action& a);

}  // namespace mf::client
