/**
 * The per-workspace adjustment: a small layer over a base classifier (shipped or retrained) learned from the
 * workspace's labels in milliseconds, so the first corrections already change results, before any retrain.
 *
 * Each output (type, sentiment, complaint) is a softmax whose logits start as the base model's own
 * log-probabilities; on top come a learned bias per class (prior shift: "here, more posts are complaints"),
 * weights on the base scores and urgency cues (e.g. "negative means complaint here") and on hashed word
 * uni/bigrams (the brand's own vocabulary). Every learned weight starts at zero and is pulled back to zero
 * (L2), so with no labels the layer is the base model, and with few it moves only as far as they say.
 * Deterministic: same labels and base, same weights (fixed order, seeded shuffles, no threads).
 */
import { createHash } from 'node:crypto';
import type { Classifier, FastTextClassifier } from './classifier.ts';
import { URGENCY_CUES } from './cues.ts';
import { normalise } from './text.ts';
import { seededRandom, shuffled, type Example } from './triage.data.ts';
import type { CorrectionSet } from './triage.labels.ts';
import {
  evidenceOf,
  evidenceSize,
  evidenceTable,
  f1Threshold,
  outOfFoldEvidence,
  type EvidenceTable,
} from './triage.learning.evidence.ts';
import { MESSAGE_TYPES, SENTIMENTS, type Classification, type MessageType } from './triage.models.ts';

const BUCKETS = 1 << 18;
const EPOCHS = 12;
const LEARNING_RATE = 0.15;
const L2 = 1e-3;
const SEED = 20261205;
/** Below this many labels for an output, its head stays as the base model says. */
export const MIN_LABELS_PER_HEAD = 3;
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
const COMPLAINT = ['true', 'false'] as const;
const CUE_IDS = URGENCY_CUES.map((c) => c.id);

