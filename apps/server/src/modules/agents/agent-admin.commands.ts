import type { AgentRole, InviteAgentRequest, PasswordLink, UpdateAgentRequest } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { recordAudit, type AuditActor, type AuditEntry } from '../audit/audit.repository.ts';
import { deleteSessions, type SessionPolicy } from '../auth/sessions.ts';
import { announceCases, returnAgentCases } from '../cases/cases.release.ts';
import { expireUnusedLinks, hasPendingInvitation, isPendingInvitee, issueLink } from './agent-links.ts';
import { findAgentByEmail, findAgentById, insertAgent, normaliseEmail } from './agents.repository.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export interface AgentAdminDeps {
  db: Db;
  clock: Clock;
  realtime: RealtimeBus;
  config: { publicUrl?: string | undefined; sessions: SessionPolicy };
}

/** Who asks, from where: an admin's session (routes) or the operator at the server's console (CLI). */
export interface AdminActor {
  workspaceId: string;
  /** Null for the CLI: the audit trail says `system`. */
  agentId: string | null;
  ip?: string | null | undefined;
}

export async function auditActor(db: DbOrTx, actor: AdminActor): Promise<AuditActor> {
  if (!actor.agentId) return { type: 'system', label: 'cli' };
  const row = await findAgentById(db, actor.agentId);
  return { type: 'agent', id: actor.agentId, label: row?.email ?? null };
}

/** One audit line about an agent, in the transaction of the change it describes. */
export async function auditAgent(
  tx: DbOrTx,
  actor: AdminActor,
  agentId: string,
  entry: Pick<AuditEntry, 'action' | 'before' | 'after' | 'details' | 'occurredAt'>,
): Promise<void> {
  await recordAudit(tx, {
    workspaceId: actor.workspaceId,
    actor: await auditActor(tx, actor),
    subject: { type: 'agent', id: agentId },
    ip: actor.ip,
    ...entry,
  });
}

/**
 * Agent changes of one workspace happen one at a time: touching the workspace row takes its write lock in
 * both databases, so two admins demoting each other cannot both pass the last-admin check.
 */
async function lockWorkspace(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx
    .updateTable('workspaces')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', workspaceId)
    .execute();
}

async function findTarget(db: DbOrTx, workspaceId: string, agentId: string) {
  const agent = await findAgentById(db, agentId);
  if (!agent || agent.workspace_id !== workspaceId) {
    throw new AppError('agent.not_found', 'not_found', 'This agent does not exist.');
  }
  return agent;
}

/** Refuses a change that would leave the workspace with no admin able to sign in. */
async function keepAnAdmin(tx: DbOrTx, target: { id: string; workspace_id: string; role: AgentRole }) {
  if (target.role !== 'admin') return;
  const others = await tx
    .selectFrom('agents')
    .select('id')
    .where('workspace_id', '=', target.workspace_id)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('id', '!=', target.id)
    .where((eb) => eb.not(hasPendingInvitation(eb)))
    .execute();
  if (others.length === 0) {
    throw new AppError(
      'agent.last_admin',
      'conflict',
      'This is the last active admin: make another agent admin first, or the workspace would have nobody to run it.',
    );
  }
}

async function checkTeams(db: DbOrTx, workspaceId: string, teamIds: string[]): Promise<string[]> {
  const unique = [...new Set(teamIds)];
  if (unique.length === 0) return [];
  const found = await db
    .selectFrom('teams')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', unique)
    .execute();
  if (found.length !== unique.length) {
    throw new AppError('agent.unknown_team', 'invalid', 'One of the teams does not exist.');
  }
  return unique.sort();
}

async function teamIdsOf(db: DbOrTx, agentId: string): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('agent_id', '=', agentId).execute();
  return rows.map((row) => row.team_id).sort();
}

async function setTeams(tx: DbOrTx, agentId: string, teamIds: string[]): Promise<void> {
  await tx.deleteFrom('team_members').where('agent_id', '=', agentId).execute();
  if (teamIds.length > 0) {
    await tx
      .insertInto('team_members')
      .values(teamIds.map((teamId) => ({ team_id: teamId, agent_id: agentId })))
      .execute();
  }
}

/** A new agent with no usable password yet, and the one-time link that lets them choose one. */
export async function inviteAgent(
  deps: AgentAdminDeps,
  actor: AdminActor,
  input: InviteAgentRequest,
): Promise<{ agentId: string; link: PasswordLink }> {
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (await findAgentByEmail(deps.db, email)) {
    throw new AppError('agent.email_taken', 'conflict', `An agent with the email ${email} already exists.`);
  }
  const teamIds = await checkTeams(deps.db, actor.workspaceId, input.teamIds ?? []);
  // A password nobody knows: the account cannot be signed into until the link sets a real one.
  const unusable = await hashPassword(generatePassword(40));
  const now = deps.clock.now().getTime();
  const agentId = newId(now);
  const link = await deps.db.transaction().execute(async (tx) => {
    await insertAgent(tx, {
      id: agentId,
      workspace_id: actor.workspaceId,
      email,
      name,
      role: input.role,
      password_hash: unusable,
      locale: null,
      time_zone: null,
      created_at: now,
      disabled_at: null,
    });
    await setTeams(tx, agentId, teamIds);
    const issued = await issueLink(tx, {
      workspaceId: actor.workspaceId,
      agentId,
      kind: 'invite',
      createdBy: actor.agentId,
      now,
      publicUrl: deps.config.publicUrl,
    });
    await auditAgent(tx, actor, agentId, {
      action: 'agent.invited',
      after: { email, name, role: input.role, teamIds },
      details: { linkExpiresAt: issued.expiresAt },
      occurredAt: now,
    });
    return issued;
  });
  return { agentId, link };
}

