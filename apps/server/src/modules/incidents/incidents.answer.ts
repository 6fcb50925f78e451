import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents } from '../events/events.repository.ts';
import { postWeightedLength } from '../scheduled-posts/scheduled-posts.commands.ts';
import { notifyChanged, type IncidentDeps } from './incidents.access.ts';
import { DIRECT_LIMIT, PUBLIC_LIMIT, renderReply } from './incidents.reply.ts';

/** A resolved incident's answers: one resolution reply per linked case, queued exactly once. */

export const ANSWER_INCIDENT = 'answer-incident';

type AnswerOutcome = 'queued' | 'skipped' | 'already';

class AlreadyAnswered extends Error {}

/** One linked case being answered, inside its own transaction. */
interface CaseAnswer {
  tx: DbOrTx;
  incident: Row<'incidents'>;
  caseId: string;
  now: number;
}

/** The link, still without a reply or an error (the compare-and-set every write here repeats). */
function unansweredLink(a: CaseAnswer) {
  return a.tx
    .updateTable('incident_cases')
    .where('incident_id', '=', a.incident.id)
    .where('case_id', '=', a.caseId)
    .where('reply_message_id', 'is', null)
    .where('reply_error', 'is', null);
}

/** Records why this case gets no reply, so the rerun does not try it again. */
async function skipCase(a: CaseAnswer, reason: string, detail: string): Promise<AnswerOutcome> {
  const result = await unansweredLink(a)
    .set({ reply_error: `${reason}: ${detail}` })
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return 'already';
  await recordEvents(a.tx, [
    {
      workspaceId: a.incident.workspace_id,
      type: 'incident.reply_skipped',
      caseId: a.caseId,
      subjectId: a.incident.id,
      actor: { type: 'system' },
      payload: { reason, detail },
      occurredAt: a.now,
    },
  ]);
  return 'skipped';
}

/** The customer's last message decides the way back: a public reply to a post, a DM to a DM. */
function lastCustomerMessage(a: CaseAnswer) {
  return a.tx
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .innerJoin('cases', 'cases.id', 'case_conversations.case_id')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .leftJoin('identities', 'identities.id', 'messages.author_identity_id')
    .select([
      'messages.id',
      'messages.channel_id',
      'messages.conversation_id',
      'messages.visibility',
      'messages.external_id',
      'contacts.name as contactName',
      'identities.handle as handle',
    ])
    .where('case_conversations.case_id', '=', a.caseId)
    .where('messages.direction', '=', 'inbound')
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

type Answered = NonNullable<Awaited<ReturnType<typeof lastCustomerMessage>>>;

async function insertReplyMessage(a: CaseAnswer, answered: Answered, text: string): Promise<string> {
  const messageId = newId(a.now);
  await a.tx
    .insertInto('messages')
    .values({
      id: messageId,
      workspace_id: a.incident.workspace_id,
      channel_id: answered.channel_id,
      conversation_id: answered.conversation_id,
      direction: 'outbound',
      visibility: answered.visibility,
      kind: 'reply',
      external_id: null,
      in_reply_to_external_id: answered.external_id,
      in_reply_to_message_id: answered.id,
      author_identity_id: null,
      author_agent_id: a.incident.resolved_by_agent_id,
      text,
      lang: null,
      url: null,
      created_at: a.now,
      recorded_at: a.now,
      delivery_status: 'queued',
      delivery_error: null,
      delivery_attempts: 0,
      idempotency_key: `incident:${a.incident.id}:${a.caseId}`,
      raw: null,
    })
    .execute();
  return messageId;
}

/** Claims the link for the message, then queues its delivery and records both events. */
async function queueReply(a: CaseAnswer, answered: Answered, messageId: string, jobs: JobQueue): Promise<void> {
  const { tx, incident, caseId, now } = a;
  const claimed = await unansweredLink(a).set({ reply_message_id: messageId }).executeTakeFirst();
  // Another job answered this case since we read it: roll our message back.
  if (Number(claimed.numUpdatedRows) !== 1) throw new AlreadyAnswered();
  await tx
    .updateTable('cases')
    .set((eb) => ({ last_message_at: now, message_count: eb('message_count', '+', 1), updated_at: now }))
    .where('id', '=', caseId)
    .execute();
  await jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
  await recordEvents(tx, [
    {
      workspaceId: incident.workspace_id,
      type: 'message.queued',
      caseId,
      subjectId: messageId,
      actor: incident.resolved_by_agent_id ? { type: 'agent', id: incident.resolved_by_agent_id } : { type: 'system' },
      payload: { inReplyTo: answered.id, visibility: answered.visibility, incidentId: incident.id },
      occurredAt: now,
    },
    {
      workspaceId: incident.workspace_id,
      type: 'incident.reply_queued',
      caseId,
      subjectId: incident.id,
      actor: { type: 'system' },
      payload: { messageId, visibility: answered.visibility },
      occurredAt: now,
    },
  ]);
}

async function answerInTransaction(a: CaseAnswer, agentName: string, jobs: JobQueue): Promise<AnswerOutcome> {
  // A write first: it locks the link row (PostgreSQL), so a second job answering the same case waits here,
  // then finds it answered; SQLite serialises write transactions anyway.
  const locked = await unansweredLink(a)
    .set((eb) => ({ linked_at: eb.ref('linked_at') }))
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) return 'already';
  const answered = await lastCustomerMessage(a);
  if (!answered || !answered.external_id) {
    return skipCase(a, 'incident.nothing_to_answer', 'This case has no customer message to answer.');
  }
  const text = renderReply(a.incident.resolution_text, {
    customer: { name: answered.contactName, handle: answered.handle },
    agent: { name: agentName },
    incident: { title: a.incident.title },
  });
  const length = answered.visibility === 'public' ? postWeightedLength(text) : [...text].length;
  const limit = answered.visibility === 'public' ? PUBLIC_LIMIT : DIRECT_LIMIT;
  if (!text) return skipCase(a, 'reply.empty', 'The resolution reply is empty for this customer.');
  if (length > limit)
    return skipCase(a, 'reply.too_long', `The reply counts ${length} characters; the limit is ${limit}.`);
  const messageId = await insertReplyMessage(a, answered, text);
  await queueReply(a, answered, messageId, jobs);
  return 'queued';
}

