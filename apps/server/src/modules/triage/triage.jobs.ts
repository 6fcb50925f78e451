import { mkdir, rename, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { JobHandler } from '../../platform/jobs/job-queue.ts';
import { systemAuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';
import { sharedClassifier } from './classifier.ts';
import { FastTextRuntime } from './fasttext.ts';
import { activateModel } from './triage.activate.ts';
import { compareModels, decideSwitch } from './triage.compare.ts';
import type { Example } from './triage.data.ts';
import { composeWorkspaceClassifier } from './triage.model-folder.ts';
import type { MessageType, Sentiment } from './triage.models.ts';
import { getPriorityPolicy, loadCorrections } from './triage.repository.ts';
import { sha256Hex, type TrainedWorkspaceModels } from './triage.training.ts';
import { sentimentModelFile, workspaceClassifier, workspaceModelFile } from './triage.workspace-model.ts';

export const RETRAIN_TRIAGE_MODEL = 'retrain-triage-model';

/**
 * Trains in a worker thread (see triage.train-worker.ts) so that the desk keeps answering meanwhile.
 * The worker registers tsx to load the TypeScript sources, as bin/guichet.mjs does.
 */
export function trainInWorker(corrections: {
  type: Example<MessageType>[];
  sentiment: Example<Sentiment>[];
}): Promise<TrainedWorkspaceModels> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./triage.train-worker.mjs', import.meta.url), {
      workerData: { corrections },
    });
    worker.once('message', (result: TrainedWorkspaceModels) => {
      resolve({
        type: { ...result.type, bytes: new Uint8Array(result.type.bytes) },
        sentiment: result.sentiment ? { ...result.sentiment, bytes: new Uint8Array(result.sentiment.bytes) } : null,
      });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the training worker stopped with code ${code}`));
    });
  });
}

/** Written aside then renamed: a crash never leaves a half model under the name the table points to. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.part`, bytes);
  await rename(`${file}.part`, file);
}

export interface RetrainDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: { dataDir: string };
}

/**
 * Trains a candidate for one workspace (shipped data + its labels: type always, sentiment when labelled),
 * stores it in the data folder and records how it compares with the model in use. A lead's retrain never
 * switches (the lead decides); one started by the schedule switches only by `decideSwitch`.
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
        sentiment_sha256: string | null;
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
      const trained = await trainInWorker({ type: corrections.typeTrain, sentiment: corrections.sentimentTrain });
      const sha256 = sha256Hex(trained.type.bytes);
      const file = workspaceModelFile(deps.config.dataDir, row.workspace_id, modelId);
      await writeAtomically(file, trained.type.bytes);
      if (trained.sentiment) await writeAtomically(sentimentModelFile(file), trained.sentiment.bytes);

      const current = await workspaceClassifier(deps.db, row.workspace_id);
      // A runtime of its own: the candidate is dropped with it unless the desk switches to it.
      const runtime = await FastTextRuntime.create();
      const candidate = composeWorkspaceClassifier(
        await sharedClassifier(),
        {
          type: runtime.load(trained.type.bytes),
          sentiment: trained.sentiment ? runtime.load(trained.sentiment.bytes) : undefined,
        },
        corrections,
      );
      const policy = await getPriorityPolicy(deps.db, row.workspace_id);
      const metrics = await compareModels(current, candidate.withExtraCues(current.cueWords), corrections, policy);
      // A lead's retrain waits for the lead; one that started by itself switches only when it wins clearly.
      if (row.trigger !== 'lead') metrics.autoSwitch = decideSwitch(metrics);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await finish({
        status: 'ready',
        file,
        sha256,
        sentiment_sha256: trained.sentiment ? sha256Hex(trained.sentiment.bytes) : null,
        bytes: trained.type.bytes.length + (trained.sentiment?.bytes.length ?? 0),
        training: JSON.stringify({
          base: trained.type.base,
          examples: trained.type.examples + (trained.sentiment?.examples ?? 0),
          correctionsUsed: corrections.typeTrain.length + corrections.sentimentTrain.length,
          correctionsHeldOut:
            corrections.typeHeldOut.length + corrections.sentimentHeldOut.length + corrections.priorityHeldOut.length,
          labels: { ...trained.type.labels },
          seconds: Math.round(seconds * 10) / 10,
        }),
        metrics: JSON.stringify(metrics),
      });
      if (metrics.autoSwitch?.switched) {
        await activateModel(
          deps,
          { workspaceId: row.workspace_id, agentId: null, modelId },
          systemAuditContext(row.workspace_id),
        );
      }
      log.info({ sha256, seconds, verdict: metrics.verdict, autoSwitch: metrics.autoSwitch }, 'triage model retrained');
    } catch (error) {
      // Training is deterministic: running it again would fail the same way. The lead sees why.
      log.error({ err: error }, 'triage model retraining failed');
      await finish({ status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
}
