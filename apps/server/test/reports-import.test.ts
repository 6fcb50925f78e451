import fs from 'node:fs';
import { sharedPath } from '@guichet/x-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTwcs } from '../src/modules/import/twcs-import.ts';
import { computeReport } from '../src/modules/reports/reports.queries.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';

/**
 * The TWCS head-5000 slice (CC BY-NC-SA 4.0, read here at test time, never copied into the repository).
 * SOURCE.md measures, independently: first brand reply to a conversation-opening customer post, n = 1,154,
 * median 12.0 min, 76.7 % within 60 min.
 */
const file = sharedPath('data/twcs/twcs_head5000.csv');
const MIN = 60_000;

describe.each(TEST_DIALECTS)('history import of the TWCS slice (%s)', (dialect) => {
  let f: StorageFixture;
  let csv: string;

  beforeAll(async () => {
    f = await createStorageFixture(dialect);
    csv = fs.readFileSync(file, 'utf8');
  });
  afterAll(() => f.close());

  it('imports the most frequent brand by default, then every brand, and a second import adds nothing', async () => {
    const deps = { db: f.database.db, clock: f.clock };
    const first = await importTwcs(deps, { workspaceId: f.workspaceId, csv });
    expect(first.rows).toBe(5000);
    expect(first.brands.map((b) => b.brand)).toEqual(['ChipotleTweets']);
    expect(first.brands[0]!.cases).toBeGreaterThan(100);

    const all = await importTwcs(deps, { workspaceId: f.workspaceId, csv, brand: 'all' });
    expect(all.brands[0]).toMatchObject({ brand: 'ChipotleTweets', cases: 0 });
    expect(all.brands[0]!.alreadyImported).toBe(first.brands[0]!.cases);

    const count = async () => {
      const n = async (table: 'cases' | 'messages' | 'conversations') =>
        Number(
          (
            await f.database.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { cases: await n('cases'), messages: await n('messages'), conversations: await n('conversations') };
    };
    const before = await count();
    // Every post of a thread with a brand in it, once.
    expect(before.messages).toBe(
      all.brands.reduce((s, b) => s + b.inbound + b.outbound, 0) + first.brands[0]!.inbound + first.brands[0]!.outbound,
    );
    const again = await importTwcs(deps, { workspaceId: f.workspaceId, csv, brand: 'all' });
    expect(again.brands.every((b) => b.cases === 0)).toBe(true);
    expect(await count()).toEqual(before);
  });

  it('reproduces the independent figures: median 12.0 min, 76.7 % within 1 h (direct reply to the opener)', async () => {
    // The independent definition, measured on what the desk stored: for each thread-opening customer post,
    // the earliest brand post that replies to THAT post.
    const rows = await f.database.db
      .selectFrom('messages as o')
      .innerJoin('messages as r', (join) =>
        join.onRef('r.in_reply_to_message_id', '=', 'o.id').on('r.direction', '=', 'outbound'),
      )
      .select((eb) => ['o.id', eb.fn.min(eb('r.created_at', '-', eb.ref('o.created_at'))).as('wait')])
      .where('o.direction', '=', 'inbound')
      .where('o.in_reply_to_external_id', 'is', null)
      .groupBy('o.id')
      .execute();
    const waits = rows.map((r) => Number(r.wait)).sort((a, b) => a - b);
    expect(waits).toHaveLength(1154);
    const median = (waits[576]! + waits[577]!) / 2;
    expect((median / MIN).toFixed(1)).toBe('12.0');
    const within1h = waits.filter((w) => w <= 60 * MIN).length / waits.length;
    expect((within1h * 100).toFixed(1)).toBe('76.7');
  });

  it("reports the desk's own definition: first reply anywhere in the case (13.6 min, 72.0 % under 1 h)", async () => {
    const report = await computeReport(f.database.db, {
      workspaceId: f.workspaceId,
      from: Date.parse('2011-01-01T00:00:00Z'),
      to: Date.parse('2018-01-01T00:00:00Z'),
      timeZone: 'UTC',
    });
    const { current } = report;
    // Every thread of the slice with a customer post and a brand post (TWCS holds answered threads only).
    expect(current.opened).toBe(1311);
    expect(current.firstResponse.count).toBe(1311);
    expect((current.firstResponse.medianMs! / MIN).toFixed(1)).toBe('13.6');
    expect((current.firstResponse.under1h! * 100).toFixed(1)).toBe('72.0');
    // Praise-only threads do not need an answer; every other one got one: TWCS holds answered threads only.
    expect(current.responseRate).toBe(1);
    expect(report.volume.byChannel.length).toBeGreaterThan(10);
    expect(report.volume.byType.map((v) => v.key)).toContain('complaint');
  });
});
