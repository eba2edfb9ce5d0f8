// The light policy: a bot that decides from the wire view alone.
//
// Network clients (forumctl bot, the load tool, the fault tests) see only the
// `mf::View` forumd streams, not a whole `State`, so they cannot run the
// engine's other bots. They play this policy, which reads the engine's
// verdicts in the view for what is allowed and decides the rest from the
// seat's brief. It is registered as the strategy "light" too (adapted to a
// SeatView), so it plays in matches and the balance lab like any other bot.
#pragma once

#include "game.pb.h"

namespace mf::bots {

// The light policy on a seat's wire view:
//   civil society: endorse recommendations within 15 of its ideal, then ready;
//   statements:    state its ideal position on the item, then ready;
//   decision:      support a draft within 20 of its ideal that crosses none of
//                  its red lines, stand aside within 35, object otherwise;
//   ratification:  ratify this cycle's conventions within 20 of its ideal,
//                  decline the others;
//   everything else (drafting, implementation): ready.
// Returns false when there is nothing to do (the view allows no Ready: ready
// already, paused, the game over; a bot holds the seat; not a seat's view).
// `brief` is the seat's own (views streamed without their static fields
// carry none).
bool LightPolicy(const mf::View& view, const mf::Brief& brief, mf::Action* out);
inline bool LightPolicy(const mf::View& view, mf::Action* out) {
  return LightPolicy(view, view.brief(), out);
}

}  // namespace mf::bots
