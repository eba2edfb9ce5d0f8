// Who may write to and read a chat channel: one definition for the live
// session (sending, streaming, the record), the archived record and the
// validation of an imported record.
#pragma once

#include <string>

#include "forum.pb.h"
#include "rules/scenario.h"
#include "server/status.h"

namespace mf::server {

// Whether `from` (a seat or the facilitator, -1) may write on `channel` of
// `scenario`: INVALID_ARGUMENT for no channel or a seat that does not exist
// (or the sender's own), NOT_FOUND for an unknown caucus, PERMISSION_DENIED
// for a caucus the sender's state is not a member of.
Outcome CheckChannel(const rules::Scenario& scenario, int from, const mf::Channel& channel);

// Whether `viewer` (a seat, the facilitator -1 or a spectator -2) could read
// `message`: the facilitator reads every channel; public messages are for
// everyone; a bilateral one for its two seats; a caucus message for the
// caucus's members and its sender.
bool CanSee(const rules::Scenario& scenario, int viewer, const mf::ChatMessage& message);

}  // namespace mf::server
