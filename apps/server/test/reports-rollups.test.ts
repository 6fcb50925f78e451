import type { Report } from '@guichet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../src/modules/events/events.repository.ts';
import { computeReport } from '../src/modules/reports/reports.queries.ts';
import { newId } from '../src/platform/ids.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';
import { addContact, addConversation, addPost, addTeam, addWeekdayBusinessHours } from './report-rows.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 00:00 UTC. */
const T0 = Date.parse('2026-03-02T00:00:00.000Z');

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const comparable = (report: Report) => ({ ...report, computedInMs: 0 });

describe.each(TEST_DIALECTS)('report roll-ups (%s)', (dialect) => {
  let f: StorageFixture;
  let teamId: string;
  let contactId: string;
  const caseIds: string[] = [];

  async function addCase(spec: {
    openedAt: number;
    firstResponseAfter?: number;
    resolvedAfter?: number;
    team?: string | null;
    priority?: number;
    replies?: number[];
  }) {
    const db = f.database.db;
    const id = newId(spec.openedAt);
    const conversationId = await addConversation(f, spec.openedAt);
    await db
      .insertInto('cases')
      .values({
        id,
        workspace_id: f.workspaceId,
        channel_id: f.channel.id,
        contact_id: contactId,
        status: spec.resolvedAfter !== undefined ? 'resolved' : 'open',
        priority: spec.priority ?? 3,
        type: 'complaint',
        assignee_agent_id: null,
        team_id: spec.team ?? null,
        preview: '<script>x</script>',
        message_count: 1,
        opened_at: spec.openedAt,
        last_message_at: spec.openedAt,
        last_inbound_at: spec.openedAt,
        first_response_at: spec.firstResponseAfter !== undefined ? spec.openedAt + spec.firstResponseAfter : null,
        resolved_at: spec.resolvedAfter !== undefined ? spec.openedAt + spec.resolvedAfter : null,
        updated_at: spec.openedAt,
      })
      .execute();
    await db
      .insertInto('case_conversations')
      .values({ case_id: id, conversation_id: conversationId, linked_at: spec.openedAt })
      .execute();
    const posts: [number, 'inbound' | 'outbound'][] = [[spec.openedAt, 'inbound']];
    for (const [i, after] of (spec.replies ?? []).entries()) {
      posts.push([spec.openedAt + after, i % 2 === 0 ? 'outbound' : 'inbound']);
    }
    for (const [at, direction] of posts) {
      await addPost(f, { conversationId, at, direction });
    }
    caseIds.push(id);
    return id;
  }

  beforeAll(async () => {
    f = await createStorageFixture(dialect);
    const db = f.database.db;
    teamId = await addTeam(f, T0, 'Night');
    contactId = await addContact(f, T0);
    // Three weeks of history before T0, busier in the day, some cases answered, resolved, reopened.
    const rnd = random(7);
    for (let i = 0; i < 160; i++) {
      const openedAt = T0 - 21 * DAY + Math.floor(rnd() * 21 * DAY);
      const answered = rnd() < 0.8;
      const wait = Math.floor(rnd() * 5 * HOUR);
      const id = await addCase({
        openedAt,
        firstResponseAfter: answered ? wait : undefined,
        resolvedAfter: answered && rnd() < 0.6 ? wait + Math.floor(rnd() * 2 * DAY) : undefined,
        team: rnd() < 0.5 ? teamId : null,
        priority: 1 + Math.floor(rnd() * 4),
        replies: answered ? [wait, wait + 10 * MIN, wait + 10 * MIN + Math.floor(rnd() * HOUR)] : [],
      });
      if (answered && rnd() < 0.1) {
        await recordEvents(db, [
          {
            workspaceId: f.workspaceId,
            type: 'case.reopened',
            caseId: id,
            actor: { type: 'contact' },
            occurredAt: openedAt + wait + HOUR,
          },
        ]);
      }
    }
    // The event log has moved on past T0 (the fixture's events are at 09:00): every day before T0 may be stored.
    await recordEvents(db, [
      { workspaceId: f.workspaceId, type: 'agent.added', actor: { type: 'system' }, occurredAt: T0 + HOUR },
    ]);
  });
  afterAll(() => f.close());

  const ranges = [
    // Local midnights in Paris: partial UTC days at both ends.
    { from: T0 - 7 * DAY - HOUR, to: T0 - HOUR, timeZone: 'Europe/Paris' },
    { from: T0 - 14 * DAY, to: T0, timeZone: 'UTC' },
    { from: T0 - 10 * DAY + 5 * HOUR, to: T0 + 2 * HOUR, timeZone: 'America/New_York' },
  ];

  it('gives exactly the figures of a direct computation, from stored days', async () => {
    for (const range of ranges) {
      const direct = await computeReport(f.database.db, { workspaceId: f.workspaceId, ...range, rollups: false });
      const first = await computeReport(f.database.db, { workspaceId: f.workspaceId, ...range });
      const again = await computeReport(f.database.db, { workspaceId: f.workspaceId, ...range });
      expect(comparable(first)).toEqual(comparable(direct));
      expect(comparable(again)).toEqual(comparable(direct));
      expect(direct.current.opened).toBeGreaterThan(20);
    }
    const stored = await f.database.db
      .selectFrom('report_days')
      .select('day')
      .where('workspace_id', '=', f.workspaceId)
      .execute();
    // Whole UTC days only, none on or after T0 (the log's end, less the margin, falls on T0's day).
    expect(stored.length).toBeGreaterThan(14);
    expect(stored.every((r) => Number(r.day) % DAY === 0 && Number(r.day) < T0)).toBe(true);
  });

  it('recomputes a stored day when an event says one of its cases changed', async () => {
    const db = f.database.db;
    const range = { workspaceId: f.workspaceId, from: T0 - 14 * DAY, to: T0, timeZone: 'UTC' };
    const before = await computeReport(db, range);
    // An unanswered case of a stored day gets its first reply, a week later.
    const waiting = await db
      .selectFrom('cases')
      .select(['id', 'opened_at'])
      .where('workspace_id', '=', f.workspaceId)
      .where('first_response_at', 'is', null)
      .where('opened_at', '>=', T0 - 14 * DAY)
      .orderBy('opened_at')
      .executeTakeFirstOrThrow();
    // After the fixture's own events (09:00): the event log only moves forward.
    const repliedAt = T0 + 10 * HOUR;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('cases').set({ first_response_at: repliedAt }).where('id', '=', waiting.id).execute();
      await recordEvents(tx, [
        {
          workspaceId: f.workspaceId,
          type: 'message.sent',
          caseId: waiting.id,
          actor: { type: 'system' },
          occurredAt: repliedAt,
        },
      ]);
    });
    const after = await computeReport(db, range);
    expect(after.current.answered).toBe(before.current.answered + 1);
    expect(after.current.firstResponse.count).toBe(before.current.firstResponse.count + 1);
    const direct = await computeReport(db, { ...range, rollups: false });
    expect(comparable(after)).toEqual(comparable(direct));
  });

  it('counts first response in business hours, and recounts when the hours change', async () => {
    const db = f.database.db;
    // Friday 27 Feb 2026 17:30 UTC, answered Monday 2 March 09:30 UTC.
    const friday = Date.parse('2026-02-27T17:30:00.000Z');
    const id = await addCase({ openedAt: friday, firstResponseAfter: 2 * DAY + 16 * HOUR, team: null });
    await recordEvents(db, [
      {
        workspaceId: f.workspaceId,
        type: 'case.imported',
        caseId: id,
        actor: { type: 'system' },
        occurredAt: T0 + 11 * HOUR,
      },
    ]);
    const range = { workspaceId: f.workspaceId, from: friday, to: friday + MIN, timeZone: 'UTC' };
    const dayRange = {
      workspaceId: f.workspaceId,
      from: Date.parse('2026-02-27T00:00:00Z'),
      to: T0 - DAY,
      timeZone: 'UTC',
    };
    // No business hours: around the clock.
    expect((await computeReport(db, range)).current.firstResponseBusiness.meanMs).toBe(2 * DAY + 16 * HOUR);
    await computeReport(db, dayRange);
    await addWeekdayBusinessHours(f, T0 + 4 * HOUR);
    const single = await computeReport(db, range);
    // 30 min on Friday evening, 30 min on Monday morning; the clock time stays as it was.
    expect(single.current.firstResponseBusiness.meanMs).toBe(HOUR);
    expect(single.current.firstResponse.meanMs).toBe(2 * DAY + 16 * HOUR);
    // The stored Friday was counted around the clock: it is counted again with the new hours.
    const fromDays = await computeReport(db, dayRange);
    const direct = await computeReport(db, { ...dayRange, rollups: false });
    expect(comparable(fromDays)).toEqual(comparable(direct));
    expect(fromDays.current.firstResponseBusiness.count).toBeGreaterThan(0);
  });
});

