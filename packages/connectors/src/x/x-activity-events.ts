import type { InboundItem, NetworkAccount } from '../connector.ts';
import type { XMedia } from './x-media.ts';
import { mapV1Links, mapV1MediaList, type V1Media, type V1Url } from './x-media.ts';
import type { XTweet, XUser } from './x-client.ts';
import { mapXTweet } from './x-mappers.ts';

/**
 * X Activity API (XAA) events, as delivered by the persistent stream and by webhooks alike: one envelope
 * `{ data: { event_uuid, event_type, filter, tag, payload, includes } }` (contract §13.6, X's event payload
 * examples). `post.*` payloads are v2 Post objects; `dm.*` payloads reuse the Account Activity
 * `direct_message_events` + `users` shape (with v2 users, each wrapped in `data`); follows carry `source` and
 * `target`; likes carry the liked post and its author, and the subscription's `direction` says who liked.
 */

/** The events a desk subscribes to for each channel, with the filter X documents for each. */
export const XAA_DESK_SUBSCRIPTIONS: readonly { eventType: XaaEventType; direction?: 'inbound' }[] = [
  { eventType: 'post.mention.create' },
  { eventType: 'post.reply.create' },
  { eventType: 'post.quote.create' },
  { eventType: 'dm.received' },
  // The desk's own DMs (sent from the X app too): recorded as the brand's own, never as a customer's.
  { eventType: 'dm.sent' },
  { eventType: 'follow.follow' },
  // Only likes of the brand's posts; the brand's own likes (`outbound`) are not signals.
  { eventType: 'like.create', direction: 'inbound' },
];

export type XaaEventType =
  | 'post.mention.create'
  | 'post.reply.create'
  | 'post.quote.create'
  | 'dm.received'
  | 'dm.sent'
  | 'follow.follow'
  | 'like.create';

export interface XaaFilter {
  user_id?: string;
  direction?: 'inbound' | 'outbound';
  keyword?: string;
}

/** v2 users arrive bare in `includes.users` of post events and wrapped in `data` elsewhere. */
type MaybeWrapped<T> = T | { data?: T };

export interface XaaEnvelope {
  data?: {
    event_uuid?: string;
    event_type?: string;
    filter?: XaaFilter;
    tag?: string;
    payload?: unknown;
    includes?: { users?: MaybeWrapped<XUser>[]; tweets?: XTweet[]; media?: XMedia[] };
  };
  errors?: { title?: string; detail?: string; type?: string }[];
}

/** What one event means for the desk. */
export type XaaOutcome =
  | { kind: 'item'; item: InboundItem }
  | { kind: 'followed'; account: NetworkAccount }
  | { kind: 'liked'; by: string | null; postId: string | null }
  | { kind: 'ignored'; reason: string };

const ID = /^\d{1,19}$/;
/** X's ids exceed 2^53: only their string forms are read; a number has already lost digits. */
const stringId = (value: unknown): string | undefined =>
  typeof value === 'string' && ID.test(value) ? value : undefined;

function unwrap<T>(value: MaybeWrapped<T> | undefined): T | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const inner = (value as { data?: T }).data;
  return inner && typeof inner === 'object' ? inner : (value as T);
}

