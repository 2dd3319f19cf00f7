import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSdk, plain, tick, json, FakeEventSource } from './_harness.mjs';

test('version, app id from the page URL, theme getters', () => {
  const env = loadSdk({ pathname: '/api/mini-apps/abc%20d/static/page.html' });
  assert.equal(env.KinBot.version, '1.16.0');
  assert.equal(env.KinBot.appId, 'abc d');
  assert.equal(env.KinBot.app, null);
  assert.equal(env.KinBot.kin, null);
  assert.equal(env.KinBot.user, null);
  assert.equal(env.KinBot.locale, 'en');
  assert.equal(env.KinBot.isFullPage, false);
  assert.deepEqual(plain(env.KinBot.theme), { mode: 'light', palette: 'aurora' });
  const seen = [];
  env.KinBot.on('theme-changed', (t) => seen.push(plain(t)));
  env.setTheme(true, 'ocean');
  env.setTheme(true, 'ocean'); // unchanged → no second event
  assert.deepEqual(seen, [{ mode: 'dark', palette: 'ocean' }]);
  assert.deepEqual(plain(env.KinBot.theme), { mode: 'dark', palette: 'ocean' });
});

test('no app id outside /api/mini-apps/<id>/serve|static → storage rejects until meta', async () => {
  const env = loadSdk({ pathname: '/somewhere/else' });
  assert.equal(env.KinBot.appId, null);
  await assert.rejects(env.KinBot.storage.get('k'), /App not ready/);
  assert.equal(env.fetchCalls.length, 0);
});

test('api: raw Response, URLs, methods, bodies and headers', async () => {
  const env = loadSdk({ fetch: (url, init) => (init && init.method === 'DELETE' && url.endsWith('/gone') ? new Response(null, { status: 204 }) : json(200, { ok: url, m: init && init.method })) });
  const { api } = env.KinBot;
  const res = await api('items', { method: 'GET' });
  assert.equal(res.status, 200);
  assert.equal(env.fetchCalls[0].url, '/api/mini-apps/app1/api/items');
  assert.equal(env.fetchCalls[0].init.method, 'GET');

  assert.deepEqual(plain(await api.get('/items?x=1', { 'X-Test': 'yes' })), { ok: '/api/mini-apps/app1/api/items?x=1', m: 'GET' });
  assert.deepEqual(env.fetchCalls[1].init.headers, { 'X-Test': 'yes' });

  await api.post('/items', { name: 'a' });
  await api.put('/items/1', { name: 'b' });
  await api.patch('/items/1', { done: true });
  for (const [i, method, body] of [[2, 'POST', { name: 'a' }], [3, 'PUT', { name: 'b' }], [4, 'PATCH', { done: true }]]) {
    const c = env.fetchCalls[i];
    assert.equal(c.init.method, method);
    assert.equal(c.init.headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(c.init.body), body);
  }
  assert.equal(env.fetchCalls[3].url, '/api/mini-apps/app1/api/items/1');
  assert.equal(await api.delete('/gone'), null);
  assert.equal(env.fetchCalls[5].init.method, 'DELETE');
  assert.equal(env.fetchCalls[5].url, '/api/mini-apps/app1/api/gone');
  assert.deepEqual(plain(await api.json('/j')), { ok: '/api/mini-apps/app1/api/j' });
});

test('api: error rule — body.error.message, else "API error <status>"', async () => {
  const env = loadSdk({
    fetch: (url) => {
      if (url.endsWith('/bad')) return json(400, { error: { code: 'BAD', message: 'Nope' } });
      if (url.endsWith('/plain')) return new Response('Internal Server Error', { status: 500 });
      return json(404, { something: 1 });
    },
  });
  await assert.rejects(env.KinBot.api.get('/bad'), (e) => e.message === 'Nope' && e.status === 400 && e.code === 'BAD');
  await assert.rejects(env.KinBot.api.post('/plain', {}), (e) => e.message === 'API error 500');
  await assert.rejects(env.KinBot.api.delete('/x'), (e) => e.message === 'API error 404');
  // raw api() never throws on status
  assert.equal((await env.KinBot.api('/bad')).status, 400);
});

