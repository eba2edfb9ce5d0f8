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
#include "rules/campaign.h"
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

// Splits a CSV text into rows of cells (no quoted commas in these tests).
std::vector<std::vector<std::string>> Rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::stringstream ss(csv);
  for (std::string l; std::getline(ss, l);) out.push_back(Cells(l));
  return out;
}

TEST(Teaching, OrganisationCardsSayWhatTheyMayDoAndThatTheyDoNotVote) {
  for (const std::string& name : Builtins()) {
    auto sc = LoadOrFail(name);
    for (const teaching::RoleCard& c : teaching::RoleCards(*sc)) {
      const rules::SeatData& d = sc->seats()[c.seat];
      EXPECT_EQ(c.organisation, d.organisation) << name << ": " << c.name;
      if (!d.organisation) {
        EXPECT_TRUE(c.may.empty() && c.may_not.empty() && c.scored_on.empty()) << c.name;
        continue;
      }
      EXPECT_EQ(c.mandate, rules::MandateName(d.mandate));
      ASSERT_FALSE(c.may_not.empty());
      EXPECT_NE(c.may_not.front().find("You do not vote"), std::string::npos);
      EXPECT_GE(c.may.size(), 4u);
      // Its score: welfare, its own mandate's indicator, standing.
      ASSERT_EQ(c.scored_on.size(), 4u);
      EXPECT_NE(c.scored_on[1].find(c.mandate), std::string::npos) << c.scored_on[1];
      // Its allies and the states to persuade are states, read from the stances.
      for (const auto* list : {&c.allies, &c.opponents})
        for (const teaching::Ally& a : *list)
          EXPECT_FALSE(sc->IsOrganisation(a.seat)) << name << ": " << c.name;
    }
  }
  // The printed card of an organisation (workshop-30 seats all five kinds).
  const fs::path dir = TmpDir("orgcards");
  auto sc = LoadOrFail("workshop-30");
  ASSERT_GE(sc->num_seats() - sc->num_states(), 5);
  std::string error;
  const std::string pdf = teaching::CardsPdf(*sc, &error);
  ASSERT_FALSE(pdf.empty()) << error;
  const fs::path file = dir / "cards.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  int orgs = 0;
  for (int s = 0; s < sc->num_seats(); ++s) {
    const std::string text = Words(PdfPageText(file, s + 1));
    if (!sc->IsOrganisation(s)) {
      EXPECT_EQ(text.find("does not vote"), std::string::npos) << sc->seats()[s].name;
      continue;
    }
    ++orgs;
    const std::string mandate = rules::MandateName(sc->seats()[s].mandate);
    EXPECT_NE(text.find(Words(sc->seats()[s].name)), std::string::npos) << text.substr(0, 200);
    EXPECT_NE(text.find("mandate: " + mandate), std::string::npos) << text.substr(0, 300);
    EXPECT_NE(text.find("it does not vote"), std::string::npos) << mandate;
    for (const char* h : {"What you may do", "What you may not do", "How you score"})
      EXPECT_NE(text.find(h), std::string::npos) << mandate << ": " << h;
    EXPECT_EQ(text.find("Your red lines"), std::string::npos) << mandate;
  }
  EXPECT_EQ(orgs, sc->num_seats() - sc->num_states());
}

TEST(Teaching, OrganisationRubricIsTheirScoreWeightsOutOf100) {
  EXPECT_TRUE(teaching::OrganisationRubric(*LoadOrFail("classroom-8")).empty());
  auto sc = LoadOrFail("gfmd-roundtables");
  const std::vector<teaching::Criterion> r = teaching::OrganisationRubric(*sc);
  ASSERT_EQ(r.size(), 3u);
  const rules::Params& p = sc->params();
  const double sum = p.w_org_welfare + p.w_org_mandate + p.w_org_standing;
  EXPECT_NEAR(r[0].max_points, 100 * p.w_org_welfare / sum, 0.05);
  EXPECT_NEAR(r[1].max_points, 100 * p.w_org_mandate / sum, 0.05);
  EXPECT_NEAR(r[0].max_points + r[1].max_points + r[2].max_points, 100.0, 1e-9);
  // The columns of the debrief's organisations table.
  Recorded g = PlayRecorded("gfmd-roundtables", 2, MixOptions("cooperator:1", 1));
  const std::string html = tools::debrief::ReportHtml(Build(g.record), {});
  for (const teaching::Criterion& c : r)
    EXPECT_NE(html.find("<th class=\"n\">" + c.column + "</th>"), std::string::npos) << c.column;
}

