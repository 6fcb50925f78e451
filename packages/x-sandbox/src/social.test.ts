import { afterEach, describe, expect, it } from 'vitest';
import type { XSandbox } from './sandbox.ts';
import { apiError, client, firstError, json, sandboxCleanup, startSandbox } from './testkit.ts';

const open: XSandbox[] = [];
afterEach(sandboxCleanup(open));
async function start(...args: Parameters<typeof startSandbox>) {
  const s = await startSandbox(...args);
  open.push(s.sb);
  return s;
}

describe('followers', () => {
  it('lists followers newest first with pagination_token pages and counts them in public_metrics', async () => {
    const { sb, url, brand, camille, bob } = await start();
    const others = Array.from({ length: 3 }, (_, i) => sb.createUser({ username: `fan_${i}`, name: `Fan ${i}` }));
    expect(sb.follow(camille.user.id, brand.user.id)).toBe(true);
    expect(sb.follow(camille.user.id, brand.user.id)).toBe(false);
    sb.follow(bob.user.id, brand.user.id);
    for (const o of others) sb.follow(o.user.id, brand.user.id);
    const app = client(url, sb.issueAppBearer());

    const first = await app.v2.followers(brand.user.id, { max_results: 2, 'user.fields': ['created_at'] });
    expect(first.data.map((u) => u.username)).toEqual(['fan_2', 'fan_1']);
    expect(first.data[0]).toHaveProperty('created_at');
    expect(first.meta.next_token).toMatch(/^1[0-9A-V]+Z+$/);
    expect(first.meta.next_token!.length).toBeGreaterThanOrEqual(16);

    // The library's paginator sends pagination_token.
    const paginator = await app.v2.followers(brand.user.id, { asPaginator: true, max_results: 2 });
    await paginator.fetchLast(10);
    expect(paginator.users.map((u) => u.username)).toEqual(['fan_2', 'fan_1', 'fan_0', 'bob_martin', 'camille_durand']);

    const me = await app.v2.user(brand.user.id, { 'user.fields': ['public_metrics'] });
    expect(me.data.public_metrics).toMatchObject({ followers_count: 5125 });
    sb.unfollow(bob.user.id, brand.user.id);
    const after = await app.v2.followers(brand.user.id);
    expect(after.data.map((u) => u.username)).not.toContain('bob_martin');
    expect(after.meta).toEqual({ result_count: 4 });

    const none = await fetch(`${url}/2/users/${bob.user.id}/followers`, {
      headers: { authorization: `Bearer ${brand.token}` },
    });
    expect(await none.text()).toBe('{"meta":{"result_count":0}}');
    const bad = await apiError(app.v2.followers(brand.user.id, { max_results: 1001 }));
    expect(bad.code).toBe(400);
    expect(firstError(bad).message).toBe('The `max_results` query parameter value [1001] is not between 1 and 1000');
  });
});

describe('likes and reposts', () => {
  it('reposts through the client: RT text, retweeted reference, counts, undo', async () => {
    const { sb, url, brand, camille } = await start();
    const post = sb.post(brand.user.id, { text: 'Nouvelle collection en ligne' });
    const api = client(url, camille.oauth1);
    const res = await api.v2.retweet(camille.user.id, post.id);
    expect(res.data.retweeted).toBe(true);
    const rt = sb.listTweets({ authorId: camille.user.id })[0]!;
    expect(rt.text).toBe('RT @acme_support: Nouvelle collection en ligne');
    const shown = await api.v2.singleTweet(rt.id, { 'tweet.fields': ['referenced_tweets'] });
    expect(shown.data.referenced_tweets).toEqual([{ type: 'retweeted', id: post.id }]);
    // Twice is idempotent.
    await api.v2.retweet(camille.user.id, post.id);
    const counted = await api.v2.singleTweet(post.id, { 'tweet.fields': ['public_metrics'] });
    expect(counted.data.public_metrics?.retweet_count).toBe(1);
    expect((await api.v2.unretweet(camille.user.id, post.id)).data.retweeted).toBe(false);
    expect((await api.v2.unretweet(camille.user.id, post.id)).data.retweeted).toBe(false);
    expect(sb.getTweet(rt.id)).toBeUndefined();

    const other = await apiError(api.v2.retweet(brand.user.id, post.id));
    expect(other.code).toBe(403);
    const appOnly = await apiError(client(url, sb.issueAppBearer()).v2.retweet(camille.user.id, post.id));
    expect(appOnly.code).toBe(403);
    expect(appOnly.data.title).toBe('Unsupported Authentication');
  });

  it('likes on enterprise, refuses them on self-serve and for another user id', async () => {
    const ent = await start({ plan: 'enterprise' });
    const post = ent.sb.post(ent.brand.user.id, { text: 'Merci à tous' });
    const api = client(ent.url, ent.camille.token);
    expect((await api.v2.like(ent.camille.user.id, post.id)).data.liked).toBe(true);
    const counted = await api.v2.singleTweet(post.id, { 'tweet.fields': ['public_metrics'] });
    expect(counted.data.public_metrics?.like_count).toBe(1);
    expect((await api.v2.unlike(ent.camille.user.id, post.id)).data.liked).toBe(false);
    const notMe = await apiError(api.v2.like(ent.brand.user.id, post.id));
    expect(notMe.code).toBe(403);
    const missing = await apiError(api.v2.like(ent.camille.user.id, '12345'));
    expect(missing.code).toBe(403);

    const self = await start();
    const p2 = self.sb.post(self.brand.user.id, { text: 'Hello' });
    const refused = await apiError(client(self.url, self.camille.token).v2.like(self.camille.user.id, p2.id));
    expect(refused.code).toBe(403);
    // A person on X can still like (the facade).
    expect(self.sb.like(self.camille.user.id, p2.id)).toBe(true);
  });
});

