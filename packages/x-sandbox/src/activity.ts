import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxEngine, SandboxEvent, SandboxTweet, SandboxUser } from './engine.ts';
import { invalidBody, invalidParam, SandboxError } from './errors.ts';
import { ID_PATTERN, SnowflakeMinter } from './ids.ts';
import { expandTweets, parseSelection, renderTweet, renderUser } from './render.ts';
import { serialize } from './v1-json.ts';
import { v1DmEvent, type WebhookDispatcher } from './webhooks.ts';

/**
 * The X Activity API (official spec: `/2/activity/subscriptions`, `/2/activity/stream`; contract §13.6):
 * subscriptions by event type and filter, and delivery of each matching event as one envelope
 * `{ data: { event_uuid, event_type, filter, tag, payload, includes } }` to every open activity stream
 * (newline-delimited, like the filtered stream) and, when the subscription names a webhook, to that webhook
 * signed as Account Activity deliveries are.
 */

/** The spec's enum for POST /2/activity/subscriptions, plus the post events the contract lists (§13.6). */
export const XAA_EVENT_TYPES = [
  'profile.update.bio',
  'profile.update.profile_picture',
  'profile.update.banner_picture',
  'profile.update.screenname',
  'profile.update.geo',
  'profile.update.url',
  'profile.update.verified_badge',
  'profile.update.affiliate_badge',
  'profile.update.handle',
  'news.new',
  'follow.follow',
  'follow.unfollow',
  'spaces.start',
  'spaces.end',
  'chat.received',
  'chat.sent',
  'chat.conversation_join',
  'dm.sent',
  'dm.received',
  'dm.indicate_typing',
  'dm.read',
  'post.create',
  'post.delete',
  'post.mention.create',
  'post.reply.create',
  'post.quote.create',
  'post.repost.create',
  'like.create',
] as const;

/** Events about a user's private activity: only that user can subscribe with their own consent. */
const PRIVATE = new Set(['post.mention.create', 'post.reply.create', 'post.quote.create', 'like.create']);
const isPrivate = (type: string) => PRIVATE.has(type) || type.startsWith('dm.') || type.startsWith('chat.');

export interface ActivityFilter {
  user_id?: string;
  direction?: 'inbound' | 'outbound';
  keyword?: string;
}

export interface ActivitySubscription {
  subscription_id: string;
  event_type: string;
  filter: ActivityFilter;
  tag?: string;
  webhook_id?: string;
  created_at: string;
  updated_at: string;
}

type Json = Record<string, unknown>;

/** What the desk asks for on posts; events always carry these (X sends a rich default set). */
const POST_SELECTION = parseSelection(
  new URLSearchParams({
    'tweet.fields':
      'author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,entities,lang,attachments,display_text_range',
    'user.fields': 'name,username,description,profile_image_url,verified,public_metrics',
    expansions: 'author_id,in_reply_to_user_id,referenced_tweets.id,attachments.media_keys',
    'media.fields': 'media_key,type,url,preview_image_url,alt_text,duration_ms,width,height',
  }),
  'tweet',
);

interface Recent {
  at: number;
  line: string;
}

