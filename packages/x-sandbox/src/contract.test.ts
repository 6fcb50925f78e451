/**
 * Contract tests: the endpoints the desk uses, called through the real `twitter-api-v2` client against a
 * listening sandbox, with every response (status, body) checked against the official OpenAPI spec (v2.166)
 * by `openapi-backend`. A recording proxy between client and sandbox keeps what went over the wire; the
 * machinery (proxy, validator, problem+json view of the spec) is in `contract-kit.ts`. The other
 * `contract-*.test.ts` files cover search and the filtered stream, DMs and engagement, OAuth and webhooks.
 */
import { describe, expect, it } from 'vitest';
import { api, apiError, contractHarness, DESK_FIELDS, USER_FIELDS } from './contract-kit.ts';

const { client, start } = contractHarness();

describe('contract: users', () => {
  it('GET /2/users/me with OAuth 2.0 and OAuth 1.0a user context', async () => {
    const { brand } = await start();
    const me = await client(brand.token).v2.me({ 'user.fields': USER_FIELDS.split(',') as never });
    expect(me.data.id).toBe(brand.user.id);
    await client(brand.oauth1).v2.me();
    // The validator does catch a wrong body (so an empty problem list means something).
    expect(api.validateResponse({ data: { id: 1 } }, 'getUsersMe', 200).valid).toBe(false);
    expect(
      api.validateResponse(
        { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found' },
        'getUsersMe',
        404,
      ).valid,
    ).toBe(false);
  });

  it('GET /2/users/me with the profile fields of the set-up checklist and the pinned post expanded', async () => {
    const { sb, brand } = await start();
    const fields = {
      'user.fields': 'name,username,description,url,entities,pinned_tweet_id,profile_image_url,verified',
      expansions: 'pinned_tweet_id',
      'tweet.fields': 'created_at,text',
    };
    const bare = await client(brand.token).v2.get('users/me', fields);
    expect(bare.data).toMatchObject({ url: '' });
    expect(bare.data.pinned_tweet_id).toBeUndefined();
    const pinned = sb.post(brand.user.id, {
      text: 'Nous répondons 7j/7 de 8h à 20h, en DM ou sur https://aide.acme.example',
    });
    sb.updateProfile(brand.user.id, {
      url: 'https://aide.acme.example',
      description: 'Service client Acme. Aide : https://aide.acme.fr/faq',
      pinnedTweetId: pinned.id,
    });
    const me = await client(brand.token).v2.get('users/me', fields);
    expect(me.data).toMatchObject({
      url: 'https://aide.acme.example',
      pinned_tweet_id: pinned.id,
      entities: {
        url: { urls: [{ start: 0, end: 25, expanded_url: 'https://aide.acme.example' }] },
        description: { urls: [{ expanded_url: 'https://aide.acme.fr/faq' }] },
      },
    });
    expect(me.includes.tweets).toEqual([expect.objectContaining({ id: pinned.id, text: pinned.text })]);
    expect(() => sb.updateProfile(brand.user.id, { pinnedTweetId: '123' })).toThrow();
  });

  it('GET /2/users/:id and /2/users/by/username/:username, found and not found', async () => {
    const { brand, app } = await start();
    expect((await app.v2.user(brand.user.id, { 'user.fields': ['public_metrics', 'verified'] })).data.username).toBe(
      'acme_support',
    );
    expect((await app.v2.userByUsername('camille_durand')).data.name).toBe('Camille Durand');
    const missing = await app.v2.userByUsername('nobody_here');
    expect(missing.errors?.[0]).toMatchObject({ resource_type: 'user' });
    await app.v2.user('123456789');
  });
});

describe('contract: timelines and posts', () => {
  it('mentions and user posts with the desk’s fields, pages and empty pages', async () => {
    const { sb, brand, camille, app } = await start();
    for (let i = 0; i < 7; i++) sb.post(camille.user.id, { text: `@acme_support question ${i}` });
    const root = sb.listTweets()[0]!;
    sb.post(brand.user.id, { text: 'On regarde', inReplyToTweetId: root.id });
    const v2 = client(brand.token).v2;
    const page = await v2.get(`users/${brand.user.id}/mentions`, { ...DESK_FIELDS, max_results: 5 });
    expect(page.meta.next_token).toBeDefined();
    await v2.get(`users/${brand.user.id}/mentions`, {
      ...DESK_FIELDS,
      max_results: 5,
      pagination_token: page.meta.next_token,
    });
    await app.v2.get(`users/${brand.user.id}/tweets`, DESK_FIELDS);
    const quiet = sb.createUser({ username: 'quiet_one', name: 'Quiet' });
    const empty = await app.v2.get(`users/${quiet.user.id}/mentions`, DESK_FIELDS);
    expect(empty.meta.result_count).toBe(0);
    await app.v2.get('users/123456789/mentions');
  });

  it('POST /2/tweets (reply), GET /2/tweets/:id, GET /2/tweets?ids= with partial errors, DELETE', async () => {
    const { sb, brand, camille, app } = await start();
    const mention = sb.post(camille.user.id, { text: '@acme_support ma commande ?' });
    const v2 = client(brand.oauth1).v2;
    const reply = await v2.reply('Bonjour, on regarde ça.', mention.id);
    expect(reply.data.text).toBe('@camille_durand Bonjour, on regarde ça.');
    await app.v2.singleTweet(reply.data.id, DESK_FIELDS as never);
    const lookup = await app.v2.get('tweets', { ids: `${mention.id},${reply.data.id},123`, ...DESK_FIELDS });
    expect(lookup.errors).toHaveLength(1);
    await app.v2.singleTweet('123');
    expect((await v2.deleteTweet(reply.data.id)).data.deleted).toBe(true);
  });
});

describe('contract: errors', () => {
  it('400 invalid request', async () => {
    const { brand, app } = await start();
    expect((await apiError(app.v2.get(`users/${brand.user.id}/mentions`, { max_results: 1000 }))).code).toBe(400);
    expect((await apiError(app.v2.get('users/not-an-id'))).code).toBe(400);
    expect((await apiError(client(brand.token).v2.post('tweets', { text: 'x', media: {} }))).code).toBe(400);
  });

  it('401 unknown token', async () => {
    await start();
    expect((await apiError(client('not-a-token').v2.me())).code).toBe(401);
  });

  it('403 unsupported authentication, reply not allowed, duplicate', async () => {
    const { sb, brand, camille, app } = await start();
    const unsupported = await apiError(app.v2.me());
    expect([unsupported.code, unsupported.data.type]).toEqual([
      403,
      'https://api.twitter.com/2/problems/unsupported-authentication',
    ]);
    const stranger = sb.post(camille.user.id, { text: 'je parle de tout autre chose' });
    const v2 = client(brand.token).v2;
    expect((await apiError(v2.reply('Bonjour !', stranger.id))).code).toBe(403);
    await v2.tweet('Annonce du jour');
    expect((await apiError(v2.tweet('Annonce du jour'))).code).toBe(403);
  });

  it('404 for an endpoint the sandbox does not model', async () => {
    const { brand } = await start();
    expect((await apiError(client(brand.token).v2.get(`users/${brand.user.id}/muting`))).code).toBe(404);
  });

  it('429 once the window is used up', async () => {
    const { brand } = await start({ rateLimits: { 'GET /2/users/me': 1 } });
    const v2 = client(brand.token).v2;
    await v2.me();
    const limited = await apiError(v2.me());
    expect(limited.code).toBe(429);
    expect(limited.rateLimit?.remaining).toBe(0);
  });
});

describe('contract: search, stream rules, DMs, likes, reposts, followers', () => {
  it('GET /2/tweets/search/recent', async () => {
    const { sb, camille, app } = await start();
    sb.post(camille.user.id, { text: '@acme_support panne depuis ce matin' });
    const found = await app.v2.search('@acme_support', { ...DESK_FIELDS, max_results: 10 } as never);
    expect(found.meta.result_count).toBe(1);
    await app.v2.search('nothing_matches_this', DESK_FIELDS as never);
    expect((await apiError(app.v2.search('', {}))).code).toBe(400);
  });

  it('GET and POST /2/tweets/search/stream/rules', async () => {
    const { brand, app } = await start();
    await app.v2.streamRules();
    const added = await app.v2.updateStreamRules({ add: [{ value: '@acme_support', tag: 'brand' }] });
    const id = added.data?.[0]?.id;
    expect(id).toBeDefined();
    await app.v2.streamRules();
    await app.v2.updateStreamRules({ delete: { ids: [id!] } });
    expect((await apiError(client(brand.token).v2.streamRules())).code).toBe(403);
  });

  it('DMs: send to a participant, list all and per participant', async () => {
    const { sb, brand, camille } = await start();
    sb.sendDm(camille.user.id, brand.user.id, 'Commande #123456');
    const v2 = client(brand.token).v2;
    const sent = await v2.sendDmToParticipant(camille.user.id, { text: 'Merci, on regarde.' });
    // X (and the spec) wrap the result in `data`; twitter-api-v2's type says it is flat.
    expect((sent as unknown as { data: { dm_event_id: string } }).data.dm_event_id).toBeDefined();
    const all = await v2.listDmEvents({
      'dm_event.fields': ['created_at', 'sender_id', 'dm_conversation_id', 'text'],
    } as never);
    expect(all.events.length).toBe(2);
    await v2.listDmEventsWithParticipant(camille.user.id);
  });

  it('likes, reposts and followers (likes need the enterprise plan since 2026)', async () => {
    const { sb, brand, camille, app } = await start({ plan: 'enterprise' });
    const post = sb.post(camille.user.id, { text: '@acme_support merci pour tout !' });
    sb.follow(camille.user.id, brand.user.id);
    const v2 = client(brand.token).v2;
    expect((await v2.like(brand.user.id, post.id)).data.liked).toBe(true);
    expect((await v2.unlike(brand.user.id, post.id)).data.liked).toBe(false);
    expect((await v2.retweet(brand.user.id, post.id)).data.retweeted).toBe(true);
    expect((await v2.unretweet(brand.user.id, post.id)).data.retweeted).toBe(false);
    const followers = await app.v2.followers(brand.user.id, { 'user.fields': USER_FIELDS.split(',') } as never);
    expect(followers.data.map((u) => u.id)).toEqual([camille.user.id]);
  });
});