TEST(Teaching, GradebookGivesOrganisationsTheirOwnColumns) {
  Recorded g = PlayRecorded("institutional-options", 5, MixOptions("cooperator:1,dealmaker:1", 2));
  const Model m = Build(g.record);
  ASSERT_TRUE(m.finished);
  const rules::Scenario& sc = *m.scenario;
  const auto rows = Rows(teaching::GradebookCsv(m));
  ASSERT_EQ(static_cast<int>(rows.size()), 1 + sc.num_seats());
  const std::vector<std::string>& head = rows[0];
  // Student, Seat, Role, five states' criteria, three organisations', Total.
  ASSERT_EQ(head.size(), 12u);
  EXPECT_EQ(head[8], "Migrant welfare (30)");
  EXPECT_EQ(head[9], "Mandate (50)");
  EXPECT_EQ(head[10], "Standing (20)");
  EXPECT_EQ(head[11], "Total (100)");
  const std::vector<teaching::Criterion> org = teaching::OrganisationRubric(sc);
  int orgs = 0;
  for (int s = 0; s < sc.num_seats(); ++s) {
    const std::vector<std::string>& c = rows[s + 1];
    ASSERT_EQ(c.size(), 12u);
    const rules::ScoreBreakdown& b = m.scores[s];
    double sum = 0;
    if (sc.IsOrganisation(s)) {
      ++orgs;
      EXPECT_EQ(c[2],
                std::string("organisation (") + rules::MandateName(sc.seats()[s].mandate) + ")");
      for (int k = 3; k < 8; ++k) EXPECT_EQ(c[k], "") << "a state's criterion on " << c[1];
      const double parts[] = {b.shared, b.mandate, b.reputation};
      for (int k = 0; k < 3; ++k) {
        const double v = std::stod(c[8 + k]);
        EXPECT_NEAR(v, org[k].max_points * parts[k], 0.05 + 1e-9) << c[1] << " " << k;
        sum += v;
      }
    } else {
      for (int k = 8; k < 11; ++k) EXPECT_EQ(c[k], "") << "an organisation's criterion on " << c[1];
      for (int k = 3; k < 8; ++k) sum += std::stod(c[k]);
    }
    EXPECT_NEAR(std::stod(c[11]), sum, 1e-6) << c[1];
  }
  EXPECT_EQ(orgs, 3);
}

