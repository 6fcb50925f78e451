import {
  mapV1Links,
  mapV1MediaList,
  type InboundItem,
  type NetworkAccount,
  type V1Media,
  type V1Url,
} from '@guichet/connectors';

/** The v1.1 object shapes X's Account Activity API delivers (contract §13.5), as far as the desk reads them. */
interface V1User {
  id_str?: string;
  id?: number | string;
  name?: string;
  screen_name?: string;
  description?: string | null;
  followers_count?: number;
  verified?: boolean;
  profile_image_url_https?: string;
}

interface V1Tweet {
  id_str: string;
  created_at?: string;
  timestamp_ms?: string;
  text?: string;
  full_text?: string;
  truncated?: boolean;
  /** Posts longer than 140 characters: the whole text and its entities (contract §13.5). */
  extended_tweet?: {
    full_text?: string;
    entities?: V1Entities;
    extended_entities?: { media?: V1Media[] };
  };
  /** Every attached photo, or the one GIF or video, with its real type (`entities.media` holds the first only). */
  extended_entities?: { media?: V1Media[] };
  in_reply_to_status_id_str?: string | null;
  in_reply_to_user_id_str?: string | null;
  quoted_status_id_str?: string;
  retweeted_status?: unknown;
  user?: V1User;
  entities?: V1Entities;
  lang?: string;
}

interface V1Entities {
  user_mentions?: { screen_name?: string; id_str?: string }[];
  urls?: V1Url[];
  media?: V1Media[];
}

interface V1DmEvent {
  type?: string;
  id: string;
  created_timestamp?: string;
  message_create?: {
    target?: { recipient_id?: string };
    sender_id?: string;
    message_data?: {
      text?: string;
      entities?: { urls?: V1Url[] };
      attachment?: { type?: string; media?: V1Media };
    };
  };
}

export interface ActivityPayload {
  for_user_id?: string;
  tweet_create_events?: V1Tweet[];
  direct_message_events?: V1DmEvent[];
  users?: Record<string, V1User>;
  follow_events?: { type?: string; created_timestamp?: string; source?: V1User; target?: V1User }[];
  favorite_events?: { id?: string; favorited_status?: V1Tweet; user?: V1User; timestamp_ms?: number | string }[];
}

/**
 * X's numeric ids exceed 2^53: a JSON number has already lost digits when parsed, so only string forms are
 * read (`id_str`; the `users` map of DM deliveries sends `id` as a string).
 */
function stringId(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : undefined;
}

export function v1Account(user: V1User | undefined, fallbackId: string): NetworkAccount {
  const id = stringId(user?.id_str) ?? stringId(user?.id) ?? fallbackId;
  return {
    externalId: id,
    handle: user?.screen_name ?? id,
    name: user?.name ?? user?.screen_name ?? id,
    avatarUrl: user?.profile_image_url_https,
    description: user?.description ?? undefined,
    followersCount: user?.followers_count,
    verified: user?.verified,
  };
}

/** A v1.1 post delivered to the account, as the desk's normalised item; our own posts are left out. */
export function mapV1Tweet(tweet: V1Tweet, selfId: string, selfHandle: string): InboundItem | null {
  const id = stringId(tweet.id_str);
  const author = v1Account(tweet.user, 'unknown');
  if (!id || author.externalId === selfId) return null;
  const parent = stringId(tweet.in_reply_to_status_id_str);
  const quoted = stringId(tweet.quoted_status_id_str);
  // A truncated post's `text` stops at 140 characters; the whole post is in extended_tweet.
  const extended = tweet.truncated || !tweet.text ? tweet.extended_tweet : undefined;
  const text = extended?.full_text ?? tweet.full_text ?? tweet.text ?? '';
  const entities = extended?.entities ?? tweet.entities;
  const mentionsUs = entities?.user_mentions?.some((m) => m.id_str === selfId) ?? false;
  const media = mapV1MediaList(
    extended?.extended_entities?.media ?? tweet.extended_entities?.media ?? entities?.media,
    { private: false },
  );
  const links = mapV1Links(entities?.urls);
  const replyToUs = tweet.in_reply_to_user_id_str === selfId;
  const kind = quoted ? 'quote' : replyToUs ? 'reply' : mentionsUs ? 'mention' : 'post';
  const created = tweet.timestamp_ms
    ? Number(tweet.timestamp_ms)
    : tweet.created_at
      ? Date.parse(tweet.created_at)
      : Date.now();
  return {
    kind,
    visibility: 'public',
    externalId: id,
    // v1.1 has no conversation id: the parent's thread is looked up at ingestion, this is the fallback.
    conversationExternalId: parent ?? id,
    inReplyToExternalId: parent,
    quotedExternalId: quoted,
    author,
    text,
    createdAt: new Date(created),
    lang: tweet.lang,
    url: `https://x.com/${author.handle}/status/${id}`,
    repliable: mentionsUs || replyToUs || Boolean(quoted),
    ...(media.length ? { media } : {}),
    ...(links.length ? { links } : {}),
    raw: { v1: tweet, selfHandle },
  };
}

export function mapV1DirectMessage(
  event: V1DmEvent,
  users: Record<string, V1User>,
  selfId: string,
): InboundItem | null {
  const id = stringId(event.id);
  const sender = stringId(event.message_create?.sender_id);
  if (event.type !== 'message_create' || !id || !sender || sender === selfId) return null;
  const recipient = stringId(event.message_create?.target?.recipient_id) ?? selfId;
  const data = event.message_create?.message_data;
  // DM media need the account's credentials to be fetched (ton.twitter.com): marked private.
  const attached = data?.attachment?.type === 'media' && data.attachment.media ? [data.attachment.media] : [];
  const media = mapV1MediaList(attached, { private: true });
  const links = mapV1Links(data?.entities?.urls);
  const [low, high] = [sender, recipient].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const conversation = `${low}-${high}`;
  return {
    kind: 'direct_message',
    visibility: 'direct',
    externalId: id,
    conversationExternalId: conversation,
    author: v1Account(users[sender], sender),
    text: data?.text ?? '',
    createdAt: new Date(Number(event.created_timestamp ?? Date.now())),
    url: `https://x.com/messages/${conversation}`,
    ...(media.length ? { media } : {}),
    ...(links.length ? { links } : {}),
    raw: { v1: event },
  };
}