/** Changes an agent's role, teams, or both; each change is its own audit line. */
export async function updateAgent(
  deps: AgentAdminDeps,
  actor: AdminActor,
  agentId: string,
  input: UpdateAgentRequest,
): Promise<void> {
  const teamIds = input.teamIds && (await checkTeams(deps.db, actor.workspaceId, input.teamIds));
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const target = await findTarget(tx, actor.workspaceId, agentId);
    if (input.role !== undefined && input.role !== target.role) {
      if (input.role !== 'admin') await keepAnAdmin(tx, target);
      await tx.updateTable('agents').set({ role: input.role }).where('id', '=', agentId).execute();
      await auditAgent(tx, actor, agentId, {
        action: 'agent.role_changed',
        before: { role: target.role },
        after: { role: input.role },
        occurredAt: now,
      });
    }
    if (teamIds) {
      const before = await teamIdsOf(tx, agentId);
      if (before.join() !== teamIds.join()) {
        await setTeams(tx, agentId, teamIds);
        await auditAgent(tx, actor, agentId, {
          action: 'agent.teams_changed',
          before: { teamIds: before },
          after: { teamIds },
          occurredAt: now,
        });
      }
    }
  });
}

/**
 * A deactivated agent cannot sign in, and is signed out everywhere at once; their unresolved cases go back to
 * the unassigned queue in the same transaction.
 */
export async function deactivateAgent(deps: AgentAdminDeps, actor: AdminActor, agentId: string): Promise<void> {
  const now = deps.clock.now().getTime();
  const ended = await deps.db.transaction().execute(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const target = await findTarget(tx, actor.workspaceId, agentId);
    if (target.disabled_at !== null) return null;
    await keepAnAdmin(tx, target);
    await tx.updateTable('agents').set({ disabled_at: now }).where('id', '=', agentId).execute();
    await expireUnusedLinks(tx, agentId, now);
    const sessions = await deleteSessions(tx, { agentId });
    const eventActor = actor.agentId ? { type: 'agent' as const, id: actor.agentId } : { type: 'system' as const };
    const cases = await returnAgentCases(tx, { workspaceId: actor.workspaceId, agentId, actor: eventActor, now });
    await auditAgent(tx, actor, agentId, {
      action: 'agent.deactivated',
      before: { status: 'active' },
      after: { status: 'deactivated' },
      details: { sessionsEnded: sessions.length, casesReturned: cases.length },
      occurredAt: now,
    });
    return { sessions, cases };
  });
  if (!ended) return;
  // Also by agent id: a socket opened between the delete and this message still belongs to them.
  deps.realtime.publishControl({ type: 'session.revoked', agentId, sessionIds: ended.sessions });
  announceCases(deps.realtime, actor.workspaceId, ended.cases, now);
}

export async function reactivateAgent(deps: AgentAdminDeps, actor: AdminActor, agentId: string): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const target = await findTarget(tx, actor.workspaceId, agentId);
    if (target.disabled_at === null) return;
    await tx.updateTable('agents').set({ disabled_at: null }).where('id', '=', agentId).execute();
    await auditAgent(tx, actor, agentId, {
      action: 'agent.reactivated',
      before: { status: 'deactivated' },
      after: { status: 'active' },
      occurredAt: now,
    });
  });
}

/**
 * A one-time link that sets a new password: a reset for an agent who has one, a fresh invitation for one
 * who never used theirs. Nothing changes until the link is used.
 */
export async function issuePasswordReset(
  deps: AgentAdminDeps,
  actor: AdminActor,
  agentId: string,
): Promise<PasswordLink> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const target = await findTarget(tx, actor.workspaceId, agentId);
    if (target.disabled_at !== null) {
      throw new AppError('agent.deactivated', 'conflict', 'Reactivate this agent before giving them a new password.');
    }
    const kind = (await isPendingInvitee(tx, agentId)) ? 'invite' : 'reset';
    const link = await issueLink(tx, {
      workspaceId: actor.workspaceId,
      agentId,
      kind,
      createdBy: actor.agentId,
      now,
      publicUrl: deps.config.publicUrl,
    });
    await auditAgent(tx, actor, agentId, {
      action: 'agent.password_reset_issued',
      details: { kind, linkExpiresAt: link.expiresAt },
      occurredAt: now,
    });
    return link;
  });
}

/** Signs the agent out of every browser (a lost laptop, a shared computer). */
export async function revokeAgentSessions(deps: AgentAdminDeps, actor: AdminActor, agentId: string): Promise<number> {
  const now = deps.clock.now().getTime();
  const ended = await deps.db.transaction().execute(async (tx) => {
    await findTarget(tx, actor.workspaceId, agentId);
    const sessions = await deleteSessions(tx, { agentId });
    await auditAgent(tx, actor, agentId, {
      action: 'agent.sessions_revoked',
      details: { sessionsEnded: sessions.length, scope: 'all' },
      occurredAt: now,
    });
    return sessions;
  });
  if (ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: ended });
  return ended.length;
}
