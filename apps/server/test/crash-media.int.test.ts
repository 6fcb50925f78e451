import { sandboxImagePng, SANDBOX_IMAGES, type XSandbox } from '@guichet/x-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyToCase } from '../src/modules/cases/cases.commands.ts';
import { storeOutgoingMedia } from '../src/modules/media/outgoing-media.commands.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { DatabaseHandle } from '../src/platform/db/database.ts';
import { adminReplyContext, brandPostKiller, openCrashWorld, type CrashWorld } from './crash-world.ts';
import { sleep, startDeskProcess, waitUntil, type WorkerProcess } from './worker-process.ts';

/** Kept modest for CI time: each kill costs a desk start (about a second). */
const KILLS = 8;
const REPLIES = 10;
/** "Most kills landed while work was in flight": at least this share of them. */
const IN_FLIGHT_SHARE = 0.5;

/**
 * Replies with pictures under SIGKILL (issue 12): real desk processes are killed while they upload pictures
 * and post replies (every other kill the instant X applies a post, before the desk hears back). Afterwards
 * each reply is on X exactly once, carrying its own picture byte for byte: an upload whose media id was
 * recorded is reused, and a post is never made twice, whatever moment the crash took.
 */
describe('crash safety of replies with pictures (SIGKILL, SQLite)', () => {
  let sandbox: XSandbox;
  let sandboxUrl: string;
  let dataDir: string;
  let database: DatabaseHandle;
  let brandId: string;

  let world: CrashWorld;
  const deskEnv = () => world.deskEnv();
  const leased = (desk: WorkerProcess) => world.leased('deliver-message', desk);

  beforeAll(async () => {
    world = await openCrashWorld('guichet-crash-media-', ['POST /2/media/upload']);
    ({ sandbox, sandboxUrl, dataDir, database, brandId } = world);
    for (let i = 0; i < 8; i += 1) {
      const customer = sandbox.ensureUser({ username: `photo_${i}`, name: `Client ${i}` }).user.id;
      sandbox.post(customer, { text: `@acme_sav mon colis numéro ${i} est arrivé abîmé` });
    }
  });

  afterAll(async () => {
    await world?.close();
  });

  const pending = async () =>
    (
      await database.db
        .selectFrom('messages')
        .select('id')
        .where('direction', '=', 'outbound')
        .where('delivery_status', 'in', ['queued', 'sending'])
        .execute()
    ).length;

  /** One picture per reply, each different (the label's bytes end with the reply's number). */
  const picture = (n: number) =>
    Buffer.concat([sandboxImagePng(SANDBOX_IMAGES[n % SANDBOX_IMAGES.length]!), Buffer.from(`reply ${n}`)]);

  it(
    `puts every reply with a picture on X exactly once, with its picture, across ${KILLS} kills`,
    {
      timeout: 300_000,
    },
    async () => {
      // The customers' posts become cases first (one desk, stopped cleanly).
      const ingest = startDeskProcess(deskEnv());
      try {
        await waitUntil(
          async () => (await database.db.selectFrom('cases').select('id').execute()).length >= 8,
          60_000,
          'cases',
        );
      } finally {
        await ingest.stop();
      }
      const { deps, session } = await adminReplyContext(world);
      const cases = await database.db.selectFrom('cases').select('id').orderBy('opened_at').execute();
      const expected = new Map<string, Buffer>();
      for (let n = 0; n < REPLIES; n += 1) {
        const data = picture(n);
        const media = await storeOutgoingMedia({ db: database.db, clock: systemClock, dataDir }, session, {
          contentType: 'image/png',
          data: data.toString('base64'),
        });
        const message = await replyToCase(deps, session, cases[n % cases.length]!.id, {
          text: `Photo ${n} : voici l’étiquette de retour.`,
          mediaIds: [media.id],
        });
        expected.set(message.id, data);
      }

      const killer = brandPostKiller(world);
      let inFlight = 0;
      try {
        for (let kill = 0; kill < KILLS && (await pending()) > 0; kill += 1) {
          const desk = startDeskProcess(deskEnv(), 'worker');
          if (kill % 2 === 0) {
            await killer.killOnNextBrandPost(desk);
          } else {
            // A moment after the worker claimed a delivery: inside the upload or the post, most often.
            const deadline = Date.now() + 30_000;
            while (Date.now() < deadline && (await leased(desk)) === 0) await sleep(5);
            await sleep((kill * 7) % 40);
            await desk.kill();
          }
          if ((await leased(desk)) > 0) inFlight += 1;
        }
      } finally {
        killer.stop();
      }
      const desk = startDeskProcess(deskEnv(), 'worker');
      try {
        await waitUntil(async () => (await pending()) === 0, 120_000, 'every reply delivered');
      } finally {
        await desk.stop();
      }

      const outbound = await database.db
        .selectFrom('messages')
        .select(['id', 'text', 'delivery_status', 'external_id'])
        .where('direction', '=', 'outbound')
        .execute();
      expect(outbound.filter((m) => m.delivery_status !== 'sent')).toEqual([]);
      const onX = sandbox.listTweets({ authorId: brandId });
      expect(onX).toHaveLength(REPLIES);
      for (const message of outbound) {
        const copies = onX.filter((t) => t.text.includes(message.text));
        expect({ text: message.text, copies: copies.length }).toEqual({ text: message.text, copies: 1 });
        expect(copies[0]!.id).toBe(message.external_id);
        expect(copies[0]!.media).toHaveLength(1);
        const served = await fetch(`${sandboxUrl}/media/${copies[0]!.media![0]!.mediaKey}.png`);
        expect(Buffer.from(await served.arrayBuffer()).equals(expected.get(message.id)!)).toBe(true);
      }
      const adopted = await database.db
        .selectFrom('events')
        .select('id')
        .where('type', '=', 'message.sent')
        .where('payload', 'like', '%"adopted":true%')
        .execute();
      console.log(
        `media delivery crash test: ${KILLS} kills, ${inFlight} while a delivery was running, ${REPLIES} replies ` +
          `with a picture posted once each, ${adopted.length} found on X after a crash and adopted`,
      );
      expect(inFlight).toBeGreaterThanOrEqual(Math.ceil(KILLS * IN_FLIGHT_SHARE));
      expect(adopted.length).toBeGreaterThanOrEqual(1);
    },
  );
});
