import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/** Business hours, SLA policies per priority, live SLA clocks per case, breach alerts (F18). */
export const migration0005Sla: Migration = {
  name: '0005-sla',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('business_hours')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      /** null: the workspace's hours; else a team's own. */
      .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('cascade'))
      .addColumn('time_zone', 'text', (c) => c.notNull())
      /** JSON: seven days, Monday first, each a list of { start, end } local times. */
      .addColumn('week', 'text', (c) => c.notNull())
      /** JSON: [{ date: 'YYYY-MM-DD', name }]. */
      .addColumn('holidays', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('business_hours_scope_idx')
      .on('business_hours')
      .columns(['workspace_id', 'team_id'])
      .unique()
      .execute();

    await s
      .createTable('sla_policies')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('first_response_minutes', 'integer', (c) => c.notNull())
      .addColumn('next_response_minutes', 'integer')
      .addColumn('resolution_minutes', 'integer')
      .addColumn('business_hours', 'integer', (c) => c.notNull())
      .addColumn('pause_when_pending', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sla_policies_pk', ['workspace_id', 'priority'])
      .execute();

    await s
      .createTable('sla_clocks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('target_ms', 'bigint', (c) => c.notNull())
      .addColumn('business_hours', 'integer', (c) => c.notNull())
      .addColumn('pause_when_pending', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      /** null while paused. */
      .addColumn('due_at', 'bigint')
      .addColumn('paused_at', 'bigint')
      /** While paused: the target time left (may be negative once breached). */
      .addColumn('remaining_ms', 'bigint')
      .addColumn('stopped_at', 'bigint')
      .addColumn('breached_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('sla_clocks_case_idx').on('sla_clocks').columns(['case_id', 'metric']).execute();
    await s
      .createIndex('sla_clocks_due_idx')
      .on('sla_clocks')
      .columns(['workspace_id', 'stopped_at', 'due_at'])
      .execute();

    await s
      .createTable('sla_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('clock_id', 'text', (c) => c.notNull().references('sla_clocks.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('read_at', 'bigint')
      .execute();
    await s.createIndex('sla_alerts_agent_idx').on('sla_alerts').columns(['agent_id', 'read_at']).execute();

    /** Events the SLA sweep has applied (kept a day): each is applied once, whatever the commit order. */
    await s
      .createTable('sla_applied_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createTable('sla_sweep_state')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('events_after', 'bigint', (c) => c.notNull())
      .execute();
  },
};
