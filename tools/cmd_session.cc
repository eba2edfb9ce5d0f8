// forumctl session create|join|list|roster and forumctl record: the
// facilitator's and the players' administration of sessions on a forumd.
#include <google/protobuf/util/json_util.h>

#include <iostream>

#include "net/client.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/json.h"

namespace mf::tools {
namespace {

// Prints a message as JSON (proto3 JSON mapping, field names as in the .proto).
void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  google::protobuf::util::MessageToJsonString(m, &out, options);
  std::cout << out;
}

int Fail(const std::string& what, const grpc::Status& st) {
  std::cerr << "forumctl: " << what << ": " << net::Describe(st) << "\n";
  return 1;
}

}  // namespace

// "2-5:hard,7,0:cooperator" or "all:normal" -> bot seats.
bool ParseBotSpec(const std::string& spec, int seats, mf::CreateSessionRequest* req,
                  std::string* error) {
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = spec.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    const std::string range = item.substr(0, colon);
    const std::string strategy = colon == std::string::npos ? "" : item.substr(colon + 1);
    int lo = 0, hi = seats - 1;
    try {
      if (range != "all") {
        const size_t dash = range.find('-');
        lo = std::stoi(range.substr(0, dash));
        hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
      }
    } catch (...) {
      *error = "bad bot seats '" + range + "': use N, N-M or all";
      return false;
    }
    if (lo < 0 || hi >= seats || lo > hi) {
      *error = "bot seats " + range + " out of range (0.." + std::to_string(seats - 1) + ")";
      return false;
    }
    for (int s = lo; s <= hi; ++s) {
      mf::BotSeat* b = req->add_bots();
      b->set_seat(s);
      b->set_strategy(strategy);
    }
  }
  return true;
}

