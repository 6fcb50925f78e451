import { createHash, timingSafeEqual } from 'node:crypto';
import type { OAuth2Code, SandboxEngine } from './engine.ts';
import { SandboxError } from './errors.ts';
import type { Reply, RequestContext, RouteFn, ServerDeps } from './routing.ts';

/**
 * OAuth 2.0 token endpoints (contract §2.2). Bodies arrive form-encoded (the docs) or as JSON
 * (twitter-api-v2), so both are read. Errors use the OAuth shapes X answers with on these endpoints.
 */

const NONE = { auth: 'none' } as const;
const V1_BAD_CREDENTIALS = {
  errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }],
};

function oauthError(status: number, error: string, description: string): SandboxError {
  return new SandboxError(status, { error, error_description: description });
}

function field(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))`, or undefined when absent/garbled. */
function basicAuth(ctx: RequestContext): { id: string; secret: string } | undefined {
  const header = ctx.req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Confidential clients send Basic client_id:client_secret (or client_secret in the body); public ones only client_id. */
function authenticateClient(engine: SandboxEngine, ctx: RequestContext): string {
  const app = engine.app;
  const basic = basicAuth(ctx);
  if (basic) {
    if (!safeEqual(basic.id, app.clientId) || !safeEqual(basic.secret, app.clientSecret)) {
      throw oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
    }
    return basic.id;
  }
  const clientId = field(ctx.body, 'client_id');
  if (!clientId || !safeEqual(clientId, app.clientId)) {
    throw oauthError(400, 'invalid_request', 'Missing required parameter [client_id].');
  }
  const secret = field(ctx.body, 'client_secret');
  if (secret !== undefined && !safeEqual(secret, app.clientSecret)) {
    throw oauthError(401, 'unauthorized_client', 'Invalid client secret.');
  }
  return clientId;
}

export function verifyPkce(code: Pick<OAuth2Code, 'codeChallenge' | 'codeChallengeMethod'>, verifier: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed =
    code.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
  return safeEqual(computed, code.codeChallenge);
}

function tokenReply(engine: SandboxEngine, userId: string, clientId: string, scopes: string[]): Reply {
  const t = engine.issueOAuth2Tokens(userId, clientId, scopes);
  return {
    status: 200,
    body: {
      token_type: 'bearer',
      expires_in: t.expiresIn,
      access_token: t.accessToken,
      scope: scopes.join(' '),
      ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    },
  };
}

export function registerOAuthRoutes(route: RouteFn, deps: ServerDeps): void {
  const { engine } = deps;

  // App-only bearer: Basic consumer key/secret, grant_type=client_credentials.
  route('POST', '/oauth2/token', NONE, (ctx) => {
    const basic = basicAuth(ctx);
    const app = engine.app;
    if (!basic || !safeEqual(basic.id, app.consumerKey) || !safeEqual(basic.secret, app.consumerSecret)) {
      throw new SandboxError(403, V1_BAD_CREDENTIALS);
    }
    const grant = field(ctx.body, 'grant_type') ?? ctx.url.searchParams.get('grant_type');
    if (grant !== 'client_credentials') {
      throw new SandboxError(403, {
        errors: [
          { code: 170, label: 'forbidden_missing_parameter', message: 'Missing required parameter: grant_type' },
        ],
      });
    }
    return { status: 200, body: { token_type: 'bearer', access_token: engine.appBearerForClientCredentials() } };
  });

  route('POST', '/2/oauth2/token', NONE, (ctx) => {
    const clientId = authenticateClient(engine, ctx);
    const grant = field(ctx.body, 'grant_type');
    if (grant === 'authorization_code') {
      const codeValue = field(ctx.body, 'code');
      const verifier = field(ctx.body, 'code_verifier');
      const redirectUri = field(ctx.body, 'redirect_uri');
      const invalid = oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.');
      if (!codeValue || !verifier || !redirectUri) throw invalid;
      const code = engine.takeAuthCode(codeValue);
      if (!code || code.clientId !== clientId || code.redirectUri !== redirectUri || !verifyPkce(code, verifier)) {
        throw invalid;
      }
      return tokenReply(engine, code.userId, clientId, code.scopes);
    }
    if (grant === 'refresh_token') {
      const value = field(ctx.body, 'refresh_token');
      const refresh = value ? engine.takeRefreshToken(value) : undefined;
      if (!refresh || refresh.clientId !== clientId) {
        throw oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
      }
      return tokenReply(engine, refresh.userId, clientId, refresh.scopes);
    }
    throw oauthError(400, 'unsupported_grant_type', 'Grant type is not supported.');
  });

  route('POST', '/2/oauth2/revoke', NONE, (ctx) => {
    authenticateClient(engine, ctx);
    const token = field(ctx.body, 'token');
    if (!token) throw oauthError(400, 'invalid_request', 'Missing required parameter [token].');
    // RFC 7009: revoking an unknown token still succeeds.
    engine.revokeToken(token);
    return { status: 200, body: { revoked: true } };
  });
}
