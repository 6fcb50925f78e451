import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_RATE_LIMITS } from '@guichet/x-sandbox';
import { z } from 'zod';
import { StartupError } from './errors.ts';

export const ROLES = ['web', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface XCredentialsConfig {
  kind: 'oauth2-user' | 'oauth1';
  accessToken: string;
  accessSecret?: string | undefined;
  appKey?: string | undefined;
  appSecret?: string | undefined;
  /** App-only bearer token; enables the filtered stream when the plan includes it. */
  appBearerToken?: string | undefined;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  roles: Role[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  admin: { email: string | undefined; password: string | undefined };
  secretKey: string | undefined;
  cookieSecure: boolean;
  /** The desk's own origin as people reach it (GUICHET_PUBLIC_URL), e.g. https://desk.example.com; no path. */
  publicUrl: string | undefined;
  /** Proxies whose X-Forwarded-* headers are believed (addresses, CIDRs or proxy-addr names); empty: none. */
  trustedProxies: string[];
  /** A session ends after `idleMs` without use, and `maxMs` after sign-in whatever its use. */
  sessions: { idleMs: number; maxMs: number };
  /** Real X credentials; when absent the built-in X sandbox is used. */
  x: XCredentialsConfig | undefined;
  xApiBaseUrl: string | undefined;
  /** OAuth 2.0 app for connecting accounts from the channels screen (PKCE); without it, the sandbox stands in. */
  xOAuth2: { clientId: string | undefined; clientSecret: string | undefined; authorizeUrl: string | undefined };
  sandbox: {
    enabled: boolean;
    /** 0 picks a free port; the desk finds it in-process. */
    port: number;
    customerIntervalSeconds: number;
    brandUsername: string;
    /** Enables the sandbox's HTTP admin API (create accounts, post as customers); off when unset. */
    adminKey: string | undefined;
    /** A Customer Support on Twitter CSV to play instead of the simulated customer. */
    replayFile: string | undefined;
    /** Time compression of the replay: 60 plays an hour of history in a minute. */
    replaySpeed: number;
    /** Requests per 15 minutes per endpoint where they differ from X's, e.g. `{ 'GET /2/dm_events': 1000 }`. */
    rateLimits: Record<string, number>;
  };
  pollIntervalSeconds: number;
  /** X allows 15 DM reads per 15 minutes per account. */
  dmPollIntervalSeconds: number;
  /** The most the DM media cache (`<data>/media-cache`) holds before its least recently used files go. */
  mediaCacheBytes: number;
  /** Hold filtered-stream connections for channels whose plan has them (polling stays as the safety net). */
  streaming: boolean;
  /** Per-request timeout for X calls. */
  xTimeoutSeconds: number;
  /** How long a worker owns a claimed job without renewing it; a killed worker's jobs return after it. */
  jobLeaseSeconds: number;
  /** Redis shared by every process of a scale-out desk (realtime events, presence); none: one process. */
  redis: { url: string; prefix: string } | undefined;
  /** The scheduler leader's lease: another scheduler process takes over this long after the leader died. */
  leaderLeaseSeconds: number;
  webDistDir: string;
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const portString = z
  .string()
  .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65_535, 'must be a whole number between 0 and 65535');

const positiveSeconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');

/**
 * `GET /2/dm_events=1000,POST /2/tweets:user=300`: the built-in sandbox's limits per 15 minutes where they
 * differ from X's (a test desk that reads DMs every few seconds); only endpoints the sandbox knows.
 */
const sandboxRateLimits = z.string().transform((value, ctx) => {
  const limits: Record<string, number> = {};
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(.+?)(:app|:user)?=(\d+)$/.exec(entry);
    if (!match || !(match[1]! in DEFAULT_RATE_LIMITS)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" must be an X endpoint and a number of requests, such as "GET /2/dm_events=1000"`,
      });
      return z.NEVER;
    }
    limits[`${match[1]}${match[2] ?? ''}`] = Number(match[3]);
  }
  return limits;
});

const positiveDays = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number of days')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');

const megabytes = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of megabytes')
  .transform(Number)
  .refine((n) => n >= 16, 'must be at least 16 (megabytes)');

