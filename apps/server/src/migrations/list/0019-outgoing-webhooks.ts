import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Outgoing webhooks (F29): URLs an admin registers to hear about case and message events, signed with a
 * per-webhook secret (sealed like channel credentials), and a log with one row per delivery attempt.
 * The dispatch state (a watermark in the event log) and the marker of dispatched events make each event
 * go to each webhook once, even when two schedulers run or events commit late.
 */
export const migration0019OutgoingWebhooks: Migration = {
  name: '0019-outgoing-webhooks',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('outgoing_webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      /** JSON array of event types (`case.created`, …). */
      .addColumn('events', 'text', (c) => c.notNull())
      /** The signing secret, sealed with the SecretBox; shown once, at creation. */
      .addColumn('secret', 'text', (c) => c.notNull())
      /** 1: loopback, private and plain-http addresses are allowed (a receiver on the same machine). */
      .addColumn('allow_private', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      /** Failed attempts in a row; reset by a success. */
      .addColumn('failure_count', 'integer', (c) => c.notNull())
      /** Why it was switched off automatically (`too_many_failures`), null when an admin did it. */
      .addColumn('disabled_reason', 'text')
      .addColumn('disabled_at', 'bigint')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('outgoing_webhooks_workspace_idx').on('outgoing_webhooks').columns(['workspace_id']).execute();
    await s
      .createTable('outgoing_webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('outgoing_webhooks.id').onDelete('cascade'))
      /** The delivery's own id (the `id` of the JSON body): the same on every attempt, for receivers to dedupe. */
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      /** The JSON body as sent. */
      .addColumn('payload', 'text', (c) => c.notNull())
      /** `delivered`, `failed` (retried later), `abandoned` (no more retries). */
      .addColumn('status', 'text', (c) => c.notNull())
      /** The attempt number of this row, 1 for the first. */
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    await s
      .createIndex('outgoing_webhook_deliveries_log_idx')
      .on('outgoing_webhook_deliveries')
      .expression(sql`webhook_id, created_at desc, id`)
      .execute();
    await s
      .createTable('outgoing_webhook_state')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** Latest event time dispatched; each round rereads a margin before it for events that committed late. */
      .addColumn('events_after', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createTable('outgoing_webhook_dispatched')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
