import type { XaaEnvelope, XaaStreamEvents } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Row } from '../../platform/db/schema.ts';
import type { JobHandler } from '../../platform/jobs/job-queue.ts';
import { receiveActivityEvents } from '../webhooks/xaa-delivery.ts';
import { ensureXaaSubscriptions } from './channel-delivery.commands.ts';
import { untilChannelChanges } from './channel-job-lifetime.ts';
import { deliveryPathOf, markStream } from './channel-delivery.ts';
import { parseChannelSettings } from './channel-settings.ts';
import { findChannel, setChannelHealth } from './channels.repository.ts';
import type { PollDeps } from './channels.jobs.ts';

export const ACTIVITY_STREAM_CHANNEL = 'activity-stream-channel';
/** On (re)connection X replays up to 5 minutes: what came while the previous path handed over is not lost. */
const BACKFILL_MINUTES = 5;

/** Stores events as they come, one batch in flight at a time; what arrives meanwhile forms the next batch. */
function eventBatcher(store: (batch: XaaEnvelope[]) => Promise<unknown>, log: Logger) {
  let pending: XaaEnvelope[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await store(batch);
    }
  };
  const schedule = () => {
    flushing ??= flush()
      .catch((error) => log.error({ err: error }, 'could not store activity events; polling will pick them up'))
      .finally(() => {
        flushing = undefined;
        if (pending.length > 0) schedule();
      });
  };
  return {
    add(envelope: XaaEnvelope) {
      pending.push(envelope);
      schedule();
    },
    settled: () => flushing,
  };
}

/** Connection states → the channel's XAA state (DM polling follows it) and its health. */
function stateHandler(deps: PollDeps, channel: Row<'channels'>, log: Logger): XaaStreamEvents['onState'] {
  const now = () => deps.clock.now().getTime();
  return (state, detail) => {
    void markStream(deps.db, channel.id, state === 'lost' ? 'lost' : 'connected', now()).catch(() => undefined);
    if (state === 'lost') {
      log.warn({ detail }, 'activity stream lost; reconnecting (DM polling resumes meanwhile)');
      const why = `activity stream: connection lost, reconnecting${detail ? ` (${detail})` : ''}`;
      void setChannelHealth(deps.db, channel.id, { status: 'failing', detail: why }, now()).catch(() => undefined);
    } else if (state === 'reconnected') {
      void setChannelHealth(deps.db, channel.id, { status: 'active', detail: null }, now()).catch(() => undefined);
    }
  };
}

/**
 * Holds a channel's X Activity API stream (`GET /2/activity/stream`) for as long as the worker runs, like
 * the filtered stream (decision 0006): one leased job per channel. Events are stored as they come. While
 * connected the channel's XAA is live and DM polling stops; when the connection is lost the state says so
 * and polling takes over until it is back.
 */
export function activityStreamJob(deps: PollDeps): JobHandler {
  return async (payload, context) => {
    const channel = await findChannel(deps.db, String(payload.channelId));
    if (!channel || channel.status === 'paused') return;
    const settings = parseChannelSettings(channel.settings);
    if (deliveryPathOf(settings) !== 'xaa' || settings.xaaDelivery !== 'stream') return;
    const client = deps.connectors.activity(channel);
    if (!client) return;
    const log = deps.logger.child({ channelId: channel.id, handle: channel.handle, feed: 'activity-stream' });
    // Subscriptions live on X: a lost one (or a restarted sandbox) is put back before listening.
    await ensureXaaSubscriptions(deps.db, client, channel, deps.clock.now().getTime());
    const events = eventBatcher((batch) => receiveActivityEvents({ ...deps, logger: log }, channel, batch), log);
    const stream = client.openStream(
      { onEvent: (envelope) => events.add(envelope), onState: stateHandler(deps, channel, log) },
      { backfillMinutes: BACKFILL_MINUTES },
    );
    log.info('activity stream opened');
    try {
      await untilChannelChanges(deps, channel, context);
    } finally {
      stream.close();
      await events.settled();
      await markStream(deps.db, channel.id, 'off', deps.clock.now().getTime()).catch(() => undefined);
      log.info('activity stream closed');
    }
  };
}
