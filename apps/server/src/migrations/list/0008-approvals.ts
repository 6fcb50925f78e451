import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Approvals of trainees' replies (F17) and likes / reposts from the case (F16).
 * A reply waiting for approval is a message in `pending_approval`: no delivery job exists for it until a
 * lead approves, so the delivery worker never sees it. One engagement per (message, kind): never twice.
 * Also the work queue's index (npm run bench:inbox): cases in the order the queue shows them, most urgent
 * then oldest, so a page of 100,000 cases reads 50 index entries instead of sorting them all.
 */
export const migration0008Approvals: Migration = {
  name: '0008-approvals',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('requested_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('original_text', 'text')
      .addColumn('decided_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('decided_at', 'bigint')
      .addColumn('comment', 'text')
      .execute();
    // The leads' queue: what waits, oldest first.
    await s
      .createIndex('approvals_queue_idx')
      .on('approvals')
      .columns(['workspace_id', 'status', 'requested_at'])
      .execute();

    await s
      .createTable('engagements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('set null'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('requested_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('engagements_message_kind_unique', ['message_id', 'kind'])
      .execute();

    // The same expression as the queue's ORDER BY (cases.repository.ts `priorityRank`), for both dialects.
    await s
      .createIndex('cases_queue_idx')
      .on('cases')
      .expression(sql`workspace_id, coalesce(priority, 9), opened_at, id`)
      .execute();
    // A status filter (Pending…) and "Mine", in the same order.
    await s
      .createIndex('cases_queue_status_idx')
      .on('cases')
      .expression(sql`workspace_id, status, coalesce(priority, 9), opened_at, id`)
      .execute();
    await s
      .createIndex('cases_queue_assignee_idx')
      .on('cases')
      .expression(sql`assignee_agent_id, coalesce(priority, 9), opened_at, id`)
      .execute();
  },
};
