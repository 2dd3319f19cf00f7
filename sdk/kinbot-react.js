// @kinbot/react — React hooks over window.KinBot (kinbot-sdk.js must be loaded first; the server injects it).
// ES module, no build step, no JSX. `react` is resolved through the mini-app's import map.
import * as ReactModule from 'react';

// Works with builds that expose React as named exports, as a default export, or both.
const React = ReactModule.default && ReactModule.default.createElement ? ReactModule.default : ReactModule;

const { useState, useEffect, useRef, useCallback, useMemo } = React;

function sdk() {
  const k = typeof window !== 'undefined' ? window.KinBot : undefined;
  if (!k) throw new Error('[KinBot] window.KinBot is missing — kinbot-sdk.js must be loaded before @kinbot/react');
  return k;
}
const KB = sdk();

const errText = (e) => (e == null ? 'Unknown error' : e.message ? String(e.message) : String(e));
const stable = (v) => { try { return JSON.stringify(v); } catch (e) { return String(v); } };
// Waits for an app id (page URL or parent meta) before touching per-app endpoints.
const whenApp = () => (KB.appId ? Promise.resolve(KB.app) : KB.ready());

function useLatest(value) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
function useMounted() {
  const ref = useRef(true);
  useEffect(() => { ref.current = true; return () => { ref.current = false; }; }, []);
  return ref;
}

// ------------------------------------------------------------------------------------------- app context
export function useKinBot() {
  const [app, setApp] = useState(KB.app);
  const [theme, setTheme] = useState(KB.theme);
  const [locale, setLocale] = useState(KB.locale);
  const [isFullPage, setFullPage] = useState(KB.isFullPage);
  useEffect(() => {
    let alive = true;
    const sync = (m) => { if (!alive) return; setApp(m || KB.app); setLocale(KB.locale); setFullPage(KB.isFullPage); };
    KB.ready().then(sync);
    const offs = [
      KB.on('app-meta', sync),
      KB.on('theme-changed', (t) => alive && setTheme(t || KB.theme)),
      KB.on('locale-changed', (d) => alive && setLocale((d && d.locale) || KB.locale)),
      KB.on('fullpage-changed', (d) => alive && setFullPage(!!(d && d.isFullPage))),
    ];
    return () => { alive = false; offs.forEach((off) => off()); };
  }, []);
  return { app, ready: !!app, theme, locale, isFullPage, api: KB.api };
}

export function useTheme() {
  const [theme, setTheme] = useState(KB.theme);
  useEffect(() => KB.on('theme-changed', (t) => setTheme(t || KB.theme)), []);
  return theme;
}

function useMetaField(read, name) {
  const [value, setValue] = useState(read);
  const [loading, setLoading] = useState(!KB.app);
  useEffect(() => {
    let alive = true;
    KB.ready().then(() => { if (alive) { setValue(read()); setLoading(false); } });
    const off = KB.on('app-meta', () => alive && setValue(read()));
    return () => { alive = false; off(); };
  }, []);
  return { [name]: value, loading };
}
export function useKin() { return useMetaField(() => KB.kin, 'kin'); }
export function useUser() { return useMetaField(() => KB.user, 'user'); }

// ------------------------------------------------------------------------------------------- storage
export function useStorage(key, defaultValue) {
  const [value, setStored] = useState(defaultValue);
  const [loading, setLoading] = useState(true);
  const valueRef = useLatest(value);
  const defaultRef = useLatest(defaultValue);
  const touched = useRef(false);
  useEffect(() => {
    let alive = true;
    touched.current = false;
    setLoading(true);
    whenApp()
      .then(() => KB.storage.get(key))
      .then((v) => {
        if (!alive || touched.current) return;
        const next = v === null || v === undefined ? defaultRef.current : v;
        valueRef.current = next;
        setStored(next);
      })
      .catch((e) => console.error('[KinBot] useStorage: loading "' + key + '" failed:', e))
      .then(() => { if (alive) setLoading(false); });
    return () => { alive = false; };
  }, [key]);
  const setValue = useCallback((valueOrUpdater) => {
    const next = typeof valueOrUpdater === 'function' ? valueOrUpdater(valueRef.current) : valueOrUpdater;
    touched.current = true;
    valueRef.current = next;
    setStored(next);
    whenApp().then(() => KB.storage.set(key, next))
      .catch((e) => console.error('[KinBot] useStorage: saving "' + key + '" failed:', e));
  }, [key]);
  return [value, setValue, loading];
}

