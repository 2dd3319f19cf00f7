import { useState, type FormEvent } from 'react';
import { signIn } from '../api/auth';
import { Card, ErrorText, Field } from '../components';
import { useI18n } from '../i18n/I18nContext';

export function SignIn(props: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
      props.onSignedIn();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Card title={t('signin.title')}>
      <form onSubmit={submit}>
        <Field name="email" label={t('field.email')} type="email" autoComplete="username" value={email} onChange={setEmail} />
        <Field name="password" label={t('field.password')} type="password" autoComplete="current-password" value={password} onChange={setPassword} />
        <ErrorText error={error} />
        <div className="row end">
          <button className="primary" type="submit" disabled={busy || !email || !password}>
            {busy ? t('common.working') : t('signin.submit')}
          </button>
        </div>
      </form>
    </Card>
  );
}
