// Account calls: sign-in/up/out (/api/auth/*, session cookie set by the server) and the profile that completes an account.
import { api } from './client';
import { ApiError } from './errors';
import type { Me } from './types';

export function signIn(email: string, password: string): Promise<unknown> {
  return api.post('/api/auth/sign-in/email', { email: email.trim(), password });
}

export function signUp(name: string, email: string, password: string): Promise<unknown> {
  return api.post('/api/auth/sign-up/email', { name, email: email.trim(), password });
}

export function signOut(): Promise<unknown> {
  return api.post('/api/auth/sign-out');
}

export interface ProfileInput {
  firstName: string;
  lastName: string;
  pseudonym: string;
  language: string;
  invitationToken?: string;
}

/** POST /api/onboarding/profile; an existing profile (409 PROFILE_EXISTS, a retried setup) is not an error. */
export async function createProfile(p: ProfileInput): Promise<void> {
  try {
    await api.post('/api/onboarding/profile', {
      ...p, firstName: p.firstName.trim(), lastName: p.lastName.trim(), pseudonym: p.pseudonym.trim(),
    });
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'PROFILE_EXISTS')) throw e;
  }
}

/** The signed-in user, or null when not signed in (401) or not set up yet (403 PROFILE_REQUIRED). */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/me');
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}