export function useLocalStorage(key, defaultValue) {
  const full = 'kb:' + key;
  const read = () => {
    try {
      const raw = window.localStorage.getItem(full);
      return raw === null ? defaultValue : JSON.parse(raw);
    } catch (e) { return defaultValue; }
  };
  const [value, setState] = useState(read);
  const valueRef = useLatest(value);
  useEffect(() => {
    setState(read());
    const onStorage = (e) => { if (!e || e.key === full || e.key === null) setState(read()); };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [full]);
  const set = useCallback((valueOrUpdater) => {
    const next = typeof valueOrUpdater === 'function' ? valueOrUpdater(valueRef.current) : valueOrUpdater;
    valueRef.current = next;
    setState(next);
    try { window.localStorage.setItem(full, JSON.stringify(next)); } catch (e) { console.warn('[KinBot] useLocalStorage:', e); }
  }, [full]);
  const remove = useCallback(() => {
    try { window.localStorage.removeItem(full); } catch (e) { /* ignore */ }
    valueRef.current = defaultValue;
    setState(defaultValue);
  }, [full]);
  return [value, set, remove];
}

// ------------------------------------------------------------------------------------------- browser helpers
export function useMediaQuery(query) {
  const get = () => (typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query).matches : false);
  const [matches, setMatches] = useState(get);
  useEffect(() => {
    if (!window.matchMedia) return undefined;
    const mq = window.matchMedia(query);
    const onChange = () => setMatches(mq.matches);
    onChange();
    if (mq.addEventListener) mq.addEventListener('change', onChange); else if (mq.addListener) mq.addListener(onChange);
    return () => { if (mq.removeEventListener) mq.removeEventListener('change', onChange); else if (mq.removeListener) mq.removeListener(onChange); };
  }, [query]);
  return matches;
}

