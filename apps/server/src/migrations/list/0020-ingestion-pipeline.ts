import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Rules run inside the ingestion transaction, each in isolation (issue 14): a rule that throws or names
 * something deleted is set aside and marked failing, with its last error and how many pages it failed on,
 * so leads see it on the rules screen while every other rule and every post still goes through. Cleared
 * when the rule next runs cleanly or is saved again.
 */
export const migration0020IngestionPipeline: Migration = {
  name: '0020-ingestion-pipeline',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('rules').addColumn('failing_since', 'bigint').execute();
    await db.schema.alterTable('rules').addColumn('last_error', 'text').execute();
    await db.schema
      .alterTable('rules')
      .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
