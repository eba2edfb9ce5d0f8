// The debrief (tools/debrief*): a report generated from a recorded bot
// session checked against what the engine says (adopted texts, each
// decision's supporters and objectors, the drafts' evolution, the deals and
// their delivery, the final scores), the CSV files, the charts, the
// facilitator-only messages, the what-if forks (a fork at 0 with the
// original bots reproduces the game; a later fork keeps everything before
// its point), forumctl report/fork as processes, a record read from a
// forumd data directory and from a running forumd, and the page rendered by
// headless Chromium with every chart drawn.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <regex>
#include <sstream>

#include <google/protobuf/text_format.h>

#include "bots/bot.h"
#include "run_command.h"
#include "server/store.h"
#include "server_util.h"
#include "test_util.h"
#include "tools/debrief.h"
#include "tools/debrief_fork.h"
#include "tools/debrief_source.h"

namespace mf::testing {
namespace {

namespace fs = std::filesystem;
using tools::debrief::ForkOptions;
using tools::debrief::Model;
using tools::debrief::Record;

// ---- Helpers ---------------------------------------------------------------------

// A fresh folder under the build tree for one test; the folders of earlier
// runs of the same test are removed (the last one is kept for a look).
fs::path TmpDir(const std::string& name) {
  const fs::path root(MF_TEST_TMP_DIR);
  std::error_code ec;
  fs::create_directories(root, ec);
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string f = e.path().filename().string();
    if (f.size() > name.size() &&
        f.compare(f.size() - name.size() - 1, std::string::npos, "_" + name) == 0)
      fs::remove_all(e.path(), ec);
  }
  const fs::path dir = root / (std::to_string(getpid()) + "_" + name);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

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

// Runs a shell command; returns its exit status and stdout.
int Shell(const std::string& cmd, std::string* out = nullptr) {
  CommandResult r = RunCommand(cmd);
  if (out) *out = std::move(r.out);
  return r.code;
}

// A bot-played game recorded through RunMatch, with the bots and bot seed
// that fork game 0 of `fork` would use, so a fork at 0 must reproduce it.
struct Recorded {
  Record record;
  std::unique_ptr<rules::State> state;  // The original, at its end.
  uint64_t hash = 0;
};

Recorded PlayRecorded(const std::string& scenario, uint64_t game_seed, const ForkOptions& fork) {
  Recorded r;
  auto sc = LoadOrFail(scenario);
  const int n = sc->num_seats();
  std::vector<std::string> strategies;
  uint64_t bot_seed = 0;
  tools::debrief::ForkSetup(fork, n, 0, &strategies, &bot_seed);
  std::vector<std::unique_ptr<bots::Bot>> owned;
  std::vector<bots::Bot*> seats;
  for (const std::string& s : strategies) {
    owned.push_back(bots::MakeBot(s));
    seats.push_back(owned.back().get());
  }
  r.state = std::make_unique<rules::State>(sc, game_seed);
  bots::MatchOptions options;
  options.seed = game_seed;
  options.bot_seed = bot_seed;
  bots::MatchResult m = bots::RunMatch(r.state.get(), seats, options, /*keep_log=*/true);
  EXPECT_TRUE(m.finished);
  r.hash = r.state->Hash();
  r.record.scenario_name = sc->id();
  r.record.scenario_text = sc->text();
  r.record.seed = game_seed;
  r.record.log = std::move(m.log);
  r.record.strategies = strategies;
  r.record.source = "test";
  return r;
}

ForkOptions MixOptions(const std::string& mix, uint64_t seed) {
  ForkOptions o;
  std::string error;
  EXPECT_TRUE(tools::ParseMix(mix, &o.mix, &error)) << error;
  o.seed = seed;
  return o;
}

Model Build(const Record& rec) {
  Model m;
  std::string error;
  EXPECT_TRUE(tools::debrief::BuildModel(rec, &m, &error)) << error;
  EXPECT_EQ(m.replay_error, "");
  return m;
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

// The state after the first `k` log entries.
std::unique_ptr<rules::State> StateAt(const Record& rec, int k) {
  std::unique_ptr<rules::State> st;
  std::string error;
  EXPECT_TRUE(tools::debrief::ReplayPrefix(rec, nullptr, k, &st, &error)) << error;
  return st;
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

// ---- What-if forks ----------------------------------------------------------------

TEST(DebriefForkTest, ForkAtZeroWithTheOriginalBotsReproducesTheGame) {
  for (const char* mix : {"cooperator:1,hardliner:1", "dealmaker"}) {
    ForkOptions o = MixOptions(mix, 21);
    Recorded g = PlayRecorded("classroom-8", 77, o);
    o.at = 0;
    o.games = 1;
    tools::debrief::ForkReport rep;
    std::string error;
    ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &rep, &error)) << error;
    ASSERT_EQ(rep.runs.size(), 1u);
    EXPECT_EQ(rep.runs[0].final_hash, g.hash) << mix;
    EXPECT_EQ(rep.actual_hash, g.hash);
    EXPECT_EQ(rep.runs[0].winner, g.state->winner());
    // The same again, with the log kept: entry for entry the record.
    auto start = StateAt(g.record, 0);
    std::vector<std::string> strategies;
    uint64_t bot_seed = 0;
    tools::debrief::ForkSetup(o, 8, 0, &strategies, &bot_seed);
    const auto game = tools::debrief::PlayFork(*start, {}, strategies, bot_seed, 0, true);
    ASSERT_EQ(game.log.size(), g.record.log.size());
    for (size_t i = 0; i < game.log.size(); ++i) {
      ASSERT_EQ(game.log[i].actor, g.record.log[i].actor) << i;
      ASSERT_TRUE(game.log[i].action == g.record.log[i].action) << i;
    }
  }
}

TEST(DebriefForkTest, ALaterForkKeepsTheFirstEntriesAndChangesOnlyWhatFollows) {
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 21);
  Recorded g = PlayRecorded("classroom-8", 77, o);
  const Model m = Build(g.record);
  int at = 0;
  std::string error;
  ASSERT_TRUE(tools::debrief::ParseAt("cycle:2", m, &at, &error)) << error;
  ASSERT_GT(at, 0);
  ASSERT_LT(at, static_cast<int>(g.record.log.size()));
  auto start = StateAt(g.record, at);
  EXPECT_EQ(start->Hash(), m.actions[at - 1].hash_after);
  EXPECT_EQ(start->cycle(), 2);
  EXPECT_EQ(start->phase(), mf::CIVIL_SOCIETY);
  const std::vector<rules::LoggedAction> prefix(g.record.log.begin(), g.record.log.begin() + at);
  int changed = 0;
  for (int game = 0; game < 4; ++game) {
    std::vector<std::string> strategies;
    uint64_t bot_seed = 0;
    tools::debrief::ForkSetup(o, 8, game, &strategies, &bot_seed);
    const auto f = tools::debrief::PlayFork(*start, prefix, strategies, bot_seed, game, true);
    EXPECT_TRUE(f.finished);
    EXPECT_EQ(f.hash_at_fork, m.actions[at - 1].hash_after);
    // The fork's whole log replays from scratch: the first `at` entries are
    // the record's, the state at `at` is the record's, the end is the fork's.
    ASSERT_GE(f.log.size(), static_cast<size_t>(at));
    rules::State replay(start->scenario_ptr(), g.record.seed);
    for (size_t i = 0; i < f.log.size(); ++i) {
      if (i < static_cast<size_t>(at)) {
        ASSERT_EQ(f.log[i].actor, g.record.log[i].actor);
        ASSERT_TRUE(f.log[i].action == g.record.log[i].action);
      }
      ASSERT_TRUE(replay.Apply(f.log[i].actor, f.log[i].action).ok()) << i;
      if (i + 1 == static_cast<size_t>(at)) {
        EXPECT_EQ(replay.Hash(), m.actions[at - 1].hash_after);
      }
    }
    EXPECT_EQ(replay.Hash(), f.final_hash);
    // What was decided before the fork stays decided as it was.
    for (const auto& it : m.items) {
      if (it.decided_entry < 0 || it.decided_entry >= at) continue;
      const rules::Text* t = replay.FindText(it.text_id);
      ASSERT_NE(t, nullptr);
      EXPECT_EQ(t->adopted, it.adopted);
      EXPECT_EQ(t->supporters, it.supporters);
    }
    if (f.final_hash != g.hash) ++changed;
  }
  EXPECT_GT(changed, 0) << "different bots after the fork should change the game";
}

TEST(DebriefForkTest, ReportComparesTheDistributionWithTheRecord) {
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 5);
  Recorded g = PlayRecorded("classroom-8", 31, o);
  o.mix.clear();
  std::string error;
  ASSERT_TRUE(tools::ParseMix("reciprocator:1,dealmaker:1", &o.mix, &error));
  o.games = 24;
  o.threads = 1;
  const Model m = Build(g.record);
  ASSERT_TRUE(tools::debrief::ParseAt("phase:6", m, &o.at, &error)) << error;
  tools::debrief::ForkReport one, two;
  ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &one, &error)) << error;
  o.threads = 3;
  ASSERT_TRUE(tools::debrief::RunFork(g.record, o, &two, &error)) << error;
  EXPECT_EQ(tools::debrief::ForkJson(one), tools::debrief::ForkJson(two));  // Thread-independent.
  EXPECT_EQ(one.games, 24);
  int wins = 0;
  for (const auto& s : one.seats) wins += s.wins;
  EXPECT_EQ(wins, 24 - one.unfinished);
  int role_wins = 0;
  for (const auto& r : one.roles) role_wins += r.wins;
  EXPECT_EQ(role_wins, wins);
  size_t items = 0;
  for (const auto& a : m.scenario->agenda()) items += a.size();
  EXPECT_EQ(one.items.size(), items);
  for (const auto& io : one.items) {
    int count = 0, actual = 0;
    for (const auto& oc : io.outcomes) {
      count += oc.count;
      actual += oc.actual;
    }
    EXPECT_EQ(count, 24) << io.key;
    EXPECT_EQ(actual, 1) << io.key;
    // Items decided before the fork have one outcome: the record's.
    if (io.decided_before_fork) {
      ASSERT_EQ(io.outcomes.size(), 1u) << io.key;
      EXPECT_TRUE(io.outcomes[0].actual);
    }
  }
  EXPECT_EQ(one.seats[g.state->winner()].actual_rank, 1);
  EXPECT_DOUBLE_EQ(one.regime.actual, g.state->regime());
  const std::string table = tools::debrief::ForkTable(one);
  EXPECT_NE(table.find("Winner by role"), std::string::npos);
  EXPECT_NE(table.find("regime strength"), std::string::npos);
  // --at forms.
  int at = -1;
  EXPECT_TRUE(tools::debrief::ParseAt("0", m, &at, &error));
  EXPECT_EQ(at, 0);
  EXPECT_FALSE(tools::debrief::ParseAt("cycle:9", m, &at, &error));
  EXPECT_FALSE(tools::debrief::ParseAt("99999", m, &at, &error));
  EXPECT_FALSE(tools::debrief::ParseAt("x:1", m, &at, &error));
}

