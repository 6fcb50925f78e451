import { randomBytes } from 'node:crypto';
import { compareIds, SnowflakeMinter } from './ids.ts';
import { codePointLength, extractEntities, guessLang, MAX_WEIGHTED_LENGTH, weightedLength } from './text.ts';
import {
  DUPLICATE_DETAIL,
  forbidden,
  invalidBody,
  QUOTE_TARGET_MISSING_DETAIL,
  REPLY_NOT_ALLOWED_DETAIL,
  REPLY_TARGET_MISSING_DETAIL,
  SandboxError,
  TOO_LONG_DETAIL,
} from './errors.ts';

export type SandboxPlan = 'self-serve' | 'enterprise';

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
  /** Code-point offset where the author's own text starts, after auto-populated reply mentions. */
  displayStart: number;
  lang: string;
  entities: {
    mentions: SandboxMention[];
    urls: { start: number; end: number; url: string }[];
    hashtags: { start: number; end: number; tag: string }[];
    cashtags: { start: number; end: number; tag: string }[];
  };
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

export type BearerGrant = { token: string; kind: 'app' } | { token: string; kind: 'user'; userId: string };

export interface SandboxState {
  version: 1;
  app: { consumerKey: string; consumerSecret: string };
  lastId: string;
  users: SandboxUser[];
  tweets: SandboxTweet[];
  bearerTokens: BearerGrant[];
  oauth1Tokens: { accessToken: string; accessSecret: string; userId: string }[];
}

export interface CreateUserInput {
  username: string;
  name: string;
  description?: string | undefined;
  followersCount?: number | undefined;
  verified?: boolean | undefined;
  profileImageUrl?: string | undefined;
}

export interface PostInput {
  text: string;
  inReplyToTweetId?: string | undefined;
  quoteTweetId?: string | undefined;
  excludeReplyUserIds?: string[] | undefined;
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

export function emptyState(): SandboxState {
  return {
    version: 1,
    app: { consumerKey: secret(18), consumerSecret: secret(36) },
    lastId: '0',
    users: [],
    tweets: [],
    bearerTokens: [],
    oauth1Tokens: [],
  };
}

/** All sandbox behaviour that does not depend on HTTP; the server and the admin facade both call it. */
export class SandboxEngine {
  private state: SandboxState;
  private minter: SnowflakeMinter;
  private tweetsById = new Map<string, SandboxTweet>();
  private usersById = new Map<string, SandboxUser>();
  private usersByName = new Map<string, SandboxUser>();

  constructor(
    state: SandboxState,
    readonly clock: () => Date,
    readonly plan: SandboxPlan,
    private readonly onChange: () => void,
  ) {
    this.state = state;
    this.minter = new SnowflakeMinter(BigInt(state.lastId));
    this.reindex();
  }

  snapshot(): SandboxState {
    return { ...this.state, lastId: this.minter.lastId };
  }

  get app(): { consumerKey: string; consumerSecret: string } {
    return { ...this.state.app };
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

  resolveBearer(token: string): BearerGrant | undefined {
    return this.state.bearerTokens.find((g) => g.token === token);
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
      if (input.quoteTweetId === undefined) throw invalidBody('$.text: must be a non-empty string');
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

    const entities = extractEntities(text);
    const id = this.minter.mint(now);
    const tweet: SandboxTweet = {
      id,
      authorId,
      text,
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
      },
    };
    this.state.tweets.push(tweet);
    this.tweetsById.set(id, tweet);
    this.onChange();
    return tweet;
  }

  /** Self-serve reply rule: the parent's author must have @mentioned the replier or quoted one of its posts. */
  private summoned(parent: SandboxTweet, replierId: string): boolean {
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
    return true;
  }
}
