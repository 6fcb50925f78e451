/**
 * npm run bench:jobs — the transactional job outbox (decision 0002) on PostgreSQL with 1, 2 and 4 worker
 * processes: jobs per second drained from a full queue, for an empty job (the queue's own cost: claim with
 * `for update skip locked`, run, delete) and for a job shaped like a delivery (a 20 ms call to X, then one
 * write). Each job records its key under a primary key, so a job run twice would fail the bench. Medians of
 * BENCH_RUNS runs. Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import { createTestDatabase } from '../test/databases.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKER_COUNTS = [1, 2, 4];
const SHAPES = [
  { name: 'empty job', workMs: 0, jobs: Number(process.env.BENCH_JOBS ?? 6000) },
  {
    name: 'delivery-shaped job (20 ms X call + 1 write)',
    workMs: 20,
    jobs: Number(process.env.BENCH_DELIVERY_JOBS ?? 2000),
  },
];
const WORKER = path.resolve(import.meta.dirname, 'jobs-worker.ts');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const say = (line: string) => process.stdout.write(`${line}\n`);

function startWorker(
  url: string,
  workMs: number,
): { child: ChildProcess; ready: Promise<void>; result: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_JOB_WORK_MS: String(workMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready\n')) markReady();
  });
  const result = new Promise<number>((resolve, reject) =>
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`worker exited with ${code}: ${out}`));
      else resolve((JSON.parse(line) as { ran: number }).ran);
    }),
  );
  return { child, ready, result };
}

async function count(db: DatabaseHandle, table: 'jobs' | 'bench_job_runs'): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.db);
  return Number(row.rows[0]!.n);
}

/**
 * Fills the queue with `jobs` jobs due in an hour (each in its own transaction, as the desk enqueues), starts
 * the workers, then makes every job due at once and times the drain: worker start-up is not counted.
 */
async function drainRun(db: DatabaseHandle, url: string, workers: number, workMs: number, jobs: number) {
  await sql`truncate bench_job_runs`.execute(db.db);
  const queue = new DatabaseJobQueue(db, systemClock);
  const enqueueStarted = performance.now();
  for (let i = 0; i < jobs; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, jobs - i) }, (_, k) =>
        db.db
          .transaction()
          .execute((tx) =>
            queue.enqueue({ name: 'bench-job', payload: { key: `j${i + k}` }, runAt: Date.now() + 3_600_000 }, tx),
          ),
      ),
    );
  }
  const enqueuePerSecond = jobs / ((performance.now() - enqueueStarted) / 1000);
  const procs = Array.from({ length: workers }, () => startWorker(url, workMs));
  await Promise.all(procs.map((p) => p.ready));
  const started = performance.now();
  await sql`update jobs set run_at = ${Date.now()}`.execute(db.db);
  while ((await count(db, 'jobs')) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (performance.now() - started) / 1000;
  for (const p of procs) p.child.kill('SIGTERM');
  const ran = await Promise.all(procs.map((p) => p.result));
  const recorded = await count(db, 'bench_job_runs');
  if (recorded !== jobs) throw new Error(`${recorded} of ${jobs} jobs recorded`);
  return { jobsPerSecond: jobs / seconds, enqueuePerSecond, share: ran };
}

const database = await createTestDatabase('postgres');
if (database.config.dialect !== 'postgres') throw new Error('expected PostgreSQL');
const db = await openDatabase(database.config);
const results: Record<
  string,
  Record<string, { jobsPerSecond: number; enqueuePerSecond: number; perWorker: number[] }>
> = {};
try {
  await migrateToLatest(db.db);
  await sql`create table bench_job_runs (key text primary key)`.execute(db.db);
  say(
    `bench:jobs on PostgreSQL, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; medians of ${RUNS} runs (worker start-up not included)`,
  );
  for (const shape of SHAPES) {
    results[shape.name] = {};
    for (const workers of WORKER_COUNTS) {
      const runs = [];
      for (let r = 0; r < RUNS; r++)
        runs.push(await drainRun(db, database.config.url, workers, shape.workMs, shape.jobs));
      const figure = {
        jobsPerSecond: Math.round(median(runs.map((r) => r.jobsPerSecond))),
        enqueuePerSecond: Math.round(median(runs.map((r) => r.enqueuePerSecond))),
        perWorker: runs.at(-1)!.share,
      };
      results[shape.name]![String(workers)] = figure;
      say(
        `  ${shape.name}, ${workers} worker process(es): ${figure.jobsPerSecond} jobs/s drained (${shape.jobs} jobs; last run per worker ${figure.perWorker.join('/')}), enqueue ${figure.enqueuePerSecond} jobs/s`,
      );
    }
  }
} finally {
  await db.close();
  await database.drop();
}
say(JSON.stringify({ loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))), results }));
