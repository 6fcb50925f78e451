import type { DbOrTx } from '../../platform/db/database.ts';

/**
 * Agents present: a tab of theirs holds the realtime socket, which says so on opening and with each
 * keep-alive ping (25 s). Two missed pings and the agent is no longer counted present.
 */
export const PRESENT_MS = 60_000;

export async function markPresent(db: DbOrTx, agent: { agentId: string; workspaceId: string }, now: number) {
  await db
    .insertInto('agent_presence')
    .values({ agent_id: agent.agentId, workspace_id: agent.workspaceId, seen_at: now, last_auto_assigned_at: null })
    .onConflict((oc) => oc.column('agent_id').doUpdateSet({ seen_at: now }))
    .execute();
}

/** The agent's last tab closed here: absent at once rather than after the window (another process may re-mark). */
export async function markAbsent(db: DbOrTx, agentId: string) {
  await db.updateTable('agent_presence').set({ seen_at: 0 }).where('agent_id', '=', agentId).execute();
}

export interface PresentAgent {
  id: string;
  name: string;
  /** Orders turns: the agent assigned automatically the longest ago (or never) goes first. */
  turn: number;
  teamIds: Set<string>;
}

/** Active agents present in the workspace (trainees excluded: their replies wait for a lead) and their teams. */
export async function presentAgents(db: DbOrTx, workspaceId: string, now: number): Promise<PresentAgent[]> {
  const rows = await db
    .selectFrom('agent_presence')
    .innerJoin('agents', 'agents.id', 'agent_presence.agent_id')
    .leftJoin('team_members', 'team_members.agent_id', 'agents.id')
    .select([
      'agents.id as id',
      'agents.name as name',
      'agent_presence.last_auto_assigned_at as turn',
      'team_members.team_id as teamId',
    ])
    .where('agent_presence.workspace_id', '=', workspaceId)
    .where('agent_presence.seen_at', '>=', now - PRESENT_MS)
    .where('agents.disabled_at', 'is', null)
    .where('agents.role', '!=', 'trainee')
    .execute();
  const byId = new Map<string, PresentAgent>();
  for (const row of rows) {
    const agent = byId.get(row.id) ?? { id: row.id, name: row.name, turn: Number(row.turn ?? 0), teamIds: new Set() };
    if (row.teamId) agent.teamIds.add(row.teamId);
    byId.set(row.id, agent);
  }
  return [...byId.values()];
}
