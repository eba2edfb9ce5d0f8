// forumctl bot: joins a session with its code and plays one seat over the
// network until the game ends (see bots::LightPolicy for how it decides).
#include <iostream>

#include "net/client.h"
#include "reports.pb.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/report_json.h"

namespace mf::tools {
namespace {

struct BotArgs {
  std::string server, join, strategy = "light", name, ca;
  int seat = -1;  // -1: the server's choice.
  int pace = 0;
};

int RunBot(const BotArgs& a) {
  // Over the network a bot has only its wire view: the engine's strategies
  // need the rules' SeatView, so every name plays the light policy.
  if (a.strategy != "light")
    std::cerr << "forumctl bot: over the network every strategy plays the light policy "
                 "(asked: "
              << a.strategy << ")\n";
  // Through a router or to one forumd: redirects to the session's owner are followed.
  net::Endpoint endpoint(a.server, a.ca);
  mf::JoinSessionRequest join;
  join.set_join_code(a.join);
  join.set_display_name(a.name.empty() ? "bot-" + a.strategy : a.name);
  if (a.seat >= 0) join.set_seat(a.seat);
  mf::JoinSessionResponse seat;
  const grpc::Status st = endpoint.Call("", "", [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
    return s->JoinSession(ctx, join, &seat);
  });
  if (!st.ok()) {
    std::cerr << "forumctl bot: cannot join: " << net::Describe(st) << "\n";
    return 1;
  }
  net::PlayOptions options;
  options.pace_ms = a.pace;
  const net::PlayResult r = net::PlaySeat(&endpoint, seat.session(), seat.seat_token(), options);
  mf::BotReport p;
  p.set_session(seat.session());
  p.set_seat(seat.seat());
  p.set_seat_name(seat.seat_name());
  p.set_finished(r.finished);
  p.set_actions(r.actions);
  p.set_refused(r.refused);
  p.set_stale(r.stale);
  for (const mf::ScoreLine& s : r.last_view.scores())
    if (s.seat() == seat.seat()) {
      p.set_score(Sig(s.total(), 4));
      p.set_rank(s.rank());
    }
  if (!r.error.empty()) p.set_error(r.error);
  std::cout << ToJson(p) << "\n";
  return r.finished ? 0 : 1;
}

}  // namespace

void AddBot(CLI::App* app) {
  auto a = std::make_shared<BotArgs>();
  CLI::App* sub = app->add_subcommand(
      "bot", "play a seat over the network until the game ends; prints its report (mf.BotReport)");
  sub->group(kNetworkGroup);
  AddText(sub, "--server", &a->server, "ADDR", "forumd's address, host:port")->required();
  AddText(sub, "--join", &a->join, "CODE", "the session's join code")->required();
  AddText(sub, "--strategy", &a->strategy, "STRATEGY",
          "over the network every strategy plays the light policy (default light)");
  AddNumber(sub, "--seat", &a->seat, "N", 0, 63, "the seat to take (default: the first free seat)");
  AddText(sub, "--name", &a->name, "NAME", "the display name (default bot-STRATEGY)");
  AddNumber(sub, "--pace", &a->pace, "MS", 0, 600000, "milliseconds to wait before each action");
  AddText(sub, "--ca", &a->ca, "FILE", "connect with TLS, trusting this CA certificate");
  OnRun(sub, [a] { return RunBot(*a); });
}

}  // namespace mf::tools
