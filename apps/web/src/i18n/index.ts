import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';
import { isSupportedLanguage, languageStorageKey, supportedLanguages } from './languages.ts';
import type { Locale } from '@guichet/contracts';

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    supportedLngs: supportedLanguages,
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: 'en',
    detection: {
      // An explicit choice wins; otherwise the browser's preferences (fr-CA → fr, anything else → en).
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: languageStorageKey,
      // Only an explicit switch is stored, so a browser-derived guess never sticks.
      caches: [],
    },
    // React escapes what it renders; escaping here too would show customers' `&` as `&amp;`.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });

function syncDocumentLanguage(): void {
  document.documentElement.lang = currentLanguage();
}
syncDocumentLanguage();
i18n.on('languageChanged', syncDocumentLanguage);

export function currentLanguage(): Locale {
  const resolved = i18n.resolvedLanguage;
  return isSupportedLanguage(resolved) ? resolved : 'en';
}

export { switchLanguage } from './switchLanguage.ts';

export { i18n };
