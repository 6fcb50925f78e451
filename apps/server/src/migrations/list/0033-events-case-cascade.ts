import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';
import { isPostgres } from '../dialect.ts';

/**
 * PostgreSQL: `events.case_id` loses its foreign key; deleting cases still deletes their events, through a
 * statement trigger (issue 16, decision 0020). An inbound post records 2.5 events, and the key's check ran
 * once per event row: an index lookup on `cases` (whose rows ingestion has just rewritten, so the lookup
 * walks their previous versions too) and a `for key share` lock on the case, 13–25 µs per event measured
 * by EXPLAIN ANALYZE — a third to two thirds of the events' insert.
 * What the key guarded still holds: every event is written in the transaction of the change it describes
 * (events.repository.ts), and that transaction has inserted its case or holds the case's row lock (the
 * update it describes), so the case exists when the event commits. The cascade it gave (a case, channel,
 * contact or workspace deleted) is the trigger's: one `delete … where case_id in (the deleted cases)` per
 * statement that deletes cases, cascades included.
 * SQLite keeps its key: dropping it means rebuilding the whole `events` table, and its check is a lookup
 * in the same process, without a lock.
 */
export const migration0033EventsCaseCascade: Migration = {
  name: '0033-events-case-cascade',
  async up(db: Kysely<unknown>) {
    if (!(await isPostgres(db))) return;
    await sql`alter table events drop constraint events_case_id_fkey`.execute(db);
    await sql`create function guichet_cases_delete_events() returns trigger language plpgsql as $$
      begin
        delete from events where case_id in (select id from deleted_cases);
        return null;
      end $$`.execute(db);
    await sql`create trigger cases_delete_events after delete on cases referencing old table as deleted_cases
      for each statement execute function guichet_cases_delete_events()`.execute(db);
  },
};
