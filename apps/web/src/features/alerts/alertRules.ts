import type { CaseSummary, NotificationPrefs, QueueOverview, RealtimeEvent } from '@guichet/contracts';

/** What an agent can be alerted about; each kind is one of the profile's notification choices. */
export type AlertKind = 'newP1' | 'breaches' | 'approvals' | 'assignedToMe';

export interface Alert {
  kind: AlertKind;
  /** The case to open when the agent clicks the notification; none for the approval queue. */
  caseId: string | null;
  /** Who the case is about (shown in the notification body); customer text, rendered as text only. */
  who: string | null;
  /** One notification per subject: a repeat with the same tag replaces the previous one. */
  tag: string;
}

/**
 * Remembers which cases a list has already shown, so only cases that newly join it alert. The first
 * look only learns: the cases waiting when the agent opens the console are not news.
 */
export class NewcomerTracker {
  private known: Set<string> | null = null;

  /** The cases in `cases` that were not in any earlier look. */
  newcomers(cases: readonly CaseSummary[]): CaseSummary[] {
    const first = this.known === null;
    const known = this.known ?? new Set<string>();
    const fresh = cases.filter((item) => !known.has(item.id));
    for (const item of cases) known.add(item.id);
    this.known = known;
    return first ? [] : fresh;
  }
}

const who = (item: CaseSummary) => item.contact.name || `@${item.contact.handle}`;

/** A P1 case that just reached the queue. Resolved ones are not work. */
export function newP1Alerts(cases: readonly CaseSummary[]): Alert[] {
  return cases
    .filter((item) => item.priority === 1 && item.status !== 'resolved')
    .map((item) => ({ kind: 'newP1', caseId: item.id, who: who(item), tag: `p1-${item.id}` }));
}

/** A case that was just given to this agent (by someone else, a rule or round-robin). */
export function assignedAlerts(cases: readonly CaseSummary[], selfId: string): Alert[] {
  return cases
    .filter((item) => item.assignee?.id === selfId && item.status !== 'resolved')
    .map((item) => ({ kind: 'assignedToMe', caseId: item.id, who: who(item), tag: `mine-${item.id}` }));
}

/** An SLA breach concerns the agents the server names (the assignee and the leads). */
export function breachAlert(event: RealtimeEvent, selfId: string): Alert | null {
  if (event.type !== 'sla.breached' || !event.agentIds.includes(selfId)) return null;
  return { kind: 'breaches', caseId: event.caseId, who: null, tag: `breach-${event.caseId}-${event.metric}` };
}

/** More replies waiting for approval than at the last look (null: not looked yet, nothing to compare). */
export function approvalsAlert(previous: number | null, current: number): Alert | null {
  if (previous === null || current <= previous) return null;
  return { kind: 'approvals', caseId: null, who: null, tag: 'approvals' };
}

/** Only the kinds the agent chose in the profile. */
export function wanted(alerts: readonly Alert[], prefs: NotificationPrefs): Alert[] {
  return alerts.filter((alert) => prefs[alert.kind]);
}

/** New work for this agent: open cases given to them plus the unassigned queue anyone may take. */
export function newWorkCount(overview: QueueOverview | undefined): number {
  if (!overview) return 0;
  return overview.counts.mine + overview.counts.unassigned;
}

const countPrefix = /^\(\d+\+?\) /;

/**
 * `(3) Reports · Guichet`: the count goes in front of whatever title the screen set (a title that already
 * has one gets the new count); the bare title when there is nothing waiting.
 */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(countPrefix, '');
  if (count <= 0) return bare;
  return `(${count > 99 ? '99+' : String(count)}) ${bare}`;
}
