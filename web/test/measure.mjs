// Measures (not a test) the browser seat on loopback, in headless chromium:
//   load  from opening the join link (fresh profile, nothing cached) to the
//         join form ready for a name;
//   join  from pressing Enter on the form to the seat's first view rendered
//         (JoinSession, then the view stream's first view, over gRPC-Web);
//   table from opening the link to the roundtable shown (the two above, the
//         name typed by the driver, and one click from the brief to the table);
//   act   from clicking "State your position" to the statement drawn on the
//         page (Act over gRPC-Web, then the view that carries it on the
//         seat's stream); one seat at a time, not under load.
//   MF_FORUMD=build/server/forumd MF_FORUMCTL=build/tools/forumctl MF_WEB_ROOT=build/web \
//   MF_NODE_MODULES=build/web-npm/node_modules MF_CHROMIUM=/usr/lib/chromium/chromium \
//   node web/test/measure.mjs [RUNS]
import { createSession, launch, newPage, startForumd } from "./harness.mjs";

const runs = Number(process.argv[2] || 20);
const server = await startForumd();
const browser = await launch();
const load = [];
const join = [];
const table = [];
const act = [];
try {
  for (let i = 0; i < runs; ++i) {
    const s = createSession(server, "classroom-8", [0]);
    const page = await newPage(browser, 1280, 720);
    const t0 = performance.now();
    await page.goto(`${server.web}/#join=${s.join_code}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#join-name");
    const t1 = performance.now();
    await page.type("#join-name", "Ana");
    const t2 = performance.now();
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="scene-brief"]');
    const t3 = performance.now();
    await page.click('[data-testid="to-table"]');
    await page.waitForSelector('[data-testid="scene-table"]');
    const t4 = performance.now();
    const n = await page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
    await page.click('[data-testid="ready-button"]');
    await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
    await page.waitForSelector('[data-phase="STATEMENTS"]');
    await page.click('[data-testid="statement-position"]', { clickCount: 3 });
    await page.type('[data-testid="statement-position"]', "61");
    const t5 = performance.now();
    await page.click('[data-testid="statement-button"]');
    await page.waitForFunction(() => /Kalmara: 61\b/.test(document.querySelector('[data-testid="statements"]')?.textContent ?? ""));
    act.push(performance.now() - t5);
    load.push(t1 - t0);
    join.push(t3 - t2);
    table.push(t4 - t0);
    await page.browserContext().close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const stat = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return `median ${v[Math.floor(v.length / 2)].toFixed(0)} ms, max ${v[v.length - 1].toFixed(0)} ms`;
};
console.log(`runs: ${runs}`);
console.log(`load  (link to join form):           ${stat(load)}`);
console.log(`join  (Enter to the seat's first view): ${stat(join)}`);
console.log(`table (link to the roundtable shown):  ${stat(table)}`);
console.log(`act   (click to the statement drawn):  ${stat(act)}`);
