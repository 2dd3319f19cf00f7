// Type declarations for kinbot-react.js (import map name: @kinbot/react).
/// <reference path="./kinbot-sdk.d.ts" />

declare module '@kinbot/react' {
  import type { ReactNode, ReactElement, RefObject, AnchorHTMLAttributes, CSSProperties } from 'react';

  type SetValue<T> = (valueOrUpdater: T | ((previous: T) => T)) => void;

  // ----------------------------------------------------------------- app context
  export function useKinBot(): {
    app: KinBotAppMeta | null;
    ready: boolean;
    theme: KinBotTheme;
    locale: string;
    isFullPage: boolean;
    api: KinBotApi;
  };
  export function useTheme(): KinBotTheme;
  export function useKin(): { kin: KinBotKin | null; loading: boolean };
  export function useUser(): { user: KinBotUser | null; loading: boolean };

  // ----------------------------------------------------------------- storage
  /** Server-side app storage. Missing or null values give `defaultValue`; setValue is optimistic and persisted. */
  export function useStorage<T>(key: string, defaultValue: T): [value: T, setValue: SetValue<T>, loading: boolean];
  /** Browser localStorage under the `kb:` prefix, synchronised across tabs. */
  export function useLocalStorage<T>(key: string, defaultValue: T): [value: T, setValue: SetValue<T>, remove: () => void];

  // ----------------------------------------------------------------- browser helpers
  export function useMediaQuery(query: string): boolean;
  export function useDebounce<T>(value: T, ms?: number): T;
  /** null (or undefined/false) pauses the interval. */
  export function useInterval(callback: () => void, ms: number | null | undefined | false): void;
  export function useClickOutside(ref: RefObject<Element | null>, handler: (event: MouseEvent | TouchEvent) => void): void;
  export function usePrevious<T>(value: T): T | undefined;
  export function useOnline(): boolean;
  export type Breakpoint = 'xs' | 'sm' | 'md' | 'lg' | 'xl';
  /** xs < 640 ≤ sm < 768 ≤ md < 1024 ≤ lg < 1280 ≤ xl */
  export function useBreakpoint(): Breakpoint;
  export function breakpointFor(width: number): Breakpoint;

  // ----------------------------------------------------------------- forms
  export interface UseForm<V extends Record<string, any>> {
    values: V;
    errors: Partial<Record<keyof V | string, string>>;
    touched: Partial<Record<keyof V | string, boolean>>;
    setValue<K extends keyof V>(field: K, value: V[K]): void;
    /** Merges a partial object, or applies an updater. */
    setValues(next: Partial<V> | ((previous: V) => V)): void;
    /** Handler for inputs (checkbox → checked) or a raw value. */
    handleChange(field: keyof V): (eventOrValue: any) => void;
    handleBlur(field: keyof V): () => void;
    /** Validates, marks every field touched, and calls onSubmit(values) when valid. */
    handleSubmit(onSubmit: (values: V) => any): (event?: { preventDefault?: () => void }) => any;
    /** Back to the initial values (or to `next`, which becomes the new initial state). */
    reset(next?: V): void;
    isValid: boolean;
    isDirty: boolean;
  }
  export function useForm<V extends Record<string, any>>(initialValues?: V, validate?: (values: V) => Partial<Record<keyof V | string, string | null | undefined | false>>): UseForm<V>;

  // ----------------------------------------------------------------- KinBot services
  export function useMemory(): {
    search(query: string, limit?: number): Promise<KinBotMemory[]>;
    store(content: string, options?: { category?: string; subject?: string }): Promise<KinBotMemory>;
    results: KinBotMemory[];
    loading: boolean;
  };
  export function useConversation(): {
    history(limit?: number): Promise<KinBotMessage[]>;
    send(text: string, options?: { silent?: boolean }): Promise<boolean>;
    messages: KinBotMessage[];
    loading: boolean;
  };
  export function useShortcut(combo: string | null | undefined, callback: (event: KeyboardEvent) => void): void;
  export function useApps(): { apps: KinBotAppSummary[]; loading: boolean; refresh(): Promise<KinBotAppSummary[]> };
  export function useSharedData(onData?: (data: KinBotSharedData) => void): { data: KinBotSharedData | null; clear(): void };
  export function useClipboard(): { copy(text: string): Promise<boolean>; paste(): Promise<string | null>; copied: boolean; loading: boolean };
  export function useNotification(): { notify(title: string, body?: string): Promise<boolean>; lastSent: string | null };
  export function useDownload(): {
    download(filename: string, content: string | object | Blob | ArrayBuffer | ArrayBufferView, mimeType?: string): Promise<boolean>;
    downloading: boolean;
  };

