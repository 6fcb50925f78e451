import { afterEach, describe, expect, it } from 'vitest';
import { slaBreachingSoonMs, type CaseList, type QueueOverview, type SlaPolicies } from '@guichet/contracts';
import { sql, type RawBuilder } from 'kysely';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import {
  countSlaViewCases,
  countViews,
  foldCaseCountDeltas,
  recomputeCaseCounters,
} from '../src/modules/cases/cases.counters.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import type { DbOrTx } from '../src/platform/db/database.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const policies: SlaPolicies = {
  policies: [1, 2, 3, 4].map((priority) => ({
    priority,
    firstResponseMinutes: 45,
    nextResponseMinutes: 45,
    resolutionMinutes: 240,
    businessHours: false,
    pauseWhenPending: true,
    pauseDuringAbsence: false,
  })),
};

/** What each view holds, counted the slow way: the definition the counters must match. */
async function directCounts(db: DbOrTx, workspace: string, agentId: string, now: number) {
  const count = async (where: RawBuilder<unknown>) =>
    Number(
      (
        await sql<{ n: number | string }>`select count(*) as n from cases c
          where c.workspace_id = ${workspace} and ${where}`.execute(db)
      ).rows[0]!.n,
    );
  const due = (low: number | null, high: number) =>
    sql`c.status in ('open', 'pending') and exists (select 1 from sla_clocks k where k.case_id = c.id
      and k.stopped_at is null and k.due_at <= ${high} ${low === null ? sql`` : sql`and k.due_at > ${low}`})`;
  return {
    mine: await count(sql`c.status in ('open', 'pending') and c.assignee_agent_id = ${agentId}`),
    unassigned: await count(sql`c.status in ('open', 'pending') and c.assignee_agent_id is null`),
    all: await count(sql`c.status in ('open', 'pending', 'snoozed')`),
    snoozed: await count(sql`c.status = 'snoozed'`),
    resolved: await count(sql`c.status = 'resolved'`),
    breaching_soon: await count(due(now, now + slaBreachingSoonMs)),
    breached: await count(due(null, now)),
  };
}

async function maintainedCounts(db: DbOrTx, workspace: string, agentId: string, now: number) {
  return { ...(await countViews(db, workspace, agentId)), ...(await countSlaViewCases(db, workspace, now)) };
}

/**
 * The counts per view come from counters the database keeps (migration 0021): after every step of a mixed
 * workload (ingestion, assignment, statuses, snoozes, bulk actions, reopening, SLA clocks starting, pausing,
 * breaching and stopping, raw updates, deletes) they equal a direct count, and the lists' lengths.
 */
