import { afterEach, describe, expect, it } from 'vitest';
import { ETwitterStreamEvent, type TweetStream, type TweetV2SingleStreamResult } from 'twitter-api-v2';
import type { XSandbox } from './sandbox.ts';
import { apiError, client, firstError, json, manualClock, sandboxCleanup, startSandbox } from './testkit.ts';

const open: XSandbox[] = [];
const streams: TweetStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await sandboxCleanup(open)();
});
async function start(...args: Parameters<typeof startSandbox>) {
  const s = await startSandbox(...args);
  open.push(s.sb);
  return s;
}

describe('recent search', () => {
  it('runs brand-monitoring queries through the client and pages with next_token', async () => {
    const { sb, url, brand, camille, bob } = await start();
    const fr = sb.post(camille.user.id, { text: 'Acme a encore perdu mon colis' });
    sb.post(camille.user.id, { text: '@acme_support acme où est ma commande ?' });
    const en = sb.post(bob.user.id, { text: 'acme corp is slow today' });
    sb.repost(bob.user.id, fr.id);
    sb.post(bob.user.id, { text: 'nothing to see here' });
    const app = client(url, sb.issueAppBearer());

    const res = await app.v2.search('acme -@acme_support -is:retweet lang:fr', {
      'tweet.fields': ['lang', 'author_id'],
    });
    expect(res.tweets.map((t) => t.id)).toEqual([fr.id]);
    expect(res.tweets[0]).toMatchObject({ lang: 'fr', author_id: camille.user.id });
    expect(res.meta).toMatchObject({ newest_id: fr.id, oldest_id: fr.id, result_count: 1 });

    const either = await app.v2.search('(acme OR "acme corp") from:bob_martin');
    expect(either.tweets.map((t) => t.id)).toEqual([en.id]);
    // Reposts never come back from keyword search (contract §5.1).
    expect((await app.v2.search('colis is:retweet')).tweets).toEqual([]);

    const thread = sb.post(brand.user.id, { text: 'Bonjour Camille', inReplyToTweetId: fr.id });
    const conv = await app.v2.search(`conversation_id:${fr.id}`, { 'tweet.fields': ['conversation_id'] });
    expect(conv.tweets.map((t) => t.id)).toEqual([thread.id, fr.id]);
    const replies = await app.v2.search('to:camille_durand is:reply');
    expect(replies.tweets.map((t) => t.id)).toEqual([thread.id]);

    for (let i = 0; i < 14; i++) sb.post(camille.user.id, { text: `acme ticket ${i}` });
    const paginator = await app.v2.search('acme ticket', { max_results: 10 });
    expect(paginator.tweets).toHaveLength(10);
    expect(paginator.meta.next_token).toMatch(/^7140/);
    await paginator.fetchNext();
    expect(paginator.tweets).toHaveLength(14);
    expect(paginator.done).toBe(true);

    // pagination_token is accepted as an alias, not together with next_token.
    const first = await app.v2.get('tweets/search/recent', { query: 'acme ticket' });
    const alias = await fetch(
      `${url}/2/tweets/search/recent?query=acme%20ticket&pagination_token=${first.meta.next_token}`,
      {
        headers: { authorization: `Bearer ${brand.token}` },
      },
    );
    expect(alias.status).toBe(200);
    expect((await json(alias)).meta.result_count).toBe(4);
    const both = await apiError(
      app.v2.get('tweets/search/recent', {
        query: 'acme',
        next_token: first.meta.next_token,
        pagination_token: first.meta.next_token,
      }),
    );
    expect(both.code).toBe(400);
  });

  it('covers only the last 7 days and validates times', async () => {
    const clock = manualClock('2026-08-01T10:00:00.000Z');
    const { sb, url, brand, camille } = await start({ clock: clock.now });
    const old = sb.post(camille.user.id, { text: 'acme vieux message' });
    clock.advance(8 * 24 * 3600_000);
    const recent = sb.post(camille.user.id, { text: 'acme nouveau message' });
    clock.advance(60_000);
    const api = client(url, brand.token);
    expect((await api.v2.search('acme')).tweets.map((t) => t.id)).toEqual([recent.id]);
    expect(old.id).toBeTruthy();
    const tooOld = await apiError(api.v2.search('acme', { start_time: '2026-08-01T10:00:00Z' }));
    expect(tooOld.code).toBe(400);
    expect(firstError(tooOld).message).toMatch(/'start_time' must be on or after 2026-08-02T10:01:00Z/);
    const conflict = await apiError(api.v2.search('acme', { since_id: recent.id, start_time: '2026-08-09T10:00:00Z' }));
    expect(conflict.code).toBe(400);
  });

  it('answers malformed or over-long queries with the documented invalid-request body', async () => {
    const { url, brand } = await start();
    const api = client(url, brand.token);
    const bad = await apiError(api.v2.search('(acme OR'));
    expect(bad.code).toBe(400);
    expect(bad.data).toMatchObject({
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });
    expect(firstError(bad).parameters).toEqual({ query: ['(acme OR'] });
    expect(firstError(bad).message).toMatch(/^There were errors processing your request: /);
    const alone = await apiError(api.v2.search('is:retweet lang:fr'));
    expect(alone.code).toBe(400);
    const long = await apiError(api.v2.search('acme '.repeat(103)));
    expect(long.code).toBe(400);
    const max = await apiError(api.v2.search('acme', { max_results: 5 }));
    expect(firstError(max).message).toBe('The `max_results` query parameter value [5] is not between 10 and 100');
  });
});

