import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSdk, plain, tick, json } from './_harness.mjs';

const META = { id: 'app1', name: 'Demo', slug: 'demo', description: null, icon: '📦', kinId: 'k1', kinName: 'Kim',
  kinAvatarUrl: '/a.png', version: 3, isFullPage: false, locale: 'fr', user: { id: 'u1', name: 'Ann', pseudonym: 'ann', locale: 'fr', timezone: 'UTC', avatarUrl: null } };

const lastOf = (env, type) => env.posted.filter((p) => p.msg.type === type).pop();

test('ready(): posts ready, resolves on app-meta, memoised; getters follow meta', async () => {
  const env = loadSdk({ parent: true });
  const p1 = env.KinBot.ready();
  const p2 = env.KinBot.ready();
  assert.equal(p1, p2);
  assert.deepEqual(env.posted.map((p) => p.msg), [{ source: 'kinbot-sdk', type: 'ready' }]);
  assert.equal(env.posted[0].origin, '*');
  const metaEvents = [];
  env.KinBot.on('app-meta', (m) => metaEvents.push(m.id));
  env.fromParent({ type: 'app-meta', data: META });
  assert.deepEqual(plain(await p1), META);
  assert.deepEqual(metaEvents, ['app1']);
  assert.deepEqual(plain(env.KinBot.kin), { id: 'k1', name: 'Kim', avatarUrl: '/a.png' });
  assert.equal(env.KinBot.user.pseudonym, 'ann');
  assert.equal(env.KinBot.locale, 'fr');
  assert.equal(env.KinBot.app.slug, 'demo');
  // already known → immediate, no new ready message
  await env.KinBot.ready();
  assert.equal(env.posted.length, 1);
});

test('messages from other sources or windows are ignored', () => {
  const env = loadSdk({ parent: true });
  env.fromParent({ type: 'app-meta', data: META }, { postMessage() {} });
  assert.equal(env.KinBot.app, null);
  env.dispatchWindow('message', { data: { source: 'other', type: 'app-meta', data: META } });
  assert.equal(env.KinBot.app, null);
});

test('confirm/prompt: callbackId round trip via dialog-result', async () => {
  const env = loadSdk({ parent: true });
  const c = env.KinBot.confirm('Delete?', { title: 'T', confirmLabel: 'Yes', cancelLabel: 'No', variant: 'destructive' });
  const pr = env.KinBot.prompt('Name?', { placeholder: 'p', defaultValue: 'd' });
  const cm = lastOf(env, 'confirm').msg;
  const pm = lastOf(env, 'prompt').msg;
  assert.equal(cm.source, 'kinbot-sdk');
  assert.deepEqual({ ...cm, callbackId: undefined }, { source: 'kinbot-sdk', type: 'confirm', callbackId: undefined, message: 'Delete?', title: 'T', confirmLabel: 'Yes', cancelLabel: 'No', variant: 'destructive' });
  assert.notEqual(cm.callbackId, pm.callbackId);
  assert.equal(pm.defaultValue, 'd');
  // answer in reverse order; unknown ids are ignored
  env.fromParent({ type: 'dialog-result', callbackId: 'nope', value: true });
  env.fromParent({ type: 'dialog-result', callbackId: pm.callbackId, value: 'Bob' });
  env.fromParent({ type: 'dialog-result', callbackId: cm.callbackId, value: true });
  assert.equal(await c, true);
  assert.equal(await pr, 'Bob');
});

test('clipboard, notification, sendMessage, download post the right messages', async () => {
  const env = loadSdk({ parent: true });
  const answer = (type, value) => env.fromParent({ type: 'dialog-result', callbackId: lastOf(env, type).msg.callbackId, value });
  let p = env.KinBot.clipboard.write('hey'); assert.equal(lastOf(env, 'clipboard-write').msg.text, 'hey'); answer('clipboard-write', true); assert.equal(await p, true);
  p = env.KinBot.clipboard.read(); answer('clipboard-read', 'txt'); assert.equal(await p, 'txt');
  p = env.KinBot.notification('Title', 'Body'); assert.deepEqual([lastOf(env, 'notification').msg.title, lastOf(env, 'notification').msg.body], ['Title', 'Body']); answer('notification', true); assert.equal(await p, true);
  p = env.KinBot.sendMessage('x'.repeat(2500), { silent: true });
  const sm = lastOf(env, 'send-message').msg; assert.equal(sm.text.length, 2000); assert.equal(sm.silent, true);
  answer('send-message', false); assert.equal(await p, false);
  p = env.KinBot.download('a.json', { é: 1 });
  await tick();
  const dm = lastOf(env, 'download').msg;
  assert.equal(dm.mimeType, 'application/json');
  assert.equal(Buffer.from(dm.data, 'base64').toString('utf8'), '{\n  "é": 1\n}');
  answer('download', true); assert.equal(await p, true);
  p = env.KinBot.download('t.txt', 'héllo');
  await tick();
  assert.equal(lastOf(env, 'download').msg.mimeType, 'text/plain');
  assert.equal(Buffer.from(lastOf(env, 'download').msg.data, 'base64').toString('utf8'), 'héllo');
  answer('download', false); assert.equal(await p, false);
});

