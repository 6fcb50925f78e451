import type { DbOrTx } from '../../platform/db/database.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';

/**
 * An agent who leaves the desk (deactivated) gives back their unresolved cases: they return to the unassigned
 * queue, each with a `case.unassigned` event, so no customer waits on someone who can no longer sign in.
 * Resolved cases keep their assignee: reports still credit the work to whoever did it. Runs in the caller's
 * transaction; returns the ids to announce once it commits.
 */
export async function returnAgentCases(
  tx: DbOrTx,
  input: { workspaceId: string; agentId: string; actor: EventRecord['actor']; now: number },
): Promise<string[]> {
  const rows = await tx
    .selectFrom('cases')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('assignee_agent_id', '=', input.agentId)
    .where('status', '!=', 'resolved')
    .orderBy('id')
    .execute();
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return ids;
  // The same predicate as the read, not an id list: a leaver may hold more cases than a statement binds.
  await tx
    .updateTable('cases')
    .set({ assignee_agent_id: null, updated_at: input.now })
    .where('workspace_id', '=', input.workspaceId)
    .where('assignee_agent_id', '=', input.agentId)
    .where('status', '!=', 'resolved')
    .execute();
  await recordEvents(
    tx,
    ids.map((caseId) => ({
      type: 'case.unassigned',
      workspaceId: input.workspaceId,
      caseId,
      actor: input.actor,
      occurredAt: input.now,
      payload: { previousAgentId: input.agentId, reason: 'agent_deactivated' },
    })),
  );
  return ids;
}

/** Tells every open console that these cases changed (after the transaction that changed them commits). */
export function announceCases(realtime: RealtimeBus, workspaceId: string, caseIds: Iterable<string>, now: number) {
  const updatedAt = new Date(now).toISOString();
  for (const caseId of caseIds) realtime.publish(workspaceId, { type: 'case.changed', caseId, updatedAt });
}
