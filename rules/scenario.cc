// Scenario parsing and validation. Errors name the file, the line and the field.
#include "rules/scenario.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace mf::rules {

using google::protobuf::Message;
using google::protobuf::TextFormat;

namespace {

constexpr int kNumEventKinds = 8;

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(std::string file, std::vector<std::string>* errors)
      : file_(std::move(file)), errors_(errors) {}
  void AddError(int line, int column, const std::string& message) override {
    errors_->push_back(file_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                       ": " + message);
  }
  void AddWarning(int, int, const std::string&) override {}

 private:
  std::string file_;
  std::vector<std::string>* errors_;
};

// Reports semantic errors at the line of the field they concern.
class Reporter {
 public:
  Reporter(std::string file, const TextFormat::ParseInfoTree* tree, std::vector<std::string>* out)
      : file_(std::move(file)), tree_(tree), out_(out) {}

  // `path` is a list of (field name, index) from the top message; index -1 for
  // a singular field.
  void Error(const Message& root, std::initializer_list<std::pair<const char*, int>> path,
             const std::string& message) {
    int line = -1;
    std::string where;
    const TextFormat::ParseInfoTree* tree = tree_;
    const Message* msg = &root;
    for (auto it = path.begin(); it != path.end(); ++it) {
      const auto* field = msg->GetDescriptor()->FindFieldByName(it->first);
      if (!field) break;
      if (!where.empty()) where += ".";
      where += it->first;
      if (it->second >= 0) where += "[" + std::to_string(it->second) + "]";
      // ParseInfoTree aborts on index -1 for a repeated field (and on an
      // index for a singular one): a whole repeated field is located at its
      // first element, if it has one.
      const bool repeated = field->is_repeated();
      int index = repeated ? it->second : -1;
      if (repeated && index < 0) index = msg->GetReflection()->FieldSize(*msg, field) > 0 ? 0 : -1;
      if (tree && (!repeated || index >= 0)) {
        auto loc = tree->GetLocation(field, index);
        if (loc.line >= 0) line = loc.line;
      }
      if (repeated != (it->second >= 0)) break;
      if (std::next(it) != path.end() &&
          field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
        const auto* refl = msg->GetReflection();
        if (it->second >= 0) {
          if (it->second >= refl->FieldSize(*msg, field)) break;
          msg = &refl->GetRepeatedMessage(*msg, field, it->second);
        } else {
          msg = &refl->GetMessage(*msg, field);
        }
        tree = tree ? tree->GetTreeForNested(field, it->second) : nullptr;
      }
    }
    std::string prefix = file_;
    if (line >= 0) prefix += ":" + std::to_string(line + 1);
    out_->push_back(prefix + ": " + (where.empty() ? "" : where + ": ") + message);
  }

 private:
  std::string file_;
  const TextFormat::ParseInfoTree* tree_;
  std::vector<std::string>* out_;
};

bool IsId(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool Finite(double x) {
  return std::isfinite(x);
}

}  // namespace

// A band's forum rules (AxisBand.forum), validated.
static ThemeData::Forum LoadForum(const mf::Scenario& p, const mf::ForumRules& f, bool chooses,
                                  int theme, int band, Reporter* rep) {
  ThemeData::Forum out;
  if (!chooses) {
    rep->Error(p, {{"themes", theme}, {"bands", band}, {"forum", -1}},
               "forum rules belong on a theme that chooses the forum (set chooses_forum: true)");
    return out;
  }
  if (!mf::DecisionRule_IsValid(f.decision_rule()))
    rep->Error(p, {{"themes", theme}, {"bands", band}, {"forum", -1}, {"decision_rule", -1}},
               "unknown decision rule " + std::to_string(f.decision_rule()));
  else
    out.rule = f.decision_rule();
  for (int k = 0; k < f.allowed_forms_size(); ++k) {
    const int form = f.allowed_forms(k);
    if (form == mf::FORM_UNSPECIFIED || !mf::Form_IsValid(form)) {
      rep->Error(p, {{"themes", theme}, {"bands", band}, {"forum", -1}, {"allowed_forms", k}},
                 "unknown or unspecified form " + std::to_string(form));
      continue;
    }
    if (out.forms & (1u << form))
      rep->Error(p, {{"themes", theme}, {"bands", band}, {"forum", -1}, {"allowed_forms", k}},
                 "form " + mf::Form_Name(form) + " is listed twice");
    out.forms |= 1u << form;
  }
  if (f.forms_reason().size() > 200)
    rep->Error(p, {{"themes", theme}, {"bands", band}, {"forum", -1}, {"forms_reason", -1}},
               "forms_reason is one clause of at most 200 bytes");
  out.forms_reason = f.forms_reason();
  if (f.has_meetings()) {
    const double v = f.meetings().procedures_per_meeting();
    if (!Finite(v) || v < 0 || v > 10)
      rep->Error(p,
                 {{"themes", theme},
                  {"bands", band},
                  {"forum", -1},
                  {"meetings", -1},
                  {"procedures_per_meeting", -1}},
                 "procedures_per_meeting must be in [0, 10]");
    else {
      out.sets_meeting = true;
      out.meeting_procedures = v;
    }
  }
  return out;
}