test('fire-and-forget messages: toast, set-title, set-badge, open-app, navigate, fullpage, resize, emit', () => {
  const env = loadSdk({ parent: true });
  const K = env.KinBot;
  K.toast('Saved', 'success'); K.toast('x'.repeat(600));
  K.setTitle('My title'); K.setBadge(3); K.setBadge(0); K.setBadge('');
  K.openApp('other-app'); K.navigate('/kins'); K.fullpage(true); K.resize(500, undefined); K.emit('e', { a: 1 });
  const msgs = env.posted.map((p) => p.msg);
  assert.ok(msgs.every((m) => m.source === 'kinbot-sdk'));
  assert.deepEqual(msgs.map(({ source, ...rest }) => rest), [
    { type: 'toast', message: 'Saved', toastType: 'success' },
    { type: 'toast', message: 'x'.repeat(500), toastType: 'info' },
    { type: 'set-title', title: 'My title' },
    { type: 'set-badge', value: '3' },
    { type: 'set-badge', value: null },
    { type: 'set-badge', value: null },
    { type: 'open-app', slug: 'other-app' },
    { type: 'navigate', path: '/kins' },
    { type: 'fullpage', value: true },
    { type: 'resize', width: 500 },
    { type: 'emit', event: 'e', data: { a: 1 } },
  ]);
});

test('share needs meta and sends shareData; shared-data, locale, fullpage and parent events reach listeners', async () => {
  const env = loadSdk({ parent: true });
  env.fromParent({ type: 'app-meta', data: META });
  assert.equal(await env.KinBot.share('target', { x: 1 }), true);
  const s = lastOf(env, 'share').msg;
  assert.equal(s.targetSlug, 'target');
  assert.deepEqual({ ...s.shareData, ts: 0 }, { from: 'demo', fromName: 'Demo', data: { x: 1 }, ts: 0 });
  const got = [];
  env.KinBot.on('shared-data', (d) => got.push(['shared', plain(d)]));
  env.KinBot.on('locale-changed', (d) => got.push(['locale', plain(d)]));
  const off = env.KinBot.on('fullpage-changed', (d) => got.push(['fp', plain(d)]));
  env.KinBot.on('custom', (d) => got.push(['custom', plain(d)]));
  env.fromParent({ type: 'shared-data', data: { from: 'a', data: 1 } });
  env.fromParent({ type: 'locale-changed', data: { locale: 'de' } });
  env.fromParent({ type: 'fullpage-changed', data: { isFullPage: true } });
  off();
  env.fromParent({ type: 'fullpage-changed', data: { isFullPage: false } });
  env.fromParent({ type: 'event', event: 'custom', data: [1] });
  assert.deepEqual(got, [['shared', { from: 'a', data: 1 }], ['locale', { locale: 'de' }], ['fp', { isFullPage: true }], ['custom', [1]]]);
  assert.equal(env.KinBot.locale, 'de');
  assert.equal(env.KinBot.isFullPage, false);
  assert.deepEqual(plain(env.KinBot.sharedData), { from: 'a', data: 1 });
});

test('console relay: log/warn/error forwarded with serialised args; errors and rejections too', () => {
  const env = loadSdk({ parent: true });
  env.window.console.log('a', { b: 1 }, 3);
  env.window.console.error(new Error('boom'));
  env.dispatchWindow('error', { message: 'Uncaught X', error: { message: 'X', stack: 'at y' } });
  env.dispatchWindow('unhandledrejection', { reason: 'why' });
  const c = env.posted.filter((p) => p.msg.type === 'console').map((p) => p.msg);
  assert.deepEqual(c.map((m) => [m.level, m.args]), [['log', ['a', '{"b":1}', '3']], ['error', ['boom']], ['error', ['Uncaught X']], ['error', ['Unhandled promise rejection: why']]]);
  assert.match(c[1].stack, /boom/);
  assert.equal(c[2].stack, 'at y');
  assert.equal(typeof c[0].timestamp, 'number');
  // the original console still receives the output
  assert.deepEqual(env.logs[0], ['log', 'a', { b: 1 }, 3]);
});

