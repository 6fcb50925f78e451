import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// Test-only: the connector never depends on the sandbox at run time.
import { createXSandbox, type SandboxAccount, type XSandbox, type XSandboxOptions } from '@guichet/x-sandbox';
import { ConnectorError } from '../connector.ts';
import { ConnectorRegistry } from '../registry.ts';
import { describeConnectorConformance } from '../testing/conformance.ts';
import { createTwitterApiXClient, XApiError, type XClient, type XCredentials } from './x-client.ts';
import { createXConnector, toConnectorError, xConnectorFactory } from './x-connector.ts';
import { meteredXClient, X_PAY_PER_USE_PRICES, type XUsage } from './x-usage.ts';
import { mapXTweet, snowflakeDate } from './x-mappers.ts';

interface World {
  sandbox: XSandbox;
  url: string;
  brand: SandboxAccount;
  customer: SandboxAccount;
}

async function world(options: XSandboxOptions = {}): Promise<World> {
  const sandbox = createXSandbox(options);
  const { url } = await sandbox.listen();
  const brand = sandbox.createUser({
    username: 'acme_support',
    name: 'Acme Support',
    followersCount: 5120,
    verified: true,
  });
  const customer = sandbox.createUser({ username: 'camille_durand', name: 'Camille Durand', followersCount: 312 });
  return { sandbox, url, brand, customer };
}

function oauth2(account: SandboxAccount): XCredentials {
  return { kind: 'oauth2-user', accessToken: account.token };
}

function connectorFor(w: World, options: { pageSize?: number; pageBudget?: number; credentials?: XCredentials } = {}) {
  const client = createTwitterApiXClient({ credentials: options.credentials ?? oauth2(w.brand), apiBaseUrl: w.url });
  return createXConnector({ client, pageSize: options.pageSize, pageBudget: options.pageBudget });
}

