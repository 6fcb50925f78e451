import { incidentReplyVariables, type DeclareIncident, type UpdateIncident } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { DELIVER_MESSAGE } from '../conversations/delivery/deliver-message.job.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { postWeightedLength, schedulePost, validatePostText } from '../scheduled-posts/scheduled-posts.commands.ts';
import { enqueueDueScheduledPosts } from '../scheduled-posts/scheduled-posts.jobs.ts';
import { incidentKeywords } from './incidents.matching.ts';
import { findIncidentRow } from './incidents.queries.ts';

export const ANSWER_INCIDENT = 'answer-incident';

export interface IncidentDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

const PUBLIC_LIMIT = 280;
const DIRECT_LIMIT = 10_000;
const CANNOT_CHANGE = 'This incident is resolved; it can no longer be changed.';
const CANNOT_LINK = 'This incident is resolved; cases can no longer be linked.';

function requireWriter(session: AuthenticatedSession): void {
  if (session.role === 'trainee') {
    throw new AppError('incident.forbidden', 'forbidden', 'Trainees cannot declare or change incidents.');
  }
}

function requireLead(session: AuthenticatedSession): void {
  if (session.role !== 'admin' && session.role !== 'lead') {
    throw new AppError('incident.forbidden', 'forbidden', 'Only leads and admins resolve incidents.');
  }
}

// ---- resolution reply rendering --------------------------------------------------------------------------

export interface ReplyValues {
  customer: { name: string; handle: string | null };
  agent: { name: string };
  incident: { title: string };
}

const firstWord = (name: string) => name.trim().split(/\s+/)[0] ?? '';
const initials = (name: string) => {
  const letters = name
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((part) => [...part][0]?.toUpperCase() ?? '')
    .join('');
  return letters ? `^${letters}` : '';
};

const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

/** Refuses a reply template that uses variables the resolution cannot fill, naming them. */
export function checkReplyTemplate(text: string): void {
  const known = new Set<string>(incidentReplyVariables);
  const unknown = [...text.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new AppError(
      'incident.unknown_variables',
      'invalid',
      `The resolution reply uses variables an incident cannot fill: ${[...new Set(unknown)].join(', ')}. Allowed: ${incidentReplyVariables.join(', ')}.`,
      { unknown: [...new Set(unknown)], allowed: incidentReplyVariables },
    );
  }
  // With a typical name the public reply must fit X's limit, or every case would fail at resolution.
  const sample = renderReply(text, {
    customer: { name: 'Camille Durand', handle: 'camille_durand' },
    agent: { name: 'Alex Martin' },
    incident: { title: 'x'.repeat(30) },
  });
  if (postWeightedLength(sample) > PUBLIC_LIMIT) {
    throw new AppError(
      'incident.reply_too_long',
      'invalid',
      `The resolution reply is too long for a public reply on X (${postWeightedLength(sample)} of ${PUBLIC_LIMIT} with a typical name).`,
    );
  }
}

