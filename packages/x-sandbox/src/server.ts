import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, isUser, type Identity } from './auth.ts';
import type { CostItem } from './costs.ts';
import type { CreateUserInput, PostInput, SandboxEngine, SandboxTweet } from './engine.ts';
import { parseMediaInput } from './media.ts';
import {
  invalidBody,
  invalidParam,
  notFoundRoute,
  resourceNotFound,
  SandboxError,
  TOO_MANY_REQUESTS_BODY,
  UNAUTHORIZED_BODY,
  unsupportedAuthentication,
} from './errors.ts';
import { compareIds, decodePageToken, encodePageToken, ID_PATTERN } from './ids.ts';
import { expandTweets, expandUsers, parseSelection, renderTweet, renderUser } from './render.ts';
import {
  checkId,
  parseTime,
  READ_SCOPES,
  readCost,
  WRITE_SCOPES,
  type AuthKind,
  type Reply,
  type RequestContext,
  type Route,
  type RouteFn,
  type ServerDeps,
} from './routing.ts';
import { adminExtras } from './routes-admin.ts';
import { registerOAuthRoutes } from './routes-oauth.ts';
import { registerSearchRoutes } from './routes-search.ts';
import { registerSocialRoutes } from './routes-social.ts';
import { registerWebhookRoutes } from './routes-webhooks.ts';
import { registerActivityRoutes } from './routes-activity.ts';
import { BodyTooLargeError, readCappedBody } from './html-form.ts';
import { parseMultipart } from './multipart.ts';
import { registerMediaUploadRoutes } from './routes-media-upload.ts';

export type { ServerDeps } from './routing.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
const TIMELINE_CAP = 800;

const AUTH_LABEL: Record<Identity['kind'], string> = {
  app: 'OAuth 2.0 Application-Only',
  'oauth1-user': 'OAuth 1.0a User Context',
  'oauth2-user': 'OAuth 2.0 User Context',
};
const ACCEPTED: Record<Exclude<AuthKind, 'none'>, Identity['kind'][]> = {
  any: ['app', 'oauth1-user', 'oauth2-user'],
  user: ['oauth1-user', 'oauth2-user'],
  app: ['app'],
  'app-or-oauth1': ['app', 'oauth1-user'],
};