TEST(Teaching, GradebookGradesPressDesksFromTheRecord) {
  auto sc = LoadOrFail("classroom-8");
  Record rec;
  rec.scenario_name = sc->id();
  rec.scenario_text = sc->text();
  rec.seed = 3;
  rec.press_desks = 3;
  rec.press_players = {"Bea"};  // Desk 1's holder (forumd keeps it with the seats).
  auto report = [](int about, bool praise) {
    rules::Action a = Make(rules::ActionType::kPublishReport);
    a.seat = about;
    a.flag = praise;
    a.text = "A short report.";
    return a;
  };
  // Desk 1 publishes twice (criticism, then praise of a state that kept
  // nothing), desk 2 once; desk 3 publishes nothing.
  rec.log.push_back({rules::PressActor(0), report(1, false)});
  rec.log.push_back({rules::PressActor(1), report(2, true)});
  rec.log.push_back({rules::kFacilitator, AdvanceAction()});
  rec.log.push_back({rules::PressActor(0), report(3, true)});
  const Model m = Build(rec);
  ASSERT_EQ(m.reports.size(), 3u);
  const auto rows = Rows(teaching::GradebookCsv(m));
  ASSERT_EQ(rows.size(), 1u + 8 + 3);
  const std::vector<std::string>& head = rows[0];
  ASSERT_EQ(head.size(), 11u);
  EXPECT_EQ(head[8], "Reports published (30)");
  EXPECT_EQ(head[9], "Credibility (70)");
  const double cycles = sc->cycles();
  const double mean0 = (m.reports[0].credibility + m.reports[2].credibility) / 2;
  const double expect[3][2] = {{30 * std::min(1.0, 2 / cycles), 70 * mean0},
                               {30 * std::min(1.0, 1 / cycles), 70 * m.reports[1].credibility},
                               {0, 0}};
  for (int d = 0; d < 3; ++d) {
    const std::vector<std::string>& c = rows[9 + d];
    ASSERT_EQ(c.size(), 11u);
    EXPECT_EQ(c[1], "press desk " + std::to_string(d + 1));
    EXPECT_EQ(c[2], "press");
    for (int k = 3; k < 8; ++k) EXPECT_EQ(c[k], "");
    EXPECT_NEAR(std::stod(c[8]), expect[d][0], 0.05) << d;
    EXPECT_NEAR(std::stod(c[9]), expect[d][1], 0.05) << d;
    EXPECT_NEAR(std::stod(c[10]), std::stod(c[8]) + std::stod(c[9]), 1e-6);
  }
  EXPECT_EQ(rows[9][0], "Bea");
  EXPECT_EQ(rows[10][0], "");
  // The criteria name the columns of the debrief's press reports table.
  const std::string html = tools::debrief::ReportHtml(m, {});
  for (const teaching::Criterion& c : teaching::PressRubric())
    EXPECT_NE(html.find("<th>" + c.column + "</th>"), std::string::npos) << c.column;
  // The seats' rows leave the press columns empty.
  EXPECT_EQ(rows[1][8], "");
  EXPECT_EQ(rows[1][9], "");
  // Credibility is not a constant: the criticism of a state that broke
  // nothing and the praise differ from a full score.
  EXPECT_LT(std::stod(rows[9][9]), 70.0);
}

TEST(Teaching, PressDeskCardsFollowTheSeats) {
  const fs::path dir = TmpDir("presscards");
  auto sc = LoadOrFail("classroom-8");
  std::string error;
  const std::string pdf = teaching::CardsPdf(*sc, 2, &error);
  ASSERT_FALSE(pdf.empty()) << error;
  const fs::path file = dir / "cards.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  ASSERT_EQ(PdfPages(file), sc->num_seats() + 2);
  for (int d = 0; d < 2; ++d) {
    const int page = sc->num_seats() + d + 1;
    const std::string text = Words(PdfPageText(file, page));
    EXPECT_NE(text.find("Press desk " + std::to_string(d + 1)), std::string::npos) << text;
    for (const std::string& h :
         {std::string("What a press desk does"), std::string("How credibility is earned"),
          std::string("How you are graded"), std::string("--press"),
          "card " + std::to_string(page) + " of 10"})
      EXPECT_NE(text.find(h), std::string::npos) << h << ": " << text;
    EXPECT_EQ(text.find("Your red lines"), std::string::npos);
    const double ink = InkShare(file, page, dir);
    EXPECT_GT(ink, 0.02) << "the press card renders mostly blank";
    EXPECT_LT(ink, 0.6);
  }
  // The guide tells the teacher how to use the desks.
  const std::string guide = teaching::GuidePdf(*sc, &error);
  ASSERT_FALSE(guide.empty()) << error;
  std::ofstream(dir / "guide.pdf", std::ios::binary) << guide;
  std::string all;
  for (int p = 1; p <= PdfPages(dir / "guide.pdf"); ++p) all += PdfPageText(dir / "guide.pdf", p);
  all = Words(all);
  for (const char* h : {"Press desks: students beyond the seats", "--press-desks N",
                        "Reports published", "Credibility"})
    EXPECT_NE(all.find(h), std::string::npos) << h;
}