// ---- forumctl report / fork as processes -------------------------------------------

void WriteLog(const Record& rec, const fs::path& path) {
  auto sc = LoadOrFail(rec.scenario_name);
  mf::GameLog gl;
  tools::debrief::RecordToGameLog(rec, *sc, &gl);
  std::string text;
  google::protobuf::TextFormat::PrintToString(gl, &text);
  std::ofstream(path) << text;
}

TEST(DebriefCliTest, ReportAndForkFromALogFile) {
  const fs::path dir = TmpDir("cli");
  ForkOptions o = MixOptions("cooperator:1,hardliner:1", 8);
  Recorded g = PlayRecorded("classroom-8", 12, o);
  WriteLog(g.record, dir / "game.txt");
  std::string out;
  const std::string tool = MF_FORUMCTL;
  ASSERT_EQ(Shell(tool + " report --log " + (dir / "game.txt").string() + " --out " +
                      (dir / "report").string(),
                  &out),
            0)
      << out;
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(g.hash));
  EXPECT_NE(out.find(hash), std::string::npos) << out;
  const std::string html = Slurp(dir / "report" / "index.html");
  EXPECT_NE(html.find("<svg class=\"chart trust\""), std::string::npos);
  EXPECT_EQ(CountLines(Slurp(dir / "report" / "actions.csv")),
            1 + static_cast<int>(g.record.log.size()));
  EXPECT_EQ(CountLines(Slurp(dir / "report" / "scores.csv")), 9);
  EXPECT_FALSE(fs::exists(dir / "report" / "messages.csv"));
  // fork --at 0 with the bots and seed of the recording reproduces its hash.
  ASSERT_EQ(Shell(tool + " fork --log " + (dir / "game.txt").string() +
                      " --at 0 --bots cooperator:1,hardliner:1 --games 1 --seed 8 --out " +
                      (dir / "fork.json").string() + " --save-logs " + (dir / "forks").string(),
                  &out),
            0)
      << out;
  const std::string json = Slurp(dir / "fork.json");
  EXPECT_NE(json.find(std::string("\"runs\":[{\"game\":0,")), std::string::npos) << json;
  EXPECT_NE(json.find(std::string("\"hash\":\"") + hash + "\",\"winner\""), std::string::npos)
      << json;
  EXPECT_NE(out.find("Winner by role"), std::string::npos);
  // The saved fork game is a record of its own: its report has the same hash.
  ASSERT_EQ(Shell(tool + " report --log " + (dir / "forks" / "fork_0.txt").string() + " --out " +
                      (dir / "fork_report").string(),
                  &out),
            0)
      << out;
  EXPECT_NE(out.find(hash), std::string::npos) << out;
  // A later fork with other bots, a role override, and bad arguments.
  ASSERT_EQ(
      Shell(tool + " fork --log " + (dir / "game.txt").string() +
                " --at cycle:2 --bots reciprocator --set destination=cooperator --games 3 --json",
            &out),
      0)
      << out;
  EXPECT_NE(out.find("\"at_text\":\"cycle 2, Civil Society Days\""), std::string::npos) << out;
  EXPECT_NE(out.find("destination"), std::string::npos);
  EXPECT_EQ(Shell(tool + " fork --log " + (dir / "game.txt").string() +
                  " --at 100000 --games 1 2>/dev/null"),
            2);
  EXPECT_EQ(Shell(tool + " report --out " + (dir / "x").string() + " 2>/dev/null"), 1);
  EXPECT_EQ(
      Shell(tool + " report --log /nonexistent --out " + (dir / "x").string() + " 2>/dev/null"), 1);
}

