import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import { createStorageFixture, type StorageFixture } from '../../../test/factories.ts';
import { BULK_INSERT_CHUNK, BULK_INSERT_JSON_CHUNK, insertRows } from './bulk-insert.ts';
import type { NewRow } from './schema.ts';

describe.each(TEST_DIALECTS)('insertRows (%s)', (dialect) => {
  let f: StorageFixture;

  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });

  afterEach(async () => {
    await f.close();
  });

  const event = (i: number): NewRow<'events'> => ({
    id: `event-${String(i).padStart(5, '0')}`,
    workspace_id: f.workspaceId,
    type: 'bulk.inserted',
    case_id: null,
    subject_id: i % 3 === 0 ? null : `subject ${i} ‘quoted’ 😡`,
    actor_type: 'system',
    actor_id: null,
    payload: JSON.stringify({ i }),
    occurred_at: 1_772_441_000_000 + i,
  });

  const stored = () =>
    f.database.db
      .selectFrom('events')
      .select([
        'id',
        'workspace_id',
        'type',
        'case_id',
        'subject_id',
        'actor_type',
        'actor_id',
        'payload',
        'occurred_at',
      ])
      .where('type', '=', 'bulk.inserted')
      .orderBy('id')
      .execute();

  it('stores every row and value, over several chunks', async () => {
    const rows = Array.from({ length: Math.max(BULK_INSERT_CHUNK, BULK_INSERT_JSON_CHUNK) * 2 + 37 }, (_, i) =>
      event(i),
    );
    await insertRows(f.database.db, 'events', rows);
    const back = await stored();
    expect(back.map((r) => ({ ...r, occurred_at: Number(r.occurred_at) }))).toEqual(rows);
  });

  it('hands rows of different shapes, or with an undefined value, to Kysely (the left-out column is null)', async () => {
    const { actor_id: _left, ...withoutActor } = event(1);
    const rows = [event(0), withoutActor as NewRow<'events'>, { ...event(2), actor_id: undefined }];
    await insertRows(f.database.db, 'events', rows);
    const back = await stored();
    expect(back.map((r) => r.id)).toEqual(['event-00000', 'event-00001', 'event-00002']);
    expect(back.map((r) => r.actor_id)).toEqual([null, null, null]);
    expect(back[1]!.subject_id).toBe(event(1).subject_id);
  });

  // PostgreSQL's rows go as one JSON parameter, where a lone surrogate's `\ud800` escape would be refused:
  // it is stored as U+FFFD, as the driver's UTF-8 encoding of a bound parameter stores it (SQLite's driver
  // writes its bytes as they are, a case of its own).
  it('stores hostile text as given, on PostgreSQL a lone surrogate as a bound parameter would be', async () => {
    const texts = [
      `<script>alert("x")</script> it's \\ "quoted" \n\t ‮ 😡`,
      '{"looks": "like json", "n": 1}',
      'x'.repeat(100_000),
      ...(dialect === 'postgres' ? ['broken \ud800 pair'] : []),
    ];
    await insertRows(
      f.database.db,
      'events',
      texts.map((text, i) => ({ ...event(i), subject_id: text, payload: text })),
    );
    const back = await stored();
    const expected = [...texts.slice(0, 3), ...(dialect === 'postgres' ? ['broken \ufffd pair'] : [])];
    expect(back.map((r) => r.subject_id)).toEqual(expected);
    expect(back.map((r) => r.payload)).toEqual(expected);
  });
});
