// forumctl session create|join|list|roster and forumctl record: the
// facilitator's and the players' administration of sessions on a forumd.
#include <iostream>

#include "net/client.h"
#include "reports.pb.h"
#include "rules/campaign.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

// Prints a message as JSON (proto3 JSON mapping, field names as in the .proto).
void PrintJson(const google::protobuf::Message& m) {
  JsonStyle style;
  style.indent = true;
  style.all_fields = false;
  std::cout << ToJson(m, style);
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

struct SessionArgs {
  std::string server, ca, scenario = "classroom-8", bots, timers = "none", title, token, campaign;
  std::string join, name = "player", session, out, file;
  uint64_t seed = 0;
  int pace = 1500, idle = 0, seat = -1, count = 1, press_desks = 0;
  bool paused = false, all = false, press = false;
};

int RunSession(const SessionArgs& args, const std::string& sub) {
  // Through a router or to one forumd: calls about a session carry its id
  // (the router hashes on it) and follow a cluster's redirects to its owner.
  net::Endpoint endpoint(args.server, args.ca);
  mf::Forum::Stub* stub = endpoint.Stub("");

  if (sub == "create") {
    mf::CreateSessionRequest req;
    req.set_scenario(args.scenario);
    req.set_seed(args.seed);
    req.set_timer_preset(args.timers);
    req.set_bot_pace_ms(args.pace);
    req.set_idle_handover_seconds(args.idle);
    req.set_start_paused(args.paused);
    req.set_press_desks(args.press_desks);
    req.set_title(args.title);
    // A campaign's seats are those of its first session.
    std::string first = args.scenario;
    if (!args.campaign.empty()) {
      req.clear_scenario();
      req.set_campaign(args.campaign);
      rules::CampaignLoad c = rules::LoadEmbeddedCampaign(args.campaign);
      if (c.ok()) first = c.campaign->sessions(0).scenario();
    }
    if (!args.bots.empty()) {
      // The seat count comes from the server's scenario list.
      grpc::ClientContext lctx;
      mf::ListScenariosResponse list;
      const grpc::Status ls = stub->ListScenarios(&lctx, {}, &list);
      if (!ls.ok()) return Fail("listing scenarios", ls);
      int seats = -1;
      for (const mf::ScenarioInfo& s : list.scenarios())
        if (s.name() == first) seats = s.seats();
      if (seats < 0) {
        std::cerr << "forumctl: the server has no scenario '" << first << "'\n";
        return 1;
      }
      std::string error;
      if (!ParseBotSpec(args.bots, seats, &req, &error)) {
        std::cerr << "forumctl: " << error << "\n";
        return 2;
      }
    }
    const int count = args.count;
    for (int i = 0; i < count; ++i) {
      grpc::ClientContext ctx;
      if (!args.token.empty()) net::Authorize(&ctx, args.token);  // The organiser's.
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
      std::cout << ToJson(resp) << "\n";  // One line per session.
    }
    return 0;
  }
  if (sub == "join") {
    mf::JoinSessionRequest req;
    req.set_join_code(args.join);
    req.set_display_name(args.name);
    if (args.seat >= 0) req.set_seat(args.seat);
    req.set_press(args.press);
    mf::JoinSessionResponse resp;
    const grpc::Status st =
        endpoint.Call(args.session, "", [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->JoinSession(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("joining", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "list") {
    mf::ListSessionsRequest req;
    req.set_include_finished(args.all);
    mf::ListSessionsResponse resp;
    const grpc::Status st =
        endpoint.Call("", args.token, [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->ListSessions(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("listing sessions", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "roster") {
    mf::GetRosterRequest req;
    req.set_session(args.session);
    mf::Roster resp;
    const grpc::Status st =
        endpoint.Call(req.session(), args.token, [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->GetRoster(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("reading the roster", st);
    PrintJson(resp);
    std::cout << "\n";
    return 0;
  }
  if (sub == "export") {
    mf::GetRecordRequest req;
    req.set_session(args.session);
    mf::GetRecordResponse resp;
    const grpc::Status st =
        endpoint.Call(req.session(), args.token, [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->GetRecord(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("reading the record", st);
    std::string error;
    if (!WriteFile(args.out, resp.SerializeAsString(), &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    mf::SessionExportReport report;
    report.set_session(args.session);
    report.set_actions(resp.log().entries_size());
    report.set_out(args.out);
    std::cout << ToJson(report) << "\n";
    return 0;
  }
  if (sub == "import") {
    std::string data, error;
    if (!ReadFile(args.file, &data, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    grpc::ClientContext ctx;
    if (!args.token.empty()) net::Authorize(&ctx, args.token);  // The organiser's.
    mf::CreateSessionResponse resp;
    auto writer = stub->ImportSession(&ctx, &resp);
    constexpr size_t kChunk = 32 * 1024;
    for (size_t at = 0; at < data.size() || at == 0; at += kChunk) {
      mf::ImportChunk chunk;
      chunk.set_data(data.substr(at, kChunk));
      if (at == 0) chunk.set_title(args.title);
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
    req.set_session(args.session);
    mf::DeleteSessionResponse resp;
    const grpc::Status st =
        endpoint.Call(req.session(), args.token, [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
          return s->DeleteSession(ctx, req, &resp);
        });
    if (!st.ok()) return Fail("deleting the session", st);
    mf::SessionDeleteReport report;
    report.set_deleted(args.session);
    std::cout << ToJson(report) << "\n";
    return 0;
  }
  std::cerr << "forumctl session: unknown form '" << sub << "'\n";
  return 2;
}

struct RecordCommandArgs {
  std::string server, session, token, ca;
  bool with_scenario = false;
};

int RunRecord(const RecordCommandArgs& args) {
  net::Endpoint endpoint(args.server, args.ca);
  mf::GetRecordRequest req;
  req.set_session(args.session);
  mf::GetRecordResponse resp;
  const grpc::Status st = endpoint.Call(
      req.session(), args.token,
      [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) { return s->GetRecord(ctx, req, &resp); });
  if (!st.ok()) return Fail("reading the record", st);
  // `entries` carries the same actions as the log with their order and times.
  resp.mutable_log()->clear_entries();
  if (!args.with_scenario) resp.mutable_log()->clear_scenario_text();
  PrintJson(resp);
  std::cout << "\n";
  return 0;
}

void AddSession(CLI::App* app) {
  CLI::App* session = app->add_subcommand(
      "session",
      "sessions on a running forumd: create, join, list, roster, export, import, delete");
  session->group(kNetworkGroup);
  session->require_subcommand(1);
  auto add = [session](const std::string& form, const std::string& help) {
    auto a = std::make_shared<SessionArgs>();
    CLI::App* sub = session->add_subcommand(form, help);
    AddText(sub, "--server", &a->server, "ADDR", "forumd's address, host:port")->required();
    AddText(sub, "--ca", &a->ca, "FILE", "connect with TLS, trusting this CA certificate");
    OnRun(sub, [a, form] { return RunSession(*a, form); });
    return std::make_pair(sub, a);
  };
  {
    auto [sub, a] = add("create",
                        "start a session; prints its id, join code and facilitator token "
                        "(JSON, mf.CreateSessionResponse; one line per session)");
    AddText(sub, "--scenario", &a->scenario, "SCENARIO",
            "a scenario the server offers (default classroom-8)");
    AddText(sub, "--campaign", &a->campaign, "CAMPAIGN",
            "a campaign instead (e.g. hld-2006-to-2013): its sessions follow one another with "
            "the same tokens; --bots names the first session's seats");
    AddText(sub, "--bots", &a->bots, "SPEC",
            "bot seats: a comma list of SEATS[:STRATEGY], SEATS = N, N-M or all; STRATEGY = "
            "easy, normal, hard or a strategy name (e.g. 3-7:normal,0:hard)");
    AddText(sub, "--timers", &a->timers, "fast|classroom|none",
            "phase clocks: 20 s a phase, classroom pace (3-8 min), or none (default none)")
        ->check(OneOf({"fast", "classroom", "none"}));
    AddSeed(sub, &a->seed, "the game's seed (0: the server draws one)");
    AddNumber(sub, "--pace", &a->pace, "MS", 0, 600000, "milliseconds between bot actions");
    AddNumber(sub, "--idle", &a->idle, "SECONDS", 0, 86400,
              "a bot takes over a seat idle this long (0: never)");
    sub->add_flag("--paused", a->paused, "start paused until the facilitator resumes");
    AddNumber(sub, "--press-desks", &a->press_desks, "N", 0, 64,
              "press desks for observers beyond the seats (default 0)");
    AddText(sub, "--title", &a->title, "T", "the session's title");
    AddText(sub, "--token", &a->token, "ORGANISER",
            "the organiser's token (when forumd has --organiser-token-file)");
    AddNumber(sub, "--count", &a->count, "N", 1, 100000, "sessions alike to create");
  }
  {
    auto [sub, a] = add("join", "take a seat (JSON, mf.JoinSessionResponse)");
    AddText(sub, "--join", &a->join, "CODE", "the session's join code")->required();
    AddText(sub, "--name", &a->name, "NAME", "the display name (default player)");
    AddNumber(sub, "--seat", &a->seat, "N", 0, 63,
              "the seat to take (default: the first free seat)");
    sub->add_flag("--press", a->press, "join as a press desk (an observer who publishes reports)");
    AddText(sub, "--session", &a->session, "ID",
            "the session's id, when ADDR is a router in front of several forumd");
  }
  {
    auto [sub, a] = add("list", "the server's sessions (JSON, mf.ListSessionsResponse)");
    AddText(sub, "--token", &a->token, "T", "a facilitator's token")->required();
    sub->add_flag("--all", a->all, "finished sessions too");
  }
  {
    auto [sub, a] = add("roster", "who holds each seat (JSON, mf.Roster)");
    AddText(sub, "--session", &a->session, "ID", "the session's id")->required();
    AddText(sub, "--token", &a->token, "T", "its facilitator's token")->required();
  }
  {
    auto [sub, a] = add("export",
                        "write a session's record to a file (a serialized "
                        "mf.GetRecordResponse); prints mf.SessionExportReport");
    AddText(sub, "--session", &a->session, "ID", "the session's id")->required();
    AddText(sub, "--token", &a->token, "T", "its facilitator's token")->required();
    AddText(sub, "--out", &a->out, "FILE", "the file to write")->required();
  }
  {
    auto [sub, a] = add("import",
                        "a new read-only session from an exported record; prints "
                        "mf.CreateSessionResponse");
    AddText(sub, "--file", &a->file, "FILE", "the exported record")->required();
    AddText(sub, "--title", &a->title, "T", "the new session's title");
    AddText(sub, "--token", &a->token, "ORGANISER",
            "the organiser's token (when forumd has --organiser-token-file)");
  }
  {
    auto [sub, a] = add("delete",
                        "remove a finished session and its record; prints "
                        "mf.SessionDeleteReport");
    AddText(sub, "--session", &a->session, "ID", "the session's id")->required();
    AddText(sub, "--token", &a->token, "T", "its facilitator's token")->required();
  }
}

void AddRecord(CLI::App* app) {
  auto a = std::make_shared<RecordCommandArgs>();
  CLI::App* sub = app->add_subcommand(
      "record",
      "a session's record as JSON (mf.GetRecordResponse, the actions in `entries` with their "
      "times)");
  sub->group(kNetworkGroup);
  AddText(sub, "--server", &a->server, "ADDR", "forumd's address, host:port")->required();
  AddText(sub, "--session", &a->session, "ID", "the session's id")->required();
  AddText(sub, "--token", &a->token, "T", "its facilitator's token")->required();
  AddText(sub, "--ca", &a->ca, "FILE", "connect with TLS, trusting this CA certificate");
  sub->add_flag("--with-scenario", a->with_scenario, "keep the scenario's text in the log");
  OnRun(sub, [a] { return RunRecord(*a); });
}

}  // namespace mf::tools
