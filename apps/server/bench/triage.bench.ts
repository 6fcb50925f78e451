/**
 * `npm run bench:triage`: the shipped classifier on held-out data it never saw, beside each published anchor.
 * Non-commercial sets (airline sentiment, labelled TWCS) are read from ../shared/data here, never copied.
 * The last line is one JSON object with every figure.
 */
import { loadClassifier } from '../src/modules/triage/classifier.ts';
import type { Classification } from '../src/modules/triage/triage.models.ts';
import {
  airlineTweets,
  amazonBadSupport,
  dataDir,
  tweetEval,
  tweetEvalHalf,
  umsabFrench,
} from '../scripts/triage-data.ts';
import { classRates } from '../src/modules/triage/triage.metrics.ts';
import { CURVE_STEPS, learningCurve } from './triage-learning.ts';

const LABELS = ['negative', 'neutral', 'positive'] as const;

const perClass = classRates;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const macroRecall = (g: string[], p: string[]) => mean(LABELS.map((l) => perClass(g, p, l).recall));
const macroF1 = (g: string[], p: string[]) => mean(LABELS.map((l) => perClass(g, p, l).f1));
const binaryF1 = (g: boolean[], p: boolean[]) =>
  perClass(
    g.map((x) => String(x)),
    p.map((x) => String(x)),
    'true',
  ).f1;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

const classifier = await loadClassifier();
const classifyAll = (texts: string[]) => texts.map((t) => classifier.classify(t));

// 1. English sentiment: TweetEval test, the half the model did not train on.
const english = tweetEval('test').filter((e) => tweetEvalHalf(e.text) === 'heldout');
const englishPredictions = classifyAll(english.map((e) => e.text));
const tweetevalMacroRecall = macroRecall(
  english.map((e) => e.label),
  englishPredictions.map((c) => c.sentiment),
);

// 2. French sentiment: UMSAB French test (the model trained on train + val).
const french = umsabFrench('test');
const frenchPredictions = classifyAll(french.map((e) => e.text));
const frenchSentimentMacroF1 = macroF1(
  french.map((e) => e.label),
  frenchPredictions.map((c) => c.sentiment),
);

// 3. Airline: a complaint is a tweet the crowd labelled negative (every one has a negative reason).
const airline = airlineTweets();
const airlinePredictions = classifyAll(airline.map((a) => a.text));
const airlineComplaintF1 = binaryF1(
  airline.map((a) => a.sentiment === 'negative'),
  airlinePredictions.map((c) => c.type === 'complaint'),
);

// 4. TWCS AmazonHelp inbound, topic "Bad Support": a complaint that carries the `poor-support` cue.
const amazon = amazonBadSupport();
const isBadSupport = (c: Classification) => c.type === 'complaint' && c.urgency.includes('poor-support');
const amazonPredictions = classifyAll(amazon.map((a) => a.text));
const badSupportF1 = binaryF1(
  amazon.map((a) => a.badSupport),
  amazonPredictions.map(isBadSupport),
);

// 5. Language id (lid.176): the French test posts and as many held-out English ones.
const languageGold = [...french.map(() => 'fr'), ...english.slice(0, french.length).map(() => 'en')];
const languagePredicted = [...frenchPredictions, ...englishPredictions.slice(0, french.length)].map((c) => c.language);
const languageIdAccuracy = mean(languageGold.map((g, i) => (languagePredicted[i] === g ? 1 : 0)));
const frenchIdAccuracy = mean(frenchPredictions.map((c) => (c.language === 'fr' ? 1 : 0)));
const englishIdAccuracy = mean(englishPredictions.slice(0, french.length).map((c) => (c.language === 'en' ? 1 : 0)));

// 6. Throughput: the whole classification (language + sentiment + type + cues), one post at a time, one core.
const speedTexts = [...english, ...french].map((e) => e.text);
for (const t of speedTexts.slice(0, 500)) classifier.classify(t); // warm-up
const started = process.hrtime.bigint();
for (const t of speedTexts) classifier.classify(t);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const postsPerSecond = speedTexts.length / seconds;

const rows: [string, string, string, string][] = [
  [
    'TweetEval sentiment macro-recall (en)',
    `${(tweetevalMacroRecall * 100).toFixed(1)}`,
    'RoBERTa-Retrained 72.8 (FastText 62.9)',
    `held-out half of test, n=${english.length}`,
  ],
  [
    'UMSAB French sentiment macro-F1',
    `${(frenchSentimentMacroF1 * 100).toFixed(1)}`,
    'XLM-T multi 71.2 (FastText mono 54.8)',
    `test, n=${french.length}`,
  ],
  [
    'Airline complaint-vs-rest F1',
    airlineComplaintF1.toFixed(3),
    'no published anchor',
    `complaint = negative, n=${airline.length}`,
  ],
  [
    'TWCS AmazonHelp "Bad Support" F1',
    badSupportF1.toFixed(3),
    'zero-shot NLI (BART-MNLI) 0.750',
    `n=${amazon.length}, positives=${amazon.filter((a) => a.badSupport).length}`,
  ],
  [
    'Language-ID accuracy (fr + en)',
    `${(languageIdAccuracy * 100).toFixed(1)}`,
    'TOOLCHAIN.md check: fr 1.00, en 0.99',
    `fr ${(frenchIdAccuracy * 100).toFixed(1)}, en ${(englishIdAccuracy * 100).toFixed(1)}, n=${languageGold.length}`,
  ],
  [
    'Classifications per second (1 core)',
    postsPerSecond.toFixed(0),
    'issue: thousands per second',
    `n=${speedTexts.length}`,
  ],
];
const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ['figure', 'ours', 'anchor', 'data'][i]!.length),
);
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(`triage bench — data: ${dataDir()}`);
console.log(line(['figure', 'ours', 'anchor', 'data']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
// 7. Learning curve: the airline set as one brand's workspace, its labels fed as corrections (adjustment layer).
const curve = learningCurve(classifier);
console.log('');
console.log(
  `learning curve — airline complaint labels fed as corrections, scored on the other ${curve.testSize} posts`,
);
console.log('corrections | complaint F1 | macro-F1 | learn (s)');
for (const p of curve.points) {
  console.log(
    `${String(p.corrections).padStart(11)} | ${p.complaintF1.toFixed(3).padStart(12)} | ${p.macroF1.toFixed(3).padStart(8)} | ${p.learnSeconds.toFixed(2).padStart(9)}`,
  );
}
console.log(
  `(zero-shot airline complaint F1 on all ${airline.length} posts: ${airlineComplaintF1.toFixed(3)}; steps ${CURVE_STEPS.join(', ')})`,
);
console.log(
  JSON.stringify({
    learningCurve: curve.points.map((p) => ({
      corrections: p.corrections,
      complaintF1: p.complaintF1,
      macroF1: p.macroF1,
    })),
    tweetevalMacroRecall: round(tweetevalMacroRecall * 100, 2),
    frenchSentimentMacroF1: round(frenchSentimentMacroF1 * 100, 2),
    airlineComplaintF1: round(airlineComplaintF1),
    badSupportF1: round(badSupportF1),
    languageIdAccuracy: round(languageIdAccuracy * 100, 2),
    postsPerSecond: Math.round(postsPerSecond),
  }),
);
