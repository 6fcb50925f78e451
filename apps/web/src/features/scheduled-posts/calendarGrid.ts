import type { ScheduledPost } from '@guichet/contracts';

/**
 * The calendar's days, in the browser's time zone (the agent's): weeks start on Monday, days are built from
 * local year/month/day so a daylight-saving change never shifts a day.
 */
export type CalendarMode = 'month' | 'week';

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a local day; the key posts are grouped by. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** Monday of the date's week. */
export function startOfWeek(date: Date): Date {
  const offset = (date.getDay() + 6) % 7;
  return addDays(startOfDay(date), -offset);
}

/** The days a view shows: whole weeks covering the month, or the seven days of the week. */
export function visibleDays(anchor: Date, mode: CalendarMode): Date[] {
  if (mode === 'week') {
    const first = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, i) => addDays(first, i));
  }
  const firstOfMonth = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const lastOfMonth = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const first = startOfWeek(firstOfMonth);
  const days: Date[] = [];
  for (let day = first; day <= lastOfMonth || days.length % 7 !== 0; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The range to ask the server for: from the first visible day's midnight to the day after the last. */
export function visibleRange(days: Date[]): { from: string; to: string } {
  return { from: days[0]!.toISOString(), to: addDays(days.at(-1)!, 1).toISOString() };
}

/** The anchor of the previous or next month / week. */
export function shift(anchor: Date, mode: CalendarMode, direction: 1 | -1): Date {
  if (mode === 'week') return addDays(anchor, 7 * direction);
  return new Date(anchor.getFullYear(), anchor.getMonth() + direction, 1);
}

/** When a post belongs on the calendar: when it went out if sent, else when it is planned. */
export function postTime(post: ScheduledPost): Date {
  return new Date(post.sentAt ?? post.publishAt);
}

/** Posts grouped by local day, each day in time order. */
export function postsByDay(posts: ScheduledPost[]): Map<string, ScheduledPost[]> {
  const byDay = new Map<string, ScheduledPost[]>();
  for (const post of [...posts].sort((a, b) => postTime(a).getTime() - postTime(b).getTime())) {
    const key = dayKey(postTime(post));
    byDay.set(key, [...(byDay.get(key) ?? []), post]);
  }
  return byDay;
}

/** The value of an `<input type="datetime-local">` for a moment, in local time. */
export function toLocalInput(date: Date): string {
  return `${dayKey(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The moment an `<input type="datetime-local">` value means in local time; null when incomplete. */
export function fromLocalInput(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi);
  return Number.isNaN(date.getTime()) ? null : date;
}
