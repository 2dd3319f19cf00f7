import { describe, expect, it } from 'vitest';
import { loadThemeChoice, parseThemeChoice, resolveTheme, saveThemeChoice } from './theme';

describe('theme', () => {
  it('resolves system from the media query and keeps explicit choices', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
  it('reads unknown stored values as system', () => {
    expect(parseThemeChoice('neon')).toBe('system');
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('dark')).toBe('dark');
  });
  it('round-trips through storage and survives a throwing one', () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    saveThemeChoice('light', storage);
    expect(loadThemeChoice(storage)).toBe('light');
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(() => saveThemeChoice('dark', broken)).not.toThrow();
    expect(loadThemeChoice(broken)).toBe('system');
  });
});
