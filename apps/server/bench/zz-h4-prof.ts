import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { configureRules } from './ingest-rules.ts';
import { generateInbound } from './ingest-data.ts';
import { workspaceClassifier } from '../src/modules/triage/triage.workspace-model.ts';
const POSTS = 10000;
const dialect = (process.env.D ?? 'sqlite') as 'sqlite';
import { createTestDatabase } from '../test/databases.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
const tdb = await createTestDatabase(dialect);
const handle = await openDatabase(tdb.config);
const clock = new ManualClock('2026-03-02T09:00:00.000Z');
await migrateToLatest(handle.db);
const { workspaceId } = await bootstrapWorkspace({ db: handle.db, clock }, { email: 'a@b.test', password: 'a long enough password' });
const now = clock.now().getTime();
const channel: any = { id: newId(now), workspace_id: workspaceId, network: 'x', name: 'Acme', handle: 'acme_sav', external_account_id: '1400000000000000001', settings: '{}', credentials: null, status: 'active', status_detail: null, created_at: now, updated_at: now };
await handle.db.insertInto('channels').values(channel).execute();
const f = { clock, channel, workspaceId, close: async () => { await handle.close(); await db.destroy(); await tdb.drop(); } };
const stats = new Map<string, { n: number; ms: number }>();
const log = (e: any) => { const k = e.query.sql.replace(/\s+/g, ' ').slice(0, 70); const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += e.queryDurationMillis; stats.set(k, s); };
let db: any;
if (dialect === 'sqlite') {
  const s = new SQLite((tdb.config as any).file); s.pragma('journal_mode = WAL'); s.pragma('synchronous = NORMAL'); s.pragma('foreign_keys = ON'); if (process.env.NOCKPT) s.pragma('wal_autocheckpoint = 0'); if (process.env.CKPT) s.pragma('wal_autocheckpoint = ' + process.env.CKPT); if (process.env.CACHE) s.pragma('cache_size = ' + process.env.CACHE); if (process.env.NOTRIG) for (const t of ['messages','contacts','identities']) for (const k of ['insert','update','delete']) s.exec(`drop trigger ${t}_text_search_${k}`);
  let database: any = s;
  if (process.env.STMT) { const cache = new Map<string, any>(); database = { close: () => s.close(), prepare(q: string) { let st = cache.get(q); if (st && !st.busy) { cache.delete(q); cache.set(q, st); return st; } st = s.prepare(q); cache.set(q, st); if (cache.size > 200) cache.delete(cache.keys().next().value); return st; } }; }
  db = new Kysely({ dialect: new SqliteDialect({ database }), ...(process.env.NOLOG ? {} : { log }) });
} else {
  db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: (tdb.config as any).url }) }), ...(process.env.NOLOG ? {} : { log }) });
  if (process.env.NOTRIG) { const { sql } = await import('kysely'); for (const i of ['messages_text_trgm_idx', 'contacts_name_trgm_idx', 'identities_handle_trgm_idx']) await sql.raw(`drop index if exists ${i}`).execute(db); }
}
if (!process.env.NORULES) await configureRules({ database: handle, clock, workspaceId, channel, close: async () => {} } as any);
const items = generateInbound(POSTS);
const c = (await workspaceClassifier(db, f.workspaceId)).classifier;
const t0 = performance.now(); const cpu0 = process.cpuUsage();
for (let i = 0; i < items.length; i += 100) {
  const page = items.slice(i, i + 100);
  await ingestPage({ db, clock: f.clock, classifier: c }, { channel: f.channel, feed: 'mentions', items: page, nextCursor: page.at(-1)!.externalId });
}
if (dialect === 'sqlite') { const fs = await import('node:fs'); const fl = (tdb.config as any).file; const walMb = (fs.statSync(fl + '-wal').size/1e6).toFixed(1);
  const wal = fs.readFileSync(fl + '-wal'); const pageSize = wal.readUInt32BE(8); const frames = new Map<number, number>(); let nf = 0;
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) { const pg = wal.readUInt32BE(off); frames.set(pg, (frames.get(pg) ?? 0) + 1); nf++; }
  (globalThis as any).__frames = frames; console.log('frames', nf, 'distinct pages', frames.size); console.log('WAL before ckpt', walMb); const sq = new SQLite(fl); sq.pragma('wal_checkpoint(TRUNCATE)'); try { const byName = new Map<string, number>(); const frames = (globalThis as any).__frames as Map<number, number>; for (const r of sq.prepare("select name, pageno from dbstat").all() as any[]) { const n = frames.get(r.pageno) ?? 0; byName.set(r.name, (byName.get(r.name) ?? 0) + n); } for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log('   frames', String(v).padStart(7), k); } catch (e) { console.log(String(e)); } console.log('db MB', (fs.statSync(fl).size/1e6).toFixed(1), 'wal MB', (fs.statSync(fl + '-wal').size/1e6).toFixed(1)); }
const cpu = process.cpuUsage(cpu0); console.log(Math.round(POSTS / ((performance.now() - t0) / 1000)), 'posts/s wall;', Math.round(POSTS / ((cpu.user + cpu.system) / 1e6)), 'posts/cpu-s (user', Math.round(cpu.user/1000), 'sys', Math.round(cpu.system/1000), ')');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(String(Math.round(s.ms)).padStart(6), 'ms', String(s.n).padStart(6), k);
if (process.env.KEEPDB) { console.log('kept', JSON.stringify(tdb.config)); await db.destroy(); await handle.close(); } else await f.close();
