// React side of i18n: the current language and a t() bound to it.
import { createContext, useContext } from 'react';
import type { MessageKey } from './en';
import { translate, type Language, type Vars } from './translate';

export interface I18n {
  lang: Language;
  setLang: (l: Language) => void;
  t: (key: MessageKey, vars?: Vars) => string;
}

export const I18nContext = createContext<I18n>({ lang: 'en', setLang: () => {}, t: (k, v) => translate('en', k, v) });

export function useI18n(): I18n {
  return useContext(I18nContext);
}
