import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/** The agent console: snoozes with a reminder, saved replies (templates). */
export const migration0002Console: Migration = {
  name: '0002-console',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('cases').addColumn('snoozed_until', 'bigint').execute();
    await s.alterTable('cases').addColumn('snooze_reminder', 'text').execute();
    // The scheduler wakes snoozed cases whose date has come.
    await s.createIndex('cases_snoozed_idx').on('cases').columns(['status', 'snoozed_until']).execute();

    await s
      .createTable('templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('shortcut', 'text', (c) => c.notNull())
      .addColumn('language', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('templates_workspace_shortcut_unique', ['workspace_id', 'shortcut'])
      .execute();
  },
};
