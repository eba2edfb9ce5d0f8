// Act-to-view latency through forumd's web port (gRPC-Web) under load, with
// a Node client that speaks it as the browser seat does (web/bench/load.ts).
// Not a test: a measurement. One Node process is the bottleneck beyond about
// 200 actions/s; web/bench/multi.sh runs several as one client (--start-at,
// --samples) and merges their latencies.
//   build/server/forumd --listen 127.0.0.1:0 --web-listen 127.0.0.1:8090 --data /tmp/webload \
//     --rate 1000 --burst 1000 --peer-burst 0 --create-burst 0 &
//   node web/bench/load.mjs --modules build/web-npm/node_modules --gen build/web-npm/gen \
//     --web http://127.0.0.1:8090 --scenario puebla-process --sessions 50 --rate 500 --seconds 15
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith("--")) pairs.push([a.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const modules = resolve(args.modules ?? "build/web-npm/node_modules");
const gen = resolve(args.gen ?? "build/web-npm/gen");
const require = createRequire(join(modules, "noop.js"));
const esbuild = require("esbuild");
const out = join(mkdtempSync(join(tmpdir(), "mf-load-")), "load.mjs");
await esbuild.build({
  entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "load.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node18",
  nodePaths: [modules],
  outfile: out,
  logLevel: "warning",
  plugins: [{ name: "gen", setup: (b) => b.onResolve({ filter: /^@gen\// }, (a) => ({ path: join(gen, a.path.slice(5) + ".ts") })) }],
});
const { run } = await import(pathToFileURL(out).href);
await run({
  web: args.web ?? "http://127.0.0.1:8090",
  scenario: args.scenario ?? "puebla-process",
  sessions: Number(args.sessions ?? 50),
  rate: Number(args.rate ?? 500),
  seconds: Number(args.seconds ?? 15),
  startAt: args["start-at"] ? Number(args["start-at"]) : undefined,
  samples: args.samples,
});
process.exit(0); // The streams' fetches are aborted; nothing else to wait for.
