import { createHash } from 'node:crypto';
import type { FastTextRuntime, TrainOptions } from './fasttext.ts';
import { features, sentimentFeatures } from './text.ts';
import {
  authored,
  banking77Types,
  clinc150Types,
  ibmLabelled,
  seededRandom,
  shuffled,
  tweetEval,
  tweetEvalHalf,
  umsabFrench,
  type Example,
} from './triage.data.ts';
import type { MessageType, Sentiment } from './triage.models.ts';

/**
 * How the type model is built: shared by `npm run train:triage` (the shipped model) and the workspace
 * retraining job (shipped data + agents' corrections), so both train the same way with the same seed.
 */
export const TRIAGE_SEED = 20261122;

export const TYPE_OPTIONS: TrainOptions = {
  dim: 16,
  epoch: 25,
  lr: 0.3,
  wordNgrams: 2,
  bucket: 20_000,
  minCount: 1,
  minn: 0,
  maxn: 0,
  seed: TRIAGE_SEED,
};

/** Character 3–5-grams (with the AFINN level in `sentimentFeatures`): chosen on a validation split (MODEL.md). */
export const SENTIMENT_OPTIONS: TrainOptions = {
  dim: 16,
  epoch: 10,
  lr: 0.2,
  wordNgrams: 2,
  bucket: 20_000,
  minCount: 2,
  minn: 3,
  maxn: 5,
  seed: TRIAGE_SEED,
};

/** Our hand-written posts are few but in the product's own register (and the only French ones): repeat them. */
export const AUTHORED_REPEAT = 3;
/** Agents' corrections are in the workspace's own register too, and few: the same weight as our own posts. */
export const CORRECTION_REPEAT = 3;
const PER_INTENT = 20;
const OTHER_FROM_NEUTRAL = { en: 400, fr: 250 };

export interface TypeTrainingSet {
  examples: Example<MessageType>[];
  /** `full`: every shipped source; `repository`: only the labels kept in the repository (data folder absent). */
  base: 'full' | 'repository';
  sources: Record<string, number | string>;
}

/** The shipped type model's training examples, in the order `npm run train:triage` has always used. */
export function shippedTypeExamples(): TypeTrainingSet {
  const ours = authored();
  const repeatedOurs = Array.from({ length: AUTHORED_REPEAT }, () => ours).flat();
  let full: { ibm: Example<MessageType>[]; banking: Example<MessageType>[]; clinc: Example<MessageType>[] };
  let neutralOther: Example<MessageType>[];
  try {
    const tweetEvalTrain = [...tweetEval('val'), ...tweetEval('test').filter((e) => tweetEvalHalf(e.text) === 'train')];
    const frenchTrain = [...umsabFrench('train'), ...umsabFrench('val')];
    const isStatement = (text: string) => !text.includes('?');
    neutralOther = [
      ...tweetEvalTrain.filter((e) => e.label === 'neutral' && isStatement(e.text)).slice(0, OTHER_FROM_NEUTRAL.en),
      ...frenchTrain.filter((e) => e.label === 'neutral' && isStatement(e.text)).slice(0, OTHER_FROM_NEUTRAL.fr),
    ].map((e) => ({ text: e.text, label: 'other' as const }));
    full = { ibm: ibmLabelled(), banking: banking77Types(PER_INTENT), clinc: clinc150Types(PER_INTENT) };
  } catch (error) {
    // A desk installed without the research data sets still retrains, from the labels the repository holds.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return {
      examples: repeatedOurs,
      base: 'repository',
      sources: { authoredByGuichet: `${ours.length} × ${AUTHORED_REPEAT}` },
    };
  }
  return {
    examples: [...full.ibm, ...repeatedOurs, ...full.banking, ...full.clinc, ...neutralOther],
    base: 'full',
    sources: {
      ibmOpenersLabelledByGuichet: full.ibm.length,
      authoredByGuichet: `${ours.length} × ${AUTHORED_REPEAT}`,
      banking77MappedByGuichet: full.banking.length,
      clinc150MappedByGuichet: full.clinc.length,
      neutralStatementsAsOther: neutralOther.length,
    },
  };
}

