import type { SlaPolicy } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

/**
 * Defaults: first response P1 15 min, P2 1 h, P3 4 h, P4 24 h. P1 counts around the clock (an outage does not
 * wait for Monday); the others count in business hours — which is around the clock until hours are set —
 * and stop during away periods (F20).
 */
export const DEFAULT_SLA_POLICIES: readonly SlaPolicy[] = [
  {
    priority: 1,
    firstResponseMinutes: 15,
    nextResponseMinutes: 30,
    resolutionMinutes: 8 * 60,
    businessHours: false,
    pauseWhenPending: true,
    pauseDuringAbsence: false,
  },
  {
    priority: 2,
    firstResponseMinutes: 60,
    nextResponseMinutes: 2 * 60,
    resolutionMinutes: 24 * 60,
    businessHours: true,
    pauseWhenPending: true,
    pauseDuringAbsence: true,
  },
  {
    priority: 3,
    firstResponseMinutes: 4 * 60,
    nextResponseMinutes: 8 * 60,
    resolutionMinutes: 3 * 24 * 60,
    businessHours: true,
    pauseWhenPending: true,
    pauseDuringAbsence: true,
  },
  {
    priority: 4,
    firstResponseMinutes: 24 * 60,
    nextResponseMinutes: 24 * 60,
    resolutionMinutes: 7 * 24 * 60,
    businessHours: true,
    pauseWhenPending: true,
    pauseDuringAbsence: true,
  },
];

/** A case without a priority yet is held to P3. */
export const PRIORITY_WITHOUT_TRIAGE = 3;

export async function readSlaPolicies(db: DbOrTx, workspaceId: string): Promise<SlaPolicy[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId).execute();
  return DEFAULT_SLA_POLICIES.map((fallback) => {
    const row = rows.find((r) => Number(r.priority) === fallback.priority);
    return row
      ? {
          priority: fallback.priority,
          firstResponseMinutes: Number(row.first_response_minutes),
          nextResponseMinutes: row.next_response_minutes === null ? null : Number(row.next_response_minutes),
          resolutionMinutes: row.resolution_minutes === null ? null : Number(row.resolution_minutes),
          businessHours: Number(row.business_hours) === 1,
          pauseWhenPending: Number(row.pause_when_pending) === 1,
          pauseDuringAbsence: Number(row.pause_during_absence) === 1,
        }
      : { ...fallback };
  });
}

export async function writeSlaPolicies(
  db: DbOrTx,
  workspaceId: string,
  policies: readonly SlaPolicy[],
  agentId: string | null,
  now: number,
): Promise<void> {
  await db.deleteFrom('sla_policies').where('workspace_id', '=', workspaceId).execute();
  await db
    .insertInto('sla_policies')
    .values(
      policies.map((p) => ({
        workspace_id: workspaceId,
        priority: p.priority,
        first_response_minutes: p.firstResponseMinutes,
        next_response_minutes: p.nextResponseMinutes,
        resolution_minutes: p.resolutionMinutes,
        business_hours: p.businessHours ? 1 : 0,
        pause_when_pending: p.pauseWhenPending ? 1 : 0,
        pause_during_absence: p.pauseDuringAbsence ? 1 : 0,
        updated_by: agentId,
        updated_at: now,
      })),
    )
    .execute();
}
