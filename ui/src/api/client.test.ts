import { describe, expect, it } from 'vitest';
import { createApi, type Fetcher } from './client';
import { ApiError, errorFromResponse } from './errors';

function answering(status: number, body: string, seen: { url?: string; init?: RequestInit } = {}): Fetcher {
  return async (url, init) => {
    seen.url = url;
    seen.init = init;
    return new Response(body, { status });
  };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('errorFromResponse', () => {
  it('reads the KinBot envelope', () => {
    const e = errorFromResponse(404, '{"error":{"code":"KIN_NOT_FOUND","message":"Kin not found"}}');
    expect([e.status, e.code, e.message]).toEqual([404, 'KIN_NOT_FOUND', 'Kin not found']);
  });
  it('reads the flat shape of /api/auth/*', () => {
    const e = errorFromResponse(401, '{"code":"INVALID_EMAIL_OR_PASSWORD","message":"Invalid email or password"}');
    expect([e.code, e.message]).toEqual(['INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password']);
    expect(e.isUnauthorized).toBe(true);
  });
  it('keeps a string error and a bare message', () => {
    expect(errorFromResponse(400, '{"error":"kinId is required"}').message).toBe('kinId is required');
    expect(errorFromResponse(429, '{"message":"Too many requests"}').code).toBe('REQUEST_FAILED');
  });
  it('turns a non-JSON body into REQUEST_FAILED with the text', () => {
    const e = errorFromResponse(502, 'Bad Gateway');
    expect([e.status, e.code, e.message]).toEqual([502, 'REQUEST_FAILED', 'Bad Gateway']);
    expect(errorFromResponse(500, '').message).toBe('Request failed (500)');
    expect(errorFromResponse(500, '[1]').code).toBe('REQUEST_FAILED');
  });
});

describe('createApi', () => {
  it('sends JSON with the session cookie and parses the answer', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const api = createApi(answering(200, '{"ok":1}', seen), 'http://x');
    expect(await api.post('/api/auth/sign-in/email', { email: 'a@b.c' })).toEqual({ ok: 1 });
    expect(seen.url).toBe('http://x/api/auth/sign-in/email');
    expect(seen.init?.method).toBe('POST');
    expect(seen.init?.credentials).toBe('same-origin');
    expect(seen.init?.body).toBe('{"email":"a@b.c"}');
    expect((seen.init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });
  it('sends no body on GET and accepts an empty answer', async () => {
    const seen: { init?: RequestInit } = {};
    expect(await createApi(answering(200, '', seen)).get('/api/x')).toBeUndefined();
    expect(seen.init?.body).toBeUndefined();
  });
  it('throws typed errors for error statuses', async () => {
    const e = await failure(createApi(answering(403, '{"error":{"code":"PROFILE_REQUIRED","message":"m"}}')).get('/api/me'));
    expect([e.status, e.code]).toEqual([403, 'PROFILE_REQUIRED']);
  });
  it('throws NETWORK_ERROR when fetch itself fails', async () => {
    const e = await failure(createApi(async () => { throw new TypeError('Failed to fetch'); }).get('/api/me'));
    expect(e.isNetwork).toBe(true);
    expect(e.status).toBe(0);
  });
  it('refuses a 200 that is not JSON', async () => {
    expect((await failure(createApi(answering(200, '<html>')).get('/api/me'))).code).toBe('INVALID_RESPONSE');
  });
});
