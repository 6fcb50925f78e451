import type { SlaMetric, SlaPolicy } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { recordEvents } from '../events/events.repository.ts';
import { calendarFor } from '../business-hours/business-hours.repository.ts';
import { addBusinessTime, businessTimeBetween, type BusinessCalendar } from '../business-hours/business-time.ts';
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
export class CaseClocks {
  private calendar: BusinessCalendar | null | undefined;
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
    const priority = this.caseRow.priority ?? PRIORITY_WITHOUT_TRIAGE;
    return this.policies.find((p) => p.priority === priority) ?? this.policies[2]!;
  }

  private async calendarOf(clock: { business_hours: number }): Promise<BusinessCalendar | null> {
    if (Number(clock.business_hours) !== 1) return null;
    if (this.calendar === undefined) {
      this.calendar = await calendarFor(this.tx, this.caseRow.workspace_id, this.caseRow.team_id);
    }
    return this.calendar;
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
    const minutes =
      metric === 'first_response'
        ? policy.firstResponseMinutes
        : metric === 'next_response'
          ? policy.nextResponseMinutes
          : policy.resolutionMinutes;
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
      const remaining =
        clock.due_at > at
          ? businessTimeBetween(calendar, at, clock.due_at)
          : -businessTimeBetween(calendar, clock.due_at, at);
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
