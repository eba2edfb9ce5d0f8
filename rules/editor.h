// Internal to rules/: what an action's effect may change, and the small
// helpers every action file shares. Nothing outside rules/ includes this.
#pragma once

#include <string>

#include "rules/catalogue.h"
#include "rules/state.h"

namespace mf::rules {

// The mutable side of a State, handed to an action's effect after its check
// passed. It exposes the parts effects change and the engine's own helpers
// (the event log, trust, world events, the end of a phase).
class StateEditor {
 public:
  explicit StateEditor(State& s) : s_(s) {}
  const State& state() const { return s_; }

  SeatState& seat(int i) { return s_.seats_[i]; }
  Text* draft() { return const_cast<Text*>(s_.draft()); }
  Text* FindText(int id) { return const_cast<Text*>(s_.FindText(id)); }
  Recommendation* FindRecommendation(int id) {
    for (Recommendation& r : s_.recs_)
      if (r.id == id) return &r;
    return nullptr;
  }
  Amendment* FindAmendment(int id) {
    for (Amendment& m : s_.amendments_)
      if (m.id == id) return &m;
    return nullptr;
  }
  Deal* FindDeal(int id) {
    for (Deal& d : s_.deals_)
      if (d.id == id) return &d;
    return nullptr;
  }
  std::vector<Amendment>& amendments() { return s_.amendments_; }
  std::vector<Deal>& deals() { return s_.deals_; }
  std::vector<int>& agenda() { return s_.agenda_; }
  std::vector<Recommendation>& recommendations() { return s_.recs_; }
  int NextId() { return s_.next_id_++; }
  // Appends a text (a regional draft); pointers to older texts may move.
  Text* AddText(const Text& t) {
    s_.texts_.push_back(t);
    return &s_.texts_.back();
  }
  void CountEndorsement() { ++s_.endorsements_; }
  // A press desk's report: counted against its per-phase limit and kept.
  void AddReport(PressReport r) {
    ++s_.press_actions_[static_cast<size_t>(r.desk)];
    s_.reports_.push_back(std::move(r));
  }
  void SetPaused(bool p) { s_.paused_ = p; }
  void Extend(int seconds) { s_.extension_ += seconds; }

  void Log(EventType t, int a = 0, int b = 0, int c = 0, uint64_t private_to = 0) {
    s_.Log(t, a, b, c, private_to);
  }
  void ChangeTrust(int from, int to, double delta) { s_.ChangeTrust(from, to, delta); }
  void ApplyWorldEvent(mf::EventKind kind, int seat) { s_.ApplyWorldEvent(kind, seat); }
  void EndPhase() { s_.EndPhase(); }

 private:
  State& s_;
};

namespace act {

inline Result Err(mf::RuleError code, std::string message) {
  return Result::Error(code, std::move(message));
}
inline Result Ok() {
  return Result::Ok();
}
inline std::string Str(int v) {
  return std::to_string(v);
}
inline uint64_t SeatBit(int s) {
  return uint64_t{1} << s;
}
inline bool ValidForm(mf::Form f) {
  return f >= mf::CHAIRS_SUMMARY && f <= mf::BINDING_CONVENTION;
}
inline bool ValidVote(mf::VoteChoice v) {
  return v >= mf::SUPPORT && v <= mf::OBJECT;
}
inline bool ValidPosition(int p) {
  return p >= 0 && p <= 100;
}
inline bool HasDeliverables(const Terms& t) {
  return t.aid > 0 || t.visas > 0 || t.readmission;
}
// "name #id": the description of an action about one object.
inline std::string NameAndId(const Action& a, const char* name) {
  return std::string(name) + " #" + Str(a.id);
}

// Wire helpers shared by several kinds.
bool CommitmentsIn(const google::protobuf::RepeatedField<int>& in, CommitmentSet* out,
                   std::string* error);
void CommitmentsOut(CommitmentSet set, google::protobuf::RepeatedField<int>* out);
bool CorridorIn(const std::string& id, const Scenario& sc, int* out, std::string* error);
std::string CorridorOut(const Action& a, const Scenario& sc);

// The kinds of each file, in the order legal actions are listed.
void AddAgendaActions(std::vector<ActionSpec>* out);        // actions_agenda.cc
void AddDraftingActions(std::vector<ActionSpec>* out);      // actions_drafting.cc
void AddDecisionActions(std::vector<ActionSpec>* out);      // actions_decision.cc
void AddDealActions(std::vector<ActionSpec>* out);          // actions_deals.cc
void AddControlActions(std::vector<ActionSpec>* out);       // actions_control.cc
void AddRegionalActions(std::vector<ActionSpec>* out);      // regional.cc
void AddPressActions(std::vector<ActionSpec>* out);         // press.cc
void AddOrganisationActions(std::vector<ActionSpec>* out);  // actions_organisations.cc

}  // namespace act
}  // namespace mf::rules
