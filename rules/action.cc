// Conversions between the wire action and the engine's action.
#include "rules/action.h"

#include "rules/scenario.h"

namespace mf::rules {

const char* ActionTypeName(ActionType t) {
  switch (t) {
    case ActionType::kReady:
      return "ready";
    case ActionType::kEndorse:
      return "endorse";
    case ActionType::kPrioritise:
      return "prioritise";
    case ActionType::kStatement:
      return "statement";
    case ActionType::kTableDraft:
      return "table draft";
    case ActionType::kAmend:
      return "amend";
    case ActionType::kAcceptAmendment:
      return "accept amendment";
    case ActionType::kRejectAmendment:
      return "reject amendment";
    case ActionType::kWithdrawAmendment:
      return "withdraw amendment";
    case ActionType::kWithdrawDraft:
      return "withdraw draft";
    case ActionType::kVote:
      return "vote";
    case ActionType::kRatify:
      return "ratify";
    case ActionType::kImplement:
      return "implement";
    case ActionType::kEnforce:
      return "set enforcement";
    case ActionType::kProposeDeal:
      return "propose deal";
    case ActionType::kAcceptDeal:
      return "accept deal";
    case ActionType::kRejectDeal:
      return "reject deal";
    case ActionType::kWithdrawDeal:
      return "withdraw deal";
    case ActionType::kHonourDeal:
      return "honour deal";
    case ActionType::kAdvance:
      return "advance";
    case ActionType::kPause:
      return "pause";
    case ActionType::kResume:
      return "resume";
    case ActionType::kExtend:
      return "extend";
    case ActionType::kInjectEvent:
      return "inject event";
    case ActionType::kSetBot:
      return "set bot";
    case ActionType::kTimeout:
      return "timeout";
  }
  return "unknown";
}

bool IsFacilitatorAction(ActionType t) {
  return t >= ActionType::kAdvance && t <= ActionType::kSetBot;
}

bool IsFacilitatorAction(const mf::Action& proto) {
  switch (proto.kind_case()) {
    case mf::Action::kAdvance:
    case mf::Action::kPause:
    case mf::Action::kResume:
    case mf::Action::kExtend:
    case mf::Action::kInjectEvent:
    case mf::Action::kSetBot:
      return true;
    default:
      return false;
  }
}

bool Action::operator==(const Action& o) const {
  return type == o.type && id == o.id && seat == o.seat && position == o.position &&
         level == o.level && theme == o.theme && corridor == o.corridor && flag == o.flag &&
         form == o.form && vote == o.vote && event == o.event && add == o.add &&
         remove == o.remove && give == o.give && ask == o.ask && text == o.text;
}

bool IsCleanUtf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

namespace {

bool Commitments(const google::protobuf::RepeatedField<int>& in, CommitmentSet* out,
                 std::string* error) {
  *out = 0;
  if (in.size() > 16) {
    *error = "too many commitments";
    return false;
  }
  for (int k : in) {
    if (k < mf::LABOUR_VISAS || k > mf::CLIMATE_DISPLACEMENT) {
      *error = "unknown commitment " + std::to_string(k);
      return false;
    }
    *out |= Bit(static_cast<mf::CommitmentKind>(k));
  }
  return true;
}

void CommitmentsOut(CommitmentSet set, google::protobuf::RepeatedField<int>* out) {
  for (int k = mf::LABOUR_VISAS; k <= mf::CLIMATE_DISPLACEMENT; ++k)
    if (set & Bit(static_cast<mf::CommitmentKind>(k))) out->Add(k);
}

bool Corridor(const std::string& id, const Scenario& sc, int* out, std::string* error) {
  *out = -1;
  if (id.empty()) return true;
  *out = sc.CorridorIndex(id);
  if (*out < 0) {
    *error = "unknown corridor '" + id.substr(0, 40) + "'";
    return false;
  }
  return true;
}

bool TermsIn(const mf::DealTerms& in, Terms* out, std::string* error) {
  out->capital = in.capital();
  out->aid = in.aid();
  out->visas = in.visas();
  out->readmission = in.readmission();
  out->stance_text = in.stance_text();
  out->stance = in.stance();
  if (!mf::VoteChoice_IsValid(in.stance())) {
    *error = "unknown stance";
    return false;
  }
  return true;
}

void TermsOut(const Terms& in, mf::DealTerms* out) {
  out->set_capital(in.capital);
  out->set_aid(in.aid);
  out->set_visas(in.visas);
  out->set_readmission(in.readmission);
  out->set_stance_text(in.stance_text);
  out->set_stance(in.stance);
}

}  // namespace

bool ActionFromProto(const mf::Action& in, const Scenario& sc, Action* out, std::string* error) {
  Action a;
  switch (in.kind_case()) {
    case mf::Action::kReady:
      a.type = ActionType::kReady;
      break;
    case mf::Action::kEndorse:
      a.type = ActionType::kEndorse;
      a.id = in.endorse().recommendation();
      break;
    case mf::Action::kPrioritise:
      a.type = ActionType::kPrioritise;
      a.theme = sc.ThemeIndex(in.prioritise().theme());
      if (a.theme < 0) {
        *error = "unknown theme '" + in.prioritise().theme().substr(0, 40) + "'";
        return false;
      }
      break;
    case mf::Action::kStatement:
      a.type = ActionType::kStatement;
      a.position = in.statement().position();
      a.text = in.statement().text();
      if (a.text.size() > 280 || !IsCleanUtf8(a.text)) {
        *error = "a statement is at most 280 bytes of UTF-8 text";
        return false;
      }
      break;
    case mf::Action::kTableDraft:
      a.type = ActionType::kTableDraft;
      a.position = in.table_draft().position();
      a.form = in.table_draft().form();
      if (!Commitments(in.table_draft().commitments(), &a.add, error)) return false;
      if (!Corridor(in.table_draft().corridor(), sc, &a.corridor, error)) return false;
      break;
    case mf::Action::kAmend:
      a.type = ActionType::kAmend;
      a.position = in.amend().position();
      a.form = in.amend().form();
      if (!Commitments(in.amend().add(), &a.add, error)) return false;
      if (!Commitments(in.amend().remove(), &a.remove, error)) return false;
      if (!Corridor(in.amend().corridor(), sc, &a.corridor, error)) return false;
      break;
    case mf::Action::kAcceptAmendment:
      a.type = ActionType::kAcceptAmendment;
      a.id = in.accept_amendment().amendment();
      break;
    case mf::Action::kRejectAmendment:
      a.type = ActionType::kRejectAmendment;
      a.id = in.reject_amendment().amendment();
      break;
    case mf::Action::kWithdrawAmendment:
      a.type = ActionType::kWithdrawAmendment;
      a.id = in.withdraw_amendment().amendment();
      break;
    case mf::Action::kWithdrawDraft:
      a.type = ActionType::kWithdrawDraft;
      break;
    case mf::Action::kVote:
      a.type = ActionType::kVote;
      a.vote = in.vote().choice();
      break;
    case mf::Action::kRatify:
      a.type = ActionType::kRatify;
      a.id = in.ratify().text();
      a.flag = in.ratify().ratify();
      break;
    case mf::Action::kImplement:
      a.type = ActionType::kImplement;
      a.level = in.implement().level();
      break;
    case mf::Action::kEnforce:
      a.type = ActionType::kEnforce;
      a.level = in.enforce().level();
      break;
    case mf::Action::kProposeDeal:
      a.type = ActionType::kProposeDeal;
      a.seat = in.propose_deal().to();
      if (!TermsIn(in.propose_deal().give(), &a.give, error)) return false;
      if (!TermsIn(in.propose_deal().ask(), &a.ask, error)) return false;
      break;
    case mf::Action::kAcceptDeal:
      a.type = ActionType::kAcceptDeal;
      a.id = in.accept_deal().deal();
      break;
    case mf::Action::kRejectDeal:
      a.type = ActionType::kRejectDeal;
      a.id = in.reject_deal().deal();
      break;
    case mf::Action::kWithdrawDeal:
      a.type = ActionType::kWithdrawDeal;
      a.id = in.withdraw_deal().deal();
      break;
    case mf::Action::kHonourDeal:
      a.type = ActionType::kHonourDeal;
      a.id = in.honour_deal().deal();
      a.flag = in.honour_deal().keep();
      break;
    case mf::Action::kAdvance:
      a.type = ActionType::kAdvance;
      break;
    case mf::Action::kPause:
      a.type = ActionType::kPause;
      break;
    case mf::Action::kResume:
      a.type = ActionType::kResume;
      break;
    case mf::Action::kExtend:
      a.type = ActionType::kExtend;
      a.level = in.extend().seconds();
      break;
    case mf::Action::kInjectEvent:
      a.type = ActionType::kInjectEvent;
      a.event = in.inject_event().kind();
      a.seat = in.inject_event().seat();
      break;
    case mf::Action::kSetBot:
      a.type = ActionType::kSetBot;
      a.seat = in.set_bot().seat();
      a.flag = in.set_bot().bot();
      break;
    case mf::Action::kTimeout:
      a.type = ActionType::kTimeout;
      a.id = in.timeout().phase_serial();
      break;
    default:
      *error = "the action has no kind set";
      return false;
  }
  if (!mf::Form_IsValid(a.form) || !mf::VoteChoice_IsValid(a.vote) ||
      !mf::EventKind_IsValid(a.event)) {
    *error = "unknown enum value";
    return false;
  }
  *out = std::move(a);
  return true;
}

void ActionToProto(const Action& a, const Scenario& sc, mf::Action* out) {
  out->Clear();
  const std::string corridor =
      a.corridor >= 0 && a.corridor < sc.num_corridors() ? sc.corridors()[a.corridor].id : "";
  switch (a.type) {
    case ActionType::kReady:
      out->mutable_ready();
      break;
    case ActionType::kEndorse:
      out->mutable_endorse()->set_recommendation(a.id);
      break;
    case ActionType::kPrioritise:
      out->mutable_prioritise()->set_theme(
          a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].id : "");
      break;
    case ActionType::kStatement:
      out->mutable_statement()->set_position(a.position);
      out->mutable_statement()->set_text(a.text);
      break;
    case ActionType::kTableDraft: {
      auto* d = out->mutable_table_draft();
      d->set_position(a.position);
      d->set_form(a.form);
      CommitmentsOut(a.add, d->mutable_commitments());
      d->set_corridor(corridor);
      break;
    }
    case ActionType::kAmend: {
      auto* d = out->mutable_amend();
      d->set_position(a.position);
      d->set_form(a.form);
      CommitmentsOut(a.add, d->mutable_add());
      CommitmentsOut(a.remove, d->mutable_remove());
      d->set_corridor(corridor);
      break;
    }
    case ActionType::kAcceptAmendment:
      out->mutable_accept_amendment()->set_amendment(a.id);
      break;
    case ActionType::kRejectAmendment:
      out->mutable_reject_amendment()->set_amendment(a.id);
      break;
    case ActionType::kWithdrawAmendment:
      out->mutable_withdraw_amendment()->set_amendment(a.id);
      break;
    case ActionType::kWithdrawDraft:
      out->mutable_withdraw_draft();
      break;
    case ActionType::kVote:
      out->mutable_vote()->set_choice(a.vote);
      break;
    case ActionType::kRatify:
      out->mutable_ratify()->set_text(a.id);
      out->mutable_ratify()->set_ratify(a.flag);
      break;
    case ActionType::kImplement:
      out->mutable_implement()->set_level(a.level);
      break;
    case ActionType::kEnforce:
      out->mutable_enforce()->set_level(a.level);
      break;
    case ActionType::kProposeDeal:
      out->mutable_propose_deal()->set_to(a.seat);
      TermsOut(a.give, out->mutable_propose_deal()->mutable_give());
      TermsOut(a.ask, out->mutable_propose_deal()->mutable_ask());
      break;
    case ActionType::kAcceptDeal:
      out->mutable_accept_deal()->set_deal(a.id);
      break;
    case ActionType::kRejectDeal:
      out->mutable_reject_deal()->set_deal(a.id);
      break;
    case ActionType::kWithdrawDeal:
      out->mutable_withdraw_deal()->set_deal(a.id);
      break;
    case ActionType::kHonourDeal:
      out->mutable_honour_deal()->set_deal(a.id);
      out->mutable_honour_deal()->set_keep(a.flag);
      break;
    case ActionType::kAdvance:
      out->mutable_advance();
      break;
    case ActionType::kPause:
      out->mutable_pause();
      break;
    case ActionType::kResume:
      out->mutable_resume();
      break;
    case ActionType::kExtend:
      out->mutable_extend()->set_seconds(a.level);
      break;
    case ActionType::kInjectEvent:
      out->mutable_inject_event()->set_kind(a.event);
      out->mutable_inject_event()->set_seat(a.seat);
      break;
    case ActionType::kSetBot:
      out->mutable_set_bot()->set_seat(a.seat);
      out->mutable_set_bot()->set_bot(a.flag);
      break;
    case ActionType::kTimeout:
      out->mutable_timeout()->set_phase_serial(a.id);
      break;
  }
}