// ---- Records from forumd -----------------------------------------------------------

// A whole session on an in-process forumd: two people (network players with
// names) and six bots, a few messages. The debrief is read from the live
// server (GetRecord) and, after the server stops, from its data directory;
// both replay to the server's own hash.
TEST(DebriefServerTest, ReportFromAForumdDataDirAndFromTheServer) {
  ScratchDir data;
  auto server = StartServer(TestOptions(data.path()));
  ASSERT_TRUE(server);
  Client client(server->address());
  auto s = client.Create("classroom-8", {2, 3, 4, 5, 6, 7}, 17, [](mf::CreateSessionRequest* r) {
    r->set_title("Period 3");
    r->set_start_paused(true);
  });
  std::vector<std::string> tokens;
  for (const char* name : {"Ada", "Bo"}) {
    mf::JoinSessionResponse j;
    ASSERT_TRUE(client.Join(s.join_code(), -1, &j, name).ok());
    tokens.push_back(j.seat_token());
  }
  mf::Channel everyone, bilateral;
  everyone.set_everyone(true);
  bilateral.set_seat(1);
  ASSERT_TRUE(client.Chat(s.session(), tokens[0], everyone, "Hello forum").ok());
  ASSERT_TRUE(client.Chat(s.session(), tokens[0], bilateral, "Shall we vote together?").ok());
  mf::Action resume;
  resume.mutable_resume();
  ASSERT_TRUE(client.Facilitate(s.session(), s.facilitator_token(), resume).ok());
  std::vector<std::future<net::PlayResult>> players;
  for (const std::string& t : tokens)
    players.push_back(std::async(std::launch::async, [&client, &s, t] {
      return net::PlaySeat(client.stub(), s.session(), t, {});
    }));
  for (auto& p : players) EXPECT_TRUE(p.get().finished);
  const mf::GetRecordResponse rec = client.Record(s.session(), s.facilitator_token());
  ASSERT_TRUE(rec.finished());

  Record live;
  std::string error;
  ASSERT_TRUE(tools::debrief::LoadRecordFromServer(server->address(), s.session(),
                                                   s.facilitator_token(), "", &live, &error))
      << error;
  const Model lm = Build(live);
  EXPECT_EQ(lm.final_hash, rec.state_hash());
  EXPECT_EQ(live.chat.size(), 2u);
  EXPECT_EQ(live.players[0], "Ada");
  server->Shutdown();
  server.reset();

  Record stored;
  ASSERT_TRUE(tools::debrief::LoadRecordFromDataDir(data.path(), s.session(), &stored, &error))
      << error;
  const Model sm = Build(stored);
  EXPECT_TRUE(sm.finished);
  EXPECT_EQ(sm.final_hash, rec.state_hash());
  EXPECT_EQ(stored.title, "Period 3");
  ASSERT_EQ(stored.players.size(), 8u);
  EXPECT_EQ(stored.players[0], "Ada");
  EXPECT_EQ(stored.players[1], "Bo");
  EXPECT_FALSE(stored.strategies[5].empty());
  ASSERT_EQ(stored.chat.size(), 2u);
  EXPECT_EQ(stored.chat[1].channel, tools::debrief::ChatLine::Channel::kBilateral);
  EXPECT_EQ(stored.action_ms.size(), stored.log.size());
  EXPECT_EQ(sm.actions.size(), lm.actions.size());

  // forumctl report --data, both copies.
  const fs::path out = TmpDir("data");
  std::string text;
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() + " --session " +
                      s.session() + " --out " + (out / "fac").string() + " --facilitator",
                  &text),
            0)
      << text;
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() + " --session " +
                      s.session() + " --out " + (out / "class").string(),
                  &text),
            0)
      << text;
  const std::string fac = Slurp(out / "fac" / "index.html");
  const std::string cls = Slurp(out / "class" / "index.html");
  EXPECT_NE(fac.find("Shall we vote together?"), std::string::npos);
  EXPECT_EQ(cls.find("Shall we vote together?"), std::string::npos);
  EXPECT_NE(cls.find("Period 3"), std::string::npos);
  EXPECT_NE(cls.find("Ada"), std::string::npos);
  EXPECT_EQ(CountLines(Slurp(out / "fac" / "messages.csv")), 3);
  EXPECT_EQ(Shell(std::string(MF_FORUMCTL) + " report --data " + data.path() +
                  " --session nosuch --out " + (out / "x").string() + " 2>/dev/null"),
            1);
  // A fork of the stored session.
  ASSERT_EQ(Shell(std::string(MF_FORUMCTL) + " fork --data " + data.path() + " --session " +
                      s.session() + " --at cycle:2 --bots cooperator --games 2 --json",
                  &text),
            0)
      << text;
  EXPECT_NE(text.find("\"session\":\"" + s.session() + "\""), std::string::npos);
}

