// forumctl campaign: plays a campaign (rules/campaigns/*.textproto) here with
// bots, session after session with what carries over, and writes its
// debrief: one page for the campaign, one folder per session.
#include <google/protobuf/text_format.h>
#include <cstdio>

#include <filesystem>
#include <iostream>

#include "rules/campaign.h"
#include "tools/balance.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/debrief.h"

namespace mf::tools {
namespace {

struct CampaignArgs {
  std::string campaign, out, bots;
  uint64_t seed = 1;
  bool list = false;
};

int RunCampaign(const CampaignArgs& a) {
  if (a.list) {
    for (const rules::EmbeddedCampaign& e : rules::EmbeddedCampaigns()) {
      rules::CampaignLoad c = rules::LoadCampaign(e.text, e.name);
      if (!c.ok()) continue;
      std::cout << e.name << "\t";
      for (int k = 0; k < c.campaign->sessions_size(); ++k)
        std::cout << (k ? " -> " : "") << c.campaign->sessions(k).scenario();
      std::cout << "\t" << c.campaign->title() << "\n";
    }
    return 0;
  }
  if (a.campaign.empty() || a.out.empty()) {
    std::cerr << "forumctl campaign: give --campaign NAME and --out DIR (or --list)\n";
    return 2;
  }
  rules::CampaignLoad c;
  std::string text, error;
  if (std::filesystem::exists(a.campaign) && ReadFile(a.campaign, &text, &error))
    c = rules::LoadCampaign(text, a.campaign);
  else
    c = rules::LoadEmbeddedCampaign(a.campaign);
  for (const std::string& e : c.errors) std::cerr << "forumctl campaign: " << e << "\n";
  if (!c.ok()) return 1;
  Mix mix;
  if (!ParseMix(a.bots.empty() ? kDefaultMix : a.bots, &mix, &error)) {
    std::cerr << "forumctl campaign: " << error << "\n";
    return 1;
  }
  std::vector<debrief::Record> records;
  if (!debrief::PlayCampaign(*c.campaign, mix, a.seed, &records, &error)) {
    std::cerr << "forumctl campaign: " << error << "\n";
    return 1;
  }
  std::vector<debrief::Model> models(records.size());
  std::vector<debrief::CampaignSessionPage> pages;
  for (size_t k = 0; k < records.size(); ++k) {
    if (!debrief::BuildModel(records[k], &models[k], &error) || !models[k].replay_error.empty()) {
      std::cerr << "forumctl campaign: session " << k + 1 << ": "
                << (error.empty() ? models[k].replay_error : error) << "\n";
      return 1;
    }
    const std::string dir = "session-" + std::to_string(k + 1);
    std::vector<std::string> written;
    if (!debrief::WriteReport(models[k], a.out + "/" + dir, {}, &written, &error)) {
      std::cerr << "forumctl campaign: " << error << "\n";
      return 1;
    }
    mf::GameLog log;
    debrief::RecordToGameLog(records[k], *models[k].scenario, &log);
    std::string log_text;
    google::protobuf::TextFormat::PrintToString(log, &log_text);
    if (!WriteFile(a.out + "/" + dir + "/game.txt", log_text, &error)) {
      std::cerr << "forumctl campaign: " << error << "\n";
      return 1;
    }
    pages.push_back({&models[k], dir + "/index.html"});
    const debrief::Model& m = models[k];
    char figures[128];
    std::snprintf(figures, sizeof figures, "regime %.2f -> %.2f, mean trust %.2f -> %.2f",
                  m.snapshots.front().regime, m.snapshots.back().regime,
                  m.snapshots.front().mean_trust, m.snapshots.back().mean_trust);
    std::cout << "Session " << k + 1 << " " << m.scenario->id() << ": " << m.applied << " actions, "
              << figures;
    if (!m.forum.empty()) std::cout << ", forum: " << m.forum;
    if (m.scenario->proto().has_carry())
      std::cout << "\n  " << rules::CarrySentence(m.scenario->proto().carry());
    std::cout << "\n";
  }
  if (!WriteFile(a.out + "/index.html", debrief::CampaignHtml(*c.campaign, pages), &error)) {
    std::cerr << "forumctl campaign: " << error << "\n";
    return 1;
  }
  std::cout << "  " << a.out << "/index.html\n";
  return 0;
}

}  // namespace

void AddCampaign(CLI::App* app) {
  auto a = std::make_shared<CampaignArgs>();
  CLI::App* sub = app->add_subcommand(
      "campaign",
      "play a campaign here with bots (sessions in a row, with what carries over) and write its "
      "debrief: index.html for the campaign, session-N/ for each session (with its game.txt log)");
  sub->group(kGamesGroup);
  sub->add_flag("--list", a->list, "list the built-in campaigns");
  AddText(sub, "--campaign", &a->campaign, "CAMPAIGN",
          "a built-in campaign's name (e.g. hld-2006-to-2013) or a campaign file");
  AddText(sub, "--out", &a->out, "DIR", "the folder for the debrief");
  AddSeed(sub, &a->seed, "session k is seeded SEED + k; each state's strategy is drawn from it");
  AddText(sub, "--bots", &a->bots, "MIX",
          "strategies drawn per state (kept through the campaign): a strategy, or weighted "
          "strategies (default " +
              std::string(kDefaultMix) + ")")
      ->check(Check("MIX", CheckMix));
  OnRun(sub, [a] { return RunCampaign(*a); });
}

}  // namespace mf::tools
