import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DbOrTx } from '../../platform/db/database.ts';
import { sharedClassifier, sharedRuntime, type FastTextClassifier } from './classifier.ts';
import { workspaceCueMatcher } from './cues.ts';
import { getPriorityPolicy } from './triage.repository.ts';
import { sha256Hex } from './triage.training.ts';

/** Where a workspace's retrained models are kept: `<data dir>/triage-models/<workspace id>/<model id>.ftz`. */
export function workspaceModelFile(dataDir: string, workspaceId: string, modelId: string): string {
  return path.join(dataDir, 'triage-models', workspaceId, `${modelId}.ftz`);
}

// Type models by model id, loaded once into the shared WebAssembly instance (read-only afterwards).
const typeModels = new Map<string, Promise<FastTextClassifier>>();

/** The shipped classifier with a workspace type model, checked against its recorded hash. */
export function classifierWithModel(model: { id: string; file: string; sha256: string | null }) {
  let loading = typeModels.get(model.id);
  if (!loading) {
    loading = (async () => {
      const bytes = new Uint8Array(await readFile(model.file));
      if (model.sha256 && sha256Hex(bytes) !== model.sha256) {
        throw new Error(`triage model ${model.id}: ${model.file} does not match its recorded hash`);
      }
      const [shared, runtime] = await Promise.all([sharedClassifier(), sharedRuntime()]);
      return shared.withTypeModel(runtime.load(bytes));
    })();
    // A failed load (file moved, disk error) is retried next time rather than remembered.
    loading.catch(() => typeModels.delete(model.id));
    typeModels.set(model.id, loading);
  }
  return loading;
}

export interface WorkspaceClassifier {
  classifier: FastTextClassifier;
  /** The same model without the workspace's cue words (to try a draft priority mapping). */
  model: FastTextClassifier;
  /** The active workspace model, or null for the shipped one. */
  modelId: string | null;
  /** Set when the active model could not be loaded and the shipped one stands in. */
  fallbackReason: string | null;
}

/**
 * What classifies a workspace's posts: its active retrained type model (else the shipped one), with the
 * workspace's own urgency cue words. One or two small reads; the models themselves are cached.
 */
export async function workspaceClassifier(db: DbOrTx, workspaceId: string): Promise<WorkspaceClassifier> {
  const [active, policy] = await Promise.all([
    db
      .selectFrom('triage_models')
      .select(['id', 'file', 'sha256'])
      .where('workspace_id', '=', workspaceId)
      .where('active', '=', 1)
      .where('status', '=', 'ready')
      .executeTakeFirst(),
    getPriorityPolicy(db, workspaceId),
  ]);
  const cueWords = Object.values(policy.words).some((w) => w.length > 0)
    ? workspaceCueMatcher(policy.words)
    : undefined;
  let classifier = await sharedClassifier();
  let fallbackReason: string | null = null;
  if (active?.file) {
    try {
      classifier = await classifierWithModel({ id: active.id, file: active.file, sha256: active.sha256 });
    } catch (error) {
      // Posts must still be triaged: the shipped model stands in, and the model screen says why.
      fallbackReason = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    classifier: cueWords ? classifier.withExtraCues(cueWords) : classifier,
    model: classifier,
    modelId: fallbackReason ? null : (active?.id ?? null),
    fallbackReason,
  };
}