describeConnectorConformance('X (sandbox over HTTP)', async () => {
  const w = await world({ rateLimits: { 'GET /2/users/:id/mentions': 25 } });
  return {
    connector: connectorFor(w),
    account: { externalId: w.brand.user.id, handle: w.brand.user.username },
    customerMentions: async (text) => ({ externalId: w.sandbox.post(w.customer.user.id, { text }).id }),
    customerReplies: async (text, inReplyToExternalId) => ({
      externalId: w.sandbox.post(w.customer.user.id, { text, inReplyToTweetId: inReplyToExternalId }).id,
    }),
    readPost: async (id) => {
      const t = w.sandbox.getTweet(id);
      return t ? { authorExternalId: t.authorId, text: t.text, inReplyToExternalId: t.inReplyToTweetId } : null;
    },
    exhaustRateLimit: async () => {
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${w.url}/2/users/${w.brand.user.id}/mentions`, {
          headers: { authorization: `Bearer ${w.brand.token}` },
        });
        if (res.status === 429) return;
      }
      throw new Error('rate limit never reached');
    },
    unanswerablePost: async () => ({
      externalId: w.sandbox.post(w.customer.user.id, { text: 'Acme a encore perdu mon colis' }).id,
    }),
    teardown: () => w.sandbox.close(),
  };
});

describe('X connector specifics', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.sandbox.close();
    w = undefined;
  });

  it('maps the self-serve reply rule, duplicates, over-long text and missing posts to rejected reasons', async () => {
    w = await world();
    const x = connectorFor(w);
    const unrelated = w.sandbox.post(w.customer.user.id, { text: 'Acme ne répond jamais' });
    const notAllowed = await x
      .publishReply({ text: 'Bonjour !', inReplyToExternalId: unrelated.id })
      .catch((e: unknown) => e);
    expect(notAllowed).toMatchObject({ kind: 'rejected', reason: 'x.reply_not_allowed', status: 403 });

    const mention = w.sandbox.post(w.customer.user.id, { text: '@acme_support bonjour' });
    await x.publishReply({ text: 'Bonjour, comment pouvons-nous aider ?', inReplyToExternalId: mention.id });
    const dup = await x
      .publishReply({ text: 'Bonjour, comment pouvons-nous aider ?', inReplyToExternalId: mention.id })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ kind: 'rejected', reason: 'x.duplicate_content' });
    const long = await x
      .publishReply({ text: 'a'.repeat(281), inReplyToExternalId: mention.id })
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ kind: 'rejected', reason: 'x.text_too_long' });
    const gone = await x.publishReply({ text: 'Hello?', inReplyToExternalId: '1234567890' }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ kind: 'rejected', reason: 'x.target_unavailable' });
  });

  it('follows every page, and resumes the older remainder when the page budget runs out', async () => {
    w = await world();
    const posted = Array.from({ length: 12 }, (_, i) =>
      w!.sandbox.post(w!.customer.user.id, { text: `@acme_support message ${i}` }),
    );
    const backfillSince = new Date(Date.now() - 60_000);

    const all = await connectorFor(w, { pageSize: 5 }).fetchMentions({ cursor: null, backfillSince });
    expect(all.items.map((i) => i.externalId)).toEqual(posted.map((p) => p.id));
    expect(all.nextCursor).toBe(posted[11]!.id);

    const budgeted = connectorFor(w, { pageSize: 5, pageBudget: 2 });
    const part = await budgeted.fetchMentions({ cursor: null, backfillSince });
    // The newest ten, oldest first; the cursor remembers the two older ones still to read.
    expect(part.items.map((i) => i.externalId)).toEqual(posted.slice(2).map((p) => p.id));
    expect(part.nextCursor).toMatch(/^gap:/);
    const later = w.sandbox.post(w.customer.user.id, { text: '@acme_support one more' });
    const rest = await budgeted.fetchMentions({ cursor: part.nextCursor });
    expect(rest.items.map((i) => i.externalId)).toEqual(posted.slice(0, 2).map((p) => p.id));
    expect(rest.nextCursor).toBe(posted[11]!.id);
    const fresh = await budgeted.fetchMentions({ cursor: rest.nextCursor });
    expect(fresh.items.map((i) => i.externalId)).toEqual([later.id]);
  });

  it('on a first poll without backfill reads only the latest page', async () => {
    w = await world();
    const posted = Array.from({ length: 7 }, (_, i) =>
      w!.sandbox.post(w!.customer.user.id, { text: `@acme_support hi ${i}` }),
    );
    const res = await connectorFor(w, { pageSize: 5 }).fetchMentions({ cursor: null });
    expect(res.items.map((i) => i.externalId)).toEqual(posted.slice(2).map((p) => p.id));
    expect(res.nextCursor).toBe(posted[6]!.id);
    const empty = await connectorFor(w).fetchMentions({ cursor: res.nextCursor });
    expect(empty).toEqual({ items: [], nextCursor: null });
  });

  it('normalises authors, threads and quotes from the v2 payload', async () => {
    w = await world();
    const x = connectorFor(w);
    const root = w.sandbox.post(w.customer.user.id, { text: '@acme_support Bonjour, ma commande est en retard' });
    const answer = await x.publishReply({ text: 'Nous regardons.', inReplyToExternalId: root.id });
    expect(answer.url).toBe(`https://x.com/acme_support/status/${answer.externalId}`);
    const followUp = w.sandbox.post(w.customer.user.id, {
      text: 'Merci, j’attends.',
      inReplyToTweetId: answer.externalId,
    });
    const brandPost = w.sandbox.post(w.brand.user.id, { text: 'Nouvelle collection en ligne' });
    const quote = w.sandbox.post(w.customer.user.id, { text: '@acme_support enfin !', quoteTweetId: brandPost.id });
    const { items } = await x.fetchMentions({ cursor: null, backfillSince: new Date(Date.now() - 60_000) });
    expect(items.map((i) => [i.externalId, i.kind])).toEqual([
      [root.id, 'mention'],
      [followUp.id, 'reply'],
      [quote.id, 'quote'],
    ]);
    expect(items[0]).toMatchObject({
      conversationExternalId: root.id,
      lang: 'fr',
      url: `https://x.com/camille_durand/status/${root.id}`,
      author: {
        externalId: w.customer.user.id,
        handle: 'camille_durand',
        name: 'Camille Durand',
        followersCount: 312,
        verified: false,
      },
    });
    expect(items[0]!.author.avatarUrl).toMatch(/^https:\/\//);
    expect(items[1]).toMatchObject({ inReplyToExternalId: answer.externalId, conversationExternalId: root.id });
    expect(items[2]).toMatchObject({ quotedExternalId: brandPost.id });
    expect(items[0]!.raw).toMatchObject({ tweet: { id: root.id } });
  });

  it('works with OAuth 1.0a credentials (signed requests) end to end', async () => {
    w = await world();
    const x = connectorFor(w, { credentials: { kind: 'oauth1', ...w.brand.oauth1 } });
    expect((await x.whoAmI()).externalId).toBe(w.brand.user.id);
    const mention = w.sandbox.post(w.customer.user.id, { text: '@acme_support hello' });
    const { items } = await x.fetchMentions({ cursor: null });
    expect(items.map((i) => i.externalId)).toEqual([mention.id]);
    const reply = await x.publishReply({ text: 'Hello Camille!', inReplyToExternalId: mention.id });
    expect(w.sandbox.getTweet(reply.externalId)?.authorId).toBe(w.brand.user.id);
  });

  it('finds a reply published before a crash even though X prefixed it with @mentions', async () => {
    w = await world();
    const x = connectorFor(w);
    const since = new Date(Date.now() - 1000);
    const mention = w.sandbox.post(w.customer.user.id, { text: '@acme_support ça ne marche pas & je suis <pressée>' });
    // Published straight through the API, as if the desk crashed before recording it.
    const direct = await createTwitterApiXClient({ credentials: oauth2(w.brand), apiBaseUrl: w.url }).reply(
      'On s’en occupe  maintenant.',
      mention.id,
    );
    expect(direct.text.startsWith('@camille_durand ')).toBe(true);
    const found = await x.findPublishedReply({
      text: 'On s’en occupe maintenant.',
      inReplyToExternalId: mention.id,
      since,
    });
    expect(found?.externalId).toBe(direct.id);
    expect(
      await x.findPublishedReply({
        text: 'On s’en occupe maintenant.',
        inReplyToExternalId: mention.id,
        since: new Date(Date.now() + 60_000),
      }),
    ).toBeNull();
  });

  it('publishes a standalone post and finds it again, never mistaking a reply with the same text for it', async () => {
    w = await world();
    const x = connectorFor(w);
    const since = new Date(Date.now() - 1000);
    const mention = w.sandbox.post(w.customer.user.id, { text: '@acme_support la fibre est coupée' });
    await x.publishReply({ text: 'Panne fibre en cours, nos équipes sont dessus.', inReplyToExternalId: mention.id });
    expect(await x.findPublishedPost!({ text: 'Panne fibre en cours, nos équipes sont dessus.', since })).toBeNull();
    const post = await x.publishPost!({ text: 'Panne fibre en cours, nos équipes sont dessus.' });
    const stored = w.sandbox.getTweet(post.externalId);
    expect(stored).toMatchObject({ authorId: w.brand.user.id, text: 'Panne fibre en cours, nos équipes sont dessus.' });
    expect(stored?.inReplyToTweetId).toBeUndefined();
    expect(post.url).toContain(post.externalId);
    const found = await x.findPublishedPost!({ text: 'Panne fibre en cours,  nos équipes sont dessus.', since });
    expect(found?.externalId).toBe(post.externalId);
    // X refuses the same text twice in a row: reported as not retryable, so the desk shows why.
    await expect(x.publishPost!({ text: 'Panne fibre en cours, nos équipes sont dessus.' })).rejects.toMatchObject({
      reason: 'x.duplicate_content',
    });
  });

  it('maps 401 to unauthorized and app-only tokens on user endpoints to unauthorized', async () => {
    w = await world();
    const bad = connectorFor(w, { credentials: { kind: 'oauth2-user', accessToken: 'revoked' } });
    await expect(bad.whoAmI()).rejects.toMatchObject({ kind: 'unauthorized', reason: 'x.unauthorized', status: 401 });
    const app = connectorFor(w, { credentials: { kind: 'oauth2-user', accessToken: w.sandbox.issueAppBearer() } });
    await expect(app.whoAmI()).rejects.toMatchObject({ kind: 'unauthorized', reason: 'x.unsupported_authentication' });
  });

  it('maps 5xx answers and unreachable servers to transient', async () => {
    const failing = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          title: 'Service Unavailable',
          detail: 'Service Unavailable',
          type: 'about:blank',
          status: 503,
        }),
      );
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const port = (failing.address() as AddressInfo).port;
    try {
      const x = createXConnector({
        client: createTwitterApiXClient({
          credentials: { kind: 'oauth2-user', accessToken: 't' },
          apiBaseUrl: `http://127.0.0.1:${port}`,
        }),
      });
      await expect(x.whoAmI()).rejects.toMatchObject({ kind: 'transient', status: 503, retryable: true });
    } finally {
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
    const down = createXConnector({
      client: createTwitterApiXClient({
        credentials: { kind: 'oauth2-user', accessToken: 't' },
        apiBaseUrl: `http://127.0.0.1:${port}`,
      }),
    });
    await expect(down.whoAmI()).rejects.toMatchObject({ kind: 'transient', reason: 'x.network' });
  });

  it('times out a hung request as transient', async () => {
    const hung = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as AddressInfo).port;
    try {
      const client = createTwitterApiXClient({
        credentials: { kind: 'oauth2-user', accessToken: 't' },
        apiBaseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 150,
      });
      await expect(createXConnector({ client }).whoAmI()).rejects.toMatchObject({ kind: 'transient' });
    } finally {
      hung.closeAllConnections();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  });

  it('reads retryAt from x-rate-limit-reset', () => {
    const err = toConnectorError(
      new XApiError('Too Many Requests', {
        status: 429,
        body: { title: 'Too Many Requests' },
        rateLimitReset: 1_787_000_000,
      }),
    );
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAt?.toISOString()).toBe(new Date(1_787_000_000_000).toISOString());
    expect(toConnectorError(new XApiError('x', { status: 400, body: { detail: 'bad' } }))).toMatchObject({
      kind: 'rejected',
      reason: 'x.request_rejected',
    });
    expect(toConnectorError(new Error('boom'))).toBeInstanceOf(ConnectorError);
  });

  it('builds through the registry from stored channel settings and validates them', async () => {
    w = await world();
    const registry = new ConnectorRegistry().register(xConnectorFactory);
    const connector = registry
      .get('x')
      .create({ credentials: { kind: 'oauth2-user', accessToken: w.brand.token }, apiBaseUrl: w.url });
    expect(connector.capabilities).toEqual({
      directMessages: true,
      repliesToNonMentions: false,
      streaming: false,
      maxPublicLength: 280,
      maxDirectLength: 10000,
    });
    expect((await connector.whoAmI()).handle).toBe('acme_support');
    expect(connector.postUrl({ handle: 'acme_support' }, '42')).toBe('https://x.com/acme_support/status/42');
    expect(() => registry.get('x').create({ credentials: { kind: 'oauth1', appKey: 'k' } })).toThrow(/credentials/);
  });

  it('keeps the mapper independent of a missing author expansion', () => {
    const item = mapXTweet(
      { id: '2090439504425914385', text: '@acme hi', author_id: '15' },
      { users: [], tweets: [] },
      '1',
    );
    expect(item).toMatchObject({
      kind: 'mention',
      author: { externalId: '15' },
      url: 'https://x.com/i/status/2090439504425914385',
    });
    expect(item.createdAt.toISOString()).toBe('2026-08-20T14:03:11.000Z'); // the contract's example id and created_at agree;
  });
});

