import { sql } from 'kysely';
import { createStorageFixture } from '../test/factories.ts';
const f = await createStorageFixture('sqlite');
const rows = await sql<{ type: string; name: string; tbl_name: string; sql: string }>`select type, name, tbl_name, sql from sqlite_master where tbl_name like 'text_search%' or tbl_name like 'case_%' or type='trigger' order by tbl_name, type`.execute(f.database.db);
for (const r of rows.rows) console.log(`-- ${r.type} ${r.name} on ${r.tbl_name}`);
const r2 = await sql<{ sql: string }>`select sql from sqlite_master where name in ('text_search','text_search_keys','case_tags','case_view_counts')`.execute(f.database.db);
for (const r of r2.rows) console.log(r.sql);
await f.close();
