import type { CaseDetail, CaseList, Message } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STREAM_CHANNEL } from '../src/modules/channels/channel-stream.job.ts';
import { readNotBefore } from '../src/modules/channels/channels.repository.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * The sandbox's fault switches against the whole desk, on a manual clock: whatever X does (rate-limit
 * bursts, 5xx, lost acknowledgements, malformed answers, dropped streams), nothing is lost, nothing is
 * duplicated, and what cannot be sent says so.
 */
describe('faults from X', () => {
  let app: TestApp;
  let cookie: string;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  beforeEach(async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ clock });
    cookie = await app.signIn();
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const customer = () => sandbox().ensureUser({ username: 'camille_durand', name: 'Camille Durand' }).user;
  const storedTexts = async () =>
    (
      await app.deps.db
        .selectFrom('messages')
        .select('text')
        .where('direction', '=', 'inbound')
        // Two posts can share a millisecond on the manual clock: X's ids, which grow with time, break the tie.
        .orderBy('created_at')
        .orderBy('external_id')
        .execute()
    ).map((m) => m.text);
  const channelStatus = () =>
    app.deps.db.selectFrom('channels').select(['status', 'status_detail']).executeTakeFirstOrThrow();

  async function openCase(text: string) {
    const mention = sandbox().post(customer().id, { text });
    await app.pollAndWork();
    const caseId = ((await app.http.inject({ url: '/api/cases', headers: { cookie } })).json() as CaseList).cases[0]!
      .id;
    return { mention, caseId };
  }

  async function reply(caseId: string, text: string) {
    return (
      await app.http.inject({
        method: 'POST',
        url: `/api/cases/${caseId}/replies`,
        headers: { cookie },
        payload: { text },
      })
    ).json() as Message;
  }

  const repliesOnX = (tweetId: string) => sandbox().listTweets({ inReplyToTweetId: tweetId });

  it('waits out a 429 burst until the rate-limit window resets, then ingests everything once', async () => {
    sandbox().post(customer().id, { text: '@acme_sav first' });
    sandbox().setFaults({ rateLimitBurst: { count: 1, endpoint: 'GET /2/users/:id/mentions' } });
    await app.pollAndWork();
    expect(await storedTexts()).toEqual([]);
    expect(await channelStatus()).toMatchObject({
      status: 'failing',
      status_detail: expect.stringContaining('mentions'),
    });
    // The mentions feed alone is held until the reset X announced; the other feeds go on (feed-rate-limits.test.ts).
    const channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    expect((await readNotBefore(app.deps.db, channelId)).get('mentions')).toBeGreaterThan(clock.now().getTime());

    sandbox().post(customer().id, { text: '@acme_sav second' });
    clock.advanceBy(15 * 60_000);
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['@acme_sav first', '@acme_sav second']);
    expect((await channelStatus()).status).toBe('active');
  });

  it('retries a reply after 5xx answers and posts it once', async () => {
    const { mention, caseId } = await openCase('@acme_sav my order is late');
    sandbox().setFaults({ serverError: { status: 503, count: 2, endpoint: 'POST /2/tweets' } });
    const queued = await reply(caseId, 'Checking now, sorry for the wait.');
    for (let i = 0; i < 4; i += 1) {
      await app.worker.drain();
      clock.advanceBy(2 * 60_000);
    }
    const detail = (await app.http.inject({ url: `/api/cases/${caseId}`, headers: { cookie } })).json() as CaseDetail;
    expect(detail.messages.find((m) => m.id === queued.id)).toMatchObject({ deliveryStatus: 'sent' });
    expect(repliesOnX(mention.id)).toHaveLength(1);
  });

  it('adopts a reply X applied but whose answer was lost, instead of posting it twice', async () => {
    const { mention, caseId } = await openCase('@acme_sav refund please');
    sandbox().setFaults({ ackLost: { count: 1, endpoint: 'POST /2/tweets' } });
    const queued = await reply(caseId, 'Your refund is on its way.');
    await app.worker.drain(); // X applies the post, answers 503: the desk cannot know it went out
    expect(repliesOnX(mention.id)).toHaveLength(1);
    clock.advanceBy(5 * 60_000);
    await app.worker.drain(); // the retry looks on X first
    expect(repliesOnX(mention.id)).toHaveLength(1);
    const message = await app.deps.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ delivery_status: 'sent', external_id: repliesOnX(mention.id)[0]!.id });
    const sent = await app.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'message.sent')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(sent.payload)).toMatchObject({ adopted: true });
  });

  it('survives malformed answers: the poll fails cleanly, the next one stores everything once', async () => {
    sandbox().post(customer().id, { text: '@acme_sav hello?' });
    sandbox().setFaults({ malformed: { count: 1, kind: 'truncated-json', endpoint: 'GET /2/users/:id/mentions' } });
    await app.pollAndWork();
    expect(await storedTexts()).toEqual([]);
    expect((await channelStatus()).status).toBe('failing');
    sandbox().setFaults({ malformed: { count: 1, kind: 'wrong-content-type', endpoint: 'GET /2/users/:id/mentions' } });
    await app.pollAndWork();
    await app.pollAndWork();
    expect(await storedTexts()).toEqual(['@acme_sav hello?']);
  });

  it('shows a reply X refuses for good as failed, with the reason the agent can act on', async () => {
    // A post naming the brand without its handle, found by a saved search: self-serve plans refuse a reply.
    const channel = await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow();
    await app.http.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/searches`,
      headers: { cookie },
      payload: { name: 'Brand', query: 'acme -from:acme_sav' },
    });
    sandbox().post(customer().id, { text: 'acme support never answers' });
    await app.pollAndWork();
    const caseId = ((await app.http.inject({ url: '/api/cases', headers: { cookie } })).json() as CaseList).cases[0]!
      .id;
    const queued = await reply(caseId, 'Hello Camille, we are here: how can we help?');
    await app.worker.drain();
    const message = await app.deps.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(message.delivery_status).toBe('failed');
    expect(message.delivery_error).toMatch(/^x\.reply_not_allowed: .*not been mentioned/);
    expect(await app.deps.db.selectFrom('jobs').select('id').where('name', '=', 'deliver-message').execute()).toEqual(
      [],
    );
  });
});

describe('timeouts', () => {
  it('gives up on a hung X answer, then neither loses the mention nor posts the reply twice', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    const app = await createTestApp({ clock, env: { X_TIMEOUT_SECONDS: '0.3' } });
    try {
      const cookie = await app.signIn();
      const sandbox = app.deps.sandbox!.instance;
      const { user } = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      const mention = sandbox.post(user.id, { text: '@acme_sav are you there?' });

      sandbox.setFaults({ latency: { ms: 800, endpoint: 'GET /2/users/:id/mentions' } });
      await app.pollAndWork();
      expect(await app.deps.db.selectFrom('messages').select('id').execute()).toEqual([]);
      expect((await app.deps.db.selectFrom('channels').select('status').executeTakeFirstOrThrow()).status).toBe(
        'failing',
      );
      sandbox.clearFaults();
      await app.pollAndWork();
      const caseId = ((await app.http.inject({ url: '/api/cases', headers: { cookie } })).json() as CaseList).cases[0]!
        .id;

      // The reply request hangs past the timeout; X may still apply it afterwards.
      sandbox.setFaults({ latency: { ms: 800, endpoint: 'POST /2/tweets' } });
      const queued = (
        await app.http.inject({
          method: 'POST',
          url: `/api/cases/${caseId}/replies`,
          headers: { cookie },
          payload: { text: 'Yes, we are here.' },
        })
      ).json() as Message;
      await app.worker.drain();
      expect(
        (
          await app.deps.db
            .selectFrom('messages')
            .select('delivery_status')
            .where('id', '=', queued.id)
            .executeTakeFirstOrThrow()
        ).delivery_status,
      ).toBe('sending');
      await new Promise((resolve) => setTimeout(resolve, 900)); // let the hung request finish on the X side
      sandbox.clearFaults();
      clock.advanceBy(5 * 60_000);
      await app.worker.drain();
      expect(sandbox.listTweets({ inReplyToTweetId: mention.id })).toHaveLength(1);
      expect(
        (
          await app.deps.db
            .selectFrom('messages')
            .select('delivery_status')
            .where('id', '=', queued.id)
            .executeTakeFirstOrThrow()
        ).delivery_status,
      ).toBe('sent');
    } finally {
      await app.close();
    }
  });
});

describe('a dropped stream', () => {
  it('reconnects by itself: a post after the drop comes through the stream, with polling off', async () => {
    const app = await createTestApp({ env: { GUICHET_STREAMING: 'true', GUICHET_POLL_INTERVAL: '3600' } });
    try {
      const sandbox = app.deps.sandbox!.instance;
      const { user } = sandbox.ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
      const channel = await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow();
      const texts = async () =>
        (await app.deps.db.selectFrom('messages').select('text').orderBy('created_at').execute()).map((m) => m.text);
      const status = async () =>
        (await app.deps.db.selectFrom('channels').select('status').executeTakeFirstOrThrow()).status;
      // The first connection is cut after the first post it delivers.
      sandbox.setFaults({ dropStream: { afterItems: 1, count: 1 } });
      // Only the stream job: no scheduler round, so no poll ever runs (the safety net is off).
      await app.deps.jobs.enqueue({
        name: STREAM_CHANNEL,
        payload: { channelId: channel.id },
        dedupeKey: `stream:${channel.id}`,
      });
      app.worker.start();
      // Nothing polls: a post made while no connection is up is never seen. Post until one arrives.
      let posted = 0;
      const postUntilStored = async (label: string) => {
        await expect
          .poll(
            async () => {
              const arrived = (await texts()).filter((t) => t.includes(label));
              if (arrived.length === 0) sandbox.post(user.id, { text: `@acme_sav ${label} ${++posted}` });
              return arrived.length;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toBeGreaterThanOrEqual(1);
      };
      await postUntilStored('before the drop');
      // The sandbox cut that connection right after sending this post: what comes next needs a new one.
      await postUntilStored('after the drop');
      expect(await status()).toBe('active');
      // Proof that it came through the stream: no feed was ever polled.
      expect(await app.deps.db.selectFrom('cursors').select('feed').execute()).toEqual([]);
      expect(await app.deps.db.selectFrom('jobs').select('name').execute()).toEqual([{ name: STREAM_CHANNEL }]);
    } finally {
      await app.worker.stop();
      await app.close();
    }
  });
});
