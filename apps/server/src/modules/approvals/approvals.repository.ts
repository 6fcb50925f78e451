import type { MessageApproval, PendingApprovalList } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { countPendingEngagements, listPendingEngagements } from '../conversations/engagement/engagement.repository.ts';
import { recordEvents } from '../events/events.repository.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Trainees' replies wait for a lead or an admin (F17); everyone else's go straight to the outbox. */
export function needsApproval(session: Pick<AuthenticatedSession, 'role'>): boolean {
  return session.role === 'trainee';
}

export function canReview(session: Pick<AuthenticatedSession, 'role'>): boolean {
  return session.role === 'lead' || session.role === 'admin';
}

/**
 * Records that a reply just stored as `pending_approval` waits for review, in the reply's transaction.
 * No delivery job is queued: approval queues it.
 */
export async function requestApproval(
  tx: DbOrTx,
  input: { workspaceId: string; messageId: string; caseId: string; agentId: string; at: number },
): Promise<void> {
  await tx
    .insertInto('approvals')
    .values({
      id: newId(input.at),
      workspace_id: input.workspaceId,
      message_id: input.messageId,
      case_id: input.caseId,
      requested_by: input.agentId,
      requested_at: input.at,
      status: 'pending',
      original_text: null,
      decided_by: null,
      decided_at: null,
      comment: null,
    })
    .execute();
  await recordEvents(tx, [
    {
      workspaceId: input.workspaceId,
      type: 'message.approval_requested',
      caseId: input.caseId,
      subjectId: input.messageId,
      actor: { type: 'agent', id: input.agentId },
      occurredAt: input.at,
    },
  ]);
}

/** The approval of each of these messages that has one, with the agents' names, in one query. */
export async function approvalsOfMessages(
  db: DbOrTx,
  messageIds: readonly string[],
): Promise<Map<string, MessageApproval>> {
  const byMessage = new Map<string, MessageApproval>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('approvals')
    .leftJoin('agents as requester', 'requester.id', 'approvals.requested_by')
    .leftJoin('agents as reviewer', 'reviewer.id', 'approvals.decided_by')
    .select([
      'approvals.message_id as messageId',
      'approvals.status as status',
      'approvals.requested_at as requestedAt',
      'approvals.decided_at as decidedAt',
      'approvals.comment as comment',
      'approvals.original_text as originalText',
      'requester.id as requesterId',
      'requester.name as requesterName',
      'reviewer.id as reviewerId',
      'reviewer.name as reviewerName',
    ])
    .where('approvals.message_id', 'in', [...messageIds])
    .execute();
  for (const row of rows) {
    byMessage.set(row.messageId, {
      status: row.status,
      requestedBy: row.requesterId ? { id: row.requesterId, name: row.requesterName ?? '' } : null,
      requestedAt: iso(row.requestedAt),
      decidedBy: row.reviewerId ? { id: row.reviewerId, name: row.reviewerName ?? '' } : null,
      decidedAt: row.decidedAt === null ? null : iso(row.decidedAt),
      comment: row.comment,
      originalText: row.originalText,
    });
  }
  return byMessage;
}

const LIST_LIMIT = 100;

/** Replies waiting for review in the workspace, oldest first, with what they answer. */
export async function listPendingApprovals(db: DbOrTx, workspaceId: string): Promise<PendingApprovalList> {
  const rows = await db
    .selectFrom('approvals')
    .innerJoin('messages', 'messages.id', 'approvals.message_id')
    .innerJoin('cases', 'cases.id', 'approvals.case_id')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .leftJoin('messages as answered', 'answered.id', 'messages.in_reply_to_message_id')
    .leftJoin('identities as author', 'author.id', 'answered.author_identity_id')
    .leftJoin('agents', 'agents.id', 'approvals.requested_by')
    .select([
      'approvals.message_id as messageId',
      'approvals.case_id as caseId',
      'approvals.requested_at as requestedAt',
      'messages.text as text',
      'messages.visibility as visibility',
      'contacts.name as contactName',
      'author.handle as handle',
      'answered.id as answeredId',
      'answered.text as answeredText',
      'agents.id as agentId',
      'agents.name as agentName',
    ])
    .where('approvals.workspace_id', '=', workspaceId)
    .where('approvals.status', '=', 'pending')
    .orderBy('approvals.requested_at')
    .orderBy('approvals.id')
    .limit(LIST_LIMIT)
    .execute();
  // Likes and reposts wait in the same queue (F16, F17); the count is everything a lead has to decide.
  const engagements = await listPendingEngagements(db, workspaceId);
  const count = (await countPendingApprovals(db, workspaceId)) + (await countPendingEngagements(db, workspaceId));
  return {
    count,
    engagements,
    approvals: rows.map((row) => ({
      messageId: row.messageId,
      caseId: row.caseId,
      text: row.text,
      visibility: row.visibility,
      requestedBy: row.agentId ? { id: row.agentId, name: row.agentName ?? '' } : null,
      requestedAt: iso(row.requestedAt),
      contact: { name: row.contactName, handle: row.handle },
      inReplyTo: row.answeredId ? { id: row.answeredId, text: row.answeredText ?? '' } : null,
    })),
  };
}

export async function countPendingApprovals(db: DbOrTx, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('approvals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
