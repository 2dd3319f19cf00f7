// The first-run wizard: administrator account → preferences → providers (with a Test button) → default models.
import { useEffect, useState, type FormEvent } from 'react';
import { createProfile, signIn, signUp } from '../api/auth';
import { api } from '../api/client';
import { ApiError } from '../api/errors';
import type { Model, Provider, ProviderTestResult, ProviderType } from '../api/types';
import { Card, ErrorText, Field, Select } from '../components';
import { useI18n } from '../i18n/I18nContext';
import { LANGUAGES, type Language } from '../i18n/translate';
import {
  DEFAULT_MODEL_SETTINGS, STEPS, missingCapabilities, nextStep, preselectModels, previousStep, signUpMeansExistingAccount,
  stepNumber, validateIdentity, type FieldErrors, type IdentityForm, type ModelChoice, type ModelKind, type Step,
} from '../onboarding/steps';
import { THEME_CHOICES, type ThemeChoice } from '../theme';
import { IdentityFields, emptyIdentity } from './IdentityFields';

export interface OnboardingProps {
  initial: Step;
  theme: ThemeChoice;
  setTheme: (t: ThemeChoice) => void;
  onDone: () => void;
}

export function Onboarding(props: OnboardingProps) {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>(props.initial);
  const go = (s: Step | null) => (s ? setStep(s) : props.onDone());
  const titles: Record<Step, string> = {
    identity: t('onboarding.identity.title'),
    preferences: t('onboarding.preferences.title'),
    providers: t('onboarding.providers.title'),
    models: t('onboarding.models.title'),
  };
  return (
    <Card title={t('onboarding.title')}>
      <p className="muted steps">{t('onboarding.step', { n: stepNumber(step), total: STEPS.length })} — {titles[step]}</p>
      {step === 'identity' && <IdentityStep onNext={() => go(nextStep(step))} />}
      {step === 'preferences' && <PreferencesStep {...props} onNext={() => go(nextStep(step))} />}
      {step === 'providers' && <ProvidersStep onBack={() => go(previousStep(step))} onNext={() => go(nextStep(step))} />}
      {step === 'models' && <ModelsStep onBack={() => go(previousStep(step))} onNext={() => go(nextStep(step))} />}
    </Card>
  );
}

function IdentityStep(props: { onNext: () => void }) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<IdentityForm>(emptyIdentity);
  const [errors, setErrors] = useState<FieldErrors<IdentityForm>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateIdentity(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      try {
        await signUp(`${form.firstName.trim()} ${form.lastName.trim()}`, form.email, form.password);
      } catch (err) {
        if (!(err instanceof ApiError && signUpMeansExistingAccount(err.code, err.message))) throw err;
        await signIn(form.email, form.password);
      }
      await createProfile({ firstName: form.firstName, lastName: form.lastName, pseudonym: form.pseudonym, language: lang });
      props.onNext();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <p className="muted">{t('onboarding.identity.hint')}</p>
      <IdentityFields value={form} onChange={setForm} errors={errors} />
      <ErrorText error={error} />
      <div className="row end">
        <button className="primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('common.next')}</button>
      </div>
    </form>
  );
}

function PreferencesStep(props: OnboardingProps & { onNext: () => void }) {
  const { t, lang, setLang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await api.patch('/api/me', { language: lang });
      props.onNext();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit}>
      <Select name="language" label={t('field.language')} value={lang} onChange={(v) => setLang(v as Language)}>
        {LANGUAGES.map((l) => <option key={l} value={l}>{l === 'en' ? 'English' : 'Français'}</option>)}
      </Select>
      <Select name="theme" label={t('field.theme')} value={props.theme} onChange={(v) => props.setTheme(v as ThemeChoice)}>
        {THEME_CHOICES.map((c) => <option key={c} value={c}>{t(`theme.${c}`)}</option>)}
      </Select>
      <ErrorText error={error} />
      <div className="row end">
        <button className="primary" type="submit" disabled={busy}>{t('common.next')}</button>
      </div>
    </form>
  );
}

