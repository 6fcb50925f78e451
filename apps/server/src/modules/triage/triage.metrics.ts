/** Precision, recall and F1 per class, and their macro average: the figures the offline tools and bench print. */

export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Report {
  n: number;
  accuracy: number;
  macroF1: number;
  classes: Record<string, ClassFigures>;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Precision, recall and F1 of one class, unrounded (benchmarks average them). */
export function classRates(gold: readonly string[], predicted: readonly string[], label: string) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    if (predicted[i] === label && gold[i] === label) tp++;
    else if (predicted[i] === label) fp++;
    else if (gold[i] === label) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

export function classFigures(gold: readonly string[], predicted: readonly string[], label: string): ClassFigures {
  const { precision, recall, f1, support } = classRates(gold, predicted, label);
  return { precision: round(precision), recall: round(recall), f1: round(f1), support };
}

/** Macro-F1 averages the classes that occur in the gold or the predicted labels (as scikit-learn does). */
export function report(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): Report {
  const classes = Object.fromEntries(labels.map((l) => [l, classFigures(gold, predicted, l)]));
  const present = labels.filter((l) => classes[l]!.support > 0 || predicted.includes(l));
  const macro = present.length ? present.reduce((a, l) => a + classes[l]!.f1, 0) / present.length : 0;
  const right = gold.filter((g, i) => predicted[i] === g).length;
  return { n: gold.length, accuracy: gold.length ? round(right / gold.length) : 0, macroF1: round(macro), classes };
}
