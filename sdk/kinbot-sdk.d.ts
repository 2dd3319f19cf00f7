// Type declarations for kinbot-sdk.js (window.KinBot), SDK version 1.16.0.
// Global script declarations: every type below is global, and `KinBot` is available as a global value.

interface KinBotUser {
  id: string;
  name: string;
  pseudonym: string | null;
  locale: string | null;
  timezone: string | null;
  avatarUrl: string | null;
}

/** Sent by the parent as `app-meta`; built from GET /api/mini-apps/<id> when the page has no parent. */
interface KinBotAppMeta {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  icon: string | null;
  kinId: string | null;
  kinName: string | null;
  kinAvatarUrl: string | null;
  version: number | null;
  isFullPage: boolean;
  locale: string;
  user: KinBotUser | null;
}

interface KinBotKin { id: string; name: string | null; avatarUrl: string | null; }

type KinBotPalette = 'aurora' | 'ocean' | 'forest' | 'sunset' | 'monochrome' | 'sakura' | 'neon' | 'lavender' | (string & {});
interface KinBotTheme { mode: 'light' | 'dark'; palette: KinBotPalette; }

type KinBotToastType = 'info' | 'success' | 'warning' | 'error';

interface KinBotConfirmOptions {
  title?: string;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Alias of confirmLabel (the reference docs' spelling). */
  confirmText?: string;
  /** Alias of cancelLabel. */
  cancelText?: string;
  variant?: 'default' | 'destructive';
}
interface KinBotPromptOptions {
  title?: string;
  placeholder?: string;
  defaultValue?: string;
  confirmLabel?: string;
  cancelLabel?: string;
  confirmText?: string;
  cancelText?: string;
}

interface KinBotSharedData { from: string; fromName: string; data: unknown; ts: number; }

/** Events delivered to KinBot.on(). Any other name receives parent `event` messages of that name. */
interface KinBotEventMap {
  'app-meta': KinBotAppMeta;
  'theme-changed': KinBotTheme;
  'locale-changed': { locale: string };
  'fullpage-changed': { isFullPage: boolean };
  'shared-data': KinBotSharedData;
}

type KinBotHeaders = Record<string, string>;

/** Error thrown by api/storage/memory/http helpers for non-2xx answers. */
interface KinBotError extends Error {
  /** HTTP status of the failed request. */
  status?: number;
  /** `error.code` of the server's error envelope, when present. */
  code?: string;
  /** Parsed response body (JSON or text). */
  body?: unknown;
}

interface KinBotApi {
  /** Raw fetch to the app backend: `/api/mini-apps/<id>/api` + path (a leading `/` is added). Never throws on status. */
  (path: string, init?: RequestInit): Promise<Response>;
  /** Parsed JSON (204 → null). Non-2xx throws Error(body.error.message || "API error <status>"). */
  json<T = any>(path: string, init?: RequestInit): Promise<T>;
  get<T = any>(path: string, headers?: KinBotHeaders): Promise<T>;
  post<T = any>(path: string, data?: unknown, headers?: KinBotHeaders): Promise<T>;
  put<T = any>(path: string, data?: unknown, headers?: KinBotHeaders): Promise<T>;
  patch<T = any>(path: string, data?: unknown, headers?: KinBotHeaders): Promise<T>;
  /** 204 → null, else parsed JSON. */
  delete<T = any>(path: string, headers?: KinBotHeaders): Promise<T | null>;
}

interface KinBotStorageKey { key: string; size: number; }
interface KinBotStorage {
  /** Stored value, or null when the key does not exist (404). */
  get<T = any>(key: string): Promise<T | null>;
  set(key: string, value: unknown): Promise<void>;
  /** true when deleted, false when the key did not exist. */
  delete(key: string): Promise<boolean>;
  list(): Promise<KinBotStorageKey[]>;
  /** Number of keys removed. */
  clear(): Promise<number>;
}

interface KinBotHttpOptions {
  method?: string;
  headers?: KinBotHeaders;
  /** Objects are JSON-encoded (and Content-Type set to application/json unless given). */
  body?: string | object | null;
}
interface KinBotHttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  isBase64: boolean;
  ok: boolean;
  /** Body as text (base64 bodies are decoded as UTF-8). */
  text(): string;
  json<T = any>(): T;
}
interface KinBotHttp {
  /** Request through the server-side proxy POST /api/mini-apps/<id>/http. Throws only when the proxy refuses. */
  (url: string, options?: KinBotHttpOptions): Promise<KinBotHttpResponse>;
  /** GET; throws Error("HTTP <status>: <text>") unless 2xx; parsed JSON (or text). */
  json<T = any>(url: string, headers?: KinBotHeaders): Promise<T>;
  /** JSON POST; same error rule as json(). */
  post<T = any>(url: string, data?: unknown, headers?: KinBotHeaders): Promise<T>;
}

