import { ConnectorError, type PublishedPost } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { backoffMs } from '../../platform/jobs/db-job-queue.ts';
import { RetryJobAt, type JobHandler, type JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { ChannelConnectors } from '../channels/channel-connectors.ts';
import { findChannel } from '../channels/channels.repository.ts';
import { recordEvents } from '../events/events.repository.ts';

export const PUBLISH_SCHEDULED_POST = 'publish-scheduled-post';

/** After this many failed sends the post is marked failed and an agent decides (retry, reword, cancel). */
const MAX_PUBLISH_ATTEMPTS = 8;
/** How far before the first attempt to look for a post of ours that may already exist. */
const RECONCILE_MARGIN_MS = 60_000;
/** Due posts enqueued per scheduler round; the rest wait for the next round. */
const DUE_BATCH = 200;

export interface PublishDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  realtime: RealtimeBus;
  connectors: ChannelConnectors;
}

/**
 * The scheduler's due check: one publish job per post whose time has come. The dedupe key keeps a single
 * pending job per post however many schedulers run; the job's own compare-and-set makes a second one harmless.
 */
export async function enqueueDueScheduledPosts(deps: { db: Db; clock: Clock; jobs: JobQueue }): Promise<number> {
  const now = deps.clock.now().getTime();
  const due = await deps.db
    .selectFrom('scheduled_posts')
    .select('id')
    // A post left in `sending` (crash mid-publish) is picked up again: the job reconciles before resending.
    .where('status', 'in', ['scheduled', 'sending'])
    .where('publish_at', '<=', now)
    .orderBy('publish_at')
    .limit(DUE_BATCH)
    .execute();
  for (const post of due) {
    await deps.jobs.enqueue({
      name: PUBLISH_SCHEDULED_POST,
      payload: { postId: post.id },
      dedupeKey: `publish-post:${post.id}`,
    });
  }
  if (due.length > 0) deps.jobs.notify();
  return due.length;
}

/**
 * Publishes one scheduled post. Same outbox discipline as replies (deliver-message.job.ts): "sending" is
 * committed before the network call, and finding a post still "sending" means an earlier attempt may have
 * reached X without us recording it, so we first look on X for that post and adopt it rather than post twice.
 */
export function publishScheduledPostJob(deps: PublishDeps): JobHandler {
  return async (payload) => {
    const postId = String(payload.postId);
    const post = await deps.db.selectFrom('scheduled_posts').selectAll().where('id', '=', postId).executeTakeFirst();
    if (!post || (post.status !== 'scheduled' && post.status !== 'sending')) return;
    const now = deps.clock.now().getTime();
    // Moved to a later time since the job was enqueued: the scheduler enqueues it again when due.
    if (post.status === 'scheduled' && post.publish_at > now) return;
    const log = deps.logger.child({ scheduledPostId: postId, channelId: post.channel_id });
    const changed = () =>
      deps.realtime.publish(post.workspace_id, {
        type: 'scheduled_post.changed',
        postId,
        updatedAt: deps.clock.now().toISOString(),
      });

    const markSent = async (published: PublishedPost, adopted: boolean) => {
      const at = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable('scheduled_posts')
          .set({
            status: 'sent',
            error: null,
            external_id: published.externalId,
            url: published.url ?? null,
            sent_at: at,
            updated_at: at,
          })
          .where('id', '=', postId)
          .where('status', '=', 'sending')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return;
        await recordEvents(tx, [
          {
            workspaceId: post.workspace_id,
            type: 'scheduled_post.sent',
            subjectId: postId,
            actor: { type: 'system' },
            payload: { externalId: published.externalId, url: published.url ?? null, adopted, origin: post.origin },
            occurredAt: at,
          },
        ]);
      });
      changed();
    };

    const markFailed = async (reason: string, detail: string) => {
      const at = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable('scheduled_posts')
          .set({ status: 'failed', error: `${reason}: ${detail}`.slice(0, 1000), updated_at: at })
          .where('id', '=', postId)
          .where('status', 'in', ['scheduled', 'sending'])
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return;
        await recordEvents(tx, [
          {
            workspaceId: post.workspace_id,
            type: 'scheduled_post.failed',
            subjectId: postId,
            actor: { type: 'system' },
            payload: { reason, detail: detail.slice(0, 500), origin: post.origin },
            occurredAt: at,
          },
        ]);
      });
      changed();
    };

    const channel = await findChannel(deps.db, post.channel_id);
    if (!channel) {
      await markFailed('channel.not_found', 'The channel of this post no longer exists.');
      return;
    }
    const connector = deps.connectors.get(channel);
    const { publishPost, findPublishedPost } = connector;
    if (!publishPost || !findPublishedPost) {
      await markFailed('channel.no_posts', 'This channel cannot publish posts.');
      return;
    }

    if (post.status === 'sending' && post.first_attempt_at !== null) {
      const existing = await findPublishedPost.call(connector, {
        text: post.text,
        since: new Date(post.first_attempt_at - RECONCILE_MARGIN_MS),
      });
      if (existing) {
        log.warn({ externalId: existing.externalId }, 'post was already on X; adopted instead of posting again');
        await markSent(existing, true);
        return;
      }
    }

    const attempt = post.attempts + 1;
    // Compare-and-set: if another worker moved this post on since we read it, or an agent edited or cancelled
    // it, the update matches nothing and we do not post.
    const claimed = await deps.db
      .updateTable('scheduled_posts')
      .set({ status: 'sending', attempts: attempt, first_attempt_at: post.first_attempt_at ?? now, updated_at: now })
      .where('id', '=', postId)
      .where('attempts', '=', post.attempts)
      .where('status', '=', post.status)
      .where('updated_at', '=', post.updated_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      log.info('post changed or claimed by another worker since it was read; leaving it');
      return;
    }
    changed();

    try {
      const published = await publishPost.call(connector, { text: post.text });
      await markSent(published, false);
    } catch (error) {
      const connectorError = error instanceof ConnectorError ? error : null;
      if (connectorError && !connectorError.retryable) {
        await markFailed(connectorError.reason, connectorError.message);
        return;
      }
      if (attempt >= MAX_PUBLISH_ATTEMPTS) {
        await markFailed(connectorError?.reason ?? 'delivery.gave_up', (error as Error).message);
        return;
      }
      if (connectorError?.kind === 'rate_limited') {
        // X refused outright: nothing was posted, so the next attempt need not reconcile.
        await deps.db
          .updateTable('scheduled_posts')
          .set({ status: 'scheduled', updated_at: deps.clock.now().getTime() })
          .where('id', '=', postId)
          .where('status', '=', 'sending')
          .execute();
      }
      const retryAt = connectorError?.retryAt?.getTime() ?? deps.clock.now().getTime() + backoffMs(attempt);
      log.warn({ err: error, retryAt: new Date(retryAt).toISOString() }, 'post not published yet; will retry');
      throw new RetryJobAt(retryAt, (error as Error).message);
    }
  };
}
