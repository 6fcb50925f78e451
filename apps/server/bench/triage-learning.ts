/**
 * The learning curves of `npm run bench:triage`: a public labelled set the shipped model never trained on plays
 * one brand's workspace, and its labels are fed as agents' corrections, 0 → N of them, through the desk's own
 * code. At each step the workspace's classifier is what the desk would have with that many labels:
 * - the adjustment layer, learned from the training side of the desk's own split (about one label in four is
 *   held out by a hash of its text to judge retrains, as in the desk);
 * - the automatic retrain (the desk runs one after every RETRAIN_EVERY_LABELS labels), and whether
 *   `decideSwitch` would have switched to it on those held-out labels; if so, the curve scores the retrained
 *   model (with its own adjustment). One retrain on all the step's labels stands for the desk's latest.
 * Non-commercial data: read in place at bench time, never copied, never shipped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODEL_DIR, type Classifier, type FastTextClassifier } from '../src/modules/triage/classifier.ts';
import type { FastTextRuntime } from '../src/modules/triage/fasttext.ts';
import { DEFAULT_PRIORITY_POLICY } from '../src/modules/triage/priority.ts';
import { AdjustedClassifier, Adjustment } from '../src/modules/triage/triage.adjust.ts';
import { compareModels, decideSwitch } from '../src/modules/triage/triage.compare.ts';
import { airlineTweets, seededRandom, shuffled } from '../src/modules/triage/triage.data.ts';
import { correctionSetFromLabels, type CorrectionSet, type LabelRow } from '../src/modules/triage/triage.labels.ts';
import { report } from '../src/modules/triage/triage.metrics.ts';
import { composeWorkspaceClassifier } from '../src/modules/triage/triage.model-folder.ts';
import type { Classification } from '../src/modules/triage/triage.models.ts';
import { RETRAIN_EVERY_LABELS } from '../src/modules/triage/triage.schedule.ts';
import { sha256Hex, trainWorkspaceModels } from '../src/modules/triage/triage.training.ts';

export const CURVE_STEPS = [0, 20, 50, 100, 200, 500, 1000, 2000] as const;
const POOL = 2000;
/** Posts after the pool used to choose the adjustment's settings (issue 17): never scored here. */
export const VALIDATION = 2640;

export interface Desk {
  runtime: FastTextRuntime;
  shipped: FastTextClassifier;
}

export interface DeskStep {
  classifier: Classifier;
  /** The adjustment over the shipped model (what the desk uses while no retrain switched). */
  adjusted: AdjustedClassifier;
  retrain: 'none yet' | 'same as shipped' | 'switched' | 'kept';
  /** `decideSwitch`'s reason and mean gain on the held-out labels, when it judged a retrain. */
  reason: string | null;
  gain: number | null;
  learnSeconds: number;
}

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const shippedTypeSha = sha256Hex(readFileSync(path.join(MODEL_DIR, 'type.ftz')));

let retrainWithoutLabels: ReturnType<typeof trainWorkspaceModels> | undefined;
/** The desk's retrain; with no type or sentiment labels it is always the same, so it is trained once. */
function retrain(runtime: FastTextRuntime, corrections: CorrectionSet) {
  const labels = { type: corrections.typeTrain, sentiment: corrections.sentimentTrain };
  if (labels.type.length > 0 || labels.sentiment.length > 0) return trainWorkspaceModels(runtime, labels);
  return (retrainWithoutLabels ??= trainWorkspaceModels(runtime, labels));
}

/** What the desk would classify with after these labels (oldest first), retrain decision included. */
export async function deskAt(desk: Desk, rows: LabelRow[], corrections: CorrectionSet): Promise<DeskStep> {
  const started = process.hrtime.bigint();
  const adjusted = new AdjustedClassifier(desk.shipped, Adjustment.learn(desk.shipped, corrections));
  const learnSeconds = seconds(started);
  const step = { adjusted, learnSeconds };
  if (rows.length < RETRAIN_EVERY_LABELS)
    return { ...step, classifier: adjusted, retrain: 'none yet', reason: null, gain: null };
  const trained = retrain(desk.runtime, corrections);
  // No type or sentiment labels: the retrain rebuilds the shipped model byte for byte, nothing to switch to.
  if (!trained.sentiment && sha256Hex(trained.type.bytes) === shippedTypeSha) {
    return { ...step, classifier: adjusted, retrain: 'same as shipped', reason: null, gain: null };
  }
  const candidate = composeWorkspaceClassifier(
    desk.shipped,
    {
      type: desk.runtime.load(trained.type.bytes),
      sentiment: trained.sentiment ? desk.runtime.load(trained.sentiment.bytes) : undefined,
    },
    corrections,
  );
  const metrics = await compareModels(
    { classifier: adjusted, modelId: null },
    candidate,
    corrections,
    DEFAULT_PRIORITY_POLICY,
  );
  const decision = decideSwitch(metrics);
  return decision.switched
    ? { ...step, classifier: candidate, retrain: 'switched', reason: decision.reason, gain: decision.gain }
    : { ...step, classifier: adjusted, retrain: 'kept', reason: decision.reason, gain: decision.gain };
}

export interface CurvePoint {
  corrections: number;
  /** Complaint F1 of the desk (its split: about ¾ of the labels teach, ¼ judge retrains). */
  complaintF1: number;
  macroF1: number;
  /** Complaint F1 had every label taught the adjustment (no held-out quarter). */
  allLabelsComplaintF1: number;
  retrain: DeskStep['retrain'];
  learnSeconds: number;
}

const isComplaint = (c: Classification) => String(c.complaint ?? c.type === 'complaint');

/** The airline set as one brand's workspace: its complaint labels (complaint = the crowd said negative). */
export async function airlineCurve(desk: Desk): Promise<{ points: CurvePoint[]; testSize: number }> {
  const posts = shuffled(
    airlineTweets().map((t) => ({ text: t.text, complaint: t.sentiment === 'negative' })),
    seededRandom(20261205),
  );
  const pool = posts.slice(0, POOL);
  const test = posts.slice(POOL + VALIDATION);
  // The shipped model's view of each test post, once: each step re-applies an adjustment on top.
  const base = test.map((t) => desk.shipped.classify(t.text));
  const gold = test.map((t) => String(t.complaint));
  const scoreAdjusted = (a: AdjustedClassifier) =>
    report(
      gold,
      base.map((c, i) => isComplaint(a.adjustment.apply(c, test[i]!.text))),
      ['true', 'false'],
    );
  const points: CurvePoint[] = [];
  for (const n of CURVE_STEPS) {
    const rows: LabelRow[] = pool
      .slice(0, n)
      .map((t) => ({ text: t.text, kind: 'complaint', label: String(t.complaint) }));
    const step = await deskAt(desk, rows, correctionSetFromLabels(rows));
    const r =
      step.classifier === step.adjusted
        ? scoreAdjusted(step.adjusted)
        : report(
            gold,
            test.map((t) => isComplaint(step.classifier.classify(t.text))),
            ['true', 'false'],
          );
    const everyLabel = Adjustment.learn(
      desk.shipped,
      correctionSetFromLabels(rows, () => 'train'),
    );
    const all = scoreAdjusted(new AdjustedClassifier(desk.shipped, everyLabel));
    points.push({
      corrections: n,
      complaintF1: r.classes.true!.f1,
      macroF1: r.macroF1,
      allLabelsComplaintF1: all.classes.true!.f1,
      retrain: step.retrain,
      learnSeconds: step.learnSeconds,
    });
  }
  return { points, testSize: test.length };
}
