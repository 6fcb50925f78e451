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

/** Events are written in the same transaction as the change they describe, never after. */
export async function recordEvents(tx: DbOrTx, events: EventRecord[]): Promise<void> {
  // Chunked: one multi-row INSERT per 400 events stays under both databases' bound-parameter limits.
  for (let i = 0; i < events.length; i += 400) {
    await insertEvents(tx, events.slice(i, i + 400));
  }
}

async function insertEvents(tx: DbOrTx, events: EventRecord[]): Promise<void> {
  await tx
    .insertInto('events')
    .values(
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
    )
    .execute();
}
