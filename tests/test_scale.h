// MF_TEST_SCALE (default 1): heavy suites multiply their iteration counts by
// it. tools/test.sh runs the sanitizer passes with MF_TEST_SCALE=0.25; the
// statistical tests keep enough games to stay significant.
#pragma once

#include <algorithm>
#include <cstdlib>

namespace mf::testing {

inline double TestScale() {
  const char* s = std::getenv("MF_TEST_SCALE");
  const double v = s ? std::atof(s) : 1.0;
  return v > 0 ? v : 1.0;
}

// `n` scaled, at least `at_least`.
inline int Scaled(int n, int at_least = 1) {
  return std::max(at_least, static_cast<int>(n * TestScale() + 0.5));
}

}  // namespace mf::testing
