// The engine's own action type (plain data, cheap to copy), its validation
// against the wire format, and conversions to and from `mf::Action`.
#pragma once

#include <cstdint>
#include <string>

#include "game.pb.h"

namespace mf::rules {

// Actors besides the seats (which are 0..N-1).
constexpr int kFacilitator = -1;
constexpr int kClock = -2;
// Viewers besides the seats.
constexpr int kFacilitatorView = -1;
constexpr int kSpectatorView = -2;
// Press desks (observers beyond the seats) act and view as kPressBase - desk:
// desk 0 is -100, desk 1 is -101, ...
constexpr int kPressBase = -100;
constexpr bool IsPressActor(int actor) {
  return actor <= kPressBase;
}
constexpr int PressActor(int desk) {
  return kPressBase - desk;
}
constexpr int PressDesk(int actor) {
  return kPressBase - actor;
}

// The kind of an action is the case of the wire message's `oneof kind`
// (mf::Action::kVote, ...): declared once, in proto/game.proto. What each
// kind means is in its catalogue entry (rules/catalogue.h).
using ActionType = mf::Action::KindCase;

const char* ActionTypeName(ActionType t);
bool IsFacilitatorAction(ActionType t);
// The same for an action in its message form (Advance, Pause, Resume, Extend,
// InjectEvent, SetBot): what the Facilitate call carries.
bool IsFacilitatorAction(const mf::Action& proto);

// Commitment kinds as a bit set (bit k = mf::CommitmentKind k).
using CommitmentSet = uint32_t;
constexpr CommitmentSet Bit(mf::CommitmentKind k) {
  return CommitmentSet{1} << static_cast<int>(k);
}
constexpr CommitmentSet kAllCommitments = 0x7E;  // Bits 1..6.

struct Terms {
  int capital = 0;
  int aid = 0;
  int visas = 0;
  bool readmission = false;
  int stance_text = 0;
  mf::VoteChoice stance = mf::VOTE_UNSPECIFIED;
  bool Empty() const {
    return capital == 0 && aid == 0 && visas == 0 && !readmission && stance_text == 0;
  }
  bool operator==(const Terms& o) const {
    return capital == o.capital && aid == o.aid && visas == o.visas &&
           readmission == o.readmission && stance_text == o.stance_text && stance == o.stance;
  }
};

// One action. Which fields matter depends on `type` (see game.proto).
struct Action {
  ActionType type = ActionType::kReady;
  int id = 0;  // Recommendation, amendment, deal or text id (ratify, pledge); timeout phase serial.
  int seat = -1;      // Deal counterpart, SetBot seat, event target seat.
  int position = -1;  // Statement / draft / amendment position (-1 unchanged).
  int level = 0;      // Pledge / enforcement level, extension seconds.
  int theme = -1;     // Prioritise: theme index.
  int corridor = -1;  // Anti-smuggling corridor index.
  int caucus = -1;    // Regional text: the caucus index.
  bool flag = false;  // Ratify yes, keep a deal, seat to bot.
  mf::Form form = mf::FORM_UNSPECIFIED;
  mf::VoteChoice vote = mf::VOTE_UNSPECIFIED;
  mf::EventKind event = mf::EVENT_UNSPECIFIED;
  CommitmentSet add = 0;     // TableDraft: the commitments; Amend: added ones.
  CommitmentSet remove = 0;  // Amend: removed ones.
  Terms give, ask;
  std::string text;  // Statement text.

  static Action Make(ActionType t) {
    Action a;
    a.type = t;
    return a;
  }
  bool operator==(const Action& o) const;
};

class Scenario;

// Converts a wire action. Structural problems (no kind set, unknown enum,
// unknown theme or corridor id, text too long or not UTF-8) return false and
// set `error`; the engine checks everything that depends on the game state.
bool ActionFromProto(const mf::Action& in, const Scenario& scenario, Action* out,
                     std::string* error);
void ActionToProto(const Action& in, const Scenario& scenario, mf::Action* out);

// A short readable description, e.g. "vote support" or "propose deal to 3".
std::string DescribeAction(const Action& a, const Scenario& scenario);

// True when `s` is valid UTF-8 without control characters other than newline.
bool IsCleanUtf8(const std::string& s);

}  // namespace mf::rules
