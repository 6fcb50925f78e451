import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Fewer indexes on `cases` (issue 16, npm run bench:ingest): every case opened writes an entry in each of
 * them, and on PostgreSQL every inbound post does too (it moves `last_message_at`, so the row's new version
 * cannot stay in its page without new entries in every index). Another index serves every query these
 * two did (EXPLAIN QUERY PLAN on SQLite and EXPLAIN on PostgreSQL of every statement on `cases` run by
 * the inbox, reports, SLA, console and ingestion tests and benchmarks, on the seeded 1,000,000 cases), and
 * without them both databases plan those statements as before, but for the one named below:
 * - `cases_assignee_idx` (assignee_agent_id, status, last_message_at): Mine and the assignee filter read
 *   `cases_queue_assignee_idx` in the priority order and `cases_recent_idx` newest first. Only the return
 *   of a leaver's cases (cases.release.ts) read it, on SQLite, and `cases_queue_assignee_idx` starts with
 *   the same column (PostgreSQL reads `cases_counts_idx` there). It was also written on every inbound
 *   post, through `last_message_at`.
 * - `cases_priority_idx` (workspace_id, status, priority): no query tests the raw priority. The priority
 *   filter and sort use `coalesce(priority, 9)`, the expression of the queue indexes
 *   (`cases_queue_status_idx` holds workspace_id, status and that expression, in that order).
 * `cases_counts_idx` stays, although since 0021 only the counters' repair and a leaver's cases read it:
 * without it, SQLite's planner reads Mine newest first (and a priority filter newest first) from a queue
 * index and sorts every matching case, 300–600 ms on a million cases instead of a few.
 */
export const migration0031CaseIndexes: Migration = {
  name: '0031-case-indexes',
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('cases_assignee_idx').execute();
    await db.schema.dropIndex('cases_priority_idx').execute();
  },
};
