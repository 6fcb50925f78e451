import type { Message, PersonalDataKind, ReplyRequest } from '@guichet/contracts';
import twitterText from 'twitter-text';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx, Tx } from '../../platform/db/database.ts';
import type { NewRow, Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { needsApproval, requestApproval } from '../approvals/approvals.repository.ts';
import type { AuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';
import { attachOutgoingMedia } from '../media/outgoing-media.commands.ts';
import { findCaseRow, findMessage } from './cases.repository.ts';
import {
  assignToReplier,
  checkPersonalData,
  lockCaseReplies,
  recordPersonalDataOverride,
  replierAssignment,
  type ReplierAssignment,
} from './cases.reply-guard.ts';

/** Another agent's reply to the same message this recently makes a second reply need confirming. */
export const COLLISION_WINDOW_MS = 5 * 60_000;

export interface ReplyDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/**
 * Queues an agent's reply: the outbound message(s), the first one's delivery job and the events commit
 * together (the outbox); the worker sends it after commit. A thread (`parts`) is stored as one message per
 * part, chained, and goes out in order. The clash guard runs inside the same transaction, under the case's
 * reply lock, so two simultaneous replies never both pass it. The same idempotency key returns the same
 * message (the first part of a thread). A public reply with the customer's personal data is refused unless
 * confirmed (audited through `auditContext`); a reply to an unassigned case assigns it to the replier.
 */
export async function replyToCase(
  deps: ReplyDeps,
  session: AuthenticatedSession,
  caseId: string,
  request: ReplyRequest,
  auditContext?: AuditContext,
): Promise<Message> {
  const caseRow = await findCaseRow(deps.db, session.workspaceId, caseId);
  if (!caseRow) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
  const text = request.text.trim();
  if (!text) throw new AppError('reply.empty', 'invalid', 'A reply cannot be empty.');

  const parts = threadParts(text, request.parts);
  const answered = await answeredMessage(deps.db, caseRow.id, request, text, parts);
  // A DM is where personal data belongs; only what everyone on X would see is checked.
  const personalData =
    answered.visibility === 'public'
      ? await checkPersonalData(deps.db, session, text, request.confirmPersonalData === true)
      : [];

  const now = deps.clock.now().getTime();
  const awaitsApproval = needsApproval(session);
  // Read before the transaction: nothing the reply only reads is done while it holds the case row. A case
  // assigned when the reply was made is left as it is. A trainee's reply assigns the case when a lead
  // approves it, as it goes out (approvals).
  const assignment =
    awaitsApproval || caseRow.assignee_agent_id !== null
      ? null
      : await replierAssignment(deps.db, {
          workspaceId: session.workspaceId,
          caseId: caseRow.id,
          agentId: session.agentId,
          actorId: session.agentId,
        });
  // Part k of a thread sorts before part k+1: same time, ids in ascending order.
  const messageIds = parts.map(() => newId(now)).sort();
  const reply: QueuedReply = {
    session,
    caseId: caseRow.id,
    answered,
    parts,
    messageIds,
    idempotencyKey: request.idempotencyKey ? `${session.agentId}:${request.idempotencyKey}` : null,
    confirm: request.confirm === true,
    mediaIds: request.mediaIds ?? [],
    personalData,
    auditContext,
    awaitsApproval,
    assignment,
    now,
  };
  const outcome = await deps.db
    .transaction()
    .execute((tx) => queueReply(deps, tx, reply))
    .catch(async (error: unknown) => {
      if (error instanceof ExistingReply) return error;
      // The same key sent at once for another case (the lock is per case): the unique index refused the
      // second; it answers with the first, as a later resubmission would.
      const earlier = reply.idempotencyKey ? await findByIdempotencyKey(deps.db, reply.idempotencyKey) : undefined;
      if (earlier) return new ExistingReply(earlier.id);
      throw error;
    });
  if (outcome instanceof ExistingReply) return (await findMessage(deps.db, outcome.messageId, caseRow.contact_id))!;
  deps.jobs.notify();
  const updatedAt = new Date(now).toISOString();
  deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: caseRow.id, updatedAt });
  return (await findMessage(deps.db, messageIds[0]!, caseRow.contact_id))!;
}

