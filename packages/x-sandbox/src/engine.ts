import { randomBytes } from 'node:crypto';
import { compareIds, SnowflakeMinter } from './ids.ts';
import { codePointLength, extractEntities, guessLang, MAX_WEIGHTED_LENGTH, weightedLength } from './text.ts';
import { parseQuery, QuerySyntaxError, type MatchSubject } from './search-query.ts';
import { MediaUploads } from './media-upload.ts';
import { mediaShortLink, mintMedia, type MediaInput, type SandboxMedia } from './media.ts';
import {
  DUPLICATE_DETAIL,
  forbidden,
  type ProblemBody,
  invalidBody,
  QUOTE_TARGET_MISSING_DETAIL,
  REPLY_NOT_ALLOWED_DETAIL,
  REPLY_TARGET_MISSING_DETAIL,
  SandboxError,
  TOO_LONG_DETAIL,
} from './errors.ts';

export type SandboxPlan = 'self-serve' | 'enterprise';

/** Who may open a DM with the user: anyone, or only accounts the user follows (X's two settings). */
export type DmPolicy = 'everyone' | 'following';

export interface SandboxUser {
  id: string;
  username: string;
  name: string;
  description: string;
  createdAt: string;
  followersCount: number;
  followingCount: number;
  verified: boolean;
  profileImageUrl: string;
  /** Absent in state files written before DMs existed: treated as 'everyone'. */
  acceptsDms?: DmPolicy | undefined;
  /** The profile's website (v2 `url`, expanded in `entities.url`). */
  url?: string | undefined;
  /** The post pinned to the top of the profile (v2 `pinned_tweet_id`). */
  pinnedTweetId?: string | undefined;
}

/** What an account's owner can change on their profile (name, bio, website, picture, pinned post). */
export interface ProfileUpdate {
  name?: string | undefined;
  description?: string | undefined;
  url?: string | null | undefined;
  profileImageUrl?: string | null | undefined;
  pinnedTweetId?: string | null | undefined;
}

export interface SandboxMention {
  start: number;
  end: number;
  username: string;
  /** Resolved when the post was created, like X does; absent when no such account existed. */
  id?: string | undefined;
}

export interface SandboxTweet {
  id: string;
  authorId: string;
  text: string;
  createdAt: string;
  conversationId: string;
  inReplyToTweetId?: string | undefined;
  inReplyToUserId?: string | undefined;
  quoteTweetId?: string | undefined;
  /** Set on reposts: the post that was reposted (v2 `referenced_tweets: [{type: 'retweeted'}]`). */
  retweetOfId?: string | undefined;
  /** Code-point offset where the author's own text starts, after auto-populated reply mentions. */
  displayStart: number;
  lang: string;
  entities: {
    mentions: SandboxMention[];
    /** `mediaKey` marks the link X appends to the text for the post's media. */
    urls: { start: number; end: number; url: string; mediaKey?: string | undefined }[];
    hashtags: { start: number; end: number; tag: string }[];
    cashtags: { start: number; end: number; tag: string }[];
  };
  /** Photos (up to 4), or one GIF, or one video; absent on posts without media. */
  media?: SandboxMedia[] | undefined;
  deleted?: boolean | undefined;
}

