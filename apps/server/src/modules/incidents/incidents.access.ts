import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { announceCases } from '../cases/cases.release.ts';
import { findIncidentRow } from './incidents.queries.ts';

/** What every incident command shares: its dependencies, who may write, and how the desk hears of changes. */

export interface IncidentDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

export const CANNOT_CHANGE = 'This incident is resolved; it can no longer be changed.';
export const CANNOT_LINK = 'This incident is resolved; cases can no longer be linked.';

export function requireWriter(session: AuthenticatedSession): void {
  if (session.role === 'trainee') {
    throw new AppError('incident.forbidden', 'forbidden', 'Trainees cannot declare or change incidents.');
  }
}

export function requireLead(session: AuthenticatedSession): void {
  if (session.role !== 'admin' && session.role !== 'lead') {
    throw new AppError('incident.forbidden', 'forbidden', 'Only leads and admins resolve incidents.');
  }
}

/** The incident a writer changes, which must still be open (`whenResolved` says what can no longer be done). */
export async function findOpenIncident(
  db: DbOrTx,
  session: AuthenticatedSession,
  id: string,
  whenResolved: string,
): Promise<Row<'incidents'>> {
  requireWriter(session);
  const row = await findIncidentRow(db, session.workspaceId, id);
  if (row.status !== 'open') throw new AppError('incident.resolved', 'conflict', whenResolved);
  return row;
}

export function notifyChanged(
  deps: { clock: Clock; realtime: RealtimeBus },
  workspaceId: string,
  incidentId: string,
  caseIds: string[] = [],
): void {
  const now = deps.clock.now();
  deps.realtime.publish(workspaceId, { type: 'incident.changed', incidentId, updatedAt: now.toISOString() });
  announceCases(deps.realtime, workspaceId, caseIds, now.getTime());
}
