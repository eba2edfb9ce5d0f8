// libFuzzer target: the scenario parser and validator on arbitrary text.
// A text that loads must also play: a short random game runs on it.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rules/playout.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mf::rules::LoadResult r = mf::rules::LoadScenario(text, "fuzz.textproto");
  if (!r.ok()) {
    if (r.errors.empty()) {
      std::fprintf(stderr, "a failed load without an error\n");
      std::abort();
    }
    for (const std::string& e : r.errors)
      if (e.rfind("fuzz.textproto", 0) != 0) {
        std::fprintf(stderr, "an error that does not name the file: %s\n", e.c_str());
        std::abort();
      }
    return 0;
  }
  mf::rules::State st(r.scenario, size);
  mf::rules::RandomPlayout(&st, size, nullptr, 3000);
  return 0;
}
