import { CompiledQuery } from 'kysely';
import { dialectOf, type DbOrTx } from './database.ts';
import type { Database, NewRow } from './schema.ts';

/** Rows per multi-row INSERT: well under SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits. */
export const BULK_INSERT_CHUNK = 400;

// SQL text by dialect, table, columns and row count: an inbound page inserts the same shapes again and again.
const statements = new Map<string, string>();
const STATEMENT_CACHE = 200;

function statementText(postgres: boolean, table: string, columns: string[], rows: number): string {
  const key = `${postgres ? 'pg' : 'sqlite'}\u0000${table}\u0000${columns.join(',')}\u0000${rows}`;
  let text = statements.get(key);
  if (text) return text;
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r += 1) {
    const marks = columns.map(() => (postgres ? `$${++n}` : '?'));
    tuples.push(`(${marks.join(', ')})`);
  }
  const names = columns.map((c) => `"${c}"`).join(', ');
  text = `insert into "${table}" (${names}) values ${tuples.join(', ')}`;
  if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
  statements.set(key, text);
  return text;
}

/**
 * Rows per statement. PostgreSQL: as many as fit (each statement is a round trip). SQLite prepares each SQL
 * text (about 1 ms for a few hundred rows) and keeps it: a page's events or links come in a different count
 * every time, so they go in chunks of 64, then 32, 16, … 1 for the rest — a few shapes, each prepared once.
 */
function chunkSizes(count: number, postgres: boolean): number[] {
  const sizes: number[] = [];
  let left = count;
  const largest = postgres ? BULK_INSERT_CHUNK : 64;
  while (left >= largest) {
    sizes.push(largest);
    left -= largest;
  }
  if (postgres) return left > 0 ? [...sizes, left] : sizes;
  for (let size = largest / 2; size >= 1; size /= 2) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/**
 * Multi-row INSERT of rows that all name the same columns (rows built by one function), in chunks.
 * Kysely builds and compiles a node per value, a large share of an inbound page's CPU time for its hundred
 * messages (27 columns) and few hundred events (npm run bench:ingest). Here the SQL text is built once per
 * shape and the values go straight to the driver, as Kysely would pass them. Rows whose columns differ, or
 * with an undefined value (Kysely leaves such a column out), go through Kysely.
 */
export async function insertRows<T extends keyof Database & string>(
  db: DbOrTx,
  table: T,
  rows: readonly NewRow<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const sameShape = rows.every((row) => {
    const keys = Object.keys(row);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
  });
  const postgres = dialectOf(db) === 'postgres';
  let start = 0;
  for (const size of chunkSizes(rows.length, postgres)) {
    const chunk = rows.slice(start, start + size);
    start += size;
    const parameters = sameShape ? parametersOf(chunk, columns) : null;
    if (parameters) {
      await db.executeQuery(CompiledQuery.raw(statementText(postgres, table, columns, chunk.length), parameters));
    } else {
      await db
        .insertInto(table)
        .values(chunk as never)
        .execute();
    }
  }
}

/** The chunk's values row by row, or null when one is undefined (for Kysely to handle). */
function parametersOf(rows: readonly object[], columns: string[]): unknown[] | null {
  const parameters: unknown[] = [];
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    for (const column of columns) {
      const value = values[column];
      if (value === undefined) return null;
      parameters.push(value);
    }
  }
  return parameters;
}