export function useDebounce(value, ms = 300) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function useInterval(callback, ms) {
  const cb = useLatest(callback);
  useEffect(() => {
    if (ms === null || ms === undefined || ms === false) return undefined;
    const id = setInterval(() => cb.current && cb.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

export function useClickOutside(ref, handler) {
  const h = useLatest(handler);
  useEffect(() => {
    const listener = (e) => {
      const el = ref && ref.current;
      if (!el || (el.contains && el.contains(e.target))) return;
      if (h.current) h.current(e);
    };
    document.addEventListener('mousedown', listener);
    document.addEventListener('touchstart', listener);
    return () => {
      document.removeEventListener('mousedown', listener);
      document.removeEventListener('touchstart', listener);
    };
  }, [ref]);
}

export function usePrevious(value) {
  const ref = useRef(undefined);
  useEffect(() => { ref.current = value; });
  return ref.current;
}

export function useOnline() {
  const [online, setOnline] = useState(() => (typeof navigator !== 'undefined' && 'onLine' in navigator ? navigator.onLine : true));
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => { window.removeEventListener('online', up); window.removeEventListener('offline', down); };
  }, []);
  return online;
}

export function breakpointFor(width) {
  if (width < 640) return 'xs';
  if (width < 768) return 'sm';
  if (width < 1024) return 'md';
  if (width < 1280) return 'lg';
  return 'xl';
}
export function useBreakpoint() {
  const [bp, setBp] = useState(() => breakpointFor(typeof window !== 'undefined' ? window.innerWidth || 0 : 0));
  useEffect(() => {
    const onResize = () => setBp(breakpointFor(window.innerWidth || 0));
    onResize();
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return bp;
}

// ------------------------------------------------------------------------------------------- forms
function runValidate(validate, values) {
  if (typeof validate !== 'function') return {};
  const out = validate(values) || {};
  const clean = {};
  Object.keys(out).forEach((k) => { if (out[k]) clean[k] = out[k]; });
  return clean;
}
export function useForm(initialValues = {}, validate) {
  const initial = useRef(initialValues);
  const [values, setValuesState] = useState(initialValues);
  const [errors, setErrors] = useState({});
  const [touched, setTouched] = useState({});
  const valuesRef = useLatest(values);
  const validateRef = useLatest(validate);

  const apply = useCallback((next) => {
    valuesRef.current = next;
    setValuesState(next);
    setErrors(runValidate(validateRef.current, next));
  }, []);
  const setValue = useCallback((field, v) => apply({ ...valuesRef.current, [field]: v }), [apply]);
  const setValues = useCallback((next) => {
    apply(typeof next === 'function' ? next(valuesRef.current) : { ...valuesRef.current, ...next });
  }, [apply]);
  const handleChange = useCallback((field) => (e) => {
    let v = e;
    if (e && e.target) v = e.target.type === 'checkbox' ? !!e.target.checked : e.target.value;
    setValue(field, v);
  }, [setValue]);
  const handleBlur = useCallback((field) => () => {
    setTouched((t) => (t[field] ? t : { ...t, [field]: true }));
    setErrors(runValidate(validateRef.current, valuesRef.current));
  }, []);
  const handleSubmit = useCallback((onSubmit) => (e) => {
    if (e && e.preventDefault) e.preventDefault();
    const current = valuesRef.current;
    const errs = runValidate(validateRef.current, current);
    setErrors(errs);
    const all = {};
    Object.keys(current).concat(Object.keys(errs)).forEach((k) => { all[k] = true; });
    setTouched(all);
    if (Object.keys(errs).length) return undefined;
    return onSubmit ? onSubmit(current) : undefined;
  }, []);
  const reset = useCallback((next) => {
    const v = next !== undefined ? next : initial.current;
    if (next !== undefined) initial.current = next;
    valuesRef.current = v;
    setValuesState(v);
    setErrors({});
    setTouched({});
  }, []);
  const isValid = useMemo(() => Object.keys(runValidate(validate, values)).length === 0, [values, validate]);
  const isDirty = useMemo(() => stable(values) !== stable(initial.current), [values]);
  return { values, errors, touched, setValue, setValues, handleChange, handleBlur, handleSubmit, reset, isValid, isDirty };
}

// ------------------------------------------------------------------------------------------- KinBot services
export function useMemory() {
  const [results, setResults] = useState([]);
  const [loading, setLoading] = useState(false);
  const mounted = useMounted();
  const search = useCallback(async (query, limit) => {
    setLoading(true);
    try {
      const r = await KB.memory.search(query, limit);
      if (mounted.current) setResults(r);
      return r;
    } finally { if (mounted.current) setLoading(false); }
  }, []);
  const store = useCallback((content, opts) => KB.memory.store(content, opts), []);
  return { search, store, results, loading };
}

export function useConversation() {
  const [messages, setMessages] = useState([]);
  const [loading, setLoading] = useState(false);
  const mounted = useMounted();
  const history = useCallback(async (limit) => {
    setLoading(true);
    try {
      const m = await KB.conversation.history(limit);
      if (mounted.current) setMessages(m);
      return m;
    } finally { if (mounted.current) setLoading(false); }
  }, []);
  const send = useCallback((text, opts) => KB.sendMessage(text, opts), []);
  return { history, send, messages, loading };
}

export function useShortcut(combo, callback) {
  const cb = useLatest(callback);
  useEffect(() => {
    if (!combo) return undefined;
    return KB.shortcut(combo, (e) => cb.current && cb.current(e));
  }, [combo]);
}

export function useApps() {
  const [apps, setApps] = useState([]);
  const [loading, setLoading] = useState(true);
  const mounted = useMounted();
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      const list = await KB.apps.list();
      if (mounted.current) setApps(list);
      return list;
    } catch (e) {
      console.error('[KinBot] useApps:', e);
      return [];
    } finally { if (mounted.current) setLoading(false); }
  }, []);
  useEffect(() => { KB.ready().then(() => { if (mounted.current) refresh(); }); }, []);
  return { apps, loading, refresh };
}

export function useSharedData(onData) {
  const [data, setData] = useState(() => KB.sharedData || null);
  const cb = useLatest(onData);
  useEffect(() => {
    const off = KB.on('shared-data', (d) => {
      setData(d);
      if (cb.current) cb.current(d);
    });
    KB.ready(); // the parent delivers pending shared data in answer to `ready`
    return off;
  }, []);
  const clear = useCallback(() => setData(null), []);
  return { data, clear };
}

export function useClipboard() {
  const [copied, setCopied] = useState(false);
  const [loading, setLoading] = useState(false);
  const timer = useRef(null);
  const mounted = useMounted();
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback(async (text) => {
    setLoading(true);
    try {
      const ok = await KB.clipboard.write(text);
      if (ok && mounted.current) {
        setCopied(true);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => mounted.current && setCopied(false), 2000);
      }
      return ok;
    } finally { if (mounted.current) setLoading(false); }
  }, []);
  const paste = useCallback(async () => {
    setLoading(true);
    try { return await KB.clipboard.read(); } finally { if (mounted.current) setLoading(false); }
  }, []);
  return { copy, paste, copied, loading };
}

