// Plain words for the View's numbers and enums, from the message catalogue.
import { Bloc, CommitmentKind, DecisionRule, Form, Mandate, Phase, Role, SeatKind, VoteChoice } from "@gen/game_pb";
import type { SeatPublic, Theme, View } from "@gen/game_pb";
import { t } from "./i18n";

export const phaseWord = (p: Phase): string => t("phase." + (Phase[p] ?? "PHASE_UNSPECIFIED"));
export const formWord = (f: Form): string => t("form." + (Form[f] ?? "FORM_UNSPECIFIED"));
export const roleWord = (r: Role): string => t("role." + (Role[r] ?? "ROLE_UNSPECIFIED"));
// A seat's kind in a word: its role for a state, its mandate for an organisation.
export const seatKindWord = (s: SeatPublic | undefined): string =>
  s?.kind === SeatKind.SEAT_ORGANISATION
    ? t("seat.organisation", { mandate: t("mandate." + (Mandate[s.mandate] ?? "MANDATE_UNSPECIFIED")) })
    : roleWord(s?.role ?? 0);
export const blocWord = (b: Bloc): string => t("bloc." + (Bloc[b] ?? "BLOC_UNSPECIFIED"));
export const commitmentWord = (c: CommitmentKind): string =>
  t("commitment." + (CommitmentKind[c] ?? "COMMITMENT_UNSPECIFIED"));

// Support / Stand aside / Object, or Yes / Abstain / No under majority rules.
export function voteWord(rule: DecisionRule, c: VoteChoice): string {
  const majority = rule === DecisionRule.MAJORITY || rule === DecisionRule.WEIGHTED_MAJORITY;
  return t((majority ? "voteMajority." : "voteConsensus.") + (VoteChoice[c] ?? "VOTE_UNSPECIFIED"));
}

export const ruleWord = (r: DecisionRule): string =>
  t("rule." + (DecisionRule[r] ?? "DECISION_RULE_UNSPECIFIED"));

export function themeOf(v: View, id: string): Theme | undefined {
  return v.themes.find((th) => th.id === id);
}

export function themeName(v: View, id: string): string {
  return themeOf(v, id)?.name || id;
}

export function seatName(v: View, seat: number): string {
  if (seat === -1) return t("facilitator");
  return v.seats[seat]?.name ?? t("seat.n", { n: seat + 1 });
}

// "62 (open labour channels)": the position with the band of the axis it
// falls in; without bands, near an end: "towards" that end's label.
export function positionWords(theme: Theme | undefined, pos: number): string {
  if (!theme) return String(pos);
  const band = theme.bands.find((b) => pos >= b.low && pos <= b.high);
  if (band) return `${pos} (${band.label})`;
  const end = pos <= 33 ? theme.lowLabel : pos >= 67 ? theme.highLabel : "";
  return end ? `${pos} (${t("axis.towards", { label: end })})` : String(pos);
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

export function fixed(x: number, digits = 1): string {
  return x.toFixed(digits);
}
