import type { AssignRequest, CaseSummary, ChangeStatusRequest } from '@guichet/contracts';

/** The actions whose toast offers to take them back. */
export type UndoableAction = 'resolved' | 'snoozed' | 'assigned';

/** Which toast a status change gets, if any: resolving and snoozing can be undone. */
export function undoableStatus(request: ChangeStatusRequest): UndoableAction | null {
  if (request.status === 'resolved') return 'resolved';
  if (request.status === 'snoozed') return 'snoozed';
  return null;
}

/**
 * The request that puts the case's status back as it was. A snooze whose date has passed cannot be
 * restored as a snooze (the server refuses past dates), so the case comes back open.
 */
export function statusUndoRequest(previous: CaseSummary, now: Date): ChangeStatusRequest {
  if (previous.status === 'snoozed' && previous.snooze && new Date(previous.snooze.until) > now) {
    return {
      status: 'snoozed',
      snoozeUntil: previous.snooze.until,
      ...(previous.snooze.reminder ? { reminder: previous.snooze.reminder } : {}),
    };
  }
  return { status: previous.status === 'snoozed' ? 'open' : previous.status };
}

/** The request that gives the case back to whoever had it (nobody included). */
export function assignUndoRequest(previous: CaseSummary): AssignRequest {
  return { agentId: previous.assignee?.id ?? null, teamId: previous.team?.id ?? null };
}

/** Changes this browser made itself, so the alert watcher does not announce them back to the agent. */
const ownChanges = new Map<string, number>();
const ownChangeMemoryMs = 60_000;

export function noteOwnChange(caseId: string, at = Date.now()): void {
  ownChanges.set(caseId, at);
}

export function isOwnChange(caseId: string, at = Date.now()): boolean {
  const noted = ownChanges.get(caseId);
  if (noted === undefined) return false;
  if (at - noted > ownChangeMemoryMs) {
    ownChanges.delete(caseId);
    return false;
  }
  return true;
}
