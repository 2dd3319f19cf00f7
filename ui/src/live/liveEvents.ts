// Live updates from /api/sse: one EventSource, reconnected with a growing delay after an error, and a resync callback
// after every reconnection (events sent while disconnected are lost, so the screens reload what they show).
// Frames: `event: connected` first, then `event: message` with flat JSON {type, kinId?, …}, and `event: ping`.

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The part of EventSource this module uses (a fake in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (e: MessageEvent) => void): void;
  close(): void;
  onerror: ((e: Event) => void) | null;
}

export interface LiveTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveOptions {
  url?: string;
  open?: (url: string) => EventSourceLike;
  onEvent: (e: LiveEvent) => void;
  /** After a reconnection (not the first connection): reload what may have changed meanwhile. */
  onResync?: () => void;
  onStatus?: (s: LiveStatus) => void;
  timers?: LiveTimers;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface LiveConnection {
  close(): void;
  status(): LiveStatus;
}

/** Delay before reconnection attempt n (0-based): min·2ⁿ capped at max. */
export function backoffDelay(attempt: number, minMs = 1000, maxMs = 30000): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
}

export function connectLive(o: LiveOptions): LiveConnection {
  const url = o.url ?? '/api/sse';
  const open = o.open ?? ((u: string) => new EventSource(u, { withCredentials: true }) as unknown as EventSourceLike);
  const timers: LiveTimers = o.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) };
  let source: EventSourceLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let everConnected = false;
  let status: LiveStatus = 'connecting';
  let closed = false;

  const setStatus = (s: LiveStatus) => {
    if (s === status) return;
    status = s;
    o.onStatus?.(s);
  };

  const start = () => {
    timer = null;
    const es = open(url);
    source = es;
    es.addEventListener('connected', () => {
      if (source !== es) return;
      attempt = 0;
      setStatus('open');
      if (everConnected) o.onResync?.();
      everConnected = true;
    });
    es.addEventListener('message', (e: MessageEvent) => {
      if (source !== es) return;
      let data: unknown;
      try {
        data = JSON.parse(String(e.data));
      } catch {
        return; // not ours: ignore rather than break the stream
      }
      if (data && typeof data === 'object' && typeof (data as LiveEvent).type === 'string') o.onEvent(data as LiveEvent);
    });
    es.onerror = () => {
      if (source !== es || closed) return;
      // Take over from the browser's own retry so the delay grows and the resync happens once per reconnection.
      es.close();
      source = null;
      setStatus('reconnecting');
      timer = timers.setTimeout(start, backoffDelay(attempt++, o.minDelayMs, o.maxDelayMs));
    };
  };

  o.onStatus?.(status);
  start();
  return {
    close() {
      closed = true;
      if (timer !== null) timers.clearTimeout(timer);
      source?.close();
      source = null;
      setStatus('closed');
    },
    status: () => status,
  };
}
