import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * The audit trail (F28): who changed which setting, credential, agent, role, token or webhook, and every
 * sign-in, failure and sign-out, with the address it came from and the values before and after (secrets are
 * never written). Separate from `events`, which is the work's own history and feeds reports and SLA clocks:
 * the audit trail is for admins and is exported as CSV.
 */
export const migration0016AuditLog: Migration = {
  name: '0016-audit-log',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Null for a failed sign-in with an unknown email: there is no workspace to file it under.
      .addColumn('workspace_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text')
      .addColumn('subject_type', 'text')
      .addColumn('subject_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('details', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_workspace_time_idx')
      .on('audit_log')
      .expression(sql`workspace_id, occurred_at desc, id`)
      .execute();
    await db.schema
      .createIndex('audit_log_action_idx')
      .on('audit_log')
      .expression(sql`workspace_id, action, occurred_at desc`)
      .execute();
  },
};
