import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Fewer index entries per case (issue 16, npm run bench:ingest): two indexes on `cases` lead with `team_id`,
 * which most cases leave null (97 % of the seeded million), and the only query reading them, the team
 * filter, tests `team_id = ?`, which implies not null. Kept partial (`where team_id is not null`), they hold
 * only the cases that have a team:
 * - `cases_team_recent_idx` (team_id, last_message_at, id): the team filter, newest first. It holds
 *   `last_message_at`, so on SQLite every inbound post to a case rewrote its entry, team or not;
 * - `cases_queue_team_idx` (team_id, priority, opened_at, id): the team filter in the priority order.
 * On PostgreSQL, moving `last_message_at` (every inbound post) writes the row's new version into every
 * index on `cases`, a partial one only when the row matches: a case without a team gets two entries fewer
 * per post there, and every new case two fewer on both databases.
 * Evidence: EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (PostgreSQL) of every statement on `cases` that
 * npm run bench:inbox runs on the seeded 1,000,000 cases are the same before and after, the team filter
 * included (`cases_queue_team_idx (team_id=?)`, `cases_team_recent_idx (team_id=?)` on SQLite, the same
 * indexes on PostgreSQL).
 * Measured: SQLite WAL per ingested page of 100 posts 835 → 806 pages (−3.6 %, npm run bench:ingest's data);
 * an UPDATE of `last_message_at` on 200,000 cases (97 % without a team) 15–25 → 11–16 µs of CPU. On the
 * seeded million, PostgreSQL's two indexes hold 1.6 and 1.8 MB.
 * `cases_queue_assignee_idx` stays whole although most cases have no assignee: SQLite reads the Unassigned
 * view from it (`assignee_agent_id is null`, in the priority order), which a partial index cannot serve.
 */
export const migration0032CasePartialIndexes: Migration = {
  name: '0032-case-partial-indexes',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.dropIndex('cases_team_recent_idx').execute();
    await s
      .createIndex('cases_team_recent_idx')
      .on('cases')
      .columns(['team_id', 'last_message_at', 'id'])
      .where(sql.ref('team_id'), 'is not', null)
      .execute();
    await s.dropIndex('cases_queue_team_idx').execute();
    await s
      .createIndex('cases_queue_team_idx')
      .on('cases')
      .expression(sql`team_id, coalesce(priority, 9), opened_at, id`)
      .where(sql.ref('team_id'), 'is not', null)
      .execute();
  },
};