/** One backend event as delivered by events.subscribe(). `ts` is the server's timestamp (ms). */
interface KinBotStreamMessage<T = any> { event: string; data: T; ts: number; }
interface KinBotEvents {
  /** Every backend event, as one object. Opens the shared EventSource lazily. → unsubscribe */
  subscribe(callback: (message: KinBotStreamMessage) => void): () => void;
  /** Events of one name; the callback receives the event data. → unsubscribe */
  on<T = any>(name: string, callback: (data: T) => void): () => void;
  /** Closes the stream (a later subscribe/on reopens it). */
  close(): void;
  /** true after the server's `connected` frame, false after an error or close. */
  readonly connected: boolean;
  /** Connection state changes. → unsubscribe */
  onConnectionChange(callback: (connected: boolean) => void): () => void;
}

interface KinBotAppSummary { id: string; name: string; slug: string; description: string | null; icon: string | null; version: number; }
interface KinBotApps {
  /** Apps of the same Kin. */
  list(): Promise<KinBotAppSummary[]>;
  /** Full app record (GET /api/mini-apps/<id> → .app). */
  get(appId: string): Promise<any>;
}

interface KinBotMemory {
  id: string;
  content: string;
  category: string;
  subject: string | null;
  score?: number;
  updatedAt?: string | null;
  createdAt?: string;
}
interface KinBotMemoryApi {
  /** limit defaults to 20, clamped to 1..50. */
  search(query: string, limit?: number): Promise<KinBotMemory[]>;
  store(content: string, options?: { category?: 'fact' | 'preference' | 'decision' | 'knowledge'; subject?: string }): Promise<KinBotMemory>;
}

interface KinBotMessage { id: string; role: string; content: string; createdAt: string | number; sourceType?: string; }
interface KinBotConversation {
  /** limit defaults to 20, clamped to 1..100. */
  history(limit?: number): Promise<KinBotMessage[]>;
  send(text: string, options?: { silent?: boolean }): Promise<boolean>;
}

interface KinBotClipboard {
  write(text: string): Promise<boolean>;
  read(): Promise<string | null>;
}

interface KinBotSDK {
  readonly version: '1.16.0';
  readonly theme: KinBotTheme;
  readonly app: KinBotAppMeta | null;
  /** Current app id (from app-meta, else from the page URL), or null. */
  readonly appId: string | null;
  readonly kin: KinBotKin | null;
  readonly user: KinBotUser | null;
  readonly isFullPage: boolean;
  readonly locale: string;
  /** Last data shared to this app by another app (shared-data), or null. */
  readonly sharedData: KinBotSharedData | null;
  /** true when the page runs inside the KinBot UI (it has a parent window). */
  readonly hasParent: boolean;

  on<K extends keyof KinBotEventMap>(event: K, callback: (data: KinBotEventMap[K]) => void): () => void;
  on(event: string, callback: (data: any) => void): () => void;
  /** Post an `emit` message to the parent. */
  emit(event: string, data?: unknown): void;
  /** Resolves with the app metadata (memoised). Without a parent (or no answer within 10 s) the metadata comes from the REST API. */
  ready(): Promise<KinBotAppMeta>;

  /** Without a parent the toast is written to the console. */
  toast(message: string, type?: KinBotToastType): void;
  navigate(path: string): void;
  fullpage(value?: boolean): void;
  setTitle(title: string): void;
  /** null, 0, '' or false clear the badge. */
  setBadge(value: string | number | null): void;
  openApp(slug: string): void;
  /** Resolves false when the parent does not answer within 5 minutes; window.confirm without a parent. */
  confirm(message: string, options?: KinBotConfirmOptions): Promise<boolean>;
  /** Resolves null when cancelled or after 5 minutes without answer; window.prompt without a parent. */
  prompt(message: string, options?: KinBotPromptOptions): Promise<string | null>;
  clipboard: KinBotClipboard;
  /** Posts a user message to the Kin's conversation (the parent rate-limits). false without a parent or after 10 s. */
  sendMessage(text: string, options?: { silent?: boolean }): Promise<boolean>;
  resize(width?: number, height?: number): void;
  notification(title: string, body?: string): Promise<boolean>;
  /** string → text/plain, plain object → pretty JSON, Blob/ArrayBuffer/typed array → binary. */
  download(filename: string, content: string | object | Blob | ArrayBuffer | ArrayBufferView, mimeType?: string): Promise<boolean>;
  /** Combos like "ctrl+k", "meta+shift+p", "escape" (order and case do not matter). null removes the combo. → unregister */
  shortcut(combo: string, callback: ((event: KeyboardEvent) => void) | null): () => void;
  share(targetSlug: string, data: unknown): Promise<true>;

  storage: KinBotStorage;
  api: KinBotApi;
  http: KinBotHttp;
  events: KinBotEvents;
  apps: KinBotApps;
  memory: KinBotMemoryApi;
  conversation: KinBotConversation;
}

interface Window { KinBot: KinBotSDK; }
declare var KinBot: KinBotSDK;
