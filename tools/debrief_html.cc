// The debrief page: one self-contained HTML file with inline CSS and SVG
// charts (no scripts, no fonts or images to fetch), readable on a projector
// and printable. The charts and the formatting helpers it shares with them
// are in debrief_charts.cc (debrief_charts.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "rules/campaign.h"
#include "tools/debrief.h"
#include "tools/debrief_charts.h"

namespace mf::tools::debrief::html {
namespace {

// ---- Page ----------------------------------------------------------------------------

const char* kCss = R"(
*{box-sizing:border-box}
body{margin:0;background:#eceff4;color:#212529;font:15px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Arial,sans-serif}
header.top{background:#253446;color:#f5f7fa;padding:22px 32px 18px}
header.top h1{margin:0 0 4px;font-size:26px;font-weight:700;letter-spacing:.2px}
header.top .sub{color:#c9d3de;font-size:14px}
header.top .badge{display:inline-block;margin-left:10px;padding:2px 9px;border-radius:10px;font-size:12px;font-weight:700;vertical-align:middle}
.badge.fac{background:#f0b400;color:#253446}.badge.cls{background:#3b5f74;color:#fff}
nav.toc{background:#fff;border-bottom:1px solid #ced4dc;padding:8px 32px;font-size:13.5px}
nav.toc a{color:#00548c;text-decoration:none;margin-right:16px;white-space:nowrap}
main{max-width:1180px;margin:0 auto;padding:18px 24px 40px}
section.card{background:#fff;border:1px solid #ced4dc;border-radius:10px;padding:18px 22px;margin:0 0 18px;break-inside:avoid-page}
h2{font-size:20px;margin:0 0 4px;color:#253446}
h3{font-size:16px;margin:14px 0 6px;color:#253446}
p.lead{margin:0 0 12px;color:#5a626c;font-size:14px}
.kpis{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin:6px 0 14px}
.kpi{background:#f6f8fa;border:1px solid #e1e5ea;border-radius:8px;padding:10px 12px}
.kpi .k{font-size:12px;color:#68707a;text-transform:uppercase;letter-spacing:.4px}
.kpi .v{font-size:22px;font-weight:700;color:#253446;line-height:1.2;margin-top:2px}
.kpi .d{font-size:12.5px;color:#5a626c}
.up{color:#2e9d4f}.down{color:#d1443b}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.grid-nets{display:flex;flex-wrap:wrap;gap:10px}
.grid-flows{display:flex;flex-wrap:wrap;gap:8px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:5px 8px;border-bottom:1px solid #e6e9ee;text-align:left;vertical-align:top}
th{background:#f6f8fa;color:#3a424c;font-weight:600;position:sticky;top:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
table.compact{font-size:12.5px}table.seats th{font-size:11.5px;vertical-align:bottom}table.compact th,table.compact td{padding:4px 5px}
tr.win td{background:#fff8e1}
.chip{display:inline-flex;align-items:center;gap:5px;padding:1px 8px 1px 6px;margin:2px 3px 2px 0;border-radius:11px;background:#f1f3f6;font-size:12.5px;white-space:nowrap}
.chip i{display:inline-block;width:9px;height:9px;border-radius:50%}
.chip.v-sup{background:#dcefe2}.chip.v-aside{background:#eceef1}.chip.v-obj{background:#f7dcda}.chip.v-none{background:#fff;border:1px dashed #c8ced6}
.item{border:1px solid #e1e5ea;border-left:6px solid #9aa0a6;border-radius:8px;padding:12px 14px;margin:10px 0;break-inside:avoid-page}
.item.adopted{border-left-color:#2e9d4f}.item.rejected{border-left-color:#d1443b}.item.withdrawn{border-left-color:#9aa0a6}
.item h3{margin:0 0 2px}
.item .meta{color:#5a626c;font-size:13px;margin-bottom:6px}
.outcome{display:inline-block;font-weight:700;padding:1px 8px;border-radius:6px;font-size:13px}
.outcome.ok{background:#dcefe2;color:#1d6b35}.outcome.no{background:#f7dcda;color:#9c2a22}.outcome.wd{background:#eceef1;color:#4a525c}
ol.steps{margin:6px 0 6px 0;padding-left:20px;font-size:13.5px}
ol.steps li{margin:2px 0}
.diff{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:12.5px;background:#f6f8fa;border-radius:4px;padding:0 5px;margin-right:4px;display:inline-block}
.diff.add{background:#e3f3e8;color:#1d6b35}.diff.rem{background:#fbe5e3;color:#9c2a22}
.votes{display:grid;grid-template-columns:120px 1fr;gap:3px 10px;font-size:13px;margin-top:6px}
.votes .lab{color:#5a626c;padding-top:3px}
.stmts{font-size:13px;color:#3a424c;margin:4px 0}
.stmts q{color:#212529}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.event{background:#fff8e1;border:1px solid #f3e3b0;border-radius:6px;padding:6px 10px;font-size:13.5px;margin:6px 0}
.tl{font-size:13px}
.tl li{margin:1px 0;list-style:none}
.tl .e{display:inline-block;min-width:46px;color:#8a929c;font-variant-numeric:tabular-nums}
.tl .ph{font-weight:700;color:#253446;margin-top:6px}
.tl .priv{color:#7b4fa0}
.tl .chat{color:#00548c}
.nw{white-space:nowrap}
.tl .fork{font-weight:400;font-size:11.5px;color:#8a929c;margin-left:8px;font-family:"DejaVu Sans Mono",monospace}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600;color:#253446}
.msgs{font-size:13px}
.msgs .m{margin:2px 0}
.msgs .who{font-weight:600}
.muted{color:#68707a}
.small{font-size:12.5px}
.legend{font-size:12.5px;color:#5a626c;margin:4px 0 8px}
.legend span{margin-right:14px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:-1px}
footer{color:#68707a;font-size:12.5px;text-align:center;padding:10px}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-family:"DejaVu Sans",system-ui,Arial,sans-serif}
svg .axis{font-size:11px;fill:#68707a}
svg .lbl{font-size:12.5px;fill:#212529}
svg .b{font-weight:700}
svg .val{font-size:12px;fill:#212529;font-weight:600}
svg .node{font-size:11px;fill:#3a424c}
svg .cap{font-size:12px;fill:#253446;font-weight:600}
svg .cell{font-size:11.5px;fill:#1b1f23}
svg .band{font-size:10.5px;fill:#8a929c}
svg .mark{font-size:10px;fill:#fff;font-weight:700}
svg .grid{stroke:#e6e9ee;stroke-width:1}
svg .ref{stroke:#68707a;stroke-width:1.2;stroke-dasharray:4 3}
@media print{body{background:#fff}nav.toc{display:none}section.card{border:none;padding:6px 0}header.top{background:#fff;color:#000}header.top .sub{color:#333}}
@media (max-width:900px){.kpis{grid-template-columns:repeat(3,1fr)}.cols{grid-template-columns:1fr}}
)";

std::string Delta(double a, double b) {
  const int d = static_cast<int>(std::lround((b - a) * 100));
  if (d == 0) return "<span class=\"d\">unchanged</span>";
  return F("<span class=\"%s\">%s%d</span>", d > 0 ? "up" : "down", d > 0 ? "+" : "\xe2\x88\x92",
           std::abs(d));
}

std::string Kpi(const std::string& key, const std::string& value, const std::string& detail) {
  return "<div class=\"kpi\"><div class=\"k\">" + key + "</div><div class=\"v\">" + value +
         "</div><div class=\"d\">" + detail + "</div></div>";
}

std::string DiffHtml(const std::string& line) {
  const char* cls = "";
  if (line.rfind("+ ", 0) == 0) cls = " add";
  if (line.rfind("\xe2\x88\x92 ", 0) == 0) cls = " rem";
  return F("<span class=\"diff%s\">", cls) + Esc(line) + "</span>";
}

class Page {
 public:
  Page(const Model& m, const ReportOptions& o) : m_(m), o_(o), sc_(*m.scenario) {}

  std::string Build() {
    Head();
    Glance();
    Ranking();
    Organisations();
    Trust();
    World();
    Decisions();
    Deals();
    Regional();
    Press();
    Seats();
    History();
    if (o_.facilitator) Messages();
    Timeline();
    out_ +=
        "<footer>Made by <code>forumctl report</code> from the session's record (scenario " +
        Esc(sc_.id()) +
        F(", seed %llu, %d log entries, final state hash %016llx). ",
          static_cast<unsigned long long>(m_.seed), m_.applied,
          static_cast<unsigned long long>(m_.final_hash)) +
        "Replaying the record gives the same game bit for bit; <code>forumctl fork --at N</code> "
        "continues it from log entry N with bots.</footer></main></body></html>\n";
    return out_;
  }

 private:
  // What history did (the scenario's teaching.history) beside what this
  // session did, with the scenario's debrief questions.
  void History() {
    const mf::Teaching& t = sc_.proto().teaching();
    if (t.history().empty()) return;
    out_ +=
        "<section class=\"card\" id=\"history\"><h2>What history did</h2><p class=\"lead\">"
        "The session above came from the players' choices; this is what the states it is "
        "modelled on actually did.</p><p>" +
        Esc(t.history()) + "</p>";
    if (t.debrief_questions_size() > 0) {
      out_ += "<h3>Questions for the debrief</h3><ol>";
      for (const std::string& q : t.debrief_questions()) out_ += "<li>" + Esc(q) + "</li>";
      out_ += "</ol>";
    }
    out_ += "</section>\n";
  }

  std::string Seat(int s) const {
    if (s < 0) return Esc(SeatName(sc_, s));
    return SeatChip(sc_, s);
  }

  void Head() {
    const std::string title = sc_.proto().title().empty() ? sc_.id() : sc_.proto().title();
    out_ +=
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Debrief \xe2\x80\x94 " +
        Esc(title) + "</title><style>" + kCss + "</style></head><body>\n";
    out_ += "<header class=\"top\"><h1>Debrief: " + Esc(title) + "<span class=\"badge " +
            (o_.facilitator ? "fac\">Facilitator's copy" : "cls\">Class copy") + "</span></h1>";
    std::string sub = Esc(sc_.id());
    if (!m_.record.title.empty()) sub += " \xc2\xb7 " + Esc(m_.record.title);
    if (!m_.record.session.empty()) sub += " \xc2\xb7 session " + Esc(m_.record.session);
    if (m_.record.created_ms > 0) sub += " \xc2\xb7 " + Esc(WhenText(m_.record.created_ms));
    sub += F(" \xc2\xb7 %d states \xc2\xb7 %d of %d cycles played \xc2\xb7 ", sc_.num_seats(),
             m_.cycles_played, sc_.cycles());
    switch (sc_.decision_rule()) {
      case mf::MAJORITY:
        sub += "majority vote";
        break;
      case mf::WEIGHTED_MAJORITY:
        sub += "weighted majority";
        break;
      default:
        sub += "consensus";
    }
    sub += F(" \xc2\xb7 seed %llu", static_cast<unsigned long long>(m_.seed));
    out_ += "<div class=\"sub\">" + sub + "</div></header>\n";
    out_ +=
        "<nav class=\"toc\"><a href=\"#glance\">At a glance</a><a href=\"#ranking\">Ranking</a>"
        "<a href=\"#trust\">Trust</a><a href=\"#world\">Regime &amp; world</a>"
        "<a href=\"#decisions\">Decisions</a><a href=\"#deals\">Side deals</a>"
        "<a href=\"#seats\">Per seat</a>";
    if (sc_.proto().caucuses_size() > 0) out_ += "<a href=\"#regional\">Regional texts</a>";
    if (m_.press_desks > 0) out_ += "<a href=\"#press\">Press reports</a>";
    if (!sc_.proto().teaching().history().empty()) out_ += "<a href=\"#history\">History</a>";
    if (o_.facilitator) out_ += "<a href=\"#messages\">Messages</a>";
    out_ += "<a href=\"#timeline\">Timeline</a></nav><main>\n";
    if (!m_.replay_error.empty())
      out_ += "<section class=\"card\"><b>The record could not be replayed to its end:</b> " +
              Esc(m_.replay_error) + "</section>";
  }

  void Glance() {
    const CycleSnapshot& a = m_.snapshots.front();
    const CycleSnapshot& b = m_.snapshots.back();
    int adopted = 0, decided = 0, binding = 0;
    for (const Item& it : m_.items) {
      if (it.decided) ++decided;
      if (it.adopted) ++adopted;
      if (it.adopted && it.binding) ++binding;
    }
    int made = 0, kept = 0, broken = 0;
    for (const DealRec& d : m_.deals) {
      if (d.status == "kept" || d.status == "broken" || d.status == "accepted") ++made;
      if (d.status == "kept") ++kept;
      if (d.status == "broken") ++broken;
    }
    out_ += "<section class=\"card\" id=\"glance\"><h2>The session at a glance</h2>";
    out_ += "<p class=\"lead\">" +
            std::string(m_.finished ? "The forum closed after " + Num(m_.cycles_played) + " cycles."
                                    : "The session had not finished when this record was taken.") +
            " Hover over a mark for details.</p>";
    if (!m_.forum_change.empty())
      out_ += "<p><b>The forum chosen:</b> " + Esc(m_.forum_change) + "</p>";
    if (sc_.proto().has_carry())
      out_ += "<p><b>Campaign:</b> " + Esc(rules::CarrySentence(sc_.proto().carry())) + "</p>";
    out_ += "<div class=\"kpis\">";
    if (m_.winner >= 0) {
      std::string who = Esc(ShortName(sc_, m_.winner));
      const std::string player = Player(m_, m_.winner);
      out_ += Kpi(m_.finished ? "Ranked first" : "Leading", who,
                  Esc(rules::RoleMix(sc_.seats()[m_.winner]) +
                      (player.empty() ? "" : " \xc2\xb7 " + player)) +
                      F(" \xc2\xb7 %.1f", m_.scores[m_.winner].total));
    }
    out_ += Kpi("Texts adopted", Num(adopted) + " / " + Num(decided),
                binding ? Num(binding) + " binding" : "none binding");
    out_ += Kpi("Regime strength", Pct(b.regime) + "<small>/100</small>",
                "from " + Pct(a.regime) + " " + Delta(a.regime, b.regime));
    out_ += Kpi("Mean trust", Pct(b.mean_trust) + "<small>/100</small>",
                "from " + Pct(a.mean_trust) + " " + Delta(a.mean_trust, b.mean_trust));
    out_ += Kpi("Migrant welfare", Pct(b.welfare) + "<small>/100</small>",
                "from " + Pct(a.welfare) + " " + Delta(a.welfare, b.welfare));
    out_ += Kpi("Side deals", Num(made), Num(kept) + " kept \xc2\xb7 " + Num(broken) + " broken");
    out_ += "</div>" + TimelineStrip(m_) + "</section>\n";
  }

  void Ranking() {
    out_ +=
        "<section class=\"card\" id=\"ranking\"><h2>Final ranking</h2><p class=\"lead\">"
        "Each state's score out of 100: 50 is where it stood in the starting world; above 50 it "
        "gained from the forum. Scores are normalised per role, so a source, a transit and a "
        "destination state can be compared.</p>";
    out_ += "<div class=\"row\"><div>" + RankingChart(m_) +
            "<div class=\"legend\"><span><i style=\"background:#e69f00\"></i>source</span><span><i "
            "style=\"background:#cc79a7\"></i>transit</span><span><i "
            "style=\"background:#0072b2\"></i>destination</span></div></div><div "
            "style=\"flex:1;min-width:0\">";
    out_ +=
        "<table class=\"compact\"><tr><th>#</th><th>State</th><th "
        "class=\"n\">Inter&shy;est</th><th "
        "class=\"n\">Eco&shy;nomy</th><th class=\"n\">Appro&shy;val</th><th "
        "class=\"n\">Repu&shy;tation</th><th class=\"n\">Shared</th><th "
        "class=\"n\">Sover&shy;eignty cost</th><th class=\"n\">Score</th></tr>";
    std::vector<int> order(static_cast<size_t>(sc_.num_seats()));
    for (int s = 0; s < sc_.num_seats(); ++s) order[s] = s;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return m_.scores[a].rank < m_.scores[b].rank; });
    for (int s : order) {
      if (sc_.IsOrganisation(s)) continue;  // Their own section (Organisations).
      const rules::ScoreBreakdown& b = m_.scores[s];
      // A state of mixed roles shows its mix under its name.
      const rules::SeatData& seat = sc_.seats()[s];
      const std::string mix =
          seat.mixed ? "<br><small class=\"muted\">" + Esc(rules::RoleMix(seat)) + "</small>" : "";
      out_ += F("<tr%s><td>%d</td><td>", b.rank == 1 ? " class=\"win\"" : "", b.rank) + Seat(s) +
              mix +
              F("</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td "
                "class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td "
                "class=\"n\"><b>%.1f</b></td></tr>",
                Pct(b.interest).c_str(), Pct(b.economy).c_str(), Pct(b.approval).c_str(),
                Pct(b.reputation).c_str(), Pct(b.shared).c_str(),
                b.sovereignty > 0 ? F("\xe2\x88\x92%.1f", b.sovereignty).c_str() : "0", b.total);
    }
    out_ +=
        "</table><p class=\"small muted\">Components are out of 100. Interest: how close the "
        "policy that applies to the state is to its secret ideal. Economy: its role's "
        "economics (a state of mixed roles: each role's part by its weight). Shared: regime "
        "strength and migrant welfare. Sovereignty: points lost to "
        "conventions it ratified.</p></div></div></section>\n";
  }

  // The organisations at the table (IOM, UNHCR, ILO, OHCHR, civil society),
  // ranked among themselves on their mandates.
  void Organisations() {
    if (sc_.organisation_mask() == 0) return;
    out_ +=
        "<section class=\"card\" id=\"organisations\"><h2>The organisations</h2><p "
        "class=\"lead\">Organisations do not vote: they recommend, lobby and run projects. "
        "Each scores out of 100 on its mandate (50: where it stood in the starting world) and is "
        "ranked among the organisations only.</p>";
    out_ +=
        "<table class=\"compact\"><tr><th>#</th><th>Organisation</th><th>Mandate</th><th "
        "class=\"n\">Migrant welfare</th><th class=\"n\">Mandate</th><th "
        "class=\"n\">Standing</th><th class=\"n\">Score</th></tr>";
    std::vector<int> order;
    for (int s = 0; s < sc_.num_seats(); ++s)
      if (sc_.IsOrganisation(s) && s < static_cast<int>(m_.scores.size())) order.push_back(s);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return m_.scores[a].rank < m_.scores[b].rank; });
    for (int s : order) {
      const rules::ScoreBreakdown& b = m_.scores[s];
      out_ += F("<tr%s><td>%d</td><td>", b.rank == 1 ? " class=\"win\"" : "", b.rank) + Seat(s) +
              "</td><td>" + Esc(rules::MandateName(sc_.seats()[s].mandate)) +
              F("</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td "
                "class=\"n\"><b>%.1f</b></td></tr>",
                Pct(b.shared).c_str(), Pct(b.mandate).c_str(), Pct(b.reputation).c_str(), b.total);
    }
    out_ +=
        "</table><p class=\"small muted\">Mandate: IOM its capacity and projects delivered; "
        "UNHCR the states' rights and climate-displacement programmes and protection texts in "
        "force; ILO labour visas, cheaper remittances and labour texts in force; OHCHR rights "
        "programmes and rights texts in force; civil society rights programmes and endorsements "
        "of its recommendations. Standing: the trust the states place in it.</p></section>\n";
  }

  void Trust() {
    out_ +=
        "<section class=\"card\" id=\"trust\"><h2>Trust between states</h2><p class=\"lead\">"
        "A line joins two states; the darker and thicker it is, the more they trust each "
        "other. A larger dot is a state the others trust more. Broken deals and blocked texts "
        "thin the lines; kept deals and texts adopted together thicken them.</p>";
    const int count = static_cast<int>(m_.snapshots.size());
    const bool codes = sc_.num_seats() > 12;
    const int per_row = std::min(count, codes ? 3 : 4);
    const int w = (1080 - 10 * (per_row - 1)) / std::max(1, per_row);
    const int h = codes ? w : std::min(300, w + 40);
    out_ += "<div class=\"grid-nets\">";
    for (const CycleSnapshot& c : m_.snapshots) out_ += TrustNetwork(m_, c, w, h, codes);
    out_ += "</div></section>\n";
  }

  void World() {
    std::vector<double> total, norms, rules, proc, trust, welfare;
    for (const CycleSnapshot& c : m_.snapshots) {
      total.push_back(c.regime);
      norms.push_back(c.norms);
      rules.push_back(c.rules);
      proc.push_back(c.procedures);
      trust.push_back(c.mean_trust);
      welfare.push_back(c.welfare);
    }
    out_ +=
        "<section class=\"card\" id=\"world\"><h2>The regime and the world</h2>"
        "<p class=\"lead\">Regime strength (out of 100) has Krasner's three parts: shared "
        "<b>norms</b> (endorsements, principles), <b>decision rules</b> (texts adopted and in "
        "force) and <b>procedures</b> (the forum meeting and deals kept).</p><div class=\"row\">";
    out_ += LineChart("regime", "Regime strength and its three parts",
                      {{"regime strength", kRegimeTotal, total, true},
                       {"norms", kNorms, norms},
                       {"decision rules", kRules, rules},
                       {"procedures", kProcedures, proc}},
                      530, 250);
    out_ += LineChart(
        "social", "Mean trust and migrant welfare",
        {{"mean trust", kTrustLine, trust}, {"migrant welfare", kWelfareLine, welfare}}, 530, 250);
    out_ += "</div>";
    // World events per cycle.
    out_ += "<h3>World events</h3><ul class=\"small\">";
    for (const TimelineLine& l : m_.timeline)
      if (l.kind == TimelineLine::Kind::kEvent && l.event == rules::EventType::kWorldEvent)
        out_ += "<li><b>Cycle " + Num(l.cycle) + ".</b> " + Esc(l.text) + "</li>";
    out_ += "</ul>";
    out_ +=
        "<h3>Flows per corridor</h3><p class=\"lead\">Thousands of people per year on each "
        "route: <b style=\"color:#3a9c8c\">legal</b> at the bottom, <b "
        "style=\"color:#e0603a\">irregular</b> on top. Enforcement without the cooperation of "
        "origin and transit states diverts irregular flows to other routes.</p>";
    double scale = 1;
    for (const CycleSnapshot& c : m_.snapshots)
      for (size_t k = 0; k < c.corridor_legal.size(); ++k)
        scale = std::max(scale, c.corridor_legal[k] + c.corridor_irregular[k]);
    scale = std::ceil(scale / 50) * 50;
    out_ += "<div class=\"grid-flows\">";
    for (int k = 0; k < sc_.num_corridors(); ++k) out_ += FlowsChart(m_, k, scale);
    out_ += "</div>";
    out_ +=
        "<h3>Approval at home</h3><p class=\"lead\">The share of each state's public that "
        "approves of its government's handling of migration. Crossing a red line, world "
        "events and irregular arrivals move it.</p>";
    out_ += ApprovalChart(m_) + "</section>\n";
  }

  void Decisions() {
    out_ +=
        "<section class=\"card\" id=\"decisions\"><h2>What the forum decided</h2><p "
        "class=\"lead\">Every roundtable: the stances stated, how the co-chairs' draft changed "
        "from tabling through each accepted amendment, and who supported, stood aside or "
        "objected. On each axis the dots are the stated positions, the dark path is the draft "
        "and the diamond the text put to the decision.</p>";
    int cycle = 0;
    for (const Item& it : m_.items) {
      if (it.cycle != cycle) {
        cycle = it.cycle;
        out_ += "<h3>Cycle " + Num(cycle);
        for (const TimelineLine& l : m_.timeline)
          if (l.kind == TimelineLine::Kind::kEvent && l.event == rules::EventType::kCycleStart &&
              l.cycle == cycle && l.seat >= 0 && l.seat < sc_.num_seats())
            out_ += " \xc2\xb7 hosted by " + Esc(sc_.seats()[l.seat].name);
        out_ += "</h3>";
        for (const TimelineLine& l : m_.timeline)
          if (l.kind == TimelineLine::Kind::kEvent && l.event == rules::EventType::kWorldEvent &&
              l.cycle == cycle)
            out_ += "<div class=\"event\"><b>World event.</b> " + Esc(l.text) + "</div>";
      }
      ItemCard(it);
    }
    if (m_.items.empty()) out_ += "<p>No roundtable was held.</p>";
    out_ += "</section>\n";
  }

  void ItemCard(const Item& it) {
    const rules::ThemeData& th = sc_.themes()[it.theme];
    const char* cls = it.withdrawn  ? "withdrawn"
                      : !it.decided ? ""
                      : it.adopted  ? "adopted"
                                    : "rejected";
    out_ += F("<div class=\"item %s\"><h3>", cls) + Esc(th.name) + " ";
    if (it.withdrawn)
      out_ += "<span class=\"outcome wd\">Draft withdrawn \xe2\x80\x94 no agreement</span>";
    else if (it.decided)
      out_ += it.adopted ? "<span class=\"outcome ok\">Adopted</span>"
                         : "<span class=\"outcome no\">Not adopted</span>";
    else
      out_ += "<span class=\"outcome wd\">Open</span>";
    out_ += "</h3><div class=\"meta\">Cycle " + Num(it.cycle) + ", item " + Num(it.index + 1) +
            " \xc2\xb7 co-chairs " + Seat(it.co_chairs[0]) + Seat(it.co_chairs[1]);
    if (it.first_entry >= 0) out_ += " \xc2\xb7 from log entry " + Num(it.first_entry);
    out_ += "</div>";
    if (!it.label.empty())
      out_ += "<div><b>" + Esc(it.label) + "</b>";
    else if (!it.steps.empty())
      out_ += "<div><b>" + Esc(th.name) + "</b>";
    else
      out_ += "<div>";
    if (it.final_text.commitments)
      out_ += " with " + Esc([&] {
                std::string s;
                for (int k = 1; k <= 6; ++k)
                  if (it.final_text.commitments & rules::Bit(static_cast<mf::CommitmentKind>(k)))
                    s += (s.empty() ? "" : ", ") +
                         std::string(rules::CommitmentName(static_cast<mf::CommitmentKind>(k)));
                return s;
              }());
    out_ += "</div>";
    out_ += PositionStrip(m_, it);
    out_ += "<div class=\"cols\"><div>";
    // Statements.
    if (!it.statements.empty()) {
      out_ += "<div class=\"stmts\"><b>Statements</b> (" +
              Num(static_cast<int>(it.statements.size())) + "):<br>";
      int shown = 0;
      for (const StatementRec& st : it.statements) {
        if (st.text.empty()) continue;
        if (++shown > 6) break;
        out_ += Seat(st.seat) + " <span class=\"muted\">at " + Num(st.position) + "</span> <q>" +
                Esc(st.text) + "</q><br>";
      }
      std::string plain;
      for (const StatementRec& st : it.statements)
        if (st.text.empty()) plain += Esc(ShortName(sc_, st.seat)) + " " + Num(st.position) + ", ";
      if (!plain.empty())
        out_ += "<span class=\"muted\">" + plain.substr(0, plain.size() - 2) + "</span>";
      out_ += "</div>";
    }
    // The draft's evolution.
    out_ += "<b class=\"small\">How the text evolved</b><ol class=\"steps\">";
    if (it.steps.empty()) out_ += "<li class=\"muted\">No draft was tabled.</li>";
    for (const DraftStep& s : it.steps) {
      out_ += "<li>";
      switch (s.kind) {
        case DraftStep::Kind::kTabled:
          out_ += Seat(s.seat) + " tables the draft: ";
          break;
        case DraftStep::Kind::kRetabled:
          out_ += Seat(s.seat) + " replaces the draft: ";
          break;
        case DraftStep::Kind::kWorkingPaper:
          out_ += "No draft tabled: the co-chairs' working paper goes forward: ";
          break;
        case DraftStep::Kind::kAmendment:
          out_ += "Amendment #" + Num(s.amendment) + " by " + Seat(s.proposer) + ", accepted by " +
                  Seat(s.seat) + ": ";
          break;
      }
      for (const std::string& c : s.changes) out_ += DiffHtml(c);
      out_ += F(" <span class=\"muted small\">(entry %d)</span></li>", s.entry);
    }
    out_ += "</ol>";
    int pending = 0;
    std::string others;
    for (const AmendmentRec& a : it.amendments) {
      if (a.status == "accepted") continue;
      ++pending;
      others += "<li>#" + Num(a.id) + " by " + Seat(a.proposer) + ": " + Esc(a.summary) +
                " \xe2\x80\x94 <i>" + Esc(a.status) + "</i></li>";
    }
    if (pending)
      out_ += "<details><summary class=\"small\">" + Num(pending) +
              " amendment(s) not taken in</summary><ul class=\"small\">" + others +
              "</ul></details>";
    out_ += "</div><div>";
    // Votes.
    if (it.decided) {
      std::string groups[4];
      for (int s = 0; s < sc_.num_seats(); ++s) {
        const mf::VoteChoice v =
            s < static_cast<int>(it.votes.size()) ? it.votes[s] : mf::VOTE_UNSPECIFIED;
        const int g = v == mf::SUPPORT ? 0 : v == mf::STAND_ASIDE ? 1 : v == mf::OBJECT ? 2 : 3;
        groups[g] += SeatChip(sc_, s, VoteClass(v));
      }
      const mf::DecisionRule rule = it.rule;
      const std::string names[4] = {VoteName(mf::SUPPORT, rule), VoteName(mf::STAND_ASIDE, rule),
                                    VoteName(mf::OBJECT, rule), "did not vote"};
      out_ += "<b class=\"small\">The decision</b><div class=\"votes\">";
      for (int g = 0; g < 4; ++g) {
        if (g == 3 && groups[g].empty()) continue;
        std::string name = names[g];
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        out_ += "<div class=\"lab\">" + Esc(name) + "</div><div>" +
                (groups[g].empty() ? "<span class=\"muted small\">nobody</span>" : groups[g]) +
                "</div>";
      }
      out_ += "</div>";
      int changes = static_cast<int>(it.vote_log.size()) - [&] {
        int cast = 0;
        for (mf::VoteChoice v : it.votes) cast += v != mf::VOTE_UNSPECIFIED;
        return cast;
      }();
      if (changes > 0)
        out_ += "<div class=\"small muted\">" + Num(changes) +
                " vote(s) changed before the end of the decision.</div>";
      if (it.binding && it.adopted) {
        std::string rat, dec;
        for (int s = 0; s < sc_.num_seats(); ++s) {
          if ((it.ratified >> s) & 1) rat += SeatChip(sc_, s);
          if ((it.declined >> s) & 1) dec += SeatChip(sc_, s);
        }
        out_ += "<div class=\"small\" style=\"margin-top:6px\"><b>Ratification:</b> " +
                std::string(it.in_force ? "entered into force" : "did not enter into force") +
                ".<br>Ratified: " + (rat.empty() ? "nobody" : rat) +
                "<br>Declined: " + (dec.empty() ? "nobody" : dec) + "</div>";
      }
    } else if (it.withdrawn) {
      out_ += "<p class=\"small muted\">The co-chairs withdrew the draft before the decision.</p>";
    }
    out_ += "</div></div></div>";
  }

  void Deals() {
    out_ +=
        "<section class=\"card\" id=\"deals\"><h2>Side deals</h2><p class=\"lead\">Private "
        "bilateral bargains, visible during the game only to the two parties. A promise is "
        "kept or broken at the vote (a promised stance) or at implementation (capital, aid, "
        "visas, readmission).</p>";
    if (m_.deals.empty()) {
      out_ += "<p class=\"muted\">No side deal was offered.</p></section>\n";
      return;
    }
    out_ +=
        "<table><tr><th>#</th><th>Cycle</th><th>From</th><th>Gives</th><th>To</th><th>Asks in "
        "return</th><th>Status</th><th>Delivery</th></tr>";
    auto kept = [](int k) {
      return k == 1   ? std::string("<span class=\"up\">kept</span>")
             : k == 0 ? std::string("<span class=\"down\">broken</span>")
                      : std::string("\xe2\x80\x94");
    };
    for (const DealRec& d : m_.deals) {
      std::string status = d.status;
      if (status == "kept")
        status = "<b class=\"up\">kept</b>";
      else if (status == "broken")
        status = "<b class=\"down\">broken</b>";
      out_ += "<tr><td>" + Num(d.id) + "</td><td>" + Num(d.cycle) + "</td><td>" + Seat(d.from) +
              "</td><td>" + Esc(d.give_text) + "</td><td>" + Seat(d.to) + "</td><td>" +
              Esc(d.ask_text) + "</td><td>" + status + "</td><td class=\"small\">";
      if (d.status == "kept" || d.status == "broken" || d.status == "accepted")
        out_ += Esc(ShortName(sc_, d.from)) + ": " + kept(d.from_kept) + "<br>" +
                Esc(ShortName(sc_, d.to)) + ": " + kept(d.to_kept);
      out_ += "</td></tr>";
    }
    out_ += "</table></section>\n";
  }

  // Regional texts: what the caucuses (regional processes) tabled, decided
  // among their members, and who of them carries it out.
  void Regional() {
    if (sc_.proto().caucuses_size() == 0) return;
    out_ +=
        "<section class=\"card\" id=\"regional\"><h2>Regional texts</h2><p class=\"lead\">"
        "The regional path: the members of a regional process table a text of their own on an "
        "item; they alone decide it, and only when the forum adopts nothing on the item. It "
        "pledges its members only and acts on the corridors among them.</p>";
    int shown = 0;
    std::string rows;
    for (const rules::Text& t : m_.texts) {
      if (t.caucus < 0) continue;
      ++shown;
      std::string outcome = !t.decided  ? "on the table"
                            : t.adopted ? "<b class=\"up\">adopted by the members</b>"
                                        : "not adopted";
      std::string members, carriers;
      for (int s = 0; s < sc_.num_seats(); ++s) {
        if ((t.supporters >> s) & 1) members += (members.empty() ? "" : ", ") + ShortName(sc_, s);
        if (t.level[s] > 0 || t.carried[s] > 0)
          carriers += (carriers.empty() ? "" : ", ") + ShortName(sc_, s) + " " +
                      Num(std::max<int>(t.level[s], t.carried[s])) + "%";
      }
      rows += "<tr><td>" + Num(t.cycle) + "</td><td>" + Esc(sc_.proto().caucuses(t.caucus).name()) +
              "</td><td>" + Esc(rules::TextLabel(sc_, t)) + "</td><td>" + outcome +
              "</td><td class=\"small\">" + Esc(members) + "</td><td class=\"small\">" +
              (carriers.empty() ? std::string("\xe2\x80\x94") : Esc(carriers)) + "</td></tr>";
    }
    if (shown == 0) {
      out_ += "<p class=\"muted\">No regional text was tabled.</p></section>\n";
      return;
    }
    out_ +=
        "<table><tr><th>Cycle</th><th>Regional process</th><th>Text</th><th>Outcome</th>"
        "<th>Supported by</th><th>Carried out by</th></tr>" +
        rows + "</table></section>\n";
  }

  // The press desks' reports: who wrote what about whom, how far the public
  // record bore it out, and what it did to the state's approval at home.
  void Press() {
    if (m_.press_desks == 0) return;
    out_ +=
        F("<section class=\"card\" id=\"press\"><h2>Press reports</h2><p class=\"lead\">"
          "The %d press desks read the public view and published short reports. A report "
          "moves the state's domestic approval as far as the public record bears it out "
          "(pledges and deals kept or broken, the votes on the texts).</p>",
          m_.press_desks);
    if (m_.reports.empty()) {
      out_ += "<p class=\"muted\">No report was published.</p></section>\n";
      return;
    }
    out_ +=
        "<table><tr><th>Cycle</th><th>Desk</th><th>About</th><th>Tone</th><th>Report</th>"
        "<th>Borne out</th><th>Approval</th></tr>";
    for (const rules::PressReport& r : m_.reports)
      out_ += "<tr><td>" + Num(r.cycle) + "</td><td>" + Num(r.desk + 1) + "</td><td>" +
              Seat(r.about) + "</td><td>" + (r.praise ? "praise" : "criticism") + "</td><td>" +
              Esc(r.text) + "</td><td>" + F("%.0f%%", 100 * r.credibility) + "</td><td>" +
              F("%+.3f", r.effect) + "</td></tr>";
    out_ += "</table></section>\n";
  }

  void Seats() {
    out_ +=
        "<section class=\"card\" id=\"seats\"><h2>Per seat: what each delegation did</h2><p "
        "class=\"lead\">For grading: participation, negotiation and reliability. Votes count "
        "the decisions held; deals count each side of an accepted deal; implementation is the "
        "level each state chose per cycle. The same figures are in <code>scores.csv</code>.</p>";
    const mf::DecisionRule rule = sc_.decision_rule();
    auto cap = [](std::string v) {
      v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
      return v;
    };
    out_ +=
        "<table class=\"compact seats\"><tr><th>State, played by</th><th "
        "class=\"n\">State&shy;ments</th><th class=\"n\">Endorse&shy;ments</th><th "
        "class=\"n\">Drafts tabled</th><th class=\"n\">Amend&shy;ments (taken in)</th>";
    out_ += "<th class=\"n\">" + Esc(cap(VoteName(mf::SUPPORT, rule))) + "</th><th class=\"n\">" +
            Esc(cap(VoteName(mf::STAND_ASIDE, rule))) + "</th><th class=\"n\">" +
            Esc(cap(VoteName(mf::OBJECT, rule))) + "</th><th class=\"n\">No vote</th>";
    out_ +=
        "<th class=\"n\">Ratified / declined</th><th class=\"n\">Deals offered</th><th "
        "class=\"n\">Deals made</th><th class=\"n\">Kept</th><th class=\"n\">Broken</th><th "
        "class=\"n\">Implemen&shy;tation %</th>";
    if (o_.facilitator) out_ += "<th class=\"n\">Mess&shy;ages</th>";
    out_ += "<th class=\"n\">Rank</th><th class=\"n\">Score</th></tr>";
    for (int s = 0; s < sc_.num_seats(); ++s) {
      const SeatSummary& ss = m_.seats[s];
      std::string impl;
      for (size_t k = 0; k < ss.implement.size(); ++k)
        impl += (k ? " / " : "") + Num(ss.implement[k]);
      const std::string player = Player(m_, s);
      out_ += "<tr><td>" + Seat(s) +
              (player.empty() ? "" : "<br><span class=\"small muted\">" + Esc(player) + "</span>") +
              "</td>" +
              F("<td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td "
                "class=\"n\">%d (%d)</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td "
                "class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d / %d</td><td "
                "class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td "
                "class=\"n\">%s</td>",
                ss.statements, ss.endorsements, ss.drafts_tabled, ss.amendments_proposed,
                ss.amendments_accepted, ss.supported, ss.stood_aside, ss.objected, ss.no_vote,
                ss.ratified, ss.declined, ss.deals_offered, ss.deals_made, ss.deals_kept,
                ss.deals_broken ? F("<b class=\"down\">%d</b>", ss.deals_broken).c_str() : "0") +
              "<td class=\"n nw\">" + (impl.empty() ? "\xe2\x80\x94" : impl) + "</td>";
      if (o_.facilitator) out_ += "<td class=\"n\">" + Num(ss.messages) + "</td>";
      out_ += F("<td class=\"n\">%d</td><td class=\"n\"><b>%.1f</b></td></tr>", m_.scores[s].rank,
                m_.scores[s].total);
    }
    out_ += "</table></section>\n";
  }

  std::string ChannelName(const ChatLine& c) const {
    switch (c.channel) {
      case ChatLine::Channel::kPublic:
        return "Public";
      case ChatLine::Channel::kBilateral: {
        int a = std::min(c.from, c.to_seat), b = std::max(c.from, c.to_seat);
        if (a < 0) a = b, b = -1;
        return "Bilateral: " + SeatName(sc_, a) +
               (b >= 0 ? " \xe2\x86\x94 " + SeatName(sc_, b) : "");
      }
      case ChatLine::Channel::kCaucus: {
        for (int k = 0; k < sc_.proto().caucuses_size(); ++k)
          if (sc_.proto().caucuses(k).id() == c.caucus)
            return "Caucus: " + sc_.proto().caucuses(k).name();
        return "Caucus: " + c.caucus;
      }
    }
    return "Public";
  }

  void Messages() {
    out_ +=
        "<section class=\"card\" id=\"messages\"><h2>Messages per channel</h2><p "
        "class=\"lead\">The negotiation talk, public, bilateral and in caucuses. Only the "
        "facilitator's copy of the report shows it.</p>";
    if (m_.record.chat.empty()) {
      out_ += "<p class=\"muted\">No message in this record.</p></section>\n";
      return;
    }
    std::map<std::string, std::vector<const ChatLine*>> channels;
    std::vector<std::string> order;
    for (const ChatLine& c : m_.record.chat) {
      const std::string name = ChannelName(c);
      if (!channels.count(name)) order.push_back(name);
      channels[name].push_back(&c);
    }
    for (const std::string& name : order) {
      const auto& lines = channels[name];
      out_ += "<details" + std::string(name == "Public" ? " open" : "") + "><summary>" + Esc(name) +
              F(" (%zu)", lines.size()) + "</summary><div class=\"msgs\">";
      for (const ChatLine* c : lines) {
        out_ += "<div class=\"m\"><span class=\"muted\">" + Esc(Clock(c->at_ms)) +
                "</span> <span class=\"who\">" + Esc(ShortName(sc_, c->from)) + "</span>";
        if (!c->from_name.empty())
          out_ += " <span class=\"muted\">(" + Esc(c->from_name) + ")</span>";
        out_ += ": " + Esc(c->text) + "</div>";
      }
      out_ += "</div></details>";
    }
    out_ += "</section>\n";
  }

  void Timeline() {
    out_ +=
        "<section class=\"card\" id=\"timeline\"><h2>Timeline</h2><p class=\"lead\">Everything "
        "that happened, in order. The number is the log entry that caused it: "
        "<code>forumctl fork --at N</code> replays entries before N and continues from there. "
        "<span class=\"priv\">Purple lines</span> were private to the parties during the game.</p>";
    int cycle = -1;
    bool open = false;
    for (const TimelineLine& l : m_.timeline) {
      if (!o_.facilitator && l.kind == TimelineLine::Kind::kChat) continue;
      if (l.event == rules::EventType::kStatement && l.kind == TimelineLine::Kind::kEvent) {
        // Statements are listed per item above; keep them, but they are many.
      }
      if (l.cycle != cycle && l.cycle > 0) {
        if (open) out_ += "</ul></details>";
        cycle = l.cycle;
        out_ += "<details" + std::string(cycle == 1 ? " open" : "") + "><summary>Cycle " +
                Num(cycle) + "</summary><ul class=\"tl\">";
        open = true;
      }
      if (!open) {
        out_ += "<details open><summary>Start</summary><ul class=\"tl\">";
        open = true;
      }
      const bool phase =
          l.kind == TimelineLine::Kind::kEvent && l.event == rules::EventType::kPhaseStart;
      std::string cls = phase                                 ? "ph"
                        : l.kind == TimelineLine::Kind::kChat ? "chat"
                        : l.is_private                        ? "priv"
                                                              : "";
      out_ += "<li class=\"" + cls + "\"><span class=\"e\">" + (l.entry >= 0 ? Num(l.entry) : "") +
              "</span>";
      if (l.at_ms > 0 && o_.facilitator)
        out_ += "<span class=\"muted small\">" + Esc(Clock(l.at_ms)) + "</span> ";
      if (l.kind == TimelineLine::Kind::kChat && l.chat >= 0)
        out_ += "<span class=\"muted\">[" + Esc(ChannelName(m_.record.chat[l.chat])) + "]</span> ";
      out_ += Esc(l.text);
      if (phase && l.entry + 1 < m_.applied)
        out_ += " <span class=\"fork\">fork here: --at " + Num(l.entry + 1) + "</span>";
      out_ += "</li>";
    }
    if (open) out_ += "</ul></details>";
    out_ += "</section>\n";
  }

  const Model& m_;
  const ReportOptions& o_;
  const rules::Scenario& sc_;
  std::string out_;
};

}  // namespace
}  // namespace mf::tools::debrief::html

namespace mf::tools::debrief {

std::string ReportHtml(const Model& model, const ReportOptions& options) {
  html::Page p(model, options);
  return p.Build();
}

}  // namespace mf::tools::debrief
