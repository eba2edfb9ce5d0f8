// Small charts for the outcome and end-of-game scenes.
#pragma once

#include <string>
#include <vector>

#include "client/ui.h"
#include "game.pb.h"

namespace mf::client {

struct Series {
  std::string name;
  sf::Color colour;
  std::vector<double> values;
};

// Lines over cycles, y from lo to hi; values shown as percentages when
// `percent`. Marks its plot area as `mark` (for the tests).
void LineChart(Ui& ui, Rect r, const std::string& title, const std::vector<Series>& series,
               double lo, double hi, const std::vector<std::string>& x_labels, bool percent,
               const std::string& mark);
// Bars grouped by category (one bar per series), from zero.
void GroupedBars(Ui& ui, Rect r, const std::string& title,
                 const std::vector<std::string>& categories, const std::vector<Series>& series,
                 const std::string& unit, const std::string& mark);
// Horizontal bars around zero, one per label (e.g. approval change per state).
void DeltaBars(Ui& ui, Rect r, const std::string& title, const std::vector<std::string>& labels,
               const std::vector<double>& values, const std::vector<sf::Color>& colours,
               bool percent, const std::string& mark);
// Who trusts whom: the states on a circle, a line where trust is mutual and
// high (thicker and darker when stronger); node size by reputation.
void TrustNetwork(Ui& ui, Rect r, const mf::View& v, const std::string& mark);
// The trust matrix as a grid of shades (row: who trusts; column: whom).
void TrustHeatmap(Ui& ui, Rect r, const mf::View& v, const std::string& mark);

}  // namespace mf::client