export class ActivityHub {
  private readonly subs = new Map<string, ActivitySubscription>();
  private readonly streams = new Set<ServerResponse>();
  /** Delivered lines of the last 5 minutes, for `backfill_minutes`. */
  private recent: Recent[] = [];
  private readonly minter = new SnowflakeMinter();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly webhooks: WebhookDispatcher,
    private readonly keepAliveMs: number,
    /** Called once per delivered event, for pay-per-use billing. */
    private readonly onDelivered: (eventType: string, eventUuid: string) => void,
  ) {
    this.unsubscribe = engine.onEvent((e) => this.onEvent(e));
  }

  list(): ActivitySubscription[] {
    return [...this.subs.values()].map((s) => structuredClone(s));
  }

  create(body: unknown, identity: { userId?: string }): ActivitySubscription {
    const b = (body ?? {}) as Json;
    for (const key of Object.keys(b)) {
      if (!['event_type', 'filter', 'tag', 'webhook_id'].includes(key)) invalidKey(key);
    }
    const type = b.event_type;
    if (typeof type !== 'string' || !(XAA_EVENT_TYPES as readonly string[]).includes(type)) {
      throw invalidBody(`\`event_type\` must be one of [${XAA_EVENT_TYPES.join(', ')}]`);
    }
    const filter = parseFilter(b.filter);
    if (type !== 'news.new' && !filter.user_id) throw invalidBody(`\`filter.user_id\` is required for ${type}`);
    if (isPrivate(type) && identity.userId !== undefined && identity.userId !== filter.user_id) {
      throw new SandboxError(403, {
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: `${type} is a private event: only user ${filter.user_id} can subscribe to it.`,
      });
    }
    const tag = b.tag;
    if (tag !== undefined && (typeof tag !== 'string' || tag.length < 1 || tag.length > 200)) {
      throw invalidBody('`tag` must be 1 to 200 characters');
    }
    const webhookId = b.webhook_id;
    if (webhookId !== undefined && (typeof webhookId !== 'string' || !this.engine.getWebhook(webhookId))) {
      throw invalidBody('WebhookIdInvalid');
    }
    const same = this.list().find((s) => s.event_type === type && JSON.stringify(s.filter) === JSON.stringify(filter));
    if (same) {
      throw new SandboxError(409, {
        title: 'Conflict',
        type: 'https://api.twitter.com/2/problems/conflict',
        detail: `A subscription to ${type} with this filter exists already (${same.subscription_id}).`,
      });
    }
    const now = this.engine.clock().toISOString();
    const sub: ActivitySubscription = {
      subscription_id: this.minter.mint(this.engine.clock()),
      event_type: type,
      filter,
      ...(typeof tag === 'string' ? { tag } : {}),
      ...(typeof webhookId === 'string' ? { webhook_id: webhookId } : {}),
      created_at: now,
      updated_at: now,
    };
    this.subs.set(sub.subscription_id, sub);
    return structuredClone(sub);
  }

  update(id: string, body: unknown): ActivitySubscription {
    const sub = this.require(id);
    const b = (body ?? {}) as Json;
    for (const key of Object.keys(b)) if (!['tag', 'webhook_id'].includes(key)) invalidKey(key);
    if (typeof b.tag === 'string' && b.tag.length >= 1 && b.tag.length <= 200) sub.tag = b.tag;
    if (typeof b.webhook_id === 'string') {
      if (!this.engine.getWebhook(b.webhook_id)) throw invalidBody('WebhookIdInvalid');
      sub.webhook_id = b.webhook_id;
    }
    sub.updated_at = this.engine.clock().toISOString();
    return structuredClone(sub);
  }

  delete(id: string): boolean {
    this.require(id);
    return this.subs.delete(id);
  }

  private require(id: string): ActivitySubscription {
    if (!ID_PATTERN.test(id)) {
      throw invalidParam('subscription_id', id, `The \`subscription_id\` value [${id}] does not match ^[0-9]{1,19}$`);
    }
    const sub = this.subs.get(id);
    if (!sub) {
      throw new SandboxError(404, {
        // The spec's ResourceNotFoundProblem knows no `subscription` resource type: a generic problem.
        title: 'Not Found Error',
        type: 'about:blank',
        status: 404,
        detail: `Could not find subscription with subscription_id: [${id}].`,
      });
    }
    return sub;
  }

  /** Opens one persistent activity stream; several may be open, each gets every event of the app. */
  connect(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): void {
    const raw = url.searchParams.get('backfill_minutes');
    const backfill = raw === null ? 0 : Number(raw);
    if (!/^\d+$/.test(raw ?? '0') || backfill > 5) {
      throw invalidParam(
        'backfill_minutes',
        raw ?? '',
        `The \`backfill_minutes\` query parameter value [${raw}] is not between 0 and 5`,
      );
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.flushHeaders();
    const timer = setInterval(() => {
      if (!res.writableEnded) res.write('\r\n');
    }, this.keepAliveMs);
    timer.unref();
    const close = () => {
      clearInterval(timer);
      this.streams.delete(res);
      res.destroy();
    };
    req.on('close', close);
    res.on('close', close);
    const since = this.engine.clock().getTime() - backfill * 60_000;
    if (backfill > 0) for (const r of this.recent) if (r.at >= since) res.write(r.line);
    this.streams.add(res);
  }

  /** Ends every open activity stream (the client reconnects), as an operational disconnect would. */
  disconnectStreams(): void {
    for (const res of [...this.streams]) res.destroy();
    this.streams.clear();
  }

  close(): void {
    this.disconnectStreams();
    this.unsubscribe();
  }

  private deliver(eventType: string, userId: string, direction: 'inbound' | 'outbound' | undefined, build: () => Json) {
    for (const sub of this.subs.values()) {
      if (sub.event_type !== eventType || sub.filter.user_id !== userId) continue;
      if (sub.filter.direction && direction && sub.filter.direction !== direction) continue;
      const eventUuid = this.minter.mint(this.engine.clock());
      const { payload, includes } = build() as { payload: Json; includes?: Json };
      const envelope = {
        data: {
          event_uuid: eventUuid,
          filter: sub.filter,
          event_type: eventType,
          ...(sub.tag ? { tag: sub.tag } : {}),
          payload,
          ...(includes ? { includes } : {}),
        },
      };
      const body = serialize(envelope);
      const line = body + '\r\n';
      const now = this.engine.clock().getTime();
      this.recent = this.recent.filter((r) => r.at >= now - 5 * 60_000);
      this.recent.push({ at: now, line });
      for (const res of this.streams) res.write(line);
      if (sub.webhook_id) {
        const hook = this.engine.getWebhook(sub.webhook_id);
        if (hook?.valid) this.webhooks.enqueue(hook, userId, eventType, body);
      }
      this.onDelivered(eventType, eventUuid);
    }
  }

  private post(t: SandboxTweet): Json {
    const { includes } = expandTweets(this.engine, [t], POST_SELECTION);
    return { payload: renderTweet(this.engine, t, POST_SELECTION.tweetFields), ...(includes ? { includes } : {}) };
  }

  private user(u: SandboxUser): Json {
    return renderUser(this.engine, u, POST_SELECTION.userFields);
  }

  private onEvent(e: SandboxEvent): void {
    switch (e.type) {
      case 'tweet.create':
        return this.onPost(e.tweet);
      case 'dm.create': {
        const users: Json = {};
        for (const id of [e.event.senderId, e.event.recipientId]) {
          const u = this.engine.findUserById(id);
          if (u) users[id] = { data: this.user(u) };
        }
        const payload = { direct_message_events: [v1DmEvent(this.engine, e.event)], users };
        this.deliver('dm.received', e.event.recipientId, 'inbound', () => ({ payload }));
        this.deliver('dm.sent', e.event.senderId, 'outbound', () => ({ payload }));
        return;
      }
      case 'follow': {
        const source = this.engine.findUserById(e.followerId);
        const target = this.engine.findUserById(e.targetId);
        if (!source || !target) return;
        const build = () => ({ payload: { source: this.user(source), target: this.user(target) } });
        this.deliver('follow.follow', e.targetId, 'inbound', build);
        this.deliver('follow.follow', e.followerId, 'outbound', build);
        return;
      }
      case 'like': {
        const liker = this.engine.findUserById(e.userId);
        const build = () => ({
          payload: {
            id: this.minter.mint(this.engine.clock()),
            created_at: e.tweet.createdAt,
            timestamp_ms: Date.parse(e.at),
            liked_tweet_id: e.tweet.id,
            tweet_author_id: e.tweet.authorId,
            liked_tweet_author_id: e.tweet.authorId,
          },
          includes: {
            users: liker ? [this.user(liker)] : [],
            tweets: [renderTweet(this.engine, e.tweet, POST_SELECTION.tweetFields)],
          },
        });
        this.deliver('like.create', e.tweet.authorId, 'inbound', build);
        this.deliver('like.create', e.userId, 'outbound', build);
        return;
      }
      default:
        return;
    }
  }

  private onPost(t: SandboxTweet): void {
    if (t.retweetOfId) {
      const original = this.engine.getTweet(t.retweetOfId);
      if (original) this.deliver('post.repost.create', original.authorId, 'inbound', () => this.post(t));
      return;
    }
    this.deliver('post.create', t.authorId, 'outbound', () => this.post(t));
    const quoted = t.quoteTweetId ? this.engine.getTweet(t.quoteTweetId)?.authorId : undefined;
    if (quoted && quoted !== t.authorId) this.deliver('post.quote.create', quoted, 'inbound', () => this.post(t));
    if (t.inReplyToUserId && t.inReplyToUserId !== t.authorId) {
      this.deliver('post.reply.create', t.inReplyToUserId, 'inbound', () => this.post(t));
    }
    for (const id of new Set(t.entities.mentions.map((m) => m.id))) {
      if (id && id !== t.authorId) this.deliver('post.mention.create', id, 'inbound', () => this.post(t));
    }
  }
}

function invalidKey(key: string): never {
  throw invalidBody(`[${key}] is not a valid property of this request body`);
}

function parseFilter(value: unknown): ActivityFilter {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidBody('`filter` must be an object');
  const f = value as Json;
  const out: ActivityFilter = {};
  for (const [key, v] of Object.entries(f)) {
    if (key === 'user_id' && typeof v === 'string' && ID_PATTERN.test(v)) out.user_id = v;
    else if (key === 'direction' && (v === 'inbound' || v === 'outbound')) out.direction = v;
    else if (key === 'keyword' && typeof v === 'string' && v.length >= 1 && v.length <= 150) out.keyword = v;
    else throw invalidBody(`\`filter.${key}\` is not valid`);
  }
  return out;
}

/** The pay-per-use line an event is billed on. */
export function activityCostKind(
  eventType: string,
): 'activity_dm_event' | 'activity_post_event' | 'activity_like_event' | 'activity_follow_event' {
  if (eventType.startsWith('dm.')) return 'activity_dm_event';
  if (eventType.startsWith('like.')) return 'activity_like_event';
  if (eventType.startsWith('follow.')) return 'activity_follow_event';
  return 'activity_post_event';
}
