// Helpers shared by the balance lab's tests (balance_test, sweep_test).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tools/balance.h"

namespace mf::testing {

// The default strategy mix (tools::kDefaultMix), parsed; a test fails if it
// does not parse.
inline tools::Mix DefaultMixOrFail() {
  tools::Mix mix;
  std::string error;
  EXPECT_TRUE(tools::ParseMix(tools::kDefaultMix, &mix, &error)) << error;
  return mix;
}

}  // namespace mf::testing
