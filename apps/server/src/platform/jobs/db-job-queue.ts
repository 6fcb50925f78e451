import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { DatabaseHandle, DbOrTx } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { RetryJobAt, type JobHandler, type JobQueue, type JobRequest, type JobWorker } from './job-queue.ts';

/** A claimed job is the worker's for this long, renewed while it runs; a dead worker's jobs return after it. */
export const DEFAULT_LEASE_MS = 30_000;
const MAX_ATTEMPTS = 10;
const IDLE_POLL_MS = 500;

/**
 * The single-node job driver: jobs live in the `jobs` table of the desk's own database, so they share its
 * transactions and survive restarts. Several worker processes may run against one database: a job is
 * claimed by one atomic UPDATE, and a lease lets another worker take over a job whose worker died.
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly wake = new EventEmitter();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly clock: Clock,
    private readonly leaseMs: number = DEFAULT_LEASE_MS,
  ) {}

  async enqueue(job: JobRequest, tx?: DbOrTx): Promise<void> {
    const now = this.clock.now().getTime();
    await (tx ?? this.database.db)
      .insertInto('jobs')
      .values({
        id: newId(now),
        name: job.name,
        payload: JSON.stringify(job.payload),
        run_at: job.runAt ?? now,
        attempts: 0,
        dedupe_key: job.dedupeKey ?? null,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  }

  notify(): void {
    this.wake.emit('work');
  }

  onNotify(listener: () => void): () => void {
    this.wake.on('work', listener);
    return () => this.wake.off('work', listener);
  }

  createWorker(handlers: Record<string, JobHandler>, logger: Logger, concurrency = 4): JobWorker {
    return new DatabaseJobWorker(this, this.database, this.clock, handlers, logger, this.leaseMs, concurrency);
  }
}

class DatabaseJobWorker implements JobWorker {
  private readonly workerId = `${hostname()}:${process.pid}:${newId().slice(-8)}`;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private wakeUp: (() => void) | undefined;
  /** Aborted when the worker stops, so long-running jobs (streams) end and give their lease back. */
  private readonly abort = new AbortController();

  constructor(
    private readonly queue: DatabaseJobQueue,
    private readonly database: DatabaseHandle,
    private readonly clock: Clock,
    private readonly handlers: Record<string, JobHandler>,
    private readonly logger: Logger,
    private readonly leaseMs: number,
    private readonly concurrency: number,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.queue.onNotify(() => this.wakeUp?.());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.loop;
  }

  async drain(): Promise<number> {
    let count = 0;
    while (await this.runOne()) count += 1;
    return count;
  }

  /**
   * Keeps up to `concurrency` jobs running: a long job (a stream connection, a slow X call) must not hold
   * up deliveries and polls behind it.
   */
  private async run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.running) {
      let started = false;
      if (inFlight.size < this.concurrency) {
        try {
          const job = await this.claim(this.database.db, this.clock.now().getTime());
          if (job) {
            started = true;
            const running: Promise<void> = this.execute(job)
              .catch((error) => this.logger.error({ err: error }, 'job bookkeeping failed'))
              .finally(() => {
                inFlight.delete(running);
                this.wakeUp?.();
              });
            inFlight.add(running);
          }
        } catch (error) {
          this.logger.error({ err: error }, 'job worker could not claim a job');
        }
      }
      if (!started && this.running) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          this.timer = setTimeout(resolve, IDLE_POLL_MS);
        });
        clearTimeout(this.timer);
        this.wakeUp = undefined;
      }
    }
    this.abort.abort();
    await Promise.allSettled([...inFlight]);
  }

  private async claim(db: DbOrTx, now: number) {
    const isPostgres = this.database.dialect === 'postgres';
    let candidate = db
      .selectFrom('jobs')
      .select('id')
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('run_at')
      .limit(1);
    // PostgreSQL workers skip rows another worker is claiming instead of queueing behind it.
    if (isPostgres) candidate = candidate.forUpdate().skipLocked();
    return db
      .updateTable('jobs')
      .set((eb) => ({
        locked_by: this.workerId,
        locked_until: now + this.leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', candidate)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Claims and runs one due job; false when none is due. */
  private async runOne(): Promise<boolean> {
    const job = await this.claim(this.database.db, this.clock.now().getTime());
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  private async execute(job: Row<'jobs'>): Promise<void> {
    const now = this.clock.now().getTime();
    const handler = this.handlers[job.name];
    const log = this.logger.child({ job: job.name, jobId: job.id, attempt: job.attempts });
    if (!handler) {
      log.error('no handler for job; it is kept for a later version to run');
      await this.database.db
        .updateTable('jobs')
        .set({ locked_until: null, run_at: now + 60 * 60_000, last_error: 'no handler' })
        .where('id', '=', job.id)
        .execute();
      return;
    }
    // Renew the lease while the handler runs, so only a dead (or frozen) worker loses its job to another.
    const heartbeat = setInterval(
      () => {
        this.database.db
          .updateTable('jobs')
          .set({ locked_until: this.clock.now().getTime() + this.leaseMs })
          .where('id', '=', job.id)
          .where('locked_by', '=', this.workerId)
          .execute()
          .catch((error) => log.warn({ err: error }, 'could not renew the job lease'));
      },
      Math.max(250, Math.floor(this.leaseMs / 3)),
    );
    try {
      await handler(JSON.parse(job.payload) as Record<string, unknown>, {
        jobId: job.id,
        attempt: job.attempts,
        signal: this.abort.signal,
      });
      clearInterval(heartbeat);
      await this.database.db
        .deleteFrom('jobs')
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    } catch (error) {
      clearInterval(heartbeat);
      const retryAt =
        error instanceof RetryJobAt
          ? error.runAt
          : job.attempts < MAX_ATTEMPTS
            ? this.clock.now().getTime() + backoffMs(job.attempts)
            : null;
      if (retryAt === null) {
        log.error({ err: error }, 'job failed for the last time; dropped');
        await this.database.db
          .deleteFrom('jobs')
          .where('id', '=', job.id)
          .where('locked_by', '=', this.workerId)
          .execute();
      } else {
        if (!(error instanceof RetryJobAt)) log.warn({ err: error, retryAt }, 'job failed; will retry');
        await this.database.db
          .updateTable('jobs')
          .set({
            run_at: retryAt,
            locked_by: null,
            locked_until: null,
            last_error: error instanceof Error ? error.message.slice(0, 2000) : String(error),
            // A planned retry (rate limit) is not a failure: give the attempt back.
            ...(error instanceof RetryJobAt ? { attempts: job.attempts - 1 } : {}),
          })
          .where('id', '=', job.id)
          .where('locked_by', '=', this.workerId)
          .execute();
      }
    }
  }
}

/** 5 s, 20 s, 45 s, … capped at 30 min, with jitter so many failed jobs do not retry in lockstep. */
export function backoffMs(attempt: number): number {
  const base = Math.min(30 * 60_000, 5_000 * attempt * attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
