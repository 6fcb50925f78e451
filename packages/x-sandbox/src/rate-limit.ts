/** Per (endpoint, bucket) 15-minute windows; the bucket is the app for app-only calls, the user otherwise. */

export const WINDOW_MS = 15 * 60 * 1000;

/** Contract §11.1 defaults: [per app, per user]; undefined where the auth kind is refused anyway. */
export const DEFAULT_RATE_LIMITS: Record<string, { app?: number; user?: number }> = {
  'GET /2/users/me': { user: 75 },
  'GET /2/users/:id': { app: 300, user: 900 },
  'GET /2/users/by/username/:username': { app: 300, user: 900 },
  'GET /2/users/:id/mentions': { app: 450, user: 300 },
  // Not in the contract's table; X's user-timeline page lists 1,500 per app and 900 per user.
  'GET /2/users/:id/tweets': { app: 1500, user: 900 },
  'GET /2/tweets/:id': { app: 450, user: 900 },
  'GET /2/tweets': { app: 3500, user: 5000 },
  'POST /2/tweets': { app: 10000, user: 100 },
  'DELETE /2/tweets/:id': { app: 50, user: 50 },
  'GET /2/users/:id/followers': { app: 300, user: 300 },
  'GET /2/tweets/search/recent': { app: 450, user: 300 },
  'GET /2/tweets/search/stream': { app: 50 },
  'GET /2/tweets/search/stream/rules': { app: 450 },
  'POST /2/tweets/search/stream/rules': { app: 100 },
  'POST /2/users/:id/retweets': { user: 50 },
  'DELETE /2/users/:id/retweets/:source_tweet_id': { user: 50 },
  'POST /2/users/:id/likes': { user: 50 },
  'DELETE /2/users/:id/likes/:tweet_id': { user: 50 },
  'GET /2/dm_events': { user: 15 },
  'GET /2/dm_conversations/with/:participant_id/dm_events': { user: 15 },
  'GET /2/dm_conversations/:dm_conversation_id/dm_events': { user: 15 },
  // 1,440 / 24 h per app and per user (contract §11.1); the 15-minute window is the sandbox's only one.
  'POST /2/dm_conversations/with/:participant_id/messages': { app: 1440, user: 1440 },
  'POST /2/dm_conversations/:dm_conversation_id/messages': { app: 1440, user: 1440 },
  'GET /2/webhooks': { app: 450 },
  'POST /2/webhooks': { app: 450, user: 450 },
  'PUT /2/webhooks/:webhook_id': { app: 450, user: 450 },
  'DELETE /2/webhooks/:webhook_id': { app: 450, user: 450 },
};

export interface RateLimitVerdict {
  limit: number;
  remaining: number;
  /** Unix seconds. */
  reset: number;
  allowed: boolean;
}

/**
 * Overrides come as `{ 'GET /2/users/:id/mentions': 3 }` (both buckets) or with a `:app` / `:user`
 * suffix for one bucket kind.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: () => Date,
    private readonly overrides: Partial<Record<string, number>> = {},
  ) {}

  limitFor(endpoint: string, bucketKind: 'app' | 'user'): number {
    const specific = this.overrides[`${endpoint}:${bucketKind}`];
    if (specific !== undefined) return specific;
    const both = this.overrides[endpoint];
    if (both !== undefined) return both;
    return DEFAULT_RATE_LIMITS[endpoint]?.[bucketKind] ?? 900;
  }

  hit(endpoint: string, bucketKind: 'app' | 'user', bucketId: string): RateLimitVerdict {
    const now = this.clock().getTime();
    const key = `${endpoint}|${bucketKind}:${bucketId}`;
    let w = this.windows.get(key);
    if (!w || now >= w.start + WINDOW_MS) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const limit = this.limitFor(endpoint, bucketKind);
    const allowed = w.count < limit;
    if (allowed) w.count++;
    return { limit, remaining: Math.max(0, limit - w.count), reset: Math.ceil((w.start + WINDOW_MS) / 1000), allowed };
  }

  clear(): void {
    this.windows.clear();
  }
}
