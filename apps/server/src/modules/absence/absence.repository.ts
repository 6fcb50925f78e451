import type { AbsencePeriod } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The instants a period covers: from its start to its end, or to the moment it was ended early. */
export function periodInterval(row: Row<'absence_periods'>): readonly [number, number] {
  const from = Number(row.started_at ?? row.starts_at);
  const to = row.ended_at !== null ? Number(row.ended_at) : Number(row.ends_at);
  return [from, Math.max(from, to)];
}

/** The workspace's away periods (planned, under way or past; never cancelled ones) as intervals, oldest first. */
export async function absenceIntervals(db: DbOrTx, workspaceId: string): Promise<[number, number][]> {
  const rows = await db
    .selectFrom('absence_periods')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'cancelled')
    .orderBy('starts_at')
    .execute();
  return rows.map((row) => [...periodInterval(row)] as [number, number]);
}

export async function findPeriod(db: DbOrTx, workspaceId: string, id: string) {
  return db
    .selectFrom('absence_periods')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function activePeriod(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('absence_periods')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'active')
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
}

/** Newest first: what is planned and under way, then the last periods. */
export async function listPeriods(db: DbOrTx, workspaceId: string, limit = 50): Promise<AbsencePeriod[]> {
  const rows = await db
    .selectFrom('absence_periods')
    .selectAll()
    .select((eb) => [
      eb
        .selectFrom('absence_replies')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('absence_replies.period_id', '=', 'absence_periods.id')
        .as('answered'),
      eb
        .selectFrom('absence_cases')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('absence_cases.period_id', '=', 'absence_periods.id')
        .as('cases'),
    ])
    .where('workspace_id', '=', workspaceId)
    .orderBy('starts_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    startsAt: iso(row.starts_at)!,
    endsAt: iso(row.ends_at)!,
    note: row.note,
    channelId: row.channel_id,
    status: row.status,
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    answered: Number(row.answered ?? 0),
    cases: Number(row.cases ?? 0),
    createdAt: iso(row.created_at)!,
  }));
}