  // ----------------------------------------------------------------- data fetching
  export interface UseApiOptions {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | (string & {});
    /** Objects are JSON-encoded with Content-Type application/json; strings are sent as-is. Ignored for GET. */
    body?: unknown;
    headers?: Record<string, string>;
    /** false skips the request (as does a null path). Default true. */
    enabled?: boolean;
  }
  /** Calls the app backend (/api/mini-apps/<id>/api + path). Re-runs when path, method, body, headers or enabled change. */
  export function useApi<T = any>(path: string | null | undefined, options?: UseApiOptions): {
    data: T | null;
    loading: boolean;
    error: string | null;
    refetch(): Promise<T | undefined>;
  };
  export interface UseFetchOptions extends UseApiOptions {
    /** Parse the body as JSON (default true); otherwise data is the text. */
    json?: boolean;
  }
  /** External HTTP through KinBot.http; non-2xx answers set `error` ("HTTP <status>: <statusText>") and keep the body in data. */
  export function useFetch<T = any>(url: string | null | undefined, options?: UseFetchOptions): {
    data: T | null;
    loading: boolean;
    error: string | null;
    status: number | null;
    refetch(): Promise<T | undefined>;
  };
  export function useAsync<T, A extends any[] = any[]>(fn: (...args: A) => Promise<T> | T): {
    /** Resolves with the result; rethrows errors (after setting `error`). */
    run(...args: A): Promise<T>;
    data: T | null;
    loading: boolean;
    error: string | null;
    reset(): void;
  };
  /**
   * Backend events. Without a callback, messages accumulate (last 1000) as {event, data, ts}.
   * With a callback nothing accumulates: named form → callback(data, message), unnamed → callback(message).
   */
  export function useEventStream<T = any>(eventName?: string | null, callback?: (dataOrMessage: any, message?: KinBotStreamMessage<T>) => void): {
    messages: KinBotStreamMessage<T>[];
    connected: boolean;
    clear(): void;
  };

  export interface PageOptions<T> {
    /** 'api' = app backend (default), 'http' = external URL through the proxy. */
    source?: 'api' | 'http';
    pageSize?: number;
    pageParam?: string;
    limitParam?: string;
    /** Default: the body if it is an array, else body.items, body.data or body.results. */
    getItems?: (body: any) => T[];
  }
  export function useInfiniteScroll<T = any>(path: string | null | undefined, options?: PageOptions<T> & {
    /** Default: the page came back full. */
    getHasMore?: (body: any, items: T[], page: number) => boolean;
    /** Load the next page when the sentinel element comes into view. */
    autoLoad?: boolean;
    /** Pixels before the sentinel is visible. */
    threshold?: number;
  }): {
    items: T[];
    loading: boolean;
    loadingMore: boolean;
    error: string | null;
    hasMore: boolean;
    loadMore(): Promise<void>;
    reset(): Promise<void>;
    /** Callback ref for the sentinel element. */
    sentinelRef: (node: Element | null) => void;
  };
  export function usePagination<T = any>(path: string | null | undefined, options?: PageOptions<T> & {
    /** Default: body.total, body.totalCount or body.count. */
    getTotal?: (body: any) => number | null;
    initialPage?: number;
  }): {
    items: T[];
    loading: boolean;
    error: string | null;
    page: number;
    totalPages: number;
    total: number | null;
    setPage(page: number | ((current: number) => number)): void;
    next(): void;
    prev(): void;
    refetch(): Promise<T[] | undefined>;
  };

  // ----------------------------------------------------------------- hash routing
  export function useHashRouter(defaultPath?: string): {
    path: string;
    /** Query parameters after '?' in the hash. */
    params: Record<string, string>;
    navigate(path: string, params?: Record<string, string | number | boolean | null | undefined>): void;
    back(): void;
  };
  export function Route(props: {
    path: string;
    /** Defaults to the current hash path. */
    current?: string;
    fallback?: ReactNode;
    children?: ReactNode | ((router: ReturnType<typeof useHashRouter>) => ReactNode);
  }): ReactElement | null;
  export function Link(props: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
    to?: string;
    params?: Record<string, string | number | boolean | null | undefined>;
    /** Adds the class `link-active` and aria-current="page". */
    active?: boolean;
    className?: string;
    style?: CSSProperties;
    children?: ReactNode;
  }): ReactElement;

  // ----------------------------------------------------------------- plain re-exports of window.KinBot
  export const toast: KinBotSDK['toast'];
  export const confirm: KinBotSDK['confirm'];
  export const prompt: KinBotSDK['prompt'];
  export const navigate: KinBotSDK['navigate'];
  export const fullpage: KinBotSDK['fullpage'];
  export const setTitle: KinBotSDK['setTitle'];
  export const setBadge: KinBotSDK['setBadge'];
  export const openApp: KinBotSDK['openApp'];
  export const notification: KinBotSDK['notification'];
  export const resize: KinBotSDK['resize'];
  export const share: KinBotSDK['share'];
  export const shortcut: KinBotSDK['shortcut'];
  export const download: KinBotSDK['download'];
  export const sendMessage: KinBotSDK['sendMessage'];
  export const clipboard: KinBotClipboard;
  export const storage: KinBotStorage;
  export const api: KinBotApi;
  export const http: KinBotHttp;
  export const events: KinBotEvents;
  export const memory: KinBotMemoryApi;
  export const conversation: KinBotConversation;
  export const apps: KinBotApps;
  /** Live binding: null until app-meta arrives, then updated. */
  export let kin: KinBotKin | null;
  /** Live binding: null until app-meta arrives, then updated. */
  export let user: KinBotUser | null;

  const KinBot: KinBotSDK;
  export default KinBot;
}
