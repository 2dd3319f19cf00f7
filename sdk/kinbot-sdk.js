/*
 * KinBot mini-app SDK — classic script, defines window.KinBot.
 *
 * Injected by the server into every mini-app page served at /api/mini-apps/<id>/serve.
 * Two transports:
 *   - postMessage to the parent KinBot UI (messages carry source 'kinbot-sdk'; replies carry
 *     source 'kinbot-parent'), for toasts, dialogs, clipboard, downloads, notifications, chat;
 *   - same-origin fetch to /api/mini-apps/<appId>/... for storage, backend API, HTTP proxy,
 *     memories and the backend event stream.
 * The app id comes from the parent's app-meta message, or from the page URL when there is no parent.
 */
(function (global) {
  'use strict';
  if (global.KinBot && global.KinBot.__kinbotSdk) return;

  var VERSION = '1.16.0';
  var DIALOG_TIMEOUT_MS = 5 * 60 * 1000;
  var CALL_TIMEOUT_MS = 10 * 1000;
  var READY_TIMEOUT_MS = 10 * 1000;
  var CONSOLE_RING = 50;

  var doc = global.document || null;
  var parentWin = null;
  try { parentWin = global.parent && global.parent !== global ? global.parent : null; } catch (e) { parentWin = null; }

  // ---------------------------------------------------------------- app id and meta
  function appIdFromLocation() {
    try {
      var m = /\/api\/mini-apps\/([^/?#]+)\/(?:serve|static)(?:[/?#]|$)/.exec(global.location.pathname);
      if (m && m[1] !== 'sdk') return decodeURIComponent(m[1]);
    } catch (e) { /* no location */ }
    return null;
  }
  var pathAppId = appIdFromLocation();
  var meta = null;
  var localeOverride = null;
  var sharedData = null;

  function currentAppId() { return (meta && meta.id) || pathAppId; }
  function appBase(id) { return '/api/mini-apps/' + encodeURIComponent(id); }
  function notReady() { return new Error('App not ready — call KinBot.ready() first'); }
  function withAppId() {
    var id = currentAppId();
    return id ? Promise.resolve(id) : Promise.reject(notReady());
  }

  // ---------------------------------------------------------------- local listeners
  var listeners = {};
  function on(event, cb) {
    if (typeof cb !== 'function') return function () {};
    (listeners[event] || (listeners[event] = [])).push(cb);
    return function off() {
      var list = listeners[event];
      if (!list) return;
      var i = list.indexOf(cb);
      if (i >= 0) list.splice(i, 1);
    };
  }
  function fire(event, data) {
    var list = listeners[event];
    if (!list) return;
    list.slice().forEach(function (cb) {
      try { cb(data); } catch (e) { origConsole.error('[KinBot] listener for "' + event + '" failed:', e); }
    });
  }

  // ---------------------------------------------------------------- postMessage transport
  var callbackSeq = 0;
  var pending = {};

  function post(type, fields) {
    if (!parentWin) return false;
    var msg = { source: 'kinbot-sdk', type: type };
    if (fields) for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) msg[k] = fields[k];
    try { parentWin.postMessage(msg, '*'); return true; } catch (e) { return false; }
  }

  // Request/response with the parent. Without a parent, `fallback()` answers; when the parent does not
  // answer within `timeoutMs`, the promise resolves with `timeoutValue` (never hangs forever).
  function request(type, fields, timeoutMs, timeoutValue, fallback) {
    if (!parentWin) {
      try { return Promise.resolve(fallback ? fallback() : timeoutValue); } catch (e) { return Promise.resolve(timeoutValue); }
    }
    return new Promise(function (resolve) {
      var id = 'kb' + (++callbackSeq);
      var timer = setTimeout(function () {
        if (!pending[id]) return;
        delete pending[id];
        origConsole.warn('[KinBot] no answer from the parent to "' + type + '" after ' + timeoutMs + ' ms');
        resolve(timeoutValue);
      }, timeoutMs);
      pending[id] = function (value) { clearTimeout(timer); resolve(value); };
      var f = { callbackId: id };
      for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) f[k] = fields[k];
      if (!post(type, f)) { clearTimeout(timer); delete pending[id]; resolve(timeoutValue); }
    });
  }

  function setMeta(data) {
    if (!data || typeof data !== 'object') return;
    meta = data;
    if (data.locale) localeOverride = null;
    resolveReady(meta);
    fire('app-meta', meta);
    if (eventsState.wanted()) eventsState.open();
  }

  function onMessage(ev) {
    var d = ev && ev.data;
    if (!d || typeof d !== 'object' || d.source !== 'kinbot-parent') return;
    if (parentWin && ev.source && ev.source !== parentWin) return;
    switch (d.type) {
      case 'app-meta': setMeta(d.data); break;
      case 'dialog-result': {
        var cb = pending[d.callbackId];
        if (cb) { delete pending[d.callbackId]; cb(d.value); }
        break;
      }
      case 'fullpage-changed': {
        var fp = !!(d.data && d.data.isFullPage);
        if (meta) meta.isFullPage = fp;
        fire('fullpage-changed', { isFullPage: fp });
        break;
      }
      case 'locale-changed': {
        var loc = d.data && d.data.locale;
        if (loc) { localeOverride = loc; if (meta) meta.locale = loc; }
        fire('locale-changed', { locale: api_locale() });
        break;
      }
      case 'shared-data': sharedData = d.data || null; fire('shared-data', sharedData); break;
      case 'theme-changed': fire('theme-changed', d.data || readTheme()); break;
      case 'event': if (d.event) fire(d.event, d.data); break;
      default: break;
    }
  }
  if (global.addEventListener) global.addEventListener('message', onMessage);

  // ---------------------------------------------------------------- ready()
  var readyPromise = null;
  var readyResolve = null;
  var readyTimer = null;
  function resolveReady(m) {
    if (readyTimer) { clearTimeout(readyTimer); readyTimer = null; }
    if (readyResolve) { var r = readyResolve; readyResolve = null; r(m); }
  }
  // Without a parent (page opened directly), meta is built from GET /api/mini-apps/<id>.
  function metaFromServer() {
    var id = currentAppId();
    var fallback = { id: id, name: '', slug: '', description: null, icon: null, kinId: null, kinName: null,
      kinAvatarUrl: null, version: null, isFullPage: !parentWin, locale: navigatorLocale(), user: null };
    if (!id || typeof global.fetch !== 'function') return Promise.resolve(fallback);
    return global.fetch(appBase(id), { credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (body) {
        var a = body && body.app;
        if (!a) return fallback;
        return { id: a.id || id, name: a.name || '', slug: a.slug || '', description: a.description == null ? null : a.description,
          icon: a.icon == null ? null : a.icon, kinId: a.kinId || null, kinName: a.kinName || null,
          kinAvatarUrl: a.kinAvatarUrl || null, version: a.version == null ? null : a.version,
          isFullPage: !parentWin, locale: navigatorLocale(), user: null };
      })
      .catch(function () { return fallback; });
  }
  function ready() {
    if (meta) return Promise.resolve(meta);
    if (!readyPromise) {
      readyPromise = new Promise(function (resolve) { readyResolve = resolve; });
      var fallback = function () {
        if (meta) return;
        metaFromServer().then(function (m) { if (!meta) setMeta(m); });
      };
      if (!post('ready')) fallback();
      else readyTimer = setTimeout(function () { readyTimer = null; fallback(); }, READY_TIMEOUT_MS);
    }
    return readyPromise;
  }

  function navigatorLocale() {
    var n = global.navigator;
    var l = n && (n.language || (n.languages && n.languages[0]));
    return l ? String(l).split('-')[0] : 'en';
  }

  // ---------------------------------------------------------------- console relay
  var origConsole = {};
  var consoleRing = [];
  function isErrorLike(a) {
    return a instanceof Error || !!(a && typeof a === 'object' && typeof a.message === 'string' && typeof a.stack === 'string');
  }
  function serialiseArg(a) {
    if (isErrorLike(a)) return a.message;
    if (typeof a === 'string') return a;
    if (a && typeof a === 'object') { try { return JSON.stringify(a); } catch (e) { return String(a); } }
    return String(a);
  }
  function relay(level, args, stack) {
    var entry = { level: level, args: args.slice(0, 20), stack: stack || null, timestamp: Date.now() };
    consoleRing.push(entry);
    if (consoleRing.length > CONSOLE_RING) consoleRing.shift();
    var f = {};
    for (var k in entry) f[k] = entry[k];
    post('console', f);
  }
  (function wrapConsole() {
    var c = global.console;
    if (!c) { origConsole = { log: function () {}, warn: function () {}, error: function () {} }; return; }
    var busy = false;
    ['log', 'warn', 'error'].forEach(function (level) {
      var orig = typeof c[level] === 'function' ? c[level].bind(c) : function () {};
      origConsole[level] = orig;
      c[level] = function () {
        var args = Array.prototype.slice.call(arguments);
        orig.apply(null, args);
        if (busy) return;
        busy = true;
        try {
          var stack = null;
          for (var i = 0; i < args.length; i++) if (isErrorLike(args[i]) && args[i].stack) { stack = String(args[i].stack); break; }
          relay(level, args.map(serialiseArg), stack);
        } catch (e) { /* never break the app's logging */ }
        busy = false;
      };
    });
  })();
  if (global.addEventListener) {
    global.addEventListener('error', function (e) {
      var err = e && e.error;
      relay('error', [String((e && e.message) || (err && err.message) || 'Error')], err && err.stack ? String(err.stack) : null);
    });
    global.addEventListener('unhandledrejection', function (e) {
      var r = e && e.reason;
      relay('error', ['Unhandled promise rejection: ' + serialiseArg(r)], r && r.stack ? String(r.stack) : null);
    });
  }

  // ---------------------------------------------------------------- theme
  function readTheme() {
    var root = doc && doc.documentElement;
    var dark = !!(root && root.classList && root.classList.contains('dark'));
    var palette = (root && root.getAttribute && root.getAttribute('data-palette')) || 'aurora';
    return { mode: dark ? 'dark' : 'light', palette: palette };
  }
  (function watchTheme() {
    if (!doc || !doc.documentElement || typeof global.MutationObserver !== 'function') return;
    var last = readTheme();
    new global.MutationObserver(function () {
      var t = readTheme();
      if (t.mode !== last.mode || t.palette !== last.palette) { last = t; fire('theme-changed', t); }
    }).observe(doc.documentElement, { attributes: true, attributeFilter: ['class', 'data-palette'] });
  })();

  // ---------------------------------------------------------------- shortcuts
  var MOD_ALIASES = { ctrl: 'ctrl', control: 'ctrl', meta: 'meta', cmd: 'meta', command: 'meta', super: 'meta', win: 'meta',
    alt: 'alt', option: 'alt', opt: 'alt', shift: 'shift' };
  var KEY_ALIASES = { esc: 'escape', space: ' ', spacebar: ' ', plus: '+', return: 'enter', del: 'delete',
    up: 'arrowup', down: 'arrowdown', left: 'arrowleft', right: 'arrowright' };
  var MOD_ORDER = ['ctrl', 'alt', 'shift', 'meta'];

  function normaliseCombo(combo) {
    var parts = String(combo).toLowerCase().replace(/\s+/g, '').split('+');
    // "ctrl++" → ["ctrl", "", ""]: a trailing empty pair means the plus key
    if (parts.length > 1 && parts[parts.length - 1] === '' && parts[parts.length - 2] === '') parts.splice(-2, 2, '+');
    var mods = {};
    var key = '';
    parts.forEach(function (p) {
      if (!p) return;
      if (MOD_ALIASES[p]) mods[MOD_ALIASES[p]] = true;
      else key = KEY_ALIASES[p] || p;
    });
    var out = MOD_ORDER.filter(function (m) { return mods[m]; });
    out.push(key);
    return out.join('+');
  }
  function eventKeys(e) {
    var keys = [];
    var k = e.key ? String(e.key).toLowerCase() : '';
    if (k === 'esc') k = 'escape';
    if (k) keys.push(k);
    var code = e.code ? String(e.code) : '';
    var m = /^Key([A-Z])$/.exec(code) || /^Digit([0-9])$/.exec(code);
    if (m && keys.indexOf(m[1].toLowerCase()) < 0) keys.push(m[1].toLowerCase());
    return keys;
  }
  function eventCombos(e) {
    var mods = MOD_ORDER.filter(function (m) { return !!e[m + 'Key']; });
    return eventKeys(e).map(function (k) { return mods.concat([k]).join('+'); });
  }
  var shortcuts = {};
  function isEditable(t) {
    if (!t || !t.tagName) return false;
    var tag = String(t.tagName).toUpperCase();
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || !!t.isContentEditable;
  }
  function onKeyDown(e) {
    var combos = eventCombos(e);
    for (var i = 0; i < combos.length; i++) {
      var list = shortcuts[combos[i]];
      if (!list || !list.length) continue;
      // Plain keys (no ctrl/alt/meta) do not fire while typing in a field, except Escape.
      var plain = !e.ctrlKey && !e.altKey && !e.metaKey;
      if (plain && isEditable(e.target) && combos[i] !== 'escape') return;
      if (e.preventDefault) e.preventDefault();
      list.slice().forEach(function (cb) {
        try { cb(e); } catch (err) { origConsole.error('[KinBot] shortcut handler failed:', err); }
      });
      return;
    }
  }
  if (doc && doc.addEventListener) doc.addEventListener('keydown', onKeyDown);

  function shortcut(combo, cb) {
    var key = normaliseCombo(combo);
    if (cb == null) { delete shortcuts[key]; return function () {}; }
    if (typeof cb !== 'function') throw new TypeError('KinBot.shortcut: callback must be a function');
    (shortcuts[key] || (shortcuts[key] = [])).push(cb);
    return function () {
      var list = shortcuts[key];
      if (!list) return;
      var i = list.indexOf(cb);
      if (i >= 0) list.splice(i, 1);
      if (!list.length) delete shortcuts[key];
    };
  }

  // ---------------------------------------------------------------- fetch helpers
  function doFetch(url, init) {
    if (typeof global.fetch !== 'function') return Promise.reject(new Error('fetch is not available'));
    var i = {};
    if (init) for (var k in init) i[k] = init[k];
    if (!i.credentials) i.credentials = 'same-origin';
    return global.fetch(url, i);
  }
  function readBody(res) {
    if (res.status === 204) return Promise.resolve(null);
    return res.text().then(function (text) {
      if (!text) return null;
      try { return JSON.parse(text); } catch (e) { return text; }
    });
  }
  function errorFrom(res, body, prefix) {
    var msg = null;
    if (body && typeof body === 'object') {
      if (body.error && typeof body.error === 'object' && body.error.message) msg = body.error.message;
      else if (typeof body.error === 'string') msg = body.error;
      else if (typeof body.message === 'string') msg = body.message;
    }
    var err = new Error(msg || ((prefix || 'API error') + ' ' + res.status));
    err.status = res.status;
    err.body = body;
    if (body && body.error && body.error.code) err.code = body.error.code;
    return err;
  }
  // Parsed JSON for 2xx (204 → null), Error otherwise.
  function jsonOrThrow(res, prefix) {
    return readBody(res).then(function (body) {
      if (!res.ok) throw errorFrom(res, body, prefix);
      return body;
    });
  }
  function appFetch(suffix, init) {
    return withAppId().then(function (id) { return doFetch(appBase(id) + suffix, init); });
  }
  function mergeHeaders(base, extra) {
    var out = {};
    var k;
    if (base) for (k in base) out[k] = base[k];
    if (extra) {
      if (typeof extra.forEach === 'function' && !Array.isArray(extra)) extra.forEach(function (v, name) { out[name] = v; });
      else for (k in extra) out[k] = extra[k];
    }
    return out;
  }
  function jsonInit(method, data, headers) {
    var init = { method: method, headers: mergeHeaders({ 'Content-Type': 'application/json' }, headers) };
    if (data !== undefined) init.body = JSON.stringify(data);
    return init;
  }

  // ---------------------------------------------------------------- KinBot.api (backend)
  function apiPath(path) {
    path = path == null ? '/' : String(path);
    return '/api' + (path.charAt(0) === '/' ? path : '/' + path);
  }
  function api(path, init) { return appFetch(apiPath(path), init); }
  api.json = function (path, init) { return api(path, init).then(function (r) { return jsonOrThrow(r); }); };
  api.get = function (path, headers) { return api.json(path, headers ? { method: 'GET', headers: mergeHeaders(null, headers) } : { method: 'GET' }); };
  api.post = function (path, data, headers) { return api.json(path, jsonInit('POST', data, headers)); };
  api.put = function (path, data, headers) { return api.json(path, jsonInit('PUT', data, headers)); };
  api.patch = function (path, data, headers) { return api.json(path, jsonInit('PATCH', data, headers)); };
  api['delete'] = function (path, headers) { return api.json(path, headers ? { method: 'DELETE', headers: mergeHeaders(null, headers) } : { method: 'DELETE' }); };

  // ---------------------------------------------------------------- KinBot.storage
  function keyPath(key) {
    if (key == null || key === '') return null;
    return '/storage/' + encodeURIComponent(String(key));
  }
  var storage = {
    get: function (key) {
      var p = keyPath(key);
      if (!p) return Promise.reject(new Error('storage key is required'));
      return appFetch(p, { method: 'GET' }).then(function (res) {
        if (res.status === 404) return null;
        return jsonOrThrow(res, 'Storage error').then(function (b) { return b && b.value !== undefined ? b.value : null; });
      });
    },
    set: function (key, value) {
      var p = keyPath(key);
      if (!p) return Promise.reject(new Error('storage key is required'));
      return appFetch(p, jsonInit('PUT', { value: value === undefined ? null : value }))
        .then(function (res) { return jsonOrThrow(res, 'Storage error'); }).then(function () {});
    },
    'delete': function (key) {
      var p = keyPath(key);
      if (!p) return Promise.reject(new Error('storage key is required'));
      return appFetch(p, { method: 'DELETE' }).then(function (res) {
        if (res.status === 404) return false;
        return jsonOrThrow(res, 'Storage error').then(function () { return true; });
      });
    },
    list: function () {
      return appFetch('/storage', { method: 'GET' }).then(function (res) { return jsonOrThrow(res, 'Storage error'); })
        .then(function (b) { return (b && b.keys) || []; });
    },
    clear: function () {
      return appFetch('/storage', { method: 'DELETE' }).then(function (res) { return jsonOrThrow(res, 'Storage error'); })
        .then(function (b) { return (b && typeof b.cleared === 'number') ? b.cleared : 0; });
    }
  };

  // ---------------------------------------------------------------- base64
  function bytesToBase64(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return global.btoa(bin);
  }
  function utf8ToBase64(text) { return bytesToBase64(new global.TextEncoder().encode(String(text))); }
  function base64ToUtf8(b64) {
    var bin = global.atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new global.TextDecoder().decode(bytes);
  }

  // ---------------------------------------------------------------- KinBot.http (proxy)
  function wrapHttp(r) {
    var status = Number(r.status) || 0;
    var out = {
      status: status,
      statusText: r.statusText || '',
      headers: r.headers || {},
      body: r.body == null ? '' : r.body,
      isBase64: !!r.isBase64,
      ok: status >= 200 && status < 300,
      text: function () { return out.isBase64 ? base64ToUtf8(out.body) : String(out.body); },
      json: function () { return JSON.parse(out.text()); }
    };
    return out;
  }
  function http(url, opts) {
    opts = opts || {};
    var headers = mergeHeaders(null, opts.headers);
    var body = opts.body;
    if (body != null && typeof body === 'object') {
      body = JSON.stringify(body);
      var hasCt = Object.keys(headers).some(function (h) { return h.toLowerCase() === 'content-type'; });
      if (!hasCt) headers['Content-Type'] = 'application/json';
    }
    var payload = { url: String(url), method: (opts.method || 'GET').toUpperCase(), headers: headers };
    if (body != null) payload.body = String(body);
    return appFetch('/http', jsonInit('POST', payload))
      .then(function (res) { return jsonOrThrow(res, 'HTTP proxy error'); })
      .then(wrapHttp);
  }
  function httpChecked(r) {
    if (!r.ok) {
      var e = new Error('HTTP ' + r.status + ': ' + r.text());
      e.status = r.status;
      throw e;
    }
    var t = r.text();
    if (!t) return null;
    try { return JSON.parse(t); } catch (e) { return t; }
  }
  http.json = function (url, headers) { return http(url, { method: 'GET', headers: headers }).then(httpChecked); };
  http.post = function (url, data, headers) {
    return http(url, { method: 'POST', headers: headers, body: data === undefined ? null : data }).then(httpChecked);
  };

  // ---------------------------------------------------------------- KinBot.events (backend SSE)
  var eventsState = (function () {
    var es = null;
    var connected = false;
    var all = [];
    var named = {};
    var statusCbs = [];
    var retryTimer = null;
    var retryDelay = 1000;
    var closedByUser = false;

    function wanted() {
      if (closedByUser) return false;
      if (all.length) return true;
      for (var k in named) if (named[k].length) return true;
      return false;
    }
    function setConnected(v) {
      if (connected === v) return;
      connected = v;
      statusCbs.slice().forEach(function (cb) { try { cb(v); } catch (e) { /* ignore */ } });
    }
    function dispatch(raw) {
      var p;
      try { p = JSON.parse(raw); } catch (e) { return; }
      if (!p || typeof p !== 'object' || typeof p.event !== 'string') return;
      var msg = { event: p.event, data: p.data === undefined ? null : p.data, ts: typeof p.timestamp === 'number' ? p.timestamp : Date.now() };
      all.slice().forEach(function (cb) { try { cb(msg); } catch (e) { origConsole.error('[KinBot] events.subscribe handler failed:', e); } });
      (named[p.event] || []).slice().forEach(function (cb) {
        try { cb(msg.data); } catch (e) { origConsole.error('[KinBot] events.on handler failed:', e); }
      });
    }
    function teardown() {
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
      if (es) { var s = es; es = null; try { s.close(); } catch (e) { /* ignore */ } }
      setConnected(false);
    }
    function scheduleReconnect() {
      if (retryTimer || !wanted()) return;
      var delay = retryDelay;
      retryDelay = Math.min(retryDelay * 2, 30000);
      retryTimer = setTimeout(function () { retryTimer = null; open(); }, delay);
    }
    function open() {
      if (es || !wanted()) return;
      var id = currentAppId();
      if (!id || typeof global.EventSource !== 'function') return;
      var s = new global.EventSource(appBase(id) + '/events', { withCredentials: true });
      es = s;
      s.addEventListener('connected', function () { if (es === s) { retryDelay = 1000; setConnected(true); } });
      s.addEventListener('app-event', function (ev) { if (es === s) dispatch(ev.data); });
      s.onerror = function () {
        if (es !== s) return;
        setConnected(false);
        // The browser retries by itself while readyState is CONNECTING; a CLOSED stream needs us.
        if (s.readyState === 2) { es = null; try { s.close(); } catch (e) { /* ignore */ } scheduleReconnect(); }
      };
    }
    function release() { if (!wanted()) teardown(); }
    function add(list, cb) {
      list.push(cb);
      closedByUser = false;
      open();
      return function () {
        var i = list.indexOf(cb);
        if (i >= 0) list.splice(i, 1);
        release();
      };
    }
    return {
      wanted: wanted,
      open: open,
      api: {
        subscribe: function (cb) {
          if (typeof cb !== 'function') return function () {};
          return add(all, cb);
        },
        on: function (name, cb) {
          if (typeof cb !== 'function') return function () {};
          return add(named[name] || (named[name] = []), cb);
        },
        close: function () { closedByUser = true; teardown(); },
        onConnectionChange: function (cb) {
          statusCbs.push(cb);
          return function () { var i = statusCbs.indexOf(cb); if (i >= 0) statusCbs.splice(i, 1); };
        }
      },
      isConnected: function () { return connected; }
    };
  })();
  var events = eventsState.api;
  Object.defineProperty(events, 'connected', { enumerable: true, get: function () { return eventsState.isConnected(); } });

  // ---------------------------------------------------------------- parent-backed calls
  function needMeta() { return meta ? Promise.resolve(meta) : ready(); }
  function needKin() {
    return needMeta().then(function (m) {
      if (!m || !m.kinId) throw notReady();
      return m;
    });
  }
  function clampInt(v, lo, hi, dflt) {
    var n = Math.floor(Number(v));
    if (!isFinite(n)) n = dflt;
    return Math.max(lo, Math.min(hi, n));
  }
  function str(v, max) { v = v == null ? '' : String(v); return max && v.length > max ? v.slice(0, max) : v; }

  function toast(message, type) {
    var t = type || 'info';
    var m = str(message, 500);
    if (!post('toast', { message: m, toastType: t })) origConsole.log('[KinBot toast:' + t + '] ' + m);
  }
  function confirmDialog(message, opts) {
    opts = opts || {};
    return request('confirm', {
      message: str(message, 1000), title: opts.title, confirmLabel: opts.confirmLabel || opts.confirmText,
      cancelLabel: opts.cancelLabel || opts.cancelText, variant: opts.variant || 'default'
    }, DIALOG_TIMEOUT_MS, false, function () {
      return typeof global.confirm === 'function' ? !!global.confirm(str(message, 1000)) : false;
    }).then(function (v) { return v === true; });
  }
  function promptDialog(message, opts) {
    opts = opts || {};
    return request('prompt', {
      message: str(message, 1000), title: opts.title, placeholder: opts.placeholder, defaultValue: opts.defaultValue,
      confirmLabel: opts.confirmLabel || opts.confirmText, cancelLabel: opts.cancelLabel || opts.cancelText
    }, DIALOG_TIMEOUT_MS, null, function () {
      if (typeof global.prompt !== 'function') return null;
      var r = global.prompt(str(message, 1000), opts.defaultValue == null ? '' : String(opts.defaultValue));
      return r == null ? null : String(r);
    }).then(function (v) { return v == null ? null : String(v); });
  }
  var clipboard = {
    write: function (text) {
      return request('clipboard-write', { text: String(text == null ? '' : text) }, CALL_TIMEOUT_MS, false, function () {
        var c = global.navigator && global.navigator.clipboard;
        if (!c || !c.writeText) return false;
        return c.writeText(String(text)).then(function () { return true; }, function () { return false; });
      }).then(function (v) { return v === true; });
    },
    read: function () {
      return request('clipboard-read', {}, CALL_TIMEOUT_MS, null, function () {
        var c = global.navigator && global.navigator.clipboard;
        if (!c || !c.readText) return null;
        return c.readText().then(function (t) { return t; }, function () { return null; });
      }).then(function (v) { return v == null ? null : String(v); });
    }
  };
  function sendMessage(text, opts) {
    opts = opts || {};
    return request('send-message', { text: str(text, 2000), silent: !!opts.silent }, CALL_TIMEOUT_MS, false, function () {
      origConsole.warn('[KinBot] sendMessage needs the KinBot UI (no parent window)');
      return false;
    }).then(function (v) { return v === true; });
  }
  function notification(title, body) {
    var f = { title: str(title, 200) };
    if (body != null) f.body = str(body, 500);
    return request('notification', f, CALL_TIMEOUT_MS, false, function () {
      var N = global.Notification;
      if (typeof N !== 'function') return false;
      var show = function () { try { new N(f.title, f.body ? { body: f.body } : undefined); return true; } catch (e) { return false; } };
      if (N.permission === 'granted') return show();
      if (N.permission === 'denied' || !N.requestPermission) return false;
      return Promise.resolve(N.requestPermission()).then(function (p) { return p === 'granted' ? show() : false; });
    }).then(function (v) { return v === true; });
  }
  function toBytes(content) {
    if (content == null) return Promise.resolve({ b64: '', mime: 'text/plain' });
    if (typeof content === 'string') return Promise.resolve({ b64: utf8ToBase64(content), mime: 'text/plain' });
    if ((global.Blob && content instanceof global.Blob) || Object.prototype.toString.call(content) === '[object Blob]' ||
        Object.prototype.toString.call(content) === '[object File]') {
      return content.arrayBuffer().then(function (buf) {
        return { b64: bytesToBase64(new Uint8Array(buf)), mime: content.type || 'application/octet-stream' };
      });
    }
    if (content instanceof ArrayBuffer || Object.prototype.toString.call(content) === '[object ArrayBuffer]') return Promise.resolve({ b64: bytesToBase64(new Uint8Array(content)), mime: 'application/octet-stream' });
    if (ArrayBuffer.isView(content)) {
      return Promise.resolve({ b64: bytesToBase64(new Uint8Array(content.buffer, content.byteOffset, content.byteLength)), mime: 'application/octet-stream' });
    }
    return Promise.resolve({ b64: utf8ToBase64(JSON.stringify(content, null, 2)), mime: 'application/json' });
  }
  function download(filename, content, mimeType) {
    return toBytes(content).then(function (b) {
      var mime = mimeType || b.mime;
      var name = str(filename || 'download', 200);
      return request('download', { filename: name, data: b.b64, mimeType: mime }, CALL_TIMEOUT_MS, false, function () {
        if (!doc || !global.URL || !global.Blob || !global.URL.createObjectURL) return false;
        var bin = global.atob(b.b64);
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        var url = global.URL.createObjectURL(new global.Blob([bytes], { type: mime }));
        var a = doc.createElement('a');
        a.href = url; a.download = name; a.style.display = 'none';
        doc.body.appendChild(a); a.click(); doc.body.removeChild(a);
        setTimeout(function () { global.URL.revokeObjectURL(url); }, 1000);
        return true;
      });
    }).then(function (v) { return v === true; }, function () { return false; });
  }
  function share(targetSlug, data) {
    return needMeta().then(function (m) {
      if (!parentWin) throw new Error('KinBot.share needs the KinBot UI (no parent window)');
      post('share', { targetSlug: String(targetSlug), shareData: { from: m.slug, fromName: m.name, data: data === undefined ? null : data, ts: Date.now() } });
      return true;
    });
  }

  // ---------------------------------------------------------------- apps, memory, conversation
  var apps = {
    list: function () {
      return needKin().then(function (m) {
        return doFetch('/api/mini-apps?kinId=' + encodeURIComponent(m.kinId)).then(function (r) { return jsonOrThrow(r); });
      }).then(function (b) {
        return ((b && b.apps) || []).map(function (a) {
          return { id: a.id, name: a.name, slug: a.slug, description: a.description == null ? null : a.description,
            icon: a.icon == null ? null : a.icon, version: a.version };
        });
      });
    },
    get: function (id) {
      return doFetch(appBase(id)).then(function (r) { return jsonOrThrow(r); }).then(function (b) { return b ? b.app : null; });
    }
  };
  var memory = {
    search: function (query, limit) {
      var n = clampInt(limit == null ? 20 : limit, 1, 50, 20);
      return appFetch('/memories/search?q=' + encodeURIComponent(String(query == null ? '' : query)) + '&limit=' + n, { method: 'GET' })
        .then(function (r) { return jsonOrThrow(r); }).then(function (b) { return (b && b.memories) || []; });
    },
    store: function (content, opts) {
      opts = opts || {};
      var body = { content: String(content == null ? '' : content) };
      if (opts.category) body.category = opts.category;
      if (opts.subject) body.subject = opts.subject;
      return appFetch('/memories', jsonInit('POST', body)).then(function (r) { return jsonOrThrow(r); })
        .then(function (b) { return b ? (b.memory || b) : null; });
    }
  };
  var conversation = {
    history: function (limit) {
      var n = clampInt(limit == null ? 20 : limit, 1, 100, 20);
      return needKin().then(function (m) {
        return doFetch('/api/kins/' + encodeURIComponent(m.kinId) + '/messages?limit=' + n).then(function (r) { return jsonOrThrow(r); });
      }).then(function (b) {
        var list = Array.isArray(b) ? b : ((b && b.messages) || []);
        return list.map(function (x) {
          return { id: x.id, role: x.messageType || x.role, content: x.content, createdAt: x.createdAt, sourceType: x.sourceType };
        });
      });
    },
    send: function (text, opts) { return sendMessage(text, opts); }
  };

  // ---------------------------------------------------------------- the object
  function api_locale() { return localeOverride || (meta && meta.locale) || 'en'; }

  var KinBot = {
    on: on,
    emit: function (event, data) { post('emit', { event: String(event), data: data === undefined ? null : data }); },
    ready: ready,
    toast: toast,
    navigate: function (path) { post('navigate', { path: String(path) }); },
    fullpage: function (value) { post('fullpage', { value: value !== false }); },
    setTitle: function (title) { post('set-title', { title: str(title, 200) }); },
    setBadge: function (value) {
      var v = (value == null || value === 0 || value === '' || value === false) ? null : str(value, 20);
      post('set-badge', { value: v });
    },
    openApp: function (slug) { post('open-app', { slug: String(slug) }); },
    confirm: confirmDialog,
    prompt: promptDialog,
    clipboard: clipboard,
    sendMessage: sendMessage,
    resize: function (width, height) {
      var f = {};
      if (typeof width === 'number' && isFinite(width)) f.width = width;
      if (typeof height === 'number' && isFinite(height)) f.height = height;
      post('resize', f);
    },
    notification: notification,
    download: download,
    shortcut: shortcut,
    share: share,
    storage: storage,
    api: api,
    http: http,
    events: events,
    apps: apps,
    memory: memory,
    conversation: conversation
  };
  Object.defineProperties(KinBot, {
    version: { value: VERSION, enumerable: true },
    __kinbotSdk: { value: true },
    theme: { enumerable: true, get: readTheme },
    app: { enumerable: true, get: function () { return meta; } },
    appId: { enumerable: true, get: currentAppId },
    kin: { enumerable: true, get: function () {
      return meta && meta.kinId ? { id: meta.kinId, name: meta.kinName || null, avatarUrl: meta.kinAvatarUrl || null } : null;
    } },
    user: { enumerable: true, get: function () { return (meta && meta.user) || null; } },
    isFullPage: { enumerable: true, get: function () { return !!(meta && meta.isFullPage); } },
    locale: { enumerable: true, get: api_locale },
    sharedData: { enumerable: true, get: function () { return sharedData; } },
    hasParent: { enumerable: true, get: function () { return !!parentWin; } },
    consoleEntries: { enumerable: false, get: function () { return consoleRing.slice(); } }
  });

  global.KinBot = KinBot;
})(typeof window !== 'undefined' ? window : globalThis);
