import type { PersonalDataKind } from '@guichet/contracts';
import type { DbOrTx, Tx } from '../../platform/db/database.ts';
import type { NewRow, Row } from '../../platform/db/schema.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { requestApproval } from '../approvals/approvals.repository.ts';
import type { AuditContext } from '../audit/audit.context.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents } from '../events/events.repository.ts';
import { attachOutgoingMedia } from '../media/outgoing-media.commands.ts';
import {
  assignToReplier,
  lockCaseReplies,
  recordPersonalDataOverride,
  refuseIfAnswered,
  type ReplierAssignment,
} from './cases.reply-guard.ts';

/** The customer message a reply answers. */
export type AnsweredMessage = Pick<Row<'messages'>, 'id' | 'conversation_id' | 'visibility' | 'channel_id'> & {
  external_id: string;
};

/** A reply checked and ready to be written: what `queueReply` needs inside the transaction. */
export interface QueuedReply {
  session: AuthenticatedSession;
  caseId: string;
  answered: AnsweredMessage;
  parts: string[];
  messageIds: string[];
  idempotencyKey: string | null;
  confirm: boolean;
  mediaIds: string[];
  personalData: PersonalDataKind[];
  auditContext: AuditContext | undefined;
  awaitsApproval: boolean;
  assignment: ReplierAssignment | null;
  now: number;
}

/** Thrown inside the reply's transaction to roll it back and answer with the reply already made. */
export class ExistingReply extends Error {
  constructor(readonly messageId: string) {
    super('reply already made with this idempotency key');
  }
}

export function findByIdempotencyKey(db: DbOrTx, key: string) {
  return db.selectFrom('messages').select('id').where('idempotency_key', '=', key).executeTakeFirst();
}

/**
 * The reply's transaction, in stages: the case's reply lock; the guards (same idempotency key, someone
 * else's reply); the messages, their media, the personal-data override; the approval request, or the
 * delivery job and events; and last the case row — its count, its latest activity and assign-on-reply —
 * so the row that ingestion also writes is held only from there to the commit.
 */
export async function queueReply(jobs: JobQueue, tx: Tx, reply: QueuedReply): Promise<'created'> {
  await lockCaseReplies(tx, reply.caseId, reply.now);
  await refuseRepeatedKey(tx, reply);
  if (!reply.confirm) await refuseIfAnswered(tx, reply.session, reply.answered.id, reply.now);
  await writeReplyMessages(tx, reply);
  if (reply.awaitsApproval) await awaitApproval(tx, reply);
  else await queueFirstPart(jobs, tx, reply);
  await touchRepliedCase(tx, reply);
  return 'created';
}

/** The same submission again rolls the transaction back and changes nothing. */
async function refuseRepeatedKey(tx: Tx, reply: QueuedReply): Promise<void> {
  if (!reply.idempotencyKey) return;
  const earlier = await findByIdempotencyKey(tx, reply.idempotencyKey);
  if (earlier) throw new ExistingReply(earlier.id);
}

/** The messages, the composer's pictures on the first part (after X's limits, issue 12), the audited override. */
async function writeReplyMessages(tx: Tx, reply: QueuedReply): Promise<void> {
  const { session, caseId, now } = reply;
  const firstId = reply.messageIds[0]!;
  await tx.insertInto('messages').values(outboundRows(reply)).execute();
  await attachOutgoingMedia(tx, {
    session,
    messageId: firstId,
    mediaIds: reply.mediaIds,
    visibility: reply.answered.visibility,
  });
  if (reply.personalData.length > 0) {
    await recordPersonalDataOverride(
      tx,
      reply.auditContext,
      {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        caseId,
        messageId: firstId,
        kinds: reply.personalData,
      },
      now,
    );
  }
}

/**
 * A trainee's reply: no delivery job until a lead approves, so the worker never sees the message before then.
 * A thread is approved as a whole, through its first part.
 */
async function awaitApproval(tx: Tx, reply: QueuedReply): Promise<void> {
  await requestApproval(tx, {
    workspaceId: reply.session.workspaceId,
    messageId: reply.messageIds[0]!,
    caseId: reply.caseId,
    agentId: reply.session.agentId,
    at: reply.now,
  });
}

/** Only the first part is due now: each next part is queued by the delivery of the one before. */
async function queueFirstPart(jobs: JobQueue, tx: Tx, reply: QueuedReply): Promise<void> {
  const { session, caseId, answered, messageIds, now } = reply;
  const firstId = messageIds[0]!;
  await jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId: firstId }, dedupeKey: `deliver:${firstId}` }, tx);
  await recordEvents(
    tx,
    messageIds.map((messageId, index) => ({
      workspaceId: session.workspaceId,
      type: 'message.queued',
      caseId,
      subjectId: messageId,
      actor: { type: 'agent' as const, id: session.agentId },
      payload: {
        inReplyTo: index === 0 ? answered.id : messageIds[index - 1],
        visibility: answered.visibility,
        ...(reply.parts.length > 1 ? { thread: { part: index + 1, of: reply.parts.length } } : {}),
      },
      occurredAt: now,
    })),
  );
}

/** Last, the case row: its count, its latest activity and assign-on-reply. */
async function touchRepliedCase(tx: Tx, reply: QueuedReply): Promise<void> {
  const { now } = reply;
  await tx
    .updateTable('cases')
    .set((eb) => ({
      last_message_at: now,
      message_count: eb('message_count', '+', reply.parts.length),
      updated_at: now,
    }))
    .where('id', '=', reply.caseId)
    .execute();
  if (reply.assignment) await assignToReplier(tx, reply.assignment, now);
}

/** The outbound message rows of a reply: one per part, each answering the one before. */
function outboundRows(reply: QueuedReply): NewRow<'messages'>[] {
  const { session, answered, messageIds, idempotencyKey, now } = reply;
  return reply.parts.map((part, index) => ({
    id: messageIds[index]!,
    workspace_id: session.workspaceId,
    channel_id: answered.channel_id,
    conversation_id: answered.conversation_id,
    direction: 'outbound' as const,
    visibility: answered.visibility,
    kind: 'reply' as const,
    external_id: null,
    // Part k+1 answers part k: its X id is only known once part k is sent (delivery fills it in).
    in_reply_to_external_id: index === 0 ? answered.external_id : null,
    in_reply_to_message_id: index === 0 ? answered.id : messageIds[index - 1]!,
    author_identity_id: null,
    author_agent_id: session.agentId,
    text: part,
    lang: null,
    url: null,
    created_at: now,
    recorded_at: now,
    delivery_status: reply.awaitsApproval ? ('pending_approval' as const) : ('queued' as const),
    delivery_error: null,
    delivery_attempts: 0,
    idempotency_key: idempotencyKey === null ? null : index === 0 ? idempotencyKey : `${idempotencyKey}:${index + 1}`,
    raw: null,
  }));
}
