// A tiny client-side router: patterns like "/invite/:token" or "/kin/:slug", the first match wins; "*" matches anything.
// The server answers every non-/api, non-/s path with index.html, so any of these URLs can be reloaded.

export type Params = Record<string, string>;

export function matchPath(pattern: string, path: string): Params | null {
  if (pattern === '*') return {};
  const clean = (p: string) => p.split(/[?#]/)[0].split('/').filter(Boolean);
  const want = clean(pattern);
  const have = clean(path);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
      params[want[i].slice(1)] = value;
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

export interface RouteMatch<R extends string> {
  route: R;
  params: Params;
}

export function matchRoutes<R extends string>(routes: readonly R[], path: string): RouteMatch<R> | null {
  for (const route of routes) {
    const params = matchPath(route, path);
    if (params) return { route, params };
  }
  return null;
}
