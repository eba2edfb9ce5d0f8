// forumctl validate | simulate | replay
#include <google/protobuf/text_format.h>

#include <iostream>

#include "rules/playout.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/json.h"

namespace mf::tools {
namespace {

void GameJson(const rules::State& st, size_t actions, Json* j) {
  const rules::Scenario& sc = st.scenario();
  j->BeginObject();
  j->Key("scenario").Str(sc.id());
  j->Key("seed").UInt(st.seed());
  j->Key("actions").UInt(actions);
  j->Key("hash").Str(Hex(st.Hash()));
  j->Key("finished").Bool(st.IsTerminal());
  j->Key("cycles").Int(st.cycle());
  const auto scores = st.IsTerminal() ? st.final_scores() : st.Scores();
  j->Key("scores").BeginObject();
  for (int s = 0; s < st.num_seats(); ++s) j->Key(sc.seats()[s].name).Num(scores[s].total, 6);
  j->EndObject();
  int best = 0;
  for (int s = 0; s < st.num_seats(); ++s)
    if (scores[s].rank == 1) best = s;
  j->Key("winner").Str(sc.seats()[best].name);
  j->Key("winner_role").Str(rules::RoleName(sc.seats()[best].role));
  j->Key("adopted").BeginArray();
  for (const rules::Text& t : st.texts())
    if (t.adopted) j->Str(rules::TextLabel(sc, t));
  j->EndArray();
  j->Key("regime").Num(st.regime(), 4);
  j->Key("mean_trust").Num(st.mean_trust(), 4);
  j->Key("migrant_welfare").Num(st.welfare(), 4);
  j->EndObject();
}

}  // namespace

int CmdValidate(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (!args.Check({}, "forumctl validate FILE...")) return 2;
  if (args.positional().empty()) {
    std::cerr << "usage: forumctl validate FILE...\n";
    return 2;
  }
  int bad = 0;
  for (const std::string& file : args.positional()) {
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

int CmdSimulate(int argc, char** argv) {
  const char* usage = "forumctl simulate --scenario NAME|FILE --seed N [--log FILE]";
  Args args(argc, argv, 2);
  if (!args.Check({"scenario", "seed", "log"}, usage)) return 2;
  if (!args.Has("scenario")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  auto sc = LoadScenarioArg(args.Get("scenario"));
  if (!sc) return 1;
  const uint64_t seed = static_cast<uint64_t>(args.GetInt("seed", 1));
  rules::State st(sc, seed);
  std::vector<rules::LoggedAction> log;
  rules::RandomPlayout(&st, seed, &log);
  if (args.Has("log")) {
    mf::GameLog gl;
    rules::ToGameLog(st, log, &gl);
    std::string text, error;
    google::protobuf::TextFormat::PrintToString(gl, &text);
    if (!WriteFile(args.Get("log"), text, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
  }
  Json j;
  GameJson(st, log.size(), &j);
  std::cout << j.str() << "\n";
  return st.IsTerminal() ? 0 : 1;
}

int CmdReplay(int argc, char** argv) {
  const char* usage = "forumctl replay --log FILE";
  Args args(argc, argv, 2);
  if (!args.Check({"log"}, usage)) return 2;
  if (!args.Has("log")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  std::string text, error;
  if (!ReadFile(args.Get("log"), &text, &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  mf::GameLog gl;
  if (!google::protobuf::TextFormat::ParseFromString(text, &gl)) {
    std::cerr << args.Get("log") << ": not a game log (protobuf text format of mf.GameLog)\n";
    return 1;
  }
  rules::LoadResult r =
      gl.scenario_text().empty()
          ? rules::LoadEmbeddedScenario(gl.scenario())
          : rules::LoadScenario(gl.scenario_text(), args.Get("log") + " (scenario)");
  for (const std::string& e : r.errors) std::cerr << e << "\n";
  if (!r.ok()) return 1;
  std::vector<rules::LoggedAction> log;
  if (!rules::FromGameLog(gl, *r.scenario, &log, &error)) {
    std::cerr << args.Get("log") << ": " << error << "\n";
    return 1;
  }
  rules::State st(r.scenario, gl.seed());
  if (!rules::Replay(&st, log, &error)) {
    std::cerr << args.Get("log") << ": " << error << "\n";
    return 1;
  }
  Json j;
  GameJson(st, log.size(), &j);
  std::cout << j.str() << "\n";
  return 0;
}

}  // namespace mf::tools
