import type { SlaMetric, SlaPolicy } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { recordEvents } from '../events/events.repository.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import {
  addBusinessTime,
  businessTimeBetween,
  subtractBusinessTime,
  withExclusions,
  type BusinessCalendar,
} from '../business-hours/business-time.ts';
import { absenceIntervals } from '../absence/absence.repository.ts';
import { PRIORITY_WITHOUT_TRIAGE } from './sla.policies.ts';

/** What the sweep tells the realtime bus once the transaction has committed. */
export interface SlaBreachNotice {
  workspaceId: string;
  caseId: string;
  metric: SlaMetric;
  agentIds: string[];
  at: number;
}

type Clock = Row<'sla_clocks'>;

/**
 * The clocks of one case inside one transaction. Each change is applied at the time of the event that
 * caused it, so a sweep running late still counts from the right instant.
 */
/**
 * The instant a running clock falls due when `remaining` of its target is left at `at` (negative: that much
 * late already, so the due time lies before `at`).
 */
export function dueFrom(calendar: BusinessCalendar | null, at: number, remaining: number): number {
  return remaining >= 0 ? addBusinessTime(calendar, at, remaining) : subtractBusinessTime(calendar, at, -remaining);
}

/** Target time left at `at` of a running clock due at `due` (negative once late), in the clock's calendar. */
export function remainingAt(calendar: BusinessCalendar | null, at: number, due: number): number {
  return due > at ? businessTimeBetween(calendar, at, due) : -businessTimeBetween(calendar, due, at);
}

export class CaseClocks {
  private calendar: BusinessCalendar | null | undefined;
  private absences: (readonly [number, number])[] | undefined;
  readonly breaches: SlaBreachNotice[] = [];

  constructor(
    private readonly tx: DbOrTx,
    readonly caseRow: Row<'cases'>,
    private readonly policies: readonly SlaPolicy[],
    private active: Clock[],
  ) {}

  static async load(tx: DbOrTx, caseRow: Row<'cases'>, policies: readonly SlaPolicy[]): Promise<CaseClocks> {
    const active = await tx
      .selectFrom('sla_clocks')
      .selectAll()
      .where('case_id', '=', caseRow.id)
      .where('stopped_at', 'is', null)
      .execute();
    return new CaseClocks(tx, caseRow, policies, active);
  }

  private policy(): SlaPolicy {
    // A rule's "apply SLA policy" holds the case to another priority's targets than its own.
    const priority = this.caseRow.sla_priority ?? this.caseRow.priority ?? PRIORITY_WITHOUT_TRIAGE;
    return this.policies.find((p) => p.priority === priority) ?? this.policies[2]!;
  }

  /** The clock's calendar: business hours or around the clock, minus away periods when its policy says so. */
  private async calendarOf(clock: { business_hours: number; pause_during_absence: number }) {
    let calendar: BusinessCalendar | null = null;
    if (Number(clock.business_hours) === 1) {
      if (this.calendar === undefined) {
        this.calendar = await calendarFor(this.tx, this.caseRow.workspace_id, this.caseRow.team_id);
      }
      calendar = this.calendar;
    }
    if (Number(clock.pause_during_absence) !== 1) return calendar;
    this.absences ??= await absenceIntervals(this.tx, this.caseRow.workspace_id);
    return withExclusions(calendar, this.absences);
  }

  private targetOf(policy: SlaPolicy, metric: SlaMetric): number | null {
    return metric === 'first_response'
      ? policy.firstResponseMinutes
      : metric === 'next_response'
        ? policy.nextResponseMinutes
        : policy.resolutionMinutes;
  }

