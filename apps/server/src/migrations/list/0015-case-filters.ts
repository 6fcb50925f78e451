import { sql, type Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * The queue's remaining filters (F6: type, priority, language, team), each served by an index in the
 * queue's order (most urgent, then oldest) so a filtered page of 100,000 cases reads a few index entries
 * (npm run bench:inbox). The priority filter uses the existing queue index (`coalesce(priority, 9) in …`).
 * The language lives on messages: the case keeps its customer's language (`cases.lang`, the first inbound
 * message's detected language, set by ingestion), so the filter is a condition on `cases` alone.
 */
export const migration0015CaseFilters: Migration = {
  name: '0015-case-filters',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('cases').addColumn('lang', 'text').execute();
    await sql`update cases set lang = (
        select m.lang from case_conversations cc
        join messages m on m.conversation_id = cc.conversation_id
        where cc.case_id = cases.id and m.direction = 'inbound' and m.lang is not null
        order by m.created_at, m.id limit 1)`.execute(db);
    await s
      .createIndex('cases_queue_type_idx')
      .on('cases')
      .expression(sql`workspace_id, type, coalesce(priority, 9), opened_at, id`)
      .execute();
    await s
      .createIndex('cases_queue_lang_idx')
      .on('cases')
      .expression(sql`workspace_id, lang, coalesce(priority, 9), opened_at, id`)
      .execute();
    await s
      .createIndex('cases_queue_team_idx')
      .on('cases')
      .expression(sql`team_id, coalesce(priority, 9), opened_at, id`)
      .execute();
  },
};
