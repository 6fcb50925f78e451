import type { Message, PersonalDataKind, ReplyRequest } from '@guichet/contracts';
import twitterText from 'twitter-text';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { needsApproval } from '../approvals/approvals.repository.ts';
import type { AuditContext } from '../audit/audit.context.ts';
import { findCaseRow, findMessage } from './cases.repository.ts';
import { checkPersonalData, replierAssignment } from './cases.reply-guard.ts';
import {
  ExistingReply,
  findByIdempotencyKey,
  queueReply,
  type AnsweredMessage,
  type QueuedReply,
} from './cases.reply-queue.ts';

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

  const reply = await prepareReply(deps, session, caseRow, { request, answered, parts, personalData, auditContext });
  const outcome = await commitReply(deps, reply);
  if (outcome instanceof ExistingReply) return (await findMessage(deps.db, outcome.messageId, caseRow.contact_id))!;
  deps.jobs.notify();
  const updatedAt = new Date(reply.now).toISOString();
  deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: caseRow.id, updatedAt });
  return (await findMessage(deps.db, reply.messageIds[0]!, caseRow.contact_id))!;
}

interface CheckedReply {
  request: ReplyRequest;
  answered: AnsweredMessage;
  parts: string[];
  personalData: PersonalDataKind[];
  auditContext: AuditContext | undefined;
}

/** Everything the reply's transaction needs, read before it opens. */
async function prepareReply(
  deps: ReplyDeps,
  session: AuthenticatedSession,
  caseRow: Pick<Row<'cases'>, 'id' | 'assignee_agent_id'>,
  checked: CheckedReply,
): Promise<QueuedReply> {
  const { request } = checked;
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
  return {
    session,
    caseId: caseRow.id,
    answered: checked.answered,
    parts: checked.parts,
    // Part k of a thread sorts before part k+1: same time, ids in ascending order.
    messageIds: checked.parts.map(() => newId(now)).sort(),
    idempotencyKey: request.idempotencyKey ? `${session.agentId}:${request.idempotencyKey}` : null,
    confirm: request.confirm === true,
    mediaIds: request.mediaIds ?? [],
    personalData: checked.personalData,
    auditContext: checked.auditContext,
    awaitsApproval,
    assignment,
    now,
  };
}

/** The reply's transaction; the same idempotency key answers with the reply already made. */
function commitReply(deps: ReplyDeps, reply: QueuedReply): Promise<'created' | ExistingReply> {
  return deps.db
    .transaction()
    .execute((tx) => queueReply(deps.jobs, tx, reply))
    .catch(async (error: unknown) => {
      if (error instanceof ExistingReply) return error;
      // The same key sent at once for another case (the lock is per case): the unique index refused the
      // second; it answers with the first, as a later resubmission would.
      const earlier = reply.idempotencyKey ? await findByIdempotencyKey(deps.db, reply.idempotencyKey) : undefined;
      if (earlier) return new ExistingReply(earlier.id);
      throw error;
    });
}

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
