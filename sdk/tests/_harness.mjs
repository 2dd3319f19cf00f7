// Tiny fakes of the browser pieces kinbot-sdk.js touches, and a loader that evaluates the SDK in a vm context.
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK_SOURCE = fs.readFileSync(path.join(SDK_DIR, 'kinbot-sdk.js'), 'utf8');

// Cross-realm values → plain outer-realm values for deepStrictEqual.
export const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function makeTarget() {
  const map = new Map();
  return {
    addEventListener(type, cb) { if (!map.has(type)) map.set(type, []); map.get(type).push(cb); },
    removeEventListener(type, cb) { const l = map.get(type) || []; const i = l.indexOf(cb); if (i >= 0) l.splice(i, 1); },
    dispatch(type, ev) { for (const cb of (map.get(type) || []).slice()) cb(ev); },
    count(type) { return (map.get(type) || []).length; },
  };
}

export class FakeEventSource {
  static instances = [];
  constructor(url, opts) {
    this.url = url; this.opts = opts; this.readyState = 0; this.closed = false; this.onerror = null; this.onopen = null;
    this._t = makeTarget();
    FakeEventSource.instances.push(this);
  }
  addEventListener(type, cb) { this._t.addEventListener(type, cb); }
  removeEventListener(type, cb) { this._t.removeEventListener(type, cb); }
  close() { this.closed = true; this.readyState = 2; }
  // Server frames as the mini-app /events route writes them.
  frame(event, dataObj) { this.readyState = 1; this._t.dispatch(event, { type: event, data: JSON.stringify(dataObj) }); }
  fail(closed = false) { this.readyState = closed ? 2 : 0; if (this.onerror) this.onerror({ type: 'error' }); }
}

/**
 * Build a fake browser and run kinbot-sdk.js in it.
 * opts.pathname: page path (default /api/mini-apps/app1/serve); opts.parent: true for an iframe with a KinBot parent.
 * opts.fetch(url, init) → Response | Promise<Response> (default: 200 {}).
 */
export function loadSdk(opts = {}) {
  const posted = [];
  const fetchCalls = [];
  const logs = [];
  const winT = makeTarget();
  const docT = makeTarget();
  let observerCb = null;
  const rootAttrs = new Map();
  const rootClasses = new Set();
  const parent = opts.parent ? { postMessage(msg, origin) { posted.push({ msg: plain(msg), origin }); } } : null;
  const fakeConsole = {
    log: (...a) => logs.push(['log', ...a]),
    warn: (...a) => logs.push(['warn', ...a]),
    error: (...a) => logs.push(['error', ...a]),
  };
  const sandbox = {
    location: { pathname: opts.pathname ?? '/api/mini-apps/app1/serve', search: '', hash: '' },
    navigator: { language: 'fr-FR', clipboard: opts.clipboard },
    console: fakeConsole,
    setTimeout, clearTimeout, setInterval, clearInterval,
    btoa, atob, TextEncoder, TextDecoder, Blob, URL,
    EventSource: FakeEventSource,
    MutationObserver: class { constructor(cb) { observerCb = cb; } observe() {} disconnect() {} },
    fetch: async (url, init) => {
      fetchCalls.push({ url, init: init ? plain({ ...init, body: init.body }) : undefined });
      const r = opts.fetch ? await opts.fetch(url, init) : null;
      return r || new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
    addEventListener: winT.addEventListener, removeEventListener: winT.removeEventListener,
    confirm: opts.confirm, prompt: opts.prompt,
    document: {
      documentElement: {
        classList: { contains: (c) => rootClasses.has(c) },
        getAttribute: (n) => (rootAttrs.has(n) ? rootAttrs.get(n) : null),
      },
      addEventListener: docT.addEventListener, removeEventListener: docT.removeEventListener,
    },
  };
  sandbox.window = sandbox;
  sandbox.parent = parent || sandbox;
  const ctx = vm.createContext(sandbox);
  vm.runInContext(SDK_SOURCE, ctx, { filename: 'kinbot-sdk.js' });
  return {
    KinBot: sandbox.KinBot,
    window: sandbox,
    posted, fetchCalls, logs,
    // Deliver a parent → iframe message.
    fromParent(msg, source = parent) { winT.dispatch('message', { data: { source: 'kinbot-parent', ...msg }, source }); },
    keydown(init) {
      const ev = { key: '', code: '', ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, target: null, defaultPrevented: false, ...init };
      ev.preventDefault = () => { ev.defaultPrevented = true; };
      docT.dispatch('keydown', ev);
      return ev;
    },
    setTheme(dark, palette) {
      if (dark) rootClasses.add('dark'); else rootClasses.delete('dark');
      if (palette) rootAttrs.set('data-palette', palette); else rootAttrs.delete('data-palette');
      if (observerCb) observerCb([]);
    },
    windowListeners: (type) => winT.count(type),
    dispatchWindow: (type, ev) => winT.dispatch(type, ev),
  };
}

export function json(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

// Import an SDK ES module with its bare `react` import pointed at the fake React of this folder.
// globalThis.window is set to `win` first (the module reads window.KinBot at evaluation time).
import os from 'node:os';
import { pathToFileURL } from 'node:url';
let importSeq = 0;
export const FAKE_REACT_URL = pathToFileURL(path.join(SDK_DIR, 'tests', '_fake-react.mjs')).href;
export async function importSdkModule(file, win) {
  const src = fs.readFileSync(path.join(SDK_DIR, file), 'utf8');
  const rewritten = src.replace(/from\s+['"]react['"]/g, `from '${FAKE_REACT_URL}'`);
  assert.ok(rewritten !== src, `${file} imports 'react'`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinbot-sdk-test-'));
  const out = path.join(dir, `${++importSeq}-${file}`);
  fs.writeFileSync(out, rewritten);
  if (win) globalThis.window = win;
  try { return await import(pathToFileURL(out).href); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}
import assert from 'node:assert/strict';