  /**
   * The case's priority changed (by triage, a rule or an agent): running and paused clocks take the new
   * policy's target, still counted from their original start with the same business-hours rule, so the
   * time already counted stays counted; a clock the new target makes late is breached at its new due time.
   */
  async retarget(at: number): Promise<void> {
    const policy = this.policy();
    for (const clock of this.active) {
      if (Number(clock.priority) === policy.priority) continue;
      const minutes = this.targetOf(policy, clock.metric);
      if (minutes === null) continue;
      const delta = minutes * 60_000 - Number(clock.target_ms);
      // The new priority's policy also says whether away periods count (an outage does not wait for Monday).
      const change: Partial<Clock> = {
        priority: policy.priority,
        target_ms: minutes * 60_000,
        pause_during_absence: policy.pauseDuringAbsence ? 1 : 0,
        updated_at: at,
      };
      if (clock.paused_at !== null) {
        change.remaining_ms = Number(clock.remaining_ms ?? 0) + delta;
      } else if (clock.due_at !== null) {
        const remaining = remainingAt(await this.calendarOf(clock), at, clock.due_at) + delta;
        change.due_at = dueFrom(
          await this.calendarOf({ ...clock, pause_during_absence: change.pause_during_absence! }),
          at,
          remaining,
        );
      }
      Object.assign(clock, change);
      await this.tx.updateTable('sla_clocks').set(change).where('id', '=', clock.id).execute();
      if (clock.paused_at === null && clock.due_at !== null && clock.due_at <= at) await this.breach(clock);
    }
  }

  activeOf(metric: SlaMetric): Clock | undefined {
    return this.active.find((clock) => clock.metric === metric);
  }

