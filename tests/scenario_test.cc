// Scenario loading: every embedded scenario loads and is consistent; broken
// scenario texts are refused with "FILE:LINE: field: message" errors that
// point at the offending line; LoadScenarioMessage and LoadEmbeddedScenario.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <functional>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "rules/playout.h"
#include "rules/scenario.h"
#include "rules/state.h"
#include "test_util.h"

namespace mf::rules {
namespace {

using mf::testing::LoadOrFail;

std::string JoinErrors(const std::vector<std::string>& errors) {
  std::string all;
  for (const std::string& e : errors) all += "  " + e + "\n";
  return all;
}

// ---------------------------------------------------------------------------
// Every embedded scenario
// ---------------------------------------------------------------------------

TEST(EmbeddedScenarios, IncludeClassroom8AndHaveUniqueNames) {
  const std::vector<std::string> names = mf::testing::EmbeddedNames();
  ASSERT_FALSE(names.empty());
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  EXPECT_EQ(unique.count("classroom-8"), 1u);
}

class EmbeddedScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EmbeddedScenarioTest, LoadsAndIsConsistent) {
  LoadResult r = LoadEmbeddedScenario(GetParam());
  ASSERT_TRUE(r.ok()) << JoinErrors(r.errors);
  EXPECT_TRUE(r.errors.empty()) << JoinErrors(r.errors);
  const Scenario& sc = *r.scenario;
  // A log names its scenario by id; replay finds it by that name.
  EXPECT_EQ(sc.id(), GetParam());
  EXPECT_FALSE(sc.proto().title().empty());
  EXPECT_GE(sc.cycles(), 1);
  EXPECT_LE(sc.cycles(), kMaxCycles);
  EXPECT_GE(sc.num_seats(), 2);
  EXPECT_LE(sc.num_seats(), kMaxSeats);
  EXPECT_GE(sc.num_themes(), 1);
  EXPECT_NE(sc.decision_rule(), mf::DECISION_RULE_UNSPECIFIED);
  ASSERT_EQ(static_cast<int>(sc.agenda().size()), sc.cycles());
  for (const auto& items : sc.agenda()) {
    EXPECT_GE(items.size(), 1u);
    EXPECT_LE(items.size(), 4u);
    for (int t : items) {
      EXPECT_GE(t, 0);
      EXPECT_LT(t, sc.num_themes());
    }
  }
  ASSERT_FALSE(sc.host_order().empty());
  for (int h : sc.host_order()) {
    EXPECT_GE(h, 0);
    EXPECT_LT(h, sc.num_seats());
  }
  bool developed = false, developing = false;
  for (const SeatData& s : sc.seats()) {
    developed |= s.bloc == mf::DEVELOPED;
    developing |= s.bloc == mf::DEVELOPING;
    ASSERT_EQ(static_cast<int>(s.ideal.size()), sc.num_themes()) << s.id;
    ASSERT_EQ(static_cast<int>(s.priority.size()), sc.num_themes()) << s.id;
    for (int t = 0; t < sc.num_themes(); ++t) {
      EXPECT_GE(s.ideal[t], 0) << s.id;
      EXPECT_LE(s.ideal[t], 100) << s.id;
      EXPECT_GT(s.priority[t], 0) << s.id;
    }
    EXPECT_GT(s.influence, 0) << s.id;
    EXPECT_EQ(sc.SeatIndex(s.id), &s - sc.seats().data());
  }
  EXPECT_TRUE(developed && developing) << "co-chairs need both blocs";
  for (const CorridorData& c : sc.corridors()) {
    EXPECT_EQ(sc.seats()[c.destination].role, mf::DESTINATION) << c.id;
    EXPECT_NE(sc.seats()[c.origin].role, mf::DESTINATION) << c.id;
    if (c.transit >= 0) {
      EXPECT_EQ(sc.seats()[c.transit].role, mf::TRANSIT) << c.id;
    }
  }
  EXPECT_EQ(sc.event_kinds().size(), sc.event_weights().size());
  EXPECT_FALSE(sc.event_kinds().empty());
  // The text is kept for self-contained logs.
  bool found = false;
  for (const EmbeddedScenario& e : EmbeddedScenarios())
    if (GetParam() == e.name) found = sc.text() == e.text;
  EXPECT_TRUE(found);
}

TEST_P(EmbeddedScenarioTest, LoadsTheSameTwiceAndStartsTheSameGame) {
  auto a = LoadOrFail(GetParam());
  auto b = LoadOrFail(GetParam());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(State(a, 42).Hash(), State(b, 42).Hash());
  EXPECT_NE(State(a, 42).Hash(), State(a, 43).Hash());
}

TEST_P(EmbeddedScenarioTest, MessageRoundTripPlaysTheSameGame) {
  auto from_text = LoadOrFail(GetParam());
  ASSERT_TRUE(from_text);
  LoadResult from_msg = LoadScenarioMessage(from_text->proto(), "rpc");
  ASSERT_TRUE(from_msg.ok()) << JoinErrors(from_msg.errors);
  EXPECT_EQ(from_msg.scenario->num_seats(), from_text->num_seats());
  EXPECT_EQ(from_msg.scenario->num_themes(), from_text->num_themes());
  EXPECT_EQ(from_msg.scenario->num_corridors(), from_text->num_corridors());
  State a(from_text, 9), b(from_msg.scenario, 9);
  RandomPlayout(&a, 9, nullptr);
  RandomPlayout(&b, 9, nullptr);
  EXPECT_TRUE(a.IsTerminal());
  EXPECT_EQ(a.Hash(), b.Hash());

  // And the printed message parses back as a file.
  std::string printed;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(from_text->proto(), &printed));
  LoadResult reparsed = LoadScenario(printed, "printed.textproto");
  EXPECT_TRUE(reparsed.ok()) << JoinErrors(reparsed.errors);
}