function ProvidersStep(props: { onBack: () => void; onNext: () => void }) {
  const { t } = useI18n();
  const [types, setTypes] = useState<ProviderType[]>([]);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [type, setType] = useState('');
  const [name, setName] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [test, setTest] = useState<ProviderTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reload = () => api.get<{ providers: Provider[] }>('/api/providers').then((r) => setProviders(r.providers));
  useEffect(() => {
    api.get<{ types: ProviderType[] }>('/api/providers/types')
      .then((r) => {
        setTypes(r.types);
        if (r.types[0]) setType(r.types[0].type);
      })
      .catch(setError);
    reload().catch(setError);
  }, []);

  const selected = types.find((x) => x.type === type);
  const config = () => ({ ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) });
  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const testIt = () => run(async () => setTest(await api.post<ProviderTestResult>('/api/providers/test', { type, config: config() })));
  const add = () => run(async () => {
    await api.post('/api/providers', { name: name.trim() || selected?.displayName || type, type, config: config() });
    setApiKey('');
    setBaseUrl('');
    setName('');
    setTest(null);
    await reload();
  });
  const remove = (id: string) => run(async () => {
    await api.del(`/api/providers/${encodeURIComponent(id)}`);
    await reload();
  });
  const missing = missingCapabilities(providers);

  return (
    <div>
      <p className="muted">{t('onboarding.providers.hint')}</p>
      {providers.length === 0 ? (
        <p className="muted">{t('onboarding.providers.none')}</p>
      ) : (
        <ul className="list" aria-label="providers">
          {providers.map((p) => (
            <li key={p.id}>
              <span>
                {p.name} <span className="muted">({p.capabilities.map((c) => t(`capability.${c}` as never)).join(', ') || p.lastError || '—'})</span>
              </span>
              <button type="button" onClick={() => remove(p.id)} disabled={busy}>{t('common.delete')}</button>
            </li>
          ))}
        </ul>
      )}
      <Select name="providerType" label={t('onboarding.providers.type')} value={type} onChange={(v) => { setType(v); setTest(null); }}>
        {types.map((x) => <option key={x.type} value={x.type}>{x.displayName}</option>)}
      </Select>
      <Field name="providerName" label={t('onboarding.providers.name')} value={name} onChange={setName} />
      {!selected?.noApiKey && (
        <Field name="apiKey" label={t('onboarding.providers.apiKey')} type="password" autoComplete="off" value={apiKey} onChange={(v) => { setApiKey(v); setTest(null); }} />
      )}
      {selected?.apiKeyUrl && (
        <p><a href={selected.apiKeyUrl} target="_blank" rel="noreferrer">{t('onboarding.providers.getKey')}</a></p>
      )}
      <Field name="baseUrl" label={t('onboarding.providers.baseUrl')} value={baseUrl} onChange={(v) => { setBaseUrl(v); setTest(null); }} />
      {test && (
        <p className={test.valid ? 'ok' : 'error'} role="status">
          {test.valid
            ? t('onboarding.providers.testOk', { capabilities: (test.capabilities ?? []).map((c) => t(`capability.${c}` as never)).join(', ') })
            : t('onboarding.providers.testFailed', { error: test.error ?? '?' })}
        </p>
      )}
      <ErrorText error={error} />
      <div className="row">
        <button type="button" onClick={testIt} disabled={busy || !type}>{t('onboarding.providers.test')}</button>
        <button type="button" onClick={add} disabled={busy || !type}>{t('onboarding.providers.add')}</button>
      </div>
      {missing.length > 0 && (
        <p className="muted">{t('onboarding.providers.missing', { what: missing.map((c) => t(`capability.${c}`)).join(', ') })}</p>
      )}
      <div className="row end">
        <button type="button" onClick={props.onBack}>{t('common.back')}</button>
        <button className="primary" type="button" onClick={props.onNext} disabled={missing.length > 0}>{t('common.next')}</button>
      </div>
    </div>
  );
}

function ModelsStep(props: { onBack: () => void; onNext: () => void }) {
  const { t } = useI18n();
  const [models, setModels] = useState<Model[]>([]);
  const [chosen, setChosen] = useState<Partial<Record<ModelKind, ModelChoice>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.get<{ models: Model[] }>('/api/providers/models')
      .then((r) => {
        setModels(r.models);
        setChosen((c) => preselectModels(r.models, c));
      })
      .catch(setError);
  }, []);

  async function finish() {
    setBusy(true);
    setError(null);
    try {
      for (const s of DEFAULT_MODEL_SETTINGS) {
        const c = chosen[s.kind];
        if (c) await api.put(s.route, { model: c.model, providerId: c.providerId });
      }
      props.onNext();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const key = (c?: ModelChoice) => (c ? `${c.providerId}\u0000${c.model}` : '');
  return (
    <div>
      {DEFAULT_MODEL_SETTINGS.map((s) => (
        <Select
          key={s.kind}
          name={s.kind}
          label={t(s.label)}
          value={key(chosen[s.kind])}
          onChange={(v) => {
            const m = models.find((x) => key({ model: x.id, providerId: x.providerId }) === v);
            setChosen((c) => ({ ...c, [s.kind]: m ? { model: m.id, providerId: m.providerId } : undefined }));
          }}
        >
          <option value="">{t('onboarding.models.none')}</option>
          {models.filter((m) => m.capability === s.capability).map((m) => (
            <option key={key({ model: m.id, providerId: m.providerId })} value={key({ model: m.id, providerId: m.providerId })}>
              {m.name || m.id}{m.providerName ? ` — ${m.providerName}` : ''}
            </option>
          ))}
        </Select>
      ))}
      <ErrorText error={error} />
      <div className="row end">
        <button type="button" onClick={props.onBack}>{t('common.back')}</button>
        <button type="button" onClick={props.onNext} disabled={busy}>{t('common.skip')}</button>
        <button className="primary" type="button" onClick={finish} disabled={busy || !chosen.llm || !chosen.embedding}>
          {busy ? t('common.working') : t('common.finish')}
        </button>
      </div>
    </div>
  );
}
