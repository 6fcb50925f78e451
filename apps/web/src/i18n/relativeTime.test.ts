import { describe, expect, it } from 'vitest';
import { describeRelativeTime, formatRelativeTime } from './relativeTime.ts';

// Local-time constructors keep these tests independent of the machine's time zone.
const now = new Date(2025, 2, 14, 15, 30, 0);
const minutesBefore = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

const english = {
  'time.justNow': 'just now',
  'time.yesterday': 'yesterday',
  'time.minutesAgo': '{{count}} min ago',
  'time.hoursAgo': '{{count}} h ago',
  'time.daysAgo': '{{count}} days ago',
} as const;
const t = (key: keyof typeof english, options?: { count: number }) =>
  english[key].replace('{{count}}', String(options?.count ?? ''));

describe('describeRelativeTime', () => {
  it('reads the last minute, and a clock slightly ahead, as just now', () => {
    expect(describeRelativeTime(new Date(now.getTime() - 59_000), now)).toEqual({ kind: 'justNow' });
    expect(describeRelativeTime(new Date(now.getTime() + 5_000), now)).toEqual({ kind: 'justNow' });
  });

  it('counts whole minutes, then whole hours within a day', () => {
    expect(describeRelativeTime(minutesBefore(2), now)).toEqual({ kind: 'minutesAgo', count: 2 });
    expect(describeRelativeTime(minutesBefore(59), now)).toEqual({ kind: 'minutesAgo', count: 59 });
    expect(describeRelativeTime(minutesBefore(60), now)).toEqual({ kind: 'hoursAgo', count: 1 });
    expect(describeRelativeTime(minutesBefore(23 * 60 + 59), now)).toEqual({ kind: 'hoursAgo', count: 23 });
  });

  it('counts calendar days within a week, then gives a date', () => {
    expect(describeRelativeTime(new Date(2025, 2, 13, 9, 0), now)).toEqual({ kind: 'yesterday' });
    expect(describeRelativeTime(new Date(2025, 2, 11, 23, 0), now)).toEqual({ kind: 'daysAgo', count: 3 });
    expect(describeRelativeTime(new Date(2025, 2, 1), now)).toEqual({ kind: 'date', sameYear: true });
    expect(describeRelativeTime(new Date(2024, 11, 31), now)).toEqual({ kind: 'date', sameYear: false });
  });
});

describe('formatRelativeTime', () => {
  it('uses the translations for recent times', () => {
    expect(formatRelativeTime(minutesBefore(2), now, 'en', t)).toBe('2 min ago');
    expect(formatRelativeTime(new Date(2025, 2, 13, 9, 0), now, 'en', t)).toBe('yesterday');
  });

  it('formats older times as a date in the agent’s locale', () => {
    expect(formatRelativeTime(new Date(2025, 2, 1), now, 'fr', t)).toBe('1 mars');
    expect(formatRelativeTime(new Date(2024, 11, 31), now, 'en', t)).toBe('Dec 31, 2024');
  });
});
