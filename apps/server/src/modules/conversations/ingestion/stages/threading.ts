import { selectByKeys } from '../../../../platform/db/key-lookup.ts';
import { newId } from '../../../../platform/ids.ts';
import { conversationKey, type PageContext } from '../page.ts';

/** Stage 5 — threading: each item's conversation (visibility + network thread id), found or new. */
export async function thread(ctx: PageContext): Promise<void> {
  const { tx, channel, now, items } = ctx;
  for (const visibility of ['public', 'direct'] as const) {
    const ids = [...new Set(items.filter((i) => i.visibility === visibility).map((i) => i.conversationExternalId))];
    if (ids.length === 0) continue;
    const rows = await selectByKeys<'conversations', { id: string; external_id: string }>(tx, {
      table: 'conversations',
      columns: ['id', 'external_id'],
      fixed: { channel_id: channel.id, visibility },
      column: 'external_id',
      keys: ids,
    });
    for (const row of rows) ctx.conversations.set(conversationKey(visibility, row.external_id), row.id);
  }
  for (const item of items) {
    const key = conversationKey(item.visibility, item.conversationExternalId);
    if (ctx.conversations.has(key)) continue;
    const id = newId(now);
    ctx.conversations.set(key, id);
    ctx.newConversations.push({
      id,
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      visibility: item.visibility,
      external_id: item.conversationExternalId,
      created_at: now,
    });
  }
  // Stored parents were read with the duplicates (stage 2); parents in this page get ids in stage 6.
}
