import type { Locale } from '@guichet/contracts';

export const supportedLanguages = ['fr', 'en'] as const satisfies readonly Locale[];
export const languageStorageKey = 'guichet.language';

export function isSupportedLanguage(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value);
}
