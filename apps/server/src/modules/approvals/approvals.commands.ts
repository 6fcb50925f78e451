import type { ApproveRequest, Message, RejectRequest } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import type { AuditContext } from '../audit/audit.context.ts';
import { PUBLIC_LIMIT, publicLength } from '../cases/cases.commands.ts';
import {
  alreadyAnswered,
  assignOnReply,
  checkPersonalData,
  lockCaseReplies,
  recordPersonalDataOverride,
} from '../cases/cases.reply-guard.ts';
import { findMessage } from '../cases/cases.repository.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents } from '../events/events.repository.ts';
import { canReview } from './approvals.repository.ts';

export interface ApprovalDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

function requireReviewer(session: AuthenticatedSession): void {
  if (!canReview(session)) {
    throw new AppError('approval.forbidden', 'forbidden', 'Only leads and admins approve or reject replies.');
  }
}

async function pendingOf(deps: ApprovalDeps, session: AuthenticatedSession, messageId: string) {
  const row = await deps.db
    .selectFrom('approvals')
    .innerJoin('messages', 'messages.id', 'approvals.message_id')
    .innerJoin('cases', 'cases.id', 'approvals.case_id')
    .select([
      'approvals.id as approvalId',
      'approvals.message_id as messageId',
      'approvals.status as status',
      'approvals.case_id as caseId',
      'cases.contact_id as contactId',
      'messages.text as text',
      'messages.visibility as visibility',
      'messages.author_agent_id as authorAgentId',
      'messages.in_reply_to_message_id as inReplyToMessageId',
      'messages.created_at as createdAt',
    ])
    .where('approvals.workspace_id', '=', session.workspaceId)
    .where('approvals.message_id', '=', messageId)
    .executeTakeFirst();
  if (!row) throw new AppError('approval.not_found', 'not_found', 'This reply is not waiting for approval.');
  if (row.status !== 'pending') {
    throw new AppError('approval.already_decided', 'conflict', `This reply was already ${row.status}.`, {
      status: row.status,
    });
  }
  return row;
}

function publish(deps: ApprovalDeps, workspaceId: string, caseId: string, messageId: string, at: number) {
  const updatedAt = new Date(at).toISOString();
  deps.realtime.publish(workspaceId, { type: 'message.changed', caseId, messageId, updatedAt });
  deps.realtime.publish(workspaceId, { type: 'case.changed', caseId, updatedAt });
}

/** Someone else answered the same message after the trainee wrote: the lead must confirm. */
async function refuseIfAnsweredSince(
  tx: Tx,
  pending: { inReplyToMessageId: string; createdAt: number },
  messageId: string,
): Promise<void> {
  const rival = await tx
    .selectFrom('messages')
    .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
    .select(['messages.id', 'messages.created_at', 'agents.name'])
    .where('messages.in_reply_to_message_id', '=', pending.inReplyToMessageId)
    .where('messages.direction', '=', 'outbound')
    .where('messages.id', '!=', messageId)
    .where('messages.delivery_status', 'in', ['queued', 'sending', 'sent'])
    .where('messages.created_at', '>=', pending.createdAt)
    .orderBy('messages.created_at', 'desc')
    .executeTakeFirst();
  if (rival) {
    throw alreadyAnswered(
      rival,
      'answered this message after the reply was written; approve with confirm: true to send it anyway.',
    );
  }
}

/** A pending reply's text with its thread's later parts, as it would be published. */
async function threadText(db: Db, messageId: string, firstText: string): Promise<string> {
  const later = await db.transaction().execute((tx) => laterThreadParts(tx, messageId));
  if (later.length === 0) return firstText;
  const rows = await db.selectFrom('messages').select(['id', 'text']).where('id', 'in', later).execute();
  const byId = new Map(rows.map((row) => [row.id, row.text]));
  return [firstText, ...later.map((id) => byId.get(id) ?? '')].join('\n');
}

/** The later parts of a trainee's thread (F13), in order: each answers the part before it. */
async function laterThreadParts(tx: Tx, messageId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let current = messageId; ;) {
    const next = await tx
      .selectFrom('messages')
      .select('id')
      .where('in_reply_to_message_id', '=', current)
      .where('direction', '=', 'outbound')
      .where('in_reply_to_external_id', 'is', null)
      .where('delivery_status', '=', 'pending_approval')
      .executeTakeFirst();
    if (!next || ids.includes(next.id)) return ids;
    ids.push(next.id);
    current = next.id;
  }
}

type PendingReply = Awaited<ReturnType<typeof pendingOf>>;

/** The reviewer's edit, if the text changed; a public edit must still fit X's limit. */
function editedText(pending: PendingReply, request: ApproveRequest): string | null {
  const edited = request.text !== undefined && request.text !== pending.text ? request.text : null;
  if (edited !== null && pending.visibility === 'public' && publicLength(edited) > PUBLIC_LIMIT) {
    throw new AppError(
      'reply.too_long',
      'invalid',
      `A public reply holds ${PUBLIC_LIMIT} characters as X counts them; shorten the edited text.`,
      { length: publicLength(edited), limit: PUBLIC_LIMIT },
    );
  }
  return edited;
}

/** The personal data a public reply would publish; the whole thread is what goes out, so its later parts count. */
async function publicPersonalData(
  deps: ApprovalDeps,
  session: AuthenticatedSession,
  pending: PendingReply,
  text: string,
  confirmed: boolean,
) {
  if (pending.visibility !== 'public') return [];
  return checkPersonalData(deps.db, session, await threadText(deps.db, pending.messageId, text), confirmed);
}

