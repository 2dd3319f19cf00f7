import { describe, expect, it } from 'vitest';
import { matchPath, matchRoutes } from './router';

describe('matchPath', () => {
  it('matches literals and captures parameters', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/invite/:token', '/invite/abc123')).toEqual({ token: 'abc123' });
    expect(matchPath('/kin/:slug', '/kin/my%20kin')).toEqual({ slug: 'my kin' });
  });
  it('ignores trailing slashes, queries and fragments', () => {
    expect(matchPath('/invite/:token', '/invite/t1/?x=1#y')).toEqual({ token: 't1' });
  });
  it('refuses other lengths, other literals and broken escapes', () => {
    expect(matchPath('/invite/:token', '/invite')).toBeNull();
    expect(matchPath('/invite/:token', '/invite/a/b')).toBeNull();
    expect(matchPath('/kin/:slug', '/kins/a')).toBeNull();
    expect(matchPath('/kin/:slug', '/kin/%E0%A4%A')).toBeNull();
  });
  it('lets * match anything', () => {
    expect(matchPath('*', '/whatever/deep')).toEqual({});
  });
});

describe('matchRoutes', () => {
  const routes = ['/invite/:token', '/kin/:slug', '*'] as const;
  it('returns the first matching route', () => {
    expect(matchRoutes(routes, '/invite/x')).toEqual({ route: '/invite/:token', params: { token: 'x' } });
    expect(matchRoutes(routes, '/settings')).toEqual({ route: '*', params: {} });
    expect(matchRoutes(['/a'], '/b')).toBeNull();
  });
});
