import { X_PAY_PER_USE_PRICES } from '@guichet/connectors';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { ChannelSettings } from './channel-settings.ts';
import { utcDay } from './spend.ts';

/**
 * Which path X pushes a channel's activity by (decision 0012), and the X Activity API's live state. The
 * state row (channel_activity) is this module's; the setting lives in the channel's settings.
 */

export type DeliveryPath = 'xaa' | 'account_activity' | 'polling';

/** X ends the Account Activity API on 1 January 2027 (UTC); the desk warns from 1 December 2026. */
export const ACCOUNT_ACTIVITY_END_OF_LIFE = Date.UTC(2027, 0, 1);
export const ACCOUNT_ACTIVITY_WARNING_FROM = Date.UTC(2026, 11, 1);

export function deliveryPathOf(settings: ChannelSettings): DeliveryPath {
  return settings.deliveryPath ?? (settings.webhooks ? 'account_activity' : 'polling');
}

export async function activityState(db: DbOrTx, channelId: string): Promise<Row<'channel_activity'> | undefined> {
  return db.selectFrom('channel_activity').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
}

/** Creates or updates the channel's state row with these fields. */
export async function saveActivityState(
  db: DbOrTx,
  channelId: string,
  fields: Partial<Omit<Row<'channel_activity'>, 'channel_id' | 'updated_at'>>,
  now: number,
): Promise<void> {
  await db
    .insertInto('channel_activity')
    .values({ channel_id: channelId, ...fields, updated_at: now })
    .onConflict((oc) => oc.column('channel_id').doUpdateSet({ ...fields, updated_at: now }))
    .execute();
}

/** The activity stream's state; its first connection makes XAA live for the channel. */
export async function markStream(
  db: DbOrTx,
  channelId: string,
  state: 'connected' | 'lost' | 'off',
  now: number,
): Promise<void> {
  const current = await activityState(db, channelId);
  const liveSince = state === 'connected' ? (current?.live_since ?? now) : (current?.live_since ?? null);
  await saveActivityState(db, channelId, { stream_state: state, live_since: liveSince }, now);
}

/**
 * XAA delivers this channel's events now: its subscriptions exist and either the stream is connected or
 * delivery is by webhook. While it does, DM polling (15 reads per 15 minutes) stops; the moment the stream
 * is lost, polling takes over again.
 */
export async function isXaaLive(db: DbOrTx, channel: Row<'channels'>, settings: ChannelSettings): Promise<boolean> {
  if (deliveryPathOf(settings) !== 'xaa') return false;
  const state = await activityState(db, channel.id);
  if (!state?.live_since) return false;
  return settings.xaaDelivery === 'webhook' || state.stream_state === 'connected';
}

/** The spend meter's XAA categories (billed per delivered event). */
export const XAA_CATEGORIES = Object.keys(X_PAY_PER_USE_PRICES).filter((c) => c.startsWith('xaa_'));

export interface DeliverySummary {
  path: DeliveryPath;
  xaaDelivery: 'stream' | 'webhook';
  /** The path actually delivering now (`polling` while XAA is not live yet, or its stream is lost). */
  live: DeliveryPath;
  liveSince: string | null;
  lastEventAt: string | null;
  streamState: 'off' | 'connected' | 'lost';
  /** XAA events billed this month, in US dollars. */
  monthCostUsd: number;
  accountActivityEndOfLife: string;
  /** The Account Activity API ends within the month (or has ended) and this channel still uses it. */
  endOfLifeWarning: boolean;
}

export async function deliverySummary(
  db: DbOrTx,
  channel: Row<'channels'>,
  settings: ChannelSettings,
  now: number,
): Promise<DeliverySummary> {
  const path = deliveryPathOf(settings);
  const state = await activityState(db, channel.id);
  const monthStart = utcDay(now).slice(0, 8) + '01';
  const cost = XAA_CATEGORIES.length
    ? await db
        .selectFrom('channel_usage')
        .select((eb) => eb.fn.sum<number>('cost_micros').as('micros'))
        .where('channel_id', '=', channel.id)
        .where('day', '>=', monthStart)
        .where('category', 'in', XAA_CATEGORIES)
        .executeTakeFirst()
    : undefined;
  const xaaLive = await isXaaLive(db, channel, settings);
  const live: DeliveryPath = path === 'xaa' ? (xaaLive ? 'xaa' : 'polling') : path;
  return {
    path,
    xaaDelivery: settings.xaaDelivery,
    live,
    liveSince: path === 'xaa' && state?.live_since ? new Date(state.live_since).toISOString() : null,
    lastEventAt: state?.last_event_at ? new Date(state.last_event_at).toISOString() : null,
    streamState: state?.stream_state ?? 'off',
    monthCostUsd: Number(cost?.micros ?? 0) / 1_000_000,
    accountActivityEndOfLife: new Date(ACCOUNT_ACTIVITY_END_OF_LIFE).toISOString(),
    endOfLifeWarning: path === 'account_activity' && now >= ACCOUNT_ACTIVITY_WARNING_FROM,
  };
}
