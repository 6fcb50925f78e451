/**
 * The model in use and a candidate side by side, on data neither trained on (held-out labels and the
 * evaluation-only airline slice), and the rule by which a retrain that started by itself may switch.
 */
import type { ModelFigure, ModelMetrics } from '@guichet/contracts';
import type { Classifier } from './classifier.ts';
import { decidePriority } from './priority.ts';
import { airlineTweets, type Example } from './triage.data.ts';
import type { CorrectionSet } from './triage.labels.ts';
import { classFigures } from './triage.metrics.ts';
import type { PriorityPolicy } from './triage.models.ts';

/** Every n-th airline tweet: a fixed 2,100-post slice keeps a retrain under a few seconds on one core. */
const AIRLINE_STRIDE = 7;

/** A candidate switches by itself only when it wins by this much on held-out labels… */
export const SWITCH_MARGIN = 0.02;
/** …counted on at least this many held-out labels (fewer prove nothing either way). */
export const SWITCH_MIN_HELD_OUT = 10;

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function accuracy(examples: Example[], pick: (text: string) => string): number | null {
  if (examples.length === 0) return null;
  let right = 0;
  for (const e of examples) if (pick(e.text) === e.label) right++;
  return round(right / examples.length);
}

/** Lets the event loop serve requests between slices of a long evaluation (not a wait: no time passes). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const isComplaint = (c: ReturnType<Classifier['classify']>) => c.complaint ?? c.type === 'complaint';

async function complaintF1(classifier: Classifier, posts: { text: string; complaint: boolean }[]): Promise<number> {
  const gold: string[] = [];
  const predicted: string[] = [];
  for (const [i, t] of posts.entries()) {
    if (i % 250 === 249) await yieldToEventLoop();
    gold.push(String(t.complaint));
    predicted.push(String(isComplaint(classifier.classify(t.text))));
  }
  return classFigures(gold, predicted, 'true').f1;
}

/** The evaluation-only airline set (non-commercial: read in place, never trained on); null when absent. */
function airlineSlice(): { text: string; complaint: boolean }[] | null {
  try {
    return airlineTweets()
      .filter((_, i) => i % AIRLINE_STRIDE === 0)
      .map((t) => ({ text: t.text, complaint: t.sentiment === 'negative' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function verdict(figures: ModelFigure[]): ModelMetrics['verdict'] {
  const compared = figures.filter((f) => f.current !== null && f.candidate !== null && f.n > 0);
  if (compared.length === 0) return 'unknown';
  const up = compared.some((f) => f.candidate! > f.current!);
  const down = compared.some((f) => f.candidate! < f.current!);
  return up && down ? 'mixed' : up ? 'better' : down ? 'worse' : 'same';
}

export async function compareModels(
  current: { classifier: Classifier; modelId: string | null },
  candidate: Classifier,
  corrections: CorrectionSet,
  policy: PriorityPolicy,
): Promise<ModelMetrics> {
  const pickType = (c: Classifier) => (text: string) => c.classify(text).type;
  const pickSentiment = (c: Classifier) => (text: string) => c.classify(text).sentiment;
  // A bare text has no customer signals: both models are judged on what the text itself says.
  const pickPriority = (c: Classifier) => (text: string) =>
    String(decidePriority(c.classify(text), {}, policy).priority);
  const figure = (examples: Example[], pick: (c: Classifier) => (text: string) => string): ModelFigure => ({
    n: examples.length,
    current: accuracy(examples, pick(current.classifier)),
    candidate: accuracy(examples, pick(candidate)),
  });
  const complaints = corrections.complaintHeldOut.map((e) => ({ text: e.text, complaint: e.label === 'true' }));
  const correctionsComplaintF1: ModelFigure = {
    n: complaints.length,
    current: complaints.length ? await complaintF1(current.classifier, complaints) : null,
    candidate: complaints.length ? await complaintF1(candidate, complaints) : null,
  };
  const correctionsTypeAccuracy = figure(corrections.typeHeldOut, pickType);
  const correctionsPriorityAccuracy = figure(corrections.priorityHeldOut, pickPriority);
  const correctionsSentimentAccuracy = figure(corrections.sentimentHeldOut, pickSentiment);
  const airline = airlineSlice();
  const shippedComplaintF1 = airline
    ? {
        n: airline.length,
        current: await complaintF1(current.classifier, airline),
        candidate: await complaintF1(candidate, airline),
      }
    : null;
  const heldOut = [
    correctionsTypeAccuracy,
    correctionsPriorityAccuracy,
    correctionsSentimentAccuracy,
    correctionsComplaintF1,
  ];
  return {
    currentModelId: current.modelId,
    correctionsTypeAccuracy,
    correctionsPriorityAccuracy,
    correctionsSentimentAccuracy,
    correctionsComplaintF1,
    shippedComplaintF1,
    verdict: verdict([...heldOut, ...(shippedComplaintF1 ? [shippedComplaintF1] : [])]),
  };
}

/**
 * Whether a retrain that started by itself replaces the model in use: the mean gain over the held-out label
 * figures (each with labels) must reach the margin, on enough held-out labels, and no figure — the shipped
 * airline slice included — may drop by more than the margin.
 */
export function decideSwitch(metrics: ModelMetrics): NonNullable<ModelMetrics['autoSwitch']> {
  const figures = [
    metrics.correctionsTypeAccuracy,
    metrics.correctionsPriorityAccuracy,
    metrics.correctionsSentimentAccuracy,
    metrics.correctionsComplaintF1,
  ].filter((f): f is ModelFigure => !!f && f.n > 0 && f.current !== null && f.candidate !== null);
  // A text may count in several figures: the largest figure says how many held-out posts there were.
  const heldOut = Math.max(0, ...figures.map((f) => f.n));
  if (heldOut < SWITCH_MIN_HELD_OUT) {
    return { switched: false, reason: 'not enough held-out labels', gain: null, heldOut };
  }
  const gains = figures.map((f) => f.candidate! - f.current!);
  const gain = round(gains.reduce((a, b) => a + b, 0) / gains.length);
  const shipped = metrics.shippedComplaintF1;
  const worst = Math.min(...gains, shipped ? shipped.candidate! - shipped.current! : 0);
  if (worst < -SWITCH_MARGIN) return { switched: false, reason: 'worse on some held-out figure', gain, heldOut };
  if (gain < SWITCH_MARGIN) return { switched: false, reason: 'not better by the margin', gain, heldOut };
  return { switched: true, reason: 'better on held-out labels', gain, heldOut };
}
