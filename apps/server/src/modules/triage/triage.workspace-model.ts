import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DbOrTx } from '../../platform/db/database.ts';
import { sharedClassifier, sharedRuntime, type FastTextClassifier } from './classifier.ts';
import { workspaceCueMatcher } from './cues.ts';
import { AdjustedClassifier, Adjustment } from './triage.adjust.ts';
import { getPriorityPolicy, loadCorrections } from './triage.repository.ts';
import { sha256Hex } from './triage.training.ts';

/** Where a workspace's retrained models are kept: `<data dir>/triage-models/<workspace id>/<model id>.ftz`. */
export function workspaceModelFile(dataDir: string, workspaceId: string, modelId: string): string {
  return path.join(dataDir, 'triage-models', workspaceId, `${modelId}.ftz`);
}

/** The retrained sentiment model sits beside the type model: `<model id>.sentiment.ftz`. */
export function sentimentModelFile(typeFile: string): string {
  return typeFile.replace(/\.ftz$/, '') + '.sentiment.ftz';
}

// Type models by model id, loaded once into the shared WebAssembly instance (read-only afterwards).
const typeModels = new Map<string, Promise<FastTextClassifier>>();

async function checkedBytes(modelId: string, file: string, sha256: string | null): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(file));
  if (sha256 && sha256Hex(bytes) !== sha256) {
    throw new Error(`triage model ${modelId}: ${file} does not match its recorded hash`);
  }
  return bytes;
}

/** The shipped classifier with a workspace's type (and sentiment) model, checked against the recorded hashes. */
export function classifierWithModel(model: {
  id: string;
  file: string;
  sha256: string | null;
  sentimentSha256?: string | null;
}) {
  let loading = typeModels.get(model.id);
  if (!loading) {
    loading = (async () => {
      const bytes = await checkedBytes(model.id, model.file, model.sha256);
      const sentiment = model.sentimentSha256
        ? await checkedBytes(model.id, sentimentModelFile(model.file), model.sentimentSha256)
        : null;
      const [shared, runtime] = await Promise.all([sharedClassifier(), sharedRuntime()]);
      const withType = shared.withTypeModel(runtime.load(bytes));
      return sentiment ? withType.withSentimentModel(runtime.load(sentiment)) : withType;
    })();
    // A failed load (file moved, disk error) is retried next time rather than remembered.
    loading.catch(() => typeModels.delete(model.id));
    typeModels.set(model.id, loading);
  }
  return loading;
}

export interface WorkspaceClassifier {
  classifier: AdjustedClassifier;
  /** The same model without the workspace's cue words (to try a draft priority mapping). */
  model: AdjustedClassifier;
  /** The active workspace model, or null for the shipped one. */
  modelId: string | null;
  /** Set when the active model could not be loaded and the shipped one stands in. */
  fallbackReason: string | null;
  /** The workspace's own cue words, for a candidate judged as the desk would use it. */
  cueWords: ((text: string) => string[]) | undefined;
}

// The adjustment layer per workspace, rebuilt when its labels or its base model change (a few ms to ~1 s).
const adjustments = new Map<string, { key: string; adjustment: Promise<Adjustment> }>();

async function adjustmentFor(db: DbOrTx, workspaceId: string, modelKey: string, base: FastTextClassifier) {
  const stats = await db
    .selectFrom('triage_labels')
    .select([(eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('created_at').as('latest')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const n = Number(stats?.n ?? 0);
  if (n === 0) return Adjustment.empty();
  const key = `${modelKey}:${n}:${String(stats?.latest ?? '')}`;
  const cached = adjustments.get(workspaceId);
  if (cached?.key === key) return cached.adjustment;
  const adjustment = loadCorrections(db, workspaceId).then((set) => Adjustment.learn(base, set));
  adjustment.catch(() => adjustments.delete(workspaceId));
  adjustments.set(workspaceId, { key, adjustment });
  return adjustment;
}

/**
 * What classifies a workspace's posts: its active retrained model (else the shipped one), the adjustment
 * learned from its labels on top, with the workspace's own urgency cue words. Two or three small reads;
 * the models and the adjustment are cached.
 */
export async function workspaceClassifier(db: DbOrTx, workspaceId: string): Promise<WorkspaceClassifier> {
  const [active, policy] = await Promise.all([
    db
      .selectFrom('triage_models')
      .select(['id', 'file', 'sha256', 'sentiment_sha256'])
      .where('workspace_id', '=', workspaceId)
      .where('active', '=', 1)
      .where('status', '=', 'ready')
      .executeTakeFirst(),
    getPriorityPolicy(db, workspaceId),
  ]);
  const cueWords = Object.values(policy.words).some((w) => w.length > 0)
    ? workspaceCueMatcher(policy.words)
    : undefined;
  let base = await sharedClassifier();
  let fallbackReason: string | null = null;
  if (active?.file) {
    try {
      base = await classifierWithModel({
        id: active.id,
        file: active.file,
        sha256: active.sha256,
        sentimentSha256: active.sentiment_sha256,
      });
    } catch (error) {
      // Posts must still be triaged: the shipped model stands in, and the model screen says why.
      fallbackReason = error instanceof Error ? error.message : String(error);
    }
  }
  const modelId = fallbackReason ? null : (active?.id ?? null);
  const model = new AdjustedClassifier(base, await adjustmentFor(db, workspaceId, modelId ?? 'shipped', base));
  return { classifier: model.withExtraCues(cueWords), model, modelId, fallbackReason, cueWords };
}
