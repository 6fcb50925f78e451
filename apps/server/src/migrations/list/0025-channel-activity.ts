import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * The live state of a channel's X Activity API delivery (decision 0012): the subscriptions the desk created
 * on X (to delete them when the channel leaves XAA), whether its activity stream is connected, since when
 * XAA has been live (DM polling stops while it is) and when its last event came.
 */
export const migration0025ChannelActivity: Migration = {
  name: '0025-channel-activity',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('channel_activity')
      .addColumn('channel_id', 'text', (c) => c.primaryKey().references('channels.id').onDelete('cascade'))
      .addColumn('subscription_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('webhook_id', 'text')
      .addColumn('stream_state', 'text', (c) => c.notNull().defaultTo('off'))
      .addColumn('live_since', 'bigint')
      .addColumn('last_event_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