export interface OAuth1Pair {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface SandboxAccount {
  user: SandboxUser;
  /** OAuth 2.0 user access token (sent as `Authorization: Bearer`). */
  token: string;
  /** Pre-issued OAuth 1.0a credentials for the same user. */
  oauth1: OAuth1Pair;
}

/**
 * `scopes`/`expiresAt` exist only on tokens minted by the OAuth 2.0 token endpoint; pre-issued sandbox
 * tokens carry every scope and never expire, so tests and seeds need no refresh dance.
 */
export type BearerGrant =
  | { token: string; kind: 'app' }
  | { token: string; kind: 'user'; userId: string; scopes?: string[]; expiresAt?: string; clientId?: string };

export interface SandboxDmEvent {
  id: string;
  eventType: 'MessageCreate';
  /** One-to-one conversations are "<lower id>-<higher id>" (contract §1.1). */
  conversationId: string;
  senderId: string;
  recipientId: string;
  text: string;
  createdAt: string;
  /** One attached photo, GIF or video. */
  media?: SandboxMedia | undefined;
}

export interface SandboxFollow {
  /** Snowflake minted at follow time; orders followers newest first and anchors pagination tokens. */
  id: string;
  followerId: string;
  targetId: string;
  createdAt: string;
}

export interface SandboxLike {
  id: string;
  userId: string;
  tweetId: string;
  createdAt: string;
}

export interface StreamRule {
  id: string;
  value: string;
  tag?: string | undefined;
}

export interface SandboxWebhook {
  id: string;
  url: string;
  valid: boolean;
  createdAt: string;
}

export interface OAuth2Code {
  code: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  expiresAt: string;
}

export interface OAuth2Refresh {
  token: string;
  userId: string;
  clientId: string;
  scopes: string[];
}

/** What the stream hub, webhook deliverer and tests observe. */
export type SandboxEvent =
  | { type: 'tweet.create'; tweet: SandboxTweet }
  | { type: 'tweet.delete'; tweet: SandboxTweet }
  | { type: 'dm.create'; event: SandboxDmEvent }
  | { type: 'follow' | 'unfollow'; followerId: string; targetId: string; at: string }
  | { type: 'like'; userId: string; tweet: SandboxTweet; at: string };

export interface SandboxApp {
  consumerKey: string;
  consumerSecret: string;
  /** OAuth 2.0 client credentials (confidential client) used by the /2/oauth2 endpoints. */
  clientId: string;
  clientSecret: string;
}

export interface SandboxState {
  version: 1;
  app: SandboxApp;
  lastId: string;
  users: SandboxUser[];
  tweets: SandboxTweet[];
  bearerTokens: BearerGrant[];
  oauth1Tokens: { accessToken: string; accessSecret: string; userId: string }[];
  follows: SandboxFollow[];
  likes: SandboxLike[];
  dmEvents: SandboxDmEvent[];
  rules: StreamRule[];
  webhooks: SandboxWebhook[];
  subscriptions: { webhookId: string; userId: string; createdAt: string }[];
  oauth2Codes: OAuth2Code[];
  refreshTokens: OAuth2Refresh[];
}

export interface CreateUserInput {
  username: string;
  name: string;
  description?: string | undefined;
  followersCount?: number | undefined;
  verified?: boolean | undefined;
  profileImageUrl?: string | undefined;
  acceptsDms?: DmPolicy | undefined;
  url?: string | undefined;
}

export interface PostInput {
  text: string;
  inReplyToTweetId?: string | undefined;
  quoteTweetId?: string | undefined;
  excludeReplyUserIds?: string[] | undefined;
  /** Attached by a person (admin API, simulated customers). */
  media?: MediaInput[] | undefined;
  /** Uploaded through the API (`media.media_ids`), already checked by `uploads.attach`. */
  uploadedMedia?: SandboxMedia[] | undefined;
}

/**
 * `api` posts come from an app through POST /2/tweets and obey the plan's API policy (reply rule, quotes);
 * `person` posts stand for someone using X itself (admin facade, simulation), which that policy does not bind.
 */
export type PostOrigin = 'api' | 'person';

const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const DEFAULT_AVATAR = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;

function secret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function newApp(): SandboxApp {
  return { consumerKey: secret(18), consumerSecret: secret(36), clientId: secret(24), clientSecret: secret(36) };
}

export function emptyState(): SandboxState {
  return {
    version: 1,
    app: newApp(),
    lastId: '0',
    users: [],
    tweets: [],
    bearerTokens: [],
    oauth1Tokens: [],
    follows: [],
    likes: [],
    dmEvents: [],
    rules: [],
    webhooks: [],
    subscriptions: [],
    oauth2Codes: [],
    refreshTokens: [],
  };
}

/** All sandbox behaviour that does not depend on HTTP; the server and the admin facade both call it. */
export class SandboxEngine {
  private state: SandboxState;
  private minter: SnowflakeMinter;
  private tweetsById = new Map<string, SandboxTweet>();
  private usersById = new Map<string, SandboxUser>();
  private usersByName = new Map<string, SandboxUser>();
  private mediaByKey = new Map<string, { media: SandboxMedia; tweet?: SandboxTweet; dm?: SandboxDmEvent }>();
  /** Where this sandbox is reachable (set when it listens): media URLs in answers are absolute, as X's are. */
  mediaBaseUrl = 'http://127.0.0.1';
  /** Files uploaded through POST /2/media/upload…, until they expire (memory only, as on X: 24 hours). */
  readonly uploads: MediaUploads;

  constructor(
    state: SandboxState,
    readonly clock: () => Date,
    readonly plan: SandboxPlan,
    private readonly onChange: () => void,
  ) {
    this.state = state;
    this.minter = new SnowflakeMinter(BigInt(state.lastId));
    this.uploads = new MediaUploads(clock, () => this.minter.mint(this.clock()));
    this.reindex();
  }

  snapshot(): SandboxState {
    return { ...this.state, lastId: this.minter.lastId };
  }

  get app(): SandboxApp {
    return { ...this.state.app };
  }

  private listeners = new Set<(event: SandboxEvent) => void>();

