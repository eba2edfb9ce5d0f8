// Campaigns (rules/campaign.h): loading, and what one session hands the next.
#include "rules/campaign.h"

#include <google/protobuf/text_format.h>

#include <cstdio>

namespace mf::rules {

CampaignLoad LoadCampaign(const std::string& text, const std::string& filename) {
  CampaignLoad out;
  auto campaign = std::make_shared<mf::Campaign>();
  google::protobuf::TextFormat::Parser parser;
  if (!parser.ParseFromString(text, campaign.get())) {
    out.errors.push_back(filename + ": not an mf.Campaign in protobuf text format");
    return out;
  }
  auto error = [&](const std::string& m) { out.errors.push_back(filename + ": " + m); };
  if (campaign->id().empty()) error("id: a campaign needs an id");
  if (campaign->sessions_size() < 2 || campaign->sessions_size() > kMaxCampaignSessions)
    error("sessions: a campaign has 2 to " + std::to_string(kMaxCampaignSessions) + " sessions");
  for (int i = 0; i < campaign->sessions_size(); ++i) {
    const mf::CampaignSession& s = campaign->sessions(i);
    LoadResult r = LoadEmbeddedScenario(s.scenario());
    if (!r.ok()) {
      error("sessions[" + std::to_string(i) + "].scenario: no built-in scenario '" + s.scenario() +
            "'");
    }
    if (s.label().size() > 200)
      error("sessions[" + std::to_string(i) + "].label: at most 200 bytes");
  }
  if (!out.errors.empty()) return out;
  out.campaign = std::move(campaign);
  return out;
}

CampaignLoad LoadEmbeddedCampaign(const std::string& name) {
  for (const EmbeddedCampaign& e : EmbeddedCampaigns())
    if (name == e.name) return LoadCampaign(e.text, name);
  CampaignLoad out;
  std::string names;
  for (const EmbeddedCampaign& e : EmbeddedCampaigns())
    names += (names.empty() ? "" : ", ") + std::string(e.name);
  out.errors.push_back("no campaign '" + name + "'; the built-in ones: " + names);
  return out;
}

std::vector<int> SeatMap(const Scenario& prev, const Scenario& next) {
  std::vector<int> out;
  for (const SeatData& d : next.seats()) out.push_back(prev.SeatIndex(d.id));
  return out;
}

namespace {

mf::ForumRules ForumOut(const ThemeData::Forum& f) {
  mf::ForumRules out;
  out.set_decision_rule(f.rule);
  for (mf::Form form : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if ((f.forms >> form) & 1) out.add_allowed_forms(form);
  out.set_forms_reason(f.forms_reason);
  if (f.sets_meeting) out.mutable_meetings()->set_procedures_per_meeting(f.meeting_procedures);
  return out;
}

}  // namespace

mf::Carry CarryOver(const State& ended, const Scenario& next, const std::string& campaign,
                    int stage, bool own_rules) {
  const Scenario& prev = ended.scenario();
  mf::Carry c;
  c.set_campaign(campaign);
  c.set_stage(stage);
  c.set_from_scenario(prev.id());
  const std::vector<int> map = SeatMap(prev, next);
  for (size_t i = 0; i < map.size(); ++i) {
    if (map[i] < 0) continue;
    mf::CarriedSeat* s = c.add_seats();
    s->set_id(next.seats()[i].id);
    s->set_reputation(ended.reputation(map[i]));
  }
  for (size_t i = 0; i < map.size(); ++i)
    for (size_t j = 0; j < map.size(); ++j) {
      if (i == j || map[i] < 0 || map[j] < 0) continue;
      mf::CarriedTrust* t = c.add_trust();
      t->set_from(next.seats()[i].id);
      t->set_to(next.seats()[j].id);
      t->set_trust(ended.trust(map[i], map[j]));
    }
  mf::RegimeStrength* r = c.mutable_regime();
  r->set_norms(ended.norms());
  r->set_decision_rules(ended.rules_strength());
  r->set_procedures(ended.procedures());
  r->set_total(ended.regime());
  if (own_rules) return c;
  if (ended.forum_band() >= 0) {
    const ThemeData& th = prev.themes()[ended.forum_theme()];
    const ThemeData::Band& band = th.bands[ended.forum_band()];
    *c.mutable_forum() = ForumOut(band.forum);
    c.set_forum_label(band.label);
    c.set_forum_from(prev.id());
  } else if (prev.proto().carry().has_forum()) {
    // Chosen earlier and still the forum.
    *c.mutable_forum() = prev.proto().carry().forum();
    c.set_forum_label(prev.proto().carry().forum_label());
    c.set_forum_from(prev.proto().carry().forum_from());
  }
  return c;
}

LoadResult WithCarry(const Scenario& next, const mf::Carry& carry, const std::string& label) {
  mf::Scenario p = next.proto();
  *p.mutable_carry() = carry;
  if (carry.has_forum()) {
    const mf::ForumRules& f = carry.forum();
    if (f.decision_rule() != mf::DECISION_RULE_UNSPECIFIED) p.set_decision_rule(f.decision_rule());
    if (f.allowed_forms_size() > 0) {
      *p.mutable_allowed_forms() = f.allowed_forms();
      p.set_forms_reason(f.forms_reason());
    }
    if (f.has_meetings())
      p.mutable_params()->set_meeting_procedures(f.meetings().procedures_per_meeting());
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(p, &text);
  return LoadScenario(text, label);
}

std::string CarrySentence(const mf::Carry& carry) {
  char regime[160];
  std::snprintf(regime, sizeof regime,
                "the regime at %.2f (norms %.2f, decision rules %.2f, procedures %.2f)",
                carry.regime().total(), carry.regime().norms(), carry.regime().decision_rules(),
                carry.regime().procedures());
  std::string out = "Carried over from " + carry.from_scenario() + ": the trust among " +
                    std::to_string(carry.seats_size()) + " states and their reputations, " + regime;
  if (!carry.forum_label().empty())
    out += ", and the forum chosen in " + carry.forum_from() + ": " + carry.forum_label();
  return out + ".";
}

}  // namespace mf::rules
