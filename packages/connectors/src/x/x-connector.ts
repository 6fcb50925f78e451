import {
  ConnectorError,
  type AccountProfile,
  type Connector,
  type ConnectorCapabilities,
  type EngagementResult,
  type ConnectorFactory,
  type FetchMentionsRequest,
  type FetchResult,
  type InboundItem,
  type NetworkAccount,
  type PublishedPost,
  type PublishPostRequest,
  type PublishReplyRequest,
  type SearchRequest,
  type StreamHandlers,
} from '../connector.ts';
import {
  createTwitterApiXClient,
  XApiError,
  type XClient,
  type XCredentials,
  type XPage,
  type XTimelineOptions,
  type XTweet,
} from './x-client.ts';
import { createXDirectMessages } from './x-dms.ts';
import { createXOutgoingMedia, sameMedia, withoutMediaLink } from './x-outgoing-media.ts';
import { mapXProfile, mapXTweet, mapXUser, sameText, snowflakeDate, xDisplayText, xPostUrl } from './x-mappers.ts';

export const X_SELF_SERVE_CAPABILITIES: ConnectorCapabilities = {
  directMessages: true,
  repliesToNonMentions: false,
  streaming: false,
  maxPublicLength: 280,
  maxDirectLength: 10_000,
};

export interface XConnectorOptions {
  client: XClient;
  /** Results per request, 5–100; default 100 (one request costs the same whatever the page size). */
  pageSize?: number | undefined;
  /** Most pages one fetchMentions / findPublishedReply call may read; default 5. */
  pageBudget?: number | undefined;
  capabilities?: Partial<ConnectorCapabilities> | undefined;
}

// ---- errors ---------------------------------------------------------------------------------------

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** Maps any failure from an XClient onto the four kinds the desk's retry policy understands. */
export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (!(err instanceof XApiError)) {
    return new ConnectorError('transient', err instanceof Error ? err.message : String(err), {
      reason: 'x.unexpected',
      cause: err,
    });
  }
  const status = err.status;
  const detail = err.detail;
  const message = detail || err.message;
  if (status === undefined) return new ConnectorError('transient', message, { reason: 'x.network', cause: err });
  if (status === 429) {
    const retryAt =
      err.rateLimitReset !== undefined ? new Date(err.rateLimitReset * 1000) : new Date(Date.now() + FIFTEEN_MINUTES);
    return new ConnectorError('rate_limited', message, { reason: 'x.rate_limited', retryAt, status, cause: err });
  }
  if (status >= 500) return new ConnectorError('transient', message, { reason: 'x.server_error', status, cause: err });
  if (status === 401)
    return new ConnectorError('unauthorized', message, { reason: 'x.unauthorized', status, cause: err });
  const type = (err.body as { type?: unknown } | undefined)?.type;
  if (typeof type === 'string' && type.endsWith('/unsupported-authentication')) {
    // The token is of the wrong kind for this call: only new credentials fix it.
    return new ConnectorError('unauthorized', message, { reason: 'x.unsupported_authentication', status, cause: err });
  }
  const rejected = (reason: string) => new ConnectorError('rejected', message, { reason, status, cause: err });
  if (/not been mentioned or otherwise engaged/i.test(detail)) return rejected('x.reply_not_allowed');
  if (/duplicate content/i.test(detail)) return rejected('x.duplicate_content');
  if (/media ids? (are|is) invalid|media id \d+ is unknown|has expired/i.test(detail))
    return rejected('x.media_invalid');
  if (/text is too long/i.test(detail)) return rejected('x.text_too_long');
  if (/deleted or not visible/i.test(detail)) return rejected('x.target_unavailable');
  if (/direct message|receive messages|DMs? from/i.test(detail)) return rejected('x.dm_not_allowed');
  if (status === 402) return rejected('x.credits_depleted');
  return rejected('x.request_rejected');
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toConnectorError(err);
  }
}

// ---- cursor -----------------------------------------------------------------------------------------

/**
 * The cursor is normally the newest mention id seen. When one call cannot read every page (page budget),
 * it becomes `gap:<lower>:<untilId>:<newest>` so the next call fetches the older remainder instead of
 * skipping it; `lower` is a since id, `t<ms>` for a start time, or `-`.
 */
type Cursor =
  | { kind: 'none' }
  | { kind: 'since'; sinceId: string }
  | { kind: 'gap'; lower: { sinceId?: string; startTime?: Date }; untilId: string; newest: string };

const ID = /^[0-9]{1,19}$/;

