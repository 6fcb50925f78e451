import { createHash, randomBytes } from 'node:crypto';
import type { AgentRole } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';

const DAY_MS = 24 * 60 * 60_000;

/** How long a session lives: `idleMs` after its last use, and never more than `maxMs` after sign-in. */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 14 * DAY_MS, maxMs: 30 * DAY_MS };

/** Sliding expiry is refreshed at most this often, so reads do not all turn into writes. */
const SESSION_TOUCH_MS = 60 * 60_000;

/** Browsers send long user agents; what the sessions list shows fits in far less. */
const USER_AGENT_LIMIT = 300;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface LiveSession {
  sessionId: string;
  agentId: string;
  workspaceId: string;
  role: AgentRole;
  /** When the session ends if nobody uses it (idle timeout, capped by the absolute lifetime). */
  endsAt: number;
}

export interface SessionDeps {
  db: Db;
  clock: Clock;
  /** The configured lifetimes; the defaults (14 days idle, 30 days at most) otherwise. */
  sessions?: SessionPolicy | undefined;
}

/**
 * Starts a session for an agent who proved who they are (password, invitation or reset link): only the
 * token's hash is stored, the token itself goes to the browser once, in the cookie.
 */
export async function createSession(
  db: DbOrTx,
  input: {
    agent: { id: string; workspace_id: string };
    now: number;
    policy?: SessionPolicy | undefined;
    ip?: string | null | undefined;
    userAgent?: string | null | undefined;
  },
): Promise<{ token: string; sessionId: string; expiresAt: number }> {
  const policy = input.policy ?? DEFAULT_SESSION_POLICY;
  const token = randomBytes(32).toString('base64url');
  const sessionId = hashToken(token);
  const expiresAt = input.now + Math.min(policy.idleMs, policy.maxMs);
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      agent_id: input.agent.id,
      workspace_id: input.agent.workspace_id,
      created_at: input.now,
      expires_at: expiresAt,
      last_seen_at: input.now,
      user_agent: input.userAgent ? input.userAgent.slice(0, USER_AGENT_LIMIT) : null,
      ip: input.ip ?? null,
    })
    .execute();
  await db.updateTable('agents').set({ last_sign_in_at: input.now }).where('id', '=', input.agent.id).execute();
  return { token, sessionId, expiresAt };
}

/**
 * The session with this id if it is still alive: not idle past its expiry, younger than the absolute
 * lifetime (checked here too, so lowering GUICHET_SESSION_MAX_DAYS applies to sessions already open), and
 * its agent not deactivated. Use slides the idle expiry, never past the absolute lifetime.
 */
export async function findLiveSession(deps: SessionDeps, sessionId: string): Promise<LiveSession | null> {
  const policy = deps.sessions ?? DEFAULT_SESSION_POLICY;
  const now = deps.clock.now().getTime();
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .select([
      'sessions.id as sessionId',
      'sessions.agent_id as agentId',
      'sessions.workspace_id as workspaceId',
      'sessions.created_at as createdAt',
      'sessions.expires_at as expiresAt',
      'sessions.last_seen_at as lastSeenAt',
      'agents.role as role',
      'agents.disabled_at as disabledAt',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row || row.disabledAt !== null) return null;
  const hardEnd = row.createdAt + policy.maxMs;
  let endsAt = Math.min(row.expiresAt, hardEnd);
  if (endsAt <= now) return null;
  if (now - row.lastSeenAt > SESSION_TOUCH_MS) {
    endsAt = Math.min(now + policy.idleMs, hardEnd);
    await deps.db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: endsAt })
      .where('id', '=', row.sessionId)
      .execute();
  }
  return {
    sessionId: row.sessionId,
    agentId: row.agentId,
    workspaceId: row.workspaceId,
    role: row.role,
    endsAt,
  };
}

/** Deletes sessions and says which ones ended, so their open sockets can be closed after commit. */
export async function deleteSessions(
  db: DbOrTx,
  where: { agentId: string; sessionIds?: string[]; exceptSessionId?: string },
): Promise<string[]> {
  let query = db.selectFrom('sessions').select('id').where('agent_id', '=', where.agentId);
  if (where.sessionIds) {
    if (where.sessionIds.length === 0) return [];
    query = query.where('id', 'in', where.sessionIds);
  }
  if (where.exceptSessionId) query = query.where('id', '!=', where.exceptSessionId);
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length > 0) await db.deleteFrom('sessions').where('id', 'in', ids).execute();
  return ids;
}

/** Expired sessions are of no use to anyone; dropped when their agent's sessions are listed. */
export async function deleteExpiredSessions(db: DbOrTx, agentId: string, now: number, policy: SessionPolicy) {
  await db
    .deleteFrom('sessions')
    .where('agent_id', '=', agentId)
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('created_at', '<=', now - policy.maxMs)]))
    .execute();
}
