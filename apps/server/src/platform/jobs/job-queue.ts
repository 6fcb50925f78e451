import type { DbOrTx } from '../db/database.ts';

export interface JobRequest {
  /** Imperative name, e.g. `deliver-message`. */
  name: string;
  payload: Record<string, unknown>;
  /** Epoch ms; defaults to now. */
  runAt?: number;
  /** At most one pending job per key: a second enqueue with the same key is a no-op. */
  dedupeKey?: string;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the worker stops: long-running jobs must return soon after. */
  signal: AbortSignal;
}

export type JobHandler = (payload: Record<string, unknown>, context: JobContext) => Promise<void>;

/** Thrown by a handler to run the job again at a given time without counting it as a failure. */
export class RetryJobAt extends Error {
  constructor(
    readonly runAt: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryJobAt';
  }
}

export interface JobQueue {
  /**
   * Records a job. Given a transaction, the job commits or rolls back with the change that caused it
   * (the outbox pattern), so a crash between the two can neither lose nor invent work.
   */
  enqueue(job: JobRequest, tx?: DbOrTx): Promise<void>;
  /** Tells the workers there is work now (after a commit); cheaper than waiting for the next poll. */
  notify(): void;
}

export interface JobWorker {
  start(): void;
  stop(): Promise<void>;
  /** Runs every job due now, one by one; for tests driving time with a manual clock. */
  drain(): Promise<number>;
}
