// Internal to the debrief page (debrief_html.cc): the SVG charts and the
// formatting helpers the page shares with them, all in debrief_charts.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/debrief.h"

namespace mf::tools::debrief::html {

// ---- Formatting --------------------------------------------------------------------

std::string F(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Esc(const std::string& s);
std::string Num(int v);
std::string Pct(double v);
const char* VoteClass(mf::VoteChoice v);
std::string Player(const Model& m, int seat);
std::string SeatChip(const rules::Scenario& sc, int s, const char* cls = "");
std::string WhenText(int64_t ms);
std::string Clock(int64_t ms);

// Chart colours (each chart has its own, so a rendered page shows which drew).
constexpr const char* kRegimeTotal = "#253446";
constexpr const char* kNorms = "#009e73";
constexpr const char* kRules = "#56b4e9";
constexpr const char* kProcedures = "#d55e00";
constexpr const char* kTrustLine = "#7b4fa0";
constexpr const char* kWelfareLine = "#b8860b";
constexpr const char* kLegal = "#3a9c8c";
constexpr const char* kIrregular = "#e0603a";
constexpr const char* kEdge = "#3b5f74";

// ---- Charts ------------------------------------------------------------------------

struct Series {
  std::string name;
  const char* colour;
  std::vector<double> values;
  bool thick = false;
};

// Each returns one <svg> element; what it draws is said at its definition.
std::string RankingChart(const Model& m);
std::string TrustNetwork(const Model& m, const CycleSnapshot& c, int w, int h, bool codes);
std::string LineChart(const std::string& cls, const std::string& label,
                      const std::vector<Series>& series, int w, int h);
std::string FlowsChart(const Model& m, int corridor, double scale);
std::string ApprovalChart(const Model& m);
std::string TimelineStrip(const Model& m);
std::string PositionStrip(const Model& m, const Item& it);

}  // namespace mf::tools::debrief::html
