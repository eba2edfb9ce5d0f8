#include "client/replay.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "rules/view.h"

namespace mf::client {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ActorWords(const rules::Scenario& sc, int actor) {
  if (actor == rules::kFacilitator) return "the facilitator";
  if (actor == rules::kClock) return "the clock";
  if (actor >= 0 && actor < sc.num_seats()) return sc.seats()[actor].name;
  return "actor " + std::to_string(actor);
}

}  // namespace

ReplayConnection::ReplayConnection(ReplayRecord record, int viewer,
                                   std::shared_ptr<const rules::Scenario> sc, int every)
    : record_(std::move(record)),
      viewer_(viewer),
      every_(std::max(1, every)),
      scenario_(sc),
      cur_(sc, record_.log.seed(), record_.log.press_desks()) {}

std::unique_ptr<ReplayConnection> ReplayConnection::Open(ReplayRecord record, int viewer,
                                                         std::string* error, int checkpoint_every) {
  const mf::GameLog& gl = record.log;
  rules::LoadResult r = gl.scenario_text().empty()
                            ? rules::LoadEmbeddedScenario(gl.scenario())
                            : rules::LoadScenario(gl.scenario_text(), "the record's scenario");
  if (!r.ok()) {
    std::string all;
    for (const std::string& e : r.errors) all += (all.empty() ? "" : "; ") + e;
    *error = "the record's scenario does not load: " +
             (all.empty() ? "no scenario named '" + gl.scenario() + "'" : all);
    return nullptr;
  }
  const int n = r.scenario->num_seats();
  if (viewer >= n || viewer < rules::kSpectatorView) {
    *error = "no seat " + std::to_string(viewer) + " in " + r.scenario->id() + " (seats 0.." +
             std::to_string(n - 1) + ", -1 the facilitator, -2 a spectator)";
    return nullptr;
  }
  std::unique_ptr<ReplayConnection> c(
      new ReplayConnection(std::move(record), viewer, r.scenario, checkpoint_every));
  if (!c->Build(error)) return nullptr;
  c->inbox_.SetLink(Link::kReplay, "replay: " + c->record_.source);
  c->Publish();
  return c;
}

bool ReplayConnection::Build(std::string* error) {
  if (!rules::FromGameLog(record_.log, *scenario_, &log_, error)) {
    *error = "the record's log is malformed: " + *error;
    return false;
  }
  if (record_.action_ms.size() != log_.size()) record_.action_ms.clear();
  rules::State st(scenario_, record_.log.seed(), record_.log.press_desks());
  const size_t n = log_.size();
  checkpoints_.clear();
  checkpoints_.reserve(n / static_cast<size_t>(every_) + 1);
  checkpoints_.push_back(st);
  phase_at_.assign(1, static_cast<uint8_t>(st.phase()));
  cycle_at_.assign(1, static_cast<int16_t>(st.cycle()));
  phase_at_.reserve(n + 1);
  cycle_at_.reserve(n + 1);
  phase_starts_.assign(1, 0);
  marks_.clear();
  size_t seen_events = st.events().size();
  int serial = st.phase_serial();
  for (size_t i = 0; i < n; ++i) {
    const rules::LoggedAction& la = log_[i];
    const rules::Result res = st.Apply(la.actor, la.action);
    if (!res.ok()) {
      *error = "entry " + std::to_string(i + 1) + " of the log (" +
               rules::ActionTypeName(la.action.type) + " by " + ActorWords(*scenario_, la.actor) +
               ") was refused: " + res.message;
      return false;
    }
    const int pos = static_cast<int>(i) + 1;
    phase_at_.push_back(static_cast<uint8_t>(st.phase()));
    cycle_at_.push_back(static_cast<int16_t>(st.cycle()));
    if (st.phase_serial() != serial) {
      serial = st.phase_serial();
      phase_starts_.push_back(pos);
      ReplayMark m;
      m.pos = pos;
      m.phase = st.phase();
      m.cycle = st.cycle();
      if (st.cycle() != cycle_at_[static_cast<size_t>(pos) - 1]) {
        m.kind = ReplayMark::Kind::kCycle;
        m.text = "Cycle " + std::to_string(st.cycle()) + " begins";
      } else {
        m.kind = ReplayMark::Kind::kPhase;
        m.text = std::string(rules::PhaseName(st.phase())) + " begins";
        const int theme = st.current_theme();
        if (theme >= 0 && theme < scenario_->num_themes() && st.phase() != mf::GAME_OVER &&
            st.phase() != mf::CIVIL_SOCIETY)
          m.text += " (" + scenario_->themes()[theme].name + ")";
      }
      marks_.push_back(std::move(m));
    }
    const std::vector<rules::EventRec>& events = st.events();
    for (size_t k = seen_events; k < events.size(); ++k) {
      const rules::EventRec& e = events[k];
      if (e.type != rules::EventType::kAdopted && e.type != rules::EventType::kRejected) continue;
      ReplayMark m;
      m.pos = pos;
      m.kind = e.type == rules::EventType::kAdopted ? ReplayMark::Kind::kAdopted
                                                    : ReplayMark::Kind::kRejected;
      m.phase = e.phase;
      m.cycle = e.cycle;
      m.text = rules::DescribeEvent(st, e);
      marks_.push_back(std::move(m));
    }
    seen_events = events.size();
    if (pos % every_ == 0) checkpoints_.push_back(st);
  }
  if (record_.expected_hash != 0 && st.Hash() != record_.expected_hash) {
    *error = "the record does not replay to the state the server recorded (hash " +
             std::to_string(st.Hash()) + ", expected " + std::to_string(record_.expected_hash) +
             ")";
    return false;
  }
  cur_ = checkpoints_.front();
  pos_ = 0;
  return true;
}

