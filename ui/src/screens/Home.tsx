// After sign-in: a placeholder home listing the Kins (the chat comes in the next slice).
import { useEffect, useState } from 'react';
import { connectLive, type LiveStatus } from '../live/liveEvents';
import { api } from '../api/client';
import type { Kin, Me } from '../api/types';
import { ErrorText, Select } from '../components';
import { useI18n } from '../i18n/I18nContext';
import { THEME_CHOICES, type ThemeChoice } from '../theme';

export function Home(props: { me: Me; theme: ThemeChoice; setTheme: (t: ThemeChoice) => void; onSignOut: () => void }) {
  const { t } = useI18n();
  const [kins, setKins] = useState<Kin[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const [live, setLive] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const reload = () => api.get<{ kins: Kin[] }>('/api/kins').then((r) => setKins(r.kins)).catch(setError);
    void reload();
    // Kin list changes arrive live; after a reconnection the list is reloaded (events may have been missed).
    const conn = connectLive({
      onEvent: (e) => {
        if (e.type === 'kin:created' || e.type === 'kin:updated' || e.type === 'kin:deleted') void reload();
      },
      onResync: () => void reload(),
      onStatus: setLive,
    });
    return () => conn.close();
  }, []);

  return (
    <>
      <header className="top">
        <strong>{t('app.name')}</strong>
        <div className="row">
          <span className={live === 'open' ? 'ok' : 'muted'} title="/api/sse" aria-label={`live: ${live}`}>●</span>
          <span className="muted">{props.me.pseudonym || props.me.email}</span>
          <Select name="theme" label="" value={props.theme} onChange={(v) => props.setTheme(v as ThemeChoice)}>
            {THEME_CHOICES.map((c) => <option key={c} value={c}>{t(`theme.${c}`)}</option>)}
          </Select>
          <button type="button" onClick={props.onSignOut}>{t('signout')}</button>
        </div>
      </header>
      <main className="page">
        <h1>{t('home.title')}</h1>
        <ErrorText error={error} />
        {kins && kins.length === 0 && <p className="muted">{t('home.empty')}</p>}
        {kins && kins.length > 0 && (
          <ul className="list" aria-label="kins">
            {kins.map((k) => (
              <li key={k.id}>
                <span>{k.name}</span>
                <span className="muted">{k.role}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted">{t('home.chatSoon')}</p>
      </main>
    </>
  );
}
