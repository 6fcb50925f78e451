import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SandboxEngine } from './engine.ts';

export type Identity =
  | { kind: 'app'; token: string }
  | { kind: 'oauth2-user'; userId: string; token: string }
  | { kind: 'oauth1-user'; userId: string; token: string };

export function isUser(id: Identity): id is Extract<Identity, { userId: string }> {
  return id.kind !== 'app';
}

/** RFC 3986 encoding as OAuth 1.0a (and twitter-api-v2's signer) uses it. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function parseOAuthHeader(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of header.slice('OAuth '.length).matchAll(/([A-Za-z0-9_]+)="([^"]*)"/g)) {
    try {
      params.set(m[1]!, decodeURIComponent(m[2]!));
    } catch {
      params.set(m[1]!, m[2]!);
    }
  }
  return params;
}

export function oauth1Signature(args: {
  method: string;
  baseUrl: string;
  params: [string, string][];
  consumerSecret: string;
  tokenSecret: string;
}): string {
  const encoded = args.params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [args.method.toUpperCase(), percentEncode(args.baseUrl), percentEncode(encoded)].join('&');
  const key = `${percentEncode(args.consumerSecret)}&${percentEncode(args.tokenSecret)}`;
  return createHmac('sha1', key).update(base).digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the Authorization header to an identity, or undefined (→ 401). OAuth 1.0a signatures are
 * verified over the URL the client signed (twitter-api-v2 signs the rewritten local URL, contract §14);
 * `formBody` holds url-encoded body parameters, which take part in the signature.
 */
export function authenticate(
  engine: SandboxEngine,
  req: IncomingMessage,
  url: URL,
  formBody: [string, string][] = [],
): Identity | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  if (header.startsWith('Bearer ')) {
    const token = header.slice('Bearer '.length).trim();
    const grant = engine.resolveBearer(token);
    if (!grant) return undefined;
    return grant.kind === 'app' ? { kind: 'app', token } : { kind: 'oauth2-user', userId: grant.userId, token };
  }
  if (header.startsWith('OAuth ')) {
    const oauth = parseOAuthHeader(header);
    const token = oauth.get('oauth_token');
    const signature = oauth.get('oauth_signature');
    const app = engine.app;
    if (!token || !signature || oauth.get('oauth_consumer_key') !== app.consumerKey) return undefined;
    if ((oauth.get('oauth_signature_method') ?? 'HMAC-SHA1') !== 'HMAC-SHA1') return undefined;
    const pair = engine.resolveOAuth1Token(token);
    if (!pair || !engine.findUserById(pair.userId)) return undefined;
    const params: [string, string][] = [];
    for (const [k, v] of oauth) if (k !== 'oauth_signature' && k !== 'realm') params.push([k, v]);
    for (const [k, v] of url.searchParams) params.push([k, v]);
    params.push(...formBody);
    const host = (req.headers.host ?? url.host).toLowerCase();
    const expected = oauth1Signature({
      method: req.method ?? 'GET',
      baseUrl: `http://${host}${url.pathname}`,
      params,
      consumerSecret: app.consumerSecret,
      tokenSecret: pair.accessSecret,
    });
    if (!safeEqual(expected, signature)) return undefined;
    return { kind: 'oauth1-user', userId: pair.userId, token };
  }
  return undefined;
}
