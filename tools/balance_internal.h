// Internal to the balance lab (balance.cc, balance_report.cc): the number
// formats both write with.
#pragma once

#include <string>

namespace mf::tools {

// `v` printed with a printf format for one double ("%.1f").
std::string Fmt(const char* format, double v);
// A share (0..1) as a percentage with one decimal, without the sign: "12.5".
std::string Percent(double v);

}  // namespace mf::tools
