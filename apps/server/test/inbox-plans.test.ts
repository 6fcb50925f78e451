import { afterEach, describe, expect, it } from 'vitest';
import type { CaseList, SlaPolicies } from '@guichet/contracts';
import {
  applyFilters,
  casePageQuery,
  planCaseFilters,
  priorityRank,
  type CaseListOptions,
  type FilterPlan,
} from '../src/modules/cases/cases.filters.ts';
import { listCasePage } from '../src/modules/cases/cases.repository.ts';
import { scansBounded } from '../src/modules/cases/cases.scan.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const policies: SlaPolicies = {
  policies: [1, 2, 3, 4].map((priority) => ({
    priority,
    firstResponseMinutes: 30 + priority * 15,
    nextResponseMinutes: 60,
    resolutionMinutes: null,
    businessHours: false,
    pauseWhenPending: true,
    pauseDuringAbsence: false,
  })),
};

/**
 * Each way of reading a filtered page (cases.filters.ts: start from the tag's, the clocks' or the search's
 * few cases, or walk the queue testing each case) returns the same cases in the same order, in both sorts,
 * whole or page by page; the plan the data picks is one of them.
 */
describe.each(TEST_DIALECTS)('inbox filter plans (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, mention } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });

  async function pageIds(options: Omit<CaseListOptions, 'limit'>, plan: FilterPlan, workspaceId: string) {
    let q = applyFilters(casePageQuery(app.deps.db, workspaceId, plan, dialect), workspaceId, options, plan);
    q =
      options.sort === 'newest'
        ? q.orderBy('cases.last_message_at', 'desc').orderBy('cases.id', 'desc')
        : q.orderBy(priorityRank).orderBy('cases.opened_at', 'asc').orderBy('cases.id', 'asc');
    return (await q.execute()).map((row) => row.id);
  }

  /**
   * Every case of a plan, page by page from `listCasePage` (cursor to cursor), with a search tested case by
   * case reading `scanWindow` cases a page (cases.scan.ts); and how many pages stopped after a partial scan.
   */
  async function scannedIds(
    options: Omit<CaseListOptions, 'limit'>,
    plan: FilterPlan,
    workspaceId: string,
    page: { limit: number; scanWindow: number },
  ) {
    const ids: string[] = [];
    let partial = 0;
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const found = await listCasePage(app.deps.db, workspaceId, { ...options, ...page, cursor }, plan);
      ids.push(...found.cases.map((c) => c.id));
      if (found.partialScan) {
        expect(found.partialScan.scannedCases).toBe(page.scanWindow);
        expect(found.cases.length).toBeLessThanOrEqual(page.limit);
        partial++;
      } else if (found.nextCursor) expect(found.cases).toHaveLength(page.limit);
      if (!found.nextCursor) return { ids, partial };
      cursor = found.nextCursor;
    }
    throw new Error('more than 100 pages');
  }

  it('reads the same page from a filter’s few cases as by walking the queue', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-02-02T09:00:00Z' }));
    expect((await api('PUT', '/api/sla/policies', policies)).status).toBe(200);
    const names = ['anna', 'bruno', 'chloe', 'david', 'emma', 'farid', 'gina', 'hugo'];
    // Two waves 50 minutes apart: the first wave's clocks breach, the second's come due soon.
    for (const [i, name] of names.entries()) {
      if (i === 4) clock.advanceBy(50 * 60_000);
      mention(name, `@acme_sav ${i % 2 === 0 ? 'mon colis' : 'ma facture'} numéro ${i}`);
      clock.advanceBy(60_000);
      await app.pollAndWork();
      await app.scheduler.tick();
    }
    // A second matching message in one case: a page that starts from the matching cases lists it once.
    mention('emma', '@acme_sav toujours pas de colis');
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const listed = (await api<CaseList>('GET', '/api/cases?limit=200')).body.cases;
    const ids = new Map(listed.map((c) => [c.contact.handle, c.id]));
    expect(listed.find((c) => c.contact.handle === 'emma')?.messageCount).toBe(2);
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const agentId = (await app.deps.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    const teamId = 'team-plans';
    await app.deps.db
      .insertInto('teams')
      .values({ id: teamId, workspace_id: workspaceId, name: 'Plans', created_at: clock.now().getTime() })
      .execute();
    for (const [i, name] of names.entries()) {
      if (i % 3 !== 0) await api('POST', `/api/cases/${ids.get(name)!}/tags`, { name: 'Urgent' });
      // Every other case is the agent's ("mine"), a few belong to a team: tag, search and mine or team meet.
      await app.deps.db
        .updateTable('cases')
        .set({
          priority: (i % 4) + 1,
          assignee_agent_id: i % 2 === 0 ? agentId : null,
          team_id: [1, 2, 5, 6].includes(i) ? teamId : null,
        })
        .where('id', '=', ids.get(name)!)
        .execute();
    }
    clock.advanceBy(20 * 60_000);
    await app.scheduler.tick();
    // Whatever targets triage chose: the first wave's clocks are past due, the second's due within minutes.
    for (const [i, name] of names.entries()) {
      await app.deps.db
        .updateTable('sla_clocks')
        .set({ due_at: clock.now().getTime() + (i < 4 ? -(i + 1) : i + 1) * 5 * 60_000 })
        .where('case_id', '=', ids.get(name)!)
        .where('stopped_at', 'is', null)
        .execute();
    }
    const tagId = (await app.deps.db.selectFrom('tags').select('id').executeTakeFirstOrThrow()).id;
    const now = clock.now().getTime();

    const cases: Omit<CaseListOptions, 'limit'>[] = [
      { view: 'all', tagId },
      { view: 'all', tagId, q: 'colis' },
      { view: 'all', tagId, q: 'bruno' },
      { view: 'mine', tagId, q: 'colis' },
      { view: 'all', tagId, teamId },
      { view: 'breaching_soon' },
      { view: 'breached' },
      { view: 'breached', tagId },
      { view: 'all', q: 'facture', priority: '1,2,3' },
      { view: 'all', priority: '2' },
    ];
    const nonEmpty = new Set<string>();
    const scans = new Set<string>();
    for (const base of cases) {
      for (const sort of ['priority', 'newest'] as const) {
        const options = { ...base, sort, agentId, now, dialect };
        const chosen = await planCaseFilters(app.deps.db, workspaceId, { ...options, limit: 200 });
        const expected = await pageIds(options, chosen, workspaceId);
        const variants: FilterPlan[] = [];
        if (chosen.tag) {
          for (const drives of [true, false]) variants.push({ ...chosen, tag: { ...chosen.tag, drives } });
        }
        if (chosen.sla) {
          for (const sparse of [true, false]) variants.push({ ...chosen, sla: { ...chosen.sla, sparse } });
        }
        if (chosen.search) {
          const candidates = { messages: null, contacts: null, identities: null };
          variants.push({ ...chosen, search: { ...chosen.search, candidates } });
          // Messages too many to list, names and handles listed: tested case by case in a bounded window.
          const search = { ...chosen.search, candidates: { ...chosen.search.candidates, messages: null } };
          variants.push({ ...chosen, search });
          if (chosen.tag) variants.push({ ...chosen, search, tag: { ...chosen.tag, drives: true } });
        }
        for (const plan of variants) {
          expect(await pageIds(options, plan, workspaceId), `${JSON.stringify(base)} ${sort}`).toEqual(expected);
          if (!scansBounded(plan)) continue;
          // A bounded scan, cursor to cursor, finds the same cases in the same order, whatever the window.
          for (const [limit, scanWindow] of [
            [1, 1],
            [2, 3],
            [1, 5000],
            [200, 2],
          ] as const) {
            const scanned = await scannedIds(options, plan, workspaceId, { limit, scanWindow });
            const label = `${JSON.stringify(base)} ${sort} scan ${limit} in ${scanWindow}`;
            expect(scanned.ids, label).toEqual(expected);
            scans.add(scanned.partial > 0 ? 'partial' : 'whole');
          }
        }
        const query = new URLSearchParams({ ...(base as Record<string, string>), sort, limit: '200' });
        const served = (await api<CaseList>('GET', `/api/cases?${query.toString()}`)).body.cases.map((c) => c.id);
        expect(served, `${JSON.stringify(base)} ${sort}`).toEqual(expected);
        // Page by page (two cases a page), the keyset cursor walks the same list.
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const page = new URLSearchParams({ ...(base as Record<string, string>), sort, limit: '2' });
          if (cursor) page.set('cursor', cursor);
          const body: CaseList = (await api<CaseList>('GET', `/api/cases?${page.toString()}`)).body;
          paged.push(...body.cases.map((c) => c.id));
          cursor = body.nextCursor;
        } while (cursor && paged.length <= expected.length);
        expect(paged, `${JSON.stringify(base)} ${sort}, paged`).toEqual(expected);
        if (expected.length > 0) nonEmpty.add(JSON.stringify(base));
      }
    }
    // Some scans stopped partway through and said so; others read every case in one window.
    expect([...scans].sort()).toEqual(['partial', 'whole']);
    // The data reaches every filter: each combination lists some cases.
    expect([...nonEmpty].sort()).toEqual(cases.map((base) => JSON.stringify(base)).sort());
  });
});