test('storage: get (404 → null) / set / delete / list / clear', async () => {
  const store = new Map([['prefs', { a: 1 }]]);
  const env = loadSdk({
    fetch: async (url, init) => {
      const m = /^\/api\/mini-apps\/app1\/storage(?:\/(.*))?$/.exec(url);
      assert.ok(m, url);
      const key = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
      const method = init.method;
      if (key === undefined) {
        if (method === 'GET') return json(200, { keys: [...store].map(([k, v]) => ({ key: k, size: JSON.stringify(v).length })) });
        const n = store.size; store.clear(); return json(200, { cleared: n });
      }
      if (method === 'GET') return store.has(key) ? json(200, { key, value: store.get(key) }) : json(404, { error: { code: 'NOT_FOUND', message: 'Key not found' } });
      if (method === 'PUT') { store.set(key, JSON.parse(init.body).value); return json(200, { key, ok: true }); }
      if (method === 'DELETE') return store.delete(key) ? new Response(null, { status: 204 }) : json(404, { error: { code: 'NOT_FOUND', message: 'Key not found' } });
    },
  });
  const s = env.KinBot.storage;
  assert.deepEqual(plain(await s.get('prefs')), { a: 1 });
  assert.equal(await s.get('missing'), null);
  assert.equal(await s.set('a/b c', [1, 2]), undefined);
  assert.equal(env.fetchCalls[2].url, '/api/mini-apps/app1/storage/a%2Fb%20c');
  assert.deepEqual(JSON.parse(env.fetchCalls[2].init.body), { value: [1, 2] });
  assert.deepEqual(plain(await s.list()), [{ key: 'prefs', size: 7 }, { key: 'a/b c', size: 5 }]);
  assert.equal(await s.delete('prefs'), true);
  assert.equal(await s.delete('prefs'), false);
  assert.equal(await s.clear(), 1);
  assert.equal(await s.get('a/b c'), null);
});

test('storage.set surfaces server errors', async () => {
  const env = loadSdk({ fetch: () => json(400, { error: { code: 'STORAGE_ERROR', message: 'Value too large' } }) });
  await assert.rejects(env.KinBot.storage.set('k', 'x'), /Value too large/);
});

test('events: one shared EventSource, subscribe gets {event,data,ts}, on gets data, connected, close', async () => {
  FakeEventSource.instances.length = 0;
  const env = loadSdk();
  const ev = env.KinBot.events;
  assert.equal(ev.connected, false);
  const all = [];
  const ticks = [];
  const unsubAll = ev.subscribe((m) => all.push(plain(m)));
  const offTick = ev.on('tick', (d) => ticks.push(plain(d)));
  assert.equal(FakeEventSource.instances.length, 1, 'one stream shared');
  const es = FakeEventSource.instances[0];
  assert.equal(es.url, '/api/mini-apps/app1/events');
  const status = [];
  ev.onConnectionChange((c) => status.push(c));
  es.frame('connected', { appId: 'app1' });
  assert.equal(ev.connected, true);
  es.frame('app-event', { event: 'tick', data: { n: 1 }, timestamp: 123 });
  es.frame('app-event', { event: 'other', timestamp: 456 });
  assert.deepEqual(all, [{ event: 'tick', data: { n: 1 }, ts: 123 }, { event: 'other', data: null, ts: 456 }]);
  assert.deepEqual(ticks, [{ n: 1 }]);
  offTick();
  es.frame('app-event', { event: 'tick', data: 2, timestamp: 1 });
  assert.deepEqual(ticks, [{ n: 1 }]);
  assert.equal(all.length, 3);
  // transient error: browser retries itself; connected false until the next connected frame
  es.fail(false);
  assert.equal(ev.connected, false);
  es.frame('connected', { appId: 'app1' });
  assert.equal(ev.connected, true);
  ev.close();
  assert.equal(es.closed, true);
  assert.equal(ev.connected, false);
  assert.deepEqual(status, [true, false, true, false]);
  unsubAll();
});

test('events: reconnects after the stream is closed by an error; last unsubscribe closes it', async () => {
  FakeEventSource.instances.length = 0;
  const env = loadSdk();
  const off = env.KinBot.events.on('x', () => {});
  const es1 = FakeEventSource.instances[0];
  es1.frame('connected', { appId: 'app1' });
  es1.fail(true);
  assert.equal(env.KinBot.events.connected, false);
  await tick(1100);
  assert.equal(FakeEventSource.instances.length, 2, 'a new EventSource after backoff');
  const es2 = FakeEventSource.instances[1];
  es2.frame('connected', { appId: 'app1' });
  assert.equal(env.KinBot.events.connected, true);
  off();
  assert.equal(es2.closed, true);
});