// Guards the narrow interface: a hand-written XClient is enough to drive the connector.
describe('XClient seam', () => {
  it('lets the connector run on any XClient implementation', async () => {
    const fake: XClient = {
      me: async () => ({ id: '1', name: 'Acme', username: 'acme' }),
      meProfile: async () => ({ user: { id: '1', name: 'Acme', username: 'acme' }, pinnedTweet: undefined }),
      mentions: async () => ({
        data: [{ id: '2090439504425914385', text: '@acme hi', author_id: '2', conversation_id: '2090439504425914385' }],
        includes: { users: [{ id: '2', name: 'Jane', username: 'jane' }], tweets: [] },
        meta: { resultCount: 1, newestId: '2090439504425914385', oldestId: '2090439504425914385' },
      }),
      userTweets: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
      search: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
      reply: async () => {
        throw new XApiError('Forbidden', {
          status: 403,
          body: { detail: 'You are not allowed to create a Tweet with duplicate content.' },
        });
      },
      post: async (text) => ({ id: '2090439504425914390', text }),
      tweets: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
      dmEvents: async () => ({ data: [], includes: { users: [] }, meta: { resultCount: 0 } }),
      dmEventsWith: async () => ({ data: [], includes: { users: [] }, meta: { resultCount: 0 } }),
      sendDm: async () => ({ dmConversationId: '1-2', dmEventId: '2090439504425914999' }),
      openStream: async () => ({ close: () => undefined }),
      like: async () => ({ liked: true }),
      retweet: async () => ({ retweeted: true }),
    };
    const x = createXConnector({ client: fake });
    const res = await x.fetchMentions({ cursor: null });
    expect(res.items[0]?.author.handle).toBe('jane');
    await expect(x.publishReply({ text: 'hi', inReplyToExternalId: '2090439504425914385' })).rejects.toMatchObject({
      reason: 'x.duplicate_content',
    });
  });
});

