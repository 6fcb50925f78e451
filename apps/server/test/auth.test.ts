import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { SESSION_TTL_MS } from '../src/modules/auth/auth.commands.ts';
import { createTestApp, TEST_ADMIN, type TestApp } from './test-app.ts';

describe('agents and sign-in', () => {
  let app: TestApp;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  beforeAll(async () => {
    app = await createTestApp({ clock, env: { GUICHET_SANDBOX: 'off' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 401 on every /api route without a session, except the ones marked public', async () => {
    const privateRoutes = app.http.registeredRoutes.filter(
      (r) => r.url.startsWith('/api') && !r.public && r.method !== 'HEAD',
    );
    expect(privateRoutes.length).toBeGreaterThanOrEqual(5);
    for (const route of privateRoutes) {
      const url = route.url.replace(/:(\w+)/g, 'some-$1');
      const response = await app.http.inject({
        method: route.method as 'GET',
        url,
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
      });
      expect(response.json()).toEqual({ error: { code: 'auth.required', message: 'Sign in first.' } });
    }
    const publicApi = app.http.registeredRoutes
      .filter((r) => r.url.startsWith('/api') && r.public)
      .map((r) => `${r.method} ${r.url}`);
    // Besides signing in: the one-time password links (invitation, reset), whose token is the credential.
    expect(publicApi).toEqual([
      'POST /api/auth/sign-in',
      'GET /api/invitations/:token',
      'HEAD /api/invitations/:token',
      'POST /api/invitations/:token/accept',
    ]);
  });

  it('signs in with the configured first admin, sets an HttpOnly cookie and knows who is signed in', async () => {
    const response = await app.http.inject({ method: 'POST', url: '/api/auth/sign-in', payload: TEST_ADMIN });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      agent: { email: TEST_ADMIN.email, role: 'admin' },
      workspace: { name: 'Guichet' },
    });
    const cookie = response.cookies.find((c) => c.name === 'guichet_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const session = await app.http.inject({
      url: '/api/auth/session',
      headers: { cookie: `guichet_session=${cookie.value}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().agent.email).toBe(TEST_ADMIN.email);
  });

  it('refuses a wrong password with the same answer as an unknown email', async () => {
    const wrong = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { ...TEST_ADMIN, password: 'not the password' },
    });
    const unknown = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'nobody@acme.test', password: 'whatever it is' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('auth.invalid_credentials');
  });

  it('answers a malformed sign-in with 400 and a clear message, not 500', async () => {
    const response = await app.http.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 42 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('request.invalid');
    const notJson = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('slows down password guessing', async () => {
    const attempt = () =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: 'victim@acme.test', password: 'guess guess' },
      });
    // Five password checks per account, then a lock that doubles with each further failure (1, 2, 4… min).
    for (let i = 0; i < 5; i += 1) expect((await attempt()).statusCode).toBe(401);
    const blocked = await attempt();
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('auth.account_locked');
    clock.advanceBy(60_000 + 1);
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(429);
  });

  it('ends the session on sign-out and after it expires', async () => {
    const cookie = await app.signIn();
    const signOut = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-out',
      headers: { cookie, 'content-type': 'application/json' },
    });
    expect(signOut.statusCode).toBe(204);
    expect((await app.http.inject({ url: '/api/auth/session', headers: { cookie } })).statusCode).toBe(401);

    const other = await app.signIn();
    clock.advanceBy(SESSION_TTL_MS + 1);
    expect((await app.http.inject({ url: '/api/auth/session', headers: { cookie: other } })).statusCode).toBe(401);
  });

  it('serves health, metrics and the OpenAPI document', async () => {
    const health = await app.http.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: { status: 'ok', dialect: 'sqlite' } });
    const metrics = await app.http.inject({ url: '/metrics' });
    expect(metrics.body).toContain('guichet_http_request_duration_seconds');
    const cookie = await app.signIn();
    const openapi = await app.http.inject({ url: '/api/openapi.json', headers: { cookie } });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(['/api/auth/sign-in', '/api/cases', '/api/cases/{caseId}', '/api/cases/{caseId}/replies']),
    );
  });

  it('answers an unknown API route with a JSON 404 once signed in', async () => {
    const cookie = await app.signIn();
    const response = await app.http.inject({ url: '/api/nothing-here', headers: { cookie } });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route.not_found');
  });
});
