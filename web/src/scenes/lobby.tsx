// The lobby: the scenario, the seats and who holds them, while the
// facilitator has not started the session.
import { t } from "../i18n";
import { Section, usePlay } from "../ui";
import { roleWord, ruleWord } from "../words";

export function Lobby() {
  const { v } = usePlay();
  return (
    <div class="scene" data-testid="scene-lobby">
      <Section title={t("lobby.title")}>
        <p class="lead">{t("lobby.waiting")}</p>
        <p>{v.description}</p>
        <p>{t("lobby.rule", { rule: ruleWord(v.decisionRule), cycles: v.cycles })}</p>
      </Section>
      <Section title={t("lobby.seats")}>
        <ul class="list">
          {v.seats.map((s) => (
            <li key={s.index} class={s.index === v.viewer ? "me" : undefined}>
              <strong>{s.name}</strong> · {roleWord(s.role)} · {s.region}
              {s.index === v.viewer ? ` · ${t("lobby.you")}` : s.bot ? ` · ${t("seat.bot")}` : ""}
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
