import type { SandboxDmEvent, SandboxEngine, SandboxTweet, SandboxUser } from './engine.ts';
import { invalidParam, resourceNotFound, type ProblemBody } from './errors.ts';
import { dmMediaPath, mediaPageUrl, mediaPath, type SandboxMedia } from './media.ts';
import { extractEntities } from './text.ts';

// Accepted values per [SPEC]; fields the sandbox has no data for are accepted and simply omitted, as X
// omits absent fields.
const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'suggested_source_links',
  'text',
  'withheld',
];
const USER_FIELDS = [
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];
const TWEET_EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'entities.note.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
];
const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'];
const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'non_public_metrics',
  'organic_metrics',
  'preview_image_url',
  'promoted_metrics',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
];

export interface FieldSelection {
  tweetFields: Set<string>;
  userFields: Set<string>;
  expansions: Set<string>;
  /** `media.fields`; absent where the endpoint renders no media. */
  mediaFields?: Set<string>;
}

function parseList(query: URLSearchParams, names: string[], allowed: string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const raw = query.get(name);
    if (raw === null) continue;
    for (const value of raw.split(',')) {
      if (!allowed.includes(value)) {
        throw invalidParam(
          name,
          value,
          `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
        );
      }
      out.add(value);
    }
  }
  return out;
}

export function parseSelection(query: URLSearchParams, subject: 'tweet' | 'user'): FieldSelection {
  return {
    // post.fields is the 2.167 spelling of tweet.fields; both are honoured.
    tweetFields: parseList(query, ['tweet.fields', 'post.fields'], TWEET_FIELDS),
    userFields: parseList(query, ['user.fields'], USER_FIELDS),
    expansions: parseList(query, ['expansions'], subject === 'tweet' ? TWEET_EXPANSIONS : USER_EXPANSIONS),
    mediaFields: parseList(query, ['media.fields'], MEDIA_FIELDS),
  };
}

/**
 * A Media object (schemas Photo, AnimatedGif, Video). `media_key` and `type` always come, as X sends them by
 * default; the picture's address is absolute. No `variants`: the sandbox has no video files.
 */
export function renderMedia(engine: SandboxEngine, m: SandboxMedia, fields: Set<string>, path: string): Json {
  const out: Json = { media_key: m.mediaKey, type: m.type };
  const href = `${engine.mediaBaseUrl}${path}`;
  if (fields.has('url') && m.type === 'photo') out.url = href;
  if (fields.has('preview_image_url') && m.type !== 'photo') out.preview_image_url = href;
  if (fields.has('width')) out.width = m.width;
  if (fields.has('height')) out.height = m.height;
  if (fields.has('alt_text') && m.altText) out.alt_text = m.altText;
  if (fields.has('duration_ms') && m.durationMs !== undefined) out.duration_ms = m.durationMs;
  if (fields.has('public_metrics') && m.type === 'video') out.public_metrics = { view_count: 0 };
  return out;
}

type Json = Record<string, unknown>;

export function renderUser(engine: SandboxEngine, u: SandboxUser, fields: Set<string>): Json {
  const out: Json = { id: u.id, name: u.name, username: u.username };
  if (fields.has('created_at')) out.created_at = u.createdAt;
  if (fields.has('description')) out.description = u.description;
  if (fields.has('profile_image_url')) out.profile_image_url = u.profileImageUrl;
  if (fields.has('protected')) out.protected = false;
  if (fields.has('verified')) out.verified = u.verified;
  if (fields.has('verified_type')) out.verified_type = u.verified ? 'blue' : 'none';
  if (fields.has('public_metrics')) {
    out.public_metrics = {
      followers_count: engine.countFollowers(u.id),
      following_count: engine.countFollowing(u.id),
      tweet_count: engine.countTweets(u.id),
      listed_count: 0,
      like_count: engine.countLikesBy(u.id),
      media_count: 0,
    };
  }
  if (fields.has('most_recent_tweet_id')) {
    const latest = engine.listTweets({ authorId: u.id })[0];
    if (latest) out.most_recent_tweet_id = latest.id;
  }
  if (fields.has('url')) out.url = u.url ?? '';
  if (fields.has('entities')) {
    const entities = userEntities(u);
    if (entities) out.entities = entities;
  }
  if (fields.has('pinned_tweet_id') && u.pinnedTweetId && engine.getTweet(u.pinnedTweetId)) {
    out.pinned_tweet_id = u.pinnedTweetId;
  }
  return out;
}

/** How X shows a link: no scheme, cut with an ellipsis past 25 characters (e.g. `example.com/a/very/lo…`). */
export function displayUrl(url: string): string {
  const bare = url.replace(/^https?:\/\//, '');
  return bare.length > 26 ? `${bare.slice(0, 25)}…` : bare;
}

function urlEntity(url: string, start: number, end: number): Json {
  return { start, end, url, expanded_url: url, display_url: displayUrl(url) };
}

/** Links in the bio and the website, as X describes them (`entities.description.urls`, `entities.url.urls`). */
function userEntities(u: SandboxUser): Json | undefined {
  const entities: Json = {};
  if (u.url) entities.url = { urls: [urlEntity(u.url, 0, [...u.url].length)] };
  const inBio = extractEntities(u.description).urls;
  if (inBio.length) entities.description = { urls: inBio.map((x) => urlEntity(x.url, x.start, x.end)) };
  return Object.keys(entities).length ? entities : undefined;
}

/** A link of a post; the one X appended for the media expands to the media's page and names its key. */
function urlEntityOf(engine: SandboxEngine, t: SandboxTweet, u: SandboxTweet['entities']['urls'][number]): Json {
  const media = u.mediaKey ? t.media?.find((m) => m.mediaKey === u.mediaKey) : undefined;
  if (!media) return urlEntity(u.url, u.start, u.end);
  const author = engine.findUserById(t.authorId)?.username ?? 'i';
  return {
    start: u.start,
    end: u.end,
    url: u.url,
    expanded_url: mediaPageUrl(author, t.id, media),
    display_url: `pic.x.com/${u.url.slice(u.url.lastIndexOf('/') + 1)}`,
    media_key: media.mediaKey,
  };
}

type RefType = 'replied_to' | 'quoted' | 'retweeted';

function referenced(t: SandboxTweet): { type: RefType; id: string }[] {
  const refs: { type: RefType; id: string }[] = [];
  if (t.retweetOfId) refs.push({ type: 'retweeted', id: t.retweetOfId });
  if (t.inReplyToTweetId) refs.push({ type: 'replied_to', id: t.inReplyToTweetId });
  if (t.quoteTweetId) refs.push({ type: 'quoted', id: t.quoteTweetId });
  return refs;
}

export function renderTweet(engine: SandboxEngine, t: SandboxTweet, fields: Set<string>): Json {
  const out: Json = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] };
  if (fields.has('author_id')) out.author_id = t.authorId;
  if (fields.has('created_at')) out.created_at = t.createdAt;
  if (fields.has('conversation_id')) out.conversation_id = t.conversationId;
  if (fields.has('in_reply_to_user_id') && t.inReplyToUserId) out.in_reply_to_user_id = t.inReplyToUserId;
  if (fields.has('referenced_tweets')) {
    const refs = referenced(t);
    if (refs.length) out.referenced_tweets = refs;
  }
  if (fields.has('display_text_range')) out.display_text_range = [t.displayStart, [...t.text].length];
  if (fields.has('entities')) {
    const e = t.entities;
    const entities: Json = {};
    const mentions = e.mentions
      .filter((m) => m.id)
      .map((m) => ({ start: m.start, end: m.end, username: m.username, id: m.id }));
    if (mentions.length) entities.mentions = mentions;
    if (e.urls.length) entities.urls = e.urls.map((u) => urlEntityOf(engine, t, u));
    if (e.hashtags.length) entities.hashtags = e.hashtags;
    if (e.cashtags.length) entities.cashtags = e.cashtags;
    if (Object.keys(entities).length) out.entities = entities;
  }
  if (fields.has('attachments') && t.media?.length) {
    out.attachments = { media_keys: t.media.map((m) => m.mediaKey) };
  }
  if (fields.has('lang')) out.lang = t.lang;
  if (fields.has('possibly_sensitive')) out.possibly_sensitive = false;
  if (fields.has('reply_settings')) out.reply_settings = 'everyone';
  if (fields.has('edit_controls')) {
    out.edit_controls = {
      edits_remaining: 5,
      is_edit_eligible: true,
      editable_until: new Date(Date.parse(t.createdAt) + 3600_000).toISOString(),
    };
  }
  if (fields.has('public_metrics')) {
    out.public_metrics = {
      retweet_count: engine.countRetweets(t.id),
      reply_count: engine.countReplies(t.id),
      like_count: engine.countLikes(t.id),
      quote_count: engine.countQuotes(t.id),
      bookmark_count: 0,
      impression_count: 0,
    };
  }
  return out;
}

/** Collects `includes` and partial `errors` for a set of primary tweets or users, de-duplicated in order. */
class Includes {
  users = new Map<string, SandboxUser>();
  tweets = new Map<string, SandboxTweet>();
  /** Media with the path they are served at (a DM's differs from a post's). */
  media = new Map<string, { media: SandboxMedia; path: string }>();
  errors: ProblemBody[] = [];

  constructor(private readonly engine: SandboxEngine) {}

  user(id: string | undefined): void {
    if (!id || this.users.has(id)) return;
    const u = this.engine.findUserById(id);
    if (u) this.users.set(id, u);
  }

  tweet(id: string, parameter: string): SandboxTweet | undefined {
    const t = this.engine.getTweet(id);
    if (!t) {
      this.errors.push({ ...resourceNotFound('tweet', parameter, id), section: 'includes' });
      return undefined;
    }
    this.tweets.set(id, t);
    return t;
  }

  toJson(sel: FieldSelection): Json | undefined {
    const out: Json = {};
    if (this.users.size) out.users = [...this.users.values()].map((u) => renderUser(this.engine, u, sel.userFields));
    if (this.tweets.size)
      out.tweets = [...this.tweets.values()].map((t) => renderTweet(this.engine, t, sel.tweetFields));
    if (this.media.size) {
      const fields = sel.mediaFields ?? new Set<string>();
      out.media = [...this.media.values()].map((m) => renderMedia(this.engine, m.media, fields, m.path));
    }
    return Object.keys(out).length ? out : undefined;
  }
}

export function expandTweets(
  engine: SandboxEngine,
  tweets: SandboxTweet[],
  sel: FieldSelection,
): { includes?: Json; errors?: ProblemBody[] } {
  const inc = new Includes(engine);
  const x = sel.expansions;
  for (const t of tweets) {
    if (x.has('author_id')) inc.user(t.authorId);
    if (x.has('in_reply_to_user_id')) inc.user(t.inReplyToUserId);
    if (x.has('entities.mentions.username')) for (const m of t.entities.mentions) inc.user(m.id);
    if (x.has('attachments.media_keys')) {
      for (const m of t.media ?? []) inc.media.set(m.mediaKey, { media: m, path: mediaPath(m) });
    }
    if (x.has('referenced_tweets.id') || x.has('referenced_tweets.id.author_id')) {
      for (const ref of referenced(t)) {
        const r = inc.tweet(ref.id, 'referenced_tweets.id');
        if (r && x.has('referenced_tweets.id.author_id')) inc.user(r.authorId);
      }
      if (!x.has('referenced_tweets.id')) inc.tweets.clear();
    }
  }
  const includes = inc.toJson(sel);
  return { ...(includes ? { includes } : {}), ...(inc.errors.length ? { errors: inc.errors } : {}) };
}

export function expandUsers(engine: SandboxEngine, users: SandboxUser[], sel: FieldSelection): { includes?: Json } {
  const recent = sel.expansions.has('most_recent_tweet_id');
  const pinned = sel.expansions.has('pinned_tweet_id');
  if (!recent && !pinned) return {};
  const inc = new Includes(engine);
  for (const u of users) {
    const latest = recent ? engine.listTweets({ authorId: u.id })[0] : undefined;
    if (latest) inc.tweets.set(latest.id, latest);
    const pin = pinned && u.pinnedTweetId ? engine.getTweet(u.pinnedTweetId) : undefined;
    if (pin) inc.tweets.set(pin.id, pin);
  }
  const includes = inc.toJson(sel);
  return includes ? { includes } : {};
}

// ---- DM events (contract §9.1) --------------------------------------------------------------------------

const DM_EVENT_FIELDS = [
  'attachments',
  'cashtags',
  'created_at',
  'dm_conversation_id',
  'entities',
  'event_type',
  'hashtags',
  'id',
  'mentions',
  'participant_ids',
  'referenced_tweets',
  'sender_id',
  'text',
  'urls',
];
const DM_EXPANSIONS = ['attachments.media_keys', 'participant_ids', 'referenced_tweets.id', 'sender_id'];
export const DM_EVENT_TYPES = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];

export interface DmSelection {
  dmFields: Set<string>;
  userFields: Set<string>;
  tweetFields: Set<string>;
  expansions: Set<string>;
  mediaFields: Set<string>;
}

export function parseDmSelection(query: URLSearchParams): DmSelection {
  return {
    dmFields: parseList(query, ['dm_event.fields'], DM_EVENT_FIELDS),
    userFields: parseList(query, ['user.fields'], USER_FIELDS),
    tweetFields: parseList(query, ['tweet.fields', 'post.fields'], TWEET_FIELDS),
    expansions: parseList(query, ['expansions'], DM_EXPANSIONS),
    mediaFields: parseList(query, ['media.fields'], MEDIA_FIELDS),
  };
}

/** Default DM fields are id, event_type and text (contract §1). */
export function renderDmEvent(e: SandboxDmEvent, fields: Set<string>): Json {
  const out: Json = { id: e.id, event_type: e.eventType, text: e.text };
  if (fields.has('created_at')) out.created_at = e.createdAt;
  if (fields.has('dm_conversation_id')) out.dm_conversation_id = e.conversationId;
  if (fields.has('sender_id')) out.sender_id = e.senderId;
  if (fields.has('attachments') && e.media) out.attachments = { media_keys: [e.media.mediaKey] };
  // The DmEvent schema carries a DM's entities at its top level (urls, mentions, hashtags, cashtags).
  if (fields.has('entities') || fields.has('urls')) {
    const urls = extractEntities(e.text).urls;
    if (urls.length) out.urls = urls.map((u) => urlEntity(u.url, u.start, u.end));
  }
  return out;
}

export function expandDmEvents(engine: SandboxEngine, events: SandboxDmEvent[], sel: DmSelection): { includes?: Json } {
  const inc = new Includes(engine);
  for (const e of events) {
    if (sel.expansions.has('sender_id')) inc.user(e.senderId);
    if (sel.expansions.has('attachments.media_keys') && e.media) {
      inc.media.set(e.media.mediaKey, { media: e.media, path: dmMediaPath(e.id, e.media) });
    }
    // participant_ids is only set on join/leave events, which one-to-one sandbox conversations never have.
  }
  const includes = inc.toJson({
    tweetFields: sel.tweetFields,
    userFields: sel.userFields,
    expansions: sel.expansions,
    mediaFields: sel.mediaFields,
  });
  return includes ? { includes } : {};
}