test('events wait for an app id: opened when app-meta arrives', () => {
  FakeEventSource.instances.length = 0;
  const env = loadSdk({ pathname: '/', parent: true });
  env.KinBot.events.subscribe(() => {});
  assert.equal(FakeEventSource.instances.length, 0);
  env.fromParent({ type: 'app-meta', data: { id: 'z9', kinId: 'k1' } });
  assert.equal(FakeEventSource.instances.length, 1);
  assert.equal(FakeEventSource.instances[0].url, '/api/mini-apps/z9/events');
});

test('http proxy: payload, wrapped response, json/post helpers', async () => {
  const env = loadSdk({
    fetch: (url, init) => {
      const p = JSON.parse(init.body);
      if (p.url.includes('missing')) return json(200, { status: 404, statusText: 'Not Found', headers: {}, body: 'nope', isBase64: false });
      if (p.url.includes('blocked')) return json(403, { error: { code: 'BLOCKED_HOST', message: 'Blocked host' } });
      return json(200, { status: 200, statusText: 'OK', headers: { a: 'b' }, body: Buffer.from(JSON.stringify({ echo: p })).toString('base64'), isBase64: true });
    },
  });
  const r = await env.KinBot.http('https://example.com/x', { method: 'put', body: { a: 1 } });
  assert.equal(env.fetchCalls[0].url, '/api/mini-apps/app1/http');
  assert.equal(r.ok, true);
  assert.equal(r.isBase64, true);
  const echo = r.json().echo;
  assert.deepEqual(plain(echo), { url: 'https://example.com/x', method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
  const j = await env.KinBot.http.post('https://example.com/y', { q: 1 }, { 'X-K': 'v' });
  assert.equal(j.echo.headers['X-K'], 'v');
  await assert.rejects(env.KinBot.http.json('https://example.com/missing'), /HTTP 404: nope/);
  await assert.rejects(env.KinBot.http('https://blocked'), /Blocked host/);
});

test('memory and apps and conversation use the right URLs', async () => {
  const env = loadSdk({
    parent: true,
    fetch: (url) => {
      if (url.startsWith('/api/mini-apps/app1/memories/search')) return json(200, { memories: [{ id: 'm1' }] });
      if (url === '/api/mini-apps/app1/memories') return json(201, { memory: { id: 'm2' } });
      if (url.startsWith('/api/mini-apps?kinId=')) return json(200, { apps: [{ id: 'a', name: 'A', slug: 'a', version: 3, kinId: 'k1', extra: 1 }] });
      if (url.startsWith('/api/kins/k1/messages')) return json(200, { messages: [{ id: 'x', messageType: 'assistant', content: 'hi', createdAt: 1, sourceType: 'user' }] });
      return json(404, {});
    },
  });
  env.fromParent({ type: 'app-meta', data: { id: 'app1', kinId: 'k1' } });
  assert.deepEqual(plain(await env.KinBot.memory.search('cats', 500)), [{ id: 'm1' }]);
  assert.equal(env.fetchCalls[0].url, '/api/mini-apps/app1/memories/search?q=cats&limit=50');
  assert.deepEqual(plain(await env.KinBot.memory.store('likes tea', { category: 'preference' })), { id: 'm2' });
  assert.deepEqual(JSON.parse(env.fetchCalls[1].init.body), { content: 'likes tea', category: 'preference' });
  assert.deepEqual(plain(await env.KinBot.apps.list()), [{ id: 'a', name: 'A', slug: 'a', description: null, icon: null, version: 3 }]);
  assert.equal(env.fetchCalls[2].url, '/api/mini-apps?kinId=k1');
  assert.deepEqual(plain(await env.KinBot.conversation.history(0)), [{ id: 'x', role: 'assistant', content: 'hi', createdAt: 1, sourceType: 'user' }]);
  assert.equal(env.fetchCalls[3].url, '/api/kins/k1/messages?limit=1');
});