  async everStarted(metric: SlaMetric): Promise<boolean> {
    if (this.activeOf(metric)) return true;
    const row = await this.tx
      .selectFrom('sla_clocks')
      .select('id')
      .where('case_id', '=', this.caseRow.id)
      .where('metric', '=', metric)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Starts a clock unless one of that metric already runs or the policy sets no target for it. */
  async start(metric: SlaMetric, at: number): Promise<void> {
    if (this.activeOf(metric)) return;
    const policy = this.policy();
    const minutes = this.targetOf(policy, metric);
    if (minutes === null) return;
    const clock: Clock = {
      id: newId(at),
      workspace_id: this.caseRow.workspace_id,
      case_id: this.caseRow.id,
      metric,
      priority: policy.priority,
      target_ms: minutes * 60_000,
      business_hours: policy.businessHours ? 1 : 0,
      pause_when_pending: policy.pauseWhenPending ? 1 : 0,
      pause_during_absence: policy.pauseDuringAbsence ? 1 : 0,
      started_at: at,
      due_at: null,
      paused_at: null,
      remaining_ms: null,
      stopped_at: null,
      breached_at: null,
      updated_at: at,
    };
    clock.due_at = addBusinessTime(await this.calendarOf(clock), at, clock.target_ms);
    await this.tx.insertInto('sla_clocks').values(clock).execute();
    this.active.push(clock);
  }

  /** Stops a clock (met, or late: then its breach is recorded at its due time). */
  async stop(clock: Clock, at: number): Promise<void> {
    if (clock.paused_at === null && clock.due_at !== null && clock.due_at <= at) await this.breach(clock);
    await this.tx
      .updateTable('sla_clocks')
      .set({ stopped_at: at, updated_at: at })
      .where('id', '=', clock.id)
      .execute();
    this.active = this.active.filter((c) => c.id !== clock.id);
  }

  async stopAll(at: number, metrics?: readonly SlaMetric[]): Promise<void> {
    for (const clock of [...this.active]) {
      if (!metrics || metrics.includes(clock.metric)) await this.stop(clock, at);
    }
  }

  /** Pending on the customer or snoozed: the clocks whose policy says so keep their time left. */
  async pauseAll(at: number): Promise<void> {
    for (const clock of this.active) {
      if (clock.paused_at !== null || clock.due_at === null || Number(clock.pause_when_pending) !== 1) continue;
      if (clock.due_at <= at) await this.breach(clock);
      const calendar = await this.calendarOf(clock);
      const remaining = remainingAt(calendar, at, clock.due_at);
      Object.assign(clock, { paused_at: at, remaining_ms: remaining, due_at: null, updated_at: at });
      await this.tx
        .updateTable('sla_clocks')
        .set({ paused_at: at, remaining_ms: remaining, due_at: null, updated_at: at })
        .where('id', '=', clock.id)
        .execute();
    }
  }

  async resumeAll(at: number): Promise<void> {
    for (const clock of this.active) {
      if (clock.paused_at === null) continue;
      const remaining = Number(clock.remaining_ms ?? 0);
      const due = remaining > 0 ? addBusinessTime(await this.calendarOf(clock), at, remaining) : at + remaining;
      Object.assign(clock, { paused_at: null, remaining_ms: null, due_at: due, updated_at: at });
      await this.tx
        .updateTable('sla_clocks')
        .set({ paused_at: null, remaining_ms: null, due_at: due, updated_at: at })
        .where('id', '=', clock.id)
        .execute();
    }
  }

  /** Records the breach once (event + alerts for the assignee and the leads); the notice goes out after commit. */
  async breach(clock: Clock): Promise<void> {
    if (clock.breached_at !== null || clock.due_at === null) return;
    const at = clock.due_at;
    const updated = await this.tx
      .updateTable('sla_clocks')
      .set({ breached_at: at })
      .where('id', '=', clock.id)
      .where('breached_at', 'is', null)
      .executeTakeFirst();
    clock.breached_at = at;
    if (Number(updated.numUpdatedRows) === 0) return;
    const leads = await this.tx
      .selectFrom('agents')
      .select('id')
      .where('workspace_id', '=', this.caseRow.workspace_id)
      .where('role', 'in', ['admin', 'lead'])
      .where('disabled_at', 'is', null)
      .execute();
    const agentIds = [
      ...new Set([
        ...(this.caseRow.assignee_agent_id ? [this.caseRow.assignee_agent_id] : []),
        ...leads.map((l) => l.id),
      ]),
    ];
    const recordedAt = Math.max(at, clock.updated_at);
    if (agentIds.length > 0) {
      await this.tx
        .insertInto('sla_alerts')
        .values(
          agentIds.map((agentId) => ({
            id: newId(recordedAt),
            workspace_id: this.caseRow.workspace_id,
            agent_id: agentId,
            case_id: this.caseRow.id,
            clock_id: clock.id,
            created_at: recordedAt,
            read_at: null,
          })),
        )
        .execute();
    }
    await recordEvents(this.tx, [
      {
        workspaceId: this.caseRow.workspace_id,
        type: 'sla.breached',
        caseId: this.caseRow.id,
        subjectId: clock.id,
        actor: { type: 'system' },
        payload: {
          metric: clock.metric,
          priority: clock.priority,
          dueAt: new Date(at).toISOString(),
          targetMinutes: Math.round(Number(clock.target_ms) / 60_000),
          businessHours: Number(clock.business_hours) === 1,
          alerted: agentIds,
        },
        occurredAt: at,
      },
    ]);
    this.breaches.push({
      workspaceId: this.caseRow.workspace_id,
      caseId: this.caseRow.id,
      metric: clock.metric,
      agentIds,
      at,
    });
  }
}

/**
 * The workspace's away periods changed (one planned, started, ended early or cancelled): running clocks
 * that stop during absences keep the target time they had left at `at`, now counted in the new calendar.
 * Paused clocks need nothing: their time left is recounted when they resume.
 */
export async function rescheduleForAbsences(
  tx: DbOrTx,
  workspaceId: string,
  at: number,
  before: readonly (readonly [number, number])[],
  after: readonly (readonly [number, number])[],
): Promise<number> {
  const running = await tx
    .selectFrom('sla_clocks')
    .innerJoin('cases', 'cases.id', 'sla_clocks.case_id')
    .selectAll('sla_clocks')
    .select('cases.team_id')
    .where('sla_clocks.workspace_id', '=', workspaceId)
    .where('sla_clocks.stopped_at', 'is', null)
    .where('sla_clocks.paused_at', 'is', null)
    .where('sla_clocks.breached_at', 'is', null)
    .where('sla_clocks.due_at', 'is not', null)
    .where('sla_clocks.pause_during_absence', '=', 1)
    .execute();
  const calendars = new Map<string, BusinessCalendar | null>();
  let moved = 0;
  for (const clock of running) {
    let base: BusinessCalendar | null = null;
    if (Number(clock.business_hours) === 1) {
      const key = clock.team_id ?? '';
      if (!calendars.has(key)) calendars.set(key, await calendarFor(tx, workspaceId, clock.team_id));
      base = calendars.get(key) ?? null;
    }
    const remaining = remainingAt(withExclusions(base, before), at, Number(clock.due_at));
    const due = dueFrom(withExclusions(base, after), at, remaining);
    if (due === Number(clock.due_at)) continue;
    await tx.updateTable('sla_clocks').set({ due_at: due, updated_at: at }).where('id', '=', clock.id).execute();
    moved += 1;
  }
  return moved;
}
