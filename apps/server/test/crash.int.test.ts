import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { replyToCase } from '../src/modules/cases/cases.commands.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import { InProcessRealtimeBus } from '../src/platform/realtime.ts';
import { sleep, startDeskProcess, waitUntil } from './worker-process.ts';

const KILLS = 50;
// A deterministic sequence of kill delays; the process timing around them is what varies run to run.
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * Real desk processes are SIGKILLed at random moments while they ingest mentions and while they deliver
 * replies; afterwards each sandbox post is in the desk exactly once and each reply is on X exactly once.
 */
describe('crash safety (SIGKILL of the worker process, SQLite)', () => {
  let sandbox: XSandbox;
  let sandboxUrl: string;
  let dataDir: string;
  let database: DatabaseHandle;
  let brandToken: string;
  let customers: string[];
  const random = seededRandom(20261122);

  beforeAll(async () => {
    sandbox = createXSandbox({
      rateLimits: {
        'GET /2/users/me': 1_000_000,
        'GET /2/users/:id/mentions': 1_000_000,
        'GET /2/users/:id/tweets': 1_000_000,
        'POST /2/tweets': 1_000_000,
      },
    });
    sandboxUrl = (await sandbox.listen()).url;
    brandToken = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' }).token;
    customers = Array.from(
      { length: 20 },
      (_, i) => sandbox.ensureUser({ username: `client_${i}`, name: `Client ${i}` }).user.id,
    );
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-crash-'));
    database = await openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') });
    await migrateToLatest(database.db);
    await bootstrapWorkspace(
      { db: database.db, clock: systemClock },
      { email: 'lead@acme.test', password: 'crash test password' },
    );
  });

  afterAll(async () => {
    await database?.close();
    await sandbox?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const deskEnv = () => ({
    GUICHET_DATA_DIR: dataDir,
    GUICHET_SANDBOX: 'off',
    X_API_BASE_URL: sandboxUrl,
    X_ACCESS_TOKEN: brandToken,
    GUICHET_POLL_INTERVAL: '0.1',
    GUICHET_JOB_LEASE_SECONDS: '1',
  });

  let posted = 0;
  function postMentions(count: number) {
    for (let i = 0; i < count; i += 1) {
      const author = customers[posted % customers.length]!;
      sandbox.post(author, { text: `@acme_sav problem number ${posted} with my order` });
      posted += 1;
    }
  }

  const countRows = async (table: 'messages', where?: { direction: 'inbound' | 'outbound' }) => {
    let q = database.db.selectFrom(table).select(sql<number>`count(*)`.as('n'));
    if (where) q = q.where('direction', '=', where.direction);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  it('ingests every mention exactly once across 50 kills', { timeout: 300_000 }, async () => {
    postMentions(200);
    let killedWhileWorking = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const before = await countRows('messages');
      const desk = startDeskProcess(deskEnv());
      // Start-up takes ~0.6 s; the kill lands anywhere from start-up to well into polling.
      await sleep(400 + random() * 900);
      await desk.kill();
      if ((await countRows('messages')) > before) killedWhileWorking += 1;
      postMentions(8);
    }
    const desk = startDeskProcess(deskEnv());
    try {
      await waitUntil(async () => (await countRows('messages')) >= posted, 60_000, 'every mention ingested');
      await sleep(500);
    } finally {
      await desk.stop();
    }

    const mentionIds = sandbox
      .listTweets()
      .filter((t) => t.authorId !== sandbox.findUser('acme_sav')!.id)
      .map((t) => t.id)
      .sort();
    const stored = (
      await database.db.selectFrom('messages').select('external_id').where('direction', '=', 'inbound').execute()
    )
      .map((m) => m.external_id!)
      .sort();
    expect(stored).toEqual(mentionIds);
    expect(new Set(stored).size).toBe(stored.length);
    // Each conversation belongs to one case; no case was opened twice for the same thread.
    const duplicateLinks = await database.db
      .selectFrom('case_conversations')
      .select(['conversation_id', sql<number>`count(*)`.as('n')])
      .groupBy('conversation_id')
      .having(sql`count(*)`, '>', 1)
      .execute();
    expect(duplicateLinks).toEqual([]);
    console.log(
      `ingestion crash test: ${KILLS} kills, ${killedWhileWorking} after progress, ${posted} posts ingested once each`,
    );
  });

  it('puts every queued reply on X exactly once across 50 kills', { timeout: 300_000 }, async () => {
    const jobs = new DatabaseJobQueue(database, systemClock);
    const deps = { db: database.db, clock: systemClock, jobs, realtime: new InProcessRealtimeBus() };
    const agent = await database.db.selectFrom('agents').select(['id', 'workspace_id']).executeTakeFirstOrThrow();
    const session = {
      sessionId: 'crash-test',
      agentId: agent.id,
      workspaceId: agent.workspace_id,
      role: 'admin' as const,
    };
    const cases = await database.db.selectFrom('cases').select('id').orderBy('opened_at').execute();
    expect(cases.length).toBeGreaterThan(0);
    let queued = 0;
    const queueReplies = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const target = cases[queued % cases.length]!;
        await replyToCase(deps, session, target.id, { text: `Reply ${queued}: we are looking into it.` });
        queued += 1;
      }
    };

    await queueReplies(100);
    let killedWhileWorking = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const before = (
        await database.db.selectFrom('messages').select('id').where('delivery_status', '=', 'sent').execute()
      ).length;
      const desk = startDeskProcess(deskEnv(), 'worker');
      await sleep(400 + random() * 900);
      await desk.kill();
      const after = (
        await database.db.selectFrom('messages').select('id').where('delivery_status', '=', 'sent').execute()
      ).length;
      if (after > before) killedWhileWorking += 1;
      await queueReplies(2);
    }
    const desk = startDeskProcess(deskEnv(), 'worker');
    try {
      await waitUntil(
        async () =>
          (
            await database.db
              .selectFrom('messages')
              .select('id')
              .where('direction', '=', 'outbound')
              .where('delivery_status', 'in', ['queued', 'sending'])
              .execute()
          ).length === 0,
        60_000,
        'every reply delivered',
      );
    } finally {
      await desk.stop();
    }

    const outbound = await database.db
      .selectFrom('messages')
      .select(['text', 'delivery_status', 'external_id', 'in_reply_to_external_id'])
      .where('direction', '=', 'outbound')
      .execute();
    expect(outbound).toHaveLength(queued);
    expect(outbound.filter((m) => m.delivery_status !== 'sent')).toEqual([]);
    const brandId = sandbox.findUser('acme_sav')!.id;
    const onX = sandbox.listTweets({ authorId: brandId });
    // X prefixes the customer's @handle; the desk's text is the rest.
    for (const message of outbound) {
      const copies = onX.filter(
        (t) => t.text.endsWith(message.text) && t.inReplyToTweetId === message.in_reply_to_external_id,
      );
      expect({ text: message.text, copies: copies.length }).toEqual({ text: message.text, copies: 1 });
      expect(copies[0]!.id).toBe(message.external_id);
    }
    expect(onX).toHaveLength(queued);
    const adopted = await database.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'message.sent')
      .where('payload', 'like', '%"adopted":true%')
      .execute();
    console.log(
      `delivery crash test: ${KILLS} kills, ${killedWhileWorking} after progress, ${queued} replies posted once each, ` +
        `${adopted.length} found already on X after a crash and adopted instead of re-posted`,
    );
  });
});