describe('X direct messages', () => {
  const users = [
    { id: '1', name: 'Acme', username: 'acme' },
    { id: '2', name: 'Jane', username: 'jane' },
  ];
  const event = (id: string, sender: string, text: string) => ({
    id,
    event_type: 'MessageCreate',
    text,
    sender_id: sender,
    dm_conversation_id: '1-2',
    created_at: snowflakeDate(id).toISOString(),
  });
  // Newest first, two pages, as GET /2/dm_events answers.
  const pages = [
    [event('2090439504425915003', '2', 'third'), event('2090439504425915002', '1', 'our answer')],
    [event('2090439504425915001', '2', 'second'), event('2090439504425915000', '2', 'first')],
  ];
  const client: XClient = {
    me: async () => users[0]!,
    meProfile: async () => ({ user: users[0]!, pinnedTweet: undefined }),
    mentions: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
    userTweets: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
    search: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
    reply: async () => ({ id: '1', text: '' }),
    post: async () => ({ id: '1', text: '' }),
    tweets: async () => ({ data: [], includes: { users: [], tweets: [] }, meta: { resultCount: 0 } }),
    dmEvents: async ({ paginationToken }) => {
      const index = paginationToken ? Number(paginationToken) : 0;
      return {
        data: pages[index] ?? [],
        includes: { users },
        meta: {
          resultCount: pages[index]?.length ?? 0,
          ...(index + 1 < pages.length ? { nextToken: String(index + 1) } : {}),
        },
      };
    },
    dmEventsWith: async () => ({ data: pages.flat(), includes: { users }, meta: { resultCount: 4 } }),
    sendDm: async () => ({ dmConversationId: '1-2', dmEventId: '2090439504425915004' }),
    openStream: async () => ({ close: () => undefined }),
    like: async () => ({ liked: true }),
    retweet: async () => ({ retweeted: true }),
  };
  const x = createXConnector({ client });

  it('reads every page down to the cursor, oldest first, without our own messages', async () => {
    const all = await x.fetchDirectMessages!({ cursor: null });
    expect(all.items.map((i) => i.text)).toEqual(['first', 'second', 'third']);
    expect(all.items[0]).toMatchObject({
      kind: 'direct_message',
      visibility: 'direct',
      conversationExternalId: '1-2',
      author: { handle: 'jane' },
      url: 'https://x.com/messages/1-2',
    });
    expect(all.nextCursor).toBe('2090439504425915003');
    const after = await x.fetchDirectMessages!({ cursor: '2090439504425915001' });
    expect(after.items.map((i) => i.text)).toEqual(['third']);
    expect(await x.fetchDirectMessages!({ cursor: '2090439504425915003' })).toEqual({ items: [], nextCursor: null });
  });

  it('goes on from where a fetch ran out of pages, so no DM between the cursor and the newest is skipped', async () => {
    // One page per fetch: more DMs came since the stored cursor ('first') than one fetch reads.
    const budgeted = createXConnector({ client, pageBudget: 1 });
    const part = await budgeted.fetchDirectMessages!({ cursor: '2090439504425915000' });
    expect(part.items.map((i) => i.text)).toEqual(['third']);
    expect(part.nextCursor).toBe('dmgap:2090439504425915000:1:2090439504425915003');
    const rest = await budgeted.fetchDirectMessages!({ cursor: part.nextCursor });
    expect(rest.items.map((i) => i.text)).toEqual(['second']);
    expect(rest.nextCursor).toBe('2090439504425915003');
    expect(await budgeted.fetchDirectMessages!({ cursor: rest.nextCursor })).toEqual({ items: [], nextCursor: null });
  });

  it('finds a message we already sent, so a retry does not send it twice', async () => {
    const since = new Date(snowflakeDate('2090439504425915000').getTime() - 1000);
    expect(await x.findSentDirectMessage!({ recipientExternalId: '2', text: 'our answer', since })).toMatchObject({
      externalId: '2090439504425915002',
    });
    expect(await x.findSentDirectMessage!({ recipientExternalId: '2', text: 'never sent', since })).toBeNull();
  });
});