const envSchema = z.object({
  PORT: portString.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  GUICHET_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  GUICHET_ROLES: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  GUICHET_ADMIN_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  GUICHET_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters long').optional(),
  GUICHET_SECRET_KEY: z.string().min(32, 'must be at least 32 characters long').optional(),
  GUICHET_COOKIE_SECURE: booleanString.default(false),
  GUICHET_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be the desk’s address, such as https://desk.example.com' })
    .refine((value) => {
      // A value that is not a URL at all is reported by the check above.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.pathname === '/' && !url.search && !url.hash && !url.username;
    }, 'must be an origin only (scheme, host and port), such as https://desk.example.com')
    .optional(),
  GUICHET_TRUSTED_PROXIES: z
    .string()
    .refine(
      (value) =>
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .every(isProxyAddress),
      'must be a comma list of proxy addresses or CIDR ranges, such as 10.0.0.5,192.168.1.0/24 (or loopback)',
    )
    .optional(),
  GUICHET_SESSION_IDLE_DAYS: positiveDays.default(14),
  GUICHET_SESSION_MAX_DAYS: positiveDays.default(30),
  X_ACCESS_TOKEN: z.string().min(1).optional(),
  X_ACCESS_SECRET: z.string().min(1).optional(),
  X_API_KEY: z.string().min(1).optional(),
  X_API_SECRET: z.string().min(1).optional(),
  X_BEARER_TOKEN: z.string().min(1).optional(),
  X_API_BASE_URL: z.url({ error: 'must be a URL such as https://api.x.com' }).optional(),
  X_CLIENT_ID: z.string().min(1).optional(),
  X_CLIENT_SECRET: z.string().min(1).optional(),
  X_AUTHORIZE_URL: z.url({ error: 'must be a URL such as https://x.com/i/oauth2/authorize' }).optional(),
  GUICHET_SANDBOX: z.enum(['auto', 'on', 'off'], { error: 'must be auto, on or off' }).default('auto'),
  GUICHET_SANDBOX_PORT: portString.default(0),
  GUICHET_SANDBOX_CUSTOMER_INTERVAL: positiveSeconds.default(8),
  GUICHET_SANDBOX_REPLAY: z.string().min(1).optional(),
  GUICHET_SANDBOX_REPLAY_SPEED: positiveSeconds.default(60),
  GUICHET_SANDBOX_RATE_LIMITS: sandboxRateLimits.optional(),
  GUICHET_SANDBOX_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters long').optional(),
  GUICHET_SANDBOX_BRAND: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,15}$/, 'must be an X handle: 1 to 15 letters, digits or underscores')
    .default('acme_sav'),
  GUICHET_POLL_INTERVAL: positiveSeconds.optional(),
  GUICHET_JOB_LEASE_SECONDS: positiveSeconds.default(30),
  GUICHET_DM_POLL_INTERVAL: positiveSeconds.default(65),
  GUICHET_MEDIA_CACHE_MB: megabytes.default(2048),
  GUICHET_STREAMING: booleanString.default(true),
  X_TIMEOUT_SECONDS: positiveSeconds.default(20),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/./, 'must be a Redis URL such as redis://127.0.0.1:6379')
    .refine((value) => URL.canParse(value), 'must be a Redis URL such as redis://127.0.0.1:6379')
    .optional(),
  GUICHET_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1 to 64 letters, digits or : _ . -')
    .default('guichet:'),
  GUICHET_LEADER_LEASE_SECONDS: positiveSeconds.default(15),
});

function parseDatabase(url: string | undefined, dataDir: string): DatabaseConfig {
  if (!url) return { dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') };
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new StartupError(`DATABASE_URL is not a valid URL: "${url}".`);
    }
    return { dialect: 'postgres', url };
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new StartupError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/guichet.db.');
    return { dialect: 'sqlite', file };
  }
  throw new StartupError(
    `DATABASE_URL must start with postgres:// (PostgreSQL) or sqlite: (a SQLite file); got "${redactUrl(url)}".`,
  );
}

function parseRoles(value: string | undefined): Role[] {
  if (!value || value === 'all') return [...ROLES];
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0) {
    throw new StartupError(`GUICHET_ROLES must be "all" or a comma list of ${ROLES.join(', ')}; got "${value}".`);
  }
  return [...new Set(roles)] as Role[];
}

const DAY_MS = 24 * 60 * 60_000;

