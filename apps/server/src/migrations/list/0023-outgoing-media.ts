import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Pictures agents attach to replies (issue 12): the file sits in the data folder (`file_name`), the row says
 * whose it is, which outbound message carries it (null until a reply takes it) and, once uploaded to the
 * network, the media id every retry of that message reuses (never a second upload into a second post).
 */
export const migration0023OutgoingMedia: Migration = {
  name: '0023-outgoing-media',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outgoing_media')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('external_media_id', 'text')
      .addColumn('external_media_key', 'text')
      .addColumn('external_expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outgoing_media_message').on('outgoing_media').columns(['message_id']).execute();
  },
};
