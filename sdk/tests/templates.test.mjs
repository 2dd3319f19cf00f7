// Starter templates (sdk/templates) and the SDK docs (sdk/docs) served by get_mini_app_templates / get_mini_app_docs:
// the index and templates.qrc agree with the files, templates import only what the SDK exports and only use classes
// the stylesheet defines, their JSX transpiles and renders once (fake React), their _server.js backends behave (fake
// Hono + fake ctx), and the docs name only APIs that exist.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { loadSdk, SDK_DIR, FAKE_REACT_URL, tick } from './_harness.mjs';
import { renderTree, textOf, findAll } from './_fake-react.mjs';

const TEMPLATES_DIR = path.join(SDK_DIR, 'templates');
const DOCS_DIR = path.join(SDK_DIR, 'docs');
const REQUIRED_IDS = ['dashboard', 'todo-list', 'form', 'data-viewer', 'kanban', 'chat', 'settings', 'wizard', 'api-explorer',
  'responsive', 'multi-page', 'contact-manager'];
const BACKEND_IDS = ['form', 'api-explorer', 'contact-manager'];
const DOC_SECTIONS = ['overview', 'getting-started', 'hooks', 'components', 'sdk', 'backend', 'guidelines'];
const ALLOWED_SPECIFIERS = ['react', 'react-dom/client', '@kinbot/react', '@kinbot/components'];
// Public value exports of React 19 (what a template may import from 'react').
const REACT_EXPORTS = ['Children', 'Component', 'Fragment', 'Profiler', 'PureComponent', 'StrictMode', 'Suspense', 'act', 'cache',
  'cloneElement', 'createContext', 'createElement', 'createRef', 'forwardRef', 'isValidElement', 'lazy', 'memo', 'startTransition',
  'use', 'useActionState', 'useCallback', 'useContext', 'useDebugValue', 'useDeferredValue', 'useEffect', 'useId',
  'useImperativeHandle', 'useInsertionEffect', 'useLayoutEffect', 'useMemo', 'useOptimistic', 'useReducer', 'useRef', 'useState',
  'useSyncExternalStore', 'useTransition', 'version', 'default'];

const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');
const index = JSON.parse(read(TEMPLATES_DIR, 'index.json'));
const sorted = (xs) => [...new Set(xs)].sort();
const stripJsComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');

