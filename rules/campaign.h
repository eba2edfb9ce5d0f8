// Campaigns: a chain of sessions with the same states, where what one
// session leaves carries into the next (rules/campaigns/*.textproto, mf.Campaign).
//
// The engine stays pure: a campaign session is an ordinary game of a scenario
// whose message carries an mf.Carry (Scenario.carry), made from the previous
// session's final state by CarryOver and put into the next scenario by
// WithCarry. The carry is part of the scenario's text, so a session's record
// (GameLog.scenario_text) replays it exactly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "game.pb.h"
#include "rules/scenario.h"
#include "rules/state.h"

namespace mf::rules {

constexpr int kMaxCampaignSessions = 8;

struct CampaignLoad {
  std::shared_ptr<const mf::Campaign> campaign;
  std::vector<std::string> errors;
  bool ok() const { return campaign != nullptr; }
};

// Parses and checks a campaign: an id, 2..8 sessions, each a built-in
// scenario. `filename` labels the errors.
CampaignLoad LoadCampaign(const std::string& text, const std::string& filename);

// The campaigns compiled into the binary (rules/campaigns/*.textproto).
struct EmbeddedCampaign {
  const char* name;  // File stem, e.g. "hld-2006-to-2013".
  const char* text;
};
const std::vector<EmbeddedCampaign>& EmbeddedCampaigns();
CampaignLoad LoadEmbeddedCampaign(const std::string& name);

// For each seat of `next`, its index in `prev` by seat id (-1: not seated there).
std::vector<int> SeatMap(const Scenario& prev, const Scenario& next);

// What the finished session `ended` hands the scenario `next` (session
// `stage` of `campaign`, 1 = the second): trust between the seats both seat,
// the reputations of those seats, the regime's three parts, and the forum
// chosen in `ended` (its band's rules) or carried into it, unless `own_rules`.
mf::Carry CarryOver(const State& ended, const Scenario& next, const std::string& campaign,
                    int stage, bool own_rules);

// `next` with `carry`: the carry in its message and, when the carry has a
// forum, that forum's rule, forms and meetings as the scenario's own. Loaded
// (and so validated) from its text, labelled `label`.
LoadResult WithCarry(const Scenario& next, const mf::Carry& carry, const std::string& label);

// What carried over, in one sentence (the view's `carried`, the debrief).
std::string CarrySentence(const mf::Carry& carry);

}  // namespace mf::rules
