/**
 * `npm run train:triage`: rebuilds src/modules/triage/model/{sentiment,type}.ftz from their sources with a
 * fixed seed (single-threaded fastText, seeded shuffles), and writes model/MODEL.md's counts.
 * Only permissive sets and Guichet's own labels go in; non-commercial sets never do (see MODEL.md).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MODEL_DIR } from '../src/modules/triage/classifier.ts';
import { FastTextRuntime, type TrainOptions } from '../src/modules/triage/fasttext.ts';
import { features } from '../src/modules/triage/text.ts';
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
} from './triage-data.ts';

const SEED = 20261122;
const SENTIMENT_OPTIONS: TrainOptions = {
  dim: 16,
  epoch: 10,
  lr: 0.2,
  wordNgrams: 2,
  bucket: 20_000,
  minCount: 2,
  minn: 0,
  maxn: 0,
  seed: SEED,
};
const TYPE_OPTIONS: TrainOptions = {
  dim: 16,
  epoch: 25,
  lr: 0.3,
  wordNgrams: 2,
  bucket: 20_000,
  minCount: 1,
  minn: 0,
  maxn: 0,
  seed: SEED,
};
/** Our hand-written posts are few but in the product's own register (and the only French ones): repeat them. */
const AUTHORED_REPEAT = 3;
const PER_INTENT = 20;
const OTHER_FROM_NEUTRAL = { en: 400, fr: 250 };

function fastTextLines(examples: Example[], random: () => number): string[] {
  return shuffled(examples, random).map((e) => `__label__${e.label} ${features(e.text)}`);
}

function count(examples: Example[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of examples) out[e.label] = (out[e.label] ?? 0) + 1;
  return out;
}

const runtime = await FastTextRuntime.create();

// Sentiment: TweetEval (val + the training half of test) and UMSAB French (train + val).
const tweetEvalTrain = [...tweetEval('val'), ...tweetEval('test').filter((e) => tweetEvalHalf(e.text) === 'train')];
const frenchTrain = [...umsabFrench('train'), ...umsabFrench('val')];
const sentimentExamples = [...tweetEvalTrain, ...frenchTrain];
const sentimentBytes = runtime.train(fastTextLines(sentimentExamples, seededRandom(SEED)), SENTIMENT_OPTIONS);

// Type: our labels (IBM openers, authored posts, intent mappings) + neutral statements without a question as "other".
const isStatement = (text: string) => !text.includes('?');
const neutralOther = [
  ...tweetEvalTrain.filter((e) => e.label === 'neutral' && isStatement(e.text)).slice(0, OTHER_FROM_NEUTRAL.en),
  ...frenchTrain.filter((e) => e.label === 'neutral' && isStatement(e.text)).slice(0, OTHER_FROM_NEUTRAL.fr),
].map((e) => ({ text: e.text, label: 'other' as const }));
const ibm = ibmLabelled();
const ours = authored();
const banking = banking77Types(PER_INTENT);
const clinc = clinc150Types(PER_INTENT);
const typeExamples: Example[] = [
  ...ibm,
  ...Array.from({ length: AUTHORED_REPEAT }, () => ours).flat(),
  ...banking,
  ...clinc,
  ...neutralOther,
];
const typeBytes = runtime.train(fastTextLines(typeExamples, seededRandom(SEED + 1)), TYPE_OPTIONS);

writeFileSync(path.join(MODEL_DIR, 'sentiment.ftz'), sentimentBytes);
writeFileSync(path.join(MODEL_DIR, 'type.ftz'), typeBytes);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const summary = {
  seed: SEED,
  sentiment: {
    bytes: sentimentBytes.length,
    sha256: sha(sentimentBytes),
    options: SENTIMENT_OPTIONS,
    sources: { tweetEvalValAndTestHalf: tweetEvalTrain.length, umsabFrenchTrainVal: frenchTrain.length },
    labels: count(sentimentExamples),
  },
  type: {
    bytes: typeBytes.length,
    sha256: sha(typeBytes),
    options: TYPE_OPTIONS,
    sources: {
      ibmOpenersLabelledByGuichet: ibm.length,
      authoredByGuichet: `${ours.length} × ${AUTHORED_REPEAT}`,
      banking77MappedByGuichet: banking.length,
      clinc150MappedByGuichet: clinc.length,
      neutralStatementsAsOther: neutralOther.length,
    },
    labels: count(typeExamples),
  },
};
writeFileSync(path.join(MODEL_DIR, 'training-summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
