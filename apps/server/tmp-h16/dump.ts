import { sql } from 'kysely';
import { createStorageFixture } from '../test/factories.ts';
const f = await createStorageFixture('sqlite');
const rows = await sql<{ type: string; name: string; tbl_name: string; sql: string }>`select type, name, tbl_name, sql from sqlite_master where tbl_name in ('cases','messages','case_conversations','conversations','contacts','identities','network_identities','events','case_search','message_search') or type='trigger' order by tbl_name, type`.execute(f.database.db);
for (const r of rows.rows) console.log(`-- ${r.type} ${r.name} on ${r.tbl_name}\n${r.sql}`);
await f.close();
