import { defaultNotificationPrefs, type CaseSummary, type QueueOverview, type RealtimeEvent } from '@guichet/contracts';
import { describe, expect, it } from 'vitest';
import {
  NewcomerTracker,
  approvalsAlert,
  assignedAlerts,
  breachAlert,
  newP1Alerts,
  newWorkCount,
  titleWithCount,
  wanted,
} from './alertRules.ts';
import { assignUndoRequest, isOwnChange, noteOwnChange, statusUndoRequest, undoableStatus } from './undo.ts';

function summary(id: string, overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id,
    status: 'open',
    priority: 3,
    contact: { id: `c-${id}`, name: `Customer ${id}`, handle: `h${id}`, network: 'x', avatarUrl: null },
    preview: 'hello',
    openedAt: '2026-03-02T10:00:00.000Z',
    lastMessageAt: '2026-03-02T10:00:00.000Z',
    messageCount: 1,
    channelId: 'ch',
    assignee: null,
    team: null,
    tags: [],
    snooze: null,
    sla: null,
    ...overrides,
  } as CaseSummary;
}

describe('alerts', () => {
  it('announce only the cases that join a list after the first look', () => {
    const tracker = new NewcomerTracker();
    expect(tracker.newcomers([summary('a'), summary('b')])).toEqual([]);
    expect(tracker.newcomers([summary('c'), summary('a')]).map((c) => c.id)).toEqual(['c']);
    expect(tracker.newcomers([summary('c')])).toEqual([]);
  });

  it('tell of a new P1 and of a case given to me, not of resolved ones or other agents’ cases', () => {
    const p1 = newP1Alerts([summary('a', { priority: 1 }), summary('b', { priority: 1, status: 'resolved' })]);
    expect(p1).toEqual([{ kind: 'newP1', caseId: 'a', who: 'Customer a', tag: 'p1-a' }]);
    const me = { id: 'me', name: 'Me' };
    const other = { id: 'other', name: 'Other' };
    const mine = assignedAlerts([summary('a', { assignee: me }), summary('b', { assignee: other })], 'me');
    expect(mine.map((alert) => alert.caseId)).toEqual(['a']);
  });

  it('tell of a breach only the agents the server names, and of approvals only when more wait', () => {
    const event: RealtimeEvent = {
      type: 'sla.breached',
      caseId: 'a',
      metric: 'first_response',
      agentIds: ['me'],
      at: 'x',
    };
    expect(breachAlert(event, 'me')?.kind).toBe('breaches');
    expect(breachAlert(event, 'someone')).toBeNull();
    expect(approvalsAlert(null, 3)).toBeNull();
    expect(approvalsAlert(3, 2)).toBeNull();
    expect(approvalsAlert(2, 3)?.kind).toBe('approvals');
  });

  it('follow the profile’s choices', () => {
    const alerts = [...newP1Alerts([summary('a', { priority: 1 })]), approvalsAlert(0, 1)!];
    expect(wanted(alerts, { ...defaultNotificationPrefs, newP1: false }).map((a) => a.kind)).toEqual(['approvals']);
  });

  it('count new work in the tab title', () => {
    const counts = { mine: 2, unassigned: 3, all: 9, snoozed: 1, resolved: 4 } as QueueOverview['counts'];
    expect(newWorkCount({ counts, channels: [] })).toBe(5);
    expect(newWorkCount(undefined)).toBe(0);
    expect(titleWithCount('Guichet', 5)).toBe('(5) Guichet');
    expect(titleWithCount('Guichet', 0)).toBe('Guichet');
    expect(titleWithCount('Guichet', 250)).toBe('(99+) Guichet');
    expect(titleWithCount('(4) Reports · Guichet', 6)).toBe('(6) Reports · Guichet');
    expect(titleWithCount('(4) Guichet', 0)).toBe('Guichet');
  });
});

describe('undo', () => {
  const now = new Date('2026-03-02T12:00:00.000Z');

  it('offers undo after resolve and snooze only', () => {
    expect(undoableStatus({ status: 'resolved' })).toBe('resolved');
    expect(undoableStatus({ status: 'snoozed', snoozeUntil: '2026-03-03T09:00:00.000Z' })).toBe('snoozed');
    expect(undoableStatus({ status: 'open' })).toBeNull();
  });

  it('puts back the previous status, a snooze only while its date is ahead', () => {
    expect(statusUndoRequest(summary('a', { status: 'pending' }), now)).toEqual({ status: 'pending' });
    const snooze = { until: '2026-03-03T09:00:00.000Z', reminder: 'ask about the repair' };
    expect(statusUndoRequest(summary('a', { status: 'snoozed', snooze }), now)).toEqual({
      status: 'snoozed',
      snoozeUntil: snooze.until,
      reminder: 'ask about the repair',
    });
    const past = { until: '2026-03-01T09:00:00.000Z', reminder: null };
    expect(statusUndoRequest(summary('a', { status: 'snoozed', snooze: past }), now)).toEqual({ status: 'open' });
  });

  it('gives the case back to its previous assignee and team, nobody included', () => {
    expect(assignUndoRequest(summary('a'))).toEqual({ agentId: null, teamId: null });
    const previous = summary('a', { assignee: { id: 'ag', name: 'A' }, team: { id: 'tm', name: 'T' } });
    expect(assignUndoRequest(previous)).toEqual({ agentId: 'ag', teamId: 'tm' });
  });

  it('remembers this browser’s own changes for a minute', () => {
    noteOwnChange('case-1', 1_000);
    expect(isOwnChange('case-1', 30_000)).toBe(true);
    expect(isOwnChange('case-1', 62_000)).toBe(false);
    expect(isOwnChange('case-2', 1_000)).toBe(false);
  });
});
