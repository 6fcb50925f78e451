import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { TEST_DIALECTS } from '../databases.ts';
import { createTestApp, TEST_ADMIN, type TestApp } from '../test-app.ts';

/**
 * Finding (medium): Fastify trusted every X-Forwarded-For and the throttle was keyed on email + address, so
 * rotating the header gave unlimited guesses, after which the right password worked.
 */
describe.each(TEST_DIALECTS)('security: sign-in throttle (%s)', (dialect) => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  const signIn = (password: string, forwardedFor?: string, remoteAddress = '203.0.113.7') =>
    app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      payload: { email: TEST_ADMIN.email, password },
    });
  const auditIps = async (action: string) =>
    (
      await app.deps.db
        .selectFrom('audit_log')
        .select('ip')
        .where('action', '=', action)
        .orderBy('occurred_at')
        .orderBy('id')
        .execute()
    ).map((r) => r.ip);

  it('gives rotating X-Forwarded-For no more than five guesses, and refuses the right password while locked', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ dialect, clock, env: { GUICHET_SANDBOX: 'off' } });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signIn(`wrong guess ${i}`, `198.51.100.${i + 1}`)).statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);

    const locked = await signIn(TEST_ADMIN.password, '198.51.100.200');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'auth.account_locked', details: { retryAfterSeconds: 60 } });
    expect(locked.cookies).toEqual([]);

    // The header is not believed without GUICHET_TRUSTED_PROXIES: every attempt is on record from the peer.
    expect(new Set(await auditIps('auth.sign_in_failed'))).toEqual(new Set(['203.0.113.7']));

    clock.advanceBy(60_001);
    const signedIn = await signIn(TEST_ADMIN.password);
    expect(signedIn.statusCode).toBe(200);
    expect(await auditIps('auth.signed_in')).toEqual(['203.0.113.7']);
    const session = signedIn.cookies.find((c) => c.name === 'guichet_session')!;
    const signOut = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-out',
      remoteAddress: '203.0.113.8',
      headers: { cookie: `guichet_session=${session.value}`, 'content-type': 'application/json' },
    });
    expect(signOut.statusCode).toBe(204);
    const out = await app.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.signed_out').execute();
    expect(out).toMatchObject([{ actor_type: 'agent', actor_label: TEST_ADMIN.email, ip: '203.0.113.8' }]);
  });

  it('counts concurrent guesses one by one: a burst of 25 gets five password checks', async () => {
    app = await createTestApp({ dialect, env: { GUICHET_SANDBOX: 'off' } });
    const burst = await Promise.all(
      Array.from({ length: 25 }, (_, i) => signIn(`burst guess ${i}`, `192.0.2.${i + 1}`)),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 429).length).toBe(25);
    expect((await signIn(TEST_ADMIN.password)).statusCode).toBe(429);
  });

  it('believes X-Forwarded-For only from a proxy named in GUICHET_TRUSTED_PROXIES', async () => {
    app = await createTestApp({ dialect, env: { GUICHET_SANDBOX: 'off', GUICHET_TRUSTED_PROXIES: '10.0.0.0/8' } });
    await signIn('wrong from behind the proxy', '198.51.100.9', '10.1.2.3');
    await signIn('wrong from elsewhere', '198.51.100.10', '203.0.113.50');
    expect(await auditIps('auth.sign_in_failed')).toEqual(['198.51.100.9', '203.0.113.50']);
  });
});