/** Compare-and-set: two leads approving at once queue one delivery. */
async function markApproved(
  tx: Tx,
  session: AuthenticatedSession,
  pending: PendingReply,
  edited: string | null,
  now: number,
) {
  const decided = await tx
    .updateTable('approvals')
    .set({
      status: 'approved',
      decided_by: session.agentId,
      decided_at: now,
      original_text: edited === null ? null : pending.text,
    })
    .where('id', '=', pending.approvalId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1) {
    throw new AppError('approval.already_decided', 'conflict', 'This reply was decided by someone else just now.');
  }
}

/** The reply and, for a thread, its later parts become `queued`; delivery chains the parts behind the first. */
async function queueApprovedThread(deps: ApprovalDeps, tx: Tx, messageId: string, edited: string | null) {
  await tx
    .updateTable('messages')
    .set({ delivery_status: 'queued', ...(edited === null ? {} : { text: edited }) })
    .where('id', '=', messageId)
    .where('delivery_status', '=', 'pending_approval')
    .execute();
  const later = await laterThreadParts(tx, messageId);
  if (later.length > 0) {
    await tx
      .updateTable('messages')
      .set({ delivery_status: 'queued' })
      .where('id', 'in', later)
      .where('delivery_status', '=', 'pending_approval')
      .execute();
  }
  await deps.jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
}

interface ApprovalRecord {
  session: AuthenticatedSession;
  pending: PendingReply;
  edited: boolean;
  personalData: Awaited<ReturnType<typeof checkPersonalData>>;
  auditContext: AuditContext | undefined;
}

/** What follows an approval: the audited personal-data override, the case to its writer, the history event. */
async function recordApproval(tx: Tx, record: ApprovalRecord, now: number) {
  const { session, pending } = record;
  const ids = { workspaceId: session.workspaceId, caseId: pending.caseId };
  if (record.personalData.length > 0) {
    await recordPersonalDataOverride(
      tx,
      record.auditContext,
      { ...ids, agentId: session.agentId, messageId: pending.messageId, kinds: record.personalData },
      now,
    );
  }
  if (pending.authorAgentId) {
    await assignOnReply(tx, { ...ids, agentId: pending.authorAgentId, actorId: session.agentId }, now);
  }
  await recordEvents(tx, [
    {
      ...ids,
      type: 'message.approved',
      subjectId: pending.messageId,
      actor: { type: 'agent', id: session.agentId },
      payload: { edited: record.edited, authorAgentId: pending.authorAgentId },
      occurredAt: now,
    },
  ]);
}

/**
 * Approves a trainee's reply, with the reviewer's edits if any: the message becomes `queued` and its
 * delivery job is enqueued in the same transaction (the outbox), exactly as an agent's own reply.
 * Refused (409 reply.already_answered) when someone else answered the same message since, unless confirmed.
 * A public reply with the customer's personal data needs the reviewer's own confirmation (audited), as an
 * agent's reply does; the case, if unassigned, goes to the trainee who wrote the reply.
 */
export async function approveReply(
  deps: ApprovalDeps,
  session: AuthenticatedSession,
  messageId: string,
  request: ApproveRequest,
  auditContext?: AuditContext,
): Promise<Message> {
  requireReviewer(session);
  const pending = await pendingOf(deps, session, messageId);
  const edited = editedText(pending, request);
  const confirmed = request.confirmPersonalData === true;
  const personalData = await publicPersonalData(deps, session, pending, edited ?? pending.text, confirmed);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    // The case's reply lock first: it serialises this approval with any reply to the case, so the check
    // below sees a reply sent a moment ago (the same guard as an agent's reply, F8).
    await lockCaseReplies(tx, pending.caseId, now);
    await tx.updateTable('cases').set({ updated_at: now }).where('id', '=', pending.caseId).execute();
    const inReplyToMessageId = pending.inReplyToMessageId;
    if (!request.confirm && inReplyToMessageId) {
      await refuseIfAnsweredSince(tx, { inReplyToMessageId, createdAt: pending.createdAt }, messageId);
    }
    await markApproved(tx, session, pending, edited, now);
    await queueApprovedThread(deps, tx, messageId, edited);
    await recordApproval(tx, { session, pending, edited: edited !== null, personalData, auditContext }, now);
  });
  deps.jobs.notify();
  publish(deps, session.workspaceId, pending.caseId, messageId, now);
  return (await findMessage(deps.db, messageId, pending.contactId))!;
}

/** Rejects a trainee's reply with a comment for them; it stays in the case, marked rejected, and never goes out. */
export async function rejectReply(
  deps: ApprovalDeps,
  session: AuthenticatedSession,
  messageId: string,
  request: RejectRequest,
): Promise<Message> {
  requireReviewer(session);
  const pending = await pendingOf(deps, session, messageId);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const decided = await tx
      .updateTable('approvals')
      .set({ status: 'rejected', decided_by: session.agentId, decided_at: now, comment: request.comment })
      .where('id', '=', pending.approvalId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) {
      throw new AppError('approval.already_decided', 'conflict', 'This reply was decided by someone else just now.');
    }
    const thread = [messageId, ...(await laterThreadParts(tx, messageId))];
    await tx
      .updateTable('messages')
      .set({ delivery_status: 'rejected' })
      .where('id', 'in', thread)
      .where('delivery_status', '=', 'pending_approval')
      .execute();
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'message.rejected',
        caseId: pending.caseId,
        subjectId: messageId,
        actor: { type: 'agent', id: session.agentId },
        payload: { comment: request.comment, authorAgentId: pending.authorAgentId },
        occurredAt: now,
      },
    ]);
  });
  publish(deps, session.workspaceId, pending.caseId, messageId, now);
  return (await findMessage(deps.db, messageId, pending.contactId))!;
}
