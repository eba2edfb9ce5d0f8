// The UI's words: one catalogue per language (i18n/*.json, the same keys in
// each; web/test/catalogue.test.mjs checks it). The engine's own sentences
// (refusal reasons, events, briefs) come from the server as they are.
import en from "./i18n/en.json";
import es from "./i18n/es.json";

export type Lang = "en" | "es";
const catalogues: Record<Lang, Record<string, string>> = { en, es };
export const LANGS: Lang[] = ["en", "es"];

const STORE = "mf.lang";

export function initialLang(): Lang {
  const stored = safeGet(STORE);
  if (stored === "en" || stored === "es") return stored;
  const wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]) || [];
  for (const l of wanted) {
    const short = (l || "").toLowerCase().slice(0, 2);
    if (short === "es" || short === "en") return short;
  }
  return "en";
}

let current: Lang = "en";

export function setLang(l: Lang, remember: boolean): void {
  current = l;
  document.documentElement.lang = l;
  if (remember) safeSet(STORE, l);
}

export function lang(): Lang {
  return current;
}

// The words for `key`, with {name} replaced from `params`. A key missing
// from the catalogue shows as itself (the catalogue test keeps that from
// happening).
export function t(key: string, params?: Record<string, string | number>): string {
  const text = catalogues[current][key] ?? catalogues.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

function safeGet(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}

function safeSet(k: string, v: string): void {
  try {
    localStorage.setItem(k, v);
  } catch {
    // Private browsing without storage: the choice lasts for this page.
  }
}
