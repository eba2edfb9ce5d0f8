// The engine's verdicts in a View (View.verdicts): what the viewer may do
// now, with the engine's reason for every refusal. Read here exactly as
// rules::VerdictIn reads them (rules/catalogue.cc); no rule of the game is
// decided in the browser.
import { ActionSchema, RuleError } from "@gen/game_pb";
import type { View } from "@gen/game_pb";
import { t } from "./i18n";

// The kinds of action by their Action oneof field number (Verdict.kind).
const f = ActionSchema.field;
export const Kind = {
  ready: f.ready.number,
  endorse: f.endorse.number,
  prioritise: f.prioritise.number,
  statement: f.statement.number,
  tableDraft: f.tableDraft.number,
  amend: f.amend.number,
  acceptAmendment: f.acceptAmendment.number,
  rejectAmendment: f.rejectAmendment.number,
  withdrawAmendment: f.withdrawAmendment.number,
  withdrawDraft: f.withdrawDraft.number,
  vote: f.vote.number,
  ratify: f.ratify.number,
  pledge: f.pledge.number,
  enforce: f.enforce.number,
  proposeDeal: f.proposeDeal.number,
  acceptDeal: f.acceptDeal.number,
  rejectDeal: f.rejectDeal.number,
  withdrawDeal: f.withdrawDeal.number,
  honourDeal: f.honourDeal.number,
  advance: f.advance.number,
  pause: f.pause.number,
  resume: f.resume.number,
  extend: f.extend.number,
  injectEvent: f.injectEvent.number,
  setBot: f.setBot.number,
  regional: f.regional.number,
  publishReport: f.publishReport.number,
  walkOut: f.walkOut.number,
} as const;

export interface Verdict {
  ok: boolean;
  reason: string;
}

// The verdict on `kind` (about `target`: a recommendation, amendment, text,
// deal or vote choice; 0 for the kind as a whole).
export function verdict(v: View, kind: number, target = 0): Verdict {
  // A spectator acts on nothing; a press desk (viewer -100 - desk) has its
  // own verdicts.
  if (v.viewer < -1 && v.pressDesk < 0) return { ok: false, reason: t("verdict.spectator") };
  let whole = null;
  let about = null;
  let last = "";
  let wholeReason = "";
  let aboutReason = "";
  for (const x of v.verdicts) {
    // A refused entry without a reason repeats the one before it.
    if (x.refused !== RuleError.RULE_ERROR_UNSPECIFIED && x.reason) last = x.reason;
    if (x.kind !== kind) continue;
    if (x.target === 0) {
      whole = x;
      wholeReason = last;
    } else if (x.target === target) {
      about = x;
      aboutReason = last;
    }
  }
  // Kinds of another phase that only their phase refuses are left out.
  if (!whole) return { ok: false, reason: t("verdict.otherPhase") };
  if (whole.refused !== RuleError.RULE_ERROR_UNSPECIFIED) return { ok: false, reason: wholeReason };
  if (about && about.refused !== RuleError.RULE_ERROR_UNSPECIFIED) return { ok: false, reason: aboutReason };
  return { ok: true, reason: "" };
}

// Whether the verdicts name this target for the kind (e.g. the texts open
// to a pledge, the deals open to honouring).
export function names(v: View, kind: number, target: number): boolean {
  return v.verdicts.some((x) => x.kind === kind && x.target === target);
}
