import type { Engagement } from '@guichet/contracts';
import type { DbOrTx } from '../../../platform/db/database.ts';

/** The likes and reposts of each of these messages, in one query. */
export async function engagementsOfMessages(
  db: DbOrTx,
  messageIds: readonly string[],
): Promise<Map<string, Engagement[]>> {
  const byMessage = new Map<string, Engagement[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('engagements')
    .leftJoin('agents', 'agents.id', 'engagements.requested_by')
    .select([
      'engagements.id as id',
      'engagements.message_id as messageId',
      'engagements.kind as kind',
      'engagements.status as status',
      'engagements.error as error',
      'engagements.updated_at as updatedAt',
      'agents.id as agentId',
      'agents.name as agentName',
    ])
    .where('engagements.message_id', 'in', [...messageIds])
    .orderBy('engagements.kind')
    .execute();
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push({
      id: row.id,
      kind: row.kind,
      status: row.status,
      error: row.error,
      requestedBy: row.agentId ? { id: row.agentId, name: row.agentName ?? '' } : null,
      updatedAt: new Date(row.updatedAt).toISOString(),
    });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}
