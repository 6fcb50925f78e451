import type { CostKind } from './costs.ts';
import { SandboxEngine, type SandboxDmEvent } from './engine.ts';
import { invalidBody, invalidParam, resourceNotFound } from './errors.ts';
import { compareIds, decodeCursorToken, encodeCursorToken, ID_PATTERN } from './ids.ts';
import {
  DM_EVENT_TYPES,
  expandDmEvents,
  expandUsers,
  parseDmSelection,
  parseSelection,
  renderDmEvent,
  renderUser,
} from './render.ts';
import {
  checkId,
  parseMaxResults,
  readCost,
  requireSelf,
  userIdOf,
  WRITE_SCOPES,
  type Reply,
  type RequestContext,
  type RouteFn,
  type ServerDeps,
} from './routing.ts';

/** Followers (§3.4), reposts and likes (§8), direct messages (§9). */

const DM_WINDOW_MS = 30 * 24 * 3600 * 1000;
const DM_READ = { auth: 'user', scopes: ['dm.read', 'tweet.read', 'users.read'] } as const;
const DM_WRITE = { auth: 'user', scopes: ['dm.write', 'tweet.read', 'users.read'] } as const;

function cursor(q: URLSearchParams): string | undefined {
  const token = q.get('pagination_token');
  if (token === null) return undefined;
  const decoded = decodeCursorToken(token);
  if (decoded === null) {
    throw invalidParam(
      'pagination_token',
      token,
      `The \`pagination_token\` query parameter value [${token}] is not valid`,
    );
  }
  return decoded;
}

/** Cuts a newest-first list after the cursor id; next_token anchors on the last item served. */
function slice<T extends { id: string }>(all: T[], q: URLSearchParams, max: number): { page: T[]; nextToken?: string } {
  const below = cursor(q);
  const rest = below === undefined ? all : all.filter((x) => compareIds(x.id, below) < 0);
  const page = rest.slice(0, max);
  const last = page[page.length - 1];
  return rest.length > max && last ? { page, nextToken: encodeCursorToken(last.id) } : { page };
}

function tweetIdFromBody(body: unknown): string {
  const b = body as { tweet_id?: unknown } | undefined;
  if (!b || typeof b !== 'object' || typeof b.tweet_id !== 'string' || !ID_PATTERN.test(b.tweet_id)) {
    throw invalidBody('$.tweet_id: is missing but it is required');
  }
  return b.tweet_id;
}

/** CreateMessageRequest: `text`, `attachments: [{media_id}]` (one per DM on X), or both. */
function dmBody(body: unknown): { text: string; mediaIds: string[] } {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidBody('A JSON body with `text` or `attachments` is required.');
  }
  const b = body as Record<string, unknown>;
  let mediaIds: string[] = [];
  if (b.attachments !== undefined) {
    const list = b.attachments;
    if (!Array.isArray(list) || list.length === 0) throw invalidBody('$.attachments: must be a non-empty array');
    mediaIds = list.map((a: unknown, i) => {
      const id = (a as { media_id?: unknown } | null)?.media_id;
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
        throw invalidBody(`$.attachments[${i}].media_id: is missing but it is required`);
      }
      return id;
    });
  }
  if (b.text !== undefined && (typeof b.text !== 'string' || b.text.length === 0)) {
    throw invalidBody('$.text: must be at least 1 characters long');
  }
  if (b.text === undefined && mediaIds.length === 0) {
    throw invalidBody('$.text: is missing but it is required (or attachments)');
  }
  return { text: typeof b.text === 'string' ? b.text : '', mediaIds };
}

