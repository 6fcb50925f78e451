import type { BusinessHours } from '@guichet/contracts';

/**
 * Business-time arithmetic over a weekly schedule in a time zone, with holidays. Windows are computed per
 * local day and converted to instants through `Intl`, so a day that is 23 or 25 hours long (daylight-saving
 * changes) counts exactly the hours the desk is open that day. Times are integer milliseconds.
 */
export interface BusinessCalendar {
  timeZone: string;
  /** Monday first: open minutes [start, end) of each weekday, in local time. */
  week: readonly (readonly [number, number])[][];
  holidays: ReadonlySet<string>;
  /** Instants [from, to) that never count, sorted by start: the workspace's away periods (F20). */
  excluded?: readonly (readonly [number, number])[];
}

/** Open every minute of every day: a clock counted around the clock, before away periods are removed. */
const AROUND_THE_CLOCK: BusinessCalendar = {
  timeZone: 'UTC',
  week: Array.from({ length: 7 }, () => [[0, 1440] as const]),
  holidays: new Set(),
};

/**
 * The same calendar with some intervals that never count (away periods). No calendar means around the
 * clock; with no interval to remove it stays as it was, so plain clock arithmetic keeps its fast path.
 */
export function withExclusions(
  calendar: BusinessCalendar | null,
  intervals: readonly (readonly [number, number])[],
): BusinessCalendar | null {
  const kept = intervals.filter(([from, to]) => to > from);
  if (kept.length === 0) return calendar;
  return { ...(calendar ?? AROUND_THE_CLOCK), excluded: [...kept].sort((a, b) => a[0] - b[0]) };
}

const DAY_MS = 86_400_000;
/** Ten years of days: a schedule with no open hour at all cannot loop forever. */
const MAX_DAYS = 3_700;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function toCalendar(hours: BusinessHours): BusinessCalendar {
  return {
    timeZone: hours.timeZone,
    week: hours.week.map((day) =>
      day.map((interval) => [minutesOf(interval.start), minutesOf(interval.end)] as const).sort((a, b) => a[0] - b[0]),
    ),
    holidays: new Set(hours.holidays.map((holiday) => holiday.date)),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `Intl` knows this IANA time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of an instant, read as if it were UTC (so Date.UTC fields give the local fields). */
function wallClock(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** Local time minus UTC at this instant, in ms (+3 600 000 for Paris in winter). */
export function zoneOffset(timeZone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(timeZone, whole) - whole;
}

/**
 * The instant of a local wall time. A time skipped by a spring-forward change maps to the same distance
 * after the change (02:30 → 03:30); a repeated time maps to its first occurrence.
 */
export function localToInstant(timeZone: string, localAsUtc: number): number {
  // Offset changes are months apart: the offsets half a day either side are the two that can apply.
  const before = localAsUtc - zoneOffset(timeZone, localAsUtc - 43_200_000);
  const after = localAsUtc - zoneOffset(timeZone, localAsUtc + 43_200_000);
  const valid = [before, after].filter((instant) => instant + zoneOffset(timeZone, instant) === localAsUtc);
  return valid.length > 0 ? Math.min(...valid) : before;
}

const isoDate = (localDayUtc: number) => new Date(localDayUtc).toISOString().slice(0, 10);

/** Open windows [start, end) as instants, in order, from the local day containing `from` - 1 onwards. */
function* windows(calendar: BusinessCalendar, from: number): Generator<readonly [number, number]> {
  const excluded = calendar.excluded ?? [];
  if (excluded.length === 0) {
    yield* scheduleWindows(calendar, from);
    return;
  }
  for (const [open, close] of scheduleWindows(calendar, from)) {
    let start = open;
    for (const [gapFrom, gapTo] of excluded) {
      if (gapTo <= start || gapFrom >= close) continue;
      if (gapFrom > start) yield [start, gapFrom];
      start = Math.max(start, gapTo);
      if (start >= close) break;
    }
    if (start < close) yield [start, close];
  }
}

function* scheduleWindows(calendar: BusinessCalendar, from: number): Generator<readonly [number, number]> {
  const localNow = wallClock(calendar.timeZone, from);
  const firstDay = Math.floor(localNow / DAY_MS) * DAY_MS - DAY_MS;
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = firstDay + i * DAY_MS;
    if (calendar.holidays.has(isoDate(day))) continue;
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    for (const [start, end] of calendar.week[weekday] ?? []) {
      yield [
        localToInstant(calendar.timeZone, day + start * 60_000),
        localToInstant(calendar.timeZone, day + end * 60_000),
      ];
    }
  }
}

/** The instant when `durationMs` of open time has passed after `start` (no calendar: plain clock time). */
export function addBusinessTime(calendar: BusinessCalendar | null, start: number, durationMs: number): number {
  if (!calendar || durationMs <= 0) return start + durationMs;
  let left = durationMs;
  for (const [open, close] of windows(calendar, start)) {
    if (close <= start) continue;
    const from = Math.max(open, start);
    if (close - from >= left) return from + left;
    left -= close - from;
  }
  // A schedule with no open hour in ten years: count around the clock rather than never fall due.
  return start + durationMs;
}

/** Open time between two instants (0 when `to` ≤ `from`). */
export function businessTimeBetween(calendar: BusinessCalendar | null, from: number, to: number): number {
  if (to <= from) return 0;
  if (!calendar) return to - from;
  let total = 0;
  for (const [open, close] of windows(calendar, from)) {
    if (open >= to) break;
    if (close <= from) continue;
    total += Math.min(close, to) - Math.max(open, from);
  }
  return total;
}

/**
 * The instant `durationMs` of open time before `end` (the inverse of addBusinessTime), found by bisection
 * over businessTimeBetween, which only grows as its start moves back. Used when a clock's target shrinks
 * below the time already counted: its due time lies in the past.
 */
export function subtractBusinessTime(calendar: BusinessCalendar | null, end: number, durationMs: number): number {
  if (!calendar || durationMs <= 0) return end - durationMs;
  let span = durationMs;
  // Ten years back at most, like addBusinessTime: past that, count around the clock.
  while (businessTimeBetween(calendar, end - span, end) < durationMs) {
    span *= 2;
    if (span > MAX_DAYS * DAY_MS) return end - durationMs;
  }
  let low = end - span;
  let high = end;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (businessTimeBetween(calendar, middle, end) >= durationMs) low = middle;
    else high = middle;
  }
  return low;
}

/** Whether the desk is open at this instant. */
export function isOpenAt(calendar: BusinessCalendar | null, at: number): boolean {
  return businessTimeBetween(calendar, at, at + 1) === 1;
}
