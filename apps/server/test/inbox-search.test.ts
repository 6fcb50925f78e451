import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseList } from '@guichet/contracts';
import {
  caseSearchCondition,
  isDenseSearch,
  planCaseSearch,
  type CaseSearch,
} from '../src/modules/cases/cases.search.ts';
import { rareParts } from '../src/modules/cases/cases.search-probe.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * The inbox search (F6) through its indexes (migration 0009): the same cases whichever way the page is read
 * (from the index's candidates, or walking the queue), substring matches in messages, names and handles,
 * `%` and `_` literal, and the index kept up to date by every write (new posts, renamed contacts).
 */
describe.each(TEST_DIALECTS)('inbox search (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  let clock: ManualClock;
  let workspaceId: string;
  beforeEach(async () => {
    clock = new ManualClock(new Date());
    app = await createTestApp({ dialect, clock });
    cookie = await app.signIn();
    workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const search = async (q: string) => {
    const response = await app.http.inject({
      method: 'GET',
      url: `/api/cases?view=all&limit=200&q=${encodeURIComponent(q)}`,
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    return (response.json() as CaseList).cases.map((c) => c.contact.handle).sort();
  };
  /** The cases a planned search keeps, read directly with either plan. */
  const casesWith = async (plan: CaseSearch) =>
    (
      await app.deps.db
        .selectFrom('cases')
        .innerJoin('identities', 'identities.contact_id', 'cases.contact_id')
        .select('identities.handle')
        .where('cases.workspace_id', '=', workspaceId)
        .where((eb) => caseSearchCondition(eb, plan))
        .execute()
    )
      .map((row) => row.handle)
      .sort();

  async function post(username: string, name: string, text: string) {
    const { user } = sandbox().ensureUser({ username, name });
    sandbox().post(user.id, { text });
    clock.advanceBy(1000);
  }

  it('finds the same cases from the index as by testing every case', async () => {
    await post('camille_durand', 'Camille Durand', '@acme_sav Mon colis 100% perdu, commande 4411');
    await post('john_smith', 'John Smith', '@acme_sav How do I reset my PASSWORD?');
    await post('zoe_ecole', 'Zoé École', '@acme_sav Réclamation : facture_2026 reçue deux fois');
    await post('under_score', 'Ana Lima', '@acme_sav colis_perdu et "guillemets" dans le texte');
    await app.pollAndWork();

    expect(await search('colis')).toEqual(['camille_durand', 'under_score']);
    expect(await search('password')).toEqual(['john_smith']);
    expect(await search('100%')).toEqual(['camille_durand']);
    expect(await search('Mon_colis')).toEqual([]);
    expect(await search('e_2')).toEqual(['zoe_ecole']);
    expect(await search('colis_p')).toEqual(['under_score']);
    expect(await search('"guillemets"')).toEqual(['under_score']);
    expect(await search('durand')).toEqual(['camille_durand']);
    expect(await search('SMITH')).toEqual(['john_smith']);
    expect(await search('ith')).toEqual(['john_smith']);
    expect(await search('zoé')).toEqual(['zoe_ecole']);
    expect(await search('introuvable')).toEqual([]);

    const sources = ['messages', 'contacts', 'identities'] as const;
    for (const q of [
      'colis',
      'password',
      '100%',
      'colis_p',
      'durand',
      'ÉCOLE',
      'école',
      'zoé',
      'e_2',
      'facture_2026',
    ]) {
      const planned = await planCaseSearch(app.deps.db, dialect, q);
      expect(isDenseSearch(planned), q).toBe(false);
      const walking = await casesWith({
        dialect,
        pattern: planned.pattern,
        candidates: { messages: null, contacts: null, identities: null },
      });
      expect(await casesWith(planned), q).toEqual(walking);
      expect(await search(q), q).toEqual(walking);
      // A source with too many matches to list is tested case by case, the others from their lists.
      for (const dense of sources) {
        const mixed = { ...planned, candidates: { ...planned.candidates, [dense]: null } };
        expect(isDenseSearch(mixed)).toBe(true);
        expect(await casesWith(mixed), `${q}, ${dense} tested case by case`).toEqual(walking);
      }
    }
  });

  it('asks the index for the rare parts of handles and names that share a common one, with the same cases', async () => {
    // 40 customers share `customer_` and `Client `; `0099` is in three handles and names, one of them mid-word.
    for (let n = 0; n < 40; n += 1) {
      const id = String(n).padStart(4, '0');
      await post(`customer_${id}`, `Client ${id}`, '@acme_sav bonjour');
    }
    await post('customer_00990', 'Client 00990', '@acme_sav bonjour');
    await post('xcustomer_0099b', 'Le Client 0099b', '@acme_sav bonjour');
    await post('customer0099', 'Client0099', '@acme_sav bonjour');
    await app.pollAndWork();
    if (dialect === 'postgres') {
      // A table this small is sampled whole: the parts' shares are exact.
      expect(await rareParts(app.deps.db, 'identities', 'handle', 'Customer_0099')).toEqual(['0099']);
      expect(await rareParts(app.deps.db, 'contacts', 'name', 'client 0099')).toEqual(['0099']);
      // Only common parts, or a single part: the whole words are asked.
      expect(await rareParts(app.deps.db, 'identities', 'handle', 'customer_00')).toBeNull();
      expect(await rareParts(app.deps.db, 'identities', 'handle', 'customer0099')).toBeNull();
    }
    expect(await search('Customer_0099')).toEqual(['customer_00990', 'xcustomer_0099b']);
    expect(await search('client 0099')).toEqual(['customer_00990', 'xcustomer_0099b']);
    for (const q of ['Customer_0099', 'client 0099', 'client 0099b', 'customer_00', 'customer0099', 'ent 003']) {
      const planned = await planCaseSearch(app.deps.db, dialect, q);
      const walking = await casesWith({
        dialect,
        pattern: planned.pattern,
        candidates: { messages: null, contacts: null, identities: null },
      });
      expect(await casesWith(planned), q).toEqual(walking);
      expect(await search(q), q).toEqual(walking);
    }
  });

  it('refuses searches shorter than three characters with a clear error', async () => {
    await post('zoe_ecole', 'Zoé École', '@acme_sav Réclamation : facture reçue deux fois');
    await app.pollAndWork();
    for (const q of ['z', 'zo', ' zo ', 'é1', '%%']) {
      const response = await app.http.inject({
        method: 'GET',
        url: `/api/cases?view=all&q=${encodeURIComponent(q)}`,
        headers: { cookie },
      });
      expect(response.statusCode, q).toBe(400);
      expect(response.json(), q).toMatchObject({
        error: { code: 'search.too_short', message: 'Type at least 3 characters to search.' },
      });
    }
    // Three characters, counted as the agent sees them (an accented letter is one), are enough.
    expect(await search('zoé')).toEqual(['zoe_ecole']);
    expect(await search('  ')).toEqual(['zoe_ecole']);
  });

  it('keeps the index up to date as posts arrive and contacts are renamed', async () => {
    await post('marie_k', 'Marie K', '@acme_sav première question');
    await app.pollAndWork();
    expect(await search('deuxième')).toEqual([]);
    await post('marie_k', 'Marie K', '@acme_sav deuxième question, toujours rien');
    await app.pollAndWork();
    expect(await search('deuxième')).toEqual(['marie_k']);
    const contact = await app.deps.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    await app.deps.db.updateTable('contacts').set({ name: 'Marie Kowalska' }).where('id', '=', contact.id).execute();
    expect(await search('kowalska')).toEqual(['marie_k']);
    expect(await search('Marie K ')).toEqual(['marie_k']);
  });
});