/** Fills the variables for one case. Values are customer text: inserted as-is, never interpreted. */
export function renderReply(text: string, values: ReplyValues): string {
  const table: Record<string, string> = {
    'customer.name': values.customer.name,
    'customer.firstName': firstWord(values.customer.name),
    'customer.handle': values.customer.handle ? `@${values.customer.handle}` : '',
    'agent.name': values.agent.name,
    'agent.firstName': firstWord(values.agent.name),
    'agent.initials': initials(values.agent.name),
    'incident.title': values.incident.title,
  };
  return text
    .replace(VARIABLE, (_whole, name: string) => table[name] ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

// ---- declare / update -------------------------------------------------------------------------------------

/** The incident a writer changes, which must still be open (`whenResolved` says what can no longer be done). */
async function findOpenIncident(
  db: DbOrTx,
  session: AuthenticatedSession,
  id: string,
  whenResolved: string,
): Promise<Row<'incidents'>> {
  requireWriter(session);
  const row = await findIncidentRow(db, session.workspaceId, id);
  if (row.status !== 'open') throw new AppError('incident.resolved', 'conflict', whenResolved);
  return row;
}

function notifyChanged(deps: IncidentDeps, workspaceId: string, incidentId: string, caseIds: string[] = []): void {
  const updatedAt = deps.clock.now().toISOString();
  deps.realtime.publish(workspaceId, { type: 'incident.changed', incidentId, updatedAt });
  for (const caseId of caseIds) deps.realtime.publish(workspaceId, { type: 'case.changed', caseId, updatedAt });
}

/**
 * Declares an incident and, when asked, schedules its status post (origin `incident`, keyed by the incident so
 * it exists once). The incident, its post and its event commit together.
 */
export async function declareIncident(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  input: DeclareIncident,
): Promise<string> {
  requireWriter(session);
  const resolutionText = input.resolutionText.trim();
  checkReplyTemplate(resolutionText);
  const statusPost = input.statusPost ?? null;
  const statusText = statusPost ? validatePostText(statusPost.text) : null;
  const now = deps.clock.now().getTime();
  const publishAt = statusPost?.publishAt ? Date.parse(statusPost.publishAt) : now;
  const keywords = incidentKeywords(input.title, input.keywords ?? []);
  const id = newId(now);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('incidents')
      .values({
        id,
        workspace_id: session.workspaceId,
        title: input.title.trim(),
        description: input.description ?? '',
        keywords: JSON.stringify(keywords),
        channel_id: statusPost?.channelId ?? null,
        status_post_text: statusText,
        status_post_id: null,
        resolution_text: resolutionText,
        status: 'open',
        declared_by_agent_id: session.agentId,
        declared_at: now,
        resolved_by_agent_id: null,
        resolved_at: null,
        updated_at: now,
      })
      .execute();
    let statusPostId: string | null = null;
    if (statusPost && statusText) {
      const scheduled = await schedulePost(tx, deps.clock, {
        workspaceId: session.workspaceId,
        channelId: statusPost.channelId,
        text: statusText,
        publishAt,
        origin: 'incident',
        originKey: `incident:${id}:status`,
        createdByAgentId: session.agentId,
      });
      statusPostId = scheduled.id;
      await tx.updateTable('incidents').set({ status_post_id: statusPostId }).where('id', '=', id).execute();
    }
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'incident.declared',
        subjectId: id,
        actor: { type: 'agent', id: session.agentId },
        payload: { title: input.title.trim(), keywords, statusPostId },
        occurredAt: now,
      },
    ]);
  });
  if (statusPost && publishAt <= now) await enqueueDueScheduledPosts(deps);
  notifyChanged(deps, session.workspaceId, id);
  return id;
}

/** Changes the wording or keywords of an open incident, or adds a note to its timeline. */
export async function updateIncident(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  id: string,
  input: UpdateIncident,
): Promise<void> {
  const row = await findOpenIncident(deps.db, session, id, CANNOT_CHANGE);
  if (input.resolutionText !== undefined) checkReplyTemplate(input.resolutionText);
  const title = input.title?.trim() ?? row.title;
  const keywords =
    input.keywords !== undefined || input.title !== undefined
      ? incidentKeywords(title, input.keywords ?? parseJson<string[]>(row.keywords, []))
      : parseJson<string[]>(row.keywords, []);
  const now = deps.clock.now().getTime();
  const changed = (['title', 'description', 'keywords', 'resolutionText'] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (changed.length === 0 && !input.note) return;
  await deps.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('incidents')
      .set({
        title,
        description: input.description ?? row.description,
        keywords: JSON.stringify(keywords),
        resolution_text: input.resolutionText?.trim() ?? row.resolution_text,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError('incident.resolved', 'conflict', CANNOT_CHANGE);
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'incident.updated',
        subjectId: id,
        actor: { type: 'agent', id: session.agentId },
        payload: { changed, note: input.note ?? null },
        occurredAt: now,
      },
    ]);
  });
  notifyChanged(deps, session.workspaceId, id);
}

// ---- links ------------------------------------------------------------------------------------------------

