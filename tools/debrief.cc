// The debrief model: a record replayed step by step (see debrief.h), and
// the CSV writers. The HTML page is in debrief_html.cc.
#include "tools/debrief.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "tools/csv.h"

namespace mf::tools::debrief {
namespace {

using rules::ActionType;
using rules::EventType;

std::string Num(int v) {
  return std::to_string(v);
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string CommitmentList(rules::CommitmentSet set) {
  std::string out;
  for (int k = 1; k <= 6; ++k) {
    if (!(set & rules::Bit(static_cast<mf::CommitmentKind>(k)))) continue;
    if (!out.empty()) out += ", ";
    out += rules::CommitmentName(static_cast<mf::CommitmentKind>(k));
  }
  return out;
}

std::string CorridorName(const rules::Scenario& sc, int c) {
  if (c < 0 || c >= sc.num_corridors()) return "?";
  const rules::CorridorData& d = sc.corridors()[c];
  return ShortName(sc, d.origin) + " \xe2\x86\x92 " +
         (d.transit >= 0 ? ShortName(sc, d.transit) + " \xe2\x86\x92 " : "") +
         ShortName(sc, d.destination);
}

// Where a position lies on a theme's axis, in words: "62 (informal forum)".
std::string PositionText(const rules::Scenario& sc, int theme, int position) {
  std::string s = Num(position);
  if (theme >= 0 && theme < sc.num_themes()) {
    const std::string& band = sc.themes()[theme].BandLabel(position);
    if (!band.empty()) s += " (" + band + ")";
  }
  return s;
}

DraftText FromText(const rules::Text& t) {
  DraftText d;
  d.position = t.position;
  d.form = t.form;
  d.commitments = t.commitments;
  d.corridor = t.corridor;
  return d;
}

// Readable lines for what changed between two drafts.
std::vector<std::string> Diff(const rules::Scenario& sc, int theme, const DraftText& a,
                              const DraftText& b) {
  std::vector<std::string> out;
  if (a.position != b.position) {
    std::string dir;
    if (theme >= 0 && theme < sc.num_themes()) {
      const rules::ThemeData& t = sc.themes()[theme];
      dir = b.position > a.position ? t.high_label : t.low_label;
    }
    out.push_back("position " + PositionText(sc, theme, a.position) + " \xe2\x86\x92 " +
                  PositionText(sc, theme, b.position) + (dir.empty() ? "" : ", towards " + dir));
  }
  if (a.form != b.form)
    out.push_back(std::string("form ") + rules::FormName(a.form) + " \xe2\x86\x92 " +
                  rules::FormName(b.form));
  const rules::CommitmentSet added = b.commitments & ~a.commitments;
  const rules::CommitmentSet removed = a.commitments & ~b.commitments;
  for (int k = 1; k <= 6; ++k) {
    const auto kind = static_cast<mf::CommitmentKind>(k);
    if (added & rules::Bit(kind)) {
      std::string line = std::string("+ ") + rules::CommitmentName(kind);
      if (kind == mf::ANTI_SMUGGLING && b.corridor >= 0)
        line += " on " + CorridorName(sc, b.corridor);
      out.push_back(line);
    }
    if (removed & rules::Bit(kind))
      out.push_back(std::string("\xe2\x88\x92 ") + rules::CommitmentName(kind));
  }
  if (a.corridor != b.corridor && a.corridor >= 0 && b.corridor >= 0)
    out.push_back("corridor " + CorridorName(sc, a.corridor) + " \xe2\x86\x92 " +
                  CorridorName(sc, b.corridor));
  if (out.empty()) out.push_back("no change to the text");
  return out;
}

std::string AmendmentSummary(const rules::Scenario& sc, int theme, const rules::Amendment& m) {
  std::vector<std::string> parts;
  if (m.position >= 0) parts.push_back("position to " + PositionText(sc, theme, m.position));
  if (m.form != mf::FORM_UNSPECIFIED)
    parts.push_back(std::string("form ") + rules::FormName(m.form));
  for (int k = 1; k <= 6; ++k) {
    const auto kind = static_cast<mf::CommitmentKind>(k);
    if (m.add & rules::Bit(kind)) {
      std::string s = std::string("+ ") + rules::CommitmentName(kind);
      if (kind == mf::ANTI_SMUGGLING && m.corridor >= 0) s += " on " + CorridorName(sc, m.corridor);
      parts.push_back(s);
    }
    if (m.remove & rules::Bit(kind))
      parts.push_back(std::string("\xe2\x88\x92 ") + rules::CommitmentName(kind));
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out.empty() ? "no change" : out;
}

std::string DealStatusText(const rules::Deal& d) {
  switch (d.status) {
    case rules::DealStatus::kOffered:
      return "offered";
    case rules::DealStatus::kRejected:
      return "rejected";
    case rules::DealStatus::kWithdrawn:
      return "withdrawn";
    case rules::DealStatus::kExpired:
      return "expired";
    case rules::DealStatus::kAccepted:
      if (d.from_kept == 0 || d.to_kept == 0) return "broken";
      if (d.from_kept == 1 && d.to_kept == 1) return "kept";
      return "accepted";
  }
  return "offered";
}

bool IsRoundtable(mf::Phase p) {
  return p == mf::STATEMENTS || p == mf::DRAFTING || p == mf::DECISION;
}

// The action in words, from the state it was applied to.
std::string ActionWords(const rules::State& st, int actor, const rules::Action& a) {
  const rules::Scenario& sc = st.scenario();
  const int theme = st.current_theme();
  switch (a.type) {
    case ActionType::kStatement:
      return "statement at " + PositionText(sc, theme, a.position) +
             (a.text.empty() ? "" : ": \"" + a.text + "\"");
    case ActionType::kTableDraft: {
      rules::Text t;
      t.theme = theme;
      t.position = a.position;
      t.form = a.form;
      std::string s = "table draft: " + rules::TextLabel(sc, t);
      if (a.add) s += " with " + CommitmentList(a.add);
      return s;
    }
    case ActionType::kAmend: {
      rules::Amendment m;
      m.position = a.position;
      m.form = a.form;
      m.add = a.add;
      m.remove = a.remove;
      m.corridor = a.corridor;
      return "propose amendment: " + AmendmentSummary(sc, theme, m);
    }
    case ActionType::kVote:
      return "vote " + VoteName(a.vote, sc.decision_rule());
    case ActionType::kProposeDeal:
      return "offer a deal to " + SeatName(sc, a.seat) + ": gives " + TermsText(sc, a.give, &st) +
             "; asks " + TermsText(sc, a.ask, &st);
    case ActionType::kRatify: {
      const rules::Text* t = st.FindText(a.id);
      return std::string(a.flag ? "ratify " : "decline to ratify ") +
             (t ? rules::TextLabel(sc, *t) : "text #" + Num(a.id));
    }
    case ActionType::kEndorse:
      for (const rules::Recommendation& r : st.recommendations())
        if (r.id == a.id)
          return "endorse the civil society recommendation on " + sc.themes()[r.theme].name +
                 " at " + Num(r.position);
      break;
    case ActionType::kSetBot:
      return std::string("hand ") + SeatName(sc, a.seat) +
             (a.flag ? " to a bot" : " back to a person");
    case ActionType::kInjectEvent:
      return std::string("inject event: ") + rules::EventKindName(a.event);
    default:
      break;
  }
  (void)actor;
  return rules::DescribeAction(a, sc);
}

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
    rules::State st(sc, rec_.seed);
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
          item->supporters = t->supporters;
          item->objectors = t->objectors;
          item->label = rules::TextLabel(*sc_, *t);
          item->final_text = FromText(*t);
          item->binding = t->form == mf::BINDING_CONVENTION;
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
    m_.scores = m_.finished ? st.final_scores() : st.Scores();
    for (int s = 0; s < n_; ++s)
      if (m_.scores[s].rank == 1 && m_.winner < 0) m_.winner = s;
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

std::string ShortName(const rules::Scenario& sc, int s) {
  // A record may name seats the scenario does not have: never index by them.
  if (s == rules::kFacilitator) return "Facilitator";
  if (s < 0 || s >= sc.num_seats()) return SeatName(sc, s);
  const rules::SeatData& d = sc.seats()[s];
  std::string name = d.name.substr(0, d.name.find(" ("));  // "South Africa (chair of ...)".
  if (name.size() <= 12) return name;
  const size_t of = name.rfind(" of ");
  if (of != std::string::npos && name.size() - of - 4 <= 18) return name.substr(of + 4);
  if (name.size() <= 18) return name;
  std::string u = d.id;
  if (u.size() <= 3) {
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else {
    u[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(u[0])));
  }
  return u;
}

std::string SeatName(const rules::Scenario& sc, int seat) {
  if (seat >= 0 && seat < sc.num_seats()) return sc.seats()[seat].name;
  if (seat == rules::kFacilitator) return "the facilitator";
  if (seat == rules::kClock) return "the clock";
  return "seat " + Num(seat);
}

std::string VoteName(mf::VoteChoice v, mf::DecisionRule rule) {
  const bool majority = rule == mf::MAJORITY || rule == mf::WEIGHTED_MAJORITY;
  switch (v) {
    case mf::SUPPORT:
      return majority ? "yes" : "support";
    case mf::STAND_ASIDE:
      return majority ? "abstain" : "stand aside";
    case mf::OBJECT:
      return majority ? "no" : "object";
    default:
      return "no vote";
  }
}

std::string TermsText(const rules::Scenario& sc, const rules::Terms& t, const rules::State* st) {
  std::vector<std::string> parts;
  if (t.capital) parts.push_back(Num(t.capital) + " political capital");
  if (t.aid) parts.push_back(Num(t.aid) + " aid");
  if (t.visas) parts.push_back(Num(t.visas) + "k visas");
  if (t.readmission) parts.push_back("readmission cooperation");
  if (t.stance_text) {
    const rules::Text* text = st ? st->FindText(t.stance_text) : nullptr;
    parts.push_back(VoteName(t.stance, sc.decision_rule()) + " on " +
                    (text ? "the " + rules::TextLabel(sc, *text) : "text #" + Num(t.stance_text)));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out.empty() ? "nothing" : out;
}

std::string CsvField(const std::string& s) {
  return CsvCell(s);
}

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
  auto sc = RecordScenario(*out, error);
  if (!sc) return false;
  return rules::FromGameLog(log, *sc, &out->log, error);
}

void RecordToGameLog(const Record& record, const rules::Scenario& scenario, mf::GameLog* out) {
  rules::State st(std::shared_ptr<const rules::Scenario>(&scenario, [](const rules::Scenario*) {}),
                  record.seed);
  rules::ToGameLog(st, record.log, out);
}

bool BuildModel(const Record& record, Model* out, std::string* error) {
  Builder b(record, out);
  return b.Run(error);
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
      "stood_aside,objected,deals_made,deals_kept,deals_broken\n";
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
           Num(ss.deals_kept) + "," + Num(ss.deals_broken) + "\n";
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
