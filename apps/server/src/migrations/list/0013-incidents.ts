import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Incidents (F22). A case joins an incident once (primary key); `reply_message_id` records the resolution
 * reply queued for it, and its uniqueness means one outbound answer per (incident, case), whatever retries.
 * The incident's timeline is read from `events` (subject = the incident), so it needs no table of its own.
 */
export const migration0013Incidents: Migration = {
  name: '0013-incidents',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('keywords', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.references('channels.id').onDelete('set null'))
      .addColumn('status_post_text', 'text')
      .addColumn('status_post_id', 'text', (c) => c.references('scheduled_posts.id').onDelete('set null'))
      .addColumn('resolution_text', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('declared_by_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('declared_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_by_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('resolved_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('incidents_workspace_idx')
      .on('incidents')
      .columns(['workspace_id', 'status', 'declared_at'])
      .execute();

    await s
      .createTable('incident_cases')
      .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('linked_by', 'text', (c) => c.notNull())
      .addColumn('linked_by_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('linked_at', 'bigint', (c) => c.notNull())
      .addColumn('reply_message_id', 'text', (c) => c.unique().references('messages.id').onDelete('set null'))
      .addColumn('reply_error', 'text')
      .addPrimaryKeyConstraint('incident_cases_pk', ['incident_id', 'case_id'])
      .execute();
    // A case's banner: which incidents it belongs to.
    await s.createIndex('incident_cases_case_idx').on('incident_cases').column('case_id').execute();
  },
};
