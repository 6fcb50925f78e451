/**
 * Old resolved cases for the inbox's bounded search (decision 0015), written into a running desk's SQLite
 * database: `node --import tsx e2e/seed-search.ts <data dir>`. 2,100 cases whose message says "quokka" (more
 * messages than the search lists, so it is tested case by case), then, more recent, 2,000 that do not (a
 * whole window of the scan): the newest page of a search for "quokka" among resolved cases stops after
 * 2,000 cases without a match, and the next one finds them. All in 2020, resolved, so no other screen's
 * queue or month shows them. Once per desk.
 */
import path from 'node:path';
import { openDatabase } from '../apps/server/src/platform/db/database.ts';

const MATCHING = 2100;
const OTHERS = 2000;

function rowsOf(i: number, workspaceId: string, channelId: string) {
  const n = String(i).padStart(5, '0');
  const at = Date.parse('2020-03-01T09:00:00Z') + i * 60_000;
  const text = i < MATCHING ? `@acme_sav quokka égaré numéro ${i}` : `@acme_sav vieille commande numéro ${i}`;
  const ws = { workspace_id: workspaceId };
  return {
    contact: { id: `scan-ct${n}`, ...ws, name: `Archive ${n}`, created_at: at, updated_at: at },
    identity: {
      id: `scan-id${n}`,
      ...ws,
      contact_id: `scan-ct${n}`,
      network: 'x' as const,
      external_id: `88${n}`,
      handle: `archive_${n}`,
      name: `Archive ${n}`,
      avatar_url: null,
      description: null,
      followers_count: 0,
      verified: 0,
      created_at: at,
      updated_at: at,
    },
    conversation: {
      id: `scan-cv${n}`,
      ...ws,
      channel_id: channelId,
      visibility: 'public',
      external_id: `77${n}`,
      created_at: at,
    },
    message: {
      id: `scan-ms${n}`,
      ...ws,
      channel_id: channelId,
      conversation_id: `scan-cv${n}`,
      direction: 'inbound',
      visibility: 'public',
      kind: 'mention',
      external_id: `77${n}`,
      author_identity_id: `scan-id${n}`,
      text,
      lang: 'fr',
      created_at: at,
      recorded_at: at,
      delivery_attempts: 0,
      type: 'question',
      sentiment: 'neutral',
      priority: 3,
    },
    case: {
      id: `scan-cs${n}`,
      ...ws,
      channel_id: channelId,
      contact_id: `scan-ct${n}`,
      status: 'resolved',
      priority: 3,
      preview: text,
      message_count: 1,
      opened_at: at,
      last_message_at: at,
      last_inbound_at: at,
      resolved_at: at + 3_600_000,
      updated_at: at + 3_600_000,
      type: 'question',
      lang: 'fr',
    },
    link: { case_id: `scan-cs${n}`, conversation_id: `scan-cv${n}`, linked_at: at },
  };
}

async function main() {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('Usage: seed-search.ts <data dir>');
  const database = await openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') });
  const db = database.db;
  try {
    const there = await db.selectFrom('cases').select('id').where('id', '=', 'scan-cs00000').executeTakeFirst();
    if (there) {
      console.log('Seeded 0 old cases (already there).');
      return;
    }
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const channel = await db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .where('handle', '=', 'acme_sav')
      .executeTakeFirstOrThrow();
    const rows = Array.from({ length: MATCHING + OTHERS }, (_, i) => rowsOf(i, workspace.id, channel.id));
    await db.transaction().execute(async (tx) => {
      for (let from = 0; from < rows.length; from += 200) {
        const chunk = rows.slice(from, from + 200);
        await tx
          .insertInto('contacts')
          .values(chunk.map((r) => r.contact))
          .execute();
        await tx
          .insertInto('identities')
          .values(chunk.map((r) => r.identity))
          .execute();
        await tx
          .insertInto('conversations')
          .values(chunk.map((r) => r.conversation) as never)
          .execute();
        await tx
          .insertInto('messages')
          .values(chunk.map((r) => r.message) as never)
          .execute();
        await tx
          .insertInto('cases')
          .values(chunk.map((r) => r.case) as never)
          .execute();
        await tx
          .insertInto('case_conversations')
          .values(chunk.map((r) => r.link))
          .execute();
      }
    });
    console.log(`Seeded ${rows.length} old cases, ${MATCHING} of them saying "quokka".`);
  } finally {
    await database.close();
  }
}

await main();
