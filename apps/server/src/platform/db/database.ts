import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { redactUrl, type DatabaseConfig } from '../config.ts';
import { StartupError } from '../errors.ts';
import { ensureWritableDirectory, PRIVATE_FILE_MODE, restrictFile } from '../files.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both so commands can compose them. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DatabaseConfig['dialect'];
  /** Cheap round trip for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** SQLite opened with `backgroundCheckpoint`: the thread that checkpoints its WAL (decision 0014). */
  checkpointer?: Checkpointer;
}

export interface OpenOptions {
  /**
   * SQLite: checkpoint the WAL in a thread of its own instead of in the commits of the desk's writer
   * (decision 0014). For the desk that serves; tests, benches and the CLI's short commands open without it.
   */
  backgroundCheckpoint?: { onError: (error: Error) => void };
}

// PostgreSQL returns int8 (our millisecond times, count(*)) as strings; every such value we store fits in
// a double, so parse it once here instead of at each query.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Prepared statements kept per SQL text; beyond, the least recently used is dropped. */
const STATEMENT_CACHE = 256;

/**
 * Kysely prepares every statement it runs; an inbound page runs the same few dozen statements every time,
 * and preparing them again cost over a tenth of its CPU time (npm run bench:ingest). A statement still being
 * read (a stream not finished) is busy: that SQL text is then prepared anew rather than shared.
 */
function reusingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = statements.get(text);
      if (cached && !cached.busy) {
        statements.delete(text);
        statements.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      statements.set(text, statement);
      if (statements.size > STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

/**
 * With the checkpoint thread, the writer's own checkpoint is only a backstop: ~8× the WAL of the desk without
 * it, so it runs only if the thread died or fell behind, and the WAL stays bounded (≈ 320 MB) all the same.
 */
const BACKSTOP_AUTOCHECKPOINT = 80_000;

function openSqlite(file: string, options: OpenOptions): DatabaseHandle {
  const resolved = path.resolve(file);
  const dir = path.dirname(resolved);
  ensureWritableDirectory(dir, 'database folder');
  let sqlite: SQLite.Database;
  try {
    // SQLite creates its -wal and -shm files with the database file's mode: create that one private first.
    fs.closeSync(fs.openSync(resolved, 'a', PRIVATE_FILE_MODE));
    sqlite = new SQLite(resolved);
    sqlite.pragma('journal_mode = WAL');
    // Files from an earlier version may be world-readable: customers' messages must not be.
    for (const suffix of ['', '-wal', '-shm']) restrictFile(resolved + suffix);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Other processes (a second worker, the CLI) may hold the write lock briefly; wait instead of failing.
    sqlite.pragma('busy_timeout = 5000');
    // The inbox of a large desk reads index pages all over a multi-gigabyte file: SQLite's default 2 MB page
    // cache and read() per page made its lists and filters 2–4× slower (npm run bench:inbox). Mapped pages
    // are the operating system's file cache, not extra memory.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 1073741824');
    // An inbound page dirties hundreds of index pages (one leaf per case, author and conversation in each
    // index): with the default checkpoint every 1,000 WAL pages, nearly every commit also copied its pages
    // into the database and synced it. Every 10,000 (≈ 40 MB of WAL), a page written by many commits is
    // copied once, and the sync happens a tenth as often (npm run bench:ingest).
    sqlite.pragma(`wal_autocheckpoint = ${options.backgroundCheckpoint ? BACKSTOP_AUTOCHECKPOINT : 10_000}`);
  } catch (error) {
    throw new StartupError(`Cannot open the SQLite database ${resolved}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  const checkpointer = options.backgroundCheckpoint && startCheckpointer(resolved, options.backgroundCheckpoint);
  return {
    db,
    dialect: 'sqlite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    // The thread stops first: the desk's connection, closing last, then checkpoints and removes the WAL.
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
    checkpointer,
  };
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  // JIT off: the desk's queries are short index walks, but on a 1M-case inbox a plan's estimated cost passes
  // jit_above_cost and each run spent 25–45 ms compiling what it then ran in less (npm run bench:inbox).
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, options: '-c jit=off' });
  // An idle client dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? 'connection refused' : (error as Error).message;
    throw new StartupError(
      `Cannot connect to PostgreSQL at ${redactUrl(url)} (${reason}). Check DATABASE_URL and that the server is running.`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** The dialect behind a database or transaction handle, for the few statements that differ (locks). */
export function dialectOf(db: DbOrTx): DatabaseConfig['dialect'] {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** PostgreSQL's answers that mean "run the transaction again": deadlock_detected, serialization_failure. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

/**
 * Runs `transaction` (a whole transaction: it must start one of its own each time) and runs it again, up to
 * `attempts` times in all, when the database aborted it as a deadlock's victim or a serialization failure:
 * the work was rolled back whole, so doing it again is the answer.
 */
export async function retryOnConflict<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRYABLE_CODES.has(code)) throw error;
    }
  }
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<DatabaseHandle> {
  return config.dialect === 'sqlite' ? openSqlite(config.file, options) : openPostgres(config.url);
}

/** Parses a stored JSON text column; a corrupt value becomes the fallback instead of a crash. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
