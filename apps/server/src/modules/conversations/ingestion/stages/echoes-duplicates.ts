import type { InboundItem } from '@guichet/connectors';
import { INSERT_CHUNK, type PageContext } from '../page.ts';

/**
 * Stage 2 — drop echoes and duplicates: the desk's own posts come back in timelines (its replies are
 * already stored as outbound messages); a post can come twice in one page, or again by another path
 * (stream, poll, webhook) after it was stored.
 */
export async function dropEchoesAndDuplicates(ctx: PageContext): Promise<void> {
  const candidates: InboundItem[] = [];
  const seen = new Set<string>();
  for (const item of ctx.items) {
    if (ctx.channel.external_account_id && item.author.externalId === ctx.channel.external_account_id) {
      ctx.echoes += 1;
    } else if (seen.has(item.externalId)) {
      ctx.duplicates += 1;
    } else {
      seen.add(item.externalId);
      candidates.push(item);
    }
  }
  const known = new Set<string>();
  for (let i = 0; i < candidates.length; i += INSERT_CHUNK) {
    const rows = await ctx.tx
      .selectFrom('messages')
      .select('external_id')
      .where('channel_id', '=', ctx.channel.id)
      .where(
        'external_id',
        'in',
        candidates.slice(i, i + INSERT_CHUNK).map((c) => c.externalId),
      )
      .execute();
    for (const row of rows) if (row.external_id) known.add(row.external_id);
  }
  ctx.items = candidates.filter((item) => !known.has(item.externalId));
  ctx.duplicates += candidates.length - ctx.items.length;
}
