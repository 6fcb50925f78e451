import { sql } from 'kysely';
import type { DatabaseHandle, Db, DbOrTx } from '../../platform/db/database.ts';
import { countBreachingSoon } from '../sla/sla.queries.ts';
import { viewStatuses } from './cases.filters.ts';

/**
 * The counts per view, read from counters the database keeps (migration 0021), never from a scan of
 * `cases`: the inbox asks for them on every load, and a grouped count over a million cases takes half a
 * second. Triggers keep `case_view_counts` and `case_due_counts` exact on every write; on PostgreSQL they
 * append to `case_count_deltas`, which readers add in and `foldCaseCountDeltas` folds away.
 */

type Dialect = DatabaseHandle['dialect'];

/** The hourly buckets of `case_due_counts` (the triggers divide by the same number). */
const HOUR_MS = 3_600_000;
/** One folder or repair at a time on PostgreSQL (an arbitrary key, the same everywhere). */
const COUNTERS_LOCK = 21_0021;

/** How many cases each view holds for this agent: a sum over a few counter rows. */
export async function countViews(db: DbOrTx, workspaceId: string, agentId: string) {
  const rows = await sql<{ status: string; assigneeKey: string; n: number | string }>`
    select status, assignee_key as "assigneeKey", sum(n) as n from (
      select status, assignee_key, n from case_view_counts where workspace_id = ${workspaceId}
      union all
      select status, assignee_key, n from case_count_deltas where workspace_id = ${workspaceId} and status is not null
    ) counted group by status, assignee_key`.execute(db);
  const counts = { mine: 0, unassigned: 0, all: 0, snoozed: 0, resolved: 0 };
  const is = (view: keyof typeof viewStatuses, status: string) =>
    (viewStatuses[view] as readonly string[]).includes(status);
  for (const row of rows.rows) {
    const n = Number(row.n);
    if (row.assigneeKey === agentId && is('mine', row.status)) counts.mine += n;
    if (row.assigneeKey === '' && is('unassigned', row.status)) counts.unassigned += n;
    if (is('all', row.status)) counts.all += n;
    if (row.status === 'snoozed') counts.snoozed += n;
    if (row.status === 'resolved') counts.resolved += n;
  }
  return counts;
}

