import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/migrations/registry.ts';
import type { DatabaseConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';

/** The server every PostgreSQL test talks to; each test run gets its own throw-away database on it. */
export const TEST_POSTGRES_URL = process.env.GUICHET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set to "skip" only on a developer machine without PostgreSQL; CI never sets it, so CI fails instead. */
export const postgresSkipped = process.env.GUICHET_TEST_POSTGRES === 'skip';

export type TestDialect = DatabaseConfig['dialect'];

/** Every storage suite runs once per dialect listed here. */
export const TEST_DIALECTS: TestDialect[] = postgresSkipped ? ['sqlite'] : ['sqlite', 'postgres'];

export interface TestDatabase {
  config: DatabaseConfig;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database: empty, or with `migrated` already at the latest schema. Migrating takes seconds on
 * PostgreSQL (a fraction of one on SQLite) and most tests start from a migrated desk, so those get a copy of
 * a template migrated once (`create database … template`, or a copy of the SQLite file) instead of running
 * the migrations again. Tests of the migrations themselves ask for an empty one.
 */
export async function createTestDatabase(
  dialect: TestDialect,
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-test-'));
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'guichet.db');
    if (options.migrated) fs.copyFileSync(await sqliteTemplate(), file);
    return {
      config: { dialect: 'sqlite', file },
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `guichet_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated ? await postgresTemplate() : undefined;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    config: { dialect: 'postgres', url: url.toString() },
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The templates are named after the migrations' source: a changed or added migration makes a new one. They
 * outlive the run (the next run starts at once); `dropdb` or deleting the file removes one by hand.
 */
function migrationsHash(): string {
  const dir = path.resolve(import.meta.dirname, '../src/migrations');
  const hash = createHash('sha256');
  const files = (function walk(folder: string): string[] {
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .flatMap((entry) =>
        entry.isDirectory() ? walk(path.join(folder, entry.name)) : [path.join(folder, entry.name)],
      );
  })(dir).sort();
  for (const file of files) hash.update(path.relative(dir, file)).update('\0').update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

let sqliteTemplateFile: Promise<string> | undefined;

/** Built once per process under a unique name, then renamed into place: two workers never see half a file. */
function sqliteTemplate(): Promise<string> {
  sqliteTemplateFile ??= (async () => {
    const file = path.join(os.tmpdir(), `guichet-test-template-${migrationsHash()}.db`);
    if (fs.existsSync(file)) return file;
    const building = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-test-template-'));
    const handle = await openDatabase({ dialect: 'sqlite', file: path.join(building, 'guichet.db') });
    try {
      await migrateToLatest(handle.db);
      // Everything into the main file: the copies are of that file alone.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
    } finally {
      await handle.close();
    }
    fs.renameSync(path.join(building, 'guichet.db'), file);
    fs.rmSync(building, { recursive: true, force: true });
    return file;
  })();
  return sqliteTemplateFile;
}

let postgresTemplateName: Promise<string> | undefined;

/**
 * Built under an advisory lock (parallel test files wait for the first), under a temporary name renamed
 * once migrated, so a run killed halfway never leaves a half-migrated template behind. No connection to a
 * template stays open: PostgreSQL copies only a database nobody is connected to.
 */
function postgresTemplate(): Promise<string> {
  postgresTemplateName ??= (async () => {
    const name = `guichet_template_${migrationsHash()}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`select pg_advisory_lock(hashtext('guichet test template'))`);
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (!rowCount) {
        const building = `guichet_template_building_${randomBytes(6).toString('hex')}`;
        await admin.query(`create database ${building}`);
        const url = new URL(TEST_POSTGRES_URL);
        url.pathname = `/${building}`;
        const handle = await openDatabase({ dialect: 'postgres', url: url.toString() });
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        await admin.query(`alter database ${building} rename to ${name}`);
      }
      return name;
    } finally {
      await admin.query(`select pg_advisory_unlock(hashtext('guichet test template'))`).catch(() => undefined);
      await admin.end();
    }
  })();
  return postgresTemplateName;
}
