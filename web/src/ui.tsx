// Shared pieces of the scenes: the action button greyed with the engine's
// reason, the policy axis, headings.
import { createContext } from "preact";
import type { ComponentChildren } from "preact";
import { useContext, useState } from "preact/hooks";
import type { Theme, View } from "@gen/game_pb";
import type { ActionKind, SeatSession } from "./api";
import { t } from "./i18n";
import { verdict } from "./verdicts";
import { positionWords } from "./words";

export interface Play {
  v: View;
  s: SeatSession;
  // Sends an action; the App shows the result (done, or the server's words).
  act: (kind: ActionKind, what: string) => Promise<boolean>;
}

export const PlayContext = createContext<Play | null>(null);

export function usePlay(): Play {
  const p = useContext(PlayContext);
  if (!p) throw new Error("usePlay outside a seat");
  return p;
}

let nextId = 0;
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

// A button for one action: greyed, with the engine's reason beside it, when
// the verdicts refuse it (aria-disabled keeps it focusable, so the reason is
// read out with it).
export function ActButton(props: {
  kind: number;
  target?: number;
  label: string;
  action: () => ActionKind | null;
  what?: string;
  variant?: "primary" | "plain" | "danger";
  testid?: string;
}) {
  const { v, act } = usePlay();
  const [busy, setBusy] = useState(false);
  const id = useId("why");
  const vd = verdict(v, props.kind, props.target ?? 0);
  const off = !vd.ok || busy;
  const onClick = async () => {
    if (off) return;
    const a = props.action();
    if (!a) return;
    setBusy(true);
    try {
      await act(a, props.what ?? props.label);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="act">
      <button
        type="button"
        class={`btn ${props.variant ?? "plain"}`}
        aria-disabled={off ? "true" : undefined}
        aria-describedby={vd.ok ? undefined : id}
        data-testid={props.testid}
        onClick={onClick}
      >
        {props.label}
      </button>
      {!vd.ok && vd.reason && (
        <span id={id} class="reason" data-testid={props.testid ? props.testid + "-reason" : undefined}>
          {vd.reason}
        </span>
      )}
    </span>
  );
}

export interface Mark {
  pos: number;
  label: string;
  kind: "quo" | "draft" | "ideal" | "stmt" | "mine" | "amend" | "rec";
}

// A theme's policy axis 0..100 with marks on it, and the same marks as a
// list (what a screen reader reads; the drawing is decorative).
export function Axis(props: { theme: Theme | undefined; marks: Mark[]; caption?: string }) {
  const th = props.theme;
  return (
    <figure class="axis-figure">
      {props.caption && <figcaption>{props.caption}</figcaption>}
      <div class="axis" aria-hidden="true">
        <div class="axis-line" />
        {props.marks.map((m, i) => (
          <span key={i} class={`mark mark-${m.kind}`} style={{ left: `${Math.min(100, Math.max(0, m.pos))}%` }} title={m.label} />
        ))}
      </div>
      <div class="axis-ends">
        <span>0 · {th?.lowLabel}</span>
        <span>{th?.highLabel} · 100</span>
      </div>
      <ul class="marks">
        {props.marks.map((m, i) => (
          <li key={i}>
            <span class={`dot mark-${m.kind}`} aria-hidden="true" /> {m.label}: {positionWords(th, m.pos)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function Section(props: { title: string; children: ComponentChildren; id?: string; testid?: string; wide?: boolean }) {
  const hid = useId("h");
  return (
    <section class={props.wide ? "card wide" : "card"} aria-labelledby={hid} id={props.id} data-testid={props.testid}>
      <h2 id={hid}>{props.title}</h2>
      {props.children}
    </section>
  );
}

// A 0..100 slider with its number, both labelled.
export function PositionInput(props: { label: string; value: number; onInput: (n: number) => void; testid?: string }) {
  const id = useId("pos");
  return (
    <div class="field position">
      <label for={id}>{props.label}</label>
      <div class="row">
        <input
          id={id}
          type="range"
          min={0}
          max={100}
          value={props.value}
          onInput={(e) => props.onInput(Number((e.target as HTMLInputElement).value))}
        />
        <input
          type="number"
          min={0}
          max={100}
          value={props.value}
          aria-label={props.label}
          data-testid={props.testid}
          onInput={(e) => {
            const n = Number((e.target as HTMLInputElement).value);
            if (Number.isFinite(n)) props.onInput(Math.min(100, Math.max(0, Math.round(n))));
          }}
        />
      </div>
    </div>
  );
}

export function Empty(props: { text: string }) {
  return <p class="muted">{props.text}</p>;
}

export function tr(key: string, params?: Record<string, string | number>): string {
  return t(key, params);
}