int CmdSession(int argc, char** argv) {
  const char* usage =
      "forumctl session create --server ADDR --scenario NAME [--bots SPEC] [--timers "
      "fast|classroom|none]\n"
      "                        [--seed N] [--pace MS] [--idle SECONDS] [--paused] [--title T]\n"
      "                        [--token ORGANISER] (when forumd has --organiser-token-file)\n"
      "                        [--count N] (N sessions alike: one JSON line each)\n"
      "    SPEC: comma list of SEATS[:STRATEGY], SEATS = N, N-M or all; STRATEGY = easy,\n"
      "    normal, hard or a strategy name (e.g. --bots 3-7:normal,0:hard)\n"
      "forumctl session join --server ADDR --join CODE --name NAME [--seat N] [--session ID]\n"
      "forumctl session list --server ADDR --token FACILITATOR_TOKEN [--all]\n"
      "forumctl session roster --server ADDR --session ID --token FACILITATOR_TOKEN\n"
      "forumctl session export --server ADDR --session ID --token T --out FILE\n"
      "forumctl session import --server ADDR --file FILE [--title T] [--token ORGANISER]\n"
      "forumctl session delete --server ADDR --session ID --token FACILITATOR_TOKEN\n"
      "  (every form takes --ca FILE to connect with TLS; ADDR may be a router in front of\n"
      "  several forumd: calls carry the session id and follow redirects to its owner)";
  if (argc < 3) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  const std::string sub = argv[2];
  Args args(argc, argv, 3);
  if (!args.Check(
          {"server", "scenario", "bots", "timers", "seed", "pace", "idle", "paused", "title", "ca",
           "join", "name", "seat", "token", "all", "session", "out", "file", "count"},
          usage))
    return 2;
  if (!args.Has("server")) {
    std::cerr << "forumctl session: --server ADDR is required\n";
    return 2;
  }
  // Through a router or to one forumd: calls about a session carry its id
  // (the router hashes on it) and follow a cluster's redirects to its owner.
  net::Endpoint endpoint(args.Get("server"), args.Get("ca"));
  mf::Forum::Stub* stub = endpoint.Stub("");

  if (sub == "create") {
    mf::CreateSessionRequest req;
    req.set_scenario(args.Get("scenario", "classroom-8"));
    req.set_seed(static_cast<uint64_t>(args.GetInt("seed", 0)));
    req.set_timer_preset(args.Get("timers", "none"));
    req.set_bot_pace_ms(static_cast<int>(args.GetInt("pace", 1500)));
    req.set_idle_handover_seconds(static_cast<int>(args.GetInt("idle", 0)));
    req.set_start_paused(args.Has("paused"));
    req.set_title(args.Get("title"));
    if (args.Has("bots")) {
      // The seat count comes from the server's scenario list.
      grpc::ClientContext lctx;
      mf::ListScenariosResponse list;
      const grpc::Status ls = stub->ListScenarios(&lctx, {}, &list);
      if (!ls.ok()) return Fail("listing scenarios", ls);
      int seats = -1;
      for (const mf::ScenarioInfo& s : list.scenarios())
        if (s.name() == req.scenario()) seats = s.seats();
      if (seats < 0) {
        std::cerr << "forumctl: the server has no scenario '" << req.scenario() << "'\n";
        return 1;
      }
      std::string error;
      if (!ParseBotSpec(args.Get("bots"), seats, &req, &error)) {
        std::cerr << "forumctl: " << error << "\n";
        return 2;
      }
    }
    const long long count = args.GetInt("count", 1);
    if (count < 1) {
      std::cerr << "forumctl: --count is 1 or more\n";
      return 2;
    }
    for (long long i = 0; i < count; ++i) {
      grpc::ClientContext ctx;
      if (args.Has("token")) net::Authorize(&ctx, args.Get("token"));  // The organiser's.
      // A proposed id: a router sends the creation where the session's
      // later calls will go, and that node takes the id.
      net::Route(&ctx, net::NewSessionKey());
      mf::CreateSessionResponse resp;
      const grpc::Status st = stub->CreateSession(&ctx, req, &resp);
      if (!st.ok())
        return Fail(count == 1 ? "creating the session"
                               : "creating session " + std::to_string(i + 1) + " of " +
                                     std::to_string(count),
                    st);
      Json j;
      j.BeginObject()
          .Key("session")
          .Str(resp.session())
          .Key("join_code")
          .Str(resp.join_code())
          .Key("facilitator_token")
          .Str(resp.facilitator_token())
          .Key("seats")
          .Int(resp.seats())
          .EndObject();
      std::cout << j.str() << "\n";
    }
    return 0;
  }
  if (sub == "join") {
    mf::JoinSessionRequest req;
    req.set_join_code(args.Get("join"));
    req.set_display_name(args.Get("name", "player"));
    if (args.Has("seat")) req.set_seat(static_cast<int>(args.GetInt("seat", -1)));
    mf::JoinSessionResponse resp;
    const grpc::Status st =
        endpoint.Call(args.Get("session"), "", [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->JoinSession(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("joining", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "list") {
    mf::ListSessionsRequest req;
    req.set_include_finished(args.Has("all"));
    mf::ListSessionsResponse resp;
    const grpc::Status st =
        endpoint.Call("", args.Get("token"), [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->ListSessions(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("listing sessions", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "roster") {
    mf::GetRosterRequest req;
    req.set_session(args.Get("session"));
    mf::Roster resp;
    const grpc::Status st = endpoint.Call(req.session(), args.Get("token"),
                                          [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
                                            return s->GetRoster(ctx, req, &resp);
                                          });
    if (!st.ok()) return Fail("reading the roster", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "export") {
    if (!args.Has("out")) {
      std::cerr << "forumctl session export: --out FILE is required\n";
      return 2;
    }
    mf::GetRecordRequest req;
    req.set_session(args.Get("session"));
    mf::GetRecordResponse resp;
    const grpc::Status st = endpoint.Call(req.session(), args.Get("token"),
                                          [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
                                            return s->GetRecord(ctx, req, &resp);
                                          });
    if (!st.ok()) return Fail("reading the record", st);
    std::string error;
    if (!WriteFile(args.Get("out"), resp.SerializeAsString(), &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    std::cout << "{\"session\":\"" << args.Get("session")
              << "\",\"actions\":" << resp.log().entries_size() << ",\"out\":\"" << args.Get("out")
              << "\"}\n";
    return 0;
  }
  if (sub == "import") {
    std::string data, error;
    if (!ReadFile(args.Get("file"), &data, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    grpc::ClientContext ctx;
    if (args.Has("token")) net::Authorize(&ctx, args.Get("token"));  // The organiser's.
    mf::CreateSessionResponse resp;
    auto writer = stub->ImportSession(&ctx, &resp);
    constexpr size_t kChunk = 32 * 1024;
    for (size_t at = 0; at < data.size() || at == 0; at += kChunk) {
      mf::ImportChunk chunk;
      chunk.set_data(data.substr(at, kChunk));
      if (at == 0) chunk.set_title(args.Get("title"));
      if (!writer->Write(chunk)) break;
      if (data.empty()) break;
    }
    writer->WritesDone();
    const grpc::Status st = writer->Finish();
    if (!st.ok()) return Fail("importing the record", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "delete") {
    mf::DeleteSessionRequest req;
    req.set_session(args.Get("session"));
    mf::DeleteSessionResponse resp;
    const grpc::Status st = endpoint.Call(req.session(), args.Get("token"),
                                          [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
                                            return s->DeleteSession(ctx, req, &resp);
                                          });
    if (!st.ok()) return Fail("deleting the session", st);
    std::cout << "{\"deleted\":\"" << args.Get("session") << "\"}\n";
    return 0;
  }
  std::cerr << "forumctl session: unknown form '" << sub << "'\nusage: " << usage << "\n";
  return 2;
}

int CmdRecord(int argc, char** argv) {
  const char* usage =
      "forumctl record --server ADDR --session ID --token T [--ca FILE] [--with-scenario]";
  Args args(argc, argv, 2);
  if (!args.Check({"server", "session", "token", "ca", "with-scenario"}, usage)) return 2;
  if (!args.Has("server") || !args.Has("token")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  net::Endpoint endpoint(args.Get("server"), args.Get("ca"));
  mf::GetRecordRequest req;
  req.set_session(args.Get("session"));
  mf::GetRecordResponse resp;
  const grpc::Status st = endpoint.Call(
      req.session(), args.Get("token"),
      [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) { return s->GetRecord(ctx, req, &resp); });
  if (!st.ok()) return Fail("reading the record", st);
  // `entries` carries the same actions as the log with their order and times.
  resp.mutable_log()->clear_entries();
  if (!args.Has("with-scenario")) resp.mutable_log()->clear_scenario_text();
  PrintJson(resp);
  std::cout << "\n";
  return 0;
}

}  // namespace mf::tools
