import { CompiledQuery } from 'kysely';
import { dialectOf, type DbOrTx } from './database.ts';
import type { Database, NewRow } from './schema.ts';

/** Rows per multi-row INSERT: well under SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits. */
export const BULK_INSERT_CHUNK = 400;
/** PostgreSQL: rows per `json_populate_recordset` INSERT, whose one parameter has no count limit. */
export const BULK_INSERT_JSON_CHUNK = 1000;

/** ES2024's String methods (Node 20 has them; the project's TypeScript lib is ES2023). */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

// SQL text by dialect, table, columns and row count: an inbound page inserts the same shapes again and again.
const statements = new Map<string, string>();
const STATEMENT_CACHE = 200;

/** The SQL text cached under `key`, built once (the oldest entry goes when the cache is full). */
function cachedText(key: string, build: () => string): string {
  let text = statements.get(key);
  if (text) return text;
  text = build();
  if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
  statements.set(key, text);
  return text;
}

const quotedNames = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');

function statementText(postgres: boolean, table: string, columns: string[], rows: number): string {
  const key = `${postgres ? 'pg' : 'sqlite'}\u0000${table}\u0000${columns.join(',')}\u0000${rows}`;
  return cachedText(key, () => {
    const tuples: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r += 1) {
      const marks = columns.map(() => (postgres ? `$${++n}` : '?'));
      tuples.push(`(${marks.join(', ')})`);
    }
    return `insert into "${table}" (${quotedNames(columns)}) values ${tuples.join(', ')}`;
  });
}

/**
 * PostgreSQL: the rows as ONE json parameter, typed by the table's own row type. Against a multi-row VALUES
 * of 28 columns × 400 rows (11,200 parameters to bind, a statement of that many expressions to parse and
 * plan), a page's messages insert took ~20 % less wall time and server CPU, and Node serialises one string
 * instead of thousands of parameters (scratch A/B on a copy of `messages` with its indexes, 20,000 rows).
 */
function jsonStatementText(table: string, columns: string[]): string {
  const names = quotedNames(columns);
  return cachedText(
    `json\u0000${table}\u0000${columns.join(',')}`,
    () => `insert into "${table}" (${names}) select ${names} from json_populate_recordset(null::"${table}", $1::json)`,
  );
}

/**
 * The rows as a JSON parameter (jsonStatementText, or `json_to_recordset` elsewhere), or null when a value
 * would not go through JSON as it goes as a bound parameter (for the VALUES form to handle): anything but a
 * string, a finite number, a boolean or null (JSON.stringify would turn NaN into null, a Date into text of
 * another format). A string with a lone surrogate is made well-formed first, as the driver's UTF-8 encoding
 * of a parameter does (U+FFFD), where PostgreSQL would refuse its `\ud800` escape in JSON.
 */
export function jsonParameter(rows: readonly object[], columns: readonly string[]): string | null {
  let copied: Record<string, unknown>[] | null = null;
  for (let r = 0; r < rows.length; r += 1) {
    const values = rows[r] as Record<string, unknown>;
    for (const column of columns) {
      const value = values[column];
      if (value === null || typeof value === 'boolean') continue;
      if (typeof value === 'number' && Number.isFinite(value)) continue;
      if (typeof value !== 'string') return null;
      if ((value as WellFormedString).isWellFormed()) continue;
      copied ??= rows.map((row) => ({ ...(row as Record<string, unknown>) }));
      copied[r]![column] = (value as WellFormedString).toWellFormed();
    }
  }
  return JSON.stringify(copied ?? rows);
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
  if (postgres && sameShape) {
    const json = await insertJson(db, table, rows, columns);
    if (json) return;
  }
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

/** PostgreSQL: the rows in JSON chunks; false (nothing inserted) when one value cannot go as JSON. */
async function insertJson(db: DbOrTx, table: string, rows: readonly object[], columns: string[]): Promise<boolean> {
  const chunks: string[] = [];
  for (let start = 0; start < rows.length; start += BULK_INSERT_JSON_CHUNK) {
    const json = jsonParameter(rows.slice(start, start + BULK_INSERT_JSON_CHUNK), columns);
    if (json === null) return false;
    chunks.push(json);
  }
  for (const json of chunks) await db.executeQuery(CompiledQuery.raw(jsonStatementText(table, columns), [json]));
  return true;
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