describe('filtered stream rules', () => {
  it('adds, lists, dry-runs, reports duplicates and invalid rules, and deletes — app-only', async () => {
    const { sb, url, brand } = await start();
    const app = client(url, sb.issueAppBearer());
    const added = await app.v2.updateStreamRules({
      add: [{ value: 'acme -is:retweet lang:fr', tag: 'brand-fr' }, { value: '@acme_support' }],
    });
    expect(added.data).toEqual([
      { id: expect.stringMatching(/^\d+$/), value: 'acme -is:retweet lang:fr', tag: 'brand-fr' },
      { id: expect.stringMatching(/^\d+$/), value: '@acme_support' },
    ]);
    expect(added.meta).toEqual({
      sent: expect.any(String),
      summary: { created: 2, not_created: 0, valid: 2, invalid: 0 },
    });

    const dup = await app.v2.updateStreamRules({ add: [{ value: 'acme -is:retweet lang:fr' }] });
    expect(dup.meta.summary).toEqual({ created: 0, not_created: 1, valid: 0, invalid: 1 });
    expect(dup.errors?.[0]).toEqual({
      value: 'acme -is:retweet lang:fr',
      id: added.data[0]!.id,
      title: 'DuplicateRule',
      type: 'https://api.twitter.com/2/problems/duplicate-rules',
    });
    const invalid = await app.v2.updateStreamRules({ add: [{ value: 'colis' }, { value: '(acme' }] });
    expect(invalid.meta.summary).toEqual({ created: 0, not_created: 2, valid: 1, invalid: 1 });
    expect(invalid.errors?.[0]).toMatchObject({
      value: '(acme',
      type: 'https://api.twitter.com/2/problems/invalid-rules',
    });
    const tooLong = await app.v2.updateStreamRules({ add: [{ value: 'acme '.repeat(210) }] });
    expect(tooLong.errors?.[0]).toMatchObject({ type: 'https://api.twitter.com/2/problems/rule-length' });

    const dry = await app.v2.updateStreamRules({ add: [{ value: 'colis' }] }, { dry_run: true });
    expect(dry.meta.summary).toMatchObject({ created: 0, valid: 1 });
    const listed = await app.v2.streamRules();
    expect(listed.data.map((r) => r.value)).toEqual(['acme -is:retweet lang:fr', '@acme_support']);
    expect(listed.meta.result_count).toBe(2);
    const one = await app.v2.streamRules({ ids: [added.data[1]!.id] } as never);
    expect(one.data.map((r) => r.value)).toEqual(['@acme_support']);

    const deleted = await app.v2.updateStreamRules({ delete: { ids: [added.data[1]!.id, '123'] } });
    expect(deleted.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
    expect(sb.listRules().map((r) => r.value)).toEqual(['acme -is:retweet lang:fr']);

    const user = await apiError(client(url, brand.token).v2.streamRules());
    expect(user.code).toBe(403);
    expect(user.data.detail).toMatch(
      /^Authenticating with OAuth 2.0 User Context is forbidden for this endpoint\. {2}Supported authentication types are \[OAuth 2.0 Application-Only\]\.$/,
    );
    const neither = await fetch(`${url}/2/tweets/search/stream/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.issueAppBearer()}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(neither.status).toBe(400);
    expect(await json(neither)).toMatchObject({ title: 'Invalid Request' });
  });
});

describe('filtered stream', () => {
  function nextData(stream: TweetStream<TweetV2SingleStreamResult>): Promise<TweetV2SingleStreamResult> {
    return new Promise((resolve) => stream.once(ETwitterStreamEvent.Data, resolve));
  }

  it('refuses to connect without rules (409), then pushes matching posts immediately with matching_rules', async () => {
    const { sb, url, camille, bob } = await start({ streamKeepAliveMs: 30 });
    const bearer = sb.issueAppBearer();
    const app = client(url, bearer);
    const none = await apiError(app.v2.searchStream());
    expect(none.code).toBe(409);

    const rules = await app.v2.updateStreamRules({
      add: [{ value: 'acme -is:retweet', tag: 'brand' }, { value: 'colis' }],
    });
    const stream = await app.v2.searchStream({ 'tweet.fields': ['author_id'], expansions: ['author_id'] });
    streams.push(stream);

    const keepAlive = new Promise<void>((resolve) => stream.once(ETwitterStreamEvent.DataKeepAlive, () => resolve()));
    await keepAlive;

    const received = nextData(stream);
    sb.post(bob.user.id, { text: 'nothing relevant' });
    const hit = sb.post(camille.user.id, { text: 'acme a perdu mon colis' });
    const msg = await received;
    expect(msg.data).toEqual({
      id: hit.id,
      text: hit.text,
      edit_history_tweet_ids: [hit.id],
      author_id: camille.user.id,
    });
    expect(msg.includes?.users?.[0]).toMatchObject({ username: 'camille_durand' });
    expect(msg.matching_rules).toEqual([{ id: rules.data[0]!.id, tag: 'brand' }, { id: rules.data[1]!.id }]);

    // A second connection is refused with the documented body.
    const second = await fetch(`${url}/2/tweets/search/stream`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(second.status).toBe(429);
    expect(await json(second)).toEqual({
      title: 'ConnectionException',
      detail: 'This stream is currently at the maximum allowed connection limit.',
      connection_issue: 'TooManyConnections',
      type: 'https://api.twitter.com/2/problems/streaming-connection',
    });
    expect(second.headers.get('x-rate-limit-limit')).toBe('50');
  });

  it('writes each message as JSON + \\r\\n and keep-alives as bare \\r\\n chunks', async () => {
    const { sb, url, camille } = await start({ streamKeepAliveMs: 20 });
    const bearer = sb.issueAppBearer();
    await client(url, bearer).v2.updateStreamRules({ add: [{ value: 'acme' }] });
    const controller = new AbortController();
    const res = await fetch(`${url}/2/tweets/search/stream`, {
      headers: { authorization: `Bearer ${bearer}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe('\r\n');
    sb.post(camille.user.id, { text: 'acme hello' });
    let text = '';
    while (!text.includes('}\r\n')) text += decoder.decode((await reader.read()).value).replace(/^\r\n/, '');
    expect(JSON.parse(text.trim()).data.text).toBe('acme hello');
    controller.abort();
  });

  it('drops the connection on the dropStream fault and lets the client reconnect', async () => {
    const { sb, url, camille } = await start({ streamKeepAliveMs: 1000 });
    const app = client(url, sb.issueAppBearer());
    await app.v2.updateStreamRules({ add: [{ value: 'acme' }] });
    sb.setFaults({ dropStream: { afterItems: 1 } });
    const stream = await app.v2.searchStream();
    streams.push(stream);
    const lost = new Promise<void>((resolve) => stream.once(ETwitterStreamEvent.ConnectionError, () => resolve()));
    const got = nextData(stream);
    sb.post(camille.user.id, { text: 'acme one' });
    expect((await got).data.text).toBe('acme one');
    await lost;
    stream.close();
    // The fault was one-shot: a new connection is accepted and stays up.
    const again = await app.v2.searchStream();
    streams.push(again);
    const got2 = nextData(again);
    sb.post(camille.user.id, { text: 'acme two' });
    expect((await got2).data.text).toBe('acme two');
  });
});
