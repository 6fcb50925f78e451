import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';
import { isPostgres } from '../dialect.ts';

/**
 * The inbox of 1,000,000 cases opens at once (issue 16): the counts per view come from counters the
 * database keeps itself, never from a scan of `cases` (modules/cases/cases.counters.ts reads them).
 * - `case_view_counts`: how many cases per (workspace, status, assignee; '' = unassigned). Mine, Unassigned,
 *   All, Snoozed and Resolved are sums of a few of its rows.
 * - `cases.sla_due_at`: the earliest due time of the case's running SLA clocks (null: none running), kept by
 *   triggers on `sla_clocks`; `case_due_counts` counts open and pending cases per hour of that time, so
 *   "Breached" (some running clock due at or before now) is the sum of the past hours plus an index range
 *   count within the current hour.
 * Triggers keep both exact on every path that writes cases or clocks (ingestion, workflow, bulk, rules,
 * the SLA sweep, imports, cascades) without any of them knowing. SQLite has one writer at a time, so its
 * triggers add to the counters directly. PostgreSQL writers run side by side: counting into shared rows
 * would serialise every ingestion transaction on them (and deadlock two that move cases in opposite
 * directions), so its triggers append signed rows to `case_count_deltas` instead, and readers add those
 * to the counters until the scheduler folds them in. Counters are recomputed here from the cases.
 * Also the indexes the tag and team filters need in both sorts, and on SQLite the search index's keys split
 * by source: contacts' names and identities' handles get negative keys (messages keep theirs, from 0 up), so a
 * search learns from two rowid ranges of the FTS index how many messages and how many people match, and
 * a common word that no name contains is tested on messages only.
 */
export const migration0021InboxCounters: Migration = {
  name: '0021-inbox-counters',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('cases').addColumn('sla_due_at', 'bigint').execute();
    // No foreign keys: a workspace deleted with its cases would otherwise refuse the deltas its own
    // cascade writes; counters of a workspace that no longer exists are never read.
    await s
      .createTable('case_view_counts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assignee_key', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_view_counts_pk', ['workspace_id', 'status', 'assignee_key'])
      .execute();
    await s
      .createTable('case_due_counts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('due_hour', 'bigint', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_due_counts_pk', ['workspace_id', 'due_hour'])
      .execute();
    await s
      .createTable('case_count_deltas')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text')
      .addColumn('assignee_key', 'text')
      .addColumn('due_hour', 'bigint')
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('case_count_deltas_workspace_idx').on('case_count_deltas').column('workspace_id').execute();

    // Breached within the current hour: a short range of this index.
    await s
      .createIndex('cases_sla_due_idx')
      .on('cases')
      .columns(['workspace_id', 'sla_due_at', 'status'])
      .where(sql.ref('sla_due_at'), 'is not', null)
      .execute();
    // The cases due within a window (Breaching soon) from the index alone.
    await s
      .createIndex('sla_clocks_live_due_idx')
      .on('sla_clocks')
      .columns(['workspace_id', 'due_at', 'case_id'])
      .where(sql.ref('stopped_at'), 'is', null)
      .execute();
    // A tag's cases from the index alone; the team filter in the newest-first order.
    await s.createIndex('case_tags_tag_case_idx').on('case_tags').columns(['tag_id', 'case_id']).execute();
    await s.dropIndex('case_tags_tag_idx').execute();
    await s.createIndex('cases_team_recent_idx').on('cases').columns(['team_id', 'last_message_at', 'id']).execute();

    await sql`update cases set sla_due_at = (
        select min(k.due_at) from sla_clocks k
        where k.workspace_id = cases.workspace_id and k.case_id = cases.id and k.stopped_at is null
          and k.due_at is not null)
      where exists (select 1 from sla_clocks k where k.case_id = cases.id and k.stopped_at is null)`.execute(db);
    if (await isPostgres(db)) {
      await createPostgresTriggers(db);
    } else {
      await createSqliteTriggers(db);
      await keyPeopleSearchBelowZero(db);
    }
    await recount(db);
  },
};

/** The counters from the cases themselves (the same statements as `recomputeCaseCounters`). */
async function recount(db: Kysely<unknown>): Promise<void> {
  await sql`insert into case_view_counts (workspace_id, status, assignee_key, n)
    select workspace_id, status, coalesce(assignee_agent_id, ''), count(*) from cases
    group by workspace_id, status, coalesce(assignee_agent_id, '')`.execute(db);
  await sql`insert into case_due_counts (workspace_id, due_hour, n)
    select workspace_id, cast(sla_due_at / 3600000 as integer), count(*) from cases
    where status in ('open', 'pending') and sla_due_at is not null
    group by workspace_id, cast(sla_due_at / 3600000 as integer)`.execute(db);
}

/** Whether a case row counts in the hourly due counters: open or pending with a running clock. */
const dueCounted = (row: 'new' | 'old') => `${row}.status in ('open', 'pending') and ${row}.sla_due_at is not null`;
const dueHour = (row: 'new' | 'old') => `cast(${row}.sla_due_at / 3600000 as integer)`;

