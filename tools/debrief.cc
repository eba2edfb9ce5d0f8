// The debrief model: a record replayed step by step (see debrief.h). The
// words it uses are in debrief_words.cc, the CSV files in debrief_csv.cc and
// the HTML page in debrief_html.cc.
#include "tools/debrief.h"

#include <algorithm>
#include <map>

#include "tools/debrief_words.h"

namespace mf::tools::debrief {
namespace {

using rules::ActionType;
using rules::EventType;

// The builder: one pass over the log.
class Builder {
 public:
  Builder(const Record& record, Model* m) : rec_(record), m_(*m) {}

  bool Run(std::string* error) {
    auto sc = RecordScenario(rec_, error);
    if (!sc) return false;
    m_ = Model();
    m_.scenario = sc;
    m_.record = rec_;
    m_.record.log.clear();
    m_.seed = rec_.seed;
    sc_ = sc.get();
    n_ = sc_->num_seats();
    rules::State st(sc, rec_.seed, rec_.press_desks);
    st_ = &st;
    m_.initial_hash = st.Hash();
    m_.seats.resize(static_cast<size_t>(n_));
    for (int s = 0; s < n_; ++s) m_.seats[s].seat = s;
    event_kinds_.assign(static_cast<size_t>(sc_->cycles()) + 2, mf::EVENT_UNSPECIFIED);
    phase_ = {st.cycle(), st.phase(), -1, 0, 0, ""};
    Events(-1, nullptr, {});
    m_.snapshots.push_back(Snapshot(0, /*start=*/true));

    std::vector<mf::VoteChoice> votes(static_cast<size_t>(n_));
    for (size_t i = 0; i < rec_.log.size(); ++i) {
      const rules::LoggedAction& la = rec_.log[i];
      const int entry = static_cast<int>(i);
      ActionRow row;
      row.index = entry;
      row.actor = la.actor;
      row.cycle = st.cycle();
      row.phase = st.phase();
      row.theme = IsRoundtable(st.phase()) ? st.current_theme() : -1;
      row.type = rules::ActionTypeName(la.action.type);
      row.description = ActionWords(st, la.actor, la.action);
      row.at_ms = i < rec_.action_ms.size() ? rec_.action_ms[i] : 0;
      for (int s = 0; s < n_; ++s) votes[s] = st.seat(s).vote;
      const mf::Phase before = st.phase();
      const rules::Result r = st.Apply(la.actor, la.action);
      if (!r.ok()) {
        m_.replay_error = "entry " + Num(entry) + " (" + row.description + " by " +
                          ActorName(la.actor) + ") was refused: " + r.message;
        break;
      }
      row.hash_after = st.Hash();
      m_.actions.push_back(row);
      ++m_.applied;
      if (la.actor >= 0 && la.action.type != ActionType::kReady) ++m_.seats[la.actor].actions;
      if (la.action.type == ActionType::kVote && before == mf::DECISION && la.actor >= 0) {
        votes[la.actor] = la.action.vote;
        if (Item* item = Current()) item->vote_log.push_back({la.actor, la.action.vote, entry});
      }
      Events(entry, &la, votes);
    }
    Finish();
    return true;
  }

 private:
  std::string ActorName(int actor) const {
    if (actor == rules::kFacilitator) return "the facilitator";
    if (actor == rules::kClock) return "the clock";
    if (rules::IsPressActor(actor))
      return "press desk " + std::to_string(rules::PressDesk(actor) + 1);
    return SeatName(*sc_, actor);
  }

  Item* Current() { return m_.items.empty() ? nullptr : &m_.items.back(); }

  Item* ItemOfText(int id) {
    for (Item& it : m_.items)
      if (it.text_id == id) return &it;
    return nullptr;
  }

  DraftText LastDraft(const Item& item) const {
    if (!item.steps.empty()) return item.steps.back().after;
    DraftText d;
    d.position = sc_->themes()[item.theme].status_quo;
    return d;
  }

  CycleSnapshot Snapshot(int cycle, bool start) const {
    const rules::State& st = *st_;
    CycleSnapshot c;
    c.cycle = cycle;
    c.trust = st.trust_matrix();
    for (const rules::CorridorState& k : st.corridors()) {
      c.corridor_legal.push_back(k.legal);
      c.corridor_irregular.push_back(k.irregular);
    }
    if (start || st.history().empty()) {
      for (int s = 0; s < n_; ++s) c.approval.push_back(sc_->seats()[s].approval);
      c.norms = st.norms();
      c.rules = st.rules_strength();
      c.procedures = st.procedures();
      c.regime = st.regime();
      c.mean_trust = st.mean_trust();
      c.welfare = st.welfare();
    } else {
      const rules::CycleStat& h = st.history().back();
      c.approval = h.approval;
      c.norms = h.norms;
      c.rules = h.rules;
      c.procedures = h.procedures;
      c.regime = h.regime;
      c.mean_trust = h.mean_trust;
      c.welfare = h.welfare;
    }
    if (cycle > 0 && cycle < static_cast<int>(event_kinds_.size())) c.event = event_kinds_[cycle];
    return c;
  }

