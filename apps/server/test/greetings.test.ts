import { afterEach, describe, expect, it } from 'vitest';
import type { TimeSettings, TimeSettingsResponse } from '@guichet/contracts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient, elapse as elapseOn } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Greetings and welcome DMs (F21) through the scheduler's rounds and the outbox to X. */
describe.each(TEST_DIALECTS)('greetings (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, sandbox, brand } = deskClient(() => app, { renewExpiredSession: true });
  afterEach(async () => {
    await app.close();
  });

  async function start(at: string) {
    ({ app, clock } = await startDesk({ dialect, at: at }));
  }
  async function saveSettings(change: (settings: TimeSettings) => TimeSettings) {
    const current = (await api<TimeSettingsResponse>('GET', '/api/time-settings')).body.settings;
    const saved = await api<TimeSettingsResponse>('PUT', '/api/time-settings', change(current));
    expect(saved.status).toBe(200);
  }
  const elapse = (ms: number, step: number) => elapseOn(app, clock, ms, step);

  it('posts the opening and closing greetings once a day, in Paris time, across the change to winter time and a holiday', async () => {
    // Thursday 22 October 2026, 08:00 in Paris (summer time, UTC+2); winter time from Sunday 25 October.
    await start('2026-10-22T06:00:00Z');
    const day = [{ start: '09:00', end: '18:00' }];
    expect(
      (
        await api('PUT', '/api/sla/hours', {
          hours: {
            timeZone: 'Europe/Paris',
            week: [day, day, day, day, day, [], []],
            holidays: [{ date: '2026-10-27', name: 'Fermeture exceptionnelle' }],
          },
        })
      ).status,
    ).toBe(200);
    await saveSettings((s) => ({ ...s, greetings: { ...s.greetings, enabled: true } }));

    // Eight days, a round every 20 minutes (a real desk runs one every few seconds).
    await elapse(8 * 24 * HOUR, 20 * MINUTE);
    const posts = await app.deps.db
      .selectFrom('scheduled_posts')
      .select(['publish_at', 'origin_key', 'status', 'text'])
      .where('origin', '=', 'greeting')
      .orderBy('publish_at')
      .execute();
    const at = (p: { publish_at: number }) => new Date(Number(p.publish_at)).toISOString();
    expect(posts.map((p) => [at(p), p.origin_key!.split(':').slice(2).join(':')])).toEqual([
      ['2026-10-22T07:00:00.000Z', '2026-10-22:open'],
      ['2026-10-22T16:00:00.000Z', '2026-10-22:close'],
      ['2026-10-23T07:00:00.000Z', '2026-10-23:open'],
      ['2026-10-23T16:00:00.000Z', '2026-10-23:close'],
      // Winter time: 09:00 in Paris is now 08:00 UTC. Tuesday 27 is a holiday: nothing.
      ['2026-10-26T08:00:00.000Z', '2026-10-26:open'],
      ['2026-10-26T17:00:00.000Z', '2026-10-26:close'],
      ['2026-10-28T08:00:00.000Z', '2026-10-28:open'],
      ['2026-10-28T17:00:00.000Z', '2026-10-28:close'],
      ['2026-10-29T08:00:00.000Z', '2026-10-29:open'],
      ['2026-10-29T17:00:00.000Z', '2026-10-29:close'],
    ]);
    expect(posts.map((p) => p.status)).toEqual(posts.map(() => 'sent'));
    expect(posts[0]!.text).toBe(
      'Bonjour ! Nous sommes là ce jeudi 22 octobre jusqu’à 18 h pour répondre à vos questions.',
    );
    // Friday's closing greeting names Monday's opening; Monday's names Wednesday (Tuesday is a holiday).
    expect(posts[3]!.text).toBe('Bonsoir ! Notre équipe vous retrouve lundi 26 octobre à 9 h. Bonne soirée !');
    expect(posts[5]!.text).toBe('Bonsoir ! Notre équipe vous retrouve mercredi 28 octobre à 9 h. Bonne soirée !');
    // On X: each greeting once, at its time (within one round).
    const tweets = sandbox().listTweets({ authorId: brand().id });
    expect(tweets).toHaveLength(10);
    expect(new Set(tweets.map((t) => t.createdAt)).size).toBe(10);
  }, 180_000);

  it('writes in English when asked, stays quiet while the team is away or greetings are off', async () => {
    await start('2026-01-05T07:00:00Z');
    const day = [{ start: '08:30', end: '17:30' }];
    await api('PUT', '/api/sla/hours', {
      hours: { timeZone: 'Europe/London', week: [day, day, day, day, day, [], []], holidays: [] },
    });
    await elapse(3 * HOUR, 15 * MINUTE);
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(0);
    const defaults = (await api<TimeSettingsResponse>('GET', '/api/time-settings')).body.defaults;
    await saveSettings(() => ({ ...defaults.en, greetings: { ...defaults.en.greetings, enabled: true } }));
    // Away on Tuesday morning: its status post instead of the opening greeting.
    const away = await api('POST', '/api/absence', {
      kind: 'incident',
      startsAt: '2026-01-06T08:00:00Z',
      endsAt: '2026-01-06T10:00:00Z',
    });
    expect(away.status).toBe(201);
    await elapse(2 * 24 * HOUR, 15 * MINUTE);
    const tweets = sandbox()
      .listTweets({ authorId: brand().id })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    expect(tweets.map((t) => t.text)).toEqual([
      'Good evening! Our team will be back Tuesday, January 6 at 8:30 am. Have a nice evening!',
      "Our team is away right now. We'll be back Tuesday, January 6 at 10 am.",
      'Good evening! Our team will be back Wednesday, January 7 at 8:30 am. Have a nice evening!',
      "Good morning! We're here today, Wednesday, January 7, until 5:30 pm to answer your questions.",
    ]);
    // A greeting that would not fit on X is refused with the field to fix.
    const current = (await api<TimeSettingsResponse>('GET', '/api/time-settings')).body.settings;
    const tooLong = await api<{ error: { code: string } }>('PUT', '/api/time-settings', {
      ...current,
      greetings: { ...current.greetings, openTemplate: 'x'.repeat(300) },
    });
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 'time_settings.post_too_long' } } });
    // So is one that would repeat itself word for word each day: X refuses duplicates.
    const repeating = await api<{ error: { code: string } }>('PUT', '/api/time-settings', {
      ...current,
      greetings: { ...current.greetings, openTemplate: 'Hello, we are open!' },
    });
    expect(repeating).toMatchObject({ status: 400, body: { error: { code: 'time_settings.greeting_repeats' } } });
  });
});