type AnsweredMessage = Pick<Row<'messages'>, 'id' | 'conversation_id' | 'visibility' | 'channel_id'> & {
  external_id: string;
};

/** The customer message the reply answers (the one named, else the case's latest public post), checked. */
async function answeredMessage(
  db: Db,
  caseId: string,
  request: ReplyRequest,
  text: string,
  parts: string[],
): Promise<AnsweredMessage> {
  let target = db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id',
      'messages.conversation_id',
      'messages.visibility',
      'messages.external_id',
      'messages.channel_id',
    ])
    .where('case_conversations.case_id', '=', caseId)
    .where('messages.direction', '=', 'inbound');
  target = request.inReplyToMessageId
    ? target.where('messages.id', '=', request.inReplyToMessageId)
    : target.where('messages.visibility', '=', 'public').orderBy('messages.created_at', 'desc').limit(1);
  const answered = await target.executeTakeFirst();
  if (!answered || !answered.external_id) {
    throw new AppError(
      request.inReplyToMessageId ? 'reply.target_not_found' : 'reply.nothing_to_answer',
      'invalid',
      request.inReplyToMessageId
        ? 'The message you are answering is not part of this case.'
        : 'This case has no customer post to answer.',
    );
  }
  if (answered.visibility === 'public') {
    if (parts.length === 1 && publicLength(text) > PUBLIC_LIMIT) {
      throw new AppError(
        'reply.too_long',
        'invalid',
        `A public reply holds ${PUBLIC_LIMIT} characters as X counts them; send it as a thread (parts) or shorten it.`,
        { length: publicLength(text), limit: PUBLIC_LIMIT },
      );
    }
  } else if (parts.length > 1) {
    throw new AppError('reply.thread_not_public', 'invalid', 'Only a public reply can be sent as a thread.');
  }
  return { ...answered, external_id: answered.external_id };
}

