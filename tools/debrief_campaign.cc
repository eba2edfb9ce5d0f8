// The campaign's debrief (tools/debrief.h, CampaignHtml): one page with a
// section per session (what carried into it, what it decided, how trust and
// the regime moved, who ranked first) and a table of the carried states'
// reputations from session to session. Self-contained HTML like the
// session's own page, which each section links to.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bots/bot.h"
#include "rules/campaign.h"
#include "tools/debrief.h"
#include "tools/debrief_charts.h"

namespace mf::tools::debrief {
namespace {

using html::Esc;

std::string F2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

const char* kCampaignCss = R"(
body{margin:0;background:#eceff4;color:#212529;font:15px/1.45 "DejaVu Sans",system-ui,Arial,sans-serif}
header{background:#253446;color:#f5f7fa;padding:22px 32px 18px}
header h1{margin:0 0 4px;font-size:26px}
header .sub{color:#c9d3de;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:18px 24px 40px}
section{background:#fff;border:1px solid #ced4dc;border-radius:10px;padding:18px 22px;margin:0 0 18px}
h2{font-size:20px;margin:0 0 4px;color:#253446}
p.carry{background:#f6f8fa;border-left:4px solid #3b5f74;padding:8px 12px}
table{border-collapse:collapse;font-size:13.5px}
th,td{border-bottom:1px solid #e1e5ea;padding:4px 10px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
)";

}  // namespace

std::string CampaignHtml(const mf::Campaign& campaign,
                         const std::vector<CampaignSessionPage>& pages) {
  std::string out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                    Esc(campaign.title()) + " — campaign debrief</title><style>" + kCampaignCss +
                    "</style></head><body><header><h1>" + Esc(campaign.title()) +
                    "</h1><div class=\"sub\">Campaign " + Esc(campaign.id()) + " · " +
                    std::to_string(pages.size()) + " of " +
                    std::to_string(campaign.sessions_size()) +
                    " sessions played</div></header><main>";
  out += "<section><h2>The campaign</h2><p>" + Esc(campaign.description()) + "</p></section>";
  // Each session: what came in, what it did.
  for (size_t k = 0; k < pages.size(); ++k) {
    const Model& m = *pages[k].model;
    const rules::Scenario& sc = *m.scenario;
    const std::string label = k < static_cast<size_t>(campaign.sessions_size())
                                  ? campaign.sessions(static_cast<int>(k)).label()
                                  : sc.proto().title();
    out += "<section id=\"session-" + std::to_string(k + 1) + "\"><h2>Session " +
           std::to_string(k + 1) + ": " + Esc(label) + "</h2><p>" + Esc(sc.proto().title()) + " (" +
           Esc(sc.id()) + ", " + std::to_string(sc.num_seats()) + " states, " +
           std::to_string(m.cycles_played) + " cycles).";
    if (!pages[k].link.empty())
      out += " <a href=\"" + Esc(pages[k].link) + "\">The session's own debrief</a>.";
    out += "</p>";
    if (sc.proto().has_carry()) {
      const mf::Carry& c = sc.proto().carry();
      out += "<p class=\"carry\"><b>What carried in:</b> " + Esc(rules::CarrySentence(c)) + "</p>";
      out +=
          "<table><tr><th>Carried state</th><th>Reputation carried</th><th>At the start</th>"
          "<th>At the end</th></tr>";
      const CycleSnapshot* first = m.snapshots.empty() ? nullptr : &m.snapshots.front();
      const CycleSnapshot* last = m.snapshots.empty() ? nullptr : &m.snapshots.back();
      auto reputation = [&](const CycleSnapshot* s, int i) {
        const int n = sc.num_seats();
        double sum = 0;
        for (int j = 0; j < n; ++j)
          if (j != i) sum += s->trust[static_cast<size_t>(j * n + i)];
        return n > 1 ? sum / (n - 1) : 0.5;
      };
      for (const mf::CarriedSeat& s : c.seats()) {
        const int i = sc.SeatIndex(s.id());
        out += "<tr><td>" + Esc(SeatName(sc, i)) + "</td><td class=\"n\">" + F2(s.reputation()) +
               "</td><td class=\"n\">" + (first ? F2(reputation(first, i)) : "") +
               "</td><td class=\"n\">" + (last ? F2(reputation(last, i)) : "") + "</td></tr>";
      }
      out += "</table>";
    } else {
      out += "<p class=\"carry\">The first session: nothing carried in.</p>";
    }
    if (!m.forum_change.empty())
      out += "<p><b>The forum chosen:</b> " + Esc(m.forum_change) + "</p>";
    int adopted = 0;
    out += "<p><b>Texts adopted:</b> ";
    for (const rules::Text& t : m.texts)
      if (t.adopted) out += std::string(adopted++ ? "; " : "") + Esc(rules::TextLabel(sc, t));
    if (adopted == 0) out += "none";
    out += ".</p>";
    if (!m.snapshots.empty()) {
      const CycleSnapshot& a = m.snapshots.front();
      const CycleSnapshot& b = m.snapshots.back();
      out += "<p><b>Regime strength</b> " + F2(a.regime) + " → " + F2(b.regime) + " (norms " +
             F2(b.norms) + ", decision rules " + F2(b.rules) + ", procedures " + F2(b.procedures) +
             "); <b>mean trust</b> " + F2(a.mean_trust) + " → " + F2(b.mean_trust) + ".</p>";
    }
    if (m.winner >= 0)
      out += "<p><b>First:</b> " + Esc(SeatName(sc, m.winner)) + " (" +
             F2(m.scores[static_cast<size_t>(m.winner)].total) + " points).</p>";
    out += "</section>";
  }
  // The carried states across the campaign: each one's reputation at the end
  // of every session it sat in.
  std::vector<std::string> ids;
  std::map<std::string, std::string> names;
  for (const CampaignSessionPage& p : pages)
    for (int i = 0; i < p.model->scenario->num_seats(); ++i) {
      const std::string& id = p.model->scenario->seats()[static_cast<size_t>(i)].id;
      if (!names.count(id)) ids.push_back(id);
      names[id] = SeatName(*p.model->scenario, i);
    }
  out +=
      "<section id=\"states\"><h2>The states across the campaign</h2><p>Each state's "
      "reputation (the mean trust the others have in it) at the end of each session it "
      "sat in; a dash: not seated.</p><table><tr><th>State</th>";
  for (size_t k = 0; k < pages.size(); ++k) out += "<th>Session " + std::to_string(k + 1) + "</th>";
  out += "</tr>";
  for (const std::string& id : ids) {
    out += "<tr><td>" + Esc(names[id]) + "</td>";
    for (const CampaignSessionPage& p : pages) {
      const Model& m = *p.model;
      const int i = m.scenario->SeatIndex(id);
      if (i < 0 || m.snapshots.empty()) {
        out += "<td class=\"n\">–</td>";
        continue;
      }
      const CycleSnapshot& s = m.snapshots.back();
      const int n = m.scenario->num_seats();
      double sum = 0;
      for (int j = 0; j < n; ++j)
        if (j != i) sum += s.trust[static_cast<size_t>(j * n + i)];
      out += "<td class=\"n\">" + F2(n > 1 ? sum / (n - 1) : 0.5) + "</td>";
    }
    out += "</tr>";
  }
  out += "</table></section></main></body></html>\n";
  return out;
}

}  // namespace mf::tools::debrief

namespace mf::tools::debrief {

std::string CampaignStrategy(const Mix& mix, uint64_t seed, const std::string& seat_id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the seat id, mixed with the seed.
  for (unsigned char ch : seat_id) h = (h ^ ch) * 1099511628211ull;
  rules::Rng rng(h ^ seed);
  double total = 0;
  for (const MixEntry& e : mix) total += e.weight;
  double x = static_cast<double>(rng.Next() >> 11) / 9007199254740992.0 * total;
  for (const MixEntry& e : mix) {
    if (x < e.weight) return e.strategy;
    x -= e.weight;
  }
  return mix.back().strategy;
}

bool PlayCampaign(const mf::Campaign& campaign, const Mix& mix, uint64_t seed,
                  std::vector<Record>* records, std::string* error) {
  records->clear();
  if (mix.empty()) {
    *error = "an empty strategy mix";
    return false;
  }
  std::unique_ptr<rules::State> before;
  for (int k = 0; k < campaign.sessions_size(); ++k) {
    const mf::CampaignSession& cs = campaign.sessions(k);
    rules::LoadResult r = rules::LoadEmbeddedScenario(cs.scenario());
    if (r.ok() && before) {
      const mf::Carry carry =
          rules::CarryOver(*before, *r.scenario, campaign.id(), k, cs.own_rules());
      r = rules::WithCarry(*r.scenario, carry,
                           cs.scenario() + " (campaign session " + std::to_string(k + 1) + ")");
    }
    if (!r.ok()) {
      *error = r.errors.empty() ? "scenario " + cs.scenario() + " does not load" : r.errors[0];
      return false;
    }
    const rules::Scenario& sc = *r.scenario;
    Record rec;
    rec.scenario_name = sc.id();
    rec.scenario_text = sc.text();
    rec.seed = seed + static_cast<uint64_t>(k);
    rec.title = cs.label();
    rec.source = "campaign " + campaign.id() + ", session " + std::to_string(k + 1);
    std::vector<std::unique_ptr<bots::Bot>> owned;
    std::vector<bots::Bot*> seats;
    for (const rules::SeatData& d : sc.seats()) {
      rec.strategies.push_back(CampaignStrategy(mix, seed, d.id));
      owned.push_back(bots::MakeBot(rec.strategies.back()));
      if (!owned.back()) {
        *error = "unknown strategy " + rec.strategies.back();
        return false;
      }
      seats.push_back(owned.back().get());
    }
    auto state = std::make_unique<rules::State>(r.scenario, rec.seed);
    bots::MatchOptions options;
    options.seed = rec.seed;
    options.bot_seed = rec.seed * 7919 + 17;
    bots::MatchResult m = bots::RunMatch(state.get(), seats, options, /*keep_log=*/true);
    if (!m.finished) {
      *error = "session " + std::to_string(k + 1) + " (" + cs.scenario() + ") did not finish";
      return false;
    }
    rec.log = std::move(m.log);
    records->push_back(std::move(rec));
    before = std::move(state);
  }
  return true;
}

}  // namespace mf::tools::debrief
