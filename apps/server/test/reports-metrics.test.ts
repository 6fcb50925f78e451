import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Histogram, bucketOf } from '../src/modules/reports/durations.ts';
import { computeReport } from '../src/modules/reports/reports.queries.ts';
import type { NewRow } from '../src/platform/db/schema.ts';
import { newId } from '../src/platform/ids.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';
import { addContact, addConversation, addPost } from './report-rows.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 00:00 UTC. */
const T0 = Date.parse('2026-03-02T00:00:00.000Z');

interface CaseSpec {
  openedAt: number;
  type?: 'complaint' | 'question' | 'praise' | 'other' | null;
  firstResponseAfter?: number;
  resolvedAfter?: number;
  assignee?: string | null;
  reopenedAfter?: number;
  /** Thread: [minutes after opening, direction, agent] */
  posts?: [number, 'inbound' | 'outbound', string?][];
}

async function seed(f: StorageFixture, specs: CaseSpec[]) {
  const db = f.database.db;
  const contactId = await addContact(f, T0);
  for (const spec of specs) {
    const caseId = newId(spec.openedAt);
    const conversationId = await addConversation(f, spec.openedAt);
    const c: NewRow<'cases'> = {
      id: caseId,
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      contact_id: contactId,
      status: spec.resolvedAfter !== undefined ? 'resolved' : 'open',
      priority: spec.type === 'complaint' ? 2 : 3,
      type: spec.type ?? null,
      priority_reason: null,
      assignee_agent_id: spec.assignee ?? null,
      team_id: null,
      preview: 'x',
      message_count: 1,
      opened_at: spec.openedAt,
      last_message_at: spec.openedAt,
      last_inbound_at: spec.openedAt,
      first_response_at: spec.firstResponseAfter !== undefined ? spec.openedAt + spec.firstResponseAfter : null,
      resolved_at: spec.resolvedAfter !== undefined ? spec.openedAt + spec.resolvedAfter : null,
      updated_at: spec.openedAt,
    };
    await db.insertInto('cases').values(c).execute();
    await db
      .insertInto('case_conversations')
      .values({ case_id: caseId, conversation_id: conversationId, linked_at: spec.openedAt })
      .execute();
    const posts = spec.posts ?? [[0, 'inbound']];
    for (const [after, direction, agent] of posts) {
      await addPost(f, { conversationId, at: spec.openedAt + after * MIN, direction, agentId: agent });
    }
    if (spec.reopenedAfter !== undefined) {
      await db
        .insertInto('events')
        .values({
          id: newId(spec.openedAt + spec.reopenedAfter),
          workspace_id: f.workspaceId,
          type: 'case.reopened',
          case_id: caseId,
          actor_type: 'system',
          payload: '{}',
          occurred_at: spec.openedAt + spec.reopenedAfter,
        })
        .execute();
    }
  }
}

describe('duration histogram', () => {
  it('gives numpy-style quantiles to within a bucket, exact shares and exact means', () => {
    const h = new Histogram();
    // 10, 30, 50 min (6-second buckets) and 180 min (1-minute buckets).
    for (const ms of [10 * MIN, 30 * MIN, 50 * MIN, 180 * MIN]) {
      const bucket = ms < HOUR ? ms / 6000 : 600 + (ms - HOUR) / MIN;
      h.add(bucket, 1, ms);
    }
    const s = h.stats();
    expect(s.count).toBe(4);
    expect(Math.abs(s.medianMs! - 40 * MIN)).toBeLessThan(6000);
    expect(Math.abs(s.p90Ms! - 141 * MIN)).toBeLessThan(MIN);
    expect(s.meanMs).toBe(67.5 * MIN);
    expect(s.under15m).toBe(0.25);
    expect(s.under1h).toBe(0.75);
    expect(h.distribution().map((d) => d.count)).toEqual([0, 1, 2, 1, 0, 0]);
    expect(typeof bucketOf).toBe('function');
  });
});

