// Side deals: the inbox of the seat's deals, and the composer.
import { useState } from "preact/hooks";
import type { DealTerms, View } from "@gen/game_pb";
import { VoteChoice } from "@gen/game_pb";
import { t } from "../i18n";
import { ActButton, Empty, Section, useId, usePlay } from "../ui";
import { Kind, names } from "../verdicts";
import { seatName, voteWord } from "../words";

function termsWords(v: View, d: DealTerms | undefined): string {
  if (!d) return t("deals.nothing");
  const parts: string[] = [];
  if (d.capital) parts.push(t("deals.capitalN", { n: d.capital }));
  if (d.aid) parts.push(t("deals.aidN", { n: d.aid }));
  if (d.visas) parts.push(t("deals.visasN", { n: d.visas }));
  if (d.readmission) parts.push(t("deals.readmission"));
  if (d.stanceText) parts.push(t("deals.stanceOn", { id: d.stanceText, choice: voteWord(v.decisionRule, d.stance) }));
  return parts.join(", ") || t("deals.nothing");
}

interface Terms {
  capital: number;
  aid: number;
  visas: number;
  readmission: boolean;
}

function TermsFields(props: { legend: string; value: Terms; onChange: (t: Terms) => void; prefix: string }) {
  const tid = (k: string) => `${props.prefix}-${k}`;
  const ids = { capital: useId("cap"), aid: useId("aid"), visas: useId("vis"), re: useId("re") };
  const num = (k: "capital" | "aid" | "visas") => (e: Event) =>
    props.onChange({ ...props.value, [k]: Math.max(0, Math.round(Number((e.target as HTMLInputElement).value) || 0)) });
  return (
    <fieldset class="terms">
      <legend>{props.legend}</legend>
      <div class="field">
        <label for={ids.capital}>{t("deals.capital")}</label>
        <input id={ids.capital} type="number" min={0} value={props.value.capital} data-testid={tid("capital")} onInput={num("capital")} />
      </div>
      <div class="field">
        <label for={ids.aid}>{t("deals.aid")}</label>
        <input id={ids.aid} type="number" min={0} value={props.value.aid} data-testid={tid("aid")} onInput={num("aid")} />
      </div>
      <div class="field">
        <label for={ids.visas}>{t("deals.visas")}</label>
        <input id={ids.visas} type="number" min={0} value={props.value.visas} data-testid={tid("visas")} onInput={num("visas")} />
      </div>
      <div class="field check">
        <input
          id={ids.re}
          type="checkbox"
          data-testid={tid("readmission")}
          checked={props.value.readmission}
          onChange={(e) => props.onChange({ ...props.value, readmission: (e.target as HTMLInputElement).checked })}
        />
        <label for={ids.re}>{t("deals.readmission")}</label>
      </div>
    </fieldset>
  );
}

const none: Terms = { capital: 0, aid: 0, visas: 0, readmission: false };

export function Deals() {
  const { v } = usePlay();
  const others = v.seats.filter((s) => s.index !== v.viewer);
  const [to, setTo] = useState(others[0]?.index ?? 0);
  const [give, setGive] = useState<Terms>(none);
  const [ask, setAsk] = useState<Terms>(none);
  const toId = useId("to");
  const terms = (x: Terms) => ({ ...x, stanceText: 0, stance: VoteChoice.VOTE_UNSPECIFIED });
  return (
    <div class="scene" data-testid="scene-deals">
      <Section title={t("deals.inbox")}>
        {v.deals.length === 0 && <Empty text={t("deals.none")} />}
        <ul class="list">
          {v.deals.map((d) => (
            <li key={d.id} class="item" data-testid={`deal-${d.id}-item`}>
              <strong>{t("deals.with", { id: d.id, seat: seatName(v, d.from === v.viewer ? d.to : d.from) })}</strong>{" "}
              <span class={`status status-${d.status}`}>{t("dealStatus." + d.status)}</span>
              <p>
                {t("deals.gives", { seat: seatName(v, d.from), what: termsWords(v, d.give) })}
                <br />
                {t("deals.gives", { seat: seatName(v, d.to), what: termsWords(v, d.ask) })}
              </p>
              <div class="buttons">
                {names(v, Kind.acceptDeal, d.id) && (
                  <ActButton kind={Kind.acceptDeal} target={d.id} label={t("deals.accept")} variant="primary"
                    action={() => ({ case: "acceptDeal", value: { deal: d.id } })} />
                )}
                {names(v, Kind.rejectDeal, d.id) && (
                  <ActButton kind={Kind.rejectDeal} target={d.id} label={t("deals.reject")}
                    action={() => ({ case: "rejectDeal", value: { deal: d.id } })} />
                )}
                {names(v, Kind.withdrawDeal, d.id) && (
                  <ActButton kind={Kind.withdrawDeal} target={d.id} label={t("deals.withdraw")}
                    action={() => ({ case: "withdrawDeal", value: { deal: d.id } })} />
                )}
              </div>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("deals.compose")}>
        <div class="field">
          <label for={toId}>{t("deals.to")}</label>
          <select id={toId} data-testid="deal-to" value={String(to)} onChange={(e) => setTo(Number((e.target as HTMLSelectElement).value))}>
            {others.map((s) => (
              <option key={s.index} value={String(s.index)}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="two">
          <TermsFields legend={t("deals.youGive")} value={give} onChange={setGive} prefix="give" />
          <TermsFields legend={t("deals.youAsk")} value={ask} onChange={setAsk} prefix="ask" />
        </div>
        <ActButton
          kind={Kind.proposeDeal}
          label={t("deals.propose")}
          variant="primary"
          testid="deal-propose"
          action={() => ({ case: "proposeDeal", value: { to, give: terms(give), ask: terms(ask) } })}
        />
      </Section>
    </div>
  );
}
