// Theme: the user's choice (dark / light / system) is kept in localStorage; the resolved theme is written to
// <html data-theme="…"> and the CSS variables in styles.css follow it.
export const THEME_CHOICES = ['system', 'dark', 'light'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'dark' | 'light';

const STORAGE_KEY = 'kinbot.theme';

export function parseThemeChoice(v: string | null | undefined): ThemeChoice {
  return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

export function loadThemeChoice(storage: Pick<Storage, 'getItem'> = window.localStorage): ThemeChoice {
  try {
    return parseThemeChoice(storage.getItem(STORAGE_KEY));
  } catch {
    return 'system';
  }
}

export function saveThemeChoice(choice: ThemeChoice, storage: Pick<Storage, 'setItem'> = window.localStorage): void {
  try {
    storage.setItem(STORAGE_KEY, choice);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function applyTheme(choice: ThemeChoice): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    document.documentElement.dataset.theme = resolveTheme(choice, media.matches);
  };
  apply();
  media.addEventListener('change', apply);
  return () => media.removeEventListener('change', apply);
}
