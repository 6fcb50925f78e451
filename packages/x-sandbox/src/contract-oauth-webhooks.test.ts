/**
 * Contract tests (see contract-kit.ts): the OAuth 2.0 token endpoints and the Account Activity webhooks
 * and subscriptions, called through twitter-api-v2.
 *
 * `POST /oauth2/token`, `POST /2/oauth2/token` and `POST /2/oauth2/revoke` are not paths of the v2.166
 * spec: the harness validates them, with the same library, against the inline OpenAPI document
 * `OAUTH_DOCUMENT` (contract-kit.ts) that writes down the contract's shapes (§2.2). Everything under
 * `/2/webhooks` and `/2/account_activity` is validated against the spec.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiError, contractHarness, firstError, oauthApi } from './contract-kit.ts';
import { receiver } from './testkit.ts';

const { client, onCleanup, start } = contractHarness({
  expectCoverage: {
    appOnlyToken: [200, 403],
    oauth2Token: [200, 400, 401],
    oauth2Revoke: [200, 400, 401],
    createWebhooks: [200, 400],
    getWebhooks: [200, 403],
    validateWebhooks: [200, 400],
    deleteWebhooks: [200, 400],
    createAccountActivitySubscription: [200, 400, 403],
    validateAccountActivitySubscription: [200, 400],
    getAccountActivitySubscriptions: [200, 400, 403],
    deleteAccountActivitySubscription: [200, 400, 403],
    getAccountActivitySubscriptionCount: [200, 403],
    getUsersMe: [200, 401],
  },
});

const REDIRECT_URI = 'https://desk.example.com/oauth/x/callback';

describe('contract: OAuth 2.0 token endpoints (inline OpenAPI document, not in the v2.166 spec)', () => {
  it('POST /oauth2/token: app-only bearer through appLogin; 403 for wrong keys or a missing grant', async () => {
    const { sb, camille } = await start();
    const { appKey, appSecret } = sb.appCredentials;
    const app = await client({ appKey, appSecret }).appLogin();
    expect((await app.v2.userByUsername('camille_durand')).data.id).toBe(camille.user.id);
    const bad = await apiError(client({ appKey, appSecret: 'nope' }).appLogin());
    expect([bad.code, firstError(bad).code]).toEqual([403, 99]);
    // The same Basic client appLogin builds, asking for another grant.
    const basic = client({ username: appKey, password: appSecret } as never);
    const grant = await apiError(basic.post('https://api.x.com/oauth2/token', { grant_type: 'password' }));
    expect([grant.code, firstError(grant).code]).toEqual([403, 170]);
    // The inline document does catch a wrong body.
    expect(oauthApi.validateResponse({ token_type: 'Bearer', access_token: 'x' }, 'appOnlyToken', 200).valid).toBe(
      false,
    );
  });

  it('POST /2/oauth2/token (authorization_code + PKCE, refresh_token) and POST /2/oauth2/revoke', async () => {
    const { sb, brand } = await start();
    const { clientId, clientSecret } = sb.appCredentials;
    const requester = client({ clientId, clientSecret });
    const scope = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'offline.access'];
    const authorize = () => {
      const link = requester.generateOAuth2AuthLink(REDIRECT_URI, { scope });
      const q = new URL(link.url).searchParams;
      const { code } = sb.authorizeOAuth2({
        user: 'acme_support',
        redirectUri: REDIRECT_URI,
        scope: q.get('scope')!,
        codeChallenge: q.get('code_challenge')!,
        codeChallengeMethod: q.get('code_challenge_method')!,
      });
      return { code, codeVerifier: link.codeVerifier };
    };

    const wrong = authorize();
    const badVerifier = await apiError(
      requester.loginWithOAuth2({ code: wrong.code, codeVerifier: 'x'.repeat(43), redirectUri: REDIRECT_URI }),
    );
    expect([badVerifier.code, badVerifier.data.error]).toEqual([400, 'invalid_request']);

    const login = await requester.loginWithOAuth2({ ...authorize(), redirectUri: REDIRECT_URI });
    expect([login.expiresIn, login.refreshToken]).toEqual([7200, expect.any(String)]);
    expect((await login.client.v2.me()).data.id).toBe(brand.user.id);
    const refreshed = await requester.refreshOAuth2Token(login.refreshToken!);
    const reused = await apiError(requester.refreshOAuth2Token(login.refreshToken!));
    expect([reused.code, reused.data.error]).toEqual([400, 'invalid_request']);

    // Without offline.access: no refresh token (the document requires its absence).
    const shortLink = requester.generateOAuth2AuthLink(REDIRECT_URI, { scope: ['tweet.read', 'users.read'] });
    const short = sb.authorizeOAuth2({
      user: brand.user.id,
      redirectUri: REDIRECT_URI,
      scope: 'tweet.read users.read',
      codeChallenge: new URL(shortLink.url).searchParams.get('code_challenge')!,
      codeChallengeMethod: 's256',
    });
    const noRefresh = await requester.loginWithOAuth2({
      code: short.code,
      codeVerifier: shortLink.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    expect(noRefresh.refreshToken).toBeUndefined();

    const unsupported = await apiError(
      requester.post('https://api.x.com/2/oauth2/token', { grant_type: 'client_credentials', client_id: clientId }),
    );
    expect([unsupported.code, unsupported.data.error]).toEqual([400, 'unsupported_grant_type']);
    const wrongSecret = client({ clientId, clientSecret: 'not-the-secret' });
    expect((await apiError(wrongSecret.refreshOAuth2Token(refreshed.refreshToken!))).code).toBe(401);

    await requester.revokeOAuth2Token(refreshed.accessToken);
    expect((await apiError(refreshed.client.v2.me())).code).toBe(401);
    expect((await apiError(requester.revokeOAuth2Token(''))).code).toBe(400);
    expect((await apiError(wrongSecret.revokeOAuth2Token(refreshed.refreshToken!, 'refresh_token'))).code).toBe(401);
  });
});

/** A local webhook receiver answering the CRC with the app's consumer secret (or, when told, a wrong one). */
async function crcReceiver(secret: string) {
  const state = { wrong: false, crcs: 0 };
  const r = await receiver((req, _body, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('crc_token');
    if (req.method === 'GET' && token !== null) {
      state.crcs++;
      const key = state.wrong ? 'not-the-secret' : secret;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_token: `sha256=${createHmac('sha256', key).update(token).digest('base64')}` }));
      return;
    }
    res.writeHead(200).end();
  });
  onCleanup(() => r.close());
  return Object.assign(state, { url: r.url });
}