/** Earliest running due time of one case's clocks, through the live-clock index (0009). */
const earliestDue = (row: 'new' | 'old') => `(select min(k.due_at) from sla_clocks k
  where k.workspace_id = ${row}.workspace_id and k.case_id = ${row}.case_id and k.stopped_at is null
    and k.due_at is not null)`;

async function createSqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const add = (row: 'new' | 'old', step: 1 | -1) => `
    insert into case_view_counts (workspace_id, status, assignee_key, n)
      values (${row}.workspace_id, ${row}.status, coalesce(${row}.assignee_agent_id, ''), ${step})
      on conflict (workspace_id, status, assignee_key) do update set n = n + (${step});`;
  // The `where` is required by SQLite's parser before `on conflict` in an insert … select.
  const addDue = (row: 'new' | 'old', step: 1 | -1) => `
    insert into case_due_counts (workspace_id, due_hour, n)
      select ${row}.workspace_id, ${dueHour(row)}, ${step} where ${dueCounted(row)}
      on conflict (workspace_id, due_hour) do update set n = n + (${step});`;
  const statements = [
    `create trigger cases_counts_insert after insert on cases begin ${add('new', 1)} ${addDue('new', 1)} end`,
    `create trigger cases_counts_delete after delete on cases begin ${add('old', -1)} ${addDue('old', -1)} end`,
    `create trigger cases_view_counts_update after update of workspace_id, status, assignee_agent_id on cases
      when old.workspace_id is not new.workspace_id or old.status is not new.status
        or old.assignee_agent_id is not new.assignee_agent_id
      begin ${add('old', -1)} ${add('new', 1)} end`,
    `create trigger cases_due_counts_update after update of workspace_id, status, sla_due_at on cases
      when old.workspace_id is not new.workspace_id or (${dueCounted('old')}) is not (${dueCounted('new')})
        or ${dueHour('old')} is not ${dueHour('new')}
      begin ${addDue('old', -1)} ${addDue('new', 1)} end`,
    // A new running clock can only bring the case's earliest due time forward.
    `create trigger sla_clocks_case_due_insert after insert on sla_clocks
      when new.stopped_at is null and new.due_at is not null
      begin update cases set sla_due_at = new.due_at
        where id = new.case_id and (sla_due_at is null or sla_due_at > new.due_at); end`,
    `create trigger sla_clocks_case_due_update after update of case_id, due_at, stopped_at on sla_clocks
      when old.case_id is not new.case_id or old.due_at is not new.due_at or old.stopped_at is not new.stopped_at
      begin
        update cases set sla_due_at = ${earliestDue('old')}
          where id = old.case_id and sla_due_at is not ${earliestDue('old')};
        update cases set sla_due_at = ${earliestDue('new')}
          where id = new.case_id and new.case_id is not old.case_id and sla_due_at is not ${earliestDue('new')};
      end`,
    `create trigger sla_clocks_case_due_delete after delete on sla_clocks
      when old.stopped_at is null and old.due_at is not null
      begin update cases set sla_due_at = ${earliestDue('old')}
        where id = old.case_id and sla_due_at is not ${earliestDue('old')}; end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** PostgreSQL: the counters' deltas, from `cases`. */
function postgresCaseTriggers(): string[] {
  const viewDelta = (rows: string, sign: string) => `
    insert into case_count_deltas (workspace_id, status, assignee_key, n)
      select workspace_id, status, coalesce(assignee_agent_id, ''), ${sign}count(*) from ${rows}
      group by workspace_id, status, coalesce(assignee_agent_id, '');
    insert into case_count_deltas (workspace_id, due_hour, n)
      select workspace_id, sla_due_at / 3600000, ${sign}count(*) from ${rows}
      where status in ('open', 'pending') and sla_due_at is not null
      group by workspace_id, sla_due_at / 3600000;`;
  return [
    // Inserts and deletes come in sets (ingestion's pages, cascades): one delta row per group and statement.
    `create function guichet_cases_counts_insert() returns trigger language plpgsql as $$
      begin ${viewDelta('inserted_cases', '')} return null; end $$`,
    `create trigger cases_counts_insert after insert on cases referencing new table as inserted_cases
      for each statement execute function guichet_cases_counts_insert()`,
    `create function guichet_cases_counts_delete() returns trigger language plpgsql as $$
      begin ${viewDelta('deleted_cases', '-')} return null; end $$`,
    `create trigger cases_counts_delete after delete on cases referencing old table as deleted_cases
      for each statement execute function guichet_cases_counts_delete()`,
    // Updates one row at a time, and only for the rows whose counted columns changed (most updates touch
    // activity times and previews only).
    `create function guichet_cases_counts_update() returns trigger language plpgsql as $$
      declare
        old_hour bigint := case when ${dueCounted('old')} then old.sla_due_at / 3600000 end;
        new_hour bigint := case when ${dueCounted('new')} then new.sla_due_at / 3600000 end;
      begin
        if old.workspace_id is distinct from new.workspace_id or old.status is distinct from new.status
          or old.assignee_agent_id is distinct from new.assignee_agent_id then
          insert into case_count_deltas (workspace_id, status, assignee_key, n) values
            (old.workspace_id, old.status, coalesce(old.assignee_agent_id, ''), -1),
            (new.workspace_id, new.status, coalesce(new.assignee_agent_id, ''), 1);
        end if;
        if old.workspace_id is distinct from new.workspace_id or old_hour is distinct from new_hour then
          if old_hour is not null then
            insert into case_count_deltas (workspace_id, due_hour, n) values (old.workspace_id, old_hour, -1);
          end if;
          if new_hour is not null then
            insert into case_count_deltas (workspace_id, due_hour, n) values (new.workspace_id, new_hour, 1);
          end if;
        end if;
        return null;
      end $$`,
    `create trigger cases_counts_update after update of workspace_id, status, assignee_agent_id, sla_due_at
      on cases for each row
      when (old.workspace_id is distinct from new.workspace_id or old.status is distinct from new.status
        or old.assignee_agent_id is distinct from new.assignee_agent_id
        or old.sla_due_at is distinct from new.sla_due_at)
      execute function guichet_cases_counts_update()`,
  ];
}

/** PostgreSQL: each case's earliest running due time, from its clocks. */
function postgresClockTriggers(): string[] {
  return [
    `create function guichet_sla_clocks_case_due_insert() returns trigger language plpgsql as $$
      begin
        update cases c set sla_due_at = n.due
          from (select case_id, min(due_at) as due from inserted_clocks
                where stopped_at is null and due_at is not null group by case_id) n
          where c.id = n.case_id and (c.sla_due_at is null or c.sla_due_at > n.due);
        return null;
      end $$`,
    `create trigger sla_clocks_case_due_insert after insert on sla_clocks referencing new table as inserted_clocks
      for each statement execute function guichet_sla_clocks_case_due_insert()`,
    `create function guichet_sla_clocks_case_due_change() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          update cases set sla_due_at = ${earliestDue('old')}
            where id = old.case_id and sla_due_at is distinct from ${earliestDue('old')};
        end if;
        if tg_op = 'UPDATE' and new.case_id is distinct from old.case_id then
          update cases set sla_due_at = ${earliestDue('new')}
            where id = new.case_id and sla_due_at is distinct from ${earliestDue('new')};
        end if;
        return null;
      end $$`,
    `create trigger sla_clocks_case_due_update after update of case_id, due_at, stopped_at on sla_clocks
      for each row when (old.case_id is distinct from new.case_id or old.due_at is distinct from new.due_at
        or old.stopped_at is distinct from new.stopped_at)
      execute function guichet_sla_clocks_case_due_change()`,
    `create trigger sla_clocks_case_due_delete after delete on sla_clocks
      for each row when (old.stopped_at is null and old.due_at is not null)
      execute function guichet_sla_clocks_case_due_change()`,
  ];
}

async function createPostgresTriggers(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...postgresCaseTriggers(), ...postgresClockTriggers()]) {
    await sql.raw(statement).execute(db);
  }
}

/** The people sources of the search index (0009), their table and searched column. */
const PEOPLE = [
  ['contact', 'contacts', 'name'],
  ['identity', 'identities', 'handle'],
] as const;

/**
 * SQLite search keys (0009's `text_search_keys`): people's rows move to negative keys, counting down from
 * -1, and their insert triggers keep doing so; messages keep taking the next key, from 0 up.
 */
async function keyPeopleSearchBelowZero(db: Kysely<unknown>): Promise<void> {
  await sql`create temporary table people_search_keys as
    select rowid as old_key, -(row_number() over (order by rowid)) as new_key, source, source_id
    from text_search_keys where source in ('contact', 'identity')`.execute(db);
  await sql`delete from text_search where rowid in (select old_key from people_search_keys)`.execute(db);
  await sql`delete from text_search_keys where rowid in (select old_key from people_search_keys)`.execute(db);
  await sql`insert into text_search_keys (rowid, source, source_id)
    select new_key, source, source_id from people_search_keys`.execute(db);
  for (const [source, table, column] of PEOPLE) {
    const t = sql.raw(table);
    const c = sql.raw(column);
    await sql`insert into text_search (rowid, body)
      select k.new_key, x.${c} from people_search_keys k join ${t} x on x.id = k.source_id
      where k.source = ${source}`.execute(db);
    await sql`drop trigger ${sql.raw(`${table}_text_search_insert`)}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_text_search_insert`)} after insert on ${t} begin
      insert into text_search_keys (rowid, source, source_id)
        values ((select min(0, coalesce(min(rowid), 0)) - 1 from text_search_keys), ${sql.lit(source)}, new.id);
      insert into text_search (rowid, body)
        values ((select rowid from text_search_keys where source = ${sql.lit(source)} and source_id = new.id), new.${c});
    end`.execute(db);
  }
  await sql`drop table people_search_keys`.execute(db);
}
