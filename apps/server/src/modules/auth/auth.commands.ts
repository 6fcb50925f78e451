import { createHash, randomBytes } from 'node:crypto';
import type { SessionInfo } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { findAgentByEmail } from '../agents/agents.repository.ts';
import { verifyPassword } from '../agents/passwords.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export const SESSION_TTL_MS = 14 * 24 * 60 * 60_000;
/** Sliding expiry is refreshed at most this often, so reads do not all turn into writes. */
const SESSION_TOUCH_MS = 60 * 60_000;

export interface AuthenticatedSession {
  sessionId: string;
  agentId: string;
  workspaceId: string;
  role: SessionInfo['agent']['role'];
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Verifying against a real hash when the email is unknown keeps the answer time the same either way, so
// timing does not reveal which emails have accounts.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$n85d1D6Q2YjzcDsl98/l3A$3yv4tpQyIYXnOQrf6qIPBwDYrH+18zQx+3DmBOt1qCc';

export async function signIn(
  deps: { db: Db; clock: Clock; throttle: SignInThrottle },
  input: { email: string; password: string; ip: string },
): Promise<{ token: string; expiresAt: number; session: AuthenticatedSession }> {
  const throttleKey = `${input.email.trim().toLowerCase()}|${input.ip}`;
  if (deps.throttle.isBlocked(throttleKey)) {
    throw new AppError(
      'auth.too_many_attempts',
      'rate_limited',
      'Too many failed sign-ins; try again in a few minutes.',
    );
  }
  const agent = await findAgentByEmail(deps.db, input.email);
  const valid = await verifyPassword(agent?.password_hash ?? DUMMY_HASH, input.password);
  if (!agent || !valid || agent.disabled_at !== null) {
    deps.throttle.recordFailure(throttleKey);
    throw new AppError('auth.invalid_credentials', 'unauthenticated', 'Wrong email or password.');
  }
  deps.throttle.reset(throttleKey);
  const now = deps.clock.now().getTime();
  const token = randomBytes(32).toString('base64url');
  const sessionId = hashToken(token);
  const expiresAt = now + SESSION_TTL_MS;
  await deps.db
    .insertInto('sessions')
    .values({
      id: sessionId,
      agent_id: agent.id,
      workspace_id: agent.workspace_id,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
    })
    .execute();
  return {
    token,
    expiresAt,
    session: { sessionId, agentId: agent.id, workspaceId: agent.workspace_id, role: agent.role },
  };
}

export async function resolveSession(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<AuthenticatedSession | null> {
  const now = deps.clock.now().getTime();
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .select([
      'sessions.id as sessionId',
      'sessions.agent_id as agentId',
      'sessions.workspace_id as workspaceId',
      'sessions.expires_at as expiresAt',
      'sessions.last_seen_at as lastSeenAt',
      'agents.role as role',
      'agents.disabled_at as disabledAt',
    ])
    .where('sessions.id', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.expiresAt <= now || row.disabledAt !== null) return null;
  if (now - row.lastSeenAt > SESSION_TOUCH_MS) {
    await deps.db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: now + SESSION_TTL_MS })
      .where('id', '=', row.sessionId)
      .execute();
  }
  return { sessionId: row.sessionId, agentId: row.agentId, workspaceId: row.workspaceId, role: row.role };
}

export async function signOut(deps: { db: Db }, sessionId: string): Promise<void> {
  await deps.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function sessionInfo(deps: { db: Db }, session: AuthenticatedSession): Promise<SessionInfo> {
  const row = await deps.db
    .selectFrom('agents')
    .innerJoin('workspaces', 'workspaces.id', 'agents.workspace_id')
    .select([
      'agents.id as id',
      'agents.email as email',
      'agents.name as name',
      'agents.role as role',
      'agents.locale as locale',
      'workspaces.id as workspaceId',
      'workspaces.name as workspaceName',
    ])
    .where('agents.id', '=', session.agentId)
    .executeTakeFirstOrThrow();
  return {
    agent: { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale },
    workspace: { id: row.workspaceId, name: row.workspaceName },
  };
}
