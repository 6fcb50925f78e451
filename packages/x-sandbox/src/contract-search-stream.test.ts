/**
 * Contract tests (see contract-kit.ts): recent search, filtered-stream rules and the filtered stream, called
 * through twitter-api-v2 and validated against the v2.166 spec by openapi-backend. Stream messages are
 * validated twice: on the wire by the harness, and as twitter-api-v2 hands them over (`searchStream`).
 */
import { ETwitterStreamEvent, type TweetV2SingleStreamResult } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { api, apiError, contractHarness, DESK_FIELDS, firstError, streamMessages } from './contract-kit.ts';

const { client, exchanges, onCleanup, start } = contractHarness({
  expectCoverage: {
    searchPostsRecent: [200, 400, 401],
    getRules: [200, 400, 403],
    updateRules: [200, 400, 403],
    streamPosts: [200, 400, 403, 409, 429],
  },
});

function validStreamMessage(msg: unknown): string[] {
  return (api.validateResponse(msg, 'streamPosts', 200).errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('contract: GET /2/tweets/search/recent', () => {
  it('answers with the desk’s fields and expansions, pages with next_token, and empty results', async () => {
    const { sb, brand, camille, app } = await start();
    for (let i = 0; i < 12; i++) sb.post(camille.user.id, { text: `@acme_support colis perdu n°${i}` });
    const root = sb.listTweets()[0]!;
    sb.post(brand.user.id, { text: 'On regarde votre colis', inReplyToTweetId: root.id });

    const page = await app.v2.search('colis -is:retweet', { ...DESK_FIELDS, max_results: 10 } as never);
    expect(page.tweets).toHaveLength(10);
    expect(page.includes.users.length).toBeGreaterThan(0);
    expect(page.meta.next_token).toEqual(expect.any(String));
    // The paginator sends next_token.
    await page.fetchNext();
    expect(page.tweets).toHaveLength(13);
    expect(page.done).toBe(true);
    expect(exchanges().some((x) => x.query.includes('next_token='))).toBe(true);

    // User context (OAuth 2.0 and OAuth 1.0a) is accepted too.
    await client(brand.token).v2.search('@acme_support', { max_results: 100 });
    await client(brand.oauth1).v2.search('from:camille_durand lang:fr');
    const none = await app.v2.get('tweets/search/recent', { query: 'nothing_matches_this' });
    expect(none).toEqual({ meta: { result_count: 0 } });
    // Problems inside a 200 body are narrowed by their type too (a resource-not-found needs its resource_*).
    const partial = { errors: [{ type: 'https://api.twitter.com/2/problems/resource-not-found', title: 'Not Found' }] };
    expect(api.validateResponse(partial, 'searchPostsRecent', 200).valid).toBe(false);
  });

  it('400 for an invalid, empty or over-long query and for invalid parameters; 401 without credentials', async () => {
    const { app } = await start();
    const syntax = await apiError(app.v2.search('(acme OR'));
    expect([syntax.code, firstError(syntax).parameters]).toEqual([400, { query: ['(acme OR'] }]);
    expect((await apiError(app.v2.search(''))).code).toBe(400);
    expect((await apiError(app.v2.search('acme '.repeat(103)))).code).toBe(400);
    expect((await apiError(app.v2.search('is:retweet lang:fr'))).code).toBe(400);
    expect((await apiError(app.v2.search('acme', { max_results: 5 }))).code).toBe(400);
    expect((await apiError(app.v2.search('acme', { start_time: '2020-01-01T00:00:00Z' }))).code).toBe(400);
    expect((await apiError(app.v2.search('acme', { sort_order: 'oldest' as never }))).code).toBe(400);
    expect((await apiError(app.v2.get('tweets/search/recent', { query: 'acme', next_token: 'zz' }))).code).toBe(400);
    expect((await apiError(client('not-a-token').v2.search('acme'))).code).toBe(401);
  });
});

describe('contract: GET/POST /2/tweets/search/stream/rules', () => {
  it('lists (empty, all, by ids, paged), adds, dry-runs, deletes by id and value, deletes all', async () => {
    const { app } = await start();
    const empty = await app.v2.streamRules();
    expect(empty.data).toBeUndefined();
    expect(empty.meta.result_count).toBe(0);

    const added = await app.v2.updateStreamRules({
      add: [{ value: 'acme -is:retweet lang:fr', tag: 'brand-fr' }, { value: '@acme_support' }, { value: 'colis' }],
    });
    expect(added.meta.summary).toEqual({ created: 3, not_created: 0, valid: 3, invalid: 0 });
    const [fr, mention, colis] = added.data.map((r) => r.id);

    const dry = await app.v2.updateStreamRules({ add: [{ value: 'commande' }] }, { dry_run: true });
    expect(dry.meta.summary).toMatchObject({ created: 0, valid: 1 });
    expect((await app.v2.streamRules()).data.map((r) => r.id)).toEqual([fr, mention, colis]);
    expect((await app.v2.streamRules({ ids: [mention!] } as never)).data.map((r) => r.id)).toEqual([mention]);
    const paged = await app.v2.get('tweets/search/stream/rules', { max_results: 2 });
    expect(paged.meta.next_token).toEqual(expect.any(String));
    const rest = await app.v2.get('tweets/search/stream/rules', { pagination_token: paged.meta.next_token });
    expect(rest.data.map((r: { id: string }) => r.id)).toEqual([colis]);

    const byId = await app.v2.updateStreamRules({ delete: { ids: [fr!, '123'] } });
    expect(byId.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
    const byValue = await app.v2.updateStreamRules({ delete: { values: ['@acme_support'] } } as never);
    expect(byValue.meta.summary).toEqual({ deleted: 1, not_deleted: 0 });
    // The spec requires a body (add or delete) even with delete_all: an empty delete.
    const all = await app.v2.post('tweets/search/stream/rules', { delete: { ids: [] } }, {
      query: { delete_all: true },
    } as never);
    expect(all.meta.summary).toEqual({ deleted: 1, not_deleted: 0 });
  });

  it('duplicate, invalid and over-long rules come back as errors in a 200 body', async () => {
    const { app } = await start();
    const added = await app.v2.updateStreamRules({ add: [{ value: 'acme -is:retweet lang:fr', tag: 'brand-fr' }] });
    const dup = await app.v2.updateStreamRules({ add: [{ value: 'acme -is:retweet lang:fr' }] });
    expect(dup.meta.summary).toEqual({ created: 0, not_created: 1, valid: 0, invalid: 1 });
    expect(dup.errors?.[0]).toMatchObject({
      id: added.data[0]!.id,
      type: 'https://api.twitter.com/2/problems/duplicate-rules',
    });
    const invalid = await app.v2.updateStreamRules({ add: [{ value: 'colis' }, { value: '(acme' }] });
    expect(invalid.meta.summary).toEqual({ created: 0, not_created: 2, valid: 1, invalid: 1 });
    expect(invalid.errors?.[0]).toMatchObject({ type: 'https://api.twitter.com/2/problems/invalid-rules' });
    const long = await app.v2.updateStreamRules({ add: [{ value: 'acme '.repeat(210) }] });
    expect(long.errors?.[0]).toMatchObject({ type: 'https://api.twitter.com/2/problems/rule-length' });
  });

  it('400 for a body with neither add nor delete or a bad parameter; 403 for user context', async () => {
    const { brand, app } = await start();
    expect((await apiError(app.v2.post('tweets/search/stream/rules', {}))).code).toBe(400);
    expect((await apiError(app.v2.post('tweets/search/stream/rules', { add: [] }))).code).toBe(400);
    expect(
      (await apiError(app.v2.post('tweets/search/stream/rules', { add: [{ value: 'a' }], delete: { ids: ['1'] } })))
        .code,
    ).toBe(400);
    expect((await apiError(app.v2.get('tweets/search/stream/rules', { max_results: 0 }))).code).toBe(400);
    expect((await apiError(app.v2.get('tweets/search/stream/rules', { ids: 'abc' }))).code).toBe(400);
    const user = await apiError(client(brand.token).v2.streamRules());
    expect([user.code, user.data.title]).toEqual([403, 'Unsupported Authentication']);
    const oauth1 = await apiError(client(brand.oauth1).v2.updateStreamRules({ add: [{ value: 'acme' }] }));
    expect(oauth1.code).toBe(403);
  });
});

describe('contract: GET /2/tweets/search/stream', () => {
  it('streams matching posts (validated as received by searchStream), refuses a second connection with 429', async () => {
    const { sb, camille, app } = await start({ streamKeepAliveMs: 20 });
    sb.post(camille.user.id, { text: 'acme : déjà publié avant la connexion' });
    const rules = await app.v2.updateStreamRules({
      add: [{ value: 'acme -is:retweet', tag: 'brand' }, { value: 'colis' }],
    });
    const stream = await app.v2.searchStream({ ...DESK_FIELDS, backfill_minutes: 5 } as never);
    onCleanup(() => stream.close());

    const received: TweetV2SingleStreamResult[] = [];
    const three = new Promise<void>((resolve) =>
      stream.on(ETwitterStreamEvent.Data, (msg) => {
        received.push(msg);
        if (received.length === 3) resolve();
      }),
    );
    await new Promise<void>((resolve) => stream.once(ETwitterStreamEvent.DataKeepAlive, () => resolve()));
    const reply = sb.post(camille.user.id, { text: 'acme a perdu mon colis' });
    const quote = sb.post(camille.user.id, { text: 'colis toujours perdu', quoteTweetId: reply.id });
    await three;
    expect(received.map((m) => m.data.text)).toEqual(['acme : déjà publié avant la connexion', reply.text, quote.text]);
    expect(received[1]!.matching_rules).toEqual([{ id: rules.data[0]!.id, tag: 'brand' }, { id: rules.data[1]!.id }]);
    expect(received[2]!.includes?.tweets?.[0]?.id).toBe(reply.id);
    for (const msg of received) expect(validStreamMessage(msg)).toEqual([]);
    // The validator does catch a wrong message.
    expect(validStreamMessage({ data: { id: reply.id }, matching_rules: [{ tag: 'x' }] })).not.toEqual([]);

    const second = await apiError(app.v2.searchStream());
    expect([second.code, (second.data as { connection_issue?: string }).connection_issue]).toEqual([
      429,
      'TooManyConnections',
    ]);

    // What the harness validates after the test is the same messages, as they went over the wire.
    const wire = exchanges().find((x) => x.path === '/2/tweets/search/stream' && x.status === 200)!;
    expect(streamMessages(wire.body).map((m) => (JSON.parse(m) as TweetV2SingleStreamResult).data.id)).toEqual(
      received.map((m) => m.data.id),
    );
  });

  it('409 with no rules, 400 for a bad parameter, 403 for user context', async () => {
    const { brand, app } = await start();
    const none = await apiError(app.v2.searchStream());
    expect(none.code).toBe(409);
    await app.v2.updateStreamRules({ add: [{ value: 'acme' }] });
    expect((await apiError(app.v2.searchStream({ backfill_minutes: 9 } as never))).code).toBe(400);
    expect((await apiError(client(brand.token).v2.searchStream())).code).toBe(403);
  });
});
