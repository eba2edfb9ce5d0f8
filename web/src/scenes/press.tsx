// Press desks (observers beyond the seats): the desk's panel to publish a
// report on a state, and the list of recent reports every view shows.
import { useState } from "preact/hooks";
import { SeatKind } from "@gen/game_pb";
import type { View } from "@gen/game_pb";
import { t } from "../i18n";
import { ActButton, Empty, Section, useId, usePlay } from "../ui";
import { Kind } from "../verdicts";
import { phaseWord, seatName } from "../words";

// A report is at most 280 bytes of UTF-8 (the engine's limit).
const MAX_BYTES = 280;
const bytes = (s: string) => new TextEncoder().encode(s).length;

// The change in approval at home, in points: "+1.5", "−2.0".
function points(x: number): string {
  const p = x * 100;
  return `${p > 0 ? "+" : p < 0 ? "−" : ""}${Math.abs(p).toFixed(1)}`;
}

// The desk's panel: a state (organisations have no approval at home to
// move), praise or criticism, optionally an adopted text, and the words;
// the button follows the engine's verdict on publish_report.
export function PressDesk() {
  const { v } = usePlay();
  const states = v.seats.filter((x) => x.kind !== SeatKind.SEAT_ORGANISATION);
  const [about, setAbout] = useState(states[0]?.index ?? 0);
  const [praise, setPraise] = useState(false);
  const [textId, setTextId] = useState(0);
  const [words, setWords] = useState("");
  const aboutId = useId("about");
  const textSel = useId("ptext");
  const wordsId = useId("pwords");
  const countId = useId("pcount");
  const adopted = v.texts.filter((x) => x.adopted);
  const used = bytes(words);
  return (
    <Section title={t("press.title", { desk: v.pressDesk + 1 })} testid="press-desk">
      <p>{t("press.explain")}</p>
      <p class="muted" data-testid="press-left">
        {t("press.left", { n: v.pressReportsLeft })}
      </p>
      <div class="field">
        <label for={aboutId}>{t("press.about")}</label>
        <select
          id={aboutId}
          value={String(about)}
          data-testid="press-about"
          onChange={(e) => setAbout(Number((e.target as HTMLSelectElement).value))}
        >
          {states.map((x) => (
            <option key={x.index} value={String(x.index)}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>{t("press.tone")}</legend>
        <label class="check">
          <input type="radio" name="press-tone" checked={praise} data-testid="press-praise" onChange={() => setPraise(true)} />{" "}
          {t("press.praise")}
        </label>
        <label class="check">
          <input type="radio" name="press-tone" checked={!praise} data-testid="press-criticise" onChange={() => setPraise(false)} />{" "}
          {t("press.criticise")}
        </label>
      </fieldset>
      <div class="field">
        <label for={textSel}>{t("press.text")}</label>
        <select id={textSel} value={String(textId)} onChange={(e) => setTextId(Number((e.target as HTMLSelectElement).value))}>
          <option value="0">{t("press.record")}</option>
          {adopted.map((x) => (
            <option key={x.id} value={String(x.id)}>
              {x.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={wordsId}>{t("press.words")}</label>
        <textarea
          id={wordsId}
          rows={3}
          maxLength={MAX_BYTES}
          value={words}
          aria-describedby={countId}
          data-testid="press-words"
          onInput={(e) => setWords((e.target as HTMLTextAreaElement).value)}
        />
        <p id={countId} class={used > MAX_BYTES ? "error small" : "muted small"}>
          {t("press.count", { n: used, max: MAX_BYTES })}
        </p>
      </div>
      <ActButton
        kind={Kind.publishReport}
        label={t("press.publish")}
        variant="primary"
        testid="press-publish"
        action={() => ({ case: "publishReport", value: { about, praise, text: words.trim(), textId } })}
      />
    </Section>
  );
}

// The press desks' recent reports (View.press_reports, newest first).
export function PressReports(props: { v: View }) {
  const v = props.v;
  if (v.pressDesks === 0 && v.pressReports.length === 0) return null;
  const reports = [...v.pressReports].reverse();
  return (
    <Section title={t("press.reports")} testid="press-reports" wide>
      {reports.length === 0 ? (
        <Empty text={t("press.none", { n: v.pressDesks })} />
      ) : (
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("press.desk")}</th>
              <th scope="col">{t("press.state")}</th>
              <th scope="col">{t("press.toneCol")}</th>
              <th scope="col">{t("press.report")}</th>
              <th scope="col">{t("press.credibility")}</th>
              <th scope="col">{t("press.effect")}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r, i) => {
              const on = r.textId ? v.texts.find((x) => x.id === r.textId)?.label : "";
              return (
                <tr key={i} data-testid="press-report">
                  <th scope="row">
                    {t("press.deskN", { n: r.desk + 1 })}
                    <span class="muted small"> · {t("press.when", { phase: phaseWord(r.phase), cycle: r.cycle })}</span>
                  </th>
                  <td>{seatName(v, r.about)}</td>
                  <td>{r.praise ? t("press.praised") : t("press.criticised")}</td>
                  <td>
                    {r.text}
                    {on ? <span class="muted small"> ({on})</span> : null}
                  </td>
                  <td class="num">{Math.round(r.credibility * 100)} %</td>
                  <td class="num">{t("press.points", { n: points(r.effect) })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}
