// The debrief: a session's record turned into what a class talks about
// afterwards, and the files a teacher keeps.
//
// A record is what the engine needs to rebuild the game (scenario text, seed,
// the ordered (actor, action) log) plus what only the server knows (who sat
// where, the chat, when each action came). `BuildModel` replays the record
// through the engine one action at a time and keeps what each step changed:
// phases, statements, each draft from tabling through every accepted
// amendment, the votes at each decision, side deals and their delivery,
// events, trust and flows per cycle and the final scores. Everything in the
// model comes from the engine's own state; nothing is re-derived by hand.
//
// The writers turn a model into a self-contained HTML page (inline CSS and
// inline SVG: it opens with no network and no JavaScript) and CSV files.
// This library is pure: no files, clock or network (WriteReport aside).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/playout.h"
#include "rules/scenario.h"
#include "rules/state.h"
#include "tools/balance.h"

namespace mf::tools::debrief {

// One chat message (mf.ChatMessage without the network types).
struct ChatLine {
  enum class Channel { kPublic, kBilateral, kCaucus };
  uint64_t serial = 0;
  int from = -1;  // Sender seat; -1 the facilitator.
  std::string from_name;
  Channel channel = Channel::kPublic;
  int to_seat = -1;    // kBilateral: the other seat.
  std::string caucus;  // kCaucus: the caucus id.
  std::string text;
  int64_t at_ms = 0;  // 0: unknown.
};

// Everything a debrief is made from.
struct Record {
  std::string scenario_name;  // Embedded scenario used when `scenario_text` is empty.
  std::string scenario_text;  // The scenario as played (preferred).
  uint64_t seed = 0;
  int press_desks = 0;  // The session's press desks (mf.GameLog.press_desks).
  // Optional, per press desk: who held it (forumctl gradebook's Student).
  std::vector<std::string> press_players;
  std::vector<rules::LoggedAction> log;
  std::vector<int64_t> action_ms;       // Optional, parallel to `log` (unix ms).
  std::vector<std::string> players;     // Optional, per seat: who played it ("" nobody).
  std::vector<std::string> strategies;  // Optional, per seat: the bot strategy ("" a person).
  std::vector<ChatLine> chat;           // Optional.
  std::string session;                  // Optional labels for the page.
  std::string title;
  std::string source;  // Where the record came from, e.g. "game.txt".
  int64_t created_ms = 0;
};

// The scenario of a record (its text, else the embedded one by name).
std::shared_ptr<const rules::Scenario> RecordScenario(const Record& record, std::string* error);

// A record from a game log (`forumctl simulate --log`, GetRecord's `log`).
bool RecordFromGameLog(const mf::GameLog& log, Record* out, std::string* error);
// The record's actions as a game log (scenario text included).
void RecordToGameLog(const Record& record, const rules::Scenario& scenario, mf::GameLog* out);

// ---- The model ----------------------------------------------------------------

// A draft as it stood at one moment.
struct DraftText {
  int position = 50;
  mf::Form form = mf::CHAIRS_SUMMARY;
  rules::CommitmentSet commitments = 0;
  int corridor = -1;
};

// One change to a draft: tabled (or re-tabled) by a co-chair, the working
// paper the engine tables, or an amendment taken in.
struct DraftStep {
  enum class Kind { kTabled, kRetabled, kWorkingPaper, kAmendment };
  Kind kind = Kind::kTabled;
  int entry = -1;     // Log index of the action that made the change.
  int seat = -1;      // Who tabled it / who accepted the amendment.
  int amendment = 0;  // kAmendment: its id.
  int proposer = -1;  // kAmendment: who proposed it.
  DraftText before, after;
  std::vector<std::string> changes;  // Readable diff lines ("position 50 -> 62 ...").
};

struct AmendmentRec {
  int id = 0;
  int proposer = 0;
  int entry = -1;          // Log index of the proposal.
  int decided_entry = -1;  // Log index of its acceptance, rejection or withdrawal.
  std::string status;      // pending, accepted, rejected, withdrawn, lapsed.
  std::string summary;     // "position to 62; form Guiding principles; + labour visas".
};

struct StatementRec {
  int seat = 0;
  int position = 0;
  std::string text;
  int entry = -1;
};

struct VoteCast {
  int seat = 0;
  mf::VoteChoice choice = mf::VOTE_UNSPECIFIED;
  int entry = -1;
};

// One roundtable: an agenda item of a cycle, from statements to decision.
struct Item {
  int cycle = 0;
  int index = 0;  // Position in the cycle's agenda.
  int theme = 0;
  int text_id = 0;
  int co_chairs[2] = {-1, -1};
  int first_entry = -1;  // Log index at which its statements opened (-1: at the start).
  std::vector<StatementRec> statements;
  std::vector<DraftStep> steps;
  std::vector<AmendmentRec> amendments;
  bool withdrawn = false;
  bool decided = false;  // Went to a decision.
  bool adopted = false;
  int decided_entry = -1;
  // The rule it was decided by (a theme's own, or the forum's at the time).
  mf::DecisionRule rule = mf::CONSENSUS;
  std::vector<mf::VoteChoice> votes;       // Per seat at the moment of decision.
  std::vector<VoteCast> vote_log;          // Every vote cast, in order (changes included).
  uint64_t supporters = 0, objectors = 0;  // The engine's masks after the decision.
  std::string label;                       // The text as decided (TextLabel).
  DraftText final_text;
  // Binding texts: ratification.
  bool binding = false;
  uint64_t ratified = 0, declined = 0;
  bool in_force = false;
};

struct DealRec {
  int id = 0;
  int from = 0, to = 0;
  rules::Terms give, ask;
  int cycle = 0;
  int offered_entry = -1, answered_entry = -1;
  std::string status;  // offered, accepted, rejected, withdrawn, expired, kept, broken.
  int from_kept = -1, to_kept = -1;  // -1 pending / nothing to deliver, 0 broken, 1 kept.
  bool breach_visible = false;
  std::string give_text, ask_text;  // Readable terms.
};

// One line of the timeline.
struct TimelineLine {
  enum class Kind { kEvent, kChat };
  Kind kind = Kind::kEvent;
  rules::EventType event = rules::EventType::kCycleStart;
  int entry = -1;  // Log index of the action that caused it (-1: the start).
  int cycle = 0;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int seat = -1;            // The seat it is about, when one.
  bool is_private = false;  // A private event (deals) or a non-public message.
  int64_t at_ms = 0;
  std::string text;
  int chat = -1;  // kChat: index into Record::chat.
};

// One phase as played.
struct PhaseRec {
  int cycle = 0;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int theme = -1;       // Roundtable phases: the item's theme.
  int first_entry = 0;  // Log entries [first_entry, end_entry) were played in it.
  int end_entry = 0;
  std::string how_ended;  // "all ready", "advanced by the facilitator", "time ran out", "".
};

// The shared state of the world at the start and after each cycle.
struct CycleSnapshot {
  int cycle = 0;              // 0: the starting world.
  std::vector<double> trust;  // N x N, row-major (trust of i in j).
  std::vector<double> approval;
  std::vector<double> corridor_legal, corridor_irregular;
  double norms = 0, rules = 0, procedures = 0, regime = 0, mean_trust = 0, welfare = 0;
  mf::EventKind event = mf::EVENT_UNSPECIFIED;  // The world event of that cycle.
};

// What a teacher grades a seat on.
struct SeatSummary {
  int seat = 0;
  int actions = 0;  // Accepted actions other than "ready".
  int statements = 0, endorsements = 0;
  int drafts_tabled = 0;
  int amendments_proposed = 0, amendments_accepted = 0, amendments_rejected = 0;
  int decisions = 0;  // Decisions held while the game ran.
  int supported = 0, stood_aside = 0, objected = 0, no_vote = 0;
  int ratified = 0, declined = 0;
  int deals_offered = 0, deals_made = 0, deals_kept = 0, deals_broken = 0;
  int messages = 0;
  std::vector<int> implement;    // Per cycle played: the implementation level chosen.
  std::vector<int> enforcement;  // Per cycle played: the enforcement level.
};

struct ActionRow {
  int index = 0;
  int actor = 0;
  int cycle = 0;
  mf::Phase phase = mf::PHASE_UNSPECIFIED;
  int theme = -1;
  std::string type, description;
  int64_t at_ms = 0;
  uint64_t hash_after = 0;
};

struct Model {
  std::shared_ptr<const rules::Scenario> scenario;
  Record record;  // Without its log (kept small); players, strategies, chat, labels.
  uint64_t seed = 0;
  int applied = 0;           // Log entries replayed.
  std::string replay_error;  // Set when an entry was refused (the model stops there).
  bool finished = false;
  uint64_t initial_hash = 0;  // Before the first entry.
  uint64_t final_hash = 0;
  int cycles_played = 0;
  std::vector<ActionRow> actions;
  std::vector<PhaseRec> phases;
  std::vector<Item> items;
  std::vector<DealRec> deals;
  std::vector<TimelineLine> timeline;
  std::vector<CycleSnapshot> snapshots;  // [0] the start, then one per cycle played.
  std::vector<SeatSummary> seats;
  std::vector<rules::ScoreBreakdown> scores;  // Final (or running when unfinished).
  int winner = -1;
  std::vector<rules::Text> texts;  // The engine's texts at the end.
  int press_desks = 0;
  std::vector<rules::PressReport> reports;  // The press desks' reports.
  // The forum chosen on a theme that chooses it (hld-2006's follow-up):
  // its band's label and the engine's sentence on what it changed; empty
  // when the scenario has none or the choice was not reached.
  std::string forum, forum_change;
};

// Replays `record` step by step and builds the model. False with `error`
// when the scenario does not load; a refused log entry does not fail: the
// model covers the entries before it and says so in `replay_error`.
bool BuildModel(const Record& record, Model* out, std::string* error);

// ---- Writers ----------------------------------------------------------------------

struct ReportOptions {
  bool facilitator = false;  // Include the chat (the facilitator's copy only).
};

// The page: self-contained HTML5 with inline CSS and SVG.
std::string ReportHtml(const Model& model, const ReportOptions& options);

// CSV files (a header line, then one row per item).
std::string ActionsCsv(const Model& model);   // One row per replayed log entry.
std::string VotesCsv(const Model& model);     // One row per (decision, seat).
std::string DealsCsv(const Model& model);     // One row per deal proposed.
std::string ScoresCsv(const Model& model);    // One row per seat, in seat order.
std::string MessagesCsv(const Model& model);  // One row per chat message.

// Writes index.html, actions.csv, votes.csv, deals.csv, scores.csv (and
// messages.csv in the facilitator's copy) into `dir` (created when needed).
bool WriteReport(const Model& model, const std::string& dir, const ReportOptions& options,
                 std::vector<std::string>* written, std::string* error);

// The campaign's page (debrief_campaign.cc): a section per session played,
// in order, each with what carried into it (its scenario's mf.Carry) and a
// link to the session's own page (`link`, relative; empty: none).
struct CampaignSessionPage {
  const Model* model = nullptr;
  std::string link;
};
std::string CampaignHtml(const mf::Campaign& campaign,
                         const std::vector<CampaignSessionPage>& pages);
// The strategy a state keeps through a campaign played with bots: drawn
// from `mix` by its seat id and `seed`, so the same in every session.
std::string CampaignStrategy(const Mix& mix, uint64_t seed, const std::string& seat_id);
// Plays `campaign` here with bots: session k (0-based) is seeded seed + k;
// each later session starts from what the one before left
// (rules::CarryOver, rules::WithCarry). One record per session, its
// scenario text holding the carry.
bool PlayCampaign(const mf::Campaign& campaign, const Mix& mix, uint64_t seed,
                  std::vector<Record>* records, std::string* error);

// Small helpers shared with the fork report.
std::string SeatName(const rules::Scenario& scenario, int seat);
// A name short enough for a chart: the name itself when short, else the part
// after " of " ("Kingdom of Nordvale" -> "Nordvale") or the seat id.
std::string ShortName(const rules::Scenario& scenario, int seat);
// "support", "stand aside", "object", "no vote"; under majority rules "yes", "abstain", "no".
std::string VoteName(mf::VoteChoice v, mf::DecisionRule rule = mf::CONSENSUS);
// Readable deal terms; with `state`, a promised stance names the text.
std::string TermsText(const rules::Scenario& scenario, const rules::Terms& t,
                      const rules::State* state = nullptr);
std::string CsvField(const std::string& s);

}  // namespace mf::tools::debrief
