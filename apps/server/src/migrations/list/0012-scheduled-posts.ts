import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Brand posts not tied to a case (F23, and the status posts of absences, greetings and incidents).
 * A post is written once and published by the scheduler through the delivery outbox: `sending` is committed
 * before the network call, so a crash afterwards is reconciled (the post is looked for on X and adopted)
 * instead of posted again. `origin_key` makes automatic posts idempotent: one per key and workspace
 * (both databases let several NULLs coexist under a unique constraint, so manual posts are not limited).
 */
export const migration0012ScheduledPosts: Migration = {
  name: '0012-scheduled-posts',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('scheduled_posts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('publish_at', 'bigint', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('origin_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_attempt_at', 'bigint')
      .addColumn('external_id', 'text')
      .addColumn('url', 'text')
      .addColumn('error', 'text')
      .addColumn('sent_at', 'bigint')
      .addColumn('created_by_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('scheduled_posts_origin_key_unique', ['workspace_id', 'origin_key'])
      .execute();
    // The scheduler's due check: scheduled posts whose time has come, oldest first.
    await s.createIndex('scheduled_posts_due_idx').on('scheduled_posts').columns(['status', 'publish_at']).execute();
    // The calendar: one workspace's posts within a date range.
    await s
      .createIndex('scheduled_posts_calendar_idx')
      .on('scheduled_posts')
      .columns(['workspace_id', 'publish_at'])
      .execute();
  },
};
