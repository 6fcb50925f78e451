import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * A message's photos, GIFs, videos and links (issue 12): one JSON text column `{media, links}`, null when the
 * message has neither (decision 0003: JSON as text, same on SQLite and PostgreSQL). Read whole with the
 * message, never filtered on, so no index.
 */
export const migration0022MessageAttachments: Migration = {
  name: '0022-message-attachments',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('attachments', 'text').execute();
  },
};
