import { sql } from 'kysely';
import { dialectOf, type DbOrTx } from './database.ts';
import type { Database } from './schema.ts';

export interface KeyLookup<T extends keyof Database & string> {
  table: T;
  /** The columns returned. */
  columns: readonly (keyof Database[T] & string)[];
  /** The leading columns of a unique key, each tested for equality (`channel_id = …`). */
  fixed: Partial<Record<keyof Database[T] & string, string>>;
  /** The key's last column, and the values wanted in it (found ones come back, others are left out). */
  column: keyof Database[T] & string;
  keys: readonly string[];
}

/**
 * The rows of a page's keys, by a unique key (`channel_id, external_id`): what an ingested page looks up.
 * SQLite: `… and column in (…)`. PostgreSQL: one index lookup per key (`unnest … cross join lateral (…
 * limit 1)`). On a table it has never analysed (a fresh desk before autovacuum's first ANALYZE, the
 * ingestion bench) PostgreSQL takes `channel_id = $1` for 0.5 % of the rows, so for the `in (…)` form it
 * reads every row of the channel from the key's first column and filters them: a read that grows with the
 * table (15,000 rows for 100 ids after 20,000 posts). The `limit 1` keeps the subquery per key (a plain
 * lateral subquery is pulled up into a join and planned that way again); the key being unique, it loses
 * nothing. Keys are deduplicated, so each row comes back once, as from `in (…)`.
 */
export async function selectByKeys<T extends keyof Database & string, R>(
  db: DbOrTx,
  lookup: KeyLookup<T>,
): Promise<R[]> {
  const keys = [...new Set(lookup.keys)];
  if (keys.length === 0) return [];
  const columns = sql.join(lookup.columns.map((c) => sql.ref(c)));
  const fixed = Object.entries(lookup.fixed).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  if (dialectOf(db) === 'postgres') {
    const key = sql`${sql.ref(lookup.column)} = w.k`;
    const { rows } = await sql<R>`select r.* from unnest(cast(${keys} as text[])) as w(k)
      cross join lateral (select ${columns} from ${sql.table(lookup.table)}
        where ${sql.join([...fixed, key], sql` and `)} limit 1) r`.execute(db);
    return rows;
  }
  const inKeys = sql`${sql.ref(lookup.column)} in (${sql.join(keys)})`;
  const { rows } = await sql<R>`select ${columns} from ${sql.table(lookup.table)}
    where ${sql.join([...fixed, inKeys], sql` and `)}`.execute(db);
  return rows;
}