  void AddLine(const rules::EventRec& e, int entry, std::string text, int seat) {
    TimelineLine l;
    l.kind = TimelineLine::Kind::kEvent;
    l.event = e.type;
    l.entry = entry;
    l.cycle = e.cycle;
    l.phase = e.phase;
    l.seat = seat;
    l.is_private = e.private_to != 0;
    l.at_ms = entry >= 0 && static_cast<size_t>(entry) < rec_.action_ms.size()
                  ? rec_.action_ms[entry]
                  : 0;
    l.text = std::move(text);
    m_.timeline.push_back(std::move(l));
  }

  // Who did not support a decision, by name: " Objected: A, B. Stood aside: C."
  // (under majority rules: "Voted no" / "Abstained").
  std::string VotesInWords(const std::vector<mf::VoteChoice>& votes, mf::DecisionRule rule) const {
    const bool majority = rule == mf::MAJORITY || rule == mf::WEIGHTED_MAJORITY;
    std::string out;
    const std::pair<mf::VoteChoice, const char*> kinds[] = {
        {mf::OBJECT, majority ? "Voted no" : "Objected"},
        {mf::STAND_ASIDE, majority ? "Abstained" : "Stood aside"}};
    for (const auto& [choice, label] : kinds) {
      std::string names;
      for (int s = 0; s < n_ && s < static_cast<int>(votes.size()); ++s)
        if (votes[s] == choice) names += (names.empty() ? "" : ", ") + SeatName(*sc_, s);
      if (!names.empty()) out += std::string(" ") + label + ": " + names + ".";
    }
    return out;
  }

