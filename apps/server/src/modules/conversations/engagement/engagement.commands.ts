import type { Engagement, EngagementKind } from '@guichet/contracts';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { JobQueue } from '../../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../../platform/realtime.ts';
import type { AuthenticatedSession } from '../../auth/auth.commands.ts';
import { recordEvents } from '../../events/events.repository.ts';
import { ENGAGE_POST } from './engage-post.job.ts';
import { engagementsOfMessages } from './engagement.repository.ts';

export interface EngagementDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/**
 * Likes or reposts a customer's public post (F16) through the outbox: the engagement row, its job and the
 * event commit together. One engagement per (post, kind), ever: asking again returns the same one, and
 * only a failed one is tried again.
 */
export async function requestEngagement(
  deps: EngagementDeps,
  session: AuthenticatedSession,
  messageId: string,
  kind: EngagementKind,
): Promise<{ engagement: Engagement; created: boolean }> {
  const message = await deps.db
    .selectFrom('messages')
    .leftJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id',
      'messages.channel_id',
      'messages.direction',
      'messages.visibility',
      'messages.external_id',
      'case_conversations.case_id',
    ])
    .where('messages.workspace_id', '=', session.workspaceId)
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (!message) throw new AppError('message.not_found', 'not_found', 'This message does not exist.');
  if (message.direction !== 'inbound' || message.visibility !== 'public' || !message.external_id) {
    throw new AppError(
      'engagement.not_public_post',
      'invalid',
      "Only a customer's public post can be liked or reposted.",
    );
  }
  const caseId = message.case_id ?? null;
  const now = deps.clock.now().getTime();
  let created = false;
  await deps.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('engagements')
      .select(['id', 'status'])
      .where('message_id', '=', messageId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    let engagementId: string;
    if (existing) {
      // Queued, on its way or done: nothing more to do. Failed: the agent asks again, we try again.
      if (existing.status !== 'failed') return;
      const retried = await tx
        .updateTable('engagements')
        .set({ status: 'queued', error: null, attempts: 0, requested_by: session.agentId, updated_at: now })
        .where('id', '=', existing.id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      if (Number(retried.numUpdatedRows) !== 1) return;
      engagementId = existing.id;
    } else {
      engagementId = newId(now);
      // The unique (message, kind) key settles a race between two agents: one row, one job.
      const inserted = await tx
        .insertInto('engagements')
        .values({
          id: engagementId,
          workspace_id: session.workspaceId,
          channel_id: message.channel_id,
          message_id: messageId,
          case_id: caseId,
          kind,
          status: 'queued',
          external_id: null,
          error: null,
          attempts: 0,
          requested_by: session.agentId,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['message_id', 'kind']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return;
    }
    created = true;
    await deps.jobs.enqueue({ name: ENGAGE_POST, payload: { engagementId }, dedupeKey: `engage:${engagementId}` }, tx);
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: 'message.engagement_requested',
        caseId,
        subjectId: messageId,
        actor: { type: 'agent', id: session.agentId },
        payload: { kind },
        occurredAt: now,
      },
    ]);
  });
  if (created) {
    deps.jobs.notify();
    if (caseId) {
      const updatedAt = new Date(now).toISOString();
      deps.realtime.publish(session.workspaceId, { type: 'message.changed', caseId, messageId, updatedAt });
      deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId, updatedAt });
    }
  }
  const engagement = (await engagementsOfMessages(deps.db, [messageId])).get(messageId)?.find((e) => e.kind === kind);
  if (!engagement) throw new Error(`engagement of ${messageId} vanished`);
  return { engagement, created };
}
