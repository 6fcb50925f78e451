import type { XSandbox } from '@guichet/x-sandbox';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { XCredentialsConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { recordEvents } from '../events/events.repository.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import {
  channelSettingsSchema,
  parseChannelSettings,
  type ChannelCredentials,
  type ChannelSettings,
} from './channel-settings.ts';

interface ChannelDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
}

async function upsertChannel(
  deps: ChannelDeps,
  input: {
    workspaceId: string;
    match: (settings: ChannelSettings) => boolean;
    /** Merged over the stored settings: what an admin set in the desk (budget…) survives restarts. */
    settings: Partial<ChannelSettings>;
    credentials: ChannelCredentials;
    handle: string;
    name: string;
    externalAccountId: string | null;
    status: 'active' | 'failing';
    statusDetail: string | null;
  },
): Promise<string> {
  const now = deps.clock.now().getTime();
  const channels = await deps.db
    .selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('network', '=', 'x')
    .execute();
  const existing = channels.find((c) => input.match(parseChannelSettings(c.settings)));
  const sealed = deps.secrets.seal(JSON.stringify(input.credentials));
  if (existing) {
    const sameAccount = existing.external_account_id === input.externalAccountId;
    await deps.db
      .updateTable('channels')
      .set({
        credentials: sealed,
        settings: JSON.stringify({ ...parseChannelSettings(existing.settings), ...input.settings }),
        handle: input.handle,
        name: input.name,
        external_account_id: input.externalAccountId ?? existing.external_account_id,
        status: existing.status === 'paused' ? 'paused' : input.status,
        status_detail: input.statusDetail,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute();
    // Another account behind the same channel: its old cursor means nothing for the new one.
    if (!sameAccount && input.externalAccountId) {
      await deps.db.deleteFrom('cursors').where('channel_id', '=', existing.id).execute();
    }
    return existing.id;
  }
  const id = newId(now);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('channels')
      .values({
        id,
        workspace_id: input.workspaceId,
        network: 'x',
        name: input.name,
        handle: input.handle,
        external_account_id: input.externalAccountId,
        settings: JSON.stringify(channelSettingsSchema.parse(input.settings)),
        credentials: sealed,
        status: input.status,
        status_detail: input.statusDetail,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordEvents(tx, [
      {
        workspaceId: input.workspaceId,
        type: 'channel.connected',
        subjectId: id,
        actor: { type: 'system' },
        payload: { network: 'x', handle: input.handle },
        occurredAt: now,
      },
    ]);
  });
  deps.logger.info({ channelId: id, handle: input.handle }, 'channel connected');
  return id;
}

/** The demo brand account on the built-in sandbox, so a fresh install has a live channel to work. */
export async function ensureSandboxChannel(
  deps: ChannelDeps,
  input: { workspaceId: string; sandbox: XSandbox; brandUsername: string },
): Promise<string> {
  const { user, token } = input.sandbox.ensureUser({
    username: input.brandUsername,
    name: 'Acme — Service client',
    description: 'Service client Acme, 7j/7 de 8h à 20h. Customer care, every day 8am–8pm.',
  });
  return upsertChannel(deps, {
    workspaceId: input.workspaceId,
    match: (s) => s.sandbox,
    // The sandbox's plan includes the filtered stream, so the demo shows mentions arriving in real time.
    settings: { sandbox: true, fromEnvironment: false, streaming: true },
    credentials: {
      kind: 'oauth2-user',
      accessToken: token,
      appBearerToken: input.sandbox.issueAppBearer(),
      consumerSecret: input.sandbox.appCredentials.appSecret,
    },
    handle: user.username,
    name: `${user.name} (sandbox)`,
    externalAccountId: user.id,
    status: 'active',
    statusDetail: null,
  });
}

/** A real X account configured through X_* variables. */
export async function ensureEnvironmentChannel(
  deps: ChannelDeps,
  input: {
    workspaceId: string;
    credentials: XCredentialsConfig;
    apiBaseUrl: string | undefined;
    connectors: ChannelConnectors;
  },
): Promise<string> {
  const credentials: ChannelCredentials =
    input.credentials.kind === 'oauth1'
      ? {
          kind: 'oauth1',
          appKey: input.credentials.appKey!,
          appSecret: input.credentials.appSecret!,
          accessToken: input.credentials.accessToken,
          accessSecret: input.credentials.accessSecret!,
        }
      : { kind: 'oauth2-user', accessToken: input.credentials.accessToken };
  if (input.credentials.appBearerToken) credentials.appBearerToken = input.credentials.appBearerToken;
  const settings: Partial<ChannelSettings> = {
    sandbox: false,
    fromEnvironment: true,
    streaming: Boolean(input.credentials.appBearerToken),
    apiBaseUrl: input.apiBaseUrl,
  };
  const channelId = await upsertChannel(deps, {
    workspaceId: input.workspaceId,
    match: (s) => s.fromEnvironment,
    settings,
    credentials,
    handle: 'unknown',
    name: 'X',
    externalAccountId: null,
    status: 'failing',
    statusDetail: 'Checking the X credentials…',
  });
  const channel = await deps.db
    .selectFrom('channels')
    .selectAll()
    .where('id', '=', channelId)
    .executeTakeFirstOrThrow();
  try {
    const me = await input.connectors.get(channel).whoAmI();
    await deps.db
      .updateTable('channels')
      .set({
        handle: me.handle,
        name: me.name,
        external_account_id: me.externalId,
        status: 'active',
        status_detail: null,
        updated_at: deps.clock.now().getTime(),
      })
      .where('id', '=', channelId)
      .execute();
  } catch (error) {
    // A bad token must not stop the desk: the channel shows as failing with the reason.
    const detail = `X rejected the configured credentials: ${(error as Error).message}`;
    await deps.db
      .updateTable('channels')
      .set({ status: 'failing', status_detail: detail })
      .where('id', '=', channelId)
      .execute();
    deps.logger.error({ err: error }, detail);
  }
  return channelId;
}
