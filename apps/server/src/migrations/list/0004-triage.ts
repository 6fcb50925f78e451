import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/** Triage on each inbound message, the case's priority reason, the priority policy and the rules (F10, F11). */
export const migration0004Triage: Migration = {
  name: '0004-triage',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('messages').addColumn('type', 'text').execute();
    await s.alterTable('messages').addColumn('sentiment', 'text').execute();
    /** Urgency cue ids, comma-separated (`outage,refund`); empty when none. */
    await s.alterTable('messages').addColumn('urgency', 'text').execute();
    await s.alterTable('messages').addColumn('priority', 'integer').execute();
    await s.alterTable('cases').addColumn('type', 'text').execute();
    await s.alterTable('cases').addColumn('priority_reason', 'text').execute();
    await s.createIndex('cases_priority_idx').on('cases').columns(['workspace_id', 'status', 'priority']).execute();

    await s
      .createTable('priority_policies')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await s
      .createTable('rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('actions', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('rules_workspace_idx').on('rules').columns(['workspace_id', 'event', 'position']).execute();
  },
};
