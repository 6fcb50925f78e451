import { Worker } from 'node:worker_threads';

/**
 * A SQLite desk in WAL mode must copy the WAL back into the database now and then (a checkpoint). Done by the
 * writing connection itself (wal_autocheckpoint), every ~12th commit of an inbound page also copied ~40 MB and
 * synced the database: 55 ms of a blocked event loop, 54 % of all commit time (npm run bench:ingest).
 * This thread has its own connection to the same file and checkpoints there instead (decision 0014): PASSIVE
 * takes no lock that the desk's writer or readers wait on, so the desk only ever appends to the WAL.
 */
export interface CheckpointerOptions {
  /** How often the thread looks for newly committed frames (ms). */
  intervalMs?: number;
  /** An idle desk's WAL larger than this is truncated to zero, when no reader is in it. */
  truncateBytes?: number;
  /** A failed checkpoint or a dead thread: the desk's own checkpoint still bounds the WAL, but say it. */
  onError: (error: Error) => void;
}

export interface CheckpointResult {
  mode: 'passive' | 'truncate';
  /** Frames in the WAL, and how many of them are in the database now (SQLite's wal_checkpoint answer). */
  log: number;
  checkpointed: number;
  ms: number;
}

export interface Checkpointer {
  /** Resolves once the thread has its connection open (the desk does not wait for it; tests and benches do). */
  ready: Promise<void>;
  /** Checkpoints done since the start, newest last (at most the last 100). */
  readonly recent: readonly CheckpointResult[];
  /** Stops the thread and closes its connection; safe to call twice. */
  stop(): Promise<void>;
}

const RECENT = 100;

type WorkerMessage =
  | { type: 'ready' }
  | ({ type: 'checkpoint'; busy: number } & CheckpointResult)
  | { type: 'error'; message: string; code?: string };

export function startCheckpointer(file: string, options: CheckpointerOptions): Checkpointer {
  const worker = new Worker(new URL('./checkpointer.worker.mjs', import.meta.url), {
    workerData: { file, intervalMs: options.intervalMs ?? 200, truncateBytes: options.truncateBytes ?? 64 << 20 },
    // Plain JavaScript: without the process's own flags (`--import tsx`), the thread does not start a module
    // loader of its own, which cost ~5× the rest of its start (npm run bench:ingest's worker start).
    execArgv: [],
  });
  // Never what keeps the process alive: a desk, CLI or test that is done exits even if close was forgotten.
  worker.unref();
  const recent: CheckpointResult[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'error') options.onError(new Error(`SQLite checkpoint failed: ${message.message}`));
    else {
      const { mode, log, checkpointed, ms } = message;
      recent.push({ mode, log, checkpointed, ms });
      if (recent.length > RECENT) recent.shift();
    }
  });
  let stopping = false;
  let failed = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!stopping && !failed) options.onError(new Error(`the SQLite checkpoint thread stopped (exit code ${code})`));
      markReady();
      resolve();
    });
  });
  // A thread that throws outside a tick (it could not open the file) ends; 'exit' follows and resolves the rest.
  worker.on('error', (error) => {
    failed = true;
    options.onError(error);
  });
  return {
    ready,
    recent,
    async stop() {
      if (!stopping) {
        stopping = true;
        // Closing waits for the thread's exit: until then it is what the process waits for.
        worker.ref();
        worker.postMessage('stop');
      }
      await exited;
    },
  };
}
