/**
 * `guichet triage train` and `guichet triage evaluate`: the desk's own retraining, run on a labelled JSONL
 * file instead of the agents' corrections (same split, same examples, same seeds, same adjustment layer).
 */
import { readFile } from 'node:fs/promises';
import type { Classifier, FastTextClassifier } from './classifier.ts';
import type { FastTextRuntime } from './fasttext.ts';
import { seededRandom, shuffled } from './triage.data.ts';
import {
  correctionSetFromLabels,
  LabelFileError,
  parseLabelsJsonl,
  type CorrectionSet,
  type LabelRow,
} from './triage.labels.ts';
import { report, type Report } from './triage.metrics.ts';
import { trainWorkspaceClassifier, writeModelFolder } from './triage.model-folder.ts';
import { MESSAGE_TYPES, SENTIMENTS } from './triage.models.ts';
import { TRIAGE_SEED } from './triage.training.ts';

export async function readLabelFile(file: string): Promise<LabelRow[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new LabelFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const rows = parseLabelsJsonl(content);
  if (rows.length === 0) throw new LabelFileError(`${file} holds no labels`);
  return rows;
}

export interface Runtime {
  runtime: FastTextRuntime;
  shipped: FastTextClassifier;
}

/** `triage train`: builds the folder the desk's retrain would have produced from these labels. */
export async function trainCommand(deps: Runtime, labels: LabelRow[], folder: string) {
  const corrections = correctionSetFromLabels(labels);
  const { trained, classifier } = trainWorkspaceClassifier(deps.runtime, deps.shipped, corrections);
  return writeModelFolder(folder, trained, classifier, corrections);
}

const OUTPUTS = {
  type: { labels: MESSAGE_TYPES, pick: (c: ReturnType<Classifier['classify']>) => c.type as string },
  sentiment: { labels: SENTIMENTS, pick: (c: ReturnType<Classifier['classify']>) => c.sentiment as string },
  complaint: {
    labels: ['true', 'false'],
    pick: (c: ReturnType<Classifier['classify']>) => String(c.complaint ?? c.type === 'complaint'),
  },
} as const;
type Output = keyof typeof OUTPUTS;

/** Gold and predicted labels per output, for the texts a correction set holds out. */
function scoreHeldOut(
  classifier: Classifier,
  set: CorrectionSet,
  into: Record<Output, { gold: string[]; predicted: string[] }>,
) {
  const held: Record<Output, { text: string; label: string }[]> = {
    type: set.typeHeldOut,
    sentiment: set.sentimentHeldOut,
    complaint: set.complaintHeldOut,
  };
  const cache = new Map<string, ReturnType<Classifier['classify']>>();
  for (const output of Object.keys(OUTPUTS) as Output[]) {
    for (const e of held[output]) {
      let c = cache.get(e.text);
      if (!c) cache.set(e.text, (c = classifier.classify(e.text)));
      into[output].gold.push(e.label);
      into[output].predicted.push(OUTPUTS[output].pick(c));
    }
  }
}

const emptyPairs = (): Record<Output, { gold: string[]; predicted: string[] }> => ({
  type: { gold: [], predicted: [] },
  sentiment: { gold: [], predicted: [] },
  complaint: { gold: [], predicted: [] },
});

function reports(pairs: Record<Output, { gold: string[]; predicted: string[] }>): Partial<Record<Output, Report>> {
  const out: Partial<Record<Output, Report>> = {};
  for (const output of Object.keys(OUTPUTS) as Output[]) {
    const { gold, predicted } = pairs[output];
    if (gold.length > 0) out[output] = report(gold, predicted, OUTPUTS[output].labels);
  }
  return out;
}

export interface Evaluation {
  folds: number;
  texts: number;
  /** k-fold cross-validation: each text predicted by a model trained on the other folds. */
  crossValidation: Partial<Record<Output, Report>>;
  /** The desk's own split (a hash of the text): trained on one side, scored on the held-out side. */
  deskSplit: Partial<Record<Output, Report>>;
}

/** `triage evaluate`: k-fold cross-validation of the desk's training, and the desk's own held-out figures. */
export async function evaluateCommand(
  deps: Runtime,
  labels: LabelRow[],
  folds: number,
  progress: (line: string) => void = () => undefined,
): Promise<Evaluation> {
  const texts = [...new Set(labels.map((l) => l.text))].sort();
  if (texts.length < folds) throw new LabelFileError(`${folds} folds need at least ${folds} distinct texts`);
  const foldOf = new Map(shuffled(texts, seededRandom(TRIAGE_SEED + 7)).map((t, i) => [t, i % folds]));
  const cv = emptyPairs();
  for (let fold = 0; fold < folds; fold++) {
    const set = correctionSetFromLabels(labels, (text) => (foldOf.get(text) === fold ? 'heldout' : 'train'));
    const { classifier } = trainWorkspaceClassifier(deps.runtime, deps.shipped, set);
    scoreHeldOut(classifier, set, cv);
    progress(`fold ${fold + 1}/${folds} done`);
  }
  const deskSet = correctionSetFromLabels(labels);
  const desk = emptyPairs();
  scoreHeldOut(trainWorkspaceClassifier(deps.runtime, deps.shipped, deskSet).classifier, deskSet, desk);
  return { folds, texts: texts.length, crossValidation: reports(cv), deskSplit: reports(desk) };
}

/** The human table: one block per output, per-class precision / recall / F1, then macro-F1. */
export function formatEvaluation(e: Evaluation): string[] {
  const lines = [`${e.folds}-fold cross-validation over ${e.texts} labelled texts`];
  for (const [output, r] of Object.entries(e.crossValidation)) {
    lines.push(
      '',
      `${output} (n=${r.n}, accuracy ${r.accuracy.toFixed(3)})`,
      'class       precision  recall  F1      support',
    );
    for (const [label, f] of Object.entries(r.classes)) {
      lines.push(
        `${label.padEnd(11)} ${f.precision.toFixed(3).padStart(9)}  ${f.recall.toFixed(3).padStart(6)}  ${f.f1.toFixed(3).padStart(6)}  ${String(f.support).padStart(7)}`,
      );
    }
    lines.push(`macro-F1    ${r.macroF1.toFixed(3)}`);
  }
  for (const [output, r] of Object.entries(e.deskSplit)) {
    lines.push(`desk split, ${output}: n=${r.n}, accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macroF1.toFixed(4)}`);
  }
  return lines;
}
