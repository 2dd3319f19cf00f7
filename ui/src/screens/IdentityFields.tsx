// The account form shared by the onboarding's first step and the invitation page.
import { Field } from '../components';
import { useI18n } from '../i18n/I18nContext';
import type { FieldErrors, IdentityForm } from '../onboarding/steps';

export const emptyIdentity: IdentityForm = { firstName: '', lastName: '', pseudonym: '', email: '', password: '', passwordRepeat: '' };

export function IdentityFields(props: {
  value: IdentityForm;
  onChange: (v: IdentityForm) => void;
  errors: FieldErrors<IdentityForm>;
}) {
  const { t } = useI18n();
  const f = props.value;
  const set = (k: keyof IdentityForm) => (v: string) => props.onChange({ ...f, [k]: v });
  return (
    <>
      <div className="grid2">
        <Field name="firstName" label={t('field.firstName')} value={f.firstName} onChange={set('firstName')} error={props.errors.firstName} autoComplete="given-name" />
        <Field name="lastName" label={t('field.lastName')} value={f.lastName} onChange={set('lastName')} error={props.errors.lastName} autoComplete="family-name" />
      </div>
      <Field name="pseudonym" label={t('field.pseudonym')} value={f.pseudonym} onChange={set('pseudonym')} error={props.errors.pseudonym} autoComplete="nickname" />
      <Field name="email" label={t('field.email')} type="email" value={f.email} onChange={set('email')} error={props.errors.email} autoComplete="username" />
      <div className="grid2">
        <Field name="password" label={t('field.password')} type="password" value={f.password} onChange={set('password')} error={props.errors.password} autoComplete="new-password" />
        <Field name="passwordRepeat" label={t('field.passwordRepeat')} type="password" value={f.passwordRepeat} onChange={set('passwordRepeat')} error={props.errors.passwordRepeat} autoComplete="new-password" />
      </div>
    </>
  );
}
