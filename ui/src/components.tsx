// Small form helpers shared by the screens.
import type { ReactNode } from 'react';
import { useI18n } from './i18n/I18nContext';
import type { MessageKey } from './i18n/en';

export function Field(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  error?: MessageKey;
  autoComplete?: string;
  name?: string;
}) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && <span className="error">{t(props.error)}</span>}
    </label>
  );
}

export function Select(props: { label: string; value: string; onChange: (v: string) => void; children: ReactNode; name?: string }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.children}
      </select>
    </label>
  );
}

export function Card(props: { title: string; children: ReactNode }) {
  return (
    <div className="center">
      <section className="card">
        <h1>{props.title}</h1>
        {props.children}
      </section>
    </div>
  );
}

export function ErrorText(props: { error: unknown }) {
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return <p className="error" role="alert">{message}</p>;
}
