import { mkdir, rename, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { ModelFigure, ModelMetrics } from '@guichet/contracts';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { JobHandler } from '../../platform/jobs/job-queue.ts';
import { recordEvents } from '../events/events.repository.ts';
import type { Classifier } from './classifier.ts';
import { FastTextRuntime } from './fasttext.ts';
import { decidePriority } from './priority.ts';
import { airlineTweets, type Example } from './triage.data.ts';
import type { MessageType, PriorityPolicy } from './triage.models.ts';
import { getPriorityPolicy } from './triage.repository.ts';
import { correctionSplit, sha256Hex, type trainTypeModel } from './triage.training.ts';
import { workspaceClassifier, workspaceModelFile } from './triage.workspace-model.ts';

export const RETRAIN_TRIAGE_MODEL = 'retrain-triage-model';

/** Every n-th airline tweet: a fixed 2,100-post slice keeps a retrain under a few seconds on one core. */
const AIRLINE_STRIDE = 7;

export interface CorrectionSet {
  typeTrain: Example<MessageType>[];
  typeHeldOut: Example<MessageType>[];
  priorityHeldOut: Example<string>[];
}

/**
 * The workspace's corrections as labels: the latest label per text and kind wins (an agent may correct a
 * correction), split by a hash of the text into training and held-out parts.
 */
export async function loadCorrections(db: Db, workspaceId: string): Promise<CorrectionSet> {
  const rows = await db
    .selectFrom('triage_labels')
    .select(['text', 'kind', 'label', 'created_at', 'id'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  const latest = new Map<string, { text: string; kind: string; label: string }>();
  for (const row of rows) latest.set(`${row.kind}\u0000${row.text}`, row);
  const set: CorrectionSet = { typeTrain: [], typeHeldOut: [], priorityHeldOut: [] };
  // Sorted by text so that the training file does not depend on the order labels happened to be written.
  for (const row of [...latest.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))) {
    const split = correctionSplit(row.text);
    if (row.kind === 'type') {
      const example = { text: row.text, label: row.label as MessageType };
      (split === 'train' ? set.typeTrain : set.typeHeldOut).push(example);
    } else if (row.kind === 'priority' && split === 'heldout') {
      set.priorityHeldOut.push({ text: row.text, label: row.label });
    }
  }
  return set;
}

/**
 * Trains in a worker thread (see triage.train-worker.ts) so that the desk keeps answering meanwhile.
 * The worker registers tsx to load the TypeScript sources, as bin/guichet.mjs does.
 */
export function trainInWorker(corrections: Example<MessageType>[]): Promise<TrainedTypeModel> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./triage.train-worker.mjs', import.meta.url), {
      workerData: { corrections },
    });
    worker.once('message', (result: TrainedTypeModel) => {
      resolve({ ...result, bytes: new Uint8Array(result.bytes) });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the training worker stopped with code ${code}`));
    });
  });
}
type TrainedTypeModel = ReturnType<typeof trainTypeModel>;

function accuracy(classifier: Classifier, examples: Example[], pick: (text: string) => string): number | null {
  if (examples.length === 0) return null;
  let right = 0;
  for (const e of examples) if (pick(e.text) === e.label) right++;
  return Math.round((right / examples.length) * 10_000) / 10_000;
}

/** Lets the event loop serve requests between slices of a long evaluation (not a wait: no time passes). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function complaintF1(classifier: Classifier, tweets: { text: string; complaint: boolean }[]): Promise<number> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [i, t] of tweets.entries()) {
    if (i % 250 === 249) await yieldToEventLoop();
    const predicted = classifier.classify(t.text).type === 'complaint';
    if (predicted && t.complaint) tp++;
    else if (predicted) fp++;
    else if (t.complaint) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return Math.round(f1 * 10_000) / 10_000;
}

/** The evaluation-only airline set (non-commercial: read in place, never trained on); null when absent. */
function airlineSlice(): { text: string; complaint: boolean }[] | null {
  try {
    return airlineTweets()
      .filter((_, i) => i % AIRLINE_STRIDE === 0)
      .map((t) => ({ text: t.text, complaint: t.sentiment === 'negative' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function verdict(figures: ModelFigure[]): ModelMetrics['verdict'] {
  const compared = figures.filter((f) => f.current !== null && f.candidate !== null && f.n > 0);
  if (compared.length === 0) return 'unknown';
  const up = compared.some((f) => f.candidate! > f.current!);
  const down = compared.some((f) => f.candidate! < f.current!);
  return up && down ? 'mixed' : up ? 'better' : down ? 'worse' : 'same';
}

/** The current and the candidate model side by side, on data neither trained on. */
export async function compareModels(
  current: { classifier: Classifier; modelId: string | null },
  candidate: Classifier,
  corrections: CorrectionSet,
  policy: PriorityPolicy,
): Promise<ModelMetrics> {
  const typeOf = (c: Classifier) => (text: string) => c.classify(text).type;
  // A bare text has no customer signals: both models are judged on what the text itself says.
  const priorityOf = (c: Classifier) => (text: string) => String(decidePriority(c.classify(text), {}, policy).priority);
  const figure = (examples: Example[], pick: (c: Classifier) => (text: string) => string): ModelFigure => ({
    n: examples.length,
    current: accuracy(current.classifier, examples, pick(current.classifier)),
    candidate: accuracy(candidate, examples, pick(candidate)),
  });
  const correctionsTypeAccuracy = figure(corrections.typeHeldOut, typeOf);
  const correctionsPriorityAccuracy = figure(corrections.priorityHeldOut, priorityOf);
  const airline = airlineSlice();
  const shippedComplaintF1 = airline
    ? {
        n: airline.length,
        current: await complaintF1(current.classifier, airline),
        candidate: await complaintF1(candidate, airline),
      }
    : null;
  return {
    currentModelId: current.modelId,
    correctionsTypeAccuracy,
    correctionsPriorityAccuracy,
    shippedComplaintF1,
    verdict: verdict([
      correctionsTypeAccuracy,
      correctionsPriorityAccuracy,
      ...(shippedComplaintF1 ? [shippedComplaintF1] : []),
    ]),
  };
}

export interface RetrainDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: { dataDir: string };
}

/**
 * Trains a candidate type model for one workspace (shipped data + its agents' corrections), stores it in the
 * data folder and records how it compares with the model in use. It never switches: a lead decides.
 */
export function retrainTriageModelJob(deps: RetrainDeps): JobHandler {
  return async (payload) => {
    const modelId = String(payload.modelId);
    const row = await deps.db.selectFrom('triage_models').selectAll().where('id', '=', modelId).executeTakeFirst();
    if (!row || row.status !== 'training') return;
    const log = deps.logger.child({ modelId, workspaceId: row.workspace_id });
    const started = process.hrtime.bigint();
    const finish = async (
      values: { status: 'ready' | 'failed' } & Partial<{
        file: string;
        sha256: string;
        bytes: number;
        training: string;
        metrics: string;
        error: string;
      }>,
    ) => {
      const now = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('triage_models')
          .set({ ...values, finished_at: now })
          .where('id', '=', modelId)
          .execute();
        await recordEvents(tx, [
          {
            workspaceId: row.workspace_id,
            type: values.status === 'ready' ? 'triage.model_trained' : 'triage.model_failed',
            subjectId: modelId,
            actor: { type: 'system' },
            payload:
              values.status === 'ready' ? { sha256: values.sha256, bytes: values.bytes } : { error: values.error },
            occurredAt: now,
          },
        ]);
      });
    };
    try {
      const corrections = await loadCorrections(deps.db, row.workspace_id);
      const trained = await trainInWorker(corrections.typeTrain);
      const sha256 = sha256Hex(trained.bytes);
      const file = workspaceModelFile(deps.config.dataDir, row.workspace_id, modelId);
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside then renamed: a crash never leaves a half model under the name the table points to.
      await writeFile(`${file}.part`, trained.bytes);
      await rename(`${file}.part`, file);

      const current = await workspaceClassifier(deps.db, row.workspace_id);
      // A runtime of its own: the candidate is dropped with it unless a lead switches to it.
      const runtime = await FastTextRuntime.create();
      const candidate = current.classifier.withTypeModel(runtime.load(trained.bytes));
      const policy = await getPriorityPolicy(deps.db, row.workspace_id);
      const metrics = await compareModels(current, candidate, corrections, policy);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await finish({
        status: 'ready',
        file,
        sha256,
        bytes: trained.bytes.length,
        training: JSON.stringify({
          base: trained.base,
          examples: trained.examples,
          correctionsUsed: corrections.typeTrain.length,
          correctionsHeldOut: corrections.typeHeldOut.length + corrections.priorityHeldOut.length,
          labels: trained.labels,
          seconds: Math.round(seconds * 10) / 10,
        }),
        metrics: JSON.stringify(metrics),
      });
      log.info({ sha256, seconds, verdict: metrics.verdict }, 'triage model retrained');
    } catch (error) {
      // Training is deterministic: running it again would fail the same way. The lead sees why.
      log.error({ err: error }, 'triage model retraining failed');
      await finish({ status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
}
