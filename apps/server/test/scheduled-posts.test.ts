import type { ApiError, ScheduledPost, ScheduledPostList } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulePost } from '../src/modules/scheduled-posts/scheduled-posts.commands.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { buildScheduler } from '../src/roles/scheduler.ts';
import { buildWorker } from '../src/roles/worker.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

type Method = 'GET' | 'POST' | 'PATCH';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Scheduled brand posts (F23): composed, edited and cancelled before they go; published by the scheduler
 * through the outbox, so each is on X exactly once, whatever crashes, lost answers or second workers.
 */
describe.each(TEST_DIALECTS)('scheduled posts (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  let clock: ManualClock;
  let workspaceId: string;
  let channelId: string;
  beforeEach(async () => {
    clock = new ManualClock('2026-03-27T08:00:00.000Z');
    app = await createTestApp({ dialect, clock });
    cookie = await app.signIn();
    workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const brand = () => sandbox().findUser('acme_sav')!;
  const brandPosts = () =>
    sandbox()
      .listTweets({ authorId: brand().id })
      .filter((t) => !t.inReplyToTweetId);
  const api = async <T>(method: Method, url: string, payload?: unknown) => {
    const response = await app.http.inject({
      method,
      url,
      headers: { cookie, ...(method === 'GET' || payload ? {} : { 'content-type': 'application/json' }) },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : null) as T };
  };
  const at = (ms: number) => new Date(ms).toISOString();
  const postRow = (id: string) =>
    app.deps.db.selectFrom('scheduled_posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventsOf = async (id: string) =>
    (
      await app.deps.db
        .selectFrom('events')
        .select(['type', 'payload'])
        .where('subject_id', '=', id)
        .orderBy('occurred_at')
        .orderBy('id')
        .execute()
    ).map((e) => ({ type: e.type, payload: JSON.parse(e.payload) as Record<string, unknown> }));

  it('publishes at its time, once; edits and cancels only before sending', async () => {
    const now = clock.now().getTime();
    const first = await api<ScheduledPost>('POST', '/api/scheduled-posts', {
      channelId,
      text: 'Nos boutiques ferment à 17 h le 1er avril.',
      publishAt: at(now + 2 * HOUR),
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'scheduled', origin: 'manual', createdBy: { name: 'Admin' } });
    const second = await api<ScheduledPost>('POST', '/api/scheduled-posts', {
      channelId,
      text: 'Promo <script>alert(1)</script> 🎉',
      publishAt: at(now + 3 * HOUR),
    });

    // Edit the first: new text and a later time. Cancel the second.
    clock.advanceBy(MINUTE);
    const edited = await api<ScheduledPost>('PATCH', `/api/scheduled-posts/${first.body.id}`, {
      text: 'Nos boutiques ferment à 16 h le 1er avril.',
      publishAt: at(now + 4 * HOUR),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      text: 'Nos boutiques ferment à 16 h le 1er avril.',
      publishAt: at(now + 4 * HOUR),
    });
    const cancelled = await api<ScheduledPost>('POST', `/api/scheduled-posts/${second.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    // Cancelling twice is harmless; editing a cancelled post is refused.
    expect((await api('POST', `/api/scheduled-posts/${second.body.id}/cancel`)).status).toBe(200);
    const editCancelled = await api<ApiError>('PATCH', `/api/scheduled-posts/${second.body.id}`, { text: 'x' });
    expect(editCancelled.status).toBe(409);
    expect(editCancelled.body.error.code).toBe('scheduled_post.not_editable');

    // At the first post's original time nothing goes out: it was moved.
    clock.advanceBy(2 * HOUR + MINUTE);
    await app.pollAndWork();
    expect(brandPosts()).toEqual([]);
    clock.advanceBy(2 * HOUR);
    await app.pollAndWork();
    await app.pollAndWork();
    expect(brandPosts().map((t) => t.text)).toEqual(['Nos boutiques ferment à 16 h le 1er avril.']);

    const sent = await api<ScheduledPost>('GET', `/api/scheduled-posts/${first.body.id}`);
    expect(sent.body).toMatchObject({ status: 'sent', externalId: brandPosts()[0]!.id, attempts: 1 });
    expect(sent.body.url).toContain(brandPosts()[0]!.id);
    // Once sent, it can neither be edited nor cancelled.
    expect((await api('PATCH', `/api/scheduled-posts/${first.body.id}`, { text: 'too late' })).status).toBe(409);
    expect((await api('POST', `/api/scheduled-posts/${first.body.id}/cancel`)).status).toBe(409);
    expect((await eventsOf(first.body.id)).map((e) => e.type)).toEqual([
      'scheduled_post.scheduled',
      'scheduled_post.edited',
      'scheduled_post.sent',
    ]);
    expect((await eventsOf(second.body.id)).map((e) => e.type)).toEqual([
      'scheduled_post.scheduled',
      'scheduled_post.cancelled',
    ]);

    // The calendar shows both in the range, with their statuses.
    const calendar = await api<ScheduledPostList>(
      'GET',
      `/api/scheduled-posts?from=${encodeURIComponent(at(now))}&to=${encodeURIComponent(at(now + 86_400_000))}`,
    );
    expect(calendar.body.posts.map((p) => p.status)).toEqual(['cancelled', 'sent']);
  });

  it('refuses what X would refuse, with a reason, and stores nothing', async () => {
    const publishAt = at(clock.now().getTime() + HOUR);
    const tooLong = await api<ApiError>('POST', '/api/scheduled-posts', {
      channelId,
      text: 'é'.repeat(281),
      publishAt,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('scheduled_post.too_long');
    // Emoji weigh 2 on X: 141 of them are over the limit although they are 141 characters.
    const emoji = await api<ApiError>('POST', '/api/scheduled-posts', { channelId, text: '🎉'.repeat(141), publishAt });
    expect(emoji.body.error.code).toBe('scheduled_post.too_long');
    const empty = await api<ApiError>('POST', '/api/scheduled-posts', { channelId, text: '   ', publishAt });
    expect(empty.body.error.code).toBe('scheduled_post.empty');
    const badChannel = await api<ApiError>('POST', '/api/scheduled-posts', {
      channelId: 'nope',
      text: 'hi',
      publishAt,
    });
    expect(badChannel.status).toBe(404);
    const badRange = await api<ApiError>(
      'GET',
      '/api/scheduled-posts?from=2026-03-01T00:00:00Z&to=2026-09-01T00:00:00Z',
    );
    expect(badRange.status).toBe(400);
    expect(await app.deps.db.selectFrom('scheduled_posts').select('id').execute()).toEqual([]);
  });

  it('creates one post per origin key, however often it is asked', async () => {
    const post = {
      workspaceId,
      channelId,
      text: 'Bonjour ! Le service client est ouvert de 9 h à 18 h.',
      publishAt: clock.now().getTime(),
      origin: 'greeting' as const,
      originKey: 'greeting:open:2026-03-27',
      createdByAgentId: null,
    };
    const results = await Promise.all([
      schedulePost(app.deps.db, clock, post),
      schedulePost(app.deps.db, clock, post),
      app.deps.db.transaction().execute((tx) => schedulePost(tx, clock, post)),
    ]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    await app.pollAndWork();
    await app.pollAndWork();
    expect(brandPosts().map((t) => t.text)).toEqual([post.text]);
  });

  it('adopts a post X applied but whose answer was lost, instead of posting it twice', async () => {
    sandbox().setFaults({ ackLost: { count: 1, endpoint: 'POST /2/tweets' } });
    const { id } = await schedulePost(app.deps.db, clock, {
      workspaceId,
      channelId,
      text: 'Maintenance ce soir de 22 h à minuit.',
      publishAt: clock.now().getTime(),
      origin: 'manual',
      originKey: null,
      createdByAgentId: null,
    });
    await app.pollAndWork(); // X applies the post and answers 503: the desk cannot know it went out
    expect(brandPosts()).toHaveLength(1);
    expect((await postRow(id)).status).toBe('sending');
    clock.advanceBy(5 * MINUTE);
    await app.pollAndWork(); // the retry looks on X first
    await app.pollAndWork();
    expect(brandPosts()).toHaveLength(1);
    expect(await postRow(id)).toMatchObject({ status: 'sent', external_id: brandPosts()[0]!.id });
    expect((await eventsOf(id)).at(-1)).toMatchObject({ type: 'scheduled_post.sent', payload: { adopted: true } });
  });

  it('after a crash between "sending" and "sent", a restarted desk publishes once', async () => {
    const schedule = (text: string) =>
      schedulePost(app.deps.db, clock, {
        workspaceId,
        channelId,
        text,
        publishAt: clock.now().getTime() + HOUR,
        origin: 'manual',
        originKey: null,
        createdByAgentId: null,
      });
    const reached = await schedule('Nouvelle appli disponible.');
    const lost = await schedule('Nos horaires changent lundi.');
    clock.advanceBy(HOUR);
    // The old process claimed both ("sending" committed) and died: one post had reached X, the other not.
    const claimedAt = clock.now().getTime();
    for (const { id } of [reached, lost]) {
      await app.deps.db
        .updateTable('scheduled_posts')
        .set({ status: 'sending', attempts: 1, first_attempt_at: claimedAt, updated_at: claimedAt })
        .where('id', '=', id)
        .execute();
    }
    sandbox().post(brand().id, { text: 'Nouvelle appli disponible.' });
    clock.advanceBy(MINUTE);

    // A new process: fresh scheduler and worker on the same database.
    const scheduler = buildScheduler(app.deps);
    const worker = buildWorker(app.deps);
    for (let round = 0; round < 3; round++) {
      await scheduler.tick();
      await worker.drain();
    }
    await worker.stop();
    expect(
      brandPosts()
        .map((t) => t.text)
        .sort(),
    ).toEqual(['Nos horaires changent lundi.', 'Nouvelle appli disponible.']);
    expect(await postRow(reached.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await postRow(lost.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await eventsOf(reached.id)).at(-1)?.payload).toMatchObject({ adopted: true });
    expect((await eventsOf(lost.id)).at(-1)?.payload).toMatchObject({ adopted: false });
  });

  it('two workers draining the same due posts publish each once', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `Annonce numéro ${i + 1}`);
    for (const text of texts) {
      await schedulePost(app.deps.db, clock, {
        workspaceId,
        channelId,
        text,
        publishAt: clock.now().getTime(),
        origin: 'manual',
        originKey: null,
        createdByAgentId: null,
      });
    }
    // Two schedulers enqueue (the dedupe key keeps one job per post), two workers race for the jobs.
    await Promise.all([app.scheduler.tick(), buildScheduler(app.deps).tick()]);
    const second = buildWorker(app.deps);
    await Promise.all([app.worker.drain(), second.drain()]);
    await second.stop();
    await app.pollAndWork();
    expect(
      brandPosts()
        .map((t) => t.text)
        .sort(),
    ).toEqual([...texts].sort());
    const statuses = await app.deps.db.selectFrom('scheduled_posts').select('status').execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
  });

  it('shows a post X refuses for good as failed, with the reason; a retry after a fix publishes it', async () => {
    const text = 'Bonjour ! Nous sommes ouverts.';
    sandbox().post(brand().id, { text }); // X refuses a duplicate of a recent post of the account
    const { id } = await schedulePost(app.deps.db, clock, {
      workspaceId,
      channelId,
      text,
      publishAt: clock.now().getTime(),
      origin: 'manual',
      originKey: null,
      createdByAgentId: null,
    });
    // The reconcile-before-resend only runs for a post left "sending"; a first attempt posts, X says duplicate.
    await app.pollAndWork();
    const failed = await api<ScheduledPost>('GET', `/api/scheduled-posts/${id}`);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.error).toMatch(/duplicate/i);
    expect((await api<ApiError>('POST', `/api/scheduled-posts/${id}/retry`)).status).toBe(200);
    expect((await postRow(id)).status).toBe('scheduled');
    expect((await api<ApiError>('POST', `/api/scheduled-posts/${id}/retry`)).status).toBe(409);
  });
});