function parseCursor(cursor: string | null): Cursor {
  if (cursor === null || cursor === '') return { kind: 'none' };
  if (ID.test(cursor)) return { kind: 'since', sinceId: cursor };
  const m = /^gap:(-|t\d+|\d{1,19}):(\d{1,19}):(\d{1,19})$/.exec(cursor);
  if (!m) throw new ConnectorError('rejected', `Unreadable X cursor: ${cursor}`, { reason: 'x.bad_cursor' });
  const lowerRaw = m[1]!;
  const lower =
    lowerRaw === '-'
      ? {}
      : lowerRaw.startsWith('t')
        ? { startTime: new Date(Number(lowerRaw.slice(1))) }
        : { sinceId: lowerRaw };
  return { kind: 'gap', lower, untilId: m[2]!, newest: m[3]! };
}

function encodeLower(lower: { sinceId?: string; startTime?: Date }): string {
  if (lower.sinceId) return lower.sinceId;
  if (lower.startTime) return `t${lower.startTime.getTime()}`;
  return '-';
}

const byId = (a: { externalId: string }, b: { externalId: string }) => {
  const x = BigInt(a.externalId);
  const y = BigInt(b.externalId);
  return x < y ? -1 : x > y ? 1 : 0;
};

function maxId(ids: string[]): string | undefined {
  return ids.reduce<string | undefined>((m, id) => (m === undefined || BigInt(id) > BigInt(m) ? id : m), undefined);
}

function minId(ids: string[]): string | undefined {
  return ids.reduce<string | undefined>((m, id) => (m === undefined || BigInt(id) < BigInt(m) ? id : m), undefined);
}

// ---- text matching for findPublishedReply -------------------------------------------------------------

function sameReplyText(tweet: XTweet, wanted: string): boolean {
  const hasMedia = Boolean(tweet.attachments?.media_keys?.length);
  return sameText(
    [xDisplayText(tweet), tweet.text].flatMap((t) => [t, withoutMediaLink(t, hasMedia)]),
    wanted,
  );
}

// ---- connector ----------------------------------------------------------------------------------------

