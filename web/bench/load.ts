// A gRPC-Web load client in Node, speaking to forumd's web port exactly as
// the browser seat does (connect-web's transport over fetch, binary): N
// sessions of S seats, one view stream per seat, and actions at a total rate
// R for D seconds. At every tick a random seat with something the engine's
// verdicts allow (ready, a statement, a vote, an endorsement, a pledge) sends
// it with its view's version. The latency of an action runs from the Act call
// to the acting seat's stream delivering a view at or past the version the
// server answered. Run by web/bench/load.mjs (see there).
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Forum } from "@gen/forum_pb";
import { ActionSchema, RuleError, VoteChoice } from "@gen/game_pb";
import type { View } from "@gen/game_pb";
import { writeFileSync } from "node:fs";

type ActionKind = MessageInitShape<typeof ActionSchema>["kind"];
const F = ActionSchema.field;

export interface LoadOptions {
  web: string;
  scenario: string;
  sessions: number;
  rate: number;
  seconds: number;
  // Several processes as one client: each starts sending at this time
  // (Date.now() milliseconds, after its streams are open) and writes its
  // latencies (ms, JSON) to `samples` for web/bench/merge.mjs.
  startAt?: number;
  samples?: string;
}

interface SeatConn {
  session: string;
  token: string;
  view: View | null;
  waiting: { version: bigint; t0: number } | null;
  busy: boolean;
}

function allowed(v: View, kind: number): number[] {
  // The targets the verdicts allow for a kind (0: the kind as a whole).
  let whole = false;
  const targets: number[] = [];
  for (const x of v.verdicts) {
    if (x.kind !== kind) continue;
    const ok = x.refused === RuleError.RULE_ERROR_UNSPECIFIED;
    if (x.target === 0) whole = ok;
    else if (ok) targets.push(x.target);
  }
  return whole ? (targets.length ? targets : [0]) : [];
}

function choose(v: View): ActionKind | null {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];
  const options: (() => ActionKind)[] = [];
  if (allowed(v, F.statement.number).length)
    options.push(() => ({ case: "statement", value: { position: Math.floor(Math.random() * 101), text: "" } }));
  const votes = allowed(v, F.vote.number).filter((c) => c > 0);
  if (votes.length) options.push(() => ({ case: "vote", value: { choice: pick(votes) as VoteChoice } }));
  const recs = allowed(v, F.endorse.number).filter((r) => r > 0);
  if (recs.length) options.push(() => ({ case: "endorse", value: { recommendation: pick(recs) } }));
  const texts = allowed(v, F.pledge.number).filter((r) => r > 0);
  if (texts.length) options.push(() => ({ case: "pledge", value: { text: pick(texts), level: 50 + Math.floor(Math.random() * 51) } }));
  if (!options.length && allowed(v, F.ready.number).length) options.push(() => ({ case: "ready", value: {} }));
  return options.length ? pick(options)() : null;
}

export async function run(o: LoadOptions): Promise<void> {
  const transport = createGrpcWebTransport({ baseUrl: o.web, useBinaryFormat: true });
  const forum = createClient(Forum, transport);
  const seats: SeatConn[] = [];
  const stops: AbortController[] = [];
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let sent = 0;
  let ok = 0;
  let stale = 0;
  const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);

  const info = (await forum.listScenarios({})).scenarios.find((x) => x.name === o.scenario);
  if (!info) throw new Error(`no scenario ${o.scenario}`);
  for (let i = 0; i < o.sessions; ++i) {
    const made = await forum.createSession({ scenario: o.scenario, timerPreset: "none", seed: BigInt(i + 1) });
    for (let seat = 0; seat < info.seats; ++seat) {
      const j = await forum.joinSession({ joinCode: made.joinCode, displayName: `load ${seat}`, wanted: { case: "seat", value: seat } });
      seats.push({ session: j.session, token: j.seatToken, view: null, waiting: null, busy: false });
    }
  }
  const auth = (s: SeatConn) => ({ authorization: `Bearer ${s.token}` });
  // One stream per seat.
  const streams = seats.map(async (s) => {
    const stop = new AbortController();
    stops.push(stop);
    try {
      for await (const ev of forum.subscribe({ session: s.session, chatBacklog: 1 }, { headers: auth(s), signal: stop.signal })) {
        if (ev.kind.case !== "view") continue;
        const v = ev.kind.value;
        if (ev.staticOmitted && s.view) v.themes = s.view.themes;
        s.view = v;
        if (s.waiting && v.version >= s.waiting.version) {
          latencies.push(performance.now() - s.waiting.t0);
          s.waiting = null;
        }
      }
    } catch (e) {
      if (!stop.signal.aborted && ConnectError.from(e).code !== Code.Canceled) fail("stream: " + ConnectError.from(e).rawMessage);
    }
  });
  while (seats.some((s) => !s.view)) await new Promise((r) => setTimeout(r, 50));
  console.log(`streams open: ${seats.length} (${o.sessions} sessions x ${info.seats} seats of ${o.scenario})`);
  if (o.startAt) {
    if (Date.now() > o.startAt) console.log(`late: the streams opened ${Date.now() - o.startAt} ms after --start-at`);
    while (Date.now() < o.startAt) await new Promise((r) => setTimeout(r, Math.min(50, o.startAt! - Date.now())));
  }

  const start = performance.now();
  const interval = 1000 / o.rate;
  let due = start;
  const inflight: Promise<void>[] = [];
  while (performance.now() - start < o.seconds * 1000) {
    due += interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A random seat with something to do.
    let s: SeatConn | null = null;
    let a: ActionKind | null = null;
    for (let tries = 0; tries < 20 && !a; ++tries) {
      const c = seats[Math.floor(Math.random() * seats.length)];
      if (c.busy || c.waiting || !c.view) continue;
      a = choose(c.view);
      s = c;
    }
    if (!s || !a) continue;
    const seat = s;
    seat.busy = true;
    ++sent;
    const t0 = performance.now();
    inflight.push(
      forum
        .act({ session: seat.session, action: { kind: a }, basedOn: { case: "basedOnVersion", value: seat.view!.version } }, { headers: auth(seat) })
        .then((r) => {
          ++ok;
          if (seat.view && seat.view.version >= r.version) latencies.push(performance.now() - t0);
          else seat.waiting = { version: r.version, t0 };
        })
        .catch((e) => {
          const err = ConnectError.from(e);
          if (err.code === Code.FailedPrecondition && /out of date/.test(err.rawMessage)) ++stale;
          else fail(`${Code[err.code]}: ${err.rawMessage.replace(/\d+/g, "N")}`);
        })
        .finally(() => {
          seat.busy = false;
        }),
    );
  }
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(inflight);
  // The views of the last actions (every answered action waits at most 2 s).
  for (let i = 0; i < 40 && seats.some((x) => x.waiting); ++i) await new Promise((r) => setTimeout(r, 50));
  const unseen = seats.filter((x) => x.waiting).length;
  for (const c of stops) c.abort();
  void streams;
  const sorted = [...latencies].sort((x, y) => x - y);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2) : "-");
  console.log(`sent ${sent} in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s asked ${o.rate}/s); ok ${ok}, stale ${stale}`);
  console.log(`act->view latency over ${sorted.length}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${sorted.length ? sorted[sorted.length - 1].toFixed(2) : "-"} ms`);
  if (unseen) console.log(`actions whose view never came: ${unseen}`);
  for (const [k, n] of errors) console.log(`error x${n}: ${k}`);
  if (o.samples) writeFileSync(o.samples, JSON.stringify({ sent, elapsed, ok, stale, unseen, errors: [...errors], latencies }));
}
