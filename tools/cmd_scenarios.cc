// forumctl scenarios: the built-in scenarios with their seats, cycles and the
// minutes their phase clocks add up to under the classroom preset (--json: an
// array of objects); forumctl enforcement: what unilateral enforcement and
// corridor cooperation do to a scenario's starting world.
#include <cstdio>
#include <iostream>
#include <string>

#include "rules/scenario.h"
#include "rules/state.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/json.h"

namespace mf::tools {
namespace {

std::string Minutes(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", m);
  return buf;
}

}  // namespace

int ListScenarios(int argc, char** argv) {
  const char* usage = "forumctl scenarios [--json]";
  Args args(argc, argv, 2);
  if (!args.Check({"json"}, usage)) return 2;
  const bool json = args.Has("json");
  Json out;
  out.BeginArray();
  if (!json) std::cout << "name\tseats\tcycles\tclassroom minutes\ttitle\n";
  for (const auto& e : rules::EmbeddedScenarios()) {
    auto r = rules::LoadEmbeddedScenario(e.name);
    if (!r.ok()) {
      std::cerr << e.name << ": invalid\n";
      return 1;
    }
    const rules::Scenario& sc = *r.scenario;
    const double minutes = rules::ClassroomMinutes(sc);
    if (json) {
      out.BeginObject()
          .Key("name")
          .Str(e.name)
          .Key("title")
          .Str(sc.proto().title())
          .Key("seats")
          .Int(sc.num_seats())
          .Key("cycles")
          .Int(sc.cycles())
          .Key("minutes_per_phase")
          .Int(sc.proto().minutes_per_phase())
          .Key("classroom_minutes")
          .Num(minutes)
          .EndObject();
    } else {
      std::cout << e.name << "\t" << sc.num_seats() << " seats\t" << sc.cycles() << " cycles\t"
                << Minutes(minutes) << " min\t" << sc.proto().title() << "\n";
    }
  }
  out.EndArray();
  if (json) std::cout << out.str() << "\n";
  return 0;
}

int CmdEnforcement(int argc, char** argv) {
  const char* usage = "forumctl enforcement [--scenario NAME|FILE]";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario"}, usage)) return 2;
  auto sc = LoadScenarioArg(args.Get("scenario", "classroom-8"));
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
  std::cout << sc->proto().title() << ": one year of the starting world\n"
            << "| Case | Irregular arrivals into destinations | Change | Detours | Transit "
               "crossings | Migrant welfare |\n|---|---|---|---|---|---|\n";
  for (const Case& c : cases) {
    const rules::FlowOutcome o = rules::StartingWorldFlows(sc, c.enforcement, c.cooperation);
    char line[256];
    std::snprintf(line, sizeof line, "| %s | %.0f | %+.0f%% | %.0f | %.0f | %.2f |\n", c.name,
                  o.irregular,
                  base.irregular > 0 ? 100.0 * (o.irregular / base.irregular - 1.0) : 0.0,
                  o.detoured, o.transit, o.welfare);
    std::cout << line;
  }
  return 0;
}

}  // namespace mf::tools
