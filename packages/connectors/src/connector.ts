/**
 * The seam between the desk and a social network. The desk only ever sees these normalised shapes;
 * everything network-specific (X's snowflakes, field names, auth) stays inside a connector.
 */

export type NetworkName = 'x' | 'bluesky' | 'mastodon';

export interface ConnectorCapabilities {
  /** Private messages can be read and sent. */
  directMessages: boolean;
  /** Replies to posts that do not mention the account are allowed (X self-serve plans forbid them). */
  repliesToNonMentions: boolean;
  /** A push feed (stream or webhooks) is available instead of polling. */
  streaming: boolean;
  /** Longest public post, in the network's own weighted counting. */
  maxPublicLength: number;
  /** Longest private message. */
  maxDirectLength: number;
}

/** A person or account on the network, as much as the feed told us. */
export interface NetworkAccount {
  externalId: string;
  handle: string;
  name: string;
  avatarUrl?: string | undefined;
  description?: string | undefined;
  followersCount?: number | undefined;
  verified?: boolean | undefined;
}

/** The connected account's own public profile, as the network shows it (for the set-up checklist, F30). */
export interface AccountProfile {
  externalId: string;
  handle: string;
  name: string;
  description: string;
  /** The profile's website, expanded (X shows a t.co link). */
  url: string | null;
  /** Links written in the bio, expanded. */
  descriptionUrls: string[];
  profileImageUrl: string | null;
  verified: boolean;
  pinnedPost: { externalId: string; text: string } | null;
}

export type InboundKind = 'mention' | 'reply' | 'quote' | 'direct_message' | 'post';

export type InboundMediaType = 'photo' | 'animated_gif' | 'video';

/** A photo, animated GIF or video attached to a post or a DM, as the network describes it. */
export interface InboundMedia {
  type: InboundMediaType;
  /** The network's own key for it (X: `media_key`, e.g. `3_1850000000000000001`). */
  mediaKey?: string | undefined;
  /** The image itself (photos). */
  url?: string | undefined;
  /** A still frame (GIFs and videos). */
  previewUrl?: string | undefined;
  /** The best playable file (GIFs and videos: the highest-bitrate mp4), when the network gives one. */
  videoUrl?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  altText?: string | undefined;
  durationMs?: number | undefined;
  /** The short link the network put in the text for it (X: the media's t.co link); shown as the media. */
  textUrl?: string | undefined;
  /**
   * True when fetching it needs the account's credentials (X: media in direct messages, on ton.twitter.com):
   * a browser cannot load it directly.
   */
  private?: boolean | undefined;
}

/** A link in the text: the short form the text holds and what it stands for. */
export interface InboundLink {
  /** As written in the text (X: the t.co link). */
  url: string;
  expandedUrl?: string | undefined;
  /** How the network shows it (X: `display_url`, shortened with an ellipsis). */
  displayUrl?: string | undefined;
  /** The landing page's title and description, where the network gives them. */
  title?: string | undefined;
  description?: string | undefined;
  /** The address after every redirect, where the network gives it. */
  unwoundUrl?: string | undefined;
}

/** One post or DM that reached the connected account, normalised. */
export interface InboundItem {
  kind: InboundKind;
  visibility: 'public' | 'direct';
  externalId: string;
  /** The thread as the network sees it (X: conversation_id; DMs: dm_conversation_id). */
  conversationExternalId: string;
  /** The post this one answers, when it is a reply. */
  inReplyToExternalId?: string | undefined;
  quotedExternalId?: string | undefined;
  author: NetworkAccount;
  text: string;
  createdAt: Date;
  lang?: string | undefined;
  /** Public link to the post on the network. */
  url?: string | undefined;
  /** False when the network's rules forbid a public reply (X self-serve: posts that do not mention us). */
  repliable?: boolean | undefined;
  /** Photos, GIFs and videos attached, in the order the author attached them. */
  media?: InboundMedia[] | undefined;
  /** Links in the text, in order (not the links that only point at the attached media). */
  links?: InboundLink[] | undefined;
  /** The network's own payload, kept for audit and later re-processing. */
  raw: unknown;
}

export interface FetchResult {
  items: InboundItem[];
  /** Opaque; persist it and pass it back on the next call. Null means keep the previous cursor. */
  nextCursor: string | null;
}

export interface FetchMentionsRequest {
  /** The cursor returned by the previous call, or null on the first poll. */
  cursor: string | null;
  /** On the first poll, how far back to look. */
  backfillSince?: Date | undefined;
}

export interface SearchRequest extends FetchMentionsRequest {
  /** The network's own search syntax (X: contract §5.1). */
  query: string;
}

export interface PublishReplyRequest {
  text: string;
  inReplyToExternalId: string;
  /** Pictures already uploaded (uploadMedia), in order; the same ids on every retry of one reply. */
  mediaIds?: string[] | undefined;
}

/** The pictures an agent may attach (X: JPEG, PNG, WebP, GIF). */
export type OutgoingImageType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

export interface UploadMediaRequest {
  data: Buffer;
  contentType: OutgoingImageType;
  /** Where it will be sent: X keeps post and DM media apart (media categories tweet_* and dm_*). */
  visibility: 'public' | 'direct';
}

export interface UploadedMedia {
  /** What a post or DM names to carry it. */
  mediaId: string;
  mediaKey?: string | undefined;
  /** After this the network has forgotten it: upload again. */
  expiresAt?: Date | undefined;
}

