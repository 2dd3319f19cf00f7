// Host glue of a mini-app backend engine (one QJSEngine per app, see core/miniapps/backend). Installs the globals a
// backend may use (console, timers, fetch), builds `ctx`, resolves the backend's default export into an object with
// `.fetch`, and turns each request into {status, headers, body}. Every result goes back to C++ through the bridge
// QObject's settle(id, ok, value): the engine runs promise reactions from its thread's event loop, so nothing here
// blocks or spins.

const state = { host: null, app: null, ctx: null, plugin: false, timers: new Map(), nextTimer: 1, fetches: new Map(), nextFetch: 1 };

function describe(err) {
  if (err instanceof Error) return (err.name && err.name !== 'Error' ? err.name + ': ' : '') + err.message;
  if (typeof err === 'string') return err;
  try {
    const s = JSON.stringify(err);
    return s === undefined ? String(err) : s;
  } catch (e) {
    return String(err);
  }
}

function text(arg) {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return describe(arg);
  if (arg === undefined || typeof arg === 'function' || typeof arg === 'symbol') return String(arg);
  return describe(arg);
}

function logLine(level, args) {
  state.host.log(level, Array.prototype.map.call(args, text).join(' '));
}

function makeLog() {
  return {
    info() { logLine('info', arguments); },
    warn() { logLine('warn', arguments); },
    error() { logLine('error', arguments); },
    debug() { logLine('debug', arguments); },
  };
}

// Runs a synchronous bridge call and turns its {error} / {value} answer into a Promise, as the storage API is async.
function bridgeCall(fn) {
  return new Promise((resolve, reject) => {
    const r = fn();
    if (r && r.error !== undefined && r.error !== null) reject(new Error(r.error));
    else resolve(r ? r.value : undefined);
  });
}

function makeStorage(host) {
  return {
    get(key) {
      return bridgeCall(() => host.storageGet(String(key))).then((raw) => {
        if (raw === null || raw === undefined) return null;
        try {
          return JSON.parse(raw);
        } catch (e) {
          return raw;
        }
      });
    },
    set(key, value) {
      return bridgeCall(() => {
        const json = JSON.stringify(value);
        return host.storageSet(String(key), json === undefined ? 'null' : json);
      }).then(() => undefined);
    },
    delete(key) {
      return bridgeCall(() => host.storageDelete(String(key)));
    },
    list() {
      return bridgeCall(() => host.storageList());
    },
    clear() {
      return bridgeCall(() => host.storageClear());
    },
  };
}

function makeEvents(host) {
  const events = {
    emit(name, data) {
      const json = data === undefined ? undefined : JSON.stringify(data);
      host.emitEvent(String(name), json !== undefined, json === undefined ? '' : json);
    },
  };
  Object.defineProperty(events, 'subscriberCount', { enumerable: true, get: () => host.subscriberCount() });
  return events;
}

function startTimer(repeat, fn, ms, args) {
  if (typeof fn !== 'function') throw new TypeError('The timer callback must be a function');
  const id = state.nextTimer++;
  state.timers.set(id, { fn, args, repeat });
  state.host.timerStart(id, Math.max(0, Math.floor(Number(ms) || 0)), repeat);
  return id;
}

function stopTimer(id) {
  if (state.timers.delete(id)) state.host.timerStop(id);
}

function headerPairs(headers) {
  const pairs = [];
  new Headers(headers || {}).forEach((v, k) => pairs.push([k, v]));
  return pairs;
}

function bodyText(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
  if (ArrayBuffer.isView(body)) return new TextDecoder().decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  return String(body);
}

// fetch(url | Request, init) over the host's network access (http/https, private hosts refused unless allowed).
function hostFetch(input, init) {
  return new Promise((resolve, reject) => {
    const opts = init || {};
    const isRequest = typeof input === 'object' && input !== null && typeof input.url === 'string';
    const url = isRequest ? input.url : String(input);
    const method = String(opts.method || (isRequest ? input.method : '') || 'GET').toUpperCase();
    const headers = headerPairs(opts.headers || (isRequest ? input.headers : undefined));
    let body = opts.body !== undefined ? opts.body : isRequest ? input.body : undefined;
    body = bodyText(body);
    const id = state.nextFetch++;
    state.fetches.set(id, { resolve, reject });
    state.host.fetch(id, url, method, headers, body === null ? '' : body, body !== null);
  });
}

