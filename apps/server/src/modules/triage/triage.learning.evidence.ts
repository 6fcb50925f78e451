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

export function evidenceTable(rows: readonly EvidenceRow[], classCount: number): EvidenceTable {
  const size = evidenceSize(classCount);
  const docs = Array.from({ length: size }, () => 0);
  const counts = new Map<number, number[]>();
  for (const row of rows) {
    if (row.y < size) docs[row.y]!++;
    for (const f of row.sparse) {
      let c = counts.get(f);
      if (!c) counts.set(f, (c = Array.from({ length: size + 1 }, () => 0)));
      if (row.y < size) c[row.y]!++;
      c[size]!++; // every row, whatever its class
    }
  }
  const table: EvidenceTable = new Map();
  for (const [f, c] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
    table.set(
      f,
      docs.map((inClass, k) => {
        const withK = (c[k]! + SMOOTHING) / (inClass + 2 * SMOOTHING);
        const withoutK = (c[size]! - c[k]! + SMOOTHING) / (rows.length - inClass + 2 * SMOOTHING);
        return Math.log(withK / withoutK);
      }),
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
  const scale = 1 / Math.sqrt(Math.max(sparse.length, 1));
  return sums.map((s) => Math.tanh(s * scale));
}

/** Each row's evidence from a table built without its fold (folds by position: the caller's order is fixed). */
export function outOfFoldEvidence(rows: readonly EvidenceRow[], classCount: number): number[][] {
  const size = evidenceSize(classCount);
  const out: number[][] = rows.map(() => []);
  for (let fold = 0; fold < EVIDENCE_FOLDS; fold++) {
    const table = evidenceTable(
      rows.filter((_, i) => i % EVIDENCE_FOLDS !== fold),
      classCount,
    );
    rows.forEach((row, i) => {
      if (i % EVIDENCE_FOLDS === fold) out[i] = evidenceOf(table, row.sparse, size);
    });
  }
  return out;
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
