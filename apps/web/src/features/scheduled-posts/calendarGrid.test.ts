import { describe, expect, it } from 'vitest';
import { dayKey, fromLocalInput, postsByDay, shift, toLocalInput, visibleDays, visibleRange } from './calendarGrid.ts';
import type { ScheduledPost } from '@guichet/contracts';

const post = (id: string, publishAt: string, sentAt: string | null = null): ScheduledPost => ({
  id,
  channel: { id: 'c', name: 'Acme', handle: 'acme' },
  text: id,
  publishAt,
  origin: 'manual',
  status: sentAt ? 'sent' : 'scheduled',
  url: null,
  externalId: null,
  sentAt,
  error: null,
  attempts: 0,
  createdBy: null,
  createdAt: publishAt,
  updatedAt: publishAt,
});

describe('calendar grid (local time)', () => {
  it('covers a month with whole weeks starting on Monday', () => {
    // March 2026 starts on a Sunday and ends on a Tuesday.
    const days = visibleDays(new Date(2026, 2, 15), 'month');
    expect(days.length % 7).toBe(0);
    expect(dayKey(days[0]!)).toBe('2026-02-23');
    expect(days[0]!.getDay()).toBe(1);
    expect(dayKey(days.at(-1)!)).toBe('2026-04-05');
    // Every day is there once, across the daylight-saving change at the end of March.
    expect(new Set(days.map(dayKey)).size).toBe(days.length);
  });

  it('shows the seven days of a week and moves by week or month', () => {
    const days = visibleDays(new Date(2026, 2, 29), 'week');
    expect(days.map(dayKey)).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
    expect(dayKey(shift(new Date(2026, 0, 31), 'month', 1))).toBe('2026-02-01');
    expect(dayKey(shift(new Date(2026, 2, 29), 'week', -1))).toBe('2026-03-22');
    const range = visibleRange(days);
    expect(new Date(range.to).getTime() - new Date(range.from).getTime()).toBeGreaterThan(6 * 86_400_000);
  });

  it('files sent posts on the day they went out, others on their planned day', () => {
    const planned = new Date(2026, 4, 4, 9, 30);
    const late = new Date(2026, 4, 5, 0, 10);
    const byDay = postsByDay([
      post('b', new Date(2026, 4, 4, 23, 59).toISOString(), late.toISOString()),
      post('a', planned.toISOString()),
    ]);
    expect(byDay.get('2026-05-04')?.map((p) => p.id)).toEqual(['a']);
    expect(byDay.get('2026-05-05')?.map((p) => p.id)).toEqual(['b']);
  });

  it('round-trips datetime-local values and refuses incomplete ones', () => {
    const date = new Date(2026, 9, 25, 2, 30);
    expect(toLocalInput(date)).toBe('2026-10-25T02:30');
    expect(fromLocalInput('2026-10-25T02:30')?.getTime()).toBe(date.getTime());
    expect(fromLocalInput('2026-10-25')).toBeNull();
    expect(fromLocalInput('')).toBeNull();
  });
});
