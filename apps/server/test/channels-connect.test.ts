import type { ChannelList, ChannelSummary } from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { openChannelCredentials } from '../src/modules/channels/channel-settings.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, ManualClock, type TestApp } from './test-app.ts';

const HOUR = 3_600_000;

describe.each(TEST_DIALECTS)('channels: connecting X accounts from the desk (%s)', (dialect) => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  const list = async (cookie: string) =>
    (await app.http.inject({ url: '/api/channels', headers: { cookie } })).json() as ChannelList;
  const rawChannels = () => app.deps.db.selectFrom('channels').selectAll().orderBy('created_at').execute();
  const openCredentials = (channelId: string, sealed: string) =>
    openChannelCredentials(app.deps.secrets, { id: channelId, credentials: sealed });

  async function agentCookie() {
    const agent = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'agent@acme.test',
      name: 'Agent',
      role: 'agent',
      password: 'agent password 123',
    });
    return app.signIn({ email: agent.email, password: agent.password });
  }

  /** start → the sandbox's consent page (over HTTP, as a browser) → callback; returns where the desk sends us. */
  async function connectWithOAuth2(cookie: string, account: string): Promise<URL> {
    const start = await app.http.inject({ url: '/api/channels/x/oauth2/start', headers: { cookie } });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(start.headers.location as string);
    expect(authorize.pathname).toBe('/i/oauth2/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toContain('offline.access');
    const flowCookie = start.cookies.find((c) => c.name === 'guichet_x_oauth2')!;
    expect(flowCookie.httpOnly).toBe(true);
    expect(flowCookie.value).not.toContain(authorize.searchParams.get('state')!); // sealed

    const html = await (await fetch(authorize)).text();
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      form.set(m[1]!, m[2]!.replace(/&amp;/g, '&'));
    }
    form.set('account', account);
    form.set('decision', 'authorize');
    const consent = await fetch(authorize, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get('location')!);
    expect(callback.pathname).toBe('/api/channels/x/oauth2/callback');

    const done = await app.http.inject({
      url: callback.pathname + callback.search,
      headers: { cookie: `${cookie}; guichet_x_oauth2=${flowCookie.value}` },
    });
    expect(done.statusCode).toBe(302);
    return new URL(done.headers.location as string, 'http://desk.test');
  }

  it('connects an account with OAuth 1.0a keys checked against the sandbox, and never gives the keys back', async () => {
    app = await createTestApp({ dialect });
    const cookie = await app.signIn();
    const sandbox = app.deps.sandbox!.instance;
    const brand = sandbox.createUser({ username: 'acme_help', name: 'Acme Help' });
    const keys = brand.oauth1;

    const before = await list(cookie);
    expect(before.connect).toEqual({ sandboxAvailable: true, oauth2: 'sandbox' });
    expect(before.prices).toContainEqual({ category: 'owned_read', unitPriceUsd: 0.001 });

    const connected = await app.http.inject({
      method: 'POST',
      url: '/api/channels/x/keys',
      headers: { cookie },
      payload: {
        apiKey: keys.appKey,
        apiSecret: keys.appSecret,
        accessToken: keys.accessToken,
        accessSecret: keys.accessSecret,
        sandbox: true,
      },
    });
    expect(connected.statusCode).toBe(201);
    const channel = connected.json() as ChannelSummary;
    expect(channel).toMatchObject({
      handle: 'acme_help',
      name: 'Acme Help',
      status: 'active',
      sandbox: true,
      connection: { source: 'desk', auth: 'oauth1', appBearer: false, refreshable: false },
    });

    // Encrypted at rest, and nowhere in what the API answers.
    const row = (await rawChannels()).find((c) => c.id === channel.id)!;
    expect(row.credentials).not.toContain(keys.accessSecret);
    expect(row.credentials).not.toContain(keys.accessToken);
    expect(openCredentials(row.id, row.credentials!)).toMatchObject({
      kind: 'oauth1',
      accessSecret: keys.accessSecret,
    });
    const body = (await app.http.inject({ url: '/api/channels', headers: { cookie } })).body;
    for (const secret of Object.values(keys)) expect(body).not.toContain(secret);

    // The new channel polls like any other.
    const { user } = sandbox.ensureUser({ username: 'nina_p', name: 'Nina P' });
    sandbox.post(user.id, { text: '@acme_help my parcel never came' });
    await app.pollAndWork();
    const stored = await app.deps.db.selectFrom('messages').select(['text', 'channel_id']).execute();
    expect(stored).toEqual([{ text: '@acme_help my parcel never came', channel_id: channel.id }]);

    // Connecting the same account again updates it rather than adding a second channel.
    const again = await app.http.inject({
      method: 'POST',
      url: '/api/channels/x/keys',
      headers: { cookie },
      payload: {
        apiKey: keys.appKey,
        apiSecret: keys.appSecret,
        accessToken: keys.accessToken,
        accessSecret: keys.accessSecret,
        sandbox: true,
      },
    });
    expect((again.json() as ChannelSummary).id).toBe(channel.id);
    expect(await rawChannels()).toHaveLength(2);
  });

  it('refuses wrong keys with a clear 400 in X’s words and stores nothing', async () => {
    app = await createTestApp({ dialect });
    const cookie = await app.signIn();
    const keys = app.deps.sandbox!.instance.createUser({ username: 'acme_help', name: 'Acme Help' }).oauth1;
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/channels/x/keys',
      headers: { cookie },
      payload: {
        ...{ apiKey: keys.appKey, apiSecret: keys.appSecret, accessToken: keys.accessToken },
        accessSecret: 'wrong',
        sandbox: true,
      },
    });
    expect(response.statusCode).toBe(400);
    const error = response.json() as { error: { code: string; message: string } };
    expect(error.error.code).toBe('channel.credentials_rejected');
    expect(error.error.message).toMatch(/^X refused these credentials: .*Unauthorized/);
    expect(await rawChannels()).toHaveLength(1); // the demo channel only
    const events = await app.deps.db
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'channel.connected')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('connects with OAuth 2.0 PKCE through the sandbox’s consent page and stores the tokens encrypted', async () => {
    app = await createTestApp({ dialect });
    const cookie = await app.signIn();
    app.deps.sandbox!.instance.createUser({ username: 'acme_care', name: 'Acme Care' });
    const back = await connectWithOAuth2(cookie, 'acme_care');
    expect(back.pathname).toBe('/channels');
    const channelId = back.searchParams.get('connected')!;
    expect(channelId).toBeTruthy();

    const row = (await rawChannels()).find((c) => c.id === channelId)!;
    expect(row).toMatchObject({ handle: 'acme_care', status: 'active' });
    const credentials = openCredentials(row.id, row.credentials!);
    expect(credentials.kind).toBe('oauth2-user');
    expect(credentials.accessToken.length).toBeGreaterThan(20);
    expect(row.credentials).not.toContain(credentials.accessToken);
    const summary = (await list(cookie)).channels.find((c) => c.id === channelId)!;
    expect(summary.connection).toEqual({ source: 'desk', auth: 'oauth2-user', appBearer: false, refreshable: true });
    expect(JSON.stringify(summary)).not.toContain(credentials.accessToken);
  });

  it('sends the person back with the reason when the state does not match or they cancel', async () => {
    app = await createTestApp({ dialect });
    const cookie = await app.signIn();
    const forged = await app.http.inject({
      url: '/api/channels/x/oauth2/callback?state=forged&code=abc',
      headers: { cookie },
    });
    expect(forged.statusCode).toBe(302);
    expect(forged.headers.location).toBe('/channels?oauth2=error&reason=state_mismatch');
    const denied = await app.http.inject({
      url: '/api/channels/x/oauth2/callback?error=access_denied',
      headers: { cookie },
    });
    expect(denied.headers.location).toBe('/channels?oauth2=error&reason=access_denied');
    expect(await rawChannels()).toHaveLength(1);
  });

  it('refreshes the OAuth 2.0 access token before it expires, so polling never uses an expired one', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ dialect, clock });
    const cookie = await app.signIn();
    const sandbox = app.deps.sandbox!.instance;
    sandbox.createUser({ username: 'acme_care', name: 'Acme Care' });
    const channelId = (await connectWithOAuth2(cookie, 'acme_care')).searchParams.get('connected')!;
    const sealed = async () => (await rawChannels()).find((c) => c.id === channelId)!.credentials!;
    const first = openCredentials(channelId, await sealed());
    expect(first).toMatchObject({ kind: 'oauth2-user', expiresAt: clock.now().getTime() + 2 * HOUR });

    const { user } = sandbox.ensureUser({ username: 'nina_p', name: 'Nina P' });
    sandbox.post(user.id, { text: '@acme_care first question' });
    await app.pollAndWork();

    // 1 h 55 min later: still valid, but too close to expiry to use — the poll refreshes first.
    clock.advanceBy(HOUR + 55 * 60_000);
    sandbox.post(user.id, { text: '@acme_care second question' });
    await app.pollAndWork();
    const second = openCredentials(channelId, await sealed());
    expect(second.kind === 'oauth2-user' && second.accessToken).not.toBe(first.accessToken);
    expect(second).toMatchObject({ expiresAt: clock.now().getTime() + 2 * HOUR });
    expect(second.kind === 'oauth2-user' && second.refreshToken).not.toBe(
      first.kind === 'oauth2-user' && first.refreshToken,
    );

    // The old token has now expired on X's side; the channel carries on with the new one.
    clock.advanceBy(10 * 60_000);
    const old = await fetch(new URL('/2/users/me', app.deps.sandbox!.url), {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(old.status).toBe(401);
    sandbox.post(user.id, { text: '@acme_care third question' });
    await app.pollAndWork();
    const texts = (
      await app.deps.db.selectFrom('messages').select('text').where('channel_id', '=', channelId).execute()
    )
      .map((m) => m.text)
      .sort();
    expect(texts).toEqual(['@acme_care first question', '@acme_care second question', '@acme_care third question']);
    const channel = (await list(cookie)).channels.find((c) => c.id === channelId)!;
    expect(channel.status).toBe('active');
  });

  it('keeps connecting and settings to leads and admins; agents only read', async () => {
    app = await createTestApp({ dialect });
    const cookie = await agentCookie();
    const keys = app.deps.sandbox!.instance.createUser({ username: 'acme_help', name: 'Acme Help' }).oauth1;
    const [channel] = (await list(cookie)).channels;
    expect(channel?.handle).toBe('acme_sav');
    const attempts = [
      { method: 'GET' as const, url: '/api/channels/x/oauth2/start' },
      { method: 'GET' as const, url: '/api/channels/x/oauth2/callback?state=a&code=b' },
      {
        method: 'POST' as const,
        url: '/api/channels/x/keys',
        payload: {
          apiKey: keys.appKey,
          apiSecret: keys.appSecret,
          accessToken: keys.accessToken,
          accessSecret: keys.accessSecret,
          sandbox: true,
        },
      },
      { method: 'PATCH' as const, url: `/api/channels/${channel!.id}`, payload: { muteWords: ['promo'] } },
      { method: 'PATCH' as const, url: `/api/channels/${channel!.id}`, payload: { paused: true } },
      { method: 'POST' as const, url: `/api/channels/${channel!.id}/searches`, payload: { name: 'a', query: 'acme' } },
    ];
    for (const attempt of attempts) {
      const response = await app.http.inject({ ...attempt, headers: { cookie } });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }
    const signedOut = await app.http.inject({ url: '/api/channels/x/oauth2/start' });
    expect(signedOut.statusCode).toBe(401);
    expect(await rawChannels()).toHaveLength(1);
  });
});
