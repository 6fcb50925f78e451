import { ConnectorError, type Connector, type FetchMentionsRequest, type FetchResult } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { JobHandler } from '../../platform/jobs/job-queue.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { ingestPage } from '../conversations/ingestion/pipeline.ts';
import { withMissingParents } from '../conversations/ingestion/parents.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import { isXaaLive } from './channel-delivery.ts';
import { parseChannelSettings } from './channel-settings.ts';
import {
  clearNotBefore,
  findChannel,
  readCursorRow,
  readNotBefore,
  setChannelHealth,
  writeNotBefore,
} from './channels.repository.ts';
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

/** What one feed did this round; a feed's failure is its own, the round goes on with the others. */
type FeedOutcome =
  { kind: 'read' | 'skipped' } | { kind: 'waiting'; until: number } | { kind: 'failed'; feed: string; error: unknown };

/** X's window for a rate-limited feed: never longer than a day, whatever a bad header says. */
const MAX_RATE_LIMIT_WAIT_MS = 24 * 60 * 60_000;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

interface Round {
  deps: PollDeps;
  channel: Row<'channels'>;
  connector: Connector;
  log: Logger;
  /** Rate-limited feeds and when X lets each be read again (epoch ms). */
  notBefore: Map<string, number>;
}

async function pollFeed(round: Round, feed: Feed): Promise<FeedOutcome> {
  const { deps, channel, connector, log } = round;
  const fetch = feed.fetch(connector);
  if (!fetch) return { kind: 'skipped' };
  const now = deps.clock.now();
  const waitUntil = round.notBefore.get(feed.name);
  if (waitUntil !== undefined && now.getTime() < waitUntil) return { kind: 'waiting', until: waitUntil };
  const cursorRow = await readCursorRow(deps.db, channel.id, feed.name);
  if (cursorRow && now.getTime() - cursorRow.updated_at < feed.minIntervalMs(deps)) return { kind: 'skipped' };
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
  if (waitUntil !== undefined) await clearNotBefore(deps.db, channel.id, feed.name);
  deps.metrics.pollsTotal.labels(channel.network, feed.name, 'ok').inc();
  if (result.stored > 0)
    log.info({ feed: feed.name, stored: result.stored, duplicates: result.duplicates }, 'inbound ingested');
  return { kind: 'read' };
}

/**
 * A 429 holds back only the feed X answered it on, until that endpoint's window resets
 * (`x-rate-limit-reset`); its cursor has not moved, so the feed resumes where it stopped.
 */
async function pollFeedAlone(round: Round, feed: Feed): Promise<FeedOutcome> {
  const { deps, channel, log } = round;
  try {
    return await pollFeed(round, feed);
  } catch (error) {
    deps.metrics.pollsTotal.labels(channel.network, feed.name, 'error').inc();
    if (error instanceof ConnectorError && error.kind === 'rate_limited') {
      const now = deps.clock.now().getTime();
      const announced = error.retryAt?.getTime() ?? now + DEFAULT_RATE_LIMIT_WAIT_MS;
      const until = Math.min(Math.max(announced, now), now + MAX_RATE_LIMIT_WAIT_MS);
      await writeNotBefore(deps.db, channel.id, feed.name, until, now);
      log.warn({ feed: feed.name, retryAt: new Date(until).toISOString() }, 'feed rate limited');
    } else {
      // Other failures wait for the scheduler's next round; the health status tells the desk.
      log.error({ err: error, feed: feed.name }, 'feed poll failed');
    }
    return { kind: 'failed', feed: feed.name, error };
  }
}

/** Failing while a feed fails; active again once every feed is read or paced, none waiting out a 429. */
async function recordHealth(deps: PollDeps, channel: Row<'channels'>, outcomes: FeedOutcome[], now: number) {
  const failure = outcomes.find((o) => o.kind === 'failed');
  if (failure) {
    const detail = failure.error instanceof Error ? failure.error.message : String(failure.error);
    const status = { status: 'failing' as const, detail: `${failure.feed}: ${detail}`.slice(0, 500) };
    await setChannelHealth(deps.db, channel.id, status, now);
  } else if (channel.status !== 'active' && !outcomes.some((o) => o.kind === 'waiting')) {
    await setChannelHealth(deps.db, channel.id, { status: 'active', detail: null }, now);
  }
}

export function pollChannelJob(deps: PollDeps): JobHandler {
  return async (payload) => {
    const channel = await findChannel(deps.db, String(payload.channelId));
    if (!channel || channel.status === 'paused') return;
    const log = deps.logger.child({ channelId: channel.id, handle: channel.handle });
    const now = deps.clock.now().getTime();
    let round: Round;
    let feeds: Feed[];
    try {
      const connector = deps.connectors.get(channel);
      // While the X Activity API delivers this channel's DMs, the DM feed is not polled (decision 0012).
      const xaaLive = await isXaaLive(deps.db, channel, parseChannelSettings(channel.settings));
      feeds = [...FEEDS, ...(await searchFeeds(deps, channel, connector, now))].filter(
        (feed) => !(feed.name === DMS_FEED && xaaLive),
      );
      round = { deps, channel, connector, log, notBefore: await readNotBefore(deps.db, channel.id) };
    } catch (error) {
      // No feed could be read at all: the round fails as the first feed would have.
      deps.metrics.pollsTotal.labels(channel.network, MENTIONS_FEED, 'error').inc();
      log.error({ err: error }, 'channel poll failed');
      await recordHealth(deps, channel, [{ kind: 'failed', feed: MENTIONS_FEED, error }], now);
      return;
    }
    const outcomes: FeedOutcome[] = [];
    for (const feed of feeds) outcomes.push(await pollFeedAlone(round, feed));
    await recordHealth(deps, channel, outcomes, now);
  };
}
