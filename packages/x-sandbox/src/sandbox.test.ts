import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { createXSandbox, snowflakeTime, type XSandbox, type XSandboxOptions } from './index.ts';

/** A fake clock that moves one second per reading, so every post gets a distinct, increasing time. */
function steppingClock(startIso = '2026-08-20T14:00:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(startIso);
  return () => new Date((t += stepMs));
}

function redirectTo(base: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace('https://api.x.com', base);
    },
    onBeforeStreamRequestConfig({ params }) {
      params.url = params.url.replace('https://api.x.com', base);
    },
  };
}

const agent = new http.Agent({ keepAlive: false });

type Tokens = string | { appKey: string; appSecret: string; accessToken: string; accessSecret: string };

function client(base: string, tokens: Tokens): TwitterApi {
  const settings = { httpAgent: agent, plugins: [redirectTo(base)] };
  return typeof tokens === 'string' ? new TwitterApi(tokens, settings) : new TwitterApi(tokens, settings);
}

// Response.json() is typed unknown; tests inspect free-form bodies.
const json = (res: Response): Promise<any> => res.json();

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiResponseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

let sandbox: XSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: XSandboxOptions = {}) {
  sandbox = createXSandbox({ clock: steppingClock(), ...options });
  const { url } = await sandbox.listen();
  const brand = sandbox.createUser({
    username: 'acme_support',
    name: 'Acme Support',
    followersCount: 5120,
    verified: true,
  });
  const camille = sandbox.createUser({ username: 'camille_durand', name: 'Camille Durand', followersCount: 312 });
  return { sb: sandbox, url, brand, camille };
}

