import { createTestDatabase } from './databases.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/migrations/registry.ts';
import pg from 'pg';
for (const dialect of ['sqlite', 'postgres', 'sqlite', 'postgres'] as const) {
  const t0 = performance.now();
  const d = await createTestDatabase(dialect);
  const t1 = performance.now();
  const h = await openDatabase(d.config);
  await migrateToLatest(h.db);
  const t2 = performance.now();
  await h.close();
  if (dialect === 'postgres') {
    const name = new URL((d.config as { url: string }).url).pathname.slice(1);
    const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await c.connect();
    const t3 = performance.now();
    await c.query(`create database ${name}_copy template ${name}`);
    const t4 = performance.now();
    await c.query(`drop database ${name}_copy`);
    await c.end();
    console.log(dialect, 'create', Math.round(t1 - t0), 'migrate', Math.round(t2 - t1), 'template copy', Math.round(t4 - t3));
  } else console.log(dialect, 'create', Math.round(t1 - t0), 'migrate', Math.round(t2 - t1));
  await d.drop();
}
