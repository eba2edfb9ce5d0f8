// What the browser tests share: a real forumd with its web port (started
// here, stopped at the end), forumctl for the facilitator's side, Debian's
// chromium driven by puppeteer-core, and the axe-core scan.
//
// Environment (tests/CMakeLists.txt sets it): MF_FORUMD, MF_FORUMCTL,
// MF_WEB_ROOT (the built client), MF_NODE_MODULES (npm ci's node_modules),
// MF_CHROMIUM (the browser program).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run the test through ctest)`);
  return v;
}

const require = createRequire(join(resolve(env("MF_NODE_MODULES")), "noop.js"));
export const puppeteer = require("puppeteer-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// forumd on loopback ports it picks itself (or those of `again`, a forumd
// stopped with keep: the same data and ports); resolves once both serve.
export async function startForumd(again) {
  const dir = again ? again.dir : mkdtempSync(join(tmpdir(), "mf-web-"));
  const grpcAt = again ? again.grpc : "127.0.0.1:0";
  const webAt = again ? again.web.replace(/^https?:\/\//, "") : "127.0.0.1:0";
  const proc = spawn(
    env("MF_FORUMD"),
    ["--data", join(dir, "data"), "--listen", grpcAt, "--web-listen", webAt, "--web-root", env("MF_WEB_ROOT")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  proc.stderr.on("data", (d) => (log += d));
  const lines = createInterface({ input: proc.stdout });
  const addr = await new Promise((resolve, reject) => {
    let grpc = "";
    proc.once("exit", (code) => reject(new Error(`forumd exited ${code}: ${log}`)));
    lines.on("line", (l) => {
      let m = /^forumd listening on (\S+)/.exec(l);
      if (m) grpc = m[1];
      m = /^forumd gRPC-Web on (http\S+?)\/?$/.exec(l);
      if (m) resolve({ grpc, web: m[1] });
    });
  });
  return {
    ...addr,
    dir,
    log: () => log,
    // keep: leave the data for a restart (startForumd(this)).
    async stop(keep = false) {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await done;
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function forumctl(...args) {
  return execFileSync(env("MF_FORUMCTL"), args, { encoding: "utf8" });
}

// A session with bots in every seat but `free` (0-based), no clocks, bots at full speed.
export function createSession(server, scenario, free) {
  const seats = Number(
    forumctl("scenarios")
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .find((w) => w[0] === scenario)[1],
  );
  const bots = [];
  for (let i = 0; i < seats; ++i) if (!free.includes(i)) bots.push(`${i}:normal`);
  const out = forumctl(
    "session", "create", "--server", server.grpc, "--scenario", scenario,
    "--bots", bots.join(","), "--timers", "none", "--pace", "0", "--seed", "7",
  );
  return JSON.parse(out);
}

export async function launch(lang = "en-US") {
  return puppeteer.launch({
    executablePath: env("MF_CHROMIUM"),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", `--lang=${lang}`],
  });
}

// A page in a fresh profile (its own localStorage), at a given size.
export async function newPage(browser, width = 1280, height = 720, lang = "en-US,en") {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport({ width, height });
  await page.setExtraHTTPHeaders({ "Accept-Language": lang });
  await page.evaluateOnNewDocument((l) => {
    Object.defineProperty(navigator, "languages", { get: () => l.split(",") });
    Object.defineProperty(navigator, "language", { get: () => l.split(",")[0] });
  }, lang);
  page.setDefaultTimeout(60000);
  return page;
}

// axe-core on the page as it is now: the serious and critical violations.
export async function axeScan(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== "undefined");
  // Evaluated through the DevTools protocol: the page's CSP does not apply.
  if (!hasAxe) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
    }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function text(page, selector) {
  return page.$eval(selector, (e) => e.textContent || "");
}

// Clicks a control once it is enabled (aria-disabled unset).
export async function clickEnabled(page, testid) {
  const sel = `[data-testid="${testid}"]:not([aria-disabled="true"])`;
  await page.waitForSelector(sel);
  await page.click(sel);
}
