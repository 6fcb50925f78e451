import type { Engagement, EngagementKind } from '@guichet/contracts';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { JobQueue } from '../../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../../platform/realtime.ts';
import type { AuthenticatedSession } from '../../auth/auth.commands.ts';
import { canReview, needsApproval } from '../../approvals/approvals.repository.ts';
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
  // A trainee's like or repost waits for a lead, as their replies do (F17): no job until approved.
  const awaitsApproval = needsApproval(session);
  const firstStatus = awaitsApproval ? 'pending_approval' : 'queued';
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
      // Queued, on its way or done: nothing more to do. Failed or rejected: asked again, we try again.
      // Waiting for approval and asked by someone who needs none: they do it themselves, now.
      const again =
        existing.status === 'failed' ||
        existing.status === 'rejected' ||
        (existing.status === 'pending_approval' && !awaitsApproval);
      if (!again) return;
      const retried = await tx
        .updateTable('engagements')
        .set({
          status: firstStatus,
          error: null,
          attempts: 0,
          requested_by: session.agentId,
          updated_at: now,
          created_at: now,
          decided_by: null,
          decided_at: null,
          comment: null,
        })
        .where('id', '=', existing.id)
        .where('status', '=', existing.status)
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
          status: firstStatus,
          external_id: null,
          error: null,
          attempts: 0,
          requested_by: session.agentId,
          created_at: now,
          updated_at: now,
          decided_by: null,
          decided_at: null,
          comment: null,
        })
        .onConflict((oc) => oc.columns(['message_id', 'kind']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return;
    }
    created = true;
    if (!awaitsApproval) {
      await deps.jobs.enqueue(
        { name: ENGAGE_POST, payload: { engagementId }, dedupeKey: `engage:${engagementId}` },
        tx,
      );
    }
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: awaitsApproval ? 'message.engagement_approval_requested' : 'message.engagement_requested',
        caseId,
        subjectId: messageId,
        actor: { type: 'agent', id: session.agentId },
        payload: { kind, engagementId },
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

/**
 * A lead decides on a trainee's like or repost (F17). Approved: queued through the outbox with its job, as
 * if a lead had asked. Rejected: it never goes out, and the comment tells the trainee why. Compare-and-set
 * on the status: two leads deciding at once make one decision.
 */
export async function decideEngagement(
  deps: EngagementDeps,
  session: AuthenticatedSession,
  engagementId: string,
  decision: { approve: true } | { approve: false; comment: string },
): Promise<Engagement> {
  if (!canReview(session)) {
    throw new AppError('approval.forbidden', 'forbidden', 'Only leads and admins approve or reject likes and reposts.');
  }
  const row = await deps.db
    .selectFrom('engagements')
    .select(['id', 'status', 'message_id', 'case_id', 'kind', 'requested_by'])
    .where('workspace_id', '=', session.workspaceId)
    .where('id', '=', engagementId)
    .executeTakeFirst();
  if (!row) throw new AppError('approval.not_found', 'not_found', 'This like or repost is not waiting for approval.');
  if (row.status !== 'pending_approval') {
    throw new AppError('approval.already_decided', 'conflict', 'This like or repost was already decided.', {
      status: row.status,
    });
  }
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const decided = await tx
      .updateTable('engagements')
      .set({
        status: decision.approve ? 'queued' : 'rejected',
        decided_by: session.agentId,
        decided_at: now,
        comment: decision.approve ? null : decision.comment,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'pending_approval')
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) {
      throw new AppError(
        'approval.already_decided',
        'conflict',
        'This like or repost was decided by someone else just now.',
      );
    }
    if (decision.approve) {
      await deps.jobs.enqueue(
        { name: ENGAGE_POST, payload: { engagementId: row.id }, dedupeKey: `engage:${row.id}` },
        tx,
      );
    }
    await recordEvents(tx, [
      {
        workspaceId: session.workspaceId,
        type: decision.approve ? 'message.engagement_approved' : 'message.engagement_rejected',
        caseId: row.case_id,
        subjectId: row.message_id,
        actor: { type: 'agent', id: session.agentId },
        payload: {
          kind: row.kind,
          engagementId: row.id,
          authorAgentId: row.requested_by,
          ...(decision.approve ? {} : { comment: decision.comment }),
        },
        occurredAt: now,
      },
    ]);
  });
  if (decision.approve) deps.jobs.notify();
  if (row.case_id) {
    const updatedAt = new Date(now).toISOString();
    deps.realtime.publish(session.workspaceId, {
      type: 'message.changed',
      caseId: row.case_id,
      messageId: row.message_id,
      updatedAt,
    });
    deps.realtime.publish(session.workspaceId, { type: 'case.changed', caseId: row.case_id, updatedAt });
  }
  const engagement = (await engagementsOfMessages(deps.db, [row.message_id]))
    .get(row.message_id)
    ?.find((e) => e.id === row.id);
  if (!engagement) throw new Error(`engagement ${row.id} vanished`);
  return engagement;
}
