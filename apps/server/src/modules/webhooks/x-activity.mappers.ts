import type { InboundItem, NetworkAccount } from '@guichet/connectors';

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
  extended_tweet?: { full_text?: string };
  in_reply_to_status_id_str?: string | null;
  in_reply_to_user_id_str?: string | null;
  quoted_status_id_str?: string;
  retweeted_status?: unknown;
  user?: V1User;
  entities?: { user_mentions?: { screen_name?: string; id_str?: string }[] };
  lang?: string;
}

interface V1DmEvent {
  type?: string;
  id: string;
  created_timestamp?: string;
  message_create?: {
    target?: { recipient_id?: string };
    sender_id?: string;
    message_data?: { text?: string };
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

export function v1Account(user: V1User | undefined, fallbackId: string): NetworkAccount {
  const id = user?.id_str ?? (user?.id !== undefined ? String(user.id) : fallbackId);
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
  const author = v1Account(tweet.user, 'unknown');
  if (author.externalId === selfId) return null;
  const text = tweet.extended_tweet?.full_text ?? tweet.full_text ?? tweet.text ?? '';
  const mentionsUs = tweet.entities?.user_mentions?.some((m) => m.id_str === selfId) ?? false;
  const replyToUs = tweet.in_reply_to_user_id_str === selfId;
  const kind = tweet.quoted_status_id_str ? 'quote' : replyToUs ? 'reply' : mentionsUs ? 'mention' : 'post';
  const created = tweet.timestamp_ms
    ? Number(tweet.timestamp_ms)
    : tweet.created_at
      ? Date.parse(tweet.created_at)
      : Date.now();
  return {
    kind,
    visibility: 'public',
    externalId: tweet.id_str,
    // v1.1 has no conversation id: the parent's thread is looked up at ingestion, this is the fallback.
    conversationExternalId: tweet.in_reply_to_status_id_str ?? tweet.id_str,
    inReplyToExternalId: tweet.in_reply_to_status_id_str ?? undefined,
    quotedExternalId: tweet.quoted_status_id_str,
    author,
    text,
    createdAt: new Date(created),
    lang: tweet.lang,
    url: `https://x.com/${author.handle}/status/${tweet.id_str}`,
    repliable: mentionsUs || replyToUs || Boolean(tweet.quoted_status_id_str),
    raw: { v1: tweet, selfHandle },
  };
}

export function mapV1DirectMessage(
  event: V1DmEvent,
  users: Record<string, V1User>,
  selfId: string,
): InboundItem | null {
  const sender = event.message_create?.sender_id;
  if (event.type !== 'message_create' || !sender || sender === selfId) return null;
  const recipient = event.message_create?.target?.recipient_id ?? selfId;
  const [low, high] = [sender, recipient].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const conversation = `${low}-${high}`;
  return {
    kind: 'direct_message',
    visibility: 'direct',
    externalId: event.id,
    conversationExternalId: conversation,
    author: v1Account(users[sender], sender),
    text: event.message_create?.message_data?.text ?? '',
    createdAt: new Date(Number(event.created_timestamp ?? Date.now())),
    url: `https://x.com/messages/${conversation}`,
    raw: { v1: event },
  };
}
