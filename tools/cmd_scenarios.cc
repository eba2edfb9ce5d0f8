// forumctl scenarios: the built-in scenarios, as a table or as JSON (the
// mf.ListScenariosResponse that forumd's ListScenarios answers).
#include <iostream>

#include "forum.pb.h"
#include "rules/scenario.h"
#include "tools/commands.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

int ListScenarios(bool json) {
  mf::ListScenariosResponse list;
  for (const auto& e : rules::EmbeddedScenarios()) {
    auto r = rules::LoadEmbeddedScenario(e.name);
    if (!r.ok()) {
      if (!json) std::cout << e.name << "\t(invalid)\n";
      continue;
    }
    const rules::Scenario& sc = *r.scenario;
    if (!json) {
      std::cout << e.name << "\t" << sc.num_seats() << " seats\t" << sc.cycles() << " cycles\t"
                << sc.proto().title() << "\n";
      continue;
    }
    mf::ScenarioInfo* info = list.add_scenarios();
    info->set_name(e.name);
    info->set_title(sc.proto().title());
    info->set_description(sc.proto().description());
    info->set_seats(sc.num_seats());
    info->set_cycles(sc.cycles());
    info->set_decision_rule(sc.decision_rule());
  }
  if (json) std::cout << ToJson(list) << "\n";
  return 0;
}

}  // namespace

void AddScenarios(CLI::App* app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = app->add_subcommand("scenarios", "list the built-in scenarios");
  sub->group(kGamesGroup);
  sub->add_flag("--json", *json,
                "print JSON (mf.ListScenariosResponse, as forumd's ListScenarios) instead of "
                "the table");
  OnRun(sub, [json] { return ListScenarios(*json); });
}

}  // namespace mf::tools
