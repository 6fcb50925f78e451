import { sql } from 'kysely';
import { createStorageFixture } from '../test/factories.ts';
const f = await createStorageFixture('sqlite');
const q = process.argv[2]!;
const rows = await sql.raw(`explain query plan ${q}`).execute(f.database.db);
for (const r of rows.rows as any[]) console.log(r.id, r.parent, r.detail);
await f.close();
