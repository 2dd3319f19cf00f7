import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { baseLanguage, pickLanguage, translate } from './translate';

describe('pickLanguage', () => {
  it('prefers the profile language', () => {
    expect(pickLanguage('fr', ['en-US'])).toBe('fr');
  });
  it('then the first supported browser language', () => {
    expect(pickLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage('de', ['en-GB'])).toBe('en');
  });
  it('falls back to English', () => {
    expect(pickLanguage(undefined, ['ja', 'zh-TW'])).toBe('en');
    expect(pickLanguage('', [])).toBe('en');
  });
  it('reads language tags', () => {
    expect(baseLanguage('FR_fr')).toBe('fr');
    expect(baseLanguage('es')).toBeNull();
  });
});

describe('translate', () => {
  it('uses the language table', () => {
    expect(translate('fr', 'signin.submit')).toBe('Se connecter');
    expect(translate('en', 'signin.submit')).toBe('Sign in');
  });
  it('falls back to English for a key French lacks, and to the key itself', () => {
    expect(fr['capability.embedding']).toBeUndefined();
    expect(translate('fr', 'capability.embedding')).toBe(en['capability.embedding']);
    expect(translate('fr', 'no.such.key')).toBe('no.such.key');
  });
  it('fills variables and leaves unknown ones visible', () => {
    expect(translate('fr', 'onboarding.step', { n: 2, total: 4 })).toBe('Étape 2 sur 4');
    expect(translate('en', 'onboarding.providers.testFailed', {})).toBe('Connection failed: {error}');
  });
  it('keeps French keys a subset of English ones', () => {
    for (const k of Object.keys(fr)) expect(Object.keys(en)).toContain(k);
  });
});