export function useNotification() {
  const [lastSent, setLastSent] = useState(null);
  const notify = useCallback(async (title, body) => {
    const ok = await KB.notification(title, body);
    if (ok) setLastSent(new Date().toISOString());
    return ok;
  }, []);
  return { notify, lastSent };
}

export function useDownload() {
  const [downloading, setDownloading] = useState(false);
  const mounted = useMounted();
  const download = useCallback(async (filename, content, mimeType) => {
    setDownloading(true);
    try { return await KB.download(filename, content, mimeType); } finally { if (mounted.current) setDownloading(false); }
  }, []);
  return { download, downloading };
}

// ------------------------------------------------------------------------------------------- data fetching
// Shared request machinery: runs `load` when `key` changes (unless disabled), drops stale answers.
function useRequest(load, key, enabled) {
  const [state, setState] = useState({ data: null, loading: !!enabled, error: null, status: null });
  const seq = useRef(0);
  const loadRef = useLatest(load);
  const mounted = useMounted();
  const run = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    return Promise.resolve()
      .then(() => loadRef.current())
      .then((r) => {
        if (mounted.current && n === seq.current) setState({ data: r.data, loading: false, error: r.error || null, status: r.status == null ? null : r.status });
        return r.data;
      }, (e) => {
        if (mounted.current && n === seq.current) setState((s) => ({ ...s, loading: false, error: errText(e), status: e && e.status != null ? e.status : s.status }));
        return undefined;
      });
  }, []);
  useEffect(() => {
    if (!enabled) { seq.current++; setState((s) => (s.loading ? { ...s, loading: false } : s)); return; }
    run();
  }, [key, enabled]);
  return [state, run];
}