void ReplayConnection::Seek(int pos) {
  pos = std::clamp(pos, 0, size());
  const int k = pos / every_;
  const int from_checkpoint = pos - k * every_;
  int start = pos_;
  if (pos < pos_ || pos - pos_ > from_checkpoint) {
    cur_ = checkpoints_[static_cast<size_t>(k)];
    start = k * every_;
  }
  for (int i = start; i < pos; ++i) {
    const rules::LoggedAction& la = log_[static_cast<size_t>(i)];
    cur_.Apply(la.actor, la.action);  // Accepted when the log was indexed.
  }
  last_applied_ = pos - start;
  pos_ = pos;
  Publish();
}

int ReplayConnection::NextPhase(int pos) const {
  auto it = std::upper_bound(phase_starts_.begin(), phase_starts_.end(), pos);
  return it == phase_starts_.end() ? size() : *it;
}

int ReplayConnection::PrevPhase(int pos) const {
  // The greatest phase start before `pos`: the start of the phase `pos` is
  // in when it is past that start, else the start of the phase before.
  auto it = std::lower_bound(phase_starts_.begin(), phase_starts_.end(), pos);
  return it == phase_starts_.begin() ? 0 : *(it - 1);
}

mf::Phase ReplayConnection::PhaseAt(int pos) const {
  pos = std::clamp(pos, 0, size());
  return static_cast<mf::Phase>(phase_at_[static_cast<size_t>(pos)]);
}

int ReplayConnection::CycleAt(int pos) const {
  pos = std::clamp(pos, 0, size());
  return cycle_at_[static_cast<size_t>(pos)];
}

int ReplayConnection::cycles() const {
  return scenario_->cycles();
}

std::string ReplayConnection::Label(int pos) const {
  pos = std::clamp(pos, 0, size());
  return "cycle " + std::to_string(CycleAt(pos)) + " · " + Lower(rules::PhaseName(PhaseAt(pos))) +
         " · action " + std::to_string(pos) + "/" + std::to_string(size());
}

mf::View ReplayConnection::CurrentView() const {
  mf::View v;
  rules::MakeView(rules::SeatView(cur_, viewer_), &v);
  return v;
}

bool ReplayConnection::ChatVisible(const ChatLine& line) const {
  mf::Channel channel;
  switch (line.channel.to) {
    case Channel::To::kEveryone:
      channel.set_everyone(true);
      break;
    case Channel::To::kSeat:
      channel.set_seat(line.channel.seat);
      break;
    case Channel::To::kCaucus:
      channel.set_caucus(line.channel.caucus);
      break;
  }
  return rules::CanSeeMessage(*scenario_, viewer_, line.from, channel);
}

void ReplayConnection::Publish() {
  auto view = std::make_shared<mf::View>(CurrentView());
  inbox_.SetView(std::move(view), 0);
  if (record_.chat.empty() || record_.action_ms.empty()) return;
  // The messages sent before the current action (by the record's times).
  const int64_t until = pos_ == 0 ? INT64_MIN : record_.action_ms[static_cast<size_t>(pos_) - 1];
  std::vector<ChatLine> shown;
  for (const ChatLine& line : record_.chat)
    if (line.sent_unix_ms <= until && ChatVisible(line)) shown.push_back(line);
  inbox_.SetChat(std::move(shown));
}

void ReplayConnection::Send(const mf::Action&, uint64_t, const std::string&) {
  inbox_.SetError("this is a replay of a recorded session: nothing is played");
}

void ReplayConnection::SendChat(const Channel&, const std::string&) {
  inbox_.SetError("this is a replay of a recorded session: nothing is sent");
}

std::optional<std::string> ReplayConnection::Check(const mf::Action&) const {
  return std::string("this is a replay: nothing can be played");
}

std::string ReplayConnection::Describe() const {
  return "replay · " + record_.source;
}

}  // namespace mf::client
