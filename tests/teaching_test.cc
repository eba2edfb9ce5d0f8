// The teacher's package (tools/teaching.h, forumctl cards/guide/gradebook):
// role cards, the guide and the rubric come from the scenario file, the PDFs
// are checked by rendering them with poppler (pdfinfo, pdftotext, pdftoppm),
// and the gradebook adds up to the game's own score parts.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "debrief_test_util.h"
#include "rules/scenario.h"
#include "test_util.h"
#include "tools/teaching.h"

namespace mf::testing {
namespace {

namespace teaching = tools::teaching;

std::vector<std::string> Builtins() {
  std::vector<std::string> out;
  for (const auto& e : rules::EmbeddedScenarios()) out.push_back(e.name);
  return out;
}

std::string Quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

int PdfPages(const fs::path& pdf) {
  std::string out;
  EXPECT_EQ(Shell("pdfinfo " + Quote(pdf), &out), 0);
  const size_t at = out.find("Pages:");
  if (at == std::string::npos) return -1;
  return std::stoi(out.substr(at + 6));
}

std::string PdfPageText(const fs::path& pdf, int page) {
  std::string out;
  EXPECT_EQ(Shell("pdftotext -layout -f " + std::to_string(page) + " -l " + std::to_string(page) +
                      " " + Quote(pdf) + " -",
                  &out),
            0);
  return out;
}

// pdftotext breaks lines where the PDF does: compare words, not layout.
std::string Words(const std::string& s) {
  std::string out;
  bool space = true;
  for (char c : s) {
    const bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    if (ws && !space) out += ' ';
    if (!ws) out += c;
    space = ws;
  }
  return out;
}

// The share of non-white pixels of a page rendered at 20 dpi (a PPM).
double InkShare(const fs::path& pdf, int page, const fs::path& dir) {
  const fs::path base = dir / ("page" + std::to_string(page));
  EXPECT_EQ(Shell("pdftoppm -r 20 -f " + std::to_string(page) + " -l " + std::to_string(page) +
                  " -singlefile " + Quote(pdf) + " " + Quote(base)),
            0);
  const std::string ppm = Slurp(base.string() + ".ppm");
  int w = 0, h = 0, max = 0, used = 0;
  if (std::sscanf(ppm.c_str(), "P6 %d %d %d%n", &w, &h, &max, &used) != 3 || w <= 0 || h <= 0)
    return -1;
  const size_t start = static_cast<size_t>(used) + 1;
  if (ppm.size() < start + static_cast<size_t>(w * h * 3)) return -1;
  int ink = 0;
  for (int i = 0; i < w * h; ++i) {
    const auto* px = reinterpret_cast<const unsigned char*>(ppm.data() + start + 3 * i);
    if (px[0] < 200 || px[1] < 200 || px[2] < 200) ++ink;
  }
  return static_cast<double>(ink) / (w * h);
}

TEST(Teaching, EveryBuiltInScenarioHasItsTeachersMaterial) {
  for (const std::string& name : Builtins()) {
    auto sc = LoadOrFail(name);
    const mf::Teaching& t = sc->proto().teaching();
    EXPECT_GE(t.objectives_size(), 3) << name;
    for (const mf::LearningObjective& o : t.objectives())
      EXPECT_FALSE(o.quote().empty()) << name << ": " << o.text();
    EXPECT_GE(t.debrief_questions_size(), 3) << name;
    EXPECT_GT(t.history().size(), 200u) << name;
  }
}

TEST(Teaching, CorruptTeachingIsRefusedWithItsPath) {
  auto refused = [&](const std::function<void(mf::Teaching*)>& edit, const std::string& words) {
    mf::Scenario p = LoadOrFail("classroom-8")->proto();
    edit(p.mutable_teaching());
    rules::LoadResult r = rules::LoadScenarioMessage(p, "test");
    EXPECT_FALSE(r.ok()) << words;
    std::string all;
    for (const auto& e : r.errors) all += e + "\n";
    EXPECT_NE(all.find(words), std::string::npos) << all;
  };
  refused([](mf::Teaching* t) { t->mutable_objectives(0)->clear_text(); }, "teaching.objectives");
  refused([](mf::Teaching* t) { t->add_debrief_questions(""); }, "teaching.debrief_questions");
  refused([](mf::Teaching* t) { t->set_history(std::string(3001, 'x')); }, "teaching.history");
  refused(
      [](mf::Teaching* t) {
        for (int i = 0; i < 12; ++i) *t->add_objectives() = t->objectives(0);
      },
      "at most 12 learning objectives");
}

TEST(Teaching, RoleCardsFollowTheBriefs) {
  for (const std::string& name : Builtins()) {
    auto sc = LoadOrFail(name);
    const std::vector<teaching::RoleCard> cards = teaching::RoleCards(*sc);
    ASSERT_EQ(static_cast<int>(cards.size()), sc->num_seats()) << name;
    for (const teaching::RoleCard& c : cards) {
      const rules::SeatData& d = sc->seats()[c.seat];
      EXPECT_EQ(c.name, d.name);
      // The role as the engine weighs it: "source", or a mixed state's weights.
      EXPECT_EQ(c.role, rules::RoleMix(d));
      EXPECT_EQ(c.mixed, d.mixed);
      if (d.mixed) {
        EXPECT_NE(c.role.find('%'), std::string::npos) << c.role;
      }
      ASSERT_EQ(static_cast<int>(c.interests.size()), sc->num_themes());
      EXPECT_EQ(c.interests.front().priority, "first priority");
      // Highest priority first: the first interest is a theme of the top weight.
      double top = 0;
      int top_theme = 0;
      for (int t = 0; t < sc->num_themes(); ++t)
        if (d.priority[t] > top) top = d.priority[t], top_theme = t;
      EXPECT_EQ(c.interests.front().theme, sc->themes()[top_theme].name);
      EXPECT_EQ(c.red_lines.size(), d.red_lines.size());
      std::set<int> allies;
      for (const teaching::Ally& a : c.allies) {
        EXPECT_NE(a.seat, c.seat);
        allies.insert(a.seat);
      }
      EXPECT_EQ(c.allies.size(), std::min<size_t>(3, sc->num_seats() - 1));
      for (const teaching::Ally& a : c.opponents) {
        EXPECT_NE(a.seat, c.seat);
        EXPECT_EQ(allies.count(a.seat), 0u) << name << ": " << c.name;
      }
    }
  }
}

TEST(Teaching, SessionPlanAddsUpToTheClassroomMinutes) {
  for (const std::string& name : Builtins()) {
    auto sc = LoadOrFail(name);
    const std::vector<teaching::PlanRow> plan = teaching::SessionPlan(*sc);
    ASSERT_FALSE(plan.empty());
    int at = 0;
    for (const teaching::PlanRow& r : plan) {
      EXPECT_EQ(r.start_seconds, at) << name;
      EXPECT_GT(r.seconds, 0) << name << " " << r.phase;
      at += r.seconds;
    }
    EXPECT_EQ(at, static_cast<int>(std::lround(rules::ClassroomMinutes(*sc) * 60))) << name;
    EXPECT_EQ(plan.back().cycle, sc->cycles());
  }
  // classroom-8 fits a 45-minute lesson.
  EXPECT_LE(rules::ClassroomMinutes(*LoadOrFail("classroom-8")), 40);
}

TEST(Teaching, RubricIsTheScenariosScoreWeightsOutOf100) {
  for (const std::string& name : Builtins()) {
    auto sc = LoadOrFail(name);
    double total = 0;
    for (const teaching::Criterion& c : teaching::Rubric(*sc)) total += c.max_points;
    EXPECT_NEAR(total, 100.0, 1e-9) << name;
  }
  // Weights set in the scenario move the rubric.
  mf::Scenario p = LoadOrFail("classroom-8")->proto();
  p.mutable_params()->set_w_interest(0.6);
  for (auto set : {&mf::Parameters::set_w_economy, &mf::Parameters::set_w_approval,
                   &mf::Parameters::set_w_reputation, &mf::Parameters::set_w_shared})
    (p.mutable_params()->*set)(0.1);
  rules::LoadResult r = rules::LoadScenarioMessage(p, "test");
  ASSERT_TRUE(r.ok());
  const std::vector<teaching::Criterion> rubric = teaching::Rubric(*r.scenario);
  EXPECT_EQ(rubric[0].column, "interest");
  EXPECT_NEAR(rubric[0].max_points, 60.0, 1e-9);
  EXPECT_NEAR(rubric[4].max_points, 10.0, 1e-9);
}

// Splits one CSV line without quoted commas (the test's names have none).
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',')
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

TEST(Teaching, GradebookFromAPlayedSessionAddsUp) {
  Recorded g = PlayRecorded("classroom-8", 7, MixOptions("cooperator:1,dealmaker:1", 3));
  g.record.players.assign(8, "");
  g.record.players[0] = "Ana";
  g.record.players[5] = "=cmd|' /C calc'!A0";  // A formula must not reach a spreadsheet.
  const Model m = Build(g.record);
  ASSERT_TRUE(m.finished);
  const std::string csv = teaching::GradebookCsv(m);
  std::vector<std::string> lines;
  std::stringstream ss(csv);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 9u) << csv;
  EXPECT_EQ(lines[0],
            "Student,Seat,Role,National interest (35),Economy (20),Domestic approval (15),"
            "Reputation (10),The shared outcome (20),Total (100)");
  const std::vector<teaching::Criterion> rubric = teaching::Rubric(*m.scenario);
  for (int s = 0; s < 8; ++s) {
    const std::vector<std::string> c = Cells(lines[s + 1]);
    ASSERT_EQ(c.size(), 9u) << lines[s + 1];
    EXPECT_EQ(c[1], m.scenario->seats()[s].name);
    const rules::ScoreBreakdown& b = m.scores[s];
    const double parts[] = {b.interest, b.economy, b.approval, b.reputation, b.shared};
    double sum = 0;
    for (int k = 0; k < 5; ++k) {
      const double v = std::stod(c[3 + k]);
      EXPECT_NEAR(v, rubric[k].max_points * parts[k], 0.05) << s << " " << k;
      sum += v;
    }
    EXPECT_NEAR(std::stod(c[8]), sum, 1e-6) << lines[s + 1];
  }
  EXPECT_EQ(Cells(lines[1])[0], "Ana");
  EXPECT_EQ(Cells(lines[6])[0].substr(0, 2), "'=");
}