export function useApi(path, options = {}) {
  const { method = 'GET', body, headers, enabled = true } = options || {};
  const on = enabled !== false && path != null;
  const key = stable([path, String(method).toUpperCase(), body, headers]);
  const [state, refetch] = useRequest(() => {
    const m = String(method).toUpperCase();
    const init = { method: m, headers: { ...(headers || {}) } };
    if (body !== undefined && m !== 'GET' && m !== 'HEAD') {
      const hasCt = Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type');
      if (typeof body === 'string') init.body = body;
      else { init.body = JSON.stringify(body); if (!hasCt) init.headers['Content-Type'] = 'application/json'; }
    }
    return whenApp().then(() => KB.api.json(path, init)).then((data) => ({ data, status: null }));
  }, key, on);
  return { data: state.data, loading: state.loading, error: state.error, refetch };
}

export function useFetch(url, options = {}) {
  const { method = 'GET', body, headers, json = true, enabled = true } = options || {};
  const on = enabled !== false && url != null;
  const key = stable([url, String(method).toUpperCase(), body, headers, json]);
  const [state, refetch] = useRequest(() => KB.http(url, { method, headers, body }).then((r) => {
    let data = r.text();
    if (json) { try { data = data ? JSON.parse(data) : null; } catch (e) { /* keep the text */ } }
    return { data, status: r.status, error: r.ok ? null : 'HTTP ' + r.status + (r.statusText ? ': ' + r.statusText : '') };
  }), key, on);
  return { data: state.data, loading: state.loading, error: state.error, status: state.status, refetch };
}

export function useAsync(fn) {
  const [state, setState] = useState({ data: null, loading: false, error: null });
  const fnRef = useLatest(fn);
  const mounted = useMounted();
  const seq = useRef(0);
  const run = useCallback(async (...args) => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await fnRef.current(...args);
      if (mounted.current && n === seq.current) setState({ data, loading: false, error: null });
      return data;
    } catch (e) {
      if (mounted.current && n === seq.current) setState((s) => ({ ...s, loading: false, error: errText(e) }));
      throw e;
    }
  }, []);
  const reset = useCallback(() => { seq.current++; setState({ data: null, loading: false, error: null }); }, []);
  return { run, data: state.data, loading: state.loading, error: state.error, reset };
}

const MAX_STREAM_MESSAGES = 1000;
export function useEventStream(eventName, callback) {
  const [messages, setMessages] = useState([]);
  const [connected, setConnected] = useState(KB.events.connected);
  const cb = useLatest(callback);
  useEffect(() => {
    const offStatus = KB.events.onConnectionChange((c) => setConnected(c));
    const off = KB.events.subscribe((msg) => {
      if (eventName && msg.event !== eventName) return;
      if (cb.current) {
        if (eventName) cb.current(msg.data, msg); else cb.current(msg);
        return;
      }
      setMessages((prev) => {
        const next = prev.concat([msg]);
        return next.length > MAX_STREAM_MESSAGES ? next.slice(next.length - MAX_STREAM_MESSAGES) : next;
      });
    });
    setConnected(KB.events.connected);
    if (!KB.appId) KB.ready();
    return () => { off(); offStatus(); };
  }, [eventName]);
  const clear = useCallback(() => setMessages([]), []);
  return { messages, connected, clear };
}

// ------------------------------------------------------------------------------------------- pagination
function withQuery(path, params) {
  const q = Object.keys(params).map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k])).join('&');
  return path + (String(path).indexOf('?') >= 0 ? '&' : '?') + q;
}
function defaultItems(body) {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const k of ['items', 'data', 'results']) if (Array.isArray(body[k])) return body[k];
  }
  return [];
}
function defaultTotal(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  for (const k of ['total', 'totalCount', 'count']) if (typeof body[k] === 'number') return body[k];
  return null;
}
function fetchPage(source, url) {
  if (source === 'http') return KB.http.json(url);
  return whenApp().then(() => KB.api.get(url));
}

