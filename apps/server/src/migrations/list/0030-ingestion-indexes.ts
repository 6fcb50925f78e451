import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Fewer index entries per inbound message (issue 16, npm run bench:ingest): every message written kept an
 * entry in two indexes that gave no query anything.
 * - `messages_conversation_idx` (conversation_id, created_at) is the leading part of
 *   `messages_thread_turns_idx` (conversation_id, created_at, direction, delivery_status), which serves every
 *   read the shorter one did (a thread in order, a conversation's latest message).
 * - `messages_delivery_idx` held every inbound message under a null status; the delivery queue, approvals
 *   and retries only ever look for a status (`= 'queued'`, `in ('queued', 'sending')`, …), which implies
 *   not null, so the index keeps the outbound messages only.
 */
export const migration0030IngestionIndexes: Migration = {
  name: '0030-ingestion-indexes',
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('messages_conversation_idx').execute();
    await db.schema.dropIndex('messages_delivery_idx').execute();
    await db.schema
      .createIndex('messages_delivery_idx')
      .on('messages')
      .column('delivery_status')
      .where(sql.ref('delivery_status'), 'is not', null)
      .execute();
  },
};
