import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Team administration from the browser (issue 14): one-time links that set a password (an invitation or a
 * reset, only the SHA-256 of the token stored), the profile's own settings (signature initials, notification
 * choices as JSON), the last sign-in shown to admins, and the device and address a session started from, so
 * an agent recognises their own sessions.
 */
export const migration0018TeamAdministration: Migration = {
  name: '0018-team-administration',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('agents').addColumn('initials', 'text').execute();
    await s.alterTable('agents').addColumn('notification_prefs', 'text').execute();
    await s.alterTable('agents').addColumn('last_sign_in_at', 'bigint').execute();
    await s.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await s.alterTable('sessions').addColumn('ip', 'text').execute();

    await s
      .createTable('agent_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      // `invite` (first password of a new agent) or `reset` (an admin's reset of a forgotten password).
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await s.createIndex('agent_invitations_agent_idx').on('agent_invitations').column('agent_id').execute();
  },
};
