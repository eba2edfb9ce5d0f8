// forumctl cards, guide and gradebook: the teacher's package (tools/teaching.h),
// made from the scenario file, and the grades of a played session.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "rules/campaign.h"
#include "tools/cmd_record.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/draw.h"
#include "tools/teaching.h"

namespace mf::tools {
namespace {

struct PrintArgs {
  std::string scenario, campaign, out;
  int press_desks = 0;
};

// A built-in campaign's name or a campaign file.
bool LoadCampaignArg(const std::string& arg, rules::CampaignLoad* c) {
  std::string text, error;
  if (std::filesystem::exists(arg) && ReadFile(arg, &text, &error))
    *c = rules::LoadCampaign(text, arg);
  else
    *c = rules::LoadEmbeddedCampaign(arg);
  for (const std::string& e : c->errors) std::cerr << "forumctl guide: " << e << "\n";
  return c->ok();
}

int RunPrint(const PrintArgs& a, bool cards) {
  const char* name = cards ? "forumctl cards" : "forumctl guide";
  draw::Format format;
  std::string error;
  if (!draw::FormatOfPath(a.out, &format, &error) || format != draw::Format::kPdf) {
    std::cerr << name << ": --out " << a.out << ": the file must end in .pdf\n";
    return 2;
  }
  if (!cards && a.scenario.empty() == a.campaign.empty()) {
    std::cerr << name << ": give --scenario or --campaign (one of them)\n";
    return 2;
  }
  if (!a.campaign.empty()) {
    rules::CampaignLoad c;
    if (!LoadCampaignArg(a.campaign, &c)) return 1;
    const std::string pdf = teaching::CampaignGuidePdf(*c.campaign, &error);
    if (pdf.empty() || !WriteFile(a.out, pdf, &error)) {
      std::cerr << name << ": " << error << "\n";
      return 1;
    }
    std::cout << "Teacher's guide of the campaign " << c.campaign->id() << ": "
              << c.campaign->sessions_size() << " sessions, " << a.out << "\n";
    return 0;
  }
  auto sc = LoadScenarioArg(a.scenario);
  if (!sc) return 1;
  const std::string pdf =
      cards ? teaching::CardsPdf(*sc, a.press_desks, &error) : teaching::GuidePdf(*sc, &error);
  if (pdf.empty() || !WriteFile(a.out, pdf, &error)) {
    std::cerr << name << ": " << error << "\n";
    return 1;
  }
  if (cards) {
    std::cout << "Role cards of " << sc->id() << ": " << sc->num_seats() << " pages, one per seat";
    if (a.press_desks > 0)
      std::cout << ", and " << a.press_desks << " press-desk "
                << (a.press_desks == 1 ? "card" : "cards");
    std::cout << ", " << a.out << "\n";
  } else
    std::cout << "Teacher's guide of " << sc->id() << ": " << a.out << "\n";
  return 0;
}

void AddPrint(CLI::App* app, bool cards) {
  auto a = std::make_shared<PrintArgs>();
  CLI::App* sub =
      cards ? app->add_subcommand("cards",
                                  "printable role cards: one A4 page per seat (a state: role, "
                                  "brief, interests, red lines, likely allies; an organisation: "
                                  "mandate, what it may and may not do, its score), and one per "
                                  "press desk, as PDF")
            : app->add_subcommand("guide",
                                  "the teacher's guide, as PDF: learning objectives from the "
                                  "article, the session plan minute by minute, the seats, debrief "
                                  "questions, what history did and the rubric; or one guide for "
                                  "a campaign's sessions");
  sub->group(kDebriefGroup);
  CLI::Option* scenario = AddText(sub, "--scenario", &a->scenario, "SCENARIO",
                                  "a built-in scenario's name or a scenario file");
  if (cards) {
    scenario->required();
    AddNumber(sub, "--press-desks", &a->press_desks, "N", 0, 64,
              "a press-desk card for each of N desks after the seats' (default 0)");
  } else {
    AddText(sub, "--campaign", &a->campaign, "CAMPAIGN",
            "a built-in campaign's name (e.g. hld-2006-to-2013) or a campaign file: one guide "
            "for its sessions (what carries over, a section per session)");
  }
  AddText(sub, "--out", &a->out, "FILE", "the PDF to write")->required();
  OnRun(sub, [a, cards] { return RunPrint(*a, cards); });
}

struct GradebookArgs {
  RecordArgs record;
  std::string out;
};

int RunGradebook(const GradebookArgs& a) {
  debrief::Record record;
  if (!LoadRecord(a.record, &record)) return 1;
  debrief::Model model;
  std::string error;
  if (!debrief::BuildModel(record, &model, &error)) {
    std::cerr << "forumctl gradebook: " << error << "\n";
    return 1;
  }
  if (!model.replay_error.empty()) {
    std::cerr << "forumctl gradebook: the record stops early (" << model.replay_error
              << "); no grades from a session that cannot be replayed to its end\n";
    return 1;
  }
  if (!model.finished)
    std::cerr << "forumctl gradebook: warning: the session has not finished; these are the "
                 "running scores\n";
  const std::string csv = teaching::GradebookCsv(model);
  if (a.out.empty() || a.out == "-") {
    std::cout << csv;
    return 0;
  }
  if (!WriteFile(a.out, csv, &error)) {
    std::cerr << "forumctl gradebook: " << error << "\n";
    return 1;
  }
  std::cout << "Gradebook of " << model.scenario->id() << ": "
            << model.scenario->num_seats() + model.press_desks << " rows, " << a.out << "\n";
  return 0;
}

}  // namespace

void AddCards(CLI::App* app) {
  AddPrint(app, true);
}
void AddGuide(CLI::App* app) {
  AddPrint(app, false);
}

void AddGradebook(CLI::App* app) {
  auto a = std::make_shared<GradebookArgs>();
  CLI::App* sub = app->add_subcommand(
      "gradebook",
      "a played session's grades by the guide's rubric, as CSV for a gradebook import (one row "
      "per seat and press desk: student, seat, role, points per criterion of its kind, total out "
      "of 100)");
  sub->group(kDebriefGroup);
  AddRecordSource(sub, &a->record);
  AddText(sub, "--out", &a->out, "FILE", "the CSV to write (default: standard output)");
  OnRun(sub, [a] { return RunGradebook(*a); });
}

}  // namespace mf::tools
