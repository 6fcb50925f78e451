import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import fr from './fr.json';

/**
 * Plurals go through i18next's plural rules (`key_one`, `key_other`, and `key_many` in French), never
 * built by hand: "1 réponses", "2 sélectionné(s)" and `count === 1 ? … : …` are what this test catches.
 */

type Catalogue = { [key: string]: string | Catalogue };
const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const sourceRoot = fileURLToPath(new URL('..', import.meta.url));

function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [nested, text] of flatten(value, path)) entries.set(nested, text);
  }
  return entries;
}

const catalogues = { en: flatten(en), fr: flatten(fr) };
type Language = keyof typeof catalogues;

/** The plural forms a language needs, from the same CLDR rules i18next uses (fr: one, many, other). */
const forms = (language: Language) => new Intl.PluralRules(language).resolvedOptions().pluralCategories;

const pluralBases = (language: Language) =>
  new Set(
    [...catalogues[language].keys()]
      .filter((key) => pluralSuffix.test(key))
      .map((key) => key.replace(pluralSuffix, '')),
  );

/** Every web source file except tests: the `t('…', { count })` calls and hand-made plurals live there. */
function sources(dir = sourceRoot): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name)) return [];
    return [{ file: relative(sourceRoot, path), text: readFileSync(path, 'utf8') }];
  });
}

/** Hand-built plurals in code: a branch on "is it one?" that picks a word, or an "s" glued on. */
const handMadePlural = [
  /\b(count|length|total|size|n|\w+Count)\s*[!=]==?\s*1\s*\?\s*['"`t]/,
  /\?\s*(''|"")\s*:\s*['"]s['"]/,
  /\?\s*['"]s['"]\s*:\s*(''|"")/,
  /['"`][^'"`\n]*\w\((s|es|x)\)[^'"`\n]*['"`]/,
];

describe('plural forms', () => {
  it('every plural key has each form its language needs, and the same plural keys in both languages', () => {
    for (const language of ['en', 'fr'] as const) {
      for (const base of pluralBases(language)) {
        for (const form of forms(language)) {
          if (form === 'zero' || form === 'two' || form === 'few') continue;
          expect(catalogues[language].has(`${base}_${form}`), `${language}: ${base}_${form}`).toBe(true);
        }
        // A plural key with its bare form too: one of them is dead, and which one wins depends on the count.
        expect(catalogues[language].has(base), `${language}: both ${base} and ${base}_other`).toBe(false);
      }
    }
    expect([...pluralBases('fr')].sort()).toEqual([...pluralBases('en')].sort());
  });

  it('a text that shows a {{count}} is a plural key', () => {
    for (const language of ['en', 'fr'] as const) {
      for (const [key, text] of catalogues[language]) {
        if (/\{\{\s*count\s*\}\}/.test(text)) expect(pluralSuffix.test(key), `${language}: ${key}`).toBe(true);
      }
    }
  });

  it('no text builds a plural by hand', () => {
    for (const language of ['en', 'fr'] as const) {
      for (const [key, text] of catalogues[language]) {
        expect(/\w\((s|es|e|x)\)/.test(text), `${language}: ${key}: ${text}`).toBe(false);
      }
    }
  });

  it('no code builds a plural by hand', () => {
    const found = sources().flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line, index) => ({ line: line.trim(), where: `${file}:${index + 1}` }))
        .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*'))
        .filter(({ line }) => handMadePlural.some((pattern) => pattern.test(line)))
        .map(({ line, where }) => `${where}: ${line}`),
    );
    expect(found).toEqual([]);
  });

  it('every t(key, { count }) in the code has plural forms in both languages', () => {
    const call = /\bt\(\s*['"]([\w.-]+)['"]\s*,\s*\{([^()]*?)\}/g;
    const missing: string[] = [];
    for (const { file, text } of sources()) {
      for (const match of text.matchAll(call)) {
        const [, key = '', options = ''] = match;
        if (!/\bcount\b/.test(options)) continue;
        for (const language of ['en', 'fr'] as const) {
          if (!pluralBases(language).has(key)) missing.push(`${file}: ${language} ${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
