// Internal to the debrief (debrief*.cc): the game's things in words, shared
// by the model's builder (debrief.cc) and the CSV files (debrief_csv.cc);
// defined in debrief_words.cc with the public names of debrief.h.
#pragma once

#include <string>
#include <vector>

#include "tools/debrief.h"

namespace mf::tools::debrief {

std::string Num(int v);
std::string Fixed(double v, int digits);
// Where a position lies on a theme's axis, in words: "62 (informal forum)".
std::string PositionText(const rules::Scenario& sc, int theme, int position);
DraftText FromText(const rules::Text& t);
// Readable lines for what changed between two drafts.
std::vector<std::string> Diff(const rules::Scenario& sc, int theme, const DraftText& a,
                              const DraftText& b);
std::string AmendmentSummary(const rules::Scenario& sc, int theme, const rules::Amendment& m);
std::string DealStatusText(const rules::Deal& d);
bool IsRoundtable(mf::Phase p);
// The action in words, from the state it was applied to.
std::string ActionWords(const rules::State& st, int actor, const rules::Action& a);

}  // namespace mf::tools::debrief
