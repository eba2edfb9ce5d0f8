// Press desks: the press panel (a desk's "Your move": a state, praise or
// criticism, an adopted text or the state's record, the report's words and
// Publish, greyed by the engine's verdict on kind 27), the list of recent
// reports everyone reads, and a destination's walk-out of a vote (kind 28).
#include <algorithm>

#include "client/app.h"
#include "client/style.h"
#include "client/view_util.h"

namespace mf::client {
namespace {

constexpr size_t kReportBytes = 280;  // mf.PublishReport.text: up to 280 bytes of UTF-8.

// The states a desk may report on (organisations have no approval at home).
std::vector<int> States(const mf::View& v) {
  std::vector<int> out;
  for (const mf::SeatPublic& s : v.seats())
    if (s.kind() != mf::SEAT_ORGANISATION) out.push_back(s.index());
  return out;
}

// The adopted texts a report may be about (0: the state's record in general).
std::vector<int> AdoptedTexts(const mf::View& v) {
  std::vector<int> out{0};
  for (const mf::Text& t : v.texts())
    if (t.adopted()) out.push_back(t.id());
  return out;
}

const mf::Text* TextById(const mf::View& v, int id) {
  for (const mf::Text& t : v.texts())
    if (t.id() == id) return &t;
  return nullptr;
}

// "+2.1 points" / "-0.4 points" of approval at home.
std::string Points(double effect) {
  const int tenths = static_cast<int>(effect * 1000 + (effect >= 0 ? 0.5 : -0.5));
  const int a = std::abs(tenths);
  return std::string(tenths > 0   ? "+"
                     : tenths < 0 ? "\u2212"
                                  : "") +
         std::to_string(a / 10) + "." + std::to_string(a % 10) + " points";
}

}  // namespace

void App::DrawPressPanel(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float gap = ui.P(6);
  auto label = [&](const std::string& text) {
    ui.TextIn(text, r.TakeTop(ui.P(20)), 12, colour::kMuted, true);
  };
  const std::vector<int> states = States(v);
  if (states.empty()) return;
  if (std::find(states.begin(), states.end(), compose_.press_about) == states.end())
    compose_.press_about = states.front();
  // The state: a grid of names (a picker with arrows beyond 12 states).
  label("REPORT ON");
  if (states.size() <= 12) {
    const int cols = 3;
    const float bw = (r.w - gap * (cols - 1)) / cols;
    for (size_t i = 0; i < states.size(); i += cols) {
      Rect line = r.TakeTop(ui.P(26));
      r.TakeTop(gap / 2);
      for (size_t k = i; k < i + cols && k < states.size(); ++k) {
        Rect b = line.TakeLeft(bw);
        line.TakeLeft(gap);
        const int seat = states[k];
        ui.Mark("press.state." + std::to_string(seat), b);
        if (ui.Button(b, ShortName(SeatName(v, seat)),
                      seat == compose_.press_about ? ButtonKind::kSelected : ButtonKind::kNormal,
                      "", sf::Keyboard::Unknown, "Report on " + SeatName(v, seat)))
          compose_.press_about = seat;
      }
    }
  } else {
    Rect line = r.TakeTop(ui.P(28));
    r.TakeTop(gap / 2);
    const auto at = std::find(states.begin(), states.end(), compose_.press_about) - states.begin();
    const size_t n = states.size();
    if (ui.Button(line.TakeLeft(ui.P(32)), "<"))
      compose_.press_about = states[(static_cast<size_t>(at) + n - 1) % n];
    if (ui.Button(line.TakeRight(ui.P(32)), ">"))
      compose_.press_about = states[(static_cast<size_t>(at) + 1) % n];
    ui.TextIn(SeatName(v, compose_.press_about), line, 13, colour::kText, true, Align::kCentre);
  }
  r.TakeTop(gap);
  // Praise or criticism.
  {
    Rect line = r.TakeTop(ui.P(30));
    const float half = (line.w - gap) / 2;
    Rect praise = line.TakeLeft(half);
    line.TakeLeft(gap);
    ui.Mark("press.praise", praise);
    ui.Mark("press.criticise", line);
    if (ui.Button(praise, "Praise", compose_.press_praise ? ButtonKind::kGood : ButtonKind::kNormal,
                  "", sf::Keyboard::Unknown,
                  "Praise counts as far as the record bears it out: nothing for a text the state "
                  "objected to or broke"))
      compose_.press_praise = true;
    if (ui.Button(line, "Criticise",
                  compose_.press_praise ? ButtonKind::kNormal : ButtonKind::kDanger, "",
                  sf::Keyboard::Unknown,
                  "Criticism of a state that broke a pledge or a deal counts more than of one "
                  "that kept them"))
      compose_.press_praise = false;
  }
  r.TakeTop(gap);
  // What it is about: the state's record, or one adopted text.
  {
    const std::vector<int> texts = AdoptedTexts(v);
    auto at = std::find(texts.begin(), texts.end(), compose_.press_text_id);
    if (at == texts.end()) {
      compose_.press_text_id = 0;
      at = texts.begin();
    }
    const size_t i = static_cast<size_t>(at - texts.begin()), n = texts.size();
    Rect line = r.TakeTop(ui.P(28));
    ui.Mark("press.about", line);
    const std::string why = n > 1 ? "" : "No text has been adopted yet";
    if (ui.Button(line.TakeLeft(ui.P(32)), "<", ButtonKind::kNormal, why))
      compose_.press_text_id = texts[(i + n - 1) % n];
    if (ui.Button(line.TakeRight(ui.P(32)), ">", ButtonKind::kNormal, why))
      compose_.press_text_id = texts[(i + 1) % n];
    const mf::Text* t = TextById(v, compose_.press_text_id);
    const std::string about =
        t ? "On: " + (t->label().empty() ? "text #" + std::to_string(t->id()) : t->label())
          : "On: its record in general";
    ui.TextIn(about, line.Inset(ui.P(6), 0), 12, colour::kText, false, Align::kCentre);
    if (t && ui.Hover(line)) ui.Tip(t->label());
  }
  r.TakeTop(gap);
  // The words.
  const Rect field = r.TakeTop(ui.P(36));
  ui.Mark("press.text", field);
  const bool enter = ui.Field("press_text", field, &compose_.press_text,
                              "Write the report (up to 280 characters)", kReportBytes);
  const std::string words = ToUtf8(compose_.press_text);
  ui.TextIn(std::to_string(words.size()) + " / " + std::to_string(kReportBytes),
            r.TakeTop(ui.P(16)), 10.5f, colour::kMuted, false, Align::kRight);
  mf::Action a;
  auto* p = a.mutable_publish_report();
  p->set_about(compose_.press_about);
  p->set_praise(compose_.press_praise);
  p->set_text(words);
  p->set_text_id(compose_.press_text_id);
  // The engine's verdict on kind 27 first (e.g. the desk's reports of this
  // phase are spent); then the words the report still lacks.
  std::string why = WhyNot(a);
  if (why.empty() && words.empty()) why = "write the report first (up to 280 characters)";
  const Rect button = r.TakeTop(ui.P(38));
  ui.Mark("button.publish", button);
  const bool clicked =
      ui.Button(button,
                std::string(compose_.press_praise ? "Publish the praise of "
                                                  : "Publish the "
                                                    "criticism of ") +
                    ShortName(SeatName(v, compose_.press_about)),
                ButtonKind::kPrimary, why, sf::Keyboard::Unknown,
                "Public: it moves the state's approval at home as far as the public record "
                "bears it out");
  if (clicked || (enter && why.empty())) {
    Send(a);
    compose_.press_text.clear();
  }
  r.TakeTop(gap);
  ui.TextIn(std::to_string(v.press_reports_left()) +
                (v.press_reports_left() == 1 ? " report" : " reports") + " left in this phase",
            r.TakeTop(ui.P(18)), 12, colour::kMuted);
  // This desk's own reports, newest first, with what they did.
  bool any = false;
  for (int k = v.press_reports_size() - 1; k >= 0 && r.h >= ui.P(40); --k) {
    const mf::PressReport& rep = v.press_reports(k);
    if (rep.desk() != v.press_desk()) continue;
    if (!any) {
      r.TakeTop(gap);
      label("YOUR DESK'S REPORTS");
    }
    any = true;
    ui.Paragraph(std::string(rep.praise() ? "Praised " : "Criticised ") +
                     ShortName(SeatName(v, rep.about())) + " (" + PhaseWord(rep.phase()) +
                     ", cycle " + std::to_string(rep.cycle()) + "): " + Points(rep.effect()) +
                     " at home",
                 r.TakeTop(ui.P(36)), 12, rep.praise() ? colour::kGood : colour::kBad, false, 2);
  }
}

void App::DrawPressReports(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  Rect in = Panel(r, "PRESS REPORTS");
  ui.Mark("press.reports", r);
  if (v.press_reports_size() == 0) {
    ui.Paragraph(v.press_desks() > 0
                     ? "No press desk has published yet. Reports are public; each moves a "
                       "state's approval at home as far as the public record bears it out."
                     : "This session has no press desk.",
                 in, 12.5f, colour::kMuted, false, 4);
    return;
  }
  for (int k = v.press_reports_size() - 1; k >= 0; --k) {
    const mf::PressReport& rep = v.press_reports(k);
    if (in.h < ui.P(58)) break;
    std::string head = "Desk " + std::to_string(rep.desk() + 1) +
                       (rep.praise() ? " praises " : " criticises ") + SeatName(v, rep.about());
    if (rep.text_id() != 0) {
      const mf::Text* t = TextById(v, rep.text_id());
      head += " on " +
              (t && !t->label().empty() ? t->label() : "text #" + std::to_string(rep.text_id()));
    }
    Rect row = in.TakeTop(ui.P(58));
    in.TakeTop(ui.P(4));
    ui.Box(row, colour::kPanelAlt, ui.P(6));
    ui.Box({row.x, row.y, ui.P(4), row.h}, rep.praise() ? colour::kGood : colour::kBad, ui.P(2));
    ui.Mark("press.report." + std::to_string(k), row);
    Rect body = row.Inset(ui.P(10), ui.P(4));
    ui.TextIn(head, body.TakeTop(ui.P(17)), 12, colour::kText, true);
    ui.TextIn("\u201c" + rep.text() + "\u201d", body.TakeTop(ui.P(17)), 12, colour::kText);
    ui.TextIn("Cycle " + std::to_string(rep.cycle()) + ", " + PhaseWord(rep.phase()) +
                  " · the record bears it out " + Percent(rep.credibility()) + " · " +
                  Points(rep.effect()) + " of approval at home",
              body.TakeTop(ui.P(16)), 10.5f, colour::kMuted);
    if (ui.Hover(row)) ui.Tip(rep.text());
  }
}

// A destination's walk-out (kind 28): shown while the view carries the
// engine's verdict on it (a state in Decision), greyed with its reason when
// refused (a consensus forum, not a destination, already out).
void App::DrawWalkOut(Rect& r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  bool listed = false;
  for (const mf::Verdict& x : v.verdicts())
    if (x.kind() == mf::Action::kWalkOut) listed = true;
  if (!listed || r.h < ui.P(40)) return;
  mf::Action a;
  a.mutable_walk_out();
  r.TakeTop(ui.P(4));
  const Rect button = r.TakeTop(ui.P(32));
  r.TakeTop(ui.P(6));
  ui.Mark("button.walk_out", button);
  ActionButton(button, "Walk out of the vote (not bound)", a, ButtonKind::kNormal,
               sf::Keyboard::Unknown,
               "You cast no vote and the text does not bind you (no pledge, no ratification); "
               "every other state trusts you less, and approval at home rises a little.");
}

}  // namespace mf::client
