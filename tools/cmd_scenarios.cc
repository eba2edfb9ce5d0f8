// forumctl scenarios: the built-in scenarios with their seats, cycles and the
// minutes their phase clocks add up to under the classroom preset, as a table
// or as a JSON array of scenario objects (each an mf.ScenarioInfo, the
// elements of what forumd's ListScenarios answers); forumctl enforcement: what unilateral
// enforcement and corridor cooperation do to a scenario's starting world (a table, or JSON as
// mf.EnforcementReport).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "forum.pb.h"
#include "reports.pb.h"
#include "rules/scenario.h"
#include "rules/state.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

std::string Minutes(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", m);
  return buf;
}

int ListScenarios(bool json) {
  mf::ListScenariosResponse list;
  if (!json) std::cout << "name\tseats\tcycles\tclassroom minutes\ttitle\n";
  for (const auto& e : rules::EmbeddedScenarios()) {
    auto r = rules::LoadEmbeddedScenario(e.name);
    if (!r.ok()) {
      std::cerr << e.name << ": invalid\n";
      return 1;
    }
    const rules::Scenario& sc = *r.scenario;
    const double minutes = rules::ClassroomMinutes(sc);
    if (!json) {
      std::cout << e.name << "\t" << sc.num_seats() << " seats\t" << sc.cycles() << " cycles\t"
                << Minutes(minutes) << " min\t" << sc.proto().title() << "\n";
      continue;
    }
    mf::ScenarioInfo* info = list.add_scenarios();
    info->set_name(e.name);
    info->set_title(sc.proto().title());
    info->set_description(sc.proto().description());
    info->set_seats(sc.num_seats());
    info->set_cycles(sc.cycles());
    info->set_decision_rule(sc.decision_rule());
    info->set_minutes_per_phase(sc.proto().minutes_per_phase());
    info->set_classroom_minutes(minutes);
  }
  if (json) {
    // A bare array, so that `jq '.[]'` and a spreadsheet import read it as a
    // list; each element is one mf.ScenarioInfo in protobuf's JSON mapping.
    std::cout << "[";
    for (int i = 0; i < list.scenarios_size(); ++i)
      std::cout << (i ? ",\n" : "\n") << ToJson(list.scenarios(i));
    std::cout << "\n]\n";
  }
  return 0;
}

struct EnforcementArgs {
  std::string scenario = "classroom-8";
  bool json = false;
};

int RunEnforcement(const EnforcementArgs& a) {
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  struct Case {
    const char* name;
    int enforcement;
    double cooperation;
  };
  const Case cases[] = {{"no enforcement", 0, 0.0},
                        {"every destination enforces at 50, alone", 50, 0.0},
                        {"every destination enforces at 100, alone", 100, 0.0},
                        {"enforcement 100, half cooperation on every corridor", 100, 0.5},
                        {"enforcement 100, full cooperation on every corridor", 100, 1.0}};
  const rules::FlowOutcome base = rules::StartingWorldFlows(sc, 0, 0.0);
  mf::EnforcementReport report;
  report.set_scenario(sc->id());
  if (!a.json)
    std::cout << sc->proto().title() << ": one year of the starting world\n"
              << "| Case | Irregular arrivals into destinations | Change | Detours | Transit "
                 "crossings | Migrant welfare |\n|---|---|---|---|---|---|\n";
  for (const Case& c : cases) {
    const rules::FlowOutcome o = rules::StartingWorldFlows(sc, c.enforcement, c.cooperation);
    const double change = base.irregular > 0 ? 100.0 * (o.irregular / base.irregular - 1.0) : 0.0;
    if (a.json) {
      mf::EnforcementCase* x = report.add_cases();
      x->set_name(c.name);
      x->set_enforcement(c.enforcement);
      x->set_cooperation(c.cooperation);
      x->set_irregular_arrivals(Sig(o.irregular));
      x->set_change_percent(Sig(change));
      x->set_detoured(Sig(o.detoured));
      x->set_transit_crossings(Sig(o.transit));
      x->set_migrant_welfare(Sig(o.welfare));
      continue;
    }
    char line[256];
    std::snprintf(line, sizeof line, "| %s | %.0f | %+.0f%% | %.0f | %.0f | %.2f |\n", c.name,
                  o.irregular, change, o.detoured, o.transit, o.welfare);
    std::cout << line;
  }
  if (a.json) std::cout << ToJson(report) << "\n";
  return 0;
}

}  // namespace

void AddScenarios(CLI::App* app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = app->add_subcommand(
      "scenarios",
      "list the built-in scenarios: seats, cycles, minutes under the classroom timers");
  sub->group(kGamesGroup);
  sub->add_flag("--json", *json,
                "print JSON (mf.ListScenariosResponse, as forumd's ListScenarios) instead of "
                "the table");
  OnRun(sub, [json] { return ListScenarios(*json); });
}

void AddEnforcement(CLI::App* app) {
  auto a = std::make_shared<EnforcementArgs>();
  CLI::App* sub = app->add_subcommand(
      "enforcement",
      "what unilateral enforcement and corridor cooperation do to the flows of a scenario's "
      "starting world");
  sub->group(kGamesGroup);
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file (default classroom-8)");
  sub->add_flag("--json", a->json, "print JSON (mf.EnforcementReport) instead of the table");
  OnRun(sub, [a] { return RunEnforcement(*a); });
}

}  // namespace mf::tools