export function registerSocialRoutes(route: RouteFn, deps: ServerDeps): void {
  const { engine } = deps;

  route(
    'GET',
    '/2/users/:id/followers',
    { auth: 'any', scopes: ['follows.read', 'tweet.read', 'users.read'] },
    (ctx) => {
      const id = ctx.params.id!;
      checkId('id', id);
      const q = ctx.url.searchParams;
      const max = parseMaxResults(q, 1, 1000, 100);
      const sel = parseSelection(q, 'user');
      if (!engine.findUserById(id)) {
        return { status: 200, body: { errors: [resourceNotFound('user', 'id', id)], meta: { result_count: 0 } } };
      }
      const { page, nextToken } = slice(engine.followersOf(id), q, max);
      if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
      const users = page.map((f) => engine.findUserById(f.followerId)!).filter(Boolean);
      const body = {
        data: users.map((u) => renderUser(engine, u, sel.userFields)),
        ...expandUsers(engine, users, sel),
        meta: { result_count: users.length, ...(nextToken ? { next_token: nextToken } : {}) },
      };
      const owned = ctx.identity.kind !== 'app' && ctx.identity.userId === id;
      return { status: 200, body, cost: readCost(body, owned ? 'owned_read' : 'follower_read') };
    },
  );

  // ---- likes and reposts ----------------------------------------------------------------------------

  route('POST', '/2/users/:id/likes', { auth: 'user', scopes: ['like.write', 'tweet.read', 'users.read'] }, (ctx) => {
    const me = requireSelf(ctx);
    const tweetId = tweetIdFromBody(ctx.body);
    const created = engine.like(me, tweetId, 'api');
    return { status: 200, body: { data: { liked: true } }, cost: created ? [{ kind: 'interaction_create' }] : [] };
  });
  route(
    'DELETE',
    '/2/users/:id/likes/:tweet_id',
    { auth: 'user', scopes: ['like.write', 'tweet.read', 'users.read'] },
    (ctx) => {
      const me = requireSelf(ctx);
      checkId('tweet_id', ctx.params.tweet_id!);
      const removed = engine.unlike(me, ctx.params.tweet_id!, 'api');
      return { status: 200, body: { data: { liked: false } }, cost: removed ? [{ kind: 'delete' }] : [] };
    },
  );
  route('POST', '/2/users/:id/retweets', { auth: 'user', scopes: WRITE_SCOPES }, (ctx) => {
    const me = requireSelf(ctx);
    const tweetId = tweetIdFromBody(ctx.body);
    const { tweet: rt, created } = engine.repost(me, tweetId);
    return {
      status: 200,
      body: { data: { id: rt.id, retweeted: true } },
      cost: created ? [{ kind: 'interaction_create' }] : [],
    };
  });
  route('DELETE', '/2/users/:id/retweets/:source_tweet_id', { auth: 'user', scopes: WRITE_SCOPES }, (ctx) => {
    const me = requireSelf(ctx);
    checkId('source_tweet_id', ctx.params.source_tweet_id!);
    const removed = engine.unrepost(me, ctx.params.source_tweet_id!);
    return { status: 200, body: { data: { retweeted: false } }, cost: removed ? [{ kind: 'delete' }] : [] };
  });

  // ---- direct messages ------------------------------------------------------------------------------

  function dmList(ctx: RequestContext, conversationId: string | undefined): Reply {
    const me = userIdOf(ctx.identity);
    const q = ctx.url.searchParams;
    const max = parseMaxResults(q, 1, 100, 100);
    const sel = parseDmSelection(q);
    const rawTypes = q.get('event_types');
    if (rawTypes !== null) {
      for (const t of rawTypes.split(',')) {
        if (!DM_EVENT_TYPES.includes(t)) {
          throw invalidParam(
            'event_types',
            t,
            `The \`event_types\` query parameter value [${t}] is not one of [${DM_EVENT_TYPES.join(',')}]`,
          );
        }
      }
    }
    // Every sandbox event is a MessageCreate; join/leave events only exist in group conversations.
    const wantsMessages = rawTypes === null || rawTypes.split(',').includes('MessageCreate');
    const since = engine.clock().getTime() - DM_WINDOW_MS;
    const all: SandboxDmEvent[] = wantsMessages
      ? engine
          .listDmEvents({ userId: me, ...(conversationId ? { conversationId } : {}) })
          .filter((e) => Date.parse(e.createdAt) >= since)
      : [];
    const { page, nextToken } = slice(all, q, max);
    if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
    const body = {
      data: page.map((e) => renderDmEvent(e, sel.dmFields)),
      ...expandDmEvents(engine, page, sel),
      meta: { result_count: page.length, ...(nextToken ? { next_token: nextToken } : {}) },
    };
    return { status: 200, body, cost: readCost(body, 'dm_event_read' satisfies CostKind) };
  }

  route('GET', '/2/dm_events', DM_READ, (ctx) => dmList(ctx, undefined));
  route('GET', '/2/dm_conversations/with/:participant_id/dm_events', DM_READ, (ctx) => {
    const other = ctx.params.participant_id!;
    checkId('participant_id', other);
    return dmList(ctx, SandboxEngine.conversationIdFor(userIdOf(ctx.identity), other));
  });
  route('GET', '/2/dm_conversations/:dm_conversation_id/dm_events', DM_READ, (ctx) => {
    const id = ctx.params.dm_conversation_id!;
    if (!/^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$/.test(id)) {
      throw invalidParam(
        'id',
        id,
        `The \`id\` query parameter value [${id}] does not match ^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$`,
      );
    }
    return dmList(ctx, id);
  });
  route('POST', '/2/dm_conversations/with/:participant_id/messages', DM_WRITE, (ctx) => {
    const other = ctx.params.participant_id!;
    checkId('participant_id', other);
    const me = userIdOf(ctx.identity);
    const { text, mediaIds } = dmBody(ctx.body);
    const [media] = mediaIds.length ? engine.uploads.attach(me, mediaIds, 'dm') : [];
    const e = engine.sendDm(me, other, text, undefined, media);
    return {
      status: 201,
      body: { data: { dm_conversation_id: e.conversationId, dm_event_id: e.id } },
      cost: [{ kind: 'dm_create' }],
    };
  });
  route('POST', '/2/dm_conversations/:dm_conversation_id/messages', DM_WRITE, (ctx) => {
    const me = userIdOf(ctx.identity);
    const { text, mediaIds } = dmBody(ctx.body);
    const [media] = mediaIds.length ? engine.uploads.attach(me, mediaIds, 'dm') : [];
    const e = engine.sendDmInConversation(me, ctx.params.dm_conversation_id!, text, media);
    return {
      status: 201,
      body: { data: { dm_conversation_id: e.conversationId, dm_event_id: e.id } },
      cost: [{ kind: 'dm_create' }],
    };
  });
}