function installGlobals(host) {
  const log = makeLog();
  globalThis.console = { log: log.info, info: log.info, warn: log.warn, error: log.error, debug: log.debug, trace: log.debug };
  globalThis.setTimeout = (fn, ms, ...args) => startTimer(false, fn, ms, args);
  globalThis.setInterval = (fn, ms, ...args) => startTimer(true, fn, ms, args);
  globalThis.clearTimeout = stopTimer;
  globalThis.clearInterval = stopTimer;
  globalThis.queueMicrotask = (fn) => {
    Promise.resolve().then(fn);
  };
  globalThis.fetch = hostFetch;
}

// Sends a backend's answer to C++: {status, headers: [[k, v]], body} with the body as text, or as an ArrayBuffer with
// binary: true when it was given as bytes (so bytes stay bytes). A Response of another kind is read through text().
function settleResponse(id, res) {
  const host = state.host;
  if (!res || typeof res.status !== 'number' || !res.headers || typeof res.headers.forEach !== 'function')
    throw new Error('fetch() did not return a Response (got ' + describe(res) + ')');
  const pairs = [];
  res.headers.forEach((v, k) => pairs.push([k, v]));
  if (res instanceof Response) {
    if (res._bodyBytes !== null) return host.settle(id, true, { status: res.status, headers: pairs, body: res._bodyBytes, binary: true });
    return host.settle(id, true, { status: res.status, headers: pairs, body: res._bodyText === null ? '' : res._bodyText });
  }
  if (typeof res.text !== 'function') throw new Error('fetch() did not return a Response (got ' + describe(res) + ')');
  return res.text().then((text) => host.settle(id, true, { status: res.status, headers: pairs, body: String(text) }));
}

// --- Plugins (core/plugins): the same engine and host, another ctx and another "app" ---------------------------------

function makePluginStorage(host) {
  const base = makeStorage(host);
  return {
    get: base.get,
    set: base.set,
    delete: base.delete,
    clear: base.clear,
    // The keys (strings), those starting with prefix when one is given.
    list(prefix) {
      return base.list().then((keys) => {
        const p = prefix === undefined || prefix === null ? '' : String(prefix);
        return keys.map((k) => k.key).filter((k) => k.indexOf(p) === 0);
      });
    },
  };
}

function jsonResponse(value) {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });
}

// What the C++ PluginHost calls, as requests on the backend path: GET /describe → {tools, hooks, activate, deactivate};
// POST /tool/<name> {args, context} → {ok, result | error}; POST /hook/<name> {payload} → {ok, error?};
// POST /deactivate → {ok, error?}. A throwing or rejecting plugin function answers {ok: false, error}.
function pluginApp(exports) {
  const tools = exports.tools && typeof exports.tools === 'object' ? exports.tools : {};
  const hooks = exports.hooks && typeof exports.hooks === 'object' ? exports.hooks : {};
  const settle = (fn) =>
    new Promise((resolve) => resolve(fn())).then(
      (result) => jsonResponse({ ok: true, result: result === undefined ? null : result }),
      (e) => jsonResponse({ ok: false, error: describe(e) }),
    );
  return {
    fetch(req) {
      const path = decodeURIComponent(new URL(req.url).pathname);
      if (path === '/describe') {
        const list = [];
        Object.keys(tools).forEach((name) => {
          const t = tools[name];
          if (!t || typeof t.execute !== 'function') return;
          list.push({ name, description: String(t.description || ''), parameters: t.parameters || { type: 'object', properties: {} } });
        });
        const hookNames = Object.keys(hooks).filter((h) => typeof hooks[h] === 'function');
        return jsonResponse({ tools: list, hooks: hookNames });
      }
      return req.text().then((text) => {
        const body = text ? JSON.parse(text) : {};
        if (path.indexOf('/tool/') === 0) {
          const t = tools[path.slice(6)];
          if (!t || typeof t.execute !== 'function') return jsonResponse({ ok: false, error: 'No tool ' + path.slice(6) });
          return settle(() => t.execute(body.args || {}, body.context || {}));
        }
        if (path.indexOf('/hook/') === 0) {
          const h = hooks[path.slice(6)];
          if (typeof h !== 'function') return jsonResponse({ ok: true, result: null });
          return settle(() => h(body.payload || {}));
        }
        if (path === '/deactivate')
          return settle(() => (typeof exports.deactivate === 'function' ? exports.deactivate() : undefined));
        return new Response('Not found', { status: 404 });
      });
    },
  };
}