export function createXConnector(options: XConnectorOptions): Connector {
  const { client } = options;
  const pageSize = Math.min(100, Math.max(5, options.pageSize ?? 100));
  const pageBudget = Math.max(1, options.pageBudget ?? 5);
  const capabilities = { ...X_SELF_SERVE_CAPABILITIES, ...options.capabilities };
  let self: Promise<NetworkAccount> | undefined;

  function whoAmI(): Promise<NetworkAccount> {
    // /2/users/me has a low limit (75 / 15 min): ask once per connector, retry after a failure.
    self ??= guarded(async () => mapXUser(await client.me())).catch((err: unknown) => {
      self = undefined;
      throw err;
    });
    return self;
  }

  async function fetchMentions(request: FetchMentionsRequest): Promise<FetchResult> {
    const me = await whoAmI();
    return fetchTimeline(me, request, (options) => client.mentions(me.externalId, options));
  }

  async function lookupPosts(externalIds: string[]): Promise<InboundItem[]> {
    const me = await whoAmI();
    if (externalIds.length === 0) return [];
    return guarded(async () => {
      const page = await client.tweets(externalIds.slice(0, 100));
      return page.data.map((tweet) => mapXTweet(tweet, page.includes, me.externalId)).sort(byId);
    });
  }

  async function searchRecent(request: SearchRequest): Promise<FetchResult> {
    const me = await whoAmI();
    const result = await fetchTimeline(me, request, (options) => client.search(request.query, options));
    for (const item of result.items) {
      const raw = item.raw as { tweet?: XTweet } | undefined;
      const mentionsUs =
        raw?.tweet?.entities?.mentions?.some((m) => m.username.toLowerCase() === me.handle.toLowerCase()) ?? false;
      // A post naming the brand without its handle: X's self-serve plans refuse a public reply to it.
      if (!mentionsUs && item.kind === 'mention') item.kind = 'post';
      item.repliable = capabilities.repliesToNonMentions || mentionsUs || item.kind === 'quote';
    }
    return result;
  }

  async function fetchTimeline(
    me: NetworkAccount,
    request: FetchMentionsRequest,
    read: (options: XTimelineOptions) => Promise<XPage>,
  ): Promise<FetchResult> {
    const cursor = parseCursor(request.cursor);
    return guarded(async () => {
      let lower: { sinceId?: string; startTime?: Date } = {};
      let untilId: string | undefined;
      let carriedNewest: string | undefined;
      let budget = pageBudget;
      if (cursor.kind === 'since') lower = { sinceId: cursor.sinceId };
      else if (cursor.kind === 'gap') {
        lower = cursor.lower;
        untilId = cursor.untilId;
        carriedNewest = cursor.newest;
      } else if (request.backfillSince) lower = { startTime: request.backfillSince };
      else budget = 1; // First poll without a backfill window: just the latest page.

      const items: InboundItem[] = [];
      const seen: string[] = [];
      let token: string | undefined;
      let complete = false;
      for (let page = 0; page < budget; page++) {
        const res = await read({
          ...lower,
          untilId,
          paginationToken: token,
          maxResults: pageSize,
        });
        for (const tweet of res.data) {
          seen.push(tweet.id);
          if (tweet.author_id === me.externalId) continue; // our own posts are not inbound
          items.push(mapXTweet(tweet, res.includes, me.externalId));
        }
        token = res.meta.nextToken;
        if (!token || res.data.length === 0) {
          complete = true;
          break;
        }
      }
      if (cursor.kind === 'none' && budget === 1) complete = true;

      items.sort(byId);
      const newest = carriedNewest ?? maxId(seen);
      let nextCursor: string | null;
      if (complete) nextCursor = newest ?? null;
      else nextCursor = `gap:${encodeLower(lower)}:${minId(seen)}:${newest}`;
      // Nothing new and no gap to close: keep the caller's cursor.
      if (nextCursor === request.cursor) nextCursor = null;
      return { items, nextCursor };
    });
  }

  async function publishReply(request: PublishReplyRequest): Promise<PublishedPost> {
    const me = await whoAmI();
    return guarded(async () => {
      const res = await client.reply(request.text, request.inReplyToExternalId, request.mediaIds);
      return { externalId: res.id, createdAt: snowflakeDate(res.id), url: xPostUrl(me.handle, res.id) };
    });
  }

  async function publishPost(request: PublishPostRequest): Promise<PublishedPost> {
    const me = await whoAmI();
    return guarded(async () => {
      const res = await client.post(request.text);
      return { externalId: res.id, createdAt: snowflakeDate(res.id), url: xPostUrl(me.handle, res.id) };
    });
  }

  /** Our own timeline since `since`: a post that answers nothing and carries this text is the one we sent. */
  async function findPublishedPost(request: PublishPostRequest & { since: Date }): Promise<PublishedPost | null> {
    const me = await whoAmI();
    return guarded(async () => {
      let token: string | undefined;
      for (let page = 0; page < pageBudget; page++) {
        const res = await client.userTweets(me.externalId, {
          startTime: request.since,
          paginationToken: token,
          maxResults: pageSize,
        });
        for (const tweet of res.data) {
          const standalone = !tweet.referenced_tweets?.some((r) => r.type === 'replied_to');
          if (standalone && sameReplyText(tweet, request.text)) {
            return {
              externalId: tweet.id,
              createdAt: tweet.created_at ? new Date(tweet.created_at) : snowflakeDate(tweet.id),
              url: xPostUrl(me.handle, tweet.id),
            };
          }
        }
        token = res.meta.nextToken;
        if (!token) break;
      }
      return null;
    });
  }

  async function findPublishedReply(request: PublishReplyRequest & { since: Date }): Promise<PublishedPost | null> {
    const me = await whoAmI();
    return guarded(async () => {
      let token: string | undefined;
      for (let page = 0; page < pageBudget; page++) {
        const res = await client.userTweets(me.externalId, {
          startTime: request.since,
          paginationToken: token,
          maxResults: pageSize,
        });
        for (const tweet of res.data) {
          const answers = tweet.referenced_tweets?.some(
            (r) => r.type === 'replied_to' && r.id === request.inReplyToExternalId,
          );
          if (
            answers &&
            sameReplyText(tweet, request.text) &&
            sameMedia(tweet.attachments?.media_keys, request.mediaIds)
          ) {
            return {
              externalId: tweet.id,
              createdAt: tweet.created_at ? new Date(tweet.created_at) : snowflakeDate(tweet.id),
              url: xPostUrl(me.handle, tweet.id),
            };
          }
        }
        token = res.meta.nextToken;
        if (!token) break;
      }
      return null;
    });
  }

  /**
   * Likes and reposts are one per account and post on X, so a second call is harmless: it is how a retry
   * after a lost answer reconciles. A 403 here is the plan's refusal (self-serve plans lost likes on
   * 2026-04-16, contract §8.2): reported as its own reason so the agent is told why.
   */
  async function engage(kind: 'like' | 'repost', externalId: string): Promise<EngagementResult> {
    const me = await whoAmI();
    try {
      if (kind === 'like') {
        await client.like(me.externalId, externalId);
        return {};
      }
      const res = await client.retweet(me.externalId, externalId);
      return res.id ? { externalId: res.id } : {};
    } catch (err) {
      if (err instanceof XApiError && /already (liked|retweeted|reposted)/i.test(err.detail)) return {};
      const error = toConnectorError(err);
      if (error.status === 403 && error.reason === 'x.request_rejected') {
        throw new ConnectorError(
          'rejected',
          `X refused the ${kind} (403): this X plan does not allow it through the API${err instanceof XApiError && err.detail ? ` (${err.detail})` : ''}.`,
          { reason: kind === 'like' ? 'x.like_not_allowed' : 'x.repost_not_allowed', status: 403, cause: err },
        );
      }
      throw error;
    }
  }

  /** Read fresh on each call (not cached like whoAmI): the person is editing the profile to tick the list. */
  async function getOwnProfile(): Promise<AccountProfile> {
    return guarded(async () => mapXProfile(await client.meProfile()));
  }

  async function openStream(handlers: StreamHandlers): Promise<{ close(): void }> {
    const me = await whoAmI();
    return guarded(() =>
      client.openStream(
        // One rule per brand account: posts that mention it, without reposts (signals, not work).
        { value: `@${me.handle} -is:retweet`, tag: `guichet:mentions:${me.handle}` },
        {
          onTweet: (page) => {
            const items = page.data
              .filter((t) => t.author_id !== me.externalId)
              .map((t) => mapXTweet(t, page.includes, me.externalId));
            if (items.length > 0) handlers.onItems(items);
          },
          onState: (state, detail) => handlers.onState(state, detail),
        },
      ),
    );
  }

  return {
    network: 'x',
    capabilities,
    ...(capabilities.streaming ? { openStream } : {}),
    whoAmI,
    getOwnProfile,
    fetchMentions,
    lookupPosts,
    searchRecent,
    publishReply,
    findPublishedReply,
    publishPost,
    findPublishedPost,
    like: (externalId: string) => engage('like', externalId),
    repost: (externalId: string) => engage('repost', externalId),
    postUrl: (account, externalId) => xPostUrl(account.handle, externalId),
    ...createXDirectMessages({ client, whoAmI, pageBudget, guarded }),
    ...createXOutgoingMedia({ client, guarded }),
  };
}

