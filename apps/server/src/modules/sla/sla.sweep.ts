import type { SlaPolicy } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { Row } from '../../platform/db/schema.ts';
import { CaseClocks, type SlaBreachNotice } from './sla.clocks.ts';
import { readSlaPolicies } from './sla.policies.ts';

export interface SlaDeps {
  db: Db;
  clock: Clock;
  realtime: RealtimeBus;
}

/** The events that move SLA clocks; the sweep reads them instead of hooking into each command. */
export const SLA_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'case.status_changed',
  'case.resolved',
  'case.reopened',
  // Priority raised or lowered (by a rule or an agent), or another policy applied: clocks take the new target.
  'case.priority_changed',
  'case.sla_policy_applied',
] as const;

/** Events may commit a little after their time: each sweep looks this far back for ones it has not applied. */
const RESCAN_MS = 5 * 60_000;
/** A desk that upgrades starts its clocks with the last day's activity, not its whole history. */
const FIRST_SWEEP_LOOKBACK_MS = 24 * 3_600_000;
const PAGE = 500;
const STATE_ID = 'events';

type EventRow = Pick<
  Row<'events'>,
  'id' | 'type' | 'case_id' | 'subject_id' | 'payload' | 'occurred_at' | 'workspace_id'
>;

function payloadOf(event: EventRow): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(event.payload);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Automatic messages (the away message of F20) are not the desk's answer: they leave the clocks running. */
const AUTOMATIC_KINDS = ['away_message'];

async function isAutomatic(tx: DbOrTx, messageId: string | null): Promise<boolean> {
  if (!messageId) return false;
  const message = await tx.selectFrom('messages').select('kind').where('id', '=', messageId).executeTakeFirst();
  return message !== undefined && AUTOMATIC_KINDS.includes(message.kind);
}

async function applyEvent(tx: DbOrTx, clocks: CaseClocks, event: EventRow): Promise<void> {
  const at = Number(event.occurred_at);
  const payload = payloadOf(event);
  // Triage may raise a case's priority as a new message comes in, without an event of its own: every event
  // first brings the running clocks to the case's current target.
  await clocks.retarget(at);
  switch (event.type) {
    case 'message.received': {
      if (!(await clocks.everStarted('first_response'))) {
        await clocks.start('first_response', at);
      } else if (!clocks.activeOf('first_response') && !clocks.activeOf('next_response')) {
        // The customer writes again after an answer: the next answer is due.
        await clocks.start('next_response', at);
      }
      await clocks.start('resolution', at);
      return;
    }
    case 'message.sent':
      if (await isAutomatic(tx, event.subject_id)) return;
      // The first reply that reached the network stops the response clock, met or late.
      await clocks.stopAll(at, ['first_response', 'next_response']);
      return;
    case 'case.status_changed': {
      const to = payload.to;
      const from = payload.from;
      if (to === 'pending' || to === 'snoozed') await clocks.pauseAll(at);
      else if (to === 'open' && (from === 'pending' || from === 'snoozed')) await clocks.resumeAll(at);
      return;
    }
    case 'case.resolved':
      await clocks.stopAll(at);
      return;
    case 'case.reopened':
      await clocks.resumeAll(at);
      await clocks.start('resolution', at);
      return;
  }
}

async function readCursor(db: DbOrTx, now: number): Promise<number> {
  const row = await db
    .selectFrom('sla_sweep_state')
    .select('events_after')
    .where('id', '=', STATE_ID)
    .executeTakeFirst();
  if (row) return Number(row.events_after);
  const start = now - FIRST_SWEEP_LOOKBACK_MS;
  await db
    .insertInto('sla_sweep_state')
    .values({ id: STATE_ID, events_after: start })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return start;
}

function publish(deps: SlaDeps, notices: readonly SlaBreachNotice[], now: number): void {
  for (const notice of notices) {
    const at = new Date(notice.at).toISOString();
    deps.realtime.publish(notice.workspaceId, {
      type: 'sla.breached',
      caseId: notice.caseId,
      metric: notice.metric,
      agentIds: notice.agentIds,
      at,
    });
    deps.realtime.publish(notice.workspaceId, {
      type: 'case.changed',
      caseId: notice.caseId,
      updatedAt: new Date(now).toISOString(),
    });
  }
}

