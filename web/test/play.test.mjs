// Two browser seats and six server bots play classroom-8 to the end by
// clicking, in Debian's headless chromium against a real forumd: each joins
// by the link, reads the brief, states a position, amends, votes, ratifies
// or pledges, sees the outcome of every cycle and the final ranking. axe-core
// scans every scene visited (no serious or critical violation). Nothing
// waits on a clock: the session has no timers, and the test waits for the
// page's own states (generous timeouts), never for time.
import test from "node:test";
import assert from "node:assert/strict";
import { axeScan, clickEnabled, createSession, forumctl, launch, newPage, startForumd, text } from "./harness.mjs";

const scanned = new Map(); // scene name -> violations
async function scan(page, scene) {
  if (scanned.has(scene)) return;
  scanned.set(scene, await axeScan(page));
}

// The phase the page shows: its heading and the table's phase.
const KEY = () =>
  (document.querySelector('[data-testid="phase"]')?.textContent ?? "") +
  (document.querySelector('[data-testid="scene-table"]')?.getAttribute("data-phase") ?? "");

async function keyOf(page) {
  return page.evaluate(KEY);
}

// Clicks an action's button, if the page still shows the phase `key` (the
// check and the click in one task of the page, so the phase cannot move in
// between), and waits for its answer; a view gone stale in between (a bot
// amended first) is decided again on the new view.
async function act(page, testid, key) {
  for (let attempt = 0; attempt < 5; ++attempt) {
    const before = await page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
    const clicked = await page.evaluate(
      (id, k) => {
        const now =
          (document.querySelector('[data-testid="phase"]')?.textContent ?? "") +
          (document.querySelector('[data-testid="scene-table"]')?.getAttribute("data-phase") ?? "");
        if (now !== k) return "moved";
        const b = document.querySelector(`[data-testid="${id}"]`);
        if (!b) return "absent";
        if (b.getAttribute("aria-disabled") === "true") return "refused";
        b.click();
        return "clicked";
      },
      testid,
      key,
    );
    if (clicked !== "clicked") return false;
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="answers"]')?.getAttribute("data-answers") !== n,
      {},
      before,
    );
    const error = await page.$eval('[data-testid="error"]', (e) => e.textContent).catch(() => "");
    if (!error) return true;
    if (!/out of date/.test(error)) throw new Error(`${testid}: ${error}`);
  }
  return false;
}

// One seat's play: every phase's own action, then "done", until the end.
async function playSeat(page, log, addCommitment) {
  let last = "";
  const done = new Set();
  for (;;) {
    await page.waitForSelector('[data-testid="scene-table"]');
    const key = await keyOf(page);
    const phase = key.match(/[A-Z_]+$/)?.[0] ?? "";
    if (phase === "GAME_OVER") break;
    if (key !== last) {
      last = key;
      await scan(page, phase);
      if (phase === "STATEMENTS" && (await act(page, "statement-button", key))) done.add("statement");
      if (phase === "DRAFTING") {
        if (await act(page, "table-draft-button", key)) done.add("table");
        // The draft on the table (a co-chair tables it; or the phase ends
        // without one), then an amendment.
        await page.waitForFunction(
          (k) =>
            document.querySelector('[data-testid="draft-summary"]') ||
            (document.querySelector('[data-testid="phase"]')?.textContent ?? "") +
              (document.querySelector('[data-testid="scene-table"]')?.getAttribute("data-phase") ?? "") !==
              k,
          { timeout: 120000 },
          key,
        );
        if ((await keyOf(page)) === key) {
          await page.$eval('[data-testid="amend-position"]', (e) => e.scrollIntoView());
          // The second seat's amendment also adds a commitment the draft lacks.
          if (addCommitment)
            await page.$$eval('[data-testid="amend"] fieldset input[type="checkbox"]', (boxes) => {
              const box = boxes.find((b, i) => !b.checked && i !== 3); // not the corridor's one
              box?.click();
            });
          if (await act(page, "amend-button", key)) done.add("amend");
          await scan(page, "DRAFTING-amended");
        }
      }
      if (phase === "DECISION" && (await act(page, "vote-SUPPORT", key))) {
        done.add("vote");
        // The live tally counts the vote (while the phase lasts: the last
        // vote may end it at once).
        const me = (await text(page, '[data-testid="my-seat"]')).split(" — ")[0];
        const row = await text(page, '[data-testid="tally-SUPPORT"]').catch(() => null);
        if (row !== null) {
          assert.ok(row.includes(me), `the live tally counts my vote: ${row}`);
          done.add("tally");
        }
      }
      if (phase === "RATIFICATION") {
        const ids = await page.$$eval('[data-testid^="ratify-"]', (es) => es.map((e) => e.getAttribute("data-testid")));
        for (const id of ids) if (await act(page, id, key)) done.add("ratify");
      }
      if (phase === "IMPLEMENTATION") {
        const ids = await page.$$eval('[data-testid^="pledge-"]', (es) =>
          es.map((e) => e.getAttribute("data-testid")).filter((x) => /^pledge-\d+$/.test(x)),
        );
        for (const id of ids) if (await act(page, id, key)) done.add("implement");
      }
      if (phase === "CIVIL_SOCIETY" && (await page.$('[data-testid="outcome"]'))) {
        done.add("outcome");
        await scan(page, "outcome");
      }
      log(`${key}`);
    }
    // Done with this phase (unless already said), then wait for the next.
    await act(page, "ready-button", key);
    await page.waitForFunction(
      (k) =>
        (document.querySelector('[data-testid="phase"]')?.textContent ?? "") +
          (document.querySelector('[data-testid="scene-table"]')?.getAttribute("data-phase") ?? "") !==
        k,
      { timeout: 120000 },
      key,
    );
  }
  return done;
}