describe('contract: /2/webhooks', () => {
  it('registers after a CRC, lists, re-validates, deletes; CRC failure, duplicate URL, unknown id', async () => {
    const { sb, brand, app } = await start({ plan: 'enterprise' });
    const secret = sb.appCredentials.appSecret;
    const failing = await crcReceiver(secret);
    failing.wrong = true;
    const refused = await apiError(app.v2.post('webhooks', { url: failing.url }));
    expect([refused.code, firstError(refused).message]).toEqual([400, 'CrcValidationFailed']);
    expect(await app.v2.get('webhooks')).toEqual({ meta: { result_count: 0 } });

    const hook = await crcReceiver(secret);
    const created = await app.v2.post('webhooks', { url: hook.url });
    expect(created).toMatchObject({ url: hook.url, valid: true });
    // The spec also allows OAuth 1.0a user context for registration.
    const second = await crcReceiver(secret);
    const viaOAuth1 = await client(brand.oauth1).v2.post('webhooks', { url: second.url });
    const list = await app.v2.get('webhooks');
    expect(list.meta.result_count).toBe(2);
    const dupe = await apiError(app.v2.post('webhooks', { url: hook.url }));
    expect(firstError(dupe).message).toBe('DuplicateUrlFailed');
    expect((await apiError(app.v2.post('webhooks', { url: 'not a url' }))).code).toBe(400);
    expect((await apiError(app.v2.post('webhooks', {}))).code).toBe(400);

    expect((await app.v2.put(`webhooks/${created.id}`)).data.attempted).toBe(true);
    hook.wrong = true;
    const crcFails = await apiError(app.v2.put(`webhooks/${created.id}`));
    expect(firstError(crcFails).message).toBe('CrcValidationFailed');
    expect(hook.crcs).toBe(3);

    expect((await app.v2.delete(`webhooks/${created.id}`)).data.deleted).toBe(true);
    expect((await client(brand.oauth1).v2.delete(`webhooks/${viaOAuth1.id}`)).data.deleted).toBe(true);
    for (const call of [app.v2.delete(`webhooks/${created.id}`), app.v2.put('webhooks/123')]) {
      const gone = await apiError(call);
      expect([gone.code, firstError(gone).message]).toEqual([400, 'WebhookIdInvalid']);
    }
    expect((await apiError(app.v2.delete('webhooks/abc'))).code).toBe(400);
    expect((await apiError(client(brand.token).v2.get('webhooks'))).code).toBe(403);
  });

  it('one webhook on pay-per-use: the second is refused (WebhookLimitExceeded)', async () => {
    const { sb, app } = await start();
    const secret = sb.appCredentials.appSecret;
    await app.v2.post('webhooks', { url: (await crcReceiver(secret)).url });
    const limit = await apiError(app.v2.post('webhooks', { url: (await crcReceiver(secret)).url }));
    expect([limit.code, firstError(limit).message]).toEqual([400, 'WebhookLimitExceeded']);
  });
});

