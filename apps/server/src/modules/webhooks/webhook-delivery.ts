import type { InboundItem } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { ingestPage, type PageSignal } from '../conversations/ingestion/pipeline.ts';
import { mapV1DirectMessage, mapV1Tweet, v1Account, type ActivityPayload } from './x-activity.mappers.ts';

export const WEBHOOK_FEED = 'webhook';

/**
 * One signed Account Activity delivery (contract §13), already checked: its posts and DMs become one page
 * of the ingestion pipeline — rules and all, exactly as a poll's — and its new followers (F5) and likes
 * come with the page as signals, recorded in the same transaction. Deliveries that arrive together (X sends
 * them in bursts) are committed together by the ingest queue (decision 0019); each answers for its own page.
 */
export async function receiveDelivery(
  deps: { db: Db; clock: Clock; logger: Logger; metrics: Metrics; realtime: RealtimeBus },
  channel: Row<'channels'>,
  payload: ActivityPayload,
): Promise<void> {
  const selfId = channel.external_account_id!;
  const items: InboundItem[] = [
    ...(payload.tweet_create_events ?? []).map((t) => mapV1Tweet(t, selfId, channel.handle)),
    ...(payload.direct_message_events ?? []).map((e) => mapV1DirectMessage(e, payload.users ?? {}, selfId)),
  ].filter((item): item is InboundItem => item !== null);
  const signals: PageSignal[] = [
    ...(payload.follow_events ?? [])
      .filter((f) => f.type === 'follow' && v1Account(f.target, selfId).externalId === selfId)
      .map((f): PageSignal => ({ kind: 'followed', account: v1Account(f.source, 'unknown') })),
    // The brand's own likes (of a customer's post, from the X app) are not praise from anyone.
    ...(payload.favorite_events ?? [])
      .filter((like) => v1Account(like.user, 'unknown').externalId !== selfId)
      .map((like): PageSignal => ({
        kind: 'liked',
        by: like.user?.screen_name ?? null,
        postId: like.favorited_status?.id_str ?? null,
      })),
  ];
  await ingestPage(deps, { channel, feed: WEBHOOK_FEED, items, signals, threadByParent: true });
}
