import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * API tokens (F29) and the per-account sign-in backoff.
 *
 * `api_tokens`: an admin's tokens for scripts and integrations. Only the SHA-256 of a token is kept (a stolen
 * database yields no live token); `prefix` is its first characters, enough to recognise it in the list.
 * `scopes` is a JSON array of scope names.
 *
 * `sign_in_failures`: failed sign-ins per account (the key is a hash of the email as typed, so it ignores
 * the address the attempts come from and holds no plain email); in the database so that every web process
 * counts the same attempts.
 */
export const migration0017ApiTokens: Migration = {
  name: '0017-api-tokens',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('expires_at', 'bigint')
      .execute();
    await s.createIndex('api_tokens_workspace_idx').on('api_tokens').columns(['workspace_id', 'created_at']).execute();
    await s
      .createTable('sign_in_failures')
      .addColumn('account_key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
