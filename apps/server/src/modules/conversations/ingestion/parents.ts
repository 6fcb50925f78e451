import type { Connector, InboundItem } from '@guichet/connectors';
import type { DbOrTx } from '../../../platform/db/database.ts';
import type { Row } from '../../../platform/db/schema.ts';

/** At most this many unseen parents are fetched per page: each one is a billed read. */
export const PARENT_FETCH_BUDGET = 20;

/**
 * A reply whose parent the desk never saw (the thread began before the channel was connected, or in a
 * post that did not mention us) is hard to answer well: fetch the parents, one level up, within a budget,
 * and put them before the page so the thread reads in order. Our own posts are left out (not inbound work).
 */
export async function withMissingParents(
  db: DbOrTx,
  channel: Row<'channels'>,
  connector: Connector,
  items: InboundItem[],
  budget = PARENT_FETCH_BUDGET,
): Promise<InboundItem[]> {
  if (!connector.lookupPosts) return items;
  const inPage = new Set(items.map((i) => i.externalId));
  const wanted = [
    ...new Set(
      items
        .filter((i) => i.visibility === 'public')
        .map((i) => i.inReplyToExternalId)
        .filter((id): id is string => Boolean(id) && !inPage.has(id!)),
    ),
  ];
  if (wanted.length === 0) return items;
  const known = new Set(
    (
      await db
        .selectFrom('messages')
        .select('external_id')
        .where('channel_id', '=', channel.id)
        .where('external_id', 'in', wanted)
        .execute()
    ).map((m) => m.external_id),
  );
  const missing = wanted.filter((id) => !known.has(id)).slice(0, budget);
  if (missing.length === 0) return items;
  const parents = (await connector.lookupPosts(missing)).filter(
    (p) => p.author.externalId !== channel.external_account_id,
  );
  return [...parents, ...items];
}
