// The connection to forumd: gRPC-Web (binary) on the page's own origin, the
// seat kept in localStorage, and the seat's view stream, resubscribed after a
// reload or a dropped connection.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { Forum, Notice_Kind } from "@gen/forum_pb";
import type { ChatMessage, Notice, Roster, ServerEvent } from "@gen/forum_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ActionSchema, View } from "@gen/game_pb";

// One action as the client builds it (a oneof case and its fields).
export type ActionKind = MessageInitShape<typeof ActionSchema>["kind"];

const transport = createGrpcWebTransport({ baseUrl: location.origin, useBinaryFormat: true });
export const forum = createClient(Forum, transport);

// A seat this browser holds; or the facilitator's chair (its token), a
// projector watching by the join code (no token), or a press desk (its
// desk's token: the public view, and reports to publish).
export interface Seat {
  role?: "seat" | "facilitator" | "spectator" | "press";
  session: string;
  token: string;
  seat: number;
  seatName: string;
  name: string;
  code: string;
}

const SEAT_KEY = "mf.seat";

export function loadSeat(): Seat | null {
  try {
    const s = JSON.parse(localStorage.getItem(SEAT_KEY) || "null");
    if (s && typeof s.session === "string" && typeof s.token === "string" && (s.token || s.role === "spectator"))
      return s as Seat;
  } catch {
    // Unreadable: as if none.
  }
  return null;
}

export function saveSeat(s: Seat): void {
  try {
    localStorage.setItem(SEAT_KEY, JSON.stringify(s));
  } catch {
    // No storage: the seat lasts for this page only.
  }
}

export function clearSeat(): void {
  try {
    localStorage.removeItem(SEAT_KEY);
  } catch {
    // Nothing kept.
  }
}