async function insertLink(
  tx: DbOrTx,
  link: {
    workspaceId: string;
    incidentId: string;
    caseId: string;
    by: { type: 'agent'; agentId: string } | { type: 'rule'; ruleId: string; rule: string };
    now: number;
  },
): Promise<EventRecord | null> {
  const result = await tx
    .insertInto('incident_cases')
    .values({
      incident_id: link.incidentId,
      case_id: link.caseId,
      workspace_id: link.workspaceId,
      linked_by: link.by.type,
      linked_by_agent_id: link.by.type === 'agent' ? link.by.agentId : null,
      linked_at: link.now,
      reply_message_id: null,
      reply_error: null,
    })
    .onConflict((oc) => oc.columns(['incident_id', 'case_id']).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  return {
    workspaceId: link.workspaceId,
    type: 'incident.case_linked',
    caseId: link.caseId,
    subjectId: link.incidentId,
    actor: link.by.type === 'agent' ? { type: 'agent', id: link.by.agentId } : { type: 'system' },
    payload: link.by.type === 'rule' ? { by: 'rule', ruleId: link.by.ruleId, rule: link.by.rule } : { by: 'agent' },
    occurredAt: link.now,
  };
}

/** An agent confirms that a case is about the incident (a suggestion, or any case). */
export async function linkCase(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  incidentId: string,
  caseId: string,
): Promise<void> {
  await findOpenIncident(deps.db, session, incidentId, CANNOT_LINK);
  const found = await deps.db
    .selectFrom('cases')
    .select('id')
    .where('id', '=', caseId)
    .where('workspace_id', '=', session.workspaceId)
    .executeTakeFirst();
  if (!found) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    // Re-checked inside the transaction: a resolution that committed meanwhile must not miss this case.
    const open = await tx.selectFrom('incidents').select('status').where('id', '=', incidentId).executeTakeFirst();
    if (open?.status !== 'open') throw new AppError('incident.resolved', 'conflict', CANNOT_LINK);
    const event = await insertLink(tx, {
      workspaceId: session.workspaceId,
      incidentId,
      caseId,
      by: { type: 'agent', agentId: session.agentId },
      now,
    });
    if (event) await recordEvents(tx, [event]);
  });
  notifyChanged(deps, session.workspaceId, incidentId, [caseId]);
}

/** Takes a case out of an open incident (a wrong link); it will not get the resolution reply. */
export async function unlinkCase(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  incidentId: string,
  caseId: string,
): Promise<void> {
  await findOpenIncident(deps.db, session, incidentId, 'This incident is resolved; its cases stay linked.');
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const result = await tx
      .deleteFrom('incident_cases')
      .where('incident_id', '=', incidentId)
      .where('case_id', '=', caseId)
      .where('reply_message_id', 'is', null)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) return;
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'incident.case_unlinked',
        caseId,
        subjectId: incidentId,
        actor: { type: 'agent', id: session.agentId },
        payload: {},
        occurredAt: now,
      },
    ]);
  });
  notifyChanged(deps, session.workspaceId, incidentId, [caseId]);
}

// ---- resolve and answer -----------------------------------------------------------------------------------

/**
 * Resolves the incident and queues the answer job in the same transaction, so the answers cannot be lost
 * to a crash. Resolving again is harmless: the job (deduplicated) answers only cases not yet answered.
 */
export async function resolveIncident(
  deps: IncidentDeps,
  session: AuthenticatedSession,
  id: string,
  input: { resolutionText?: string | undefined },
): Promise<void> {
  requireLead(session);
  const row = await findIncidentRow(deps.db, session.workspaceId, id);
  if (input.resolutionText !== undefined && row.status === 'open') checkReplyTemplate(input.resolutionText);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('incidents')
      .set({
        status: 'resolved',
        resolved_at: now,
        resolved_by_agent_id: session.agentId,
        resolution_text: input.resolutionText?.trim() ?? row.resolution_text,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      const linked = await tx
        .selectFrom('incident_cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('incident_id', '=', id)
        .executeTakeFirstOrThrow();
      await recordEvents(tx, [
        {
          workspaceId: session.workspaceId,
          type: 'incident.resolved',
          subjectId: id,
          actor: { type: 'agent', id: session.agentId },
          payload: { linkedCases: Number(linked.n) },
          occurredAt: now,
        },
      ]);
    }
    await deps.jobs.enqueue(
      { name: ANSWER_INCIDENT, payload: { incidentId: id }, dedupeKey: `answer-incident:${id}` },
      tx,
    );
  });
  deps.jobs.notify();
  notifyChanged(deps, session.workspaceId, id);
}

type AnswerOutcome = 'queued' | 'skipped' | 'already';

