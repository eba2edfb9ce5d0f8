// The balance chart (forumctl balance --chart): win rate by role with 95%
// intervals against the fair share, regime strength by cycle, and every
// seat's win rate with its interval against its fair share 1/N; the
// findings below, wrapped. Drawn with Cairo (tools/draw.h) as PNG, SVG or
// PDF; the layout is measured first, so the page grows to hold every seat
// and every line, and nothing is cut off.
#pragma once

#include <string>
#include <vector>

#include "tools/balance.h"
#include "tools/draw.h"

namespace mf::tools {

struct ChartBox {
  double x = 0, y = 0, w = 0, h = 0;
};

// Where the chart puts things (units of tools/draw.h).
struct BalanceChartLayout {
  double width = 0, height = 0;
  double margin = 0;  // Nothing is drawn closer to the edge.
  ChartBox roles;     // The plot area of each panel.
  ChartBox regime;
  ChartBox seats;
  // The seat panel: seat s's row is centred at seat_rows[s]; a win rate v
  // is at x = seats.x + v / seat_axis_max * seats.w.
  std::vector<double> seat_rows;
  double seat_axis_max = 1;
  // The findings, one entry per line drawn, the first at footer_top.
  std::vector<std::string> footer_lines;
  double footer_top = 0, footer_line_height = 0;
};

// Measures the chart of `report` (text in the chart's font).
BalanceChartLayout LayoutBalanceChart(const Report& report);

// Draws it on the current page of `doc`, which has the layout's size.
void DrawBalanceChart(const Report& report, const BalanceChartLayout& layout, draw::Document* doc);

// The chart as a file in `format`; "" with `error` on failure.
std::string BalanceChart(const Report& report, draw::Format format, std::string* error);

// The colour of a role's marks ("source", "transit", "destination").
draw::Colour RoleColour(const std::string& role);

}  // namespace mf::tools
