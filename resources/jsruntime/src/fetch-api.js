// Headers, Request and Response for mini-app backends (QJSEngine has none).
//
// Every request through a backend builds one Request and at least one Response, so these classes are written for the
// QV4 interpreter: methods live on the prototypes (no closures per instance), no regular expressions on the hot path,
// and the body is kept as it was given (a string or bytes) until someone reads it. Bodies are never streams: `.body`
// returns what the object was built from (a string, an ArrayBuffer or null), which is enough for Hono's
// `new Response(res.body, res)` re-wrapping.
//
// Differences from the Fetch standard, on purpose: header iteration keeps insertion order (the standard sorts names),
// Blob, FormData and ReadableStream bodies do not exist here, and `signal` is null.

const NULL_BODY_STATUS = [101, 103, 204, 205, 304];
const REDIRECT_STATUS = [301, 302, 303, 307, 308];
const TEXT_TYPE = 'text/plain;charset=UTF-8';
const FORM_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

function isTokenChar(c) {
  // RFC 9110 tchar: ALPHA / DIGIT / ! # $ % & ' * + - . ^ _ ` | ~
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 33 || (c >= 35 && c <= 39) || c === 42 || c === 43 || c === 45 || c === 46 || c === 94 || c === 95 || c === 96 || c === 124 || c === 126
  );
}

function headerName(name) {
  const s = typeof name === 'string' ? name : String(name);
  if (s.length === 0) throw new TypeError('Invalid header name: empty');
  let lower = true;
  for (let i = 0; i < s.length; ++i) {
    const c = s.charCodeAt(i);
    if (!isTokenChar(c)) throw new TypeError('Invalid header name: "' + s + '"');
    if (c >= 65 && c <= 90) lower = false;
  }
  return lower ? s : s.toLowerCase();
}

function isHttpSpace(c) {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function headerValue(value) {
  let s = typeof value === 'string' ? value : String(value);
  let start = 0;
  let end = s.length;
  while (start < end && isHttpSpace(s.charCodeAt(start))) ++start;
  while (end > start && isHttpSpace(s.charCodeAt(end - 1))) --end;
  if (start !== 0 || end !== s.length) s = s.slice(start, end);
  for (let i = 0; i < s.length; ++i) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 10 || c === 13) throw new TypeError('Invalid header value for a header');
  }
  return s;
}

// Values are stored per lower-case name: a string, or for set-cookie an array (each cookie stays separate).
class Headers {
  constructor(init) {
    this._map = new Map();
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      init._map.forEach((v, k) => this._map.set(k, typeof v === 'string' ? v : v.slice()));
    } else if (Array.isArray(init)) {
      for (let i = 0; i < init.length; ++i) {
        const pair = init[i];
        if (!pair || pair.length !== 2) throw new TypeError('Headers: each header must be a [name, value] pair');
        this.append(pair[0], pair[1]);
      }
    } else if (typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          if (!pair || pair.length !== 2) throw new TypeError('Headers: each header must be a [name, value] pair');
          this.append(pair[0], pair[1]);
        }
      } else {
        const keys = Object.keys(init);
        for (let i = 0; i < keys.length; ++i) this.append(keys[i], init[keys[i]]);
      }
    } else {
      throw new TypeError('Headers: expected an object, an array of pairs or a Headers');
    }
  }

  append(name, value) {
    const k = headerName(name);
    const v = headerValue(value);
    const old = this._map.get(k);
    if (k === 'set-cookie') {
      if (old === undefined) this._map.set(k, [v]);
      else old.push(v);
    } else {
      this._map.set(k, old === undefined ? v : old + ', ' + v);
    }
  }

  set(name, value) {
    const k = headerName(name);
    const v = headerValue(value);
    this._map.set(k, k === 'set-cookie' ? [v] : v);
  }

  get(name) {
    const v = this._map.get(headerName(name));
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  getSetCookie() {
    const v = this._map.get('set-cookie');
    return v === undefined ? [] : v.slice();
  }

  has(name) {
    return this._map.has(headerName(name));
  }

  delete(name) {
    this._map.delete(headerName(name));
  }

  // Each set-cookie value is its own entry, as the standard says.
  forEach(callback, thisArg) {
    this._map.forEach((v, k) => {
      if (typeof v === 'string') callback.call(thisArg, v, k, this);
      else for (let i = 0; i < v.length; ++i) callback.call(thisArg, v[i], k, this);
    });
  }

  *entries() {
    for (const [k, v] of this._map) {
      if (typeof v === 'string') yield [k, v];
      else for (let i = 0; i < v.length; ++i) yield [k, v[i]];
    }
  }

  *keys() {
    for (const [k] of this.entries()) yield k;
  }

  *values() {
    for (const [, v] of this.entries()) yield v;
  }
}
// As the standard has it, and set here rather than as a computed class method: QV4 6.4 runs `[Symbol.iterator]() {}`
// in a class body without returning its value.
Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true });

// ---------------------------------------------------------------------------------------------------------------------
// Bodies: _bodyInit is what the object was built from; _bodyText or _bodyBytes (an ArrayBuffer) hold it, read once.

function copyBytes(view) {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
}

// → the default content type of the body, or null.
function initBody(target, body) {
  target.bodyUsed = false;
  target._bodyInit = body === undefined ? null : body;
  target._bodyText = null;
  target._bodyBytes = null;
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') {
    target._bodyText = body;
    return TEXT_TYPE;
  }
  if (body instanceof ArrayBuffer) {
    target._bodyBytes = body.slice(0);
    return null;
  }
  if (ArrayBuffer.isView(body)) {
    target._bodyBytes = copyBytes(body);
    return null;
  }
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) {
    target._bodyText = body.toString();
    return FORM_TYPE;
  }
  target._bodyText = String(body);
  return TEXT_TYPE;
}

