/**
 * npm run bench:ingest — inbound posts per second through the whole ingestion path (dedupe, contact
 * upsert, threading, case attach, store, events, cursor) on SQLite and PostgreSQL, beside the rows per
 * second of a raw batched insert of the same message rows on the same database in the same run.
 * Medians of several runs, each on a fresh database. Last line: one JSON object.
 */
import { sql, type Kysely } from 'kysely';
import { ingestBatch } from '../src/modules/conversations/ingestion/ingest.ts';
import { newId } from '../src/platform/ids.ts';
import { createStorageFixture } from '../test/factories.ts';
import type { TestDialect } from '../test/databases.ts';
import { generateInbound } from './ingest-data.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const PAGE = 100; // one mentions page
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function ingestRun(dialect: TestDialect): Promise<number> {
  const f = await createStorageFixture(dialect);
  try {
    const items = generateInbound(POSTS);
    const started = performance.now();
    for (let i = 0; i < items.length; i += PAGE) {
      const page = items.slice(i, i + PAGE);
      await ingestBatch(
        { db: f.database.db, clock: f.clock },
        {
          channel: f.channel,
          feed: 'mentions',
          items: page,
          nextCursor: page[page.length - 1]!.externalId,
        },
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const stored = await f.database.db
      .selectFrom('messages')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== POSTS) throw new Error(`stored ${stored.n} of ${POSTS}`);
    return POSTS / seconds;
  } finally {
    await f.close();
  }
}

/** The same message rows, inserted 500 at a time into a copy of the messages table without constraints. */
async function rawRun(dialect: TestDialect): Promise<number> {
  const f = await createStorageFixture(dialect);
  try {
    const db = f.database.db;
    if (dialect === 'sqlite') await sql`create table raw_messages as select * from messages where 0`.execute(db);
    else await sql`create table raw_messages (like messages)`.execute(db);
    const now = Date.now();
    const rows = generateInbound(POSTS).map((item) => ({
      id: newId(now),
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      conversation_id: item.conversationExternalId,
      direction: 'inbound',
      visibility: item.visibility,
      kind: item.kind,
      external_id: item.externalId,
      in_reply_to_external_id: item.inReplyToExternalId ?? null,
      in_reply_to_message_id: null,
      author_identity_id: item.author.externalId,
      author_agent_id: null,
      text: item.text,
      lang: item.lang ?? null,
      url: item.url ?? null,
      created_at: item.createdAt.getTime(),
      recorded_at: now,
      delivery_status: null,
      delivery_error: null,
      delivery_attempts: 0,
      idempotency_key: null,
      raw: JSON.stringify(item.raw),
    }));
    const raw = db as unknown as Kysely<{ raw_messages: (typeof rows)[number] }>;
    const started = performance.now();
    await raw.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto('raw_messages')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await f.close();
  }
}

async function benchDialect(dialect: TestDialect) {
  const ingest: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    ingest.push(await ingestRun(dialect));
    raw.push(await rawRun(dialect));
  }
  const postsPerSecond = Math.round(median(ingest));
  const rawRowsPerSecond = Math.round(median(raw));
  const ratio = Number((postsPerSecond / rawRowsPerSecond).toFixed(3));
  console.log(
    `${dialect.padEnd(8)} ingestion ${postsPerSecond} posts/s (runs: ${ingest.map(Math.round).join(', ')}) · ` +
      `raw batched insert ${rawRowsPerSecond} rows/s (runs: ${raw.map(Math.round).join(', ')}) · ratio ${ratio}`,
  );
  return { postsPerSecond, rawRowsPerSecond, ratio };
}

console.log(`${POSTS} posts per run in pages of ${PAGE}, median of ${RUNS} runs, fresh database each run`);
const sqlite = await benchDialect('sqlite');
const postgres = await benchDialect('postgres');
console.log(JSON.stringify({ sqlite, postgres }));
