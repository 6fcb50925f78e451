import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalescingUsageRecorder } from '../src/modules/channels/spend.ts';
import type { Db } from '../src/platform/db/database.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';

/** The database, counting the statements that write `channel_usage`. */
function countingUsageWrites(db: Db): { db: Db; writes: () => number } {
  let writes = 0;
  const counted = new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'insertInto') {
        return (table: string) => {
          if (table === 'channel_usage') writes += 1;
          return target.insertInto(table as 'channel_usage');
        };
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: counted, writes: () => writes };
}

/** Issue 15: every streamed post was metered by an upsert of its own, all on the same two rows. */
describe('the X usage meter', () => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture('sqlite');
  });
  afterEach(async () => {
    await f.close();
  });

  const usage = async () =>
    (
      await f.database.db
        .selectFrom('channel_usage')
        .select(['category', 'units'])
        .where('channel_id', '=', f.channel.id)
        .orderBy('category')
        .execute()
    ).map((row) => [row.category, Number(row.units)]);

  it('writes a call at once, and a burst of calls in a few upserts that lose nothing', async () => {
    const { db, writes } = countingUsageWrites(f.database.db);
    const errors: unknown[] = [];
    const record = coalescingUsageRecorder(
      db,
      () => f.clock.now().getTime(),
      (error) => errors.push(error),
    );

    record(f.channel.id, { operation: 'mentions', category: 'owned_read', units: 3 });
    await vi.waitFor(async () => expect(await usage()).toEqual([['owned_read', 3]]));
    const afterOne = writes();
    expect(afterOne).toBe(1);

    for (let i = 0; i < 200; i++) {
      record(f.channel.id, { operation: 'stream', category: 'post_read', units: 1 });
      record(f.channel.id, { operation: 'stream', category: 'user_read', units: 1 });
    }
    await vi.waitFor(async () =>
      expect(await usage()).toEqual([
        ['owned_read', 3],
        ['post_read', 200],
        ['user_read', 200],
      ]),
    );
    // 400 calls: the first written alone, the rest added up while it was written (one upsert per category).
    expect(writes() - afterOne).toBeLessThanOrEqual(4);
    expect(errors).toEqual([]);
  });
});
