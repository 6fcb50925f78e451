import { slaBreachingSoonMs, type CaseSla, type CaseStatus, type SlaAlertList } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The most urgent live clock of each case: breached first, then the earliest due, then the paused ones. */
export async function slaOfCases(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, CaseSla>> {
  const byCase = new Map<string, CaseSla>();
  if (caseIds.length === 0) return byCase;
  const rows = await db
    .selectFrom('sla_clocks')
    .selectAll()
    .where('case_id', 'in', [...caseIds])
    .where('stopped_at', 'is', null)
    .execute();
  const rank = (row: (typeof rows)[number]) =>
    row.due_at === null ? Number.MAX_SAFE_INTEGER / 2 + Number(row.remaining_ms ?? 0) : Number(row.due_at);
  rows.sort((a, b) => rank(a) - rank(b));
  for (const row of rows) {
    if (byCase.has(row.case_id)) continue;
    const paused = row.due_at === null;
    byCase.set(row.case_id, {
      metric: row.metric,
      state: row.breached_at !== null && !paused ? 'breached' : paused ? 'paused' : 'running',
      dueAt: paused ? null : iso(Number(row.due_at)),
      remainingMs: paused ? Number(row.remaining_ms ?? 0) : null,
      breachedAt: row.breached_at === null ? null : iso(Number(row.breached_at)),
      businessHours: Number(row.business_hours) === 1,
    });
  }
  return byCase;
}

export type SlaView = 'breaching_soon' | 'breached';

/** The due-time bounds of a view: breached (due passed), breaching soon (due within the window). */
export function slaViewBounds(view: SlaView, now: number): { above: number | null; atMost: number } {
  return view === 'breached' ? { above: null, atMost: now } : { above: now, atMost: now + slaBreachingSoonMs };
}

/**
 * How many cases of the given statuses have a running clock due within the next window (the Breaching soon
 * view): a short range of the live clocks' due times, each case once however many of its clocks fall in it.
 */
export async function countBreachingSoon(
  db: DbOrTx,
  workspaceId: string,
  now: number,
  statuses: readonly CaseStatus[],
): Promise<number> {
  const bounds = slaViewBounds('breaching_soon', now);
  const clocks = db
    .selectFrom('sla_clocks')
    .select('sla_clocks.case_id')
    .where('sla_clocks.workspace_id', '=', workspaceId)
    .where('sla_clocks.stopped_at', 'is', null)
    .where('sla_clocks.due_at', '>', bounds.above ?? now)
    .where('sla_clocks.due_at', '<=', bounds.atMost)
    .groupBy('sla_clocks.case_id');
  const row = await db
    .selectFrom(clocks.as('due'))
    .innerJoin('cases', 'cases.id', 'due.case_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cases.status', 'in', [...statuses])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listSlaAlerts(db: DbOrTx, workspaceId: string, agentId: string): Promise<SlaAlertList> {
  const rows = await db
    .selectFrom('sla_alerts')
    .innerJoin('sla_clocks', 'sla_clocks.id', 'sla_alerts.clock_id')
    .innerJoin('cases', 'cases.id', 'sla_alerts.case_id')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .select([
      'sla_alerts.id as id',
      'sla_alerts.case_id as caseId',
      'sla_alerts.created_at as createdAt',
      'sla_alerts.read_at as readAt',
      'sla_clocks.metric as metric',
      'sla_clocks.priority as priority',
      'sla_clocks.breached_at as breachedAt',
      'contacts.name as contactName',
      'cases.preview as preview',
    ])
    .where('sla_alerts.workspace_id', '=', workspaceId)
    .where('sla_alerts.agent_id', '=', agentId)
    .orderBy('sla_alerts.created_at', 'desc')
    .orderBy('sla_alerts.id', 'desc')
    .limit(100)
    .execute();
  const unread = await db
    .selectFrom('sla_alerts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return {
    alerts: rows.map((row) => ({
      id: row.id,
      caseId: row.caseId,
      metric: row.metric,
      priority: row.priority === null ? null : Number(row.priority),
      dueAt: iso(Number(row.breachedAt ?? row.createdAt)),
      contactName: row.contactName,
      preview: row.preview,
      createdAt: iso(Number(row.createdAt)),
      readAt: row.readAt === null ? null : iso(Number(row.readAt)),
    })),
    unread: Number(unread?.n ?? 0),
  };
}
