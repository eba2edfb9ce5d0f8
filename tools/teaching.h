// The teacher's package, made from the scenario file so that it never
// drifts from the game: printable role cards (one page per seat), the
// teacher's guide (learning objectives with the article's words, the
// session plan minute by minute under the classroom preset, the seats, the
// debrief questions, what history did, the rubric) and the gradebook CSV
// that scores a played session by that rubric.
//
// The rubric is the game's own score: its five parts (national interest,
// economy, domestic approval, reputation, the shared outcome) weighted as
// the scenario weights them, out of 100, so a student's grade and the
// debrief's per-seat table (scores.csv) say the same thing.
#pragma once

#include <string>
#include <vector>

#include "rules/scenario.h"
#include "tools/debrief.h"

namespace mf::tools::teaching {

// ---- Role cards ---------------------------------------------------------

struct Interest {
  std::string theme;     // The theme's name.
  int ideal = 50;        // 0..100.
  std::string where;     // The ideal in words (its band, or toward which end).
  std::string priority;  // "first priority", "high", "medium" or "low".
};

struct Ally {
  int seat = -1;
  std::string why;  // e.g. "Puebla Process" or "wants what you want on labour, rights".
};

struct RoleCard {
  int seat = -1;
  std::string name, region, briefing;
  // "source", or a state of mixed roles' weights: "transit 50% · source 50%".
  std::string role;
  bool mixed = false;
  double influence = 1;
  std::vector<Interest> interests;     // By priority, highest first.
  std::vector<std::string> red_lines;  // One sentence each.
  std::vector<std::string> caucuses;   // "Name: other members".
  std::vector<Ally> allies;            // The closest briefs (at most 3).
  std::vector<Ally> opponents;         // The farthest briefs (at most 2).
  // An organisation (IOM, UNHCR, ILO, OHCHR, civil society): its mandate's
  // name, what it may and may not do at the table (it never votes), and what
  // its score counts. Empty for a state.
  bool organisation = false;
  std::string mandate;
  std::vector<std::string> may, may_not, scored_on;
};

std::vector<RoleCard> RoleCards(const rules::Scenario& sc);

// ---- The session plan ---------------------------------------------------

struct PlanRow {
  int start_seconds = 0;  // From the start of the session.
  int seconds = 0;
  int cycle = 0;      // 1-based.
  std::string phase;  // e.g. "Statements".
  std::string item;   // The agenda item's theme, or "".
};

// The phases in order with the classroom preset's clocks; the rows' seconds
// add up to rules::ClassroomMinutes(sc) x 60.
std::vector<PlanRow> SessionPlan(const rules::Scenario& sc);

// ---- The rubric and the gradebook ----------------------------------------

struct Criterion {
  std::string name;         // e.g. "National interest".
  std::string column;       // Its column in the debrief's scores.csv.
  std::string description;  // What earns the points.
  double max_points = 0;    // The criteria add up to 100.
};

// The states' rubric: the game's score parts (interest, economy, approval,
// reputation, shared) weighted as the scenario weights them, out of 100.
std::vector<Criterion> Rubric(const rules::Scenario& sc);
// The organisations' rubric: migrant welfare, the mandate's indicator and
// standing, weighted by the scenario's w_org_* out of 100; `column` names the
// column of the debrief's organisations table ("Migrant welfare", "Mandate",
// "Standing"). Empty when the scenario seats no organisation.
std::vector<Criterion> OrganisationRubric(const rules::Scenario& sc);
// The press desks' rubric from the record: reports published (one a cycle
// earns the full points) and their mean credibility (how far the public
// record bore them out), out of 100; `column` names the column of the
// debrief's press reports table ("Desk", "Borne out").
std::vector<Criterion> PressRubric();

// ---- Press desks and campaigns ----------------------------------------------

// What a press desk does and how its reports are weighed, one line each,
// for the press card and the guide.
std::vector<std::string> PressDeskLines(const rules::Scenario& sc);

// One row per seat of a played session: student (the player's name, empty
// for a bot), seat, role, points per criterion and the total, as CSV with a
// header row; RFC 4180 quoting, UTF-8, numbers with one decimal. Seats of
// different kinds share one file with a column per criterion of each kind
// present (the states', then the organisations', then the press desks'
// when the session had desks, one row per desk): a row fills its own kind's
// cells and leaves the others empty, which gradebook imports leave ungraded;
// every row's Total is out of 100.
std::string GradebookCsv(const debrief::Model& model);

// ---- The printed matter ------------------------------------------------------

// A4 PDFs (Cairo): the role cards, one page per seat; the teacher's guide.
// "" with `error` when drawing fails.
std::string CardsPdf(const rules::Scenario& sc, std::string* error);
std::string GuidePdf(const rules::Scenario& sc, std::string* error);
// The cards with `press_desks` press-desk cards after the seats' (one page
// each, numbered), for students beyond the seats.
std::string CardsPdf(const rules::Scenario& sc, int press_desks, std::string* error);
// One guide for a campaign (rules/campaigns): what it is, what carries over
// from session to session, and a section per session (its scenario, the
// forum it meets under, its seats, objectives, session plan, questions and
// history). "" with `error` when a session's scenario does not load or
// drawing fails.
std::string CampaignGuidePdf(const mf::Campaign& campaign, std::string* error);

}  // namespace mf::tools::teaching
