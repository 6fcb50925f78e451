/**
 * Retraining by itself (issue 17): the scheduler's round asks for a retrain of a workspace's models after
 * every RETRAIN_EVERY_LABELS new labels, and each night (02:00–08:00 UTC) when any label arrived since the
 * last retrain. The job then switches only if the candidate wins on held-out labels (decideSwitch).
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { AppError } from '../../platform/errors.ts';
import { requestRetrain } from './triage.commands.ts';

export const RETRAIN_EVERY_LABELS = 50;
export const NIGHTLY_HOUR_UTC = 2;
/** The nightly retrain runs within this many hours after NIGHTLY_HOUR_UTC (a desk down at 02:00 catches up). */
const NIGHTLY_WINDOW_MS = 6 * 3600 * 1000;

/** The start of the latest nightly window at or before `now` (today's 02:00 UTC, or yesterday's). */
export function lastNightlyStart(now: number): number {
  const day = new Date(now);
  const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), NIGHTLY_HOUR_UTC);
  return start <= now ? start : start - 24 * 3600 * 1000;
}

export type RetrainTrigger = 'nightly' | 'corrections';

/** Why a workspace is due for a retrain now, or null. Pure: the counts come from the caller. */
export function retrainDue(input: {
  now: number;
  labelsSinceLastModel: number;
  lastModelAt: number | null;
  training: boolean;
}): RetrainTrigger | null {
  if (input.training || input.labelsSinceLastModel === 0) return null;
  if (input.labelsSinceLastModel >= RETRAIN_EVERY_LABELS) return 'corrections';
  const night = lastNightlyStart(input.now);
  const inWindow = input.now - night < NIGHTLY_WINDOW_MS;
  if (inWindow && (input.lastModelAt === null || input.lastModelAt < night)) return 'nightly';
  return null;
}

/** One scheduler round: queues the retrains that are due; returns how many. */
export async function scheduleTriageRetrains(deps: { db: Db; clock: Clock; jobs: JobQueue }): Promise<number> {
  const now = deps.clock.now().getTime();
  const workspaces = await deps.db.selectFrom('triage_labels').select('workspace_id').distinct().execute();
  let queued = 0;
  for (const { workspace_id: workspaceId } of workspaces) {
    const last = await deps.db
      .selectFrom('triage_models')
      .select(['created_at', 'status'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const training = await deps.db
      .selectFrom('triage_models')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'training')
      .executeTakeFirst();
    const since = await deps.db
      .selectFrom('triage_labels')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '>', last ? Number(last.created_at) : -1)
      .executeTakeFirstOrThrow();
    const trigger = retrainDue({
      now,
      labelsSinceLastModel: Number(since.n),
      lastModelAt: last ? Number(last.created_at) : null,
      training: !!training,
    });
    if (!trigger) continue;
    try {
      await requestRetrain(deps, { workspaceId, agentId: null, trigger });
      queued++;
    } catch (error) {
      // Another scheduler (or a lead) started one meanwhile: nothing to do.
      if (!(error instanceof AppError && error.code === 'triage.retrain_running')) throw error;
    }
  }
  return queued;
}
