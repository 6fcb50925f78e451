import { caseSearchMinLength } from '@guichet/contracts';
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { DatabaseHandle, DbOrTx } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { rareParts } from './cases.search-probe.ts';

/**
 * The inbox search (F6): a case matches when one of its messages, its contact's name or its handle contains
 * the agent's words, case-insensitively (`lower(x) like '%words%'`, `%` and `_` literal). The one place that
 * knows how each dialect indexes it (migration 0009): SQLite's FTS5 trigram table, PostgreSQL's pg_trgm
 * GIN indexes. The indexes only propose rows fast; the `like` test always decides (on the proposed rows, or
 * case by case), so both dialects and every plan return exactly the same cases. Searches are at least three
 * characters long (a trigram).
 */

export type SearchDialect = DatabaseHandle['dialect'];

/**
 * Up to this many matching rows, the page is read from the matching cases (a rare word: a few lookups);
 * beyond, matches are so common that walking the queue in order finds a page of them within a few rows.
 */
const SPARSE_MATCHES = 2000;

export interface CaseSearch {
  dialect: SearchDialect;
  /** The `like` pattern, lowered, with `%`, `_` and `\` escaped. */
  pattern: string;
  /**
   * Per source, the ids of the rows that match when few do; null when many do (that source is tested case
   * by case). A common word rarely appears in names and handles: only messages are then tested.
   */
  candidates: { messages: string[] | null; contacts: string[] | null; identities: string[] | null };
}

/** Some source has too many matches to list: its test runs case by case. */
export function isDenseSearch(search: CaseSearch): boolean {
  const { messages, contacts, identities } = search.candidates;
  return messages === null || contacts === null || identities === null;
}

/** `%` and `_` typed by an agent are literal characters, not wildcards. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 phrase matches its text as a substring under the trigram tokenizer; `"` is doubled inside. */
function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

const like = (column: RawBuilder<unknown>, pattern: string) =>
  sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;

type Source = 'message' | 'contact' | 'identity';

type Matches = { [S in Source]: string[] | null };

interface Found {
  source: Source;
  id: string;
  /** 1 when the row contains the words (the index proposed it; the `like` test decides). */
  hit: number | boolean | null;
}

/**
 * The matching ids per source; null for a source whose index proposed more than SPARSE_MATCHES rows (too
 * many to list: tested case by case instead).
 */
function bySource(rows: readonly Found[], dense: readonly Source[]): Matches {
  const of = (source: Source) =>
    dense.includes(source)
      ? null
      : rows.filter((row) => row.source === source && Number(row.hit) === 1).map((row) => row.id);
  return { message: of('message'), contact: of('contact'), identity: of('identity') };
}

/**
 * The rows that contain the words, per source, from at most SPARSE_MATCHES + 1 rows each index proposes,
 * each one pass over an index. SQLite: the trigram FTS table, where messages have keys from 0 up and
 * contacts' names and identities' handles negative ones (migration 0021), so each side is a rowid range of
 * the same index. PostgreSQL: the pg_trgm index of each source, the three side by side; names and handles
 * asked for their rare parts only when the words also hold common ones (cases.search-probe.ts).
 */
function findMatches(db: DbOrTx, dialect: SearchDialect, words: string, pattern: string): Promise<Matches> {
  return dialect === 'sqlite' ? findSqliteMatches(db, words, pattern) : findPostgresMatches(db, words, pattern);
}

