import { createHmac, randomBytes } from 'node:crypto';
import type {
  SandboxDmEvent,
  SandboxEngine,
  SandboxEvent,
  SandboxTweet,
  SandboxUser,
  SandboxWebhook,
} from './engine.ts';
import { invalidRequest, type SandboxError } from './errors.ts';
import { displayUrl } from './render.ts';
import { extractEntities } from './text.ts';
import { rawId, serialize } from './v1-json.ts';
import { v1DmAttachment, v1TweetMedia } from './v1-media.ts';

/** Account Activity API webhooks (contract §13): CRC on registration, signed v1.1-format deliveries. */

export interface WebhookOptions {
  /** Waits between attempts; one attempt plus one per entry. Default [2000, 10000, 30000]. */
  retryDelaysMs: number[];
  /** Per-attempt timeout (CRC and delivery). */
  timeoutMs: number;
  /** X requires https and no port (UrlValidationFailed); the sandbox allows http and ports unless strict. */
  strictUrls: boolean;
}

export interface WebhookDelivery {
  webhookId: string;
  forUserId: string;
  kind: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  lastStatusCode?: number | undefined;
  lastError?: string | undefined;
}

/** base64(HMAC-SHA256(consumer secret, message)) prefixed "sha256=", for CRC answers and signatures. */
export function webhookSignature(consumerSecret: string, message: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', consumerSecret).update(message).digest('base64');
}

function webhookProblem(reason: string, url?: string): SandboxError {
  return invalidRequest([{ parameters: url === undefined ? {} : { url: [url] }, message: reason }]);
}

