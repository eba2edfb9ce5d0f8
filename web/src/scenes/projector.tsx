// The projector (a spectator's stream by the join code, no token): the
// public table for a classroom wall, and the link to join.
import { Phase, VoteChoice } from "@gen/game_pb";
import { t } from "../i18n";
import { Axis, Section, usePlay } from "../ui";
import type { Mark } from "../ui";
import { formWord, phaseWord, roleWord, themeName, themeOf, voteWord } from "../words";
import { PressReports } from "./press";
import { Outcome, Ranking } from "./results";

export function Projector(props: { code: string }) {
  const { v, s } = usePlay();
  const th = themeOf(v, v.currentTheme);
  const marks: Mark[] = [];
  if (th) marks.push({ pos: th.statusQuo, label: t("axis.statusQuo"), kind: "quo" });
  for (const x of v.seats) if (x.statementPosition >= 0) marks.push({ pos: x.statementPosition, label: x.name, kind: "stmt" });
  if (v.draft && v.draft.id !== 0) marks.push({ pos: v.draft.position, label: t("axis.draft"), kind: "draft" });
  const roundtable = v.phase === Phase.STATEMENTS || v.phase === Phase.DRAFTING || v.phase === Phase.DECISION;
  const link = props.code ? `${location.origin}/#join=${props.code}` : "";
  const chat = s.state.chat.filter((m) => !m.channel?.to.case || m.channel.to.case === "everyone").slice(-8);
  return (
    <div class="scene projector" data-testid="scene-projector" data-phase={Phase[v.phase]}>
      <Section title={v.phase === Phase.GAME_OVER ? phaseWord(v.phase) : t("app.phase", { phase: phaseWord(v.phase), cycle: v.cycle, cycles: v.cycles })}>
        {link && (
          <p class="joinline" data-testid="join-link">
            {t("projector.join", { link, code: props.code })}
          </p>
        )}
        {v.paused && <p class="lead">{t("app.paused")}</p>}
        {roundtable && (
          <>
            <p class="lead">{t("item.current", { n: v.agendaIndex + 1, of: v.agenda.length, theme: themeName(v, v.currentTheme) })}</p>
            <Axis theme={th} marks={marks} />
            {v.draft && v.draft.id !== 0 && (
              <p>
                {v.draft.label} · {formWord(v.draft.form)}
              </p>
            )}
          </>
        )}
        {v.phase === Phase.CIVIL_SOCIETY && v.cycle > 1 && <Outcome cycle={v.cycle - 1} />}
        {v.currentEventText && <p class="event">{v.currentEventText}</p>}
      </Section>
      {v.phase === Phase.GAME_OVER && <Ranking />}
      <Section title={t("projector.seats")} testid="projector-seats">
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("ranking.seat")}</th>
              <th scope="col">{t("ranking.role")}</th>
              <th scope="col">{t("projector.ready")}</th>
              <th scope="col">{t("projector.statement")}</th>
              <th scope="col">{t("projector.vote")}</th>
            </tr>
          </thead>
          <tbody>
            {v.seats.map((x) => (
              <tr key={x.index}>
                <th scope="row">
                  {x.name}
                  {x.bot ? ` (${t("seat.bot")})` : ""}
                </th>
                <td>{roleWord(x.role)}</td>
                <td>{x.ready ? t("projector.yes") : "—"}</td>
                <td class="num">{x.statementPosition >= 0 ? x.statementPosition : "—"}</td>
                <td>{x.vote !== VoteChoice.VOTE_UNSPECIFIED ? voteWord(v.decisionRule, x.vote) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <PressReports v={v} />
      <Section title={t("talk.public")}>
        {chat.length === 0 ? (
          <p class="muted">{t("talk.empty")}</p>
        ) : (
          <ul class="list">
            {chat.map((m) => (
              <li key={m.serial.toString()}>
                <strong>{m.fromName}</strong>: {m.text}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
