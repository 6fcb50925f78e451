import http from 'node:http';
import https from 'node:https';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  ETwitterStreamEvent,
  TwitterApi,
  type ITwitterApiClientPlugin,
  type TweetV2PaginableTimelineResult,
} from 'twitter-api-v2';
import type { XMedia, XUrlEntity } from './x-media.ts';
import { createXMediaClient, type XMediaClient } from './x-upload.ts';
export type { XMedia, XUrlEntity } from './x-media.ts';

/** Minutes of posts the filtered stream replays on each connection (X allows 0–5). */
const STREAM_BACKFILL_MINUTES = 2;

/**
 * The narrow slice of X API v2 the desk uses. We own this interface so the connector can be tested with
 * any implementation and a library upgrade touches one file. Payloads keep X's v2 snake_case shapes.
 */
export interface XUser {
  id: string;
  name: string;
  username: string;
  description?: string;
  profile_image_url?: string;
  verified?: boolean;
  verified_type?: string;
  public_metrics?: { followers_count?: number; following_count?: number; tweet_count?: number };
  /** The profile's website, as a t.co link; the real address is in `entities.url`. */
  url?: string;
  entities?: {
    url?: { urls?: XUrlEntity[] };
    description?: { urls?: XUrlEntity[] };
  };
  pinned_tweet_id?: string;
}

export interface XTweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  conversation_id?: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted' | 'retweeted'; id: string }[];
  entities?: { mentions?: { start: number; end: number; username: string; id?: string }[]; urls?: XUrlEntity[] };
  /** With `expansions=attachments.media_keys`, the media objects are in the page's `includes.media`. */
  attachments?: { media_keys?: string[] };
  /** A long post: `text` is cut, the whole text and its entities are here. */
  note_tweet?: { text?: string; entities?: { urls?: XUrlEntity[] } };
  lang?: string;
  /** Code-point range of the author's own text, after auto-populated reply @mentions. */
  display_text_range?: [number, number];
  public_metrics?: Record<string, number>;
}

export interface XPage {
  data: XTweet[];
  includes: { users: XUser[]; tweets: XTweet[]; media?: XMedia[] };
  meta: { resultCount: number; newestId?: string; oldestId?: string; nextToken?: string };
}

export interface XTimelineOptions {
  sinceId?: string | undefined;
  untilId?: string | undefined;
  startTime?: Date | undefined;
  paginationToken?: string | undefined;
  /** 5–100. */
  maxResults: number;
}

/** A DM event as v2 returns it (only MessageCreate events carry text). */
export interface XDmEvent {
  id: string;
  event_type: 'MessageCreate' | 'ParticipantsJoin' | 'ParticipantsLeave' | string;
  text?: string;
  sender_id?: string;
  dm_conversation_id?: string;
  created_at?: string;
  participant_ids?: string[];
  attachments?: { media_keys?: string[] };
  /** The spec lists a DM's links at the top level; `entities.urls` is read too. */
  urls?: XUrlEntity[];
  entities?: { urls?: XUrlEntity[] };
}

export interface XDmPage {
  data: XDmEvent[];
  includes: { users: XUser[]; media?: XMedia[] };
  meta: { resultCount: number; nextToken?: string };
}

export interface XDmListOptions {
  paginationToken?: string | undefined;
  /** 1–100. */
  maxResults: number;
}

