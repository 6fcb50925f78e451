import { ConnectorError, type Connector, type FetchMentionsRequest, type FetchResult } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { RetryJobAt, type JobHandler } from '../../platform/jobs/job-queue.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { ingestPage } from '../conversations/ingestion/pipeline.ts';
import { withMissingParents } from '../conversations/ingestion/parents.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import { isXaaLive } from './channel-delivery.ts';
import { parseChannelSettings } from './channel-settings.ts';
import { findChannel, readCursorRow, setChannelHealth } from './channels.repository.ts';
import { spendSummary } from './spend.ts';

export const POLL_CHANNEL = 'poll-channel';
export const MENTIONS_FEED = 'mentions';
export const DMS_FEED = 'dms';

/** How far back the very first poll of a new channel looks, so day one is not an empty queue. */
const FIRST_POLL_BACKFILL_MS = 24 * 60 * 60_000;

export interface PollDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  realtime: RealtimeBus;
  connectors: ChannelConnectors;
  /** X allows 15 DM reads per 15 minutes: the DM feed is read at most this often. */
  dmPollIntervalMs: number;
}

interface Feed {
  name: string;
  /** Undefined when the connector cannot read this feed. */
  fetch(connector: Connector): ((request: FetchMentionsRequest) => Promise<FetchResult>) | undefined;
  minIntervalMs(deps: PollDeps): number;
}

const FEEDS: Feed[] = [
  { name: MENTIONS_FEED, fetch: (c) => c.fetchMentions.bind(c), minIntervalMs: () => 0 },
  {
    name: DMS_FEED,
    fetch: (c) => (c.capabilities.directMessages && c.fetchDirectMessages ? c.fetchDirectMessages.bind(c) : undefined),
    minIntervalMs: (deps) => deps.dmPollIntervalMs,
  },
];

/** Saved searches are read once a minute, every 15 minutes when the budget is tight, not at all once spent. */
const SEARCH_INTERVAL_MS = { ok: 60_000, tight: 15 * 60_000 } as const;

/**
 * Brand-monitoring searches (F3) as feeds. They are the first thing the budget cuts: mentions and DMs are
 * customers talking to the brand, searches are the brand listening in.
 */
async function searchFeeds(
  deps: PollDeps,
  channel: Row<'channels'>,
  connector: Connector,
  now: number,
): Promise<Feed[]> {
  if (!connector.searchRecent) return [];
  const searches = await deps.db
    .selectFrom('channel_searches')
    .select(['id', 'query'])
    .where('channel_id', '=', channel.id)
    .where('enabled', '=', 1)
    .execute();
  if (searches.length === 0) return [];
  const { budgetState } = await spendSummary(
    deps.db,
    channel.id,
    parseChannelSettings(channel.settings).monthlyBudgetUsd,
    now,
  );
  if (budgetState === 'exhausted') return [];
  const search = connector.searchRecent.bind(connector);
  return searches.map((saved) => ({
    name: `search:${saved.id}`,
    fetch: () => (request: FetchMentionsRequest) => search({ ...request, query: saved.query }),
    minIntervalMs: () => SEARCH_INTERVAL_MS[budgetState],
  }));
}

async function pollFeed(deps: PollDeps, channel: Row<'channels'>, connector: Connector, feed: Feed, log: Logger) {
  const fetch = feed.fetch(connector);
  if (!fetch) return;
  const now = deps.clock.now();
  const cursorRow = await readCursorRow(deps.db, channel.id, feed.name);
  if (cursorRow && now.getTime() - cursorRow.updated_at < feed.minIntervalMs(deps)) return;
  const page = await fetch({
    cursor: cursorRow?.value ?? null,
    backfillSince: new Date(now.getTime() - FIRST_POLL_BACKFILL_MS),
  });
  // Unseen parents are fetched from X before the page's transaction opens: no network call inside it.
  const items = await withMissingParents(deps.db, channel, connector, page.items);
  const result = await ingestPage(
    { ...deps, logger: log },
    {
      channel,
      feed: feed.name,
      items,
      // Rewriting an unchanged cursor records when the feed was last read (for the feed's pace).
      nextCursor: page.nextCursor ?? cursorRow?.value ?? null,
    },
  );
  deps.metrics.pollsTotal.labels(channel.network, feed.name, 'ok').inc();
  if (result.stored > 0)
    log.info({ feed: feed.name, stored: result.stored, duplicates: result.duplicates }, 'inbound ingested');
}

export function pollChannelJob(deps: PollDeps): JobHandler {
  return async (payload) => {
    const channel = await findChannel(deps.db, String(payload.channelId));
    if (!channel || channel.status === 'paused') return;
    const log = deps.logger.child({ channelId: channel.id, handle: channel.handle });
    const now = deps.clock.now();
    let currentFeed = MENTIONS_FEED;
    try {
      const connector = deps.connectors.get(channel);
      // While the X Activity API delivers this channel's DMs, the DM feed is not polled (decision 0012).
      const xaaLive = await isXaaLive(deps.db, channel, parseChannelSettings(channel.settings));
      for (const feed of [...FEEDS, ...(await searchFeeds(deps, channel, connector, now.getTime()))]) {
        if (feed.name === DMS_FEED && xaaLive) continue;
        currentFeed = feed.name;
        await pollFeed(deps, channel, connector, feed, log);
      }
      if (channel.status !== 'active') {
        await setChannelHealth(deps.db, channel.id, { status: 'active', detail: null }, now.getTime());
      }
    } catch (error) {
      deps.metrics.pollsTotal.labels(channel.network, currentFeed, 'error').inc();
      const detail = error instanceof Error ? error.message : String(error);
      await setChannelHealth(
        deps.db,
        channel.id,
        { status: 'failing', detail: `${currentFeed}: ${detail}`.slice(0, 500) },
        now.getTime(),
      );
      if (error instanceof ConnectorError && error.kind === 'rate_limited') {
        // The job stays pending until the window resets; its dedupe key keeps the scheduler from piling more.
        const retryAt = error.retryAt?.getTime() ?? now.getTime() + 60_000;
        log.warn({ feed: currentFeed, retryAt: new Date(retryAt).toISOString() }, 'feed rate limited');
        throw new RetryJobAt(retryAt, 'rate limited');
      }
      // Other failures wait for the scheduler's next round; the health status tells the desk.
      log.error({ err: error, feed: currentFeed }, 'feed poll failed');
    }
  };
}
