// The REST client: same-origin fetch with the session cookie, JSON in and out, errors as ApiError.
import { ApiError, NETWORK_ERROR, errorFromResponse } from './errors';

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
}

export function createApi(fetcher: Fetcher = (input, init) => fetch(input, init), base = ''): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetcher(base + path, init);
    } catch (e) {
      throw new ApiError(0, NETWORK_ERROR, e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    if (!res.ok) throw errorFromResponse(res.status, text);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'INVALID_RESPONSE', 'The server answered with something that is not JSON');
    }
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    put: (path, body) => call('PUT', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body ?? {}),
    del: (path) => call('DELETE', path),
  };
}

export const api = createApi();
