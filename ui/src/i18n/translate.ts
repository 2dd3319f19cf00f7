// Language choice and lookup: the profile's language wins, then the browser's preferences, then English. A key missing
// from a table falls back to English, and a key missing there too shows itself (visible, never blank).
import { en, type MessageKey } from './en';
import { fr } from './fr';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const tables: Record<Language, Partial<Record<MessageKey, string>>> = { en, fr };

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** "fr-CA" → "fr"; unknown → null. */
export function baseLanguage(tag: string | null | undefined): Language | null {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : null;
}

export function pickLanguage(profile: string | null | undefined, browser: readonly string[] = []): Language {
  const fromProfile = baseLanguage(profile);
  if (fromProfile) return fromProfile;
  for (const tag of browser) {
    const l = baseLanguage(tag);
    if (l) return l;
  }
  return 'en';
}

export type Vars = Record<string, string | number>;

export function translate(lang: Language, key: MessageKey | string, vars?: Vars): string {
  const text = tables[lang][key as MessageKey] ?? en[key as MessageKey] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
