// The seat's secret brief: its stances, priorities and red lines.
import { t } from "../i18n";
import { Section, usePlay } from "../ui";
import { SeatKind } from "@gen/game_pb";
import { blocWord, formWord, roleWord, seatKindWord, themeName, themeOf, positionWords } from "../words";

export function Brief() {
  const { v } = usePlay();
  const me = v.seats[v.viewer];
  const b = v.brief;
  const total = b ? b.stances.reduce((s, x) => s + x.priority, 0) : 0;
  return (
    <div class="scene" data-testid="scene-brief">
      <Section title={t("brief.title", { seat: me?.name ?? "" })}>
        <p class="muted">{t("brief.secret")}</p>
        {me && (
          <p>
            {me.kind === SeatKind.SEAT_ORGANISATION
              ? t("brief.whoOrganisation", { mandate: seatKindWord(me) })
              : t("brief.who", { role: roleWord(me.role), bloc: blocWord(me.bloc) })}
            {me.region ? ` ${me.region}.` : ""}
          </p>
        )}
        <p class="briefing" data-testid="briefing">
          {b?.briefing}
        </p>
      </Section>
      <Section title={t("brief.stances")}>
        <ul class="list">
          {(b?.stances ?? []).map((s) => (
            <li key={s.theme}>
              <strong>{themeName(v, s.theme)}</strong>:{" "}
              {t("brief.ideal", { pos: positionWords(themeOf(v, s.theme), s.ideal) })} ·{" "}
              {t("brief.weight", { pct: total > 0 ? Math.round((100 * s.priority) / total) : 0 })}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("brief.redLines")}>
        {(b?.redLines ?? []).length === 0 ? (
          <p>{t("brief.noRedLines")}</p>
        ) : (
          <ul class="list">
            {b!.redLines.map((r, i) => (
              <li key={i}>
                <strong>{themeName(v, r.theme)}</strong>:{" "}
                {[
                  r.maxForm ? t("brief.maxForm", { form: formWord(r.maxForm) }) : "",
                  r.maxPosition > 0 && r.maxPosition < 100 ? t("brief.maxPosition", { pos: r.maxPosition }) : "",
                  r.minPosition > 0 ? t("brief.minPosition", { pos: r.minPosition }) : "",
                ]
                  .filter(Boolean)
                  .join("; ")}
                {r.reason ? ` — ${r.reason}` : ""}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