INSTANTIATE_TEST_SUITE_P(All, EmbeddedScenarioTest,
                         ::testing::ValuesIn(mf::testing::EmbeddedNames()),
                         mf::testing::ScenarioTestName);

TEST(LoadEmbeddedScenario, UnknownNameIsAnErrorListingTheBuiltIns) {
  LoadResult r = LoadEmbeddedScenario("atlantis-99");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.scenario, nullptr);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("atlantis-99"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("classroom-8"), std::string::npos) << r.errors[0];
  EXPECT_FALSE(LoadEmbeddedScenario("").ok());
  EXPECT_FALSE(LoadEmbeddedScenario("classroom-8.textproto").ok());
}

// ---------------------------------------------------------------------------
// Corrupted texts: errors name the file, the line and the field
// ---------------------------------------------------------------------------

// The classroom-8 text as lines, with helpers to find and change one line.
class CorruptedScenario : public ::testing::Test {
 protected:
  static constexpr const char* kFile = "corrupt.textproto";

  void SetUp() override {
    sc_ = LoadOrFail("classroom-8");
    ASSERT_TRUE(sc_);
    const std::string& text = sc_->text();
    size_t start = 0;
    while (true) {
      const size_t nl = text.find('\n', start);
      lines_.push_back(
          text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  // Index of the first non-comment line at or after `from` matching `re`; -1 if none.
  int Find(const std::string& re, int from = 0) const {
    const std::regex pattern(re);
    for (int i = from; i < static_cast<int>(lines_.size()); ++i) {
      const std::string& l = lines_[i];
      const size_t first = l.find_first_not_of(" \t");
      if (first != std::string::npos && l[first] == '#') continue;
      if (std::regex_search(l, pattern)) return i;
    }
    return -1;
  }
  // Index of the k-th (0-based) top-level block `name {`.
  int Block(const std::string& name, int k) const {
    int at = -1;
    for (int i = 0; i <= k; ++i) {
      at = Find("^" + name + " \\{", at + 1);
      if (at < 0) return -1;
    }
    return at;
  }
  void Replace(int line, const std::string& re, const std::string& with) {
    ASSERT_GE(line, 0);
    const std::string before = lines_[line];
    lines_[line] =
        std::regex_replace(before, std::regex(re), with, std::regex_constants::format_first_only);
    ASSERT_NE(lines_[line], before) << "no '" << re << "' on line " << line + 1;
  }
  std::string Text() const {
    std::string t;
    for (size_t i = 0; i < lines_.size(); ++i) t += (i ? "\n" : "") + lines_[i];
    return t;
  }
  // Loads the changed text: it must fail, every error must carry the file and
  // a line, and one error must start with "FILE:LINE: " and hold `field` and `message`.
  void ExpectError(int line, const std::string& field, const std::string& message) {
    LoadResult r = LoadScenario(Text(), kFile);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.scenario, nullptr);
    ASSERT_FALSE(r.errors.empty());
    const std::regex located(std::string("^") + "corrupt\\.textproto:[0-9]+(:[0-9]+)?: .+");
    for (const std::string& e : r.errors)
      EXPECT_TRUE(std::regex_match(e, located)) << "error without FILE:LINE: " << e;
    const std::string prefix = std::string(kFile) + ":" + std::to_string(line + 1) + ":";
    bool found = false;
    for (const std::string& e : r.errors)
      found |= e.rfind(prefix, 0) == 0 && e.find(field) != std::string::npos &&
               e.find(message) != std::string::npos;
    EXPECT_TRUE(found) << "expected an error at " << prefix << " about '" << field << "' saying '"
                       << message << "', got:\n"
                       << JoinErrors(r.errors);
  }

  std::shared_ptr<const Scenario> sc_;
  std::vector<std::string> lines_;
};

TEST_F(CorruptedScenario, UnchangedTextLoads) {
  LoadResult r = LoadScenario(Text(), kFile);
  EXPECT_TRUE(r.ok()) << JoinErrors(r.errors);
}

TEST_F(CorruptedScenario, UnknownThemeInAStance) {
  const int line = Find("stances \\{ theme: \"", Block("seats", 0));
  Replace(line, "theme: \"", "theme: \"nosuch_");
  ExpectError(line, "seats[0].brief.stances[0].theme", "unknown theme 'nosuch_");
}

TEST_F(CorruptedScenario, UnknownThemeInARedLine) {
  const int red = Find("red_lines \\{", Block("seats", 0));
  const int line = Find("theme: \"", red);
  Replace(line, "theme: \"[^\"]*\"", "theme: \"weather\"");
  ExpectError(line, "seats[0].brief.red_lines[0].theme", "unknown theme 'weather'");
}

TEST_F(CorruptedScenario, CorridorEndingInASourceState) {
  std::string source;
  for (const SeatData& s : sc_->seats())
    if (s.role == mf::SOURCE && source.empty()) source = s.id;
  ASSERT_FALSE(source.empty());
  const int line = Find("^\\s*destination: \"", Block("corridors", 0));
  Replace(line, "destination: \"[^\"]*\"", "destination: \"" + source + "\"");
  ExpectError(line, "corridors[0].destination", "must end in a destination state");
}

TEST_F(CorruptedScenario, CorridorThroughAnUnknownSeat) {
  const int line = Find("^\\s*origin: \"", Block("corridors", 1));
  Replace(line, "origin: \"[^\"]*\"", "origin: \"atlantis\"");
  ExpectError(line, "corridors[1].origin", "unknown seat 'atlantis'");
}

TEST_F(CorruptedScenario, SyntaxErrorInAValue) {
  const int line = Find("^cycles: ");
  Replace(line, "cycles: [0-9]+", "cycles: three");
  ExpectError(line, "", "");
}

TEST_F(CorruptedScenario, SyntaxErrorUnknownFieldName) {
  const int line = Find("^\\s*influence: ", Block("seats", 2));
  Replace(line, "influence:", "influenza:");
  ExpectError(line, "influenza", "");
}

TEST_F(CorruptedScenario, UnterminatedString) {
  const int line = Find("^\\s*name: \"", Block("seats", 1));
  Replace(line, "\"$", "");
  ExpectError(line, "", "");
}

TEST_F(CorruptedScenario, DuplicateSeatId) {
  const std::string first = sc_->seats()[0].id;
  const int line = Find("^\\s*id: \"", Block("seats", 1));
  Replace(line, "id: \"[^\"]*\"", "id: \"" + first + "\"");
  ExpectError(line, "seats[1].id", "duplicate seat id '" + first + "'");
}

TEST_F(CorruptedScenario, DuplicateThemeId) {
  const std::string first = sc_->themes()[0].id;
  const int line = Find("^\\s*id: \"", Block("themes", 1));
  Replace(line, "id: \"[^\"]*\"", "id: \"" + first + "\"");
  ExpectError(line, "themes[1].id", "duplicate theme id '" + first + "'");
}

TEST_F(CorruptedScenario, MissingStanceForATheme) {
  const int seat = Block("seats", 0);
  const int brief = Find("^\\s*brief \\{", seat);
  const int line = Find("stances \\{ theme: \"", brief);
  ASSERT_GE(line, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(lines_[line], m, std::regex("theme: \"([^\"]*)\"")));
  const std::string theme = m[1];
  lines_[line] = "    # stance removed";
  ExpectError(brief, "seats[0].brief", "no stance on theme '" + theme + "'");
}

TEST_F(CorruptedScenario, NegativeInfluence) {
  const int line = Find("^\\s*influence: ", Block("seats", 0));
  Replace(line, "influence: [0-9.]+", "influence: -0.7");
  ExpectError(line, "seats[0].influence", "influence must be in (0, 10]");
}

TEST_F(CorruptedScenario, ApprovalOutOfRange) {
  const int line = Find("^\\s*approval: ", Block("seats", 3));
  Replace(line, "approval: [0-9.]+", "approval: 1.5");
  ExpectError(line, "seats[3].approval", "approval must be 0..1");
}

TEST_F(CorruptedScenario, StanceIdealOutOfRange) {
  const int line = Find("stances \\{ theme: \"", Block("seats", 1));
  Replace(line, "ideal: [0-9]+", "ideal: 140");
  ExpectError(line, "seats[1].brief.stances[0].ideal", "ideal must be 0..100");
}

TEST_F(CorruptedScenario, UnknownHost) {
  const int line = Find("^host_order: \"");
  Replace(line, "\"[^\"]*\"", "\"atlantis\"");
  ExpectError(line, "host_order[0]", "unknown seat 'atlantis'");
}

TEST_F(CorruptedScenario, UnknownAgendaTheme) {
  const int line = Find("^agenda \\{ themes: \"");
  Replace(line, "themes: \"[^\"]*\"", "themes: \"weather\"");
  ExpectError(line, "agenda[0].themes[0]", "unknown theme 'weather'");
}

TEST_F(CorruptedScenario, CyclesOutOfRange) {
  const int line = Find("^cycles: ");
  Replace(line, "cycles: [0-9]+", "cycles: 99");
  ExpectError(line, "cycles", "cycles must be 1..20");
}

// Errors about a whole repeated field (here: the seats) must not crash the
// loader; they point at the field's first element.
TEST_F(CorruptedScenario, OnlyOneBlocSeated) {
  for (std::string& l : lines_)
    l = std::regex_replace(l, std::regex("bloc: DEVELOPED$"), "bloc: DEVELOPING");
  ExpectError(Block("seats", 0), "seats", "both blocs must be seated");
}

TEST_F(CorruptedScenario, EventWeightsWithoutKinds) {
  lines_.push_back("event_weights: 1.0");
  ExpectError(Find("^event_weights:"), "event_weights",
              "event_kinds and event_weights must be the same length");
}

TEST_F(CorruptedScenario, SeveralErrorsAreAllReported) {
  const int a = Find("^\\s*influence: ", Block("seats", 0));
  const int b = Find("^\\s*influence: ", Block("seats", 1));
  Replace(a, "influence: [0-9.]+", "influence: 0");
  Replace(b, "influence: [0-9.]+", "influence: 11");
  LoadResult r = LoadScenario(Text(), kFile);
  ASSERT_FALSE(r.ok());
  int hits = 0;
  for (const std::string& e : r.errors)
    hits +=
        e.rfind(std::string(kFile) + ":" + std::to_string(a + 1) + ": seats[0].influence", 0) ==
            0 ||
        e.rfind(std::string(kFile) + ":" + std::to_string(b + 1) + ": seats[1].influence", 0) == 0;
  EXPECT_EQ(hits, 2) << JoinErrors(r.errors);
}

// Role weights (a state of mixed roles): refused with the seat named when
// negative, all zero, not summing to 1, not largest on the primary role, or
// on a role no corridor gives the seat.
class BadRoleWeights : public CorruptedScenario {
 protected:
  // Gives marenza (a transit state, seat 3, through which two corridors run
  // and from which none starts) the weights `w`; returns the line.
  int Weigh(const std::string& w) {
    EXPECT_EQ(sc_->seats()[3].id, "marenza");
    const int line = Find("^\\s*role: TRANSIT", Block("seats", 3));
    Replace(line, "role: TRANSIT", "role: TRANSIT role_weights { " + w + " }");
    return line;
  }
};

TEST_F(BadRoleWeights, Negative) {
  const int line = Weigh("transit: 1.2 source: -0.2");
  ExpectError(line, "seats[3].role_weights.source",
              "seat 'marenza': role weight source must be 0..1");
}

TEST_F(BadRoleWeights, AllZero) {
  const int line = Weigh("");
  ExpectError(line, "seats[3].role_weights", "seat 'marenza': role_weights are all zero");
}

TEST_F(BadRoleWeights, NotSummingToOne) {
  const int line = Weigh("transit: 0.6 source: 0.3");
  ExpectError(line, "seats[3].role_weights", "seat 'marenza': role_weights must sum to 1");
}

TEST_F(BadRoleWeights, PrimaryRoleNotTheLargest) {
  const int line = Weigh("transit: 0.3 destination: 0.7");
  ExpectError(line, "seats[3].role_weights",
              "seat 'marenza': its role transit is its primary role and needs the largest weight");
}

TEST_F(BadRoleWeights, ARoleNoCorridorGivesTheSeat) {
  const int line = Weigh("transit: 0.6 source: 0.4");
  ExpectError(line, "seats[3].role_weights.source",
              "seat 'marenza' has a source weight but no corridor runs from it");
}

TEST_F(BadRoleWeights, ValidWeightsLoadAndATieKeepsThePrimaryRole) {
  Weigh("transit: 0.5 destination: 0.5");
  // A corridor into marenza backs its destination weight.
  const int line = Find("^\\s*destination: \"", Block("corridors", 0));
  Replace(line, "destination: \"[^\"]*\"", "destination: \"marenza\"");
  LoadResult r = LoadScenario(Text(), kFile);
  ASSERT_TRUE(r.ok()) << JoinErrors(r.errors);
  const SeatData& m = r.scenario->seats()[3];
  EXPECT_TRUE(m.mixed);
  EXPECT_EQ(m.role, mf::TRANSIT);
  EXPECT_EQ(m.weight[mf::TRANSIT], 0.5);
  EXPECT_EQ(m.weight[mf::DESTINATION], 0.5);
  EXPECT_EQ(m.weight[mf::SOURCE], 0);
  // Left out: all the weight on the role.
  EXPECT_FALSE(r.scenario->seats()[0].mixed);
  EXPECT_EQ(r.scenario->seats()[0].weight[r.scenario->seats()[0].role], 1.0);
}

// A destination with a source weight may be a corridor's origin; without
// it, it may not.
TEST(LoadScenarioMessage, ADestinationWithASourceWeightMayBeAnOrigin) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  mf::Scenario p = sc->proto();
  int nordvale = -1, corridor = -1;
  for (int s = 0; s < p.seats_size(); ++s)
    if (p.seats(s).id() == "nordvale") nordvale = s;
  for (int c = 0; c < p.corridors_size(); ++c)
    if (p.corridors(c).destination() != "nordvale" && p.corridors(c).transit().empty())
      corridor = c;
  ASSERT_GE(nordvale, 0);
  ASSERT_GE(corridor, 0);
  ASSERT_EQ(p.seats(nordvale).role(), mf::DESTINATION);
  p.mutable_corridors(corridor)->set_origin("nordvale");
  LoadResult refused = LoadScenarioMessage(p, "origin");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(JoinErrors(refused.errors).find("cannot be a destination state"), std::string::npos)
      << JoinErrors(refused.errors);
  p.mutable_seats(nordvale)->mutable_role_weights()->set_destination(0.7);
  p.mutable_seats(nordvale)->mutable_role_weights()->set_source(0.3);
  LoadResult r = LoadScenarioMessage(p, "origin");
  ASSERT_TRUE(r.ok()) << JoinErrors(r.errors);
  EXPECT_TRUE(r.scenario->seats()[nordvale].mixed);
  // The mix survives the message round trip (a sweep, an imported record).
  LoadResult again = LoadScenarioMessage(r.scenario->proto(), "again");
  ASSERT_TRUE(again.ok()) << JoinErrors(again.errors);
  EXPECT_EQ(again.scenario->seats()[nordvale].weight, r.scenario->seats()[nordvale].weight);
}

TEST(LoadScenarioText, EmptyTextIsRefusedWithTheFileName) {
  LoadResult r = LoadScenario("", "empty.textproto");
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.errors.empty());
  for (const std::string& e : r.errors) EXPECT_EQ(e.rfind("empty.textproto:", 0), 0u) << e;
}

