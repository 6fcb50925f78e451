import type { DeclareIncident, UpdateIncident } from '@guichet/contracts';
import { parseJson, type Db } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { recordEvents } from '../events/events.repository.ts';
import { schedulePost, validatePostText } from '../scheduled-posts/scheduled-posts.commands.ts';
import { enqueueDueScheduledPosts } from '../scheduled-posts/scheduled-posts.jobs.ts';
import {
  CANNOT_CHANGE,
  findOpenIncident,
  notifyChanged,
  requireLead,
  requireWriter,
  type IncidentDeps,
} from './incidents.access.ts';
import { ANSWER_INCIDENT } from './incidents.answer.ts';
import { incidentKeywords } from './incidents.matching.ts';
import { findIncidentRow } from './incidents.queries.ts';
import { checkReplyTemplate } from './incidents.reply.ts';

/**
 * An incident's life: declared (with its status post), changed while open, resolved by a lead. The other
 * commands live beside it and are exported from here too, the module's one door for its callers: links
 * (incidents.links.ts), the answers a resolution sends (incidents.answer.ts), the reply template
 * (incidents.reply.ts).
 */
export type { IncidentDeps } from './incidents.access.ts';
export { ANSWER_INCIDENT, answerIncidentJob, enqueueUnansweredIncidents } from './incidents.answer.ts';
export { linkCase, unlinkCase } from './incidents.links.ts';
export { checkReplyTemplate, renderReply, type ReplyValues } from './incidents.reply.ts';

type StatusPost = NonNullable<DeclareIncident['statusPost']>;

/** The status post of a new incident, scheduled once (origin `incident`, keyed by the incident). */
async function scheduleStatusPost(
  tx: Db,
  deps: IncidentDeps,
  session: AuthenticatedSession,
  incidentId: string,
  post: { channelId: StatusPost['channelId']; text: string; publishAt: number },
): Promise<string> {
  const scheduled = await schedulePost(tx, deps.clock, {
    workspaceId: session.workspaceId,
    channelId: post.channelId,
    text: post.text,
    publishAt: post.publishAt,
    origin: 'incident',
    originKey: `incident:${incidentId}:status`,
    createdByAgentId: session.agentId,
  });
  await tx.updateTable('incidents').set({ status_post_id: scheduled.id }).where('id', '=', incidentId).execute();
  return scheduled.id;
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
    const statusPostId =
      statusPost && statusText
        ? await scheduleStatusPost(tx, deps, session, id, {
            channelId: statusPost.channelId,
            text: statusText,
            publishAt,
          })
        : null;
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
