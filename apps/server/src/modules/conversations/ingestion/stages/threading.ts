import { newId } from '../../../../platform/ids.ts';
import { conversationKey, type PageContext } from '../page.ts';

/** Stage 5 — threading: each item's conversation (visibility + network thread id), found or new. */
export async function thread(ctx: PageContext): Promise<void> {
  const { tx, channel, now, items } = ctx;
  for (const visibility of ['public', 'direct'] as const) {
    const ids = [...new Set(items.filter((i) => i.visibility === visibility).map((i) => i.conversationExternalId))];
    if (ids.length === 0) continue;
    const rows = await tx
      .selectFrom('conversations')
      .select(['id', 'external_id'])
      .where('channel_id', '=', channel.id)
      .where('visibility', '=', visibility)
      .where('external_id', 'in', ids)
      .execute();
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
