import { XAA_DESK_SUBSCRIPTIONS, type XActivityClient } from '@guichet/connectors';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import { activityState, deliveryPathOf, saveActivityState, type DeliveryPath } from './channel-delivery.ts';
import { assertWebhooksPossible, parseChannelSettings } from './channel-settings.ts';

/** Tags the desk's subscriptions on X, so an app shared with other tools only ever touches its own. */
const tagOf = (channelId: string) => `guichet:${channelId}`;

/**
 * Makes sure X holds the desk's subscriptions for the channel's account (XAA_DESK_SUBSCRIPTIONS), creating
 * only the missing ones, and records their ids. `webhookId` routes them to the channel's webhook URL.
 */
export async function ensureXaaSubscriptions(
  db: DbOrTx,
  client: XActivityClient,
  channel: Row<'channels'>,
  now: number,
  webhookId?: string,
): Promise<string[]> {
  const userId = channel.external_account_id;
  if (!userId) throw new AppError('channel.no_account', 'invalid', 'The channel’s X account id is not known yet.');
  const existing = (await client.listSubscriptions()).filter(
    (s) => s.filter.user_id === userId && s.tag === tagOf(channel.id),
  );
  const ids: string[] = [];
  for (const wanted of XAA_DESK_SUBSCRIPTIONS) {
    const found = existing.find(
      (s) => s.eventType === wanted.eventType && (s.filter.direction ?? undefined) === wanted.direction,
    );
    if (found) {
      // X sends a subscription's events to the open stream whatever its webhook: only webhook delivery needs
      // the subscription pointed at the channel's webhook (in place, so no event falls between two).
      if (webhookId && found.webhookId !== webhookId)
        await client.setSubscriptionWebhook(found.subscriptionId, webhookId);
      ids.push(found.subscriptionId);
      continue;
    }
    const created = await client.createSubscription({
      eventType: wanted.eventType,
      filter: { user_id: userId, ...(wanted.direction ? { direction: wanted.direction } : {}) },
      tag: tagOf(channel.id),
      webhookId,
    });
    ids.push(created.subscriptionId);
  }
  await saveActivityState(
    db,
    channel.id,
    { subscription_ids: JSON.stringify(ids), webhook_id: webhookId ?? null },
    now,
  );
  return ids;
}

/** Deletes the desk's subscriptions for the channel on X (one already gone is not an error). */
async function removeXaaSubscriptions(db: DbOrTx, client: XActivityClient | undefined, channelId: string, now: number) {
  const state = await activityState(db, channelId);
  const ids = state ? (JSON.parse(state.subscription_ids) as string[]) : [];
  for (const id of ids) {
    await client?.deleteSubscription(id).catch((error: unknown) => {
      if ((error as { status?: number }).status !== 404) throw error;
    });
  }
  await saveActivityState(db, channelId, { subscription_ids: '[]', live_since: null, stream_state: 'off' }, now);
}

/** The app's webhook registered for this channel's URL (`…/webhooks/x/<channel id>`), which X must have validated. */
async function channelWebhookId(client: XActivityClient, channelId: string): Promise<string> {
  const suffix = `/webhooks/x/${channelId}`;
  const hook = (await client.listWebhooks()).find((w) => w.valid && new URL(w.url).pathname === suffix);
  if (!hook) {
    throw new AppError(
      'channel.xaa_webhook_missing',
      'invalid',
      `Register this channel’s webhook URL (ending in ${suffix}) with X first, then choose webhook delivery.`,
    );
  }
  return hook.id;
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  connectors: ChannelConnectors;
}

/**
 * Switches the path X pushes the channel's activity by. Nothing is lost or doubled on the way: polling of
 * mentions never stops; DM polling stops only once XAA is live (and resumes from its own cursor when XAA
 * ends, re-reading what XAA delivered — the duplicates stage drops those by id); the activity stream asks
 * for 5 minutes of backfill when it connects; webhooks accept both formats while on.
 */
export async function switchDeliveryPath(
  deps: DeliveryDeps,
  channel: Row<'channels'>,
  input: { path: DeliveryPath; xaaDelivery?: 'stream' | 'webhook' | undefined },
  context: AuditContext | undefined,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const settings = parseChannelSettings(channel.settings);
  const before = { path: deliveryPathOf(settings), xaaDelivery: settings.xaaDelivery };
  const xaaDelivery = input.xaaDelivery ?? settings.xaaDelivery;
  const client = deps.connectors.activity(channel);
  if (input.path === 'xaa') {
    if (!client) {
      throw new AppError('channel.xaa_needs_bearer', 'invalid', 'The X Activity API needs the app’s bearer token.');
    }
    if (xaaDelivery === 'webhook') assertWebhooksPossible(deps.secrets, channel);
    const webhookId = xaaDelivery === 'webhook' ? await channelWebhookId(client, channel.id) : undefined;
    await ensureXaaSubscriptions(deps.db, client, channel, now, webhookId);
    // By webhook XAA is live as soon as X holds the subscriptions; by stream, once the stream connects.
    const state = await activityState(deps.db, channel.id);
    await saveActivityState(
      deps.db,
      channel.id,
      { live_since: xaaDelivery === 'webhook' ? (state?.live_since ?? now) : null },
      now,
    );
  } else if (before.path === 'xaa') {
    await removeXaaSubscriptions(deps.db, client, channel.id, now);
  }
  if (input.path === 'account_activity') assertWebhooksPossible(deps.secrets, channel);
  settings.deliveryPath = input.path;
  settings.xaaDelivery = xaaDelivery;
  // The webhook URL answers while a webhook path is chosen (Account Activity, or XAA by webhook).
  settings.webhooks = input.path === 'account_activity' || (input.path === 'xaa' && xaaDelivery === 'webhook');
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('channels')
      .set({ settings: JSON.stringify(settings), updated_at: now })
      .where('id', '=', channel.id)
      .execute();
    await audit(tx, context, 'channel.delivery_changed', now, {
      subject: { type: 'channel', id: channel.id },
      before,
      after: { path: input.path, xaaDelivery },
      details: { handle: channel.handle },
    });
  });
}