  /** Observers run synchronously after the change is stored; one throwing never blocks the others. */
  onEvent(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SandboxEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // An observer's bug must not turn a stored write into a failed request.
      }
    }
  }

  /** Drops users, posts and tokens; the app's consumer keys survive so configured clients keep signing. */
  reset(): void {
    this.state = { ...emptyState(), app: this.state.app, lastId: this.minter.lastId };
    this.reindex();
    this.onChange();
  }

  private reindex(): void {
    this.tweetsById = new Map(this.state.tweets.map((t) => [t.id, t]));
    this.usersById = new Map(this.state.users.map((u) => [u.id, u]));
    this.usersByName = new Map(this.state.users.map((u) => [u.username.toLowerCase(), u]));
    this.mediaByKey = new Map();
    for (const tweet of this.state.tweets) for (const media of tweet.media ?? []) this.indexMedia(media, { tweet });
    for (const dm of this.state.dmEvents) if (dm.media) this.indexMedia(dm.media, { dm });
  }

  private indexMedia(media: SandboxMedia, owner: { tweet?: SandboxTweet; dm?: SandboxDmEvent }): void {
    this.mediaByKey.set(media.mediaKey, { media, ...owner });
  }

  /** A media item by key, with the post or DM it belongs to (deleted posts' media are gone). */
  findMedia(mediaKey: string): { media: SandboxMedia; tweet?: SandboxTweet; dm?: SandboxDmEvent } | undefined {
    const found = this.mediaByKey.get(mediaKey);
    return found && !found.tweet?.deleted ? found : undefined;
  }

  // ---- users and credentials ------------------------------------------------------------------

  createUser(input: CreateUserInput): SandboxAccount {
    if (typeof input.username !== 'string' || !USERNAME.test(input.username)) {
      throw invalidBody(`username must match ${USERNAME.source}`);
    }
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 50) {
      throw invalidBody('name must be a non-empty string of at most 50 characters');
    }
    if (this.usersByName.has(input.username.toLowerCase())) {
      throw new SandboxError(409, {
        title: 'Conflict',
        detail: `A user with username ${input.username} already exists.`,
        type: 'about:blank',
        status: 409,
      });
    }
    const user: SandboxUser = {
      id: this.minter.mint(this.clock()),
      username: input.username,
      name: input.name,
      description: input.description ?? '',
      createdAt: this.clock().toISOString(),
      followersCount: Math.max(0, Math.floor(input.followersCount ?? 0)),
      followingCount: 0,
      verified: input.verified ?? false,
      profileImageUrl: input.profileImageUrl ?? DEFAULT_AVATAR,
      acceptsDms: input.acceptsDms ?? 'everyone',
      ...(input.url ? { url: input.url } : {}),
    };
    this.state.users.push(user);
    this.usersById.set(user.id, user);
    this.usersByName.set(user.username.toLowerCase(), user);
    return this.issueUserCredentials(user.id);
  }

  /** Idempotent: returns the existing account (with its first credentials) or creates it. */
  ensureUser(input: CreateUserInput): SandboxAccount & { created: boolean } {
    const existing = this.findUserByUsername(input.username);
    if (!existing) return { ...this.createUser(input), created: true };
    const bearer = this.state.bearerTokens.find((g) => g.kind === 'user' && g.userId === existing.id);
    const pair = this.state.oauth1Tokens.find((p) => p.userId === existing.id);
    if (!bearer || !pair) return { ...this.issueUserCredentials(existing.id), created: false };
    return {
      user: { ...existing },
      token: bearer.token,
      oauth1: this.oauth1View(pair),
      created: false,
    };
  }

  issueUserCredentials(userId: string): SandboxAccount {
    const user = this.usersById.get(userId);
    if (!user)
      throw new SandboxError(404, {
        title: 'Not Found Error',
        detail: `No user ${userId}.`,
        type: 'about:blank',
        status: 404,
      });
    const token = secret(32);
    this.state.bearerTokens.push({ token, kind: 'user', userId });
    // Same layout as X's OAuth 1.0a access tokens: "<user id>-<random>".
    const pair = { accessToken: `${userId}-${secret(20)}`, accessSecret: secret(30), userId };
    this.state.oauth1Tokens.push(pair);
    this.onChange();
    return { user: { ...user }, token, oauth1: this.oauth1View(pair) };
  }

  private oauth1View(pair: { accessToken: string; accessSecret: string }): OAuth1Pair {
    return {
      appKey: this.state.app.consumerKey,
      appSecret: this.state.app.consumerSecret,
      accessToken: pair.accessToken,
      accessSecret: pair.accessSecret,
    };
  }

  issueAppBearer(): string {
    const token = 'AAAAAAAAAAAAAAAAAAAAA' + secret(40);
    this.state.bearerTokens.push({ token, kind: 'app' });
    this.onChange();
    return token;
  }

  /** Expired OAuth 2.0 access tokens (2 h, by the sandbox clock) resolve to nothing, i.e. 401. */
  resolveBearer(token: string): BearerGrant | undefined {
    const grant = this.state.bearerTokens.find((g) => g.token === token);
    if (grant?.kind === 'user' && grant.expiresAt && Date.parse(grant.expiresAt) <= this.clock().getTime()) {
      return undefined;
    }
    return grant;
  }

  resolveOAuth1Token(accessToken: string): { accessSecret: string; userId: string } | undefined {
    return this.state.oauth1Tokens.find((p) => p.accessToken === accessToken);
  }

  findUserById(id: string): SandboxUser | undefined {
    return this.usersById.get(id);
  }

  findUserByUsername(username: string): SandboxUser | undefined {
    return this.usersByName.get(username.toLowerCase());
  }

  /** Edits a profile as its owner would on X; `null` clears the website, picture or pinned post. */
  updateProfile(userId: string, update: ProfileUpdate): SandboxUser {
    const user = this.usersById.get(userId);
    if (!user) throw invalidBody(`no user ${userId}`);
    if (update.pinnedTweetId) {
      const pinned = this.getTweet(update.pinnedTweetId);
      if (!pinned || pinned.authorId !== userId) throw invalidBody('only one of the account’s own posts can be pinned');
    }
    if (update.name !== undefined) user.name = update.name;
    if (update.description !== undefined) user.description = update.description;
    if (update.url !== undefined) user.url = update.url ?? undefined;
    if (update.profileImageUrl !== undefined) user.profileImageUrl = update.profileImageUrl ?? DEFAULT_AVATAR;
    if (update.pinnedTweetId !== undefined) user.pinnedTweetId = update.pinnedTweetId ?? undefined;
    this.onChange();
    return { ...user };
  }

  listUsers(): SandboxUser[] {
    return this.state.users.map((u) => ({ ...u }));
  }

  // ---- posts -----------------------------------------------------------------------------------

  getTweet(id: string): SandboxTweet | undefined {
    const t = this.tweetsById.get(id);
    return t && !t.deleted ? t : undefined;
  }

  /** Live posts, newest first. */
  listTweets(filter: { authorId?: string | undefined; inReplyToTweetId?: string | undefined } = {}): SandboxTweet[] {
    const out: SandboxTweet[] = [];
    for (let i = this.state.tweets.length - 1; i >= 0; i--) {
      const t = this.state.tweets[i]!;
      if (t.deleted) continue;
      if (filter.authorId !== undefined && t.authorId !== filter.authorId) continue;
      if (filter.inReplyToTweetId !== undefined && t.inReplyToTweetId !== filter.inReplyToTweetId) continue;
      out.push(t);
    }
    return out.sort((a, b) => compareIds(b.id, a.id));
  }

  /** Posts by others that @mention the user, newest first (what GET /2/users/:id/mentions reads). */
  mentionsOf(userId: string): SandboxTweet[] {
    return this.listTweets().filter((t) => t.authorId !== userId && t.entities.mentions.some((m) => m.id === userId));
  }

  countReplies(tweetId: string): number {
    return this.state.tweets.filter((t) => !t.deleted && t.inReplyToTweetId === tweetId).length;
  }

  countQuotes(tweetId: string): number {
    return this.state.tweets.filter((t) => !t.deleted && t.quoteTweetId === tweetId).length;
  }

  countTweets(userId: string): number {
    return this.state.tweets.filter((t) => !t.deleted && t.authorId === userId).length;
  }

  createTweet(authorId: string, input: PostInput, origin: PostOrigin): SandboxTweet {
    const author = this.usersById.get(authorId);
    if (!author) throw invalidBody(`No user with id ${authorId}`);
    if (typeof input.text !== 'string' || input.text.length === 0) {
      if (input.quoteTweetId === undefined && !input.media?.length && !input.uploadedMedia?.length) {
        throw invalidBody('$.text: must be a non-empty string');
      }
    }
    const typed = (input.text ?? '').normalize('NFC');
    if (weightedLength(typed) > MAX_WEIGHTED_LENGTH) throw forbidden(TOO_LONG_DETAIL);

    let parent: SandboxTweet | undefined;
    if (input.inReplyToTweetId !== undefined) {
      parent = this.getTweet(input.inReplyToTweetId);
      if (!parent) throw forbidden(REPLY_TARGET_MISSING_DETAIL);
      if (origin === 'api' && this.plan === 'self-serve' && !this.summoned(parent, authorId)) {
        throw forbidden(REPLY_NOT_ALLOWED_DETAIL);
      }
    }
    let quoted: SandboxTweet | undefined;
    if (input.quoteTweetId !== undefined) {
      quoted = this.getTweet(input.quoteTweetId);
      if (!quoted) throw forbidden(QUOTE_TARGET_MISSING_DETAIL);
      if (origin === 'api' && this.plan === 'self-serve') {
        // Contract §7.1: quote posts through the API need Enterprise since 2026-04-20 (body undocumented).
        throw forbidden('Quote posts are not available on self-serve plans.');
      }
    }

    // Replies get the parent's participants prepended as @mentions, as X auto-populates them.
    const prefix = parent ? this.replyPrefix(parent, authorId, typed, input.excludeReplyUserIds ?? []) : '';
    const text = prefix + typed;
    const now = this.clock();
    const cutoff = now.getTime() - DUPLICATE_WINDOW_MS;
    const duplicate = this.state.tweets.some(
      (t) => !t.deleted && t.authorId === authorId && t.text === text && Date.parse(t.createdAt) >= cutoff,
    );
    if (duplicate) throw forbidden(DUPLICATE_DETAIL);

    // Media are uploaded before the post is created: their ids come first.
    const media = input.uploadedMedia ?? mintMedia(input.media, () => this.minter.mint(now));
    const id = this.minter.mint(now);
    // X appends one short link for the attached media to the text (outside the 280-character count).
    const mediaLink = media[0] ? mediaShortLink(media[0]) : undefined;
    const fullText = mediaLink ? (text ? `${text} ${mediaLink}` : mediaLink) : text;
    const entities = extractEntities(fullText);
    const tweet: SandboxTweet = {
      id,
      authorId,
      text: fullText,
      createdAt: now.toISOString(),
      conversationId: parent ? parent.conversationId : id,
      inReplyToTweetId: parent?.id,
      inReplyToUserId: parent?.authorId,
      quoteTweetId: quoted?.id,
      displayStart: codePointLength(prefix),
      lang: guessLang(typed),
      entities: {
        ...entities,
        mentions: entities.mentions.map((m) => ({ ...m, id: this.findUserByUsername(m.username)?.id })),
        urls: entities.urls.map((u) => (u.url === mediaLink ? { ...u, mediaKey: media[0]!.mediaKey } : u)),
      },
      ...(media.length ? { media } : {}),
    };
    this.state.tweets.push(tweet);
    this.tweetsById.set(id, tweet);
    for (const m of media) this.indexMedia(m, { tweet });
    this.onChange();
    this.emit({ type: 'tweet.create', tweet });
    return tweet;
  }

  /** Self-serve reply rule: the parent's author must have @mentioned the replier or quoted one of its posts. */
  summoned(parent: SandboxTweet, replierId: string): boolean {
    if (parent.authorId === replierId) return true;
    if (parent.entities.mentions.some((m) => m.id === replierId)) return true;
    if (parent.quoteTweetId !== undefined) {
      const quoted = this.tweetsById.get(parent.quoteTweetId);
      if (quoted?.authorId === replierId) return true;
    }
    return false;
  }

  private replyPrefix(parent: SandboxTweet, authorId: string, typed: string, exclude: string[]): string {
    const ids = [parent.authorId];
    for (const m of parent.entities.mentions) {
      if (m.start < parent.displayStart && m.id) ids.push(m.id);
    }
    const names: string[] = [];
    const lowered = typed.toLowerCase();
    for (const id of new Set(ids)) {
      if (id === authorId || exclude.includes(id)) continue;
      const user = this.usersById.get(id);
      if (!user) continue;
      // Already typed at the start by the author: do not double it.
      if (lowered.startsWith(`@${user.username.toLowerCase()}`)) continue;
      names.push(`@${user.username}`);
    }
    return names.length ? names.join(' ') + ' ' : '';
  }

  deleteTweet(userId: string, tweetId: string): boolean {
    const t = this.getTweet(tweetId);
    if (!t) return false;
    if (t.authorId !== userId) throw forbidden('You are not authorized to delete this Tweet.');
    t.deleted = true;
    this.onChange();
    this.emit({ type: 'tweet.delete', tweet: t });
    return true;
  }

  // ---- follows -------------------------------------------------------------------------------------

  private requireUser(id: string, label = 'user'): SandboxUser {
    const u = this.usersById.get(id);
    if (!u) throw invalidBody(`No ${label} with id ${id}`);
    return u;
  }

  /** Returns false when the follow already existed (idempotent, like X). */
  follow(followerId: string, targetId: string): boolean {
    this.requireUser(followerId, 'follower');
    this.requireUser(targetId, 'target user');
    if (followerId === targetId) throw invalidBody('A user cannot follow themselves.');
    if (this.isFollowing(followerId, targetId)) return false;
    const now = this.clock();
    const f: SandboxFollow = { id: this.minter.mint(now), followerId, targetId, createdAt: now.toISOString() };
    this.state.follows.push(f);
    this.onChange();
    this.emit({ type: 'follow', followerId, targetId, at: f.createdAt });
    return true;
  }

  unfollow(followerId: string, targetId: string): boolean {
    const i = this.state.follows.findIndex((f) => f.followerId === followerId && f.targetId === targetId);
    if (i < 0) return false;
    this.state.follows.splice(i, 1);
    this.onChange();
    this.emit({ type: 'unfollow', followerId, targetId, at: this.clock().toISOString() });
    return true;
  }

  isFollowing(followerId: string, targetId: string): boolean {
    return this.state.follows.some((f) => f.followerId === followerId && f.targetId === targetId);
  }

  /** Follow records pointing at the user, most recent first (X lists followers newest first). */
  followersOf(targetId: string): SandboxFollow[] {
    return this.state.follows.filter((f) => f.targetId === targetId).sort((a, b) => compareIds(b.id, a.id));
  }

  /** Seeded audience (createUser's followersCount) plus real follow records. */
  countFollowers(userId: string): number {
    const base = this.usersById.get(userId)?.followersCount ?? 0;
    return base + this.state.follows.filter((f) => f.targetId === userId).length;
  }

  countFollowing(userId: string): number {
    const base = this.usersById.get(userId)?.followingCount ?? 0;
    return base + this.state.follows.filter((f) => f.followerId === userId).length;
  }

  // ---- likes and reposts ---------------------------------------------------------------------------

  private requireVisibleTweet(tweetId: string, verb: string): SandboxTweet {
    const t = this.getTweet(tweetId);
    if (!t) throw forbidden(`You attempted to ${verb} a Tweet that is deleted or not visible to you.`);
    return t;
  }

  /** Returns false when already liked. Self-serve apps lost the like endpoints on 2026-04-16 (contract §8.2). */
  like(userId: string, tweetId: string, origin: PostOrigin): boolean {
    this.requireUser(userId);
    if (origin === 'api' && this.plan === 'self-serve') {
      throw forbidden('Likes via the API are not available on self-serve plans.');
    }
    const tweet = this.requireVisibleTweet(tweetId, 'like');
    if (this.state.likes.some((l) => l.userId === userId && l.tweetId === tweetId)) return false;
    const now = this.clock();
    this.state.likes.push({ id: this.minter.mint(now), userId, tweetId, createdAt: now.toISOString() });
    this.onChange();
    this.emit({ type: 'like', userId, tweet, at: now.toISOString() });
    return true;
  }

  unlike(userId: string, tweetId: string, origin: PostOrigin): boolean {
    if (origin === 'api' && this.plan === 'self-serve') {
      throw forbidden('Likes via the API are not available on self-serve plans.');
    }
    const i = this.state.likes.findIndex((l) => l.userId === userId && l.tweetId === tweetId);
    if (i < 0) return false;
    this.state.likes.splice(i, 1);
    this.onChange();
    return true;
  }

  countLikes(tweetId: string): number {
    return this.state.likes.filter((l) => l.tweetId === tweetId).length;
  }

  countLikesBy(userId: string): number {
    return this.state.likes.filter((l) => l.userId === userId).length;
  }

  countRetweets(tweetId: string): number {
    return this.state.tweets.filter((t) => !t.deleted && t.retweetOfId === tweetId).length;
  }

  /**
   * A repost is a post of its own ("RT @author: text", `retweeted` reference); reposting a repost reposts
   * the original, and reposting twice returns the existing repost (X answers `retweeted: true` again).
   */
  repost(userId: string, tweetId: string): { tweet: SandboxTweet; created: boolean } {
    this.requireUser(userId);
    let source = this.requireVisibleTweet(tweetId, 'repost');
    if (source.retweetOfId) source = this.requireVisibleTweet(source.retweetOfId, 'repost');
    const existing = this.state.tweets.find((t) => !t.deleted && t.authorId === userId && t.retweetOfId === source.id);
    if (existing) return { tweet: existing, created: false };
    const author = this.requireUser(source.authorId);
    const text = `RT @${author.username}: ${source.text}`;
    const now = this.clock();
    const id = this.minter.mint(now);
    const entities = extractEntities(text);
    const tweet: SandboxTweet = {
      id,
      authorId: userId,
      text,
      createdAt: now.toISOString(),
      conversationId: id,
      retweetOfId: source.id,
      displayStart: 0,
      lang: source.lang,
      entities: {
        ...entities,
        mentions: entities.mentions.map((m) => ({ ...m, id: this.findUserByUsername(m.username)?.id })),
      },
    };
    this.state.tweets.push(tweet);
    this.tweetsById.set(id, tweet);
    this.onChange();
    this.emit({ type: 'tweet.create', tweet });
    return { tweet, created: true };
  }

  /** Removes the user's repost of `sourceTweetId`; false when there was none (X still answers 200). */
  unrepost(userId: string, sourceTweetId: string): boolean {
    const rt = this.state.tweets.find((t) => !t.deleted && t.authorId === userId && t.retweetOfId === sourceTweetId);
    if (!rt) return false;
    rt.deleted = true;
    this.onChange();
    this.emit({ type: 'tweet.delete', tweet: rt });
    return true;
  }

  /** The post as the search/rule matcher sees it. */
  matchSubject(t: SandboxTweet): MatchSubject {
    const author = this.usersById.get(t.authorId);
    const replyTo = t.inReplyToUserId ? this.usersById.get(t.inReplyToUserId) : undefined;
    return {
      text: t.text,
      lang: t.lang,
      authorId: t.authorId,
      authorUsername: author?.username.toLowerCase() ?? '',
      authorVerified: author?.verified ?? false,
      inReplyToUserId: t.inReplyToUserId,
      inReplyToUsername: replyTo?.username.toLowerCase(),
      inReplyToTweetId: t.inReplyToTweetId,
      conversationId: t.conversationId,
      quoteTweetId: t.quoteTweetId,
      retweetOfId: t.retweetOfId,
      mentions: t.entities.mentions.map((m) => m.username.toLowerCase()),
      hashtags: t.entities.hashtags.map((h) => h.tag.toLowerCase()),
      cashtags: t.entities.cashtags.map((c) => c.tag.toLowerCase()),
      urls: t.entities.urls.map((u) => u.url),
      mediaTypes: (t.media ?? []).map((m) => m.type),
    };
  }

  // ---- direct messages -----------------------------------------------------------------------------

  static conversationIdFor(a: string, b: string): string {
    return compareIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
  }

  /**
   * Sends a one-to-one DM. The recipient must accept DMs from the sender: 'everyone', or the recipient
   * follows the sender, or the recipient already wrote in this conversation (X lets you answer).
   */
  sendDm(
    senderId: string,
    recipientId: string,
    text: unknown,
    attach?: MediaInput[],
    uploaded?: SandboxMedia,
  ): SandboxDmEvent {
    this.requireUser(senderId, 'sender');
    if (typeof text !== 'string' || (text.length === 0 && !attach?.length && !uploaded)) {
      throw invalidBody('$.text: is missing but it is required (or attachments)');
    }
    if ([...text].length > MAX_DM_LENGTH) {
      throw invalidBody(`$.text: must be at most ${MAX_DM_LENGTH} characters`);
    }
    const recipient = this.usersById.get(recipientId);
    if (!recipient) throw invalidBody(`participant_id: no user with id ${recipientId}`);
    if (recipientId === senderId) throw invalidBody('You cannot send a Direct Message to yourself.');
    const conversationId = SandboxEngine.conversationIdFor(senderId, recipientId);
    const open =
      (recipient.acceptsDms ?? 'everyone') === 'everyone' ||
      this.isFollowing(recipientId, senderId) ||
      this.state.dmEvents.some((e) => e.conversationId === conversationId && e.senderId === recipientId);
    if (!open) throw forbidden(DM_NOT_ALLOWED_DETAIL);
    const now = this.clock();
    // One attachment per DM (X's rule).
    const [media] = uploaded ? [uploaded] : mintMedia(attach, () => this.minter.mint(now), 1);
    const event: SandboxDmEvent = {
      id: this.minter.mint(now),
      eventType: 'MessageCreate',
      conversationId,
      senderId,
      recipientId,
      text: text.normalize('NFC'),
      createdAt: now.toISOString(),
      ...(media ? { media } : {}),
    };
    this.state.dmEvents.push(event);
    if (media) this.indexMedia(media, { dm: event });
    this.onChange();
    this.emit({ type: 'dm.create', event });
    return event;
  }

  /** Sends in an existing one-to-one conversation the sender belongs to. */
  sendDmInConversation(
    senderId: string,
    conversationId: string,
    text: unknown,
    uploaded?: SandboxMedia,
  ): SandboxDmEvent {
    const m = /^([0-9]{1,19})-([0-9]{1,19})$/.exec(conversationId);
    if (!m) {
      // Group conversations (numeric ids) are not modelled by the sandbox.
      throw forbidden('You are not a participant in this conversation.');
    }
    const [a, b] = [m[1]!, m[2]!];
    if (senderId !== a && senderId !== b) throw forbidden('You are not a participant in this conversation.');
    return this.sendDm(senderId, senderId === a ? b : a, text, undefined, uploaded);
  }

  /** DM events visible to `userId` (or all), newest first. */
  listDmEvents(filter: { userId?: string; conversationId?: string } = {}): SandboxDmEvent[] {
    return this.state.dmEvents
      .filter((e) => {
        if (filter.userId !== undefined && e.senderId !== filter.userId && e.recipientId !== filter.userId) {
          return false;
        }
        return filter.conversationId === undefined || e.conversationId === filter.conversationId;
      })
      .sort((x, y) => compareIds(y.id, x.id));
  }

  // ---- filtered-stream rules -----------------------------------------------------------------------

  listRules(): StreamRule[] {
    return [...this.state.rules];
  }

  /**
   * Adds rules all-or-nothing for syntax/length/cap problems (X creates none when one is invalid);
   * duplicates are reported and skipped while the others are created. `dryRun` validates only.
   */
  addRules(
    input: { value: string; tag?: string | undefined }[],
    dryRun: boolean,
  ): { created: StreamRule[]; errors: ProblemBody[]; summary: Record<string, number> } {
    const errors: ProblemBody[] = [];
    const fresh: { value: string; tag?: string | undefined }[] = [];
    let invalid = 0;
    const seen = new Set(this.state.rules.map((r) => r.value));
    for (const rule of input) {
      const existing = this.state.rules.find((r) => r.value === rule.value);
      if (existing || seen.has(rule.value)) {
        errors.push({
          value: rule.value,
          ...(existing ? { id: existing.id } : {}),
          title: 'DuplicateRule',
          type: `${PROBLEMS}/duplicate-rules`,
        });
        invalid++;
        continue;
      }
      seen.add(rule.value);
      const problem = ruleProblem(rule.value);
      if (problem) {
        errors.push(problem);
        invalid++;
        continue;
      }
      fresh.push(rule);
    }
    const cap = this.plan === 'self-serve' ? RULE_CAP_SELF_SERVE : RULE_CAP_ENTERPRISE;
    const overCap = this.state.rules.length + fresh.length > cap;
    if (overCap) {
      errors.push({
        title: 'RulesCapExceeded',
        detail: `Rule cap of ${cap} rules exceeded.`,
        type: `${PROBLEMS}/rule-cap`,
      });
    }
    const blocking = overCap || errors.some((e) => e.title !== 'DuplicateRule');
    const created: StreamRule[] = [];
    if (!blocking) {
      for (const rule of fresh) {
        const r: StreamRule = { id: this.minter.mint(this.clock()), value: rule.value };
        if (rule.tag !== undefined) r.tag = rule.tag;
        created.push(r);
      }
      if (!dryRun && created.length) {
        this.state.rules.push(...created);
        this.onChange();
      }
    }
    const summary = {
      created: dryRun ? 0 : created.length,
      not_created: input.length - (dryRun ? 0 : created.length),
      valid: input.length - invalid,
      invalid,
    };
    return { created, errors, summary };
  }

  deleteRules(
    by: { ids?: string[]; values?: string[] },
    dryRun: boolean,
  ): { errors: ProblemBody[]; summary: { deleted: number; not_deleted: number } } {
    const wanted = [...(by.ids ?? []).map((id) => ({ id })), ...(by.values ?? []).map((value) => ({ value }))];
    const errors: ProblemBody[] = [];
    const doomed = new Set<StreamRule>();
    for (const w of wanted) {
      const r = this.state.rules.find((x) => ('id' in w ? x.id === w.id : x.value === w.value));
      if (r) doomed.add(r);
      else {
        const value = 'id' in w ? w.id : w.value;
        errors.push({ value, details: ['Rule does not exist'], title: 'Invalid Request', type: INVALID_REQUEST });
      }
    }
    if (!dryRun && doomed.size) {
      this.state.rules = this.state.rules.filter((r) => !doomed.has(r));
      this.onChange();
    }
    return { errors, summary: { deleted: doomed.size, not_deleted: wanted.length - doomed.size } };
  }

  // ---- webhooks and subscriptions (the HTTP side, CRC and delivery, lives in webhooks.ts) -------------

  listWebhooks(): SandboxWebhook[] {
    return this.state.webhooks.map((w) => ({ ...w }));
  }

  getWebhook(id: string): SandboxWebhook | undefined {
    return this.state.webhooks.find((w) => w.id === id);
  }

  addWebhook(url: string): SandboxWebhook {
    const now = this.clock();
    const hook: SandboxWebhook = { id: this.minter.mint(now), url, valid: true, createdAt: now.toISOString() };
    this.state.webhooks.push(hook);
    this.onChange();
    return { ...hook };
  }

  setWebhookValid(id: string, valid: boolean): void {
    const hook = this.getWebhook(id);
    if (hook && hook.valid !== valid) {
      hook.valid = valid;
      this.onChange();
    }
  }

  deleteWebhook(id: string): boolean {
    const before = this.state.webhooks.length;
    this.state.webhooks = this.state.webhooks.filter((w) => w.id !== id);
    this.state.subscriptions = this.state.subscriptions.filter((s) => s.webhookId !== id);
    if (this.state.webhooks.length === before) return false;
    this.onChange();
    return true;
  }

  isSubscribed(webhookId: string, userId: string): boolean {
    return this.state.subscriptions.some((s) => s.webhookId === webhookId && s.userId === userId);
  }

  addSubscription(webhookId: string, userId: string): void {
    this.state.subscriptions.push({ webhookId, userId, createdAt: this.clock().toISOString() });
    this.onChange();
  }

  unsubscribe(webhookId: string, userId: string): boolean {
    const before = this.state.subscriptions.length;
    this.state.subscriptions = this.state.subscriptions.filter(
      (s) => !(s.webhookId === webhookId && s.userId === userId),
    );
    if (before === this.state.subscriptions.length) return false;
    this.onChange();
    return true;
  }

  subscriptions(webhookId?: string): { webhookId: string; userId: string }[] {
    return this.state.subscriptions
      .filter((s) => webhookId === undefined || s.webhookId === webhookId)
      .map((s) => ({ webhookId: s.webhookId, userId: s.userId }));
  }

  /** Unique subscribed users across the app's webhooks (the pay-per-use cap counts these). */
  uniqueSubscribedUsers(): number {
    return new Set(this.state.subscriptions.map((s) => s.userId)).size;
  }

  // ---- OAuth 2.0 ----------------------------------------------------------------------------------

  /** The app-only bearer handed out by client_credentials: X returns the same one until it is invalidated. */
  appBearerForClientCredentials(): string {
    const existing = this.state.bearerTokens.find((g) => g.kind === 'app');
    return existing ? existing.token : this.issueAppBearer();
  }

  issueAuthCode(input: Omit<OAuth2Code, 'code' | 'expiresAt'>): OAuth2Code {
    this.requireUser(input.userId);
    const code: OAuth2Code = {
      ...input,
      code: secret(30),
      expiresAt: new Date(this.clock().getTime() + AUTH_CODE_TTL_MS).toISOString(),
    };
    this.state.oauth2Codes.push(code);
    this.onChange();
    return { ...code };
  }

  /** Single use: the code is consumed even when the exchange then fails, as X does. */
  takeAuthCode(code: string): OAuth2Code | undefined {
    const i = this.state.oauth2Codes.findIndex((c) => c.code === code);
    if (i < 0) return undefined;
    const [found] = this.state.oauth2Codes.splice(i, 1);
    this.onChange();
    if (!found || Date.parse(found.expiresAt) <= this.clock().getTime()) return undefined;
    return found;
  }

  issueOAuth2Tokens(
    userId: string,
    clientId: string,
    scopes: string[],
  ): { accessToken: string; refreshToken?: string; expiresIn: number } {
    const accessToken = secret(40);
    const expiresAt = new Date(this.clock().getTime() + ACCESS_TOKEN_TTL_MS).toISOString();
    this.state.bearerTokens.push({ token: accessToken, kind: 'user', userId, scopes, expiresAt, clientId });
    let refreshToken: string | undefined;
    if (scopes.includes('offline.access')) {
      refreshToken = secret(40);
      this.state.refreshTokens.push({ token: refreshToken, userId, clientId, scopes });
    }
    this.onChange();
    return { accessToken, ...(refreshToken ? { refreshToken } : {}), expiresIn: ACCESS_TOKEN_TTL_MS / 1000 };
  }

  /** Refresh tokens rotate: the one presented is consumed. */
  takeRefreshToken(token: string): OAuth2Refresh | undefined {
    const i = this.state.refreshTokens.findIndex((r) => r.token === token);
    if (i < 0) return undefined;
    const [found] = this.state.refreshTokens.splice(i, 1);
    this.onChange();
    return found;
  }

  revokeToken(token: string): boolean {
    const before = this.state.bearerTokens.length + this.state.refreshTokens.length;
    this.state.bearerTokens = this.state.bearerTokens.filter((g) => !(g.kind === 'user' && g.token === token));
    this.state.refreshTokens = this.state.refreshTokens.filter((r) => r.token !== token);
    const changed = before !== this.state.bearerTokens.length + this.state.refreshTokens.length;
    if (changed) this.onChange();
    return changed;
  }
}

