import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Report roll-ups (F24): one row per workspace and UTC day holding that day's report facts (counts and
 * duration histograms, per channel), so a month's report reads 30 rows instead of 80,000 cases. A day's
 * row is recomputed from the cases, posts and clocks whenever an event touches it (report_rollup_state is
 * the watermark in the event log). The events index serves that watermark read; the cases and messages
 * indexes let a day's facts be read from indexes alone.
 */
export const migration0014ReportRollups: Migration = {
  name: '0014-report-rollups',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('report_days')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      /** Start of the UTC day, ms. */
      .addColumn('day', 'bigint', (c) => c.notNull())
      /** JSON: the day's facts per channel (see modules/reports/report-facts.ts). */
      .addColumn('facts', 'text', (c) => c.notNull())
      /** Business hours the business-time figures were counted with: a change makes the row stale. */
      .addColumn('hours_version', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('report_days_pk', ['workspace_id', 'day'])
      .execute();
    await s
      .createTable('report_rollup_state')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      /** Latest event time already applied; the next refresh rereads a safety margin before it. */
      .addColumn('events_after', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('events_time_idx').on('events').columns(['workspace_id', 'occurred_at']).execute();
    // Covering again with the team (per-team figures): a day's facts read only the index, never the table.
    await s.dropIndex('cases_report_idx').execute();
    await s
      .createIndex('cases_report_idx')
      .on('cases')
      .columns([
        'workspace_id',
        'opened_at',
        'channel_id',
        'type',
        'priority',
        'assignee_agent_id',
        'team_id',
        'first_response_at',
        'resolved_at',
        'last_inbound_at',
      ])
      .execute();
    // Satisfaction survey (F25): the workspace's switch and texts, and one survey per case (the key is the
    // promise that a case is asked once, whoever runs the round).
    await s
      .createTable('survey_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('template_fr', 'text', (c) => c.notNull())
      .addColumn('template_en', 'text', (c) => c.notNull())
      /** When last switched on: cases resolved before it are never asked. */
      .addColumn('enabled_at', 'bigint')
      .addColumn('updated_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createTable('case_surveys')
      .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      /** The survey DM (an outbound message delivered through the outbox); null: nobody to ask. */
      .addColumn('message_id', 'text')
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addColumn('rating', 'integer')
      /** The customer's words after the rating, stored as written. */
      .addColumn('comment', 'text')
      .addColumn('answered_at', 'bigint')
      .addColumn('answer_message_id', 'text')
      .execute();
    await s.createIndex('case_surveys_sent_idx').on('case_surveys').columns(['workspace_id', 'sent_at']).execute();
    await s.createIndex('case_surveys_pending_idx').on('case_surveys').columns(['answered_at', 'sent_at']).execute();
    // A pending survey looks for the customer's direct messages after it was sent.
    await s.createIndex('messages_author_idx').on('messages').columns(['author_identity_id', 'created_at']).execute();

    // Next response: the post before a customer's and the reply after it, from the index alone.
    await s
      .createIndex('messages_thread_turns_idx')
      .on('messages')
      .columns(['conversation_id', 'created_at', 'direction', 'delivery_status'])
      .execute();
  },
};