describe.each(TEST_DIALECTS)('welcome DMs (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });

  it('welcomes new followers at most N an hour, never twice, and only once switched on', async () => {
    ({ app, clock } = await startDesk({ dialect, at: '2026-03-02T10:00:00Z' }));
    const deskUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
    const channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    const sandbox = app.deps.sandbox!.instance;
    // An admin turns X's webhooks on for the channel (off by default), then the brand subscribes to its
    // account activity: follows reach the desk as `contact.followed`.
    expect((await api('PATCH', `/api/channels/${channelId}`, { webhooks: true })).status).toBe(200);
    const base = app.deps.sandbox!.url;
    const registered = await fetch(`${base}/2/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.issueAppBearer()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${deskUrl}/webhooks/x/${channelId}` }),
    });
    const webhook = ((await registered.json()) as { data: { id: string } }).data;
    const brandAccount = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme' });
    await fetch(`${base}/2/account_activity/webhooks/${webhook.id}/subscriptions/all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brandAccount.token}` },
    });
    const brand = brandAccount.user;
    const follow = async (username: string) => {
      sandbox.follow(sandbox.ensureUser({ username, name: `Client ${username}` }).user.id, brand.id);
      await sandbox.webhooksIdle();
    };
    const welcomed = () =>
      sandbox
        .listDmEvents()
        .filter((e) => e.senderId === brand.id)
        .map((e) => sandbox.findUser(e.recipientId)?.username)
        .sort();
    const round = async () => {
      await app.scheduler.tick();
      await app.worker.drain();
    };

    // Off by default: a follower gets nothing.
    await follow('early_bird');
    await round();
    expect(welcomed()).toEqual([]);
    clock.advanceBy(MINUTE);

    const current = (await api<TimeSettingsResponse>('GET', '/api/time-settings')).body;
    const saved = await api('PUT', '/api/time-settings', {
      ...current.settings,
      welcome: { ...current.settings.welcome, enabled: true, perHour: 2 },
    });
    expect(saved.status).toBe(200);
    clock.advanceBy(MINUTE);

    for (const name of ['ana', 'bob', 'cyd', 'dan', 'eve']) {
      clock.advanceBy(1000);
      await follow(name);
    }
    await round();
    await round();
    // Two an hour: the first two now, in the order they followed.
    expect(welcomed()).toEqual(['ana', 'bob']);
    clock.advanceBy(30 * MINUTE);
    await round();
    expect(welcomed()).toEqual(['ana', 'bob']);
    clock.advanceBy(31 * MINUTE);
    await round();
    expect(welcomed()).toEqual(['ana', 'bob', 'cyd', 'dan']);
    // Ana unfollows and follows again: never a second welcome.
    sandbox.unfollow(sandbox.findUser('ana')!.id, brand.id);
    await follow('ana');
    clock.advanceBy(61 * MINUTE);
    await round();
    clock.advanceBy(61 * MINUTE);
    await round();
    expect(welcomed()).toEqual(['ana', 'bob', 'cyd', 'dan', 'eve']);
    expect(sandbox.listDmEvents().find((e) => e.recipientId === sandbox.findUser('ana')!.id)!.text).toBe(
      'Bonjour Client ana, merci de nous suivre ! Une question ? Écrivez-nous ici en message privé.',
    );
    // The follower from before the switch was never welcomed; every welcome is recorded once.
    const rows = await app.deps.db.selectFrom('welcome_dms').select(['status']).execute();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
});
