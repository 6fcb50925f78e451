import pg from 'pg';
import { redactUrl, type DatabaseConfig } from '../config.ts';
import { StartupError } from '../errors.ts';

/**
 * PostgreSQL advisory locks between the desk's processes, each held on a connection of its own: the server
 * releases a session lock when its connection ends, so a process that dies (even SIGKILL) frees its locks
 * without anyone cleaning up. Locks are per database: desks on different databases never meet. SQLite needs
 * none of this: it has one writer, and a desk on SQLite is one process.
 */
const LOCK_SPACE = 0x6775_6963; // "guic"
const STARTUP_LOCK = 1;
const DESK_LOCK = 2;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A dropped lock connection must not crash the process; what it held is then released by the server.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  return client;
}

/**
 * Holds the startup lock until the returned function is called: migrations, the first-start bootstrap and
 * the environment's channel run under it, so several processes starting at once neither race a migration nor
 * create two workspaces; the others wait for the lock, then find the work done.
 */
export async function acquireStartupLock(database: DatabaseConfig): Promise<() => Promise<void>> {
  if (database.dialect !== 'postgres') return async () => undefined;
  const client = await connect(database.url);
  try {
    await client.query('select pg_advisory_lock($1, $2)', [LOCK_SPACE, STARTUP_LOCK]);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return () => client.end().catch(() => undefined);
}

export interface DeskPresence {
  release(): Promise<void>;
}

/**
 * Says "a desk process runs here" for as long as this process lives. Processes that share realtime events
 * through Redis hold the lock shared, so any number of them run together; a process without Redis keeps its
 * events in memory, so it must be alone: it holds the lock exclusively, and a second process, with Redis or
 * without, stops with one sentence instead of silently losing events.
 */
export async function claimDeskPresence(database: DatabaseConfig, sharedRealtime: boolean): Promise<DeskPresence> {
  if (database.dialect !== 'postgres') return { release: async () => undefined };
  const client = await connect(database.url);
  const lock = sharedRealtime ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
  const result = await client.query<{ held: boolean }>(`select ${lock}($1, $2) as held`, [LOCK_SPACE, DESK_LOCK]);
  if (!result.rows[0]?.held) {
    await client.end().catch(() => undefined);
    throw new StartupError(
      sharedRealtime
        ? 'Another Guichet process runs on this PostgreSQL database without REDIS_URL, so it keeps realtime events to itself: restart it with the same REDIS_URL as this one.'
        : 'Another Guichet process already runs on this PostgreSQL database: set the same REDIS_URL on every process so they share realtime events, or stop the other one.',
    );
  }
  return { release: () => client.end().catch(() => undefined) };
}
