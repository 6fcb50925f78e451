import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../../../test/databases.ts';
import { CUSTOMER, createStorageFixture, inboundPost, type StorageFixture } from '../../../../../test/factories.ts';
import { ingestItems, pageContext, runStagesThrough } from '../../../../../test/ingestion-kit.ts';
import { insertRows } from '../../../../platform/db/bulk-insert.ts';
import type { NewRow } from '../../../../platform/db/schema.ts';
import { linkedCasesStatement, loadPageCases, openCasesStatement } from './case-lookups.ts';

const other = { externalId: '1500000000000000199', handle: 'other_199', name: 'Other' };

describe.each(TEST_DIALECTS)("the cases stage's lookups (%s)", (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  it("finds every case holding the page's conversations, oldest first, and the authors' unresolved cases", async () => {
    const root = inboundPost();
    await ingestItems(f, [root, inboundPost({ author: other })]);
    const db = f.database.db;
    const first = await db
      .selectFrom('cases')
      .innerJoin('case_conversations', 'case_conversations.case_id', 'cases.id')
      .innerJoin('conversations', 'conversations.id', 'case_conversations.conversation_id')
      .select(['cases.id', 'cases.contact_id', 'cases.opened_at', 'conversations.id as conversationId'])
      .where('conversations.external_id', '=', root.conversationExternalId)
      .executeTakeFirstOrThrow();
    // The customer's first case is resolved; a later case (a split, say) holds the same thread.
    await db.updateTable('cases').set({ status: 'resolved', resolved_at: 1 }).where('id', '=', first.id).execute();
    const later: NewRow<'cases'> = {
      id: 'case-later',
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      contact_id: first.contact_id,
      status: 'pending',
      priority: null,
      assignee_agent_id: null,
      team_id: null,
      preview: '',
      message_count: 1,
      opened_at: Number(first.opened_at) + 1,
      last_message_at: Number(first.opened_at) + 1,
      last_inbound_at: null,
      first_response_at: null,
      resolved_at: null,
      updated_at: 1,
      snoozed_until: null,
      snooze_reminder: null,
      type: null,
      priority_reason: null,
      sla_priority: null,
    };
    await insertRows(db, 'cases', [later]);
    await insertRows(db, 'case_conversations', [
      { case_id: later.id, conversation_id: first.conversationId, linked_at: 1 },
    ]);

    const found = await db.transaction().execute(async (tx) => {
      const ctx = pageContext(f, tx, [inboundPost({ author: CUSTOMER, conversationExternalId: root.externalId })]);
      await runStagesThrough(ctx, 'threading');
      return loadPageCases(ctx);
    });
    expect(found.linked.map((c) => [c.id, c.status, c.conversationId])).toEqual([
      [first.id, 'resolved', first.conversationId],
      [later.id, 'pending', first.conversationId],
    ]);
    expect(found.open.map((c) => [c.id, c.contactId, c.channelId])).toEqual([
      [later.id, first.contact_id, f.channel.id],
    ]);
  });
});

// PostgreSQL only: SQLite keeps its `in (…)` lookups.
describe.each(TEST_DIALECTS.filter((d) => d === 'postgres'))("the cases stage's lookup plans (%s)", (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  it('probes each key by index before any ANALYZE, not a scan of the tables', async () => {
    const db = f.database.db;
    const now = f.clock.now().getTime();
    const n = 3000;
    const ids = Array.from({ length: n }, (_, i) => String(i).padStart(5, '0'));
    await insertRows(
      db,
      'contacts',
      ids.map((i) => ({
        id: `contact-${i}`,
        workspace_id: f.workspaceId,
        name: i,
        created_at: now,
        updated_at: now,
      })),
    );
    await insertRows(
      db,
      'conversations',
      ids.map((i) => ({
        id: `conversation-${i}`,
        workspace_id: f.workspaceId,
        channel_id: f.channel.id,
        visibility: 'public' as const,
        external_id: i,
        created_at: now,
      })),
    );
    await sql`insert into cases (id, workspace_id, channel_id, contact_id, status, preview, message_count, opened_at,
        last_message_at, updated_at)
      select 'case-' || substr(id, 9), workspace_id, ${f.channel.id}, id, 'open', '', 1, ${now}, ${now}, ${now}
      from contacts where id like 'contact-%'`.execute(db);
    await sql`insert into case_conversations (case_id, conversation_id, linked_at)
      select 'case-' || substr(id, 14), id, ${now} from conversations where id like 'conversation-%'`.execute(db);

    const keys = ids.slice(0, 100);
    const plan = async (statement: ReturnType<typeof linkedCasesStatement | typeof openCasesStatement>) =>
      (await sql<{ 'QUERY PLAN': string }>`explain ${statement}`.execute(db)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    const linked = await plan(linkedCasesStatement(keys.map((i) => `conversation-${i}`)));
    const open = await plan(openCasesStatement(keys.map((i) => `contact-${i}`)));
    for (const text of [linked, open]) expect(text).not.toMatch(/Seq Scan on (cases|case_conversations)/);
    expect(linked).toMatch(/case_conversations_conversation_idx/);
    expect(open).toMatch(/cases_contact_idx/);
    // And the rows they find.
    const rows = await linkedCasesStatement(['conversation-00007']).execute(db);
    expect(rows.rows.map((r) => [r.id, r.conversationId])).toEqual([['case-00007', 'conversation-00007']]);
  });
});
