import type { InvitationInfo } from '@guichet/contracts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { createSession, deleteSessions } from '../auth/sessions.ts';
import type { AgentAdminDeps } from './agent-admin.commands.ts';
import { consumeLink, findUsableLink } from './agent-links.ts';
import { findAgentById } from './agents.repository.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

// One answer for unknown, used, expired and deactivated: a link says nothing about the account behind it.
const invalid = () =>
  new AppError(
    'invitation.invalid',
    'not_found',
    'This link is not valid any more: it was used, it expired, or it was replaced. Ask an admin for a new one.',
  );

/** What the link's page shows before the invitee chooses a password. */
export async function describeLink(deps: Pick<AgentAdminDeps, 'db' | 'clock'>, token: string): Promise<InvitationInfo> {
  const link = await findUsableLink(deps.db, token, deps.clock.now().getTime());
  if (!link) throw invalid();
  return {
    kind: link.kind,
    email: link.email,
    name: link.name,
    workspaceName: link.workspaceName,
    expiresAt: new Date(link.expiresAt).toISOString(),
  };
}

/**
 * Sets the password the link was issued for and signs the agent in. A reset ends the agent's other
 * sessions (whoever had the old password is out). The link works once: two tabs racing, one wins.
 */
export async function acceptLink(
  deps: AgentAdminDeps,
  token: string,
  input: { password: string; ip: string | null; userAgent: string | undefined },
): Promise<{ token: string; expiresAt: number; session: AuthenticatedSession }> {
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError('agent.weak_password', 'invalid', `The password ${problem}.`);
  const now = deps.clock.now().getTime();
  const link = await findUsableLink(deps.db, token, now);
  if (!link) throw invalid();
  const hash = await hashPassword(input.password);
  const result = await deps.db.transaction().execute(async (tx) => {
    if (!(await consumeLink(tx, link, now))) throw invalid();
    const agent = await findAgentById(tx, link.agentId);
    if (!agent || agent.disabled_at !== null) throw invalid();
    await tx.updateTable('agents').set({ password_hash: hash }).where('id', '=', agent.id).execute();
    const ended = link.kind === 'reset' ? await deleteSessions(tx, { agentId: agent.id }) : [];
    const created = await createSession(tx, {
      agent,
      now,
      policy: deps.config.sessions,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await recordAudit(tx, {
      workspaceId: agent.workspace_id,
      action: link.kind === 'invite' ? 'agent.invitation_accepted' : 'agent.password_changed',
      actor: { type: 'agent', id: agent.id, label: agent.email },
      subject: { type: 'agent', id: agent.id },
      ip: input.ip,
      details: link.kind === 'invite' ? {} : { by: 'reset_link', sessionsEnded: ended.length },
      occurredAt: now,
    });
    return {
      ...created,
      ended,
      session: { sessionId: created.sessionId, agentId: agent.id, workspaceId: agent.workspace_id, role: agent.role },
    };
  });
  if (result.ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: result.ended });
  return { token: result.token, expiresAt: result.expiresAt, session: result.session };
}