TEST(Teaching, CardsPdfHasAPagePerSeatWithItsName) {
  const fs::path dir = TmpDir("cards");
  for (const std::string& name : {std::string("classroom-8"), std::string("workshop-30")}) {
    auto sc = LoadOrFail(name);
    std::string error;
    const std::string pdf = teaching::CardsPdf(*sc, &error);
    ASSERT_FALSE(pdf.empty()) << error;
    const fs::path file = dir / (name + ".pdf");
    std::ofstream(file, std::ios::binary) << pdf;
    ASSERT_EQ(PdfPages(file), sc->num_seats()) << name;
    for (int s = 0; s < sc->num_seats(); ++s) {
      const std::string text = Words(PdfPageText(file, s + 1));
      EXPECT_NE(text.find(Words(sc->seats()[s].name)), std::string::npos)
          << name << " page " << s + 1 << ": " << text.substr(0, 200);
      EXPECT_NE(text.find("Your red lines"), std::string::npos);
      // Another seat's card is not on this page (its title line).
      const int other = (s + 1) % sc->num_seats();
      EXPECT_EQ(text.find("card " + std::to_string(other + 1) + " of"), std::string::npos);
    }
    const double ink = InkShare(file, 1, dir);
    EXPECT_GT(ink, 0.02) << "the first card renders mostly blank";
    EXPECT_LT(ink, 0.6) << "the first card renders mostly dark";
  }
}

