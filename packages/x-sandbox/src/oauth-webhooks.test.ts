import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { XSandbox } from './sandbox.ts';
import { apiError, client, firstError, json, manualClock, receiver, sandboxCleanup, startSandbox } from './testkit.ts';
import { webhookSignature } from './webhooks.ts';

const open: XSandbox[] = [];
const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await sandboxCleanup(open)();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function start(...args: Parameters<typeof startSandbox>) {
  const s = await startSandbox(...args);
  open.push(s.sb);
  return s;
}

describe('OAuth 2.0 token endpoints', () => {
  it('issues an app-only bearer through appLogin (Basic consumer keys, client_credentials)', async () => {
    const { sb, url, camille } = await start();
    const { appKey, appSecret } = sb.appCredentials;
    const app = await client(url, { appKey, appSecret }).appLogin();
    const user = await app.v2.userByUsername('camille_durand');
    expect(user.data.id).toBe(camille.user.id);
    // Same bearer again for the same app; wrong secret refused.
    const again = await client(url, { appKey, appSecret }).appLogin();
    expect(again.getActiveTokens()).toEqual(app.getActiveTokens());
    const bad = await apiError(client(url, { appKey, appSecret: 'nope' }).appLogin());
    expect(bad.code).toBe(403);
    expect(firstError(bad).code).toBe(99);
  });

  it('runs authorization code + PKCE, refresh and revoke with twitter-api-v2 (JSON bodies)', async () => {
    const clock = manualClock();
    const { sb, url, brand } = await start({ clock: clock.now });
    const { clientId, clientSecret } = sb.appCredentials;
    const requester = client(url, { clientId, clientSecret });
    const redirectUri = 'https://desk.example.com/oauth/x/callback';
    const link = requester.generateOAuth2AuthLink(redirectUri, {
      scope: ['tweet.read', 'tweet.write', 'users.read', 'dm.read', 'dm.write', 'offline.access'],
    });
    const challenge = new URL(link.url).searchParams;
    const { code, state, redirect } = sb.authorizeOAuth2({
      user: 'acme_support',
      redirectUri,
      scope: challenge.get('scope')!,
      codeChallenge: challenge.get('code_challenge')!,
      codeChallengeMethod: challenge.get('code_challenge_method')!,
      state: link.state,
    });
    expect(state).toBe(link.state);
    expect(redirect).toContain(`code=${code}`);

    const wrongVerifier = await apiError(
      requester.loginWithOAuth2({ code, codeVerifier: 'x'.repeat(43), redirectUri }),
    );
    expect(wrongVerifier.code).toBe(400);
    expect(wrongVerifier.data).toMatchObject({
      error: 'invalid_request',
      error_description: 'Value passed for the authorization code was invalid.',
    });

    // The failed attempt consumed the code (single use): authorize again.
    const second = sb.authorizeOAuth2({
      user: brand.user.id,
      redirectUri,
      scope: challenge.get('scope')!,
      codeChallenge: challenge.get('code_challenge')!,
      codeChallengeMethod: 's256',
    });
    const login = await requester.loginWithOAuth2({ code: second.code, codeVerifier: link.codeVerifier, redirectUri });
    expect(login.expiresIn).toBe(7200);
    expect(login.scope).toContain('offline.access');
    expect(login.refreshToken).toEqual(expect.any(String));
    expect((await login.client.v2.me()).data.id).toBe(brand.user.id);

    // Scopes are enforced for tokens from the flow: no follows.read here.
    const scoped = await apiError(login.client.v2.followers(brand.user.id));
    expect(scoped.code).toBe(403);

    // Access tokens expire after 2 hours of the sandbox clock; refresh rotates the refresh token.
    clock.advance(7200_000);
    expect((await apiError(login.client.v2.me())).code).toBe(401);
    const refreshed = await requester.refreshOAuth2Token(login.refreshToken!);
    expect((await refreshed.client.v2.me()).data.id).toBe(brand.user.id);
    expect((await apiError(requester.refreshOAuth2Token(login.refreshToken!))).code).toBe(400);

    await requester.revokeOAuth2Token(refreshed.accessToken);
    expect((await apiError(refreshed.client.v2.me())).code).toBe(401);
  });

  it('accepts form-encoded token requests from a public client', async () => {
    const { sb, url, camille } = await start();
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code } = sb.authorizeOAuth2({
      user: 'camille_durand',
      redirectUri: 'http://localhost:3000/cb',
      scope: 'tweet.read users.read',
      codeChallenge: challenge,
    });
    const res = await fetch(`${url}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://localhost:3000/cb',
        code_verifier: verifier,
        client_id: sb.appCredentials.clientId,
      }),
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({
      token_type: 'bearer',
      expires_in: 7200,
      access_token: expect.any(String),
      scope: 'tweet.read users.read',
    });
    expect((await client(url, body.access_token).v2.me()).data.id).toBe(camille.user.id);
  });
});

type Delivery = { headers: Record<string, string | string[] | undefined>; body: string };

async function webhookReceiver(secret: () => string, options: { failFirst?: number; crcWrong?: boolean } = {}) {
  const deliveries: Delivery[] = [];
  let failures = options.failFirst ?? 0;
  const waiters: (() => void)[] = [];
  const r = await receiver((req, body, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const token = u.searchParams.get('crc_token') ?? '';
      const key = options.crcWrong ? 'not-the-secret' : secret();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_token: 'sha256=' + createHmac('sha256', key).update(token).digest('base64') }));
      return;
    }
    if (failures > 0) {
      failures--;
      res.writeHead(500).end();
      return;
    }
    deliveries.push({ headers: req.headers, body });
    res.writeHead(200).end();
    waiters.splice(0).forEach((w) => w());
  });
  receivers.push(r);
  return { ...r, deliveries };
}

describe('Account Activity webhooks', () => {
  it('matches the contract test vectors for CRC and signatures', () => {
    expect(webhookSignature('test_consumer_secret', 'challenge_string')).toBe(
      'sha256=583uAmerwtjpykYEAEm+CEIRm6dOywK4QKRr0ha/Pd4=',
    );
    expect(webhookSignature('test_consumer_secret', '{"for_user_id":"1","tweet_create_events":[]}')).toBe(
      'sha256=MdwerXyup5RjxlFkX69epegYjAkM5uMK2/kcju8IDXo=',
    );
  });

  it('registers after a CRC, refuses a failing CRC, and manages the webhook', async () => {
    const { sb, url, brand } = await start();
    const bearer = sb.issueAppBearer();
    const app = client(url, bearer);
    const bad = await webhookReceiver(() => sb.appCredentials.appSecret, { crcWrong: true });
    const refused = await apiError(app.v2.post('webhooks', { url: bad.url }));
    expect(refused.code).toBe(400);
    expect(firstError(refused).message).toBe('CrcValidationFailed');

    const good = await webhookReceiver(() => sb.appCredentials.appSecret);
    const created = await app.v2.post('webhooks', { url: good.url });
    expect(created.data).toEqual({
      id: expect.stringMatching(/^\d+$/),
      url: good.url,
      valid: true,
      created_at: expect.any(String),
    });
    const list = await app.v2.get('webhooks');
    expect(list).toEqual({ data: [created.data], meta: { result_count: 1 } });
    const dupe = await apiError(app.v2.post('webhooks', { url: good.url }));
    expect(firstError(dupe).message).toBe('DuplicateUrlFailed');
    expect((await app.v2.put(`webhooks/${created.data.id}`)).data.valid).toBe(true);
    const userToken = await apiError(client(url, brand.token).v2.get('webhooks'));
    expect(userToken.code).toBe(403);
    expect((await app.v2.delete(`webhooks/${created.data.id}`)).data.deleted).toBe(true);
    expect(await app.v2.get('webhooks')).toEqual({ meta: { result_count: 0 } });
    const gone = await apiError(app.v2.delete(`webhooks/${created.data.id}`));
    expect(firstError(gone).message).toBe('WebhookIdInvalid');
  });

  it('delivers signed v1.1 payloads for mentions, DMs and follows to subscribed users, retrying failures', async () => {
    const { sb, url, brand, camille } = await start({ webhookRetryDelaysMs: [5, 5] });
    const hook = await webhookReceiver(() => sb.appCredentials.appSecret, { failFirst: 1 });
    const app = client(url, sb.issueAppBearer());
    const { data } = await app.v2.post('webhooks', { url: hook.url });
    const brandApi = client(url, brand.oauth1);
    expect((await brandApi.v2.post(`account_activity/webhooks/${data.id}/subscriptions/all`, {})).data.subscribed).toBe(
      true,
    );
    expect((await brandApi.v2.get(`account_activity/webhooks/${data.id}/subscriptions/all`)).data.subscribed).toBe(
      true,
    );
    const dup = await apiError(brandApi.v2.post(`account_activity/webhooks/${data.id}/subscriptions/all`, {}));
    expect(firstError(dup).message).toBe('DuplicateSubscriptionFailed');
    const appSub = await apiError(app.v2.post(`account_activity/webhooks/${data.id}/subscriptions/all`, {}));
    expect(appSub.code).toBe(403);

    const mention = sb.post(camille.user.id, { text: '@acme_support mon colis #4411 est perdu' });
    sb.post(camille.user.id, { text: 'unrelated post' });
    sb.sendDm(camille.user.id, brand.user.id, 'Bonjour !');
    sb.follow(camille.user.id, brand.user.id);
    await sb.webhooksIdle();

    const secret = sb.appCredentials.appSecret;
    for (const d of hook.deliveries) {
      const expected = Buffer.from(webhookSignature(secret, d.body));
      const given = Buffer.from(String(d.headers['x-twitter-webhooks-signature']));
      expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
    }
    // The mention's first attempt failed, so its retry arrives after the others: order by kind.
    const ORDER = ['tweet_create_events', 'direct_message_events', 'follow_events'];
    const kindOf = (d: Delivery) => Object.keys(JSON.parse(d.body)).find((k) => k.endsWith('_events'))!;
    hook.deliveries.sort((a, b) => ORDER.indexOf(kindOf(a)) - ORDER.indexOf(kindOf(b)));
    const bodies = hook.deliveries.map((d) => JSON.parse(d.body));
    expect(bodies.map((b) => Object.keys(b).find((k) => k.endsWith('_events')))).toEqual([
      'tweet_create_events',
      'direct_message_events',
      'follow_events',
    ]);
    const tweetEvent = bodies[0].tweet_create_events[0];
    expect(bodies[0]).toMatchObject({ for_user_id: brand.user.id, user_has_blocked: 'false' });
    expect(tweetEvent).toMatchObject({
      id_str: mention.id,
      text: mention.text,
      user: { id_str: camille.user.id, screen_name: 'camille_durand' },
      entities: { user_mentions: [{ screen_name: 'acme_support', id_str: brand.user.id, indices: [0, 13] }] },
    });
    expect(tweetEvent.created_at).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/);
    // Numeric ids are real JSON numbers (beyond 2^53) next to their *_str twins.
    expect(hook.deliveries[0]!.body).toContain(`"id":${mention.id},"id_str":"${mention.id}"`);
    expect(bodies[1].direct_message_events[0]).toMatchObject({
      type: 'message_create',
      message_create: {
        sender_id: camille.user.id,
        target: { recipient_id: brand.user.id },
        message_data: { text: 'Bonjour !' },
      },
    });
    expect(bodies[2].follow_events[0]).toMatchObject({
      type: 'follow',
      source: { id_str: camille.user.id },
      target: { id_str: brand.user.id },
    });
    // The first attempt got a 500 and was retried.
    expect(sb.webhookDeliveries()[0]).toMatchObject({ attempts: 2, status: 'delivered' });
  });
});
