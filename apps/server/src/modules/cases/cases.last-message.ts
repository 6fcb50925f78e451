import type { CaseSummary } from '@guichet/contracts';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

/**
 * The latest message of each listed case, for the inbox row's "public / DM" and "answered" cues. Read
 * per page (50 cases, each a short walk of the conversation index), not stored on `cases`: every writer
 * of messages (ingestion, replies, absence, incidents, imports) would otherwise have to keep it.
 * A reply waiting for approval, refused, or failed has not reached the customer and does not count.
 */
export interface LastMessageCue {
  lastVisibility: CaseSummary['lastVisibility'];
  answered: boolean;
}

export async function lastMessageCues(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, LastMessageCue>> {
  const cues = new Map<string, LastMessageCue>();
  if (caseIds.length === 0) return cues;
  const rows = await db
    .selectFrom('cases')
    .select((eb) => [
      'cases.id as caseId',
      eb
        .selectFrom('case_conversations as cc')
        .innerJoin('messages as m', 'm.conversation_id', 'cc.conversation_id')
        .select(sql<string>`m.direction || ':' || m.visibility`.as('cue'))
        .whereRef('cc.case_id', '=', 'cases.id')
        .where((w) =>
          w.or([
            w('m.delivery_status', 'is', null),
            w('m.delivery_status', 'not in', ['pending_approval', 'rejected', 'failed']),
          ]),
        )
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(1)
        .as('cue'),
    ])
    .where('cases.id', 'in', [...caseIds])
    .execute();
  for (const row of rows) {
    const [direction, visibility] = (row.cue ?? '').split(':');
    cues.set(row.caseId, {
      lastVisibility: visibility === 'public' || visibility === 'direct' ? visibility : null,
      answered: direction === 'outbound',
    });
  }
  return cues;
}