// ---- v1.1 payload objects (contract §13.5) ----------------------------------------------------------------

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Thu Aug 20 14:03:11 +0000 2026" */
export function v1Date(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

function v1User(engine: SandboxEngine, u: SandboxUser): Record<string, unknown> {
  return {
    id: rawId(u.id),
    id_str: u.id,
    name: u.name,
    screen_name: u.username,
    description: u.description,
    protected: false,
    verified: u.verified,
    followers_count: engine.countFollowers(u.id),
    friends_count: engine.countFollowing(u.id),
    statuses_count: engine.countTweets(u.id),
    created_at: v1Date(u.createdAt),
    profile_image_url_https: u.profileImageUrl,
  };
}

function v1Entities(engine: SandboxEngine, t: SandboxTweet): Record<string, unknown> {
  return {
    hashtags: t.entities.hashtags.map((h) => ({ text: h.tag, indices: [h.start, h.end] })),
    // The media's own short link is in `media`, not in `urls`.
    urls: t.entities.urls.filter((u) => u.mediaKey === undefined).map(v1Url),
    user_mentions: t.entities.mentions
      .filter((m) => m.id)
      .map((m) => ({
        screen_name: m.username,
        name: engine.findUserById(m.id!)?.name ?? m.username,
        id: rawId(m.id!),
        id_str: m.id,
        indices: [m.start, m.end],
      })),
    symbols: t.entities.cashtags.map((c) => ({ text: c.tag, indices: [c.start, c.end] })),
  };
}

function v1Url(u: { url: string; start: number; end: number }): Record<string, unknown> {
  return { url: u.url, expanded_url: u.url, display_url: displayUrl(u.url), indices: [u.start, u.end] };
}

function v1Tweet(engine: SandboxEngine, t: SandboxTweet, depth = 0): Record<string, unknown> {
  const author = engine.findUserById(t.authorId);
  const chars = [...t.text];
  const long = chars.length > 140;
  const out: Record<string, unknown> = {
    created_at: v1Date(t.createdAt),
    id: rawId(t.id),
    id_str: t.id,
    // Long posts: the first 140 characters here, the whole post in extended_tweet.
    text: long ? chars.slice(0, 140).join('') : t.text,
    display_text_range: [t.displayStart, Math.min(chars.length, 140)],
    truncated: long,
    in_reply_to_status_id: t.inReplyToTweetId ? rawId(t.inReplyToTweetId) : null,
    in_reply_to_status_id_str: t.inReplyToTweetId ?? null,
    in_reply_to_user_id: t.inReplyToUserId ? rawId(t.inReplyToUserId) : null,
    in_reply_to_user_id_str: t.inReplyToUserId ?? null,
    in_reply_to_screen_name: t.inReplyToUserId ? (engine.findUserById(t.inReplyToUserId)?.username ?? null) : null,
    user: author ? v1User(engine, author) : { id: rawId(t.authorId), id_str: t.authorId },
    is_quote_status: t.quoteTweetId !== undefined,
    entities: v1Entities(engine, t),
    lang: t.lang,
    timestamp_ms: String(Date.parse(t.createdAt)),
  };
  const media = v1TweetMedia(engine, t);
  if (media.first) (out.entities as Record<string, unknown>).media = [media.first];
  if (media.extended) out.extended_entities = media.extended;
  if (long) {
    out.extended_tweet = {
      full_text: t.text,
      display_text_range: [t.displayStart, chars.length],
      entities: { ...v1Entities(engine, t), ...(media.first ? { media: [media.first] } : {}) },
      ...(media.extended ? { extended_entities: media.extended } : {}),
    };
  }
  if (depth === 0 && t.quoteTweetId) {
    out.quoted_status_id = rawId(t.quoteTweetId);
    out.quoted_status_id_str = t.quoteTweetId;
    const q = engine.getTweet(t.quoteTweetId);
    if (q) out.quoted_status = v1Tweet(engine, q, 1);
  }
  if (depth === 0 && t.retweetOfId) {
    const r = engine.getTweet(t.retweetOfId);
    if (r) out.retweeted_status = v1Tweet(engine, r, 1);
  }
  return out;
}

export function v1DmEvent(engine: SandboxEngine, e: SandboxDmEvent): Record<string, unknown> {
  const attachment = v1DmAttachment(engine, e);
  return {
    type: 'message_create',
    id: e.id,
    created_timestamp: String(Date.parse(e.createdAt)),
    message_create: {
      target: { recipient_id: e.recipientId },
      sender_id: e.senderId,
      message_data: {
        text: e.text,
        entities: { hashtags: [], symbols: [], user_mentions: [], urls: extractEntities(e.text).urls.map(v1Url) },
        ...(attachment ? { attachment } : {}),
      },
    },
  };
}

// ---- dispatcher ---------------------------------------------------------------------------------------

export class WebhookDispatcher {
  private log: WebhookDelivery[] = [];
  private pending = new Set<Promise<void>>();
  private timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: SandboxEngine,
    private readonly options: WebhookOptions,
    private readonly maxWebhooks: number,
  ) {
    this.unsubscribe = engine.onEvent((e) => this.onEvent(e));
  }

  /** Sends GET <url>?crc_token=… and checks the response_token, as X does on registration and PUT. */
  async crc(url: string): Promise<boolean> {
    const token = randomBytes(18).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('crc_token', token);
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (res.status !== 200) return false;
      const body = (await res.json()) as { response_token?: unknown };
      return body.response_token === webhookSignature(this.engine.app.consumerSecret, token);
    } catch {
      return false;
    }
  }

  private validateUrl(url: unknown): string {
    if (typeof url !== 'string' || url.length === 0 || url.length > 200) {
      throw webhookProblem('UrlValidationFailed', typeof url === 'string' ? url : undefined);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw webhookProblem('UrlValidationFailed', url);
    }
    const okScheme = this.options.strictUrls ? parsed.protocol === 'https:' : /^https?:$/.test(parsed.protocol);
    if (!okScheme || (this.options.strictUrls && parsed.port !== '')) throw webhookProblem('UrlValidationFailed', url);
    return url;
  }

  async register(rawUrl: unknown): Promise<SandboxWebhook> {
    const url = this.validateUrl(rawUrl);
    if (this.engine.listWebhooks().some((w) => w.url === url)) throw webhookProblem('DuplicateUrlFailed', url);
    if (this.engine.listWebhooks().length >= this.maxWebhooks) throw webhookProblem('WebhookLimitExceeded', url);
    if (!(await this.crc(url))) throw webhookProblem('CrcValidationFailed', url);
    return this.engine.addWebhook(url);
  }

  /** PUT /2/webhooks/:id — re-runs the CRC; a failure marks the webhook invalid (it stops receiving events). */
  async revalidate(id: string): Promise<boolean> {
    const hook = this.engine.getWebhook(id);
    if (!hook) throw webhookProblem('WebhookIdInvalid');
    const ok = await this.crc(hook.url);
    this.engine.setWebhookValid(id, ok);
    return ok;
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  /** Resolves once every queued delivery has succeeded or exhausted its retries. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    // Cancel waits between attempts and let their deliveries settle as failed, so idle() never hangs.
    for (const [t, wake] of this.timers) {
      clearTimeout(t);
      wake();
    }
    this.timers.clear();
  }

  private onEvent(e: SandboxEvent): void {
    const targets = (
      userIds: (string | undefined)[],
      build: (forUserId: string) => Record<string, unknown>,
      kind: string,
    ) => {
      for (const userId of new Set(userIds.filter((x): x is string => x !== undefined))) {
        for (const hook of this.engine.listWebhooks()) {
          if (!hook.valid || !this.engine.isSubscribed(hook.id, userId)) continue;
          this.enqueue(hook, userId, kind, serialize({ for_user_id: userId, ...build(userId) }));
        }
      }
    };
    switch (e.type) {
      case 'tweet.create': {
        const t = e.tweet;
        // Posts by, to, mentioning, quoting or reposting the subscribed user (contract §13.5).
        const quoted = t.quoteTweetId ? this.engine.getTweet(t.quoteTweetId)?.authorId : undefined;
        const reposted = t.retweetOfId ? this.engine.getTweet(t.retweetOfId)?.authorId : undefined;
        const payload = v1Tweet(this.engine, t);
        targets(
          [t.authorId, t.inReplyToUserId, quoted, reposted, ...t.entities.mentions.map((m) => m.id)],
          (forUserId) => ({
            ...(forUserId !== t.authorId ? { user_has_blocked: 'false' } : {}),
            tweet_create_events: [payload],
          }),
          'tweet_create_events',
        );
        break;
      }
      case 'tweet.delete':
        targets(
          [e.tweet.authorId],
          () => ({
            tweet_delete_events: [
              {
                status: { id: e.tweet.id, user_id: e.tweet.authorId },
                timestamp_ms: String(this.engine.clock().getTime()),
              },
            ],
          }),
          'tweet_delete_events',
        );
        break;
      case 'dm.create': {
        // Both sides get the event; the desk's own outgoing DMs arrive too.
        const users: Record<string, unknown> = {};
        for (const id of [e.event.senderId, e.event.recipientId]) {
          const u = this.engine.findUserById(id);
          if (u)
            users[id] = { ...v1User(this.engine, u), id: u.id, created_timestamp: String(Date.parse(u.createdAt)) };
        }
        targets(
          [e.event.senderId, e.event.recipientId],
          () => ({ direct_message_events: [v1DmEvent(this.engine, e.event)], users }),
          'direct_message_events',
        );
        break;
      }
      case 'follow':
      case 'unfollow': {
        const source = this.engine.findUserById(e.followerId);
        const target = this.engine.findUserById(e.targetId);
        if (!source || !target) break;
        const event = {
          type: e.type,
          created_timestamp: String(Date.parse(e.at)),
          target: v1User(this.engine, target),
          source: v1User(this.engine, source),
        };
        // X tells the followed account about new followers, never about unfollows.
        targets(
          e.type === 'follow' ? [e.followerId, e.targetId] : [e.followerId],
          () => ({ follow_events: [event] }),
          'follow_events',
        );
        break;
      }
      case 'like': {
        const liker = this.engine.findUserById(e.userId);
        if (!liker) break;
        const event = {
          id: randomBytes(16).toString('hex'),
          created_at: v1Date(e.at),
          timestamp_ms: Date.parse(e.at),
          favorited_status: v1Tweet(this.engine, e.tweet),
          user: v1User(this.engine, liker),
        };
        targets([e.tweet.authorId, e.userId], () => ({ favorite_events: [event] }), 'favorite_events');
        break;
      }
    }
  }

  /** Queues one signed delivery (also used by the X Activity API's webhook deliveries). */
  enqueue(hook: SandboxWebhook, forUserId: string, kind: string, body: string): void {
    if (this.closed) return;
    const record: WebhookDelivery = { webhookId: hook.id, forUserId, kind, attempts: 0, status: 'pending' };
    this.log.push(record);
    if (this.log.length > 1000) this.log.shift();
    const signature = webhookSignature(this.engine.app.consumerSecret, body);
    const attempt = async (): Promise<void> => {
      record.attempts++;
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.lastStatusCode = res.status;
        if (res.status >= 200 && res.status < 300) {
          record.status = 'delivered';
          return;
        }
        record.lastError = `HTTP ${res.status}`;
      } catch (err) {
        record.lastError = err instanceof Error ? err.message : String(err);
      }
      const delay = this.options.retryDelaysMs[record.attempts - 1];
      if (delay === undefined || this.closed) {
        record.status = 'failed';
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, delay);
        timer.unref();
        this.timers.set(timer, resolve);
      });
      if (this.closed) {
        record.status = 'failed';
        return;
      }
      return attempt();
    };
    const p = attempt().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
