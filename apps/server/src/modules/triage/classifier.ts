import { fileURLToPath } from 'node:url';
import { detectCues, isInformationRequest } from './cues.ts';
import { FastTextRuntime, lidModelPath, type FastTextModel } from './fasttext.ts';
import { features, sentimentFeaturesOf } from './text.ts';
import { MESSAGE_TYPES, SENTIMENTS, type Classification, type MessageType, type Sentiment } from './triage.models.ts';

/** The shipped models, rebuilt by `npm run train:triage` (see model/MODEL.md). */
export const MODEL_DIR = fileURLToPath(new URL('./model/', import.meta.url));

export interface Classifier {
  /**
   * `languageHint`: the post's language when its source already gives one (X's `lang`); a plain ISO 639 code
   * is taken as is and lid.176 is skipped (its most expensive step), anything else ("und", "qme", "zxx") is not.
   */
  classify(text: string, languageHint?: string): Classification;
  /** The `scores.complaint` from which a post is called a complaint: where the model is least sure. */
  readonly complaintThreshold?: number;
}

/** Cues that turn a negative question or remark into a complaint: the customer reports a failure. */
const FAILURE_CUES = new Set(['outage', 'broken', 'refund', 'waiting', 'safety', 'security', 'poor-support']);
const MIN_LANGUAGE_PROBABILITY = 0.2;
/**
 * A post is a complaint when the type model says so, or when its complaint and negative probabilities add up
 * to this: an unhappy customer rarely writes "I complain", the sentiment model hears the rest. Chosen on the
 * airline set's 2,000-post correction pool (the bench scores the other 12,640; see model/MODEL.md).
 */
export const COMPLAINT_THRESHOLD = 0.45;

function toScores<K extends string>(labels: readonly K[], predictions: { label: string; probability: number }[]) {
  const scores = Object.fromEntries(labels.map((l) => [l, 0])) as Record<K, number>;
  for (const p of predictions) if (p.label in scores) scores[p.label as K] = Math.round(p.probability * 1000) / 1000;
  return scores;
}

function best<K extends string>(scores: Record<K, number>, allowed: readonly K[]): K {
  let top = allowed[0]!;
  for (const k of allowed) if (scores[k] > scores[top]) top = k;
  return top;
}

/** Built-in cues first (registry order), then the workspace's own, each once. */
function mergeCues(builtIn: string[], extra: string[]): string[] {
  return [...new Set([...builtIn, ...extra])];
}

/** A language code the source gave that can stand for lid.176's answer: "fr", "en" (not "und", "qme", "zxx"). */
const USABLE_HINT = /^(?!und$|zxx$|q)[a-z]{2,3}$/;

/** What lid.176 reads: no URLs, handles or hashtag signs, which would otherwise look like English. */
function languageText(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/#(\w+)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface ClassifierModels {
  language: FastTextModel;
  sentiment: FastTextModel;
  type: FastTextModel;
}

export class FastTextClassifier implements Classifier {
  readonly complaintThreshold = COMPLAINT_THRESHOLD;

  constructor(
    readonly models: ClassifierModels,
    /** Extra urgency cues (a workspace's own cue words) added to the built-in ones. */
    private readonly extraCues?: (text: string) => string[],
  ) {}

  /** The same language and sentiment models with another type model (a workspace's retrained one). */
  withTypeModel(type: FastTextModel): FastTextClassifier {
    return new FastTextClassifier({ ...this.models, type }, this.extraCues);
  }

  /** The same models with another sentiment model (a workspace's retrained one). */
  withSentimentModel(sentiment: FastTextModel): FastTextClassifier {
    return new FastTextClassifier({ ...this.models, sentiment }, this.extraCues);
  }

  withExtraCues(extraCues: ((text: string) => string[]) | undefined): FastTextClassifier {
    return new FastTextClassifier(this.models, extraCues);
  }

