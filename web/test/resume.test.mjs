// The seat survives what a classroom does to it, in Debian's headless
// chromium against a real forumd: a reload mid-phase and a forumd restart
// resume the seat; greyed actions show the engine's reason; a wrong join
// code and a stale token get the server's words; the Spanish catalogue
// renders and the switch changes language; everything by keyboard alone.
// axe-core scans each scene visited.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { axeScan, createSession, forumctl, launch, newPage, startForumd, text } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await startForumd();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function noViolations(page, scene) {
  const v = await axeScan(page);
  assert.deepEqual(v, [], `serious or critical accessibility violations on ${scene}`);
}

async function join(page, code, name) {
  await page.goto(`${server.web}/#join=${code}`);
  await page.waitForSelector("#join-name");
  await page.type("#join-name", name);
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="scene-brief"]');
  await page.click('[data-testid="to-table"]');
  await page.waitForSelector('[data-testid="scene-table"]');
}

const phase = (page) => page.$eval('[data-testid="scene-table"]', (e) => e.getAttribute("data-phase"));
const answers = (page) => page.$eval('[data-testid="answers"]', (e) => e.getAttribute("data-answers"));
async function clickAndWait(page, testid) {
  const n = await answers(page);
  await page.click(`[data-testid="${testid}"]`);
  await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
}
async function waitPhase(page, want) {
  await page.waitForSelector(`[data-testid="scene-table"][data-phase="${want}"]`, { timeout: 120000 });
}

test("a wrong join code gets the server's words and changes nothing", async () => {
  const page = await newPage(browser);
  await page.goto(`${server.web}/#join=ZZZZ-ZZZZ`);
  await page.waitForSelector("#join-name");
  await page.type("#join-name", "Carla");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="join-error"]');
  const said = await text(page, '[data-testid="join-error"]');
  assert.match(said, /^Could not join: .*join code/, said);
  assert.match(said, /ZZZZ/, "the server names the code it did not find");
  assert.equal(await page.evaluate(() => localStorage.getItem("mf.seat")), null, "no seat kept");
  await noViolations(page, "join error");
  await page.close();
});

test("a stale token gets a clear message and the join form", async () => {
  const s = createSession(server, "classroom-8", [0]);
  const page = await newPage(browser);
  await page.goto(`${server.web}/`);
  await page.evaluate((session) => {
    localStorage.setItem(
      "mf.seat",
      JSON.stringify({ session, token: "not-a-token-of-this-server", seat: 0, seatName: "Kalmara", name: "Old", code: "" }),
    );
  }, s.session);
  await page.reload();
  await page.waitForSelector('[data-testid="resume-error"]');
  const said = await text(page, '[data-testid="resume-error"]');
  assert.match(said, /^Your seat could not be resumed: .*token/, said);
  await page.waitForSelector("#join-code");
  assert.equal(await page.evaluate(() => localStorage.getItem("mf.seat")), null, "the stale seat is forgotten");
  await noViolations(page, "stale token");
  await page.close();
});

test("a greyed action shows the engine's reason and sends nothing", async () => {
  // Seat 2 (Banduri) is outside the steering group: never a co-chair.
  const s = createSession(server, "classroom-8", [2]);
  const page = await newPage(browser);
  await join(page, s.join_code, "Dana");
  assert.equal(await phase(page), "CIVIL_SOCIETY");
  // Endorse a recommendation; then the engine refuses it again, with its reason.
  const endorse = await page.$eval('[data-testid^="endorse-"]', (e) => e.getAttribute("data-testid"));
  await clickAndWait(page, endorse);
  await page.waitForSelector(`[data-testid="${endorse}"][aria-disabled="true"]`);
  const why = await text(page, `[data-testid="${endorse}-reason"]`);
  assert.match(why, /already endorsed/, why);
  const described = await page.$eval(`[data-testid="${endorse}"]`, (e) => document.getElementById(e.getAttribute("aria-describedby"))?.textContent);
  assert.equal(described, why, "the reason is the button's description for screen readers");
  const n = await answers(page);
  await page.click(`[data-testid="${endorse}"]`);
  assert.equal(await answers(page), n, "a greyed button sends nothing");
  // To drafting: a seat that is not a co-chair sees why it may not table the draft.
  await clickAndWait(page, "ready-button");
  await waitPhase(page, "STATEMENTS");
  await clickAndWait(page, "ready-button");
  await waitPhase(page, "DRAFTING");
  await page.waitForSelector('[data-testid="table-draft-button"][aria-disabled="true"]');
  const table = await text(page, '[data-testid="table-draft-button-reason"]');
  assert.match(table, /co-chair/i, table);
  await noViolations(page, "refused action");
  await page.close();
});

test("a reload mid-phase and a forumd restart resume the seat", async () => {
  const s = createSession(server, "classroom-8", [0]);
  const page = await newPage(browser);
  await join(page, s.join_code, "Eva");
  await clickAndWait(page, "ready-button");
  await waitPhase(page, "STATEMENTS");
  // State a position, then reload before saying "done".
  await page.$eval('[data-testid="statement-position"]', (e) => e.select?.());
  await page.click('[data-testid="statement-position"]', { clickCount: 3 });
  await page.type('[data-testid="statement-position"]', "73");
  await clickAndWait(page, "statement-button");
  const seat = await text(page, '[data-testid="my-seat"]');
  await page.reload();
  await page.waitForSelector('[data-testid="my-seat"]');
  assert.equal(await text(page, '[data-testid="my-seat"]'), seat, "the same seat after the reload");
  await page.click('[data-testid="tab-table"]');
  await waitPhase(page, "STATEMENTS");
  assert.match(await text(page, '[data-testid="statements"]'), /: 73\b/, "my statement is still on the axis");
  const roster = JSON.parse(forumctl("session", "roster", "--server", server.grpc, "--session", s.session, "--token", s.facilitator_token));
  assert.deepEqual(roster.seats.filter((x) => x.player).map((x) => x.player), ["Eva"], "no second seat was taken");

  // forumd stops and comes back on the same ports and data: the page says
  // it lost the connection, then resumes by itself.
  await server.stop(true);
  await page.waitForSelector('[data-testid="conn"].conn-reconnecting', { timeout: 120000 });
  server = await startForumd(server);
  await page.waitForSelector('[data-testid="conn"].conn-live', { timeout: 120000 });
  await clickAndWait(page, "ready-button");
  await waitPhase(page, "DRAFTING");
  assert.equal(await text(page, '[data-testid="my-seat"]'), seat);
  await page.close();
});

