import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import { createStorageFixture, inboundPost, type StorageFixture } from '../../../test/factories.ts';
import { countingClassifier } from '../../../test/ingestion-kit.ts';
import { ingestPage } from '../conversations/ingestion/pipeline.ts';
import { recordEvents } from './events.repository.ts';

/**
 * On PostgreSQL `events.case_id` has no foreign key (migration 0033, decision 0020): what the key did —
 * no event of a case that does not exist, a case's events deleted with it — holds on both databases.
 */
describe.each(TEST_DIALECTS)('events of a case (%s)', (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  /** Two customers' posts: two cases, each with the events ingestion records. */
  async function twoCases(): Promise<[string, string]> {
    const author = (n: number) => ({ externalId: `160000000000000000${n}`, handle: `customer_${n}`, name: `C ${n}` });
    await ingestPage(
      { db: f.database.db, clock: f.clock, classifier: countingClassifier() },
      {
        channel: f.channel,
        feed: 'mentions',
        items: [inboundPost({ author: author(1) }), inboundPost({ author: author(2) })],
      },
    );
    const cases = await f.database.db.selectFrom('cases').select('id').orderBy('id').execute();
    expect(cases).toHaveLength(2);
    return [cases[0]!.id, cases[1]!.id];
  }

  const eventsOf = async (caseId: string | null) => {
    const query = f.database.db.selectFrom('events').select(sql<number>`count(*)`.as('n'));
    const row = await (
      caseId === null ? query.where('case_id', 'is', null) : query.where('case_id', '=', caseId)
    ).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('ingestion records no event whose case does not exist', async () => {
    await twoCases();
    const orphans = await f.database.db
      .selectFrom('events')
      .leftJoin('cases', 'cases.id', 'events.case_id')
      .select(sql<number>`count(*)`.as('n'))
      .where('events.case_id', 'is not', null)
      .where('cases.id', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(orphans.n)).toBe(0);
    expect(
      await f.database.db.selectFrom('events').select('id').where('case_id', 'is not', null).execute(),
    ).not.toEqual([]);
  });

  it("deleting a case deletes its events, not another case's nor events of no case", async () => {
    const [gone, kept] = await twoCases();
    await recordEvents(f.database.db, [
      { workspaceId: f.workspaceId, type: 'channel.checked', actor: { type: 'system' }, occurredAt: 1 },
    ]);
    const keptBefore = await eventsOf(kept);
    expect(await eventsOf(gone)).toBeGreaterThan(0);
    expect(keptBefore).toBeGreaterThan(0);

    await f.database.db.deleteFrom('cases').where('id', '=', gone).execute();

    expect(await eventsOf(gone)).toBe(0);
    expect(await eventsOf(kept)).toBe(keptBefore);
    expect(await eventsOf(null)).toBeGreaterThanOrEqual(1);
  });

  it("deleting a channel deletes its cases' events through the cascade", async () => {
    const [first, second] = await twoCases();
    await f.database.db.deleteFrom('channels').where('id', '=', f.channel.id).execute();

    expect(await f.database.db.selectFrom('cases').select('id').execute()).toEqual([]);
    expect(await eventsOf(first)).toBe(0);
    expect(await eventsOf(second)).toBe(0);
  });
});