  classify(text: string, languageHint?: string): Classification {
    const line = text.replace(/[\r\n]+/g, ' ');
    const input = features(line);
    const sentimentScores = toScores(SENTIMENTS, this.models.sentiment.predict(sentimentFeaturesOf(input)));
    const typeScores = toScores(MESSAGE_TYPES, this.models.type.predict(input));
    const urgency = this.extraCues ? mergeCues(detectCues(line), this.extraCues(line)) : detectCues(line);
    let sentiment: Sentiment = best(sentimentScores, SENTIMENTS);
    const complaintScore = Math.min(1, Math.round((typeScores.complaint + sentimentScores.negative) * 1000) / 1000);
    const reportsFailure = urgency.some((c) => FAILURE_CUES.has(c));
    let type: MessageType = best(typeScores, MESSAGE_TYPES);
    // Praise is never negative; a negative post that reports a failure is a complaint, however it is phrased.
    if (type === 'praise' && sentiment === 'negative') type = best(typeScores, ['complaint', 'question', 'other']);
    // "Do you deliver to…? I couldn't find the info": a question, unless it also reports a failure or swears.
    // Read only when it can change something (a complaint, or a complaint score it would cap at 0.4).
    const asksOnly =
      !reportsFailure &&
      (type === 'complaint' || complaintScore > 0.4) &&
      !input.includes('_lexneg_') &&
      isInformationRequest(line);
    const complaint =
      !asksOnly &&
      (type === 'complaint' || complaintScore >= COMPLAINT_THRESHOLD || (sentiment === 'negative' && reportsFailure));
    if (complaint) type = 'complaint';
    else if (type === 'complaint') type = 'question'; // only an information request gets here
    // A complaint that reports a failure ("my internet is down again") is not neutral, whatever the tweets say.
    if (complaint && reportsFailure) sentiment = 'negative';
    const language = this.language(line, languageHint);
    return {
      type,
      sentiment,
      language: language.label,
      urgency,
      complaint,
      scores: {
        type: typeScores,
        sentiment: sentimentScores,
        language: language.score,
        // An information request stays below one half, so the score never contradicts the flag.
        complaint: asksOnly ? Math.min(complaintScore, 0.4) : complaintScore,
      },
    };
  }

  /** The source's language when it gives a usable one (score 1), else lid.176's when confident, else "und". */
  private language(line: string, hint: string | undefined): { label: string; score: number } {
    if (hint !== undefined && USABLE_HINT.test(hint)) return { label: hint, score: 1 };
    const [language] = this.models.language.predict(languageText(line) || line, 1);
    if (!language) return { label: 'und', score: 0 };
    const score = Math.round(language.probability * 1000) / 1000;
    return { label: language.probability >= MIN_LANGUAGE_PROBABILITY ? language.label : 'und', score };
  }
}

/** Loads lid.176 and the two shipped models into one WebAssembly instance (~100 ms). */
export async function loadClassifier(
  modelDir: string = MODEL_DIR,
  runtime?: FastTextRuntime,
): Promise<FastTextClassifier> {
  runtime ??= await FastTextRuntime.create();
  const [language, sentiment, type] = await Promise.all([
    runtime.loadFile(lidModelPath()),
    runtime.loadFile(`${modelDir}/sentiment.ftz`),
    runtime.loadFile(`${modelDir}/type.ftz`),
  ]);
  return new FastTextClassifier({ language, sentiment, type });
}

let sharedRuntimePromise: Promise<FastTextRuntime> | undefined;
/** The process's WebAssembly instance for read-only models (the shipped ones and workspace models). */
export function sharedRuntime(): Promise<FastTextRuntime> {
  sharedRuntimePromise ??= FastTextRuntime.create().catch((error: unknown) => {
    sharedRuntimePromise = undefined;
    throw error;
  });
  return sharedRuntimePromise;
}

let shared: Promise<FastTextClassifier> | undefined;
/** The shipped classifier, loaded once per process on first use (models are read-only). */
export function sharedClassifier(): Promise<FastTextClassifier> {
  shared ??= sharedRuntime()
    .then((runtime) => loadClassifier(MODEL_DIR, runtime))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}
