import type { Profile, SessionList } from '@guichet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { agentWithRole, call, PASSWORD } from './team-kit.ts';
import { createTestApp, type TestApp } from './test-app.ts';

const DAY = 24 * 60 * 60_000;
const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1';

describe.each(TEST_DIALECTS)('profile and sessions (%s)', (dialect) => {
  let app: TestApp;
  const clock = new ManualClock('2026-04-06T08:00:00.000Z');
  const signInWith = async (email: string, userAgent: string, password = PASSWORD) =>
    (await call(app, 'POST', '/api/auth/sign-in', undefined, { email, password }, { 'user-agent': userAgent })).cookie!;
  const audit = (action: string, agentId: string) =>
    app.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', action)
      .where('subject_id', '=', agentId)
      .orderBy('occurred_at')
      .execute();

  beforeAll(async () => {
    app = await createTestApp({ dialect, clock, env: { GUICHET_SANDBOX: 'off' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('lets every agent edit their own profile, and refuses what cannot be right', async () => {
    const { id, cookie } = await agentWithRole(app, 'trainee', 'julie@acme.test');
    const before = await call<Profile>(app, 'GET', '/api/profile', cookie);
    expect(before.body).toMatchObject({
      email: 'julie@acme.test',
      role: 'trainee',
      initials: null,
      locale: null,
      timeZone: null,
      notifications: { newP1: true, breaches: true, approvals: true, assignedToMe: true, sound: false },
    });
    const wanted = {
      name: 'Julie Dupont',
      initials: '^JD',
      locale: 'fr',
      timeZone: 'Europe/Paris',
      notifications: { newP1: true, breaches: false, approvals: false, assignedToMe: true, sound: true },
    };
    const saved = await call<Profile>(app, 'PUT', '/api/profile', cookie, wanted);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject(wanted);
    // The language follows the agent: the session the web app reads says it.
    const session = await call(app, 'GET', '/api/auth/session', cookie);
    expect(session.body.agent).toMatchObject({ name: 'Julie Dupont', locale: 'fr' });

    const zone = await call(app, 'PUT', '/api/profile', cookie, { ...wanted, timeZone: 'Not/AZone' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('profile.invalid_time_zone');
    const initials = await call(app, 'PUT', '/api/profile', cookie, { ...wanted, initials: '{{x}}' });
    expect(initials.body.error.code).toBe('profile.invalid_initials');
    const blank = await call(app, 'PUT', '/api/profile', cookie, { ...wanted, name: '   ' });
    expect(blank.status).toBe(400);
    expect((await call<Profile>(app, 'GET', '/api/profile', cookie)).body).toMatchObject(wanted);

    const [line] = await audit('agent.profile_updated', id);
    expect(JSON.parse(line!.before!)).toMatchObject({ name: 'Trainee Person', locale: null });
    expect(JSON.parse(line!.after!)).toMatchObject({ name: 'Julie Dupont', locale: 'fr', initials: '^JD' });
  });

  it('changes a password with the current one; the other sessions end, this one stays', async () => {
    const { id, email, cookie } = await agentWithRole(app, 'agent', 'marc@acme.test');
    const elsewhere = await signInWith(email, safari);
    const wrong = await call(app, 'POST', '/api/profile/password', cookie, {
      currentPassword: 'not my password',
      newPassword: 'a different long one',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('profile.wrong_password');
    const weak = await call(app, 'POST', '/api/profile/password', cookie, {
      currentPassword: PASSWORD,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);

    const changed = await call(app, 'POST', '/api/profile/password', cookie, {
      currentPassword: PASSWORD,
      newPassword: 'a different long one',
    });
    expect(changed.body).toEqual({ signedOut: 1 });
    expect((await call(app, 'GET', '/api/auth/session', cookie)).status).toBe(200);
    expect((await call(app, 'GET', '/api/auth/session', elsewhere)).status).toBe(401);
    const old = await call(app, 'POST', '/api/auth/sign-in', undefined, { email, password: PASSWORD });
    expect(old.status).toBe(401);
    const fresh = await call(app, 'POST', '/api/auth/sign-in', undefined, { email, password: 'a different long one' });
    expect(fresh.status).toBe(200);
    const [line] = await audit('agent.password_changed', id);
    expect(JSON.parse(line!.details!)).toEqual({ by: 'self', otherSessionsEnded: 1 });

    // Guessing the current password from a session is bounded like guessing at sign-in.
    const guesses = [];
    for (let i = 0; i < 6; i++) {
      guesses.push(
        (
          await call(app, 'POST', '/api/profile/password', fresh.cookie, {
            currentPassword: `guess number ${i}`,
            newPassword: 'whatever long password',
          })
        ).status,
      );
    }
    expect(guesses).toEqual([400, 400, 400, 400, 400, 429]);
    expect(JSON.stringify(line)).not.toContain('a different long one');
  });

  it('lists the agent’s own sessions with device and address, and signs some of them out', async () => {
    const { id, email } = await agentWithRole(app, 'agent', 'sessions@acme.test');
    await app.deps.db.deleteFrom('sessions').where('agent_id', '=', id).execute();
    const laptop = await signInWith(email, firefox);
    clock.advanceBy(2 * 60 * 60_000);
    const phone = await signInWith(email, safari);
    const tablet = await signInWith(email, safari);

    const listed = await call<SessionList>(app, 'GET', '/api/auth/sessions', laptop);
    expect(listed.body.sessions).toHaveLength(3);
    const mine = listed.body.sessions.find((s) => s.current)!;
    expect(mine).toMatchObject({
      userAgent: firefox,
      ip: '127.0.0.1',
      createdAt: '2026-04-06T08:00:00.000Z',
      // Used just now (the listing itself touched it, an hour having passed).
      lastSeenAt: clock.now().toISOString(),
    });
    expect(listed.body.sessions.filter((s) => s.current)).toHaveLength(1);
    // Another agent's session cannot be ended from here.
    const stranger = (await agentWithRole(app, 'agent', 'stranger@acme.test')).cookie;
    const foreign = listed.body.sessions.find((s) => !s.current)!;
    expect((await call(app, 'DELETE', `/api/auth/sessions/${foreign.id}`, stranger)).status).toBe(404);

    expect((await call(app, 'DELETE', `/api/auth/sessions/${foreign.id}`, laptop)).status).toBe(204);
    expect((await call<SessionList>(app, 'GET', '/api/auth/sessions', laptop)).body.sessions).toHaveLength(2);
    const others = await call(app, 'POST', '/api/auth/sessions/sign-out-others', laptop);
    expect(others.body).toEqual({ signedOut: 1 });
    expect((await call(app, 'GET', '/api/auth/session', phone)).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/session', tablet)).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/session', laptop)).status).toBe(200);
    expect((await audit('agent.sessions_revoked', id)).map((l) => JSON.parse(l.details!).scope)).toEqual([
      'one',
      'others',
    ]);

    // Ending one's own current session signs this browser out.
    const self = (await call<SessionList>(app, 'GET', '/api/auth/sessions', laptop)).body.sessions[0]!;
    const ended = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${self.id}`,
      headers: { cookie: laptop, 'content-type': 'application/json' },
    });
    expect(ended.statusCode).toBe(204);
    expect(ended.cookies.find((c) => c.name === 'guichet_session')?.value).toBe('');
    expect((await call(app, 'GET', '/api/auth/session', laptop)).status).toBe(401);
  });

  it('ends a session 30 days after sign-in however much it is used (absolute lifetime)', async () => {
    const { email } = await agentWithRole(app, 'agent', 'busy@acme.test');
    const cookie = await signInWith(email, firefox);
    // Used every 10 days (well within the 14-day idle timeout), it still ends on day 30.
    for (let day = 10; day < 30; day += 10) {
      clock.advanceBy(10 * DAY);
      expect((await call(app, 'GET', '/api/auth/session', cookie)).status).toBe(200);
    }
    clock.advanceBy(10 * DAY - 60_000);
    expect((await call(app, 'GET', '/api/auth/session', cookie)).status).toBe(200);
    const sessions = await call<SessionList>(app, 'GET', '/api/auth/sessions', cookie);
    expect(sessions.body.sessions.find((s) => s.current)?.expiresAt).toBe(
      new Date(clock.now().getTime() + 60_000).toISOString(),
    );
    clock.advanceBy(60_000);
    expect((await call(app, 'GET', '/api/auth/session', cookie)).status).toBe(401);
  });

  it('takes both lifetimes from the configuration', async () => {
    const short = await createTestApp({
      dialect,
      clock,
      env: { GUICHET_SANDBOX: 'off', GUICHET_SESSION_IDLE_DAYS: '1', GUICHET_SESSION_MAX_DAYS: '2' },
    });
    try {
      expect(short.config.sessions).toEqual({ idleMs: DAY, maxMs: 2 * DAY });
      const idle = await short.signIn();
      clock.advanceBy(DAY + 1);
      expect((await call(short, 'GET', '/api/auth/session', idle)).status).toBe(401);
      const used = await short.signIn();
      clock.advanceBy(DAY - 60 * 60_000);
      expect((await call(short, 'GET', '/api/auth/session', used)).status).toBe(200);
      clock.advanceBy(DAY - 60 * 60_000);
      expect((await call(short, 'GET', '/api/auth/session', used)).status).toBe(200);
      clock.advanceBy(2 * 60 * 60_000);
      expect((await call(short, 'GET', '/api/auth/session', used)).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});
