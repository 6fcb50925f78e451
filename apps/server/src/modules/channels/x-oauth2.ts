import { createHash, randomBytes } from 'node:crypto';
import type { XSandbox } from '@guichet/x-sandbox';
import { AppError } from '../../platform/errors.ts';
import type { ChannelSettings } from './channel-settings.ts';

/**
 * OAuth 2.0 Authorization Code with PKCE against X (contract §2.2): where to send the browser, and the token
 * endpoint calls (code exchange, refresh). Access tokens last 2 hours; `offline.access` brings a refresh
 * token, which rotates at every use.
 */

export const DEFAULT_X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';
export const DEFAULT_X_API_BASE_URL = 'https://api.x.com';
/**
 * What the desk does on X: read mentions and DMs, reply, send DMs, like, upload agents' images;
 * offline.access for refresh.
 */
export const X_OAUTH2_SCOPES = [
  'tweet.read',
  'tweet.write',
  'users.read',
  'dm.read',
  'dm.write',
  'like.write',
  'media.write',
  'follows.read',
  'offline.access',
];
/** Refresh this long before the access token expires, so no call ever goes out with an expired token. */
export const REFRESH_MARGIN_MS = 10 * 60_000;

export interface OAuth2Client {
  clientId: string;
  clientSecret: string | undefined;
  authorizeUrl: string;
  tokenUrl: string;
  /** Where the connected channel's API calls go (undefined: api.x.com); ignored for sandbox channels. */
  apiBaseUrl: string | undefined;
  /** The built-in sandbox stands in for X (no X_CLIENT_ID configured). */
  sandbox: boolean;
}

export interface OAuth2Config {
  clientId: string | undefined;
  clientSecret: string | undefined;
  authorizeUrl: string | undefined;
  apiBaseUrl: string | undefined;
}

/** Finds the OAuth 2.0 app for new connections and for refreshing a channel's tokens. */
export class OAuth2Clients {
  constructor(
    private readonly config: OAuth2Config,
    private readonly sandbox: () => { instance: XSandbox; url: string } | undefined,
  ) {}

  /** X when X_CLIENT_ID is set; otherwise the built-in sandbox when it runs; otherwise none. */
  forNewConnection(): OAuth2Client | undefined {
    return this.real() ?? this.forSandbox();
  }

  forChannel(settings: ChannelSettings): OAuth2Client | undefined {
    return settings.sandbox ? this.forSandbox() : this.real();
  }

  private real(): OAuth2Client | undefined {
    if (!this.config.clientId) return undefined;
    const apiBase = this.config.apiBaseUrl ?? DEFAULT_X_API_BASE_URL;
    return {
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      authorizeUrl: this.config.authorizeUrl ?? DEFAULT_X_AUTHORIZE_URL,
      tokenUrl: new URL('/2/oauth2/token', apiBase).toString(),
      apiBaseUrl: this.config.apiBaseUrl,
      sandbox: false,
    };
  }

  forSandbox(): OAuth2Client | undefined {
    const sandbox = this.sandbox();
    if (!sandbox) return undefined;
    const app = sandbox.instance.appCredentials;
    return {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authorizeUrl: this.config.authorizeUrl ?? new URL('/i/oauth2/authorize', sandbox.url).toString(),
      tokenUrl: new URL('/2/oauth2/token', sandbox.url).toString(),
      apiBaseUrl: undefined,
      sandbox: true,
    };
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeRedirect(
  client: OAuth2Client,
  input: { redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL(client.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', X_OAUTH2_SCOPES.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export interface OAuth2Tokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
}

async function tokenCall(client: OAuth2Client, fields: Record<string, string>, now: number): Promise<OAuth2Tokens> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(fields);
  if (client.clientSecret) {
    const basic = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
  }
  let response: Response;
  try {
    response = await fetch(client.tokenUrl, {
      method: 'POST',
      headers,
      body: body.toString(),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new AppError(
      'channel.oauth2_unreachable',
      'unavailable',
      `X could not be reached: ${(error as Error).message}`,
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof json.access_token !== 'string') {
    const reason = [json.error, json.error_description].filter((v) => typeof v === 'string').join(': ');
    throw new AppError(
      'channel.oauth2_rejected',
      'invalid',
      `X refused the token request (${response.status}${reason ? ` ${reason}` : ''}).`,
    );
  }
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 7200;
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined,
    expiresAt: now + expiresIn * 1000,
    scope: typeof json.scope === 'string' ? json.scope : '',
  };
}

export function exchangeCode(
  client: OAuth2Client,
  input: { code: string; redirectUri: string; verifier: string },
  now: number,
): Promise<OAuth2Tokens> {
  return tokenCall(
    client,
    {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier,
    },
    now,
  );
}

export function refreshTokens(client: OAuth2Client, refreshToken: string, now: number): Promise<OAuth2Tokens> {
  return tokenCall(client, { grant_type: 'refresh_token', refresh_token: refreshToken }, now);
}