TEST(Teaching, GuidePdfCarriesObjectivesPlanHistoryAndRubric) {
  const fs::path dir = TmpDir("guide");
  auto sc = LoadOrFail("hld-2006");
  std::string error;
  const std::string pdf = teaching::GuidePdf(*sc, &error);
  ASSERT_FALSE(pdf.empty()) << error;
  const fs::path file = dir / "guide.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  const int pages = PdfPages(file);
  ASSERT_GE(pages, 2);
  std::string all;
  for (int p = 1; p <= pages; ++p) all += PdfPageText(file, p) + " ";
  all = Words(all);
  for (const char* h : {"Learning objectives", "The session, minute by minute", "The seats",
                        "Questions for the debrief", "What history did", "Assessment rubric"})
    EXPECT_NE(all.find(h), std::string::npos) << h;
  for (const mf::LearningObjective& o : sc->proto().teaching().objectives())
    EXPECT_NE(all.find(Words(o.text()).substr(0, 40)), std::string::npos) << o.text();
  char minutes[32];
  std::snprintf(minutes, sizeof minutes, "add up to %g minutes", rules::ClassroomMinutes(*sc));
  EXPECT_NE(all.find(minutes), std::string::npos);
  EXPECT_NE(all.find("Belgium announced"), std::string::npos);
  EXPECT_GT(InkShare(file, 1, dir), 0.02);
}