function loadPlugin(loadId, def) {
  const host = state.host;
  const fail = (why) => host.settle(loadId, false, why);
  if (typeof def !== 'function') return fail('The plugin must export default function(ctx) returning its exports');
  let made;
  try {
    made = def(state.ctx);
  } catch (e) {
    return fail('The plugin factory threw: ' + describe(e));
  }
  Promise.resolve(made)
    .then((exports) => {
      if (!exports || typeof exports !== 'object')
        throw new Error('The plugin factory returned ' + (exports === undefined ? 'undefined' : describe(exports)) + ', not an object');
      state.app = pluginApp(exports);
      return typeof exports.activate === 'function' ? exports.activate() : undefined;
    })
    .then(
      () => host.settle(loadId, true, null),
      (e) => fail('The plugin failed to start: ' + describe(e)),
    );
}

globalThis.__kinbot = {
  setup(host, info) {
    state.host = host;
    installGlobals(host);
    if (info.plugin) {
      state.plugin = true;
      state.ctx = {
        config: info.plugin.config || {},
        manifest: info.plugin.manifest || {},
        log: makeLog(),
        storage: makePluginStorage(host),
        http: { fetch: hostFetch },
      };
      return;
    }
    state.ctx = {
      Hono: globalThis.Hono,
      storage: makeStorage(host),
      events: makeEvents(host),
      appId: info.appId,
      kinId: info.kinId,
      appName: info.appName,
      log: makeLog(),
    };
  },

  // mod: the bundle's namespace object. Accepts `export default function(ctx)` (returning an app or a Promise of one)
  // and `export default {fetch}` (or a Hono app); settles loadId with ok, or with the reason of the failure.
  load(loadId, mod) {
    const host = state.host;
    const fail = (why) => host.settle(loadId, false, why);
    let def = mod;
    if (mod && typeof mod === 'object' && 'default' in mod) def = mod.default;
    if (state.plugin) return loadPlugin(loadId, def);
    let made;
    if (typeof def === 'function') {
      try {
        made = def(state.ctx);
      } catch (e) {
        return fail('The backend factory threw: ' + describe(e));
      }
    } else if (def && typeof def === 'object' && typeof def.fetch === 'function') {
      made = def;
    } else {
      const what = def === undefined ? 'no default export' : def === null ? 'null' : 'an ' + typeof def + ' without fetch()';
      return fail('The backend must export default function(ctx) returning a Hono app (or an object with fetch()); found ' + what);
    }
    Promise.resolve(made).then(
      (app) => {
        if (!app || typeof app.fetch !== 'function')
          return fail('The backend factory returned ' + (app === undefined ? 'undefined' : describe(app)) + ', which has no fetch() method');
        state.app = app;
        host.settle(loadId, true, null);
      },
      (e) => fail('The backend factory failed: ' + describe(e)),
    );
  },

  dispatch(id, method, url, headers, body, hasBody) {
    const host = state.host;
    let result;
    try {
      const init = { method, headers };
      if (hasBody && method !== 'GET' && method !== 'HEAD') init.body = body;
      result = state.app.fetch(new Request(url, init));
    } catch (e) {
      return host.settle(id, false, describe(e));
    }
    // A handler that answers at once (most of them) is settled without a single promise reaction.
    if (result instanceof Response) return settleResponse(id, result);
    Promise.resolve(result)
      .then((res) => settleResponse(id, res))
      .then(null, (e) => host.settle(id, false, describe(e)));
  },

  fire(id) {
    const t = state.timers.get(id);
    if (!t) return;
    if (!t.repeat) state.timers.delete(id);
    try {
      t.fn.apply(undefined, t.args);
    } catch (e) {
      logLine('error', ['Uncaught error in a timer callback:', e]);
    }
  },

  // result: {status, statusText, url, headers: [[k, v]], body} when ok, else the error text.
  fetchDone(id, ok, result) {
    const p = state.fetches.get(id);
    if (!p) return;
    state.fetches.delete(id);
    if (!ok) return p.reject(new TypeError('fetch failed: ' + result));
    try {
      const nullBody = result.status === 204 || result.status === 205 || result.status === 304;
      const res = new Response(nullBody ? null : result.body, {
        status: result.status,
        statusText: result.statusText,
        headers: result.headers,
        url: result.url,
      });
      p.resolve(res);
    } catch (e) {
      p.reject(e);
    }
  },
};