async function findSqliteMatches(db: DbOrTx, words: string, pattern: string): Promise<Matches> {
  const cap = SPARSE_MATCHES + 1;
  // The index's own answer first (rowids only): when it proposes too many, their rows are never read.
  const proposed = async (range: RawBuilder<unknown>) =>
    (
      await sql<{ key: number }>`select rowid as key from text_search
        where text_search match ${ftsPhrase(words)} and ${range} limit ${cap}`.execute(db)
    ).rows.map((row) => row.key);
  const keys = (rowids: number[]) => sql.join(rowids.map((rowid) => sql`${rowid}`));
  const messageKeys = await proposed(sql`rowid >= 0`);
  const peopleKeys = await proposed(sql`rowid < 0`);
  const messages =
    messageKeys.length === 0 || messageKeys.length > SPARSE_MATCHES
      ? []
      : (
          await sql<Found>`select 'message' as source, m.id as id, ${like(sql`m.text`, pattern)} as hit
            from text_search_keys k join messages m on m.id = k.source_id
            where k.rowid in (${keys(messageKeys)})`.execute(db)
        ).rows;
  const people =
    peopleKeys.length === 0 || peopleKeys.length > SPARSE_MATCHES
      ? []
      : (
          await sql<Found>`select k.source as source, k.source_id as id,
              case k.source
                when 'contact' then (select ${like(sql`c.name`, pattern)} from contacts c where c.id = k.source_id)
                else (select ${like(sql`i.handle`, pattern)} from identities i where i.id = k.source_id)
              end as hit
            from text_search_keys k where k.rowid in (${keys(peopleKeys)})`.execute(db)
        ).rows;
  return bySource(
    [...messages, ...people],
    [
      ...(messageKeys.length > SPARSE_MATCHES ? ['message' as const] : []),
      ...(peopleKeys.length > SPARSE_MATCHES ? ['contact' as const, 'identity' as const] : []),
    ],
  );
}

async function findPostgresMatches(db: DbOrTx, words: string, pattern: string): Promise<Matches> {
  const cap = SPARSE_MATCHES + 1;
  const side = async (source: Source, table: string, column: string, parts: string[] | null = null) => {
    if (parts === null) {
      const rows = await sql<Found>`select ${source} as source, x.id as id, 1 as hit from ${sql.table(table)} x
        where ${like(sql.ref(`x.${column}`), pattern)} limit ${cap}`.execute(db);
      return rows.rows;
    }
    // The index is asked for the rare parts only; the materialized CTE keeps the whole words' `like` out of
    // its question (the planner would hand every trigram back to the index), and decides on its rows.
    const probe = sql.join(
      parts.map((part) => like(sql.ref(`x.${column}`), likePattern(part))),
      sql` and `,
    );
    const rows = await sql<Found>`with proposed as materialized (
        select x.id as id, ${sql.ref(`x.${column}`)} as value from ${sql.table(table)} x where ${probe})
      select ${source} as source, p.id as id, 1 as hit from proposed p
      where ${like(sql.ref('p.value'), pattern)} limit ${cap}`.execute(db);
    return rows.rows;
  };
  // People's names and handles share their common parts (`customer_…`): the index is asked for the others.
  const people = async (source: Source, table: string, column: string) =>
    side(source, table, column, await rareParts(db, table, column, words));
  const found = await Promise.all([
    side('message', 'messages', 'text'),
    people('contact', 'contacts', 'name'),
    people('identity', 'identities', 'handle'),
  ]);
  const dense = found.filter((rows) => rows.length > SPARSE_MATCHES).map((rows) => rows[0]!.source);
  return bySource(found.flat(), dense);
}

/**
 * Decides, per source, how to read the page from the index's matches, found once: a few of them (a rare
 * word, a handle) and the page is read from their cases; many, and that source is tested case by case as
 * the queue is walked, which finds a page of them within a few rows.
 */
export async function planCaseSearch(db: DbOrTx, dialect: SearchDialect, words: string): Promise<CaseSearch> {
  // One or two letters: no index can serve them, and they match most cases anyway (decision 0007).
  if ([...words].length < caseSearchMinLength) {
    throw new AppError('search.too_short', 'invalid', `Type at least ${caseSearchMinLength} characters to search.`, {
      minLength: caseSearchMinLength,
    });
  }
  const pattern = likePattern(words);
  const matches = await findMatches(db, dialect, words, pattern);
  return {
    dialect,
    pattern,
    candidates: { messages: matches.message, contacts: matches.contact, identities: matches.identity },
  };
}

