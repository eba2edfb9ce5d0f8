// The outcome of a cycle, the standings, and the final ranking.
import { t } from "../i18n";
import { Empty, Section, usePlay } from "../ui";
import { fixed, formWord, percent, seatKindWord, seatName } from "../words";

export function Outcome(props: { cycle: number }) {
  const { v } = usePlay();
  const texts = v.texts.filter((x) => x.cycle === props.cycle);
  const stats = v.history.find((h) => h.cycle === props.cycle);
  const mine = v.scores.find((s) => s.seat === v.viewer);
  const events = v.events.filter((e) => e.cycle === props.cycle && e.worldEvent);
  return (
    <Section title={t("outcome.title", { n: props.cycle })} testid="outcome">
      {texts.length ? (
        <ul class="list">
          {texts.map((x) => (
            <li key={x.id}>
              {t("outcome.adopted", { label: x.label, form: formWord(x.form) })}
              {x.inForce ? " · " + t("outcome.inForce") : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("outcome.noText")}</p>
      )}
      {stats && (
        <dl class="facts">
          <dt>{t("outcome.regime")}</dt>
          <dd>{fixed(stats.regime?.total ?? 0, 2)}</dd>
          <dt>{t("outcome.trust")}</dt>
          <dd>{percent(stats.meanTrust)}</dd>
          <dt>{t("outcome.welfare")}</dt>
          <dd>{percent(stats.migrantWelfare)}</dd>
        </dl>
      )}
      {mine && <p data-testid="my-score">{t("outcome.myScore", { score: fixed(mine.total) })}</p>}
      {events.map((e) => (
        <p key={e.serial} class="event">
          {e.text}
        </p>
      ))}
    </Section>
  );
}

export function Ranking() {
  const { v } = usePlay();
  const rows = [...v.scores].sort((a, b) => a.rank - b.rank);
  return (
    <Section title={t("ranking.title")} testid="ranking">
      {v.winners.length > 0 && (
        <p class="lead" data-testid="winners">
          {t("ranking.winners", { seats: v.winners.map((w) => seatName(v, w)).join(", ") })}
        </p>
      )}
      {rows.length === 0 ? (
        <Empty text={t("ranking.none")} />
      ) : (
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("ranking.rank")}</th>
              <th scope="col">{t("ranking.seat")}</th>
              <th scope="col">{t("ranking.role")}</th>
              <th scope="col">{t("ranking.score")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seat} class={r.seat === v.viewer ? "me" : undefined}>
                <td class="num">{r.rank}</td>
                <th scope="row">
                  {seatName(v, r.seat)}
                  {r.seat === v.viewer ? ` (${t("ranking.you")})` : ""}
                </th>
                <td>{seatKindWord(v.seats[r.seat])}</td>
                <td class="num">{fixed(r.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

// The standings tab: texts so far, the shared indicators, the seats.
export function Results() {
  const { v } = usePlay();
  const mine = v.scores.find((s) => s.seat === v.viewer);
  return (
    <div class="scene" data-testid="scene-results">
      {v.phase === 7 && <Ranking />}
      <Section title={t("results.texts")}>
        {v.texts.length === 0 ? (
          <Empty text={t("results.noTexts")} />
        ) : (
          <ul class="list">
            {v.texts.map((x) => (
              <li key={x.id}>
                {t("results.text", { cycle: x.cycle, label: x.label })}
                {x.inForce ? " · " + t("outcome.inForce") : ""}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={t("results.world")}>
        <dl class="facts">
          <dt>{t("outcome.regime")}</dt>
          <dd>{fixed(v.regime?.total ?? 0, 2)}</dd>
          <dt>{t("outcome.welfare")}</dt>
          <dd>{percent(v.migrantWelfare)}</dd>
          {mine && (
            <>
              <dt>{t("results.myScore")}</dt>
              <dd>{fixed(mine.total)}</dd>
            </>
          )}
        </dl>
      </Section>
      <Section title={t("results.seats")}>
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("ranking.seat")}</th>
              <th scope="col">{t("ranking.role")}</th>
              <th scope="col">{t("results.approval")}</th>
              <th scope="col">{t("results.capital")}</th>
            </tr>
          </thead>
          <tbody>
            {v.seats.map((s) => (
              <tr key={s.index} class={s.index === v.viewer ? "me" : undefined}>
                <th scope="row">
                  {s.name}
                  {s.bot ? ` (${t("seat.bot")})` : ""}
                </th>
                <td>{seatKindWord(s)}</td>
                <td class="num">{percent(s.approval)}</td>
                <td class="num">{s.politicalCapital}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t("results.events")}>
        {v.events.length === 0 ? (
          <Empty text={t("results.noEvents")} />
        ) : (
          <ol class="events" reversed>
            {[...v.events].reverse().slice(0, 30).map((e) => (
              <li key={e.serial}>{e.text}</li>
            ))}
          </ol>
        )}
      </Section>
    </div>
  );
}
