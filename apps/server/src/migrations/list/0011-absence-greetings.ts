import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Away periods (F20), greetings and welcome DMs (F21), and the SLA option "pause during absence".
 * Uniqueness carries the "never twice" promises: one away message per (period, contact), one welcome DM
 * per (workspace, contact), whatever restarts or second workers do.
 */
export const migration0011AbsenceGreetings: Migration = {
  name: '0011-absence-greetings',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .alterTable('sla_policies')
      .addColumn('pause_during_absence', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await s
      .alterTable('sla_clocks')
      .addColumn('pause_during_absence', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await s
      .createTable('absence_periods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('note', 'text')
      /** Where the status post goes; null: no status post. */
      .addColumn('channel_id', 'text', (c) => c.references('channels.id').onDelete('set null'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addColumn('created_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('absence_periods_status_idx')
      .on('absence_periods')
      .columns(['workspace_id', 'status', 'starts_at'])
      .execute();

    await s
      .createTable('absence_replies')
      .addColumn('period_id', 'text', (c) => c.notNull().references('absence_periods.id').onDelete('cascade'))
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('absence_replies_pk', ['period_id', 'contact_id'])
      .execute();

    await s
      .createTable('absence_cases')
      .addColumn('period_id', 'text', (c) => c.notNull().references('absence_periods.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('marked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('absence_cases_pk', ['period_id', 'case_id'])
      .execute();
    await s.createIndex('absence_cases_case_idx').on('absence_cases').column('case_id').execute();

    /** JSON settings of the time features: status post and away message templates, greetings, welcome DM. */
    await s
      .createTable('time_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('settings', 'text', (c) => c.notNull())
      /** When the welcome DM was last switched on: followers from before are not welcomed. */
      .addColumn('welcome_enabled_at', 'bigint')
      .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await s
      .createTable('welcome_dms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('recipient_external_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('first_attempt_at', 'bigint')
      .addColumn('external_id', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await s
      .createIndex('welcome_dms_contact_idx')
      .on('welcome_dms')
      .columns(['workspace_id', 'contact_id'])
      .unique()
      .execute();
    await s.createIndex('welcome_dms_created_idx').on('welcome_dms').columns(['workspace_id', 'created_at']).execute();
  },
};