  // Everything the last step logged.
  void Events(int entry, const rules::LoggedAction* la, const std::vector<mf::VoteChoice>& votes) {
    const rules::State& st = *st_;
    const auto& events = st.events();
    std::string ended = "all ready";
    for (size_t k = seen_; k < events.size(); ++k) {
      if (events[k].type == EventType::kAdvanced) ended = "advanced by the facilitator";
      if (events[k].type == EventType::kTimedOut) ended = "time ran out";
    }
    for (; seen_ < events.size(); ++seen_) {
      const rules::EventRec& e = events[seen_];
      std::string text = rules::DescribeEvent(st, e);
      int seat = -1;
      switch (e.type) {
        case EventType::kCycleStart:
          seat = e.b;
          break;
        case EventType::kWorldEvent:
          if (e.cycle >= 0 && e.cycle < static_cast<int>(event_kinds_.size()))
            event_kinds_[e.cycle] = static_cast<mf::EventKind>(e.a);
          seat = e.b;
          break;
        case EventType::kPhaseStart: {
          const auto p = static_cast<mf::Phase>(e.a);
          phase_.end_entry = entry + 1;
          phase_.how_ended = entry >= 0 ? ended : "";
          if (entry >= 0 || !m_.phases.empty() || phase_.phase != p) m_.phases.push_back(phase_);
          phase_ = {e.cycle,   p,         IsRoundtable(p) ? st.current_theme() : -1,
                    entry + 1, entry + 1, ""};
          if (p == mf::STATEMENTS && st.draft()) {
            Item item;
            item.cycle = e.cycle;
            item.index = st.agenda_index();
            item.theme = st.current_theme();
            item.text_id = st.draft()->id;
            item.co_chairs[0] = st.co_chair(0);
            item.co_chairs[1] = st.co_chair(1);
            item.first_entry = entry + 1;
            item.final_text = FromText(*st.draft());
            m_.items.push_back(item);
            text = "Roundtable on " + sc_->themes()[item.theme].name + ", co-chaired by " +
                   SeatName(*sc_, item.co_chairs[0]) + " and " + SeatName(*sc_, item.co_chairs[1]) +
                   ": statements begin.";
          }
          if (p == mf::GAME_OVER) m_.phases.push_back(phase_);
          break;
        }
        case EventType::kEndorsed:
          seat = e.a;
          ++m_.seats[e.a].endorsements;
          for (const rules::Recommendation& r : st.recommendations())
            if (r.id == e.b)
              text = SeatName(*sc_, e.a) + " endorses civil society's recommendation on " +
                     sc_->themes()[r.theme].name + " at " + Num(r.position) + ".";
          break;
        case EventType::kPrioritised:
          seat = e.a;
          break;
        case EventType::kStatement: {
          seat = e.a;
          ++m_.seats[e.a].statements;
          StatementRec s;
          s.seat = e.a;
          s.position = e.b;
          s.entry = entry;
          if (la && la->actor == e.a && la->action.type == ActionType::kStatement)
            s.text = la->action.text;
          if (Item* item = Current()) {
            item->statements.push_back(s);
            text = SeatName(*sc_, e.a) + " states a position at " +
                   PositionText(*sc_, item->theme, e.b) +
                   (s.text.empty() ? "." : ": \u201c" + s.text + "\u201d");
          }
          break;
        }
        case EventType::kDraftTabled:
        case EventType::kWorkingPaper: {
          Item* item = ItemOfText(e.b);
          const rules::Text* t = st.FindText(e.b);
          if (!item || !t) break;
          DraftStep step;
          const bool paper = e.type == EventType::kWorkingPaper;
          step.kind =
              paper ? DraftStep::Kind::kWorkingPaper
                    : (item->steps.empty() ? DraftStep::Kind::kTabled : DraftStep::Kind::kRetabled);
          step.entry = entry;
          step.seat = paper ? -1 : e.a;
          step.before = LastDraft(*item);
          step.after = FromText(*t);
          step.changes = Diff(*sc_, item->theme, step.before, step.after);
          item->steps.push_back(step);
          item->final_text = step.after;
          if (!paper) {
            seat = e.a;
            ++m_.seats[e.a].drafts_tabled;
          }
          break;
        }
        case EventType::kAmendmentProposed: {
          seat = e.a;
          ++m_.seats[e.a].amendments_proposed;
          Item* item = Current();
          if (!item) break;
          for (const rules::Amendment& a : st.amendments()) {
            if (a.id != e.b) continue;
            AmendmentRec rec;
            rec.id = a.id;
            rec.proposer = a.proposer;
            rec.entry = entry;
            rec.status = "pending";
            rec.summary = AmendmentSummary(*sc_, item->theme, a);
            item->amendments.push_back(rec);
            text = SeatName(*sc_, e.a) + " proposes amendment #" + Num(a.id) + ": " + rec.summary +
                   ".";
          }
          break;
        }
        case EventType::kAmendmentAccepted:
        case EventType::kAmendmentRejected:
        case EventType::kAmendmentWithdrawn: {
          seat = e.a;
          Item* item = Current();
          if (!item) break;
          AmendmentRec* rec = nullptr;
          for (AmendmentRec& r : item->amendments)
            if (r.id == e.b) rec = &r;
          if (!rec) break;
          rec->decided_entry = entry;
          const char* verb = e.type == EventType::kAmendmentAccepted   ? "accepted"
                             : e.type == EventType::kAmendmentRejected ? "rejected"
                                                                       : "withdrawn";
          rec->status = verb;
          if (e.type == EventType::kAmendmentAccepted) {
            ++m_.seats[rec->proposer].amendments_accepted;
            const rules::Text* t = st.FindText(item->text_id);
            DraftStep step;
            step.kind = DraftStep::Kind::kAmendment;
            step.entry = entry;
            step.seat = e.a;
            step.amendment = rec->id;
            step.proposer = rec->proposer;
            step.before = LastDraft(*item);
            step.after = t ? FromText(*t) : step.before;
            step.changes = Diff(*sc_, item->theme, step.before, step.after);
            item->steps.push_back(step);
            item->final_text = step.after;
          } else if (e.type == EventType::kAmendmentRejected) {
            ++m_.seats[rec->proposer].amendments_rejected;
          }
          if (e.type == EventType::kAmendmentWithdrawn)
            text = SeatName(*sc_, e.a) + " withdraws amendment #" + Num(rec->id) + " (" +
                   rec->summary + ").";
          else
            text = SeatName(*sc_, e.a) + " " + verb + " amendment #" + Num(rec->id) + " by " +
                   SeatName(*sc_, rec->proposer) + " (" + rec->summary + ").";
          break;
        }
        case EventType::kDraftWithdrawn:
          seat = e.a;
          if (Item* item = ItemOfText(e.b)) item->withdrawn = true;
          break;
        case EventType::kAdopted:
        case EventType::kRejected: {
          Item* item = ItemOfText(e.b);
          const rules::Text* t = st.FindText(e.b);
          if (!item || !t) break;
          item->decided = true;
          item->adopted = e.type == EventType::kAdopted;
          item->decided_entry = entry;
          item->votes = votes;
          item->rule = st.ItemRule(t->theme);
          item->supporters = t->supporters;
          item->objectors = t->objectors;
          item->label = rules::TextLabel(*sc_, *t);
          item->final_text = FromText(*t);
          item->binding = t->form == mf::BINDING_CONVENTION;
          text += VotesInWords(votes, item->rule);
          for (int s = 0; s < n_; ++s) {
            SeatSummary& ss = m_.seats[s];
            ++ss.decisions;
            switch (s < static_cast<int>(votes.size()) ? votes[s] : mf::VOTE_UNSPECIFIED) {
              case mf::SUPPORT:
                ++ss.supported;
                break;
              case mf::STAND_ASIDE:
                ++ss.stood_aside;
                break;
              case mf::OBJECT:
                ++ss.objected;
                break;
              default:
                ++ss.no_vote;
            }
          }
          break;
        }
        case EventType::kRatified:
        case EventType::kDeclined:
          seat = e.a;
          if (e.type == EventType::kRatified)
            ++m_.seats[e.a].ratified;
          else
            ++m_.seats[e.a].declined;
          break;
        case EventType::kDealOffered:
          seat = e.a;
          ++m_.seats[e.a].deals_offered;
          deal_offered_[e.b] = entry;
          for (const rules::Deal& d : st.deals())
            if (d.id == e.b)
              text = SeatName(*sc_, d.from) + " offers deal #" + Num(d.id) + " to " +
                     SeatName(*sc_, d.to) + ": gives " + TermsText(*sc_, d.give, &st) + "; asks " +
                     TermsText(*sc_, d.ask, &st) + ".";
          break;
        case EventType::kDealAccepted:
        case EventType::kDealRejected:
        case EventType::kDealWithdrawn:
          seat = e.a;
          deal_answered_[e.b] = entry;
          break;
        case EventType::kDealKept:
        case EventType::kBreachVisible:
          seat = e.a;
          break;
        case EventType::kSeatToBot:
        case EventType::kSeatToHuman:
          seat = e.a;
          break;
        case EventType::kWorldUpdate:
          for (int s = 0; s < n_; ++s) {
            m_.seats[s].implement.push_back(st.seat(s).implement);
            m_.seats[s].enforcement.push_back(st.seat(s).enforcement);
          }
          m_.snapshots.push_back(Snapshot(e.a, false));
          m_.cycles_played = e.a;
          break;
        case EventType::kGameOver:
          seat = e.a;
          break;
        default:
          break;
      }
      AddLine(e, entry, text, seat);
    }
  }