test("two browser seats and six bots play classroom-8 to the final ranking", { timeout: 900000 }, async () => {
  const server = await startForumd();
  const browser = await launch();
  try {
    const s = createSession(server, "classroom-8", [0, 1]);
    const link = `${server.web}/#join=${s.join_code}`;
    const pages = [await newPage(browser, 1280, 720), await newPage(browser, 390, 844)];
    const names = ["Ana", "Bruno"];
    for (const [i, page] of pages.entries()) {
      page.on("pageerror", (e) => console.log(`page ${i}: ${e.message}`));
      await page.goto(link);
      await page.waitForSelector("#join-name");
      assert.equal(await page.$eval("#join-code", (e) => e.value), s.join_code, "the code from the link");
      await scan(page, "join");
      await page.type("#join-name", names[i]);
      await page.keyboard.press("Enter"); // the form submits by keyboard
      // The secret brief first.
      await page.waitForSelector('[data-testid="scene-brief"]');
      assert.ok((await text(page, '[data-testid="briefing"]')).length > 100, "the brief's text");
      await scan(page, "brief");
      await page.click('[data-testid="to-table"]');
    }
    // Both seats are held by the browsers' players.
    const roster = JSON.parse(forumctl("session", "roster", "--server", server.grpc, "--session", s.session, "--token", s.facilitator_token));
    const players = roster.seats.filter((x) => x.player).map((x) => x.player).sort();
    assert.deepEqual(players, ["Ana", "Bruno"]);

    const results = await Promise.all(pages.map((p, i) => playSeat(p, (m) => console.log(`${names[i]}: ${m}`), i === 1)));
    for (const [i, page] of pages.entries()) {
      await page.waitForSelector('[data-testid="ranking"]');
      await scan(page, "ranking");
      const ranking = await text(page, '[data-testid="ranking"]');
      assert.match(ranking, /\(you\)/, "my row in the ranking");
      const done = results[i];
      console.log(`${names[i]} did: ${[...done].join(", ")}`);
      for (const need of ["statement", "amend", "vote", "implement", "outcome"])
        assert.ok(done.has(need), `${names[i]} never managed: ${need}`);
      for (const tab of ["results", "talk", "deals", "brief"]) {
        await page.click(`[data-testid="tab-${tab}"]`);
        await page.waitForSelector(`[data-testid="scene-${tab}"]`);
        await scan(page, `tab-${tab}`);
      }
    }
    // The record holds what the browsers did.
    const record = JSON.parse(forumctl("record", "--server", server.grpc, "--session", s.session, "--token", s.facilitator_token));
    assert.ok(record.finished, "the game is over");
    for (const seat of [0, 1]) {
      for (const kind of ["statement", "amend", "vote", "pledge"])
        assert.ok(
          record.entries.some((e) => (e.entry.actor?.seat ?? 0) === seat && kind in e.entry.action),
          `seat ${seat}: no ${kind} in the record`,
        );
    }
    assert.ok(
      record.entries.some((e) => e.entry.actor?.seat === 1 && e.entry.action.amend?.add?.length > 0),
      "the second seat's amendment adds a commitment",
    );
    const bad = [...scanned].filter(([, v]) => v.length);
    console.log(`axe-core scanned: ${[...scanned.keys()].join(", ")}`);
    assert.deepEqual(bad, [], "serious or critical accessibility violations");
  } finally {
    await browser.close();
    await server.stop();
  }
});
