import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent } from '../../src/modules/agents/agents.commands.ts';
import { TEST_DIALECTS } from '../databases.ts';
import { createTestApp, type TestApp } from '../test-app.ts';

/** Finding (low): `/healthz` showed database error text (and versions) to anyone. */
describe.each(TEST_DIALECTS)('security: health details (%s)', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ dialect, env: { GUICHET_SANDBOX: 'off' } });
  });
  afterAll(async () => {
    await app.close();
  });

  const health = (remoteAddress: string, headers: Record<string, string> = {}) =>
    app.http.inject({ url: '/healthz', remoteAddress, headers });

  it('tells the world the status alone', async () => {
    const outside = await health('203.0.113.9');
    expect(outside.statusCode).toBe(200);
    expect(outside.json()).toEqual({ status: 'ok' });
    // A same-host proxy that is not declared trusted: its visitors are not local callers.
    expect((await health('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).json()).toEqual({ status: 'ok' });
    const agent = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'agent-health@acme.test',
      name: 'Agent',
      role: 'agent',
      password: 'agent password 1234',
    });
    const cookie = await app.signIn({ email: agent.email, password: agent.password });
    expect((await health('203.0.113.9', { cookie })).json()).toEqual({ status: 'ok' });
  });

  it('gives the details to a signed-in admin and to a caller on this machine', async () => {
    const cookie = await app.signIn();
    for (const response of [await health('203.0.113.9', { cookie }), await health('127.0.0.1'), await health('::1')]) {
      expect(response.json()).toMatchObject({
        status: 'ok',
        database: { status: 'ok', dialect },
        version: expect.any(String),
        roles: ['web', 'worker', 'scheduler'],
      });
    }
  });

  it('hides the database error text from others when the database is down, keeping the 503', async () => {
    const ping = app.deps.database.ping;
    app.deps.database.ping = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.12:5432 password authentication failed for user "guichet"');
    };
    try {
      const outside = await health('203.0.113.9');
      expect(outside.statusCode).toBe(503);
      expect(outside.json()).toEqual({ status: 'degraded' });
      expect(outside.body).not.toContain('ECONNREFUSED');
      const local = await health('127.0.0.1');
      expect(local.json().database.error).toContain('ECONNREFUSED');
    } finally {
      app.deps.database.ping = ping;
    }
  });
});
