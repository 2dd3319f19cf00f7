import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSdk, importSdkModule, plain, tick, json, FakeEventSource } from './_harness.mjs';
import { renderHook, renderTree, createElement } from './_fake-react.mjs';

const settle = async () => { for (let i = 0; i < 6; i++) await tick(); };

test('useApi: GET with headers, null path skips, refetch, POST body, string errors', async () => {
  let n = 0;
  const env = loadSdk({
    fetch: (url, init) => {
      if (url.endsWith('/fail')) return json(500, { error: { code: 'X', message: 'Backend down' } });
      return json(200, { n: ++n, url, method: init.method, headers: init.headers || {}, body: init.body ?? null });
    },
  });
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useApi('/items', { headers: { 'X-Key': 'k' } }));
  assert.equal(h.result.current.loading, true);
  await settle();
  assert.equal(h.result.current.loading, false);
  assert.equal(h.result.current.error, null);
  assert.deepEqual(plain(h.result.current.data), { n: 1, url: '/api/mini-apps/app1/api/items', method: 'GET', headers: { 'X-Key': 'k' }, body: null });
  const again = await h.result.current.refetch();
  assert.equal(again.n, 2);
  await settle();
  assert.equal(h.result.current.data.n, 2);
  h.rerender(); await settle();
  assert.equal(h.result.current.data.n, 2, 'same options → no refetch on re-render');

  const calls = env.fetchCalls.length;
  const skip = renderHook(() => R.useApi(null));
  await settle();
  assert.deepEqual(plain(skip.result.current), { data: null, loading: false, error: null });
  assert.equal(env.fetchCalls.length, calls);
  const disabled = renderHook(() => R.useApi('/items', { enabled: false }));
  await settle();
  assert.equal(disabled.result.current.loading, false);
  assert.equal(env.fetchCalls.length, calls);

  const post = renderHook(() => R.useApi('/items', { method: 'post', body: { a: 1 } }));
  await settle();
  assert.equal(post.result.current.data.method, 'POST');
  assert.equal(post.result.current.data.body, '{"a":1}');
  assert.equal(post.result.current.data.headers['Content-Type'], 'application/json');

  const bad = renderHook(() => R.useApi('/fail'));
  await settle();
  assert.equal(bad.result.current.error, 'Backend down');
  assert.equal(typeof bad.result.current.error, 'string');
});

test('useEventStream: accumulates {event,data,ts}; filters by name; callback form does not accumulate', async () => {
  FakeEventSource.instances.length = 0;
  const env = loadSdk();
  const R = await importSdkModule('kinbot-react.js', env.window);
  const all = renderHook(() => R.useEventStream());
  const progress = renderHook(() => R.useEventStream('progress'));
  const got = [];
  const cbForm = renderHook(() => R.useEventStream('done', (data) => got.push(plain(data))));
  assert.equal(FakeEventSource.instances.length, 1);
  const es = FakeEventSource.instances[0];
  assert.equal(all.result.current.connected, false);
  es.frame('connected', { appId: 'app1' });
  es.frame('app-event', { event: 'progress', data: { step: 1 }, timestamp: 10 });
  es.frame('app-event', { event: 'done', data: { result: 'ok' }, timestamp: 11 });
  await settle();
  assert.equal(all.result.current.connected, true);
  assert.deepEqual(plain(all.result.current.messages), [{ event: 'progress', data: { step: 1 }, ts: 10 }, { event: 'done', data: { result: 'ok' }, ts: 11 }]);
  assert.deepEqual(plain(progress.result.current.messages), [{ event: 'progress', data: { step: 1 }, ts: 10 }]);
  assert.deepEqual(plain(cbForm.result.current.messages), []);
  assert.deepEqual(got, [{ result: 'ok' }]);
  progress.result.current.clear();
  await settle();
  assert.deepEqual(plain(progress.result.current.messages), []);
  all.unmount(); progress.unmount(); cbForm.unmount();
  assert.equal(es.closed, true, 'last subscriber gone → stream closed');
});

