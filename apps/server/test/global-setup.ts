import pg from 'pg';
import { postgresSkipped, TEST_POSTGRES_URL } from './databases.ts';

const banner = (lines: string[]) => {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  return ['', bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar, ''].join('\n');
};

/**
 * The storage suite must run on PostgreSQL as well as SQLite. When PostgreSQL is unreachable the run fails
 * loudly here, once, instead of every PostgreSQL test failing with a connection error (or being skipped).
 */
export default async function setup(): Promise<void> {
  if (postgresSkipped) {
    process.stdout.write(
      banner([
        'GUICHET_TEST_POSTGRES=skip: the storage suite runs on SQLite ONLY.',
        'PostgreSQL support is NOT being tested in this run.',
      ]),
    );
    return;
  }
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    process.stdout.write(`Storage suite: SQLite and PostgreSQL ${rows[0]?.server_version} at ${TEST_POSTGRES_URL}\n`);
  } catch (error) {
    throw new Error(
      banner([
        `PostgreSQL is unreachable at ${TEST_POSTGRES_URL}: ${(error as Error).message}`,
        'The storage suite runs on SQLite AND PostgreSQL, so the tests stop here.',
        'Start it with: bash scripts/ensure-postgres.sh (npm test does this first),',
        'or point GUICHET_TEST_DATABASE_URL at a server where the user may create databases.',
      ]),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
