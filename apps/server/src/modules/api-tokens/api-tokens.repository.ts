import { createHash, randomBytes } from 'node:crypto';
import { apiTokenScopeSchema, type ApiToken, type ApiTokenScope } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';

export const TOKEN_PREFIX = 'gch_';
/** Shown in the list: `gch_` and the first 6 characters of the random part. */
const DISPLAYED_CHARACTERS = TOKEN_PREFIX.length + 6;
/** Last use is written at most this often, so a busy script does not turn every read into a write. */
const LAST_USE_PRECISION_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** The token as a request carries it, and how to recognise one without a database round trip. */
const tokenShape = /^gch_[A-Za-z0-9_-]{43}$/;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What a request authenticated by a token may do, beside the session-shaped `request.auth`. */
export interface ApiTokenAuth {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
}

const scopesSchema = z.array(apiTokenScopeSchema);

function scopesOf(row: Pick<Row<'api_tokens'>, 'scopes'>): ApiTokenScope[] {
  const parsed = scopesSchema.safeParse(parseJson<unknown>(row.scopes, []));
  return parsed.success ? parsed.data : [];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toApiToken(row: Row<'api_tokens'> & { creator_name: string }): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: scopesOf(row),
    prefix: row.prefix,
    createdBy: { id: row.created_by, name: row.creator_name },
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}

function tokensWithCreator(db: DbOrTx) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('agents', 'agents.id', 'api_tokens.created_by')
    .selectAll('api_tokens')
    .select('agents.name as creator_name');
}

export async function listApiTokens(db: DbOrTx, workspaceId: string): Promise<ApiToken[]> {
  const rows = await tokensWithCreator(db)
    .where('api_tokens.workspace_id', '=', workspaceId)
    .orderBy('api_tokens.created_at', 'desc')
    .orderBy('api_tokens.id', 'desc')
    .execute();
  return rows.map(toApiToken);
}

export async function findApiToken(db: DbOrTx, workspaceId: string, id: string): Promise<ApiToken> {
  const row = await tokensWithCreator(db)
    .where('api_tokens.workspace_id', '=', workspaceId)
    .where('api_tokens.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('api_token.not_found', 'not_found', 'This API token does not exist.');
  return toApiToken(row);
}

/** Mints a token: 32 random bytes after `gch_`; only its hash is stored. */
export async function insertApiToken(
  db: DbOrTx,
  input: {
    workspaceId: string;
    agentId: string;
    name: string;
    scopes: ApiTokenScope[];
    expiresInDays: number | null;
    now: number;
  },
): Promise<{ id: string; secret: string }> {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = newId(input.now);
  await db
    .insertInto('api_tokens')
    .values({
      id,
      workspace_id: input.workspaceId,
      name: input.name,
      scopes: JSON.stringify(input.scopes),
      token_hash: hashToken(secret),
      prefix: secret.slice(0, DISPLAYED_CHARACTERS),
      created_by: input.agentId,
      created_at: input.now,
      last_used_at: null,
      revoked_at: null,
      expires_at: input.expiresInDays === null ? null : input.now + input.expiresInDays * DAY_MS,
    })
    .execute();
  return { id, secret };
}

/** Marks the token revoked; true when it was live until now (a second revocation changes nothing). */
export async function markApiTokenRevoked(db: DbOrTx, workspaceId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The session a bearer token stands for, or null for an unknown, revoked or expired token, or one whose
 * creator was deactivated. The token acts as its creator, with the creator's role as it is today but never
 * above lead: the admin's own powers (agents, credentials, tokens) stay with a person in the browser.
 */
export async function resolveApiToken(
  deps: { db: Db; clock: Clock },
  secret: string,
): Promise<{ session: AuthenticatedSession; token: ApiTokenAuth } | null> {
  if (!tokenShape.test(secret)) return null;
  const now = deps.clock.now().getTime();
  const row = await deps.db
    .selectFrom('api_tokens')
    .innerJoin('agents', 'agents.id', 'api_tokens.created_by')
    .select([
      'api_tokens.id as id',
      'api_tokens.name as name',
      'api_tokens.scopes as scopes',
      'api_tokens.workspace_id as workspaceId',
      'api_tokens.created_by as agentId',
      'api_tokens.last_used_at as lastUsedAt',
      'api_tokens.revoked_at as revokedAt',
      'api_tokens.expires_at as expiresAt',
      'agents.role as role',
      'agents.disabled_at as disabledAt',
      'agents.workspace_id as agentWorkspaceId',
    ])
    .where('api_tokens.token_hash', '=', hashToken(secret))
    .executeTakeFirst();
  if (!row || row.revokedAt !== null || row.disabledAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt <= now) return null;
  if (row.agentWorkspaceId !== row.workspaceId) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USE_PRECISION_MS) {
    await deps.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    session: {
      sessionId: `api-token:${row.id}`,
      agentId: row.agentId,
      workspaceId: row.workspaceId,
      role: row.role === 'admin' ? 'lead' : row.role,
    },
    token: { id: row.id, name: row.name, scopes: scopesOf(row) },
  };
}
