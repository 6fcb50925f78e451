import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { CANNOT_LINK, findOpenIncident, notifyChanged, type IncidentDeps } from './incidents.access.ts';

/** Which cases an incident covers: the links agents add and take back. */

async function insertLink(
  tx: DbOrTx,
  link: {
    workspaceId: string;
    incidentId: string;
    caseId: string;
    by: { type: 'agent'; agentId: string } | { type: 'rule'; ruleId: string; rule: string };
    now: number;
  },
): Promise<EventRecord | null> {
  const result = await tx
    .insertInto('incident_cases')
    .values({
      incident_id: link.incidentId,
      case_id: link.caseId,
      workspace_id: link.workspaceId,
      linked_by: link.by.type,
      linked_by_agent_id: link.by.type === 'agent' ? link.by.agentId : null,
      linked_at: link.now,
      reply_message_id: null,
      reply_error: null,
    })
    .onConflict((oc) => oc.columns(['incident_id', 'case_id']).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  return {
    workspaceId: link.workspaceId,
    type: 'incident.case_linked',
    caseId: link.caseId,
    subjectId: link.incidentId,
    actor: link.by.type === 'agent' ? { type: 'agent', id: link.by.agentId } : { type: 'system' },
    payload: link.by.type === 'rule' ? { by: 'rule', ruleId: link.by.ruleId, rule: link.by.rule } : { by: 'agent' },
    occurredAt: link.now,
  };
}

/** An agent confirms that a case is about the incident (a suggestion, or any case). */
export async function linkCase(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  incidentId: string,
  caseId: string,
): Promise<void> {
  await findOpenIncident(deps.db, session, incidentId, CANNOT_LINK);
  const found = await deps.db
    .selectFrom('cases')
    .select('id')
    .where('id', '=', caseId)
    .where('workspace_id', '=', session.workspaceId)
    .executeTakeFirst();
  if (!found) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    // Re-checked inside the transaction: a resolution that committed meanwhile must not miss this case.
    const open = await tx.selectFrom('incidents').select('status').where('id', '=', incidentId).executeTakeFirst();
    if (open?.status !== 'open') throw new AppError('incident.resolved', 'conflict', CANNOT_LINK);
    const event = await insertLink(tx, {
      workspaceId: session.workspaceId,
      incidentId,
      caseId,
      by: { type: 'agent', agentId: session.agentId },
      now,
    });
    if (event) await recordEvents(tx, [event]);
  });
  notifyChanged(deps, session.workspaceId, incidentId, [caseId]);
}

/** Takes a case out of an open incident (a wrong link); it will not get the resolution reply. */
export async function unlinkCase(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  incidentId: string,
  caseId: string,
): Promise<void> {
  await findOpenIncident(deps.db, session, incidentId, 'This incident is resolved; its cases stay linked.');
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const result = await tx
      .deleteFrom('incident_cases')
      .where('incident_id', '=', incidentId)
      .where('case_id', '=', caseId)
      .where('reply_message_id', 'is', null)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) return;
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'incident.case_unlinked',
        caseId,
        subjectId: incidentId,
        actor: { type: 'agent', id: session.agentId },
        payload: {},
        occurredAt: now,
      },
    ]);
  });
  notifyChanged(deps, session.workspaceId, incidentId, [caseId]);
}
