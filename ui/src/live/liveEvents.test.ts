import { describe, expect, it } from 'vitest';
import { backoffDelay, connectLive, type EventSourceLike, type LiveEvent, type LiveStatus } from './liveEvents';

class FakeSource implements EventSourceLike {
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown) {
    for (const l of this.listeners.get(type) ?? []) l({ data: typeof data === 'string' ? data : JSON.stringify(data) } as MessageEvent);
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
}

function harness() {
  const sources: FakeSource[] = [];
  const pending: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const events: LiveEvent[] = [];
  const statuses: LiveStatus[] = [];
  let resyncs = 0;
  const conn = connectLive({
    open: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    onResync: () => resyncs++,
    onStatus: (s) => statuses.push(s),
    timers: {
      setTimeout: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        pending.push(t);
        return t;
      },
      clearTimeout: (h) => {
        (h as { cleared: boolean }).cleared = true;
      },
    },
  });
  const fire = () => {
    const t = pending.shift()!;
    if (!t.cleared) t.fn();
    return t.ms;
  };
  return { conn, sources, pending, events, statuses, resyncs: () => resyncs, fire };
}

describe('backoffDelay', () => {
  it('doubles from the minimum up to the cap', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(1000)).toBe(30000);
  });
});

describe('connectLive', () => {
  it('delivers message events and ignores pings and junk', () => {
    const h = harness();
    expect(h.sources[0].url).toBe('/api/sse');
    h.sources[0].emit('connected', { type: 'connected', connectionId: 'c1' });
    h.sources[0].emit('message', { type: 'kin:created', kinId: 'k1' });
    h.sources[0].emit('message', 'not json');
    h.sources[0].emit('message', { noType: true });
    h.sources[0].emit('ping', { type: 'ping' });
    expect(h.events).toEqual([{ type: 'kin:created', kinId: 'k1' }]);
    expect(h.conn.status()).toBe('open');
    expect(h.resyncs()).toBe(0);
  });

  it('reconnects with a growing delay and resyncs once per reconnection', () => {
    const h = harness();
    h.sources[0].emit('connected', {});
    h.sources[0].fail();
    expect(h.sources[0].closed).toBe(true);
    expect(h.conn.status()).toBe('reconnecting');
    expect(h.fire()).toBe(1000);
    h.sources[1].fail(); // still down
    expect(h.fire()).toBe(2000);
    h.sources[2].emit('connected', {});
    expect(h.resyncs()).toBe(1);
    expect(h.conn.status()).toBe('open');
    h.sources[2].fail(); // the delay starts over after a good connection
    expect(h.fire()).toBe(1000);
    h.sources[3].emit('connected', {});
    expect(h.resyncs()).toBe(2);
    expect(h.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
  });

  it('ignores a replaced source and stops for good on close', () => {
    const h = harness();
    const first = h.sources[0];
    first.fail();
    first.emit('message', { type: 'late' });
    h.conn.close();
    expect(h.conn.status()).toBe('closed');
    h.fire();
    expect(h.sources.length).toBe(1);
    expect(h.events).toEqual([]);
  });
});
