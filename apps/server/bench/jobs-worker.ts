/**
 * One worker process of `npm run bench:jobs`: the desk's own job worker (DatabaseJobQueue, four jobs at once)
 * on the bench's PostgreSQL database, running `bench-job` until told to stop. Each run inserts its key into
 * bench_job_runs, whose primary key makes a job run twice fail loudly.
 */
import { sql } from 'kysely';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import { createLogger } from '../src/platform/logger.ts';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required');
const workMs = Number(process.env.BENCH_JOB_WORK_MS ?? 0);
const database = await openDatabase({ dialect: 'postgres', url });
const queue = new DatabaseJobQueue(database, systemClock);
let ran = 0;
const worker = queue.createWorker(
  {
    'bench-job': async (payload) => {
      // A delivery's shape: a call to X (simulated wait) then one write of its outcome.
      if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
      await sql`insert into bench_job_runs (key) values (${String(payload.key)})`.execute(database.db);
      ran++;
    },
  },
  createLogger({ level: 'warn', pretty: false }),
);
worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    process.stdout.write(`${JSON.stringify({ ran })}\n`);
    await database.close();
    process.exit(0);
  });
});
