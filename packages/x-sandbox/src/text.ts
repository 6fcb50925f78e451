// twitter-text ships no types; the reference carries our declaration into every program that compiles this
// file (e.g. the connectors' tsc through its tests), which an include glob alone would not.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../types/twitter-text.d.ts" />
import twitterText from 'twitter-text';

export interface TextEntities {
  mentions: { start: number; end: number; username: string }[];
  urls: { start: number; end: number; url: string }[];
  hashtags: { start: number; end: number; tag: string }[];
  cashtags: { start: number; end: number; tag: string }[];
}

/** Entities with code-point indices (start inclusive, end exclusive), as X API v2 reports them. */
export function extractEntities(text: string): TextEntities {
  const found = twitterText.extractEntitiesWithIndices(text);
  twitterText.modifyIndicesFromUTF16ToUnicode(text, found);
  const out: TextEntities = { mentions: [], urls: [], hashtags: [], cashtags: [] };
  for (const e of found) {
    const [start, end] = e.indices;
    if (e.screenName !== undefined && !e.listSlug) out.mentions.push({ start, end, username: e.screenName });
    else if (e.url !== undefined) out.urls.push({ start, end, url: e.url });
    else if (e.hashtag !== undefined) out.hashtags.push({ start, end, tag: e.hashtag });
    else if (e.cashtag !== undefined) out.cashtags.push({ start, end, tag: e.cashtag });
  }
  return out;
}

export function weightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

export const MAX_WEIGHTED_LENGTH = 280;

export function codePointLength(text: string): number {
  return [...text].length;
}

const FRENCH = new Set(
  (
    'le la les un une des du de et est pas mon ma mes ton votre vos nous vous je j il elle ce cette ces que qui ' +
    'pour avec sur dans au aux mais ou où merci bonjour bonsoir toujours encore depuis commande colis jamais ' +
    'très trop bien rien plus aucun aucune svp sont ai avez êtes suis été fait quand comment pourquoi'
  ).split(' '),
);
const ENGLISH = new Set(
  (
    'the a an and is are was were not my your our we you i it this that these which who for with on in at but ' +
    'or thanks thank hello hi still again since order package never very too good nothing more any please ' +
    "have has been done when how why what all now much can cant can't don't doesn't"
  ).split(' '),
);

/** A small stop-word vote: enough for a sandbox that only needs 'fr', 'en' or 'und'. */
export function guessLang(text: string): string {
  const words = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@#$][\p{L}\p{N}_]+/gu, ' ')
    .toLowerCase()
    .split(/[^\p{L}']+/u)
    .flatMap((w) => (w.includes("'") && !ENGLISH.has(w) ? w.split("'") : [w]))
    .filter(Boolean);
  let fr = /[éèêàçùœ]/.test(text.toLowerCase()) ? 1 : 0;
  let en = 0;
  for (const w of words) {
    if (FRENCH.has(w)) fr++;
    if (ENGLISH.has(w)) en++;
  }
  if (fr === 0 && en === 0) return 'und';
  return fr >= en ? 'fr' : 'en';
}
