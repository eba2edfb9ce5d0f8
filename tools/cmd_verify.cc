// forumctl verify: checks the data folder of a stopped forumd, session by
// session:
//   - the record replays: actions numbered 1..N, the hash chain intact, every
//     action accepted by the rules engine in order; a finished session ends
//     terminal, at the state hash forumd stored when it finished;
//   - with --finished, every session has been played to its end;
//   - with --acks FILE (written by `forumctl load --acks`), every action the
//     server acknowledged is in its session's record at the version it was
//     answered with, by the seat that sent it, the same action.
// One line per problem on stderr, a JSON summary on stdout (mf.VerifyReport);
// exit 0 when there is no problem, 1 otherwise.
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "forum.pb.h"
#include "reports.pb.h"
#include "rules/action.h"
#include "rules/scenario.h"
#include "server/store.h"
#include "server/tokens.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

struct Ack {
  uint64_t version = 0;
  int seat = 0;
  std::string action;  // Serialized mf::Action as the client sent it.
};

bool FromHex(const std::string& hex, std::string* out) {
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (size_t k = i; k < i + 2; ++k) {
      const char c = hex[k];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

// The action as forumd stores it: through the rules' form and back.
bool Canonical(const std::string& bytes, const rules::Scenario& scenario, std::string* out) {
  mf::Action proto;
  rules::Action action;
  std::string why;
  if (!proto.ParseFromString(bytes) || !rules::ActionFromProto(proto, scenario, &action, &why))
    return false;
  mf::Action back;
  rules::ActionToProto(action, scenario, &back);
  *out = back.SerializeAsString();
  return true;
}

struct VerifyArgs {
  std::string data, acks;
  bool finished = false;
};

int Verify(const VerifyArgs& args) {
  std::string error;
  auto store = server::Store::Open(args.data, false, &error);
  if (!store) {
    std::cerr << "forumctl verify: " << error << "\n";
    return 1;
  }
  std::vector<server::StoredSession> all;
  if (!store->LoadAll(&all, &error)) {
    std::cerr << "forumctl verify: " << error << "\n";
    return 1;
  }
  std::map<std::string, std::vector<Ack>> acks;
  long long ack_lines = 0;
  if (!args.acks.empty()) {
    std::ifstream in(args.acks);
    if (!in) {
      std::cerr << "forumctl verify: cannot read " << args.acks << "\n";
      return 1;
    }
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ss(line);
      std::string session, hex;
      Ack a;
      if (!(ss >> session >> a.version >> a.seat >> hex) || !FromHex(hex, &a.action)) {
        std::cerr << "forumctl verify: " << args.acks << ": unreadable line '" << line << "'\n";
        return 1;
      }
      acks[session].push_back(std::move(a));
      ++ack_lines;
    }
  }

  long long problems = 0, finished = 0, unfinished = 0, replayed = 0, actions = 0, stored_acks = 0;
  auto problem = [&](const std::string& session, const std::string& what) {
    std::cerr << "forumctl verify: session " << session << ": " << what << "\n";
    ++problems;
  };
  std::set<std::string> known;
  for (const server::StoredSession& brief : all) {
    const std::string& id = brief.id;
    known.insert(id);
    if (!brief.load_error.empty()) {
      problem(id, "cannot be read: " + brief.load_error);
      continue;
    }
    std::promise<std::pair<std::unique_ptr<server::StoredSession>, std::string>> p;
    store->LoadSession(id, [&p](std::unique_ptr<server::StoredSession> s, const std::string& e) {
      p.set_value({std::move(s), e});
    });
    auto [full, load_error] = p.get_future().get();
    if (!full) {
      problem(id, "cannot be read: " + load_error);
      continue;
    }
    rules::LoadResult sc = rules::LoadScenario(full->scenario_text, full->scenario);
    if (!sc.ok()) {
      problem(id, "its scenario does not load");
      continue;
    }
    rules::State state(sc.scenario, full->seed);
    std::string chain;
    std::map<uint64_t, const server::StoredAction*> by_seq;
    bool ok = true;
    for (const server::StoredAction& a : full->actions) {
      const uint64_t expected = by_seq.size() + 1;
      if (a.seq != expected) {
        problem(id, "action " + std::to_string(expected) + " is missing");
        ok = false;
        break;
      }
      chain = server::ChainNext(chain, a.seq, a.actor, a.action);
      mf::Action proto;
      rules::Action action;
      std::string why;
      if (chain != a.chain) {
        problem(id, "the hash chain breaks at action " + std::to_string(a.seq));
        ok = false;
      } else if (!proto.ParseFromString(a.action) ||
                 !rules::ActionFromProto(proto, *sc.scenario, &action, &why)) {
        problem(id, "action " + std::to_string(a.seq) + " is unreadable " + why);
        ok = false;
      } else if (const rules::Result r = state.Apply(a.actor, action); !r.ok()) {
        problem(id, "action " + std::to_string(a.seq) + " does not replay: " + r.message);
        ok = false;
      }
      if (!ok) break;
      by_seq[a.seq] = &a;
    }
    actions += static_cast<long long>(full->actions.size());
    if (ok && full->finished_ms != 0) {
      ++finished;
      if (!state.IsTerminal())
        problem(id, "finished, but its record does not reach the end of the game");
      else if (state.Hash() != full->final_hash)
        problem(id,
                "replays to " + Hex(state.Hash()) + ", stored final hash " + Hex(full->final_hash));
      else
        ++replayed;
    } else if (ok) {
      ++unfinished;
      ++replayed;
      if (args.finished)
        problem(id, "not played to the end (" + std::to_string(full->actions.size()) + " actions)");
    }
    for (const Ack& a : acks[id]) {
      auto it = by_seq.find(a.version);
      std::string canonical;
      if (it == by_seq.end())
        problem(id, "acknowledged action " + std::to_string(a.version) + " (seat " +
                        std::to_string(a.seat) + ") is not stored");
      else if (it->second->actor != a.seat)
        problem(id, "action " + std::to_string(a.version) + " was acknowledged to seat " +
                        std::to_string(a.seat) + ", stored for actor " +
                        std::to_string(it->second->actor));
      else if (!Canonical(a.action, *sc.scenario, &canonical) || canonical != it->second->action)
        problem(id, "action " + std::to_string(a.version) +
                        " is stored, but not as it was acknowledged");
      else
        ++stored_acks;
    }
  }
  for (const auto& [id, list] : acks)
    if (!known.count(id))
      problem(id, "has " + std::to_string(list.size()) + " acknowledged actions but is not stored");

  mf::VerifyReport report;
  report.set_sessions(static_cast<int32_t>(all.size()));
  report.set_finished(static_cast<int32_t>(finished));
  report.set_unfinished(static_cast<int32_t>(unfinished));
  report.set_replayed(static_cast<int32_t>(replayed));
  report.set_actions(static_cast<double>(actions));
  report.set_acknowledged(static_cast<double>(ack_lines));
  report.set_acknowledged_stored(static_cast<double>(stored_acks));
  report.set_problems(static_cast<int32_t>(problems));
  std::cout << ToJson(report) << "\n";
  store->Close();
  return problems == 0 ? 0 : 1;
}

}  // namespace

void AddVerify(CLI::App* app) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* sub = app->add_subcommand(
      "verify",
      "check a stopped forumd's data folder: every session replays (to its stored final hash "
      "when finished); prints a summary (JSON, mf.VerifyReport), each problem on stderr; exit 1 "
      "on a problem");
  sub->group(kDataGroup);
  AddText(sub, "--data", &a->data, "DIR", "forumd's data folder (forumd must not be running)")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddText(sub, "--acks", &a->acks, "FILE",
          "also check that every acknowledged action of FILE (written by forumctl load --acks: "
          "SESSION VERSION SEAT ACTION_HEX a line) is stored at its version, by its seat");
  sub->add_flag("--finished", a->finished, "every session must have been played to its end");
  OnRun(sub, [a] { return Verify(*a); });
}

}  // namespace mf::tools