struct ScenarioLoader {
  static LoadResult Build(const mf::Scenario& p, const std::string& text, const std::string& file,
                          const TextFormat::ParseInfoTree* tree) {
    LoadResult result;
    Reporter rep(file, tree, &result.errors);
    auto sc = std::make_shared<Scenario>();
    sc->proto_ = p;
    sc->text_ = text;

    if (!IsId(p.id())) rep.Error(p, {{"id", -1}}, "id must be 1-40 characters of a-z 0-9 _ -");
    if (p.title().empty()) rep.Error(p, {{"title", -1}}, "a scenario needs a title");
    if (p.cycles() < 1 || p.cycles() > kMaxCycles)
      rep.Error(p, {{"cycles", -1}}, "cycles must be 1.." + std::to_string(kMaxCycles));
    // Proto3 enums take any number (from text too): each must be a value.
    if (!mf::DecisionRule_IsValid(p.decision_rule()))
      rep.Error(p, {{"decision_rule", -1}},
                "unknown decision rule " + std::to_string(p.decision_rule()));
    if (p.decision_rule() == mf::DECISION_RULE_UNSPECIFIED)
      sc->proto_.set_decision_rule(mf::CONSENSUS);

    // Themes.
    std::map<std::string, int> theme_index;
    if (p.themes_size() < 1 || p.themes_size() > kMaxThemes)
      rep.Error(p, {{"themes", -1}},
                "a scenario needs 1.." + std::to_string(kMaxThemes) + " themes");
    for (int i = 0; i < p.themes_size(); ++i) {
      const mf::Theme& t = p.themes(i);
      if (!IsId(t.id())) rep.Error(p, {{"themes", i}, {"id", -1}}, "bad theme id '" + t.id() + "'");
      if (!theme_index.emplace(t.id(), i).second)
        rep.Error(p, {{"themes", i}, {"id", -1}}, "duplicate theme id '" + t.id() + "'");
      if (t.name().empty()) rep.Error(p, {{"themes", i}, {"name", -1}}, "a theme needs a name");
      if (t.status_quo() < 0 || t.status_quo() > 100)
        rep.Error(p, {{"themes", i}, {"status_quo", -1}}, "status_quo must be 0..100");
      if (t.civil_society_position() < 0 || t.civil_society_position() > 100)
        rep.Error(p, {{"themes", i}, {"civil_society_position", -1}}, "must be 0..100");
      ThemeData d;
      d.id = t.id();
      d.name = t.name();
      d.low_label = t.low_label();
      d.high_label = t.high_label();
      d.description = t.description();
      d.status_quo = t.status_quo();
      d.civil_society_position = t.civil_society_position();
      d.natural_commitment = t.natural_commitment();
      if (!mf::CommitmentKind_IsValid(t.natural_commitment()))
        rep.Error(p, {{"themes", i}, {"natural_commitment", -1}},
                  "unknown commitment " + std::to_string(t.natural_commitment()));
      if (!mf::DecisionRule_IsValid(t.decision_rule()))
        rep.Error(p, {{"themes", i}, {"decision_rule", -1}},
                  "unknown decision rule " + std::to_string(t.decision_rule()));
      d.decision_rule = t.decision_rule();
      d.chooses_forum = t.chooses_forum();
      for (int b = 0; b < t.bands_size(); ++b) {
        const mf::AxisBand& band = t.bands(b);
        if (band.low() < 0 || band.high() > 100 || band.low() > band.high() || band.label().empty())
          rep.Error(p, {{"themes", i}, {"bands", b}},
                    "a band needs 0 <= low <= high <= 100 and a label");
        ThemeData::Band bd{band.low(), band.high(), band.label(), {}};
        if (band.has_forum()) bd.forum = LoadForum(p, band.forum(), t.chooses_forum(), i, b, &rep);
        if (t.chooses_forum())
          for (int o = 0; o < b; ++o)
            if (band.low() <= t.bands(o).high() && t.bands(o).low() <= band.high())
              rep.Error(p, {{"themes", i}, {"bands", b}},
                        "the bands of a theme that chooses the forum must not overlap (band " +
                            std::to_string(o + 1) + " overlaps it)");
        d.bands.push_back(std::move(bd));
      }
      if (t.chooses_forum() && d.BandIndex(t.status_quo()) < 0)
        rep.Error(p, {{"themes", i}, {"chooses_forum", -1}},
                  "a theme that chooses the forum needs a band holding its status quo (" +
                      std::to_string(t.status_quo()) + "), the forum when nothing is adopted");
      sc->themes_.push_back(d);
    }

    // Seats.
    std::map<std::string, int> seat_index;
    if (p.seats_size() < 2 || p.seats_size() > kMaxSeats)
      rep.Error(p, {{"seats", -1}}, "a scenario needs 2.." + std::to_string(kMaxSeats) + " seats");
    bool any_developed = false, any_developing = false;
    for (int i = 0; i < p.seats_size(); ++i) {
      const mf::SeatDef& s = p.seats(i);
      if (!IsId(s.id())) rep.Error(p, {{"seats", i}, {"id", -1}}, "bad seat id '" + s.id() + "'");
      if (!seat_index.emplace(s.id(), i).second)
        rep.Error(p, {{"seats", i}, {"id", -1}}, "duplicate seat id '" + s.id() + "'");
      if (s.name().empty()) rep.Error(p, {{"seats", i}, {"name", -1}}, "a seat needs a name");
      const bool org = s.kind() == mf::SEAT_ORGANISATION;
      if (!mf::SeatKind_IsValid(s.kind()))
        rep.Error(p, {{"seats", i}, {"kind", -1}}, "kind must be SEAT_STATE or SEAT_ORGANISATION");
      if (org) {
        // An organisation sits beside the states: a mandate, no role or bloc.
        if (s.mandate() == mf::MANDATE_UNSPECIFIED || !mf::Mandate_IsValid(s.mandate()))
          rep.Error(p, {{"seats", i}, {"mandate", -1}},
                    "an organisation needs a mandate (MANDATE_IOM, MANDATE_UNHCR, MANDATE_ILO, "
                    "MANDATE_OHCHR or MANDATE_CIVIL_SOCIETY)");
        if (s.role() != mf::ROLE_UNSPECIFIED || s.has_role_weights())
          rep.Error(p, {{"seats", i}, {"role", -1}},
                    "an organisation has no role: it is not a source, transit or destination");
        if (s.bloc() != mf::BLOC_UNSPECIFIED)
          rep.Error(p, {{"seats", i}, {"bloc", -1}},
                    "an organisation belongs to no bloc: leave bloc out");
        if (!Finite(s.capacity()) || s.capacity() < 0 || s.capacity() > 1)
          rep.Error(p, {{"seats", i}, {"capacity", -1}}, "capacity must be 0..1");
      } else {
        if (s.mandate() != mf::MANDATE_UNSPECIFIED || s.capacity() != 0)
          rep.Error(p, {{"seats", i}, {"mandate", -1}},
                    "only an organisation (kind: SEAT_ORGANISATION) has a mandate or a capacity");
        if (s.role() == mf::ROLE_UNSPECIFIED || !mf::Role_IsValid(s.role()))
          rep.Error(p, {{"seats", i}, {"role", -1}}, "role must be SOURCE, TRANSIT or DESTINATION");
        if (s.bloc() == mf::BLOC_UNSPECIFIED || !mf::Bloc_IsValid(s.bloc()))
          rep.Error(p, {{"seats", i}, {"bloc", -1}}, "bloc must be DEVELOPED or DEVELOPING");
      }
      any_developed |= s.bloc() == mf::DEVELOPED;
      any_developing |= s.bloc() == mf::DEVELOPING;
      if (!Finite(s.influence()) || s.influence() <= 0 || s.influence() > 10)
        rep.Error(p, {{"seats", i}, {"influence", -1}}, "influence must be in (0, 10]");
      if (!Finite(s.approval()) || s.approval() < 0 || s.approval() > 1)
        rep.Error(p, {{"seats", i}, {"approval", -1}}, "approval must be 0..1");
      if (s.political_capital() < 0 || s.political_capital() > 30)
        rep.Error(p, {{"seats", i}, {"political_capital", -1}}, "political_capital must be 0..30");
      if (!Finite(s.sovereignty_sensitivity()) || s.sovereignty_sensitivity() < 0 ||
          s.sovereignty_sensitivity() > 1)
        rep.Error(p, {{"seats", i}, {"sovereignty_sensitivity", -1}}, "must be 0..1");
      if (!Finite(s.economy()) || s.economy() <= 0 || s.economy() > 100)
        rep.Error(p, {{"seats", i}, {"economy", -1}}, "economy must be in (0, 100]");
      if (!Finite(s.score_offset()) || s.score_offset() < -30 || s.score_offset() > 30)
        rep.Error(p, {{"seats", i}, {"score_offset", -1}}, "score_offset must be -30..30");
      SeatData d;
      d.organisation = org;
      d.mandate = s.mandate();
      d.capacity = s.capacity();
      (org ? sc->organisation_mask_ : sc->state_mask_) |= uint64_t{1} << i;
      d.score_offset = s.score_offset();
      d.id = s.id();
      d.name = s.name();
      d.region = s.region();
      d.colour = s.flag_colour();
      d.briefing = s.brief().briefing();
      d.role = s.role();
      if (d.role >= mf::SOURCE && d.role <= mf::DESTINATION) d.weight[d.role] = 1.0;
      if (s.has_role_weights()) {
        // A state of mixed roles: each weight >= 0, summing to 1, the primary
        // role's at least as large as the others'.
        const mf::RoleWeights& w = s.role_weights();
        const double given[4] = {0, w.source(), w.transit(), w.destination()};
        const char* field[4] = {"", "source", "transit", "destination"};
        const std::string who = "seat '" + s.id() + "': ";
        auto num = [](double x) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%g", x);
          return std::string(buf);
        };
        bool ok = true;
        double sum = 0, largest = 0;
        for (int r = 1; r < 4; ++r) {
          if (!Finite(given[r]) || given[r] < 0 || given[r] > 1) {
            rep.Error(p, {{"seats", i}, {"role_weights", -1}, {field[r], -1}},
                      who + "role weight " + field[r] + " must be 0..1");
            ok = false;
          }
          sum += given[r];
          largest = std::max(largest, given[r]);
        }
        if (ok && sum <= 0) {
          rep.Error(p, {{"seats", i}, {"role_weights", -1}},
                    who + "role_weights are all zero (leave them out for a single role)");
          ok = false;
        }
        if (ok && (sum < 1 - 1e-6 || sum > 1 + 1e-6)) {
          rep.Error(p, {{"seats", i}, {"role_weights", -1}},
                    who + "role_weights must sum to 1 (they sum to " + num(sum) + ")");
          ok = false;
        }
        if (ok && d.role >= mf::SOURCE && d.role <= mf::DESTINATION && given[d.role] < largest) {
          rep.Error(p, {{"seats", i}, {"role_weights", -1}},
                    who + "its role " + field[d.role] +
                        " is its primary role and needs the largest weight (" + num(given[d.role]) +
                        " < " + num(largest) + ")");
          ok = false;
        }
        if (ok) {
          int roles = 0;
          for (int r = 1; r < 4; ++r) {
            d.weight[r] = given[r];
            roles += given[r] > 0;
          }
          d.mixed = roles > 1;
        }
      }
      d.bloc = s.bloc();
      d.influence = s.influence();
      d.approval = s.approval();
      d.sovereignty = s.sovereignty_sensitivity();
      d.economy = s.economy();
      d.capital = s.political_capital();
      d.ideal.assign(p.themes_size(), -1);
      d.priority.assign(p.themes_size(), 0);
      for (int k = 0; k < s.brief().stances_size(); ++k) {
        const mf::Stance& st = s.brief().stances(k);
        auto it = theme_index.find(st.theme());
        if (it == theme_index.end()) {
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"stances", k}, {"theme", -1}},
                    "unknown theme '" + st.theme() + "'");
          continue;
        }
        if (d.ideal[it->second] >= 0)
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"stances", k}, {"theme", -1}},
                    "two stances on theme '" + st.theme() + "'");
        if (st.ideal() < 0 || st.ideal() > 100)
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"stances", k}, {"ideal", -1}},
                    "ideal must be 0..100");
        if (!Finite(st.priority()) || st.priority() <= 0 || st.priority() > 10)
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"stances", k}, {"priority", -1}},
                    "priority must be in (0, 10]");
        d.ideal[it->second] = st.ideal();
        d.priority[it->second] = st.priority();
      }
      for (int t = 0; t < p.themes_size(); ++t) {
        if (d.ideal[t] < 0) {
          rep.Error(p, {{"seats", i}, {"brief", -1}},
                    "no stance on theme '" + p.themes(t).id() + "'");
          d.ideal[t] = 50;
        }
      }
      for (int k = 0; k < s.brief().red_lines_size(); ++k) {
        const mf::RedLine& r = s.brief().red_lines(k);
        auto it = theme_index.find(r.theme());
        if (it == theme_index.end()) {
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"red_lines", k}, {"theme", -1}},
                    "unknown theme '" + r.theme() + "'");
          continue;
        }
        RedLineData rl;
        rl.theme = it->second;
        rl.max_form = r.max_form();
        if (!mf::Form_IsValid(r.max_form()))
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"red_lines", k}, {"max_form", -1}},
                    "unknown form " + std::to_string(r.max_form()));
        // Zero means "no limit" for max_position (an upper bound of 0 is never meant).
        rl.max_position = r.max_position() == 0 ? 100 : r.max_position();
        rl.min_position = r.min_position();
        rl.reason = r.reason();
        if (rl.max_position < 0 || rl.max_position > 100 || rl.min_position < 0 ||
            rl.min_position > 100 || rl.min_position > rl.max_position)
          rep.Error(p, {{"seats", i}, {"brief", -1}, {"red_lines", k}},
                    "positions must satisfy 0 <= min_position <= max_position <= 100");
        d.red_lines.push_back(rl);
      }
      sc->seats_.push_back(std::move(d));
    }
    if (p.seats_size() >= 2 && (!any_developed || !any_developing))
      rep.Error(p, {{"seats", -1}},
                "co-chairs pair a developed and a developing state: both blocs must be seated");

    auto seat_ref = [&](const std::string& id,
                        std::initializer_list<std::pair<const char*, int>> path, const char* what) {
      auto it = seat_index.find(id);
      if (it == seat_index.end()) {
        rep.Error(p, path, std::string("unknown seat '") + id + "' in " + what);
        return -1;
      }
      // Corridors, hosts, the steering group and caucuses are the states'.
      if (p.seats(it->second).kind() == mf::SEAT_ORGANISATION) {
        rep.Error(p, path, "seat '" + id + "' is an organisation: only states stand in " + what);
        return -1;
      }
      return it->second;
    };

    // Corridors.
    std::set<std::string> corridor_ids;
    if (p.corridors_size() > kMaxCorridors)
      rep.Error(p, {{"corridors", -1}}, "at most " + std::to_string(kMaxCorridors) + " corridors");
    for (int i = 0; i < p.corridors_size(); ++i) {
      const mf::CorridorDef& c = p.corridors(i);
      if (!IsId(c.id())) rep.Error(p, {{"corridors", i}, {"id", -1}}, "bad corridor id");
      if (!corridor_ids.insert(c.id()).second)
        rep.Error(p, {{"corridors", i}, {"id", -1}}, "duplicate corridor id '" + c.id() + "'");
      CorridorData d;
      d.id = c.id();
      d.origin = seat_ref(c.origin(), {{"corridors", i}, {"origin", -1}}, "corridor origin");
      d.destination = seat_ref(c.destination(), {{"corridors", i}, {"destination", -1}},
                               "corridor destination");
      d.transit = c.transit().empty() ? -1
                                      : seat_ref(c.transit(), {{"corridors", i}, {"transit", -1}},
                                                 "corridor transit");
      // A seat of mixed roles may also stand where its other roles put it.
      auto weight = [&](int seat, mf::Role r) {
        return seat >= 0 && seat < sc->num_seats() ? sc->seats_[seat].weight[r] : 0.0;
      };
      if (d.origin >= 0 && p.seats(d.origin).role() == mf::DESTINATION &&
          weight(d.origin, mf::SOURCE) <= 0)
        rep.Error(p, {{"corridors", i}, {"origin", -1}},
                  "a corridor's origin cannot be a destination state (without a source weight)");
      if (d.destination >= 0 && p.seats(d.destination).role() != mf::DESTINATION &&
          weight(d.destination, mf::DESTINATION) <= 0)
        rep.Error(p, {{"corridors", i}, {"destination", -1}},
                  "a corridor must end in a destination state (or one with a destination "
                  "weight)");
      if (d.transit >= 0 && p.seats(d.transit).role() != mf::TRANSIT &&
          weight(d.transit, mf::TRANSIT) <= 0)
        rep.Error(p, {{"corridors", i}, {"transit", -1}},
                  "a corridor's transit must be a transit state (or one with a transit weight)");
      if (d.origin >= 0 && d.origin == d.destination)
        rep.Error(p, {{"corridors", i}, {"destination", -1}},
                  "a corridor cannot end where it starts");
      if (!Finite(c.legal_flow()) || c.legal_flow() < 0 || c.legal_flow() > 1e6)
        rep.Error(p, {{"corridors", i}, {"legal_flow", -1}}, "legal_flow must be 0..1e6");
      if (!Finite(c.pressure()) || c.pressure() < 0 || c.pressure() > 1e6)
        rep.Error(p, {{"corridors", i}, {"pressure", -1}}, "pressure must be 0..1e6");
      d.legal = c.legal_flow();
      d.pressure = c.pressure();
      sc->corridors_.push_back(d);
    }
    // Every role a seat of mixed roles is weighted in must be one the world
    // gives it: a part of its economy that no corridor moves would measure
    // nothing and only dilute the others.
    for (int i = 0; i < sc->num_seats() && i < p.seats_size(); ++i) {
      const SeatData& d = sc->seats_[i];
      if (!d.mixed) continue;
      bool has[4] = {false, false, false, false};
      for (const CorridorData& c : sc->corridors_) {
        has[mf::SOURCE] |= c.origin == i;
        has[mf::TRANSIT] |= c.transit == i;
        has[mf::DESTINATION] |= c.destination == i;
      }
      const char* field[4] = {"", "source", "transit", "destination"};
      const char* where[4] = {"", "from", "through", "into"};
      for (int r = 1; r < 4; ++r)
        if (r != d.role && d.weight[r] > 0 && !has[r])
          rep.Error(p, {{"seats", i}, {"role_weights", -1}, {field[r], -1}},
                    "seat '" + d.id + "' has a " + field[r] + " weight but no corridor runs " +
                        where[r] + " it");
    }

    // Agenda.
    if (p.agenda_size() < 1) rep.Error(p, {{"agenda", -1}}, "an agenda needs at least one cycle");
    std::vector<std::vector<int>> agenda;
    for (int i = 0; i < p.agenda_size(); ++i) {
      std::vector<int> items;
      if (p.agenda(i).themes_size() < 1 || p.agenda(i).themes_size() > 4)
        rep.Error(p, {{"agenda", i}}, "each cycle takes 1..4 themes");
      for (int k = 0; k < p.agenda(i).themes_size(); ++k) {
        auto it = theme_index.find(p.agenda(i).themes(k));
        if (it == theme_index.end()) {
          rep.Error(p, {{"agenda", i}, {"themes", k}},
                    "unknown theme '" + p.agenda(i).themes(k) + "'");
          continue;
        }
        if (std::find(items.begin(), items.end(), it->second) != items.end())
          rep.Error(p, {{"agenda", i}, {"themes", k}}, "a theme appears twice in one cycle");
        items.push_back(it->second);
      }
      if (items.empty()) items.push_back(0);
      agenda.push_back(items);
    }
    for (int c = 0; c < std::max(1, p.cycles()) && !agenda.empty(); ++c)
      sc->agenda_.push_back(agenda[static_cast<size_t>(c) % agenda.size()]);

    // Hosts, steering group, caucuses.
    if (p.host_order_size() < 1) rep.Error(p, {{"host_order", -1}}, "name at least one host");
    for (int i = 0; i < p.host_order_size(); ++i) {
      int s = seat_ref(p.host_order(i), {{"host_order", i}}, "host_order");
      if (s >= 0) sc->host_order_.push_back(s);
    }
    if (sc->host_order_.empty()) sc->host_order_.push_back(0);
    for (int i = 0; i < p.steering_group_size(); ++i) {
      int s = seat_ref(p.steering_group(i), {{"steering_group", i}}, "steering_group");
      if (s >= 0) sc->steering_.push_back(s);
    }
    std::set<std::string> caucus_ids;
    for (int i = 0; i < p.caucuses_size(); ++i) {
      const mf::Caucus& c = p.caucuses(i);
      if (!IsId(c.id())) rep.Error(p, {{"caucuses", i}, {"id", -1}}, "bad caucus id");
      if (!caucus_ids.insert(c.id()).second)
        rep.Error(p, {{"caucuses", i}, {"id", -1}}, "duplicate caucus id '" + c.id() + "'");
      uint64_t mask = 0;
      for (int k = 0; k < c.members_size(); ++k) {
        int s = seat_ref(c.members(k), {{"caucuses", i}, {"members", k}}, "caucus members");
        if (s >= 0) mask |= uint64_t{1} << s;
      }
      sc->caucus_masks_.push_back(mask);
    }
    for (int i = 0; i < p.observers_size(); ++i) {
      if (p.observers(i).name().empty())
        rep.Error(p, {{"observers", i}, {"name", -1}}, "an observer needs a name");
      // An institution is either seated (an organisation seat) or an
      // observer with a position paper, not both.
      if (!p.observers(i).id().empty() && seat_index.count(p.observers(i).id()))
        rep.Error(
            p, {{"observers", i}, {"id", -1}},
            "'" + p.observers(i).id() + "' has a seat: an observer is an institution without one");
    }

    // Events.
    if (p.event_kinds_size() != p.event_weights_size())
      rep.Error(p, {{"event_weights", -1}},
                "event_kinds and event_weights must be the same length");
    if (p.event_kinds_size() == 0) {
      for (int k = 1; k <= kNumEventKinds; ++k) {
        sc->event_kinds_.push_back(static_cast<mf::EventKind>(k));
        sc->event_weights_.push_back(1.0);
      }
    } else {
      double total = 0;
      for (int i = 0; i < p.event_kinds_size() && i < p.event_weights_size(); ++i) {
        if (p.event_kinds(i) == mf::EVENT_UNSPECIFIED || !mf::EventKind_IsValid(p.event_kinds(i)))
          rep.Error(p, {{"event_kinds", i}}, "unspecified or unknown event kind");
        const double w = p.event_weights(i);
        if (!Finite(w) || w < 0 || w > 1e6)
          rep.Error(p, {{"event_weights", i}}, "weights are >= 0");
        total += w;
        sc->event_kinds_.push_back(p.event_kinds(i));
        sc->event_weights_.push_back(w);
      }
      if (!(total > 0)) rep.Error(p, {{"event_weights", -1}}, "event weights must not all be zero");
    }

    // Text forms.
    if (p.allowed_forms_size() > 0) {
      uint32_t mask = 0;
      for (int i = 0; i < p.allowed_forms_size(); ++i) {
        const int f = p.allowed_forms(i);
        if (f == mf::FORM_UNSPECIFIED || !mf::Form_IsValid(f)) {
          rep.Error(p, {{"allowed_forms", i}}, "unknown or unspecified form " + std::to_string(f));
          continue;
        }
        if (mask & (1u << f))
          rep.Error(p, {{"allowed_forms", i}}, "form " + mf::Form_Name(f) + " is listed twice");
        mask |= 1u << f;
      }
      if (mask != 0) sc->allowed_forms_ = mask;
    }
    if (p.forms_reason().size() > 200)
      rep.Error(p, {{"forms_reason", -1}}, "forms_reason is one clause of at most 200 bytes");

    // The teacher's material: printed, so bounded and never empty where given.
    const mf::Teaching& teach = p.teaching();
    if (teach.objectives_size() > 12)
      rep.Error(p, {{"teaching", -1}, {"objectives", -1}}, "at most 12 learning objectives");
    for (int i = 0; i < teach.objectives_size(); ++i) {
      const mf::LearningObjective& o = teach.objectives(i);
      if (o.text().empty() || o.text().size() > 400)
        rep.Error(p, {{"teaching", -1}, {"objectives", i}, {"text", -1}},
                  "a learning objective is a sentence of 1 to 400 bytes");
      if (o.quote().size() > 600)
        rep.Error(p, {{"teaching", -1}, {"objectives", i}, {"quote", -1}},
                  "a learning objective's quote is at most 600 bytes");
    }
    if (teach.debrief_questions_size() > 12)
      rep.Error(p, {{"teaching", -1}, {"debrief_questions", -1}}, "at most 12 debrief questions");
    for (int i = 0; i < teach.debrief_questions_size(); ++i)
      if (teach.debrief_questions(i).empty() || teach.debrief_questions(i).size() > 400)
        rep.Error(p, {{"teaching", -1}, {"debrief_questions", i}},
                  "a debrief question is a sentence of 1 to 400 bytes");
    if (teach.history().size() > 3000)
      rep.Error(p, {{"teaching", -1}, {"history", -1}}, "history is at most 3,000 bytes");

    // A campaign's carry-over (set by rules/campaign.h, checked like the rest:
    // a record may come from anywhere).
    if (p.has_carry()) {
      const mf::Carry& c = p.carry();
      auto seat_known = [&](const std::string& id) { return sc->SeatIndex(id) >= 0; };
      auto unit = [](double v) { return Finite(v) && v >= 0 && v <= 1; };
      for (int i = 0; i < c.seats_size(); ++i) {
        if (!seat_known(c.seats(i).id()))
          rep.Error(
              p, {{"carry", -1}, {"seats", i}, {"id", -1}},
              "carry names seat '" + c.seats(i).id() + "', which this scenario does not seat");
        if (!unit(c.seats(i).reputation()))
          rep.Error(p, {{"carry", -1}, {"seats", i}, {"reputation", -1}},
                    "a carried reputation is in [0, 1]");
      }
      for (int i = 0; i < c.trust_size(); ++i) {
        const mf::CarriedTrust& t = c.trust(i);
        if (!seat_known(t.from()) || !seat_known(t.to()) || t.from() == t.to())
          rep.Error(p, {{"carry", -1}, {"trust", i}},
                    "carried trust runs between two different seats of this scenario");
        if (!unit(t.trust()))
          rep.Error(p, {{"carry", -1}, {"trust", i}, {"trust", -1}}, "carried trust is in [0, 1]");
      }
      const mf::RegimeStrength& r = c.regime();
      if (!unit(r.norms()) || !unit(r.decision_rules()) || !unit(r.procedures()))
        rep.Error(p, {{"carry", -1}, {"regime", -1}},
                  "the carried regime's norms, decision rules and procedures are each in [0, 1]");
      if (!mf::DecisionRule_IsValid(c.forum().decision_rule()))
        rep.Error(p, {{"carry", -1}, {"forum", -1}},
                  "the carried forum's decision rule is unknown");
      if (c.forum_label().size() > 200 || c.forum_from().size() > 100 ||
          c.campaign().size() > 100 || c.from_scenario().size() > 100)
        rep.Error(p, {{"carry", -1}}, "the carry's labels are at most 200 bytes");
      if (c.stage() < 0 || c.stage() > 8)
        rep.Error(p, {{"carry", -1}, {"stage", -1}}, "a campaign has at most 8 sessions");
    }

    // Parameters: zero means "engine default".
    const mf::Parameters& q = p.params();
    Params& P = sc->params_;
    auto set = [&](double v, double* field, const char* name, double lo, double hi) {
      if (v == 0) return;
      if (!Finite(v) || v < lo || v > hi) {
        rep.Error(p, {{"params", -1}, {name, -1}},
                  std::string(name) + " must be in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
        return;
      }
      *field = v;
    };
    set(q.ratification_threshold(), &P.ratification_threshold, "ratification_threshold", 0, 1);
    set(q.consensus_min_support(), &P.consensus_min_support, "consensus_min_support", 0, 1);
    set(q.weighted_threshold(), &P.weighted_threshold, "weighted_threshold", 0, 1);
    set(q.w_interest(), &P.w_interest, "w_interest", 0, 10);
    set(q.w_economy(), &P.w_economy, "w_economy", 0, 10);
    set(q.w_approval(), &P.w_approval, "w_approval", 0, 10);
    set(q.w_reputation(), &P.w_reputation, "w_reputation", 0, 10);
    set(q.w_shared(), &P.w_shared, "w_shared", 0, 10);
    set(q.sovereignty_cost(), &P.sovereignty_cost, "sovereignty_cost", 0, 100);
    set(q.pull_summary(), &P.pull_summary, "pull_summary", 0, 1);
    set(q.pull_principles(), &P.pull_principles, "pull_principles", 0, 1);
    set(q.pull_convention(), &P.pull_convention, "pull_convention", 0, 1);
    set(q.breach_trust_victim(), &P.breach_trust_victim, "breach_trust_victim", 0, 1);
    set(q.breach_trust_others(), &P.breach_trust_others, "breach_trust_others", 0, 1);
    set(q.diversion(), &P.diversion, "diversion", 0, 1);
    set(q.role_scale_source(), &P.role_scale[mf::SOURCE], "role_scale_source", 0, 10);
    set(q.role_scale_transit(), &P.role_scale[mf::TRANSIT], "role_scale_transit", 0, 10);
    set(q.role_scale_destination(), &P.role_scale[mf::DESTINATION], "role_scale_destination", 0,
        10);
    set(q.role_offset_source(), &P.role_offset[mf::SOURCE], "role_offset_source", -100, 100);
    set(q.role_offset_transit(), &P.role_offset[mf::TRANSIT], "role_offset_transit", -100, 100);
    set(q.role_offset_destination(), &P.role_offset[mf::DESTINATION], "role_offset_destination",
        -100, 100);
    set(q.capital_income(), &P.capital_income, "capital_income", 0, 30);
    if (q.max_actions_per_phase() != 0) {
      if (q.max_actions_per_phase() < 1 || q.max_actions_per_phase() > 100)
        rep.Error(p, {{"params", -1}, {"max_actions_per_phase", -1}}, "must be 1..100");
      else
        P.max_actions_per_phase = q.max_actions_per_phase();
    }
    {
      const double v = q.meeting_procedures();
      if (!Finite(v) || v < 0 || v > 10)
        rep.Error(p, {{"params", -1}, {"meeting_procedures", -1}}, "must be in [0, 10]");
      else
        P.meeting_procedures = v;
    }
    set(q.red_line_cost(), &P.red_line_cost, "red_line_cost", 0, 1);
    set(q.w_org_welfare(), &P.w_org_welfare, "w_org_welfare", 0, 10);
    set(q.w_org_mandate(), &P.w_org_mandate, "w_org_mandate", 0, 10);
    set(q.w_org_standing(), &P.w_org_standing, "w_org_standing", 0, 10);
    set(q.org_scale(), &P.org_scale, "org_scale", 0, 10);
    set(q.org_offset(), &P.org_offset, "org_offset", -100, 100);
    set(q.core_capacity(), &P.core_capacity, "core_capacity", 0, 1);
    set(q.project_effect(), &P.project_effect, "project_effect", 0, 1);
    if (P.w_org_welfare + P.w_org_mandate + P.w_org_standing <= 0)
      rep.Error(p, {{"params", -1}}, "organisations' score weights must not all be zero");
    set(q.press_effect(), &P.press_effect, "press_effect", 0, 1);
    if (q.max_reports_per_phase() != 0) {
      if (q.max_reports_per_phase() < 1 || q.max_reports_per_phase() > 20)
        rep.Error(p, {{"params", -1}, {"max_reports_per_phase", -1}}, "must be 1..20");
      else
        P.max_reports_per_phase = q.max_reports_per_phase();
    }
    if (P.w_interest + P.w_economy + P.w_approval + P.w_reputation + P.w_shared <= 0)
      rep.Error(p, {{"params", -1}}, "score weights must not all be zero");

    if (!result.errors.empty()) return result;
    result.scenario = std::move(sc);
    return result;
  }
};

