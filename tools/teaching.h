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

std::vector<Criterion> Rubric(const rules::Scenario& sc);

// One row per seat of a played session: student (the player's name, empty
// for a bot), seat, role, points per criterion and the total, as CSV with a
// header row; RFC 4180 quoting, UTF-8, numbers with one decimal.
std::string GradebookCsv(const debrief::Model& model);

// ---- The printed matter ------------------------------------------------------

// A4 PDFs (Cairo): the role cards, one page per seat; the teacher's guide.
// "" with `error` when drawing fails.
std::string CardsPdf(const rules::Scenario& sc, std::string* error);
std::string GuidePdf(const rules::Scenario& sc, std::string* error);

}  // namespace mf::tools::teaching
