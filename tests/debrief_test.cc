// The debrief (tools/debrief*): a report generated from a recorded bot
// session checked against what the engine says (adopted texts, each
// decision's supporters and objectors, the drafts' evolution, the deals and
// their delivery, the final scores), the CSV files, the charts, the
// facilitator-only messages, and records it must not trust. The other
// debrief suites: debrief_fork_test.cc (the what-if forks, forumctl
// report/fork as processes), debrief_server_test.cc (records from forumd),
// debrief_render_test.cc (the page in headless Chromium).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "debrief_test_util.h"
#include "tools/debrief.h"

namespace mf::testing {
namespace {

// ---- Helpers ---------------------------------------------------------------------

std::string HtmlEsc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

tools::debrief::DraftText TextNow(const rules::Text& t) {
  tools::debrief::DraftText d;
  d.position = t.position;
  d.form = t.form;
  d.commitments = t.commitments;
  d.corridor = t.corridor;
  return d;
}

bool SameDraft(const tools::debrief::DraftText& a, const tools::debrief::DraftText& b) {
  return a.position == b.position && a.form == b.form && a.commitments == b.commitments &&
         a.corridor == b.corridor;
}

// ---- The model against the engine ----------------------------------------------

class DebriefModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DebriefModelTest, ReportMatchesTheEngine) {
  const ForkOptions o = MixOptions("hardliner:1,cooperator:2,reciprocator:2,dealmaker:1", 11);
  Recorded g = PlayRecorded(GetParam(), 5, o);
  const rules::State& st = *g.state;
  const rules::Scenario& sc = st.scenario();
  const Model m = Build(g.record);
  ASSERT_TRUE(m.finished);
  EXPECT_EQ(m.final_hash, g.hash);
  EXPECT_EQ(m.applied, static_cast<int>(g.record.log.size()));
  EXPECT_EQ(m.cycles_played, sc.cycles());
  ASSERT_EQ(m.snapshots.size(), static_cast<size_t>(sc.cycles()) + 1);

  // Adopted texts: the same labels, in the same order, as the engine's.
  std::vector<std::string> engine_adopted, model_adopted;
  for (const rules::Text& t : st.texts())
    if (t.adopted) engine_adopted.push_back(rules::TextLabel(sc, t));
  for (const tools::debrief::Item& it : m.items)
    if (it.adopted) model_adopted.push_back(it.label);
  EXPECT_EQ(model_adopted, engine_adopted);

  // Every decision: the votes the model shows agree with the engine's masks.
  int decided = 0;
  for (const tools::debrief::Item& it : m.items) {
    const rules::Text* t = st.FindText(it.text_id);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(it.decided, t->decided && !t->withdrawn);
    EXPECT_EQ(it.withdrawn, t->withdrawn);
    if (!it.decided) continue;
    ++decided;
    EXPECT_EQ(it.adopted, t->adopted);
    EXPECT_EQ(it.supporters, t->supporters);
    EXPECT_EQ(it.objectors, t->objectors);
    ASSERT_EQ(it.votes.size(), static_cast<size_t>(sc.num_seats()));
    for (int s = 0; s < sc.num_seats(); ++s) {
      EXPECT_EQ(it.votes[s] == mf::SUPPORT, ((t->supporters >> s) & 1) != 0)
          << it.label << " " << s;
      EXPECT_EQ(it.votes[s] == mf::OBJECT, ((t->objectors >> s) & 1) != 0) << it.label << " " << s;
    }
    // The vote each seat cast last is the one counted.
    for (int s = 0; s < sc.num_seats(); ++s) {
      mf::VoteChoice last = mf::VOTE_UNSPECIFIED;
      for (const auto& v : it.vote_log)
        if (v.seat == s) last = v.choice;
      EXPECT_EQ(last, it.votes[s]);
    }
    EXPECT_EQ(it.label, rules::TextLabel(sc, *t));
    EXPECT_EQ(it.ratified, t->ratified);
    EXPECT_EQ(it.in_force, t->in_force);
    // The draft's evolution: each step is the engine's text right after it.
    for (size_t k = 0; k < it.steps.size(); ++k) {
      const auto& step = it.steps[k];
      auto at = StateAt(g.record, step.entry + 1);
      EXPECT_TRUE(SameDraft(step.after, TextNow(*at->FindText(it.text_id))))
          << "step " << k << " of " << it.label;
      if (k > 0) {
        EXPECT_TRUE(SameDraft(step.before, it.steps[k - 1].after));
      }
      EXPECT_FALSE(step.changes.empty());
    }
    if (!it.steps.empty()) {
      EXPECT_TRUE(SameDraft(it.steps.back().after, TextNow(*t)));
    }
  }
  EXPECT_GT(decided, 0);