TEST(LoadScenarioText, GarbageIsRefused) {
  LoadResult r = LoadScenario("\x01\x02 not { a scenario", "garbage.textproto");
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].rfind("garbage.textproto:1:", 0), 0u) << r.errors[0];
}

// ---------------------------------------------------------------------------
// LoadScenarioMessage: the same checks, labelled, without lines
// ---------------------------------------------------------------------------

TEST(LoadScenarioMessage, ValidMessageLoads) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  LoadResult r = LoadScenarioMessage(sc->proto(), "sweep");
  ASSERT_TRUE(r.ok()) << JoinErrors(r.errors);
  EXPECT_EQ(r.scenario->id(), "classroom-8");
  EXPECT_EQ(r.scenario->num_seats(), sc->num_seats());
}

TEST(LoadScenarioMessage, BadFieldsAreLabelledWithoutLines) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  mf::Scenario p = sc->proto();
  p.mutable_seats(2)->set_influence(-1);
  p.mutable_corridors(0)->set_origin("atlantis");
  p.mutable_params()->set_diversion(3);
  LoadResult r = LoadScenarioMessage(p, "sweep");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.scenario, nullptr);
  auto has = [&](const std::string& prefix) {
    for (const std::string& e : r.errors)
      if (e.rfind(prefix, 0) == 0) return true;
    return false;
  };
  EXPECT_TRUE(has("sweep: seats[2].influence: ")) << JoinErrors(r.errors);
  EXPECT_TRUE(has("sweep: corridors[0].origin: unknown seat 'atlantis'")) << JoinErrors(r.errors);
  EXPECT_TRUE(has("sweep: params.diversion: ")) << JoinErrors(r.errors);
  for (const std::string& e : r.errors) EXPECT_EQ(e.rfind("sweep: ", 0), 0u) << e;
}