export const MAX_DM_LENGTH = 10_000;
export const DM_NOT_ALLOWED_DETAIL = 'You cannot send messages to this user.';
const PROBLEMS = 'https://api.twitter.com/2/problems';
const INVALID_REQUEST = `${PROBLEMS}/invalid-request`;
const RULE_CAP_SELF_SERVE = 1000;
const RULE_CAP_ENTERPRISE = 25000;
export const MAX_RULE_LENGTH = 1024;
const AUTH_CODE_TTL_MS = 30_000;
export const ACCESS_TOKEN_TTL_MS = 2 * 3600 * 1000;

function ruleProblem(value: unknown): ProblemBody | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return {
      value: String(value),
      details: ['Rule value must be a non-empty string'],
      title: 'Invalid Rule',
      type: `${PROBLEMS}/invalid-rules`,
    };
  }
  if (value.length > MAX_RULE_LENGTH) {
    return {
      value,
      details: [`Rule length exceeds ${MAX_RULE_LENGTH} characters`],
      title: 'RuleLengthExceeded',
      type: `${PROBLEMS}/rule-length`,
    };
  }
  try {
    parseQuery(value);
    return undefined;
  } catch (err) {
    if (err instanceof QuerySyntaxError) {
      return {
        value,
        details: [`${err.reason} (at position ${err.position})`],
        title: 'Invalid Rule',
        type: `${PROBLEMS}/invalid-rules`,
      };
    }
    throw err;
  }
}
