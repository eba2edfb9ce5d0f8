// forumctl bot: joins a session with its code and plays one seat over the
// network until the game ends (see bots::LightPolicy for how it decides).
#include <iostream>

#include "net/client.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/json.h"

namespace mf::tools {

int CmdBot(int argc, char** argv) {
  const char* usage =
      "forumctl bot --server ADDR --join CODE [--strategy light] [--seat N] [--name NAME]\n"
      "             [--pace MS] [--ca FILE]";
  Args args(argc, argv, 2);
  if (!args.Check({"server", "join", "strategy", "seat", "name", "pace", "ca"}, usage)) return 2;
  if (!args.Has("server") || !args.Has("join")) {
    std::cerr << "usage: " << usage << "\n";
    return 2;
  }
  // Over the network a bot has only its wire view: the engine's strategies
  // need the rules' SeatView, so every name plays the light policy.
  const std::string strategy = args.Get("strategy", "light");
  if (strategy != "light")
    std::cerr << "forumctl bot: over the network every strategy plays the light policy "
                 "(asked: "
              << strategy << ")\n";
  // Through a router or to one forumd: redirects to the session's owner are followed.
  net::Endpoint endpoint(args.Get("server"), args.Get("ca"));
  mf::JoinSessionRequest join;
  join.set_join_code(args.Get("join"));
  join.set_display_name(args.Get("name", "bot-" + strategy));
  if (args.Has("seat")) join.set_seat(static_cast<int>(args.GetInt("seat", -1)));
  mf::JoinSessionResponse seat;
  const grpc::Status st = endpoint.Call("", "", [&](mf::Forum::Stub* s, grpc::ClientContext* ctx) {
    return s->JoinSession(ctx, join, &seat);
  });
  if (!st.ok()) {
    std::cerr << "forumctl bot: cannot join: " << net::Describe(st) << "\n";
    return 1;
  }
  net::PlayOptions options;
  options.pace_ms = static_cast<int>(args.GetInt("pace", 0));
  const net::PlayResult r = net::PlaySeat(&endpoint, seat.session(), seat.seat_token(), options);
  Json j;
  j.BeginObject()
      .Key("session")
      .Str(seat.session())
      .Key("seat")
      .Int(seat.seat())
      .Key("seat_name")
      .Str(seat.seat_name())
      .Key("finished")
      .Bool(r.finished)
      .Key("actions")
      .Int(r.actions)
      .Key("refused")
      .Int(r.refused)
      .Key("stale")
      .Int(r.stale);
  for (const mf::ScoreLine& s : r.last_view.scores())
    if (s.seat() == seat.seat()) j.Key("score").Num(s.total(), 4).Key("rank").Int(s.rank());
  if (!r.error.empty()) j.Key("error").Str(r.error);
  j.EndObject();
  std::cout << j.str() << "\n";
  return r.finished ? 0 : 1;
}

}  // namespace mf::tools