describe('contract: /2/account_activity subscriptions', () => {
  it('subscribes users, checks, lists, counts and unsubscribes; duplicate, limit, unknown webhook, wrong auth', async () => {
    const { sb, brand, camille, app } = await start();
    const hook = await crcReceiver(sb.appCredentials.appSecret);
    const { id } = await app.v2.post('webhooks', { url: hook.url });
    const all = `account_activity/webhooks/${id}/subscriptions/all`;

    expect((await client(brand.oauth1).v2.post(all, {})).data.subscribed).toBe(true);
    expect((await client(camille.token).v2.post(all, {})).data.subscribed).toBe(true);
    expect((await client(brand.token).v2.get(all)).data.subscribed).toBe(true);
    const bob = sb.createUser({ username: 'bob_martin', name: 'Bob' });
    expect((await client(bob.oauth1).v2.get(all)).data.subscribed).toBe(false);

    const dup = await apiError(client(brand.token).v2.post(all, {}));
    expect([dup.code, firstError(dup).message]).toEqual([400, 'DuplicateSubscriptionFailed']);
    await client(bob.token).v2.post(all, {});
    const fourth = sb.createUser({ username: 'fourth_user', name: 'Fourth' });
    const limit = await apiError(client(fourth.token).v2.post(all, {}));
    expect(firstError(limit).message).toBe('SubscriptionLimitExceeded');
    expect((await apiError(app.v2.post(all, {}))).data.title).toBe('Unsupported Authentication');

    const listed = await app.v2.get(`${all}/list`);
    expect(listed.data.subscriptions.map((s: { user_id: string }) => s.user_id).sort()).toEqual(
      [brand.user.id, camille.user.id, bob.user.id].sort(),
    );
    expect((await app.v2.get('account_activity/subscriptions/count')).data.subscriptions_count_all).toBe('3');
    await app.v2.delete(`account_activity/webhooks/${id}/subscriptions/${camille.user.id}/all`);
    expect((await client(camille.token).v2.get(all)).data.subscribed).toBe(false);

    for (const call of [
      client(brand.token).v2.post('account_activity/webhooks/123/subscriptions/all', {}),
      client(brand.token).v2.get('account_activity/webhooks/123/subscriptions/all'),
      app.v2.get('account_activity/webhooks/123/subscriptions/all/list'),
      app.v2.delete(`account_activity/webhooks/123/subscriptions/${brand.user.id}/all`),
    ]) {
      expect(firstError(await apiError(call)).message).toBe('WebhookIdInvalid');
    }
    for (const call of [
      client(brand.token).v2.get(`${all}/list`),
      client(brand.oauth1).v2.delete(`account_activity/webhooks/${id}/subscriptions/${brand.user.id}/all`),
      client(brand.token).v2.get('account_activity/subscriptions/count'),
    ]) {
      expect((await apiError(call)).code).toBe(403);
    }
  });
});
