import { ConnectorError } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { RetryJobAt, type JobHandler } from '../../platform/jobs/job-queue.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { ingestBatch } from '../conversations/ingestion/ingest.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import { findChannel, readCursor, setChannelHealth } from './channels.repository.ts';

export const POLL_CHANNEL = 'poll-channel';
export const MENTIONS_FEED = 'mentions';

/** How far back the very first poll of a new channel looks, so day one is not an empty queue. */
const FIRST_POLL_BACKFILL_MS = 24 * 60 * 60_000;

export interface PollDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  realtime: RealtimeBus;
  connectors: ChannelConnectors;
}

export function pollChannelJob(deps: PollDeps): JobHandler {
  return async (payload) => {
    const channel = await findChannel(deps.db, String(payload.channelId));
    if (!channel || channel.status === 'paused') return;
    const log = deps.logger.child({ channelId: channel.id, handle: channel.handle });
    const now = deps.clock.now();
    try {
      const connector = deps.connectors.get(channel);
      const cursor = await readCursor(deps.db, channel.id, MENTIONS_FEED);
      const page = await connector.fetchMentions({
        cursor,
        backfillSince: new Date(now.getTime() - FIRST_POLL_BACKFILL_MS),
      });
      const result = await ingestBatch(deps, {
        channel,
        feed: MENTIONS_FEED,
        items: page.items,
        nextCursor: page.nextCursor,
      });
      deps.metrics.pollsTotal.labels(channel.network, MENTIONS_FEED, 'ok').inc();
      deps.metrics.messagesIngested.labels(channel.network).inc(result.stored);
      if (channel.status !== 'active') {
        await setChannelHealth(deps.db, channel.id, { status: 'active', detail: null }, now.getTime());
      }
      if (result.stored > 0) log.info({ stored: result.stored, duplicates: result.duplicates }, 'mentions ingested');
      const updatedAt = deps.clock.now().toISOString();
      for (const caseId of result.changedCaseIds) {
        deps.realtime.publish(channel.workspace_id, { type: 'case.changed', caseId, updatedAt });
      }
    } catch (error) {
      deps.metrics.pollsTotal.labels(channel.network, MENTIONS_FEED, 'error').inc();
      const detail = error instanceof Error ? error.message : String(error);
      await setChannelHealth(deps.db, channel.id, { status: 'failing', detail: detail.slice(0, 500) }, now.getTime());
      if (error instanceof ConnectorError && error.kind === 'rate_limited') {
        // The job stays pending until the window resets; its dedupe key keeps the scheduler from piling more.
        const retryAt = error.retryAt?.getTime() ?? now.getTime() + 60_000;
        log.warn({ retryAt: new Date(retryAt).toISOString() }, 'mentions poll rate limited');
        throw new RetryJobAt(retryAt, 'rate limited');
      }
      // Other failures wait for the scheduler's next round; the health status tells the desk.
      log.error({ err: error }, 'mentions poll failed');
    }
  };
}
