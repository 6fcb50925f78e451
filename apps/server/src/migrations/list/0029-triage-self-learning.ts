import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Triage that learns by itself (issue 17): a retrain also rebuilds the sentiment model when agents labelled
 * sentiment (its file sits beside the type model's, its hash here), and retrains start by themselves
 * (nightly, after every N labels) as well as at a lead's request: `trigger` says which. Labels record
 * where they came from (a case correction, or an answer in the help-triage queue).
 */
export const migration0029TriageSelfLearning: Migration = {
  name: '0029-triage-self-learning',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('triage_models').addColumn('sentiment_sha256', 'text').execute();
    /** `lead` | `nightly` | `corrections`; existing rows were all requested by a lead. */
    await db.schema
      .alterTable('triage_models')
      .addColumn('trigger', 'text', (c) => c.notNull().defaultTo('lead'))
      .execute();
    /** `correction` | `help`. */
    await db.schema
      .alterTable('triage_labels')
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('correction'))
      .execute();
  },
};