// ---- Headless Chromium -----------------------------------------------------------

struct Png {
  int w = 0, h = 0;
  std::vector<uint8_t> rgb;  // Rows of RGB.
  const uint8_t* At(int x, int y) const { return &rgb[(static_cast<size_t>(y) * w + x) * 3]; }
};

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes).
bool DecodePng(const std::string& file, Png* out, std::string* error) {
  const auto* d = reinterpret_cast<const unsigned char*>(file.data());
  if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    *error = "not a PNG";
    return false;
  }
  size_t p = 8;
  int colour = 0, depth = 0, interlace = 0;
  std::string idat;
  while (p + 8 <= file.size()) {
    const uint32_t len = Be32(d + p);
    const std::string type = file.substr(p + 4, 4);
    if (p + 12 + len > file.size()) break;
    const unsigned char* body = d + p + 8;
    if (type == "IHDR") {
      out->w = static_cast<int>(Be32(body));
      out->h = static_cast<int>(Be32(body + 4));
      depth = body[8];
      colour = body[9];
      interlace = body[12];
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(body), len);
    }
    p += 12 + len;
  }
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
    *error = "unsupported PNG (depth " + std::to_string(depth) + ", colour " +
             std::to_string(colour) + ")";
    return false;
  }
  const int bpp = colour == 6 ? 4 : 3;
  const size_t stride = static_cast<size_t>(out->w) * bpp;
  std::vector<unsigned char> raw((stride + 1) * out->h);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_len != raw.size()) {
    *error = "bad PNG data";
    return false;
  }
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  out->rgb.resize(static_cast<size_t>(out->w) * out->h * 3);
  for (int y = 0; y < out->h; ++y) {
    const unsigned char* line = &raw[y * (stride + 1)];
    const int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(bpp) ? cur[i - bpp] : 0;
      const int b = prev[i];
      const int c = i >= static_cast<size_t>(bpp) ? prev[i - bpp] : 0;
      int v = line[1 + i];
      switch (filter) {
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) / 2;
          break;
        case 4: {
          const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          break;
      }
      cur[i] = static_cast<unsigned char>(v & 0xff);
    }
    for (int x = 0; x < out->w; ++x)
      for (int k = 0; k < 3; ++k)
        out->rgb[(static_cast<size_t>(y) * out->w + x) * 3 + k] = cur[x * bpp + k];
    prev.swap(cur);
  }
  return true;
}

