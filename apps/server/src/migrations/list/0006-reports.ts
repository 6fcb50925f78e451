import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * Indexes for the reports (F24). Both cover their queries so a report reads only the index, never the
 * table: cases by opening time, inbound and outbound posts by time.
 */
export const migration0006Reports: Migration = {
  name: '0006-reports',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
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
        'first_response_at',
        'resolved_at',
        'last_inbound_at',
      ])
      .execute();
    await s
      .createIndex('messages_report_idx')
      .on('messages')
      .columns([
        'workspace_id',
        'created_at',
        'direction',
        'conversation_id',
        'channel_id',
        'delivery_status',
        'author_agent_id',
        'sentiment',
        'lang',
      ])
      .execute();
  },
};
