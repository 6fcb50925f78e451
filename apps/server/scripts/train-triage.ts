/**
 * `npm run train:triage`: rebuilds src/modules/triage/model/{sentiment,type}.ftz from their sources with a
 * fixed seed (single-threaded fastText, seeded shuffles), and writes model/MODEL.md's counts.
 * Only permissive sets and Guichet's own labels go in; non-commercial sets never do (see MODEL.md).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MODEL_DIR } from '../src/modules/triage/classifier.ts';
import { FastTextRuntime } from '../src/modules/triage/fasttext.ts';
import {
  countLabels as count,
  fastTextLines,
  SENTIMENT_OPTIONS,
  shippedSentimentExamples,
  shippedTypeExamples,
  TRIAGE_SEED as SEED,
  TYPE_OPTIONS,
} from '../src/modules/triage/triage.training.ts';
import { sentimentFeatures } from '../src/modules/triage/text.ts';
import { seededRandom } from './triage-data.ts';

const runtime = await FastTextRuntime.create();

// Sentiment: TweetEval (val + the training half of test) and UMSAB French (train + val).
const sentimentSet = shippedSentimentExamples();
if (sentimentSet.examples.length === 0) throw new Error('the shipped model needs the data sets in ../shared/data');
const sentimentExamples = sentimentSet.examples;
const sentimentBytes = runtime.train(
  fastTextLines(sentimentExamples, seededRandom(SEED), sentimentFeatures),
  SENTIMENT_OPTIONS,
);

// Type: our labels (IBM openers, authored posts, intent mappings) + neutral statements without a question as "other".
const typeSet = shippedTypeExamples();
if (typeSet.base !== 'full')
  throw new Error('the shipped model needs the data sets in ../shared/data (TRIAGE_DATA_DIR)');
const typeExamples = typeSet.examples;
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
    sources: sentimentSet.sources,
    labels: count(sentimentExamples),
  },
  type: {
    bytes: typeBytes.length,
    sha256: sha(typeBytes),
    options: TYPE_OPTIONS,
    sources: typeSet.sources,
    labels: count(typeExamples),
  },
};
writeFileSync(path.join(MODEL_DIR, 'training-summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