describe('users', () => {
  it('answers /2/users/me for OAuth 2.0 and signed OAuth 1.0a user tokens', async () => {
    const { url, brand } = await start();
    const me2 = await client(url, brand.token).v2.me({ 'user.fields': ['public_metrics', 'verified'] });
    expect(me2.data).toMatchObject({
      id: brand.user.id,
      username: 'acme_support',
      name: 'Acme Support',
      verified: true,
      public_metrics: { followers_count: 5120, tweet_count: 0 },
    });
    const me1 = await client(url, brand.oauth1).v2.me();
    expect(me1.data).toEqual({ id: brand.user.id, name: 'Acme Support', username: 'acme_support' });
  });

  it('rejects an OAuth 1.0a request whose signature does not match', async () => {
    const { url, brand } = await start();
    const err = await apiError(client(url, { ...brand.oauth1, accessSecret: 'wrong-secret' }).v2.me());
    expect(err.code).toBe(401);
    expect(err.data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
  });

  it('looks users up by id and username, with a not-found partial error', async () => {
    const { sb, url, camille } = await start();
    const app = client(url, sb.issueAppBearer());
    const byName = await app.v2.userByUsername('camille_durand', {
      'user.fields': ['description', 'profile_image_url'],
    });
    expect(byName.data).toMatchObject({
      id: camille.user.id,
      description: '',
      profile_image_url: expect.stringContaining('https://'),
    });
    const byId = await app.v2.user(camille.user.id);
    expect(byId.data).toEqual({ id: camille.user.id, name: 'Camille Durand', username: 'camille_durand' });
    const missing = await app.v2.userByUsername('nobody_here');
    expect(missing.data).toBeUndefined();
    expect(missing.errors?.[0]).toEqual({
      value: 'nobody_here',
      detail: 'Could not find user with username: [nobody_here].',
      title: 'Not Found Error',
      resource_type: 'user',
      parameter: 'username',
      resource_id: 'nobody_here',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    });
  });

  it('refuses app-only auth on /2/users/me with the documented 403 body', async () => {
    const { sb, url } = await start();
    const err = await apiError(client(url, sb.issueAppBearer()).v2.me());
    expect(err.code).toBe(403);
    expect(err.headers['content-type']).toBe('application/problem+json');
    expect(err.data).toEqual({
      title: 'Unsupported Authentication',
      detail:
        'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
      type: 'https://api.twitter.com/2/problems/unsupported-authentication',
      status: 403,
    });
  });

  it('answers 401 with rate-limit headers for a missing or unknown token', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/2/users/by/username/acme_support`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
    expect(await json(res)).toEqual({
      title: 'Unauthorized',
      type: 'about:blank',
      status: 401,
      detail: 'Unauthorized',
    });
    const err = await apiError(client(url, 'not-a-token').v2.userByUsername('acme_support'));
    expect(err.code).toBe(401);
    expect(err.isAuthError).toBe(true);
  });
});

describe('mentions timeline', () => {
  it('pages newest first with next_token and honours since_id', async () => {
    const { sb, url, brand, camille } = await start();
    const posted = Array.from({ length: 12 }, (_, i) =>
      sb.post(camille.user.id, { text: `@acme_support question ${i}` }),
    );
    sb.post(camille.user.id, { text: 'no mention here' });
    const api = client(url, brand.token);

    const first = await api.v2.get(`users/${brand.user.id}/mentions`, { max_results: 5 });
    expect(first.data.map((t: { id: string }) => t.id)).toEqual(
      posted
        .slice(-5)
        .reverse()
        .map((t) => t.id),
    );
    expect(first.meta).toMatchObject({ result_count: 5, newest_id: posted[11]!.id, oldest_id: posted[7]!.id });
    expect(first.meta.next_token).toMatch(/^7140/);

    // The library's paginator follows next_token through every page.
    const paginator = await api.v2.userMentionTimeline(brand.user.id, { max_results: 5 });
    await paginator.fetchLast(10);
    expect(paginator.tweets.map((t) => t.id)).toEqual([...posted].reverse().map((t) => t.id));

    const newer = await api.v2.get(`users/${brand.user.id}/mentions`, { since_id: posted[9]!.id, max_results: 100 });
    expect(newer.data.map((t: { id: string }) => t.id)).toEqual([posted[11]!.id, posted[10]!.id]);
    expect(newer.meta.next_token).toBeUndefined();

    const none = await fetch(`${url}/2/users/${brand.user.id}/mentions?since_id=${posted[11]!.id}`, {
      headers: { authorization: `Bearer ${brand.token}` },
    });
    expect(none.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await none.text()).toBe('{"meta":{"result_count":0}}');
  });

  it('filters by start_time/end_time and until_id', async () => {
    const { sb, url, brand, camille } = await start({ clock: steppingClock('2026-08-20T14:00:00.000Z', 60_000) });
    const posts = Array.from({ length: 6 }, (_, i) => sb.post(camille.user.id, { text: `@acme_support ping ${i}` }));
    const api = client(url, brand.token);
    const start_time = new Date(Date.parse(posts[2]!.createdAt)).toISOString().replace('.000', '');
    const end_time = new Date(Date.parse(posts[4]!.createdAt)).toISOString().replace('.000', '');
    const window = await api.v2.get(`users/${brand.user.id}/mentions`, { start_time, end_time });
    expect(window.data.map((t: { id: string }) => t.id)).toEqual([posts[3]!.id, posts[2]!.id]);
    const older = await api.v2.get(`users/${brand.user.id}/mentions`, { until_id: posts[1]!.id });
    expect(older.data.map((t: { id: string }) => t.id)).toEqual([posts[0]!.id]);
  });

  it('validates max_results with the documented invalid-request body', async () => {
    const { url, brand } = await start();
    const err = await apiError(client(url, brand.token).v2.get(`users/${brand.user.id}/mentions`, { max_results: 0 }));
    expect(err.code).toBe(400);
    expect(err.data).toEqual({
      errors: [
        {
          parameters: { max_results: ['0'] },
          message: 'The `max_results` query parameter value [0] is not between 5 and 100',
        },
      ],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });
    const badToken = await apiError(
      client(url, brand.token).v2.get(`users/${brand.user.id}/mentions`, { pagination_token: 'zzz' }),
    );
    expect(badToken.code).toBe(400);
  });

  it('mints snowflake ids whose order and embedded time follow the clock', async () => {
    const { sb, camille } = await start();
    const a = sb.post(camille.user.id, { text: 'one' });
    const b = sb.post(camille.user.id, { text: 'two' });
    expect(BigInt(b.id) > BigInt(a.id)).toBe(true);
    expect(snowflakeTime(a.id)).toBe(Date.parse(a.createdAt));
  });
});

describe('fields and expansions', () => {
  it('returns default fields only when none are asked', async () => {
    const { sb, url, brand, camille } = await start();
    const t = sb.post(camille.user.id, { text: '@acme_support hello' });
    const res = await client(url, brand.token).v2.singleTweet(t.id);
    expect(res.data).toEqual({ id: t.id, text: '@acme_support hello', edit_history_tweet_ids: [t.id] });
  });

  it('hydrates a reply with tweet.fields and includes.users/tweets', async () => {
    const { sb, url, brand, camille } = await start();
    const root = sb.post(brand.user.id, { text: 'Big sale on all the shoes today!' });
    const reply = sb.post(camille.user.id, {
      text: 'my order #4411 never arrived, cc @nobody_known',
      inReplyToTweetId: root.id,
    });
    const res = await client(url, sb.issueAppBearer()).v2.singleTweet(reply.id, {
      'tweet.fields': [
        'author_id',
        'created_at',
        'conversation_id',
        'in_reply_to_user_id',
        'referenced_tweets',
        'entities',
        'lang',
        'public_metrics',
      ],
      expansions: ['author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id', 'entities.mentions.username'],
      'user.fields': ['public_metrics', 'verified'],
    });
    expect(res.data).toMatchObject({
      id: reply.id,
      text: '@acme_support my order #4411 never arrived, cc @nobody_known',
      author_id: camille.user.id,
      conversation_id: root.id,
      in_reply_to_user_id: brand.user.id,
      referenced_tweets: [{ type: 'replied_to', id: root.id }],
      lang: 'en',
      created_at: reply.createdAt,
      public_metrics: { reply_count: 0, retweet_count: 0, like_count: 0, quote_count: 0 },
    });
    // Only accounts that exist are mention entities, with code-point offsets.
    expect(res.data.entities?.mentions).toEqual([{ start: 0, end: 13, username: 'acme_support', id: brand.user.id }]);
    expect(res.includes?.users?.map((u) => u.id)).toEqual([camille.user.id, brand.user.id]);
    expect(res.includes?.users?.[1]).toMatchObject({ verified: true, public_metrics: { followers_count: 5120 } });
    expect(res.includes?.tweets).toEqual([
      {
        id: root.id,
        text: 'Big sale on all the shoes today!',
        edit_history_tweet_ids: [root.id],
        author_id: brand.user.id,
        conversation_id: root.id,
        created_at: root.createdAt,
        lang: 'en',
        public_metrics: expect.objectContaining({ reply_count: 1 }),
      },
    ]);
  });

  it('accepts post.fields as an alias and rejects unknown field names', async () => {
    const { sb, url, brand, camille } = await start();
    const t = sb.post(camille.user.id, { text: '@acme_support Bonjour, où est mon colis ?' });
    const res = await fetch(`${url}/2/tweets/${t.id}?post.fields=lang,author_id`, {
      headers: { authorization: `Bearer ${brand.token}` },
    });
    expect(await json(res)).toEqual({
      data: { id: t.id, text: t.text, edit_history_tweet_ids: [t.id], lang: 'fr', author_id: camille.user.id },
    });
    const bad = await fetch(`${url}/2/tweets/${t.id}?tweet.fields=colour`, {
      headers: { authorization: `Bearer ${brand.token}` },
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].parameters).toEqual({ 'tweet.fields': ['colour'] });
  });

  it('looks up several tweets with partial not-found errors', async () => {
    const { sb, url, brand, camille } = await start();
    const t = sb.post(camille.user.id, { text: '@acme_support one' });
    const res = await client(url, brand.token).v2.tweets([t.id, '123456']);
    expect(res.data.map((x) => x.id)).toEqual([t.id]);
    expect(res.errors?.[0]).toMatchObject({
      resource_id: '123456',
      parameter: 'ids',
      detail: 'Could not find tweet with ids: [123456].',
    });
  });
});

describe('POST /2/tweets', () => {
  it('publishes a reply to a mention: 201, auto-populated @mention, thread fields', async () => {
    const { sb, url, brand, camille } = await start();
    const mention = sb.post(camille.user.id, { text: '@acme_support où est ma commande ?' });
    const posted = await client(url, brand.token).v2.reply('Bonjour Camille, nous regardons.', mention.id);
    expect(posted.data.text).toBe('@camille_durand Bonjour Camille, nous regardons.');
    expect((posted.data as { edit_history_tweet_ids?: string[] }).edit_history_tweet_ids).toEqual([posted.data.id]);
    const stored = sb.getTweet(posted.data.id)!;
    expect(stored).toMatchObject({
      conversationId: mention.id,
      inReplyToTweetId: mention.id,
      inReplyToUserId: camille.user.id,
      lang: 'fr',
    });
    const ours = await client(url, brand.token).v2.get(`users/${brand.user.id}/tweets`, {
      'tweet.fields': 'display_text_range,referenced_tweets',
    });
    expect(ours.data[0]).toMatchObject({
      id: posted.data.id,
      display_text_range: [16, 48],
      referenced_tweets: [{ type: 'replied_to', id: mention.id }],
    });
    // The customer now sees the brand's answer in their own mentions.
    const theirs = await client(url, camille.token).v2.get(`users/${camille.user.id}/mentions`);
    expect(theirs.data.map((t: { id: string }) => t.id)).toEqual([posted.data.id]);
  });

  it('refuses a self-serve reply to a post that never summoned the account, with the documented body', async () => {
    const { sb, url, brand, camille } = await start();
    const unrelated = sb.post(camille.user.id, { text: 'Acme a encore perdu mon colis' });
    const err = await apiError(client(url, brand.token).v2.reply('Désolés !', unrelated.id));
    expect(err.code).toBe(403);
    expect(err.data).toEqual({
      title: 'Forbidden',
      detail:
        'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
      type: 'about:blank',
      status: 403,
    });
    // A post quoting the brand summons it too.
    const brandPost = sb.post(brand.user.id, { text: 'Nouvelle collection' });
    const quote = sb.post(camille.user.id, { text: 'Pas convaincue', quoteTweetId: brandPost.id });
    await expect(client(url, brand.token).v2.reply('Dites-nous pourquoi ?', quote.id)).resolves.toBeTruthy();
  });

  it('lets an enterprise plan reply to anyone', async () => {
    const { sb, url, brand, camille } = await start({ plan: 'enterprise' });
    const unrelated = sb.post(camille.user.id, { text: 'Acme a encore perdu mon colis' });
    const res = await client(url, brand.token).v2.reply('Désolés, écrivez-nous en privé.', unrelated.id);
    expect(res.data.id).toMatch(/^\d+$/);
  });

  it('refuses duplicate content, over-long text and replies to missing posts', async () => {
    const { sb, url, brand } = await start();
    const api = client(url, brand.token);
    await api.v2.tweet('Maintenance ce soir de 22h à 23h.');
    const dup = await apiError(api.v2.tweet('Maintenance ce soir de 22h à 23h.'));
    expect(dup.code).toBe(403);
    expect(dup.data).toEqual({
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });

    // 280 Latin letters fit; 141 CJK characters weigh 282.
    await expect(api.v2.tweet('é'.repeat(280))).resolves.toBeTruthy();
    const long = await apiError(api.v2.tweet('字'.repeat(141)));
    expect(long.code).toBe(403);
    expect(String(long.data.detail)).toMatch(/^Your Tweet text is too long\./);
    // A URL counts 23 whatever its length.
    await expect(api.v2.tweet(`${'a'.repeat(250)} https://example.com/${'x'.repeat(100)}`)).resolves.toBeTruthy();

    const missing = await apiError(api.v2.reply('Hello?', '1234567890'));
    expect(missing.code).toBe(403);
    expect(missing.data.detail).toBe('You attempted to reply to a Tweet that is deleted or not visible to you.');
    expect(sb.listTweets({ authorId: brand.user.id })).toHaveLength(3);
  });

  it('refuses app-only posting, malformed JSON, oversized bodies and unknown routes without crashing', async () => {
    const { sb, url, brand } = await start();
    const err = await apiError(client(url, sb.issueAppBearer()).v2.tweet('hi'));
    expect(err.code).toBe(403);
    expect(err.data.title).toBe('Unsupported Authentication');

    const headers = { authorization: `Bearer ${brand.token}`, 'content-type': 'application/json' };
    const bad = await fetch(`${url}/2/tweets`, { method: 'POST', headers, body: '{"text": "oops"' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const huge = await fetch(`${url}/2/tweets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'x'.repeat(1_100_000) }),
    });
    expect(huge.status).toBe(400);
    const extra = await fetch(`${url}/2/tweets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'hi', colour: 'red' }),
    });
    expect(extra.status).toBe(400);
    const unknown = await fetch(`${url}/2/nope`, { headers });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ title: 'Not Found Error', status: 404 });
    // Still serving afterwards.
    expect((await fetch(`${url}/2/users/me`, { headers })).status).toBe(200);
  });

  it('lets only the author delete a post', async () => {
    const { sb, url, brand, camille } = await start();
    const t = sb.post(camille.user.id, { text: '@acme_support oups' });
    const err = await apiError(client(url, brand.token).v2.deleteTweet(t.id));
    expect(err.code).toBe(403);
    expect(err.data.detail).toBe('You are not authorized to delete this Tweet.');
    const ok = await client(url, camille.token).v2.deleteTweet(t.id);
    expect(ok.data.deleted).toBe(true);
    expect(sb.getTweet(t.id)).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('sends x-rate-limit headers per endpoint and token, then 429 with the documented body', async () => {
    const { url, brand, camille } = await start({ rateLimits: { 'GET /2/users/me': 2 } });
    const api = client(url, brand.token);
    const first = await api.v2.get('users/me', undefined, { fullResponse: true });
    expect(first.rateLimit).toMatchObject({ limit: 2, remaining: 1 });
    await api.v2.me();
    const err = await apiError(api.v2.me());
    expect(err.code).toBe(429);
    expect(err.rateLimitError).toBe(true);
    expect(err.data).toEqual({
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    });
    expect(err.rateLimit?.remaining).toBe(0);
    // reset = window start + 900 s (the stepping clock started the window at 14:00:0x).
    expect(err.rateLimit!.reset * 1000 - Date.parse('2026-08-20T14:00:00.000Z')).toBeGreaterThanOrEqual(900_000);
    // Other users have their own bucket; other endpoints their own counter.
    await expect(client(url, camille.token).v2.me()).resolves.toBeTruthy();
    await expect(api.v2.user(brand.user.id)).resolves.toBeTruthy();
  });

  it('opens a new window after 15 minutes of the sandbox clock', async () => {
    let now = Date.parse('2026-08-20T14:00:00.000Z');
    const { url, brand } = await start({ clock: () => new Date(now), rateLimits: { 'GET /2/users/me': 1 } });
    const api = client(url, brand.token);
    await api.v2.me();
    expect((await apiError(api.v2.me())).code).toBe(429);
    now += 15 * 60 * 1000;
    await expect(api.v2.me()).resolves.toBeTruthy();
  });
});