const std::string& ThemeData::BandLabel(int position) const {
  static const std::string kNone;
  for (const Band& b : bands)
    if (position >= b.low && position <= b.high) return b.label;
  return kNone;
}

int ThemeData::BandIndex(int position) const {
  for (size_t b = 0; b < bands.size(); ++b)
    if (position >= bands[b].low && position <= bands[b].high) return static_cast<int>(b);
  return -1;
}

int ClassroomPhaseSeconds(const Scenario& sc, mf::Phase phase) {
  const int m = sc.proto().minutes_per_phase() > 0 ? sc.proto().minutes_per_phase() : 3;
  switch (phase) {
    case mf::CIVIL_SOCIETY:
    case mf::RATIFICATION:
    case mf::IMPLEMENTATION:
      return 60 * m;
    case mf::STATEMENTS:
      return 30 * m;
    case mf::DRAFTING:
      return 90 * m;
    case mf::DECISION:
      return 45 * m;
    default:
      return 0;
  }
}

double ClassroomMinutes(const Scenario& sc) {
  int seconds = 0;
  const bool binding = sc.FormAllowed(mf::BINDING_CONVENTION);
  for (const std::vector<int>& items : sc.agenda()) {
    seconds += ClassroomPhaseSeconds(sc, mf::CIVIL_SOCIETY);
    for (size_t k = 0; k < items.size(); ++k)
      for (mf::Phase p : {mf::STATEMENTS, mf::DRAFTING, mf::DECISION})
        seconds += ClassroomPhaseSeconds(sc, p);
    if (binding) seconds += ClassroomPhaseSeconds(sc, mf::RATIFICATION);
    seconds += ClassroomPhaseSeconds(sc, mf::IMPLEMENTATION);
  }
  return seconds / 60.0;
}

