import { ConnectorError } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db/database.ts';
import { backoffMs } from '../../../platform/jobs/db-job-queue.ts';
import { RetryJobAt, type JobHandler } from '../../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../../platform/realtime.ts';
import type { ChannelConnectors } from '../../channels/channel-connectors.ts';
import { findChannel } from '../../channels/channels.repository.ts';
import { recordEvents } from '../../events/events.repository.ts';

export const ENGAGE_POST = 'engage-post';

/** After this many failed attempts the engagement is marked failed and the agent decides. */
const MAX_ATTEMPTS = 6;

export interface EngagePostDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  realtime: RealtimeBus;
  connectors: ChannelConnectors;
}

/**
 * Likes or reposts one post (F16). "Sending" is committed before the network call. Finding an engagement
 * still "sending" means an earlier attempt may have reached X: likes and reposts are one per account and
 * post on X, so calling again adopts the earlier one rather than adding a second (reconcile by idempotence).
 */
export function engagePostJob(deps: EngagePostDeps): JobHandler {
  return async (payload) => {
    const engagementId = String(payload.engagementId);
    const row = await deps.db.selectFrom('engagements').selectAll().where('id', '=', engagementId).executeTakeFirst();
    if (!row || (row.status !== 'queued' && row.status !== 'sending')) return;
    const post = await deps.db
      .selectFrom('messages')
      .select(['external_id'])
      .where('id', '=', row.message_id)
      .executeTakeFirst();
    const channel = await findChannel(deps.db, row.channel_id);
    const log = deps.logger.child({ engagementId, kind: row.kind });

    const publish = () => {
      if (!row.case_id) return;
      const updatedAt = deps.clock.now().toISOString();
      deps.realtime.publish(row.workspace_id, {
        type: 'message.changed',
        caseId: row.case_id,
        messageId: row.message_id,
        updatedAt,
      });
      deps.realtime.publish(row.workspace_id, { type: 'case.changed', caseId: row.case_id, updatedAt });
    };

    const finish = async (status: 'done' | 'failed', detail: { externalId?: string | undefined; error?: string }) => {
      const now = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('engagements')
          .set({
            status,
            error: detail.error?.slice(0, 1000) ?? null,
            ...(detail.externalId ? { external_id: detail.externalId } : {}),
            updated_at: now,
          })
          .where('id', '=', engagementId)
          .execute();
        await recordEvents(tx, [
          {
            workspaceId: row.workspace_id,
            type: status === 'done' ? 'message.engaged' : 'message.engagement_failed',
            caseId: row.case_id,
            subjectId: row.message_id,
            actor: { type: 'system' },
            payload: { kind: row.kind, ...(detail.error ? { error: detail.error } : {}) },
            occurredAt: now,
          },
        ]);
      });
      publish();
    };

    if (!post?.external_id || !channel) {
      await finish('failed', { error: 'engagement.no_post: The post or its channel no longer exists.' });
      return;
    }
    const connector = deps.connectors.get(channel);
    const act = row.kind === 'like' ? connector.like : connector.repost;
    if (!act) {
      await finish('failed', { error: `channel.no_${row.kind}: This channel cannot ${row.kind} posts.` });
      return;
    }

    // Compare-and-set on the attempt counter: if another worker moved it on since we read it, it owns it.
    const attempt = row.attempts + 1;
    const claimed = await deps.db
      .updateTable('engagements')
      .set({ status: 'sending', attempts: attempt, updated_at: deps.clock.now().getTime() })
      .where('id', '=', engagementId)
      .where('attempts', '=', row.attempts)
      .where('status', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      log.warn('another worker is handling this engagement; leaving it');
      return;
    }
    if (row.status === 'sending') log.warn('an earlier attempt may have reached X; asking again adopts it');
    publish();

    try {
      const result = await act.call(connector, post.external_id);
      await finish('done', { externalId: result.externalId });
    } catch (error) {
      const connectorError = error instanceof ConnectorError ? error : null;
      const reason = connectorError?.reason ?? 'engagement.gave_up';
      if ((connectorError && !connectorError.retryable) || attempt >= MAX_ATTEMPTS) {
        await finish('failed', { error: `${reason}: ${(error as Error).message}` });
        return;
      }
      if (connectorError?.kind === 'rate_limited') {
        // Refused outright: nothing happened on X.
        await deps.db.updateTable('engagements').set({ status: 'queued' }).where('id', '=', engagementId).execute();
      }
      const retryAt = connectorError?.retryAt?.getTime() ?? deps.clock.now().getTime() + backoffMs(attempt);
      log.warn({ err: error, retryAt: new Date(retryAt).toISOString() }, 'engagement not done yet; will retry');
      throw new RetryJobAt(retryAt, (error as Error).message);
    }
  };
}