export interface XClient {
  me(): Promise<XUser>;
  /** GET /2/users/me with the profile's fields and its pinned post expanded (contract §3.1). */
  meProfile(): Promise<{ user: XUser; pinnedTweet: XTweet | undefined }>;
  /** The account's DM events, newest first (GET /2/dm_events). */
  dmEvents(options: XDmListOptions): Promise<XDmPage>;
  /** One-to-one conversation with a person, newest first. */
  dmEventsWith(participantId: string, options: XDmListOptions): Promise<XDmPage>;
  /** `mediaIds`: one uploaded picture (`attachments: [{media_id}]`, contract §9.3). */
  sendDm(
    participantId: string,
    text: string,
    mediaIds?: string[],
  ): Promise<{ dmConversationId: string; dmEventId: string }>;
  /** Makes sure the filtered stream has this rule (by value) and connects; needs `appBearerToken`. */
  openStream(rule: { value: string; tag: string }, events: XStreamEvents): Promise<XStreamHandle>;
  mentions(userId: string, options: XTimelineOptions): Promise<XPage>;
  userTweets(userId: string, options: XTimelineOptions): Promise<XPage>;
  /** Recent search (last 7 days), newest first; `paginationToken` is sent as `next_token`. */
  search(query: string, options: XTimelineOptions): Promise<XPage>;
  /** `mediaIds`: uploaded pictures (`media.media_ids`, 1–4, contract §7.1). */
  reply(text: string, inReplyToTweetId: string, mediaIds?: string[]): Promise<{ id: string; text: string }>;
  /** Files in and out (x-upload.ts); optional so that test doubles without media need not have them. */
  uploadMedia?: XMediaClient['uploadMedia'];
  downloadPrivateMedia?: XMediaClient['downloadPrivateMedia'];
  /** POST /2/tweets without a reply target: a standalone post on the account's timeline. */
  post(text: string): Promise<{ id: string; text: string }>;
  tweets(ids: string[]): Promise<XPage>;
  /** POST /2/users/:id/likes (contract §8.2); `userId` is the authenticated account. */
  like(userId: string, tweetId: string): Promise<{ liked: boolean }>;
  /** POST /2/users/:id/retweets (contract §8.1); X may also return the repost's id. */
  retweet(userId: string, tweetId: string): Promise<{ retweeted: boolean; id?: string | undefined }>;
}

/**
 * Every failure an XClient reports: an HTTP answer (status + X's body) or a transport failure (no status).
 * The connector turns these into ConnectorError kinds.
 */
export class XApiError extends Error {
  readonly status: number | undefined;
  readonly body: unknown;
  /** From `x-rate-limit-reset`, Unix seconds. */
  readonly rateLimitReset: number | undefined;