// Proto3 enums take any number from the wire or from text ("role: 99"); a
// scenario is also data from outside (an imported record carries its text),
// so every enum in it must be one of its values.
TEST(LoadScenarioMessage, UnknownEnumValuesAreErrors) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  const std::vector<std::pair<std::string, std::function<void(mf::Scenario*)>>> edits = {
      {"decision_rule",
       [](mf::Scenario* p) { p->set_decision_rule(static_cast<mf::DecisionRule>(99)); }},
      {"seats[1].role",
       [](mf::Scenario* p) { p->mutable_seats(1)->set_role(static_cast<mf::Role>(99)); }},
      {"seats[1].bloc",
       [](mf::Scenario* p) { p->mutable_seats(1)->set_bloc(static_cast<mf::Bloc>(-3)); }},
      {"themes[0].natural_commitment",
       [](mf::Scenario* p) {
         p->mutable_themes(0)->set_natural_commitment(static_cast<mf::CommitmentKind>(77));
       }},
      {"seats[0].brief.red_lines[",
       [](mf::Scenario* p) {
         mf::RedLine* r = p->mutable_seats(0)->mutable_brief()->add_red_lines();
         r->set_theme(p->themes(0).id());
         r->set_max_form(static_cast<mf::Form>(12));
       }},
      {"allowed_forms[1]",
       [](mf::Scenario* p) {
         p->clear_allowed_forms();
         p->add_allowed_forms(mf::CHAIRS_SUMMARY);
         p->add_allowed_forms(static_cast<mf::Form>(9));
       }},
      {"allowed_forms[1]",
       [](mf::Scenario* p) {
         p->clear_allowed_forms();
         p->add_allowed_forms(mf::CHAIRS_SUMMARY);
         p->add_allowed_forms(mf::CHAIRS_SUMMARY);
       }},
      {"event_kinds[0]",
       [](mf::Scenario* p) {
         p->clear_event_kinds();
         p->clear_event_weights();
         p->add_event_kinds(static_cast<mf::EventKind>(40));
         p->add_event_weights(1);
       }},
  };
  for (const auto& [field, edit] : edits) {
    mf::Scenario p = sc->proto();
    edit(&p);
    LoadResult r = LoadScenarioMessage(p, "wire");
    EXPECT_FALSE(r.ok()) << field;
    bool named = false;
    for (const std::string& e : r.errors) named = named || e.rfind("wire: " + field, 0) == 0;
    EXPECT_TRUE(named) << field << ": " << JoinErrors(r.errors);
  }
  // The same from text: "role: 99" parses (proto3 enums are open), then is refused.
  std::string text = sc->text();
  const size_t at = text.find("role: SOURCE");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "role: 99");
  EXPECT_FALSE(LoadScenario(text, "edited.textproto").ok());
}

