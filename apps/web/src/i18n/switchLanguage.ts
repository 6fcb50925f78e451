import type { Locale } from '@guichet/contracts';
import i18n from 'i18next';
import { languageStorageKey } from './languages.ts';

/**
 * Makes `language` the app's language and remembers it on this browser. Apart from `index.ts` (which sets the
 * instance up and touches `document`), so modules that also run in unit tests can import it.
 */
export async function switchLanguage(language: Locale): Promise<void> {
  try {
    localStorage.setItem(languageStorageKey, language);
  } catch {
    // Storage can be unavailable (private mode, quota); the switch still applies to this tab.
  }
  await i18n.changeLanguage(language);
}