  void Finish() {
    const rules::State& st = *st_;
    m_.finished = st.IsTerminal();
    m_.final_hash = st.Hash();
    if (!m_.finished) {
      phase_.end_entry = m_.applied;
      m_.phases.push_back(phase_);
    }
    m_.texts = st.texts();
    m_.press_desks = st.press_desks();
    m_.reports = st.reports();
    if (st.forum_theme() >= 0 && st.forum_band() >= 0)
      m_.forum = st.scenario().themes()[st.forum_theme()].bands[st.forum_band()].label;
    m_.forum_change = st.ForumChange();
    m_.scores = m_.finished ? st.final_scores() : st.Scores();
    for (int s = 0; s < n_; ++s)
      if (m_.scores[s].rank == 1 && m_.winner < 0 && !st.IsOrganisation(s)) m_.winner = s;
    if (m_.finished) m_.winner = st.winner();
    // Ratification and entry into force, from the engine's texts.
    for (Item& item : m_.items) {
      const rules::Text* t = st.FindText(item.text_id);
      if (!t) continue;
      item.ratified = t->ratified;
      item.declined = t->declined;
      item.in_force = t->in_force;
    }
    for (const rules::Deal& d : st.deals()) {
      DealRec r;
      r.id = d.id;
      r.from = d.from;
      r.to = d.to;
      r.give = d.give;
      r.ask = d.ask;
      r.cycle = d.cycle;
      r.status = DealStatusText(d);
      r.from_kept = d.from_kept;
      r.to_kept = d.to_kept;
      r.breach_visible = d.breach_visible;
      r.give_text = TermsText(*sc_, d.give, &st);
      r.ask_text = TermsText(*sc_, d.ask, &st);
      if (auto it = deal_offered_.find(d.id); it != deal_offered_.end())
        r.offered_entry = it->second;
      if (auto it = deal_answered_.find(d.id); it != deal_answered_.end())
        r.answered_entry = it->second;
      if (d.status == rules::DealStatus::kAccepted) {
        ++m_.seats[d.from].deals_made;
        ++m_.seats[d.to].deals_made;
        if (d.from_kept == 1) ++m_.seats[d.from].deals_kept;
        if (d.from_kept == 0) ++m_.seats[d.from].deals_broken;
        if (d.to_kept == 1) ++m_.seats[d.to].deals_kept;
        if (d.to_kept == 0) ++m_.seats[d.to].deals_broken;
      }
      m_.deals.push_back(r);
    }
    MergeChat();
  }

