// Issue 13's roles in the browser, against a real forumd, in Debian's
// headless chromium: a press desk joins by its link (#press=CODE), publishes
// a report that the projector's and a seat's browsers show, and its second
// report in the phase is greyed with the engine's reason; a caucus member
// tables its regional draft in Drafting and votes on it in Decision, and the
// walk-out button is greyed with the engine's reason at a forum that does
// not vote and live for a destination where the forum votes (hld-2013).
// A campaign's second session says in the header what carried over.
// axe-core scans the press desk's page and a Decision with regional texts.
import test from "node:test";
import assert from "node:assert/strict";
import { axeScan, forumctl, launch, newPage, startForumd, text } from "./harness.mjs";

const answers = (page) => page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
async function clickAndWait(page, testid) {
  const n = await answers(page);
  await page.click(`[data-testid="${testid}"]:not([aria-disabled="true"])`);
  await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
  const error = await page.$eval('[data-testid="error"]', (e) => e.textContent).catch(() => "");
  assert.equal(error, "", `${testid} was refused`);
}

// Bots in every seat but the first (classroom-8: Kalmara; hld-2013: the
// United States): the phases wait for the person in seat 1 (no clocks).
function session(server, pressDesks, scenario = "classroom-8", seats = 8) {
  return JSON.parse(
    forumctl("session", "create", "--server", server.grpc, "--scenario", scenario, "--bots", `1-${seats - 1}:normal`,
      "--timers", "none", "--pace", "0", "--seed", "7", "--press-desks", String(pressDesks)),
  );
}

async function takeSeat(browser, server, code, name) {
  const seat = await newPage(browser, 1280, 900);
  await seat.goto(`${server.web}/#join=${code}`);
  await seat.waitForSelector("#join-name");
  await seat.type("#join-name", name);
  await seat.keyboard.press("Enter");
  await seat.waitForSelector('[data-testid="scene-brief"]');
  await seat.click('[data-testid="to-table"]');
  await seat.waitForSelector('[data-testid="scene-table"]');
  return seat;
}

test("a press desk joins by its link and publishes; every view shows the report", { timeout: 600000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    const s = session(server, 2);
    const proj = await newPage(browser, 1920, 1080);
    await proj.goto(`${server.web}/#spectate=${s.join_code}`);
    await proj.waitForSelector('[data-testid="press-reports"]');
    assert.match(await text(proj, '[data-testid="press-reports"]'), /No reports yet \(2 press desks\)/);
    const seat = await takeSeat(browser, server, s.join_code, "Ines");

    // The desk's link: the join form says it is a press desk.
    const desk = await newPage(browser, 1280, 900);
    await desk.goto(`${server.web}/#press=${s.join_code}`);
    await desk.waitForSelector('[data-testid="join-press"]');
    await desk.type("#join-name", "Rita");
    await desk.keyboard.press("Enter");
    await desk.waitForSelector('[data-testid="press-desk"]');
    assert.match(await text(desk, '[data-testid="my-seat"]'), /Press desk 1 — Rita/);
    assert.match(await text(desk, '[data-testid="press-left"]'), /: 1$/);
    // The public table beside the panel; organisations are not offered.
    await desk.waitForSelector('[data-testid="scene-projector"]');
    const states = await desk.$$eval('[data-testid="press-about"] option', (os) => os.map((o) => [o.value, o.textContent]));
    assert.equal(states.length, 8, `the states offered: ${JSON.stringify(states)}`);
    const [aboutValue, aboutName] = states[5];

    await desk.select('[data-testid="press-about"]', aboutValue);
    await desk.click('[data-testid="press-criticise"]');
    await desk.type('[data-testid="press-words"]', "Promises at the table, fences at home.");
    await clickAndWait(desk, "press-publish");

    // Every view has it: the projector's and the seat's.
    for (const page of [proj, seat]) {
      await page.waitForSelector('[data-testid="press-report"]');
      const row = await text(page, '[data-testid="press-report"]');
      assert.match(row, /Desk 1/);
      assert.ok(row.includes(aboutName), `the report names ${aboutName}: ${row}`);
      assert.match(row, /criticism/);
      assert.match(row, /Promises at the table, fences at home\./);
      assert.match(row, /\d+ %/);
      assert.match(row, /points/);
    }

    // A second report in the same phase: greyed, with the engine's reason.
    await desk.waitForSelector('[data-testid="press-publish"][aria-disabled="true"]');
    assert.match(await text(desk, '[data-testid="press-publish-reason"]'), /your desk has published its 1 report in this phase/);
    assert.match(await text(desk, '[data-testid="press-left"]'), /: 0$/);
    assert.deepEqual(await axeScan(desk), [], "press desk: serious or critical violations");

    // In Spanish: the desk's words change, the engine's reason is its own.
    await desk.select('[data-testid="lang"]', "es");
    await desk.waitForFunction(() => /Publicar un informe/.test(document.querySelector('[data-testid="press-publish"]')?.textContent ?? ""));
    assert.match(await text(desk, '[data-testid="press-reports"]'), /Informes de prensa/);
    assert.match(await text(desk, '[data-testid="press-report"]'), /crítica/);

    // A reload resumes the desk (its token kept like a seat's), no second desk.
    await desk.reload();
    await desk.waitForSelector('[data-testid="press-desk"]');
    assert.match(await text(desk, '[data-testid="my-seat"]'), /Press desk 1 — Rita/);
    await desk.waitForSelector('[data-testid="press-publish"][aria-disabled="true"]');

    // A new phase: the desk may publish again.
    await seat.click('[data-testid="ready-button"]');
    await desk.waitForSelector('[data-testid="press-publish"]:not([aria-disabled="true"])');
    assert.match(await text(desk, '[data-testid="press-left"]'), /: 1$/);
  } finally {
    await browser.close();
    await server.stop();
  }
});

