import type { InboundItem } from '@guichet/connectors';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { Row } from '../../../platform/db/schema.ts';
import type { EventRecord } from '../../events/events.repository.ts';

export type NoiseReason = 'repost' | 'tags_only' | 'muted_word';

export interface NoiseVerdict {
  /** What becomes work: cases and messages. */
  work: InboundItem[];
  /** What does not, and why; recorded as events so nothing is lost and reports can count it. */
  filtered: { item: InboundItem; reason: NoiseReason }[];
}

function isRepost(item: InboundItem): boolean {
  const tweet = (item.raw as { tweet?: { referenced_tweets?: { type: string }[] } } | undefined)?.tweet;
  return Boolean(tweet?.referenced_tweets?.some((r) => r.type === 'retweeted')) || /^RT @\w{1,15}:/.test(item.text);
}

/**
 * A word with a letter or a digit and none of `@ # $ : /`: neither a tag nor a link can cover it, so the post
 * is more than tags. Tested first, as nearly every post has one: the removals below cost far more per post.
 */
const PLAIN_WORD = /(?:^|\s)[^\s@#$:/]*[\p{L}\p{N}][^\s@#$:/]*(?=\s|$)/u;

/** Nothing left once @handles, #hashtags, $cashtags and links are taken out: a tag storm, not a message. */
function isTagsOnly(item: InboundItem): boolean {
  if (PLAIN_WORD.test(item.text)) return false;
  const rest = item.text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@#$][\p{L}\p{N}_]+/gu, ' ')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
  return rest.length === 0;
}

/**
 * A post addressed to the account (a mention, a reply, a quote) that holds a photo, a GIF, a video or a link
 * is someone showing their problem: "@brand" and a picture of the broken parcel is work, not a tag storm.
 */
function showsSomething(item: InboundItem): boolean {
  const addressed = item.kind === 'mention' || item.kind === 'reply' || item.kind === 'quote';
  return addressed && Boolean(item.media?.length || item.links?.length);
}

/**
 * Repost-only and tag-only posts and the workspace's mute words (F4) are not cases; a post addressed to us
 * with media or a link is never taken for a tag-only one. Reposts of our posts are praise signals; the rest
 * is noise. Direct messages are never filtered: a person wrote to us.
 */
export function sortOutNoise(items: InboundItem[], muteWords: string[]): NoiseVerdict {
  const muted = muteWords.map((w) => w.trim().toLocaleLowerCase()).filter(Boolean);
  const verdict: NoiseVerdict = { work: [], filtered: [] };
  for (const item of items) {
    if (item.visibility === 'direct') verdict.work.push(item);
    else if (isRepost(item)) verdict.filtered.push({ item, reason: 'repost' });
    else if (isTagsOnly(item) && !showsSomething(item)) verdict.filtered.push({ item, reason: 'tags_only' });
    else if (muted.some((w) => item.text.toLocaleLowerCase().includes(w)))
      verdict.filtered.push({ item, reason: 'muted_word' });
    else verdict.work.push(item);
  }
  return verdict;
}

/**
 * Filtered posts stay on record: reposts as `signal.reposted`, the rest as `inbound.filtered`. The same post
 * can come twice (stream and poll): the events already recorded for it are left out.
 */
export async function filteredEvents(
  db: DbOrTx,
  channel: Row<'channels'>,
  filtered: NoiseVerdict['filtered'],
  now: number,
): Promise<EventRecord[]> {
  if (filtered.length === 0) return [];
  const known = new Set(
    (
      await db
        .selectFrom('events')
        .select('subject_id')
        .where('workspace_id', '=', channel.workspace_id)
        .where('type', 'in', ['signal.reposted', 'inbound.filtered'])
        .where(
          'subject_id',
          'in',
          filtered.map((f) => f.item.externalId),
        )
        .execute()
    ).map((e) => e.subject_id),
  );
  return filtered
    .filter((f) => !known.has(f.item.externalId))
    .map(({ item, reason }) => ({
      workspaceId: channel.workspace_id,
      type: reason === 'repost' ? 'signal.reposted' : 'inbound.filtered',
      subjectId: item.externalId,
      actor: { type: 'system' },
      payload: {
        reason,
        channelId: channel.id,
        externalId: item.externalId,
        author: { externalId: item.author.externalId, handle: item.author.handle, name: item.author.name },
        text: item.text,
        url: item.url ?? null,
        createdAt: item.createdAt.toISOString(),
      },
      occurredAt: now,
    }));
}
