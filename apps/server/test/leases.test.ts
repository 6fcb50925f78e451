import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { holdLease, LeaderElection } from '../src/platform/leases.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from './databases.ts';

const LEASE_MS = 10_000;

describe.each(TEST_DIALECTS)('leases and the scheduler leader (%s)', (dialect) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let clock: ManualClock;
  const logger = pino({ level: 'silent' });
  const election = (holder: string) =>
    new LeaderElection({ db: handle.db, clock, logger, name: 'scheduler', holder, leaseMs: LEASE_MS });

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    handle = await openDatabase(database.config);
    await migrateToLatest(handle.db);
    clock = new ManualClock();
  });
  afterEach(async () => {
    await handle.close();
    await database.drop();
  });

  it('grants a free lease to one of two racing holders only', async () => {
    const now = clock.now().getTime();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((holder) => holdLease(handle.db, 'x', holder, now, LEASE_MS)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps one leader, and hands over once the leader stops renewing for one lease', async () => {
    const a = election('a');
    const b = election('b');
    expect(await a.attempt()).toBe(true);
    expect(await b.attempt()).toBe(false);
    clock.advanceBy(LEASE_MS / 4);
    // The leader renews; the follower still waits.
    expect(await a.attempt()).toBe(true);
    clock.advanceBy(LEASE_MS - 1);
    expect(await b.attempt()).toBe(false);
    // "a" died after its last renewal: one lease later "b" leads, and "a" (were it back) knows it no longer does.
    clock.advanceBy(1);
    expect(a.isLeader()).toBe(false);
    expect(await b.attempt()).toBe(true);
    expect(await a.attempt()).toBe(false);
    const row = await handle.db.selectFrom('leases').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'scheduler', holder: 'b', expires_at: clock.now().getTime() + LEASE_MS });
  });

  it('hands over at once when the leader stops cleanly', async () => {
    const a = election('a');
    const b = election('b');
    expect(await a.attempt()).toBe(true);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(await b.attempt()).toBe(true);
  });
});