function takeBody(target) {
  if (target.bodyUsed) return Promise.reject(new TypeError('Body is unusable: it has already been read'));
  target.bodyUsed = true;
  return null;
}

function bodyAsText(target) {
  if (target._bodyText !== null) return target._bodyText;
  if (target._bodyBytes !== null) return new TextDecoder().decode(new Uint8Array(target._bodyBytes));
  return '';
}

function bodyAsBuffer(target) {
  if (target._bodyBytes !== null) return target._bodyBytes.slice(0);
  if (target._bodyText !== null) return copyBytes(new TextEncoder().encode(target._bodyText));
  return new ArrayBuffer(0);
}

const BodyMethods = {
  text() {
    return takeBody(this) || Promise.resolve(bodyAsText(this));
  },
  json() {
    const used = takeBody(this);
    if (used) return used;
    try {
      return Promise.resolve(JSON.parse(bodyAsText(this)));
    } catch (e) {
      return Promise.reject(e);
    }
  },
  arrayBuffer() {
    return takeBody(this) || Promise.resolve(bodyAsBuffer(this));
  },
  bytes() {
    return takeBody(this) || Promise.resolve(new Uint8Array(bodyAsBuffer(this)));
  },
  blob() {
    return Promise.reject(new TypeError('Blob bodies are not available in mini-app backends; use arrayBuffer() or text()'));
  },
  formData() {
    return Promise.reject(new TypeError('FormData is not available in mini-app backends; use text() or json()'));
  },
};

function addBodyMethods(C) {
  for (const name of Object.keys(BodyMethods)) {
    Object.defineProperty(C.prototype, name, { value: BodyMethods[name], writable: true, configurable: true });
  }
  Object.defineProperty(C.prototype, 'body', {
    configurable: true,
    get() {
      return this._bodyInit;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------------

function normalizeMethod(method) {
  const m = String(method);
  const upper = m.toUpperCase();
  // The standard upper-cases only these; others keep their case.
  return upper === 'DELETE' || upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' || upper === 'POST' || upper === 'PUT' ? upper : m;
}

class Request {
  constructor(input, init) {
    const opts = init || {};
    let body = opts.body;
    let from = null;
    if (input instanceof Request) {
      from = input;
      if (body === undefined || body === null) {
        if (input.bodyUsed) throw new TypeError('Cannot construct a Request from one whose body was already read');
        body = input._bodyInit;
      }
      this.url = input.url;
    } else {
      this.url = String(input);
    }
    this.method = normalizeMethod(opts.method || (from ? from.method : 'GET'));
    const headers = opts.headers !== undefined ? opts.headers : from ? from.headers : undefined;
    this.headers = new Headers(headers);
    this.credentials = opts.credentials || (from ? from.credentials : 'same-origin');
    this.mode = opts.mode || (from ? from.mode : 'cors');
    this.cache = opts.cache || (from ? from.cache : 'default');
    this.redirect = opts.redirect || (from ? from.redirect : 'follow');
    this.referrer = opts.referrer !== undefined ? String(opts.referrer) : from ? from.referrer : 'about:client';
    this.signal = opts.signal || (from ? from.signal : null);
    if ((this.method === 'GET' || this.method === 'HEAD') && body !== undefined && body !== null)
      throw new TypeError('A ' + this.method + ' request cannot have a body');
    const type = initBody(this, body);
    if (type !== null && !this.headers._map.has('content-type')) this.headers._map.set('content-type', type);
  }

  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Request whose body was already read');
    return new Request(this);
  }
}
addBodyMethods(Request);

class Response {
  constructor(body, init) {
    const opts = init || {};
    const status = opts.status === undefined || opts.status === null ? 200 : Number(opts.status);
    if (!(status >= 200 && status <= 599) || Math.floor(status) !== status)
      throw new RangeError('Response status must be an integer from 200 to 599, got ' + opts.status);
    this.status = status;
    this.statusText = opts.statusText === undefined ? '' : String(opts.statusText);
    this.headers = new Headers(opts.headers);
    this.type = 'default';
    this.url = opts.url ? String(opts.url) : '';
    this.redirected = false;
    if (body !== undefined && body !== null && NULL_BODY_STATUS.indexOf(status) >= 0)
      throw new TypeError('A ' + status + ' response cannot have a body');
    const type = initBody(this, body);
    if (type !== null && !this.headers._map.has('content-type')) this.headers._map.set('content-type', type);
  }

  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  clone() {
    if (this.bodyUsed) throw new TypeError('Cannot clone a Response whose body was already read');
    const copy = Object.create(Response.prototype);
    copy.status = this.status;
    copy.statusText = this.statusText;
    copy.headers = new Headers(this.headers);
    copy.type = this.type;
    copy.url = this.url;
    copy.redirected = this.redirected;
    copy.bodyUsed = false;
    copy._bodyInit = this._bodyInit;
    copy._bodyText = this._bodyText;
    copy._bodyBytes = this._bodyBytes;
    return copy;
  }

  static error() {
    const r = new Response(null, { status: 200 });
    r.status = 0;
    r.type = 'error';
    return r;
  }

  static redirect(url, status) {
    const code = status === undefined ? 302 : Number(status);
    if (REDIRECT_STATUS.indexOf(code) < 0) throw new RangeError('Invalid redirect status: ' + status);
    return new Response(null, { status: code, headers: { location: String(url) } });
  }

  static json(data, init) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: the value cannot be serialised as JSON');
    const opts = init || {};
    const headers = new Headers(opts.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { status: opts.status, statusText: opts.statusText, headers });
  }
}
addBodyMethods(Response);

globalThis.Headers = Headers;
globalThis.Request = Request;
globalThis.Response = Response;
