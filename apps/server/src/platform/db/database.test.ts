import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresSkipped, type TestDatabase } from '../../../test/databases.ts';
import { openDatabase, type DatabaseHandle } from './database.ts';

// SQLite only: the prepared statements kept between queries are the SQLite connection's (PostgreSQL's
// driver prepares nothing of its own).
describe('SQLite prepared statements kept between queries', () => {
  let testDb: TestDatabase;
  let database: DatabaseHandle;

  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    database = await openDatabase(testDb.config);
    await sql`create table items (id integer primary key, label text not null)`.execute(database.db);
  });

  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  const items = () => sql<{ id: number; label: string }>`select id, label from items where id >= ${0} order by id`;

  it('runs the same statement again with other values and sees every write in between', async () => {
    const insert = (id: number, label: string) => sql`insert into items (id, label) values (${id}, ${label})`;
    await insert(1, 'one').execute(database.db);
    await insert(2, 'two').execute(database.db);
    expect((await items().execute(database.db)).rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    await insert(3, 'three').execute(database.db);
    expect((await items().execute(database.db)).rows.map((r) => r.label)).toEqual(['one', 'two', 'three']);
  });

  it('runs a statement again after a stream of it was left half read', async () => {
    for (let id = 1; id <= 5; id += 1) {
      await sql`insert into items (id, label) values (${id}, ${`item ${id}`})`.execute(database.db);
    }
    const query = database.db
      .selectFrom('items' as never)
      .select(['id', 'label'] as never)
      .orderBy('id' as never);
    const streamed: string[] = [];
    for await (const row of query.stream()) {
      streamed.push((row as { label: string }).label);
      if (streamed.length === 2) break;
    }
    expect(streamed).toEqual(['item 1', 'item 2']);
    // The very same SQL text: its kept statement was released when the stream stopped.
    expect((await query.execute()).map((row) => (row as { label: string }).label)).toEqual([
      'item 1',
      'item 2',
      'item 3',
      'item 4',
      'item 5',
    ]);
  });

  it('still answers after the schema changes under a kept statement', async () => {
    await sql`insert into items (id, label) values (1, 'one')`.execute(database.db);
    expect((await items().execute(database.db)).rows).toHaveLength(1);
    await sql`alter table items add column note text`.execute(database.db);
    await sql`create index items_label_idx on items (label)`.execute(database.db);
    expect((await items().execute(database.db)).rows).toEqual([{ id: 1, label: 'one' }]);
  });
});

describe.skipIf(postgresSkipped)('PostgreSQL connections', () => {
  it('run without JIT compilation (short index walks paid 25–45 ms compiling at 1M cases)', async () => {
    const testDb = await createTestDatabase('postgres');
    const database = await openDatabase(testDb.config);
    try {
      const { rows } = await sql<{ jit: string }>`show jit`.execute(database.db);
      expect(rows[0]?.jit).toBe('off');
    } finally {
      await database.close();
      await testDb.drop();
    }
  });
});