// ------------------------------------------------------------------ SDK modules (real code, fake React)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinbot-templates-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const env = loadSdk();
const win = env.window;
const localData = new Map();
win.localStorage = {
  getItem: (k) => (localData.has(k) ? localData.get(k) : null),
  setItem: (k, v) => localData.set(k, String(v)),
  removeItem: (k) => localData.delete(k),
};
win.matchMedia = (q) => ({ matches: false, media: q, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {} });
win.innerWidth = 480;
win.history = { back() {} };
win.document.getElementById = () => ({});
globalThis.window = win;
globalThis.document = win.document;
function writeModule(name, source) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, source);
  return pathToFileURL(file).href;
}
const withFakeReact = (src) => src.replace(/from\s+['"]react['"]/g, `from '${FAKE_REACT_URL}'`);
const MODULE_URLS = {
  'react': FAKE_REACT_URL,
  '@kinbot/react': writeModule('kinbot-react.mjs', withFakeReact(read(SDK_DIR, 'kinbot-react.js'))),
  '@kinbot/components': writeModule('kinbot-components.mjs', withFakeReact(read(SDK_DIR, 'kinbot-components.js'))),
  'react-dom/client': writeModule('react-dom-client.mjs',
    'export function createRoot(node) { return { render(el) { globalThis.__rendered.push(el); }, unmount() {} }; }\n'),
};
const R = await import(MODULE_URLS['@kinbot/react']);
const C = await import(MODULE_URLS['@kinbot/components']);
const EXPORTS = { '@kinbot/react': Object.keys(R), '@kinbot/components': Object.keys(C), 'react': REACT_EXPORTS };

// ------------------------------------------------------------------ parsing helpers
function jsxBlocks(html) {
  return [...html.matchAll(/<script\s+type=["']text\/jsx["']\s*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}
// import statements → [{specifier, names: [imported names], defaultImport, namespace}]
function parseImports(code) {
  const out = [];
  for (const m of stripJsComments(code).matchAll(/^\s*import\s+([\s\S]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
    const clause = m[1].trim();
    const entry = { specifier: m[2], names: [], defaultImport: null, namespace: null };
    const braces = /\{([\s\S]*)\}/.exec(clause);
    if (braces) {
      entry.names = braces[1].split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.split(/\s+as\s+/)[0].trim());
    }
    const head = clause.replace(/\{[\s\S]*\}/, '').replace(/,\s*$/, '').trim();
    const ns = /^\*\s+as\s+(\w+)$/.exec(head);
    if (ns) entry.namespace = ns[1];
    else if (head) entry.defaultImport = head.replace(/,$/, '').trim();
    out.push(entry);
  }
  return out;
}
function findEsbuild() {
  const candidates = ['/work/main/build/dev/jsruntime/node_modules/.bin/esbuild'];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'esbuild'));
  return candidates.find((f) => { try { fs.accessSync(f, fs.constants.X_OK); return true; } catch (e) { return false; } }) || null;
}
const ESBUILD = findEsbuild();
function esbuild(args, input) {
  return execFileSync(ESBUILD, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}
const transpileJsx = (code) => esbuild(['--loader=jsx', '--jsx-factory=React.createElement', '--jsx-fragment=React.Fragment', '--format=esm'], code);

// Class names defined by kinbot-sdk.css (selectors un-escaped: .sm\:grid-cols-2 → sm:grid-cols-2).
const CSS_CLASSES = new Set([...read(SDK_DIR, 'kinbot-sdk.css').matchAll(/\.((?:[A-Za-z0-9_-]|\\.)+)/g)].map((m) => m[1].replace(/\\(.)/g, '$1')));
function classNamesIn(code) {
  const names = [];
  for (const m of code.matchAll(/className=(?:"([^"]*)"|\{([^}]*)\})/g)) {
    const literals = m[1] !== undefined ? [m[1]] : [...m[2].matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2]);
    for (const l of literals) names.push(...l.split(/\s+/).filter(Boolean));
  }
  return names;
}

// ------------------------------------------------------------------ index.json and templates.qrc
test('index.json lists the twelve templates with complete metadata', () => {
  assert.ok(Array.isArray(index));
  assert.deepEqual(sorted(index.map((t) => t.id)), sorted(REQUIRED_IDS));
  assert.equal(new Set(index.map((t) => t.id)).size, index.length, 'ids are unique');
  const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const t of index) {
    assert.match(t.id, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, `${t.id}: id is a valid slug`);
    for (const k of ['name', 'description', 'icon']) assert.ok(typeof t[k] === 'string' && t[k].trim(), `${t.id}.${k}`);
    assert.equal([...seg.segment(t.icon)].length, 1, `${t.id}: icon is one emoji`);
    assert.match(t.icon, /\p{Extended_Pictographic}/u, `${t.id}: icon is an emoji`);
    assert.ok(Array.isArray(t.tags) && t.tags.length && t.tags.every((x) => typeof x === 'string' && x), `${t.id}.tags`);
    assert.ok(Array.isArray(t.files) && t.files.includes('index.html') && t.files.includes('app.json'), `${t.id}: index.html + app.json`);
    assert.equal(t.files.includes('_server.js'), BACKEND_IDS.includes(t.id), `${t.id}: _server.js exactly for backend templates`);
    for (const f of t.files) {
      assert.ok(!f.startsWith('/') && !f.includes('..'), `${t.id}/${f}: relative path`);
      assert.ok(fs.statSync(path.join(TEMPLATES_DIR, t.id, f)).isFile(), `${t.id}/${f} exists`);
    }
    const appJson = JSON.parse(read(TEMPLATES_DIR, t.id, 'app.json'));
    assert.equal(typeof appJson.dependencies, 'object', `${t.id}/app.json has dependencies`);
  }
});

test('nothing under sdk/templates is left out of index.json', () => {
  const listed = new Set(['index.json', ...index.flatMap((t) => t.files.map((f) => `${t.id}/${f}`))]);
  const onDisk = fs.readdirSync(TEMPLATES_DIR, { recursive: true })
    .filter((f) => fs.statSync(path.join(TEMPLATES_DIR, f)).isFile()).map((f) => f.split(path.sep).join('/'));
  assert.deepEqual(sorted(onDisk), sorted(listed));
});

test('templates.qrc serves every template file under /sdk-templates and every doc under /sdk-docs, nothing else', () => {
  const qrc = read(SDK_DIR, 'templates.qrc');
  const prefixes = {};
  for (const m of qrc.matchAll(/<qresource\s+prefix="([^"]+)">([\s\S]*?)<\/qresource>/g)) {
    prefixes[m[1]] = [...m[2].matchAll(/<file(?:\s+alias="([^"]+)")?>([^<]+)<\/file>/g)].map((f) => ({ alias: f[1] ?? f[2], file: f[2] }));
  }
  assert.deepEqual(Object.keys(prefixes).sort(), ['/sdk-docs', '/sdk-templates']);
  const expected = ['index.json', ...index.flatMap((t) => t.files.map((f) => `${t.id}/${f}`))];
  assert.deepEqual(sorted(prefixes['/sdk-templates'].map((e) => e.alias)), sorted(expected));
  for (const e of prefixes['/sdk-templates']) {
    assert.equal(e.file, 'templates/' + e.alias, `${e.alias}: alias = path under sdk/templates`);
    assert.ok(fs.existsSync(path.join(SDK_DIR, e.file)), `${e.file} exists`);
  }
  assert.deepEqual(sorted(prefixes['/sdk-docs'].map((e) => e.alias)), sorted(DOC_SECTIONS.map((s) => s + '.md')));
  for (const e of prefixes['/sdk-docs']) {
    assert.equal(e.file, 'docs/' + e.alias);
    assert.ok(fs.existsSync(path.join(SDK_DIR, e.file)), `${e.file} exists`);
  }
  const cmake = read(SDK_DIR, '..', 'core', 'miniapps', 'sources.cmake');
  assert.match(cmake, /\$\{PROJECT_SOURCE_DIR\}\/sdk\/templates\.qrc/, 'templates.qrc is compiled into the core');
});

// ------------------------------------------------------------------ template pages
for (const t of index) {
  const html = read(TEMPLATES_DIR, t.id, 'index.html');
  const blocks = jsxBlocks(html);

  test(`${t.id}: page skeleton (viewport, #root, inline JSX mounting with createRoot)`, () => {
    assert.match(html, /<meta\s+name="viewport"[^>]*width=device-width/);
    assert.match(html, /<div id="root"><\/div>/);
    assert.equal(blocks.length, 1, 'one <script type="text/jsx"> block');
    assert.match(blocks[0], /createRoot\(document\.getElementById\('root'\)\)\.render\(/);
    assert.doesNotMatch(html, /<script[^>]+src=["']https?:/, 'no CDN scripts: the import map serves React offline');
  });

  test(`${t.id}: imports only from the import map, and only names those modules export`, () => {
    const imports = parseImports(blocks[0]);
    assert.ok(imports.length >= 3);
    for (const imp of imports) {
      assert.ok(ALLOWED_SPECIFIERS.includes(imp.specifier), `${t.id}: unexpected import '${imp.specifier}'`);
      if (imp.specifier === 'react-dom/client') { assert.deepEqual(imp.names, ['createRoot']); continue; }
      assert.equal(imp.namespace, null, `${t.id}: no namespace import of ${imp.specifier}`);
      if (imp.defaultImport) assert.ok(EXPORTS[imp.specifier].includes('default'), `${imp.specifier} has a default export`);
      for (const name of imp.names) {
        assert.ok(EXPORTS[imp.specifier].includes(name), `${t.id}: '${name}' is not exported by ${imp.specifier}`);
      }
    }
    assert.ok(imports.some((i) => i.specifier === '@kinbot/components'), 'uses the component library');
  });

  test(`${t.id}: uses only classes from kinbot-sdk.css and no hard-coded colours`, () => {
    const unknown = classNamesIn(blocks[0]).filter((c) => !CSS_CLASSES.has(c));
    assert.deepEqual(sorted(unknown), [], `${t.id}: classes missing from kinbot-sdk.css`);
    const code = stripJsComments(blocks[0]);
    assert.doesNotMatch(code, /#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|\boklch\(/, 'colours come from var(--color-…) tokens');
  });

  test(`${t.id}: inline JSX transpiles (esbuild, classic runtime) and the app renders once`, { skip: ESBUILD ? false : 'no esbuild found' }, async () => {
    const js = transpileJsx(blocks[0]);
    assert.match(js, /React\.createElement/);
    let linked = js;
    for (const [spec, url] of Object.entries(MODULE_URLS)) {
      linked = linked.replace(new RegExp(`from\\s+['"]${spec.replace(/[/@]/g, '\\$&')}['"]`, 'g'), `from '${url}'`);
    }
    globalThis.__rendered = [];
    win.location.hash = '';
    await import(writeModule(`${t.id}.mjs`, linked));
    assert.equal(globalThis.__rendered.length, 1, 'createRoot().render() called once');
    const tree = renderTree(globalThis.__rendered[0]);
    const spinners = findAll(tree, (n) => n.props.role === 'status');
    assert.ok(textOf(tree).trim().length > 0 || spinners.length > 0, 'the app renders content (or a spinner while storage loads)');
  });
}

test('templates render their main content (fake React, one pass)', { skip: ESBUILD ? false : 'no esbuild found' }, async () => {
  // The first render of a few apps, with storage still loading where it matters.
  const expectations = {
    'todo-list': ['Todos', 'All', 'Active', 'Done'],
    'dashboard': ['Visits', 'Sign-ups', 'Revenue', 'Overview', 'Traffic'],
    'form': ['Contact us', 'Name', 'Email', 'Send'],
    'data-viewer': ['240 of 240 rows', 'Export'],
    'wizard': ['About you', 'Next'],
    'multi-page': ['Home', 'Notes', 'About', 'Welcome'],
    'contact-manager': ['Contacts', 'New'],
    'api-explorer': ['Backend', 'Events', 'External', 'GET /hello'],
    'responsive': ['Projects', 'breakpoint: xs'],
  };
  for (const [id, texts] of Object.entries(expectations)) {
    const js = transpileJsx(jsxBlocks(read(TEMPLATES_DIR, id, 'index.html'))[0]);
    let linked = js;
    for (const [spec, url] of Object.entries(MODULE_URLS)) {
      linked = linked.replace(new RegExp(`from\\s+['"]${spec.replace(/[/@]/g, '\\$&')}['"]`, 'g'), `from '${url}'`);
    }
    globalThis.__rendered = [];
    win.location.hash = '';
    await import(writeModule(`${id}-text.mjs`, linked));
    const text = textOf(renderTree(globalThis.__rendered[0]));
    for (const s of texts) assert.ok(text.includes(s), `${id}: renders "${s}" (got: ${text.slice(0, 200)})`);
  }
});

// ------------------------------------------------------------------ backends
class FakeHono {
  constructor() { this.routes = []; }
  on(method, routePath, ...handlers) {
    assert.equal(typeof routePath, 'string');
    assert.ok(handlers.length >= 1 && handlers.every((h) => typeof h === 'function'));
    this.routes.push({ method, path: routePath, handler: handlers[handlers.length - 1] });
    return this;
  }
  get(p, ...h) { return this.on('GET', p, ...h); }
  post(p, ...h) { return this.on('POST', p, ...h); }
  put(p, ...h) { return this.on('PUT', p, ...h); }
  patch(p, ...h) { return this.on('PATCH', p, ...h); }
  delete(p, ...h) { return this.on('DELETE', p, ...h); }
  all(p, ...h) { return this.on('ALL', p, ...h); }
}
function matchRoute(pattern, actual) {
  const a = pattern.split('/').filter(Boolean);
  const b = actual.split('/').filter(Boolean);
  if (a.length !== b.length && !a.includes('*')) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '*') return params;
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}
// Calls the matching handler with a Hono-like context; → {status, body}.
async function call(app, method, url, body, headers = {}) {
  const u = new URL(url, 'http://app.local');
  let params = null;
  const route = app.routes.find((r) => (r.method === method || r.method === 'ALL') && (params = matchRoute(r.path, u.pathname)));
  if (!route) return { status: 404, body: '404 Not Found' };
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const hdrs = Object.fromEntries(Object.entries({ ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers })
    .map(([k, v]) => [k.toLowerCase(), v]));
  const c = {
    req: {
      method, path: u.pathname, url: u.href,
      param: (n) => (n === undefined ? params : params[n]),
      query: (n) => (n === undefined ? Object.fromEntries(u.searchParams) : u.searchParams.get(n) ?? undefined),
      header: (n) => (n === undefined ? hdrs : hdrs[n.toLowerCase()]),
      json: async () => JSON.parse(text),
      text: async () => text,
    },
    json: (obj, status = 200) => ({ status, body: JSON.parse(JSON.stringify(obj)) }),
    text: (s, status = 200) => ({ status, body: s }),
    body: (b, status = 200) => ({ status, body: b }),
  };
  const res = await route.handler(c);
  assert.ok(res && typeof res.status === 'number', `${method} ${url}: the handler returns c.json()/c.text()`);
  return res;
}
// The ctx of the seed contract, with the server's storage limits.
function fakeCtx() {
  const store = new Map();
  const emitted = [];
  const logs = [];
  const ctx = {
    Hono: FakeHono, appId: 'app-1', kinId: 'kin-1', appName: 'Test app', subscribers: 0,
    storage: {
      async get(k) { return store.has(k) ? JSON.parse(store.get(k)) : null; },
      async set(k, v) {
        if (typeof k !== 'string' || !k || k.length > 256) throw new Error('Invalid key');
        const s = JSON.stringify(v);
        if (s === undefined) throw new Error('Value must be JSON');
        if (s.length > 65536) throw new Error('Value too large');
        if (!store.has(k) && store.size >= 500) throw new Error('Too many keys');
        store.set(k, s);
      },
      async delete(k) { return store.delete(k); },
      async list() { return [...store].map(([key, v]) => ({ key, size: v.length })); },
      async clear() { const n = store.size; store.clear(); return n; },
    },
    events: { emit(name, data) { emitted.push({ name, data }); }, get subscriberCount() { return ctx.subscribers; } },
    log: { info: (...a) => logs.push(a), warn: (...a) => logs.push(a), error: (...a) => logs.push(a), debug: (...a) => logs.push(a) },
  };
  return { ctx, store, emitted, logs };
}
async function loadBackend(id) {
  const src = read(TEMPLATES_DIR, id, '_server.js');
  const mod = await import('data:text/javascript;base64,' + Buffer.from(src).toString('base64'));
  assert.equal(typeof mod.default, 'function', `${id}: default export is a function of ctx`);
  const f = fakeCtx();
  const app = mod.default(f.ctx);
  assert.ok(app instanceof FakeHono, `${id}: the factory returns the app built with new ctx.Hono()`);
  return { app, ...f };
}

for (const id of BACKEND_IDS) {
  test(`${id}/_server.js: seed contract, no Node APIs, lowers to ES2016`, () => {
    const src = read(TEMPLATES_DIR, id, '_server.js');
    const code = stripJsComments(src);
    assert.match(code, /export default function\s*\(ctx\)/);
    assert.match(code, /new ctx\.Hono\(\)/);
    assert.match(code, /return app;/);
    assert.doesNotMatch(code, /\b(?:process|require|Buffer|__dirname|Bun|Deno)\b|^\s*import\s/m, 'no Node APIs, no imports');
    assert.doesNotMatch(code, /\.replaceAll\(|\.matchAll\(|Promise\.(?:allSettled|any)\b|\bstructuredClone\b|\bIntl\.|\bBigInt\b|\bcrypto\.|\.toLocale\w*\(/,
      'no built-ins missing from the backend engine (ES2016 + the runtime polyfills)');
    if (ESBUILD) esbuild(['--loader=js', '--format=iife', '--global-name=__backend', '--target=es2016'], src);
  });
}

test('every backend call a page makes has a matching route in its _server.js', async () => {
  for (const id of BACKEND_IDS) {
    const { app } = await loadBackend(id);
    const code = stripJsComments(jsxBlocks(read(TEMPLATES_DIR, id, 'index.html'))[0]);
    const calls = [...code.matchAll(/\b(?:api\.(get|post|put|patch|delete)|useApi)\(\s*'([^']+)'/g)]
      .map((m) => ({ method: (m[1] || 'get').toUpperCase(), path: m[2].split('?')[0].replace(/\/$/, '/some-id') }));
    assert.ok(calls.length >= 2, `${id}: the page calls its backend`);
    for (const c of calls) {
      assert.ok(app.routes.some((r) => r.method === c.method && matchRoute(r.path, c.path)), `${id}: no route for ${c.method} ${c.path}`);
    }
  }
});

test('form backend: invalid → 400 with field errors (nothing stored), valid → 201 and stored', async () => {
  const { app, store, emitted } = await loadBackend('form');
  let r = await call(app, 'POST', '/submissions', {});
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'VALIDATION_FAILED');
  assert.deepEqual(Object.keys(r.body.errors).sort(), ['email', 'message', 'name']);
  r = await call(app, 'POST', '/submissions', { name: 'Ada', email: 'ada@', message: 'Hello there, engine!' });
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.body.errors), ['email']);
  r = await call(app, 'POST', '/submissions', { name: 'Ada', email: 'ada@example.org', message: 'Hello there, engine!', topic: 'nope' });
  assert.deepEqual(Object.keys(r.body.errors), ['topic']);
  r = await call(app, 'POST', '/submissions', 'not json');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'INVALID_JSON');
  assert.equal(store.has('submissions'), false, 'invalid submissions are not stored');

  r = await call(app, 'POST', '/submissions', { name: '  Ada ', email: 'ada@example.org', message: 'Hello there, engine!', topic: 'feedback' });
  assert.equal(r.status, 201);
  assert.equal(r.body.submission.name, 'Ada');
  assert.ok(r.body.submission.id);
  const stored = JSON.parse(store.get('submissions'));
  assert.equal(stored.length, 1);
  assert.equal(stored[0].email, 'ada@example.org');
  assert.equal(stored[0].topic, 'feedback');
  assert.deepEqual(emitted.map((e) => e.name), ['submission']);

  r = await call(app, 'GET', '/submissions');
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].id, stored[0].id);
});

test('form backend: keeps the newest submissions within one storage value, DELETE clears them', async () => {
  const { app, store } = await loadBackend('form');
  for (let i = 0; i < 60; i++) {
    const r = await call(app, 'POST', '/submissions', { name: 'N' + i, email: `n${i}@example.org`, message: 'x'.repeat(1900) });
    assert.equal(r.status, 201, 'stays under the 64 KiB value limit');
  }
  const list = (await call(app, 'GET', '/submissions')).body.items;
  assert.ok(list.length >= 20 && list.length < 60, `older submissions dropped (${list.length} kept)`);
  assert.equal(list[0].name, 'N59', 'newest first');
  assert.ok(store.get('submissions').length <= 65536);
  assert.equal((await call(app, 'DELETE', '/submissions')).status, 200);
  assert.equal((await call(app, 'GET', '/submissions')).body.total, 0);
});

test('api-explorer backend: hello, echo, counter in storage, listeners', async () => {
  const { app, store, emitted, ctx } = await loadBackend('api-explorer');
  let r = await call(app, 'GET', '/hello?name=Ada');
  assert.equal(r.body.message, 'Hello, Ada!');
  assert.equal(r.body.app, 'Test app');
  r = await call(app, 'POST', '/echo', { a: 1 });
  assert.deepEqual(r.body, { method: 'POST', path: '/echo', contentType: 'application/json', body: { a: 1 } });
  assert.equal((await call(app, 'POST', '/counter')).body.value, 1);
  assert.equal((await call(app, 'POST', '/counter')).body.value, 2);
  assert.equal(store.get('counter'), '2');
  assert.equal((await call(app, 'GET', '/counter')).body.value, 2);
  assert.deepEqual(emitted.map((e) => [e.name, e.data.value]), [['counter', 1], ['counter', 2]]);
  ctx.subscribers = 3;
  assert.deepEqual((await call(app, 'GET', '/listeners')).body, { count: 3 });
});

test('api-explorer backend: a job answers 202 at once, then emits progress events in order and done', async () => {
  const { app, emitted } = await loadBackend('api-explorer');
  const r = await call(app, 'POST', '/jobs', { steps: 3, delayMs: 0 });
  assert.equal(r.status, 202);
  assert.equal(r.body.steps, 3);
  assert.equal(emitted.length, 0, 'work happens after the answer');
  for (let i = 0; i < 50 && !emitted.some((e) => e.name === 'done'); i++) await tick(5);
  assert.deepEqual(emitted.map((e) => e.name), ['progress', 'progress', 'progress', 'done']);
  assert.deepEqual(emitted.slice(0, 3).map((e) => [e.data.step, e.data.total, e.data.jobId]),
    [[1, 3, r.body.jobId], [2, 3, r.body.jobId], [3, 3, r.body.jobId]]);
  assert.equal(emitted[3].data.jobId, r.body.jobId);
  const clamped = await call(app, 'POST', '/jobs', { steps: 1000, delayMs: 0 });
  assert.equal(clamped.body.steps, 20, 'steps are clamped');
});

test('contact-manager backend: CRUD with validation and 404s', async () => {
  const { app, store, emitted } = await loadBackend('contact-manager');
  let r = await call(app, 'POST', '/contacts', {});
  assert.equal(r.status, 400);
  assert.ok(r.body.errors.name);
  r = await call(app, 'POST', '/contacts', { name: 'Ada', email: 'nope', phone: 'call me' });
  assert.deepEqual(Object.keys(r.body.errors).sort(), ['email', 'phone']);
  assert.equal(store.has('contacts'), false);

  r = await call(app, 'POST', '/contacts', { name: 'Ada Lovelace', email: 'ada@example.org', company: 'Engines', tags: ['math', ' ', 7] });
  assert.equal(r.status, 201);
  const ada = r.body.contact;
  assert.ok(ada.id);
  assert.deepEqual(ada.tags, ['math']);
  await call(app, 'POST', '/contacts', { name: 'Alan Turing', tags: ['logic'] });
  assert.equal(JSON.parse(store.get('contacts')).length, 2);

  assert.equal((await call(app, 'GET', '/contacts')).body.total, 2);
  assert.deepEqual((await call(app, 'GET', '/contacts?q=engines')).body.items.map((x) => x.name), ['Ada Lovelace']);
  assert.deepEqual((await call(app, 'GET', '/contacts?q=LOGIC')).body.items.map((x) => x.name), ['Alan Turing']);
  assert.equal((await call(app, 'GET', '/contacts/' + ada.id)).body.contact.email, 'ada@example.org');
  assert.equal((await call(app, 'GET', '/contacts/missing')).status, 404);

  r = await call(app, 'PUT', '/contacts/' + ada.id, { phone: '+44 20 1234' });
  assert.equal(r.status, 200);
  assert.equal(r.body.contact.name, 'Ada Lovelace', 'PUT keeps fields it does not change');
  assert.equal(r.body.contact.phone, '+44 20 1234');
  assert.equal((await call(app, 'PUT', '/contacts/' + ada.id, { email: 'bad' })).status, 400);
  assert.equal((await call(app, 'PUT', '/contacts/missing', { name: 'x' })).status, 404);
  assert.equal(JSON.parse(store.get('contacts')).find((x) => x.id === ada.id).phone, '+44 20 1234');

  assert.equal((await call(app, 'DELETE', '/contacts/' + ada.id)).status, 200);
  assert.equal((await call(app, 'DELETE', '/contacts/' + ada.id)).status, 404);
  assert.deepEqual((await call(app, 'GET', '/contacts')).body.items.map((x) => x.name), ['Alan Turing']);
  assert.deepEqual(emitted.map((e) => e.data.action), ['created', 'created', 'updated', 'deleted']);
});

// ------------------------------------------------------------------ docs
const docs = Object.fromEntries(DOC_SECTIONS.filter((s) => fs.existsSync(path.join(DOCS_DIR, s + '.md'))).map((s) => [s, read(DOCS_DIR, s + '.md')]));
const allDocs = Object.values(docs).join('\n');

test('every doc section exists, and the whole set stays under 40 KB', () => {
  assert.deepEqual(Object.keys(docs), DOC_SECTIONS);
  for (const [s, text] of Object.entries(docs)) assert.ok(text.trim().length > 300, `${s}.md has content`);
  assert.ok(Buffer.byteLength(allDocs) < 40 * 1024, `docs are ${Buffer.byteLength(allDocs)} bytes`);
  assert.deepEqual(sorted(fs.readdirSync(DOCS_DIR)), sorted(DOC_SECTIONS.map((s) => s + '.md')), 'no stray files in sdk/docs');
});

test('each section documents its APIs', () => {
  const mustMention = (section, names) => {
    const missing = names.filter((n) => !docs[section].includes(n));
    assert.deepEqual(missing, [], `${section}.md does not mention`);
  };
  mustMention('hooks', Object.keys(R).filter((k) => /^use[A-Z]/.test(k)).concat(['Route', 'Link']));
  mustMention('components', Object.keys(C).filter((k) => /^[A-Z]/.test(k)).concat(['useHashRouter']));
  const { KinBot } = env;
  const subs = ['storage', 'api', 'http', 'events', 'apps', 'memory', 'conversation', 'clipboard'];
  mustMention('sdk', Object.keys(KinBot).filter((k) => !subs.includes(k)).map((k) => k));
  for (const s of subs) mustMention('sdk', Object.keys(KinBot[s]).map((k) => `${s}.${k}`));
  mustMention('backend', ['ctx.Hono', 'ctx.storage', 'ctx.events.emit', 'subscriberCount', 'ctx.appId', 'ctx.kinId', 'ctx.appName',
    'ctx.log', 'c.req.json', 'c.json', 'c.req.param', 'c.req.query', 'export default function', '/api/mini-apps/', 'useEventStream']);
  mustMention('overview', ['256', '64 KiB', '500 keys', '5 MB', '50 MB', '20', 'snapshot', 'get_mini_app_templates', 'import map']);
  mustMention('getting-started', ['text/jsx', 'app.json', 'react-dom/client', '@kinbot/react', '@kinbot/components', 'createRoot', '.jsx']);
  mustMention('guidelines', ['320', 'Link', 'useHashRouter', '<base', 'KinBot.http', 'CSP', 'var(--color-', 'dark']);
});

test('docs name only KinBot members, hooks, components and imports that exist', () => {
  const { KinBot } = env;
  for (const m of allDocs.matchAll(/\bKinBot\.([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?/g)) {
    assert.ok(m[1] in KinBot, `KinBot.${m[1]} exists`);
    if (m[2]) assert.ok(KinBot[m[1]] && m[2] in KinBot[m[1]], `KinBot.${m[1]}.${m[2]} exists`);
  }
  const reactHooks = REACT_EXPORTS.filter((n) => n.startsWith('use'));
  for (const m of allDocs.matchAll(/\b(use[A-Z][A-Za-z]*)\b/g)) {
    assert.ok(m[1] in R || m[1] in C || reactHooks.includes(m[1]), `hook ${m[1]} exists`);
  }
  const defined = new Set([...allDocs.matchAll(/(?:function|const|class)\s+([A-Z]\w*)/g)].map((m) => m[1]));
  for (const m of allDocs.matchAll(/<([A-Z][\w]*)(?:\.([A-Z]\w*))?[\s/>]/g)) {
    if (defined.has(m[1])) continue;
    const owner = C[m[1]] || R[m[1]];
    assert.ok(owner, `<${m[1]}> is a component of the SDK`);
    if (m[2]) assert.ok(owner[m[2]], `<${m[1]}.${m[2]}> exists`);
  }
  for (const imp of parseImports(allDocs)) {
    if (!EXPORTS[imp.specifier]) continue;
    for (const name of imp.names) assert.ok(EXPORTS[imp.specifier].includes(name), `docs import '${name}' from ${imp.specifier}`);
  }
});
