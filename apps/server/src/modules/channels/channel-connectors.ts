import {
  createTwitterApiXClient,
  createXConnector,
  meteredXClient,
  type Connector,
  type XUsage,
} from '@guichet/connectors';
import { AppError } from '../../platform/errors.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { channelCredentialsSchema, parseChannelSettings } from './channel-settings.ts';

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
  ) {}

  get(channel: Row<'channels'>): Connector {
    const cached = this.cache.get(channel.id);
    if (cached && cached.version === channel.updated_at) return cached.connector;
    const connector = this.build(channel);
    this.cache.set(channel.id, { version: channel.updated_at, connector });
    return connector;
  }

  private build(channel: Row<'channels'>): Connector {
    if (channel.network !== 'x') {
      throw new AppError('channel.network_unsupported', 'invalid', `No connector for network ${channel.network} yet.`);
    }
    if (!channel.credentials) {
      throw new AppError('channel.no_credentials', 'invalid', `Channel @${channel.handle} has no credentials.`);
    }
    const settings = parseChannelSettings(channel.settings);
    const credentials = channelCredentialsSchema.parse(JSON.parse(this.secrets.open(channel.credentials)));
    const apiBaseUrl = settings.sandbox ? this.sandboxUrl() : settings.apiBaseUrl;
    if (settings.sandbox && !apiBaseUrl) {
      throw new AppError(
        'channel.sandbox_not_running',
        'unavailable',
        'This channel belongs to the X sandbox, which is not running (GUICHET_SANDBOX=off).',
      );
    }
    const client = meteredXClient(createTwitterApiXClient({ credentials, apiBaseUrl }), (usage) =>
      this.onUsage(channel.id, usage),
    );
    return createXConnector({
      client,
      capabilities: { streaming: settings.streaming && Boolean(credentials.appBearerToken) },
    });
  }
}
