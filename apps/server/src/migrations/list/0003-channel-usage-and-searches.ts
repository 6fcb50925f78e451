import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/** The X spend meter (F27) and brand-monitoring searches (F3). */
export const migration0003ChannelUsageAndSearches: Migration = {
  name: '0003-channel-usage-and-searches',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('channel_usage')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      // UTC day, YYYY-MM-DD: X de-duplicates and bills by UTC day.
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('units', 'bigint', (c) => c.notNull())
      // Millionths of a US dollar: exact integer sums for prices like $0.005.
      .addColumn('cost_micros', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_usage_pk', ['channel_id', 'day', 'category'])
      .execute();

    await db.schema
      .createTable('channel_searches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('channel_searches_channel_idx').on('channel_searches').column('channel_id').execute();
  },
};
