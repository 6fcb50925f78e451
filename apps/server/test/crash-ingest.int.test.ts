import type { XSandbox } from '@guichet/x-sandbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRule } from '../src/modules/rules/rules.commands.ts';
import { ruleInputSchema } from '../src/modules/rules/rules.models.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { DatabaseHandle } from '../src/platform/db/database.ts';
import { IN_FLIGHT_SHARE, KILLS, killDuringJob, openCrashWorld, seededRandom, type CrashWorld } from './crash-world.ts';
import { startDeskProcess, waitUntil, type WorkerProcess } from './worker-process.ts';

/**
 * Mentions posted whenever the desk has caught up: more than one poll reads (5 pages of 100), so storing
 * them takes two pages and a kill can land before, inside or between them. No more are posted until those
 * are stored: X's mentions timeline serves only the 800 most recent, and a post pushed out of it while the
 * desk is still filling a gap below newer ones would be out of reach of any poll.
 */
const BACKLOG = 700;

/**
 * Real desk processes are SIGKILLed at random moments while they ingest mentions (with rules configured);
 * afterwards each sandbox post is in the desk exactly once with its rules' effects exactly once. The kills
 * are aimed at work in flight: each desk is killed a random moment after its worker claimed a poll, and the
 * test checks afterwards that the poll was indeed still running when the process died. (Replies under the
 * same kills: crash-delivery.int.test.ts, a file of its own so that the two run side by side.)
 */
describe('crash safety of ingestion (SIGKILL of the worker process, SQLite)', () => {
  let sandbox: XSandbox;
  let database: DatabaseHandle;
  let brandId: string;
  let customers: string[];
  const random = seededRandom(20261122);

  let world: CrashWorld;
  const deskEnv = () => world.deskEnv();

  beforeAll(async () => {
    world = await openCrashWorld('guichet-crash-');
    ({ sandbox, database, brandId } = world);
    customers = Array.from(
      { length: 20 },
      (_, i) => sandbox.ensureUser({ username: `client_${i}`, name: `Client ${i}` }).user.id,
    );
  });

  afterAll(async () => {
    await world?.close();
  });

  let posted = 0;
  function postMentions(count: number) {
    for (let i = 0; i < count; i += 1) {
      const author = customers[posted % customers.length]!;
      sandbox.post(author, { text: `@acme_sav problem number ${posted} with my order` });
      posted += 1;
    }
  }

  const count = async (query: Promise<{ n: number | string }>) => Number((await query).n);
  const inboundCount = () =>
    count(
      database.db
        .selectFrom('messages')
        .select(sql<number>`count(*)`.as('n'))
        .where('direction', '=', 'inbound')
        .executeTakeFirstOrThrow(),
    );

  const leased = (name: string, desk: WorkerProcess) => world.leased(name, desk);

  it(
    'ingests every mention exactly once, with its rules’ effects exactly once, across 50 kills',
    { timeout: 420_000 },
    async () => {
      const agent = await database.db.selectFrom('agents').select(['id', 'workspace_id']).executeTakeFirstOrThrow();
      for (const rule of [
        { name: 'Every post is seen', event: 'message.received', actions: [{ kind: 'tag', value: { name: 'seen' } }] },
        {
          name: 'New cases are urgent',
          event: 'case.opened',
          actions: [{ kind: 'setPriority', value: { priority: 1 } }],
        },
      ]) {
        await createRule(
          { db: database.db, clock: systemClock },
          {
            workspaceId: agent.workspace_id,
            agentId: agent.id,
            rule: ruleInputSchema.parse({ ...rule, conditions: [] }),
          },
        );
      }
      let inFlight = 0;
      let progressed = 0;
      // The kill window follows this machine's speed: a poll of the backlog takes ~1 s on a busy machine and a
      // few hundred ms on a quiet one, where a fixed 1.2 s window let half the kills land after the work.
      let windowMs = 1200;
      for (let kill = 0; kill < KILLS; kill += 1) {
        const storedBefore = await inboundCount();
        if (storedBefore === posted) postMentions(BACKLOG);
        const desk = startDeskProcess(deskEnv());
        await killDuringJob(world, desk, 'poll-channel', windowMs, random);
        // In flight: a poll still running, or pages stored with more of the backlog still to go.
        const storedAfter = await inboundCount();
        if (storedAfter > storedBefore) progressed += 1;
        const landed = (await leased('poll-channel', desk)) > 0 || (storedAfter > storedBefore && storedAfter < posted);
        if (landed) inFlight += 1;
        windowMs = landed ? Math.min(1200, windowMs * 1.25) : Math.max(100, windowMs / 2);
      }
      const desk = startDeskProcess(deskEnv());
      try {
        await waitUntil(async () => (await inboundCount()) >= posted, 120_000, 'every mention ingested');
        await waitUntil(async () => (await leased('poll-channel', desk)) === 0, 30_000, 'the last poll done');
      } finally {
        await desk.stop();
      }

      const mentionIds = sandbox
        .listTweets()
        .filter((t) => t.authorId !== brandId)
        .map((t) => t.id)
        .sort();
      const inbound = await database.db
        .selectFrom('messages')
        .select(['id', 'external_id'])
        .where('direction', '=', 'inbound')
        .execute();
      const stored = inbound.map((m) => m.external_id!).sort();
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

      // The rules' effects, exactly once: one tag event per message, one priority event per case opened.
      const events = async (type: string) =>
        (await database.db.selectFrom('events').select(['case_id', 'payload']).where('type', '=', type).execute()).map(
          (e) => ({ caseId: e.case_id, messageId: (JSON.parse(e.payload) as { messageId?: string }).messageId }),
        );
      const tagged = await events('case.tagged');
      expect(tagged.map((e) => e.messageId).sort()).toEqual(inbound.map((m) => m.id).sort());
      const cases = await database.db.selectFrom('cases').select(['id', 'priority', 'priority_reason']).execute();
      const opened = await events('case.opened');
      expect(opened.map((e) => e.caseId).sort()).toEqual(cases.map((c) => c.id).sort());
      const prioritised = await events('case.priority_changed');
      expect(prioritised.map((e) => e.caseId).sort()).toEqual(cases.map((c) => c.id).sort());
      for (const c of cases) expect(c).toMatchObject({ priority: 1, priority_reason: 'rule "New cases are urgent"' });
      const seen = await database.db
        .selectFrom('case_tags')
        .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
        .select('case_tags.case_id')
        .where('tags.name', '=', 'seen')
        .execute();
      expect(seen.map((t) => t.case_id).sort()).toEqual(cases.map((c) => c.id).sort());
      expect(
        await database.db.selectFrom('rules').select('id').where('failing_since', 'is not', null).execute(),
      ).toEqual([]);
      console.log(
        `ingestion crash test (rules on): ${KILLS} kills, ${inFlight} while work was in flight, ` +
          `${progressed} after storing a page, ` +
          `${posted} posts ingested once each, ${tagged.length} tag events, ${prioritised.length} priority events`,
      );
      expect(inFlight).toBeGreaterThanOrEqual(Math.ceil(KILLS * IN_FLIGHT_SHARE));
    },
  );
});
