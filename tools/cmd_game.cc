// forumctl validate | simulate | replay
#include <google/protobuf/text_format.h>

#include <iostream>

#include "reports.pb.h"
#include "rules/playout.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

// simulate's and replay's report (mf.GameReport).
std::string GameJson(const rules::State& st, size_t actions) {
  const rules::Scenario& sc = st.scenario();
  mf::GameReport p;
  p.set_scenario(sc.id());
  p.set_seed(st.seed());
  p.set_actions(static_cast<int32_t>(actions));
  p.set_hash(Hex(st.Hash()));
  p.set_finished(st.IsTerminal());
  p.set_cycles(st.cycle());
  const auto scores = st.IsTerminal() ? st.final_scores() : st.Scores();
  for (int s = 0; s < st.num_seats(); ++s)
    (*p.mutable_scores())[sc.seats()[s].name] = Sig(scores[s].total);
  int best = 0;
  for (int s = 0; s < st.num_seats(); ++s)
    if (scores[s].rank == 1 && !st.IsOrganisation(s)) best = s;
  p.set_winner(sc.seats()[best].name);
  p.set_winner_role(rules::RoleName(sc.seats()[best].role));
  for (const rules::Text& t : st.texts())
    if (t.adopted) p.add_adopted(rules::TextLabel(sc, t));
  p.set_regime(Sig(st.regime(), 4));
  p.set_mean_trust(Sig(st.mean_trust(), 4));
  p.set_migrant_welfare(Sig(st.welfare(), 4));
  return ToJson(p);
}

struct ValidateArgs {
  std::vector<std::string> files;
};

int Validate(const ValidateArgs& a) {
  int bad = 0;
  for (const std::string& file : a.files) {
    std::string text, error;
    if (!ReadFile(file, &text, &error)) {
      std::cout << error << "\n";
      ++bad;
      continue;
    }
    rules::LoadResult r = rules::LoadScenario(text, file);
    if (r.ok()) {
      std::cerr << file << ": ok (" << r.scenario->num_seats() << " seats, "
                << r.scenario->num_themes() << " themes, " << r.scenario->cycles() << " cycles)\n";
    } else {
      for (const std::string& e : r.errors) std::cout << e << "\n";
      ++bad;
    }
  }
  return bad == 0 ? 0 : 1;
}

struct SimulateArgs {
  std::string scenario, log;
  uint64_t seed = 1;
};

int Simulate(const SimulateArgs& a) {
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  rules::State st(sc, a.seed);
  std::vector<rules::LoggedAction> log;
  rules::RandomPlayout(&st, a.seed, &log);
  if (!a.log.empty()) {
    mf::GameLog gl;
    rules::ToGameLog(st, log, &gl);
    std::string text, error;
    google::protobuf::TextFormat::PrintToString(gl, &text);
    if (!WriteFile(a.log, text, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
  }
  std::cout << GameJson(st, log.size()) << "\n";
  return st.IsTerminal() ? 0 : 1;
}

int Replay(const std::string& path) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  mf::GameLog gl;
  if (!google::protobuf::TextFormat::ParseFromString(text, &gl)) {
    std::cerr << path << ": not a game log (protobuf text format of mf.GameLog)\n";
    return 1;
  }
  rules::LoadResult r = gl.scenario_text().empty()
                            ? rules::LoadEmbeddedScenario(gl.scenario())
                            : rules::LoadScenario(gl.scenario_text(), path + " (scenario)");
  for (const std::string& e : r.errors) std::cerr << e << "\n";
  if (!r.ok()) return 1;
  std::vector<rules::LoggedAction> log;
  if (!rules::FromGameLog(gl, *r.scenario, &log, &error)) {
    std::cerr << path << ": " << error << "\n";
    return 1;
  }
  rules::State st(r.scenario, gl.seed(), gl.press_desks());
  if (!rules::Replay(&st, log, &error)) {
    std::cerr << path << ": " << error << "\n";
    return 1;
  }
  std::cout << GameJson(st, log.size()) << "\n";
  return 0;
}

}  // namespace

void AddValidate(CLI::App* app) {
  auto a = std::make_shared<ValidateArgs>();
  CLI::App* sub = app->add_subcommand(
      "validate", "check scenario files: each error with its file, line and field");
  sub->group(kGamesGroup);
  sub->add_option("FILE", a->files, "scenario files (protobuf text format of mf.Scenario)")
      ->required()
      ->type_name("FILE");
  OnRun(sub, [a] { return Validate(*a); });
}

void AddSimulate(CLI::App* app) {
  auto a = std::make_shared<SimulateArgs>();
  CLI::App* sub = app->add_subcommand(
      "simulate", "play one game with random legal players; prints its report (mf.GameReport)");
  sub->group(kGamesGroup);
  AddText(sub, "--scenario", &a->scenario, "SCENARIO",
          "a built-in scenario's name or a scenario file")
      ->required();
  AddSeed(sub, &a->seed, "the game's seed");
  AddText(sub, "--log", &a->log, "FILE", "also write the game's log (mf.GameLog, text format)");
  OnRun(sub, [a] { return Simulate(*a); });
}

void AddReplay(CLI::App* app) {
  auto log = std::make_shared<std::string>();
  CLI::App* sub =
      app->add_subcommand("replay", "replay a game log; prints the game's report (mf.GameReport)");
  sub->group(kGamesGroup);
  AddText(sub, "--log", log.get(), "FILE", "the log (mf.GameLog, text format)")->required();
  OnRun(sub, [log] { return Replay(*log); });
}

}  // namespace mf::tools
