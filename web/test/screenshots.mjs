// The README's screenshots of the browser seat (not a test):
//   MF_FORUMD=build/server/forumd MF_FORUMCTL=build/tools/forumctl MF_WEB_ROOT=build/web \
//   MF_NODE_MODULES=build/web-npm/node_modules MF_CHROMIUM=/usr/lib/chromium/chromium \
//   node web/test/screenshots.mjs docs/
// One seat of classroom-8 (seed 7, bots elsewhere) at 1280x720 and 390x844:
// the brief, the statements and the drafting table.
import { createSession, launch, newPage, startForumd } from "./harness.mjs";
import { resolve } from "node:path";

const out = resolve(process.argv[2] || "docs");
const server = await startForumd();
const browser = await launch();
try {
  for (const [w, h] of [
    [1280, 720],
    [390, 844],
  ]) {
    const s = createSession(server, "classroom-8", [0]);
    const page = await newPage(browser, w, h);
    await page.goto(`${server.web}/#join=${s.join_code}`);
    await page.waitForSelector("#join-name");
    await page.type("#join-name", "Ana");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="scene-brief"]');
    await page.screenshot({ path: `${out}/web-brief-${w}x${h}.png` });
    await page.click('[data-testid="to-table"]');
    const ready = async () => {
      const n = await page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
      await page.click('[data-testid="ready-button"]');
      await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
    };
    await ready();
    await page.waitForSelector('[data-phase="STATEMENTS"]');
    await page.click('[data-testid="statement-position"]', { clickCount: 3 });
    await page.type('[data-testid="statement-position"]', "72");
    await page.click('[data-testid="statement-button"]');
    await page.waitForFunction(() => /72/.test(document.querySelector('[data-testid="statements"]').textContent));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${out}/web-statements-${w}x${h}.png` });
    await ready();
    await page.waitForSelector('[data-phase="DRAFTING"] [data-testid="draft-summary"]');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${out}/web-drafting-${w}x${h}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