describe.each(TEST_DIALECTS)('inbox counters (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, mention } = deskClient(() => app, { renewExpiredSession: true });
  afterEach(async () => {
    await app.close();
  });

  const db = () => app.deps.db;
  const workspaceId = async () => (await db().selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;

  /** The largest count seen per view, so the workload is known to have filled every view at some step. */
  const seen = new Map<string, number>();

  /** Counters equal the direct count for every agent, before and after PostgreSQL's deltas are folded. */
  async function expectExact(step: string, agentIds: string[]) {
    const workspace = await workspaceId();
    const now = clock.now().getTime();
    for (const agentId of agentIds) {
      const direct = await directCounts(db(), workspace, agentId, now);
      for (const [view, n] of Object.entries(direct)) seen.set(view, Math.max(seen.get(view) ?? 0, n));
      expect(await maintainedCounts(db(), workspace, agentId, now), `${step} (${agentId})`).toEqual(direct);
    }
    await foldCaseCountDeltas(db(), dialect);
    const left = await db().selectFrom('case_count_deltas').select(db().fn.countAll<number>().as('n')).execute();
    expect(Number(left[0]!.n), step).toBe(0);
    for (const agentId of agentIds) {
      const direct = await directCounts(db(), workspace, agentId, now);
      expect(await maintainedCounts(db(), workspace, agentId, now), `${step}, folded (${agentId})`).toEqual(direct);
    }
    // The overview the inbox shows agrees with the lists it opens.
    const overview = (await api<QueueOverview>('GET', '/api/cases/overview')).body.counts;
    for (const view of ['mine', 'unassigned', 'all', 'snoozed', 'resolved', 'breaching_soon', 'breached'] as const) {
      const listed = (await api<CaseList>('GET', `/api/cases?view=${view}&limit=200`)).body.cases;
      expect(listed.length, `${step}: ${view}`).toBe(overview[view]);
    }
  }

  let posts = 0;
  async function customersWrite(names: string[]) {
    for (const name of names) {
      posts += 1;
      mention(name, `@acme_sav ${name} needs help with order ${posts}`);
      clock.advanceBy(1000);
    }
    await app.pollAndWork();
    await app.scheduler.tick();
  }

  async function caseIdsByHandle() {
    const listed = (await api<CaseList>('GET', '/api/cases?limit=200&view=all')).body.cases;
    const resolved = (await api<CaseList>('GET', '/api/cases?limit=200&view=resolved')).body.cases;
    return new Map([...listed, ...resolved].map((c) => [c.contact.handle, c.id]));
  }

  const ok = (response: { status: number; body: unknown }) =>
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

  it('stay equal to a direct count through a mixed workload, on every path', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-02-02T09:20:00Z' }));
    ok(await api('PUT', '/api/sla/policies', policies));
    const workspace = await workspaceId();
    const admin = (await db().selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    const julie = (
      await addAgent(app.deps, {
        workspaceId: workspace,
        email: 'julie@acme.test',
        name: 'Julie',
        role: 'agent',
        password: 'a long enough password',
      })
    ).id;
    const agents = [admin, julie];
    await expectExact('empty desk', agents);

    await customersWrite(['anna', 'bruno', 'chloe', 'david', 'emma', 'farid', 'gina']);
    await expectExact('ingested', agents);
    const ids = await caseIdsByHandle();
    const id = (handle: string) => ids.get(handle)!;

    ok(await api('POST', `/api/cases/${id('anna')}/assignment`, { agentId: admin }));
    ok(await api('POST', `/api/cases/${id('bruno')}/assignment`, { agentId: julie }));
    ok(await api('POST', `/api/cases/${id('chloe')}/assignment`, { agentId: admin }));
    ok(await api('POST', `/api/cases/${id('chloe')}/assignment`, { agentId: null }));
    await expectExact('assigned', agents);

    ok(await api('POST', `/api/cases/${id('david')}/status`, { status: 'pending' }));
    const tomorrow = new Date(clock.now().getTime() + 24 * HOUR).toISOString();
    ok(await api('POST', `/api/cases/${id('emma')}/status`, { status: 'snoozed', snoozeUntil: tomorrow }));
    ok(await api('POST', `/api/cases/${id('farid')}/status`, { status: 'resolved' }));
    await app.scheduler.tick();
    await expectExact('statuses', agents);

    ok(
      await api('POST', '/api/cases/bulk', {
        caseIds: [id('anna'), id('chloe')],
        action: { type: 'assign', agentId: julie },
      }),
    );
    ok(await api('POST', '/api/cases/bulk', { caseIds: [id('david'), id('gina')], action: { type: 'resolve' } }));
    await app.scheduler.tick();
    await expectExact('bulk', agents);

    // Resolved customers write again: ingestion reopens their cases, their clocks start again.
    await customersWrite(['farid', 'gina', 'hugo']);
    await expectExact('reopened by ingestion', agents);

    // Time passes: clocks come due soon, then breach, across hour boundaries.
    for (let step = 0; step < 12; step++) {
      clock.advanceBy(10 * MINUTE);
      await app.scheduler.tick();
      await expectExact(`${(step + 1) * 10} minutes later`, agents);
    }

    // A reply stops the response clock of one case; another is set pending, pausing its clocks.
    ok(await api('POST', `/api/cases/${id('anna')}/replies`, { text: '@anna We are looking into it.' }));
    await app.worker.drain();
    await app.scheduler.tick();
    ok(await api('POST', `/api/cases/${id('bruno')}/status`, { status: 'pending' }));
    await app.scheduler.tick();
    await expectExact('replied and paused', agents);

    // Writers that bypass every command: a raw bulk update, clocks moved and stopped by hand, deletes.
    await db().updateTable('cases').set({ status: 'open' }).where('status', '=', 'resolved').execute();
    await db()
      .updateTable('sla_clocks')
      .set({ due_at: clock.now().getTime() - 5 * HOUR })
      .where('case_id', '=', id('chloe'))
      .execute();
    await db()
      .updateTable('sla_clocks')
      .set({ stopped_at: clock.now().getTime() })
      .where('case_id', '=', id('hugo'))
      .execute();
    await expectExact('raw updates', agents);
    await db().deleteFrom('sla_clocks').where('case_id', '=', id('emma')).execute();
    await db()
      .deleteFrom('events')
      .where('case_id', 'in', [id('gina'), id('farid')])
      .execute();
    await db()
      .deleteFrom('cases')
      .where('id', 'in', [id('gina'), id('farid')])
      .execute();
    await expectExact('deleted', agents);
    expect(Object.fromEntries(seen)).toEqual({
      mine: expect.any(Number),
      unassigned: expect.any(Number),
      all: expect.any(Number),
      snoozed: 1,
      resolved: expect.any(Number),
      breaching_soon: expect.any(Number),
      breached: expect.any(Number),
    });
    expect(Math.min(...seen.values())).toBeGreaterThan(0);
  });

  it('counts Breached exactly at any time, around hour boundaries, and repairs counters', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-02-02T09:20:00Z' }));
    const workspace = await workspaceId();
    const admin = (await db().selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    await customersWrite(['anna', 'bruno', 'chloe', 'david', 'emma', 'farid']);
    const cases = await db().selectFrom('cases').select(['id', 'workspace_id']).orderBy('id').execute();
    const base = clock.now().getTime();
    // Clocks due on both sides of several hour boundaries, two on one case, one paused, one stopped.
    const dues = [-3 * HOUR, -61 * MINUTE, -20 * MINUTE, -1, 0, 7 * MINUTE, 40 * MINUTE, 2 * HOUR + 1];
    await db()
      .insertInto('sla_clocks')
      .values(
        dues.map((offset, i) => ({
          id: `clock-${i}`,
          workspace_id: cases[i % cases.length]!.workspace_id,
          case_id: cases[i % cases.length]!.id,
          metric: i < cases.length ? ('first_response' as const) : ('resolution' as const),
          priority: 3,
          target_ms: HOUR,
          business_hours: 0,
          pause_when_pending: 0,
          pause_during_absence: 0,
          started_at: base - 4 * HOUR,
          due_at: i === 3 ? null : base + offset,
          paused_at: i === 3 ? base : null,
          remaining_ms: i === 3 ? 1000 : null,
          stopped_at: i === 4 ? base : null,
          breached_at: null,
          updated_at: base,
        })),
      )
      .execute();
    for (let at = base - 4 * HOUR; at <= base + 3 * HOUR; at += 7 * MINUTE + 13) {
      const direct = await directCounts(db(), workspace, admin, at);
      const maintained = await maintainedCounts(db(), workspace, admin, at);
      expect(maintained, new Date(at).toISOString()).toEqual(direct);
    }

    // Counters gone wrong (a restore, a hand edit, triggers dropped): the repair recounts from the cases.
    await sql`update case_view_counts set n = n + 5`.execute(db());
    await sql`delete from case_due_counts`.execute(db());
    const dropped = 'drop trigger sla_clocks_case_due_update';
    await sql.raw(dialect === 'postgres' ? `${dropped} on sla_clocks` : dropped).execute(db());
    await db()
      .updateTable('sla_clocks')
      .set({ due_at: base - 10 * HOUR })
      .where('id', '=', 'clock-6')
      .execute();
    const wrong = await maintainedCounts(db(), workspace, admin, base);
    expect(wrong).not.toEqual(await directCounts(db(), workspace, admin, base));
    await recomputeCaseCounters(db(), dialect, workspace);
    for (const at of [base - HOUR, base, base + 30 * MINUTE, base + 3 * HOUR]) {
      expect(await maintainedCounts(db(), workspace, admin, at)).toEqual(
        await directCounts(db(), workspace, admin, at),
      );
    }
  });
});
