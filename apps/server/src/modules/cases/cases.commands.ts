import type { Message, ReplyRequest } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { needsApproval, requestApproval } from '../approvals/approvals.repository.ts';
import { recordEvents } from '../events/events.repository.ts';
import { findCaseRow, findMessage } from './cases.repository.ts';

/** Another agent's reply to the same message this recently makes a second reply need confirming. */
export const COLLISION_WINDOW_MS = 5 * 60_000;

export interface ReplyDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/**
 * Queues an agent's reply: the outbound message, its delivery job and the event commit together (the
 * outbox); the worker sends it after commit. The same idempotency key returns the same message.
 */
export async function replyToCase(
  deps: ReplyDeps,
  session: AuthenticatedSession,
  caseId: string,
  request: ReplyRequest,
): Promise<Message> {
  const caseRow = await findCaseRow(deps.db, session.workspaceId, caseId);
  if (!caseRow) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
  const text = request.text.trim();
  if (!text) throw new AppError('reply.empty', 'invalid', 'A reply cannot be empty.');

  if (request.idempotencyKey) {
    const earlier = await deps.db
      .selectFrom('messages')
      .select('id')
      .where('idempotency_key', '=', `${session.agentId}:${request.idempotencyKey}`)
      .executeTakeFirst();
    if (earlier) return (await findMessage(deps.db, earlier.id, caseRow.contact_id))!;
  }

  let target = deps.db
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id',
      'messages.conversation_id',
      'messages.visibility',
      'messages.external_id',
      'messages.channel_id',
    ])
    .where('case_conversations.case_id', '=', caseRow.id)
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
  const now = deps.clock.now().getTime();
  if (!request.confirm) {
    // Two agents must not answer the same post: a recent or still-travelling reply by someone else wins.
    const rival = await deps.db
      .selectFrom('messages')
      .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
      .select(['messages.id', 'messages.created_at', 'messages.delivery_status', 'agents.name'])
      .where('messages.in_reply_to_message_id', '=', answered.id)
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
  const messageId = newId(now);
  const awaitsApproval = needsApproval(session);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('messages')
      .values({
        id: messageId,
        workspace_id: session.workspaceId,
        channel_id: answered.channel_id,
        conversation_id: answered.conversation_id,
        direction: 'outbound',
        visibility: answered.visibility,
        kind: 'reply',
        external_id: null,
        in_reply_to_external_id: answered.external_id,
        in_reply_to_message_id: answered.id,
        author_identity_id: null,
        author_agent_id: session.agentId,
        text,
        lang: null,
        url: null,
        created_at: now,
        recorded_at: now,
        delivery_status: awaitsApproval ? 'pending_approval' : 'queued',
        delivery_error: null,
        delivery_attempts: 0,
        idempotency_key: request.idempotencyKey ? `${session.agentId}:${request.idempotencyKey}` : null,
        raw: null,
      })
      .execute();
    await tx
      .updateTable('cases')
      .set((eb) => ({ last_message_at: now, message_count: eb('message_count', '+', 1), updated_at: now }))
      .where('id', '=', caseRow.id)
      .execute();
    if (awaitsApproval) {
      // No delivery job until a lead approves: the worker never sees this message before then.
      await requestApproval(tx, {
        workspaceId: session.workspaceId,
        messageId,
        caseId: caseRow.id,
        agentId: session.agentId,
        at: now,
      });
      return;
    }
    await deps.jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'message.queued',
        caseId: caseRow.id,
        subjectId: messageId,
        actor: { type: 'agent', id: session.agentId },
        payload: { inReplyTo: answered.id, visibility: answered.visibility },
        occurredAt: now,
      },
    ]);
  });
  deps.jobs.notify();
  const updatedAt = new Date(now).toISOString();
  deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: caseRow.id, updatedAt });
  return (await findMessage(deps.db, messageId, caseRow.contact_id))!;
}
