import type { DbOrTx } from '../../platform/db/database.ts';

export function listPollableChannels(db: DbOrTx) {
  return db.selectFrom('channels').selectAll().where('status', 'in', ['active', 'failing']).execute();
}

export function findChannel(db: DbOrTx, id: string) {
  return db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function readCursor(db: DbOrTx, channelId: string, feed: string): Promise<string | null> {
  const row = await db
    .selectFrom('cursors')
    .select('value')
    .where('channel_id', '=', channelId)
    .where('feed', '=', feed)
    .executeTakeFirst();
  return row?.value ?? null;
}

export function readCursorRow(db: DbOrTx, channelId: string, feed: string) {
  return db
    .selectFrom('cursors')
    .select(['value', 'updated_at'])
    .where('channel_id', '=', channelId)
    .where('feed', '=', feed)
    .executeTakeFirst();
}

export async function writeCursor(db: DbOrTx, channelId: string, feed: string, value: string | null, now: number) {
  await db
    .insertInto('cursors')
    .values({ channel_id: channelId, feed, value, updated_at: now })
    .onConflict((oc) => oc.columns(['channel_id', 'feed']).doUpdateSet({ value, updated_at: now }))
    .execute();
}

export async function setChannelHealth(
  db: DbOrTx,
  channelId: string,
  health: { status: 'active' | 'failing'; detail: string | null },
  now: number,
) {
  await db
    .updateTable('channels')
    .set({ status: health.status, status_detail: health.detail, updated_at: now })
    .where('id', '=', channelId)
    .where('status', '!=', 'paused')
    .execute();
}

/**
 * A feed X rate-limited waits for its own window: its "not before" time is a row beside the feed cursors,
 * under this key, so one feed's 429 never holds back the others (and no migration was needed).
 */
export const notBeforeFeed = (feed: string) => `not-before:${feed}`;

/** The channel's rate-limited feeds and when each may be read again (epoch ms), by feed name. */
export async function readNotBefore(db: DbOrTx, channelId: string): Promise<Map<string, number>> {
  const prefix = notBeforeFeed('');
  const rows = await db
    .selectFrom('cursors')
    .select(['feed', 'value'])
    .where('channel_id', '=', channelId)
    .where('feed', 'like', `${prefix}%`)
    .execute();
  return new Map(rows.map((row) => [row.feed.slice(prefix.length), Number(row.value)]));
}

export async function writeNotBefore(db: DbOrTx, channelId: string, feed: string, notBefore: number, now: number) {
  await writeCursor(db, channelId, notBeforeFeed(feed), String(notBefore), now);
}

export async function clearNotBefore(db: DbOrTx, channelId: string, feed: string) {
  await db.deleteFrom('cursors').where('channel_id', '=', channelId).where('feed', '=', notBeforeFeed(feed)).execute();
}
