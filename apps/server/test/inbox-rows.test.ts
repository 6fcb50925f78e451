import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, CaseSummary, QueueOverview } from '@guichet/contracts';
import { foldCaseCountDeltas, recomputeCaseCounters } from '../src/modules/cases/cases.counters.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

/**
 * Inbox rows and views (issue 13, item 7): each row says where the latest message was written (public or
 * DM) and whether the brand spoke last; the Complaints view is counted from counters kept by triggers
 * (0028) and agrees with its list; search narrows by a date range of latest activity and by status.
 */
describe.each(TEST_DIALECTS)('inbox rows, Complaints view, search range (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, mention, sandbox, brand, customer } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await start({ dialect, at: '2026-03-02T09:00:00Z' }));
  });
  afterEach(async () => {
    await app.close();
  });

  const list = async (query = '') => {
    const response = await api<CaseList>('GET', `/api/cases?limit=200&${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.cases;
  };
  const byHandle = async (handle: string, query = '') =>
    (await list(query)).find((c) => c.contact.handle === handle) as CaseSummary;
  const handles = (cases: CaseSummary[]) => cases.map((c) => c.contact.handle).sort();
  const overview = async () => (await api<QueueOverview>('GET', '/api/cases/overview')).body.counts;

  it('shows the channel of the latest message and whether the brand answered', async () => {
    mention('camille', '@acme_sav Mon colis est arrivé cassé');
    clock.advanceBy(1000);
    await app.pollAndWork();
    let row = await byHandle('camille');
    expect(row).toMatchObject({ lastVisibility: 'public', answered: false });

    expect((await api('POST', `/api/cases/${row.id}/replies`, { text: 'Nous regardons. ^A' })).status).toBe(202);
    row = await byHandle('camille');
    expect(row).toMatchObject({ lastVisibility: 'public', answered: true });
    await app.pollAndWork();
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(1);

    sandbox().sendDm(customer('camille').id, brand().id, 'Voici mon numéro de commande');
    // DMs are polled on their own cadence: minutes pass until the desk has it.
    let dmRow: CaseSummary | undefined;
    for (let round = 0; round < 20 && !dmRow; round++) {
      clock.advanceBy(60_000);
      await app.pollAndWork();
      dmRow = (await list()).find((c) => c.contact.handle === 'camille' && c.lastVisibility === 'direct');
    }
    expect(dmRow).toMatchObject({ answered: false });
    const detail = (await api<CaseDetail>('GET', `/api/cases/${dmRow!.id}`)).body;
    expect(detail.case).toMatchObject({ lastVisibility: 'direct', answered: false });
  });

  it('counts the Complaints view from its counters, equal to its list through changes', async () => {
    for (const name of ['camille', 'john', 'lucia', 'hugo']) {
      mention(name, `@acme_sav ${name} a un souci avec sa commande`);
      clock.advanceBy(1000);
    }
    await app.pollAndWork();
    const ids = new Map((await list()).map((c) => [c.contact.handle, c.id]));
    const setType = (handle: string, type: 'complaint' | 'question') =>
      app.deps.db.updateTable('cases').set({ type }).where('id', '=', ids.get(handle)!).execute();
    await setType('camille', 'complaint');
    await setType('john', 'complaint');
    await setType('lucia', 'complaint');
    await setType('hugo', 'question');

    const expectAgrees = async (step: string, expected: string[]) => {
      const listed = await list('view=complaints');
      expect(handles(listed), step).toEqual(expected);
      expect((await overview()).complaints, step).toBe(expected.length);
      await foldCaseCountDeltas(app.deps.db, dialect);
      expect((await overview()).complaints, `${step}, folded`).toBe(expected.length);
    };
    await expectAgrees('typed', ['camille', 'john', 'lucia']);
    // Resolved complaints leave the view; pending ones stay; a type corrected away leaves it.
    await api('POST', `/api/cases/${ids.get('john')!}/status`, { status: 'resolved' });
    await api('POST', `/api/cases/${ids.get('lucia')!}/status`, { status: 'pending' });
    await setType('camille', 'question');
    await expectAgrees('changed', ['lucia']);
    await app.deps.db.deleteFrom('cases').where('id', '=', ids.get('lucia')!).execute();
    await expectAgrees('deleted', []);
    await setType('hugo', 'complaint');
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await recomputeCaseCounters(app.deps.db, dialect, workspaceId);
    await expectAgrees('recomputed', ['hugo']);
  });

  it('searches within a date range of latest activity and a status', async () => {
    mention('camille', '@acme_sav Ma commande de lundi est en retard');
    clock.advanceBy(1000);
    await app.pollAndWork();
    clock.advanceBy(2 * 86_400_000);
    mention('john', '@acme_sav My order from Wednesday is late');
    clock.advanceBy(1000);
    await app.pollAndWork();
    clock.advanceBy(2 * 86_400_000);
    mention('lucia', '@acme_sav Mi pedido del viernes llega tarde, order late');
    clock.advanceBy(1000);
    await app.pollAndWork();
    const lucia = await byHandle('lucia');
    await api('POST', `/api/cases/${lucia.id}/status`, { status: 'resolved' });

    const range = (from: string, to: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    expect(handles(await list(range('2026-03-02T00:00:00+01:00', '2026-03-03T00:00:00+01:00')))).toEqual(['camille']);
    expect(handles(await list(range('2026-03-03T00:00:00Z', '2026-03-08T00:00:00Z')))).toEqual(['john', 'lucia']);
    // With words, a status and a view; in both sorts.
    for (const sort of ['newest', 'priority']) {
      expect(
        handles(await list(`q=order&${range('2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z')}&sort=${sort}`)),
      ).toEqual(['john', 'lucia']);
      expect(
        handles(
          await list(`q=order&status=resolved&${range('2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z')}&sort=${sort}`),
        ),
      ).toEqual(['lucia']);
    }
    expect(handles(await list(`view=all&${range('2026-03-05T00:00:00Z', '2026-03-09T00:00:00Z')}`))).toEqual([]);
    const bad = await api('GET', '/api/cases?from=yesterday');
    expect(bad.status).toBe(400);
  });
});
