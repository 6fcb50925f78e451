// Temporary probe (H5): times listCases / counts on a kept bench database. Not part of the project.
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { listCases } from '../src/modules/cases/cases.repository.ts';
import { countSlaViewCases, countViews } from '../src/modules/cases/cases.counters.ts';

const file = process.env.PROBE_DB!;
const dialect = process.env.PROBE_URL ? 'postgres' : 'sqlite';
const handle = await openDatabase(dialect === 'postgres' ? { dialect: 'postgres', url: process.env.PROBE_URL! } : { dialect: 'sqlite', file });
await migrateToLatest(handle.db);
const db = handle.db;
const ws = (await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
const agent = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
const now = Number(process.env.PROBE_NOW ?? (await db.selectFrom('sla_clocks').select((eb) => eb.fn.max('started_at').as('m')).executeTakeFirstOrThrow()).m) ;
const cases: Record<string, Record<string, string>> = {
  'tag filter': { view: 'all', tagId: 'tag-vip', sort: 'priority' },
  'tag filter, newest': { view: 'all', tagId: 'tag-vip', sort: 'newest' },
  'team newest': { view: 'all', teamId: 'team-billing', sort: 'newest' },
  'breaching soon': { view: 'breaching_soon', sort: 'priority' },
  'priority 2,3': { view: 'all', priority: '2,3', sort: 'priority' },
  'priority 1': { view: 'all', priority: '1', sort: 'priority' },
  'search common': { view: 'all', q: 'remboursement', sort: 'priority' },
  'search rare': { view: 'all', q: 'zyxophone', sort: 'priority' },
  'search rare newest': { view: 'all', q: 'zyxophone', sort: 'newest' },
  'search handle': { view: 'all', q: 'customer_0099', sort: 'priority' },
  'search name': { view: 'all', q: 'Client 0004242', sort: 'priority' },
  'search 3': { view: 'all', q: 'zyx', sort: 'priority' },
  'search+tag+mine': { view: 'mine', q: 'colis', tagId: 'tag-vip', sort: 'priority' },
};
const only = process.env.PROBE_ONLY?.split(',');
for (const [name, o] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const r = await listCases(db, ws, { ...(o as object), limit: 50, agentId: agent, now: now + 60_000, dialect } as never);
    times.push(performance.now() - t0);
    n = r.cases.length;
  }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(22), 'median', times[4]!.toFixed(1), 'min', times[0]!.toFixed(1), 'rows', n);
}
if (!only || only.includes('counts')) {
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    await countViews(db, ws, agent);
    await countSlaViewCases(db, ws, now + 60_000);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log('counts'.padEnd(22), 'median', times[4]!.toFixed(1), 'min', times[0]!.toFixed(1), JSON.stringify({ ...(await countViews(db, ws, agent)), ...(await countSlaViewCases(db, ws, now + 60_000)) }));
}
await handle.close();