/**
 * One SLA round, for the scheduler: apply the clock-moving events recorded since the last round (each once,
 * at its own time), then mark the running clocks that fell due as breached and alert. Idempotent.
 */
export async function runSlaSweep(deps: SlaDeps): Promise<{ applied: number; breached: number }> {
  const now = deps.clock.now().getTime();
  const cursor = await readCursor(deps.db, now);
  const from = cursor - RESCAN_MS;
  const policies = new Map<string, SlaPolicy[]>();
  const policiesOf = async (workspaceId: string) => {
    let list = policies.get(workspaceId);
    if (!list) {
      list = await readSlaPolicies(deps.db, workspaceId);
      policies.set(workspaceId, list);
    }
    return list;
  };
  let applied = 0;
  let breached = 0;
  let latest = cursor;
  for (;;) {
    const events = await deps.db
      .selectFrom('events')
      .select(['id', 'type', 'case_id', 'subject_id', 'payload', 'occurred_at', 'workspace_id'])
      .where('type', 'in', [...SLA_EVENT_TYPES])
      .where('case_id', 'is not', null)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('sla_applied_events').select('event_id').whereRef('event_id', '=', 'events.id'))),
      )
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const event of events) {
      const workspacePolicies = await policiesOf(event.workspace_id);
      const notices = await deps.db.transaction().execute(async (tx) => {
        // The marker makes each event apply once, even with two schedulers racing.
        const marked = await tx
          .insertInto('sla_applied_events')
          .values({ event_id: event.id, occurred_at: Number(event.occurred_at) })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .executeTakeFirst();
        if (Number(marked.numInsertedOrUpdatedRows ?? 0) === 0) return [];
        const caseRow = await tx.selectFrom('cases').selectAll().where('id', '=', event.case_id!).executeTakeFirst();
        if (!caseRow) return [];
        const clocks = await CaseClocks.load(tx, caseRow, workspacePolicies);
        await applyEvent(tx, clocks, event);
        return clocks.breaches;
      });
      publish(deps, notices, now);
      breached += notices.length;
      applied += 1;
      latest = Math.max(latest, Number(event.occurred_at));
    }
    if (events.length < PAGE) break;
  }
  if (latest > cursor) {
    await deps.db.updateTable('sla_sweep_state').set({ events_after: latest }).where('id', '=', STATE_ID).execute();
  }
  await deps.db
    .deleteFrom('sla_applied_events')
    .where('occurred_at', '<', from - 24 * 3_600_000)
    .execute();
  breached += await markDueBreaches(deps, now, policiesOf);
  return { applied, breached };
}

/** Running clocks past their due time: breached now, with alerts to the assignee and the leads. */
async function markDueBreaches(
  deps: SlaDeps,
  now: number,
  policiesOf: (workspaceId: string) => Promise<SlaPolicy[]>,
): Promise<number> {
  const due = await deps.db
    .selectFrom('sla_clocks')
    .select(['id', 'case_id', 'workspace_id'])
    .where('stopped_at', 'is', null)
    .where('breached_at', 'is', null)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(PAGE)
    .execute();
  let count = 0;
  for (const row of due) {
    const workspacePolicies = await policiesOf(row.workspace_id);
    const notices = await deps.db.transaction().execute(async (tx) => {
      const caseRow = await tx.selectFrom('cases').selectAll().where('id', '=', row.case_id).executeTakeFirst();
      if (!caseRow) return [];
      const clocks = await CaseClocks.load(tx, caseRow, workspacePolicies);
      const clock = clocks.activeOf(
        (await tx.selectFrom('sla_clocks').select('metric').where('id', '=', row.id).executeTakeFirstOrThrow()).metric,
      );
      if (clock && clock.id === row.id) await clocks.breach(clock);
      return clocks.breaches;
    });
    publish(deps, notices, now);
    count += notices.length;
  }
  return count;
}
