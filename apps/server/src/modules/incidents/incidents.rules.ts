import type { DbOrTx } from '../../platform/db/database.ts';
import type { EventRecord } from '../events/events.repository.ts';
import { matchIncident } from './incidents.matching.ts';

export interface RuleLink {
  caseId: string;
  /** The incident the rule names; without one, the open incident whose words best fit the message. */
  incidentId?: string | undefined;
  message: { text: string; created_at: number };
  rule: { ruleId: string; name: string };
}

const CHUNK = 200;

function bestIncident(open: { id: string; keywords: string; declared_at: number }[], link: RuleLink): string | null {
  if (link.incidentId) return open.some((i) => i.id === link.incidentId) ? link.incidentId : null;
  let target: string | null = null;
  let best = 0;
  for (const incident of open) {
    const match = matchIncident(incident, link.message);
    if (match && match.score > best) {
      best = match.score;
      target = incident.id;
    }
  }
  return target;
}

/**
 * The rules action `linkIncident` (F22) for a whole inbound page: each case to the open incident the rule
 * names, or to the best match of the message's words. A case already linked stays as it is (no event);
 * each new link is one `incident.case_linked` event. A fixed number of statements whatever the page size.
 */
export async function linkCasesByRules(
  tx: DbOrTx,
  input: { workspaceId: string; links: RuleLink[]; now: number },
): Promise<EventRecord[]> {
  if (input.links.length === 0) return [];
  const open = await tx
    .selectFrom('incidents')
    .select(['id', 'keywords', 'declared_at'])
    .where('workspace_id', '=', input.workspaceId)
    .where('status', '=', 'open')
    .execute();
  if (open.length === 0) return [];
  const wanted = new Map<string, { incidentId: string; link: RuleLink }>();
  for (const link of input.links) {
    const incidentId = bestIncident(open, link);
    const key = `${incidentId}\u0000${link.caseId}`;
    if (incidentId && !wanted.has(key)) wanted.set(key, { incidentId, link });
  }
  if (wanted.size === 0) return [];
  const caseIds = [...new Set([...wanted.values()].map((w) => w.link.caseId))];
  const linked = new Set<string>();
  for (let i = 0; i < caseIds.length; i += CHUNK) {
    const rows = await tx
      .selectFrom('incident_cases')
      .select(['incident_id', 'case_id'])
      .where('case_id', 'in', caseIds.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) linked.add(`${row.incident_id}\u0000${row.case_id}`);
  }
  const fresh = [...wanted].filter(([key]) => !linked.has(key)).map(([, value]) => value);
  for (let i = 0; i < fresh.length; i += CHUNK) {
    await tx
      .insertInto('incident_cases')
      .values(
        fresh.slice(i, i + CHUNK).map(({ incidentId, link }) => ({
          incident_id: incidentId,
          case_id: link.caseId,
          workspace_id: input.workspaceId,
          linked_by: 'rule' as const,
          linked_by_agent_id: null,
          linked_at: input.now,
          reply_message_id: null,
          reply_error: null,
        })),
      )
      .execute();
  }
  return fresh.map(({ incidentId, link }) => ({
    workspaceId: input.workspaceId,
    type: 'incident.case_linked',
    caseId: link.caseId,
    subjectId: incidentId,
    actor: { type: 'system' },
    payload: { by: 'rule', ruleId: link.rule.ruleId, rule: link.rule.name },
    occurredAt: input.now,
  }));
}
