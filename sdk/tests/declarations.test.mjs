// The .d.ts files must describe exactly what the JavaScript exports, and sdk.qrc must list every served file.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadSdk, importSdkModule, SDK_DIR } from './_harness.mjs';

const read = (f) => fs.readFileSync(path.join(SDK_DIR, f), 'utf8');
const sorted = (xs) => [...new Set(xs)].sort();
const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

// Value exports declared inside `declare module '…' { … }` (types and interfaces are ignored).
function declaredValues(dts) {
  const body = stripComments(dts);
  const names = [...body.matchAll(/^\s*export\s+(?:declare\s+)?(?:function|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  if (/^\s*export\s+default\s/m.test(body)) names.push('default');
  return sorted(names);
}
// Member names of `interface Name { … }` (top-level members only).
function interfaceMembers(dts, name) {
  const src = stripComments(dts).replace(/=>/g, '  ');
  const start = src.indexOf(`interface ${name} `);
  assert.ok(start >= 0, `interface ${name} declared`);
  let i = src.indexOf('{', start) + 1;
  let depth = 1;
  let cur = '';
  const top = [];
  for (; i < src.length && depth > 0; i++) {
    const c = src[i];
    if (c === '{' || c === '(' || c === '<') depth++;
    else if (c === '}' || c === ')' || c === '>') depth--;
    if (depth === 1 && c !== '}' && c !== ')' && c !== '>') cur += c;
    else if (depth === 1) cur += ' ';
    if (depth === 1 && (c === ';' || c === '\n')) { top.push(cur); cur = ''; }
  }
  const names = top.map((l) => /^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\s*(?:[?]?\s*[:(<])/.exec(l)).filter(Boolean).map((m) => m[1]);
  return sorted(names);
}

test('kinbot-react.d.ts declares exactly the runtime exports of kinbot-react.js', async () => {
  const env = loadSdk();
  const mod = await importSdkModule('kinbot-react.js', env.window);
  assert.deepEqual(declaredValues(read('kinbot-react.d.ts')), sorted(Object.keys(mod)));
});

test('kinbot-components.d.ts declares exactly the runtime exports of kinbot-components.js', async () => {
  const env = loadSdk();
  const mod = await importSdkModule('kinbot-components.js', env.window);
  assert.deepEqual(declaredValues(read('kinbot-components.d.ts')), sorted(Object.keys(mod)));
});

test('kinbot-sdk.d.ts describes window.KinBot and its sub-objects', () => {
  const dts = read('kinbot-sdk.d.ts');
  const { KinBot } = loadSdk();
  assert.deepEqual(interfaceMembers(dts, 'KinBotSDK'), sorted(Object.keys(KinBot)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotApi'), sorted(Object.keys(KinBot.api)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotHttp'), sorted(Object.keys(KinBot.http)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotStorage'), sorted(Object.keys(KinBot.storage)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotEvents'), sorted(Object.keys(KinBot.events)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotApps'), sorted(Object.keys(KinBot.apps)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotMemoryApi'), sorted(Object.keys(KinBot.memory)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotConversation'), sorted(Object.keys(KinBot.conversation)));
  assert.deepEqual(interfaceMembers(dts, 'KinBotClipboard'), sorted(Object.keys(KinBot.clipboard)));
  assert.match(dts, /readonly version: '1\.16\.0'/);
});

test('sdk.qrc lists every served SDK file under the /sdk prefix, and they exist', () => {
  const qrc = read('sdk.qrc');
  assert.match(qrc, /<qresource prefix="\/sdk">/);
  const files = [...qrc.matchAll(/<file>([^<]+)<\/file>/g)].map((m) => m[1]);
  assert.deepEqual(sorted(files), sorted(['kinbot-sdk.js', 'kinbot-react.js', 'kinbot-components.js', 'kinbot-sdk.css',
    'kinbot-sdk.d.ts', 'kinbot-react.d.ts', 'kinbot-components.d.ts']));
  for (const f of files) assert.ok(fs.statSync(path.join(SDK_DIR, f)).size > 0, f);
});

test('kinbot-sdk.css defines every documented token, the palettes and the component classes', () => {
  const css = read('kinbot-sdk.css');
  const tokens = ['--font-sans', '--font-mono', ...['sm', 'md', 'lg', 'xl', '2xl', 'full'].map((s) => '--radius-' + s),
    ...['background', 'foreground', 'card', 'card-foreground', 'popover', 'popover-foreground', 'primary', 'primary-foreground',
      'secondary', 'secondary-foreground', 'muted', 'muted-foreground', 'accent', 'accent-foreground', 'destructive',
      'destructive-foreground', 'success', 'success-foreground', 'warning', 'warning-foreground', 'info', 'info-foreground',
      'border', 'input', 'ring', 'link', 'link-hover', 'chart-1', 'chart-2', 'chart-3', 'chart-4', 'chart-5',
      'gradient-start', 'gradient-mid', 'gradient-end', 'glow-1', 'glow-2', 'glow-3', 'glass-bg', 'glass-strong-bg'].map((s) => '--color-' + s),
    ...['xs', 'sm', 'md', 'lg', 'xl'].map((s) => '--shadow-' + s), ...['sm', 'md', 'lg', 'xl'].map((s) => '--breakpoint-' + s)];
  for (const t of tokens) assert.match(css, new RegExp(`${t}\\s*:`), t);
  assert.match(css, /^\.dark\s*\{/m);
  for (const p of ['ocean', 'forest', 'sunset', 'monochrome', 'sakura', 'neon', 'lavender']) assert.ok(css.includes(`[data-palette="${p}"]`), p);
  const classes = ['btn', 'btn-primary', 'btn-secondary', 'btn-destructive', 'btn-ghost', 'btn-shine', 'btn-sm', 'btn-lg', 'btn-icon', 'btn-press', 'btn-magnetic',
    'card', 'card-header', 'card-title', 'card-description', 'card-content', 'card-footer', 'card-hover', 'input', 'textarea', 'select', 'checkbox', 'radio',
    'switch', 'label', 'badge', 'badge-primary', 'badge-success', 'badge-warning', 'badge-destructive', 'badge-outline', 'alert', 'alert-info', 'alert-success',
    'alert-warning', 'alert-destructive', 'alert-title', 'alert-description', 'table', 'avatar', 'avatar-sm', 'avatar-lg', 'avatar-xl', 'progress', 'progress-sm',
    'progress-lg', 'spinner', 'spinner-sm', 'spinner-lg', 'skeleton', 'kbd', 'separator', 'separator-gradient', 'glass', 'glass-strong', 'surface-card',
    'gradient-primary', 'gradient-primary-text', 'gradient-subtle', 'gradient-border', 'glow-primary', 'hover-glow', 'pulse-glow', 'sr-only', 'truncate',
    'grid-cols-12', 'sm\\:flex', 'md\\:grid-cols-2', 'lg\\:hidden', 'xl\\:grid-cols-4', 'animate-fade-in', 'animate-fade-in-up', 'animate-bounce-in',
    'animate-flip-in-x', 'animate-collapse-down', 'delay-10', 'duration-1000', 'ease-spring', 'ease-bounce', 'link-active'];
  for (const c of classes) assert.ok(css.includes('.' + c + ' ') || css.includes('.' + c + '{') || css.includes('.' + c + ',') || css.includes('.' + c + ':') || css.includes('.' + c + '>') || css.includes('.' + c + '.') || css.includes('.' + c + '\n'), c);
  assert.match(css, /@media \(prefers-reduced-motion: reduce\)/);
  // every class name the components use exists in the stylesheet
  const comp = read('kinbot-components.js');
  const used = new Set([...comp.matchAll(/'(kb-[a-z0-9-]*[a-z0-9])'/g)].map((m) => m[1]));
  const missing = [...used].filter((c) => !new RegExp('\\.' + c + '(?![\\w-])').test(css));
  assert.deepEqual(missing, [], 'classes used by components but missing from kinbot-sdk.css');
});

test('ES modules import nothing but bare `react`; kinbot-sdk.js is a classic script', () => {
  for (const f of ['kinbot-react.js', 'kinbot-components.js']) {
    const src = read(f);
    const specifiers = [...src.matchAll(/^\s*import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    assert.deepEqual(specifiers, ['react'], f);
    assert.doesNotMatch(src, /^\s*import\s*\(/m, f);
  }
  const sdk = read('kinbot-sdk.js');
  assert.doesNotMatch(sdk, /^\s*(import|export)\s/m);
});
