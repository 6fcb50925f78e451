import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, Message } from '@guichet/contracts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * The walking skeleton end to end, in-process: the X sandbox over real HTTP, the real twitter-api-v2 client
 * inside the X connector, the job worker, the API an agent's browser calls.
 */
describe.each(TEST_DIALECTS)('a mention answered from the desk (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  beforeEach(async () => {
    app = await createTestApp({ dialect });
    cookie = await app.signIn();
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const api = async <T>(
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await app.http.inject({
      method,
      url,
      headers: { cookie, ...(method === 'GET' || payload ? {} : { 'content-type': 'application/json' }) },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json() as T };
  };

  async function customerMention(text: string) {
    const { user } = sandbox().ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
    return sandbox().post(user.id, { text });
  }

  it('brings a sandbox mention into the inbox and delivers the agent’s reply as an X reply to it', async () => {
    const mention = await customerMention('@acme_sav Bonjour, mon colis n’est jamais arrivé <b>commande 4411</b>');
    await app.pollAndWork();

    const { body: list } = await api<CaseList>('GET', '/api/cases');
    expect(list.cases).toHaveLength(1);
    const summary = list.cases[0]!;
    expect(summary.contact).toMatchObject({ name: 'Camille Durand', handle: 'camille_durand', network: 'x' });
    expect(summary.preview).toContain('<b>commande 4411</b>');

    const sent = await api<Message>('POST', `/api/cases/${summary.id}/replies`, {
      text: 'Bonjour Camille, nous regardons tout de suite. ^JD',
      idempotencyKey: 'draft-0001-abcdef',
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ direction: 'outbound', visibility: 'public', deliveryStatus: 'queued' });

    await app.worker.drain();
    const { body: detail } = await api<CaseDetail>('GET', `/api/cases/${summary.id}`);
    expect(detail.messages.map((m) => [m.direction, m.deliveryStatus])).toEqual([
      ['inbound', null],
      ['outbound', 'sent'],
    ]);
    const reply = detail.messages[1]!;
    expect(reply.author).toMatchObject({ kind: 'agent', name: 'Admin' });
    expect(reply.externalUrl).toMatch(new RegExp(`/acme_sav/status/${reply.externalId}$`));

    const onX = sandbox().listTweets({ inReplyToTweetId: mention.id });
    expect(onX).toHaveLength(1);
    // X puts the auto-populated mention of the customer in front of a reply's text.
    expect(onX[0]).toMatchObject({
      id: reply.externalId,
      text: '@camille_durand Bonjour Camille, nous regardons tout de suite. ^JD',
    });

    // The brand's own reply does not come back as new work on the next poll.
    await app.pollAndWork();
    expect((await api<CaseList>('GET', '/api/cases')).body.cases).toHaveLength(1);
  });

  it('sends a double-submitted reply once', async () => {
    const mention = await customerMention('@acme_sav where is my refund?');
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const payload = { text: 'Hi, checking your refund now.', idempotencyKey: 'same-draft-123' };
    const first = await api<Message>('POST', `/api/cases/${caseId}/replies`, payload);
    const second = await api<Message>('POST', `/api/cases/${caseId}/replies`, payload);
    expect(second.body.id).toBe(first.body.id);
    await app.worker.drain();
    expect(sandbox().listTweets({ inReplyToTweetId: mention.id })).toHaveLength(1);
  });

  it('never posts twice when X accepted a reply but the desk crashed before recording it', async () => {
    const mention = await customerMention('@acme_sav my phone screen is broken');
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const queued = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Sorry to hear that, DM us your order number.',
    });

    // Simulate the crash: the post reached X, then the process died with the message still "sending".
    const channel = await app.deps.db.selectFrom('channels').selectAll().executeTakeFirstOrThrow();
    const posted = await app.deps.connectors.get(channel).publishReply({
      text: 'Sorry to hear that, DM us your order number.',
      inReplyToExternalId: mention.id,
    });
    await app.deps.db
      .updateTable('messages')
      .set({ delivery_status: 'sending', delivery_attempts: 1 })
      .where('id', '=', queued.body.id)
      .execute();

    await app.worker.drain();
    expect(sandbox().listTweets({ inReplyToTweetId: mention.id })).toHaveLength(1);
    const { body: detail } = await api<CaseDetail>('GET', `/api/cases/${caseId}`);
    expect(detail.messages[1]).toMatchObject({ deliveryStatus: 'sent', externalId: posted.externalId });
  });

  it('shows a refused reply as failed with the reason, and does not retry it', async () => {
    await customerMention('@acme_sav hello');
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const tooLong = 'x'.repeat(300);
    // The desk refuses a public reply over X's limit itself (400 reply.too_long: send it as a thread)…
    const refused = await api<{ error: { code: string } }>('POST', `/api/cases/${caseId}/replies`, { text: tooLong });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('reply.too_long');
    // …so X's own refusal is provoked behind the desk's back, on a reply already queued.
    const queued = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: 'hello' });
    await app.deps.db.updateTable('messages').set({ text: tooLong }).where('id', '=', queued.body.id).execute();
    await app.worker.drain();
    const { body: detail } = await api<CaseDetail>('GET', `/api/cases/${caseId}`);
    const failed = detail.messages.find((m) => m.id === queued.body.id)!;
    expect(failed.deliveryStatus).toBe('failed');
    expect(failed.deliveryError).toMatch(/too long/i);
    expect(
      await app.deps.db.selectFrom('jobs').select('id').where('name', '=', 'deliver-message').execute(),
    ).toHaveLength(0);
  });

  it('refuses a reply to a case that does not exist, and an empty reply', async () => {
    expect((await api('POST', '/api/cases/nope/replies', { text: 'hi' })).status).toBe(404);
    await customerMention('@acme_sav ping');
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const empty = await api<{ error: { code: string } }>('POST', `/api/cases/${caseId}/replies`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('reply.empty');
  });
});