/**
 * `cases.id` among the ids a subquery yields, to start from those few cases. PostgreSQL is given them as an
 * array read once, then probes `cases` by key: with `in (…)` its planner often preferred walking the whole
 * queue, testing each case (70 ms for Breaching soon, seconds for a tag with a search, at 1,000,000 cases).
 * SQLite's planner starts from an `in (…)` list by itself.
 */
export function caseIdAmong(
  dialect: SearchDialect,
  ids: Expression<unknown> | RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  return dialect === 'postgres' ? sql<SqlBool>`cases.id = any(array(${ids}))` : sql<SqlBool>`cases.id in (${ids})`;
}

/**
 * "This case has such a row", tested case by case as the queue is walked. Written as `(select 1 … limit 1)
 * is not null` rather than `exists`: PostgreSQL turns an `exists` inside `or` into a hashed subplan that
 * first collects every match in the workspace (11,000 messages for a common word: 160 ms), where testing the
 * few dozen cases a page needs takes a few ms. SQLite runs both forms alike.
 */
export function hasRow(query: { limit(n: number): Expression<unknown> }): Expression<SqlBool> {
  return sql<SqlBool>`(${query.limit(1)}) is not null`;
}

const list = (ids: string[]) => sql.join(ids.map((id) => sql`${id}`));

/** The cases of listed matching rows, per source. */
const casesOf = {
  messages: (ids: string[]) => sql`select cc.case_id from case_conversations cc where cc.conversation_id in (
    select m.conversation_id from messages m where m.id in (${list(ids)}))`,
  contacts: (ids: string[]) => sql`select c2.id from cases c2 where c2.contact_id in (${list(ids)})`,
  identities: (ids: string[]) => sql`select c3.id from identities i3
    join cases c3 on c3.contact_id = i3.contact_id
    join channels ch3 on ch3.id = c3.channel_id and ch3.network = i3.network
    where i3.id in (${list(ids)})`,
};

/**
 * The condition on `cases` for a planned search. A source whose matching rows were listed is a list of
 * cases (none listed: that source cannot match); a source with too many matches is tested case by case.
 * When every source was listed, `cases.id in (…)` lets the database start from the few matching cases.
 */
export function caseSearchCondition(eb: ExpressionBuilder<Database, 'cases'>, search: CaseSearch): Expression<SqlBool> {
  const { pattern } = search;
  const tests = {
    messages: () =>
      hasRow(
        eb
          .selectFrom('case_conversations as cc')
          .innerJoin('messages as sm', 'sm.conversation_id', 'cc.conversation_id')
          .select(sql`1`.as('one'))
          .whereRef('cc.case_id', '=', 'cases.id')
          .where(like(sql.ref('sm.text'), pattern)),
      ),
    contacts: () =>
      hasRow(
        eb
          .selectFrom('contacts as sc')
          .select(sql`1`.as('one'))
          .whereRef('sc.id', '=', 'cases.contact_id')
          .where(like(sql.ref('sc.name'), pattern)),
      ),
    identities: () =>
      hasRow(
        eb
          .selectFrom('identities as si')
          .innerJoin('channels as sch', 'sch.network', 'si.network')
          .select(sql`1`.as('one'))
          .whereRef('sch.id', '=', 'cases.channel_id')
          .whereRef('si.contact_id', '=', 'cases.contact_id')
          .where(like(sql.ref('si.handle'), pattern)),
      ),
  };
  const sources = ['contacts', 'identities', 'messages'] as const;
  const listed = sources.flatMap((source) => {
    const ids = search.candidates[source];
    return ids && ids.length > 0 ? [casesOf[source](ids)] : [];
  });
  const tested = sources.filter((source) => search.candidates[source] === null).map((source) => tests[source]());
  const union = sql.join(listed, sql` union `);
  if (tested.length === 0) return listed.length === 0 ? sql<SqlBool>`1 = 0` : caseIdAmong(search.dialect, union);
  // The listed cases first: a cheap probe (a hashed set) before the costly per-case tests.
  return eb.or(listed.length === 0 ? tested : [sql<SqlBool>`cases.id in (${union})`, ...tested]);
}