interface LooseUser {
  id?: unknown;
  id_str?: unknown;
  username?: unknown;
  screen_name?: unknown;
  name?: unknown;
  profile_image_url?: unknown;
  profile_image_url_https?: unknown;
  description?: unknown;
  verified?: unknown;
  public_metrics?: { followers_count?: unknown };
  followers_count?: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A user in either shape XAA sends (v2 `username`, or v1.1 `screen_name` in older DM payloads). */
export function xaaAccount(user: LooseUser | undefined, fallbackId: string): NetworkAccount {
  const id = stringId(user?.id) ?? stringId(user?.id_str) ?? fallbackId;
  const handle = str(user?.username) ?? str(user?.screen_name) ?? id;
  const followers = user?.public_metrics?.followers_count ?? user?.followers_count;
  return {
    externalId: id,
    handle,
    name: str(user?.name) ?? handle,
    avatarUrl: str(user?.profile_image_url) ?? str(user?.profile_image_url_https),
    description: str(user?.description),
    followersCount: typeof followers === 'number' ? followers : undefined,
    verified: typeof user?.verified === 'boolean' ? user.verified : undefined,
  };
}

function mapPost(data: NonNullable<XaaEnvelope['data']>, selfId: string): XaaOutcome {
  const tweet = data.payload as XTweet | undefined;
  if (!tweet || !stringId(tweet.id) || typeof tweet.text !== 'string') return { kind: 'ignored', reason: 'no post' };
  const includes = {
    users: (data.includes?.users ?? []).map((u) => unwrap(u)).filter((u): u is XUser => Boolean(u?.id)),
    tweets: data.includes?.tweets ?? [],
    media: data.includes?.media ?? [],
  };
  const item = mapXTweet(tweet, includes, selfId);
  // The event says what the post is to the brand; the post's own references may say less (no includes).
  if (data.event_type === 'post.quote.create') item.kind = 'quote';
  else if (data.event_type === 'post.reply.create' && item.kind === 'mention') item.kind = 'reply';
  // Mentions, replies and quotes of the account are all answerable on X's self-serve plans.
  item.repliable = true;
  item.raw = { xaa: { event_uuid: data.event_uuid, event_type: data.event_type }, ...(item.raw as object) };
  return { kind: 'item', item };
}

interface DmEvent {
  type?: string;
  id?: unknown;
  created_timestamp?: unknown;
  message_create?: {
    target?: { recipient_id?: unknown };
    sender_id?: unknown;
    message_data?: { text?: unknown; entities?: { urls?: V1Url[] }; attachment?: { type?: string; media?: V1Media } };
  };
}

function mapDm(data: NonNullable<XaaEnvelope['data']>, selfId: string): XaaOutcome {
  const payload = data.payload as { direct_message_events?: DmEvent[]; users?: Record<string, unknown> } | undefined;
  const event = payload?.direct_message_events?.find((e) => e.type === 'message_create');
  const id = stringId(event?.id);
  const sender = stringId(event?.message_create?.sender_id);
  if (!event || !id || !sender) return { kind: 'ignored', reason: 'no message' };
  const recipient = stringId(event.message_create?.target?.recipient_id) ?? selfId;
  const message = event.message_create?.message_data;
  // DM media need the account's credentials to be fetched (ton.twitter.com): marked private.
  const attached = message?.attachment?.type === 'media' && message.attachment.media ? [message.attachment.media] : [];
  const media = mapV1MediaList(attached, { private: true });
  const links = mapV1Links(message?.entities?.urls);
  const [low, high] = [sender, recipient].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const conversation = `${low}-${high}`;
  const created = Number(typeof event.created_timestamp === 'string' ? event.created_timestamp : NaN);
  const item: InboundItem = {
    kind: 'direct_message',
    visibility: 'direct',
    externalId: id,
    conversationExternalId: conversation,
    // dm.sent: the author is the brand itself, which ingestion records as its own (an echo), never a customer.
    author: xaaAccount(unwrap(payload?.users?.[sender] as MaybeWrapped<LooseUser> | undefined), sender),
    text: typeof message?.text === 'string' ? message.text : '',
    createdAt: new Date(Number.isFinite(created) ? created : Date.now()),
    url: `https://x.com/messages/${conversation}`,
    ...(media.length ? { media } : {}),
    ...(links.length ? { links } : {}),
    raw: { xaa: { event_uuid: data.event_uuid, event_type: data.event_type }, v1: event },
  };
  return { kind: 'item', item };
}

function mapFollow(data: NonNullable<XaaEnvelope['data']>, selfId: string): XaaOutcome {
  const payload = data.payload as { source?: MaybeWrapped<LooseUser>; target?: MaybeWrapped<LooseUser> } | undefined;
  const source = unwrap(payload?.source);
  const target = unwrap(payload?.target);
  const sourceId = stringId(source?.id);
  // The brand following someone is not a new follower.
  if (stringId(target?.id) !== selfId || !sourceId || sourceId === selfId) {
    return { kind: 'ignored', reason: 'not a new follower' };
  }
  return { kind: 'followed', account: xaaAccount(source, sourceId) };
}

function mapLike(data: NonNullable<XaaEnvelope['data']>, selfId: string): XaaOutcome {
  const payload = data.payload as
    { liked_tweet_id?: unknown; liked_tweet_author_id?: unknown; tweet_author_id?: unknown } | undefined;
  // X's examples name the author `liked_tweet_author_id`, the spec `tweet_author_id`.
  const author = stringId(payload?.liked_tweet_author_id) ?? stringId(payload?.tweet_author_id);
  // Outbound: the brand itself liked a post. Its own likes are never praise from a customer.
  if (data.filter?.direction === 'outbound' || author !== selfId) return { kind: 'ignored', reason: 'own like' };
  const liker = (data.includes?.users ?? [])
    .map((u) => unwrap(u))
    .find((u) => u && stringId(u.id) !== selfId && stringId(u.id) !== author);
  return { kind: 'liked', by: liker?.username ?? null, postId: stringId(payload?.liked_tweet_id) ?? null };
}

/** One XAA envelope → what it means for the channel whose account id is `selfId`. */
export function mapXaaEvent(envelope: XaaEnvelope, selfId: string): XaaOutcome {
  const data = envelope.data;
  if (!data || typeof data !== 'object') return { kind: 'ignored', reason: 'no event' };
  if (data.filter?.user_id !== undefined && data.filter.user_id !== selfId) {
    return { kind: 'ignored', reason: 'another account' };
  }
  switch (data.event_type) {
    case 'post.mention.create':
    case 'post.reply.create':
    case 'post.quote.create':
      return mapPost(data, selfId);
    case 'dm.received':
    case 'dm.sent':
      return mapDm(data, selfId);
    case 'follow.follow':
      return mapFollow(data, selfId);
    case 'like.create':
      return mapLike(data, selfId);
    default:
      return { kind: 'ignored', reason: `event ${String(data.event_type)}` };
  }
}

/** Whether a parsed JSON body is an XAA envelope (rather than an Account Activity delivery). */
export function isXaaEnvelope(body: unknown): body is XaaEnvelope {
  const data = (body as { data?: { event_type?: unknown } } | null)?.data;
  return Boolean(data && typeof data === 'object' && typeof data.event_type === 'string');
}
