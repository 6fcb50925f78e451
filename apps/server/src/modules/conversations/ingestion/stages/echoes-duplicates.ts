import type { InboundItem } from '@guichet/connectors';
import { selectByKeys } from '../../../../platform/db/key-lookup.ts';
import { INSERT_CHUNK, type PageContext } from '../page.ts';

/**
 * Stage 2 — drop echoes and duplicates: the desk's own posts come back in timelines (its replies are
 * already stored as outbound messages); a post can come twice in one page, or again by another path
 * (stream, poll, webhook) after it was stored. The same read finds the stored parents replies point to,
 * for threading (one query instead of two).
 */
export async function dropEchoesAndDuplicates(ctx: PageContext): Promise<void> {
  const candidates: InboundItem[] = [];
  const seen = new Set<string>();
  for (const item of ctx.items) {
    if (ctx.channel.external_account_id && item.author.externalId === ctx.channel.external_account_id) {
      ctx.echoes.push(item);
    } else if (seen.has(item.externalId)) {
      ctx.duplicates.push(item);
    } else {
      seen.add(item.externalId);
      candidates.push(item);
    }
  }
  const wanted = [
    ...new Set([
      ...candidates.map((c) => c.externalId),
      ...candidates.map((c) => c.inReplyToExternalId).filter((id): id is string => Boolean(id)),
    ]),
  ];
  const known = new Set<string>();
  for (let i = 0; i < wanted.length; i += INSERT_CHUNK) {
    const rows = await selectByKeys<'messages', { id: string; external_id: string | null }>(ctx.tx, {
      table: 'messages',
      columns: ['id', 'external_id'],
      fixed: { channel_id: ctx.channel.id },
      column: 'external_id',
      keys: wanted.slice(i, i + INSERT_CHUNK),
    });
    for (const row of rows) {
      if (!row.external_id) continue;
      known.add(row.external_id);
      ctx.messageIdByExternal.set(row.external_id, row.id);
    }
  }
  ctx.items = [];
  for (const item of candidates) (known.has(item.externalId) ? ctx.duplicates : ctx.items).push(item);
}