describe('realtime', () => {
  it('tells a connected agent that a case changed when a mention arrives', async () => {
    const app = await createTestApp();
    try {
      const cookie = await app.signIn();
      const socket = await app.http.injectWS('/api/realtime', { headers: { cookie } });
      const received: unknown[] = [];
      socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString())));
      const { user } = app.deps.sandbox!.instance.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      await app.deps.sandbox!.instance.post(user.id, { text: '@acme_sav are you there?' });
      await app.pollAndWork();
      await expect.poll(() => received.length).toBeGreaterThan(0);
      expect(received[0]).toMatchObject({ type: 'case.changed', caseId: expect.any(String) });
      socket.terminate();
    } finally {
      await app.close();
    }
  });
});

describe.each(TEST_DIALECTS)('direct messages (%s)', (dialect) => {
  it('puts a customer’s DM in the same case as their public post, marked private, and answers it by DM only', async () => {
    const app = await createTestApp({ dialect, env: { GUICHET_DM_POLL_INTERVAL: '0.001' } });
    try {
      const cookie = await app.signIn();
      const sandbox = app.deps.sandbox!.instance;
      const brand = sandbox.findUser('acme_sav')!;
      const { user: customer } = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      sandbox.post(customer.id, { text: '@acme_sav my parcel is lost, can you help?' });
      await app.pollAndWork();
      sandbox.sendDm(customer.id, brand.id, 'Here is my order number: 4411-2207');
      await app.pollAndWork();

      const list = (await app.http.inject({ url: '/api/cases', headers: { cookie } })).json() as CaseList;
      expect(list.cases).toHaveLength(1);
      const caseId = list.cases[0]!.id;
      const detail = (await app.http.inject({ url: `/api/cases/${caseId}`, headers: { cookie } })).json() as CaseDetail;
      expect(detail.messages.map((m) => [m.visibility, m.direction, m.text])).toEqual([
        ['public', 'inbound', '@acme_sav my parcel is lost, can you help?'],
        ['direct', 'inbound', 'Here is my order number: 4411-2207'],
      ]);
      const dm = detail.messages[1]!;
      expect(dm.conversationId).not.toBe(detail.messages[0]!.conversationId);

      const reply = await app.http.inject({
        method: 'POST',
        url: `/api/cases/${caseId}/replies`,
        headers: { cookie },
        payload: { text: 'Thanks Camille, order 4411-2207 is on its way again.', inReplyToMessageId: dm.id },
      });
      expect(reply.statusCode).toBe(202);
      expect(reply.json()).toMatchObject({ visibility: 'direct', deliveryStatus: 'queued' });
      await app.worker.drain();

      const after = (await app.http.inject({ url: `/api/cases/${caseId}`, headers: { cookie } })).json() as CaseDetail;
      expect(after.messages[2]).toMatchObject({ visibility: 'direct', direction: 'outbound', deliveryStatus: 'sent' });
      const sentDms = sandbox.listDmEvents().filter((e) => e.senderId === brand.id);
      expect(sentDms.map((e) => e.text)).toEqual(['Thanks Camille, order 4411-2207 is on its way again.']);
      // Never public: nothing with that text on the timeline.
      expect(sandbox.listTweets().filter((t) => t.text.includes('4411-2207'))).toEqual([]);

      // The brand's own DM does not come back as inbound work.
      await app.pollAndWork();
      const final = (await app.http.inject({ url: `/api/cases/${caseId}`, headers: { cookie } })).json() as CaseDetail;
      expect(final.messages).toHaveLength(3);
    } finally {
      await app.close();
    }
  });
});

describe('filtered stream', () => {
  it('brings a mention into the desk within moments, over one stream connection held by the worker', async () => {
    const app = await createTestApp({ env: { GUICHET_STREAMING: 'true', GUICHET_POLL_INTERVAL: '3600' } });
    try {
      const events: { caseId: string }[] = [];
      app.deps.realtime.subscribe(app.deps.bootstrap.workspaceId, (event) => {
        if (event.type === 'case.changed') events.push(event);
      });
      // The first round polls (nothing yet) and hands the stream job to the worker loop.
      await app.scheduler.tick();
      app.worker.start();
      const jobs = async () => (await app.deps.db.selectFrom('jobs').select('name').execute()).map((j) => j.name);
      await expect.poll(jobs, { timeout: 5000 }).toEqual(['stream-channel']);
      await expect
        .poll(() => app.deps.db.selectFrom('channels').select('status').executeTakeFirstOrThrow(), { timeout: 5000 })
        .toEqual({ status: 'active' });
      // Give the connection a moment to open, then post: no poll will run for an hour, only the stream.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { user } = app.deps.sandbox!.instance.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      app.deps.sandbox!.instance.post(user.id, { text: '@acme_sav the app shows error 503 since this morning' });
      await expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThan(0);
      const stored = await app.deps.db.selectFrom('messages').select('text').execute();
      expect(stored).toEqual([{ text: '@acme_sav the app shows error 503 since this morning' }]);
    } finally {
      await app.worker.stop();
      await app.close();
    }
  });
});
