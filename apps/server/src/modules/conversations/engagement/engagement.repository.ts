import type { Engagement, EngagementKind, PendingEngagement } from '@guichet/contracts';
import type { DbOrTx } from '../../../platform/db/database.ts';

const planRefusal = /^x\.(like|repost)_not_allowed\b/;

/**
 * The kinds X refused on this channel's plan: those whose latest finished attempt on the channel failed
 * with X's "this plan does not allow it". A later success (the plan was upgraded) clears it.
 */
export async function planRefusedKinds(db: DbOrTx, channelId: string): Promise<EngagementKind[]> {
  const refused: EngagementKind[] = [];
  for (const kind of ['like', 'repost'] as const) {
    const latest = await db
      .selectFrom('engagements')
      .select(['status', 'error'])
      .where('channel_id', '=', channelId)
      .where('kind', '=', kind)
      .where('status', 'in', ['done', 'failed'])
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest?.status === 'failed' && planRefusal.test(latest.error ?? '')) refused.push(kind);
  }
  return refused;
}

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
    .leftJoin('agents as reviewer', 'reviewer.id', 'engagements.decided_by')
    .select([
      'engagements.id as id',
      'engagements.message_id as messageId',
      'engagements.kind as kind',
      'engagements.status as status',
      'engagements.error as error',
      'engagements.updated_at as updatedAt',
      'agents.id as agentId',
      'agents.name as agentName',
      'reviewer.id as reviewerId',
      'reviewer.name as reviewerName',
      'engagements.comment as comment',
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
      decidedBy: row.reviewerId ? { id: row.reviewerId, name: row.reviewerName ?? '' } : null,
      comment: row.comment,
    });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

const PENDING_LIMIT = 100;

/** Trainees' likes and reposts waiting for a lead, oldest first, with the post each is about. */
export async function listPendingEngagements(db: DbOrTx, workspaceId: string): Promise<PendingEngagement[]> {
  const rows = await db
    .selectFrom('engagements')
    .innerJoin('messages', 'messages.id', 'engagements.message_id')
    .leftJoin('identities', 'identities.id', 'messages.author_identity_id')
    .leftJoin('agents', 'agents.id', 'engagements.requested_by')
    .select([
      'engagements.id as id',
      'engagements.kind as kind',
      'engagements.case_id as caseId',
      'engagements.created_at as requestedAt',
      'messages.id as messageId',
      'messages.text as text',
      'identities.handle as handle',
      'identities.name as name',
      'agents.id as agentId',
      'agents.name as agentName',
    ])
    .where('engagements.workspace_id', '=', workspaceId)
    .where('engagements.status', '=', 'pending_approval')
    .orderBy('engagements.created_at')
    .orderBy('engagements.id')
    .limit(PENDING_LIMIT)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    caseId: row.caseId,
    requestedBy: row.agentId ? { id: row.agentId, name: row.agentName ?? '' } : null,
    requestedAt: new Date(row.requestedAt).toISOString(),
    post: { id: row.messageId, text: row.text, handle: row.handle, name: row.name ?? row.handle ?? '' },
  }));
}

export async function countPendingEngagements(db: DbOrTx, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('engagements')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'pending_approval')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
