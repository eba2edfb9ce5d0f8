// The "Your move" panel: what to do now, in a sentence, and the controls of
// the current phase. Every button asks the rules whether it is legal and is
// greyed out with the reason when it is not.
#include <algorithm>

#include "client/app.h"
#include "client/style.h"
#include "client/view_util.h"
#include "rules/catalogue.h"
#include "rules/scenario.h"

namespace mf::client {
namespace {

std::string Names(const mf::View& v, const std::vector<int>& seats, size_t max) {
  std::string out;
  for (size_t i = 0; i < seats.size() && i < max; ++i)
    out += (i ? ", " : "") + ShortName(SeatName(v, seats[i]));
  if (seats.size() > max) out += " and " + std::to_string(seats.size() - max) + " more";
  return out;
}

bool Has(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void Flip(std::vector<int>* v, int x) {
  auto it = std::find(v->begin(), v->end(), x);
  if (it == v->end())
    v->push_back(x);
  else
    v->erase(it);
}

// Why the forum refuses texts in form `f` (empty when it adopts them): the
// engine's sentence, from the forms the view says the forum adopts.
std::string FormWhyNot(const mf::View& v, mf::Form f) {
  if (v.allowed_forms_size() == 0) return "";
  uint32_t mask = 0;
  for (int x : v.allowed_forms()) mask |= 1u << x;
  if ((mask >> f) & 1) return "";
  return rules::FormRefusal(mask, v.forms_reason(), f);
}

mf::Action ReadyAction() {
  mf::Action a;
  a.mutable_ready();
  return a;
}

}  // namespace

float App::DrawHint(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const mf::SeatPublic* me = Me(v);
  std::string what, waiting;
  std::vector<int> not_ready = NotReady(v);
  not_ready.erase(std::remove(not_ready.begin(), not_ready.end(), v.viewer()), not_ready.end());
  const mf::Theme* theme = FindTheme(v, v.current_theme());
  const std::string theme_name = theme ? theme->name() : "this item";
  std::vector<int> chairs = CoChairs(v);
  if (replay_) {
    what =
        "This is a replay of a finished session: nothing can be played. Step through it with "
        "the timeline below (← → an action, Shift a phase, Space plays).";
  } else if (IsFacilitator(v)) {
    what = PhaseWord(v.phase()) + ". " +
           std::to_string(v.seats_size() - static_cast<int>(not_ready.size())) + " of " +
           std::to_string(v.seats_size()) + " states are ready.";
  } else if (IsPress(v)) {
    what = v.phase() == mf::GAME_OVER
               ? "The forum is over: no more reports."
               : "You are press desk " + std::to_string(v.press_desk() + 1) +
                     ": pick a state, praise or criticise it, and publish. A report moves its "
                     "approval at home as far as the public record bears it out.";
  } else if (!me) {
    what = "You are watching.";
  } else if (v.phase() == mf::GAME_OVER) {
    what = "The forum is over. The Final tab has the ranking.";
  } else if (v.paused()) {
    what = "The facilitator has paused the session. Read your brief or the table meanwhile.";
  } else if (me->ready()) {
    what = "You are done with this phase.";
  } else if (me->kind() == mf::SEAT_ORGANISATION) {
    // An organisation does not vote, ratify or pledge.
    switch (v.phase()) {
      case mf::CIVIL_SOCIETY:
        what = "Table a recommendation on each item (the states endorse them), then press Ready.";
        break;
      case mf::DECISION:
        what =
            "Organisations do not vote: lobby the states that have not yet supported the draft "
            "(2 political capital each), then press Ready.";
        break;
      case mf::IMPLEMENTATION:
        what =
            "Run projects for states (3 political capital; the more core funding you have had, "
            "the more each does), then press Ready.";
        break;
      default:
        what = "Address the roundtable, talk to the states, then press Ready.";
        break;
    }
  } else {
    switch (v.phase()) {
      case mf::CIVIL_SOCIETY:
        what =
            "Civil society has published its recommendations. Endorse those you can live with, "
            "then press Ready.";
        if (me->host()) what += " You host this cycle: you may put one item first.";
        break;
      case mf::STATEMENTS:
        what = "Say where " + me->name() + " stands on " + theme_name +
               ": choose a position (the gold star is what you want) and add a sentence. Then "
               "press Ready.";
        break;
      case mf::DRAFTING:
        if (me->co_chair())
          what = DraftTabled(v) ? "You co-chair: accept or reject the amendments, then press Ready."
                                : "You co-chair this roundtable: table the draft (position, form, "
                                  "commitments), then press Ready.";
        else
          what = "The co-chairs " + Names(v, chairs, 2) +
                 " write the draft. Propose an amendment (1 political capital) or make a side "
                 "deal, then press Ready.";
        break;
      case mf::DECISION:
        what = "Vote on the draft: " + VoteWord(v.decision_rule(), mf::SUPPORT) + ", " +
               VoteWord(v.decision_rule(), mf::STAND_ASIDE) + " or " +
               VoteWord(v.decision_rule(), mf::OBJECT) + ". " + RuleSentence(v);
        break;
      case mf::RATIFICATION:
        what =
            "A binding convention was adopted. Ratify it (it binds only those who ratify, at a "
            "cost in sovereignty) or decline.";
        break;
      case mf::IMPLEMENTATION:
        what =
            "Decide how far you carry out what was adopted, how hard you police your border, "
            "and whether you keep your deals. Then press Ready.";
        break;
      default:
        break;
    }
  }
  if (IsPress(v) && !replay_) {
    // A desk is never waited for: the phase ends when the states are ready.
    waiting = std::to_string(v.press_reports_left()) +
              (v.press_reports_left() == 1 ? " report" : " reports") + " left in this phase.";
  } else if (!not_ready.empty() && v.phase() != mf::GAME_OVER)
    waiting = "Waiting for " + Names(v, not_ready, 4) + ".";
  else if (v.phase() != mf::GAME_OVER)
    waiting = me && !me->ready() ? "Everyone else is ready: the phase ends when you are."
                                 : "Everyone is ready.";
  if (replay_)
    waiting = v.phase() == mf::GAME_OVER ? "The session is over: this is its final state."
              : not_ready.empty()
                  ? "At this moment everyone was ready."
                  : "At this moment the forum was waiting for " + Names(v, not_ready, 4) + ".";
  const float size = 13.5f;
  const Rect text{r.x + ui.P(12), r.y, r.w - ui.P(20), r.h};
  const float h1 = ui.Paragraph(what, text, size, colour::kText, true, 5, false);
  const float h2 =
      waiting.empty() ? 0 : ui.Paragraph(waiting, text, 12, colour::kMuted, false, 2, false);
  Rect box{r.x, r.y, r.w, h1 + h2 + ui.P(20)};
  ui.Box(box, Mix(colour::kAccent, sf::Color::White, 0.88f), ui.P(8));
  ui.Box({box.x, box.y, ui.P(4), box.h}, colour::kAccent, ui.P(2));
  ui.Paragraph(what, {box.x + ui.P(12), box.y + ui.P(8), box.w - ui.P(20), h1}, size, colour::kText,
               true, 5);
  if (!waiting.empty())
    ui.Paragraph(waiting, {box.x + ui.P(12), box.y + ui.P(10) + h1, box.w - ui.P(20), h2}, 12,
                 colour::kMuted, false, 2);
  ui.Mark("hint", box);
  return box.h;
}

void App::DrawActionPanel(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  Rect in = Panel(r, IsFacilitator(v) ? "RUN THE SESSION" : "YOUR MOVE");
  ui.Mark("panel", r);
  const float h = DrawHint(in);
  in.TakeTop(h + ui.P(10));
  if (IsPlayer(v) && v.phase() != mf::GAME_OVER) {
    Rect ready = in.TakeBottom(ui.P(44));
    in.TakeBottom(ui.P(8));
    const mf::SeatPublic* me = Me(v);
    const std::string label =
        me && me->ready() ? "Ready - waiting for the others" : "I'm done: Ready";
    ActionButton(ready, label, ReadyAction(), ButtonKind::kGood, sf::Keyboard::R,
                 "Say you are done with this phase. It ends when every state is ready or the "
                 "clock runs out.");
    ui.Mark("button.ready", ready);
  }
  DrawPhaseControls(in);
}

void App::DrawPhaseControls(Rect r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const float row = ui.P(32);
  const float gap = ui.P(6);
  const mf::Theme* theme = FindTheme(v, v.current_theme());
  if (IsFacilitator(v)) {
    mf::Action a;
    Rect line = r.TakeTop(row);
    const float w = (line.w - 2 * gap) / 3;
    if (v.paused()) {
      a.mutable_resume();
      ActionButton(line.TakeLeft(w), "Resume", a, ButtonKind::kGood, sf::Keyboard::P);
    } else {
      a.mutable_pause();
      ActionButton(line.TakeLeft(w), "Pause", a, ButtonKind::kNormal, sf::Keyboard::P);
    }
    line.TakeLeft(gap);
    mf::Action adv;
    adv.mutable_advance();
    ActionButton(line.TakeLeft(w), "Advance", adv, ButtonKind::kPrimary, sf::Keyboard::A,
                 "End this phase now");
    line.TakeLeft(gap);
    mf::Action ext;
    ext.mutable_extend()->set_seconds(60);
    ActionButton(line, "+1 min", ext, ButtonKind::kNormal, sf::Keyboard::E,
                 "Give this phase one more minute");
    r.TakeTop(gap * 2);
    ui.Paragraph(
        "Hand seats to bots, inject world events and read every channel in the Control "
        "tab (C). Click a seat to see its secret brief in My brief.",
        r, 12, colour::kMuted, false, 4);
    return;
  }
  if (IsPress(v)) {
    if (v.phase() != mf::GAME_OVER) DrawPressPanel(r);
    return;
  }
  if (!IsPlayer(v)) return;
  const mf::SeatPublic* me = Me(v);
  auto label = [&](const std::string& text) {
    ui.TextIn(text, r.TakeTop(ui.P(20)), 12, colour::kMuted, true);
  };
  // An organisation (IOM, UNHCR, ILO, OHCHR, civil society) recommends,
  // lobbies the states and runs projects; it does not vote, ratify or
  // pledge. Its buttons carry the engine's verdicts like every other.
  if (me && me->kind() == mf::SEAT_ORGANISATION && v.phase() != mf::STATEMENTS) {
    // A grid of one button per state.
    auto per_state = [&](const std::string& verb, auto&& make) {
      const int cols = 2;
      const float bw = (r.w - gap * (cols - 1)) / cols;
      int col = 0;
      Rect line;
      for (const mf::SeatPublic& s : v.seats()) {
        if (s.kind() == mf::SEAT_ORGANISATION) continue;
        if (col == 0) {
          if (r.h < ui.P(26)) break;
          line = r.TakeTop(ui.P(26));
          r.TakeTop(gap / 2);
        }
        Rect b = line.TakeLeft(bw);
        line.TakeLeft(gap);
        ActionButton(b, verb + " " + s.name(), make(s.index()), ButtonKind::kNormal);
        col = (col + 1) % cols;
      }
    };
    switch (v.phase()) {
      case mf::CIVIL_SOCIETY:
        label("RECOMMEND TO THE STATES (THEY ENDORSE)");
        for (const std::string& theme : v.agenda()) {
          if (r.h < row) break;
          const mf::Stance* st = StanceOn(v.brief(), theme);
          const mf::Theme* t = FindTheme(v, theme);
          const int pos = st ? st->ideal() : 50;
          mf::Action a;
          a.mutable_recommend()->set_theme(theme);
          a.mutable_recommend()->set_position(pos);
          ActionButton(r.TakeTop(row), (t ? t->name() : theme) + " at " + std::to_string(pos), a,
                       ButtonKind::kNormal);
          r.TakeTop(gap);
        }
        break;
      case mf::DECISION:
        label("LOBBY A STATE TO SUPPORT THE DRAFT (2 CAPITAL)");
        per_state("Lobby", [&](int seat) {
          mf::Action a;
          a.mutable_lobby()->set_seat(seat);
          a.mutable_lobby()->set_text(v.draft().id());
          return a;
        });
        break;
      case mf::IMPLEMENTATION:
        label("RUN A PROJECT (3 CAPITAL; CORE FUNDING RAISES ITS EFFECT)");
        per_state("Project in", [&](int seat) {
          mf::Action a;
          a.mutable_offer_project()->set_seat(seat);
          return a;
        });
        break;
      default:
        ui.Paragraph(
            "Organisations do not ratify: lobby in Decision, run projects in "
            "Implementation.",
            r, 12.5f, colour::kMuted, false, 4);
        break;
    }
    return;
  }
  switch (v.phase()) {
    case mf::CIVIL_SOCIETY: {
      label("CIVIL SOCIETY RECOMMENDS");
      for (const mf::Recommendation& rec : v.recommendations()) {
        if (r.h < row) break;
        Rect line = r.TakeTop(row);
        r.TakeTop(gap);
        mf::Action a;
        a.mutable_endorse()->set_recommendation(rec.id());
        Rect b = line.TakeRight(ui.P(96));
        const mf::Theme* t = FindTheme(v, rec.theme());
        ui.TextIn((t ? t->name() : rec.theme()) + " at " + std::to_string(rec.position()), line,
                  12.5f, colour::kText);
        if (ui.Hover(line) && t) ui.Tip(rec.text());
        ActionButton(b, "Endorse", a, ButtonKind::kNormal);
      }
      if (me && me->host() && v.agenda_size() > 1 && r.h > row * 2) {
        r.TakeTop(gap);
        label("YOU HOST: PUT AN ITEM FIRST");
        for (int i = 1; i < v.agenda_size() && r.h >= row; ++i) {
          mf::Action a;
          a.mutable_prioritise()->set_theme(v.agenda(i));
          const mf::Theme* t = FindTheme(v, v.agenda(i));
          ActionButton(r.TakeTop(row), "First: " + (t ? t->name() : v.agenda(i)), a);
          r.TakeTop(gap);
        }
      }
      break;
    }
    case mf::STATEMENTS: {
      label("YOUR POSITION ON " + (theme ? theme->name() : std::string("THE ITEM")));
      Rect line = r.TakeTop(row);
      Rect value = line.TakeRight(ui.P(44));
      ui.Slider("statement", line, &compose_.statement_pos, 0, 100, colour::kAccent);
      ui.TextIn(std::to_string(compose_.statement_pos), value, 18, colour::kText, true,
                Align::kCentre);
      if (theme) {
        Rect ends = r.TakeTop(ui.P(18));
        ui.TextIn(theme->low_label(), {ends.x, ends.y, ends.w / 2, ends.h}, 10.5f, colour::kMuted);
        ui.TextIn(theme->high_label(), {ends.x + ends.w / 2, ends.y, ends.w / 2 - ui.P(44), ends.h},
                  10.5f, colour::kMuted, false, Align::kRight);
      }
      r.TakeTop(gap);
      const bool enter = ui.Field("statement_text", r.TakeTop(ui.P(36)), &compose_.statement_text,
                                  "Add a sentence (optional)", 280);
      r.TakeTop(gap);
      mf::Action a;
      a.mutable_statement()->set_position(compose_.statement_pos);
      a.mutable_statement()->set_text(ToUtf8(compose_.statement_text));
      const Rect button = r.TakeTop(ui.P(38));
      ui.Mark("button.statement", button);
      const bool sent = ActionButton(
          button, me && me->statement_position() >= 0 ? "Restate my position" : "State my position",
          a, ButtonKind::kPrimary, sf::Keyboard::Unknown,
          "Everyone sees your statement; it is not binding.");
      if (enter && !sent && WhyNot(a).empty()) Send(a);
      if (me && me->statement_position() >= 0) {
        r.TakeTop(gap);
        ui.Paragraph(
            "You stated " + std::to_string(me->statement_position()) +
                (me->statement_text().empty() ? "." : ": \u201c" + me->statement_text() + "\u201d"),
            r.TakeTop(ui.P(40)), 12, colour::kMuted, false, 2);
      }
      break;
    }
    case mf::DRAFTING: {
      const bool tabled = DraftTabled(v);
      if (me && me->co_chair() && !tabled) {
        label("TABLE THE DRAFT");
        Rect line = r.TakeTop(row);
        Rect value = line.TakeRight(ui.P(44));
        ui.Slider("draft_pos", line, &compose_.draft_pos, 0, 100, colour::kAccent);
        ui.TextIn(std::to_string(compose_.draft_pos), value, 18, colour::kText, true,
                  Align::kCentre);
        r.TakeTop(gap);
        Rect forms = r.TakeTop(row);
        const float fw = (forms.w - 2 * gap) / 3;
        for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION}) {
          Rect b = forms.TakeLeft(fw);
          forms.TakeLeft(gap);
          ui.Mark("button.form." + std::to_string(f), b);
          if (ui.Button(b,
                        f == mf::CHAIRS_SUMMARY       ? "Summary"
                        : f == mf::GUIDING_PRINCIPLES ? "Principles"
                                                      : "Convention",
                        compose_.draft_form == f ? ButtonKind::kSelected : ButtonKind::kNormal,
                        FormWhyNot(v, f), sf::Keyboard::Unknown, FormWord(f)))
            compose_.draft_form = f;
        }
        r.TakeTop(gap);
        for (int c = mf::LABOUR_VISAS; c <= mf::CLIMATE_DISPLACEMENT; c += 2) {
          Rect pair = r.TakeTop(ui.P(28));
          r.TakeTop(ui.P(4));
          const float half = (pair.w - gap) / 2;
          for (int k = c; k <= c + 1; ++k) {
            Rect b = pair.TakeLeft(half);
            pair.TakeLeft(gap);
            if (ui.Button(b, ShortCommitment(k),
                          Has(compose_.draft_commitments, k) ? ButtonKind::kSelected
                                                             : ButtonKind::kNormal,
                          "", sf::Keyboard::Unknown, CommitmentWord(k)))
              Flip(&compose_.draft_commitments, k);
          }
        }
        mf::Action a;
        auto* t = a.mutable_table_draft();
        t->set_position(compose_.draft_pos);
        t->set_form(compose_.draft_form);
        for (int k : compose_.draft_commitments)
          t->add_commitments(static_cast<mf::CommitmentKind>(k));
        if (Has(compose_.draft_commitments, mf::ANTI_SMUGGLING) && v.corridors_size() > 0)
          t->set_corridor(v.corridors(compose_.draft_corridor % v.corridors_size()).id());
        r.TakeTop(gap);
        const Rect button = r.TakeTop(ui.P(38));
        ui.Mark("button.table_draft", button);
        ActionButton(button, "Table the draft", a, ButtonKind::kPrimary);
        break;
      }
      if (me && me->co_chair()) {
        label("AMENDMENTS TO RULE ON");
        int shown = 0;
        for (const mf::AmendmentView& am : v.amendments()) {
          if (am.status() != "pending" || r.h < ui.P(60)) continue;
          std::string what;
          if (am.position() >= 0) what += "move to " + std::to_string(am.position());
          if (am.form() != mf::FORM_UNSPECIFIED)
            what += (what.empty() ? "" : ", ") + FormWord(am.form());
          for (int c : am.add()) what += (what.empty() ? "add " : ", add ") + CommitmentWord(c);
          for (int c : am.remove())
            what += (what.empty() ? "drop " : ", drop ") + CommitmentWord(c);
          Rect line = r.TakeTop(ui.P(22));
          ui.TextIn(SeatName(v, am.proposer()) + ": " + what, line, 12, colour::kText);
          Rect bs = r.TakeTop(ui.P(28));
          r.TakeTop(gap);
          mf::Action acc, rej;
          acc.mutable_accept_amendment()->set_amendment(am.id());
          rej.mutable_reject_amendment()->set_amendment(am.id());
          ActionButton(bs.TakeLeft((bs.w - gap) / 2), "Accept", acc, ButtonKind::kGood);
          bs.TakeLeft(gap);
          ActionButton(bs, "Reject", rej, ButtonKind::kDanger);
          ++shown;
        }
        if (shown == 0)
          ui.TextIn("No amendment is waiting.", r.TakeTop(ui.P(20)), 12, colour::kMuted);
        mf::Action w;
        w.mutable_withdraw_draft();
        r.TakeTop(gap);
        ActionButton(r.TakeTop(row), "Withdraw the draft (no agreement)", w, ButtonKind::kNormal);
        break;
      }
      label("PROPOSE AN AMENDMENT (1 CAPITAL)");
      Rect line = r.TakeTop(row);
      Rect toggle = line.TakeLeft(ui.P(92));
      if (ui.Button(toggle, "Move to",
                    compose_.amend_move ? ButtonKind::kSelected : ButtonKind::kNormal, "",
                    sf::Keyboard::Unknown, "Propose a new position (click to keep the draft's)"))
        compose_.amend_move = !compose_.amend_move;
      Rect value = line.TakeRight(ui.P(40));
      ui.Slider("amend_pos", line, &compose_.amend_pos, 0, 100, colour::kAccent,
                compose_.amend_move ? "" : "press Move to to change the position");
      ui.TextIn(compose_.amend_move ? std::to_string(compose_.amend_pos) : "-", value, 16,
                colour::kText, true, Align::kCentre);
      r.TakeTop(gap);
      Rect forms = r.TakeTop(ui.P(28));
      const float fw = (forms.w - 2 * gap) / 3;
      for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION}) {
        Rect b = forms.TakeLeft(fw);
        forms.TakeLeft(gap);
        const char* name = f == mf::CHAIRS_SUMMARY       ? "Summary"
                           : f == mf::GUIDING_PRINCIPLES ? "Principles"
                                                         : "Convention";
        if (ui.Button(b, name,
                      compose_.amend_form == f ? ButtonKind::kSelected : ButtonKind::kNormal,
                      FormWhyNot(v, f), sf::Keyboard::Unknown,
                      "Change the form to " + FormWord(f) + " (click again: keep the form)"))
          compose_.amend_form = compose_.amend_form == f ? mf::FORM_UNSPECIFIED : f;
      }
      r.TakeTop(gap);
      const auto& dc = v.draft().commitments();
      for (int c = mf::LABOUR_VISAS; c <= mf::CLIMATE_DISPLACEMENT; c += 2) {
        Rect pair = r.TakeTop(ui.P(26));
        r.TakeTop(ui.P(4));
        const float half = (pair.w - gap) / 2;
        for (int k = c; k <= c + 1; ++k) {
          Rect b = pair.TakeLeft(half);
          pair.TakeLeft(gap);
          const bool in_draft = std::find(dc.begin(), dc.end(), k) != dc.end();
          std::vector<int>& list = in_draft ? compose_.amend_remove : compose_.amend_add;
          const std::string text = (in_draft ? "\u2212 " : "+ ") + ShortCommitment(k);
          if (ui.Button(b, text, Has(list, k) ? ButtonKind::kSelected : ButtonKind::kNormal, "",
                        sf::Keyboard::Unknown,
                        (in_draft ? "Drop " : "Add ") + CommitmentWord(k) +
                            (in_draft ? " from" : " to") + " the draft"))
            Flip(&list, k);
        }
      }
      mf::Action a;
      auto* m = a.mutable_amend();
      m->set_position(compose_.amend_move ? compose_.amend_pos : -1);
      m->set_form(compose_.amend_form);
      for (int k : compose_.amend_add) m->add_add(static_cast<mf::CommitmentKind>(k));
      for (int k : compose_.amend_remove) m->add_remove(static_cast<mf::CommitmentKind>(k));
      if (Has(compose_.amend_add, mf::ANTI_SMUGGLING) && v.corridors_size() > 0)
        m->set_corridor(v.corridors(0).id());
      r.TakeTop(gap);
      const Rect button = r.TakeTop(ui.P(36));
      ui.Mark("button.amend", button);
      ActionButton(button, "Propose the amendment", a, ButtonKind::kPrimary);
      for (const mf::AmendmentView& am : v.amendments()) {
        if (am.proposer() != v.viewer() || am.status() != "pending" || r.h < row) continue;
        r.TakeTop(gap);
        mf::Action w;
        w.mutable_withdraw_amendment()->set_amendment(am.id());
        ActionButton(r.TakeTop(ui.P(28)), "Withdraw my amendment #" + std::to_string(am.id()), w);
      }
      DrawRegionalTabling(r);
      break;
    }
    case mf::DECISION: {
      label("YOUR VOTE (PUBLIC)");
      const char* help[4] = {"", "You back the text.", "You let it pass without backing it.",
                             "You block it (under consensus one objection is enough)."};
      const sf::Keyboard::Key keys[4] = {sf::Keyboard::Unknown, sf::Keyboard::Num1,
                                         sf::Keyboard::Num2, sf::Keyboard::Num3};
      for (mf::VoteChoice c : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
        mf::Action a;
        a.mutable_vote()->set_choice(c);
        const bool mine = me && me->vote() == c;
        ActionButton(r.TakeTop(ui.P(40)),
                     VoteWord(v.decision_rule(), c) + (mine ? " (your vote)" : ""), a,
                     c == mf::SUPPORT  ? ButtonKind::kGood
                     : c == mf::OBJECT ? ButtonKind::kDanger
                                       : ButtonKind::kNormal,
                     keys[c], help[c]);
        ui.Mark(std::string("button.vote.") + std::to_string(c),
                {r.x, r.y - ui.P(40), r.w, ui.P(40)});
        r.TakeTop(gap);
      }
      DrawWalkOut(r);
      if (me) {
        std::vector<std::string> crossed = CrossedRedLines(v.brief(), v.draft());
        const mf::Stance* st = StanceOn(v.brief(), v.current_theme());
        std::string advice;
        if (st)
          advice = "The draft is at " + std::to_string(v.draft().position()) + "; you want " +
                   std::to_string(st->ideal()) + " (" +
                   PriorityWords(v.brief(), v.current_theme()) + ").";
        if (!crossed.empty()) advice += " It crosses your red line: " + crossed.front() + ".";
        for (const mf::DealView& d : v.deals()) {
          const mf::DealTerms& mine = d.from() == v.viewer() ? d.give() : d.ask();
          if (d.status() == "accepted" && mine.stance_text() == v.draft().id())
            advice += " You promised " + SeatName(v, d.from() == v.viewer() ? d.to() : d.from()) +
                      " to " + VoteWord(v.decision_rule(), mine.stance()) + ".";
        }
        r.TakeTop(gap);
        const float used = ui.Paragraph(advice, r, 12.5f,
                                        crossed.empty() ? colour::kText : colour::kBad, false, 6);
        r.TakeTop(used);
      }
      DrawRegionalVotes(r);
      break;
    }
    case mf::RATIFICATION: {
      label("CONVENTIONS OPEN FOR RATIFICATION");
      for (const mf::Text& t : v.texts()) {
        // Every adopted convention stays open (the buttons carry the
        // engine's verdicts: one already ratified is greyed with its reason).
        if (!t.adopted() || t.form() != mf::BINDING_CONVENTION || r.h < ui.P(70)) continue;
        ui.Paragraph(t.label(), r.TakeTop(ui.P(36)), 12, colour::kText, false, 2);
        Rect bs = r.TakeTop(ui.P(34));
        r.TakeTop(gap * 2);
        mf::Action yes, no;
        yes.mutable_ratify()->set_text(t.id());
        yes.mutable_ratify()->set_ratify(true);
        no.mutable_ratify()->set_text(t.id());
        no.mutable_ratify()->set_ratify(false);
        ActionButton(bs.TakeLeft((bs.w - gap) / 2), "Ratify", yes, ButtonKind::kGood);
        bs.TakeLeft(gap);
        ActionButton(bs, "Decline", no, ButtonKind::kDanger);
      }
      break;
    }
    case mf::IMPLEMENTATION: {
      // One pledge per adopted text: only what a state pledges moves its policy.
      bool pledges = false;
      for (const mf::Text& t : v.texts()) {
        if (!rules::Offers(v, mf::Action::kPledge, t.id()) || r.h < ui.P(120)) continue;
        if (!pledges) label("CARRY OUT EACH TEXT? (YOUR PLEDGE, %)");
        pledges = true;
        int now = -1, carried = -1;
        for (const mf::PledgeRecord& p : t.pledges()) {
          if (p.seat() != v.viewer()) continue;
          now = p.level();
          carried = p.carried();
        }
        ui.Paragraph(t.label(), r.TakeTop(ui.P(32)), 12, colour::kText, false, 2);
        Rect bs = r.TakeTop(ui.P(28));
        r.TakeTop(gap);
        const float bw = (bs.w - 2 * gap) / 3;
        for (int level : {0, 50, 100}) {
          Rect b = bs.TakeLeft(bw);
          bs.TakeLeft(gap);
          mf::Action a;
          a.mutable_pledge()->set_text(t.id());
          a.mutable_pledge()->set_level(level);
          ui.Mark("button.pledge." + std::to_string(t.id()) + "." + std::to_string(level), b);
          ActionButton(
              b, std::to_string(level) + "%", a,
              now == level ? ButtonKind::kSelected : ButtonKind::kNormal, sf::Keyboard::Unknown,
              carried > level ? "Below the " + std::to_string(carried) +
                                    "% you carried out last year: a broken pledge, seen by all"
                              : "Only the states that pledge carry a text out; a pledge kept "
                                "builds trust with the others who keep theirs");
        }
      }
      label("BORDER ENFORCEMENT OF YOUR OWN (%)");
      Rect line = r.TakeTop(row);
      Rect set = line.TakeRight(ui.P(70));
      Rect value = line.TakeRight(ui.P(40));
      ui.Slider("enforce", line, &compose_.enforce, 0, 100, colour::kWarning);
      ui.TextIn(std::to_string(compose_.enforce), value, 15, colour::kText, true, Align::kCentre);
      mf::Action e;
      e.mutable_enforce()->set_level(compose_.enforce);
      ActionButton(set, "Set", e, ButtonKind::kPrimary, sf::Keyboard::Unknown,
                   "Alone, enforcement mostly diverts migrants to other routes; with the "
                   "cooperation of origin and transit states it stops them.");
      r.TakeTop(gap);
      bool any = false;
      for (const mf::DealView& d : v.deals()) {
        if (d.status() != "accepted" || r.h < ui.P(64)) continue;
        const mf::DealTerms& mine = d.from() == v.viewer() ? d.give() : d.ask();
        if (mine.aid() == 0 && mine.visas() == 0 && !mine.readmission()) continue;
        if (!any) label("DELIVER YOUR DEALS?");
        any = true;
        const int other = d.from() == v.viewer() ? d.to() : d.from();
        ui.TextIn("To " + SeatName(v, other) + ": " + TermsWords(v, mine), r.TakeTop(ui.P(20)), 12,
                  colour::kText);
        Rect bs = r.TakeTop(ui.P(28));
        r.TakeTop(gap);
        mf::Action keep, brk;
        keep.mutable_honour_deal()->set_deal(d.id());
        keep.mutable_honour_deal()->set_keep(true);
        brk.mutable_honour_deal()->set_deal(d.id());
        brk.mutable_honour_deal()->set_keep(false);
        ActionButton(bs.TakeLeft((bs.w - gap) / 2), "Keep my word", keep, ButtonKind::kGood);
        bs.TakeLeft(gap);
        ActionButton(bs, "Break it", brk, ButtonKind::kDanger, sf::Keyboard::Unknown,
                     "A broken deal becomes public and costs you trust, most of all with " +
                         SeatName(v, other));
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace mf::client

namespace mf::client {

// The caucuses (regional processes) the viewer belongs to, by index.
std::vector<int> App::MyCaucuses() const {
  std::vector<int> out;
  const mf::View& v = view();
  if (v.viewer() < 0 || v.viewer() >= v.seats_size()) return out;
  const std::string& me = v.seats(v.viewer()).id();
  for (int k = 0; k < v.caucuses_size(); ++k)
    for (const std::string& m : v.caucuses(k).members())
      if (m == me) out.push_back(k);
  return out;
}

// Drafting: a member tables its caucus's regional draft at its own stated
// position (guiding principles); it is decided only if the forum adopts
// nothing on the item.
void App::DrawRegionalTabling(Rect& r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const mf::SeatPublic* me = Me(v);
  if (!me || r.h < ui.P(70)) return;
  for (int k : MyCaucuses()) {
    if (r.h < ui.P(44)) break;
    const int pos = me->statement_position() >= 0 ? me->statement_position() : 50;
    mf::Action a;
    auto* x = a.mutable_regional();
    x->set_caucus(v.caucuses(k).id());
    x->set_position(pos);
    x->set_form(mf::GUIDING_PRINCIPLES);
    r.TakeTop(ui.P(8));
    const Rect button = r.TakeTop(ui.P(34));
    ui.Mark("button.regional_table." + std::to_string(k), button);
    ActionButton(
        button,
        "Regional draft (" + ShortName(v.caucuses(k).name()) + ") at " + std::to_string(pos), a,
        ButtonKind::kNormal, sf::Keyboard::Unknown,
        "The members alone decide it, and only if the forum adopts nothing on this "
        "item; it pledges them only.");
  }
}

// Decision: a member's vote on each regional draft of its caucuses.
void App::DrawRegionalVotes(Rect& r) {
  Ui& ui = *ui_;
  const mf::View& v = view();
  const std::vector<int> mine = MyCaucuses();
  for (const mf::Text& t : v.regional_drafts()) {
    int k = -1;
    for (int c : mine)
      if (v.caucuses(c).id() == t.caucus()) k = c;
    if (k < 0 || r.h < ui.P(70)) continue;
    r.TakeTop(ui.P(8));
    ui.Paragraph(t.label() + " (" + std::to_string(t.supported_by_size()) + " for, " +
                     std::to_string(t.objected_by_size()) + " against)",
                 r.TakeTop(ui.P(30)), 12, colour::kText, true, 2);
    Rect line = r.TakeTop(ui.P(30));
    const float w = (line.w - ui.P(8)) / 3;
    for (mf::VoteChoice c : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
      mf::Action a;
      a.mutable_regional()->set_caucus(t.caucus());
      a.mutable_regional()->set_vote(c);
      Rect b = line.TakeLeft(w);
      line.TakeLeft(ui.P(4));
      ui.Mark("button.regional_vote." + std::to_string(c), b);
      ActionButton(b, VoteWord(v.decision_rule(), c), a,
                   c == mf::SUPPORT  ? ButtonKind::kGood
                   : c == mf::OBJECT ? ButtonKind::kDanger
                                     : ButtonKind::kNormal);
    }
  }
}

}  // namespace mf::client
