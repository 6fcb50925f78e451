import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Cases that stay readable (issue 13): a case split from another or merged into another keeps a pointer to
 * it, and agents' presence is stored (seen by any process) so new cases can go in turn to the agents
 * present, each agent's latest automatic assignment deciding whose turn it is.
 */
export const migration0027CaseStructure: Migration = {
  name: '0027-case-structure',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('cases').addColumn('merged_into_case_id', 'text').execute();
    await db.schema.alterTable('cases').addColumn('split_from_case_id', 'text').execute();
    await db.schema
      .createTable('agent_presence')
      .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_auto_assigned_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('agent_presence_workspace_idx')
      .on('agent_presence')
      .columns(['workspace_id', 'seen_at'])
      .execute();
  },
};
