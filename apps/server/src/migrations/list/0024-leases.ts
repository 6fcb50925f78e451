import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Leases held by one process of the desk at a time (the scheduler's leadership): the holder renews its row
 * before `expires_at`; once that passes without renewal, another process may take it over.
 */
export const migration0024Leases: Migration = {
  name: '0024-leases',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