/** A sandbox with the brand and one customer, and a streaming connector signed in as the brand. */
async function streamingSandbox() {
  const sandbox = createXSandbox();
  const { url } = await sandbox.listen();
  const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
  const customer = sandbox.ensureUser({ username: 'jane_doe', name: 'Jane Doe' });
  const client = createTwitterApiXClient({
    credentials: { kind: 'oauth2-user', accessToken: brand.token, appBearerToken: sandbox.issueAppBearer() },
    apiBaseUrl: url,
  });
  const connector = createXConnector({ client, capabilities: { streaming: true } });
  return { sandbox, url, brand, customer, connector };
}

describe('X filtered stream against the sandbox', () => {
  it('adds the brand rule once and pushes new mentions, without our own posts', async () => {
    const { sandbox, url, brand, customer, connector } = await streamingSandbox();
    try {
      const received: string[] = [];
      const states: string[] = [];
      const stream = await connector.openStream!({
        onItems: (items) => received.push(...items.map((i) => i.text)),
        onState: (state) => states.push(state),
      });
      try {
        sandbox.post(customer.user.id, { text: '@acme_sav is the app down?' });
        sandbox.post(brand.user.id, { text: 'Good morning from @acme_sav' });
        await expect.poll(() => received, { timeout: 5000 }).toEqual(['@acme_sav is the app down?']);
        expect(states).toContain('connected');
      } finally {
        stream.close();
      }
      // A second connection re-uses the rule instead of adding a duplicate.
      const again = await connector.openStream!({ onItems: () => undefined, onState: () => undefined });
      again.close();
      const rulesResponse = await fetch(`${url}/2/tweets/search/stream/rules`, {
        headers: { authorization: `Bearer ${sandbox.issueAppBearer()}` },
      });
      const rules = (await rulesResponse.json()) as { data?: { value: string }[] };
      expect(rules.data?.map((r) => r.value)).toEqual(['@acme_sav -is:retweet']);
    } finally {
      await sandbox.close();
    }
  });
});