// ---- factory --------------------------------------------------------------------------------------------

export interface XConnectorConfig {
  credentials: XCredentials;
  /** Set to the X sandbox's URL in development and tests; omitted in production. */
  apiBaseUrl?: string | undefined;
  timeoutMs?: number | undefined;
  pageSize?: number | undefined;
  pageBudget?: number | undefined;
  /** The account's plan includes the filtered stream and `credentials.appBearerToken` is set. */
  streaming?: boolean | undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Channel settings come from storage as unknown JSON: check them before building a client. */
export function parseXConnectorConfig(config: unknown): XConnectorConfig {
  const c = config as Partial<XConnectorConfig> | null;
  const cred = c?.credentials as Record<string, unknown> | undefined;
  if (!cred || typeof cred !== 'object') throw new Error('X connector config needs `credentials`');
  let credentials: XCredentials;
  if (cred.kind === 'oauth2-user' && nonEmpty(cred.accessToken)) {
    credentials = { kind: 'oauth2-user', accessToken: cred.accessToken };
  } else if (
    cred.kind === 'oauth1' &&
    nonEmpty(cred.appKey) &&
    nonEmpty(cred.appSecret) &&
    nonEmpty(cred.accessToken) &&
    nonEmpty(cred.accessSecret)
  ) {
    credentials = {
      kind: 'oauth1',
      appKey: cred.appKey,
      appSecret: cred.appSecret,
      accessToken: cred.accessToken,
      accessSecret: cred.accessSecret,
    };
  } else {
    throw new Error(
      "X credentials must be { kind: 'oauth2-user', accessToken } or { kind: 'oauth1', appKey, appSecret, accessToken, accessSecret }",
    );
  }
  if (c?.apiBaseUrl !== undefined && !/^https?:\/\/[^/]+/.test(String(c.apiBaseUrl))) {
    throw new Error('X connector `apiBaseUrl` must be an http(s) URL');
  }
  return {
    credentials,
    apiBaseUrl: c?.apiBaseUrl,
    timeoutMs: typeof c?.timeoutMs === 'number' ? c.timeoutMs : undefined,
    pageSize: typeof c?.pageSize === 'number' ? c.pageSize : undefined,
    pageBudget: typeof c?.pageBudget === 'number' ? c.pageBudget : undefined,
  };
}

export const xConnectorFactory: ConnectorFactory<XConnectorConfig> = {
  network: 'x',
  create(config: XConnectorConfig): Connector {
    const parsed = parseXConnectorConfig(config);
    const client = createTwitterApiXClient({
      credentials: parsed.credentials,
      apiBaseUrl: parsed.apiBaseUrl,
      timeoutMs: parsed.timeoutMs,
    });
    return createXConnector({ client, pageSize: parsed.pageSize, pageBudget: parsed.pageBudget });
  },
};
