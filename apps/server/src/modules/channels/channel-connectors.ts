import {
  createTwitterApiXClient,
  createXActivityClient,
  createXConnector,
  meteredXClient,
  XApiError,
  type Connector,
  type XActivityClient,
  type XClient,
  type XUsage,
} from '@guichet/connectors';
import { AppError } from '../../platform/errors.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { openChannelCredentials, parseChannelSettings, type ChannelCredentials } from './channel-settings.ts';
import { REFRESH_MARGIN_MS } from './x-oauth2.ts';

export interface TokenRefresh {
  now: () => number;
  /**
   * Returns OAuth 2.0 user credentials valid for a while yet: those stored (another process refreshed
   * them already) or fresh ones from X's token endpoint, stored sealed before they are returned.
   */
  refresh: (channelId: string) => Promise<ChannelCredentials>;
}

/**
 * Builds the live connector of a channel from its stored settings and sealed credentials, and keeps it while
 * the channel row is unchanged (same updated_at), so HTTP keep-alive connections are reused between polls.
 */
export class ChannelConnectors {
  private readonly cache = new Map<string, { version: number; connector: Connector }>();

  constructor(
    private readonly secrets: SecretBox,
    /** URL of the in-process X sandbox, when it runs. */
    private readonly sandboxUrl: () => string | undefined,
    /** Every billable X call, for the spend meter. */
    private readonly onUsage: (channelId: string, usage: XUsage) => void = () => undefined,
    /** Keeps OAuth 2.0 user tokens (2 hours) fresh; without it they are used as they are. */
    private readonly tokens?: TokenRefresh,
    /** Per-request timeout: a hung connection to X must not hold a worker. */
    private readonly timeoutMs = 20_000,
  ) {}

  get(channel: Row<'channels'>): Connector {
    const cached = this.cache.get(channel.id);
    if (cached && cached.version === channel.updated_at) return cached.connector;
    const connector = this.build(channel);
    this.cache.set(channel.id, { version: channel.updated_at, connector });
    return connector;
  }

  /** The channel's X Activity API client (app bearer token), or undefined when it has none. */
  activity(channel: Row<'channels'>): XActivityClient | undefined {
    if (channel.network !== 'x' || !channel.credentials) return undefined;
    const settings = parseChannelSettings(channel.settings);
    const credentials = openChannelCredentials(this.secrets, { id: channel.id, credentials: channel.credentials });
    if (!credentials.appBearerToken) return undefined;
    const apiBaseUrl = settings.sandbox ? this.sandboxUrl() : settings.apiBaseUrl;
    return createXActivityClient({ bearerToken: credentials.appBearerToken, apiBaseUrl, timeoutMs: this.timeoutMs });
  }

  private build(channel: Row<'channels'>): Connector {
    if (channel.network !== 'x') {
      throw new AppError('channel.network_unsupported', 'invalid', `No connector for network ${channel.network} yet.`);
    }
    if (!channel.credentials) {
      throw new AppError('channel.no_credentials', 'invalid', `Channel @${channel.handle} has no credentials.`);
    }
    const settings = parseChannelSettings(channel.settings);
    const credentials = openChannelCredentials(this.secrets, { id: channel.id, credentials: channel.credentials });
    const apiBaseUrl = settings.sandbox ? this.sandboxUrl() : settings.apiBaseUrl;
    if (settings.sandbox && !apiBaseUrl) {
      throw new AppError(
        'channel.sandbox_not_running',
        'unavailable',
        'This channel belongs to the X sandbox, which is not running (GUICHET_SANDBOX=off).',
      );
    }
    const refreshable = credentials.kind === 'oauth2-user' && credentials.expiresAt !== undefined && this.tokens;
    const raw = refreshable
      ? this.refreshingClient(channel.id, credentials, apiBaseUrl)
      : createTwitterApiXClient({ credentials, apiBaseUrl, timeoutMs: this.timeoutMs });
    const client = meteredXClient(raw, (usage) => this.onUsage(channel.id, usage));
    return createXConnector({
      client,
      capabilities: { streaming: settings.streaming && Boolean(credentials.appBearerToken) },
    });
  }

  /**
   * An XClient that, before every call, makes sure the access token has more than REFRESH_MARGIN_MS to live,
   * refreshing it first when not (one refresh at a time), so polling never goes out with an expired token.
   */
  private refreshingClient(channelId: string, initial: ChannelCredentials, apiBaseUrl: string | undefined): XClient {
    const tokens = this.tokens!;
    let credentials = initial;
    let inner = createTwitterApiXClient({ credentials, apiBaseUrl, timeoutMs: this.timeoutMs });
    let pending: Promise<void> | undefined;
    const ensureFresh = async () => {
      const expiresAt = credentials.kind === 'oauth2-user' ? credentials.expiresAt : undefined;
      if (expiresAt === undefined || expiresAt - tokens.now() > REFRESH_MARGIN_MS) return;
      pending ??= tokens
        .refresh(channelId)
        .then((fresh) => {
          credentials = fresh;
          inner = createTwitterApiXClient({ credentials, apiBaseUrl, timeoutMs: this.timeoutMs });
        })
        .catch((error: unknown) => {
          const detail = `The X access token could not be refreshed: ${(error as Error).message}`;
          // X out of reach is worth a retry; a refused refresh token needs the account connected again.
          const unreachable = error instanceof AppError && error.kind === 'unavailable';
          throw new XApiError(detail, {
            ...(unreachable ? {} : { status: 401 }),
            body: { title: 'Unauthorized', detail },
            cause: error,
          });
        })
        .finally(() => {
          pending = undefined;
        });
      await pending;
    };
    return new Proxy({} as XClient, {
      get(_target, name: keyof XClient) {
        return async (...args: unknown[]) => {
          await ensureFresh();
          const method = inner[name] as (...a: unknown[]) => Promise<unknown>;
          return method.apply(inner, args);
        };
      },
    });
  }
}
