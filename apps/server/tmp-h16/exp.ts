// Helper-16 experiment: bench:ingest variants side by side (schema tweaks applied after migration).
import os from 'node:os';
import { sql } from 'kysely';
import { ingestPage, STAGES, type StageTimings } from '../src/modules/conversations/ingestion/pipeline.ts';
import { createStorageFixture } from '../test/factories.ts';
import type { TestDialect } from '../test/databases.ts';
import { generateInbound } from '../bench/ingest-data.ts';
import { configureRules } from '../bench/ingest-rules.ts';

if (process.env.CPU) {
  // CPU time of this process instead of wall time: SQLite runs in-process, so this ignores the other helpers' load.
  performance.now = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
}
const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dialect = (process.env.D ?? 'sqlite') as TestDialect;
const variants: Record<string, string[] | { sql?: string[]; env?: Record<string, string> }> = JSON.parse(process.env.VARIANTS ?? '{"base":[]}');

async function run(v: string[] | { sql?: string[]; env?: Record<string, string> }) {
  const stmts = Array.isArray(v) ? v : (v.sql ?? []);
  const env = Array.isArray(v) ? {} : (v.env ?? {});
  for (const k of Object.keys(process.env)) if (k.startsWith('H16_')) delete process.env[k];
  Object.assign(process.env, env);
  const f = await createStorageFixture(dialect);
  try {
    for (const s of stmts) await sql.raw(s).execute(f.database.db);
    await configureRules(f);
    const items = generateInbound(POSTS);
    const timings: StageTimings = new Map();
    const backendCpu = async () => {
      if (dialect !== 'postgres') return 0;
      const pids = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(f.database.db);
      let ticks = 0;
      for (const { pid } of pids.rows) {
        try { const st = (await import('node:fs')).readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); ticks += Number(st[11]) + Number(st[12]); } catch { /* gone */ }
      }
      return ticks * 10; // ms
    };
    const cpu0 = process.cpuUsage(); const b0 = await backendCpu();
    const started = performance.now();
    for (let i = 0; i < items.length; i += 100) {
      const page = items.slice(i, i + 100);
      await ingestPage({ db: f.database.db, clock: f.clock, timings },
        { channel: f.channel, feed: 'mentions', items: page, nextCursor: page[page.length - 1]!.externalId });
    }
    const wall = performance.now() - started;
    const cu = process.cpuUsage(cpu0); const b1 = await backendCpu();
    return { pps: POSTS / (wall / 1000), timings, nodeCpu: ((cu.user + cu.system) / POSTS), pgCpu: ((b1 - b0) * 1000) / POSTS };
  } finally { await f.close(); }
}
(globalThis as any).h16 = {};
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const results: Record<string, { pps: number; timings: StageTimings; nodeCpu: number; pgCpu: number }[]> = {};
for (let r = 0; r < RUNS; r++) for (const [name, stmts] of Object.entries(variants)) (results[name] ??= []).push(await run(stmts));
if (process.env.H16C) console.log((globalThis as any).h16);
console.log(`${dialect} ${POSTS} posts, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const names = ['begin', ...STAGES.map((s) => s.name), 'commit'];
const extra = new Set<string>();
for (const rs of Object.values(results)) for (const r of rs) for (const k of r.timings.keys()) if (k.includes(' › ')) extra.add(k);
const all = [...names, ...[...extra].sort()];
console.log('stage'.padEnd(34) + Object.keys(results).map((n) => n.padStart(14)).join(''));
console.log('posts/s (median)'.padEnd(34) + Object.values(results).map((rs) => String(Math.round(med(rs.map((r) => r.pps)))).padStart(14)).join(''));
console.log('posts/s runs'.padEnd(34) + Object.values(results).map((rs) => rs.map((r) => Math.round(r.pps)).join('/').padStart(14)).join(''));
console.log('node cpu µs/post'.padEnd(34) + Object.values(results).map((rs) => med(rs.map((r) => r.nodeCpu)).toFixed(1).padStart(14)).join(''));
console.log('pg backend cpu µs/post'.padEnd(34) + Object.values(results).map((rs) => med(rs.map((r) => r.pgCpu)).toFixed(1).padStart(14)).join(''));
console.log('total cpu → posts/s'.padEnd(34) + Object.values(results).map((rs) => Math.round(1e6 / med(rs.map((r) => r.nodeCpu + r.pgCpu))).toString().padStart(14)).join(''));
for (const n of all) console.log(n.padEnd(34) + Object.values(results).map((rs) => med(rs.map((r) => ((r.timings.get(n) ?? 0) * 1000) / POSTS)).toFixed(1).padStart(14)).join(''));