std::string Chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (access(c, X_OK) == 0) return c;
  return "";
}

std::string ChromiumCmd(const fs::path& profile) {
  return "timeout 90 " + Chromium() +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --disable-dev-shm-usage --hide-scrollbars --user-data-dir=" +
         profile.string();
}

int CountColour(const Png& png, int x0, int y0, int x1, int y1, int r, int g, int b, int tol = 3) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(png.h, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(png.w, x1); ++x) {
      const uint8_t* p = png.At(x, y);
      if (std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol) ++n;
    }
  return n;
}

// Renders the report in Debian's chromium: the page as the class sees it,
// every chart alone in a cell of a sheet, and the parsed DOM.
TEST(DebriefRenderTest, HeadlessChromiumDrawsEveryChart) {
  const std::string chromium = Chromium();
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed: run tools/setup.sh (Debian package "
                                    "'chromium')";
  ForkOptions o = MixOptions("cooperator:2,dealmaker:1,hardliner:1", 4);
  Recorded g = PlayRecorded("classroom-8", 42, o);
  g.record.players.assign(8, "");
  g.record.players[0] = "Ada";
  g.record.players[6] = "Bo";
  const Model m = Build(g.record);
  const fs::path dir = TmpDir("render");
  std::string error;
  tools::debrief::ReportOptions fo;
  fo.facilitator = true;
  ASSERT_TRUE(tools::debrief::WriteReport(m, (dir / "report").string(), fo, nullptr, &error))
      << error;
  const std::string html = Slurp(dir / "report" / "index.html");

  // 1. The whole page.
  const fs::path shot = dir / "page.png";
  std::string log;
  Shell(ChromiumCmd(dir / "profile1") + " --screenshot=" + shot.string() +
            " --window-size=1280,2000 file://" + (dir / "report" / "index.html").string() + " 2>&1",
        &log);
  ASSERT_TRUE(fs::exists(shot)) << log;
  Png page;
  ASSERT_TRUE(DecodePng(Slurp(shot), &page, &error)) << error;
  EXPECT_EQ(page.w, 1280);
  EXPECT_EQ(page.h, 2000);
  // Not blank: the header bar, and the role colours of the ranking bars and
  // the trust networks.
  EXPECT_GT(CountColour(page, 0, 0, 1280, 120, 0x25, 0x34, 0x46), 20000);
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0xe6, 0x9f, 0x00), 800) << "source bars and nodes";
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0x00, 0x72, 0xb2), 800)
      << "destination bars and nodes";
  EXPECT_GT(CountColour(page, 0, 0, 1280, 2000, 0xcc, 0x79, 0xa7), 300) << "transit bars and nodes";

  // 2. A sheet with every chart alone in a 400x300 cell: each cell must have ink.
  std::vector<std::string> svgs;
  std::vector<std::string> kinds;
  const std::regex open("<svg class=\"chart ([a-z]+)\"");
  for (size_t p = html.find("<svg "); p != std::string::npos; p = html.find("<svg ", p + 1)) {
    const size_t end = html.find("</svg>", p);
    ASSERT_NE(end, std::string::npos);
    svgs.push_back(html.substr(p, end + 6 - p));
    std::smatch mt;
    const std::string head = svgs.back().substr(0, 60);
    kinds.push_back(std::regex_search(head, mt, open) ? mt[1].str() : "?");
  }
  ASSERT_GE(svgs.size(), 10u);
  const int cols = 3, cw = 400, ch = 300;
  const int rows = static_cast<int>((svgs.size() + cols - 1) / cols);
  std::string sheet =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0;background:#fff}"
      ".g{display:grid;grid-template-columns:repeat(3,400px);grid-auto-rows:300px}"
      ".g div{overflow:hidden;background:#fff}.g svg{width:400px;height:300px}</style></head>"
      "<body><div class=\"g\">";
  for (const std::string& s : svgs) sheet += "<div>" + s + "</div>";
  sheet += "</div></body></html>";
  std::ofstream(dir / "sheet.html") << sheet;
  const fs::path sheet_png = dir / "sheet.png";
  Shell(ChromiumCmd(dir / "profile2") + " --screenshot=" + sheet_png.string() +
            " --window-size=1200," + std::to_string(rows * ch) + " file://" +
            (dir / "sheet.html").string() + " 2>&1",
        &log);
  ASSERT_TRUE(fs::exists(sheet_png)) << log;
  Png grid;
  ASSERT_TRUE(DecodePng(Slurp(sheet_png), &grid, &error)) << error;
  ASSERT_GE(grid.h, rows * ch);
  for (size_t k = 0; k < svgs.size(); ++k) {
    const int x0 = static_cast<int>(k % cols) * cw, y0 = static_cast<int>(k / cols) * ch;
    int ink = 0;
    for (int y = y0; y < y0 + ch; ++y)
      for (int x = x0; x < x0 + cw; ++x) {
        const uint8_t* p = grid.At(x, y);
        if (p[0] < 235 || p[1] < 235 || p[2] < 235) ++ink;
      }
    EXPECT_GT(ink, 400) << "chart " << k << " (" << kinds[k] << ") drew almost nothing";
  }
  // Each kind of chart drew its own colours.
  auto colour_in = [&](const std::string& kind, int r, int gg, int b) {
    int n = 0;
    for (size_t k = 0; k < svgs.size(); ++k)
      if (kinds[k] == kind)
        n += CountColour(grid, static_cast<int>(k % cols) * cw, static_cast<int>(k / cols) * ch,
                         static_cast<int>(k % cols) * cw + cw, static_cast<int>(k / cols) * ch + ch,
                         r, gg, b);
    return n;
  };
  EXPECT_GT(colour_in("regime", 0x00, 0x9e, 0x73), 20) << "norms";
  EXPECT_GT(colour_in("regime", 0xd5, 0x5e, 0x00), 20) << "procedures";
  EXPECT_GT(colour_in("social", 0x7b, 0x4f, 0xa0), 20) << "mean trust";
  EXPECT_GT(colour_in("flows", 0x3a, 0x9c, 0x8c), 200) << "legal flows";
  EXPECT_GT(colour_in("flows", 0xe0, 0x60, 0x3a), 200) << "irregular flows";
  EXPECT_GT(colour_in("trust", 0x00, 0x72, 0xb2), 100) << "destination nodes";
  EXPECT_GT(colour_in("ranking", 0xe6, 0x9f, 0x00), 500) << "source bars";

  // 3. The DOM Chromium built has every chart.
  std::string dom;
  Shell(ChromiumCmd(dir / "profile3") + " --dump-dom file://" +
            (dir / "report" / "index.html").string() + " 2>/dev/null",
        &dom);
  EXPECT_EQ(Count(dom, "<svg "), static_cast<int>(svgs.size()));
  EXPECT_EQ(Count(dom, "<svg class=\"chart trust\""), m.scenario->cycles() + 1);
  EXPECT_NE(dom.find("Final ranking"), std::string::npos);
  for (const char* profile : {"profile1", "profile2", "profile3"}) fs::remove_all(dir / profile);
}

}  // namespace
}  // namespace mf::testing
