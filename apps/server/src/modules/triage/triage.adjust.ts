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
import type { Example } from './triage.data.ts';
import type { CorrectionSet } from './triage.labels.ts';
import { evidenceOf, evidenceSize, evidenceTable, f1Threshold, outOfFoldEvidence } from './triage.learning.evidence.ts';
import {
  crossValidate,
  fitBounded,
  newHead,
  probabilities,
  type Head,
  type TrainingRow,
} from './triage.learning.head.ts';
import { MESSAGE_TYPES, SENTIMENTS, type Classification, type MessageType } from './triage.models.ts';

const BUCKETS = 1 << 18;
/** Below this many labels for an output, its head stays as the base model says. */
export const MIN_LABELS_PER_HEAD = 3;
const COMPLAINT = ['true', 'false'] as const;
const CUE_IDS = URGENCY_CUES.map((c) => c.id);

export interface SerializedAdjustment {
  version: 1;
  heads: Record<
    string,
    // Absent in older adjustments: `shrink`, `globalShrink` (the whole layer applies), `threshold` (one half),
    // `evidence` (no word evidence; decision 0017).
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
    // Field by field: on Node 20, a property added after a spread costs about a microsecond per message.
    const out: Classification = {
      type: c.type,
      sentiment: c.sentiment,
      language: c.language,
      urgency: c.urgency,
      complaint: c.complaint,
      scores: { ...c.scores },
    };
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

  /** The complaint head's threshold, once labels taught one. */
  complaintThreshold(): number | undefined {
    return this.heads.get('complaint')?.threshold;
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

  get complaintThreshold(): number {
    return this.adjustment.complaintThreshold() ?? this.base.complaintThreshold;
  }

  // X's language tag goes on to the base model, which then skips language detection.
  classify(text: string, languageHint?: string): Classification {
    return this.adjustment.apply(this.base.classify(text, languageHint), text);
  }
}
