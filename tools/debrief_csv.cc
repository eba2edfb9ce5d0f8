// The debrief's CSV files (see debrief.h) and the report folder they are
// written to with the HTML page.
#include <filesystem>
#include <fstream>

#include "tools/csv.h"
#include "tools/debrief.h"
#include "tools/debrief_words.h"

namespace mf::tools::debrief {

std::string CsvField(const std::string& s) {
  return CsvCell(s);
}

// ---- CSV ---------------------------------------------------------------------------

namespace {

std::string PhaseCsv(mf::Phase p) {
  return rules::PhaseName(p);
}

std::string ThemeId(const rules::Scenario& sc, int theme) {
  return theme >= 0 && theme < sc.num_themes() ? sc.themes()[theme].id : "";
}

std::string Player(const Model& m, int seat) {
  if (seat < 0) return "";
  if (static_cast<size_t>(seat) < m.record.players.size() && !m.record.players[seat].empty())
    return m.record.players[seat];
  if (static_cast<size_t>(seat) < m.record.strategies.size() && !m.record.strategies[seat].empty())
    return "bot:" + m.record.strategies[seat];
  return "";
}

}  // namespace

std::string ActionsCsv(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  std::string out =
      "index,time_ms,cycle,phase,theme,actor,actor_name,player,type,description,hash_after\n";
  for (const ActionRow& a : m.actions) {
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(a.hash_after));
    out += Num(a.index) + "," + std::to_string(a.at_ms) + "," + Num(a.cycle) + "," +
           CsvField(PhaseCsv(a.phase)) + "," + CsvField(ThemeId(sc, a.theme)) + "," + Num(a.actor) +
           "," + CsvField(SeatName(sc, a.actor)) + "," + CsvField(Player(m, a.actor)) + "," +
           CsvField(a.type) + "," + CsvField(a.description) + "," + hash + "\n";
  }
  return out;
}

std::string VotesCsv(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  std::string out =
      "cycle,item,theme,text_id,text,outcome,seat,seat_name,role,player,vote,supporter,objector\n";
  for (const Item& it : m.items) {
    if (!it.decided) continue;
    for (int s = 0; s < sc.num_seats(); ++s) {
      const mf::VoteChoice v =
          s < static_cast<int>(it.votes.size()) ? it.votes[s] : mf::VOTE_UNSPECIFIED;
      out += Num(it.cycle) + "," + Num(it.index + 1) + "," + CsvField(ThemeId(sc, it.theme)) + "," +
             Num(it.text_id) + "," + CsvField(it.label) + "," +
             (it.adopted ? "adopted" : "not adopted") + "," + Num(s) + "," +
             CsvField(sc.seats()[s].name) + "," + rules::RoleName(sc.seats()[s].role) + "," +
             CsvField(Player(m, s)) + "," + CsvField(VoteName(v)) + "," +
             (((it.supporters >> s) & 1) ? "1" : "0") + "," +
             (((it.objectors >> s) & 1) ? "1" : "0") + "\n";
    }
  }
  return out;
}

std::string DealsCsv(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  std::string out =
      "deal,cycle,from,from_name,to,to_name,gives,asks,status,from_kept,to_kept,breach_visible,"
      "offered_entry,answered_entry\n";
  auto kept = [](int k) { return k == 1 ? "kept" : k == 0 ? "broken" : ""; };
  for (const DealRec& d : m.deals) {
    out += Num(d.id) + "," + Num(d.cycle) + "," + Num(d.from) + "," +
           CsvField(SeatName(sc, d.from)) + "," + Num(d.to) + "," + CsvField(SeatName(sc, d.to)) +
           "," + CsvField(d.give_text) + "," + CsvField(d.ask_text) + "," + d.status + "," +
           kept(d.from_kept) + "," + kept(d.to_kept) + "," + (d.breach_visible ? "1" : "0") + "," +
           Num(d.offered_entry) + "," + Num(d.answered_entry) + "\n";
  }
  return out;
}

std::string ScoresCsv(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  std::string out =
      "seat,seat_name,role,player,rank,total,raw,gain,interest,economy,approval,reputation,shared,"
      "sovereignty_cost,statements,amendments_proposed,amendments_accepted,votes_cast,supported,"
      "stood_aside,objected,deals_made,deals_kept,deals_broken,source_weight,transit_weight,"
      "destination_weight\n";
  for (int s = 0; s < sc.num_seats(); ++s) {
    const rules::ScoreBreakdown& b = m.scores[s];
    const SeatSummary& ss = m.seats[s];
    out += Num(s) + "," + CsvField(sc.seats()[s].name) + "," + rules::RoleName(sc.seats()[s].role) +
           "," + CsvField(Player(m, s)) + "," + Num(b.rank) + "," + Fixed(b.total, 3) + "," +
           Fixed(b.raw, 3) + "," + Fixed(b.gain, 3) + "," + Fixed(b.interest, 4) + "," +
           Fixed(b.economy, 4) + "," + Fixed(b.approval, 4) + "," + Fixed(b.reputation, 4) + "," +
           Fixed(b.shared, 4) + "," + Fixed(b.sovereignty, 3) + "," + Num(ss.statements) + "," +
           Num(ss.amendments_proposed) + "," + Num(ss.amendments_accepted) + "," +
           Num(ss.supported + ss.stood_aside + ss.objected) + "," + Num(ss.supported) + "," +
           Num(ss.stood_aside) + "," + Num(ss.objected) + "," + Num(ss.deals_made) + "," +
           Num(ss.deals_kept) + "," + Num(ss.deals_broken) + "," +
           Fixed(sc.seats()[s].weight[mf::SOURCE], 2) + "," +
           Fixed(sc.seats()[s].weight[mf::TRANSIT], 2) + "," +
           Fixed(sc.seats()[s].weight[mf::DESTINATION], 2) + "\n";
  }
  return out;
}

std::string MessagesCsv(const Model& m) {
  const rules::Scenario& sc = *m.scenario;
  std::string out = "serial,time_ms,from,from_name,channel,to,text\n";
  for (const ChatLine& c : m.record.chat) {
    std::string channel = "public", to;
    if (c.channel == ChatLine::Channel::kBilateral) {
      channel = "bilateral";
      to = SeatName(sc, c.to_seat);
    } else if (c.channel == ChatLine::Channel::kCaucus) {
      channel = "caucus";
      to = c.caucus;
    }
    out += std::to_string(c.serial) + "," + std::to_string(c.at_ms) + "," + Num(c.from) + "," +
           CsvField(c.from_name.empty() ? SeatName(sc, c.from) : c.from_name) + "," + channel +
           "," + CsvField(to) + "," + CsvField(c.text) + "\n";
  }
  return out;
}

bool WriteReport(const Model& m, const std::string& dir, const ReportOptions& options,
                 std::vector<std::string>* written, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  std::vector<std::pair<std::string, std::string>> files = {
      {"index.html", ReportHtml(m, options)},
      {"actions.csv", ActionsCsv(m)},
      {"votes.csv", VotesCsv(m)},
      {"deals.csv", DealsCsv(m)},
      {"scores.csv", ScoresCsv(m)},
  };
  if (options.facilitator) files.push_back({"messages.csv", MessagesCsv(m)});
  for (const auto& [name, data] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.close();
    if (!f) {
      *error = "cannot write " + path;
      return false;
    }
    if (written) written->push_back(path);
  }
  return true;
}

}  // namespace mf::tools::debrief