test('useStorage: default for missing, loads, optimistic set persisted, updater form', async () => {
  const store = new Map([['count', 5]]);
  const env = loadSdk({
    fetch: (url, init) => {
      const key = decodeURIComponent(url.split('/storage/')[1]);
      if (init.method === 'PUT') { store.set(key, JSON.parse(init.body).value); return json(200, { key, ok: true }); }
      return store.has(key) ? json(200, { key, value: store.get(key) }) : json(404, { error: { code: 'NOT_FOUND', message: 'Key not found' } });
    },
  });
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useStorage('count', 0));
  assert.deepEqual([h.result.current[0], h.result.current[2]], [0, true]);
  await settle();
  assert.deepEqual([h.result.current[0], h.result.current[2]], [5, false]);
  h.result.current[1]((c) => c + 1);
  await settle();
  assert.equal(h.result.current[0], 6);
  assert.equal(store.get('count'), 6);
  const missing = renderHook(() => R.useStorage('todos', []));
  await settle();
  assert.deepEqual(plain(missing.result.current[0]), []);
  assert.equal(missing.result.current[2], false);
});

test('useKinBot / useKin / live kin binding follow app-meta', async () => {
  const env = loadSdk({ parent: true });
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useKinBot());
  const k = renderHook(() => R.useKin());
  assert.equal(h.result.current.ready, false);
  assert.equal(k.result.current.loading, true);
  assert.equal(R.kin, null);
  env.fromParent({ type: 'app-meta', data: { id: 'app1', name: 'A', kinId: 'k1', kinName: 'Kim', locale: 'de', isFullPage: true } });
  await settle();
  assert.equal(h.result.current.ready, true);
  assert.equal(h.result.current.app.name, 'A');
  assert.equal(h.result.current.locale, 'de');
  assert.equal(h.result.current.isFullPage, true);
  assert.equal(h.result.current.api, env.KinBot.api);
  assert.deepEqual(plain(k.result.current), { kin: { id: 'k1', name: 'Kim', avatarUrl: null }, loading: false });
  assert.equal(R.kin.id, 'k1', 'exported kin is a live binding');
});

test('useForm: change, blur, validate, submit, reset', async () => {
  const env = loadSdk();
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useForm({ name: '', agree: false }, (v) => ({ name: v.name ? null : 'Required' })));
  assert.equal(h.result.current.isValid, false);
  assert.equal(h.result.current.isDirty, false);
  let submitted = null;
  h.result.current.handleSubmit((v) => { submitted = v; })({ preventDefault() {} });
  await settle();
  assert.equal(submitted, null);
  assert.deepEqual(plain(h.result.current.errors), { name: 'Required' });
  assert.equal(h.result.current.touched.name, true);
  h.result.current.handleChange('name')({ target: { type: 'text', value: 'Ann' } });
  h.result.current.handleChange('agree')({ target: { type: 'checkbox', checked: true } });
  await settle();
  assert.deepEqual(plain(h.result.current.values), { name: 'Ann', agree: true });
  assert.equal(h.result.current.isValid, true);
  assert.equal(h.result.current.isDirty, true);
  h.result.current.handleSubmit((v) => { submitted = v; })();
  assert.deepEqual(plain(submitted), { name: 'Ann', agree: true });
  h.result.current.reset();
  await settle();
  assert.deepEqual(plain(h.result.current.values), { name: '', agree: false });
});

test('useAsync: run resolves data, rethrows, error as string', async () => {
  const env = loadSdk();
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useAsync(async (x) => { if (x < 0) throw new Error('negative'); return x * 2; }));
  assert.equal(await h.result.current.run(2), 4);
  await settle();
  assert.equal(h.result.current.data, 4);
  await assert.rejects(h.result.current.run(-1), /negative/);
  await settle();
  assert.equal(h.result.current.error, 'negative');
});

