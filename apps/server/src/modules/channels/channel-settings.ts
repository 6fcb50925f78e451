import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';

/** Non-secret settings stored in channels.settings. */
export const channelSettingsSchema = z.object({
  /** Served by the built-in X sandbox; its URL is only known at run time. */
  sandbox: z.boolean().default(false),
  /** Created from X_* environment variables: the environment stays the source of truth. */
  fromEnvironment: z.boolean().default(false),
  /** Connected from the channels screen (keys form or OAuth 2.0): one channel per X account. */
  addedInDesk: z.boolean().default(false),
  apiBaseUrl: z.string().optional(),
  /** The account's plan includes X's filtered stream: mentions are pushed, polling only backs it up. */
  streaming: z.boolean().default(false),
  /** Monthly X API budget in US dollars; null for none. Search feeds slow, then stop, to stay within it. */
  monthlyBudgetUsd: z.number().nonnegative().nullable().default(null),
  /** Public posts containing any of these (case-insensitive) are filtered out, not made cases. */
  muteWords: z.array(z.string()).default([]),
  /**
   * X's Account Activity webhooks deliver to this channel. Off until an admin turns it on: until then the CRC
   * challenge and deliveries are refused, so the channel's consumer secret signs nothing for anyone.
   */
  webhooks: z.boolean().default(false),
  /**
   * How X pushes the account's activity (decision 0012): the X Activity API, the Account Activity API
   * (webhooks, until its end of life) or nothing (polling only). Unset: as `webhooks` says.
   */
  deliveryPath: z.enum(['xaa', 'account_activity', 'polling']).optional(),
  /** With the X Activity API: its persistent stream (held as a leased job) or the channel's webhook URL. */
  xaaDelivery: z.enum(['stream', 'webhook']).default('stream'),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/** Secret settings stored sealed in channels.credentials. */
// App-only bearer token: the filtered stream accepts nothing else. The app's consumer secret signs
// Account Activity webhooks (OAuth 1.0a credentials carry it as appSecret already).
const appBearer = { appBearerToken: z.string().min(1).optional(), consumerSecret: z.string().min(1).optional() };
export const channelCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth2-user'),
    accessToken: z.string().min(1),
    /** From the OAuth 2.0 PKCE flow: rotates at each refresh. Pre-issued tokens have neither. */
    refreshToken: z.string().min(1).optional(),
    /** When the access token expires (epoch ms); it is refreshed shortly before. */
    expiresAt: z.number().optional(),
    ...appBearer,
  }),
  z.object({
    kind: z.literal('oauth1'),
    appKey: z.string().min(1),
    appSecret: z.string().min(1),
    accessToken: z.string().min(1),
    accessSecret: z.string().min(1),
    ...appBearer,
  }),
]);
export type ChannelCredentials = z.infer<typeof channelCredentialsSchema>;

/** Sealed for this channel's row only (GCM associated data): copied into another row, it does not open. */
function credentialsContext(channelId: string): string {
  return `channel:${channelId}:credentials`;
}

export function sealChannelCredentials(secrets: SecretBox, channelId: string, credentials: ChannelCredentials): string {
  return secrets.seal(JSON.stringify(credentials), credentialsContext(channelId));
}

/** Throws when the value was sealed with another key or for another channel, or is damaged. */
export function openChannelCredentials(
  secrets: SecretBox,
  channel: { id: string; credentials: string },
): ChannelCredentials {
  return channelCredentialsSchema.parse(JSON.parse(secrets.open(channel.credentials, credentialsContext(channel.id))));
}

/** The consumer secret X signs this channel's webhook CRC answers and deliveries with, if it has one. */
export function webhookSecretOf(credentials: ChannelCredentials): string | undefined {
  return credentials.kind === 'oauth1' ? credentials.appSecret : credentials.consumerSecret;
}

/** X webhooks need the app's consumer secret (it checks their signatures) and the account's id. */
export function assertWebhooksPossible(
  secrets: SecretBox,
  channel: { id: string; credentials: string | null; external_account_id: string | null },
): void {
  let secret: string | undefined;
  try {
    secret = channel.credentials
      ? webhookSecretOf(openChannelCredentials(secrets, { id: channel.id, credentials: channel.credentials }))
      : undefined;
  } catch {
    secret = undefined;
  }
  if (!secret || !channel.external_account_id) {
    throw new AppError(
      'channel.webhooks_need_secret',
      'invalid',
      'X webhooks need the app’s consumer secret: connect this channel with OAuth 1.0a keys, or add the consumer secret.',
    );
  }
}

export function parseChannelSettings(text: string): ChannelSettings {
  try {
    return channelSettingsSchema.parse(JSON.parse(text));
  } catch {
    return channelSettingsSchema.parse({});
  }
}
