import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { migrations } from '../../migrations/registry.ts';
import { redactUrl, type DatabaseConfig } from '../config.ts';
import { StartupError } from '../errors.ts';
import { PRIVATE_FILE_MODE } from '../files.ts';

/**
 * Backup and restore of a desk on SQLite. A backup is one self-contained SQLite file taken through SQLite's
 * online backup API, so the desk keeps running and writing meanwhile (WAL: the copy reads one snapshot and
 * blocks no writer). A restore puts such a file in place of the data folder's database, only while no desk
 * has that database open, and only if the file is a Guichet database this version knows how to migrate.
 * PostgreSQL has its own tools (pg_dump, pg_restore): these commands say so instead of half-doing it.
 */

export interface BackupReport {
  file: string;
  bytes: number;
  migrations: number;
}

export interface RestoreReport {
  file: string;
  /** Where the database that was replaced went (nothing is deleted), if there was one. */
  previous: string | undefined;
  migrations: number;
}

const KNOWN_MIGRATIONS = new Set(migrations.map((m) => m.name));

function refusePostgres(
  database: DatabaseConfig,
  verb: 'backup' | 'restore',
): asserts database is {
  dialect: 'sqlite';
  file: string;
} {
  if (database.dialect === 'sqlite') return;
  const target = redactUrl(database.url);
  throw new StartupError(
    verb === 'backup'
      ? `The desk runs on PostgreSQL (${target}): back it up with PostgreSQL's own tool, e.g. pg_dump --format=custom --file=guichet.dump "$DATABASE_URL" (docs/deploy.md).`
      : `The desk runs on PostgreSQL (${target}): restore a pg_dump file with pg_restore, e.g. pg_restore --no-owner --dbname="$DATABASE_URL" guichet.dump into an empty database, with every desk process stopped (docs/deploy.md).`,
  );
}

/**
 * Checks that `file` is a whole Guichet database whose migrations this version knows (a file from a newer
 * Guichet could hold tables and meanings this one would misread). Returns how many migrations it has.
 */
export function verifyGuichetDatabase(file: string): number {
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StartupError(`Cannot open ${file} as a SQLite database: ${(error as Error).message}.`, { cause: error });
  }
  try {
    const check = readCheck(sqlite, file);
    if (check !== 'ok') throw new StartupError(`${file} is damaged (SQLite integrity check: ${check}).`);
    const hasTable = sqlite
      .prepare(`select 1 from sqlite_master where type = 'table' and name = 'guichet_migrations'`)
      .get();
    if (!hasTable) throw new StartupError(`${file} is not a Guichet database (it has no guichet_migrations table).`);
    const names = (sqlite.prepare('select name from guichet_migrations').all() as { name: string }[]).map(
      (row) => row.name,
    );
    if (names.length === 0) throw new StartupError(`${file} is a Guichet database with no migration applied.`);
    const unknown = names.filter((name) => !KNOWN_MIGRATIONS.has(name));
    if (unknown.length > 0) {
      throw new StartupError(
        `${file} comes from a newer Guichet (migration ${unknown.join(', ')} is unknown to this version): upgrade Guichet before restoring it.`,
      );
    }
    return names.length;
  } finally {
    sqlite.close();
  }
}

function readCheck(sqlite: SQLite.Database, file: string): string {
  try {
    return String(sqlite.pragma('quick_check', { simple: true }));
  } catch (error) {
    throw new StartupError(`${file} is not a readable SQLite database: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

/**
 * Copies the running desk's database into `destination` (a new file) through the online backup API, then
 * turns the copy into a single rollback-journal file and verifies it.
 */
export async function backupDatabase(database: DatabaseConfig, destination: string): Promise<BackupReport> {
  refusePostgres(database, 'backup');
  const target = path.resolve(destination);
  if (fs.existsSync(target)) throw new StartupError(`${target} already exists: choose a new file for the backup.`);
  if (!fs.existsSync(database.file)) throw new StartupError(`There is no database at ${database.file} to back up.`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  // Created private first: SQLite keeps an existing file's mode, and a backup holds every customer's messages.
  fs.closeSync(fs.openSync(partial, 'w', PRIVATE_FILE_MODE));
  const source = new SQLite(database.file, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All pages in one step: the copy reads one snapshot. Step by step, every write by the desk between two
    // steps would restart the copy, and a busy desk could keep it from ever finishing.
    await source.backup(partial, { progress: (p) => p.totalPages });
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new StartupError(`The backup failed: ${(error as Error).message}.`, { cause: error });
  } finally {
    source.close();
  }
  const copy = new SQLite(partial);
  try {
    // The copy inherits WAL mode; a rollback-journal file stands alone, with no -wal beside it to lose.
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const count = verifyGuichetDatabase(partial);
  fs.renameSync(partial, target);
  return { file: target, bytes: fs.statSync(target).size, migrations: count };
}

/**
 * True while another connection has the database open: SQLite removes a WAL file when its last connection
 * closes, so a -wal file that outlives our own open-and-close belongs to a desk (or CLI) that is running.
 */
function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const probe = new SQLite(file, { fileMustExist: true });
  probe.pragma('busy_timeout = 5000');
  // A read opens the WAL: after a crash that also recovers it, so our close can checkpoint and remove it.
  probe.prepare('select count(*) from sqlite_master').get();
  probe.close();
  return fs.existsSync(`${file}-wal`);
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** Puts the backup `source` in place of the desk's SQLite database; the desk must be stopped. */
export function restoreDatabase(database: DatabaseConfig, source: string, now = new Date()): RestoreReport {
  refusePostgres(database, 'restore');
  const from = path.resolve(source);
  if (!fs.existsSync(from)) throw new StartupError(`There is no backup file at ${from}.`);
  const count = verifyGuichetDatabase(from);
  const target = path.resolve(database.file);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  if (databaseInUse(target)) {
    throw new StartupError(
      `A desk has ${target} open: stop every Guichet process on this data folder, then restore again.`,
    );
  }
  const incoming = `${target}.restoring`;
  fs.copyFileSync(from, incoming);
  fs.chmodSync(incoming, PRIVATE_FILE_MODE);
  const descriptor = fs.openSync(incoming, 'r+');
  fs.fsyncSync(descriptor);
  fs.closeSync(descriptor);
  let previous: string | undefined;
  if (fs.existsSync(target)) {
    // Nothing is deleted: the database being replaced stays beside it until the operator removes it.
    previous = `${target}.before-restore-${timestamp(now)}`;
    fs.renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
  fs.renameSync(incoming, target);
  return { file: target, previous, migrations: count };
}
