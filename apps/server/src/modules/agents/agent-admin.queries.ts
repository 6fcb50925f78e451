import type { TeamAgent } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { hasPendingInvitation } from './agent-links.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every agent of the workspace for the admin's team screen: active, invited and deactivated, by name. */
export async function listTeamAgents(db: DbOrTx, workspaceId: string, onlyId?: string): Promise<TeamAgent[]> {
  let query = db
    .selectFrom('agents')
    .select((eb) => [
      'agents.id',
      'agents.email',
      'agents.name',
      'agents.role',
      'agents.created_at',
      'agents.disabled_at',
      'agents.last_sign_in_at',
      hasPendingInvitation(eb).as('invited'),
    ])
    .where('agents.workspace_id', '=', workspaceId);
  if (onlyId) query = query.where('agents.id', '=', onlyId);
  const agents = await query.orderBy('agents.name').orderBy('agents.id').execute();
  const members = await db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select(['team_members.agent_id as agentId', 'team_members.team_id as teamId'])
    .where('teams.workspace_id', '=', workspaceId)
    .execute();
  return agents.map((agent) => ({
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    // SQLite answers 0/1, PostgreSQL true/false.
    status: agent.disabled_at !== null ? 'deactivated' : Number(agent.invited) ? 'invited' : 'active',
    teamIds: members
      .filter((m) => m.agentId === agent.id)
      .map((m) => m.teamId)
      .sort(),
    createdAt: new Date(agent.created_at).toISOString(),
    lastSignInAt: iso(agent.last_sign_in_at),
    deactivatedAt: iso(agent.disabled_at),
  }));
}

export async function getTeamAgent(db: DbOrTx, workspaceId: string, agentId: string): Promise<TeamAgent> {
  const [agent] = await listTeamAgents(db, workspaceId, agentId);
  if (!agent) throw new AppError('agent.not_found', 'not_found', 'This agent does not exist.');
  return agent;
}
