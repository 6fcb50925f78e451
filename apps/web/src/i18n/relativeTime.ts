/** What a timestamp should read as, relative to now; the caller translates it. */
export type RelativeTime =
  | { kind: 'justNow' }
  | { kind: 'minutesAgo'; count: number }
  | { kind: 'hoursAgo'; count: number }
  | { kind: 'yesterday' }
  | { kind: 'daysAgo'; count: number }
  | { kind: 'date'; sameYear: boolean };

const minute = 60_000;
const hour = 60 * minute;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * Minutes and hours for the last day, calendar days for the last week, a date beyond.
 * Slightly future times (clock skew between server and browser) read as "just now".
 */
export function describeRelativeTime(date: Date, now: Date): RelativeTime {
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < minute) return { kind: 'justNow' };
  if (elapsed < hour) return { kind: 'minutesAgo', count: Math.floor(elapsed / minute) };
  if (elapsed < 24 * hour) return { kind: 'hoursAgo', count: Math.floor(elapsed / hour) };
  // Calendar days, rounded, so that a daylight-saving shift cannot make a 23- or 25-hour day.
  const days = Math.round((startOfDay(now) - startOfDay(date)) / (24 * hour));
  if (days <= 1) return { kind: 'yesterday' };
  if (days < 7) return { kind: 'daysAgo', count: days };
  return { kind: 'date', sameYear: date.getFullYear() === now.getFullYear() };
}

type Translate = (
  key: 'time.justNow' | 'time.yesterday' | 'time.minutesAgo' | 'time.hoursAgo' | 'time.daysAgo',
  options?: { count: number },
) => string;

export function formatRelativeTime(date: Date, now: Date, locale: string, t: Translate): string {
  const relative = describeRelativeTime(date, now);
  switch (relative.kind) {
    case 'justNow':
      return t('time.justNow');
    case 'minutesAgo':
      return t('time.minutesAgo', { count: relative.count });
    case 'hoursAgo':
      return t('time.hoursAgo', { count: relative.count });
    case 'yesterday':
      return t('time.yesterday');
    case 'daysAgo':
      return t('time.daysAgo', { count: relative.count });
    case 'date':
      return new Intl.DateTimeFormat(locale, {
        day: 'numeric',
        month: 'short',
        ...(relative.sameYear ? {} : { year: 'numeric' }),
      }).format(date);
  }
}

/** The full date and time, for tooltips and `<time title>`. */
export function formatFullDateTime(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
}

/** A compact date and time for message headers. */
export function formatMessageDateTime(date: Date, now: Date, locale: string): string {
  const sameDay = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(
    locale,
    sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' },
  ).format(date);
}