export function useInfiniteScroll(path, options = {}) {
  const { source = 'api', pageSize = 20, pageParam = 'page', limitParam = 'limit', getItems = defaultItems,
    getHasMore, autoLoad = false, threshold = 200 } = options || {};
  const [items, setItems] = useState([]);
  const [loading, setLoading] = useState(!!path);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState(null);
  const [hasMore, setHasMore] = useState(!!path);
  const page = useRef(0);
  const busy = useRef(false);
  const gen = useRef(0);
  const opts = useLatest({ getItems, getHasMore, pageSize });
  const mounted = useMounted();
  const observer = useRef(null);

  const loadPage = useCallback((first) => {
    if (!path || busy.current) return Promise.resolve();
    busy.current = true;
    const g = gen.current;
    const p = first ? 1 : page.current + 1;
    if (first) setLoading(true); else setLoadingMore(true);
    setError(null);
    return fetchPage(source, withQuery(path, { [pageParam]: p, [limitParam]: pageSize })).then((body) => {
      if (!mounted.current || g !== gen.current) return;
      const got = opts.current.getItems(body) || [];
      page.current = p;
      setItems((prev) => (first ? got : prev.concat(got)));
      setHasMore(opts.current.getHasMore ? !!opts.current.getHasMore(body, got, p) : got.length >= opts.current.pageSize);
    }, (e) => { if (mounted.current && g === gen.current) setError(errText(e)); })
      .then(() => {
        if (g === gen.current) busy.current = false;
        if (mounted.current && g === gen.current) { setLoading(false); setLoadingMore(false); }
      });
  }, [path, source, pageParam, limitParam, pageSize]);

  const reset = useCallback(() => {
    gen.current++;
    busy.current = false;
    page.current = 0;
    setItems([]);
    setHasMore(!!path);
    return loadPage(true);
  }, [loadPage, path]);
  useEffect(() => { reset(); }, [reset]);

  const hasMoreRef = useLatest(hasMore);
  const loadMore = useCallback(() => (hasMoreRef.current ? loadPage(false) : Promise.resolve()), [loadPage]);
  const loadMoreRef = useLatest(loadMore);
  const sentinelRef = useCallback((node) => {
    if (observer.current) { observer.current.disconnect(); observer.current = null; }
    if (!node || !autoLoad || typeof IntersectionObserver === 'undefined') return;
    observer.current = new IntersectionObserver((entries) => {
      if (entries.some((en) => en.isIntersecting)) loadMoreRef.current();
    }, { rootMargin: '0px 0px ' + threshold + 'px 0px' });
    observer.current.observe(node);
  }, [autoLoad, threshold]);
  useEffect(() => () => observer.current && observer.current.disconnect(), []);
  return { items, loading, loadingMore, error, hasMore, loadMore, reset, sentinelRef };
}

export function usePagination(path, options = {}) {
  const { source = 'api', pageSize = 20, pageParam = 'page', limitParam = 'limit', getItems = defaultItems,
    getTotal = defaultTotal, initialPage = 1 } = options || {};
  const [page, setPageState] = useState(initialPage);
  const [total, setTotal] = useState(null);
  const opts = useLatest({ getItems, getTotal });
  const key = stable([path, source, page, pageSize, pageParam, limitParam]);
  const [state, refetch] = useRequest(() => fetchPage(source, withQuery(path, { [pageParam]: page, [limitParam]: pageSize })).then((body) => {
    setTotal(opts.current.getTotal(body));
    return { data: opts.current.getItems(body) || [] };
  }), key, path != null);
  const items = state.data || [];
  const totalPages = total != null ? Math.max(1, Math.ceil(total / pageSize)) : (items.length < pageSize ? page : page + 1);
  const setPage = useCallback((p) => setPageState((cur) => Math.max(1, Math.floor(typeof p === 'function' ? p(cur) : p) || 1)), []);
  const next = useCallback(() => { if (page < totalPages) setPage(page + 1); }, [page, totalPages]);
  const prev = useCallback(() => { if (page > 1) setPage(page - 1); }, [page]);
  return { items, loading: state.loading, error: state.error, page, totalPages, total, setPage, next, prev, refetch };
}

