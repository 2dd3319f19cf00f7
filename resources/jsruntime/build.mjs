// Builds the JS runtime of mini-app backends and the offline React vendor modules of mini-app pages, then writes the
// .qrc that embeds them. Run by CMake as `node build.mjs <workDir>` after `npm ci` in <workDir> (the build tree; no
// node_modules ever lands in the source tree).
//   host side  (QJSEngine modules, prefix /jsruntime/): polyfills.mjs, hono.mjs, host-glue.mjs  (iife bodies, es2016)
//   browser    (served at /api/mini-apps/sdk/vendor/, prefix /miniapp-vendor/):
//              react.js, react-dom.js, react-dom-client.js, react-jsx-runtime.js + shared chunks (esm, one React)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.resolve(process.argv[2] || '.');
const require = createRequire(path.join(work, 'package.json'));
const esbuild = require('esbuild');
const nodePaths = [path.join(work, 'node_modules')];
const dist = path.join(work, 'dist');

// The host scripts are loaded as ES modules (QJSEngine::importModule): the engine compiles module code with its fast
// property lookups, while script code given to evaluate() boxes a string for every `s.length` or `s.charCodeAt()` — ten
// times slower on Hono's and our per-request paths. QJSEngine has no globalThis/self/global, so the first module
// defines them on the global object (`global` for CommonJS polyfills such as fast-text-encoding, whose top-level
// `this` is not the global object in a module); its native URL, URLSearchParams, WeakMap and WeakSet must go so that the core-js versions
// install (the native WeakMap/WeakSet crash under GC, the native URL classes have no prototype).
const BANNER =
  "var globalThis = Function('return this')(); globalThis.globalThis = globalThis; globalThis.self = globalThis; globalThis.global = globalThis; " +
  'delete globalThis.URL; delete globalThis.URLSearchParams; delete globalThis.WeakMap; delete globalThis.WeakSet;';

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'host'), { recursive: true });
fs.mkdirSync(path.join(dist, 'vendor'), { recursive: true });

const hostCommon = { bundle: true, format: 'iife', target: 'es2016', minify: true, nodePaths, logLevel: 'warning', legalComments: 'none' };
await esbuild.build({ ...hostCommon, entryPoints: [path.join(here, 'src/polyfills-entry.js')], banner: { js: BANNER }, outfile: path.join(dist, 'host/polyfills.mjs') });
// Hono's `#private` members, lowered by esbuild to one WeakMap per field and one WeakSet per method, use the slots of
// private-slots.js instead (see there why). The lowering is generated after `define` applies, so the output is
// rewritten; the Hono entry has no other WeakMap or WeakSet, and the slots would serve one with object keys anyway.
await esbuild.build({ ...hostCommon, entryPoints: [path.join(here, 'src/hono-entry.js')], outfile: path.join(dist, 'host/hono.mjs') });
{
  const file = path.join(dist, 'host/hono.mjs');
  const code = fs.readFileSync(file, 'utf8');
  const lowered = code.replace(/\bWeak(Map|Set)\b/g, '__kinbotSlot$1');
  if (lowered === code) throw new Error('hono.mjs: no lowered private members found; is private-slots.js still needed?');
  fs.writeFileSync(file, lowered);
}
await esbuild.build({ ...hostCommon, entryPoints: [path.join(here, 'src/host-glue.js')], outfile: path.join(dist, 'host/host-glue.mjs') });

// React is CommonJS on npm: an ESM entry re-exports its named exports explicitly (listed from the package itself) plus
// the default export. All four are built together with code splitting, so they share one React instance.
const entriesDir = path.join(work, 'vendor-entries');
fs.mkdirSync(entriesDir, { recursive: true });
const vendor = { react: 'react', 'react-dom': 'react-dom', 'react-dom-client': 'react-dom/client', 'react-jsx-runtime': 'react/jsx-runtime' };
const entryPoints = {};
for (const [out, spec] of Object.entries(vendor)) {
  const names = Object.keys(require(spec)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n)).sort();
  const file = path.join(entriesDir, out + '.js');
  const code =
    `import M from ${JSON.stringify(spec)};\nexport default M;\n` + (names.length ? `export const { ${names.join(', ')} } = M;\n` : '');
  fs.writeFileSync(file, code);
  entryPoints[out] = file;
}
await esbuild.build({
  entryPoints,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  outdir: path.join(dist, 'vendor'),
  chunkNames: 'chunk-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  nodePaths,
  logLevel: 'warning',
  legalComments: 'none',
});

const files = (dir) => fs.readdirSync(path.join(dist, dir)).filter((f) => f.endsWith('.js') || f.endsWith('.mjs')).sort();
const entry = (dir, f) => `    <file alias="${f}">dist/${dir}/${f}</file>`;
const qrc = [
  '<RCC>',
  '  <qresource prefix="/jsruntime">',
  ...files('host').map((f) => entry('host', f)),
  '  </qresource>',
  '  <qresource prefix="/miniapp-vendor">',
  ...files('vendor').map((f) => entry('vendor', f)),
  '  </qresource>',
  '</RCC>',
  '',
].join('\n');
// Written last and always: its time stamp is what the rcc step depends on.
fs.writeFileSync(path.join(work, 'jsruntime.qrc'), qrc);