mf::Form Scenario::WeakestForm() const {
  for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES, mf::BINDING_CONVENTION})
    if (FormAllowed(f)) return f;
  return mf::CHAIRS_SUMMARY;
}

int Scenario::ThemeIndex(const std::string& id) const {
  for (size_t i = 0; i < themes_.size(); ++i)
    if (themes_[i].id == id) return static_cast<int>(i);
  return -1;
}
int Scenario::SeatIndex(const std::string& id) const {
  for (size_t i = 0; i < seats_.size(); ++i)
    if (seats_[i].id == id) return static_cast<int>(i);
  return -1;
}
int Scenario::CorridorIndex(const std::string& id) const {
  for (size_t i = 0; i < corridors_.size(); ++i)
    if (corridors_[i].id == id) return static_cast<int>(i);
  return -1;
}

LoadResult LoadScenario(const std::string& text, const std::string& filename) {
  LoadResult result;
  if (text.size() > (8u << 20)) {
    result.errors.push_back(filename + ": scenario file is larger than 8 MiB");
    return result;
  }
  mf::Scenario proto;
  TextFormat::Parser parser;
  Collector collector(filename, &result.errors);
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  parser.SetRecursionLimit(32);
  if (!parser.ParseFromString(text, &proto)) {
    if (result.errors.empty()) result.errors.push_back(filename + ": could not parse");
    return result;
  }
  return ScenarioLoader::Build(proto, text, filename, &tree);
}

LoadResult LoadScenarioMessage(const mf::Scenario& scenario, const std::string& label) {
  std::string text;
  TextFormat::PrintToString(scenario, &text);
  return ScenarioLoader::Build(scenario, text, label, nullptr);
}

LoadResult LoadEmbeddedScenario(const std::string& name) {
  for (const EmbeddedScenario& e : EmbeddedScenarios())
    if (name == e.name) return LoadScenario(e.text, name + ".textproto");
  LoadResult r;
  std::string names;
  for (const EmbeddedScenario& e : EmbeddedScenarios()) names += std::string(" ") + e.name;
  r.errors.push_back("no scenario named '" + name + "' (built in:" + names + ")");
  return r;
}

const char* MandateName(mf::Mandate m) {
  switch (m) {
    case mf::MANDATE_IOM:
      return "IOM";
    case mf::MANDATE_UNHCR:
      return "UNHCR";
    case mf::MANDATE_ILO:
      return "ILO";
    case mf::MANDATE_OHCHR:
      return "OHCHR";
    case mf::MANDATE_CIVIL_SOCIETY:
      return "civil society";
    default:
      return "organisation";
  }
}

}  // namespace mf::rules