// ------------------------------------------------------------------------------------------- hash routing
function readHash(defaultPath) {
  const raw = (typeof window !== 'undefined' && window.location && window.location.hash) || '';
  const h = raw.replace(/^#/, '');
  const i = h.indexOf('?');
  const path = (i >= 0 ? h.slice(0, i) : h) || defaultPath;
  const params = {};
  if (i >= 0) {
    h.slice(i + 1).split('&').forEach((pair) => {
      if (!pair) return;
      const j = pair.indexOf('=');
      const k = decodeURIComponent((j >= 0 ? pair.slice(0, j) : pair).replace(/\+/g, ' '));
      params[k] = j >= 0 ? decodeURIComponent(pair.slice(j + 1).replace(/\+/g, ' ')) : '';
    });
  }
  return { path: path.charAt(0) === '/' ? path : '/' + path, params };
}
function hashFor(path, params) {
  const p = String(path || '/');
  const keys = params ? Object.keys(params).filter((k) => params[k] !== undefined && params[k] !== null) : [];
  const q = keys.map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k])).join('&');
  return '#' + (p.charAt(0) === '/' ? p : '/' + p) + (q ? '?' + q : '');
}
export function useHashRouter(defaultPath = '/') {
  const [loc, setLoc] = useState(() => readHash(defaultPath));
  useEffect(() => {
    const onHash = () => setLoc(readHash(defaultPath));
    onHash();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [defaultPath]);
  const navigate = useCallback((path, params) => {
    const h = hashFor(path, params);
    if (window.location.hash !== h) window.location.hash = h;
    else setLoc(readHash(defaultPath));
  }, [defaultPath]);
  const back = useCallback(() => window.history.back(), []);
  return { path: loc.path, params: loc.params, navigate, back };
}

export function Route({ path, current, fallback = null, children }) {
  const router = useHashRouter();
  const cur = current !== undefined ? current : router.path;
  if (cur === path) return typeof children === 'function' ? children(router) : (children === undefined ? null : children);
  return fallback;
}

export function Link({ to = '/', params, active, className, style, children, onClick, ...rest }) {
  const href = hashFor(to, params);
  const cls = [className, active ? 'link-active' : null].filter(Boolean).join(' ') || undefined;
  const handle = (e) => {
    if (onClick) onClick(e);
    if (e.defaultPrevented || e.button > 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    // <base href=".../static/"> would turn a plain "#/x" link into a real navigation: stay on the page.
    e.preventDefault();
    if (window.location.hash !== href) window.location.hash = href;
  };
  return React.createElement('a', { ...rest, href, className: cls, style, onClick: handle, 'aria-current': active ? 'page' : undefined }, children);
}

// ------------------------------------------------------------------------------------------- plain re-exports
export const toast = (...a) => KB.toast(...a);
export const confirm = (...a) => KB.confirm(...a);
export const prompt = (...a) => KB.prompt(...a);
export const navigate = (...a) => KB.navigate(...a);
export const fullpage = (...a) => KB.fullpage(...a);
export const setTitle = (...a) => KB.setTitle(...a);
export const setBadge = (...a) => KB.setBadge(...a);
export const openApp = (...a) => KB.openApp(...a);
export const notification = (...a) => KB.notification(...a);
export const resize = (...a) => KB.resize(...a);
export const share = (...a) => KB.share(...a);
export const shortcut = (...a) => KB.shortcut(...a);
export const download = (...a) => KB.download(...a);
export const sendMessage = (...a) => KB.sendMessage(...a);
export const clipboard = KB.clipboard;
export const storage = KB.storage;
export const api = KB.api;
export const http = KB.http;
export const events = KB.events;
export const memory = KB.memory;
export const conversation = KB.conversation;
export const apps = KB.apps;
// Live bindings: updated when app-meta arrives (the reference captured them once, usually as null).
export let kin = KB.kin;
export let user = KB.user;
KB.on('app-meta', () => { kin = KB.kin; user = KB.user; });

export default KB;
