import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseList, CaseSummary, Team } from '@guichet/contracts';
import type { ManualClock } from '../src/platform/clock.ts';
import { migration0015CaseFilters } from '../src/migrations/list/0015-case-filters.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

/**
 * The queue's filters by type, priority, language and team (F6, migration 0015): each alone, several values
 * at once, combined with each other and with a view, in both sorts and across pages; a case's language is
 * its customer's (the first inbound post's), kept when the customer later writes in another language.
 */
describe.each(TEST_DIALECTS)('inbox filters (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, mention } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await startDesk({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const list = async (query: string) => {
    const response = await api<CaseList>('GET', `/api/cases?limit=200&${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.cases;
  };
  const handles = (cases: CaseSummary[]) => cases.map((c) => c.contact.handle).sort();

  async function post(username: string, text: string) {
    mention(username, text);
    clock.advanceBy(1000);
  }

  /** Four customers: two French, one English, one Spanish; types, priorities and a team set per case. */
  async function seed() {
    await post('camille', '@acme_sav Bonjour, mon colis est arrivé cassé, je suis très déçue du service');
    await post('john', '@acme_sav Hello, how do I change the delivery address of my order please?');
    await post('lucia', '@acme_sav Hola, mi pedido no ha llegado todavía, ¿pueden ayudarme por favor?');
    await post('hugo', '@acme_sav Merci beaucoup pour votre aide rapide, vous êtes au top !');
    await app.pollAndWork();
    const team = (await api<Team>('POST', '/api/teams', { name: 'Facturation' })).body;
    const ids = new Map((await list('')).map((c) => [c.contact.handle, c.id]));
    const set = async (handle: string, type: 'complaint' | 'question' | 'praise', priority: number | null) =>
      app.deps.db.updateTable('cases').set({ type, priority }).where('id', '=', ids.get(handle)!).execute();
    await set('camille', 'complaint', 1);
    await set('john', 'question', 2);
    await set('lucia', 'complaint', 3);
    await set('hugo', 'praise', null);
    // The sandbox tells only French from English; X itself tags Spanish posts `es`.
    await app.deps.db.updateTable('cases').set({ lang: 'es' }).where('id', '=', ids.get('lucia')!).execute();
    for (const handle of ['camille', 'john']) {
      const response = await api('POST', `/api/cases/${ids.get(handle)!}/assignment`, { teamId: team.id });
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    }
    return { team, ids };
  }

  it('filters by type, priority, language and team, alone and together', async () => {
    const { team } = await seed();

    expect(handles(await list('type=complaint'))).toEqual(['camille', 'lucia']);
    expect(handles(await list('type=praise,question'))).toEqual(['hugo', 'john']);
    expect(handles(await list('priority=1'))).toEqual(['camille']);
    expect(handles(await list('priority=2,3'))).toEqual(['john', 'lucia']);
    expect(handles(await list('priority=4'))).toEqual([]);
    expect(handles(await list('language=fr'))).toEqual(['camille', 'hugo']);
    expect(handles(await list('language=en,es'))).toEqual(['john', 'lucia']);
    expect(handles(await list(`teamId=${team.id}`))).toEqual(['camille', 'john']);
    expect(handles(await list('teamId=no-such-team'))).toEqual([]);

    // Combined with each other, a view and a sort: the queue order is kept.
    const combined = await list(
      `type=complaint,question&priority=1,2,3&language=fr,en&teamId=${team.id}&sort=priority`,
    );
    expect(combined.map((c) => c.contact.handle)).toEqual(['camille', 'john']);
    const byPriority = await list('type=complaint&sort=priority');
    expect(byPriority.map((c) => c.priority)).toEqual([1, 3]);
    const unassigned = await list('view=unassigned&language=fr&sort=newest');
    expect(unassigned.map((c) => c.contact.handle)).toEqual(['hugo', 'camille']);

    // Pages of one case each, through the cursor, under a filter.
    const page1 = (await api<CaseList>('GET', '/api/cases?view=all&limit=1&sort=priority&type=complaint')).body;
    expect(page1.cases.map((c) => c.contact.handle)).toEqual(['camille']);
    const page2 = (
      await api<CaseList>('GET', `/api/cases?view=all&limit=1&sort=priority&type=complaint&cursor=${page1.nextCursor!}`)
    ).body;
    expect(page2.cases.map((c) => c.contact.handle)).toEqual(['lucia']);
    expect(page2.nextCursor).toBeNull();
  });

  it('refuses malformed filter values with a clear error', async () => {
    for (const query of ['type=urgent', 'priority=5', 'priority=1,,2', 'language=FR', 'language=fr;drop']) {
      const response = await api('GET', `/api/cases?${query}`);
      expect(response.status, query).toBe(400);
    }
  });

  it("keeps the customer's first language, and backfills it for cases opened before the column", async () => {
    await post('camille', '@acme_sav Bonjour, ma commande est bloquée depuis une semaine, que se passe-t-il ?');
    await app.pollAndWork();
    const [original] = await list('language=fr');
    expect(original?.contact.handle).toBe('camille');
    await post('camille', '@acme_sav Sorry, let me write in English: the order is still stuck, any news please?');
    await app.pollAndWork();
    expect(handles(await list('language=fr'))).toEqual(['camille']);
    expect(handles(await list('language=en'))).toEqual([]);

    // The migration's backfill: a case without a language gets its first inbound message's.
    await app.deps.db.updateTable('cases').set({ lang: null }).execute();
    expect(await list('language=fr')).toEqual([]);
    await app.deps.db.schema.dropIndex('cases_queue_type_idx').execute();
    await app.deps.db.schema.dropIndex('cases_queue_lang_idx').execute();
    await app.deps.db.schema.dropIndex('cases_queue_team_idx').execute();
    await app.deps.db.schema.alterTable('cases').dropColumn('lang').execute();
    await migration0015CaseFilters.up(app.deps.db as never);
    expect(handles(await list('language=fr'))).toEqual(['camille']);
  });
});