/** How many open and pending complaints (the Complaints view): a few rows of `case_type_counts` (0028). */
export async function countComplaints(db: DbOrTx, workspaceId: string): Promise<number> {
  const statuses = viewStatuses.complaints;
  const row = await sql<{ n: number | string | null }>`
    select sum(n) as n from (
      select n from case_type_counts where workspace_id = ${workspaceId} and type_key = 'complaint'
        and status in (${sql.join(statuses)})
      union all
      select n from case_type_count_deltas where workspace_id = ${workspaceId} and type_key = 'complaint'
        and status in (${sql.join(statuses)})
    ) counted`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * Open and pending cases with a running SLA clock due at or before `now` (the Breached view): the hours
 * before the current one from the counters, the current hour from a short range of `cases_sla_due_idx`.
 */
export async function countBreached(db: DbOrTx, workspaceId: string, now: number): Promise<number> {
  const hour = Math.floor(now / HOUR_MS);
  const settled = await sql<{ n: number | string | null }>`
    select sum(n) as n from (
      select n from case_due_counts where workspace_id = ${workspaceId} and due_hour < ${hour}
      union all
      select n from case_count_deltas where workspace_id = ${workspaceId} and due_hour < ${hour}
    ) counted`.execute(db);
  const recent = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('sla_due_at', '>=', hour * HOUR_MS)
    .where('sla_due_at', '<=', now)
    .where('status', 'in', viewStatuses.breached)
    .executeTakeFirst();
  return Number(settled.rows[0]?.n ?? 0) + Number(recent?.n ?? 0);
}

/** How many cases the SLA views hold (the same cases as their lists). */
export async function countSlaViewCases(db: DbOrTx, workspaceId: string, now: number) {
  const [breachingSoon, breached] = await Promise.all([
    countBreachingSoon(db, workspaceId, now, viewStatuses.breaching_soon),
    countBreached(db, workspaceId, now),
  ]);
  return { breaching_soon: breachingSoon, breached };
}

/**
 * PostgreSQL: folds the deltas its triggers appended into the counters (deleting exactly the rows it adds),
 * then drops counters that fell to zero. One folder at a time; a second one skips its turn. Cheap when
 * there is nothing to fold; the scheduler runs it every round.
 */
export async function foldCaseCountDeltas(db: Db, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (dialect === 'postgres') {
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${COUNTERS_LOCK}) as locked`.execute(
        tx,
      );
      if (!lock.rows[0]?.locked) return;
      await sql`with moved as (
          delete from case_count_deltas returning workspace_id, status, assignee_key, due_hour, n),
        views as (
          insert into case_view_counts (workspace_id, status, assignee_key, n)
          select workspace_id, status, assignee_key, sum(n) from moved where status is not null
          group by workspace_id, status, assignee_key
          on conflict (workspace_id, status, assignee_key) do update set n = case_view_counts.n + excluded.n
          returning 1),
        dues as (
          insert into case_due_counts (workspace_id, due_hour, n)
          select workspace_id, due_hour, sum(n) from moved where due_hour is not null
          group by workspace_id, due_hour
          on conflict (workspace_id, due_hour) do update set n = case_due_counts.n + excluded.n
          returning 1)
        select (select count(*) from views) + (select count(*) from dues) as folded`.execute(tx);
      await sql`with moved as (
          delete from case_type_count_deltas returning workspace_id, type_key, status, n)
        insert into case_type_counts (workspace_id, type_key, status, n)
        select workspace_id, type_key, status, sum(n) from moved group by workspace_id, type_key, status
        on conflict (workspace_id, type_key, status) do update set n = case_type_counts.n + excluded.n`.execute(tx);
    } else {
      // SQLite's triggers count directly (one writer at a time): deltas only come from a copied database.
      await sql`insert into case_view_counts (workspace_id, status, assignee_key, n)
        select workspace_id, status, assignee_key, sum(n) from case_count_deltas where status is not null
        group by workspace_id, status, assignee_key
        on conflict (workspace_id, status, assignee_key) do update set n = n + excluded.n`.execute(tx);
      await sql`insert into case_due_counts (workspace_id, due_hour, n)
        select workspace_id, due_hour, sum(n) from case_count_deltas where due_hour is not null
        group by workspace_id, due_hour
        on conflict (workspace_id, due_hour) do update set n = n + excluded.n`.execute(tx);
      await tx.deleteFrom('case_count_deltas').execute();
      await sql`insert into case_type_counts (workspace_id, type_key, status, n)
        select workspace_id, type_key, status, sum(n) from case_type_count_deltas
        group by workspace_id, type_key, status
        on conflict (workspace_id, type_key, status) do update set n = n + excluded.n`.execute(tx);
      await tx.deleteFrom('case_type_count_deltas').execute();
    }
    await tx.deleteFrom('case_view_counts').where('n', '=', 0).execute();
    await tx.deleteFrom('case_due_counts').where('n', '=', 0).execute();
    await tx.deleteFrom('case_type_counts').where('n', '=', 0).execute();
  });
}

/**
 * Recomputes every counter of a workspace (or of all) from the cases themselves, and each case's earliest
 * running SLA due time from its clocks: the repair for a database written with the triggers missing (a
 * restore, a hand edit). Writers wait while it runs.
 */
export async function recomputeCaseCounters(db: Db, dialect: Dialect, workspaceId?: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (dialect === 'postgres') {
      await sql`lock table cases, sla_clocks in share row exclusive mode`.execute(tx);
      await sql`select pg_advisory_xact_lock(${COUNTERS_LOCK})`.execute(tx);
    }
    const inWorkspace = workspaceId === undefined ? sql`1 = 1` : sql`workspace_id = ${workspaceId}`;
    const earliest = sql`(select min(k.due_at) from sla_clocks k
      where k.workspace_id = cases.workspace_id and k.case_id = cases.id and k.stopped_at is null
        and k.due_at is not null)`;
    await sql`update cases set sla_due_at = ${earliest}
      where ${inWorkspace} and sla_due_at is distinct from ${earliest}`.execute(tx);
    for (const table of [
      'case_view_counts',
      'case_due_counts',
      'case_count_deltas',
      'case_type_counts',
      'case_type_count_deltas',
    ] as const) {
      await sql`delete from ${sql.table(table)} where ${inWorkspace}`.execute(tx);
    }
    await sql`insert into case_view_counts (workspace_id, status, assignee_key, n)
      select workspace_id, status, coalesce(assignee_agent_id, ''), count(*) from cases where ${inWorkspace}
      group by workspace_id, status, coalesce(assignee_agent_id, '')`.execute(tx);
    await sql`insert into case_due_counts (workspace_id, due_hour, n)
      select workspace_id, cast(sla_due_at / ${sql.lit(HOUR_MS)} as integer), count(*) from cases
      where ${inWorkspace} and status in ('open', 'pending') and sla_due_at is not null
      group by workspace_id, cast(sla_due_at / ${sql.lit(HOUR_MS)} as integer)`.execute(tx);
    await sql`insert into case_type_counts (workspace_id, type_key, status, n)
      select workspace_id, coalesce(type, ''), status, count(*) from cases where ${inWorkspace}
      group by workspace_id, coalesce(type, ''), status`.execute(tx);
  });
}
