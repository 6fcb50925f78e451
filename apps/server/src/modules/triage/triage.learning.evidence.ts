/**
 * Two small pieces the workspace adjustment (`triage.adjust.ts`) learns from a brand's labels besides its
 * weights, kept apart because they are plain statistics:
 *
 * - **Word evidence**: per class, the naive Bayes log-count ratio of each hashed word uni/bigram (how much more
 *   often labels of that class carry it than the others; Wang & Manning, 2012, "Baselines and bigrams"). Summed
 *   over a post's words it is one feature per class that a few hundred labels estimate well, where a weight per
 *   word needs many more. A training row's own evidence comes from the other folds (out of fold), or the layer
 *   would learn to trust evidence that already contains the row's answer.
 * - **The complaint threshold** that gives the best complaint F1 on out-of-fold answers.
 */

/** Hashed word bucket → log-count ratio per evidence feature. */
export type EvidenceTable = Map<number, number[]>;

/** Add-one smoothing: a word seen once with one class is evidence, not proof. */
const SMOOTHING = 1;
const EVIDENCE_FOLDS = 5;

export interface EvidenceRow {
  sparse: number[];
  y: number;
}

/** One feature per class, except two classes: one feature (the second is its mirror). */
export const evidenceSize = (classCount: number) => (classCount === 2 ? 1 : classCount);

/** Per bucket: how many rows of each evidence class carry it, then how many rows in all. */
interface Counts {
  rows: number;
  docs: number[];
  buckets: Map<number, number[]>;
}

function count(rows: readonly EvidenceRow[], size: number): Counts {
  const counts: Counts = { rows: rows.length, docs: Array.from({ length: size }, () => 0), buckets: new Map() };
  for (const row of rows) {
    if (row.y < size) counts.docs[row.y]!++;
    for (const f of row.sparse) {
      let c = counts.buckets.get(f);
      if (!c) counts.buckets.set(f, (c = Array.from({ length: size + 1 }, () => 0)));
      if (row.y < size) c[row.y]!++;
      c[size]!++; // every row, whatever its class
    }
  }
  return counts;
}

/** The smoothed log ratio of a word's rate in class k's rows to its rate in the other rows. */
function logRatio(withWord: number, withWordAll: number, inClass: number, rows: number): number {
  const inK = (withWord + SMOOTHING) / (inClass + 2 * SMOOTHING);
  const outsideK = (withWordAll - withWord + SMOOTHING) / (rows - inClass + 2 * SMOOTHING);
  return Math.log(inK / outsideK);
}

export function evidenceTable(rows: readonly EvidenceRow[], classCount: number): EvidenceTable {
  const { rows: n, docs, buckets } = count(rows, evidenceSize(classCount));
  const table: EvidenceTable = new Map();
  for (const [f, c] of buckets) {
    table.set(
      f,
      docs.map((inClass, k) => logRatio(c[k]!, c[docs.length]!, inClass, n)),
    );
  }
  return table;
}

/** A post's evidence per feature: the mean log ratio of its words (per √words), squashed into (-1, 1). */
export function evidenceOf(table: EvidenceTable, sparse: readonly number[], size: number): number[] {
  const sums = Array.from({ length: size }, () => 0);
  for (const f of sparse) {
    const r = table.get(f);
    if (r) for (let k = 0; k < size; k++) sums[k]! += r[k]!;
  }
  return squash(sums, sparse.length);
}

const squash = (sums: number[], words: number) => sums.map((s) => Math.tanh(s / Math.sqrt(Math.max(words, 1))));

/**
 * Each row's evidence from the counts of the other folds (folds by position: the caller's order is fixed):
 * all rows' counts minus its fold's, so no table is built per fold.
 */
export function outOfFoldEvidence(rows: readonly EvidenceRow[], classCount: number): number[][] {
  const size = evidenceSize(classCount);
  const all = count(rows, size);
  const folds = Array.from({ length: EVIDENCE_FOLDS }, (_, fold) =>
    count(
      rows.filter((_, i) => i % EVIDENCE_FOLDS === fold),
      size,
    ),
  );
  return rows.map((row, i) => {
    const fold = folds[i % EVIDENCE_FOLDS]!;
    const n = all.rows - fold.rows;
    const docs = all.docs.map((d, k) => d - fold.docs[k]!);
    const sums = Array.from({ length: size }, () => 0);
    for (const f of row.sparse) {
      const c = all.buckets.get(f)!;
      const own = fold.buckets.get(f)!; // the row itself is in its fold: never undefined
      const withWordAll = c[size]! - own[size]!;
      if (withWordAll === 0) continue; // only its fold has the word: no evidence, as with a built table
      for (let k = 0; k < size; k++) sums[k]! += logRatio(c[k]! - own[k]!, withWordAll, docs[k]!, n);
    }
    return squash(sums, row.sparse.length);
  });
}

/**
 * The complaint flag's threshold. One half is right for accuracy, but complaint F1 (an unhappy customer
 * missed costs more than one extra complaint) is best lower: for calibrated probabilities at half the best F1
 * (Lipton et al., 2014), so never above one half. Chosen on out-of-fold answers, and only once there are
 * MIN_THRESHOLD_EACH of each answer; below that, one half.
 */
export const THRESHOLD_CANDIDATES = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5] as const;
export const MIN_THRESHOLD_EACH = 30;

/** The candidate with the best F1 of the positive answer (ties: the one nearest one half). */
export function f1Threshold(outOfFold: readonly { p: number; positive: boolean }[]): number {
  const positives = outOfFold.filter((o) => o.positive).length;
  if (positives < MIN_THRESHOLD_EACH || outOfFold.length - positives < MIN_THRESHOLD_EACH) return 0.5;
  let best = { threshold: 0.5, f1: -1 };
  for (const threshold of [...THRESHOLD_CANDIDATES].reverse()) {
    let truePositives = 0;
    let predicted = 0;
    for (const o of outOfFold) {
      if (o.p < threshold) continue;
      predicted++;
      if (o.positive) truePositives++;
    }
    const f1 = (2 * truePositives) / (predicted + positives);
    if (f1 > best.f1 + 1e-9) best = { threshold, f1 };
  }
  return best.threshold;
}
