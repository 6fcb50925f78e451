import type { ApiTokenCreated, ApiTokenList } from '@guichet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent } from '../../src/modules/agents/agents.commands.ts';
import { findAccessRule, routeAccess } from '../../src/modules/api-tokens/api-tokens.scopes.ts';
import { sealChannelCredentials } from '../../src/modules/channels/channel-settings.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { TEST_DIALECTS } from '../databases.ts';
import { createTestApp, type TestApp } from '../test-app.ts';

/** F29: admins' API tokens, with scopes checked on every /api route. */
describe.each(TEST_DIALECTS)('API tokens (%s)', (dialect) => {
  let app: TestApp;
  let admin: string;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  beforeAll(async () => {
    app = await createTestApp({ dialect, clock, env: { GUICHET_SANDBOX: 'off' } });
    admin = await app.signIn();
  });
  afterAll(async () => {
    await app.close();
  });

  const create = (body: object, cookie = admin) =>
    app.http.inject({ method: 'POST', url: '/api/api-tokens', headers: { cookie }, payload: body });
  const withToken = (secret: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${secret}` },
      ...(payload === undefined ? {} : { payload }),
    });
  const list = async () =>
    (await app.http.inject({ url: '/api/api-tokens', headers: { cookie: admin } })).json() as ApiTokenList;
  const audit = async (action: string) =>
    app.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('shows a new token once, stores only its hash, and lets it read what its scopes cover', async () => {
    const created = await create({ name: 'CRM sync', scopes: ['cases:read', 'reports:read'] });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json() as ApiTokenCreated;
    expect(secret).toMatch(/^gch_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'CRM sync', scopes: ['cases:read', 'reports:read'], lastUsedAt: null });
    expect(secret.startsWith(token.prefix)).toBe(true);
    const stored = await app.deps.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
    expect(JSON.stringify(await list())).not.toContain(secret.slice(4));

    expect((await withToken(secret, 'GET', '/api/cases')).statusCode).toBe(200);
    expect((await withToken(secret, 'GET', '/api/reports?from=2026-03-01&to=2026-03-02')).statusCode).not.toBe(403);
    const denied = await withToken(secret, 'POST', '/api/cases/bulk', { caseIds: ['x'], action: { type: 'resolve' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'auth.scope_missing', details: { required: 'cases:write' } });
    expect((await withToken(secret, 'GET', '/api/templates')).json().error.code).toBe('auth.scope_missing');
    expect((await list()).tokens[0]!.lastUsedAt).toBe(clock.now().toISOString());
    expect(await audit('api_token.created')).toHaveLength(1);
  });

  it('keeps session-only routes for people: tokens, agents, sign-out, the realtime socket', async () => {
    const everything = [
      'cases:read',
      'cases:write',
      'replies:write',
      'reports:read',
      'settings:read',
      'settings:write',
    ];
    const { secret } = (await create({ name: 'All scopes', scopes: everything })).json() as ApiTokenCreated;
    for (const [method, url] of [
      ['GET', '/api/api-tokens'],
      ['POST', '/api/api-tokens'],
      ['POST', '/api/auth/sign-out'],
      ['GET', '/api/auth/session'],
      ['GET', '/api/realtime'],
    ] as const) {
      const response = await withToken(secret, method, url, method === 'POST' ? {} : undefined);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 403 });
      expect(response.json().error.code).toBe('auth.session_only');
    }
    // The token acts as its admin creator capped at lead: admin-only actions stay in the browser.
    const channelId = newId();
    await app.deps.db
      .insertInto('channels')
      .values({
        id: channelId,
        workspace_id: app.deps.bootstrap.workspaceId,
        network: 'x',
        name: 'Brand',
        handle: 'brand',
        external_account_id: '99',
        settings: '{}',
        credentials: sealChannelCredentials(app.deps.secrets, channelId, {
          kind: 'oauth2-user',
          accessToken: 'user-token',
          consumerSecret: 'consumer-secret',
        }),
        status: 'active',
        status_detail: null,
        created_at: clock.now().getTime(),
        updated_at: clock.now().getTime(),
      })
      .execute();
    const webhooks = await withToken(secret, 'PATCH', `/api/channels/${channelId}`, { webhooks: true });
    expect(webhooks.statusCode).toBe(403);
    expect(webhooks.json().error.code).toBe('auth.forbidden');
    const asAdmin = await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channelId}`,
      headers: { cookie: admin },
      payload: { webhooks: true },
    });
    expect(asAdmin.json()).toMatchObject({ webhooks: true });
    expect((await withToken(secret, 'GET', '/api/openapi.json')).statusCode).toBe(200);
  });

  it('is refused at once when revoked, expired, or when its creator is deactivated', async () => {
    const first = (await create({ name: 'Revoke me', scopes: ['cases:read'] })).json() as ApiTokenCreated;
    expect((await withToken(first.secret, 'GET', '/api/cases')).statusCode).toBe(200);
    const revoked = await app.http.inject({
      method: 'POST',
      url: `/api/api-tokens/${first.token.id}/revoke`,
      headers: { cookie: admin, 'content-type': 'application/json' },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(clock.now().toISOString());
    const refused = await withToken(first.secret, 'GET', '/api/cases');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('auth.invalid_token');
    expect(await audit('api_token.revoked')).toHaveLength(1);

    const shortLived = (await create({ name: 'A day', scopes: ['cases:read'], expiresInDays: 1 })).json();
    expect((await withToken(shortLived.secret, 'GET', '/api/cases')).statusCode).toBe(200);
    clock.advanceBy(24 * 60 * 60_000);
    expect((await withToken(shortLived.secret, 'GET', '/api/cases')).statusCode).toBe(401);

    const other = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'second-admin@acme.test',
      name: 'Second Admin',
      role: 'admin',
      password: 'second admin password',
    });
    const otherCookie = await app.signIn({ email: other.email, password: other.password });
    const theirs = (await create({ name: 'Theirs', scopes: ['cases:read'] }, otherCookie)).json() as ApiTokenCreated;
    expect((await withToken(theirs.secret, 'GET', '/api/cases')).statusCode).toBe(200);
    await app.deps.db
      .updateTable('agents')
      .set({ disabled_at: clock.now().getTime() })
      .where('id', '=', other.id)
      .execute();
    expect((await withToken(theirs.secret, 'GET', '/api/cases')).statusCode).toBe(401);
    for (const bad of ['gch_nope', 'not-a-token', '']) {
      const response = await app.http.inject({ url: '/api/cases', headers: { authorization: `Bearer ${bad}` } });
      expect(response.statusCode).toBe(401);
    }
  });

  it('writes last use at most once a minute', async () => {
    const { token, secret } = (await create({ name: 'Busy script', scopes: ['cases:read'] })).json() as ApiTokenCreated;
    const usedAt = clock.now().toISOString();
    await withToken(secret, 'GET', '/api/cases');
    clock.advanceBy(30_000);
    await withToken(secret, 'GET', '/api/cases');
    expect((await list()).tokens.find((t) => t.id === token.id)!.lastUsedAt).toBe(usedAt);
    clock.advanceBy(31_000);
    await withToken(secret, 'GET', '/api/cases');
    expect((await list()).tokens.find((t) => t.id === token.id)!.lastUsedAt).toBe(clock.now().toISOString());
  });

  it('leaves token management to admins, and checks names and scopes', async () => {
    const lead = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'lead-tokens@acme.test',
      name: 'Lead',
      role: 'lead',
      password: 'lead password 12345',
    });
    const leadCookie = await app.signIn({ email: lead.email, password: lead.password });
    expect((await create({ name: 'Mine', scopes: ['cases:read'] }, leadCookie)).statusCode).toBe(403);
    expect((await app.http.inject({ url: '/api/api-tokens', headers: { cookie: leadCookie } })).statusCode).toBe(403);
    for (const body of [
      { name: '', scopes: ['cases:read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['everything'] },
      { name: 'x', scopes: ['cases:read', 'cases:read'] },
    ]) {
      expect((await create(body)).statusCode).toBe(400);
    }
  });

  it('accepts cookie-less bearer requests from any Origin, still as JSON', async () => {
    const { secret } = (await create({ name: 'Elsewhere', scopes: ['cases:write'] })).json() as ApiTokenCreated;
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/cases/bulk',
      headers: { authorization: `Bearer ${secret}`, origin: 'https://automation.example' },
      payload: { caseIds: ['00000000-0000-7000-8000-000000000000'], action: { type: 'resolve' } },
    });
    expect(response.statusCode).not.toBe(403);
    expect(response.statusCode).toBeLessThan(500);
    const notJson = await app.http.inject({
      method: 'POST',
      url: '/api/cases/bulk',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(notJson.statusCode).toBe(415);
  });

  it('maps every registered /api route to a scope or marks it session-only, and describes bearer auth', async () => {
    const apiRoutes = app.http.registeredRoutes.filter((r) => r.private && r.method !== 'HEAD');
    const unmapped = apiRoutes.filter((r) => !findAccessRule(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(unmapped).toEqual([]);
    expect(routeAccess('POST', '/api/cases/:caseId/replies')).toBe('replies:write');
    expect(routeAccess('GET', '/api/cases/:caseId')).toBe('cases:read');
    expect(routeAccess('POST', '/api/cases/:caseId/status')).toBe('cases:write');
    expect(routeAccess('PUT', '/api/rules/:ruleId')).toBe('settings:write');
    expect(routeAccess('GET', '/api/reports')).toBe('reports:read');
    expect(routeAccess('POST', '/api/api-tokens')).toBe('session-only');
    expect(routeAccess('GET', '/api/realtime')).toBe('session-only');
    expect(routeAccess('GET', '/api/never-heard-of-it')).toBe('session-only');

    const openapi = (await app.http.inject({ url: '/api/openapi.json', headers: { cookie: admin } })).json();
    expect(openapi.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    expect(openapi.security).toEqual(expect.arrayContaining([{ bearer: [] }, { session: [] }]));
  });
});
