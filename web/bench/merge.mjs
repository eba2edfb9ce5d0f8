// Merges the --samples files of several web/bench/load.mjs processes (run
// together by web/bench/multi.sh): actions sent per second in all, and the
// Act-to-view latency's p50, p99 and max over every action.
//   node web/bench/merge.mjs /tmp/load-1.json /tmp/load-2.json ...
import { readFileSync } from "node:fs";

const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")));
const all = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
const q = (p) => (all.length ? all[Math.min(all.length - 1, Math.floor(p * all.length))].toFixed(2) : "-");
const sent = runs.reduce((n, r) => n + r.sent, 0);
const elapsed = Math.max(...runs.map((r) => r.elapsed));
const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
console.log(`${runs.length} processes: sent ${sent} in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s); ok ${sum("ok")}, stale ${sum("stale")}, view never came ${sum("unseen")}`);
console.log(`act->view latency over ${all.length}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${all.length ? all[all.length - 1].toFixed(2) : "-"} ms`);
const errors = new Map();
for (const r of runs) for (const [k, n] of r.errors) errors.set(k, (errors.get(k) ?? 0) + n);
for (const [k, n] of errors) console.log(`error x${n}: ${k}`);
