import type { AccountProfile, InboundItem, InboundKind, NetworkAccount } from '../connector.ts';
import type { XPage, XTweet, XUrlEntity, XUser } from './x-client.ts';
import { mapXLinks, mediaByKeys } from './x-media.ts';

export function xPostUrl(handle: string, id: string): string {
  return `https://x.com/${handle}/status/${id}`;
}

const SNOWFLAKE_EPOCH_MS = 1288834974657n;

/** A Snowflake id embeds its creation time; used when X does not send created_at (e.g. POST /2/tweets). */
export function snowflakeDate(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS));
}

export function mapXUser(user: XUser): NetworkAccount {
  return {
    externalId: user.id,
    handle: user.username,
    name: user.name,
    avatarUrl: user.profile_image_url,
    description: user.description,
    followersCount: user.public_metrics?.followers_count,
    verified: user.verified,
  };
}

const expanded = (urls: XUrlEntity[] | undefined) =>
  (urls ?? []).map((u) => u.expanded_url ?? u.url).filter((u) => u !== '');

/** The account's profile with X's t.co links replaced by the addresses they stand for. */
export function mapXProfile(profile: { user: XUser; pinnedTweet: XTweet | undefined }): AccountProfile {
  const { user, pinnedTweet } = profile;
  return {
    externalId: user.id,
    handle: user.username,
    name: user.name,
    description: user.description ?? '',
    url: expanded(user.entities?.url?.urls)[0] ?? (user.url ? user.url : null),
    descriptionUrls: expanded(user.entities?.description?.urls),
    profileImageUrl: user.profile_image_url ?? null,
    verified: user.verified ?? false,
    pinnedPost: pinnedTweet ? { externalId: pinnedTweet.id, text: pinnedTweet.text } : null,
  };
}

/** The author's own words: X prepends the people being answered as @mentions and marks the rest with display_text_range. */
export function xDisplayText(tweet: XTweet): string {
  const chars = [...tweet.text];
  if (tweet.display_text_range) return chars.slice(tweet.display_text_range[0], tweet.display_text_range[1]).join('');
  if (tweet.referenced_tweets?.some((r) => r.type === 'replied_to')) return tweet.text.replace(/^(@\w{1,15}\s+)+/, '');
  return tweet.text;
}

function kindOf(tweet: XTweet, selfId: string): InboundKind {
  const refs = tweet.referenced_tweets ?? [];
  if (refs.some((r) => r.type === 'quoted')) return 'quote';
  // A reply to one of our posts continues a conversation with us; a reply elsewhere that tags us is a mention.
  if (refs.some((r) => r.type === 'replied_to') && tweet.in_reply_to_user_id === selfId) return 'reply';
  return 'mention';
}

export function mapXTweet(tweet: XTweet, includes: XPage['includes'], selfId: string): InboundItem {
  const authorUser = includes.users.find((u) => u.id === tweet.author_id);
  const author: NetworkAccount = authorUser
    ? mapXUser(authorUser)
    : { externalId: tweet.author_id ?? 'unknown', handle: tweet.author_id ?? 'i', name: tweet.author_id ?? 'unknown' };
  const refs = tweet.referenced_tweets ?? [];
  const keys = tweet.attachments?.media_keys ?? [];
  // A long post's `text` is cut at 280 characters; its whole text and links are in note_tweet.
  const urls = tweet.note_tweet?.entities?.urls ?? tweet.entities?.urls;
  const media = mediaByKeys(keys, includes.media, { private: false, urls });
  const links = mapXLinks(urls);
  return {
    kind: kindOf(tweet, selfId),
    visibility: 'public',
    externalId: tweet.id,
    conversationExternalId: tweet.conversation_id ?? tweet.id,
    inReplyToExternalId: refs.find((r) => r.type === 'replied_to')?.id,
    quotedExternalId: refs.find((r) => r.type === 'quoted')?.id,
    author,
    text: tweet.note_tweet?.text || tweet.text,
    createdAt: tweet.created_at ? new Date(tweet.created_at) : snowflakeDate(tweet.id),
    lang: tweet.lang,
    // x.com/i/status/<id> resolves without a handle when the author was not expanded.
    url: authorUser ? xPostUrl(authorUser.username, tweet.id) : `https://x.com/i/status/${tweet.id}`,
    ...(media.length ? { media } : {}),
    ...(links.length ? { links } : {}),
    raw: {
      tweet,
      users: includes.users.filter((u) => u.id === tweet.author_id || u.id === tweet.in_reply_to_user_id),
      tweets: includes.tweets.filter((t) => refs.some((r) => r.id === t.id)),
      ...(keys.length
        ? { media: (includes.media ?? []).filter((m) => m.media_key && keys.includes(m.media_key)) }
        : {}),
    },
  };
}

// ---- text matching: is this post/message on X the one we sent? ------------------------------------------

function unescapeX(text: string): string {
  // X escapes these three in v2 `text`.
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function normalise(text: string): string {
  return unescapeX(text).normalize('NFC').replace(/\s+/g, ' ').trim();
}

function withoutUrls(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether one of X's renderings of a text is the text we sent (after X's escaping and link rewriting). */
export function sameText(candidates: string[], wanted: string): boolean {
  const target = normalise(wanted);
  const normalised = candidates.map(normalise);
  if (normalised.includes(target)) return true;
  // X rewrites links to t.co; compare without links rather than miss our own post and publish twice.
  const bare = withoutUrls(target);
  return bare !== '' && target !== bare && normalised.some((c) => withoutUrls(c) === bare);
}
