// The facilitator's controls (facilitator token): start, pause, resume,
// advance, extend, inject an event, a seat to a bot and back, and who is
// connected. Each control is greyed with the engine's reason, like a seat's.
import { useState } from "preact/hooks";
import { EventKind } from "@gen/game_pb";
import { t } from "../i18n";
import { ActButton, Section, useId, usePlay } from "../ui";
import { Kind } from "../verdicts";

const EVENTS = [
  EventKind.ECONOMIC_INTEGRATION,
  EventKind.SECURITY_SCARE,
  EventKind.TRANSNATIONALISM,
  EventKind.TECHNOLOGY,
  EventKind.CLIMATE_CHANGE,
  EventKind.FINANCIAL_CRISIS,
  EventKind.TRAGEDY_AT_SEA,
  EventKind.ELECTION_SWING,
];

export function Facilitate(props: { code: string }) {
  const { v, s } = usePlay();
  const roster = s.state.roster;
  const [seconds, setSeconds] = useState(60);
  const [event, setEvent] = useState(EVENTS[0]);
  const [strikes, setStrikes] = useState(-1);
  const ids = { sec: useId("sec"), ev: useId("ev"), seat: useId("st") };
  const link = props.code ? `${location.origin}/#join=${props.code}` : "";
  const projector = props.code ? `${location.origin}/#spectate=${props.code}` : "";
  return (
    <div class="scene" data-testid="scene-facilitate">
      <Section title={t("fac.session")}>
        {link ? (
          <>
            <p data-testid="fac-join-link">{t("fac.joinLink", { link, code: props.code })}</p>
            <p>{t("fac.projectorLink", { link: projector })}</p>
          </>
        ) : null}
        <div class="buttons">
          <ActButton kind={Kind.resume} label={v.version ? t("fac.resume") : t("fac.start")} variant="primary" testid="fac-resume"
            action={() => ({ case: "resume", value: {} })} />
          <ActButton kind={Kind.pause} label={t("fac.pause")} testid="fac-pause" action={() => ({ case: "pause", value: {} })} />
          <ActButton kind={Kind.advance} label={t("fac.advance")} testid="fac-advance" action={() => ({ case: "advance", value: {} })} />
        </div>
        <div class="row">
          <div class="field">
            <label for={ids.sec}>{t("fac.extendBy")}</label>
            <select id={ids.sec} value={String(seconds)} onChange={(e) => setSeconds(Number((e.target as HTMLSelectElement).value))}>
              {[60, 120, 300].map((n) => (
                <option key={n} value={String(n)}>
                  {t("fac.minutes", { n: n / 60 })}
                </option>
              ))}
            </select>
          </div>
          <ActButton kind={Kind.extend} label={t("fac.extend")} testid="fac-extend" action={() => ({ case: "extend", value: { seconds } })} />
        </div>
      </Section>
      <Section title={t("fac.event")}>
        <div class="two">
          <div class="field">
            <label for={ids.ev}>{t("fac.eventKind")}</label>
            <select id={ids.ev} value={String(event)} onChange={(e) => setEvent(Number((e.target as HTMLSelectElement).value))}>
              {EVENTS.map((k) => (
                <option key={k} value={String(k)}>
                  {t("event." + EventKind[k])}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={ids.seat}>{t("fac.strikes")}</label>
            <select id={ids.seat} value={String(strikes)} onChange={(e) => setStrikes(Number((e.target as HTMLSelectElement).value))}>
              <option value="-1">{t("fac.drawn")}</option>
              {v.seats.map((x) => (
                <option key={x.index} value={String(x.index)}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ActButton kind={Kind.injectEvent} label={t("fac.inject")} testid="fac-inject"
          action={() => ({ case: "injectEvent", value: { kind: event, seat: strikes } })} />
      </Section>
      <Section title={t("fac.roster")} testid="fac-roster" wide>
        {roster && (
          <p class="muted">
            {t("fac.streams", { fac: roster.facilitatorStreams, spec: roster.spectatorStreams })}
          </p>
        )}
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("ranking.seat")}</th>
              <th scope="col">{t("fac.player")}</th>
              <th scope="col">{t("fac.connected")}</th>
              <th scope="col">{t("fac.playedBy")}</th>
              <th scope="col">{t("fac.hand")}</th>
            </tr>
          </thead>
          <tbody>
            {v.seats.map((x) => {
              const r = roster?.seats.find((y) => y.seat === x.index);
              const bot = r ? r.bot : x.bot;
              return (
                <tr key={x.index} data-testid={`fac-seat-${x.index}`}>
                  <th scope="row">{x.name}</th>
                  <td>{r?.player || "—"}</td>
                  <td>{r?.connected ? t("projector.yes") : t("fac.no")}</td>
                  <td>{bot ? t("fac.bot", { strategy: r?.strategy || "" }) : t("fac.person")}</td>
                  <td>
                    <ActButton
                      kind={Kind.setBot}
                      label={bot ? t("fac.toPerson") : t("fac.toBot")}
                      testid={`fac-setbot-${x.index}`}
                      action={() => ({ case: "setBot", value: { seat: x.index, bot: !bot } })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
