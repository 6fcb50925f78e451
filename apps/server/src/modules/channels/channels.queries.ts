import type { ChannelSummary } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { openChannelCredentials, parseChannelSettings, type ChannelSettings } from './channel-settings.ts';
import { deliverySummary } from './channel-delivery.ts';
import { spendSummary } from './spend.ts';

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

/**
 * "Silent" means nothing came in for far longer than this channel's usual gap: ten times the median gap of
 * the last week, and at least an hour. Without ten posts of history there is no usual to judge by.
 */
export async function isSilent(
  db: DbOrTx,
  channelId: string,
  now: number,
): Promise<{ silent: boolean; lastInboundAt: number | null }> {
  const recent = await db
    .selectFrom('messages')
    .select('created_at')
    .where('channel_id', '=', channelId)
    .where('direction', '=', 'inbound')
    .where('created_at', '>=', now - 7 * 86_400_000)
    .orderBy('created_at', 'desc')
    .limit(1000)
    .execute();
  const last =
    recent[0]?.created_at ??
    (
      await db
        .selectFrom('messages')
        .select('created_at')
        .where('channel_id', '=', channelId)
        .where('direction', '=', 'inbound')
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst()
    )?.created_at ??
    null;
  if (recent.length < 10 || last === null) return { silent: false, lastInboundAt: last };
  const gaps = recent
    .slice(1)
    .map((row, i) => recent[i]!.created_at - row.created_at)
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  return { silent: now - last > Math.max(3_600_000, 10 * median), lastInboundAt: last };
}

/** Which kinds of credentials a channel holds — never their values. */
function connectionOf(
  channel: Row<'channels'>,
  settings: ChannelSettings,
  secrets: SecretBox | undefined,
): ChannelSummary['connection'] {
  const source = settings.addedInDesk ? 'desk' : settings.fromEnvironment ? 'environment' : 'sandbox';
  let auth: ChannelSummary['connection']['auth'] = null;
  let appBearer = false;
  let refreshable = false;
  if (channel.credentials && secrets) {
    try {
      const credentials = openChannelCredentials(secrets, { id: channel.id, credentials: channel.credentials });
      auth = credentials.kind;
      appBearer = Boolean(credentials.appBearerToken);
      refreshable = credentials.kind === 'oauth2-user' && Boolean(credentials.refreshToken);
    } catch {
      // Sealed with another key, or damaged: shown as not configured.
    }
  }
  return { source, auth, appBearer, refreshable };
}

export async function channelSummary(
  db: DbOrTx,
  channel: Row<'channels'>,
  now: number,
  secrets?: SecretBox,
): Promise<ChannelSummary> {
  const settings = parseChannelSettings(channel.settings);
  const [health, polled, spend, searches, delivery] = await Promise.all([
    isSilent(db, channel.id, now),
    db
      .selectFrom('cursors')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .where('channel_id', '=', channel.id)
      .executeTakeFirst(),
    spendSummary(db, channel.id, settings.monthlyBudgetUsd, now),
    db.selectFrom('channel_searches').selectAll().where('channel_id', '=', channel.id).orderBy('created_at').execute(),
    channel.network === 'x' ? deliverySummary(db, channel, settings, now) : undefined,
  ]);
  return {
    id: channel.id,
    network: channel.network,
    name: channel.name,
    handle: channel.handle,
    status: channel.status,
    statusDetail: channel.status_detail,
    sandbox: settings.sandbox,
    streaming: settings.streaming,
    muteWords: settings.muteWords,
    webhooks: settings.webhooks,
    health: {
      lastInboundAt: iso(health.lastInboundAt),
      lastPolledAt: iso(polled?.at as number | null),
      silent: health.silent,
    },
    spend,
    ...(delivery ? { delivery } : {}),
    searches: searches.map((s) => ({ id: s.id, name: s.name, query: s.query, enabled: s.enabled === 1 })),
    connection: connectionOf(channel, settings, secrets),
  };
}