  // Deals: every deal with the engine's status and delivery.
  ASSERT_EQ(m.deals.size(), st.deals().size());
  for (size_t k = 0; k < st.deals().size(); ++k) {
    const rules::Deal& d = st.deals()[k];
    const auto& r = m.deals[k];
    EXPECT_EQ(r.id, d.id);
    EXPECT_EQ(r.from, d.from);
    EXPECT_EQ(r.to, d.to);
    EXPECT_EQ(r.from_kept, d.from_kept);
    EXPECT_EQ(r.to_kept, d.to_kept);
    if (d.status == rules::DealStatus::kAccepted) {
      const bool broken = d.from_kept == 0 || d.to_kept == 0;
      EXPECT_EQ(r.status, broken ? "broken" : "kept") << "deal " << d.id;
    }
  }
  // Per seat: deals kept and broken add up to the deals' sides.
  int kept_sides = 0, broken_sides = 0, seat_kept = 0, seat_broken = 0;
  for (const rules::Deal& d : st.deals()) {
    if (d.status != rules::DealStatus::kAccepted) continue;
    kept_sides += (d.from_kept == 1) + (d.to_kept == 1);
    broken_sides += (d.from_kept == 0) + (d.to_kept == 0);
  }
  for (const auto& s : m.seats) {
    seat_kept += s.deals_kept;
    seat_broken += s.deals_broken;
    EXPECT_EQ(s.supported + s.stood_aside + s.objected + s.no_vote, decided);
  }
  EXPECT_EQ(seat_kept, kept_sides);
  EXPECT_EQ(seat_broken, broken_sides);

  // Final scores and the winner.
  ASSERT_EQ(m.scores.size(), st.final_scores().size());
  for (size_t s = 0; s < m.scores.size(); ++s) {
    EXPECT_EQ(m.scores[s].total, st.final_scores()[s].total);
    EXPECT_EQ(m.scores[s].rank, st.final_scores()[s].rank);
  }
  EXPECT_EQ(m.winner, st.winner());
  // Snapshots after each cycle are the engine's history.
  for (int c = 1; c <= sc.cycles(); ++c) {
    EXPECT_DOUBLE_EQ(m.snapshots[c].regime, st.history()[c - 1].regime);
    EXPECT_DOUBLE_EQ(m.snapshots[c].mean_trust, st.history()[c - 1].mean_trust);
    EXPECT_EQ(m.snapshots[c].approval, st.history()[c - 1].approval);
  }
  // Hashes per entry: the last one is the final hash.
  EXPECT_EQ(m.actions.back().hash_after, g.hash);

