/**
 * One head of the workspace adjustment (`triage.adjust.ts`): a softmax over one output's classes whose logits
 * start at the base model's log-probabilities, and the SGD that learns its layer from labels. Deterministic:
 * same rows, same weights (fixed order, seeded shuffles, no threads).
 */
import { seededRandom, shuffled } from './triage.data.ts';
import { evidenceSize, type EvidenceTable } from './triage.learning.evidence.ts';

const EPOCHS = 12;
const LEARNING_RATE = 0.15;
const L2 = 1e-3;
const SEED = 20261205;
/**
 * The guard: how much of the learned layer applies (0 = the base model, 1 = all of it) is chosen by 3-fold
 * cross-validation on the workspace's own training labels, so labels the layer cannot generalise from (a few
 * skewed or noisy ones) leave the base model nearly as it was instead of shifting every post.
 */
const SHRINK_CANDIDATES = [0, 0.25, 0.5, 0.75, 1] as const;
const SHRINK_FOLDS = 3;
/**
 * The bound: what moves every post (the prior shift and the weights on the base's own scores) applies at
 * n / (n + this) of what n labels learned, so a few skewed labels stay a nudge (66 synthetic ones took the
 * airline check from 0.72 to 0.12 before the guard). Word weights are not bound: they only touch posts with
 * those words, which is how 20 labels teach a brand's own vocabulary.
 */
const GLOBAL_PSEUDO_LABELS = 1000;
/** Cross-validation reads at most this many labels (seeded sample): the choice is stable well before. */
const SHRINK_SAMPLE = 600;

export interface Head {
  classes: readonly string[];
  /** The share of the learned layer that applies (cross-validated); 1 while training. */
  shrink: number;
  /** The share of the bias and dense weights (what moves every post) that n labels earn; 1 while training. */
  globalShrink: number;
  bias: number[];
  /** dense[j][k]: weight of base feature j for class k. */
  dense: number[][];
  /** Hashed n-gram bucket → weight per class. */
  sparse: Map<number, number[]>;
  /** Word evidence learned from the labels (null: an adjustment written before it) and its weights. */
  evidence: EvidenceTable | null;
  /** evidenceWeights[j][k]: weight of evidence feature j for class k. */
  evidenceWeights: number[][];
  /** The complaint head's decision threshold on P(complaint); one half elsewhere. */
  threshold: number;
}

export function newHead(classes: readonly string[], denseSize: number, evidence: EvidenceTable | null): Head {
  return {
    classes,
    shrink: 1,
    globalShrink: 1,
    bias: classes.map(() => 0),
    dense: Array.from({ length: denseSize }, () => classes.map(() => 0)),
    sparse: new Map(),
    evidence,
    evidenceWeights: Array.from({ length: evidenceSize(classes.length) }, () => classes.map(() => 0)),
    threshold: 0.5,
  };
}

/** What a head reads of one post: the base model's view, its words, and their evidence for this head. */
export interface Features {
  prior: number[];
  dense: number[];
  sparse: number[];
  evidence: number[];
}

export interface TrainingRow extends Features {
  y: number;
}

export const wordScale = (f: Features) => 1 / Math.sqrt(Math.max(f.sparse.length, 1));

/**
 * The prior (base model) plus the learned layer. What moves every post (bias, dense) is bounded by
 * globalShrink; what only moves posts with given words (word weights, word evidence) is not.
 */