describe('X filtered stream, connecting after posts were made', () => {
  it('replays the last minutes on connecting, so a gap while no worker held the stream is closed', async () => {
    const { sandbox, customer, connector } = await streamingSandbox();
    try {
      // Posted while the stream was down (the worker holding it died; its lease had not run out yet).
      sandbox.post(customer.user.id, { text: '@acme_sav posted during the gap' });
      const received: string[] = [];
      const stream = await connector.openStream!({
        onItems: (items) => received.push(...items.map((i) => i.text)),
        onState: () => undefined,
      });
      try {
        await expect.poll(() => received, { timeout: 5000 }).toEqual(['@acme_sav posted during the gap']);
      } finally {
        stream.close();
      }
    } finally {
      await sandbox.close();
    }
  });
});

describe('X brand monitoring and the spend meter, against the sandbox', () => {
  it('finds posts naming the brand, says which ones X lets us answer, and meters every billable call', async () => {
    const sandbox = createXSandbox();
    const { url } = await sandbox.listen();
    try {
      const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
      const customer = sandbox.ensureUser({ username: 'jane_doe', name: 'Jane Doe' });
      const usages: XUsage[] = [];
      const client = meteredXClient(
        createTwitterApiXClient({ credentials: { kind: 'oauth2-user', accessToken: brand.token }, apiBaseUrl: url }),
        (usage) => usages.push(usage),
      );
      const connector = createXConnector({ client });
      const tagged = sandbox.post(customer.user.id, { text: '@acme_sav acme box down again' });
      const untagged = sandbox.post(customer.user.id, { text: 'my acme box is down again, third time this week' });
      sandbox.post(customer.user.id, { text: 'nothing to do with the brand' });

      const first = await connector.searchRecent!({ query: 'acme -from:acme_sav', cursor: null });
      expect(first.items.map((i) => [i.externalId, i.kind, i.repliable])).toEqual([
        [tagged.id, 'mention', true],
        [untagged.id, 'post', false],
      ]);
      const next = await connector.searchRecent!({ query: 'acme -from:acme_sav', cursor: first.nextCursor });
      expect(next.items).toEqual([]);

      await connector.publishReply({ text: 'We are on it.', inReplyToExternalId: tagged.id });
      const byCategory = (category: string) =>
        usages.filter((u) => u.category === category).reduce((n, u) => n + u.units, 0);
      expect(byCategory('post_read')).toBe(2); // the two matches; the empty second search costs nothing
      expect(byCategory('user_read')).toBeGreaterThanOrEqual(2); // /users/me + the expanded author
      expect(byCategory('summoned_reply_create')).toBe(1);
      expect(X_PAY_PER_USE_PRICES.summoned_reply_create).toBe(0.01);
    } finally {
      await sandbox.close();
    }
  });
});
