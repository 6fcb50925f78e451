import type { XSandbox } from '@guichet/x-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyToCase } from '../src/modules/cases/cases.commands.ts';
import type { DatabaseHandle } from '../src/platform/db/database.ts';
import {
  adminReplyContext,
  brandPostKiller,
  IN_FLIGHT_SHARE,
  KILLS,
  killDuringJob,
  openCrashWorld,
  seededRandom,
  type CrashWorld,
} from './crash-world.ts';
import { startDeskProcess, waitUntil, type WorkerProcess } from './worker-process.ts';

/** The customers whose cases the replies answer: one mention each, made into a case before the kills. */
const CUSTOMERS = 20;

/**
 * Real desk processes are SIGKILLed while they deliver replies (every other kill the instant X applies one,
 * before the desk hears back); afterwards each reply is on X exactly once, and at least one was found
 * already on X after a crash and adopted instead of posted again. (Ingestion under the same kills:
 * crash-ingest.int.test.ts, a file of its own so that the two run side by side.)
 */
describe('crash safety of delivery (SIGKILL of the worker process, SQLite)', () => {
  let sandbox: XSandbox;
  let database: DatabaseHandle;
  let brandId: string;
  const random = seededRandom(20261123);

  let world: CrashWorld;
  const deskEnv = () => world.deskEnv();
  const leased = (name: string, desk: WorkerProcess) => world.leased(name, desk);

  beforeAll(async () => {
    world = await openCrashWorld('guichet-crash-delivery-');
    ({ sandbox, database, brandId } = world);
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const customer = sandbox.ensureUser({ username: `client_${i}`, name: `Client ${i}` }).user.id;
      sandbox.post(customer, { text: `@acme_sav problem number ${i} with my order` });
    }
    // The customers' posts become cases first (one desk, stopped cleanly).
    const ingest = startDeskProcess(deskEnv());
    try {
      await waitUntil(
        async () => (await database.db.selectFrom('cases').select('id').execute()).length >= CUSTOMERS,
        60_000,
        'a case per customer',
      );
    } finally {
      await ingest.stop();
    }
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('puts every queued reply on X exactly once across 50 kills', { timeout: 420_000 }, async () => {
    const { deps, session } = await adminReplyContext(world);
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

    // Every other kill lands the instant X applies a reply, before the desk hears back: the worst moment.
    const killer = brandPostKiller(world);
    await queueReplies(100);
    let inFlight = 0;
    try {
      for (let kill = 0; kill < KILLS; kill += 1) {
        const desk = startDeskProcess(deskEnv(), 'worker');
        if (kill % 2 === 0) {
          await killer.killOnNextBrandPost(desk);
        } else {
          await killDuringJob(world, desk, 'deliver-message', 40, random);
        }
        if ((await leased('deliver-message', desk)) > 0) inFlight += 1;
        await queueReplies(2);
      }
    } finally {
      killer.stop();
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
        120_000,
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
      `delivery crash test: ${KILLS} kills, ${inFlight} while a delivery was running, ${queued} replies posted ` +
        `once each, ${adopted.length} found already on X after a crash and adopted instead of re-posted`,
    );
    expect(inFlight).toBeGreaterThanOrEqual(Math.ceil(KILLS * IN_FLIGHT_SHARE));
    expect(adopted.length).toBeGreaterThanOrEqual(1);
  });
});