TEST(Teaching, DebriefShowsWhatHistoryDid) {
  Recorded g = PlayRecorded("hld-2006", 3, MixOptions("cooperator:1", 1));
  const Model m = Build(g.record);
  const std::string html = tools::debrief::ReportHtml(m, {});
  EXPECT_NE(html.find("What history did"), std::string::npos);
  EXPECT_NE(html.find("Belgium announced it would host"), std::string::npos);
  EXPECT_NE(html.find("Questions for the debrief"), std::string::npos);
}

TEST(Teaching, ForumctlCommands) {
  const fs::path dir = TmpDir("cli");
  const std::string f = MF_FORUMCTL;
  std::string out;
  EXPECT_EQ(Shell(f + " cards --scenario puebla-process --out " + Quote(dir / "c.pdf"), &out), 0);
  EXPECT_NE(out.find("10 pages, one per seat"), std::string::npos) << out;
  EXPECT_EQ(PdfPages(dir / "c.pdf"), 10);
  EXPECT_EQ(Shell(f + " guide --scenario convention --out " + Quote(dir / "g.pdf"), &out), 0);
  EXPECT_GE(PdfPages(dir / "g.pdf"), 2);
  // Refusals: not a PDF, an unknown scenario; nothing written.
  EXPECT_EQ(
      Shell(f + " cards --scenario classroom-8 --out " + Quote(dir / "c.png") + " 2>&1", &out), 2);
  EXPECT_NE(out.find("must end in .pdf"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "c.png"));
  EXPECT_NE(Shell(f + " guide --scenario no-such --out " + Quote(dir / "x.pdf") + " 2>/dev/null"),
            0);
  EXPECT_FALSE(fs::exists(dir / "x.pdf"));
  // The gradebook of a game log.
  Recorded g = PlayRecorded("classroom-8", 11, MixOptions("reciprocator:1", 2));
  mf::GameLog log;
  tools::debrief::RecordToGameLog(g.record, *LoadOrFail("classroom-8"), &log);
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(log, &text));
  std::ofstream(dir / "game.txt") << text;
  EXPECT_EQ(Shell(f + " gradebook --log " + Quote(dir / "game.txt") + " --out " +
                      Quote(dir / "grades.csv"),
                  &out),
            0)
      << out;
  EXPECT_EQ(CountLines(Slurp(dir / "grades.csv")), 9);
  EXPECT_EQ(Shell(f + " gradebook --log " + Quote(dir / "missing.txt") + " 2>/dev/null"), 1);
}

}  // namespace
}  // namespace mf::testing