/**
 * Queues the resolution reply for one linked case, in one transaction: the outbound message, its delivery
 * job, the link's `reply_message_id` (compare-and-set on null) and the event. The message's idempotency key
 * is the (incident, case) pair, so even two answer jobs racing cannot create a second message.
 */
async function answerCase(
  deps: { db: Db; clock: Clock; jobs: JobQueue },
  incident: Row<'incidents'>,
  agentName: string,
  caseId: string,
): Promise<AnswerOutcome> {
  const now = deps.clock.now().getTime();
  const answer = deps.db
    .transaction()
    .execute((tx) => answerInTransaction({ tx, incident, caseId, now }, agentName, deps.jobs));
  return answer.catch((error: unknown) => {
    if (error instanceof AlreadyAnswered) return 'already';
    throw error;
  });
}

/**
 * The answer job: one resolution reply per linked case not yet answered. Each case is its own transaction,
 * so a crash midway loses nothing and the rerun (the job is retried) continues where it stopped.
 */
export function answerIncidentJob(deps: IncidentDeps) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const incidentId = String(payload.incidentId);
    const incident = await deps.db.selectFrom('incidents').selectAll().where('id', '=', incidentId).executeTakeFirst();
    if (!incident || incident.status !== 'resolved') return;
    const agent = incident.resolved_by_agent_id
      ? await deps.db
          .selectFrom('agents')
          .select('name')
          .where('id', '=', incident.resolved_by_agent_id)
          .executeTakeFirst()
      : undefined;
    const pending = await deps.db
      .selectFrom('incident_cases')
      .select('case_id')
      .where('incident_id', '=', incidentId)
      .where('reply_message_id', 'is', null)
      .where('reply_error', 'is', null)
      .orderBy('linked_at')
      .execute();
    const touched: string[] = [];
    for (const { case_id: caseId } of pending) {
      const outcome = await answerCase(deps, incident, agent?.name ?? '', caseId);
      if (outcome !== 'already') touched.push(caseId);
    }
    if (touched.length > 0) deps.jobs.notify();
    notifyChanged(deps, incident.workspace_id, incidentId, touched);
  };
}

/**
 * The scheduler's safety net: a resolved incident with linked cases still unanswered gets its answer job
 * again (the job the resolution committed may have been dropped after repeated failures, e.g. a database
 * outage). The dedupe key keeps one pending job per incident; answering stays once per case.
 */
export async function enqueueUnansweredIncidents(deps: { db: Db; jobs: JobQueue }): Promise<number> {
  const pending = await deps.db
    .selectFrom('incident_cases')
    .innerJoin('incidents', 'incidents.id', 'incident_cases.incident_id')
    .select('incidents.id')
    .distinct()
    .where('incidents.status', '=', 'resolved')
    .where('incident_cases.reply_message_id', 'is', null)
    .where('incident_cases.reply_error', 'is', null)
    .limit(50)
    .execute();
  for (const { id } of pending) {
    await deps.jobs.enqueue({ name: ANSWER_INCIDENT, payload: { incidentId: id }, dedupeKey: `answer-incident:${id}` });
  }
  if (pending.length > 0) deps.jobs.notify();
  return pending.length;
}