  constructor(
    message: string,
    options: { status?: number; body?: unknown; rateLimitReset?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'XApiError';
    this.status = options.status;
    this.body = options.body;
    this.rateLimitReset = options.rateLimitReset;
  }

  /** X puts the human reason in `detail` (problem bodies) or `errors[0].message`/`detail` (legacy and partial). */
  get detail(): string {
    const b = this.body as { detail?: unknown; errors?: { message?: unknown; detail?: unknown }[] } | undefined;
    if (b && typeof b.detail === 'string') return b.detail;
    const first = b?.errors?.[0];
    if (first && typeof first.detail === 'string') return first.detail;
    if (first && typeof first.message === 'string') return first.message;
    return '';
  }
}

export type XCredentials = (
  | { kind: 'oauth2-user'; accessToken: string }
  | { kind: 'oauth1'; appKey: string; appSecret: string; accessToken: string; accessSecret: string }
) & {
  /** App-only bearer token: the filtered stream accepts nothing else (contract §6). */
  appBearerToken?: string | undefined;
};

export interface XStreamHandle {
  close(): void;
}

export interface XStreamEvents {
  onTweet(page: XPage): void;
  /** Connection state for channel health: `lost` is followed by automatic reconnection. */
  onState(state: 'connected' | 'lost' | 'reconnected', detail?: string): void;
}

export interface TwitterApiXClientOptions {
  credentials: XCredentials;
  /** e.g. `http://127.0.0.1:4010` for the sandbox; requests to https://api.x.com are redirected there. */
  apiBaseUrl?: string | undefined;
  /** Per-request timeout; default 20 s. A hung socket must not stall the poller forever. */
  timeoutMs?: number | undefined;
}

export const X_TWEET_FIELDS = [
  'author_id',
  'created_at',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'entities',
  'lang',
  'display_text_range',
  'public_metrics',
  'attachments',
  'note_tweet',
];
export const X_USER_FIELDS = [
  'name',
  'username',
  'description',
  'profile_image_url',
  'verified',
  'verified_type',
  'public_metrics',
];
/** What the set-up checklist reads of the account's own profile. */
export const X_PROFILE_FIELDS = [
  'name',
  'username',
  'description',
  'url',
  'entities',
  'pinned_tweet_id',
  'profile_image_url',
  'verified',
];
export const X_EXPANSIONS = [
  'author_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.author_id',
  'attachments.media_keys',
];
/** What the desk shows of a photo, GIF or video (contract §1.1, Tweet `attachments`). */
export const X_MEDIA_FIELDS = [
  'media_key',
  'type',
  'url',
  'preview_image_url',
  'alt_text',
  'duration_ms',
  'width',
  'height',
  'variants',
];

const X_ORIGIN = 'https://api.x.com';

/** Contract §14: rewrite the hard-coded origin before the URL is parsed and signed; also sets a timeout. */
function requestPlugin(apiBaseUrl: string | undefined, timeoutMs: number): ITwitterApiClientPlugin {
  const base = apiBaseUrl?.replace(/\/+$/, '');
  return {
    onBeforeRequestConfig({ params }) {
      if (base) params.url = params.url.replace(X_ORIGIN, base);
      params.timeout ??= timeoutMs;
    },
    onBeforeStreamRequestConfig({ params }) {
      if (base) params.url = params.url.replace(X_ORIGIN, base);
    },
  };
}

function toXApiError(err: unknown): XApiError {
  if (err instanceof XApiError) return err;
  if (err instanceof ApiResponseError) {
    const header = err.headers?.['x-rate-limit-reset'];
    const reset = err.rateLimit?.reset ?? (typeof header === 'string' ? Number(header) : undefined);
    return new XApiError(err.message, {
      status: err.code,
      body: err.data,
      ...(reset !== undefined && Number.isFinite(reset) ? { rateLimitReset: reset } : {}),
      cause: err,
    });
  }
  if (err instanceof ApiRequestError || err instanceof ApiPartialResponseError) {
    return new XApiError(`X request failed: ${err.message}`, { cause: err });
  }
  return new XApiError(err instanceof Error ? err.message : String(err), { cause: err });
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toXApiError(err);
  }
}

/** X wants `YYYY-MM-DDTHH:mm:ssZ`; flooring to the second only widens the window. */
export function xTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toPage(result: Partial<TweetV2PaginableTimelineResult> & { data?: unknown }): XPage {
  const meta = (result.meta ?? {}) as {
    result_count?: number;
    newest_id?: string;
    oldest_id?: string;
    next_token?: string;
  };
  const data = Array.isArray(result.data) ? (result.data as XTweet[]) : [];
  return {
    data,
    includes: {
      users: (result.includes?.users ?? []) as XUser[],
      tweets: (result.includes?.tweets ?? []) as XTweet[],
      media: (result.includes?.media ?? []) as XMedia[],
    },
    meta: {
      resultCount: meta.result_count ?? data.length,
      ...(meta.newest_id ? { newestId: meta.newest_id } : {}),
      ...(meta.oldest_id ? { oldestId: meta.oldest_id } : {}),
      ...(meta.next_token ? { nextToken: meta.next_token } : {}),
    },
  };
}

export const X_DM_EVENT_FIELDS = [
  'id',
  'text',
  'event_type',
  'created_at',
  'sender_id',
  'dm_conversation_id',
  'participant_ids',
  'attachments',
  'entities',
];

function dmQuery(o: XDmListOptions): Record<string, string | number> {
  const q: Record<string, string | number> = {
    max_results: o.maxResults,
    event_types: 'MessageCreate',
    'dm_event.fields': X_DM_EVENT_FIELDS.join(','),
    expansions: 'sender_id,attachments.media_keys',
    'user.fields': X_USER_FIELDS.join(','),
    'media.fields': X_MEDIA_FIELDS.join(','),
  };
  if (o.paginationToken) q.pagination_token = o.paginationToken;
  return q;
}

