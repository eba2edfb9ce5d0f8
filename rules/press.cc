// Press desks: observers beyond the seats (press or civil society) who read
// the public view and publish short reports that move a state's domestic
// approval (mf::PublishReport). How far a report moves it is earned in the
// game: the public record (pledges kept and broken, deals kept and breached,
// the votes on the texts) bears a report out or not. Criticism of a state
// that broke a pledge or a deal counts more than criticism of one that kept
// them; praise of a state for a text it objected to counts nothing.
#include <algorithm>

#include "rules/editor.h"

namespace mf::rules {

double State::ReportCredibility(int about, bool praise, int text_id) const {
  if (about < 0 || about >= n_) return 0;
  const uint64_t bit = uint64_t{1} << about;
  // The seat's public record: pledges carried out or broken, deals kept or
  // breached in public.
  int kept = 0, broken = 0;
  for (const Text& t : texts_) {
    if (!t.adopted) continue;
    if (t.broken & bit)
      ++broken;
    else if (t.carried[about] > 0)
      ++kept;
  }
  for (const Deal& d : deals_) {
    if (d.status != DealStatus::kAccepted) continue;
    const int8_t mine = d.from == about ? d.from_kept : d.to == about ? d.to_kept : -1;
    if (mine == 1) ++kept;
    if (mine == 0 && d.breach_visible) ++broken;
  }
  const double good = kept, bad = broken;
  const double general =
      praise ? (good + 0.25) / (good + bad + 1.0) : (bad + 0.25) / (good + bad + 1.0);
  if (text_id == 0) return general;
  const Text* t = FindText(text_id);
  if (!t) return 0;
  const bool objected = t->objectors & bit;
  const bool broke = t->broken & bit;
  const bool carries = !broke && t->carried[about] > 0;
  if (praise) {
    if (objected || broke) return 0;  // Praise the record does not bear out.
    return carries ? 1.0 : 0.5 * general;
  }
  if (broke) return 1.0;  // It pledged the text and carried out less.
  if (carries) return 0.1;
  return objected ? 0.5 : general;
}

namespace act {
namespace {

constexpr size_t kMaxReportBytes = 280;

ActionSpec PublishReport() {
  ActionSpec s;
  s.type = ActionType::kPublishReport;
  s.name = "publish report";
  s.doing = "publishing a report";
  s.sender = Sender::kByPress;
  s.phase = mf::PHASE_UNSPECIFIED;  // Any phase but the end (the shared checks).
  s.from_proto = [](const mf::Action& in, const Scenario&, Action* out, std::string* error) {
    const mf::PublishReport& r = in.publish_report();
    out->type = ActionType::kPublishReport;
    out->seat = r.about();
    out->flag = r.praise();
    out->text = r.text();
    out->id = r.text_id();
    if (out->text.size() > kMaxReportBytes || !IsCleanUtf8(out->text)) {
      *error = "a report is at most 280 bytes of UTF-8 text";
      return false;
    }
    return true;
  };
  s.to_proto = [](const Action& a, const Scenario&, mf::Action* out) {
    auto* r = out->mutable_publish_report();
    r->set_about(a.seat);
    r->set_praise(a.flag);
    r->set_text(a.text);
    r->set_text_id(a.id);
  };
  s.describe = [](const Action& a, const Scenario& sc) {
    const std::string who = a.seat >= 0 && a.seat < sc.num_seats()
                                ? sc.seats()[static_cast<size_t>(a.seat)].name
                                : "seat " + Str(a.seat);
    return std::string(a.flag ? "praise " : "criticise ") + who +
           (a.id ? " on text #" + Str(a.id) : std::string());
  };
  s.check = [](const State& st, int, const Action& a) {
    if (a.seat < 0 || a.seat >= st.num_seats())
      return Err(mf::NOT_FOUND, "no seat " + Str(a.seat) + " to report on");
    if (st.scenario().IsOrganisation(a.seat))
      return Err(mf::NOT_ALLOWED, st.scenario().seats()[static_cast<size_t>(a.seat)].name +
                                      " is an organisation: press reports move a state's "
                                      "approval at home, and organisations have none");
    if (a.text.empty()) return Err(mf::MALFORMED, "write the report (up to 280 characters)");
    if (a.id != 0) {
      const Text* t = st.FindText(a.id);
      if (!t || !t->adopted) return Err(mf::NOT_FOUND, "text " + Str(a.id) + " was not adopted");
    }
    return Ok();
  };
  s.apply = [](StateEditor& e, int actor, const Action& a) {
    const State& st = e.state();
    PressReport r;
    r.desk = PressDesk(actor);
    r.cycle = st.cycle();
    r.phase = st.phase();
    r.about = a.seat;
    r.praise = a.flag;
    r.text = a.text;
    r.text_id = a.id;
    r.credibility = st.ReportCredibility(a.seat, a.flag, a.id);
    SeatState& subject = e.seat(a.seat);
    const double before = subject.approval;
    const double delta =
        (a.flag ? 1.0 : -1.0) * st.scenario().params().press_effect * r.credibility;
    subject.approval = std::min(0.95, std::max(0.05, subject.approval + delta));
    r.effect = subject.approval - before;
    const int index = static_cast<int>(st.reports().size());
    e.AddReport(std::move(r));
    e.Log(EventType::kPressReport, PressDesk(actor), a.seat, index);
  };
  s.enumerate = [](const State& st, int, std::vector<Action>* out) {
    for (int seat = 0; seat < st.num_seats(); ++seat)
      for (bool praise : {true, false}) {
        if (st.scenario().IsOrganisation(seat)) break;
        Action a = Action::Make(ActionType::kPublishReport);
        a.seat = seat;
        a.flag = praise;
        a.text = praise ? "Kept its word." : "Says one thing, does another.";
        out->push_back(a);
      }
  };
  return s;
}

}  // namespace

void AddPressActions(std::vector<ActionSpec>* out) {
  out->push_back(PublishReport());
}

}  // namespace act
}  // namespace mf::rules
