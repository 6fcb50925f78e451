import type { InboundItem } from '@guichet/connectors';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replyToCase } from '../src/modules/cases/cases.commands.ts';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import type { JobQueue } from '../src/platform/jobs/job-queue.ts';
import { InProcessRealtimeBus } from '../src/platform/realtime.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, CUSTOMER, inboundPost, type StorageFixture } from './factories.ts';
import { countingClassifier } from './ingestion-kit.ts';

/**
 * Issue 15: agents replying while ingestion writes the same cases. Replies used to lock the case row first
 * and keep it through their checks and inserts; a page touching that case waited, holding its other cases,
 * and under load the desk stalled on row locks (pool timeouts, 500s, posts not stored).
 */
describe.each(TEST_DIALECTS)('replies and ingestion on the same cases, on %s', (dialect) => {
  const CUSTOMERS = 12;
  let f: StorageFixture;
  let session: { sessionId: string; agentId: string; workspaceId: string; role: 'admin' };
  const classifier = countingClassifier();
  const customer = (i: number) => ({
    ...CUSTOMER,
    externalId: String(1500000000000001000n + BigInt(i)),
    handle: `client_${i}`,
    name: `Client ${i}`,
  });
  /** One post from each customer: a page that touches every case. */
  const pageOfAll = (round: number): InboundItem[] =>
    Array.from({ length: CUSTOMERS }, (_, i) => inboundPost({ author: customer(i), text: `@acme_sav round ${round}` }));
  const ingest = (items: InboundItem[]) =>
    ingestPage({ db: f.database.db, clock: f.clock, classifier }, { channel: f.channel, feed: 'mentions', items });
  const deps = (jobs: JobQueue) => ({ db: f.database.db, clock: f.clock, jobs, realtime: new InProcessRealtimeBus() });
  const caseIds = async () =>
    (await f.database.db.selectFrom('cases').select('id').orderBy('id').execute()).map((c) => c.id);

  beforeEach(async () => {
    f = await createStorageFixture(dialect);
    const admin = await f.database.db.selectFrom('agents').select(['id']).executeTakeFirstOrThrow();
    session = { sessionId: 'locks-test', agentId: admin.id, workspaceId: f.workspaceId, role: 'admin' };
    await ingest(pageOfAll(0));
  });
  afterEach(async () => {
    await f.close();
  });

  it.skipIf(dialect !== 'postgres')(
    'stores a page on a case while a reply to it is half-way through its transaction',
    async () => {
      const [target] = await caseIds();
      let reachedEnqueue!: () => void;
      const atEnqueue = new Promise<void>((resolve) => (reachedEnqueue = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const queue = new DatabaseJobQueue(f.database, f.clock);
      // The reply stops inside its transaction, after its checks and inserts, until the page is stored.
      const paused: JobQueue = {
        enqueue: async (job, tx) => {
          reachedEnqueue();
          await released;
          await queue.enqueue(job, tx);
        },
        notify: () => undefined,
      };
      const reply = replyToCase(deps(paused), session, target!, { text: 'We are on it.', confirm: true });
      await atEnqueue;
      // Before: the reply held the case row from its first statement, and this page waited for it.
      const stored = await ingest(pageOfAll(1));
      expect(stored.stored).toBe(CUSTOMERS);
      release();
      await expect(reply).resolves.toMatchObject({ direction: 'outbound', deliveryStatus: 'queued' });
      const row = await f.database.db
        .selectFrom('cases')
        .select(['message_count', 'assignee_agent_id'])
        .where('id', '=', target!)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ message_count: 3, assignee_agent_id: session.agentId });
    },
  );

  it('stores every post once and accepts every reply when both run at once', async () => {
    const ids = await caseIds();
    const jobs = new DatabaseJobQueue(f.database, f.clock);
    const ROUNDS = 8;
    const REPLIES_PER_ROUND = 6;
    // Two feeds of one channel (poll and stream), each storing pages while agents reply to the same cases.
    const feed = async (first: number) => {
      for (let round = first; round < first + ROUNDS; round++) await ingest(pageOfAll(round));
    };
    const agents = async () => {
      const results = [];
      for (let round = 0; round < ROUNDS; round++) {
        results.push(
          ...(await Promise.allSettled(
            Array.from({ length: REPLIES_PER_ROUND }, (_, k) =>
              replyToCase(deps(jobs), session, ids[(round * REPLIES_PER_ROUND + k) % ids.length]!, {
                text: `Reply ${round}-${k}: we are looking into it.`,
                idempotencyKey: `r-${round}-${k}`,
                confirm: true,
              }),
            ),
          )),
        );
      }
      return results;
    };
    const [, , replies] = await Promise.all([feed(1), feed(1 + ROUNDS), agents()]);

    expect(replies.filter((r) => r.status === 'rejected')).toEqual([]);
    const posts = 1 + 2 * ROUNDS;
    const inbound = await sql<{ n: number; distinct: number }>`
      select count(*) as n, count(distinct external_id) as ${sql.raw('"distinct"')}
      from messages where direction = 'inbound'`.execute(f.database.db);
    expect(inbound.rows[0]).toEqual({ n: posts * CUSTOMERS, distinct: posts * CUSTOMERS });
    const outbound = await f.database.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('direction', '=', 'outbound')
      .executeTakeFirstOrThrow();
    expect(Number(outbound.n)).toBe(ROUNDS * REPLIES_PER_ROUND);
    // No write was lost on either side: each case counts exactly the messages it holds.
    const counts = await sql<{ id: string; counted: number; held: number }>`
      select cases.id, cases.message_count as counted, count(messages.id) as held
      from cases
      join case_conversations on case_conversations.case_id = cases.id
      join messages on messages.conversation_id = case_conversations.conversation_id
      group by cases.id, cases.message_count`.execute(f.database.db);
    expect(counts.rows).toHaveLength(CUSTOMERS);
    for (const row of counts.rows) expect(Number(row.counted)).toBe(Number(row.held));
  });
});
