#include "server/chat.h"

#include "rules/action.h"
#include "rules/view.h"
#include "server/text.h"

namespace mf::server {

using grpc::StatusCode;

namespace {

int CaucusIndex(const rules::Scenario& scenario, const std::string& id) {
  const auto& caucuses = scenario.proto().caucuses();
  for (int i = 0; i < caucuses.size(); ++i)
    if (caucuses[i].id() == id) return i;
  return -1;
}

bool InCaucus(const rules::Scenario& scenario, int k, int seat) {
  return seat >= 0 && seat < 64 && ((scenario.caucus_masks()[static_cast<size_t>(k)] >> seat) & 1);
}

}  // namespace

Outcome CheckChannel(const rules::Scenario& scenario, int from, const mf::Channel& channel) {
  switch (channel.to_case()) {
    case mf::Channel::kEveryone:
      return Outcome::Ok();
    case mf::Channel::kSeat:
      if (channel.seat() < 0 || channel.seat() >= scenario.num_seats())
        return Outcome::Error(StatusCode::INVALID_ARGUMENT,
                              "no seat " + std::to_string(channel.seat()) +
                                  " to write to: seats are 0.." +
                                  std::to_string(scenario.num_seats() - 1));
      if (channel.seat() == from)
        return Outcome::Error(StatusCode::INVALID_ARGUMENT, "that is your seat");
      return Outcome::Ok();
    case mf::Channel::kCaucus: {
      const int k = CaucusIndex(scenario, channel.caucus());
      if (k < 0)
        return Outcome::Error(StatusCode::NOT_FOUND, "no caucus '" + Echo(channel.caucus()) + "'");
      if (from >= 0 && !InCaucus(scenario, k, from))
        return Outcome::Error(
            StatusCode::PERMISSION_DENIED,
            "your state is not a member of " + scenario.proto().caucuses(k).name());
      return Outcome::Ok();
    }
    default:
      return Outcome::Error(StatusCode::INVALID_ARGUMENT,
                            "say who the message is for: everyone, a seat or a caucus");
  }
}

bool CanSee(const rules::Scenario& scenario, int viewer, const mf::ChatMessage& m) {
  return rules::CanSeeMessage(scenario, viewer, m.from(), m.channel());
}

}  // namespace mf::server
