import { businessHoursSchema, type BusinessHours, type BusinessHoursSettings } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { toCalendar, type BusinessCalendar } from './business-time.ts';

function toHours(row: Row<'business_hours'>): BusinessHours | null {
  let parsed: unknown;
  try {
    parsed = { timeZone: row.time_zone, week: JSON.parse(row.week), holidays: JSON.parse(row.holidays) };
  } catch {
    return null;
  }
  const result = businessHoursSchema.safeParse(parsed);
  return result.success ? result.data : null;
}

export async function readBusinessHours(db: DbOrTx, workspaceId: string): Promise<BusinessHoursSettings> {
  const rows = await db
    .selectFrom('business_hours')
    .leftJoin('teams', 'teams.id', 'business_hours.team_id')
    .selectAll('business_hours')
    .select('teams.name as teamName')
    .where('business_hours.workspace_id', '=', workspaceId)
    .execute();
  let workspace: BusinessHours | null = null;
  const teams: BusinessHoursSettings['teams'] = [];
  for (const row of rows) {
    const hours = toHours(row);
    if (!hours) continue;
    if (row.team_id === null) workspace = hours;
    else teams.push({ teamId: row.team_id, teamName: row.teamName ?? '', hours });
  }
  teams.sort((a, b) => a.teamName.localeCompare(b.teamName));
  return { workspace, teams };
}

/** Sets (hours) or clears (null) the workspace's hours or a team's own. */
export async function writeBusinessHours(
  db: DbOrTx,
  scope: { workspaceId: string; teamId: string | null; agentId: string | null },
  hours: BusinessHours | null,
  now: number,
): Promise<void> {
  let remove = db.deleteFrom('business_hours').where('workspace_id', '=', scope.workspaceId);
  remove = scope.teamId === null ? remove.where('team_id', 'is', null) : remove.where('team_id', '=', scope.teamId);
  await remove.execute();
  if (!hours) return;
  await db
    .insertInto('business_hours')
    .values({
      id: newId(now),
      workspace_id: scope.workspaceId,
      team_id: scope.teamId,
      time_zone: hours.timeZone,
      week: JSON.stringify(hours.week),
      holidays: JSON.stringify([...hours.holidays].sort((a, b) => a.date.localeCompare(b.date))),
      updated_by: scope.agentId,
      updated_at: now,
    })
    .execute();
}

/** The calendar a case's clocks count in: its team's hours, else the workspace's, else none (24/7). */
export async function calendarFor(
  db: DbOrTx,
  workspaceId: string,
  teamId: string | null,
): Promise<BusinessCalendar | null> {
  const rows = await db
    .selectFrom('business_hours')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      teamId ? eb.or([eb('team_id', 'is', null), eb('team_id', '=', teamId)]) : eb('team_id', 'is', null),
    )
    .execute();
  const row = rows.find((r) => r.team_id !== null) ?? rows[0];
  const hours = row ? toHours(row) : null;
  return hours ? toCalendar(hours) : null;
}