// A scenario lists the forms its forum adopts; none listed means all three.
TEST(LoadScenarioMessage, AllowedFormsDefaultToAllAndNameTheWeakest) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  mf::Scenario p = sc->proto();
  p.clear_allowed_forms();
  LoadResult all = LoadScenarioMessage(p, "all");
  ASSERT_TRUE(all.ok()) << JoinErrors(all.errors);
  EXPECT_EQ(all.scenario->allowed_forms(), kAllForms);
  EXPECT_EQ(all.scenario->WeakestForm(), mf::CHAIRS_SUMMARY);
  p.add_allowed_forms(mf::BINDING_CONVENTION);
  p.add_allowed_forms(mf::GUIDING_PRINCIPLES);
  LoadResult some = LoadScenarioMessage(p, "some");
  ASSERT_TRUE(some.ok()) << JoinErrors(some.errors);
  EXPECT_FALSE(some.scenario->FormAllowed(mf::CHAIRS_SUMMARY));
  EXPECT_TRUE(some.scenario->FormAllowed(mf::BINDING_CONVENTION));
  EXPECT_FALSE(some.scenario->FormAllowed(mf::FORM_UNSPECIFIED));
  EXPECT_EQ(some.scenario->WeakestForm(), mf::GUIDING_PRINCIPLES);
  // The engine's working paper is in the weakest form the forum adopts.
  State st(some.scenario, 1);
  while (st.phase() != mf::DECISION)
    ASSERT_TRUE(st.Apply(kFacilitator, Action::Make(ActionType::kAdvance)).ok());
  EXPECT_EQ(st.draft()->form, mf::GUIDING_PRINCIPLES);
}

