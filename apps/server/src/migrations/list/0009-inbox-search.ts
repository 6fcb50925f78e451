import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';
import { isPostgres } from '../dialect.ts';

/**
 * Indexed substring search for the inbox (F6: `q` over message text, contact names and handles), so a
 * search among 100,000 cases reads the few cases that match instead of testing every case's messages
 * (npm run bench:inbox). The search keeps its meaning, a case-insensitive substring match:
 * - SQLite: one FTS5 table with the trigram tokenizer (substring phrases of 3+ characters), kept up to date
 *   by triggers, so every writer (ingestion, replies, imports, approvals' edits) updates it in its own
 *   transaction without knowing it exists. FTS rows are keyed through `text_search_keys`, whose INTEGER
 *   PRIMARY KEY survives VACUUM (the rowids of tables keyed by text ids do not).
 * - PostgreSQL: pg_trgm GIN indexes on the lowered columns, which serve `lower(x) like '%…%'` as written.
 *   Where the extension cannot be created (no privilege), the search stays correct, only unindexed.
 * Also indexes for the queue's other reads: the queue order per channel (a channel filter on a desk with
 * several channels), and the counts per view read from indexes only (statuses and assignees; live SLA
 * clocks by case, with each case's status).
 * And a trainee's like or repost waits for a lead like their replies (F16, F17): who decided, when, and the
 * comment of a rejection, on the engagement itself (statuses `pending_approval` and `rejected`).
 */
export const migration0009InboxSearch: Migration = {
  name: '0009-inbox-search',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('cases_queue_channel_idx')
      .on('cases')
      .expression(sql`channel_id, coalesce(priority, 9), opened_at, id`)
      .execute();
    await db.schema
      .createIndex('cases_counts_idx')
      .on('cases')
      .columns(['workspace_id', 'status', 'assignee_agent_id'])
      .execute();
    await db.schema.createIndex('cases_id_status_idx').on('cases').columns(['id', 'status']).execute();
    await db.schema
      .createIndex('sla_clocks_live_case_idx')
      .on('sla_clocks')
      .columns(['workspace_id', 'case_id', 'due_at'])
      .where(sql.ref('stopped_at'), 'is', null)
      .execute();
    await db.schema
      .alterTable('engagements')
      .addColumn('decided_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .execute();
    await db.schema.alterTable('engagements').addColumn('decided_at', 'bigint').execute();
    await db.schema.alterTable('engagements').addColumn('comment', 'text').execute();
    // The leads' queue of engagements waiting, oldest first.
    await db.schema
      .createIndex('engagements_status_idx')
      .on('engagements')
      .columns(['workspace_id', 'status', 'created_at'])
      .execute();
    const postgres = await isPostgres(db);
    if (postgres) await createTrigramIndexes(db);
    else await createSqliteTextSearch(db);
  },
};

async function createTrigramIndexes(db: Kysely<unknown>): Promise<void> {
  // A failed statement aborts a PostgreSQL transaction: the savepoint keeps the migration alive.
  await sql`savepoint pg_trgm_extension`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`release savepoint pg_trgm_extension`.execute(db);
  } catch {
    await sql`rollback to savepoint pg_trgm_extension`.execute(db);
    return;
  }
  await sql`create index messages_text_trgm_idx on messages using gin (lower(text) gin_trgm_ops)`.execute(db);
  await sql`create index contacts_name_trgm_idx on contacts using gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`create index identities_handle_trgm_idx on identities using gin (lower(handle) gin_trgm_ops)`.execute(db);
}

/** The searched columns: source name (stored in text_search_keys.source), table, text column. */
const SOURCES = [
  ['message', 'messages', 'text'],
  ['contact', 'contacts', 'name'],
  ['identity', 'identities', 'handle'],
] as const;

async function createSqliteTextSearch(db: Kysely<unknown>): Promise<void> {
  await sql`create table text_search_keys (
    rowid integer primary key,
    source text not null,
    source_id text not null,
    unique (source, source_id)
  )`.execute(db);
  await sql`create virtual table text_search using fts5(body, tokenize = 'trigram')`.execute(db);
  for (const [source, table, column] of SOURCES) {
    const keyOf = (row: 'new' | 'old') =>
      sql.raw(`(select rowid from text_search_keys where source = '${source}' and source_id = ${row}.id)`);
    const t = sql.raw(table);
    const c = sql.raw(column);
    const src = sql.lit(source);
    await sql`create trigger ${sql.raw(`${table}_text_search_insert`)} after insert on ${t} begin
      insert into text_search_keys (source, source_id) values (${src}, new.id);
      insert into text_search (rowid, body) values (${keyOf('new')}, new.${c});
    end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_text_search_update`)} after update of ${c} on ${t} begin
      update text_search set body = new.${c} where rowid = ${keyOf('old')};
    end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_text_search_delete`)} after delete on ${t} begin
      delete from text_search where rowid = ${keyOf('old')};
      delete from text_search_keys where source = ${src} and source_id = old.id;
    end`.execute(db);
    // What is already stored.
    await sql`insert into text_search_keys (source, source_id) select ${src}, id from ${t}`.execute(db);
    await sql`insert into text_search (rowid, body)
      select k.rowid, x.${c} from text_search_keys k join ${t} x on x.id = k.source_id where k.source = ${src}`.execute(
      db,
    );
  }
}
