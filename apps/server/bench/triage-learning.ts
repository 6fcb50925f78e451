/**
 * The learning curve of `npm run bench:triage`: the airline set (never trained on by the shipped model)
 * plays one brand's workspace. Its complaint labels (complaint = the crowd said negative) are fed as agents'
 * corrections, 0 → 2,000 of them, through the desk's own adjustment code; each step is scored on the same
 * remaining posts. Non-commercial data: read in place at bench time, never copied, never shipped.
 */
import type { FastTextClassifier } from '../src/modules/triage/classifier.ts';
import { Adjustment } from '../src/modules/triage/triage.adjust.ts';
import { airlineTweets, seededRandom, shuffled } from '../src/modules/triage/triage.data.ts';
import { correctionSetFromLabels, type LabelRow } from '../src/modules/triage/triage.labels.ts';
import { report } from '../src/modules/triage/triage.metrics.ts';
import type { Classification } from '../src/modules/triage/triage.models.ts';

export const CURVE_STEPS = [0, 20, 50, 100, 200, 500, 1000, 2000] as const;
const POOL = 2000;

export interface CurvePoint {
  corrections: number;
  complaintF1: number;
  macroF1: number;
  learnSeconds: number;
}

export function learningCurve(shipped: FastTextClassifier): { points: CurvePoint[]; testSize: number } {
  const posts = shuffled(
    airlineTweets().map((t) => ({ text: t.text, complaint: t.sentiment === 'negative' })),
    seededRandom(20261205),
  );
  const pool = posts.slice(0, POOL);
  const test = posts.slice(POOL);
  // The base model's view of each test post, once: each step only re-applies its adjustment.
  const base: Classification[] = test.map((t) => shipped.classify(t.text));
  const gold = test.map((t) => String(t.complaint));
  const points: CurvePoint[] = [];
  for (const n of CURVE_STEPS) {
    const rows: LabelRow[] = pool
      .slice(0, n)
      .map((t) => ({ text: t.text, kind: 'complaint', label: String(t.complaint) }));
    const started = process.hrtime.bigint();
    // Every fed label is a training label here: the held-out posts are the rest of the set.
    const adjustment = Adjustment.learn(
      shipped,
      correctionSetFromLabels(rows, () => 'train'),
    );
    const learnSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const predicted = base.map((c, i) => {
      const adjusted = adjustment.apply(c, test[i]!.text);
      return String(adjusted.complaint ?? adjusted.type === 'complaint');
    });
    const r = report(gold, predicted, ['true', 'false']);
    points.push({ corrections: n, complaintF1: r.classes.true!.f1, macroF1: r.macroF1, learnSeconds });
  }
  return { points, testSize: test.length };
}
