import { describe, expect, it } from 'vitest';
import type { Provider } from '../api/types';
import {
  initialStep, missingCapabilities, nextStep, preselectModels, previousStep, signUpMeansExistingAccount, stepNumber,
  validateIdentity, type IdentityForm,
} from './steps';

const status = (hasAdmin: boolean, hasLlm = false, hasEmbedding = false) =>
  ({ hasAdmin, hasLlm, hasEmbedding, completed: hasAdmin && hasLlm && hasEmbedding });

describe('initialStep', () => {
  it('starts at identity without an admin, signed in or not', () => {
    expect(initialStep(status(false), false)).toBe('identity');
    expect(initialStep(status(false), true)).toBe('identity');
  });
  it('resumes at providers for a signed-in user of an unfinished setup', () => {
    expect(initialStep(status(true, true, false), true)).toBe('providers');
  });
  it('shows no wizard when done or when not signed in', () => {
    expect(initialStep(status(true, true, true), true)).toBeNull();
    expect(initialStep(status(true), false)).toBeNull();
  });
});

describe('step order', () => {
  it('walks identity → preferences → providers → models', () => {
    expect(nextStep('identity')).toBe('preferences');
    expect(nextStep('providers')).toBe('models');
    expect(nextStep('models')).toBeNull();
    expect(stepNumber('models')).toBe(4);
  });
  it('never goes back to identity', () => {
    expect(previousStep('preferences')).toBeNull();
    expect(previousStep('models')).toBe('providers');
  });
});

describe('validateIdentity', () => {
  const good: IdentityForm = {
    firstName: 'Ada', lastName: 'Lovelace', pseudonym: 'ada_l', email: 'ada@example.org', password: 'longenough',
    passwordRepeat: 'longenough',
  };
  it('accepts a complete form', () => {
    expect(validateIdentity(good)).toEqual({});
  });
  it('names each problem', () => {
    expect(validateIdentity({ ...good, firstName: '  ', pseudonym: 'a', email: 'nope', password: 'short', passwordRepeat: 'short' }))
      .toEqual({ firstName: 'error.required', pseudonym: 'error.pseudonym', email: 'error.email', password: 'error.passwordShort' });
    expect(validateIdentity({ ...good, passwordRepeat: 'different!' })).toEqual({ passwordRepeat: 'error.passwordMismatch' });
    expect(validateIdentity({ ...good, pseudonym: 'has space' }).pseudonym).toBe('error.pseudonym');
    expect(validateIdentity({ ...good, pseudonym: '', email: '' })).toEqual({ pseudonym: 'error.required', email: 'error.required' });
  });
});

describe('providers step', () => {
  const p = (capabilities: string[], isValid = true): Provider => ({ id: 'x', name: 'x', type: 't', capabilities, isValid });
  it('needs valid chat and embedding providers', () => {
    expect(missingCapabilities([])).toEqual(['llm', 'embedding']);
    expect(missingCapabilities([p(['llm'])])).toEqual(['embedding']);
    expect(missingCapabilities([p(['llm', 'embedding'], false)])).toEqual(['llm', 'embedding']);
    expect(missingCapabilities([p(['llm']), p(['embedding', 'image'])])).toEqual([]);
  });
  it('recognises a taken email on sign-up', () => {
    expect(signUpMeansExistingAccount('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', '')).toBe(true);
    expect(signUpMeansExistingAccount('CONFLICT', 'User already exists')).toBe(true);
    expect(signUpMeansExistingAccount('PASSWORD_TOO_SHORT', 'Password too short')).toBe(false);
  });
});

describe('preselectModels', () => {
  const models = [
    { id: 'emb-1', providerId: 'p2', capability: 'embedding' },
    { id: 'gpt-x', providerId: 'p1', capability: 'llm' },
    { id: 'gpt-y', providerId: 'p1', capability: 'llm' },
  ];
  it('fills required kinds with the first model of their capability', () => {
    expect(preselectModels(models, {})).toEqual({
      llm: { model: 'gpt-x', providerId: 'p1' }, embedding: { model: 'emb-1', providerId: 'p2' },
    });
  });
  it('keeps what the user chose and leaves optional kinds empty', () => {
    const out = preselectModels(models, { llm: { model: 'gpt-y', providerId: 'p1' } });
    expect(out.llm?.model).toBe('gpt-y');
    expect(out.extraction).toBeUndefined();
    expect(preselectModels([], {})).toEqual({});
  });
});
