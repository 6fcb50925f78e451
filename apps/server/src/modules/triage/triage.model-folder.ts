/**
 * A workspace model as the desk builds it (retrained fastText models + the adjustment layer), shared by the
 * desk's retrain job and the offline tools (`guichet triage train|evaluate`, `guichet classify --model`).
 * On disk, outside the desk, it is a folder: model.json, type.ftz, sentiment.ftz (when sentiment was
 * retrained) and adjustment.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastTextClassifier } from './classifier.ts';
import type { FastTextModel, FastTextRuntime } from './fasttext.ts';
import { AdjustedClassifier, Adjustment, type SerializedAdjustment } from './triage.adjust.ts';
import type { CorrectionSet } from './triage.labels.ts';
import { sha256Hex, trainWorkspaceModels, type TrainedWorkspaceModels } from './triage.training.ts';

/** The shipped classifier with a workspace's models swapped in, and its adjustment learned on top. */
export function composeWorkspaceClassifier(
  shipped: FastTextClassifier,
  models: { type?: FastTextModel | undefined; sentiment?: FastTextModel | undefined },
  corrections: CorrectionSet,
): AdjustedClassifier {
  let base = shipped;
  if (models.type) base = base.withTypeModel(models.type);
  if (models.sentiment) base = base.withSentimentModel(models.sentiment);
  return new AdjustedClassifier(base, Adjustment.learn(base, corrections));
}

/** Retrains exactly as the desk's job does (same examples, repeats, seeds), then composes the classifier. */
export function trainWorkspaceClassifier(
  runtime: FastTextRuntime,
  shipped: FastTextClassifier,
  corrections: CorrectionSet,
): { trained: TrainedWorkspaceModels; classifier: AdjustedClassifier } {
  const trained = trainWorkspaceModels(runtime, { type: corrections.typeTrain, sentiment: corrections.sentimentTrain });
  const classifier = composeWorkspaceClassifier(
    shipped,
    {
      type: runtime.load(trained.type.bytes),
      sentiment: trained.sentiment ? runtime.load(trained.sentiment.bytes) : undefined,
    },
    corrections,
  );
  return { trained, classifier };
}

interface FolderManifest {
  format: 'guichet-triage-model';
  version: 1;
  base: 'full' | 'repository';
  type: { file: string; sha256: string; examples: number };
  sentiment: { file: string; sha256: string; examples: number } | null;
  adjustment: { file: string; labels: Record<string, number> };
  corrections: { train: Record<string, number>; heldOut: Record<string, number> };
}

const counts = (c: CorrectionSet, side: 'Train' | 'HeldOut') => ({
  type: c[`type${side}`].length,
  sentiment: c[`sentiment${side}`].length,
  complaint: c[`complaint${side}`].length,
});

export async function writeModelFolder(
  folder: string,
  trained: TrainedWorkspaceModels,
  classifier: AdjustedClassifier,
  corrections: CorrectionSet,
): Promise<FolderManifest> {
  await mkdir(folder, { recursive: true });
  const manifest: FolderManifest = {
    format: 'guichet-triage-model',
    version: 1,
    base: trained.type.base,
    type: { file: 'type.ftz', sha256: sha256Hex(trained.type.bytes), examples: trained.type.examples },
    sentiment: trained.sentiment
      ? { file: 'sentiment.ftz', sha256: sha256Hex(trained.sentiment.bytes), examples: trained.sentiment.examples }
      : null,
    adjustment: { file: 'adjustment.json', labels: classifier.adjustment.labels },
    corrections: { train: counts(corrections, 'Train'), heldOut: counts(corrections, 'HeldOut') },
  };
  await writeFile(path.join(folder, 'type.ftz'), trained.type.bytes);
  if (trained.sentiment) await writeFile(path.join(folder, 'sentiment.ftz'), trained.sentiment.bytes);
  await writeFile(path.join(folder, 'adjustment.json'), JSON.stringify(classifier.adjustment.toJSON()));
  await writeFile(path.join(folder, 'model.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export class ModelFolderError extends Error {}

async function checkedModel(runtime: FastTextRuntime, folder: string, entry: { file: string; sha256: string }) {
  const bytes = new Uint8Array(await readFile(path.join(folder, entry.file)));
  if (sha256Hex(bytes) !== entry.sha256) {
    throw new ModelFolderError(`${entry.file} in ${folder} does not match the hash in model.json`);
  }
  return runtime.load(bytes);
}

/** Loads a folder written by `guichet triage train`: the same classifier the desk would use. */
export async function loadModelFolder(
  folder: string,
  runtime: FastTextRuntime,
  shipped: FastTextClassifier,
): Promise<AdjustedClassifier> {
  let manifest: FolderManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as FolderManifest;
  } catch (error) {
    throw new ModelFolderError(`${folder} has no readable model.json (${(error as Error).message})`);
  }
  if (manifest.format !== 'guichet-triage-model' || manifest.version !== 1) {
    throw new ModelFolderError(`${folder}/model.json is not a Guichet triage model (version 1)`);
  }
  const type = await checkedModel(runtime, folder, manifest.type);
  const sentiment = manifest.sentiment ? await checkedModel(runtime, folder, manifest.sentiment) : undefined;
  let base = shipped.withTypeModel(type);
  if (sentiment) base = base.withSentimentModel(sentiment);
  const adjustment = JSON.parse(
    await readFile(path.join(folder, manifest.adjustment.file), 'utf8'),
  ) as SerializedAdjustment;
  return new AdjustedClassifier(base, Adjustment.fromJSON(adjustment));
}