test("Spanish from the browser's language, the switch, and the keyboard alone", async () => {
  const s = createSession(server, "puebla-process", [0]);
  const page = await newPage(browser, 390, 844, "es-MX,es");
  await page.goto(`${server.web}/#join=${s.join_code}`);
  await page.waitForSelector("#join-name");
  assert.equal(await page.$eval("html", (e) => e.lang), "es");
  assert.match(await page.$eval("main", (e) => e.textContent), /Código de acceso/);
  // Focus is on the name (the code came with the link): type, Enter.
  assert.equal(await page.evaluate(() => document.activeElement?.id), "join-name");
  await page.keyboard.type("Fernanda");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="scene-brief"]');
  const body = await page.evaluate(() => document.body.innerText);
  assert.match(body, /Instrucciones/);
  assert.match(body, /Jornadas de la Sociedad Civil/);
  // No catalogue key shows through as itself.
  const keys = await page.evaluate(() => document.body.innerText.match(/\b[a-z]+\.[a-zA-Z]+[A-Za-z.]*\b/g) || []);
  assert.deepEqual(keys.filter((k) => /^(app|tab|phase|brief|ready|join|conn|clock|cs|stmt|draft|vote)\./.test(k)), []);
  await noViolations(page, "Spanish brief");
  // Tab to "to the table" and press Enter; then Tab to "done" and press Space.
  const reach = async (testid) => {
    for (let i = 0; i < 60; ++i) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((id) => document.activeElement?.getAttribute("data-testid") === id, testid)) return;
    }
    assert.fail(`${testid} cannot be reached with Tab`);
  };
  await reach("to-table");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="scene-table"]');
  assert.match(await text(page, '[data-testid="ready"]'), /He terminado esta fase/);
  await reach("ready-button");
  const n = await answers(page);
  await page.keyboard.press("Space");
  await page.waitForFunction((k) => document.querySelector('[data-testid="answers"]').getAttribute("data-answers") !== k, {}, n);
  assert.match(await text(page, '[data-testid="status"]'), /hecho/);
  await noViolations(page, "Spanish table");
  // The switch: English at once, and remembered.
  await page.select('[data-testid="lang"]', "en");
  await page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await page.evaluate(() => document.body.innerText), /Standings/);
  await page.reload();
  await page.waitForSelector('[data-testid="my-seat"]');
  assert.match(await page.evaluate(() => document.body.innerText), /Standings/);
  await page.close();
});

test("talk in public and a deal offered from the composer", async () => {
  const s = createSession(server, "classroom-8", [0]);
  const page = await newPage(browser);
  await join(page, s.join_code, "Hugo");
  // Public talk: sent, shown in the log, and in the session's record.
  await page.click('[data-testid="tab-talk"]');
  await page.waitForSelector('[data-testid="scene-talk"]');
  await page.type('[data-testid="chat-input"]', "Hola from the browser");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Hola from the browser/.test(document.querySelector('[data-testid="chat-log"]')?.textContent ?? ""));
  // The stream may show the message before the send's answer empties the composer.
  await page.waitForFunction(() => document.querySelector('[data-testid="chat-input"]')?.value === "");
  assert.equal(await page.$eval('[data-testid="chat-input"]', (e) => e.value), "", "the composer is emptied");
  const record = JSON.parse(forumctl("record", "--server", server.grpc, "--session", s.session, "--token", s.facilitator_token));
  assert.ok(record.chat?.some((m) => m.text === "Hola from the browser" && (m.from ?? 0) === 0), `the message is in the record: ${JSON.stringify(record.chat)}`);
  await noViolations(page, "talk");
  // A deal: readmission offered to a destination for 5 thousand visas.
  await page.click('[data-testid="tab-deals"]');
  await page.waitForSelector('[data-testid="scene-deals"]');
  const to = await page.$$eval('[data-testid="deal-to"] option', (os) => os.find((o) => /Qadira/.test(o.textContent))?.value);
  assert.ok(to, "Qadira is offered as a counterpart");
  await page.select('[data-testid="deal-to"]', to);
  await page.click('[data-testid="give-readmission"]');
  await page.click('[data-testid="ask-visas"]', { clickCount: 3 });
  await page.type('[data-testid="ask-visas"]', "5");
  await clickAndWait(page, "deal-propose");
  const error = await page.$eval('[data-testid="error"]', (e) => e.textContent).catch(() => "");
  assert.equal(error, "", "the offer was accepted by the server");
  await page.waitForSelector('[data-testid^="deal-"][data-testid$="-item"]');
  const item = await text(page, '[data-testid^="deal-"][data-testid$="-item"]');
  assert.match(item, /Qadira/);
  assert.match(item, /readmission/i);
  assert.match(item, /5k visas/);
  await noViolations(page, "deals");
  await page.close();
});