/** An IP address, a CIDR range, or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

/** Reads the environment once, at boot; each bad value gets its own sentence naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { roles?: string } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'environment');
      return `${key} ${issue.message.replace(/^Invalid input: /, '')}.`;
    });
    throw new StartupError(`Invalid configuration: ${lines.join(' ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.GUICHET_DATA_DIR);

  let x: XCredentialsConfig | undefined;
  if (e.X_ACCESS_TOKEN) {
    const oauth1 = Boolean(e.X_API_KEY || e.X_API_SECRET || e.X_ACCESS_SECRET);
    if (oauth1 && !(e.X_API_KEY && e.X_API_SECRET && e.X_ACCESS_SECRET)) {
      throw new StartupError(
        'OAuth 1.0a needs all four of X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET; for an OAuth 2.0 user token set X_ACCESS_TOKEN alone.',
      );
    }
    x = oauth1
      ? {
          kind: 'oauth1',
          accessToken: e.X_ACCESS_TOKEN,
          accessSecret: e.X_ACCESS_SECRET,
          appKey: e.X_API_KEY,
          appSecret: e.X_API_SECRET,
        }
      : { kind: 'oauth2-user', accessToken: e.X_ACCESS_TOKEN };
    if (e.X_BEARER_TOKEN) x.appBearerToken = e.X_BEARER_TOKEN;
  }
  // Several processes (REDIS_URL) would each start their own sandbox, with its own accounts and tokens: the
  // sandbox then runs once, standalone (`guichet sandbox`), and every process reaches it at X_API_BASE_URL.
  if (e.REDIS_URL && e.GUICHET_SANDBOX === 'on') {
    throw new StartupError(
      'GUICHET_SANDBOX=on cannot be used with REDIS_URL: several processes need one sandbox, so run `guichet sandbox` on its own and point every process at it with X_API_BASE_URL and X_ACCESS_TOKEN.',
    );
  }
  const sandboxEnabled = !e.REDIS_URL && (e.GUICHET_SANDBOX === 'on' || (e.GUICHET_SANDBOX === 'auto' && !x));

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: parseDatabase(e.DATABASE_URL, dataDir),
    roles: parseRoles(overrides.roles ?? e.GUICHET_ROLES),
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_FORMAT ? e.LOG_FORMAT === 'pretty' : Boolean(process.stdout.isTTY),
    admin: { email: e.GUICHET_ADMIN_EMAIL, password: e.GUICHET_ADMIN_PASSWORD },
    secretKey: e.GUICHET_SECRET_KEY,
    cookieSecure: e.GUICHET_COOKIE_SECURE,
    publicUrl: e.GUICHET_PUBLIC_URL ? new URL(e.GUICHET_PUBLIC_URL).origin : undefined,
    trustedProxies: (e.GUICHET_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    sessions: { idleMs: e.GUICHET_SESSION_IDLE_DAYS * DAY_MS, maxMs: e.GUICHET_SESSION_MAX_DAYS * DAY_MS },
    x,
    xApiBaseUrl: e.X_API_BASE_URL,
    // X_AUTHORIZE_URL defaults to https://x.com/i/oauth2/authorize (the sandbox's own page when it stands in).
    xOAuth2: { clientId: e.X_CLIENT_ID, clientSecret: e.X_CLIENT_SECRET, authorizeUrl: e.X_AUTHORIZE_URL },
    sandbox: {
      enabled: sandboxEnabled,
      port: e.GUICHET_SANDBOX_PORT,
      customerIntervalSeconds: e.GUICHET_SANDBOX_CUSTOMER_INTERVAL,
      brandUsername: e.GUICHET_SANDBOX_BRAND,
      adminKey: e.GUICHET_SANDBOX_ADMIN_KEY,
      replayFile: e.GUICHET_SANDBOX_REPLAY,
      replaySpeed: e.GUICHET_SANDBOX_REPLAY_SPEED,
      rateLimits: e.GUICHET_SANDBOX_RATE_LIMITS ?? {},
    },
    // The sandbox costs nothing, so poll it often (within its 300 requests per 15 min); a real account defaults to a thrifty minute.
    pollIntervalSeconds: e.GUICHET_POLL_INTERVAL ?? (sandboxEnabled ? 5 : 60),
    jobLeaseSeconds: e.GUICHET_JOB_LEASE_SECONDS,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.GUICHET_REDIS_PREFIX } : undefined,
    leaderLeaseSeconds: e.GUICHET_LEADER_LEASE_SECONDS,
    dmPollIntervalSeconds: e.GUICHET_DM_POLL_INTERVAL,
    mediaCacheBytes: e.GUICHET_MEDIA_CACHE_MB * 1024 * 1024,
    streaming: e.GUICHET_STREAMING,
    xTimeoutSeconds: e.X_TIMEOUT_SECONDS,
    webDistDir: path.resolve(import.meta.dirname, '../../../web/dist'),
  };
}
