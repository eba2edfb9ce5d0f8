// The budget: the built client's JavaScript and CSS under 300 KB gzip-compressed.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = process.env.MF_WEB_ROOT;
const BUDGET = 300 * 1024;

test("the bundle's JavaScript and CSS fit in 300 KB gzip", () => {
  assert.ok(root, "MF_WEB_ROOT is not set (run through ctest)");
  const assets = join(root, "assets");
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
  assert.ok(files.some((f) => f.endsWith(".js")), "no JavaScript built");
  assert.ok(files.some((f) => f.endsWith(".css")), "no CSS built");
  const html = readFileSync(join(root, "index.html"), "utf8");
  let total = 0;
  for (const f of files) {
    assert.ok(html.includes("assets/" + f), `index.html does not load ${f} (a stale file?)`);
    const gz = gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
    console.log(`${f}: ${gz} bytes gzip`);
    total += gz;
  }
  console.log(`total: ${total} bytes gzip (${(total / 1024).toFixed(1)} KB) of ${BUDGET / 1024} KB`);
  assert.ok(total < BUDGET, `${total} bytes gzip is over the budget of ${BUDGET}`);
});