test('useHashRouter, Route and Link (React imported, click stays on the page)', async () => {
  const env = loadSdk();
  env.window.location.hash = '#/users?id=7&q=a%20b';
  const R = await importSdkModule('kinbot-react.js', env.window);
  const h = renderHook(() => R.useHashRouter('/home'));
  assert.deepEqual(plain({ path: h.result.current.path, params: h.result.current.params }), { path: '/users', params: { id: '7', q: 'a b' } });
  h.result.current.navigate('/x', { a: 1 });
  assert.equal(env.window.location.hash, '#/x?a=1');
  const tree = renderTree(createElement(R.Link, { to: '/about', params: { t: 'x' }, active: true, className: 'nav' }, 'About'));
  assert.equal(tree.type, 'a');
  assert.equal(tree.props.href, '#/about?t=x');
  assert.equal(tree.props.className, 'nav link-active');
  let prevented = false;
  tree.props.onClick({ button: 0, preventDefault() { prevented = true; }, defaultPrevented: false });
  assert.equal(prevented, true);
  assert.equal(env.window.location.hash, '#/about?t=x');
  assert.deepEqual(renderTree(createElement(R.Route, { path: '/a', current: '/a' }, 'shown')), 'shown');
  assert.equal(renderTree(createElement(R.Route, { path: '/a', current: '/b', fallback: 'fb' }, 'shown')), 'fb');
  assert.equal(R.breakpointFor(500), 'xs');
  assert.equal(R.breakpointFor(700), 'sm');
  assert.equal(R.breakpointFor(1000), 'md');
  assert.equal(R.breakpointFor(1200), 'lg');
  assert.equal(R.breakpointFor(1300), 'xl');
});

test('usePagination and useInfiniteScroll build page URLs and extract items', async () => {
  const env = loadSdk({
    fetch: (url) => {
      const u = new URL(url, 'http://x');
      const page = Number(u.searchParams.get('page')); const limit = Number(u.searchParams.get('limit'));
      const all = Array.from({ length: 25 }, (_, i) => i + 1);
      return json(200, { items: all.slice((page - 1) * limit, page * limit), total: all.length });
    },
  });
  const R = await importSdkModule('kinbot-react.js', env.window);
  const p = renderHook(() => R.usePagination('/rows?sort=a', { pageSize: 10 }));
  await settle();
  assert.equal(env.fetchCalls[0].url, '/api/mini-apps/app1/api/rows?sort=a&page=1&limit=10');
  assert.deepEqual(plain(p.result.current.items), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(p.result.current.totalPages, 3);
  p.result.current.next();
  await settle();
  assert.equal(p.result.current.page, 2);
  assert.equal(p.result.current.items[0], 11);
  const s = renderHook(() => R.useInfiniteScroll('/rows', { pageSize: 10 }));
  await settle();
  assert.equal(s.result.current.items.length, 10);
  assert.equal(s.result.current.hasMore, true);
  await s.result.current.loadMore(); await settle();
  await s.result.current.loadMore(); await settle();
  assert.equal(s.result.current.items.length, 25);
  assert.equal(s.result.current.hasMore, false);
});

test('useSharedData asks the parent (ready) and receives shared-data; useClipboard round trip', async () => {
  const env = loadSdk({ parent: true });
  const R = await importSdkModule('kinbot-react.js', env.window);
  const seen = [];
  const h = renderHook(() => R.useSharedData((d) => seen.push(plain(d))));
  assert.ok(env.posted.some((p) => p.msg.type === 'ready'));
  env.fromParent({ type: 'app-meta', data: { id: 'app1', kinId: 'k1' } });
  env.fromParent({ type: 'shared-data', data: { from: 'a', fromName: 'A', data: { x: 1 }, ts: 5 } });
  await settle();
  assert.deepEqual(plain(h.result.current.data), { from: 'a', fromName: 'A', data: { x: 1 }, ts: 5 });
  assert.equal(seen.length, 1);
  h.result.current.clear();
  await settle();
  assert.equal(h.result.current.data, null);

  const c = renderHook(() => R.useClipboard());
  const p = c.result.current.copy('txt');
  const req = env.posted.filter((x) => x.msg.type === 'clipboard-write').pop().msg;
  assert.equal(req.text, 'txt');
  env.fromParent({ type: 'dialog-result', callbackId: req.callbackId, value: true });
  assert.equal(await p, true);
  await settle();
  assert.equal(c.result.current.copied, true);
  c.unmount();
});
