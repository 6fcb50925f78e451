import type { SessionInfo } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { findAgentByEmail } from '../agents/agents.repository.ts';
import { verifyPassword } from '../agents/passwords.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import {
  createSession,
  DEFAULT_SESSION_POLICY,
  deleteSessions,
  findLiveSession,
  hashToken,
  type SessionDeps,
  type SessionPolicy,
} from './sessions.ts';
import { claimSignInAttempt, clearAccountFailures, type SignInThrottle } from './sign-in-throttle.ts';

/** The default idle timeout (GUICHET_SESSION_IDLE_DAYS); GUICHET_SESSION_MAX_DAYS caps a session's whole life. */
export const SESSION_TTL_MS = DEFAULT_SESSION_POLICY.idleMs;

export interface AuthenticatedSession {
  sessionId: string;
  agentId: string;
  workspaceId: string;
  role: SessionInfo['agent']['role'];
}

// Verifying against a real hash when the email is unknown keeps the answer time the same either way, so
// timing does not reveal which emails have accounts.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$n85d1D6Q2YjzcDsl98/l3A$3yv4tpQyIYXnOQrf6qIPBwDYrH+18zQx+3DmBOt1qCc';

/** A failed sign-in in the audit trail, filed under the account's workspace when the email is known. */
function auditSignInFailure(
  deps: { db: Db; clock: Clock },
  input: { email: string; ip: string },
  reason: string,
  agent: { id: string; workspace_id: string } | undefined,
): Promise<void> {
  const label = input.email.trim().slice(0, 320);
  return recordAudit(deps.db, {
    workspaceId: agent?.workspace_id ?? null,
    action: 'auth.sign_in_failed',
    actor: agent ? { type: 'agent', id: agent.id, label } : { type: 'anonymous', label },
    ip: input.ip,
    details: { reason },
    occurredAt: deps.clock.now().getTime(),
  });
}

export async function signIn(
  deps: { db: Db; clock: Clock; throttle: SignInThrottle; sessions?: SessionPolicy | undefined },
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
): Promise<{ token: string; expiresAt: number; session: AuthenticatedSession }> {
  const failed = (reason: string, agent?: { id: string; workspace_id: string }) =>
    auditSignInFailure(deps, input, reason, agent);
  // Per address (password spraying) and per account whatever the address (guessing one password).
  if (deps.throttle.isBlocked(input.ip)) {
    await failed('address_throttled');
    throw new AppError(
      'auth.too_many_attempts',
      'rate_limited',
      'Too many failed sign-ins; try again in a few minutes.',
    );
  }
  try {
    await claimSignInAttempt(deps, input.email);
  } catch (error) {
    await failed('account_locked');
    throw error;
  }
  const agent = await findAgentByEmail(deps.db, input.email);
  const valid = await verifyPassword(agent?.password_hash ?? DUMMY_HASH, input.password);
  if (!agent || !valid || agent.disabled_at !== null) {
    deps.throttle.recordFailure(input.ip);
    await failed(!agent ? 'unknown_email' : !valid ? 'wrong_password' : 'deactivated', agent);
    throw new AppError('auth.invalid_credentials', 'unauthenticated', 'Wrong email or password.');
  }
  await clearAccountFailures(deps.db, input.email);
  const { token, sessionId, expiresAt } = await createSession(deps.db, {
    agent,
    now: deps.clock.now().getTime(),
    policy: deps.sessions,
    ip: input.ip,
    userAgent: input.userAgent,
  });
  await recordAudit(deps.db, {
    workspaceId: agent.workspace_id,
    action: 'auth.signed_in',
    actor: { type: 'agent', id: agent.id, label: agent.email },
    ip: input.ip,
    occurredAt: deps.clock.now().getTime(),
  });
  return {
    token,
    expiresAt,
    session: { sessionId, agentId: agent.id, workspaceId: agent.workspace_id, role: agent.role },
  };
}

export async function resolveSession(deps: SessionDeps, token: string): Promise<AuthenticatedSession | null> {
  const live = await findLiveSession(deps, hashToken(token));
  return live && { sessionId: live.sessionId, agentId: live.agentId, workspaceId: live.workspaceId, role: live.role };
}

/** Ends this session, and closes its sockets wherever they are open. */
export async function signOut(deps: { db: Db; realtime: RealtimeBus }, session: AuthenticatedSession): Promise<void> {
  const ended = await deleteSessions(deps.db, { agentId: session.agentId, sessionIds: [session.sessionId] });
  if (ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: ended });
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
      'agents.initials as initials',
      'workspaces.id as workspaceId',
      'workspaces.name as workspaceName',
    ])
    .where('agents.id', '=', session.agentId)
    .executeTakeFirstOrThrow();
  return {
    agent: {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      locale: row.locale,
      initials: row.initials,
    },
    workspace: { id: row.workspaceId, name: row.workspaceName },
  };
}
