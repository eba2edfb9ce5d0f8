// Talk: the public channel, bilaterals with each seat and the caucuses the
// seat belongs to.
import { useState } from "preact/hooks";
import type { ChatMessage } from "@gen/forum_pb";
import type { View } from "@gen/game_pb";
import type { ChatChannel } from "../api";
import { failure } from "../api";
import { t } from "../i18n";
import { Section, useId, usePlay } from "../ui";
import { seatName } from "../words";

function channelKey(c: ChatChannel): string {
  return `${c.case}:${c.value}`;
}

// The conversation a message belongs to, seen from `viewer`.
function conversationOf(m: ChatMessage, viewer: number): string {
  const to = m.channel?.to;
  if (!to || to.case === undefined || to.case === "everyone") return "everyone:true";
  if (to.case === "seat") return `seat:${to.value === viewer ? m.from : to.value}`;
  return `caucus:${to.value}`;
}

function channels(v: View): { key: string; channel: ChatChannel; label: string }[] {
  const me = v.seats[v.viewer];
  const list: { key: string; channel: ChatChannel; label: string }[] = [
    { key: "everyone:true", channel: { case: "everyone", value: true }, label: t("talk.public") },
  ];
  // The facilitator and the projector: the public channel (the facilitator
  // reads every channel in the debrief record).
  if (v.viewer < 0) return list;
  for (const c of v.caucuses)
    if (me && c.members.includes(me.id)) {
      const ch: ChatChannel = { case: "caucus", value: c.id };
      list.push({ key: channelKey(ch), channel: ch, label: t("talk.caucus", { name: c.name }) });
    }
  for (const s of v.seats)
    if (s.index !== v.viewer) {
      const ch: ChatChannel = { case: "seat", value: s.index };
      list.push({ key: channelKey(ch), channel: ch, label: t("talk.with", { seat: s.name }) });
    }
  return list;
}

export function Talk() {
  const { v, s } = usePlay();
  const [key, setKey] = useState("everyone:true");
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const [sending, setSending] = useState(false);
  const chat = s.state.chat;
  const list = channels(v);
  const current = list.find((c) => c.key === key) ?? list[0];
  const shown = chat.filter((m) => conversationOf(m, v.viewer) === current.key);
  const selId = useId("chan");
  const textId = useId("msg");
  const unread = (k: string) => chat.filter((m) => conversationOf(m, v.viewer) === k).length;
  const send = async (e: Event) => {
    e.preventDefault();
    const words = text.trim();
    if (!words || sending) return;
    setSending(true);
    setError("");
    try {
      await s.say(current.channel, words);
      setText("");
    } catch (err) {
      setError(failure(err).message);
    } finally {
      setSending(false);
    }
  };
  return (
    <div class="scene" data-testid="scene-talk">
      <Section title={t("talk.title")}>
        <div class="field">
          <label for={selId}>{t("talk.channel")}</label>
          <select id={selId} value={current.key} onChange={(e) => setKey((e.target as HTMLSelectElement).value)}>
            {list.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label} ({unread(c.key)})
              </option>
            ))}
          </select>
        </div>
        <div class="chat" role="log" aria-live="polite" aria-label={current.label} data-testid="chat-log">
          <ol>
          {shown.length === 0 && <li class="muted">{t("talk.empty")}</li>}
          {shown.map((m) => (
            <li key={m.serial.toString()} class={m.from === v.viewer ? "mine" : undefined}>
              <strong>{m.fromName || seatName(v, m.from)}</strong>: {m.text}
            </li>
          ))}
          </ol>
        </div>
        {v.viewer >= -1 && (
        <form onSubmit={send} class="compose">
          <label for={textId}>{t("talk.message")}</label>
          <div class="row">
            <input
              id={textId}
              type="text"
              maxLength={500}
              value={text}
              autocomplete="off"
              data-testid="chat-input"
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="btn primary" data-testid="chat-send" aria-disabled={sending ? "true" : undefined}>
              {t("talk.send")}
            </button>
          </div>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
        </form>
        )}
      </Section>
    </div>
  );
}