describe('admin API over HTTP', () => {
  it('requires the admin key and mirrors the in-process facade', async () => {
    sandbox = createXSandbox({ clock: steppingClock(), adminKey: 'k3y' });
    const { url } = await sandbox.listen();
    const denied = await fetch(`${url}/sandbox/admin/users`);
    expect(denied.status).toBe(401);
    const headers = { 'x-sandbox-admin-key': 'k3y', 'content-type': 'application/json' };
    const created = await fetch(`${url}/sandbox/admin/users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: 'acme_support', name: 'Acme' }),
    });
    expect(created.status).toBe(201);
    const account = (await json(created)).data;
    expect(account.token).toEqual(expect.any(String));
    const conflict = await fetch(`${url}/sandbox/admin/users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: 'ACME_support', name: 'Again' }),
    });
    expect(conflict.status).toBe(409);
    const post = await fetch(`${url}/sandbox/admin/users/${account.user.id}/tweets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'Bonjour à tous' }),
    });
    expect(post.status).toBe(201);
    const tweet = (await json(post)).data;
    const list = await json(await fetch(`${url}/sandbox/admin/tweets?authorId=${account.user.id}`, { headers }));
    expect(list.data.map((t: { id: string }) => t.id)).toEqual([tweet.id]);
    // The token issued over the admin API works on the v2 API.
    const me = await client(url, account.token).v2.me();
    expect(me.data.username).toBe('acme_support');
    const bearer = (await json(await fetch(`${url}/sandbox/admin/app-bearer`, { method: 'POST', headers }))).data.token;
    expect((await client(url, bearer).v2.singleTweet(tweet.id)).data.text).toBe('Bonjour à tous');
  });
});

describe('persistence', () => {
  it('restores users, posts and tokens from the state file after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x-sandbox-'));
    try {
      const stateFile = join(dir, 'state.json');
      const clock = steppingClock();
      const first = createXSandbox({ clock, stateFile });
      const brand = first.createUser({ username: 'acme_support', name: 'Acme Support' });
      const mention = first.post(brand.user.id, { text: 'Premier message' });
      await first.close();
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).tweets).toHaveLength(1);

      sandbox = createXSandbox({ clock, stateFile });
      const { url } = await sandbox.listen();
      const me = await client(url, brand.oauth1).v2.me();
      expect(me.data.id).toBe(brand.user.id);
      expect(sandbox.getTweet(mention.id)?.text).toBe('Premier message');
      expect(sandbox.ensureUser({ username: 'acme_support', name: 'x' })).toMatchObject({
        created: false,
        token: brand.token,
      });
      // Ids keep increasing across restarts.
      const next = sandbox.post(brand.user.id, { text: 'Second message' });
      expect(BigInt(next.id) > BigInt(mention.id)).toBe(true);
      sandbox.flush();
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).tweets).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