test('without a parent: toast → console, confirm → window.confirm, prompt → window.prompt, ready() from REST', async () => {
  const asked = [];
  const env = loadSdk({
    confirm: (m) => { asked.push(m); return true; },
    prompt: (m, d) => `${m}|${d}`,
    fetch: (url) => (url === '/api/mini-apps/app1' ? json(200, { app: { id: 'app1', name: 'Solo', slug: 'solo', kinId: 'k9', kinName: 'K', version: 4 } }) : json(404, {})),
  });
  env.KinBot.toast('hello', 'warning');
  assert.ok(env.logs.some((l) => l[0] === 'log' && l[1] === '[KinBot toast:warning] hello'));
  assert.equal(env.posted.length, 0);
  assert.equal(await env.KinBot.confirm('Sure?'), true);
  assert.deepEqual(asked, ['Sure?']);
  assert.equal(await env.KinBot.prompt('Q', { defaultValue: 'dv' }), 'Q|dv');
  assert.equal(await env.KinBot.sendMessage('hi'), false);
  const m = await env.KinBot.ready();
  assert.equal(m.name, 'Solo');
  assert.equal(m.kinId, 'k9');
  assert.equal(m.isFullPage, true);
  assert.equal(m.locale, 'fr');
  assert.equal(env.KinBot.kin.id, 'k9');
});

test('parent calls time out instead of hanging', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const env = loadSdk({ parent: true });
  env.window.setTimeout = setTimeout; env.window.clearTimeout = clearTimeout;
  const env2 = env; // timers are looked up at call time through the sandbox global
  const c = env2.KinBot.clipboard.read();
  const d = env2.KinBot.confirm('?');
  t.mock.timers.tick(10_001);
  assert.equal(await c, null);
  let settled = false; d.then(() => { settled = true; });
  await Promise.resolve(); await Promise.resolve();
  assert.equal(settled, false, 'dialogs wait longer than plain calls');
  t.mock.timers.tick(5 * 60 * 1000);
  assert.equal(await d, false);
});

test('shortcuts: combos are order/case-insensitive, preventDefault, unregister, null removes', () => {
  const env = loadSdk();
  const hits = [];
  const offK = env.KinBot.shortcut('Ctrl+K', () => hits.push('ctrl+k'));
  env.KinBot.shortcut('shift+meta+p', () => hits.push('meta+shift+p'));
  env.KinBot.shortcut('esc', () => hits.push('escape'));
  env.KinBot.shortcut('?', () => hits.push('?'));
  let ev = env.keydown({ key: 'k', code: 'KeyK', ctrlKey: true });
  assert.equal(ev.defaultPrevented, true);
  ev = env.keydown({ key: 'k', code: 'KeyK' }); // no ctrl → no match
  assert.equal(ev.defaultPrevented, false);
  env.keydown({ key: 'P', code: 'KeyP', metaKey: true, shiftKey: true });
  env.keydown({ key: 'Escape', code: 'Escape', target: { tagName: 'INPUT' } });
  env.keydown({ key: '?', code: 'Slash', target: { tagName: 'TEXTAREA' } }); // plain key while typing: ignored
  env.keydown({ key: 'k', code: 'KeyK', ctrlKey: true, shiftKey: true }); // extra modifier: no match
  assert.deepEqual(hits, ['ctrl+k', 'meta+shift+p', 'escape']);
  offK();
  env.keydown({ key: 'k', code: 'KeyK', ctrlKey: true });
  env.KinBot.shortcut('Meta+Shift+P', null);
  env.keydown({ key: 'P', code: 'KeyP', metaKey: true, shiftKey: true });
  assert.deepEqual(hits, ['ctrl+k', 'meta+shift+p', 'escape']);
});

test('download encodes Blob and ArrayBuffer content as base64 with their MIME types', async () => {
  const env = loadSdk({ parent: true });
  const answer = () => env.fromParent({ type: 'dialog-result', callbackId: lastOf(env, 'download').msg.callbackId, value: true });
  let p = env.KinBot.download('a.png', new Blob([new Uint8Array([1, 2, 250])], { type: 'image/png' }));
  await tick(); await tick();
  assert.deepEqual([...Buffer.from(lastOf(env, 'download').msg.data, 'base64')], [1, 2, 250]);
  assert.equal(lastOf(env, 'download').msg.mimeType, 'image/png');
  answer(); assert.equal(await p, true);
  p = env.KinBot.download('b.bin', new Uint8Array([7, 8]).buffer);
  await tick();
  assert.deepEqual([...Buffer.from(lastOf(env, 'download').msg.data, 'base64')], [7, 8]);
  assert.equal(lastOf(env, 'download').msg.mimeType, 'application/octet-stream');
  answer(); assert.equal(await p, true);
  p = env.KinBot.download('c.csv', 'a,b', 'text/csv');
  await tick();
  assert.equal(lastOf(env, 'download').msg.mimeType, 'text/csv');
  answer(); assert.equal(await p, true);
});
