import { insertRows } from '../../platform/db/bulk-insert.ts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

export interface EventRecord {
  workspaceId: string;
  /** Past tense, namespaced: `case.opened`, `message.sent`. */
  type: string;
  caseId?: string | null;
  subjectId?: string | null;
  actor: { type: 'agent' | 'system' | 'contact'; id?: string | null };
  payload?: Record<string, unknown>;
  occurredAt: number;
}

/**
 * Events are written in the same transaction as the change they describe, never after. In multi-row INSERTs
 * without Kysely building a node per value (insertRows): an inbound page records a few hundred.
 */
export async function recordEvents(tx: DbOrTx, events: EventRecord[]): Promise<void> {
  await insertRows(
    tx,
    'events',
    events.map((e) => ({
      id: newId(e.occurredAt),
      workspace_id: e.workspaceId,
      type: e.type,
      case_id: e.caseId ?? null,
      subject_id: e.subjectId ?? null,
      actor_type: e.actor.type,
      actor_id: e.actor.id ?? null,
      payload: JSON.stringify(e.payload ?? {}),
      occurred_at: e.occurredAt,
    })),
  );
}
