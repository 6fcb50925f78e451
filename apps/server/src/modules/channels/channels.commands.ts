import type { XSandbox } from '@guichet/x-sandbox';
import { createTwitterApiXClient, createXConnector, type NetworkAccount } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { XCredentialsConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents } from '../events/events.repository.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import {
  channelSettingsSchema,
  openChannelCredentials,
  parseChannelSettings,
  sealChannelCredentials,
  type ChannelCredentials,
  type ChannelSettings,
} from './channel-settings.ts';
import {
  refreshTokens,
  REFRESH_MARGIN_MS,
  type OAuth2Clients,
  type OAuth2Client,
  type OAuth2Tokens,
} from './x-oauth2.ts';

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
    match: (settings: ChannelSettings, channel: Row<'channels'>) => boolean;
    /** Merged over the stored settings: what an admin set in the desk (budget…) survives restarts. */
    settings: Partial<ChannelSettings>;
    credentials: ChannelCredentials;
    handle: string;
    name: string;
    externalAccountId: string | null;
    status: 'active' | 'failing';
    statusDetail: string | null;
    /** Who connected it; the system at start-up. */
    actor?: { type: 'agent'; id: string };
    /** The admin's request, for the audit line (which says credentials changed, never what they are). */
    audit?: AuditContext | undefined;
  },
): Promise<string> {
  const now = deps.clock.now().getTime();
  const channels = await deps.db
    .selectFrom('channels')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('network', '=', 'x')
    .execute();
  const existing = channels.find((c) => input.match(parseChannelSettings(c.settings), c));
  const id = existing?.id ?? newId(now);
  const sealed = sealChannelCredentials(deps.secrets, id, input.credentials);
  const auditDetails = { network: 'x', handle: input.handle, method: input.credentials.kind };
  if (existing) {
    const sameAccount = existing.external_account_id === input.externalAccountId;
    await deps.db.transaction().execute(async (tx) => {
      await tx
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
        await tx.deleteFrom('cursors').where('channel_id', '=', existing.id).execute();
      }
      await audit(tx, input.audit, 'channel.credentials_changed', now, {
        subject: { type: 'channel', id: existing.id },
        details: { ...auditDetails, previousHandle: existing.handle },
      });
    });
    return existing.id;
  }
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
        actor: input.actor ?? { type: 'system' },
        payload: { network: 'x', handle: input.handle },
        occurredAt: now,
      },
    ]);
    await audit(tx, input.audit, 'channel.connected', now, { subject: { type: 'channel', id }, details: auditDetails });
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
    // Half set up, like many real accounts: the set-up checklist (F30) has things to say about the rest.
    url: 'https://aide.acme.example',
  });
  return upsertChannel(deps, {
    workspaceId: input.workspaceId,
    match: (s) => s.sandbox && !s.addedInDesk,
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

/** Asks X who these credentials belong to; a refusal is a clear 400 in X's words, and nothing is stored. */
async function verifyCredentials(
  credentials: ChannelCredentials,
  apiBaseUrl: string | undefined,
): Promise<NetworkAccount> {
  const connector = createXConnector({
    client: createTwitterApiXClient({ credentials, apiBaseUrl, timeoutMs: 15_000 }),
  });
  try {
    return await connector.whoAmI();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('channel.credentials_rejected', 'invalid', `X refused these credentials: ${reason}`, {
      reason,
    });
  }
}

export interface ConnectInput {
  workspaceId: string;
  agentId: string;
  /** The built-in sandbox stands in for X (its URL is known at run time only). */
  sandbox: boolean;
  /** X_API_BASE_URL for a real account; unused for the sandbox. */
  apiBaseUrl: string | undefined;
  /** The sandbox's URL when it runs. */
  sandboxUrl: string | undefined;
  audit?: AuditContext | undefined;
}

/** One desk-connected channel per X account: connecting the same account again replaces its credentials. */
async function upsertDeskChannel(
  deps: ChannelDeps,
  input: ConnectInput,
  credentials: ChannelCredentials,
  me: NetworkAccount,
): Promise<string> {
  return upsertChannel(deps, {
    workspaceId: input.workspaceId,
    match: (s, row) => s.addedInDesk && row.external_account_id === me.externalId,
    settings: {
      sandbox: input.sandbox,
      fromEnvironment: false,
      addedInDesk: true,
      streaming: Boolean(credentials.appBearerToken),
      apiBaseUrl: input.sandbox ? undefined : input.apiBaseUrl,
    },
    credentials,
    handle: me.handle,
    name: me.name,
    externalAccountId: me.externalId,
    status: 'active',
    statusDetail: null,
    actor: { type: 'agent', id: input.agentId },
    audit: input.audit,
  });
}

function callBase(input: ConnectInput): string | undefined {
  if (!input.sandbox) return input.apiBaseUrl;
  if (!input.sandboxUrl) {
    throw new AppError('channel.sandbox_not_running', 'invalid', 'The built-in X sandbox is not running.');
  }
  return input.sandboxUrl;
}

/** OAuth 1.0a keys typed in the channels screen, checked with X before they are stored (sealed). */
export async function connectWithKeys(
  deps: ChannelDeps,
  input: ConnectInput & {
    keys: { apiKey: string; apiSecret: string; accessToken: string; accessSecret: string; appBearerToken?: string };
  },
): Promise<string> {
  const credentials: ChannelCredentials = {
    kind: 'oauth1',
    appKey: input.keys.apiKey,
    appSecret: input.keys.apiSecret,
    accessToken: input.keys.accessToken,
    accessSecret: input.keys.accessSecret,
    ...(input.keys.appBearerToken ? { appBearerToken: input.keys.appBearerToken } : {}),
  };
  const me = await verifyCredentials(credentials, callBase(input));
  return upsertDeskChannel(deps, input, credentials, me);
}

/** Tokens from the OAuth 2.0 PKCE callback: the account is whoever /2/users/me says. */
export async function connectWithOAuth2(
  deps: ChannelDeps,
  input: ConnectInput & { tokens: OAuth2Tokens },
): Promise<string> {
  const credentials: ChannelCredentials = {
    kind: 'oauth2-user',
    accessToken: input.tokens.accessToken,
    expiresAt: input.tokens.expiresAt,
    ...(input.tokens.refreshToken ? { refreshToken: input.tokens.refreshToken } : {}),
  };
  const me = await verifyCredentials(credentials, callBase(input));
  return upsertDeskChannel(deps, input, credentials, me);
}

/**
 * Refreshes a channel's OAuth 2.0 access token unless the stored one still has time (another worker did
 * it). Refresh tokens rotate, so the new pair is stored, sealed, at once; the row is only written if the
 * credentials are still the ones read, so two processes refreshing together cannot overwrite each other.
 */
export async function refreshChannelCredentials(
  deps: ChannelDeps,
  channelId: string,
  clients: OAuth2Clients,
): Promise<ChannelCredentials> {
  const read = async () => {
    const row = await deps.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
    if (!row?.credentials) throw new AppError('channel.no_credentials', 'invalid', 'This channel has no credentials.');
    return { row, credentials: openChannelCredentials(deps.secrets, { id: channelId, credentials: row.credentials }) };
  };
  const { row, credentials } = await read();
  const now = deps.clock.now().getTime();
  if (credentials.kind !== 'oauth2-user' || credentials.expiresAt === undefined) return credentials;
  if (credentials.expiresAt - now > REFRESH_MARGIN_MS) return credentials;
  if (!credentials.refreshToken) {
    throw new AppError('channel.no_refresh_token', 'invalid', 'The access token expires and X gave no refresh token.');
  }
  const client: OAuth2Client | undefined = clients.forChannel(parseChannelSettings(row.settings));
  if (!client) {
    throw new AppError('channel.oauth2_not_configured', 'invalid', 'X_CLIENT_ID is not configured.');
  }
  let tokens: OAuth2Tokens;
  try {
    tokens = await refreshTokens(client, credentials.refreshToken, now);
  } catch (error) {
    // Someone else may have used the (rotating) refresh token first: theirs is then stored.
    const again = await read();
    if (again.row.credentials !== row.credentials) return again.credentials;
    throw error;
  }
  const fresh: ChannelCredentials = {
    ...credentials,
    accessToken: tokens.accessToken,
    expiresAt: tokens.expiresAt,
    refreshToken: tokens.refreshToken ?? credentials.refreshToken,
  };
  await deps.db
    .updateTable('channels')
    .set({ credentials: sealChannelCredentials(deps.secrets, channelId, fresh) })
    .where('id', '=', channelId)
    .where('credentials', '=', row.credentials)
    .execute();
  deps.logger.info({ channelId }, 'X access token refreshed');
  return fresh;
}