interface Head {
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

export interface SerializedAdjustment {
  version: 1;
  heads: Record<
    string,
    // `shrink`, `globalShrink` absent (an adjustment written before the guard): the whole layer applies.
    {
      classes: string[];
      shrink?: number;
      globalShrink?: number;
      threshold?: number;
      bias: number[];
      dense: number[][];
      sparse: [number, number[]][];
      evidence?: [number, number[]][];
      evidenceWeights?: number[][];
    }
  >;
  /** sha256 of a normalised text → its labels: a post seen before gets the label agents gave it. */
  memory: [string, Record<string, string>][];
  labels: Record<string, number>;
}

const clampLog = (p: number) => Math.log(Math.min(Math.max(p, 1e-4), 1 - 1e-4));

function hashToken(token: string): number {
  // FNV-1a, 32 bits: fast and stable across runs and machines.
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/**
 * Words nearly every post has (the brand's handle, "my", "le"…, punctuation): a weight on them would move every
 * post like a prior shift, which the bound keeps for the bias. They are left out alone and in pairs of two.
 */
const COMMON = new Set(
  `@user _url_ ! ? . , : ; ( ) " ' - … i me my you your u it its is are was be been am the a an and or but to of in
  on at for with from this that so just have has had do not no we our they he she je j' me m' mon ma mes tu te t' il
  elle on nous vous votre vos le la l' les un une des de d' du et ou mais à au aux en pour par sur dans avec ce c'
  ça est suis pas ne n' qui que qu' se s'`.split(/\s+/),
);

/** Word unigrams and bigrams of the normalised text, each bucket once (common words only inside pairs). */
function sparseFeatures(normalised: string): number[] {
  const words = normalised.split(' ').filter(Boolean);
  const buckets = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const common = COMMON.has(words[i]!);
    if (!common) buckets.add(hashToken(`u:${words[i]}`));
    if (i > 0 && !(common && COMMON.has(words[i - 1]!))) buckets.add(hashToken(`b:${words[i - 1]} ${words[i]}`));
  }
  return [...buckets];
}

const memoryKey = (normalised: string) => createHash('sha256').update(normalised).digest('hex');

/** What the base model says, as features every head reads. */
interface BaseView {
  dense: number[];
  prior: Record<string, number[]>;
}

function baseView(c: Classification): BaseView {
  const typeLogs = MESSAGE_TYPES.map((t) => clampLog(c.scores.type[t]));
  const sentimentLogs = SENTIMENTS.map((s) => clampLog(c.scores.sentiment[s]));
  const cues = CUE_IDS.map((id) => (c.urgency.includes(id) ? 1 : 0));
  // The base complaint decision (after the classifier's own rules) leans its probability past one half.
  const raw = c.scores.complaint ?? c.scores.type.complaint;
  const pComplaint = c.type === 'complaint' ? Math.max(raw, 0.6) : Math.min(raw, 0.4);
  return {
    // Probabilities, not logs: bounded features keep small-sample SGD steady.
    dense: [
      ...MESSAGE_TYPES.map((t) => c.scores.type[t]),
      ...SENTIMENTS.map((s) => c.scores.sentiment[s]),
      ...cues,
      c.type === 'complaint' ? 1 : 0,
    ],
    prior: {
      type: typeLogs,
      sentiment: sentimentLogs,
      complaint: [clampLog(pComplaint), clampLog(1 - pComplaint)],
    },
  };
}

function newHead(classes: readonly string[], denseSize: number, evidence: EvidenceTable | null): Head {
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
interface Features {
  prior: number[];
  dense: number[];
  sparse: number[];
  evidence: number[];
}

interface TrainingRow extends Features {
  y: number;
}

const wordScale = (f: Features) => 1 / Math.sqrt(Math.max(f.sparse.length, 1));

/**
 * The prior (base model) plus the learned layer. What moves every post (bias, dense) is bounded by
 * globalShrink; what only moves posts with given words (word weights, word evidence) is not.
 */
function probabilities(head: Head, f: Features): number[] {
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

function trainHead(head: Head, rows: TrainingRow[], wordsOnly = false): void {
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
function fitBounded(head: Head, rows: TrainingRow[], labels = rows.length): void {
  trainHead(head, rows);
  head.globalShrink = labels / (labels + GLOBAL_PSEUDO_LABELS);
  trainHead(head, rows, true);
}

const logLoss = (head: Head, row: TrainingRow) => -Math.log(Math.max(probabilities(head, row)[row.y]!, 1e-9));

/** What 3-fold cross-validation on the training labels chose for one head. */
interface CrossValidated {
  shrink: number;
  /** Out-of-fold probability of the first class and the gold answer, at the chosen share. */
  outOfFold: { p: number; positive: boolean }[];
}

/** The share of the layer that held-out folds of the labels support best (ties: the smaller share). */
function crossValidate(classes: readonly string[], rows: TrainingRow[]): CrossValidated {
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

export class Adjustment {
  private constructor(
    private readonly heads: Map<string, Head>,
    private readonly memory: Map<string, Record<string, string>>,
    readonly labels: Record<string, number>,
  ) {}

  static empty(): Adjustment {
    return new Adjustment(new Map(), new Map(), {});
  }

  /** Learns the layer over `base` from the training side of a correction set. */
  static learn(base: Classifier, corrections: CorrectionSet): Adjustment {
    const views = new Map<string, { view: BaseView; sparse: number[] }>();
    const viewOf = (text: string) => {
      let v = views.get(text);
      if (!v) views.set(text, (v = { view: baseView(base.classify(text)), sparse: sparseFeatures(normalise(text)) }));
      return v;
    };
    const heads = new Map<string, Head>();
    const memory = new Map<string, Record<string, string>>();
    const sets: [string, readonly string[], Example[]][] = [
      ['type', MESSAGE_TYPES, corrections.typeTrain],
      ['sentiment', SENTIMENTS, corrections.sentimentTrain],
      ['complaint', COMPLAINT, corrections.complaintTrain],
    ];
    const labels: Record<string, number> = {};
    for (const [name, classes, examples] of sets) {
      labels[name] = examples.length;
      for (const e of examples) {
        const key = memoryKey(normalise(e.text));
        memory.set(key, { ...memory.get(key), [name]: e.label });
      }
      if (examples.length < MIN_LABELS_PER_HEAD) continue;
      const labelled = examples.map((e) => ({ ...viewOf(e.text), y: classes.indexOf(e.label) }));
      const outOfFold = outOfFoldEvidence(labelled, classes.length);
      const rows: TrainingRow[] = labelled.map(({ view, sparse, y }, i) => ({
        prior: view.prior[name]!,
        dense: view.dense,
        sparse,
        evidence: outOfFold[i]!,
        y,
      }));
      const head = newHead(classes, rows[0]!.dense.length, evidenceTable(labelled, classes.length));
      fitBounded(head, rows);
      const cv = crossValidate(classes, rows);
      head.shrink = cv.shrink;
      if (name === 'complaint') head.threshold = f1Threshold(cv.outOfFold);
      heads.set(name, head);
    }
    return new Adjustment(heads, memory, labels);
  }

  get isEmpty(): boolean {
    return this.heads.size === 0 && this.memory.size === 0;
  }

  /** The base classification, adjusted; the type always agrees with the complaint flag. */
  apply(c: Classification, text: string): Classification {
    if (this.isEmpty) return c;
    const view = baseView(c);
    // Normalised once: the n-grams and the memory key both read it.
    const normalised = normalise(text);
    const sparse = sparseFeatures(normalised);
    const remembered = this.memory.size > 0 ? this.memory.get(memoryKey(normalised)) : undefined;
    const scoresOf = (name: string): number[] | null => {
      const head = this.heads.get(name);
      if (!head) return null;
      const evidence = head.evidence ? evidenceOf(head.evidence, sparse, evidenceSize(head.classes.length)) : [];
      return probabilities(head, { prior: view.prior[name]!, dense: view.dense, sparse, evidence });
    };
    const round = (p: number) => Math.round(p * 1000) / 1000;
    const out: Classification = { ...c, scores: { ...c.scores } };
    const typeP = scoresOf('type');
    if (typeP) out.scores.type = Object.fromEntries(MESSAGE_TYPES.map((t, i) => [t, round(typeP[i]!)])) as never;
    const sentimentP = scoresOf('sentiment');
    if (sentimentP) {
      out.scores.sentiment = Object.fromEntries(SENTIMENTS.map((s, i) => [s, round(sentimentP[i]!)])) as never;
    }
    out.sentiment = (remembered?.sentiment as Classification['sentiment']) ?? argmax(SENTIMENTS, out.scores.sentiment);
    let type = (remembered?.type as MessageType) ?? (typeP ? argmax(MESSAGE_TYPES, out.scores.type) : c.type);
    const complaintP = scoresOf('complaint');
    const complaintScore = complaintP ? complaintP[0]! : type === 'complaint' ? 1 : 0;
    const complaint = remembered?.complaint
      ? remembered.complaint === 'true'
      : remembered?.type
        ? type === 'complaint'
        : complaintP
          ? complaintScore >= (this.heads.get('complaint')?.threshold ?? 0.5)
          : type === 'complaint';
    if (complaint) type = 'complaint';
    else if (type === 'complaint') type = argmax(['question', 'praise', 'other'] as const, out.scores.type);
    out.type = type;
    out.complaint = complaint;
    out.scores.complaint = round(complaintScore);
    return out;
  }

  toJSON(): SerializedAdjustment {
    const heads: SerializedAdjustment['heads'] = {};
    for (const [name, h] of this.heads) {
      heads[name] = {
        classes: [...h.classes],
        shrink: h.shrink,
        globalShrink: h.globalShrink,
        threshold: h.threshold,
        bias: h.bias,
        dense: h.dense,
        sparse: [...h.sparse.entries()].sort((a, b) => a[0] - b[0]),
        ...(h.evidence ? { evidence: [...h.evidence.entries()], evidenceWeights: h.evidenceWeights } : {}),
      };
    }
    return { version: 1, heads, memory: [...this.memory.entries()].sort(), labels: this.labels };
  }

  static fromJSON(json: SerializedAdjustment): Adjustment {
    if (json.version !== 1) throw new Error(`adjustment version ${String(json.version)} is not supported`);
    const heads = new Map<string, Head>();
    for (const [name, h] of Object.entries(json.heads)) {
      heads.set(name, {
        classes: h.classes,
        shrink: h.shrink ?? 1,
        globalShrink: h.globalShrink ?? 1,
        threshold: h.threshold ?? 0.5,
        bias: h.bias,
        dense: h.dense,
        sparse: new Map(h.sparse),
        evidence: h.evidence ? new Map(h.evidence) : null,
        evidenceWeights: h.evidenceWeights ?? [],
      });
    }
    return new Adjustment(heads, new Map(json.memory), json.labels);
  }
}

function argmax<K extends string>(keys: readonly K[], scores: Record<K, number>): K {
  let top = keys[0]!;
  for (const k of keys) if (scores[k] > scores[top]) top = k;
  return top;
}

/** A base classifier with a workspace's adjustment on top: what the desk and the offline tools classify with. */
export class AdjustedClassifier implements Classifier {
  constructor(
    readonly base: FastTextClassifier,
    readonly adjustment: Adjustment,
  ) {}

  /** The same, with a workspace's own cue words (or a draft's) added to the built-in ones. */
  withExtraCues(extraCues: ((text: string) => string[]) | undefined): AdjustedClassifier {
    return new AdjustedClassifier(this.base.withExtraCues(extraCues), this.adjustment);
  }

  classify(text: string): Classification {
    return this.adjustment.apply(this.base.classify(text), text);
  }
}