describe.each(TEST_DIALECTS)('report metrics on a hand-made history (%s)', (dialect) => {
  let f: StorageFixture;
  let agentA: string;
  let agentB: string;

  beforeAll(async () => {
    f = await createStorageFixture(dialect);
    const db = f.database.db;
    agentA = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    agentB = newId(T0);
    await db
      .insertInto('agents')
      .values({
        id: agentB,
        workspace_id: f.workspaceId,
        email: 'b@acme.test',
        name: 'Bea',
        role: 'agent',
        password_hash: 'x',
        locale: null,
        time_zone: null,
        created_at: T0,
        disabled_at: null,
      })
      .execute();
    await seed(f, [
      // Current week.
      {
        openedAt: T0 + 9 * HOUR,
        type: 'complaint',
        firstResponseAfter: 10 * MIN,
        resolvedAfter: 2 * HOUR,
        assignee: agentA,
        // Next response: the customer writes at +20, the reply comes at +50 → 30 min. The post at +60
        // is still waiting (not counted).
        posts: [
          [0, 'inbound'],
          [10, 'outbound', agentA],
          [20, 'inbound'],
          [50, 'outbound', agentA],
          [60, 'inbound'],
        ],
      },
      {
        openedAt: T0 + 9 * HOUR + 30 * MIN,
        type: 'question',
        firstResponseAfter: 30 * MIN,
        assignee: agentA,
        posts: [
          [0, 'inbound'],
          [30, 'outbound', agentA],
        ],
      },
      {
        openedAt: T0 + DAY + 14 * HOUR,
        type: 'complaint',
        firstResponseAfter: 3 * HOUR,
        resolvedAfter: 26 * HOUR,
        reopenedAfter: 5 * HOUR,
        assignee: agentB,
      },
      { openedAt: T0 + 2 * DAY + 10 * HOUR, type: 'praise' },
      { openedAt: T0 + 2 * DAY + 11 * HOUR, type: null },
      {
        openedAt: T0 + 3 * DAY,
        type: 'complaint',
        firstResponseAfter: 50 * MIN,
        reopenedAfter: 2 * HOUR,
        assignee: agentB,
      },
      // Previous week.
      { openedAt: T0 - 3 * DAY, type: 'question', firstResponseAfter: 2 * HOUR },
      { openedAt: T0 - 2 * DAY, type: 'question' },
    ]);
  });
  afterAll(() => f.close());

  const report = (timeZone = 'UTC') =>
    computeReport(f.database.db, { workspaceId: f.workspaceId, from: T0, to: T0 + 7 * DAY, timeZone });

  it('counts response rate on the cases that needed an answer (praise only does not)', async () => {
    const r = await report();
    expect(r.current.opened).toBe(6);
    expect(r.current.needingAnswer).toBe(5);
    expect(r.current.answered).toBe(4);
    expect(r.current.responseRate).toBe(0.8);
  });

  it('measures first response: median, p90, mean and shares under 15 min and 1 h', async () => {
    const { firstResponse, distribution } = (await report()).current;
    expect(firstResponse.count).toBe(4);
    expect(Math.abs(firstResponse.medianMs! - 40 * MIN)).toBeLessThan(6000);
    expect(Math.abs(firstResponse.p90Ms! - 141 * MIN)).toBeLessThan(MIN);
    expect(firstResponse.meanMs).toBe(67.5 * MIN);
    expect(firstResponse.under15m).toBe(0.25);
    expect(firstResponse.under1h).toBe(0.75);
    expect(distribution).toEqual([
      { bucket: 'lt5m', count: 0 },
      { bucket: 'lt15m', count: 1 },
      { bucket: 'lt1h', count: 2 },
      { bucket: 'lt4h', count: 1 },
      { bucket: 'lt24h', count: 0 },
      { bucket: 'gte24h', count: 0 },
    ]);
  });

  it('measures next response, resolution and reopen rate', async () => {
    const { nextResponse, resolution, resolved, reopened, reopenRate } = (await report()).current;
    expect(nextResponse.count).toBe(1);
    expect(nextResponse.medianMs! / MIN).toBeCloseTo(30, 0);
    expect(nextResponse.meanMs).toBe(30 * MIN);
    expect(resolved).toBe(2);
    expect(resolution.meanMs).toBe(14 * HOUR);
    expect(reopened).toBe(2);
    // Resolved at least once: the two resolved now, and the reopened one still open.
    expect(reopenRate).toBeCloseTo(2 / 3, 5);
  });

  it('compares with the previous period of the same length', async () => {
    const { previous } = await report();
    expect(previous.from).toBe(new Date(T0 - 7 * DAY).toISOString());
    expect(previous.opened).toBe(2);
    expect(previous.responseRate).toBe(0.5);
    expect(Math.abs(previous.firstResponse.medianMs! - 2 * HOUR)).toBeLessThan(MIN);
  });

  it('places the heat map and the days in the requested time zone', async () => {
    const utc = await report();
    expect(utc.heatmap[0]![9]).toBe(2);
    expect(utc.heatmap[1]![14]).toBe(1);
    expect(utc.heatmap[3]![0]).toBe(1);
    expect(utc.daily).toHaveLength(7);
    expect(utc.daily[0]).toEqual({ day: '2026-03-02', opened: 2, answered: 2, slaMet: 0, slaBreached: 0 });
    const newYork = await report('America/New_York');
    // Thursday 00:00 UTC is Wednesday 19:00 in New York (UTC−5 before 8 March).
    expect(newYork.heatmap[3]![0]).toBe(0);
    expect(newYork.heatmap[2]![19]).toBe(1);
    expect(newYork.heatmap[0]![4]).toBe(2);
    const total = newYork.heatmap.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(6);
  });

  it('breaks volume down and reports per agent', async () => {
    const r = await report();
    expect(r.volume.byType).toEqual([
      { key: 'complaint', label: 'complaint', count: 3 },
      { key: 'none', label: 'none', count: 1 },
      { key: 'praise', label: 'praise', count: 1 },
      { key: 'question', label: 'question', count: 1 },
    ]);
    expect(r.volume.byChannel).toEqual([{ key: f.channel.id, label: '@acme_sav', count: 6 }]);
    expect(r.volume.bySentiment).toEqual([{ key: 'negative', label: 'negative', count: 8 }]);
    expect(r.volume.byLanguage[0]).toEqual({ key: 'fr', label: 'fr', count: 8 });
    const a = r.agents.find((row) => row.agentId === agentA)!;
    expect(a).toMatchObject({ assigned: 2, answered: 2, resolved: 1, repliesSent: 3 });
    // Within a 6-second bucket of the exact 20 min.
    expect(Math.abs(a.medianFirstResponseMs! - 20 * MIN)).toBeLessThan(6000);
    expect(r.agents.find((row) => row.agentId === agentB)).toMatchObject({ name: 'Bea', assigned: 2, answered: 2 });
    expect(r.agents.find((row) => row.agentId === null)).toMatchObject({ assigned: 2, answered: 0 });
  });
});
