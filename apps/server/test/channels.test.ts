import type { ChannelList, ChannelSummary } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { ensureSandboxChannel } from '../src/modules/channels/channels.commands.ts';
import { isSilent } from '../src/modules/channels/channels.queries.ts';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, inboundPost } from './factories.ts';
import { createTestApp, type TestApp } from './test-app.ts';

describe.each(TEST_DIALECTS)('channels: health, spend and brand monitoring (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  beforeEach(async () => {
    app = await createTestApp({ dialect });
    cookie = await app.signIn();
  });
  afterEach(async () => {
    await app.close();
  });

  const channels = async () =>
    ((await app.http.inject({ url: '/api/channels', headers: { cookie } })).json() as ChannelList).channels;

  it('meters X spend from the calls the desk makes, in line with what the sandbox bills', async () => {
    const sandbox = app.deps.sandbox!.instance;
    const { user } = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
    sandbox.post(user.id, { text: '@acme_sav is there an outage?' });
    await app.pollAndWork();
    const caseId = (await app.http.inject({ url: '/api/cases', headers: { cookie } })).json().cases[0].id;
    await app.http.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/replies`,
      headers: { cookie },
      payload: { text: 'Yes, fixed by noon.' },
    });
    await app.worker.drain();
    // Usage is recorded just after each call returns.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const [channel] = await channels();
    expect(channel).toMatchObject({ handle: 'acme_sav', status: 'active', sandbox: true, health: { silent: false } });
    const spend = channel!.spend;
    const category = (name: string) => spend.byCategory.find((c) => c.category === name);
    expect(category('summoned_reply_create')).toEqual({ category: 'summoned_reply_create', units: 1, usd: 0.01 });
    expect(category('owned_read')).toEqual({ category: 'owned_read', units: 1, usd: 0.001 }); // the mention itself
    expect(spend.monthUsd).toBeCloseTo(spend.todayUsd, 6);

    // The sandbox de-duplicates reads per resource per day, so the desk's meter may only err high.
    const billed = sandbox.costs().totalUsd;
    expect(spend.monthUsd).toBeGreaterThanOrEqual(billed - 1e-9);
    expect(spend.monthUsd).toBeLessThan(billed + 0.05);
  });

  it('lets a lead set a monthly budget that survives a restart, and refuses it to an agent', async () => {
    const [channel] = await channels();
    const agent = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'agent@acme.test',
      name: 'Agent',
      role: 'agent',
      password: 'agent password 123',
    });
    const agentCookie = await app.signIn({ email: agent.email, password: agent.password });
    const refused = await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channel!.id}`,
      headers: { cookie: agentCookie },
      payload: { monthlyBudgetUsd: 5 },
    });
    expect(refused.statusCode).toBe(403);

    const set = await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channel!.id}`,
      headers: { cookie },
      payload: { monthlyBudgetUsd: 25 },
    });
    expect(set.statusCode).toBe(200);
    expect((set.json() as ChannelSummary).spend).toMatchObject({ budgetUsd: 25, budgetState: 'ok' });

    // What the desk does at every start must not reset what the lead chose.
    await ensureSandboxChannel(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      sandbox: app.deps.sandbox!.instance,
      brandUsername: 'acme_sav',
    });
    expect((await channels())[0]!.spend.budgetUsd).toBe(25);
  });

  it('turns a saved search into cases for posts naming the brand without its handle, until the budget is spent', async () => {
    const [channel] = await channels();
    const created = await app.http.inject({
      method: 'POST',
      url: `/api/channels/${channel!.id}/searches`,
      headers: { cookie },
      payload: { name: 'Brand without handle', query: 'acme -from:acme_sav -@acme_sav' },
    });
    expect(created.statusCode).toBe(201);
    const sandbox = app.deps.sandbox!.instance;
    const { user } = sandbox.ensureUser({ username: 'marc_l', name: 'Marc L' });
    sandbox.post(user.id, { text: 'my acme box has been down since Monday' });
    await app.pollAndWork();
    const messages = await app.deps.db.selectFrom('messages').select(['text', 'kind']).execute();
    expect(messages).toEqual([{ text: 'my acme box has been down since Monday', kind: 'post' }]);

    // Budget spent: the search stops; mentions keep coming.
    await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channel!.id}`,
      headers: { cookie },
      payload: { monthlyBudgetUsd: 0 },
    });
    expect((await channels())[0]!.spend.budgetState).toBe('exhausted');
    await app.deps.db.deleteFrom('cursors').execute(); // so no pace limit is what holds the feeds back
    sandbox.post(user.id, { text: 'acme still down, unbelievable' });
    sandbox.post(user.id, { text: '@acme_sav any news?' });
    await app.pollAndWork();
    const texts = (await app.deps.db.selectFrom('messages').select('text').execute()).map((m) => m.text);
    expect(texts).toContain('@acme_sav any news?');
    expect(texts).not.toContain('acme still down, unbelievable');
  });
});

