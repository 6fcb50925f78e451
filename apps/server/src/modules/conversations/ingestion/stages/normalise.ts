import type { InboundItem } from '@guichet/connectors';
import { withoutNul } from '../../../../platform/nul.ts';
import type { PageContext } from '../page.ts';

/** Network ids grow with time (snowflakes): shorter is older, then by characters. */
function byNetworkId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Stage 1 — normalise: the items of the group's pages oldest first (a parent before its replies, whatever
 * order a stream batch or a webhook delivery brought them in; ties keep the network's order, then the pages'
 * order, so a post in two pages counts for the first), and for v1.1 payloads, which carry no conversation
 * id, each reply put into its stored parent's conversation. A NUL character in the item's own strings
 * becomes U+FFFD (see itemWithoutNul).
 */
export async function normalise(ctx: PageContext): Promise<void> {
  ctx.items = ctx.items.map((item) => itemWithoutNul(ctx, item));
  ctx.items.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byNetworkId(a.externalId, b.externalId));
  // The queue groups only pages that share `threadByParent` (ingest-queue.ts `compatible`).
  if (ctx.pages[0]?.threadByParent) await threadByStoredParent(ctx);
}

async function threadByStoredParent(ctx: PageContext): Promise<void> {
  const parents = [...new Set(ctx.items.map((i) => i.inReplyToExternalId).filter((id): id is string => Boolean(id)))];
  if (parents.length === 0) return;
  const rows = await ctx.tx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.external_id as parent', 'conversations.external_id as conversation'])
    .where('messages.channel_id', '=', ctx.channel.id)
    .where('messages.external_id', 'in', parents)
    .execute();
  const conversationOf = new Map(rows.map((r) => [r.parent, r.conversation]));
  ctx.items = ctx.items.map((item) => {
    const known = item.inReplyToExternalId ? conversationOf.get(item.inReplyToExternalId) : undefined;
    if (!known) return item;
    const threaded = { ...item, conversationExternalId: known };
    ctx.pageOf.set(threaded, ctx.pageOf.get(item)!);
    return threaded;
  });
}

/** The item's own strings (media and links are stored as JSON, which escapes a NUL). */
const ITEM_STRINGS = [
  'externalId',
  'conversationExternalId',
  'inReplyToExternalId',
  'quotedExternalId',
  'text',
  'lang',
  'url',
] as const satisfies readonly (keyof InboundItem)[];

/**
 * A NUL character in one post failed its whole page on PostgreSQL, and its poll or delivery on every retry.
 * It becomes U+FFFD in the item's strings, on both databases alike; the network's own payload (`raw`) and
 * the media and links, stored as JSON, keep it escaped as `\u0000`. The author's strings are written only
 * by upsertIdentities, which does the same for every account it stores.
 */
function itemWithoutNul(ctx: PageContext, item: InboundItem): InboundItem {
  const scrubbed = withoutNul(item, ITEM_STRINGS);
  if (scrubbed !== item) ctx.pageOf.set(scrubbed, ctx.pageOf.get(item)!);
  return scrubbed;
}
