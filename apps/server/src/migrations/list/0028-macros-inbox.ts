import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';
import { isPostgres } from '../dialect.ts';

/**
 * Macros and the inbox's Complaints view (issue 13, items 6 and 7).
 * - `template_folders`: saved replies grouped in folders; `templates.folder_id` (null: no folder).
 * - `templates.effects`: what using the saved reply also does to the case (tags, status, priority,
 *   assignee), as JSON; null: nothing.
 * - `templates.starter_key`: which entry of the starter library a template came from, unique per workspace,
 *   so importing the library twice adds nothing the second time.
 * - `macro_applications`: one row per (case, application key); a retried reply or a double click finds
 *   the row and changes nothing twice.
 * - `case_type_counts`: cases per (workspace, type, status), kept by triggers like `case_view_counts`
 *   (decision 0010), so the Complaints view is counted without a scan. On PostgreSQL the triggers append to
 *   `case_type_count_deltas`, folded in by the scheduler's counter fold.
 */
export const migration0028MacrosInbox: Migration = {
  name: '0028-macros-inbox',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('template_folders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('template_folders_name_unique', ['workspace_id', 'name'])
      .execute();
    // No foreign key: SQLite cannot add one to an existing table; deleting a folder clears it in code.
    await s.alterTable('templates').addColumn('folder_id', 'text').execute();
    await s.alterTable('templates').addColumn('effects', 'text').execute();
    await s.alterTable('templates').addColumn('starter_key', 'text').execute();
    await s
      .createIndex('templates_starter_unique')
      .on('templates')
      .columns(['workspace_id', 'starter_key'])
      .unique()
      .execute();

    await s
      .createTable('macro_applications')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('application_key', 'text', (c) => c.notNull())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('macro_applications_pk', ['case_id', 'application_key'])
      .execute();

    await s
      .createTable('case_type_counts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('type_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_type_counts_pk', ['workspace_id', 'type_key', 'status'])
      .execute();
    await s
      .createTable('case_type_count_deltas')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('type_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('case_type_count_deltas_workspace_idx')
      .on('case_type_count_deltas')
      .column('workspace_id')
      .execute();

    if (await isPostgres(db)) await createPostgresTriggers(db);
    else await createSqliteTriggers(db);
    await sql`insert into case_type_counts (workspace_id, type_key, status, n)
      select workspace_id, coalesce(type, ''), status, count(*) from cases
      group by workspace_id, coalesce(type, ''), status`.execute(db);
  },
};

async function createSqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const add = (row: 'new' | 'old', step: 1 | -1) => `
    insert into case_type_counts (workspace_id, type_key, status, n)
      values (${row}.workspace_id, coalesce(${row}.type, ''), ${row}.status, ${step})
      on conflict (workspace_id, type_key, status) do update set n = n + (${step});`;
  const statements = [
    `create trigger cases_type_counts_insert after insert on cases begin ${add('new', 1)} end`,
    `create trigger cases_type_counts_delete after delete on cases begin ${add('old', -1)} end`,
    `create trigger cases_type_counts_update after update of workspace_id, type, status on cases
      when old.workspace_id is not new.workspace_id or old.type is not new.type or old.status is not new.status
      begin ${add('old', -1)} ${add('new', 1)} end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Append-only deltas, as 0021 does for the view counters: concurrent writers never share a row. */
async function createPostgresTriggers(db: Kysely<unknown>): Promise<void> {
  const delta = (rows: string, sign: string) => `
    insert into case_type_count_deltas (workspace_id, type_key, status, n)
      select workspace_id, coalesce(type, ''), status, ${sign}count(*) from ${rows}
      group by workspace_id, coalesce(type, ''), status;`;
  const statements = [
    `create function guichet_cases_type_counts_insert() returns trigger language plpgsql as $$
      begin ${delta('inserted_cases', '')} return null; end $$`,
    `create trigger cases_type_counts_insert after insert on cases referencing new table as inserted_cases
      for each statement execute function guichet_cases_type_counts_insert()`,
    `create function guichet_cases_type_counts_delete() returns trigger language plpgsql as $$
      begin ${delta('deleted_cases', '-')} return null; end $$`,
    `create trigger cases_type_counts_delete after delete on cases referencing old table as deleted_cases
      for each statement execute function guichet_cases_type_counts_delete()`,
    `create function guichet_cases_type_counts_update() returns trigger language plpgsql as $$
      begin
        insert into case_type_count_deltas (workspace_id, type_key, status, n) values
          (old.workspace_id, coalesce(old.type, ''), old.status, -1),
          (new.workspace_id, coalesce(new.type, ''), new.status, 1);
        return null;
      end $$`,
    `create trigger cases_type_counts_update after update of workspace_id, type, status on cases
      for each row when (old.workspace_id is distinct from new.workspace_id or old.type is distinct from new.type
        or old.status is distinct from new.status)
      execute function guichet_cases_type_counts_update()`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
