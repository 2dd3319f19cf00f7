// TextDecoder (UTF-8) for mini-app backends. fast-text-encoding's decoder passes typed arrays to
// String.fromCharCode.apply, which QV4 6.4 reads as zeros, so decoding is done here: WHATWG UTF-8 decode with U+FFFD
// for each maximal invalid subsequence, `fatal` (a TypeError instead), `ignoreBOM`, and `{stream: true}` (an incomplete
// sequence at the end waits for the next call). Only UTF-8 is offered, as in most server runtimes' minimal builds.

const REPLACEMENT = 0xfffd;

function toBytes(input) {
  if (input === undefined || input === null) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('TextDecoder.decode: expected an ArrayBuffer or an ArrayBuffer view');
}

class TextDecoder {
  constructor(label, options) {
    const name = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
    if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8')
      throw new RangeError('TextDecoder: only utf-8 is supported, not "' + label + '"');
    const opts = options || {};
    this._fatal = !!opts.fatal;
    this._ignoreBOM = !!opts.ignoreBOM;
    this._pending = [];
    this._bomSeen = false;
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this._fatal;
  }

  get ignoreBOM() {
    return this._ignoreBOM;
  }

  decode(input, options) {
    const stream = !!(options && options.stream);
    let bytes = toBytes(input);
    if (this._pending.length) {
      const joined = new Uint8Array(this._pending.length + bytes.length);
      joined.set(this._pending, 0);
      joined.set(bytes, this._pending.length);
      bytes = joined;
      this._pending = [];
    }
    const n = bytes.length;
    const units = [];
    let out = '';
    let i = 0;
    const fail = () => {
      if (this._fatal) throw new TypeError('TextDecoder: the input is not valid UTF-8');
      units.push(REPLACEMENT);
    };
    while (i < n) {
      const b = bytes[i];
      if (b < 0x80) {
        units.push(b);
        ++i;
      } else {
        let need = 0;
        let cp = 0;
        let lower = 0x80;
        let upper = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
          need = 1;
          cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          cp = b & 0x0f;
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          cp = b & 0x07;
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
        } else {
          fail();
          ++i;
          continue;
        }
        let j = i + 1;
        let ok = true;
        for (let k = 0; k < need; ++k, ++j) {
          if (j >= n) {
            ok = false;
            break;
          }
          const c = bytes[j];
          if (c < lower || c > upper) {
            ok = false;
            break;
          }
          lower = 0x80;
          upper = 0xbf;
          cp = (cp << 6) | (c & 0x3f);
        }
        if (ok) {
          if (cp > 0xffff) {
            cp -= 0x10000;
            units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
          } else {
            units.push(cp);
          }
          i = j;
        } else if (j >= n && stream) {
          for (let k = i; k < n; ++k) this._pending.push(bytes[k]);
          i = n;
        } else {
          fail();
          i = j; // the maximal subpart is replaced once; the byte that broke it starts over
        }
      }
      if (units.length >= 8192) {
        out += String.fromCharCode.apply(null, units);
        units.length = 0;
      }
    }
    if (units.length) out += String.fromCharCode.apply(null, units);
    if (!this._ignoreBOM && !this._bomSeen && out.length) {
      this._bomSeen = true;
      if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    }
    if (!stream) this._bomSeen = false;
    return out;
  }
}

globalThis.TextDecoder = TextDecoder;