export function probabilities(head: Head, f: Features): number[] {
  const scale = wordScale(f);
  const logits = head.classes.map((_, k) => {
    let global = head.bias[k]!;
    for (let j = 0; j < f.dense.length; j++) global += head.dense[j]![k]! * f.dense[j]!;
    let words = 0;
    for (const b of f.sparse) words += (head.sparse.get(b)?.[k] ?? 0) * scale;
    for (let j = 0; j < f.evidence.length; j++) words += head.evidenceWeights[j]![k]! * f.evidence[j]!;
    return f.prior[k]! + head.shrink * (head.globalShrink * global + words);
  });
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** One SGD step of a dense weight table towards the gradient g of class k, with L2 towards zero. */
function step(weights: number[][], values: number[], k: number, g: number, rate: number): void {
  for (let j = 0; j < values.length; j++) {
    const w = weights[j]!;
    w[k]! -= rate * (g * values[j]! + L2 * w[k]!);
  }
}

export function trainHead(head: Head, rows: TrainingRow[], wordsOnly = false): void {
  const random = seededRandom(SEED);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const rate = LEARNING_RATE / (1 + epoch * 0.3);
    for (const row of shuffled(rows, random)) {
      const scale = wordScale(row);
      const p = probabilities(head, row);
      for (let k = 0; k < head.classes.length; k++) {
        const g = p[k]! - (k === row.y ? 1 : 0);
        if (!wordsOnly) {
          head.bias[k]! -= rate * (g + L2 * head.bias[k]!);
          step(head.dense, row.dense, k, g, rate);
        }
        step(head.evidenceWeights, row.evidence, k, g, rate);
        for (const f of row.sparse) {
          let w = head.sparse.get(f);
          if (!w) head.sparse.set(f, (w = head.classes.map(() => 0)));
          w[k]! -= rate * (g * scale + L2 * w[k]!);
        }
      }
    }
  }
}

/**
 * Learns everything, bounds what moves every post to n / (n + GLOBAL_PSEUDO_LABELS), then lets the word weights
 * learn what the bound took away (only posts with those words move: 20 labels still teach a brand's word).
 */
export function fitBounded(head: Head, rows: TrainingRow[], labels = rows.length): void {
  trainHead(head, rows);
  head.globalShrink = labels / (labels + GLOBAL_PSEUDO_LABELS);
  trainHead(head, rows, true);
}

export const logLoss = (head: Head, row: TrainingRow) => -Math.log(Math.max(probabilities(head, row)[row.y]!, 1e-9));

/** What 3-fold cross-validation on the training labels chose for one head. */
export interface CrossValidated {
  shrink: number;
  /** Out-of-fold probability of the first class and the gold answer, at the chosen share. */
  outOfFold: { p: number; positive: boolean }[];
}

/** The share of the layer that held-out folds of the labels support best (ties: the smaller share). */
export function crossValidate(classes: readonly string[], rows: TrainingRow[]): CrossValidated {
  const sample = rows.length > SHRINK_SAMPLE ? shuffled(rows, seededRandom(SEED + 1)).slice(0, SHRINK_SAMPLE) : rows;
  const loss = SHRINK_CANDIDATES.map(() => 0);
  const folds: { head: Head; held: TrainingRow[] }[] = [];
  for (let fold = 0; fold < SHRINK_FOLDS; fold++) {
    const held = sample.filter((_, i) => i % SHRINK_FOLDS === fold);
    const head = newHead(classes, sample[0]!.dense.length, null);
    // Bound as the final head will be (all the labels), so the folds judge the layer that will apply.
    fitBounded(
      head,
      sample.filter((_, i) => i % SHRINK_FOLDS !== fold),
      rows.length,
    );
    SHRINK_CANDIDATES.forEach((shrink, c) => {
      head.shrink = shrink;
      for (const row of held) loss[c]! += logLoss(head, row);
    });
    folds.push({ head, held });
  }
  let best = 0;
  for (let c = 1; c < SHRINK_CANDIDATES.length; c++) if (loss[c]! < loss[best]! - 1e-9) best = c;
  const shrink = SHRINK_CANDIDATES[best]!;
  const outOfFold = folds.flatMap(({ head, held }) => {
    head.shrink = shrink;
    return held.map((row) => ({ p: probabilities(head, row)[0]!, positive: row.y === 0 }));
  });
  return { shrink, outOfFold };
}