  // Chat lines go into the timeline after the last action sent before them
  // (only when the record has times for both).
  void MergeChat() {
    for (const ChatLine& c : rec_.chat)
      if (c.from >= 0 && c.from < n_) ++m_.seats[c.from].messages;
    if (rec_.chat.empty() || rec_.action_ms.empty()) return;
    std::vector<TimelineLine> chat;
    for (size_t k = 0; k < rec_.chat.size(); ++k) {
      const ChatLine& c = rec_.chat[k];
      if (c.at_ms <= 0) continue;
      const size_t limit = std::min(rec_.action_ms.size(), static_cast<size_t>(m_.applied));
      const auto end = rec_.action_ms.begin() + static_cast<std::ptrdiff_t>(limit);
      const int entry = static_cast<int>(std::upper_bound(rec_.action_ms.begin(), end, c.at_ms) -
                                         rec_.action_ms.begin()) -
                        1;
      TimelineLine l;
      l.kind = TimelineLine::Kind::kChat;
      l.entry = entry;
      l.at_ms = c.at_ms;
      l.seat = c.from;
      l.chat = static_cast<int>(k);
      l.is_private = c.channel != ChatLine::Channel::kPublic;
      if (entry >= 0 && entry < static_cast<int>(m_.actions.size())) {
        l.cycle = m_.actions[entry].cycle;
        l.phase = m_.actions[entry].phase;
      }
      l.text = (c.from_name.empty() ? SeatName(*sc_, c.from) : c.from_name) + ": " + c.text;
      chat.push_back(std::move(l));
    }
    std::stable_sort(chat.begin(), chat.end(), [](const TimelineLine& a, const TimelineLine& b) {
      return a.entry < b.entry;
    });
    std::vector<TimelineLine> merged;
    merged.reserve(m_.timeline.size() + chat.size());
    size_t c = 0;
    for (TimelineLine& l : m_.timeline) {
      // Lines caused by entry e come after the chat sent before entry e.
      while (c < chat.size() && chat[c].entry < l.entry) {
        if (!merged.empty()) {
          chat[c].cycle = merged.back().cycle;
          chat[c].phase = merged.back().phase;
        }
        merged.push_back(std::move(chat[c++]));
      }
      merged.push_back(std::move(l));
    }
    while (c < chat.size()) merged.push_back(std::move(chat[c++]));
    m_.timeline = std::move(merged);
  }

  const Record& rec_;
  Model& m_;
  const rules::Scenario* sc_ = nullptr;
  const rules::State* st_ = nullptr;
  int n_ = 0;
  size_t seen_ = 0;
  PhaseRec phase_;
  std::vector<mf::EventKind> event_kinds_;
  std::map<int, int> deal_offered_, deal_answered_;
};

}  // namespace

std::shared_ptr<const rules::Scenario> RecordScenario(const Record& record, std::string* error) {
  rules::LoadResult r = record.scenario_text.empty()
                            ? rules::LoadEmbeddedScenario(record.scenario_name)
                            : rules::LoadScenario(record.scenario_text, "record scenario");
  if (!r.ok()) {
    std::string all;
    for (const std::string& e : r.errors) all += (all.empty() ? "" : "; ") + e;
    *error = "the record's scenario does not load: " + all;
  }
  return r.scenario;
}

bool RecordFromGameLog(const mf::GameLog& log, Record* out, std::string* error) {
  *out = Record();
  out->scenario_name = log.scenario();
  out->scenario_text = log.scenario_text();
  out->seed = log.seed();
  out->press_desks = log.press_desks();
  auto sc = RecordScenario(*out, error);
  if (!sc) return false;
  return rules::FromGameLog(log, *sc, &out->log, error);
}

void RecordToGameLog(const Record& record, const rules::Scenario& scenario, mf::GameLog* out) {
  rules::State st(std::shared_ptr<const rules::Scenario>(&scenario, [](const rules::Scenario*) {}),
                  record.seed, record.press_desks);
  rules::ToGameLog(st, record.log, out);
}

bool BuildModel(const Record& record, Model* out, std::string* error) {
  Builder b(record, out);
  return b.Run(error);
}

}  // namespace mf::tools::debrief