describe('direct messages', () => {
  it('sends and lists DMs through the client with fields, expansions and pagination', async () => {
    const { sb, url, brand, camille } = await start();
    const first = sb.sendDm(camille.user.id, brand.user.id, 'Bonjour, où est mon remboursement ?');
    const [low, high] = BigInt(brand.user.id) < BigInt(camille.user.id) ? [brand, camille] : [camille, brand];
    expect(first.conversationId).toBe(`${low.user.id}-${high.user.id}`);
    const api = client(url, brand.oauth1);
    const sent = await api.v2.sendDmToParticipant(camille.user.id, { text: 'Bonjour Camille, c’est fait.' });
    expect(sent).toEqual({
      data: { dm_conversation_id: first.conversationId, dm_event_id: expect.stringMatching(/^\d+$/) },
    });
    await api.v2.sendDmInConversation(first.conversationId, { text: 'Autre chose ?' });

    const events = await api.v2.listDmEvents({
      'dm_event.fields': ['id', 'text', 'event_type', 'created_at', 'dm_conversation_id', 'sender_id'],
      expansions: ['sender_id', 'participant_ids'],
      'user.fields': ['username'],
      max_results: 2,
    });
    expect(events.events.map((e) => (e as { text?: string }).text)).toEqual([
      'Autre chose ?',
      'Bonjour Camille, c’est fait.',
    ]);
    expect(events.events[0]).toMatchObject({
      event_type: 'MessageCreate',
      sender_id: brand.user.id,
      dm_conversation_id: first.conversationId,
    });
    expect(events.meta.next_token).toMatch(/^1[0-9A-V]+Z+$/);
    await events.fetchNext();
    expect(events.events).toHaveLength(3);
    expect(events.includes.users.map((u) => u.username).sort()).toEqual(['acme_support', 'camille_durand']);

    const withCamille = await api.v2.listDmEventsWithParticipant(camille.user.id);
    expect(withCamille.events.map((e) => Object.keys(e).sort())[0]).toEqual(['event_type', 'id', 'text']);
    expect(withCamille.events).toHaveLength(3);
    const byConversation = await api.v2.listDmEventsOfConversation(first.conversationId, {
      event_types: ['MessageCreate'],
    });
    expect(byConversation.events).toHaveLength(3);
    const joins = await fetch(`${url}/2/dm_events?event_types=ParticipantsJoin`, {
      headers: { authorization: `Bearer ${brand.token}` },
    });
    expect(await json(joins)).toEqual({ meta: { result_count: 0 } });
    expect(sb.listDmEvents({ userId: camille.user.id })).toHaveLength(3);
  });

  it('refuses DMs to users who do not accept them, over-long text, empty bodies and app-only auth', async () => {
    const { sb, url, brand, camille } = await start();
    const closed = sb.createUser({ username: 'private_pat', name: 'Pat', acceptsDms: 'following' });
    const api = client(url, brand.token);
    const refused = await apiError(api.v2.sendDmToParticipant(closed.user.id, { text: 'Bonjour' }));
    expect(refused.code).toBe(403);
    expect(refused.data.detail).toBe('You cannot send messages to this user.');
    // Once Pat follows the brand (or writes first), the brand may answer.
    sb.follow(closed.user.id, brand.user.id);
    await expect(api.v2.sendDmToParticipant(closed.user.id, { text: 'Bonjour' })).resolves.toBeTruthy();

    const long = await apiError(api.v2.sendDmToParticipant(camille.user.id, { text: 'x'.repeat(10_001) }));
    expect(long.code).toBe(400);
    await expect(api.v2.sendDmToParticipant(camille.user.id, { text: 'x'.repeat(10_000) })).resolves.toBeTruthy();
    const empty = await fetch(`${url}/2/dm_conversations/with/${camille.user.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect((await json(empty)).type).toBe('https://api.twitter.com/2/problems/invalid-request');
    const appOnly = await apiError(client(url, sb.issueAppBearer()).v2.listDmEvents());
    expect(appOnly.code).toBe(403);
    const stranger = await apiError(
      api.v2.sendDmInConversation(`${camille.user.id}-${closed.user.id}`, { text: 'hi' }),
    );
    expect(stranger.code).toBe(403);
  });
});

describe('persistence of the social graph', () => {
  it('keeps DMs, follows, likes, rules and webhooks across a restart', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createXSandbox } = await import('./sandbox.ts');
    const dir = mkdtempSync(join(tmpdir(), 'x-sandbox-social-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = createXSandbox({ stateFile });
      const a = first.createUser({ username: 'acme_support', name: 'Acme' }).user;
      const b = first.createUser({ username: 'camille_durand', name: 'Camille' }).user;
      first.follow(b.id, a.id);
      const post = first.post(a.id, { text: 'Bonjour' });
      first.like(b.id, post.id);
      first.sendDm(b.id, a.id, 'Salut');
      const { url } = await first.listen();
      await client(url, first.issueAppBearer()).v2.updateStreamRules({ add: [{ value: 'acme' }] });
      await first.close();

      const second = createXSandbox({ stateFile });
      open.push(second);
      expect(second.listDmEvents().map((e) => e.text)).toEqual(['Salut']);
      expect(second.follow(b.id, a.id)).toBe(false);
      expect(second.like(b.id, post.id)).toBe(false);
      expect(second.listRules().map((r) => r.value)).toEqual(['acme']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
