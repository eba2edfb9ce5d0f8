// The facilitator's controls and the projector in the browser, against a
// real forumd, in Debian's headless chromium: a session created paused; the
// projector (join code, no token) and the facilitator (its token) watch; a
// student joins from the link the facilitator's page shows; the facilitator
// starts the session, ends a phase, hands the student's seat to a bot and
// back, and pauses (the seat's controls then greyed with the engine's
// reason). axe-core scans both layouts.
import test from "node:test";
import assert from "node:assert/strict";
import { axeScan, forumctl, launch, newPage, startForumd, text } from "./harness.mjs";

const answers = (page) => page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
async function clickAndWait(page, testid) {
  const n = await answers(page);
  await page.click(`[data-testid="${testid}"]`);
  await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
  const error = await page.$eval('[data-testid="error"]', (e) => e.textContent).catch(() => "");
  assert.equal(error, "", `${testid} was refused`);
}

test("the facilitator runs a session from the browser; the projector follows", { timeout: 600000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    const bots = [1, 2, 3, 4, 5, 6, 7].map((i) => `${i}:normal`).join(",");
    const s = JSON.parse(
      forumctl("session", "create", "--server", server.grpc, "--scenario", "classroom-8", "--bots", bots,
        "--timers", "none", "--pace", "0", "--seed", "7", "--paused"),
    );
    // The facilitator opens the link with its token; the address bar drops it.
    const fac = await newPage(browser, 1280, 720);
    await fac.goto(`${server.web}/#facilitate=${encodeURIComponent(s.facilitator_token)}&session=${s.session}`);
    await fac.waitForSelector('[data-testid="scene-facilitate"]');
    assert.equal(await fac.evaluate(() => location.hash), "", "the token left the address bar");
    await fac.waitForSelector('[data-testid="fac-join-link"]');
    const joinText = await text(fac, '[data-testid="fac-join-link"]');
    const link = /(http\S+#join=\S+)/.exec(joinText)?.[1];
    assert.ok(link && link.endsWith(s.join_code), `the join link: ${joinText}`);
    assert.deepEqual(await axeScan(fac), [], "facilitator: serious or critical violations");

    // The projector, by the join code alone.
    const proj = await newPage(browser, 1920, 1080);
    await proj.goto(`${server.web}/#spectate=${s.join_code}`);
    await proj.waitForSelector('[data-testid="scene-projector"][data-phase="CIVIL_SOCIETY"]');
    assert.match(await text(proj, '[data-testid="join-link"]'), new RegExp(s.join_code));
    assert.deepEqual(await axeScan(proj), [], "projector: serious or critical violations");

    // A student joins by the link; the facilitator sees the player connected.
    const seat = await newPage(browser, 390, 844);
    await seat.goto(link);
    await seat.waitForSelector("#join-name");
    await seat.type("#join-name", "Gil");
    await seat.keyboard.press("Enter");
    await seat.waitForSelector('[data-testid="scene-brief"]');
    await seat.click('[data-testid="to-table"]');
    await seat.waitForSelector('[data-testid="scene-lobby"]');
    await fac.waitForFunction(() => /Gil/.test(document.querySelector('[data-testid="fac-seat-0"]')?.textContent ?? ""));
    assert.match(await text(fac, '[data-testid="fac-seat-0"]'), /Gil.*yes/);
    // Paused: the seat's "done" is greyed with the engine's reason.
    await seat.waitForSelector('[data-testid="tab-table"]');

    await clickAndWait(fac, "fac-resume");
    await seat.waitForSelector('[data-testid="scene-table"][data-phase="CIVIL_SOCIETY"]');
    await clickAndWait(fac, "fac-advance");
    await seat.waitForSelector('[data-testid="scene-table"][data-phase="STATEMENTS"]');
    await proj.waitForSelector('[data-testid="scene-projector"][data-phase="STATEMENTS"]');

    // Paused: the student's controls are greyed with the engine's reason.
    await clickAndWait(fac, "fac-pause");
    await seat.waitForSelector('[data-testid="ready-button"][aria-disabled="true"]');
    assert.match(await text(seat, '[data-testid="ready-button-reason"]'), /paused/i);
    await fac.waitForSelector('[data-testid="fac-pause"][aria-disabled="true"]');
    assert.match(await text(fac, '[data-testid="fac-pause-reason"]'), /already paused/);
    // The seat to a bot (while paused: eight bots would finish the game at
    // once): the student is told; and back.
    await clickAndWait(fac, "fac-setbot-0");
    await seat.waitForSelector('[data-testid="handover"]');
    assert.match(await text(seat, '[data-testid="handover"]'), /a bot .* plays your seat/);
    await fac.waitForFunction(() => /a bot \(/.test(document.querySelector('[data-testid="fac-seat-0"]')?.textContent ?? ""));
    await clickAndWait(fac, "fac-setbot-0");
    await fac.waitForFunction(() => /a person/.test(document.querySelector('[data-testid="fac-seat-0"]')?.textContent ?? ""));
    await seat.waitForFunction(() => !document.querySelector('[data-testid="handover"]'));

    await proj.waitForFunction(() => /paused/i.test(document.querySelector('[data-testid="scene-projector"]')?.textContent ?? ""));
    assert.deepEqual(await axeScan(proj), [], "projector (paused): serious or critical violations");
    assert.deepEqual(await axeScan(fac), [], "facilitator (paused): serious or critical violations");
  } finally {
    await browser.close();
    await server.stop();
  }
});
