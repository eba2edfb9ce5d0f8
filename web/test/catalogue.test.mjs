// The message catalogues: English and Spanish hold the same keys, none
// empty, with the same {placeholders}; every key the source names exists.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
const en = JSON.parse(readFileSync(join(src, "i18n", "en.json"), "utf8"));
const es = JSON.parse(readFileSync(join(src, "i18n", "es.json"), "utf8"));
const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");

test("English and Spanish have the same keys", () => {
  const a = Object.keys(en).sort();
  const b = Object.keys(es).sort();
  assert.deepEqual(a.filter((k) => !(k in es)), [], "keys missing from es.json");
  assert.deepEqual(b.filter((k) => !(k in en)), [], "keys missing from en.json");
  assert.ok(a.length > 100, `only ${a.length} keys`);
});

test("no message is empty and both languages fill the same placeholders", () => {
  for (const k of Object.keys(en)) {
    assert.ok(en[k].trim(), `en ${k} is empty`);
    assert.ok(es[k].trim(), `es ${k} is empty`);
    assert.equal(holes(es[k]), holes(en[k]), `placeholders of ${k}`);
  }
});

test("every key the source names is in the catalogue", () => {
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(f)) files.push(p);
    }
  };
  walk(src);
  const used = new Set();
  const prefixes = new Set();
  for (const f of files) {
    const code = readFileSync(f, "utf8");
    for (const m of code.matchAll(/\bt\("([^"]+)"/g)) (m[1].endsWith(".") ? prefixes : used).add(m[1]);
  }
  assert.ok(used.size > 100, `only ${used.size} keys found in the source`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, [], "keys used in web/src but not in en.json");
  // Keys made from a prefix and a value (phase., form., ...): each family exists.
  for (const p of prefixes) assert.ok(Object.keys(en).some((k) => k.startsWith(p)), `no key starts with ${p}`);
});

test("the fields a later view leaves out are the engine's static fields", () => {
  // rules/view.cc kStaticFields (mf::View::kTitleFieldNumber ...) against
  // web/src/api.ts STATIC_FIELDS ("title" ...): a field the client copies
  // from the first view that the engine sends in every view would freeze it.
  const cc = readFileSync(join(src, "..", "..", "rules", "view.cc"), "utf8");
  const list = cc.match(/kStaticFields\[\]\s*=\s*\{([^}]*)\}/);
  assert.ok(list, "kStaticFields not found in rules/view.cc");
  const camel = (s) => s.charAt(0).toLowerCase() + s.slice(1);
  const engine = [...list[1].matchAll(/k(\w+)FieldNumber/g)].map((m) => camel(m[1])).sort();
  const ts = readFileSync(join(src, "api.ts"), "utf8");
  const block = ts.match(/const STATIC_FIELDS = \[([^\]]*)\]/);
  assert.ok(block, "STATIC_FIELDS not found in web/src/api.ts");
  const client = [...block[1].matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
  assert.ok(engine.length >= 5, `only ${engine.length} static fields read`);
  assert.deepEqual(client, engine);
});
