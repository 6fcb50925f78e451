import type { JobHandler } from '../../platform/jobs/job-queue.ts';
import { ingestPage } from '../conversations/ingestion/pipeline.ts';
import { untilChannelChanges } from './channel-job-lifetime.ts';
import { streamBatcher } from './channel-stream.batcher.ts';
import { findChannel, setChannelHealth } from './channels.repository.ts';
import type { PollDeps } from './channels.jobs.ts';

export const STREAM_CHANNEL = 'stream-channel';
export const STREAM_FEED = 'stream';

/**
 * Holds a channel's filtered-stream connection for as long as the worker runs: one long job per channel
 * (its dedupe key and lease keep it to one connection across all workers, as X allows only one). Pushed
 * posts are stored as they come, in small batches; polling keeps running as the safety net.
 */
export function streamChannelJob(deps: PollDeps): JobHandler {
  return async (payload, context) => {
    const channel = await findChannel(deps.db, String(payload.channelId));
    if (!channel || channel.status === 'paused') return;
    const connector = deps.connectors.get(channel);
    if (!connector.openStream) return;
    const log = deps.logger.child({ channelId: channel.id, handle: channel.handle, feed: STREAM_FEED });

    const batcher = streamBatcher(async (items) => {
      await ingestPage({ ...deps, logger: log }, { channel, feed: STREAM_FEED, items });
    }, log);
    const health = (status: 'active' | 'failing', detail: string | null) =>
      setChannelHealth(deps.db, channel.id, { status, detail }, deps.clock.now().getTime()).catch(() => undefined);

    const stream = await connector.openStream({
      onItems: (items) => batcher.push(items),
      onState: (state, detail) => {
        if (state === 'lost') {
          log.warn({ detail }, 'stream connection lost; reconnecting');
          void health('failing', `stream: connection lost, reconnecting${detail ? ` (${detail})` : ''}`);
        } else if (state === 'reconnected') void health('active', null);
      },
    });
    log.info('stream connected');
    try {
      await untilChannelChanges(deps, channel, context);
    } finally {
      stream.close();
      await batcher.drained();
      log.info('stream closed');
    }
  };
}
