// The onboarding wizard's logic, free of React: where it starts, what each step needs, when it may go on.
import type { OnboardingStatus, Provider } from '../api/types';
import type { MessageKey } from '../i18n/en';

export const STEPS = ['identity', 'preferences', 'providers', 'models'] as const;
export type Step = (typeof STEPS)[number];

/**
 * The step to show at boot, or null when the wizard is not needed.
 * - no admin yet: from the start (identity);
 * - an admin exists but no chat/embedding provider yet, and this browser is signed in: resume at providers;
 * - otherwise (done, or someone else's unfinished setup and not signed in): no wizard.
 */
export function initialStep(status: OnboardingStatus, signedIn: boolean): Step | null {
  if (!status.hasAdmin) return 'identity';
  if (!status.completed && signedIn) return 'providers';
  return null;
}

export function nextStep(step: Step): Step | null {
  const i = STEPS.indexOf(step);
  return i + 1 < STEPS.length ? STEPS[i + 1] : null;
}

export function previousStep(step: Step): Step | null {
  const i = STEPS.indexOf(step);
  // No way back to identity once the account exists.
  return i > 1 ? STEPS[i - 1] : null;
}

export function stepNumber(step: Step): number {
  return STEPS.indexOf(step) + 1;
}

export interface IdentityForm {
  firstName: string;
  lastName: string;
  pseudonym: string;
  email: string;
  password: string;
  passwordRepeat: string;
}

export type FieldErrors<F> = Partial<Record<keyof F, MessageKey>>;

const PSEUDONYM = /^[A-Za-z0-9_-]{2,30}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Client-side checks mirroring the server's (names ≤100, pseudonym 2–30 [A-Za-z0-9_-], password ≥8). */
export function validateIdentity(f: IdentityForm): FieldErrors<IdentityForm> {
  const errors: FieldErrors<IdentityForm> = {};
  for (const k of ['firstName', 'lastName'] as const) if (!f[k].trim()) errors[k] = 'error.required';
  if (!PSEUDONYM.test(f.pseudonym.trim())) errors.pseudonym = f.pseudonym.trim() ? 'error.pseudonym' : 'error.required';
  if (!f.email.trim()) errors.email = 'error.required';
  else if (!EMAIL.test(f.email.trim())) errors.email = 'error.email';
  if (f.password.length < 8) errors.password = f.password ? 'error.passwordShort' : 'error.required';
  else if (f.password !== f.passwordRepeat) errors.passwordRepeat = 'error.passwordMismatch';
  return errors;
}

/** A sign-up refused because the email is taken: the wizard then signs in with the same credentials (a retried setup). */
export function signUpMeansExistingAccount(code: string, message: string): boolean {
  return code.startsWith('USER_ALREADY_EXISTS') || /already|exists/i.test(message);
}

/** The capabilities the providers step still lacks (needs chat and embeddings from valid providers). */
export function missingCapabilities(providers: readonly Provider[]): ('llm' | 'embedding')[] {
  const have = new Set(providers.filter((p) => p.isValid).flatMap((p) => p.capabilities));
  return (['llm', 'embedding'] as const).filter((c) => !have.has(c));
}

export const DEFAULT_MODEL_SETTINGS = [
  { kind: 'llm', route: '/api/settings/default-llm', capability: 'llm', label: 'onboarding.models.llm', required: true },
  { kind: 'embedding', route: '/api/settings/embedding-model', capability: 'embedding', label: 'onboarding.models.embedding', required: true },
  { kind: 'extraction', route: '/api/settings/extraction-model', capability: 'llm', label: 'onboarding.models.extraction', required: false },
  { kind: 'compacting', route: '/api/settings/default-compacting', capability: 'llm', label: 'onboarding.models.compacting', required: false },
  { kind: 'image', route: '/api/settings/default-image', capability: 'image', label: 'onboarding.models.image', required: false },
] as const satisfies readonly { kind: string; route: string; capability: string; label: MessageKey; required: boolean }[];

export type ModelKind = (typeof DEFAULT_MODEL_SETTINGS)[number]['kind'];
export interface ModelChoice {
  model: string;
  providerId: string;
}

/** First model of the right capability for every required kind not chosen yet (the user can change it). */
export function preselectModels(
  models: readonly { id: string; providerId: string; capability: string }[],
  chosen: Partial<Record<ModelKind, ModelChoice>>,
): Partial<Record<ModelKind, ModelChoice>> {
  const out = { ...chosen };
  for (const s of DEFAULT_MODEL_SETTINGS) {
    if (out[s.kind] || !s.required) continue;
    const m = models.find((x) => x.capability === s.capability);
    if (m) out[s.kind] = { model: m.id, providerId: m.providerId };
  }
  return out;
}