  // The page: every adopted text, every seat with its score, the charts.
  const std::string html = tools::debrief::ReportHtml(m, {});
  for (const std::string& label : engine_adopted)
    EXPECT_NE(html.find(HtmlEsc(label)), std::string::npos) << label;
  for (int s = 0; s < sc.num_seats(); ++s) {
    char score[32];
    std::snprintf(score, sizeof score, "<b>%.1f</b>", st.final_scores()[s].total);
    EXPECT_NE(html.find(score), std::string::npos) << sc.seats()[s].name;
  }
  EXPECT_EQ(Count(html, "<svg class=\"chart trust\""), sc.cycles() + 1);
  EXPECT_EQ(Count(html, "<svg class=\"chart ranking\""), 1);
  EXPECT_EQ(Count(html, "<svg class=\"chart regime\""), 1);
  EXPECT_EQ(Count(html, "<svg class=\"chart flows\""), sc.num_corridors());
  EXPECT_EQ(Count(html, "<svg class=\"chart approval\""), 1);
  EXPECT_EQ(Count(html, "<svg class=\"chart strip\""), 1);
  EXPECT_EQ(Count(html, "<svg class=\"chart axis\""), static_cast<int>(m.items.size()));
  EXPECT_EQ(Count(html, "<svg "), Count(html, "</svg>"));
  // Self-contained: nothing to fetch, nothing to run.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\""), std::string::npos);
  EXPECT_EQ(html.find("http://w"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https:"), std::string::npos);

  // CSV files: one row per entry, per (decision, seat), per deal, per seat.
  EXPECT_EQ(CountLines(tools::debrief::ActionsCsv(m)), 1 + static_cast<int>(g.record.log.size()));
  EXPECT_EQ(CountLines(tools::debrief::VotesCsv(m)), 1 + decided * sc.num_seats());
  EXPECT_EQ(CountLines(tools::debrief::DealsCsv(m)), 1 + static_cast<int>(st.deals().size()));
  EXPECT_EQ(CountLines(tools::debrief::ScoresCsv(m)), 1 + sc.num_seats());

  // A state of mixed roles shows its mix on the page; scores.csv ends every
  // seat's row with its role weights.
  const std::string scores = tools::debrief::ScoresCsv(m);
  for (int s = 0; s < sc.num_seats(); ++s) {
    const rules::SeatData& seat = sc.seats()[s];
    if (seat.mixed) {
      EXPECT_NE(html.find(HtmlEsc(rules::RoleMix(seat))), std::string::npos) << seat.name;
    }
    char weights[64];
    std::snprintf(weights, sizeof weights, ",%.2f,%.2f,%.2f\n", seat.weight[mf::SOURCE],
                  seat.weight[mf::TRANSIT], seat.weight[mf::DESTINATION]);
    const size_t row = scores.find("\n" + std::to_string(s) + ",");
    ASSERT_NE(row, std::string::npos);
    EXPECT_EQ(scores.find('\n', row + 1) + 1, scores.find(weights, row + 1) + std::strlen(weights))
        << seat.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, DebriefModelTest,
                         ::testing::Values("classroom-8", "convention", "hld-2006"),
                         ScenarioTestName);

// Amendments taken into a draft are shown as readable diffs of what changed.
TEST(DebriefTest, AcceptedAmendmentsAreReadableDiffs) {
  int steps = 0;
  for (uint64_t seed = 1; seed <= 12 && steps < 3; ++seed) {
    Recorded g =
        PlayRecorded("gfmd-roundtables", seed, MixOptions("dealmaker:1,cooperator:1", seed));
    const Model m = Build(g.record);
    for (const auto& it : m.items)
      for (const auto& step : it.steps) {
        if (step.kind != tools::debrief::DraftStep::Kind::kAmendment) continue;
        ++steps;
        const auto& a = step.before;
        const auto& b = step.after;
        std::string all;
        for (const std::string& c : step.changes) all += c + "\n";
        if (a.position != b.position) {
          EXPECT_NE(all.find("position " + std::to_string(a.position)), std::string::npos) << all;
        }
        if (a.form != b.form) {
          EXPECT_NE(all.find(rules::FormName(b.form)), std::string::npos) << all;
        }
        bool found = false;
        for (const auto& am : it.amendments)
          if (am.id == step.amendment)
            found = am.status == "accepted" && am.proposer == step.proposer;
        EXPECT_TRUE(found);
      }
  }
  EXPECT_GT(steps, 0) << "no bot game took an amendment in";
}

// Regional texts: the debrief lists every regional text the caucuses
// tabled, with its regional process, outcome and the members carrying it
// out, and the timeline tells its adoption.
TEST(DebriefTest, RegionalTextsAreListed) {
  int adopted = 0;
  for (uint64_t seed = 1; seed <= 20 && adopted == 0; ++seed) {
    Recorded g =
        PlayRecorded("gfmd-roundtables", seed,
                     MixOptions("hardliner:1,cooperator:1,reciprocator:1,dealmaker:1", seed));
    const Model m = Build(g.record);
    const std::string html = tools::debrief::ReportHtml(m, {});
    EXPECT_NE(html.find("id=\"regional\""), std::string::npos);
    for (const rules::Text& t : g.state->texts()) {
      if (t.caucus < 0 || !t.adopted) continue;
      ++adopted;
      EXPECT_NE(html.find(HtmlEsc(rules::TextLabel(g.state->scenario(), t))), std::string::npos);
      EXPECT_NE(html.find("adopted by the members"), std::string::npos);
      EXPECT_NE(html.find("its members adopt"), std::string::npos) << "timeline";
    }
  }
  EXPECT_GT(adopted, 0) << "no bot game adopted a regional text";
}

// The story as it happened: a draft reads as it was tabled (not as it ended
// after amendments), an amendment says what it changes, a decision names
// every seat that did not support it, and the last line closes the forum.
TEST(DebriefTest, TheTimelineTellsTheStoryAsItHappened) {
  int amended = 0, named = 0;
  for (uint64_t seed = 1; seed <= 12 && amended < 2; ++seed) {
    Recorded g =
        PlayRecorded("gfmd-roundtables", seed, MixOptions("dealmaker:1,hardliner:1", seed));
    const rules::Scenario& sc = g.state->scenario();
    const Model m = Build(g.record);
    ASSERT_TRUE(m.finished);
    auto line_of = [&](rules::EventType type, int entry) -> std::string {
      for (const auto& l : m.timeline)
        if (l.kind == tools::debrief::TimelineLine::Kind::kEvent && l.event == type &&
            l.entry == entry)
          return l.text;
      return "";
    };
    for (const auto& it : m.items) {
      if (it.steps.empty() || it.steps[0].kind != tools::debrief::DraftStep::Kind::kTabled)
        continue;
      const auto& tabled = it.steps[0].after;
      const std::string line = line_of(rules::EventType::kDraftTabled, it.steps[0].entry);
      ASSERT_FALSE(line.empty());
      EXPECT_NE(line.find(" at " + std::to_string(tabled.position)), std::string::npos) << line;
      if (it.final_text.position != tabled.position) {
        ++amended;
        EXPECT_EQ(line.find(" at " + std::to_string(it.final_text.position) + "."),
                  std::string::npos)
            << "the tabled draft is labelled with its final text: " << line;
      }
      for (const auto& am : it.amendments) {
        const std::string proposed = line_of(rules::EventType::kAmendmentProposed, am.entry);
        EXPECT_NE(proposed.find(am.summary), std::string::npos) << proposed;
      }
      if (!it.decided) continue;
      const std::string decision = line_of(
          it.adopted ? rules::EventType::kAdopted : rules::EventType::kRejected, it.decided_entry);
      ASSERT_FALSE(decision.empty());
      for (int s = 0; s < sc.num_seats(); ++s) {
        const bool named_here = decision.find(sc.seats()[s].name) != std::string::npos;
        if (it.votes[s] == mf::OBJECT || it.votes[s] == mf::STAND_ASIDE) {
          EXPECT_TRUE(named_here) << sc.seats()[s].name << " not named in: " << decision;
          ++named;
        }
      }
    }
    ASSERT_FALSE(m.timeline.empty());
    for (const auto& l : m.timeline) EXPECT_EQ(l.text.find("Game over begins"), std::string::npos);
    EXPECT_EQ(m.timeline.back().text.rfind("The forum closes. ", 0), 0u) << m.timeline.back().text;
  }
  EXPECT_GT(amended, 0) << "no game moved a draft by amendment";
  EXPECT_GT(named, 0) << "no game had an objection or a stand-aside";
}

// The chat is in the facilitator's copy only.
TEST(DebriefTest, MessagesOnlyInTheFacilitatorsCopy) {
  Recorded g = PlayRecorded("classroom-8", 3, MixOptions("cooperator", 3));
  tools::debrief::ChatLine pub, bil;
  pub.serial = 1;
  pub.from = 0;
  pub.from_name = "Ada";
  pub.text = "We want open labour channels <now>";
  pub.at_ms = 1000;
  bil.serial = 2;
  bil.from = 1;
  bil.channel = tools::debrief::ChatLine::Channel::kBilateral;
  bil.to_seat = 5;
  bil.text = "A private word about readmission";
  bil.at_ms = 5000;
  g.record.chat = {pub, bil};
  g.record.action_ms.clear();
  for (size_t i = 0; i < g.record.log.size(); ++i)
    g.record.action_ms.push_back(static_cast<int64_t>(i) * 100);
  g.record.players.assign(8, "");
  g.record.players[0] = "Ada";
  const Model m = Build(g.record);
  const std::string cls = tools::debrief::ReportHtml(m, {});
  tools::debrief::ReportOptions fo;
  fo.facilitator = true;
  const std::string fac = tools::debrief::ReportHtml(m, fo);
  EXPECT_EQ(cls.find("A private word"), std::string::npos);
  EXPECT_EQ(cls.find("open labour channels &lt;now&gt;"), std::string::npos);
  EXPECT_NE(fac.find("A private word about readmission"), std::string::npos);
  EXPECT_NE(fac.find("open labour channels &lt;now&gt;"), std::string::npos);
  EXPECT_EQ(fac.find("<now>"), std::string::npos);  // Escaped.
  EXPECT_NE(fac.find("Facilitator's copy"), std::string::npos);
  EXPECT_NE(cls.find("Class copy"), std::string::npos);
  EXPECT_NE(cls.find("Ada"), std::string::npos);  // Who played the seat is in both.
  // The chat is placed in the timeline after the action sent before it.
  int chat_lines = 0;
  for (const auto& l : m.timeline)
    if (l.kind == tools::debrief::TimelineLine::Kind::kChat) {
      ++chat_lines;
      EXPECT_EQ(l.entry, static_cast<int>(m.record.chat[static_cast<size_t>(l.chat)].at_ms / 100));
    }
  EXPECT_EQ(chat_lines, 2);
  EXPECT_EQ(CountLines(tools::debrief::MessagesCsv(m)), 3);
  // Written files: messages.csv only in the facilitator's copy.
  const fs::path dir = TmpDir("copies");
  std::string error;
  ASSERT_TRUE(tools::debrief::WriteReport(m, (dir / "class").string(), {}, nullptr, &error))
      << error;
  ASSERT_TRUE(tools::debrief::WriteReport(m, (dir / "fac").string(), fo, nullptr, &error)) << error;
  EXPECT_FALSE(fs::exists(dir / "class" / "messages.csv"));
  EXPECT_TRUE(fs::exists(dir / "fac" / "messages.csv"));
  for (const char* f : {"index.html", "actions.csv", "votes.csv", "deals.csv", "scores.csv"})
    EXPECT_TRUE(fs::exists(dir / "class" / f)) << f;
}

// The report never trusts a record: chat lines from and to seats that do not
// exist, players and strategies for more seats than the scenario has, times
// for more or fewer entries than the log. Nothing crashes; such seats are
// named by number.
TEST(DebriefTest, ReportNeverTrustsARecord) {
  Recorded g = PlayRecorded("classroom-8", 5, MixOptions("cooperator", 5));
  std::vector<tools::debrief::ChatLine> chat;
  uint64_t serial = 0;
  for (int from : {8, 5000000, -7, std::numeric_limits<int>::min(), -1, 3}) {
    for (auto channel :
         {tools::debrief::ChatLine::Channel::kPublic, tools::debrief::ChatLine::Channel::kBilateral,
          tools::debrief::ChatLine::Channel::kCaucus}) {
      tools::debrief::ChatLine c;
      c.serial = ++serial;
      c.from = from;
      c.channel = channel;
      c.to_seat = from == 3 ? 99 : std::numeric_limits<int>::max();
      c.caucus = "no_such_caucus";
      c.text = "line " + std::to_string(serial);
      c.at_ms = static_cast<int64_t>(serial) * 1000 - 3000;
      chat.push_back(c);
    }
  }
  g.record.chat = chat;
  g.record.players.assign(100, "someone");
  g.record.strategies.assign(3, "cooperator");
  for (size_t times : {size_t{0}, g.record.log.size() / 2, g.record.log.size() + 50}) {
    g.record.action_ms.clear();
    for (size_t i = 0; i < times; ++i) g.record.action_ms.push_back(static_cast<int64_t>(i) * 7);
    Model m;
    std::string error;
    ASSERT_TRUE(tools::debrief::BuildModel(g.record, &m, &error)) << error;
    tools::debrief::ReportOptions fo;
    fo.facilitator = true;
    const std::string html = tools::debrief::ReportHtml(m, fo);
    EXPECT_NE(html.find("seat 5000000"), std::string::npos);
    EXPECT_NE(html.find("line 18"), std::string::npos);
    const std::string messages = tools::debrief::MessagesCsv(m);
    EXPECT_EQ(CountLines(messages), static_cast<int>(chat.size()) + 1);
    EXPECT_NE(messages.find("seat 99"), std::string::npos);
    EXPECT_FALSE(tools::debrief::ReportHtml(m, {}).empty());
    for (const std::string& csv :
         {tools::debrief::ActionsCsv(m), tools::debrief::VotesCsv(m), tools::debrief::ScoresCsv(m)})
      EXPECT_GT(CountLines(csv), 1);
    EXPECT_GE(CountLines(tools::debrief::DealsCsv(m)), 1);
    int seat_messages = 0;
    for (const auto& seat : m.seats) seat_messages += seat.messages;
    EXPECT_EQ(seat_messages, 3);  // Only seat 3's lines count for a seat.
  }
  EXPECT_EQ(tools::debrief::ShortName(*LoadOrFail("classroom-8"), 8), "seat 8");
  EXPECT_EQ(tools::debrief::ShortName(*LoadOrFail("classroom-8"), -1), "Facilitator");
}

// A spreadsheet runs a cell that begins with = + - @ (or a tab or carriage
// return before one) as a formula: every CSV cell forumctl writes from text
// is neutralised with a leading apostrophe (OWASP, "CSV injection").
TEST(DebriefTest, CsvCellsCannotStartFormulas) {
  for (const std::string& danger :
       {std::string("=HYPERLINK(\"http://evil.example\",\"y\")"), std::string("+1+1"),
        std::string("-2+3"), std::string("@SUM(A1)"), std::string("\t=1"), std::string("\r=1")}) {
    const std::string cell = tools::debrief::CsvField(danger);
    ASSERT_FALSE(cell.empty());
    const size_t first = cell[0] == '"' ? 1 : 0;
    EXPECT_EQ(cell[first], '\'') << cell;
  }
  EXPECT_EQ(tools::debrief::CsvField("plain text"), "plain text");
  EXPECT_EQ(tools::debrief::CsvField("a, b"), "\"a, b\"");

  Recorded g = PlayRecorded("classroom-8", 4, MixOptions("cooperator", 4));
  g.record.players.assign(8, "");
  g.record.players[0] = "=HYPERLINK(\"http://evil.example\",\"y\")";
  g.record.players[1] = "@cmd";
  tools::debrief::ChatLine c;
  c.serial = 1;
  c.from = 0;
  c.from_name = "+name";
  c.text = "=1+2";
  c.at_ms = 10;
  g.record.chat = {c};
  const Model m = Build(g.record);
  // Every cell of every file, parsed as a spreadsheet would.
  for (const std::string& csv :
       {tools::debrief::ActionsCsv(m), tools::debrief::ScoresCsv(m), tools::debrief::VotesCsv(m),
        tools::debrief::MessagesCsv(m), tools::debrief::DealsCsv(m)}) {
    bool quoted = false, cell_start = true;
    int formulas = 0;
    for (size_t i = 0; i < csv.size(); ++i) {
      const char ch = csv[i];
      if (cell_start) {
        const size_t at = ch == '"' ? i + 1 : i;
        if (at < csv.size() && std::string("=+@\t\r").find(csv[at]) != std::string::npos)
          ++formulas;
        // A minus only starts a formula when it is not a number.
        if (at + 1 < csv.size() && csv[at] == '-' &&
            !std::isdigit(static_cast<unsigned char>(csv[at + 1])))
          ++formulas;
        cell_start = false;
      }
      if (ch == '"') quoted = !quoted;
      if (!quoted && (ch == ',' || ch == '\n')) cell_start = true;
    }
    EXPECT_EQ(formulas, 0) << csv.substr(0, 400);
  }
  EXPECT_NE(tools::debrief::ScoresCsv(m).find("'=HYPERLINK"), std::string::npos);
  EXPECT_NE(tools::debrief::MessagesCsv(m).find("'=1+2"), std::string::npos);
}

// A record that stops early (a refused entry) still gives a report of what came before.
TEST(DebriefTest, UnfinishedAndBrokenRecords) {
  Recorded g = PlayRecorded("classroom-8", 9, MixOptions("reciprocator", 9));
  Record half = g.record;
  half.log.resize(half.log.size() / 2);
  const Model m = Build(half);
  EXPECT_FALSE(m.finished);
  EXPECT_EQ(m.applied, static_cast<int>(half.log.size()));
  EXPECT_NE(tools::debrief::ReportHtml(m, {}).find("had not finished"), std::string::npos);
  Record bad = g.record;
  bad.log.insert(bad.log.begin() + 10, {0, rules::Action::Make(rules::ActionType::kWithdrawDraft)});
  Model mb;
  std::string error;
  ASSERT_TRUE(tools::debrief::BuildModel(bad, &mb, &error));
  EXPECT_NE(mb.replay_error.find("entry 10"), std::string::npos) << mb.replay_error;
  EXPECT_EQ(mb.applied, 10);
}

}  // namespace
}  // namespace mf::testing
