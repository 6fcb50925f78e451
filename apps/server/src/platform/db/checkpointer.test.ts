import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/databases.ts';
import { waitUntil } from '../../../test/worker-process.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { openDatabase, type DatabaseHandle } from './database.ts';

// SQLite only: PostgreSQL checkpoints in its own server processes.
describe('SQLite checkpoints in a thread of their own', () => {
  let testDb: TestDatabase;
  let database: DatabaseHandle;
  let file: string;
  const errors: Error[] = [];

  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    file = testDb.config.dialect === 'sqlite' ? testDb.config.file : '';
    errors.length = 0;
  });

  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  const walBytes = () => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

  /** Inserts rows, one transaction each, until `done` holds; bounded by a deadline, never a fixed sleep. */
  async function writeUntil(done: () => boolean, what: string): Promise<number> {
    const deadline = performance.now() + 20_000;
    let rows = 0;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`still waiting for ${what} after ${rows} rows`);
      await sql`insert into items (label) values (${'x'.repeat(2000)})`.execute(database.db);
      rows += 1;
      // The thread's reports arrive as events: let the event loop run them, as a desk between requests does.
      if (rows % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return rows;
  }

  async function openWithoutOwnCheckpoints(): Promise<void> {
    database = await openDatabase(testDb.config);
    // The writer never checkpoints here: whatever reaches the database file was copied by the thread.
    await sql`pragma wal_autocheckpoint = 0`.execute(database.db);
    await sql`create table items (id integer primary key, label text not null)`.execute(database.db);
  }

  it('copies committed pages into the database file while a writer keeps writing', async () => {
    await openWithoutOwnCheckpoints();
    const checkpointer = startCheckpointer(file, {
      intervalMs: 10,
      truncateBytes: 1,
      onError: (error) => errors.push(error),
    });
    try {
      await checkpointer.ready;
      // Pages copied while the writer keeps writing (a writer that never pauses may keep a reader's mark in
      // the WAL: such a checkpoint copies the frames before it, not always all).
      const rows = await writeUntil(() => checkpointer.recent.some((r) => r.checkpointed > 0), 'a checkpoint');
      expect(rows).toBeGreaterThan(0);
      // Once the writer pauses, the thread copies every frame and empties the WAL: an empty WAL after the
      // last write means the database file alone holds every row.
      await sql`insert into items (label) values ('last')`.execute(database.db);
      await waitUntil(async () => walBytes() === 0, 20_000, 'an emptied WAL');
    } finally {
      await checkpointer.stop();
    }
    const copy = path.join(testDb.dataDir, 'alone.db');
    fs.copyFileSync(file, copy);
    const alone = new SQLite(copy, { readonly: true });
    try {
      const last = alone.prepare(`select count(*) as n from items where label = 'last'`).get() as { n: number };
      expect(last.n).toBe(1);
    } finally {
      alone.close();
    }
    expect(errors).toEqual([]);
  });

  it('truncates the WAL of an idle desk once no one writes', async () => {
    await openWithoutOwnCheckpoints();
    const checkpointer = startCheckpointer(file, {
      intervalMs: 10,
      truncateBytes: 256 << 10,
      onError: (error) => errors.push(error),
    });
    try {
      await checkpointer.ready;
      await writeUntil(() => walBytes() >= 256 << 10, 'a WAL of 256 KiB');
      await waitUntil(
        async () => checkpointer.recent.some((r) => r.mode === 'truncate'),
        20_000,
        'a TRUNCATE checkpoint',
      );
      expect(walBytes()).toBe(0);
      // The desk writes on after a truncation as before.
      await sql`insert into items (label) values ('after')`.execute(database.db);
      const { rows } = await sql<{ n: number }>`select count(*) as n from items where label = 'after'`.execute(
        database.db,
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await checkpointer.stop();
    }
    expect(errors).toEqual([]);
  });

  it('stops with the database: the desk closes last and removes its WAL', async () => {
    database = await openDatabase(testDb.config, { backgroundCheckpoint: { onError: (error) => errors.push(error) } });
    const checkpointer = database.checkpointer as Checkpointer;
    await checkpointer.ready;
    await sql`create table items (id integer primary key, label text not null)`.execute(database.db);
    await sql`insert into items (label) values ('one')`.execute(database.db);
    await database.close();
    // SQLite removes the WAL only when its last connection closes: the thread's was closed before.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    await checkpointer.stop();
    expect(errors).toEqual([]);
    database = await openDatabase(testDb.config);
    const { rows } = await sql<{ label: string }>`select label from items`.execute(database.db);
    expect(rows).toEqual([{ label: 'one' }]);
  });

  it('says so when it cannot open the database, and still stops', async () => {
    database = await openDatabase(testDb.config);
    const failed = new Promise<Error>((resolve) => {
      const checkpointer = startCheckpointer(path.join(testDb.dataDir, 'missing.db'), { onError: resolve });
      void checkpointer.ready.then(() => checkpointer.stop());
    });
    expect((await failed).message).toMatch(/unable to open|does not exist|cannot open/i);
  });
});