const SERVER_ERROR_TITLES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function serverErrorBody(status: number): Record<string, unknown> {
  const title = SERVER_ERROR_TITLES[status] ?? 'Server Error';
  return { title, detail: title, type: 'about:blank', status };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  malformed?: 'truncated-json' | 'wrong-content-type',
): void {
  if (res.headersSent) return;
  const isProblem = status >= 400;
  let payload = body === undefined ? '' : JSON.stringify(body);
  let contentType = isProblem ? 'application/problem+json' : 'application/json; charset=utf-8';
  // Fault switch: what a flaky proxy produces — a body cut mid-JSON, or an HTML error page's content type.
  if (malformed === 'truncated-json') payload = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  if (malformed === 'wrong-content-type') contentType = 'text/html; charset=utf-8';
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

/** Timeline slicing shared by mentions and user posts (contract §4): newest first, ≤ 800, cursor by ids. */
function timelinePage(all: SandboxTweet[], q: URLSearchParams): { page: SandboxTweet[]; nextToken?: string } {
  const rawMax = q.get('max_results');
  const max = rawMax === null ? 10 : Number(rawMax);
  if (!Number.isInteger(max) || max < 5 || max > 100 || (rawMax !== null && !/^\d+$/.test(rawMax))) {
    throw invalidParam(
      'max_results',
      rawMax ?? '',
      `The \`max_results\` query parameter value [${rawMax}] is not between 5 and 100`,
    );
  }
  const sinceId = q.get('since_id') ?? undefined;
  const untilId = q.get('until_id') ?? undefined;
  if (sinceId !== undefined) checkId('since_id', sinceId);
  if (untilId !== undefined) checkId('until_id', untilId);
  const start = parseTime(q, 'start_time');
  const end = parseTime(q, 'end_time');
  if (start !== undefined && end !== undefined && start >= end) {
    throw invalidParam('start_time', q.get('start_time')!, 'Invalid request: `start_time` must be before `end_time`.');
  }
  const token = q.get('pagination_token');
  let below: string | undefined;
  if (token !== null) {
    const decoded = decodePageToken(token);
    if (decoded === null) {
      throw invalidParam(
        'pagination_token',
        token,
        `The \`pagination_token\` query parameter value [${token}] is not valid`,
      );
    }
    below = decoded;
  }
  const matches = all.slice(0, TIMELINE_CAP).filter((t) => {
    // since_id/until_id take precedence over start_time/end_time (contract §4).
    if (sinceId !== undefined) {
      if (compareIds(t.id, sinceId) <= 0) return false;
    } else if (start !== undefined && Date.parse(t.createdAt) < start) return false;
    if (untilId !== undefined) {
      if (compareIds(t.id, untilId) >= 0) return false;
    } else if (end !== undefined && Date.parse(t.createdAt) >= end) return false;
    if (below !== undefined && compareIds(t.id, below) >= 0) return false;
    return true;
  });
  const page = matches.slice(0, max);
  const last = page[page.length - 1];
  return matches.length > max && last ? { page, nextToken: encodePageToken(last.id) } : { page };
}

export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { engine, limiter, faults, costs } = deps;

  function timeline(source: (userId: string) => SandboxTweet[], ownable: boolean) {
    return (ctx: RequestContext): Reply => {
      const id = ctx.params.id!;
      checkId('id', id);
      const sel = parseSelection(ctx.url.searchParams, 'tweet');
      if (!engine.findUserById(id)) {
        return { status: 200, body: { errors: [resourceNotFound('user', 'id', id)], meta: { result_count: 0 } } };
      }
      const { page, nextToken } = timelinePage(source(id), ctx.url.searchParams);
      if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
      const meta: Record<string, unknown> = {
        result_count: page.length,
        newest_id: page[0]!.id,
        oldest_id: page[page.length - 1]!.id,
      };
      if (nextToken) meta.next_token = nextToken;
      const data = page.map((t) => renderTweet(engine, t, sel.tweetFields));
      const body = { data, ...expandTweets(engine, page, sel), meta };
      // Owned reads: the authenticated account reading its own mentions is billed $0.001 (contract §11.3).
      const owned = ownable && isUser(ctx.identity) && ctx.identity.userId === id;
      return { status: 200, body, cost: readCost(body, owned ? 'owned_read' : 'post_read') };
    };
  }

  function userReply(
    user: ReturnType<SandboxEngine['findUserById']>,
    ctx: RequestContext,
    param: string,
    value: string,
  ): Reply {
    const sel = parseSelection(ctx.url.searchParams, 'user');
    if (!user) return { status: 200, body: { errors: [resourceNotFound('user', param, value)] } };
    const body = { data: renderUser(engine, user, sel.userFields), ...expandUsers(engine, [user], sel) };
    return { status: 200, body, cost: readCost(body, 'user_read') };
  }

  const routes: Route[] = [];
  const route: RouteFn = (method, pattern, options, handle) => {
    const keys: string[] = [];
    const source = pattern.replace(/:([a-z_]+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    routes.push({ method, pattern, regex: new RegExp(`^${source}$`), keys, ...options, handle });
  };
  const ANY = { auth: 'any', scopes: READ_SCOPES } as const;
  const USER_READ = { auth: 'user', scopes: READ_SCOPES } as const;
  const USER_WRITE = { auth: 'user', scopes: WRITE_SCOPES } as const;

  route('GET', '/2/users/me', USER_READ, (ctx) => {
    const id = (ctx.identity as Extract<Identity, { userId: string }>).userId;
    return userReply(engine.findUserById(id), ctx, 'id', id);
  });
  route('GET', '/2/users/by/username/:username', ANY, (ctx) => {
    const username = ctx.params.username!;
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) {
      throw invalidParam(
        'username',
        username,
        `The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`,
      );
    }
    return userReply(engine.findUserByUsername(username), ctx, 'username', username);
  });
  route(
    'GET',
    '/2/users/:id/mentions',
    ANY,
    timeline((id) => engine.mentionsOf(id), true),
  );
  route(
    'GET',
    '/2/users/:id/tweets',
    ANY,
    timeline((id) => engine.listTweets({ authorId: id }), false),
  );
  registerSocialRoutes(route, deps);
  registerSearchRoutes(route, deps);
  registerWebhookRoutes(route, deps);
  registerActivityRoutes(route, deps.activity);
  registerOAuthRoutes(route, deps);
  registerMediaUploadRoutes(route, deps);
  route('GET', '/2/users/:id', ANY, (ctx) => {
    const id = ctx.params.id!;
    checkId('id', id);
    return userReply(engine.findUserById(id), ctx, 'id', id);
  });
  route('GET', '/2/tweets/:id', ANY, (ctx) => {
    const id = ctx.params.id!;
    checkId('id', id);
    const sel = parseSelection(ctx.url.searchParams, 'tweet');
    const t = engine.getTweet(id);
    if (!t) return { status: 200, body: { errors: [resourceNotFound('tweet', 'id', id)] } };
    const body = { data: renderTweet(engine, t, sel.tweetFields), ...expandTweets(engine, [t], sel) };
    return { status: 200, body, cost: readCost(body, 'post_read') };
  });
  route('GET', '/2/tweets', ANY, (ctx) => {
    const raw = ctx.url.searchParams.get('ids');
    if (raw === null || raw === '') {
      throw invalidParam('ids', '', 'The `ids` query parameter can not be empty');
    }
    const ids = raw.split(',');
    if (ids.length > 100)
      throw invalidParam(
        'ids',
        raw,
        `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
      );
    for (const id of ids) checkId('ids', id);
    const sel = parseSelection(ctx.url.searchParams, 'tweet');
    const found: SandboxTweet[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      const t = engine.getTweet(id);
      if (t) found.push(t);
      else errors.push(resourceNotFound('tweet', 'ids', id));
    }
    const expanded = expandTweets(engine, found, sel);
    const allErrors = [...errors, ...(expanded.errors ?? [])];
    const body = {
      ...(found.length ? { data: found.map((t) => renderTweet(engine, t, sel.tweetFields)) } : {}),
      ...(expanded.includes ? { includes: expanded.includes } : {}),
      ...(allErrors.length ? { errors: allErrors } : {}),
    };
    return { status: 200, body, cost: readCost(body, 'post_read') };
  });
  route('POST', '/2/tweets', USER_WRITE, (ctx) => {
    const userId = (ctx.identity as Extract<Identity, { userId: string }>).userId;
    const { mediaIds, ...input } = parseCreateTweet(ctx.body);
    const uploadedMedia = mediaIds ? engine.uploads.attach(userId, mediaIds, 'tweet') : undefined;
    const t = engine.createTweet(userId, { ...input, uploadedMedia }, 'api');
    // Contract §11.3: a post with a URL costs $0.200, a reply to a post that summoned us $0.010.
    const parent = t.inReplyToTweetId ? engine.getTweet(t.inReplyToTweetId) : undefined;
    // The link X appends for the media is not a URL the author wrote.
    const kind = t.entities.urls.some((u) => !u.mediaKey)
      ? 'post_with_url_create'
      : parent && parent.authorId !== userId && engine.summoned(parent, userId)
        ? 'summoned_reply_create'
        : 'post_create';
    return {
      status: 201,
      body: { data: { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] } },
      cost: [{ kind }],
    };
  });
  route('DELETE', '/2/tweets/:id', USER_WRITE, (ctx) => {
    const id = ctx.params.id!;
    checkId('id', id);
    const userId = (ctx.identity as Extract<Identity, { userId: string }>).userId;
    const deleted = engine.deleteTweet(userId, id);
    return { status: 200, body: { data: { deleted } }, cost: deleted ? [{ kind: 'delete' }] : [] };
  });

  function match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const r of routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]!);
      });
      return { route: r, params };
    }
    return undefined;
  }

  function authError(route: Route, identity: Identity): SandboxError | undefined {
    if (route.auth === 'none') return undefined;
    const accepted = ACCEPTED[route.auth];
    if (!accepted.includes(identity.kind)) {
      return unsupportedAuthentication(
        AUTH_LABEL[identity.kind],
        accepted
          .map((k) => AUTH_LABEL[k])
          .sort((a, b) => (a.startsWith('OAuth 1') ? -1 : b.startsWith('OAuth 1') ? 1 : 0)),
      );
    }
    // Tokens from the OAuth 2.0 flow carry scopes; pre-issued sandbox tokens have them all.
    if (identity.kind === 'oauth2-user' && route.scopes) {
      const grant = engine.resolveBearer(identity.token);
      const granted = grant?.kind === 'user' ? grant.scopes : undefined;
      const missing = granted ? route.scopes.filter((sc) => !granted.includes(sc)) : [];
      if (missing.length) {
        return new SandboxError(403, {
          title: 'Forbidden',
          detail: `Missing required OAuth 2.0 scopes: ${missing.join(' ')}.`,
          type: 'about:blank',
          status: 403,
        });
      }
    }
    return undefined;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const found = match(method, url.pathname);
    let raw: Buffer = Buffer.alloc(0);
    if (method === 'POST' || method === 'PUT' || method === 'DELETE') raw = await readCappedBody(req, MAX_BODY_BYTES);
    const isForm = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const isMultipart = (req.headers['content-type'] ?? '').includes('multipart/form-data');
    const form: [string, string][] = isForm ? [...new URLSearchParams(raw.toString('utf8'))] : [];
    const identity = authenticate(engine, req, url, form);

    // Every /2 response carries rate-limit headers; unauthenticated callers get a per-address bucket.
    const endpoint = found ? `${method} ${found.route.pattern}` : `${method} (unknown)`;
    const bucketKind = identity && isUser(identity) ? 'user' : 'app';
    const bucketId = identity
      ? isUser(identity)
        ? identity.userId
        : identity.token
      : `anon:${req.socket.remoteAddress}`;
    const verdict = limiter.hit(endpoint, bucketKind, bucketId);
    const headers = {
      'x-rate-limit-limit': String(verdict.limit),
      'x-rate-limit-remaining': String(verdict.remaining),
      'x-rate-limit-reset': String(verdict.reset),
    };
    const open = found?.route.auth === 'none';
    if (!identity && !open) return send(res, 401, UNAUTHORIZED_BODY, headers);
    if (!found) return send(res, 404, notFoundRoute().body, headers);

    const delay = faults.latencyMs(endpoint);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (faults.takeRateLimit(endpoint)) {
      return send(res, 429, TOO_MANY_REQUESTS_BODY, { ...headers, 'x-rate-limit-remaining': '0' });
    }
    if (!verdict.allowed) return send(res, 429, TOO_MANY_REQUESTS_BODY, headers);
    if (identity) {
      const refused = authError(found.route, identity);
      if (refused) return send(res, refused.status, refused.body, headers);
    }
    // Injected 5xx happen before the request is applied: state is untouched.
    const failWith = faults.takeServerError(endpoint);
    if (failWith !== undefined) return send(res, failWith, serverErrorBody(failWith), headers);
    try {
      let body: unknown = undefined;
      if (method === 'POST' || method === 'PUT') {
        const text = raw.toString('utf8');
        if (isForm) body = Object.fromEntries(form);
        else if (isMultipart) body = parseMultipart(raw, String(req.headers['content-type']));
        else if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            throw invalidBody('Request body is not valid JSON.');
          }
        }
      }
      const reply = await found.route.handle({
        req,
        res,
        url,
        params: found.params,
        identity: identity as Identity,
        body,
        headers,
      });
      if (reply.streamed) return;
      const ok = reply.status >= 200 && reply.status < 300;
      if (ok && reply.cost?.length) costs.charge(engine.app.consumerKey, reply.cost as CostItem[]);
      // ackLost: the write is applied (and billed), the answer is lost — what never-post-twice must survive.
      if (ok && method !== 'GET' && faults.takeAckLost(endpoint)) {
        return send(res, 503, serverErrorBody(503), headers);
      }
      send(res, reply.status, reply.body, headers, faults.takeMalformed(endpoint));
    } catch (err) {
      if (err instanceof SandboxError) return send(res, err.status, err.body, headers);
      throw err;
    }
  }

  function adminAuthorized(req: IncomingMessage): boolean {
    const given = req.headers['x-sandbox-admin-key'];
    if (!deps.adminKey || typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(deps.adminKey);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw: Buffer =
      req.method === 'POST' || req.method === 'PUT' ? await readCappedBody(req, MAX_BODY_BYTES) : Buffer.alloc(0);
    if (!adminAuthorized(req)) {
      return send(res, 401, {
        ...UNAUTHORIZED_BODY,
        detail: deps.adminKey
          ? 'Missing or wrong x-sandbox-admin-key.'
          : 'The admin API is disabled (no adminKey configured).',
      });
    }
    let body: Record<string, unknown> = {};
    if (raw.length) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        else throw new Error('not an object');
      } catch {
        throw invalidBody('Request body must be a JSON object.');
      }
    }
    const path = url.pathname.slice('/sandbox/admin'.length);
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/users') return send(res, 200, { data: engine.listUsers() });
    if (method === 'POST' && path === '/users')
      return send(res, 201, { data: engine.createUser(body as unknown as CreateUserInput) });
    if (method === 'POST' && path === '/users/ensure')
      return send(res, 200, { data: engine.ensureUser(body as unknown as CreateUserInput) });
    if (method === 'POST' && (m = /^\/users\/([0-9]+)\/credentials$/.exec(path))) {
      return send(res, 201, { data: engine.issueUserCredentials(m[1]!) });
    }
    if (method === 'POST' && (m = /^\/users\/([0-9]+)\/tweets$/.exec(path))) {
      const t = engine.createTweet(m[1]!, adminPostInput(body), 'person');
      return send(res, 201, { data: structuredClone(t) });
    }
    if (method === 'GET' && path === '/tweets') {
      const list = engine.listTweets({
        authorId: q.get('authorId') ?? undefined,
        inReplyToTweetId: q.get('inReplyToTweetId') ?? undefined,
      });
      return send(res, 200, { data: structuredClone(list) });
    }
    if ((m = /^\/tweets\/([0-9]+)$/.exec(path))) {
      const t = engine.getTweet(m[1]!);
      if (!t)
        return send(res, 404, {
          title: 'Not Found Error',
          detail: `No tweet ${m[1]}.`,
          type: 'about:blank',
          status: 404,
        });
      if (method === 'GET') return send(res, 200, { data: structuredClone(t) });
      if (method === 'DELETE') return send(res, 200, { data: { deleted: engine.deleteTweet(t.authorId, t.id) } });
    }
    if (method === 'POST' && path === '/app-bearer')
      return send(res, 201, { data: { token: engine.issueAppBearer() } });
    if (method === 'GET' && path === '/app') {
      const app = engine.app;
      return send(res, 200, {
        data: {
          appKey: app.consumerKey,
          appSecret: app.consumerSecret,
          clientId: app.clientId,
          clientSecret: app.clientSecret,
        },
      });
    }
    if (method === 'POST' && path === '/reset') {
      engine.reset();
      limiter.clear();
      return send(res, 200, { data: { reset: true } });
    }
    const extra = await adminExtras(deps, method, path, q, body);
    if (extra) return send(res, extra.status, extra.body);
    return send(res, 404, notFoundRoute().body);
  }

  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.local');
    } catch {
      return send(res, 400, invalidBody('Malformed request URL.').body);
    }
    const work = url.pathname.startsWith('/sandbox/admin') ? handleAdmin(req, res, url) : handleApi(req, res, url);
    work.catch((err: unknown) => {
      if (err instanceof SandboxError) return send(res, err.status, err.body);
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        req.resume();
        return send(res, 400, invalidBody(err.message).body);
      }
      send(res, 500, { title: 'Internal Server Error', detail: String(err), type: 'about:blank', status: 500 });
    });
  };
}

const CREATE_TWEET_KEYS = new Set([
  'text',
  'reply',
  'quote_tweet_id',
  'reply_settings',
  'for_super_followers_only',
  'nullcast',
  'share_with_followers',
  'made_with_ai',
  'paid_partnership',
  'direct_message_deep_link',
  'geo',
  'media',
]);
const UNSUPPORTED_TWEET_KEYS = new Set(['poll', 'card_uri', 'community_id', 'edit_options']);

function parseCreateTweet(body: unknown): {
  text: string;
  inReplyToTweetId?: string;
  quoteTweetId?: string;
  excludeReplyUserIds?: string[];
  mediaIds?: string[];
} {
  if (body === undefined) throw invalidBody('A JSON body is required.');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidBody('$: must be an object.');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (UNSUPPORTED_TWEET_KEYS.has(key)) throw invalidBody(`$.${key}: is not supported by the X sandbox.`);
    if (!CREATE_TWEET_KEYS.has(key))
      throw invalidBody(`$.${key}: is not defined in the schema and the schema does not allow additional properties`);
  }
  if (b.text !== undefined && typeof b.text !== 'string')
    throw invalidBody('$.text: string found, but expected a string');
  const out: ReturnType<typeof parseCreateTweet> = { text: typeof b.text === 'string' ? b.text : '' };
  if (b.media !== undefined) out.mediaIds = parseMediaIds(b.media, b.quote_tweet_id !== undefined);
  if (b.reply !== undefined) {
    const r = b.reply as Record<string, unknown> | null;
    if (
      !r ||
      typeof r !== 'object' ||
      typeof r.in_reply_to_tweet_id !== 'string' ||
      !ID_PATTERN.test(r.in_reply_to_tweet_id)
    ) {
      throw invalidBody('$.reply.in_reply_to_tweet_id: is missing but it is required');
    }
    out.inReplyToTweetId = r.in_reply_to_tweet_id;
    if (r.exclude_reply_user_ids !== undefined) {
      if (!Array.isArray(r.exclude_reply_user_ids) || !r.exclude_reply_user_ids.every((x) => typeof x === 'string')) {
        throw invalidBody('$.reply.exclude_reply_user_ids: must be an array of user ids');
      }
      out.excludeReplyUserIds = r.exclude_reply_user_ids as string[];
    }
  }
  if (b.quote_tweet_id !== undefined) {
    if (typeof b.quote_tweet_id !== 'string' || !ID_PATTERN.test(b.quote_tweet_id)) {
      throw invalidBody('$.quote_tweet_id: does not match ^[0-9]{1,19}$');
    }
    out.quoteTweetId = b.quote_tweet_id;
  }
  if (out.text === '' && out.quoteTweetId === undefined && !out.mediaIds) {
    throw invalidBody('$.text: is missing but it is required (or one of media, poll, card_uri, quote_tweet_id)');
  }
  return out;
}

/** TweetCreateRequest `media`: `media_ids` (1 to 4), exclusive with `quote_tweet_id`. */
function parseMediaIds(raw: unknown, quoting: boolean): string[] {
  const ids = (raw as { media_ids?: unknown } | null)?.media_ids;
  if (!raw || typeof raw !== 'object' || !Array.isArray(ids)) {
    throw invalidBody('$.media.media_ids: is missing but it is required');
  }
  if (ids.length < 1 || ids.length > 4) throw invalidBody('$.media.media_ids: must have between 1 and 4 items');
  if (!ids.every((id) => typeof id === 'string' && ID_PATTERN.test(id))) {
    throw invalidBody('$.media.media_ids: items must match ^[0-9]{1,19}$');
  }
  if (quoting) throw invalidBody('$.media: is mutually exclusive with quote_tweet_id');
  return ids as string[];
}

function adminPostInput(body: Record<string, unknown>): PostInput {
  const media = parseMediaInput(body.media);
  if (typeof body.text !== 'string' && !(media?.length && body.text === undefined)) {
    throw invalidBody('text must be a string');
  }
  const out: PostInput = { text: typeof body.text === 'string' ? body.text : '' };
  if (typeof body.inReplyToTweetId === 'string') out.inReplyToTweetId = body.inReplyToTweetId;
  if (typeof body.quoteTweetId === 'string') out.quoteTweetId = body.quoteTweetId;
  if (media) out.media = media;
  return out;
}
