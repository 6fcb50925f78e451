import { parseJson } from '../../platform/db/database.ts';

/**
 * Word matching between an incident and customer messages: folded (case, accents), tokens of three letters
 * or more, without the small words of French and English, with a light plural strip so "colis" / "colis",
 * "paiements" / "paiement" and "Réseau" / "reseau" meet. Deliberately simple and explainable: the agent sees
 * which words matched and confirms.
 */

const STOPWORDS = new Set(
  `the and for are but not you your yours our ours with this that these those from have has had was were will
would can could should about into over under again then than there here what when where which who whom why how
all any both each few more most other some such only own same very just also now out off too get got its it's
les des une uns est sont pas pour par avec sans dans sur sous que qui quoi quand comme mais donc car ont aux
vous nous ils elles leur leurs votre vos notre nos mon mes ton tes son ses cette ces cet encore tout tous toute
toutes rien plus moins tres bien fait faire etre avoir ete depuis chez alors aussi deja hui aujourd jour`.split(/\s+/),
);

/** Lower-case, accents removed (NFKD), so "Réseau" and "reseau" are one word. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function stem(word: string): string {
  if (word.length > 4 && (word.endsWith('s') || word.endsWith('x'))) return word.slice(0, -1);
  return word;
}

/** The distinct meaningful words of a text, stemmed; links and @handles left out. */
export function meaningfulWords(text: string): string[] {
  const cleaned = fold(text)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ');
  const words = new Set<string>();
  for (const match of cleaned.matchAll(/[\p{L}\p{N}]{3,}/gu)) {
    const word = match[0];
    if (STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    words.add(stem(word));
  }
  return [...words];
}

/** An incident's keywords as stored: the agent's words, or the title's when none were given. */
export function incidentKeywords(title: string, given: string[]): string[] {
  const source = given.length > 0 ? given.join(' ') : title;
  return meaningfulWords(source).slice(0, 30);
}

export interface WordMatch {
  matchedWords: string[];
  score: number;
}

/**
 * How well a message fits an incident: the keywords it shares, weighted by timing (a complaint arriving after
 * the declaration is more likely about it than one from before). Null below one shared word.
 */
export function matchMessage(
  keywords: string[],
  message: { text: string; at: number },
  declaredAt: number,
): WordMatch | null {
  if (keywords.length === 0) return null;
  const words = new Set(meaningfulWords(message.text));
  const matchedWords = keywords.filter((k) => words.has(k));
  if (matchedWords.length === 0) return null;
  const timing = message.at >= declaredAt ? 1 : 0.5;
  const score = Math.round((matchedWords.length / Math.min(keywords.length, 3)) * timing * 100) / 100;
  return { matchedWords, score };
}

/** How long before the declaration a complaint may still be suggested: outages are noticed before declared. */
export const SUGGESTION_LOOKBACK_MS = 2 * 60 * 60_000;

/** How well a case's message fits an incident row; null too when it came long before the declaration. */
export function matchIncident(
  incident: { keywords: string; declared_at: number },
  message: { text: string; created_at: number },
): WordMatch | null {
  if (message.created_at < incident.declared_at - SUGGESTION_LOOKBACK_MS) return null;
  return matchMessage(
    parseJson<string[]>(incident.keywords, []),
    { text: message.text, at: message.created_at },
    incident.declared_at,
  );
}
