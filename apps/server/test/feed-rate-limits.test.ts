import { afterEach, describe, expect, it } from 'vitest';
import { readNotBefore } from '../src/modules/channels/channels.repository.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * Each feed of a channel waits out its own rate-limit window: a 429 on mentions holds back the mentions
 * feed alone, until the reset X announced, while DMs and saved searches keep being read; when mentions
 * resume, what was posted meanwhile arrives once.
 */
describe.each(TEST_DIALECTS)('per-feed rate limits (%s)', (dialect) => {
  let app: TestApp;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  afterEach(async () => {
    await app.close();
  });

  async function setUp() {
    clock.set('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ dialect, clock });
    const cookie = await app.signIn();
    const channel = await app.deps.db.selectFrom('channels').selectAll().executeTakeFirstOrThrow();
    const created = await app.http.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/searches`,
      headers: { cookie },
      payload: { name: 'Brand', query: 'zebracorp' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const sandbox = app.deps.sandbox!.instance;
    const customer = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' }).user;
    return { channel, sandbox, customer, brandId: channel.external_account_id! };
  }

  const storedTexts = async () =>
    (await app.deps.db.selectFrom('messages').select('text').where('direction', '=', 'inbound').execute())
      .map((m) => m.text)
      .sort();

  it('a 429 on mentions holds back mentions alone; DMs and searches go on; mentions resume after the reset', async () => {
    const t = await setUp();
    t.sandbox.post(t.customer.id, { text: '@acme_sav mention 1' });
    t.sandbox.sendDm(t.customer.id, t.brandId, 'dm 1');
    t.sandbox.post(t.customer.id, { text: 'zebracorp search 1' });
    t.sandbox.setFaults({ rateLimitBurst: { count: 1, endpoint: 'GET /2/users/:id/mentions' } });

    // Round 1: mentions answer 429, the DMs and the search are read in the same round.
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['dm 1', 'zebracorp search 1']);
    const notBefore = (await readNotBefore(app.deps.db, t.channel.id)).get('mentions');
    expect(notBefore).toBeGreaterThan(clock.now().getTime()); // the reset X announced for the mentions endpoint
    expect([...(await readNotBefore(app.deps.db, t.channel.id)).keys()]).toEqual(['mentions']);
    // No poll job is held back for the whole channel.
    const pending = await app.deps.db.selectFrom('jobs').select('name').where('name', '=', 'poll-channel').execute();
    expect(pending).toEqual([]);
    expect(
      (await app.deps.db.selectFrom('channels').select('status_detail').executeTakeFirstOrThrow()).status_detail,
    ).toMatch(/^mentions: /);

    // Round 2, before the reset: X would answer mentions again, but the feed keeps to its window.
    t.sandbox.post(t.customer.id, { text: '@acme_sav mention 2' });
    t.sandbox.sendDm(t.customer.id, t.brandId, 'dm 2');
    t.sandbox.post(t.customer.id, { text: 'zebracorp search 2' });
    clock.advanceBy(70_000); // past the DM pace (65 s) and the search pace (60 s)
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['dm 1', 'dm 2', 'zebracorp search 1', 'zebracorp search 2']);

    // Round 3, once the window has reset: both mentions arrive, nothing twice.
    clock.set(new Date(notBefore!).toISOString());
    await app.pollAndWork();
    expect(await storedTexts()).toEqual([
      '@acme_sav mention 1',
      '@acme_sav mention 2',
      'dm 1',
      'dm 2',
      'zebracorp search 1',
      'zebracorp search 2',
    ]);
    expect((await readNotBefore(app.deps.db, t.channel.id)).size).toBe(0);
    expect((await app.deps.db.selectFrom('channels').select('status').executeTakeFirstOrThrow()).status).toBe('active');

    // Later rounds read every feed again, still nothing duplicated.
    t.sandbox.post(t.customer.id, { text: '@acme_sav mention 3' });
    t.sandbox.sendDm(t.customer.id, t.brandId, 'dm 3');
    clock.advanceBy(70_000);
    await app.pollAndWork();
    const texts = await storedTexts();
    expect(texts).toHaveLength(8);
    expect(texts).toEqual(expect.arrayContaining(['@acme_sav mention 3', 'dm 3']));
  });

  it('a 429 on DMs holds back DMs alone; mentions keep being read', async () => {
    const t = await setUp();
    t.sandbox.setFaults({ rateLimitBurst: { count: 1, endpoint: 'GET /2/dm_events' } });
    t.sandbox.sendDm(t.customer.id, t.brandId, 'dm 1');
    t.sandbox.post(t.customer.id, { text: '@acme_sav mention 1' });
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['@acme_sav mention 1']);
    const notBefore = (await readNotBefore(app.deps.db, t.channel.id)).get('dms');
    expect(notBefore).toBeGreaterThan(clock.now().getTime());

    t.sandbox.post(t.customer.id, { text: '@acme_sav mention 2' });
    clock.advanceBy(70_000);
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['@acme_sav mention 1', '@acme_sav mention 2']);

    clock.set(new Date(notBefore!).toISOString());
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['@acme_sav mention 1', '@acme_sav mention 2', 'dm 1']);
  });
});
