import type { DbOrTx } from '../../../../platform/db/database.ts';
import type { EventRecord } from '../../../events/events.repository.ts';
import { presentAgents, type PresentAgent } from '../../../presence/presence.store.ts';
import { readCaseSettings } from '../../../workspace/workspace.settings.ts';
import type { PageContext } from '../page.ts';

export interface Assignable {
  id: string;
  teamId: string | null;
}

/**
 * Round-robin: each case goes to the present agent whose turn it is — the one assigned automatically the
 * longest ago, of the case's team when it has one (a team with nobody present leaves its case unassigned
 * rather than handing it to another team). Pure, so the distribution is tested on its own.
 */
export function distribute(cases: readonly Assignable[], agents: readonly PresentAgent[], now: number) {
  const turns = new Map(agents.map((a) => [a.id, a.turn]));
  const chosen = new Map<string, string[]>();
  let stamp = 0;
  for (const c of cases) {
    const candidates = agents.filter((a) => c.teamId === null || a.teamIds.has(c.teamId));
    if (candidates.length === 0) continue;
    const next = candidates.reduce((best, a) =>
      turns.get(a.id)! < turns.get(best.id)! || (turns.get(a.id) === turns.get(best.id) && a.id < best.id) ? a : best,
    );
    // Stamps only order turns: cases of one page take successive milliseconds so the order holds across pages.
    turns.set(next.id, now + stamp++);
    chosen.set(next.id, [...(chosen.get(next.id) ?? []), c.id]);
  }
  return { chosen, turns };
}

async function unassignedNewCases(tx: DbOrTx, ids: string[]): Promise<Assignable[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('cases')
    .select(['id', 'team_id as teamId', 'opened_at'])
    .where('id', 'in', ids)
    .where('assignee_agent_id', 'is', null)
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  return rows;
}

/**
 * Stage 9b — round-robin assignment (workspace setting, off by default): the page's new cases that no rule
 * assigned go in turn to the agents present. One read of the cases, one of the agents, one write per agent.
 */
export async function assignRoundRobin(ctx: PageContext): Promise<void> {
  const newIds = [...ctx.drafts.values()].filter((d) => d.isNew).map((d) => d.id);
  if (newIds.length === 0) return;
  const { tx, channel, now } = ctx;
  if (!(await readCaseSettings(tx, channel.workspace_id)).roundRobin) return;
  const cases = await unassignedNewCases(tx, newIds);
  if (cases.length === 0) return;
  const agents = await presentAgents(tx, channel.workspace_id, now);
  const { chosen, turns } = distribute(cases, agents, now);
  for (const [agentId, caseIds] of chosen) {
    const agent = agents.find((a) => a.id === agentId)!;
    await tx.updateTable('cases').set({ assignee_agent_id: agentId }).where('id', 'in', caseIds).execute();
    await tx
      .updateTable('agent_presence')
      .set({ last_auto_assigned_at: turns.get(agentId)! })
      .where('agent_id', '=', agentId)
      .execute();
    for (const caseId of caseIds) {
      // Field by field: on Node 20, each property an object literal adds after a spread costs about a microsecond.
      const event: EventRecord = {
        workspaceId: channel.workspace_id,
        occurredAt: now,
        actor: { type: 'system' },
        type: 'case.assigned',
        caseId,
        subjectId: agentId,
        payload: { agentId, agentName: agent.name, reason: 'round_robin' },
      };
      ctx.events.push(event);
    }
  }
}