function toDmPage(result: {
  data?: unknown;
  includes?: { users?: unknown; media?: unknown };
  meta?: unknown;
}): XDmPage {
  const meta = (result.meta ?? {}) as { result_count?: number; next_token?: string };
  const data = Array.isArray(result.data) ? (result.data as XDmEvent[]) : [];
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  return {
    data,
    includes: {
      users: list(result.includes?.users) as XUser[],
      media: list(result.includes?.media) as XMedia[],
    },
    meta: { resultCount: meta.result_count ?? data.length, ...(meta.next_token ? { nextToken: meta.next_token } : {}) },
  };
}

function timelineQuery(o: XTimelineOptions): Record<string, string | number> {
  const q: Record<string, string | number> = {
    max_results: o.maxResults,
    'tweet.fields': X_TWEET_FIELDS.join(','),
    'user.fields': X_USER_FIELDS.join(','),
    expansions: X_EXPANSIONS.join(','),
    'media.fields': X_MEDIA_FIELDS.join(','),
  };
  if (o.sinceId) q.since_id = o.sinceId;
  if (o.untilId) q.until_id = o.untilId;
  if (o.startTime) q.start_time = xTime(o.startTime);
  if (o.paginationToken) q.pagination_token = o.paginationToken;
  return q;
}

/** The production XClient: the real `twitter-api-v2` client, optionally pointed at a local X sandbox. */
export function createTwitterApiXClient(options: TwitterApiXClientOptions): XClient {
  const { credentials, apiBaseUrl } = options;
  const plugin = requestPlugin(apiBaseUrl, options.timeoutMs ?? 20_000);
  // An http.Agent lets twitter-api-v2's https.request reach an http:// sandbox (contract §14).
  const httpAgent = apiBaseUrl?.startsWith('http:')
    ? new http.Agent({ keepAlive: true })
    : new https.Agent({ keepAlive: true });
  const settings = { httpAgent, plugins: [plugin] };
  const api =
    credentials.kind === 'oauth2-user'
      ? new TwitterApi(credentials.accessToken, settings)
      : new TwitterApi(
          {
            appKey: credentials.appKey,
            appSecret: credentials.appSecret,
            accessToken: credentials.accessToken,
            accessSecret: credentials.accessSecret,
          },
          settings,
        );
  const v2 = api.v2;
  const fields = {
    'tweet.fields': X_TWEET_FIELDS.join(','),
    'user.fields': X_USER_FIELDS.join(','),
    expansions: X_EXPANSIONS.join(','),
    'media.fields': X_MEDIA_FIELDS.join(','),
  };

  const appApi = credentials.appBearerToken ? new TwitterApi(credentials.appBearerToken, settings) : undefined;
  const files = createXMediaClient(api, apiBaseUrl);

  return {
    uploadMedia: (data, options) => call(() => files.uploadMedia(data, options)),
    downloadPrivateMedia: (url) => call(() => files.downloadPrivateMedia(url)),
    openStream: (rule, events) =>
      call(async () => {
        if (!appApi) throw new XApiError('The filtered stream needs an app bearer token', { status: 403 });
        const rules = await appApi.v2.streamRules();
        if (!(rules.data ?? []).some((r) => r.value === rule.value)) {
          await appApi.v2.updateStreamRules({ add: [rule] });
        }
        // Each (re)connection replays the last minutes (X's backfill, Pro and Enterprise): posts made while no
        // process held the stream (its worker died, its lease ran out) come again, and ingestion drops the
        // ones already stored. Polling alone cannot close such a gap: X's mentions timeline holds the newest
        // 800 (issue 15: a kill at 100 posts/s lost 1,210 mentions).
        const stream = await appApi.v2.searchStream({
          ...fields,
          backfill_minutes: STREAM_BACKFILL_MINUTES,
          autoConnect: true,
        });
        // twitter-api-v2 reconnects by itself with X's documented back-off; we only report the state.
        stream.autoReconnect = true;
        stream.autoReconnectRetries = Infinity;
        stream.on(
          ETwitterStreamEvent.Data,
          (payload: { data?: XTweet; includes?: { users?: XUser[]; tweets?: XTweet[]; media?: XMedia[] } }) => {
            if (payload.data) events.onTweet(toPage({ data: [payload.data], includes: payload.includes } as never));
          },
        );
        stream.on(ETwitterStreamEvent.ConnectionLost, () => events.onState('lost'));
        stream.on(ETwitterStreamEvent.ConnectionError, (err: Error) => events.onState('lost', err.message));
        stream.on(ETwitterStreamEvent.Reconnected, () => events.onState('reconnected'));
        events.onState('connected');
        return { close: () => stream.close() };
      }),
    me: () =>
      call(async () => {
        const res = await v2.get<{ data?: XUser; errors?: unknown[] }>('users/me', {
          'user.fields': X_USER_FIELDS.join(','),
        });
        if (!res.data) throw new XApiError('X returned no user for /2/users/me', { status: 401, body: res });
        return res.data;
      }),
    meProfile: () =>
      call(async () => {
        const res = await v2.get<{ data?: XUser; includes?: { tweets?: XTweet[] }; errors?: unknown[] }>('users/me', {
          'user.fields': X_PROFILE_FIELDS.join(','),
          expansions: 'pinned_tweet_id',
          'tweet.fields': 'created_at,text',
        });
        if (!res.data) throw new XApiError('X returned no user for /2/users/me', { status: 401, body: res });
        const pinnedId = res.data.pinned_tweet_id;
        return { user: res.data, pinnedTweet: res.includes?.tweets?.find((t) => t.id === pinnedId) };
      }),
    dmEvents: (o) => call(async () => toDmPage(await v2.get('dm_events', dmQuery(o)))),
    dmEventsWith: (participantId, o) =>
      call(async () => toDmPage(await v2.get(`dm_conversations/with/${participantId}/dm_events`, dmQuery(o)))),
    sendDm: (participantId, text, mediaIds) =>
      call(async () => {
        const res = await v2.post<{ data: { dm_conversation_id: string; dm_event_id: string } }>(
          `dm_conversations/with/${participantId}/messages`,
          mediaIds?.length ? { text, attachments: mediaIds.map((id) => ({ media_id: id })) } : { text },
        );
        return { dmConversationId: res.data.dm_conversation_id, dmEventId: res.data.dm_event_id };
      }),
    mentions: (userId, o) => call(async () => toPage(await v2.get(`users/${userId}/mentions`, timelineQuery(o)))),
    userTweets: (userId, o) => call(async () => toPage(await v2.get(`users/${userId}/tweets`, timelineQuery(o)))),
    search: (query, o) =>
      call(async () => {
        const { pagination_token: token, ...rest } = timelineQuery({ ...o, maxResults: Math.max(10, o.maxResults) });
        return toPage(
          await v2.get('tweets/search/recent', { ...rest, query, ...(token ? { next_token: token } : {}) }),
        );
      }),
    reply: (text, inReplyToTweetId, mediaIds) =>
      call(async () => {
        const media = mediaIds?.length ? { media: { media_ids: mediaIds as [string] } } : {};
        const res = await v2.reply(text, inReplyToTweetId, media);
        return { id: res.data.id, text: res.data.text };
      }),
    post: (text) =>
      call(async () => {
        const res = await v2.tweet(text);
        return { id: res.data.id, text: res.data.text };
      }),
    tweets: (ids) =>
      call(async () =>
        ids.length === 0 ? toPage({}) : toPage(await v2.get('tweets', { ids: ids.join(','), ...fields })),
      ),
    like: (userId, tweetId) =>
      call(async () => {
        const res = await v2.like(userId, tweetId);
        return { liked: Boolean(res.data?.liked) };
      }),
    retweet: (userId, tweetId) =>
      call(async () => {
        const res = (await v2.retweet(userId, tweetId)) as { data?: { retweeted?: boolean; id?: string } };
        return { retweeted: Boolean(res.data?.retweeted), ...(res.data?.id ? { id: res.data.id } : {}) };
      }),
  };
}