/** A reply checked and ready to be written: what `queueReply` needs inside the transaction. */
interface QueuedReply {
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

/**
 * The reply's transaction, in stages: the case's reply lock; the guards (same idempotency key, someone
 * else's reply); the messages, their media, the personal-data override; the approval request, or the
 * delivery job and events; and last the case row — its count, its latest activity and assign-on-reply —
 * so the row that ingestion also writes is held only from there to the commit.
 */
async function queueReply(deps: ReplyDeps, tx: Tx, reply: QueuedReply): Promise<'created'> {
  const { session, caseId, answered, messageIds, now } = reply;
  const firstId = messageIds[0]!;
  await lockCaseReplies(tx, caseId, now);
  if (reply.idempotencyKey) {
    const earlier = await findByIdempotencyKey(tx, reply.idempotencyKey);
    // Rolls the transaction back: the same submission again changes nothing.
    if (earlier) throw new ExistingReply(earlier.id);
  }
  if (!reply.confirm) await refuseIfAnswered(tx, session, answered.id, now);
  await tx.insertInto('messages').values(outboundRows(reply)).execute();
  // The composer's pictures go with the first part, after X's limits are checked (issue 12).
  await attachOutgoingMedia(tx, {
    session,
    messageId: firstId,
    mediaIds: reply.mediaIds,
    visibility: answered.visibility,
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
  if (reply.awaitsApproval) {
    // No delivery job until a lead approves: the worker never sees this message before then. A thread
    // is approved as a whole, through its first part.
    await requestApproval(tx, {
      workspaceId: session.workspaceId,
      messageId: firstId,
      caseId,
      agentId: session.agentId,
      at: now,
    });
  } else {
    // Only the first part is due now: each next part is queued by the delivery of the one before.
    await deps.jobs.enqueue(
      { name: DELIVER_MESSAGE, payload: { messageId: firstId }, dedupeKey: `deliver:${firstId}` },
      tx,
    );
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
  await tx
    .updateTable('cases')
    .set((eb) => ({
      last_message_at: now,
      message_count: eb('message_count', '+', reply.parts.length),
      updated_at: now,
    }))
    .where('id', '=', caseId)
    .execute();
  if (reply.assignment) await assignToReplier(tx, reply.assignment, now);
  return 'created';
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

function findByIdempotencyKey(db: DbOrTx, key: string) {
  return db.selectFrom('messages').select('id').where('idempotency_key', '=', key).executeTakeFirst();
}

/** Thrown inside the reply's transaction to roll it back and answer with the reply already made. */
class ExistingReply extends Error {
  constructor(readonly messageId: string) {
    super('reply already made with this idempotency key');
  }
}

/**
 * Two agents must not answer the same post: a recent or still-travelling reply by someone else wins.
 * Runs inside the reply's transaction, after the case row is locked.
 */
export async function refuseIfAnswered(
  tx: Tx,
  session: Pick<AuthenticatedSession, 'agentId'>,
  answeredId: string,
  now: number,
): Promise<void> {
  const rival = await tx
    .selectFrom('messages')
    .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
    .select(['messages.id', 'messages.created_at', 'messages.delivery_status', 'agents.name'])
    .where('messages.in_reply_to_message_id', '=', answeredId)
    .where('messages.direction', '=', 'outbound')
    .where('messages.author_agent_id', '!=', session.agentId)
    .where((eb) =>
      eb.or([
        // A trainee's reply waiting for approval is on its way too (F17).
        eb('messages.delivery_status', 'in', ['queued', 'sending', 'pending_approval']),
        eb.and([
          eb('messages.created_at', '>=', now - COLLISION_WINDOW_MS),
          eb('messages.delivery_status', 'not in', ['failed', 'rejected']),
        ]),
      ]),
    )
    .orderBy('messages.created_at', 'desc')
    .executeTakeFirst();
  if (rival) {
    throw new AppError(
      'reply.already_answered',
      'conflict',
      `${rival.name ?? 'Another agent'} already answered this message; send again with confirm: true to reply anyway.`,
      { agentName: rival.name, messageId: rival.id, at: new Date(rival.created_at).toISOString() },
    );
  }
}

/** X's weighted length of a public post (URLs 23, CJK and emoji 2), as the composer counts it. */
export function publicLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** X's limit for a public post, in weighted characters. */
export const PUBLIC_LIMIT = 280;
const MAX_THREAD_PARTS = 25;

/**
 * The posts a reply goes out as: the text alone, or the thread the composer previewed (F13). The parts
 * must be the agent's text, split (numbering aside), each within X's limit: what was previewed is what
 * goes out, and nothing else.
 */
function threadParts(text: string, parts: readonly string[] | undefined): string[] {
  if (!parts || parts.length === 0) return [text];
  const trimmed = parts.map((part) => part.trim());
  if (trimmed.length > MAX_THREAD_PARTS || trimmed.some((part) => part === '')) {
    throw new AppError('reply.thread_invalid', 'invalid', `A thread holds 1 to ${MAX_THREAD_PARTS} non-empty parts.`);
  }
  const tooLong = trimmed.findIndex((part) => publicLength(part) > PUBLIC_LIMIT);
  if (tooLong >= 0) {
    throw new AppError(
      'reply.part_too_long',
      'invalid',
      `Part ${tooLong + 1} of the thread is over ${PUBLIC_LIMIT} characters as X counts them.`,
      { part: tooLong + 1, limit: PUBLIC_LIMIT },
    );
  }
  const squeeze = (value: string) => value.replace(/\s+/g, '');
  // The composer numbers each part at its end ("… 2/3"); the rest must be the text as written.
  const suffix = (index: number) => (trimmed.length > 1 ? ` ${index + 1}/${trimmed.length}` : '');
  const unnumbered = trimmed.map((part, index) =>
    part.endsWith(suffix(index)) ? part.slice(0, part.length - suffix(index).length) : part,
  );
  if (squeeze(unnumbered.join('')) !== squeeze(text)) {
    throw new AppError('reply.thread_mismatch', 'invalid', 'The thread’s parts are not the text of the reply.');
  }
  return trimmed;
}