/** A media file read with the account's credentials (X: a DM's picture). */
export interface PrivateMediaFile {
  data: Buffer;
  /** As the network labelled it; the desk checks it against its allow list. */
  contentType: string;
}

export interface PublishPostRequest {
  text: string;
}

export interface PublishedPost {
  externalId: string;
  createdAt: Date;
  url?: string | undefined;
}

export type ConnectorErrorKind = 'rate_limited' | 'transient' | 'unauthorized' | 'rejected';

/**
 * Every failure a connector reports is one of four kinds, so the desk's retry policy does not need to
 * know the network: rate_limited and transient are retried, unauthorized and rejected are not.
 */
export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  /** When rate limited: the earliest time a retry can succeed. */
  readonly retryAt: Date | undefined;
  /** Stable reason code for the agent-facing message, e.g. `x.reply_not_allowed`. */
  readonly reason: string;
  readonly status: number | undefined;

  constructor(
    kind: ConnectorErrorKind,
    message: string,
    options: { reason?: string; retryAt?: Date; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = kind;
    this.reason = options.reason ?? `connector.${kind}`;
    this.retryAt = options.retryAt;
    this.status = options.status;
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

export interface Connector {
  readonly network: NetworkName;
  readonly capabilities: ConnectorCapabilities;
  /** The connected account itself; used for echo suppression. */
  whoAmI(): Promise<NetworkAccount>;
  /** The account's profile as others see it: bio, website, picture, pinned post. Read fresh each time. */
  getOwnProfile?(): Promise<AccountProfile>;
  /** Mentions, replies and quotes addressed to the account, oldest first, after the cursor. */
  fetchMentions(request: FetchMentionsRequest): Promise<FetchResult>;
  /** Uploads a picture for a reply or DM; the id is then passed as `mediaIds`. Throws ConnectorError. */
  uploadMedia?(request: UploadMediaRequest): Promise<UploadedMedia>;
  /** Reads a media file that needs the account's credentials (InboundMedia `private`). Throws ConnectorError. */
  fetchPrivateMedia?(url: string): Promise<PrivateMediaFile>;
  /** Publishes a public reply. Throws ConnectorError. */
  publishReply(request: PublishReplyRequest): Promise<PublishedPost>;
  /**
   * Looks for a post of ours already answering `inReplyToExternalId` with this exact text, so a retry
   * after a crash (X accepted, we never recorded it) adopts that post instead of posting twice.
   */
  findPublishedReply(request: PublishReplyRequest & { since: Date }): Promise<PublishedPost | null>;
  /** Publishes a standalone post on the account's timeline (not a reply). Throws ConnectorError. */
  publishPost?(request: PublishPostRequest): Promise<PublishedPost>;
  /**
   * Looks for a standalone post of ours with this exact text published since `since`, so a retry after a
   * crash adopts it instead of posting twice (like findPublishedReply).
   */
  findPublishedPost?(request: PublishPostRequest & { since: Date }): Promise<PublishedPost | null>;
  /** Public link to a post. */
  postUrl(account: { handle: string }, externalId: string): string;
  /** Private messages to and from the account, oldest first, after the cursor (when `directMessages`). */
  fetchDirectMessages?(request: FetchMentionsRequest): Promise<FetchResult>;
  /** Sends a private message. Throws ConnectorError. */
  sendDirectMessage?(request: SendDirectMessageRequest): Promise<PublishedPost>;
  /** Posts by id (e.g. the parent of a reply the desk has never seen), in the same normalised shape. */
  lookupPosts?(externalIds: string[]): Promise<InboundItem[]>;
  /**
   * Brand monitoring: recent posts matching a saved query, oldest first, after the cursor. Items that do
   * not mention the account come back as kind `post` with `repliable` telling whether the plan lets us answer.
   */
  searchRecent?(request: SearchRequest): Promise<FetchResult>;
  /**
   * A push connection for mentions (when `streaming`): items arrive within a second instead of at the next
   * poll. Reconnects by itself; `close` ends it.
   */
  openStream?(handlers: StreamHandlers): Promise<{ close(): void }>;
  /** Like findPublishedReply, for a private message: finds ours to that person with this text, if any. */
  findSentDirectMessage?(request: SendDirectMessageRequest & { since: Date }): Promise<PublishedPost | null>;
  /**
   * Likes a post as the connected account. Idempotent on the network (one like per account and post), so
   * calling it again after an attempt whose answer was lost adopts the earlier like. Throws ConnectorError
   * (`rejected` when the plan does not allow likes).
   */
  like?(externalId: string): Promise<EngagementResult>;
  /** Reposts a post as the connected account; idempotent like `like` (one repost per account and post). */
  repost?(externalId: string): Promise<EngagementResult>;
}

export interface EngagementResult {
  /** The repost's own id on the network, when it tells us. */
  externalId?: string | undefined;
}

export interface StreamHandlers {
  /** New inbound items, as they arrive. */
  onItems(items: InboundItem[]): void;
  onState(state: 'connected' | 'lost' | 'reconnected', detail?: string): void;
}

export interface SendDirectMessageRequest {
  /** The person written to (their account id on the network). */
  recipientExternalId: string;
  text: string;
  /** One picture already uploaded (uploadMedia); the same id on every retry. */
  mediaIds?: string[] | undefined;
}

/** How a channel's stored settings become a live connector. */
export interface ConnectorFactory<TConfig = unknown> {
  readonly network: NetworkName;
  create(config: TConfig): Connector;
}