/**
 * French posts are a fifth of the sentiment pool: twice over, the model hears them as much as it needs to
 * (chosen on 5-fold validation with the French valence level, model/MODEL.md).
 */
export const FRENCH_SENTIMENT_REPEAT = 2;

/**
 * The shipped sentiment model's examples: TweetEval (val + the training half of test) and UMSAB French
 * (train + val, twice). Empty when the data folder is absent (a desk without it cannot retrain sentiment).
 */
export function shippedSentimentExamples(): {
  examples: Example<Sentiment>[];
  sources: Record<string, number | string>;
} {
  try {
    const tweetEvalTrain = [...tweetEval('val'), ...tweetEval('test').filter((e) => tweetEvalHalf(e.text) === 'train')];
    const frenchTrain = [...umsabFrench('train'), ...umsabFrench('val')];
    const repeatedFrench = Array.from({ length: FRENCH_SENTIMENT_REPEAT }, () => frenchTrain).flat();
    return {
      examples: [...tweetEvalTrain, ...repeatedFrench],
      sources: {
        tweetEvalValAndTestHalf: tweetEvalTrain.length,
        umsabFrenchTrainVal: `${frenchTrain.length} × ${FRENCH_SENTIMENT_REPEAT}`,
      },
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { examples: [], sources: {} };
  }
}

/**
 * fastText's input format, after a seeded shuffle: `__label__x <features>` per line. The type model reads
 * `features`, the sentiment model `sentimentFeatures` (the classifier feeds each the same way).
 */
export function fastTextLines(
  examples: Example[],
  random: () => number,
  featuresOf: (text: string) => string = features,
): string[] {
  return shuffled(examples, random).map((e) => `__label__${e.label} ${featuresOf(e.text)}`);
}

export function countLabels(examples: Example[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of examples) out[e.label] = (out[e.label] ?? 0) + 1;
  return out;
}

/**
 * About one correction in four is held out to judge models, never trained on. Chosen by a hash of the text,
 * so the same post always falls on the same side and retraining does not leak it into training later.
 */
export function correctionSplit(text: string): 'train' | 'heldout' {
  return createHash('sha256').update(`guichet-corrections:${text}`).digest()[0]! < 64 ? 'heldout' : 'train';
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Trains a type model from the shipped examples plus corrections: same data and seed, same bytes. */
export function trainTypeModel(runtime: FastTextRuntime, corrections: Example<MessageType>[]) {
  const base = shippedTypeExamples();
  const examples = [...base.examples, ...Array.from({ length: CORRECTION_REPEAT }, () => corrections).flat()];
  const bytes = runtime.train(fastTextLines(examples, seededRandom(TRIAGE_SEED + 1)), TYPE_OPTIONS);
  return { bytes, base: base.base, examples: examples.length, labels: countLabels(examples) };
}

/**
 * Trains the sentiment model from the shipped examples plus sentiment corrections; null when there are no
 * sentiment corrections (nothing to learn: the shipped model stays) or no shipped data to train from.
 */
export function trainSentimentModel(runtime: FastTextRuntime, corrections: Example<Sentiment>[]) {
  if (corrections.length === 0) return null;
  const base = shippedSentimentExamples();
  if (base.examples.length === 0) return null;
  const examples = [...base.examples, ...Array.from({ length: CORRECTION_REPEAT }, () => corrections).flat()];
  const bytes = runtime.train(fastTextLines(examples, seededRandom(TRIAGE_SEED), sentimentFeatures), SENTIMENT_OPTIONS);
  return { bytes, examples: examples.length, labels: countLabels(examples) };
}

/** Everything a workspace retrain produces: the type model always, the sentiment model when it has labels. */
export function trainWorkspaceModels(
  runtime: FastTextRuntime,
  corrections: { type: Example<MessageType>[]; sentiment: Example<Sentiment>[] },
) {
  return {
    type: trainTypeModel(runtime, corrections.type),
    sentiment: trainSentimentModel(runtime, corrections.sentiment),
  };
}
export type TrainedWorkspaceModels = ReturnType<typeof trainWorkspaceModels>;