class AlreadyAnswered extends Error {}

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
  const answer = deps.db.transaction().execute(async (tx): Promise<AnswerOutcome> => {
    // A write first: it locks the link row (PostgreSQL), so a second job answering the same case waits here,
    // then finds it answered; SQLite serialises write transactions anyway.
    const locked = await tx
      .updateTable('incident_cases')
      .set((eb) => ({ linked_at: eb.ref('linked_at') }))
      .where('incident_id', '=', incident.id)
      .where('case_id', '=', caseId)
      .where('reply_message_id', 'is', null)
      .where('reply_error', 'is', null)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) !== 1) return 'already';
    const skip = async (reason: string, detail: string): Promise<AnswerOutcome> => {
      const result = await tx
        .updateTable('incident_cases')
        .set({ reply_error: `${reason}: ${detail}` })
        .where('incident_id', '=', incident.id)
        .where('case_id', '=', caseId)
        .where('reply_message_id', 'is', null)
        .where('reply_error', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 'already';
      await recordEvents(tx, [
        {
          workspaceId: incident.workspace_id,
          type: 'incident.reply_skipped',
          caseId,
          subjectId: incident.id,
          actor: { type: 'system' },
          payload: { reason, detail },
          occurredAt: now,
        },
      ]);
      return 'skipped';
    };

    // The customer's last message decides the way back: a public reply to a post, a DM to a DM.
    const answered = await tx
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
      .where('case_conversations.case_id', '=', caseId)
      .where('messages.direction', '=', 'inbound')
      .orderBy('messages.created_at', 'desc')
      .orderBy('messages.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!answered || !answered.external_id) {
      return skip('incident.nothing_to_answer', 'This case has no customer message to answer.');
    }
    const text = renderReply(incident.resolution_text, {
      customer: { name: answered.contactName, handle: answered.handle },
      agent: { name: agentName },
      incident: { title: incident.title },
    });
    const length = answered.visibility === 'public' ? postWeightedLength(text) : [...text].length;
    const limit = answered.visibility === 'public' ? PUBLIC_LIMIT : DIRECT_LIMIT;
    if (!text) return skip('reply.empty', 'The resolution reply is empty for this customer.');
    if (length > limit) return skip('reply.too_long', `The reply counts ${length} characters; the limit is ${limit}.`);

    const messageId = newId(now);
    await tx
      .insertInto('messages')
      .values({
        id: messageId,
        workspace_id: incident.workspace_id,
        channel_id: answered.channel_id,
        conversation_id: answered.conversation_id,
        direction: 'outbound',
        visibility: answered.visibility,
        kind: 'reply',
        external_id: null,
        in_reply_to_external_id: answered.external_id,
        in_reply_to_message_id: answered.id,
        author_identity_id: null,
        author_agent_id: incident.resolved_by_agent_id,
        text,
        lang: null,
        url: null,
        created_at: now,
        recorded_at: now,
        delivery_status: 'queued',
        delivery_error: null,
        delivery_attempts: 0,
        idempotency_key: `incident:${incident.id}:${caseId}`,
        raw: null,
      })
      .execute();
    const claimed = await tx
      .updateTable('incident_cases')
      .set({ reply_message_id: messageId })
      .where('incident_id', '=', incident.id)
      .where('case_id', '=', caseId)
      .where('reply_message_id', 'is', null)
      .where('reply_error', 'is', null)
      .executeTakeFirst();
    // Another job answered this case since we read it: roll our message back.
    if (Number(claimed.numUpdatedRows) !== 1) throw new AlreadyAnswered();
    await tx
      .updateTable('cases')
      .set((eb) => ({ last_message_at: now, message_count: eb('message_count', '+', 1), updated_at: now }))
      .where('id', '=', caseId)
      .execute();
    await deps.jobs.enqueue({ name: DELIVER_MESSAGE, payload: { messageId }, dedupeKey: `deliver:${messageId}` }, tx);
    await recordEvents(tx, [
      {
        workspaceId: incident.workspace_id,
        type: 'message.queued',
        caseId,
        subjectId: messageId,
        actor: incident.resolved_by_agent_id
          ? { type: 'agent', id: incident.resolved_by_agent_id }
          : { type: 'system' },
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
    return 'queued';
  });
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
