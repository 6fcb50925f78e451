import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrateToLatest, migrations, pendingMigrations } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { readCursor } from '../src/modules/channels/channels.repository.ts';
import { listCaseMessages, listCases, findCaseRow } from '../src/modules/cases/cases.repository.ts';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { writeCaseSettings } from '../src/modules/workspace/workspace.settings.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import { RetryJobAt } from '../src/platform/jobs/job-queue.ts';
import { TEST_DIALECTS } from './databases.ts';
import { BRAND, CUSTOMER, createStorageFixture, inboundPost, silentLogger, type StorageFixture } from './factories.ts';

describe.each(TEST_DIALECTS)('storage on %s', (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  const ingest = (items: ReturnType<typeof inboundPost>[], nextCursor: string | null = null) =>
    ingestPage({ db: f.database.db, clock: f.clock }, { channel: f.channel, feed: 'mentions', items, nextCursor });

  describe('migrations and first start', () => {
    it('applies the whole list once; a second run changes nothing', async () => {
      expect(await pendingMigrations(f.database.db)).toEqual([]);
      const again = await migrateToLatest(f.database.db);
      expect(again).toEqual({ applied: [], alreadyApplied: migrations.length });
    });

    it('creates the workspace and its first admin once, with the given credentials', async () => {
      const agents = await f.database.db.selectFrom('agents').select(['email', 'role']).execute();
      expect(agents).toEqual([{ email: 'admin@acme.test', role: 'admin' }]);
      const second = await bootstrapWorkspace(
        { db: f.database.db, clock: f.clock },
        { email: 'other@acme.test', password: undefined },
      );
      expect(second).toEqual({ workspaceId: f.workspaceId });
      expect(await f.database.db.selectFrom('workspaces').select('id').execute()).toHaveLength(1);
    });
  });

  describe('ingestion', () => {
    it('turns a mention into a contact, a conversation, a case and a message, and advances the cursor', async () => {
      const post = inboundPost();
      const result = await ingest([post], post.externalId);
      expect(result).toMatchObject({ stored: 1, duplicates: 0, echoes: 0 });
      expect(await readCursor(f.database.db, f.channel.id, 'mentions')).toBe(post.externalId);
      const { cases } = await listCases(f.database.db, f.workspaceId, { limit: 10 });
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({
        status: 'open',
        preview: post.text,
        messageCount: 1,
        contact: { name: CUSTOMER.name, handle: CUSTOMER.handle, network: 'x' },
      });
      const events = await f.database.db
        .selectFrom('events')
        .select('type')
        .where('case_id', '=', cases[0]!.id)
        .execute();
      expect(events.map((e) => e.type).sort()).toEqual(['case.opened', 'message.received']);
    });

    it('stores each network post once, however often it is fetched', async () => {
      const post = inboundPost();
      await ingest([post]);
      const again = await ingest([post, post]);
      expect(again).toMatchObject({ stored: 0, duplicates: 2 });
      expect(await f.database.db.selectFrom('messages').select('id').execute()).toHaveLength(1);
    });

    it('never imports the brand account’s own posts as new work', async () => {
      const echo = inboundPost({ author: { externalId: BRAND.externalId, handle: BRAND.handle, name: BRAND.name } });
      expect(await ingest([echo])).toMatchObject({ stored: 0, echoes: 1 });
      expect(await f.database.db.selectFrom('cases').select('id').execute()).toHaveLength(0);
    });

    it('threads a reply into the case of its conversation and links it to its parent', async () => {
      const first = inboundPost();
      const reply = inboundPost({
        conversationExternalId: first.externalId,
        inReplyToExternalId: first.externalId,
        kind: 'reply',
      });
      await ingest([first, reply]);
      const { cases } = await listCases(f.database.db, f.workspaceId, { limit: 10 });
      expect(cases).toHaveLength(1);
      expect(cases[0]!.messageCount).toBe(2);
      const caseRow = (await findCaseRow(f.database.db, f.workspaceId, cases[0]!.id))!;
      const messages = await listCaseMessages(f.database.db, caseRow);
      expect(messages.map((m) => m.externalId)).toEqual([first.externalId, reply.externalId]);
      expect(messages[1]!.inReplyToMessageId).toBe(messages[0]!.id);
    });

    it('attributes a third party in the thread to themselves, not to the customer', async () => {
      const first = inboundPost();
      const bystander = inboundPost({
        conversationExternalId: first.externalId,
        inReplyToExternalId: first.externalId,
        author: { externalId: '1500000000000000999', handle: 'bystander', name: 'Bob Bystander' },
        text: `@${CUSTOMER.handle} @${BRAND.handle} same here!`,
      });
      await ingest([first, bystander]);
      const { cases } = await listCases(f.database.db, f.workspaceId, { limit: 10 });
      expect(cases).toHaveLength(1);
      const messages = await listCaseMessages(
        f.database.db,
        (await findCaseRow(f.database.db, f.workspaceId, cases[0]!.id))!,
      );
      expect(messages.map((m) => m.author)).toEqual([
        expect.objectContaining({ kind: 'contact', handle: CUSTOMER.handle, isCaseContact: true }),
        expect.objectContaining({ kind: 'contact', handle: 'bystander', name: 'Bob Bystander', isCaseContact: false }),
      ]);
    });

    it('reopens a resolved case when the customer writes again in its thread', async () => {
      const first = inboundPost();
      await ingest([first]);
      await f.database.db
        .updateTable('cases')
        .set({ status: 'resolved', resolved_at: f.clock.now().getTime() })
        .execute();
      f.clock.advanceBy(3_600_000);
      await ingest([inboundPost({ conversationExternalId: first.externalId, inReplyToExternalId: first.externalId })]);
      const [caseRow] = await f.database.db.selectFrom('cases').selectAll().execute();
      expect(caseRow).toMatchObject({ status: 'open', resolved_at: null, message_count: 2 });
      const types = await f.database.db
        .selectFrom('events')
        .select('type')
        .where('case_id', '=', caseRow!.id)
        .execute();
      expect(types.map((t) => t.type)).toContain('case.reopened');
    });

    it('opens a new case instead when the workspace prefers it, keeping the thread linked to both', async () => {
      await writeCaseSettings(f.database.db, f.workspaceId, { afterResolved: 'new_case' });
      const first = inboundPost();
      await ingest([first]);
      await f.database.db
        .updateTable('cases')
        .set({ status: 'resolved', resolved_at: f.clock.now().getTime() })
        .execute();
      f.clock.advanceBy(60_000);
      await ingest([inboundPost({ conversationExternalId: first.externalId, inReplyToExternalId: first.externalId })]);
      f.clock.advanceBy(60_000);
      const cases = await f.database.db
        .selectFrom('cases')
        .select(['status', 'message_count'])
        .orderBy('opened_at')
        .orderBy('id')
        .execute();
      expect(cases).toEqual([
        { status: 'resolved', message_count: 1 },
        { status: 'open', message_count: 1 },
      ]);
      // A third message in the thread goes to the new, open case.
      await ingest([inboundPost({ conversationExternalId: first.externalId })]);
      const counts = await f.database.db
        .selectFrom('cases')
        .select('message_count')
        .orderBy('opened_at')
        .orderBy('id')
        .execute();
      expect(counts.map((c) => c.message_count)).toEqual([1, 2]);
    });

    it('stores hostile text exactly as received', async () => {
      const hostile = `<script>alert("x")</script> ' OR 1=1 -- \u202Eevil\u200B 👩🏽‍💻 ${'A'.repeat(20_000)}`;
      await ingest([inboundPost({ text: hostile })]);
      const [message] = await f.database.db.selectFrom('messages').select('text').execute();
      expect(message!.text).toBe(hostile);
      const { cases } = await listCases(f.database.db, f.workspaceId, { limit: 1 });
      expect(cases[0]!.preview.length).toBeLessThanOrEqual(140);
    });

    it('keeps nothing of a batch that fails half-way: no messages, no cursor move', async () => {
      const good = inboundPost();
      const bad = inboundPost({ raw: { value: 10n } }); // BigInt cannot be serialised: the insert throws
      await expect(ingest([good, bad], bad.externalId)).rejects.toThrow();
      expect(await f.database.db.selectFrom('messages').select('id').execute()).toHaveLength(0);
      expect(await f.database.db.selectFrom('contacts').select('id').execute()).toHaveLength(0);
      expect(await readCursor(f.database.db, f.channel.id, 'mentions')).toBeNull();
    });
  });

  describe('inbox listing', () => {
    it('lists newest activity first and pages without gaps or repeats', async () => {
      const posts = Array.from({ length: 7 }, (_, i) =>
        inboundPost({
          author: { externalId: `16000000000000000${10 + i}`, handle: `customer_${i}`, name: `Customer ${i}` },
        }),
      );
      await ingest(posts);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listCases(f.database.db, f.workspaceId, { limit: 3, cursor });
        seen.push(...page.cases.map((c) => c.contact.handle!));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(posts.map((p) => p.author.handle).reverse());
    });

    it('filters by status', async () => {
      await ingest([inboundPost()]);
      expect((await listCases(f.database.db, f.workspaceId, { limit: 10, status: 'resolved' })).cases).toEqual([]);
      expect((await listCases(f.database.db, f.workspaceId, { limit: 10, status: 'open' })).cases).toHaveLength(1);
    });
  });

  describe('job queue', () => {
    it('keeps one pending job per dedupe key and runs due jobs in order', async () => {
      const queue = new DatabaseJobQueue(f.database, f.clock);
      const ran: string[] = [];
      const worker = queue.createWorker({ work: async (p) => void ran.push(String(p.n)) }, silentLogger);
      await queue.enqueue({ name: 'work', payload: { n: 1 }, dedupeKey: 'k' });
      await queue.enqueue({ name: 'work', payload: { n: 2 }, dedupeKey: 'k' });
      await queue.enqueue({ name: 'work', payload: { n: 3 } });
      await queue.enqueue({ name: 'work', payload: { n: 4 }, runAt: f.clock.now().getTime() + 60_000 });
      expect(await worker.drain()).toBe(2);
      expect(ran).toEqual(['1', '3']);
      f.clock.advanceBy(60_000);
      expect(await worker.drain()).toBe(1);
      expect(ran).toEqual(['1', '3', '4']);
      // Finished jobs free their key.
      await queue.enqueue({ name: 'work', payload: { n: 5 }, dedupeKey: 'k' });
      expect(await worker.drain()).toBe(1);
    });

    it('commits a job with the transaction that enqueued it, and drops it on rollback', async () => {
      const queue = new DatabaseJobQueue(f.database, f.clock);
      await f.database.db
        .transaction()
        .execute(async (tx) => {
          await queue.enqueue({ name: 'work', payload: {} }, tx);
          throw new Error('rollback');
        })
        .catch(() => undefined);
      expect(await f.database.db.selectFrom('jobs').select('id').execute()).toHaveLength(0);
    });

    it('retries a failed job with backoff, and at the asked time after RetryJobAt', async () => {
      const queue = new DatabaseJobQueue(f.database, f.clock);
      const handler = vi
        .fn()
        .mockRejectedValueOnce(new Error('boom'))
        .mockRejectedValueOnce(new RetryJobAt(f.clock.now().getTime() + 10 * 60_000, 'rate limited'))
        .mockResolvedValueOnce(undefined);
      const worker = queue.createWorker({ work: handler }, silentLogger);
      await queue.enqueue({ name: 'work', payload: {} });
      await worker.drain();
      const [afterFailure] = await f.database.db.selectFrom('jobs').selectAll().execute();
      expect(afterFailure).toMatchObject({ attempts: 1, last_error: 'boom', locked_until: null });
      expect(afterFailure!.run_at).toBeGreaterThan(f.clock.now().getTime());
      f.clock.advanceBy(60_000);
      await worker.drain();
      const [afterRetryAt] = await f.database.db.selectFrom('jobs').selectAll().execute();
      expect(afterRetryAt!.run_at).toBe(f.clock.now().getTime() - 60_000 + 10 * 60_000);
      expect(afterRetryAt!.attempts).toBe(1); // a planned retry is not a failure
      f.clock.advanceBy(10 * 60_000);
      await worker.drain();
      expect(handler).toHaveBeenCalledTimes(3);
      expect(await f.database.db.selectFrom('jobs').select('id').execute()).toHaveLength(0);
    });
  });

  it('answers a round trip and reports its dialect', async () => {
    await f.database.ping();
    expect(f.database.dialect).toBe(dialect);
    const { rows } = await sql<{ n: number }>`select count(*) as n from cases`.execute(f.database.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