describe.each(TEST_DIALECTS)('SLA compliance, teams and X spend (%s)', (dialect) => {
  let f: StorageFixture;
  let teamId: string;

  beforeAll(async () => {
    f = await createStorageFixture(dialect);
    const db = f.database.db;
    teamId = await addTeam(f, T0, 'Nuit');
    const contactId = await addContact(f, T0);
    // [opened after T0, priority, first response after, team, clock: met | breached | running | breached-then-stopped]
    const specs: [number, number, number | null, string | null, 'met' | 'breached' | 'running' | 'late'][] = [
      [1 * HOUR, 1, 10 * MIN, teamId, 'met'],
      [2 * HOUR, 1, 90 * MIN, teamId, 'late'],
      [DAY + HOUR, 1, null, teamId, 'breached'],
      [DAY + 2 * HOUR, 2, 20 * MIN, null, 'met'],
      [2 * DAY, 2, 30 * MIN, null, 'met'],
      [2 * DAY + HOUR, 3, null, null, 'running'],
    ];
    for (const [after, priority, firstAfter, team, clock] of specs) {
      const openedAt = T0 + after;
      const caseId = newId(openedAt);
      await db
        .insertInto('cases')
        .values({
          id: caseId,
          workspace_id: f.workspaceId,
          channel_id: f.channel.id,
          contact_id: contactId,
          status: 'open',
          priority,
          type: 'complaint',
          team_id: team,
          preview: 'x',
          message_count: 1,
          opened_at: openedAt,
          last_message_at: openedAt,
          last_inbound_at: openedAt,
          first_response_at: firstAfter === null ? null : openedAt + firstAfter,
          updated_at: openedAt,
        })
        .execute();
      const target = 60 * MIN;
      await db
        .insertInto('sla_clocks')
        .values({
          id: newId(openedAt),
          workspace_id: f.workspaceId,
          case_id: caseId,
          metric: 'first_response',
          priority,
          target_ms: target,
          business_hours: 0,
          pause_when_pending: 0,
          pause_during_absence: 0,
          started_at: openedAt,
          due_at: clock === 'running' || clock === 'breached' ? openedAt + target : null,
          paused_at: null,
          remaining_ms: null,
          stopped_at: clock === 'met' || clock === 'late' ? openedAt + firstAfter! : null,
          breached_at: clock === 'breached' || clock === 'late' ? openedAt + target : null,
          updated_at: openedAt,
        })
        .execute();
    }
    await db
      .updateTable('channels')
      .set({ settings: JSON.stringify({ ...JSON.parse(f.channel.settings), monthlyBudgetUsd: 100 }) })
      .where('id', '=', f.channel.id)
      .execute();
    const usage = [
      ['2026-03-01', 5_000_000],
      ['2026-03-02', 1_250_000],
      ['2026-03-04', 2_000_000],
      ['2026-03-09', 9_000_000],
    ] as const;
    for (const [day, micros] of usage) {
      await db
        .insertInto('channel_usage')
        .values({
          channel_id: f.channel.id,
          day,
          category: 'posts_read',
          units: 1,
          cost_micros: micros,
          updated_at: T0,
        })
        .execute();
    }
  });
  afterAll(() => f.close());

  const report = () =>
    computeReport(f.database.db, { workspaceId: f.workspaceId, from: T0, to: T0 + 7 * DAY, timeZone: 'UTC' });

  it('reports SLA compliance per priority and its trend per day', async () => {
    const r = await report();
    expect(r.current.sla).toEqual([
      { metric: 'first_response', priority: 1, clocks: 3, met: 1, breached: 2, compliance: 1 / 3 },
      { metric: 'first_response', priority: 2, clocks: 2, met: 2, breached: 0, compliance: 1 },
      { metric: 'first_response', priority: 3, clocks: 1, met: 0, breached: 0, compliance: null },
    ]);
    // Running clocks are not decided yet: 3 met of 5 decided.
    expect(r.current.slaCompliance).toBe(3 / 5);
    expect(r.daily.slice(0, 3).map((d) => [d.slaMet, d.slaBreached])).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
  });

  it('reports per team', async () => {
    const r = await report();
    const night = r.teams.find((t) => t.teamId === teamId)!;
    expect(night).toMatchObject({ name: 'Nuit', opened: 3, needingAnswer: 3, answered: 2, under1h: 0.5 });
    expect(night.responseRate).toBeCloseTo(2 / 3, 10);
    expect(Math.abs(night.medianFirstResponseMs! - 50 * MIN)).toBeLessThan(MIN);
    expect(r.teams.find((t) => t.teamId === null)).toMatchObject({ name: null, opened: 3, answered: 2 });
  });

  it('sets X spend of the period against the budget pro rata', async () => {
    const [row] = (await report()).spend;
    expect(row).toMatchObject({ channelId: f.channel.id, label: '@acme_sav', monthlyBudgetUsd: 100 });
    // 2 and 4 March fall in the week; 1 and 9 March do not.
    expect(row!.periodUsd).toBeCloseTo(3.25, 6);
    expect(row!.budgetForPeriodUsd).toBe(23);
    expect(row!.shareOfBudget).toBeCloseTo(3.25 / 23, 6);
  });
});