// The GFMD-like scenarios adopt non-binding texts only; the UN ones may adopt
// a binding convention.
TEST(EmbeddedScenarios, GfmdForumsAdoptNonBindingTextsOnly) {
  for (const char* name : {"classroom-8", "gfmd-roundtables", "puebla-process"}) {
    auto sc = LoadOrFail(name);
    ASSERT_TRUE(sc);
    EXPECT_TRUE(sc->FormAllowed(mf::CHAIRS_SUMMARY)) << name;
    EXPECT_TRUE(sc->FormAllowed(mf::GUIDING_PRINCIPLES)) << name;
    EXPECT_FALSE(sc->FormAllowed(mf::BINDING_CONVENTION)) << name;
    EXPECT_FALSE(sc->proto().forms_reason().empty()) << name;
  }
  for (const char* name : {"convention", "hld-2006", "workshop-30"}) {
    auto sc = LoadOrFail(name);
    ASSERT_TRUE(sc);
    EXPECT_TRUE(sc->FormAllowed(mf::BINDING_CONVENTION)) << name;
  }
}

TEST(LoadScenarioMessage, ParametersChangeTheEngine) {
  auto sc = LoadOrFail("classroom-8");
  ASSERT_TRUE(sc);
  mf::Scenario p = sc->proto();
  p.mutable_params()->set_max_actions_per_phase(2);
  p.mutable_params()->set_consensus_min_support(0.9);
  LoadResult r = LoadScenarioMessage(p, "sweep");
  ASSERT_TRUE(r.ok()) << JoinErrors(r.errors);
  EXPECT_EQ(r.scenario->params().max_actions_per_phase, 2);
  EXPECT_DOUBLE_EQ(r.scenario->params().consensus_min_support, 0.9);
  // Unset parameters keep the engine defaults.
  EXPECT_DOUBLE_EQ(r.scenario->params().diversion, sc->params().diversion);
}

}  // namespace
}  // namespace mf::rules
