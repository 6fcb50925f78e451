import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/platform/config.ts';

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

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-test-'));
  if (dialect === 'sqlite') {
    return {
      config: { dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') },
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `guichet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
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
