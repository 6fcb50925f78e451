import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

/**
 * On PostgreSQL, which parts of the agent's words to ask a pg_trgm GIN index for (decision 0018). The index
 * reads the whole posting list of every trigram of its pattern: `customer_0099` costs 100 ms on 1,000,000
 * handles that all hold `customer`, and 2 ms asked as `0099`. Any part of the words is in every row that
 * holds the words, so the index may be asked for the rare parts only and the `like` test on the proposed
 * rows decides, as it always does: the same rows, fewer postings read. Which parts are common is read from
 * a small sample of the table (a few ms); a part is common when more than COMMON_SHARE of the sampled rows
 * hold it.
 */

/**
 * Pages sampled to tell common parts from rare ones (`tablesample system`: whole pages, read at random),
 * about 1,000 names or handles.
 */
const SAMPLED_PAGES = 20;

/** A part held by more than this share of the sampled rows costs more to read from the index than it sorts out. */
const COMMON_SHARE = 0.1;

/**
 * The words' runs of ASCII letters and digits, three or more, lowered: parts pg_trgm surely indexes (its
 * words are letters and digits) and that have trigrams of their own (a shorter part would make the index
 * propose every row).
 */
export function probeParts(words: string): string[] {
  return [...new Set(words.toLowerCase().match(/[a-z0-9]{3,}/g) ?? [])];
}

/**
 * How many of a sample of `table`'s rows hold each part, and the sample's size. The share sampled comes from
 * the table's size on disk, always current (the planner's row estimate is stale until the table is
 * analyzed): a small table is read whole.
 */
async function sampledCounts(
  db: DbOrTx,
  table: string,
  column: string,
  parts: readonly string[],
): Promise<{ sampled: number; holding: number[] }> {
  const value = sql`lower(${sql.ref(`x.${column}`)})`;
  const counts = parts.map(
    (part, i) => sql`count(*) filter (where strpos(${value}, ${part}) > 0) as ${sql.ref(`p${i}`)}`,
  );
  const pages = sql`pg_relation_size(to_regclass(${table})) / current_setting('block_size')::int`;
  const percent = sql`least(100, 100.0 * ${SAMPLED_PAGES} / greatest(${pages}, 1))`;
  const row = (
    await sql<Record<string, string | number>>`select count(*) as sampled, ${sql.join(counts)}
      from ${sql.table(table)} x tablesample system (${percent})`.execute(db)
  ).rows[0]!;
  return { sampled: Number(row.sampled), holding: parts.map((_, i) => Number(row[`p${i}`])) };
}

/**
 * The parts of the words to ask `table`'s trigram index for when leaving out the common ones reads fewer
 * postings; null when the whole words are the better question: a single part, no common part, nothing
 * but common parts, or an empty table.
 */
export async function rareParts(db: DbOrTx, table: string, column: string, words: string): Promise<string[] | null> {
  const parts = probeParts(words);
  if (parts.length < 2) return null;
  const { sampled, holding } = await sampledCounts(db, table, column, parts);
  if (sampled === 0) return null;
  const rare = parts.filter((_, i) => holding[i]! <= sampled * COMMON_SHARE);
  return rare.length === 0 || rare.length === parts.length ? null : rare;
}
