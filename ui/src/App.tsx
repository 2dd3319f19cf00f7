// The app gate: boot (onboarding status + who am I) → unreachable / onboarding wizard / sign-in / home; /invite/:token
// is reachable whatever the state.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { fetchMe, signOut } from './api/auth';
import { api } from './api/client';
import type { Me, OnboardingStatus } from './api/types';
import { Card, ErrorText } from './components';
import { I18nContext, type I18n } from './i18n/I18nContext';
import { pickLanguage, translate, type Language } from './i18n/translate';
import { initialStep, type Step } from './onboarding/steps';
import { matchRoutes } from './router';
import { Home } from './screens/Home';
import { Invite } from './screens/Invite';
import { Onboarding } from './screens/Onboarding';
import { SignIn } from './screens/SignIn';
import { applyTheme, loadThemeChoice, saveThemeChoice, type ThemeChoice } from './theme';
import { navigate, usePath } from './useLocation';

type Boot =
  | { kind: 'loading' }
  | { kind: 'unreachable'; error: unknown }
  | { kind: 'onboarding'; step: Step }
  | { kind: 'signin' }
  | { kind: 'home'; me: Me };

const ROUTES = ['/invite/:token', '*'] as const;

export function App() {
  const path = usePath();
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });
  const [lang, setLang] = useState<Language>(() => pickLanguage(null, navigator.languages));
  const [theme, setThemeState] = useState<ThemeChoice>(() => loadThemeChoice());

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setTheme = (c: ThemeChoice) => {
    saveThemeChoice(c);
    setThemeState(c);
  };

  const load = useCallback(async () => {
    setBoot({ kind: 'loading' });
    try {
      const [status, me] = await Promise.all([api.get<OnboardingStatus>('/api/onboarding/status'), fetchMe()]);
      if (me) setLang(pickLanguage(me.language, navigator.languages));
      const step = initialStep(status, me !== null);
      if (step) setBoot({ kind: 'onboarding', step });
      else setBoot(me ? { kind: 'home', me } : { kind: 'signin' });
    } catch (error) {
      setBoot({ kind: 'unreachable', error });
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const i18n = useMemo<I18n>(() => ({ lang, setLang, t: (k, v) => translate(lang, k, v) }), [lang]);
  const route = matchRoutes(ROUTES, path);

  let screen;
  if (route?.route === '/invite/:token')
    screen = <Invite token={route.params.token} onJoined={() => { navigate('/', true); void load(); }} />;
  else if (boot.kind === 'loading') screen = <Card title={i18n.t('app.name')}><p className="muted">{i18n.t('app.loading')}</p></Card>;
  else if (boot.kind === 'unreachable')
    screen = (
      <Card title={i18n.t('app.name')}>
        <p>{i18n.t('app.unreachable')}</p>
        <ErrorText error={boot.error} />
        <button type="button" onClick={() => void load()}>{i18n.t('app.retry')}</button>
      </Card>
    );
  else if (boot.kind === 'onboarding')
    screen = <Onboarding initial={boot.step} theme={theme} setTheme={setTheme} onDone={() => void load()} />;
  else if (boot.kind === 'signin') screen = <SignIn onSignedIn={() => void load()} />;
  else
    screen = (
      <Home
        me={boot.me}
        theme={theme}
        setTheme={setTheme}
        onSignOut={() => void signOut().finally(() => void load())}
      />
    );

  return <I18nContext.Provider value={i18n}>{screen}</I18nContext.Provider>;
}