// Ready through Civil Society, Statements and Drafting to the Decision.
async function toDecision(seat) {
  for (const next of ["STATEMENTS", "DRAFTING", "DECISION"]) {
    await clickAndWait(seat, "ready-button");
    await seat.waitForSelector(`[data-testid="scene-table"][data-phase="${next}"]`);
  }
}

test("a destination walks out of a vote where the forum votes", { timeout: 600000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    const s = session(server, 0, "hld-2013", 12);
    const seat = await takeSeat(browser, server, s.join_code, "Sam");
    await toDecision(seat);
    assert.ok(!(await text(seat, '[data-testid="decision"]')).includes("No draft"), "a draft is on the table");
    // The engine allows it: the button is live, with no reason beside it.
    assert.equal(await seat.$('[data-testid="walk-out-button-reason"]'), null);
    await clickAndWait(seat, "walk-out-button");
    // Walking out says "done" for the seat: the bots were, so the vote ends;
    // the events say who walked out.
    await seat.waitForSelector('[data-testid="scene-table"]:not([data-phase="DECISION"])');
    await seat.click('[data-testid="tab-results"]');
    await seat.waitForFunction(() => /walks out of the vote on .*: the text will not bind it/.test(document.querySelector("#main")?.textContent ?? ""));
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("regional drafts and the walk-out follow the engine's verdicts", { timeout: 600000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    const s = session(server, 0);
    const seat = await takeSeat(browser, server, s.join_code, "Ana");
    const caucus = "isles_and_plains"; // Kalmara's regional process.
    // Civil Society, Statements: no regional controls.
    for (const next of ["STATEMENTS", "DRAFTING"]) {
      assert.equal(await seat.$(`[data-testid="regional-${caucus}"]`), null);
      await clickAndWait(seat, "ready-button");
      await seat.waitForSelector(`[data-testid="scene-table"][data-phase="${next}"]`);
    }
    // Drafting: the member tables its caucus's draft.
    await seat.waitForSelector(`[data-testid="regional-${caucus}-table"]:not([aria-disabled="true"])`);
    await seat.$eval(`[data-testid="regional-${caucus}-position"]`, (e) => {
      e.value = "";
    });
    await seat.type(`[data-testid="regional-${caucus}-position"]`, "40");
    await clickAndWait(seat, `regional-${caucus}-table`);
    await seat.waitForSelector(`[data-testid="regional-${caucus}-draft"]`);
    await seat.waitForFunction(
      (c) => /For: [^·]*Kalmara/.test(document.querySelector(`[data-testid="regional-votes-${c}"]`)?.textContent ?? ""),
      {},
      caucus,
    );
    // No walk-out in Drafting.
    assert.equal(await seat.$('[data-testid="walk-out"]'), null);

    await clickAndWait(seat, "ready-button");
    await seat.waitForSelector('[data-testid="scene-table"][data-phase="DECISION"]');
    // Decision: the member's vote on the regional draft.
    await clickAndWait(seat, `regional-${caucus}-vote-OBJECT`);
    await seat.waitForFunction(
      (c) => /Against: [^·]*Kalmara/.test(document.querySelector(`[data-testid="regional-votes-${c}"]`)?.textContent ?? ""),
      {},
      caucus,
    );
    // The walk-out: classroom-8 decides by consensus, so the engine refuses
    // it (and says why), whatever the seat's role.
    await seat.waitForSelector('[data-testid="walk-out-button"][aria-disabled="true"]');
    const tabled = !(await text(seat, '[data-testid="decision"]')).includes("No draft");
    assert.match(
      await text(seat, '[data-testid="walk-out-button-reason"]'),
      tabled ? /only a forum that votes .* can be walked out of/ : /there is no vote to walk out of/,
    );
    assert.deepEqual(await axeScan(seat), [], "decision with regional texts: serious or critical violations");
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("a campaign's later session says in the header what carried over", { timeout: 600000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    // Bots in every seat, no clocks: forumd plays the three sessions through.
    const s = JSON.parse(
      forumctl("session", "create", "--server", server.grpc, "--campaign", "hld-2006-to-2013", "--bots", "0-13:normal",
        "--timers", "none", "--pace", "0", "--seed", "7"),
    );
    let second = "";
    for (let i = 0; i < 600 && !second; ++i) {
      const list = JSON.parse(forumctl("session", "list", "--server", server.grpc, "--token", s.facilitator_token, "--all"));
      second = list.sessions.find((x) => x.previous_session === s.session)?.session ?? "";
      if (!second) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(second, "forumd made the campaign's second session");
    const fac = await newPage(browser, 1280, 900);
    // The first session's header has nothing carried; the second's says what.
    await fac.goto(`${server.web}/#facilitate=${encodeURIComponent(s.facilitator_token)}&session=${s.session}`);
    await fac.waitForSelector('[data-testid="phase"]');
    assert.equal(await fac.$('[data-testid="carried"]'), null);
    await fac.click('[data-testid="leave"]');
    await fac.goto(`${server.web}/#facilitate=${encodeURIComponent(s.facilitator_token)}&session=${second}`);
    await fac.reload();
    await fac.waitForSelector('[data-testid="carried"]');
    assert.match(await text(fac, '[data-testid="carried"]'), /^Carried over: \S/);
  } finally {
    await browser.close();
    await server.stop();
  }
});
