// Private class members for the bundled Hono. QJSEngine 6.4 has no `#private` syntax, so esbuild lowers each private
// field to a WeakMap and each private method to a WeakSet, and every access goes through them. The engine's own
// WeakMap/WeakSet crash under GC and core-js's take about 3 µs an access here, which made these lookups the largest
// cost of a request through Hono (its Context has a dozen private fields). The build maps WeakMap/WeakSet to these
// two classes for the Hono bundle only (esbuild `define`): each instance keeps its value on the object itself under its
// own non-enumerable symbol, so it is as weak as a WeakMap (the value goes with the object) and reads are plain
// property reads. User code keeps the standard (core-js) WeakMap and WeakSet.
let count = 0;
const hasOwn = Object.prototype.hasOwnProperty;

function checkKey(o) {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function')) throw new TypeError('Invalid value used as a private member holder');
}

class SlotMap {
  constructor() {
    this.key = Symbol('kinbot.private.' + ++count);
  }

  has(o) {
    return o !== null && o !== undefined && hasOwn.call(o, this.key);
  }

  get(o) {
    return o === null || o === undefined ? undefined : o[this.key];
  }

  set(o, value) {
    checkKey(o);
    if (hasOwn.call(o, this.key)) o[this.key] = value;
    else Object.defineProperty(o, this.key, { value, writable: true, configurable: true, enumerable: false });
    return this;
  }

  delete(o) {
    if (!this.has(o)) return false;
    return delete o[this.key];
  }
}

class SlotSet extends SlotMap {
  add(o) {
    return this.set(o, true);
  }
}

globalThis.__kinbotSlotMap = SlotMap;
globalThis.__kinbotSlotSet = SlotSet;
