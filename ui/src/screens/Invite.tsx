// /invite/:token — validate the invitation, then create the account and its profile with the token.
import { useEffect, useState, type FormEvent } from 'react';
import { createProfile, signUp } from '../api/auth';
import { api } from '../api/client';
import type { InvitationCheck } from '../api/types';
import { Card, ErrorText, Select } from '../components';
import { useI18n } from '../i18n/I18nContext';
import { LANGUAGES, type Language } from '../i18n/translate';
import { validateIdentity, type FieldErrors, type IdentityForm } from '../onboarding/steps';
import { IdentityFields, emptyIdentity } from './IdentityFields';

export function Invite(props: { token: string; onJoined: () => void }) {
  const { t, lang, setLang } = useI18n();
  const [check, setCheck] = useState<InvitationCheck | null>(null);
  const [form, setForm] = useState<IdentityForm>(emptyIdentity);
  const [errors, setErrors] = useState<FieldErrors<IdentityForm>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.get<InvitationCheck>(`/api/invitations/${encodeURIComponent(props.token)}/validate`).then(setCheck).catch(setError);
  }, [props.token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateIdentity(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      await signUp(`${form.firstName.trim()} ${form.lastName.trim()}`, form.email, form.password);
      await createProfile({
        firstName: form.firstName, lastName: form.lastName, pseudonym: form.pseudonym, language: lang, invitationToken: props.token,
      });
      props.onJoined();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  if (!check)
    return (
      <Card title={t('invite.title')}>
        {error ? <ErrorText error={error} /> : <p className="muted">{t('invite.checking')}</p>}
      </Card>
    );
  if (!check.valid)
    return (
      <Card title={t('invite.title')}>
        <p className="error" role="alert">{t(`invite.invalid.${check.reason ?? 'NOT_FOUND'}`)}</p>
      </Card>
    );
  return (
    <Card title={t('invite.title')}>
      {check.label && <p className="muted">{check.label}</p>}
      <form onSubmit={submit} noValidate>
        <IdentityFields value={form} onChange={setForm} errors={errors} />
        <Select name="language" label={t('field.language')} value={lang} onChange={(v) => setLang(v as Language)}>
          {LANGUAGES.map((l) => <option key={l} value={l}>{l === 'en' ? 'English' : 'Français'}</option>)}
        </Select>
        <ErrorText error={error} />
        <div className="row end">
          <button className="primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('invite.submit')}</button>
        </div>
      </form>
    </Card>
  );
}