export function bearer(token: string): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${token}` } };
}

// The server's status message (its own words) and code.
export function failure(e: unknown): { code: Code; message: string } {
  const err = ConnectError.from(e);
  return { code: err.code, message: err.rawMessage || Code[err.code] || String(e) };
}

export async function join(code: string, name: string): Promise<Seat> {
  const r = await forum.joinSession({ joinCode: code, displayName: name });
  return { session: r.session, token: r.seatToken, seat: r.seat, seatName: r.seatName, name, code };
}

// A press desk by the join code: the first free desk (JoinSessionRequest.press).
export async function joinPress(code: string, name: string): Promise<Seat> {
  const r = await forum.joinSession({ joinCode: code, displayName: name, press: true });
  return { role: "press", session: r.session, token: r.seatToken, seat: -1, seatName: r.seatName, name, code };
}

export type Conn = "connecting" | "live" | "reconnecting" | "over";

export interface SeatState {
  view: View | null;
  chat: ChatMessage[];
  notice: Notice | null;
  conn: Conn;
  // Seconds left in the phase at `secondsAt` (Date.now()); 0: no clock.
  secondsLeft: number;
  secondsAt: number;
  // Why the seat cannot be resumed (the server's words); the stream stopped.
  fatal: string | null;
  // The facilitator's stream: who holds which seat, who is connected.
  roster: Roster | null;
  // The seat is in a bot's hands (the notice saying so), until it is back.
  handover: Notice | null;
}

// Fields a later view of the stream leaves out (ServerEvent.static_omitted):
// rules/view.cc's kStaticFields, in the generated code's names (the web
// catalogue test holds the two lists equal). The decision rule is not one of
// them: a theme that chooses the forum changes it during the game.
const STATIC_FIELDS = [
  "scenario",
  "title",
  "description",
  "cycles",
  "themes",
  "brief",
  "allBriefs",
  "caucuses",
  "observers",
] as const;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const id = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(id);
      resolve();
    });
  });
}

// One seat's live state: the merged view, the chat and the last notice.
export class SeatSession {
  state: SeatState = {
    view: null,
    chat: [],
    notice: null,
    conn: "connecting",
    secondsLeft: 0,
    secondsAt: 0,
    fatal: null,
    roster: null,
    handover: null,
  };
  private listeners = new Set<() => void>();
  private stop = new AbortController();
  private current: AbortController | null = null;
  private seen = new Set<string>();
  private over = false;

  constructor(readonly seat: Seat) {}

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private set(patch: Partial<SeatState>): void {
    this.state = { ...this.state, ...patch };
    for (const f of this.listeners) f();
  }

  start(): void {
    void this.loop();
    // Back online: try at once rather than at the end of the wait.
    window.addEventListener("online", this.nudge);
  }

  close(): void {
    window.removeEventListener("online", this.nudge);
    this.stop.abort();
    this.current?.abort();
  }

  private wake: AbortController | null = null;
  private nudge = (): void => {
    this.wake?.abort();
  };

  private async loop(): Promise<void> {
    let delay = 500;
    while (!this.stop.signal.aborted) {
      const ctl = new AbortController();
      this.current = ctl;
      const signal = ctl.signal;
      try {
        const stream =
          this.seat.role === "spectator"
            ? forum.subscribe({ spectatorCode: this.seat.code, chatBacklog: 200 }, { signal })
            : forum.subscribe({ session: this.seat.session, chatBacklog: 200 }, { ...bearer(this.seat.token), signal });
        for await (const ev of stream) {
          delay = 500;
          this.apply(ev);
        }
        if (this.over) {
          this.set({ conn: "over" });
          return;
        }
      } catch (e) {
        if (this.stop.signal.aborted) return;
        const f = failure(e);
        if (f.code === Code.Unauthenticated || f.code === Code.NotFound || f.code === Code.PermissionDenied) {
          this.set({ fatal: f.message, conn: "over" });
          return;
        }
      }
      if (this.stop.signal.aborted) return;
      this.set({ conn: "reconnecting" });
      this.wake = new AbortController();
      await sleep(delay, this.wake.signal);
      delay = Math.min(delay * 2, 8000);
    }
  }

  private apply(ev: ServerEvent): void {
    const k = ev.kind;
    if (k.case === "view") {
      const v = k.value;
      const prev = this.state.view;
      if (ev.staticOmitted && prev) {
        const target = v as unknown as Record<string, unknown>;
        const source = prev as unknown as Record<string, unknown>;
        for (const f of STATIC_FIELDS) target[f] = source[f];
      }
      this.set({ view: v, conn: "live", secondsLeft: ev.phaseSecondsLeft, secondsAt: Date.now() });
    } else if (k.case === "chat") {
      const m = k.value;
      const id = m.serial.toString();
      if (this.seen.has(id)) return;
      this.seen.add(id);
      const chat = [...this.state.chat, m].sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
      this.set({ chat: chat.slice(-500), conn: "live" });
    } else if (k.case === "roster") {
      this.set({ roster: k.value, conn: "live" });
    } else if (k.case === "notice") {
      const n = k.value;
      if (n.kind === Notice_Kind.GAME_OVER) this.over = true;
      const patch: Partial<SeatState> = { notice: n, conn: "live" };
      if (n.kind === Notice_Kind.SEAT_TO_BOT) patch.handover = n;
      if (n.kind === Notice_Kind.SEAT_TO_HUMAN) patch.handover = null;
      if (n.phaseSecondsLeft > 0) {
        patch.secondsLeft = n.phaseSecondsLeft;
        patch.secondsAt = Date.now();
      }
      this.set(patch);
    }
  }

  // One action of the seat, decided on the view shown (a changed choice is
  // refused as stale by the server: the player decides again).
  // The facilitator's actions go by Facilitate (with `botStrategy` for SetBot).
  async act(action: ActionKind): Promise<void> {
    const v = this.state.view;
    const req = {
      session: this.seat.session,
      action: { kind: action },
      basedOn: v ? { case: "basedOnVersion" as const, value: v.version } : { case: undefined },
    };
    if (this.seat.role === "facilitator") await forum.facilitate(req, bearer(this.seat.token));
    else await forum.act(req, bearer(this.seat.token));
  }

  // The session's join code, as the facilitator's token may read it.
  async joinCode(): Promise<string> {
    const r = await forum.listSessions({ includeFinished: true }, bearer(this.seat.token));
    return r.sessions.find((x) => x.session === this.seat.session)?.joinCode ?? "";
  }

  async say(channel: ChatChannel, text: string): Promise<void> {
    await forum.sendMessage(
      { session: this.seat.session, channel: { to: channel }, text },
      bearer(this.seat.token),
    );
  }
}

export type ChatChannel =
  | { case: "everyone"; value: boolean }
  | { case: "seat"; value: number }
  | { case: "caucus"; value: string };
