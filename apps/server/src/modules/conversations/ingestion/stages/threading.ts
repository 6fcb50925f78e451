import { newId } from '../../../../platform/ids.ts';
import { conversationKey, type PageContext } from '../page.ts';

/**
 * Stage 5 — threading: each item's conversation (visibility + network thread id), found or new, and the
 * stored parents of replies (parents inside the page are resolved as messages get their ids).
 */
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
  const parentIds = [...new Set(items.map((i) => i.inReplyToExternalId).filter((id): id is string => Boolean(id)))];
  if (parentIds.length === 0) return;
  const parents = await tx
    .selectFrom('messages')
    .select(['id', 'external_id'])
    .where('channel_id', '=', channel.id)
    .where('external_id', 'in', parentIds)
    .execute();
  for (const p of parents) if (p.external_id) ctx.messageIdByExternal.set(p.external_id, p.id);
}