TEST(Teaching, CampaignGuideHasASectionPerSession) {
  const fs::path dir = TmpDir("campaign");
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign("hld-2006-to-2013");
  ASSERT_TRUE(c.ok());
  std::string error;
  const std::string pdf = teaching::CampaignGuidePdf(*c.campaign, &error);
  ASSERT_FALSE(pdf.empty()) << error;
  const fs::path file = dir / "campaign.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  const int pages = PdfPages(file);
  ASSERT_GE(pages, 1 + c.campaign->sessions_size());
  std::vector<std::string> text(static_cast<size_t>(pages) + 1);
  std::string all;
  for (int p = 1; p <= pages; ++p) all += (text[p] = Words(PdfPageText(file, p))) + " ";
  EXPECT_NE(all.find("What carries over"), std::string::npos);
  // Each session opens a page of its own ("Session k of 3", then its title)
  // with its label, its scenario and the guide's parts; the sessions come in
  // the campaign's order.
  const int n = c.campaign->sessions_size();
  size_t at = 0;
  for (int k = 0; k < n; ++k) {
    const mf::CampaignSession& s = c.campaign->sessions(k);
    auto sc = LoadOrFail(s.scenario());
    const std::string opens = "Session " + std::to_string(k + 1) + " of " + std::to_string(n) +
                              " Session " + std::to_string(k + 1) + ": " + Words(s.label());
    const size_t here = all.find(opens, at);
    ASSERT_NE(here, std::string::npos) << opens;
    at = here + 1;
    int page = 0;
    for (int p = 1; p <= pages && !page; ++p)
      if (text[p].rfind(opens, 0) == 0) page = p;
    EXPECT_GT(page, 1) << "session " << k + 1 << " does not open a page";
    const size_t next =
        k + 1 < n ? all.find("Session " + std::to_string(k + 2) + " of ", here) : all.size();
    ASSERT_NE(next, std::string::npos);
    const std::string section = all.substr(here, next - here);
    EXPECT_NE(section.find("(" + s.scenario() + ")"), std::string::npos) << s.scenario();
    for (const char* h : {"What this session inherits", "The session, minute by minute",
                          "What history did", "Assessment rubric"})
      EXPECT_NE(section.find(h), std::string::npos) << s.scenario() << ": " << h;
    EXPECT_NE(section.find(Words(sc->proto().teaching().objectives(0).text()).substr(0, 40)),
              std::string::npos)
        << s.scenario();
  }
  // The GFMD session meets under the forum the 2006 follow-up chooses, and
  // the 2013 Dialogue keeps its own rules.
  EXPECT_NE(all.find("It meets under the forum session 1 chose"), std::string::npos);
  EXPECT_NE(all.find("It keeps its own rules"), std::string::npos);
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
      // A state's card has its red lines; an organisation's what it may not do.
      EXPECT_NE(text.find(sc->IsOrganisation(s) ? "What you may not do" : "Your red lines"),
                std::string::npos);
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
  EXPECT_EQ(Shell(f + " cards --scenario classroom-8 --press-desks 3 --out " + Quote(dir / "p.pdf"),
                  &out),
            0);
  EXPECT_NE(out.find("8 pages, one per seat, and 3 press-desk cards"), std::string::npos) << out;
  EXPECT_EQ(PdfPages(dir / "p.pdf"), 11);
  EXPECT_EQ(Shell(f + " guide --campaign hld-2006-to-2013 --out " + Quote(dir / "k.pdf"), &out), 0);
  EXPECT_NE(out.find("3 sessions"), std::string::npos) << out;
  EXPECT_GE(PdfPages(dir / "k.pdf"), 4);
  EXPECT_EQ(Shell(f + " guide --out " + Quote(dir / "n.pdf") + " 2>&1", &out), 2);
  EXPECT_NE(out.find("give --scenario or --campaign"), std::string::npos) << out;
  EXPECT_NE(Shell(f + " guide --campaign no-such --out " + Quote(dir / "n.pdf") + " 2>/dev/null"),
            0);
  EXPECT_FALSE(fs::exists(dir / "n.pdf"));
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