std::string DescribeAction(const Action& a, const Scenario& sc) {
  std::string s = ActionTypeName(a.type);
  auto num = [](int v) { return std::to_string(v); };
  switch (a.type) {
    case ActionType::kEndorse:
    case ActionType::kAcceptAmendment:
    case ActionType::kRejectAmendment:
    case ActionType::kWithdrawAmendment:
    case ActionType::kAcceptDeal:
    case ActionType::kRejectDeal:
    case ActionType::kWithdrawDeal:
      return s + " #" + num(a.id);
    case ActionType::kStatement:
      return s + " at " + num(a.position);
    case ActionType::kTableDraft:
      return s + " at " + num(a.position) + " (" + mf::Form_Name(a.form) + ")";
    case ActionType::kVote:
      return s + " " + mf::VoteChoice_Name(a.vote);
    case ActionType::kRatify:
      return std::string(a.flag ? "ratify" : "decline") + " #" + num(a.id);
    case ActionType::kImplement:
    case ActionType::kEnforce:
      return s + " " + num(a.level) + "%";
    case ActionType::kProposeDeal:
      return s + " to " +
             (a.seat >= 0 && a.seat < sc.num_seats() ? sc.seats()[a.seat].name : num(a.seat));
    case ActionType::kHonourDeal:
      return std::string(a.flag ? "keep" : "break") + " deal #" + num(a.id);
    case ActionType::kPrioritise:
      return s + " " +
             (a.theme >= 0 && a.theme < sc.num_themes() ? sc.themes()[a.theme].name : "?");
    default:
      return s;
  }
}

}  // namespace mf::rules
