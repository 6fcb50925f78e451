import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './auth.ts';
import type { CostItem, CostKind, CostLedger } from './costs.ts';
import type { SandboxEngine } from './engine.ts';
import { forbidden, invalidParam } from './errors.ts';
import type { FaultSwitches } from './faults.ts';
import { ID_PATTERN } from './ids.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { ActivityHub } from './activity.ts';
import type { StreamHub } from './stream.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** Shared plumbing for the route modules (server.ts and routes-*.ts). */

export interface Reply {
  status: number;
  body?: unknown;
  /** Billed only when the answer is a success (contract §11.3). */
  cost?: CostItem[];
  /** Set when the handler already answered (the filtered stream). */
  streamed?: boolean;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Undefined only on `auth: 'none'` routes (token endpoints). */
  identity: Identity;
  body: unknown;
  /** Rate-limit headers computed for this request (the stream sends them with its 200). */
  headers: Record<string, string>;
}

/**
 * Accepted authentication per contract §2.1: any of the three, user context only (OAuth 1.0a or OAuth 2.0
 * user), app-only only, app-only or OAuth 1.0a (webhook management), or none (token endpoints, which do
 * their own client authentication).
 */
export type AuthKind = 'any' | 'user' | 'app' | 'app-or-oauth1' | 'none';

export interface RouteOptions {
  auth: AuthKind;
  /** OAuth 2.0 user scopes required, checked only for tokens minted by /2/oauth2/token. */
  scopes?: readonly string[];
}

export interface Route extends RouteOptions {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

export type RouteFn = (
  method: string,
  pattern: string,
  options: RouteOptions,
  handle: (ctx: RequestContext) => Reply | Promise<Reply>,
) => void;

export interface ServerDeps {
  engine: SandboxEngine;
  limiter: RateLimiter;
  adminKey: string | undefined;
  costs: CostLedger;
  faults: FaultSwitches;
  stream: StreamHub;
  webhooks: WebhookDispatcher;
  /** X Activity API subscriptions and deliveries. */
  activity: ActivityHub;
  /** Unique subscribed users allowed across the app's webhooks (3 on pay-per-use, contract §13). */
  maxSubscriptions: number;
}

export const READ_SCOPES = ['tweet.read', 'users.read'];
export const WRITE_SCOPES = ['tweet.read', 'tweet.write', 'users.read'];

export function userIdOf(identity: Identity): string {
  if (identity.kind === 'app') throw new Error('route declared user auth but got an app identity');
  return identity.userId;
}

export function checkId(name: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw invalidParam(name, value, `The \`${name}\` query parameter value [${value}] does not match ^[0-9]{1,19}$`);
  }
}

/** `:id` in /2/users/:id/likes|retweets must be the authenticated user (contract §8). */
export function requireSelf(ctx: RequestContext): string {
  const me = userIdOf(ctx.identity);
  const id = ctx.params.id!;
  checkId('id', id);
  if (id !== me) throw forbidden('You are not permitted to perform this action on behalf of another user.');
  return me;
}

export function parseMaxResults(q: URLSearchParams, min: number, max: number, fallback: number): number {
  const raw = q.get('max_results');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw invalidParam(
      'max_results',
      raw,
      `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`,
    );
  }
  return n;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

export function parseTime(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const ms = TIME.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    throw invalidParam(
      name,
      raw,
      `Invalid '${name}':'${raw}'. '${name}' must be a date-time in the form YYYY-MM-DDTHH:mm:ssZ.`,
    );
  }
  return ms;
}

/** Which resources a list/lookup answer returned, for per-resource read billing. */
export function readCost(body: unknown, primary: CostKind | undefined): CostItem[] {
  const b = body as { data?: unknown; includes?: { users?: { id: string }[]; tweets?: { id: string }[] } } | undefined;
  const items: CostItem[] = [];
  if (primary && b?.data) {
    const list = (Array.isArray(b.data) ? b.data : [b.data]) as { id?: string }[];
    items.push({ kind: primary, ids: list.map((x) => x.id ?? '').filter(Boolean) });
  }
  if (b?.includes?.users?.length) items.push({ kind: 'user_read', ids: b.includes.users.map((u) => u.id) });
  if (b?.includes?.tweets?.length) items.push({ kind: 'post_read', ids: b.includes.tweets.map((t) => t.id) });
  return items;
}
