import type { Connector, StreamHandlers } from '@guichet/connectors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelConnectors } from '../src/modules/channels/channel-connectors.ts';
import { streamChannelJob } from '../src/modules/channels/channel-stream.job.ts';
import type { Db } from '../src/platform/db/database.ts';
import { createMetrics } from '../src/platform/metrics.ts';
import { InProcessRealtimeBus } from '../src/platform/realtime.ts';
import { createStorageFixture, inboundPost, silentLogger, type StorageFixture } from './factories.ts';
import { countingClassifier } from './ingestion-kit.ts';

/** The database, except that the first `failures` transactions fail as a dropped connection would. */
function failingTransactions(db: Db, failures: number): Db {
  let left = failures;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction' && left > 0) {
        left -= 1;
        return () => ({
          execute: () => Promise.reject(new Error('Connection terminated unexpectedly')),
        });
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Issue 15: a streamed batch that failed to store was dropped, "for polling to pick up"; but X's mentions
 * timeline holds only the newest 800, so under a backlog the posts were lost.
 */
describe('the filtered stream job', () => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture('sqlite');
  });
  afterEach(async () => {
    await f.close();
  });

  it('stores a batch that failed once on a later try', async () => {
    let handlers: StreamHandlers | undefined;
    const connector = {
      openStream: async (h: StreamHandlers) => {
        handlers = h;
        return { close: () => undefined };
      },
    } as unknown as Connector;
    const deps = {
      db: failingTransactions(f.database.db, 1),
      clock: f.clock,
      logger: silentLogger,
      metrics: createMetrics(),
      realtime: new InProcessRealtimeBus(),
      connectors: { get: () => connector } as unknown as ChannelConnectors,
      dmPollIntervalMs: 60_000,
      classifier: countingClassifier(),
    };
    const abort = new AbortController();
    const job = streamChannelJob(deps)({ channelId: f.channel.id }, { jobId: 'j', attempt: 1, signal: abort.signal });
    await vi.waitFor(() => expect(handlers).toBeDefined());
    const posts = [inboundPost(), inboundPost(), inboundPost()];
    handlers!.onItems(posts);

    const stored = () =>
      f.database.db.selectFrom('messages').select('external_id').where('direction', '=', 'inbound').execute();
    await vi.waitFor(async () => expect(await stored()).toHaveLength(3), { timeout: 10_000, interval: 100 });
    expect((await stored()).map((m) => m.external_id).sort()).toEqual(posts.map((p) => p.externalId).sort());
    abort.abort();
    await job;
  });
});
