// Bundles the web client with esbuild (cmake/Web.cmake runs it):
//   node web/build.mjs --out BUILD/web --gen BUILD/web-gen --modules BUILD/web-npm/node_modules
// writes OUT/index.html, OUT/assets/app-HASH.js and app-HASH.css (content
// hashes: forumd serves /assets/ as immutable), a .gz beside each (forumd
// sends it to browsers that accept gzip) and OUT/bundle.json with the sizes.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith("--")) pairs.push([a.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
for (const need of ["out", "gen", "modules"])
  if (!args[need]) {
    console.error(`build.mjs: --${need} DIR is required`);
    process.exit(2);
  }
const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(args.out);
const gen = resolve(args.gen);
const modules = resolve(args.modules);
const require = createRequire(join(modules, "noop.js"));
const esbuild = require("esbuild");

rmSync(join(out, "assets"), { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

// "@gen/forum_pb" is the code protoc-gen-es made from proto/ in this build.
const genPlugin = {
  name: "gen",
  setup(build) {
    build.onResolve({ filter: /^@gen\// }, (a) => ({
      path: join(gen, a.path.slice("@gen/".length) + ".ts"),
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [join(here, "src", "main.tsx")],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020", "chrome90", "firefox90", "safari14"],
  jsx: "automatic",
  jsxImportSource: "preact",
  nodePaths: [modules],
  plugins: [genPlugin],
  outdir: join(out, "assets"),
  entryNames: "app-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => resolve(p));
const js = outputs.find((p) => p.endsWith(".js"));
const css = outputs.find((p) => p.endsWith(".css"));
const sizes = {};
for (const file of [js, css]) {
  const body = readFileSync(file);
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(file + ".gz", gz);
  sizes[basename(file)] = { bytes: body.length, gzip: gz.length };
}

const page = readFileSync(join(here, "src", "index.html"), "utf8")
  .replace("%APP_JS%", "assets/" + basename(js))
  .replace("%APP_CSS%", "assets/" + basename(css));
writeFileSync(join(out, "index.html"), page);
const total = Object.values(sizes).reduce((s, f) => s + f.gzip, 0);
writeFileSync(join(out, "bundle.json"), JSON.stringify({ files: sizes, gzip_total: total }, null, 2) + "\n");
console.log(`web: ${basename(js)} + ${basename(css)}, ${total} bytes gzip`);