describe.each(TEST_DIALECTS)('channel silence alarm (%s)', (dialect) => {
  it('raises when nothing came in for ten times the usual gap, and not without history', async () => {
    const f = await createStorageFixture(dialect);
    try {
      const start = f.clock.now().getTime();
      const posts = Array.from({ length: 12 }, (_, i) =>
        inboundPost({ createdAt: new Date(start - (12 - i) * 60_000) }),
      );
      expect(await isSilent(f.database.db, f.channel.id, start)).toEqual({ silent: false, lastInboundAt: null });
      await ingestPage({ db: f.database.db, clock: f.clock }, { channel: f.channel, feed: 'mentions', items: posts });
      expect((await isSilent(f.database.db, f.channel.id, start + 30 * 60_000)).silent).toBe(false); // < 1 h
      expect((await isSilent(f.database.db, f.channel.id, start + 61 * 60_000)).silent).toBe(true); // > max(1 h, 10 × 1 min)
    } finally {
      await f.close();
    }
  });
});

describe('noise filters in the poll path', () => {
  it('keeps reposts, tag storms and muted posts out of the queue but on record, once', async () => {
    const app = await createTestApp();
    try {
      const cookie = await app.signIn();
      const [channel] = ((await app.http.inject({ url: '/api/channels', headers: { cookie } })).json() as ChannelList)
        .channels;
      await app.http.inject({
        method: 'PATCH',
        url: `/api/channels/${channel!.id}`,
        headers: { cookie },
        payload: { muteWords: ['giveaway'] },
      });
      const sandbox = app.deps.sandbox!.instance;
      const { user } = sandbox.ensureUser({ username: 'noisy', name: 'Noisy' });
      sandbox.post(user.id, { text: '@acme_sav #fail #fail #fail' });
      sandbox.post(user.id, { text: '@acme_sav huge GIVEAWAY follow me' });
      sandbox.post(user.id, { text: '@acme_sav my order is late' });
      await app.pollAndWork();
      await app.deps.db.deleteFrom('cursors').execute(); // read the same posts again
      await app.pollAndWork();
      expect((await app.deps.db.selectFrom('messages').select('text').execute()).map((m) => m.text)).toEqual([
        '@acme_sav my order is late',
      ]);
      const filtered = await app.deps.db
        .selectFrom('events')
        .select(['type', 'payload'])
        .where('type', '=', 'inbound.filtered')
        .execute();
      expect(filtered.map((e) => JSON.parse(e.payload).reason).sort()).toEqual(['muted_word', 'tags_only']);
    } finally {
      await app.close();
    }
  });
});

describe('threads that began out of sight', () => {
  it('fetches the unseen parent of a reply so the case reads in order', async () => {
    const app = await createTestApp();
    try {
      const sandbox = app.deps.sandbox!.instance;
      const { user } = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      // The first post does not mention the brand: no feed of the desk would ever bring it.
      const root = sandbox.post(user.id, { text: 'Third delivery missed this week, no one calls back' });
      sandbox.post(user.id, { text: '@acme_sav see above, what now?', inReplyToTweetId: root.id });
      await app.pollAndWork();
      const messages = await app.deps.db
        .selectFrom('messages')
        .select(['text', 'external_id'])
        .orderBy('created_at')
        .execute();
      expect(messages.map((m) => m.text)).toEqual([
        'Third delivery missed this week, no one calls back',
        '@acme_sav see above, what now?', // a self-reply gets no auto-populated mention
      ]);
      expect(await app.deps.db.selectFrom('cases').select('id').execute()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
