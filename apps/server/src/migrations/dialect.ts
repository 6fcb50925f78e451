import { sql, type Kysely } from 'kysely';

/**
 * Whether a migration runs on PostgreSQL, asked of the database itself (a migration gets a bare Kysely):
 * PostgreSQL has version(), SQLite only sqlite_version(). A failed statement would abort PostgreSQL's
 * transaction, SQLite's not, so the question costs nothing where it fails.
 */
export async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
