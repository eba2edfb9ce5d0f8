#include <iostream>

#include "rules/scenario.h"

int ListScenarios(int, char**) {
  for (const auto& e : mf::rules::EmbeddedScenarios()) {
    auto r = mf::rules::LoadEmbeddedScenario(e.name);
    if (!r.ok()) {
      std::cout << e.name << "\t(invalid)\n";
      continue;
    }
    std::cout << e.name << "\t" << r.scenario->num_seats() << " seats\t" << r.scenario->cycles()
              << " cycles\t" << r.scenario->proto().title() << "\n";
  }
  return 0;
}
