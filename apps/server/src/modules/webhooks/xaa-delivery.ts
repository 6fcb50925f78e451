import {
  mapXaaEvent,
  type InboundItem,
  type XaaEnvelope,
  type XBillingCategory,
  type XUsage,
} from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { saveActivityState } from '../channels/channel-delivery.ts';
import { recordUsage } from '../channels/spend.ts';
import { ingestPage, type IngestResult, type PageSignal } from '../conversations/ingestion/pipeline.ts';

/** The cursor feed name of X Activity API deliveries (stream and webhook alike; they carry no cursor). */
export const XAA_FEED = 'activity';

function billedAs(eventType: string | undefined): XBillingCategory {
  if (eventType?.startsWith('dm.')) return 'xaa_dm_event';
  if (eventType?.startsWith('like.')) return 'xaa_like_event';
  if (eventType?.startsWith('follow.')) return 'xaa_follow_event';
  return 'xaa_post_event';
}

/**
 * X Activity API events for one channel (from its activity stream or its webhook) → one page of the
 * ingestion pipeline: mentions, replies, quotes and DMs as items (the brand's own `dm.sent` comes back as
 * its own message and is recorded as an echo), new followers and likes of the brand's posts as signals.
 * Every delivered event is billed (X charges per event), and the channel's last event time is kept.
 */
export async function receiveActivityEvents(
  deps: {
    db: Db;
    clock: Clock;
    logger?: Logger | undefined;
    metrics?: Metrics | undefined;
    realtime?: RealtimeBus | undefined;
  },
  channel: Row<'channels'>,
  envelopes: XaaEnvelope[],
): Promise<IngestResult | undefined> {
  const selfId = channel.external_account_id;
  if (!selfId || envelopes.length === 0) return undefined;
  const items: InboundItem[] = [];
  const signals: PageSignal[] = [];
  const usages: XUsage[] = [];
  for (const envelope of envelopes) {
    const outcome = mapXaaEvent(envelope, selfId);
    if (outcome.kind === 'ignored' && outcome.reason === 'another account') continue;
    usages.push({ operation: 'activity', category: billedAs(envelope.data?.event_type), units: 1 });
    if (outcome.kind === 'item') items.push(outcome.item);
    else if (outcome.kind === 'followed') signals.push({ kind: 'followed', account: outcome.account });
    else if (outcome.kind === 'liked') signals.push({ kind: 'liked', by: outcome.by, postId: outcome.postId });
  }
  if (usages.length === 0) return undefined;
  const result = await ingestPage(deps, { channel, feed: XAA_FEED, items, signals });
  const now = deps.clock.now().getTime();
  await recordUsage(deps.db, channel.id, usages, now);
  await saveActivityState(deps.db, channel.id, { last_event_at: now }, now);
  return result;
}
