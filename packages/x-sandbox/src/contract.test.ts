/**
 * Contract tests: the endpoints the desk uses, called through the real `twitter-api-v2` client against a
 * listening sandbox, with every response (status, body) checked against the official OpenAPI spec (v2.166)
 * by `openapi-backend`. A recording proxy between client and sandbox keeps what went over the wire.
 *
 * openapi-backend validates `application/json` bodies only. X answers errors as `application/problem+json`,
 * which the spec documents beside `application/json` (the v1-style `Error`). So for error statuses the
 * validator is given, in memory, the spec's problem+json schema, narrowed by the `Problem` discriminator's
 * mapping (e.g. `invalid-request` → InvalidRequestProblem) with if/then, as the discriminator says.
 */
import { sharedPath } from './shared-data.ts';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { OpenAPIBackend, type Document } from 'openapi-backend';
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createXSandbox, type XSandbox, type XSandboxOptions } from './index.ts';

const SPEC_PATH = sharedPath('contracts', 'x-api-v2-openapi.json');

// What the desk's X connector asks for (packages/connectors/src/x/x-client.ts).
const TWEET_FIELDS = 'author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,lang';
const USER_FIELDS = 'name,username,description,profile_image_url,public_metrics,verified';
const EXPANSIONS = 'author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id';
const DESK_FIELDS = { 'tweet.fields': TWEET_FIELDS, 'user.fields': USER_FIELDS, expansions: EXPANSIONS };

type Json = Record<string, unknown>;

/** The spec as openapi-backend should see it: problem+json schemas where X sends problem+json. */
function validationView(spec: Json): Json {
  const copy = structuredClone(spec) as {
    paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
    components: { schemas: Record<string, { discriminator?: { mapping?: Record<string, string> } }> };
  };
  const mapping = copy.components.schemas.Problem?.discriminator?.mapping ?? {};
  const problem = {
    allOf: [
      { $ref: '#/components/schemas/Problem' },
      ...Object.entries(mapping).map(([type, ref]) => ({
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: { $ref: ref },
      })),
    ],
  };
  for (const item of Object.values(copy.paths)) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (/^2/.test(status) || !response.content?.['application/problem+json']) continue;
        response.content = { 'application/json': { schema: problem } };
      }
    }
  }
  return copy as unknown as Json;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const api = new OpenAPIBackend({
  definition: validationView(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json) as unknown as Document,
  quick: true,
  validate: true,
  ajvOpts: { strict: false },
  customizeAjv: (ajv) => {
    ajv.addFormat('date-time', ISO_DATE_TIME);
    ajv.addFormat('data-time', ISO_DATE_TIME); // sic, one schema in the spec
    ajv.addFormat('uri', {
      validate: (v: string) => {
        try {
          new URL(v);
          return true;
        } catch {
          return false;
        }
      },
    });
    for (const f of ['int32', 'int64', 'long', 'double', 'integer', 'binary', 'byte', '^[0-9]{1,19}$']) {
      ajv.addFormat(f, true);
    }
    return ajv;
  },
});

interface Exchange {
  method: string;
  path: string;
  query: string;
  status: number;
  contentType: string;
  body: string;
}

let exchanges: Exchange[] = [];
let proxy: http.Server | undefined;
let proxyUrl = '';
let target = '';

/** Forwards to the sandbox (`target`) and records every exchange. Host is forwarded so OAuth 1.0a still verifies. */
function startProxy(): Promise<void> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t = new URL(target);
      const up = http.request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (c: Buffer) => out.push(c));
          answer.on('end', () => {
            const url = new URL(req.url ?? '/', 'http://proxy.local');
            const body = Buffer.concat(out);
            exchanges.push({
              method: req.method ?? 'GET',
              path: url.pathname,
              query: url.search,
              status: answer.statusCode ?? 0,
              contentType: String(answer.headers['content-type'] ?? ''),
              body: body.toString('utf8'),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(body);
          });
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) =>
    proxy!.listen(0, '127.0.0.1', () => {
      proxyUrl = `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

/** Every recorded /2 exchange, checked against the spec; returns readable problems. */
function specProblems(): string[] {
  const problems: string[] = [];
  for (const x of exchanges) {
    if (!x.path.startsWith('/2/')) continue;
    const label = `${x.method} ${x.path}${x.query} → ${x.status}`;
    const op = api.matchOperation({ method: x.method.toLowerCase(), path: x.path, headers: {} });
    if (!op) {
      problems.push(`${label}: no such operation in the spec`);
      continue;
    }
    if (x.status >= 400 && !x.contentType.startsWith('application/problem+json')) {
      problems.push(`${label}: content-type ${x.contentType}, the spec documents application/problem+json`);
    }
    let body: unknown = null;
    if (x.body !== '') {
      try {
        body = JSON.parse(x.body);
      } catch {
        problems.push(`${label}: body is not JSON`);
        continue;
      }
    }
    const result = api.validateResponse(body, op.operationId!, x.status);
    for (const e of result.errors ?? []) {
      problems.push(
        `${label} [${op.operationId}]: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`,
      );
    }
  }
  return problems;
}

const agent = new http.Agent({ keepAlive: false });
const viaProxy: ITwitterApiClientPlugin = {
  onBeforeRequestConfig({ params }) {
    params.url = params.url.replace('https://api.x.com', proxyUrl);
  },
};
type Tokens = string | { appKey: string; appSecret: string; accessToken: string; accessSecret: string };
const client = (tokens: Tokens): TwitterApi =>
  new TwitterApi(tokens as never, { httpAgent: agent, plugins: [viaProxy] });

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiResponseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

function steppingClock(startIso = '2026-08-20T14:00:00.000Z'): () => Date {
  let t = Date.parse(startIso);
  return () => new Date((t += 1000));
}

let sandbox: XSandbox | undefined;
async function start(options: XSandboxOptions = {}) {
  sandbox = createXSandbox({ clock: steppingClock(), ...options });
  target = (await sandbox.listen()).url;
  const brand = sandbox.createUser({
    username: 'acme_support',
    name: 'Acme Support',
    followersCount: 5120,
    verified: true,
  });
  const camille = sandbox.createUser({ username: 'camille_durand', name: 'Camille Durand', followersCount: 312 });
  return { sb: sandbox, brand, camille, app: client(sandbox.issueAppBearer()) };
}

beforeAll(async () => {
  await api.init();
  await startProxy();
});
afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
});
afterEach(async () => {
  const recorded = exchanges.length;
  const problems = specProblems();
  exchanges = [];
  await sandbox?.close();
  sandbox = undefined;
  expect(recorded).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

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
